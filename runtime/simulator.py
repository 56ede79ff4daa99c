"""The simulated chip: an interpreter of ``tile.program`` over numpy.

Every buffer is one array of shape ``(cores, *buffer_shape)`` holding the
buffer on every core, so each tile op is one numpy call for the whole chip,
never a Python loop over cores. A plain walker over the program's ops is used
rather than ``xdsl.interpreter``: the state of a step is a handful of batched
arrays plus cycle counters, phases must be grouped across ops (a run of
exchanges reads the state left by the preceding sync), and xDSL's stock
arith/tensor implementations compute on scalars without a core axis.

What each op does
=================

- ``tile.alloc``: places the buffer, filled with NaN (0 for integers) so that
  reading it before writing shows. Enforces the chip's SRAM: a buffer ending
  beyond ``chip.sram_bytes`` or overlapping a buffer whose live range (alloc
  to last use, a use in a ``tile.repeat`` keeping it live to the loop's end)
  meets its own raises :class:`SimulationError` naming both buffers.
- ``tile.host_write`` / ``tile.host_read``: scatter / gather a host tensor by
  its ``#tile.block`` with one fancy index over a block view of the tensor (a
  block held by several cores is read from the lowest-numbered one). Host
  transfers are counted in ``host_bytes``, not in chip cycles.
- ``tile.compute``: runs its body with :mod:`t10.runtime.linalg_numpy` on the
  buffers' batched arrays. Cost: each linalg op of the body priced by its op
  class (from ``t10.passes.iteration_space``) with ``hwmodel.cost``, on the
  per-core buffer shapes; every core has the same shapes, so the max over cores
  is that cost. Consecutive computes form one compute phase.
- ``tile.exchange``: one gather ``dest[receivers] = source[senders]``. A
  maximal run of exchanges is one phase reading the state left by the
  preceding sync. Cost per receiving core: for each transfer it receives,
  ``cost.shift_cycles`` of the bytes plus the topology's latency between the
  two cores (a core sending to itself pays ``cost.copy_cycles`` instead, and
  nothing on the network); summed over the phase when the chip serves a
  receiver one sender at a time (``receiver_serialised``), else their max.
  The phase lasts as long as the busiest receiver.
- ``tile.sync``: ``chip.sync.cycles``; it closes a superstep.
- ``tile.repeat``: runs its body ``count`` times. ``tile.return``: the outputs.

Total cycles are the sum of the phases' cycles (bulk-synchronous phases do not
overlap).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from math import prod
from typing import Any

import numpy as np
import numpy.typing as npt
from xdsl.dialects.builtin import StringAttr, TensorType
from xdsl.ir import Block, Operation, SSAValue

from t10.dialects import tile
from t10.hwmodel import cost
from t10.hwmodel.chip import Chip, Mesh2D
from t10.passes.iteration_space import OpClass, iteration_space
from t10.runtime.linalg_numpy import Array, numpy_dtype, to_element_type
from t10.runtime.reference import execute_ops

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_COMBINERS: dict[str, tuple[np.ufunc, float]] = {
    "add": (np.add, 0.0),
    "mul": (np.multiply, 1.0),
    "max": (np.maximum, -np.inf),
    "min": (np.minimum, np.inf),
}
"""Each reduce-scatter combiner's ufunc and identity."""


class SimulationError(Exception):
    """A program the chip cannot run as written (SRAM overflow, overlapping buffers, ...)."""


@dataclass(frozen=True)
class Phase:
    """One bulk-synchronous phase: every core computes, syncs, or exchanges."""

    kind: str
    """``"compute"``, ``"sync"`` or ``"exchange"``."""
    label: str
    """What ran: the linalg ops of a compute phase, the buffers of an exchange."""
    superstep: int
    """Index of the superstep the phase belongs to (a sync closes one)."""
    start_cycle: float
    cycles: float
    """How long the phase lasts: its busiest core."""
    core_cycles: FloatArray | None = None
    """Per-core busy cycles when cores differ (exchanges); ``None``: every core is
    busy for ``cycles``."""
    operator: str = ""
    """The operator the phase's ops were made for (their ``t10.op`` attribute), if any."""


@dataclass(frozen=True)
class SimulationResult:
    """What a simulated run produced and what it cost."""

    outputs: list[Array]
    """The program's results (``tile.return``), as host tensors."""
    cycles: float
    """Chip cycles of the whole run: compute + exchange + sync."""
    compute_cycles: float
    exchange_cycles: float
    sync_cycles: float
    supersteps: int
    """Supersteps run: one per ``tile.sync`` executed."""
    peak_bytes_per_core: int
    """Most bytes of SRAM live at once on a core."""
    host_bytes: int
    """Bytes moved between host and chip by host_write/host_read (not in ``cycles``)."""
    cores: int
    """Cores the program runs on."""
    trace: list[Phase] = field(repr=False)
    """Every phase in execution order."""


@dataclass(frozen=True)
class _Placement:
    """Where a buffer lives and for how long, in static op positions."""

    name: str
    offset: int
    end: int
    first: int
    last: int

    def describe(self) -> str:
        return f"buffer {self.name} at bytes [{self.offset}, {self.end})"


def _compute_op_cycles(op: Operation, chip: Chip) -> float:
    """Cycles of one linalg op on one core, by the formula of its op class."""
    space = iteration_space(op)
    extents = space.loop_extents
    points = prod(extents)
    if space.op_class in (OpClass.CONTRACTION, OpClass.CONVOLUTION):
        inputs = [access for access in space.operands if not access.is_output and access.shape]
        output = next(access for access in space.operands if access.is_output)
        lhs, rhs = inputs[0].indexed_loops, inputs[1].indexed_loops
        batch = m = n = k = 1
        for loop, extent in enumerate(extents):
            if loop not in output.indexed_loops:
                k *= extent
            elif loop in lhs and loop in rhs:
                batch *= extent
            elif loop in rhs:
                n *= extent
            else:
                m *= extent
        return float(
            cost.contraction_cycles(
                chip,
                space.element_type,
                np.array(batch),
                np.array(m),
                np.array(k),
                np.array(n),
            )
        )
    if space.op_class == OpClass.REDUCTION:
        return float(cost.reduction_cycles(chip, np.array(points)))
    if space.op_class == OpClass.DATA_MOVEMENT:
        output = next(access for access in space.operands if access.is_output)
        written = prod(output.shape)
        return float(
            cost.copy_cycles(chip, np.array(written * chip.bytes_per_element(space.element_type)))
        )
    return float(cost.elementwise_cycles(chip, np.array(points)))


class _Machine:
    """The state of the chip while it runs one program."""

    def __init__(
        self,
        program: tile.ProgramOp,
        chip: Chip,
        progress: Callable[[Phase], None] | None,
    ):
        self.program = program
        self.chip = chip
        self.cores = program.cores.value.data
        self.progress = progress
        self.buffers: dict[SSAValue, Array] = {}
        self.host: dict[SSAValue, Array] = {}
        self.placements = self._placements()
        self.placed: list[_Placement] = []
        self.peak_bytes = 0
        self.host_bytes = 0
        self.trace: list[Phase] = []
        self.cycle = 0.0
        self.superstep = 0
        self.pending_compute: list[tuple[str, float]] = []
        self.operator = ""
        self.pending_exchanges: list[tile.ExchangeOp] = []
        self.compute_cost: dict[Operation, tuple[str, float]] = {}
        self.exchange_cost: dict[Operation, FloatArray] = {}
        self.box_cache: dict[tile.PlaceAttr, list[tuple[IntArray, IntArray, tuple[int, ...]]]] = {}
        self.masks: dict[tile.ComputeOp, list[tuple[IntArray, list[tuple[int, ...]]]]] = {}

    def _placements(self) -> dict[tile.AllocOp, _Placement]:
        """Every buffer's SRAM range and live range, as ``tile.program`` defines them."""
        position = {op: index for index, op in enumerate(self.program.body.walk())}
        placements: dict[tile.AllocOp, _Placement] = {}
        for index, op in enumerate(self.program.body.walk()):
            if not isinstance(op, tile.AllocOp):
                continue
            block = op.parent_block()
            last = position[op]
            for use in op.buffer.uses:
                user = use.operation
                while user.parent_block() is not block:
                    parent = user.parent_op()
                    assert parent is not None
                    user = parent
                last = max(last, position[user] + sum(1 for _ in user.walk()) - 1)
            name = f"%{op.buffer.name_hint}" if op.buffer.name_hint else f"#{index}"
            placements[op] = _Placement(name, op.offset_bytes(), op.end_bytes(), position[op], last)
        return placements

    def phase(self, kind: str, label: str, cycles: float, core_cycles: FloatArray | None = None):
        recorded = Phase(
            kind, label, self.superstep, self.cycle, cycles, core_cycles, self.operator
        )
        self.trace.append(recorded)
        self.cycle += cycles
        if self.progress is not None:
            self.progress(recorded)

    # Phases -----------------------------------------------------------------

    def flush(self) -> None:
        """End the running compute or exchange phase."""
        if self.pending_compute:
            labels = ", ".join(label for label, _ in self.pending_compute)
            self.phase("compute", labels, sum(cycles for _, cycles in self.pending_compute))
            self.pending_compute = []
        if self.pending_exchanges:
            self._run_exchanges(self.pending_exchanges)
            self.pending_exchanges = []

    def _run_exchanges(self, exchanges: Sequence[tile.ExchangeOp]) -> None:
        received = [(op, op.transfers(), self.buffers[op.source]) for op in exchanges]
        for op, transfers, source in received:
            dest = self.buffers[op.dest].copy()
            dest[transfers[:, 1]] = source[transfers[:, 0]]
            self.buffers[op.dest] = dest
        per_op = np.stack([self._exchange_cycles(op) for op in exchanges])
        core_cycles = (
            per_op.sum(axis=0) if self.chip.exchange.receiver_serialised else per_op.max(axis=0)
        )
        label = ", ".join(f"{self._name(op.source)} -> {self._name(op.dest)}" for op in exchanges)
        self.phase("exchange", label, float(core_cycles.max()), core_cycles)

    def _exchange_cycles(self, op: tile.ExchangeOp) -> FloatArray:
        """Cycles each core spends receiving this exchange's transfers."""
        if op not in self.exchange_cost:
            transfers = op.transfers()
            senders, receivers = transfers[:, 0], transfers[:, 1]
            byte_count = np.array(op.bytes_per_core())
            per_transfer = np.full(len(transfers), float(cost.shift_cycles(self.chip, byte_count)))
            topology = self.chip.topology
            if isinstance(topology, Mesh2D):
                # Priced once per exchange op and cached: not part of a step.
                per_transfer += np.vectorize(topology.latency_cycles, otypes=[float])(
                    senders, receivers
                )
            local = senders == receivers
            per_transfer[local] = float(cost.copy_cycles(self.chip, byte_count))
            core_cycles = np.zeros(self.cores)
            if self.chip.exchange.receiver_serialised:
                np.add.at(core_cycles, receivers, per_transfer)
            else:
                np.maximum.at(core_cycles, receivers, per_transfer)
            self.exchange_cost[op] = core_cycles
        return self.exchange_cost[op]

    # Ops --------------------------------------------------------------------

    def _name(self, value: SSAValue) -> str:
        owner = value.owner
        if isinstance(owner, tile.AllocOp):
            return self.placements[owner].name
        return f"%{value.name_hint}" if value.name_hint else "a buffer"

    def run_block(self, block: Block) -> None:
        for op in block.ops:
            if isinstance(op, tile.ExchangeOp):
                if self.pending_compute:
                    self.flush()
                self.operator = _operator(op)
                self.pending_exchanges.append(op)
                continue
            if isinstance(op, tile.ComputeOp):
                if self.pending_exchanges:
                    self.flush()
                self.operator = _operator(op)
                self.compute(op)
                continue
            self.flush()
            self.operator = _operator(op)
            if isinstance(op, tile.AllocOp):
                self.alloc(op)
            elif isinstance(op, tile.SyncOp):
                self.phase("sync", "tile.sync", self.chip.sync.cycles)
                self.superstep += 1
            elif isinstance(op, tile.HostWriteOp):
                self.host_write(op)
            elif isinstance(op, tile.HostReadOp):
                self.host_read(op)
            elif isinstance(op, tile.HostGatherOp):
                self.host_gather(op)
            elif isinstance(op, tile.RelayoutOp):
                self.relayout(op)
            elif isinstance(op, tile.ReduceScatterOp):
                self.reduce_scatter(op)
            elif isinstance(op, tile.RepeatOp):
                for _ in range(op.count.value.data):
                    self.run_block(op.body.block)
            elif not isinstance(op, tile.ReturnOp):
                raise SimulationError(f"{op.name} is not a tile op the simulator runs")

    def alloc(self, op: tile.AllocOp) -> None:
        placement = self.placements[op]
        if placement.end > self.chip.sram_bytes:
            raise SimulationError(
                f"{placement.describe()} ends beyond the {self.chip.sram_bytes} bytes of SRAM "
                f"per core of chip '{self.chip.name}'"
            )
        live = [
            other
            for other in self.placed
            if other is not placement
            and other.first <= placement.last
            and placement.first <= other.last
        ]
        for other in live:
            if other.offset < placement.end and placement.offset < other.end:
                raise SimulationError(
                    f"{placement.describe()} overlaps {other.describe()}, which is still live"
                )
        if placement not in self.placed:
            self.placed.append(placement)
        live_bytes = sum(
            other.end - other.offset for other in live if other.first <= placement.first
        )
        self.peak_bytes = max(self.peak_bytes, live_bytes + placement.end - placement.offset)
        buffer_type = op.buffer.type
        assert isinstance(buffer_type, tile.BufferType)
        dtype = numpy_dtype(buffer_type.element_type)
        fill = np.nan if np.issubdtype(dtype, np.floating) else 0
        self.buffers[op.buffer] = np.full((self.cores, *buffer_type.get_shape()), fill, dtype)

    def compute(self, op: tile.ComputeOp) -> None:
        if op not in self.compute_cost:
            linalg_ops = [inner for inner in op.body.block.ops if inner.name.startswith("linalg.")]
            label = ", ".join(inner.name for inner in linalg_ops)
            cycles = sum(_compute_op_cycles(inner, self.chip) for inner in linalg_ops)
            self.compute_cost[op] = (label, cycles)
        self.pending_compute.append(self.compute_cost[op])
        if op.steps is not None:
            self._compute_masked(op, op.steps)
            return
        block = op.body.block
        values: dict[SSAValue, Array] = {
            argument: self.buffers[buffer]
            for argument, buffer in zip(block.args, (*op.inputs, *op.outputs), strict=True)
        }
        execute_ops(block.ops, values)
        terminator = block.last_op
        assert isinstance(terminator, tile.YieldOp)
        for buffer, yielded in zip(op.outputs, terminator.arguments, strict=True):
            buffer_type = buffer.type
            assert isinstance(buffer_type, tile.BufferType)
            result = to_element_type(values[yielded], buffer_type.element_type)
            if result.shape[0] != self.cores:
                result = np.repeat(result, self.cores, axis=0)
            self.buffers[buffer] = result

    def _compute_masked(self, op: tile.ComputeOp, steps: tile.PlaceAttr) -> None:
        """Run ``op``'s body on each core's valid box of loops only, one numpy call per
        group of cores whose boxes have the same valid extents."""
        if op not in self.masks:
            self.masks[op] = _valid_groups(op, steps)
        block = op.body.block
        buffers = (*op.inputs, *op.outputs)
        arrays = [self.buffers[buffer] for buffer in buffers]
        results = [array.copy() for array in arrays[len(op.inputs) :]]
        terminator = block.last_op
        assert isinstance(terminator, tile.YieldOp)
        for cores, extents in self.masks[op]:
            regions = tuple(
                (cores, *(slice(0, extent) for extent in operand_extents))
                for operand_extents in extents
            )
            values: dict[SSAValue, Array] = {
                argument: array[region]
                for argument, array, region in zip(block.args, arrays, regions, strict=True)
            }
            execute_ops(block.ops, values, typed_shapes=False)
            for result, yielded, buffer, region in zip(
                results,
                terminator.arguments,
                op.outputs,
                regions[len(op.inputs) :],
                strict=True,
            ):
                buffer_type = buffer.type
                assert isinstance(buffer_type, tile.BufferType)
                result[region] = to_element_type(values[yielded], buffer_type.element_type)
        for buffer, result in zip(op.outputs, results, strict=True):
            self.buffers[buffer] = result

    def host_write(self, op: tile.HostWriteOp) -> None:
        tensor = self.host[op.tensor]
        layout = op.layout
        if isinstance(layout, tile.PlaceAttr):
            written = self._placed_into(tensor, op.dest, layout)
            dest_type = _buffer_type(op.dest)
            self.host_bytes += (
                written * dest_type.byte_size() // max(1, prod(dest_type.get_shape()))
            )
            return
        blocks = _blocks(tensor, layout.block_counts())
        indices = layout.block_indices()
        dest = self.buffers[op.dest].copy()
        dest[: len(indices)] = blocks[tuple(indices.T)]
        self.buffers[op.dest] = dest
        self.host_bytes += len(indices) * _buffer_bytes(op.dest)

    def host_read(self, op: tile.HostReadOp) -> None:
        layout = op.layout
        counts = layout.block_counts()
        indices = layout.block_indices()
        block_ids = np.ravel_multi_index(tuple(indices.T), counts)
        held, first_core = np.unique(block_ids, return_index=True)
        if len(held) != prod(counts):
            missing = sorted(set(range(prod(counts))) - set(held.tolist()))
            raise SimulationError(
                f"tile.host_read of {self._name(op.source)}: blocks "
                f"{[np.unravel_index(block, counts) for block in missing[:4]]} are on no core"
            )
        blocks = self.buffers[op.source][first_core]
        self.host[op.tensor] = _unblocks(blocks, counts)
        self.host_bytes += len(held) * _buffer_bytes(op.source)

    # Placed data ------------------------------------------------------------

    def _boxes(self, place: tile.PlaceAttr) -> list[tuple[IntArray, IntArray, tuple[int, ...]]]:
        """The cores of ``place`` grouped by the valid extents of their tensor boxes:
        (cores, their box origins, the extents); cores holding nothing are left out."""
        if place not in self.box_cache:
            origin, extents = place.tensor_boxes()
            held = np.flatnonzero((extents > 0).all(axis=1))
            rows, inverse = np.unique(extents[held], axis=0, return_inverse=True)
            inverse = inverse.reshape(-1)
            self.box_cache[place] = [
                (held[inverse == index], origin[held[inverse == index]], tuple(int(e) for e in row))
                for index, row in enumerate(rows)
            ]
        return self.box_cache[place]

    def _placed_into(self, image: Array, dest: SSAValue, place: tile.PlaceAttr) -> int:
        """Write the valid elements of ``dest`` under ``place`` from the host-shaped
        ``image`` (padding becomes zero); returns how many elements were written."""
        array = np.zeros_like(self.buffers[dest])
        written = 0
        for cores, origin, extents in self._boxes(place):
            windows = np.lib.stride_tricks.sliding_window_view(image, extents)
            array[(cores, *(slice(0, extent) for extent in extents))] = windows[tuple(origin.T)]
            written += len(cores) * prod(extents)
        self.buffers[dest] = array
        return written

    def _image(
        self, sources: Sequence[SSAValue], places: Sequence[tile.PlaceAttr], shape: Sequence[int]
    ) -> tuple[Array, BoolArray]:
        """The host tensor the ``sources`` hold under ``places``, and which of its elements
        some core holds."""
        dtype = self.buffers[sources[0]].dtype
        image = np.full(shape, np.nan if np.issubdtype(dtype, np.floating) else 0, dtype)
        covered = np.zeros(shape, dtype=bool)
        for source, place in zip(sources, places, strict=True):
            for cores, origin, extents in self._boxes(place):
                region = (cores, *(slice(0, extent) for extent in extents))
                for target, values in ((image, self.buffers[source][region]), (covered, True)):
                    windows = np.lib.stride_tricks.sliding_window_view(
                        target, extents, writeable=True
                    )
                    windows[tuple(origin.T)] = values
        return image, covered

    def host_gather(self, op: tile.HostGatherOp) -> None:
        tensor_type = op.tensor.type
        assert isinstance(tensor_type, TensorType)
        shape = tuple(tensor_type.get_shape())
        image, covered = self._image(list(op.sources), list(op.places.data), shape)
        if not covered.all():
            missing = np.unravel_index(int(np.flatnonzero(~covered)[0]), shape)
            raise SimulationError(
                f"tile.host_gather: element {[int(index) for index in missing]} of the "
                f"{list(shape)} tensor is on no core"
            )
        self.host[op.tensor] = image
        self.host_bytes += image.size * image.itemsize

    def relayout(self, op: tile.RelayoutOp) -> None:
        shape = op.tensor_shape()
        image, covered = self._image(list(op.sources), list(op.source_places.data), shape)
        for dest, place in zip(op.dests, op.dest_places.data, strict=True):
            for _, origin, extents in self._boxes(place):
                windows = np.lib.stride_tricks.sliding_window_view(covered, extents)
                if not windows[tuple(origin.T)].all():
                    raise SimulationError(
                        f"tile.relayout into {self._name(dest)}: some elements it needs are "
                        "on no core"
                    )
            self._placed_into(image, dest, place)
        core_cycles = self._relayout_cycles(op)
        label = ", ".join(self._name(dest) for dest in op.dests)
        self.phase("exchange", f"relayout -> {label}", float(core_cycles.max()), core_cycles)

    def _relayout_cycles(self, op: tile.RelayoutOp) -> FloatArray:
        """
        Per core: cycles to receive the valid destination elements that no source
        buffer on the core holds, one sender at a time. A core's buffers of one
        tensor hold disjoint slices, so what it holds of a destination box is the
        sum of the box's overlaps with them.
        """
        if op not in self.exchange_cost:
            sources = [place.tensor_boxes() for place in op.source_places.data]
            received = np.zeros(self.cores)
            for dest, place in zip(op.dests, op.dest_places.data, strict=True):
                origin, extents = place.tensor_boxes()
                cores = len(origin)
                wanted = np.prod(extents, axis=1).astype(np.float64)
                held = np.zeros(cores)
                for source_origin, source_extents in sources:
                    count = min(cores, len(source_origin))
                    low = np.maximum(origin[:count], source_origin[:count])
                    high = np.minimum(
                        (origin + extents)[:count], (source_origin + source_extents)[:count]
                    )
                    held[:count] += np.prod(np.maximum(high - low, 0), axis=1)
                dest_type = _buffer_type(dest)
                element_bytes = dest_type.byte_size() / max(1, prod(dest_type.get_shape()))
                received[:cores] += np.maximum(wanted - held, 0) * element_bytes
            self.exchange_cost[op] = np.asarray(cost.shift_cycles(self.chip, received))
        return self.exchange_cost[op]

    def reduce_scatter(self, op: tile.ReduceScatterOp) -> None:
        source_place, dest_place = op.source_place, op.dest_place
        cores = source_place.core_count()
        start, _ = source_place.loop_boxes()
        used = sorted(source_place.map.data.used_dims())
        _, group = np.unique(start[:, used], axis=0, return_inverse=True)
        group = group.reshape(-1)
        source = self.buffers[op.source][:cores]
        accumulator = source.astype(np.float64) if source.dtype.kind == "f" else source
        ufunc, identity = _COMBINERS[op.combiner.data]
        combined = np.full((int(group.max()) + 1, *source.shape[1:]), identity, accumulator.dtype)
        ufunc.at(combined, group, accumulator)
        source_origin, _ = source_place.tensor_boxes()
        dest_origin, _ = dest_place.tensor_boxes()
        dest_shape = _buffer_type(op.dest).get_shape()
        local = np.stack(np.unravel_index(np.arange(prod(dest_shape)), dest_shape), axis=1)
        within = (dest_origin - source_origin)[:, None, :] + local[None, :, :]
        within = np.minimum(within, np.asarray(source.shape[1:]) - 1)
        flat = np.asarray(
            np.ravel_multi_index(tuple(within.transpose(2, 0, 1)), source.shape[1:]), np.int64
        )
        chunks = np.take_along_axis(combined[group].reshape(cores, -1), flat, axis=1)
        dest = self.buffers[op.dest].copy()
        dest[:cores] = to_element_type(chunks, _buffer_type(op.dest).element_type).reshape(
            cores, *dest_shape
        )
        self.buffers[op.dest] = dest
        chunk_bytes = np.array(_buffer_type(op.dest).byte_size())
        name = self._name(op.source)
        for _ in range(op.copies() - 1):
            for _ in range(self.chip.sync.syncs_per_shift):
                self.phase("sync", "tile.reduce_scatter", self.chip.sync.cycles)
                self.superstep += 1
            self.phase(
                "exchange",
                f"reduce_scatter {name}",
                float(cost.shift_cycles(self.chip, chunk_bytes)),
            )
            self.phase(
                "compute",
                f"reduce_scatter {name} {op.combiner.data}",
                float(cost.elementwise_cycles(self.chip, np.array(prod(dest_shape)))),
            )


def _operator(op: Operation) -> str:
    """The operator ``op`` was made for: its ``t10.op`` attribute (set by t10-lower-to-tile)."""
    name = op.attributes.get("t10.op")
    return name.data if isinstance(name, StringAttr) else ""


def _buffer_type(value: SSAValue) -> tile.BufferType:
    buffer_type = value.type
    assert isinstance(buffer_type, tile.BufferType)
    return buffer_type


def _valid_groups(
    op: tile.ComputeOp, steps: tile.PlaceAttr
) -> list[tuple[IntArray, list[tuple[int, ...]]]]:
    """The cores of ``op`` grouped by the valid extents of their boxes of loops, with
    each group's valid extents of every operand (cores with an empty box do nothing)."""
    block = op.body.block
    structured = [inner for inner in block.ops if inner.name.startswith("linalg.")]
    if len(structured) != 1 or tuple(structured[0].operands) != tuple(block.args):
        raise SimulationError(
            "a tile.compute with steps must hold one linalg op on its block arguments in order"
        )
    space = iteration_space(structured[0])
    if space.num_loops != len(steps.loop_extents()):
        raise SimulationError(
            f"tile.compute steps place {len(steps.loop_extents())} loops but "
            f"{structured[0].name} has {space.num_loops}"
        )
    _, valid = steps.loop_boxes()
    active = np.flatnonzero((valid > 0).all(axis=1))
    rows, inverse = np.unique(valid[active], axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    groups: list[tuple[IntArray, list[tuple[int, ...]]]] = []
    for index, row in enumerate(rows):
        extents = [
            tuple(
                int(size)
                for size in np.asarray(access.coefficients).reshape(-1, len(row)) @ (row - 1) + 1
            )
            for access in space.operands
        ]
        groups.append((active[inverse == index], extents))
    return groups


def _buffer_bytes(value: SSAValue) -> int:
    buffer_type = value.type
    assert isinstance(buffer_type, tile.BufferType)
    return buffer_type.byte_size()


def _blocks(tensor: Array, counts: Sequence[int]) -> Array:
    """``tensor`` as an array of blocks: shape (*counts, *block_shape), a view."""
    rank = len(counts)
    block_shape = [size // count for size, count in zip(tensor.shape, counts, strict=True)]
    interleaved = [extent for pair in zip(counts, block_shape, strict=True) for extent in pair]
    return tensor.reshape(interleaved).transpose(*range(0, 2 * rank, 2), *range(1, 2 * rank, 2))


def _unblocks(blocks: Array, counts: Sequence[int]) -> Array:
    """The tensor whose blocks, ordered by block id, are ``blocks``: shape (blocks, *block)."""
    rank = len(counts)
    block_shape = blocks.shape[1:]
    grid = blocks.reshape(*counts, *block_shape)
    order = [axis for dim in range(rank) for axis in (dim, rank + dim)]
    return grid.transpose(order).reshape(
        [count * size for count, size in zip(counts, block_shape, strict=True)]
    )


def simulate(
    program: tile.ProgramOp,
    chip: Chip,
    inputs: Mapping[str, Array] | Sequence[Array],
    progress: Callable[[Phase], None] | None = None,
) -> SimulationResult:
    """Run ``program`` on ``chip`` with host tensors ``inputs`` (in argument order, or by
    argument name: ``a`` for ``%a``); ``progress`` is called with every phase as it ends."""
    cores = program.cores.value.data
    if cores > chip.cores:
        raise SimulationError(
            f"program @{program.sym_name.data} needs {cores} cores but chip "
            f"'{chip.name}' has {chip.cores}"
        )
    machine = _Machine(program, chip, progress)
    arguments = program.body.block.args
    names = [argument.name_hint or f"arg{index}" for index, argument in enumerate(arguments)]
    if isinstance(inputs, Mapping):
        missing = [name for name in names if name not in inputs]
        if missing:
            raise ValueError(f"no input given for arguments {missing} of @{program.sym_name.data}")
        ordered: list[Any] = [inputs[name] for name in names]
    else:
        ordered = list(inputs)
        if len(ordered) != len(arguments):
            raise ValueError(
                f"@{program.sym_name.data} takes {len(arguments)} arguments, got {len(ordered)}"
            )
    for name, argument, given in zip(names, arguments, ordered, strict=True):
        argument_type = argument.type
        assert isinstance(argument_type, TensorType)
        array = np.asarray(given)
        if array.shape != tuple(argument_type.get_shape()):
            raise ValueError(
                f"input {name} has shape {list(array.shape)}, but the argument is {argument_type}"
            )
        machine.host[argument] = to_element_type(array, argument_type.get_element_type())
    machine.run_block(program.body.block)
    machine.flush()
    terminator = program.body.block.last_op
    assert isinstance(terminator, tile.ReturnOp)

    def total(kind: str) -> float:
        return sum(phase.cycles for phase in machine.trace if phase.kind == kind)

    return SimulationResult(
        outputs=[machine.host[value] for value in terminator.values],
        cycles=machine.cycle,
        compute_cycles=total("compute"),
        exchange_cycles=total("exchange"),
        sync_cycles=total("sync"),
        supersteps=machine.superstep,
        peak_bytes_per_core=machine.peak_bytes,
        host_bytes=machine.host_bytes,
        cores=cores,
        trace=machine.trace,
    )
