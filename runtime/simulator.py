"""The simulated chip: an interpreter of ``tile.program`` over numpy.

Every buffer is one array of shape ``(cores, *buffer_shape)`` holding the
buffer on every core (``(count, *buffer_shape)`` for a buffer allocated on a
core range, row 0 its first core), so each tile op is one numpy call for the
whole chip, never a Python loop over cores. A plain walker over the program's ops is used
rather than ``xdsl.interpreter``: the state of a step is a handful of batched
arrays plus cycle counters, phases must be grouped across ops (a run of
exchanges reads the state left by the preceding sync), and xDSL's stock
arith/tensor implementations compute on scalars without a core axis.

What each op does
=================

- ``tile.alloc``: places the buffer, filled with NaN (0 for integers) so that
  reading it before writing shows. Enforces the chip's SRAM: a buffer ending
  beyond ``chip.sram_bytes`` less the core's exchange code (``cost.exchange_code_bytes``
  of ``tile.exchange_messages``: resident at the top of SRAM, and counted in the
  memory figures from the start) or overlapping a buffer whose live range (alloc
  to last use, a use in a ``tile.repeat`` keeping it live to the loop's end)
  meets its own on a shared core (buffers of disjoint core ranges may share
  addresses) raises :class:`SimulationError` naming both buffers.
- ``tile.host_write`` / ``tile.host_read``: scatter / gather a host tensor by
  its ``#tile.block`` with one fancy index over a block view of the tensor (a
  block held by several cores is read from the lowest-numbered one; a buffer on a
  core range numbers the layout's cores from its first). Host transfers are
  counted in ``host_bytes``, not in chip cycles.
- ``tile.compute``: runs its body with :mod:`t10.semantics.linalg_numpy` (and
  :func:`~t10.runtime.reference.execute_ops` for the other ops) on the buffers'
  batched arrays; with ``cores [first, count]`` on those cores' rows only.
  Cost, per core: each linalg op of the body priced as one compute step by
  ``cost.step_compute_cycles`` (the plan search's formula, by the op class of
  ``hwmodel.work``) on the per-core buffer shapes; slices, reshapes and casts
  are free (a kernel reads its operands and writes its results in place: row t
  of a history is where the step's kernel writes); each ``snn`` op by
  ``cost.spike_op_cycles`` from the
  data each core holds when it runs (the real entries of the spike lists it
  reads), so cores seeing more spikes take longer. Top-level ops of the body are
  priced (not those nested in an ``scf.for``). Consecutive computes form one
  compute phase; a ranged compute adds to its cores only, and the phase lasts
  as long as its busiest core: its ``cycles`` are the max over cores, its
  ``core_cycles`` the per-core cycles when cores differ.
- ``tile.exchange``: one gather ``dest[receivers] = source[senders]`` (absolute
  core ids, translated to the rows of buffers on core ranges).
  ``tile.fanin``: one gather ``dest[receiver, slot] = source[sender][source
  slot]`` over its valid (receiver, slot) pairs, the maps evaluated once per
  attribute, the slot (and the source slice) taken along the pattern's slot
  axis. A maximal run of exchanges and fan-ins is one phase reading the state
  left by the preceding sync. Cost per core (``cost.exchange_core_cycles``): for
  each transfer it receives, ``cost.shift_cycles`` of the bytes (a fan-in's: one
  slot), divided among the cores of one supertile taking the same message from
  one sender, plus the topology's latency between the two cores (a core sending
  to itself pays ``cost.copy_cycles`` instead, and nothing on the network);
  summed over the phase when the chip serves a receiver one sender at a time
  (``receiver_serialised``), else their max; at least the time to send its
  distinct messages (a buffer, or a fan-in source slot, to any number of cores
  is one) where senders are serialised; plus the phase overhead when anything
  moves between cores. The phase lasts as long as the busiest core.
- ``tile.relayout``: one phase; per core, ``cost.relayout_cycles`` of the bytes
  it receives (``tile.received_elements``) and of those it already held and
  copies into its new buffers.
- ``tile.reduce_scatter``: per round, ``sync.syncs_per_shift`` syncs, an
  exchange of one chunk (plus the phase overhead) and the combine.
- ``tile.sync``: ``chip.sync.cycles``; it closes a superstep.
- ``tile.repeat``: runs its body ``count`` times, its counter buffer (if any) set
  to each iteration's step first; each iteration's loop control costs
  ``cost.loop_cycles`` (a compute phase of its own). ``tile.return``: the outputs.

Total cycles are the sum of the phases' cycles (bulk-synchronous phases do not
overlap).

Keeping it fast
===============

- ``f16`` buffers are held as ``float32`` rounded to half precision (``half_in_single``
  in :mod:`t10.semantics.linalg_numpy`): the same values, without numpy's slow
  ``float16`` casts on every operand of every step.
- What only depends on attributes (which cores hold which boxes of a place, how a
  relayout is priced, how a reduce-scatter groups its cores) is planned once and
  cached by value across runs, so a program run again only moves and computes data.
- Where most cores' boxes fill their buffers, a masked ``tile.compute`` runs once on
  every core's whole buffers, then puts back the results of the other cores and runs
  those by groups: gathering the most cores into a copy costs more than computing a
  few cores' padding in vain.
- A buffer's array is made when first read (most are written first) and dropped
  after its last use, so memory is reused rather than grown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from math import prod
from typing import Any

import numpy as np
import numpy.typing as npt
from xdsl.dialects.builtin import StringAttr, TensorType
from xdsl.ir import Block, Operation, SSAValue
from xdsl.utils.exceptions import VerifyException

from t10.dialects import snn, tile
from t10.hwmodel import cost
from t10.hwmodel.chip import Chip
from t10.hwmodel.work import OperatorWork, operator_work
from t10.runtime import snn_ops
from t10.runtime.reference import execute_ops
from t10.semantics.linalg_numpy import Array, evaluate, numpy_dtype, to_element_type

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_Cores = slice | IntArray
"""Some of the cores, as an index of the core axis."""

_COMBINERS: dict[str, np.ufunc] = {
    "add": np.add,
    "mul": np.multiply,
    "max": np.maximum,
    "min": np.minimum,
}
"""Each reduce-scatter combiner's ufunc."""


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
    """Per-core busy cycles when cores differ (exchanges; compute phases whose groups
    of cores run different kernels or see different spikes); ``None``: every core is
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
    memory: list[tuple[float, int]]
    """Memory over time: ``(cycle, bytes)`` pairs, the bytes live on the fullest core from
    that cycle on (a buffer is live from its alloc until its last user's phase ends)."""
    host_bytes: int
    """Bytes moved between host and chip by host_write/host_read (not in ``cycles``)."""
    cores: int
    """Cores the program runs on."""
    trace: list[Phase] = field(repr=False)
    exchange_code_bytes: int = 0
    """Most bytes of exchange code on a core (``cost.exchange_code_bytes`` of the messages
    it receives): resident all run, counted in ``peak_bytes_per_core``."""
    """Every phase in execution order."""


@dataclass(frozen=True)
class _Placement:
    """Where a buffer lives and for how long, in static op positions."""

    name: str
    offset: int
    end: int
    first: int
    last: int
    cores: tile.CoreRange | None
    """The cores the buffer lives on; ``None``: every core."""

    def describe(self) -> str:
        where = "" if self.cores is None else f" of cores {_show_range(self.cores)}"
        return f"buffer {self.name} at bytes [{self.offset}, {self.end}){where}"


def _compute_op_cycles(work: OperatorWork, chip: Chip) -> float:
    """Cycles of one linalg op on one core: one compute step over all its loops."""
    return float(cost.step_compute_cycles(chip, work, np.array([work.loop_extents]))[0])


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
        self.buffers = _Buffers(self.cores)
        self.host: dict[SSAValue, Array] = {}
        self.dead_after: dict[Operation, list[SSAValue]] = {}
        """Per op, the buffers it is the last user of (in their alloc's block)."""
        self.dying: list[SSAValue] = []
        """Buffers whose last user has run: their arrays are dropped at the next flush."""
        self.placements = self._placements()
        self.placed: list[_Placement] = []
        self.code_bytes = cost.exchange_code_bytes(chip, tile.exchange_messages(program))
        """Per core, the bytes of its exchange code, at the top of its SRAM all run."""
        self.live_bytes = self.code_bytes.copy()
        """Per core, its exchange code and the bytes of its buffers allocated and not dead
        yet."""
        self.peak_bytes = 0
        self.memory: list[tuple[float, int]] = []
        """(cycle, bytes live on the fullest core) after each change."""
        self.host_bytes = 0
        self.trace: list[Phase] = []
        self.cycle = 0.0
        self.superstep = 0
        self.pending_compute: list[str] = []
        """Labels of the computes of the running compute phase."""
        self.pending_core_cycles = np.zeros(self.cores)
        """Per core, the cycles of the running compute phase so far."""
        self.operator = ""
        self.pending_exchanges: list[tile.ExchangeOp | tile.FanInOp] = []
        self.compute_cost: dict[Operation, tuple[str, float]] = {}
        self.relayout_cost: dict[Operation, FloatArray] = {}
        self.transfer_cost: dict[Operation, _ExchangeCost] = {}
        self.fanin_rows: dict[tile.FanInOp, _FanInRows] = {}
        self.masks: dict[tile.ComputeOp, _MaskPlan] = {}
        self.works: dict[Operation, OperatorWork] = {}

    def _placements(self) -> dict[tile.AllocOp, _Placement]:
        """Every buffer's SRAM range and live range, as ``tile.program`` defines them."""
        placements: dict[tile.AllocOp, _Placement] = {}
        for live in tile.buffer_live_ranges(self.program):
            op = live.alloc
            self.dead_after.setdefault(live.last_user, []).append(op.buffer)
            name = f"%{op.buffer.name_hint}" if op.buffer.name_hint else f"#{live.first}"
            placements[op] = _Placement(
                name, op.offset_bytes(), op.end_bytes(), live.first, live.last, op.core_range()
            )
        return placements

    def work(self, op: Operation) -> OperatorWork:
        """The work of linalg ``op``, worked out once per run."""
        if op not in self.works:
            self.works[op] = operator_work(op)
        return self.works[op]

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
            core_cycles = self.pending_core_cycles
            uniform = bool((core_cycles == core_cycles[0]).all())
            self.phase(
                "compute",
                ", ".join(self.pending_compute),
                float(core_cycles.max()),
                None if uniform else core_cycles,
            )
            self.pending_compute = []
            self.pending_core_cycles = np.zeros(self.cores)
        if self.pending_exchanges:
            self._run_exchanges(self.pending_exchanges)
            self.pending_exchanges = []
        # Dead buffers' memory is reused by the next ones instead of growing the process.
        for buffer in self.dying:
            self.buffers.pop(buffer, None)
            owner = buffer.owner
            assert isinstance(owner, tile.AllocOp)
            placement = self.placements[owner]
            self.live_bytes[_core_rows(placement.cores)] -= placement.end - placement.offset
        if self.dying:
            self.dying = []
            self._sample_memory()

    def _sample_memory(self) -> None:
        """Record the fullest core's live bytes now."""
        fullest = int(self.live_bytes.max())
        self.peak_bytes = max(self.peak_bytes, fullest)
        if self.memory and self.memory[-1][0] == self.cycle:
            self.memory[-1] = (self.cycle, fullest)
        else:
            self.memory.append((self.cycle, fullest))

    def _run_exchanges(self, exchanges: Sequence[tile.ExchangeOp | tile.FanInOp]) -> None:
        # Every source is read before any destination is written: the phase reads the
        # state left by the preceding sync.
        received = [(op, self.buffers[op.source]) for op in exchanges]
        for op, source in received:
            dest = self.buffers[op.dest].copy()
            if isinstance(op, tile.FanInOp):
                rows = self._fanin_rows(op)
                # Views with the slot axis next to the core axis: writes land in `dest`.
                slot_axis = 1 + op.pattern.slot_axis()
                dest_slots = np.moveaxis(dest, slot_axis, 1)
                if rows.source_slots is None:
                    dest_slots[rows.dest, rows.slots] = source[rows.source]
                else:
                    source_slices = np.moveaxis(source, slot_axis, 1)
                    dest_slots[rows.dest, rows.slots] = source_slices[
                        rows.source, rows.source_slots
                    ]
            else:
                transfers = op.transfers()
                dest[_local_rows(transfers[:, 1], op.dest)] = source[
                    _local_rows(transfers[:, 0], op.source)
                ]
            self.buffers[op.dest] = dest
        costs = [self._exchange_cycles(op) for op in exchanges]
        receive = np.stack([op_cost.receive_cycles for op_cost in costs])
        receive_cycles = (
            receive.sum(axis=0) if self.chip.exchange.receiver_serialised else receive.max(axis=0)
        )
        sent_bytes = np.sum([op_cost.sent_bytes for op_cost in costs], axis=0)
        moved = any(op_cost.moved for op_cost in costs)
        core_cycles = cost.exchange_core_cycles(self.chip, receive_cycles, sent_bytes, moved)
        label = ", ".join(f"{self._name(op.source)} -> {self._name(op.dest)}" for op in exchanges)
        self.phase("exchange", label, float(core_cycles.max()), core_cycles)

    def _fanin_rows(self, op: tile.FanInOp) -> _FanInRows:
        """The transfers of ``op`` as rows of its buffers' arrays, worked out once per run."""
        if op not in self.fanin_rows:
            transfers = op.pattern.transfers()
            first, _ = op.pattern.receiver_range()
            self.fanin_rows[op] = _FanInRows(
                _local_rows(transfers.receivers + first, op.dest),
                transfers.slots,
                _local_rows(transfers.senders, op.source),
                transfers.source_slots,
            )
        return self.fanin_rows[op]

    def _exchange_cycles(self, op: tile.ExchangeOp | tile.FanInOp) -> _ExchangeCost:
        """What each core spends receiving and sending this op's transfers."""
        if op not in self.transfer_cost:
            if isinstance(op, tile.FanInOp):
                transfers = op.pattern.transfers()
                first, _ = op.pattern.receiver_range()
                senders, receivers = transfers.senders, transfers.receivers + first
                # A sender's slots are different messages; one slot to several cores is one.
                messages = (
                    senders
                    if transfers.source_slots is None
                    else senders * (int(transfers.source_slots.max(initial=0)) + 1)
                    + transfers.source_slots
                )
                byte_count = op.piece_bytes()
            else:
                pairs = op.transfers()
                senders, receivers = pairs[:, 0], pairs[:, 1]
                messages = senders
                byte_count = op.bytes_per_core()
            self.transfer_cost[op] = self._transfer_cost(senders, receivers, messages, byte_count)
        return self.transfer_cost[op]

    def _transfer_cost(
        self, senders: IntArray, receivers: IntArray, messages: IntArray, byte_count: int
    ) -> _ExchangeCost:
        """Per core, the cycles to receive ``byte_count`` bytes of message ``messages[i]``
        from ``senders[i]`` at ``receivers[i]`` for every i (the exchange rate, shared by
        the cores of a supertile taking the same message, plus the topology's latency; a
        local copy for a core sending to itself), one sender at a time where the chip
        serialises receivers, else the slowest transfer; and the bytes each core sends,
        each distinct message once."""
        byte_array = np.array(byte_count)
        local = senders == receivers
        supertile_cores = self.chip.exchange.supertile_cores
        # Cores of a supertile taking one message together (over the network: a core's copy
        # to itself is no part of it) take it at their combined rate.
        _, group, sharing = np.unique(
            np.stack([messages, receivers // supertile_cores, local], axis=1),
            axis=0,
            return_inverse=True,
            return_counts=True,
        )
        sharing = sharing.reshape(-1)[group.reshape(-1)]
        per_transfer = float(cost.shift_cycles(self.chip, byte_array)) / sharing
        per_transfer += cost.transfer_latency_cycles(self.chip, senders, receivers)
        per_transfer[local] = float(cost.copy_cycles(self.chip, byte_array))
        receive_cycles = np.zeros(self.cores)
        if self.chip.exchange.receiver_serialised:
            np.add.at(receive_cycles, receivers, per_transfer)
        else:
            np.maximum.at(receive_cycles, receivers, per_transfer)
        sent = np.unique(np.stack([senders[~local], messages[~local]], axis=1), axis=0)
        sent_bytes = np.zeros(self.cores)
        np.add.at(sent_bytes, sent[:, 0], float(byte_count))
        return _ExchangeCost(
            _frozen(receive_cycles), _frozen(sent_bytes), moved=bool((~local).any())
        )

    # Ops --------------------------------------------------------------------

    def _name(self, value: SSAValue) -> str:
        owner = value.owner
        if isinstance(owner, tile.AllocOp):
            return self.placements[owner].name
        return f"%{value.name_hint}" if value.name_hint else "a buffer"

    def run_block(self, block: Block) -> None:
        for op in block.ops:
            self.run_op(op)
            self.dying.extend(self.dead_after.get(op, ()))

    def run_op(self, op: Operation) -> None:
        if isinstance(op, tile.ExchangeOp | tile.FanInOp):
            if self.pending_compute:
                self.flush()
            self.operator = _operator(op)
            self.pending_exchanges.append(op)
            return
        if isinstance(op, tile.ComputeOp):
            if self.pending_exchanges:
                self.flush()
            self.operator = _operator(op)
            self.compute(op)
            return
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
            self.repeat(op)
        elif not isinstance(op, tile.ReturnOp):
            self._reject(op)

    @staticmethod
    def _reject(op: Operation) -> None:
        """Raise the verifier's reason why ``op`` cannot run: the simulator rejects a
        program for its structure only where the tile verifier does."""
        try:
            op.verify()
            parent = op.parent_op()
            while parent is not None and not isinstance(parent, tile.ProgramOp):
                parent = parent.parent_op()
            if parent is not None:
                parent.verify_()
        except VerifyException as error:
            raise SimulationError(f"{op.name}: {error}") from error
        raise SimulationError(f"{op.name} breaks a rule the tile verifier does not check")

    def repeat(self, op: tile.RepeatOp) -> None:
        counter = op.counter
        values = op.counter_values()
        for iteration in range(op.count.value.data):
            if counter is not None and values is not None:
                start, step = values
                self.buffers[counter] = np.full(
                    (self.buffers.rows(counter), 1), start + iteration * step, np.int32
                )
            self.flush()
            self.phase("compute", "tile.repeat", float(cost.loop_cycles(self.chip, 1)))
            self.run_block(op.body.block)

    def alloc(self, op: tile.AllocOp) -> None:
        placement = self.placements[op]
        code = int(self.code_bytes[_core_rows(placement.cores)].max(initial=0))
        if placement.end > self.chip.sram_bytes - code:
            beside = f" beside {code} bytes of exchange code" if code else ""
            raise SimulationError(
                f"{placement.describe()} ends beyond the {self.chip.sram_bytes} bytes of SRAM "
                f"per core of chip '{self.chip.name}'{beside}"
            )
        live = [
            other
            for other in self.placed
            if other is not placement
            and other.first <= placement.last
            and placement.first <= other.last
        ]
        for other in live:
            if (
                other.offset < placement.end
                and placement.offset < other.end
                and tile.cores_intersect(other.cores, placement.cores)
            ):
                raise SimulationError(
                    f"{placement.describe()} overlaps {other.describe()}, which is still live"
                )
        if placement not in self.placed:
            self.placed.append(placement)
        self.live_bytes[_core_rows(placement.cores)] += placement.end - placement.offset
        self._sample_memory()
        self.buffers.pop(op.buffer, None)

    def compute(self, op: tile.ComputeOp) -> None:
        if op not in self.compute_cost:
            self.compute_cost[op] = self._static_compute_cost(op)
        label, cycles = self.compute_cost[op]
        self.pending_compute.append(label)
        cores = op.core_range()
        if op.steps is not None:
            self.pending_core_cycles += cycles
            self._compute_masked(op, op.steps)
            return
        block = op.body.block
        values: dict[SSAValue, Array] = {
            argument: self._rows_of(buffer, cores)
            for argument, buffer in zip(block.args, (*op.inputs, *op.outputs), strict=True)
        }
        _execute_body(block.ops, values, typed_shapes=True)
        terminator = block.last_op
        assert isinstance(terminator, tile.YieldOp)
        for buffer, yielded in zip(op.outputs, terminator.arguments, strict=True):
            self._write_rows(buffer, cores, _held(values[yielded], buffer))
        self.pending_core_cycles[_core_rows(cores)] += cycles + self._spike_cycles(block, values)

    def _static_compute_cost(self, op: tile.ComputeOp) -> tuple[str, float]:
        """The label of ``op``'s phase and the cycles of its body that do not depend on
        data: each linalg op one compute step."""
        priced = [
            inner
            for inner in op.body.block.ops
            if inner.name.startswith("linalg.") or _spike_operands(inner) is not None
        ]
        cycles = sum(
            _compute_op_cycles(self.work(inner), self.chip)
            for inner in priced
            if inner.name.startswith("linalg.")
        )
        return ", ".join(inner.name for inner in priced), cycles

    def _spike_cycles(self, block: Block, values: Mapping[SSAValue, Array]) -> FloatArray:
        """Per core (or one value for all), the cycles of the body's ``snn`` ops, from the
        spikes each core's lists hold now."""
        cycles = np.zeros(1)
        for inner in block.ops:
            operands = _spike_operands(inner)
            if operands is None:
                continue
            points, ids, row = operands
            listed = np.zeros(1, np.int64) if ids is None else snn_ops.listed_per_core(values[ids])
            cycles = cycles + cost.spike_op_cycles(self.chip, inner, points, listed, row)
        return cycles

    def _rows_of(self, buffer: SSAValue, cores: tile.CoreRange | None) -> Array:
        """``buffer``'s array on ``cores`` (``None``: every core)."""
        array = self.buffers[buffer]
        if cores is None or tile.buffer_cores(buffer) is not None:
            return array
        return array[_core_rows(cores)]

    def _write_rows(self, buffer: SSAValue, cores: tile.CoreRange | None, result: Array) -> None:
        """Make ``result`` the contents of ``buffer`` on ``cores`` (``None``: every core);
        one row stands for all of them."""
        if cores is None or tile.buffer_cores(buffer) is not None:
            rows = self.buffers.rows(buffer)
            if result.shape[0] != rows:
                result = np.repeat(result, rows, axis=0)
            self.buffers[buffer] = result
            return
        updated = self.buffers[buffer].copy()
        updated[_core_rows(cores)] = result
        self.buffers[buffer] = updated

    def _compute_masked(self, op: tile.ComputeOp, steps: tile.PlaceAttr) -> None:
        """Run ``op``'s body on each core's valid box of loops only, one numpy call per
        group of cores whose boxes have the same valid extents."""
        if op not in self.masks:
            self.masks[op] = _valid_groups(op, steps, self.cores, self.work)
        plan = self.masks[op]
        block = op.body.block
        starts = (
            _loop_starts(steps, self.cores)
            if any(inner.name == "linalg.index" for inner in block.walk())
            else None
        )
        buffers = (*op.inputs, *op.outputs)
        arrays = [self.buffers[buffer] for buffer in buffers]
        terminator = block.last_op
        assert isinstance(terminator, tile.YieldOp)
        if plan.outside_bulk is None:
            results = [array.copy() for array in arrays[len(op.inputs) :]]
        else:
            values = dict(zip(block.args, arrays, strict=True))
            # Cores outside the bulk compute on their padding too: their floating-point
            # errors are as meaningless as their results, which are put back below.
            with np.errstate(all="ignore"):
                _execute_body(block.ops, values, typed_shapes=True, loop_offsets=starts)
            results = []
            for yielded, buffer, old in zip(
                terminator.arguments, op.outputs, arrays[len(op.inputs) :], strict=True
            ):
                result = _held(values[yielded], buffer)
                if (
                    result.shape != old.shape
                    or not result.flags.writeable
                    or any(np.may_share_memory(result, array) for array in arrays)
                ):
                    result = np.array(np.broadcast_to(result, old.shape))
                result[plan.outside_bulk] = old[plan.outside_bulk]
                results.append(result)
        for cores, extents in plan.groups:
            regions = tuple(
                (cores, *(slice(0, extent) for extent in operand_extents))
                for operand_extents in extents
            )
            values: dict[SSAValue, Array] = {
                argument: array[region]
                for argument, array, region in zip(block.args, arrays, regions, strict=True)
            }
            _execute_body(
                block.ops,
                values,
                typed_shapes=False,
                loop_offsets=None if starts is None else starts[cores],
            )
            for result, yielded, buffer, region in zip(
                results,
                terminator.arguments,
                op.outputs,
                regions[len(op.inputs) :],
                strict=True,
            ):
                result[region] = _held(values[yielded], buffer)
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
            self._reject(op)
        blocks = self.buffers[op.source][first_core]
        self.host[op.tensor] = to_element_type(
            _unblocks(blocks, counts), _buffer_type(op.source).element_type
        )
        self.host_bytes += len(held) * _buffer_bytes(op.source)

    # Placed data ------------------------------------------------------------

    def _placed_into(self, image: Array, dest: SSAValue, place: tile.PlaceAttr) -> int:
        """Write the valid elements of ``dest`` under ``place`` from the host-shaped
        ``image`` (padding becomes zero); returns how many elements were written."""
        buffer_shape = tuple(_buffer_type(dest).get_shape())
        image = image.astype(_held_dtype(dest), copy=False)
        rows = self.buffers.rows(dest)
        plan = _placement_plan(place, image.shape, rows, buffer_shape)
        if plan.whole is None:
            array = np.zeros((rows, *buffer_shape), image.dtype)
        elif not buffer_shape:
            # A rank-0 tensor has no windows to slide: each core holding it holds its value.
            array = np.full(rows, image, image.dtype)
            array[plan.unfilled] = 0
        else:
            array = np.lib.stride_tricks.sliding_window_view(image, buffer_shape)[plan.whole]
            array[plan.unfilled] = 0
        for group in plan.partial:
            windows = np.lib.stride_tricks.sliding_window_view(image, group.extents)
            array[group.region] = windows[group.origins]
        self.buffers[dest] = array
        return plan.written

    def _image(
        self,
        sources: Sequence[SSAValue],
        places: Sequence[tile.PlaceAttr],
        shape: Sequence[int],
        padding: float | None = None,
    ) -> Array:
        """The host tensor the ``sources`` hold under ``places`` (``padding`` where no core
        holds an element; without one NaN or 0: see :func:`_first_uncovered`)."""
        dtype = self.buffers[sources[0]].dtype
        if padding is None:
            padding = np.nan if np.issubdtype(dtype, np.floating) else 0
        image = np.full(shape, padding, dtype)
        for source, place in zip(sources, places, strict=True):
            for group in _box_groups(place, tuple(shape)):
                windows = np.lib.stride_tricks.sliding_window_view(
                    image, group.extents, writeable=True
                )
                held = self.buffers[source][group.region]
                # A rank-0 tensor has no origins to index by: any holder's value is it.
                windows[group.origins] = held if group.origins else held[-1]
        return image

    def host_gather(self, op: tile.HostGatherOp) -> None:
        tensor_type = op.tensor.type
        assert isinstance(tensor_type, TensorType)
        shape = tuple(tensor_type.get_shape())
        places = tuple(op.places.data)
        if tile.first_unheld(places, shape) is not None:
            self._reject(op)
        image = self._image(list(op.sources), places, shape)
        self.host[op.tensor] = to_element_type(image, tensor_type.get_element_type())
        self.host_bytes += image.size * numpy_dtype(tensor_type.get_element_type()).itemsize

    def relayout(self, op: tile.RelayoutOp) -> None:
        shape = tuple(op.tensor_shape())
        places = tuple(op.source_places.data)
        padding = None if op.padding is None else op.padding.value.data
        image = self._image(list(op.sources), places, shape, padding)
        if padding is None and tile.lacking_destinations(places, shape, op.dest_places.data):
            self._reject(op)
        for dest, place in zip(op.dests, op.dest_places.data, strict=True):
            self._placed_into(image, dest, place)
        core_cycles = self._relayout_cycles(op)
        label = ", ".join(self._name(dest) for dest in op.dests)
        self.phase("exchange", f"relayout -> {label}", float(core_cycles.max()), core_cycles)

    def _relayout_cycles(self, op: tile.RelayoutOp) -> FloatArray:
        """Per core: cycles to receive the bytes :func:`_relayout_bytes` counts, one sender
        at a time, and to copy what it already held into its new buffers."""
        if op not in self.relayout_cost:
            received, copied = _relayout_bytes(
                tuple(op.source_places.data),
                tuple(_buffer_type(source) for source in op.sources),
                tuple(op.dest_places.data),
                tuple(_buffer_type(dest) for dest in op.dests),
                self.cores,
                self.chip,
            )
            self.relayout_cost[op] = np.asarray(cost.relayout_cycles(self.chip, received, copied))
        return self.relayout_cost[op]

    def reduce_scatter(self, op: tile.ReduceScatterOp) -> None:
        chunk_bytes = 0
        chunk_elements = 0
        for source, source_place, dest, dest_place in op.pairs():
            cores = source_place.core_count()
            dest_type = _buffer_type(dest)
            dest_shape = tuple(dest_type.get_shape())
            order, group_starts, chunk_index = _reduce_scatter_plan(
                source_place, dest_place, tuple(_buffer_type(source).get_shape()), dest_shape
            )
            held = np.take(self.buffers[source][:cores], order, axis=0).reshape(cores, -1)
            combined = _COMBINERS[op.combiner.data].reduceat(
                held,
                group_starts,
                axis=0,
                dtype=np.float64 if held.dtype.kind == "f" else held.dtype,
            )
            chunks = np.take(combined, chunk_index)
            result = self.buffers[dest].copy()
            result[:cores] = to_element_type(
                chunks, dest_type.element_type, half_in_single=True
            ).reshape(cores, *dest_shape)
            self.buffers[dest] = result
            chunk_bytes += dest_type.byte_size()
            chunk_elements += prod(dest_shape)
        name = ", ".join(self._name(source) for source in op.sources)
        for _ in range(op.copies() - 1):
            for _ in range(self.chip.sync.syncs_per_shift):
                self.phase("sync", "tile.reduce_scatter", self.chip.sync.cycles)
                self.superstep += 1
            self.phase(
                "exchange",
                f"reduce_scatter {name}",
                float(
                    cost.shift_cycles(self.chip, np.array(chunk_bytes))
                    + cost.exchange_phases_cycles(self.chip, 1)
                ),
            )
            self.phase(
                "compute",
                f"reduce_scatter {name} {op.combiner.data}",
                float(cost.elementwise_cycles(self.chip, np.array(chunk_elements))),
            )


def _execute_body(
    ops: Iterable[Operation],
    values: dict[SSAValue, Array],
    typed_shapes: bool,
    loop_offsets: Array | None = None,
):
    """:func:`~t10.runtime.reference.execute_ops` on the simulator's buffers, whose ``f16``
    is held as ``float32`` (see ``half_in_single`` in :mod:`t10.semantics.linalg_numpy`);
    ``loop_offsets`` (cores, loops): where each core's box of loops starts."""
    for op in ops:
        if isinstance(op, tile.YieldOp):
            return
        if op.name.startswith("linalg."):
            results = evaluate(
                op,
                [values[operand] for operand in op.operands],
                typed_shapes=typed_shapes,
                half_in_single=True,
                loop_offsets=loop_offsets,
            )
            values.update(zip(op.results, results, strict=True))
        else:
            execute_ops((op,), values, typed_shapes=typed_shapes)


class _Buffers(dict[SSAValue, Array]):
    """Every buffer's array on the cores it lives on, shape ``(cores, *buffer_shape)``
    (``(count, *buffer_shape)`` for a buffer on a core range). A buffer allocated and
    not written yet is made when first read, filled with NaN (0 for integers) so that
    reading it before writing shows; most are written first."""

    def __init__(self, cores: int):
        super().__init__()
        self.cores = cores

    def rows(self, buffer: SSAValue) -> int:
        """How many cores hold ``buffer``: the rows of its array."""
        cores = tile.buffer_cores(buffer)
        return self.cores if cores is None else cores[1]

    def __missing__(self, buffer: SSAValue) -> Array:
        dtype = _held_dtype(buffer)
        fill = np.nan if np.issubdtype(dtype, np.floating) else 0
        array = np.full((self.rows(buffer), *_buffer_type(buffer).get_shape()), fill, dtype)
        self[buffer] = array
        return array


@dataclass(frozen=True)
class _FanInRows:
    """A ``tile.fanin``'s transfers as rows of its buffers' arrays."""

    dest: IntArray
    slots: IntArray
    source: IntArray
    source_slots: IntArray | None


def _core_rows(cores: tile.CoreRange | None) -> slice:
    """The rows of an every-core array that hold ``cores`` (``None``: all of them)."""
    return slice(None) if cores is None else slice(cores[0], cores[0] + cores[1])


def _show_range(cores: tile.CoreRange) -> str:
    return f"[{cores[0]}, {cores[0] + cores[1]})"


def _local_rows(cores: IntArray, buffer: SSAValue) -> IntArray:
    """Absolute core ids as rows of ``buffer``'s array (a range's first core is row 0)."""
    held = tile.buffer_cores(buffer)
    if held is None:
        return cores
    if cores.size and (cores.min() < held[0] or cores.max() >= held[0] + held[1]):
        raise SimulationError(
            f"a transfer reaches a core outside {_show_range(held)}, where its buffer lives"
        )
    return cores - held[0]


def _spike_operands(op: Operation) -> tuple[int, SSAValue | None, int] | None:
    """For ``cost.spike_op_cycles``: the elements of ``op``'s dense per-neuron tensor,
    the spike list whose entries it visits (``None``: none), and its weight row length;
    ``None`` for ops that are not ``snn`` kernels (``snn.spikes_cast`` only relabels
    its data)."""
    if isinstance(op, snn.ThresholdCompactOp):
        return _elements(op.potential), op.ids, 1
    if isinstance(op, snn.GatherAddOp):
        return _elements(op.current), op.ids, _columns(op.weights)
    if isinstance(op, snn.LifOp):
        return _elements(op.potential), None, 1
    if isinstance(op, snn.LifGradOp):
        return _elements(op.potential), op.ids, 1
    if isinstance(op, snn.ListedGradOp):
        return _elements(op.current_grad), op.ids, _columns(op.weights)
    if isinstance(op, snn.ScatterAddRowsOp):
        return _elements(op.current_grad), op.ids, _columns(op.weights_grad)
    if isinstance(op, snn.PickOp):
        return _elements(op.values), op.ids, 1
    if isinstance(op, snn.SpikeCountsOp):
        return _elements(op.counts), op.ids, 1
    if isinstance(op, snn.CrossEntropyOp):
        return _elements(op.counts), None, 1
    return None


def _tensor_shape(value: SSAValue) -> tuple[int, ...]:
    value_type = value.type
    assert isinstance(value_type, TensorType)
    return tuple(value_type.get_shape())


def _elements(value: SSAValue) -> int:
    return prod(_tensor_shape(value))


def _columns(weights: SSAValue) -> int:
    return _tensor_shape(weights)[-1]


def _held_dtype(buffer: SSAValue) -> np.dtype[np.generic]:
    """The numpy type the simulator holds ``buffer``'s elements in (``f16``: ``float32``)."""
    return numpy_dtype(_buffer_type(buffer).element_type, half_in_single=True)


def _held(values: Array, buffer: SSAValue) -> Array:
    """``values`` of ``buffer``'s element type as the simulator holds them."""
    if values.dtype == _held_dtype(buffer):
        return values
    return to_element_type(values, _buffer_type(buffer).element_type, half_in_single=True)


_PLANS = 256
"""How many plans of each kind stay cached. Plans depend only on attributes (places,
types), compared by value, so a program run again reuses them."""


@lru_cache(maxsize=_PLANS)
def _tensor_boxes(place: tile.PlaceAttr) -> tuple[IntArray, IntArray]:
    """``place.tensor_boxes()``, which several plans read."""
    origin, extents = place.tensor_boxes()
    return _frozen(origin), _frozen(extents)


def _distinct_rows(rows: IntArray) -> tuple[IntArray, IntArray]:
    """The distinct rows of ``rows`` in ascending order and, per row, the index of its
    distinct row: ``np.unique(rows, axis=0, return_inverse=True)``, keyed by one integer
    per row instead of comparing rows."""
    low = rows.min(axis=0, initial=0)
    spans = tuple(int(span) for span in rows.max(axis=0, initial=0) - low + 1)
    if not spans or prod(spans) >= 2**62:
        distinct, inverse = np.unique(rows, axis=0, return_inverse=True)
        return distinct, inverse.reshape(-1)
    keys = np.ravel_multi_index(tuple((rows - low).T), spans)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return rows[first], inverse.reshape(-1)


@dataclass(frozen=True)
class _BoxGroup:
    """Cores of a place whose tensor boxes have the same valid extents."""

    region: tuple[_Cores | slice, ...]
    """Index of the group's valid elements in a buffer: its cores, then the extents."""
    origins: tuple[IntArray, ...]
    """Index of the group's boxes in a window view of the tensor: their origins."""
    extents: tuple[int, ...]
    count: int
    """How many cores the group holds."""


@lru_cache(maxsize=_PLANS)
def _box_groups(
    place: tile.PlaceAttr, shape: tuple[int, ...] | None = None
) -> tuple[_BoxGroup, ...]:
    """The cores of ``place`` grouped by the valid extents of their tensor boxes; cores
    holding nothing are left out. With ``shape``, boxes are cut at the tensor's end: a
    place may cover more than its tensor (a block layout rounded up), the rest being
    padding."""
    origin, extents = _tensor_boxes(place)
    if shape is not None and origin.shape[1] == len(shape):
        extents = np.minimum(extents, np.maximum(np.asarray(shape) - origin, 0))
    held = np.flatnonzero((extents > 0).all(axis=1))
    rows, inverse = _distinct_rows(extents[held])
    groups: list[_BoxGroup] = []
    for index, row in enumerate(rows):
        cores = held[inverse == index]
        group_extents = tuple(int(extent) for extent in row)
        groups.append(
            _BoxGroup(
                (_core_index(cores), *(slice(0, extent) for extent in group_extents)),
                tuple(_frozen(row) for row in origin[cores].T),
                group_extents,
                len(cores),
            )
        )
    return tuple(groups)


def _core_index(cores: IntArray) -> _Cores:
    """``cores`` (ascending) as an index of the core axis: a slice when consecutive, so
    that reading and writing buffers through it takes views, not copies."""
    if int(cores[-1]) - int(cores[0]) + 1 == len(cores):
        return slice(int(cores[0]), int(cores[-1]) + 1)
    return _frozen(cores)


def _frozen(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """``array`` made read-only: cached plans are shared by every run."""
    array.flags.writeable = False
    return array


@dataclass(frozen=True)
class _PlacementPlan:
    """How to fill a buffer from the host tensor under a place: one window per core
    where the window fills the buffer, then the cores whose box is smaller."""

    whole: tuple[IntArray, ...] | None
    """Every core's buffer-sized window origin (in bounds; for cores not filling their
    buffer, anywhere); ``None``: no core fills its buffer."""
    unfilled: IntArray
    """Cores not filling their buffer: zeroed after the whole windows."""
    partial: tuple[_BoxGroup, ...]
    """The groups written one by one: those not filling their buffer (all with no
    ``whole``)."""
    written: int
    """How many elements hold data."""


@lru_cache(maxsize=_PLANS)
def _placement_plan(
    place: tile.PlaceAttr, shape: tuple[int, ...], cores: int, buffer_shape: tuple[int, ...]
) -> _PlacementPlan:
    """How to fill ``(cores, *buffer_shape)`` buffers from a ``shape`` tensor under ``place``."""
    groups = _box_groups(place, shape)
    written = sum(group.count * prod(group.extents) for group in groups)
    full = [group for group in groups if group.extents == buffer_shape]
    if not full or any(size > extent for size, extent in zip(buffer_shape, shape, strict=True)):
        return _PlacementPlan(None, np.zeros(0, np.int64), groups, written)
    origin, _ = _tensor_boxes(place)
    origins = np.zeros((cores, len(shape)), np.int64)
    origins[: len(origin)] = origin
    np.clip(
        origins, 0, np.asarray(shape, np.int64) - np.asarray(buffer_shape, np.int64), out=origins
    )
    filled = np.zeros(cores, bool)
    for group in full:
        filled[group.region[0]] = True
    partial = tuple(group for group in groups if group.extents != buffer_shape)
    return _PlacementPlan(
        tuple(_frozen(row) for row in origins.T), _frozen(np.flatnonzero(~filled)), partial, written
    )


@dataclass(frozen=True)
class _ExchangeCost:
    """One exchange op's share of its phase, per core."""

    receive_cycles: FloatArray
    """Cycles receiving its messages (a local copy for a core sending to itself)."""
    sent_bytes: FloatArray
    """Bytes it sends to other cores, each distinct message once."""
    moved: bool
    """Whether any core receives from another."""


@lru_cache(maxsize=_PLANS)
def _relayout_bytes(
    source_places: tuple[tile.PlaceAttr, ...],
    source_types: tuple[tile.BufferType, ...],
    dest_places: tuple[tile.PlaceAttr, ...],
    dest_types: tuple[tile.BufferType, ...],
    cores: int,
    chip: Chip,
) -> tuple[FloatArray, FloatArray]:
    """Per core: bytes of the valid destination elements that no source buffer on the
    core holds (``tile.received_elements``), shared among a supertile's cores that take
    the same data (:func:`_supertile_sharing`), and bytes of those it holds and copies. A
    destination buffer that is one of the core's source buffers as it stands (the same
    box, the same shape) is not copied: the program can use the source's bytes."""
    received = np.zeros(cores)
    copied = np.zeros(cores)
    missing = tile.received_elements(source_places, dest_places)
    together = _supertile_sharing(chip, source_places + dest_places, cores)
    sources = [
        (*place.tensor_boxes(), tuple(buffer_type.get_shape()))
        for place, buffer_type in zip(source_places, source_types, strict=True)
    ]
    for elements, dest_type, place in zip(missing, dest_types, dest_places, strict=True):
        element_bytes = dest_type.byte_size() / max(1, prod(dest_type.get_shape()))
        origin, extents = place.tensor_boxes()
        count = len(elements)
        in_place = np.zeros(count, dtype=bool)
        for source_origin, source_extents, source_shape in sources:
            if source_shape != tuple(dest_type.get_shape()):
                continue
            common = min(count, len(source_origin))
            in_place[:common] |= (origin[:common] == source_origin[:common]).all(axis=1) & (
                extents[:common] == source_extents[:common]
            ).all(axis=1)
        held = np.where(in_place, 0, np.prod(extents, axis=1) - elements)
        received[:count] += elements * element_bytes / together[:count]
        copied[:count] += held * element_bytes
    return _frozen(received), _frozen(copied)


def _supertile_sharing(chip: Chip, places: tuple[tile.PlaceAttr, ...], cores: int) -> FloatArray:
    """Per core, how many cores of its supertile take what it receives with it: all of
    them where every core of the supertile holds the same boxes under every one of
    ``places`` (so the same messages bring them the same data), else 1."""
    together = np.ones(cores // chip.exchange.supertile_cores, dtype=bool)
    for place in places:
        origin, extents = place.tensor_boxes()
        boxes = np.full((cores, 2 * origin.shape[1]), -1, dtype=np.int64)
        boxes[: len(origin)] = np.concatenate([origin, extents], axis=1)[:cores]
        together &= cost.supertiles_alike(chip, boxes)
    return cost.supertile_sharing(chip, together, cores)


@lru_cache(maxsize=_PLANS)
def _reduce_scatter_plan(
    source_place: tile.PlaceAttr,
    dest_place: tile.PlaceAttr,
    source_shape: tuple[int, ...],
    dest_shape: tuple[int, ...],
) -> tuple[IntArray, IntArray, IntArray]:
    """How a reduce-scatter combines and cuts: the source cores ordered by their group
    (cores with the same box on the loops the source map uses hold partial values of the
    same elements), where each group starts in that order, and per destination element
    of every core, its flat index in the (groups, source elements) combined values."""
    start, _ = source_place.loop_boxes()
    used = sorted(source_place.map.data.used_dims())
    _, group = _distinct_rows(start[:, used])
    order = np.argsort(group, kind="stable")
    group_starts = np.flatnonzero(np.diff(group[order], prepend=-1))
    source_origin, _ = _tensor_boxes(source_place)
    dest_origin, _ = _tensor_boxes(dest_place)
    local = np.stack(np.unravel_index(np.arange(prod(dest_shape)), dest_shape), axis=1)
    within = (dest_origin - source_origin)[:, None, :] + local[None, :, :]
    within = np.minimum(within, np.asarray(source_shape) - 1)
    flat = np.ravel_multi_index(tuple(within.transpose(2, 0, 1)), source_shape)
    chunk_index = np.asarray(group[:, None] * prod(source_shape) + flat, np.int64)
    return _frozen(order), _frozen(group_starts), _frozen(chunk_index)


def _operator(op: Operation) -> str:
    """The operator ``op`` was made for: its ``t10.op`` attribute (set by t10-lower-to-tile)."""
    name = op.attributes.get("t10.op")
    return name.data if isinstance(name, StringAttr) else ""


def _buffer_type(value: SSAValue) -> tile.BufferType:
    buffer_type = value.type
    assert isinstance(buffer_type, tile.BufferType)
    return buffer_type


@dataclass(frozen=True)
class _MaskPlan:
    """How a ``tile.compute`` with steps runs on its cores' valid boxes."""

    groups: list[tuple[_Cores, list[tuple[int, ...]]]]
    """Cores whose boxes have the same valid extents, with each operand's extents: one
    numpy call each, on those cores and extents only."""
    outside_bulk: IntArray | None
    """If not ``None``, the body first runs once on every core's whole buffers, and the
    results of the cores listed here (those not filling their buffers, run by
    ``groups``, or doing nothing) are put back: when most cores fill their buffers, this
    saves gathering them into a copy."""


def _valid_groups(
    op: tile.ComputeOp,
    steps: tile.PlaceAttr,
    cores_count: int,
    work_of: Callable[[Operation], OperatorWork],
) -> _MaskPlan:
    """The cores of ``op`` grouped by the valid extents of their boxes of loops, with
    each group's valid extents of every operand (cores with an empty box do nothing)."""
    try:
        structured = tile.step_operator(op)
    except VerifyException as error:
        raise SimulationError(str(error)) from error
    work = work_of(structured)
    # The block arguments are the op's tensor operands, in order (the rule above).
    tensor_accesses = [
        access
        for access, value in zip(work.operands, structured.operands, strict=True)
        if isinstance(value.type, TensorType)
    ]
    groups: list[tuple[_Cores, list[tuple[int, ...]]]] = []
    for cores, row in _loop_groups(steps):
        extents = [
            tuple(
                int(size)
                for size in np.asarray(access.coefficients).reshape(-1, len(row)) @ (row - 1) + 1
            )
            for access in tensor_accesses
        ]
        groups.append((cores, extents))
    shapes = [tuple(_buffer_type(buffer).get_shape()) for buffer in (*op.inputs, *op.outputs)]
    sizes = [
        len(range(cores_count)[cores]) if isinstance(cores, slice) else len(cores)
        for cores, _ in groups
    ]
    largest = int(np.argmax(sizes)) if groups else 0
    if not groups or groups[largest][1] != shapes or 2 * sizes[largest] < sum(sizes):
        return _MaskPlan(groups, None)
    in_bulk = np.zeros(cores_count, bool)
    in_bulk[groups[largest][0]] = True
    return _MaskPlan(
        [group for index, group in enumerate(groups) if index != largest],
        np.flatnonzero(~in_bulk),
    )


@lru_cache(maxsize=_PLANS)
def _loop_starts(steps: tile.PlaceAttr, cores_count: int) -> IntArray:
    """Per core of the chip and loop, where the core's box of loops starts (0 on the
    cores beyond the operator's grid, which compute nothing)."""
    start, _ = steps.loop_boxes()
    starts = np.zeros((cores_count, start.shape[1]), dtype=start.dtype)
    starts[: len(start)] = start
    return starts


@lru_cache(maxsize=_PLANS)
def _loop_groups(steps: tile.PlaceAttr) -> tuple[tuple[_Cores, IntArray], ...]:
    """The cores of ``steps`` grouped by the valid extents of their boxes of loops, with
    those extents; cores with an empty box are left out."""
    _, valid = steps.loop_boxes()
    active = np.flatnonzero((valid > 0).all(axis=1))
    rows, inverse = _distinct_rows(valid[active])
    return tuple(
        (_core_index(active[inverse == index]), _frozen(row)) for index, row in enumerate(rows)
    )


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
        memory=machine.memory,
        host_bytes=machine.host_bytes,
        cores=cores,
        trace=machine.trace,
        exchange_code_bytes=int(machine.code_bytes.max(initial=0)),
    )
