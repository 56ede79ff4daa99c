"""``t10-lower-to-tile``: compute-shift IR to the per-core BSP program of a chip.

Input: what ``t10-insert-shifts`` leaves (module attribute ``t10.chip``, each
function a sequence of ``rtensor`` distributes, fills, relayouts and collects
around ``shift.schedule``s). Each function becomes a ``tile.program`` on every
core of the chip, with every ``tile`` op standing for one step on all cores.

Where data sits (``#tile.place``)
=================================
A schedule's operand is held as *step slices* of its loop box: along a plan
loop ``d`` the operator takes ``X_d`` steps (its largest temporal factor); an
operand cut into ``f`` pieces along ``d`` holds ``q = X_d / f`` consecutive
slices, one buffer each (an operand that indexes ``d`` but is not cut holds all
``X_d``). Each core starts at slice ``skew_d(core)`` (Cannon's initial skew,
generalised): for an operand rotating on ``d`` round rings of ``f`` cores along
one grid axis ``a`` it does not index, ``skew_d`` falls by ``q`` per position
along ``a``, so the neighbour a core receives from holds exactly its next ``q``
slices. Axes are chosen so that no ring moves an operand along a loop it reads
in slices; the lowering checks every rotation against the placements it
claims and reports a plan it cannot arrange. The skew is folded into the data
movement that brings each operand in (host write, relayout), as the cost model
assumes.

What each op becomes
====================
- ``rtensor.distribute`` / ``fill`` / ``empty``: buffers placed as their
  reader wants, by ``tile.host_write``, a local ``linalg.fill`` or nothing. A
  weight's ``rtensor.distribute`` (its idle copy) is written at once, at the
  start of the program, into ``resident`` buffers: weights stay on the chip
  between runs, so their bytes are never reused. An activation argument is
  written again for each schedule that reads it, so no copy of it waits on the
  chip between its readers (plan selection counts none; host writes take no
  cycles).
- ``rtensor.relayout``: a ``tile.relayout`` between the producer's placement
  and the reader's (a core receives only what it lacks), carrying the price
  ``t10-select-plans`` gave it (``t10.predicted_cycles``); a parked result's
  is charged to (``t10.op``) the operator that made it. A ``tile.sync`` goes
  before it if some core receives from another and anything was computed since
  the last sync: the data moved between two operators' computes follows one
  barrier, as the planner prices it.
- ``shift.schedule``: its loop nest unrolled: per step one ``tile.compute`` on
  the step slices, masked to each core's valid box of loops (padding is never
  computed); per rotation of a tensor ``sync``, one ``tile.exchange`` per
  buffer round its rings, ``sync`` (the cost model's two syncs per shift); the
  last rotation, which no compute would read, is left out. A
  ``shift.reduce_scatter`` becomes one ``tile.reduce_scatter`` of all the output's step
  slices, whose rounds each move and combine a chunk of every slice.
- ``rtensor.collect``: ``tile.host_gather``; ``func.return``: ``tile.return``.

Every op made for a schedule carries ``t10.op = "<name>"`` so the simulator's
trace and ``t10-run`` report time per operator.

SRAM: buffers are placed over their live ranges (definition to last use in
program order, to the end for resident weights) so that buffers never live
together share bytes, by the first of several greedy packings that fits
(``sram_packing``). More live bytes than SRAM is an error naming the buffer
and its operator; live bytes that fit but no packing found is an error giving
both figures.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from math import prod

import numpy as np
from xdsl.context import Context
from xdsl.dialects import arith, func
from xdsl.dialects.builtin import (
    AffineMapAttr,
    AnyFloat,
    FloatAttr,
    FunctionType,
    IntegerAttr,
    IntegerType,
    ModuleOp,
    StringAttr,
    i64,
)
from xdsl.dialects.linalg.attrs import IteratorTypeAttr
from xdsl.dialects.linalg.ops import FillOp, GenericOp
from xdsl.dialects.linalg.ops import YieldOp as LinalgYieldOp
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.ir.affine import AffineExpr, AffineMap
from xdsl.passes import ModulePass
from xdsl.utils.comparisons import signed_value_range
from xdsl.utils.exceptions import PassFailedException

from t10.dialects import rtensor, shift, tile
from t10.hwmodel import cost
from t10.hwmodel.chip import Chip, ChipFileError, load_chip
from t10.hwmodel.work import combiner_of
from t10.passes.diagnostics import format_location
from t10.passes.model_graph import is_weight
from t10.passes.rings import Ring, RingError, lay_rings
from t10.passes.select_plans import CHIP_ATTR, PREDICTED_CYCLES_ATTR
from t10.passes.sram_packing import live_bytes_peak, pack

OPERATOR_ATTR = "t10.op"
"""Names the operator (its schedule's result) each tile op was made for."""


def _fail(op: Operation, message: str) -> PassFailedException:
    where = format_location(op)
    return PassFailedException(f"{where}: error: {message}" if where is not None else message)


def _name(value: SSAValue) -> str:
    return value.name_hint or "value"


@dataclass(frozen=True)
class _Geometry:
    """The core grid, loop extents, steps and skew of one schedule."""

    extents: tuple[int, ...]
    grid: tuple[int, ...]
    steps: tuple[int, ...]
    skew: AffineMap

    def place(self, indexing_map: AffineMap, at: Sequence[int]) -> tile.PlaceAttr:
        return tile.PlaceAttr.get(
            indexing_map, self.extents, self.grid, self.steps, self.skew, at, None
        )


def _lay_rings(
    schedule: shift.ScheduleOp, grid: Sequence[int], steps: Sequence[int]
) -> tuple[dict[tuple[int, int], Ring], AffineMap]:
    """
    For every (operand, loop) the operand rotates on, the rings it runs round
    (``rings.lay_rings``), and the skew that makes those rings line up: an operand
    rotating on loop ``d`` in rings of ``f`` holds ``q = steps[d] / f`` slices, so its
    step offset falls by ``q`` per position round its ring (once per ring, however
    many operands share it).
    """
    loops = len(grid)
    layouts = [operand_type.layout for operand_type in schedule.distributed_types()]
    try:
        rings = lay_rings(
            grid,
            steps,
            [frozenset(layout.used_loops()) for layout in layouts],
            [layout.temporal_factors() for layout in layouts],
        )
    except RingError as error:
        raise _fail(schedule, str(error)) from error
    skew = [AffineExpr.constant(0)] * loops
    for loop in range(loops):
        for ring in dict.fromkeys(
            ring for (_, ring_loop), ring in rings.items() if ring_loop == loop
        ):
            share = steps[loop] // ring.size
            skew[loop] = skew[loop] + ring.position(grid) * ((-share) % steps[loop])
    return rings, AffineMap(loops, 0, tuple(skew))


def _combining_op(op: Operation, output: int) -> Operation:
    """The scalar op of ``op``'s body combining output ``output``'s partial results: how
    copies of them combine (an ``add`` of a sum, a ``maximumf`` of a max, ...)."""
    producer = combiner_of(op, output)
    if producer is None or _combiner_name(producer) is None:
        raise _fail(
            op,
            f"the partial results of output {output} of {op.name} cannot be combined: its "
            "body does not yield combine(out, f(inputs)) with an add, mul, max or min",
        )
    return producer


def _combiner_name(producer: Operation) -> str | None:
    """``add``, ``mul``, ``max`` or ``min``: what ``producer`` does to two values."""
    kind = producer.name.split(".")[-1]
    return next((combiner for combiner in ("add", "mul", "max", "min") if combiner in kind), None)


def _identity(producer: Operation, element_type: Attribute) -> arith.ConstantOp:
    """The constant that combining by ``producer`` leaves every value unchanged with."""
    combiner = _combiner_name(producer)
    assert combiner is not None
    if isinstance(element_type, AnyFloat):
        real = {"add": 0.0, "mul": 1.0, "max": -math.inf, "min": math.inf}[combiner]
        return arith.ConstantOp(FloatAttr(real, element_type))
    assert isinstance(element_type, IntegerType)
    width = element_type.width.data
    low, high = (0, 1 << width) if producer.name.endswith("ui") else signed_value_range(width)
    whole = {"add": 0, "mul": 1, "max": low, "min": high - 1}[combiner]
    return arith.ConstantOp(IntegerAttr(whole, element_type))


def _is_constant(constant: arith.ConstantOp, expected: arith.ConstantOp) -> bool:
    value, wanted = constant.value, expected.value
    assert isinstance(value, FloatAttr | IntegerAttr) and isinstance(
        wanted, FloatAttr | IntegerAttr
    )
    return value.value.data == wanted.value.data


@dataclass
class _Host:
    """A tensor still on the host (``rtensor.distribute``)."""

    tensor: SSAValue


@dataclass
class _Fill:
    """A distributed tensor every element of which is one constant (``rtensor.fill``)."""

    constant: arith.ConstantOp


@dataclass
class _Undefined:
    """A distributed tensor with undefined contents (``rtensor.empty``)."""


@dataclass
class _Moved:
    """A distributed tensor another one is relayouted into, not yet placed."""

    source: SSAValue


@dataclass
class _Padded:
    """A distributed tensor that pads another (``rtensor.pad``), not yet placed."""

    pad: rtensor.PadOp


@dataclass
class _Placed:
    """A distributed tensor in buffers, each with its placement."""

    parts: list[tuple[SSAValue, tile.PlaceAttr]] = field(default_factory=lambda: [])


_Source = _Host | _Fill | _Undefined | _Moved | _Padded | _Placed


class _FunctionLowering:
    """Lowers one function to a ``tile.program``."""

    def __init__(self, function: func.FuncOp, chip: Chip):
        self.function = function
        self.chip = chip
        self.cores = chip.cores
        self.sram_bytes = chip.sram_bytes
        function_type = function.function_type
        self.program_block = Block(arg_types=function_type.inputs.data)
        for old, new in zip(function.body.block.args, self.program_block.args, strict=True):
            new.name_hint = old.name_hint
        self.host: dict[SSAValue, SSAValue] = dict(
            zip(function.body.block.args, self.program_block.args, strict=True)
        )
        self.values: dict[SSAValue, _Source] = {}
        self.placed: dict[SSAValue, list[_Placed]] = {}
        self.activation_inputs: list[SSAValue] = []
        """Distributed activation arguments: written from the host for each reader."""
        self.operator = ""
        self.computed_since_sync = False

    # Emitting -------------------------------------------------------------

    def emit(self, op: Operation) -> Operation:
        if self.operator:
            op.attributes[OPERATOR_ATTR] = StringAttr(self.operator)
        self.program_block.add_op(op)
        # A reduce-scatter ends combining what its last round received: on-core work too.
        if isinstance(op, tile.ComputeOp | tile.ReduceScatterOp):
            self.computed_since_sync = True
        elif isinstance(op, tile.SyncOp):
            self.computed_since_sync = False
        return op

    def sync(self) -> None:
        """A barrier before data moves, if anything was computed since the last one."""
        if self.computed_since_sync:
            self.emit(tile.SyncOp())

    def alloc(
        self, place: tile.PlaceAttr, element_type: Attribute, name: str, resident: bool = False
    ) -> SSAValue:
        buffer_type = tile.BufferType(place.buffer_shape(), element_type)
        alloc = self.emit(tile.AllocOp(0, buffer_type, resident=resident))
        alloc.results[0].name_hint = name
        return alloc.results[0]

    # Placing values ---------------------------------------------------------

    def place(
        self,
        value: SSAValue,
        places: Sequence[tile.PlaceAttr],
        fresh: bool = False,
        resident: bool = False,
    ) -> list[SSAValue]:
        """Buffers holding ``value`` under ``places``, made now if no earlier ones do
        (always new ones when ``fresh``: the reader writes them; ``resident`` ones live
        to the end of the program)."""
        value_type = value.type
        assert isinstance(value_type, rtensor.DistributedTensorType)
        element_type = value_type.get_element_type()
        if not fresh:
            for placed in self.placed.get(value, []):
                if [place for _, place in placed.parts] == list(places):
                    return [buffer for buffer, _ in placed.parts]
        source = self.values[value]
        buffers = [
            self.alloc(place, element_type, f"{_name(value)}_{index}", resident)
            for index, place in enumerate(places)
        ]
        if isinstance(source, _Host):
            self.sync()
            for buffer, place in zip(buffers, places, strict=True):
                self.emit(tile.HostWriteOp(self.host[source.tensor], buffer, place))
        elif isinstance(source, _Fill):
            for buffer in buffers:
                self.emit(_fill_compute(buffer, source.constant))
        elif isinstance(source, _Padded):
            self.sync()
            parts = self.natural(source.pad.source)
            self.emit(_predicted(source.pad, _padding_relayout(source.pad, parts, buffers, places)))
        elif isinstance(source, _Moved | _Placed):
            parts = self.natural(value if isinstance(source, _Placed) else source.source)
            relayout = tile.RelayoutOp(
                [buffer for buffer, _ in parts],
                [place for _, place in parts],
                buffers,
                places,
                value_type.get_shape(),
            )
            if isinstance(source, _Moved) and isinstance(value.owner, Operation):
                _predicted(value.owner, relayout)
            if tile.moves_between_cores(relayout):
                self.sync()
            self.emit(relayout)
        placed = _Placed(list(zip(buffers, places, strict=True)))
        if not fresh:
            self.placed.setdefault(value, []).append(placed)
        return buffers

    def natural(
        self, value: SSAValue, resident: bool = False
    ) -> list[tuple[SSAValue, tile.PlaceAttr]]:
        """``value`` in the buffers it already has, else placed as its layout says (in
        ``resident`` buffers: they live to the end of the program)."""
        if self.placed.get(value):
            return self.placed[value][0].parts
        value_type = value.type
        assert isinstance(value_type, rtensor.DistributedTensorType)
        layout = value_type.layout
        if any(factor != 1 for factor in layout.temporal_factors()):
            raise _fail(
                value.owner if isinstance(value.owner, Operation) else self.function,
                f"%{_name(value)} has temporal factors {list(layout.temporal_factors())} but "
                "no schedule places it: only a schedule knows which piece each core holds",
            )
        extents = rtensor.loop_extents([layout.map.data], [value_type.get_shape()])
        place = tile.PlaceAttr.get(layout.map.data, extents, layout.grid_shape())
        buffers = self.place(value, [place], resident=resident)
        return [(buffers[0], place)]

    # Ops ------------------------------------------------------------------

    def run(self) -> tile.ProgramOp:
        for op in self.function.body.block.ops:
            self.lower(op)
        function_type = self.function.function_type
        program = tile.ProgramOp(
            self.function.sym_name.data,
            FunctionType.from_lists(function_type.inputs.data, function_type.outputs.data),
            self.cores,
            self.sram_bytes,
            Region(self.program_block),
        )
        _assign_offsets(program, self.chip)
        return program

    def lower(self, op: Operation) -> None:
        if isinstance(op, rtensor.DistributeOp):
            self.values[op.result] = _Host(op.source)
            if is_weight(op.source):
                self.natural(op.result, resident=True)
            else:
                self.activation_inputs.append(op.result)
        elif isinstance(op, rtensor.FillOp):
            constant = op.value.owner
            if not isinstance(constant, arith.ConstantOp):
                raise _fail(op, "rtensor.fill of a value that is not an arith.constant")
            self.values[op.result] = _Fill(constant)
        elif isinstance(op, rtensor.EmptyOp):
            self.values[op.result] = _Undefined()
        elif isinstance(op, rtensor.PadOp):
            if not isinstance(op.value.owner, arith.ConstantOp):
                raise _fail(op, "rtensor.pad of a value that is not an arith.constant")
            self.values[op.result] = _Padded(op)
        elif isinstance(op, rtensor.RelayoutOp):
            self.values[op.result] = _Moved(op.source)
            if any(not isinstance(use.operation, shift.ScheduleOp) for use in op.result.uses):
                # Parking a result in its idle layout is the work of the operator that made it.
                producer = op.source.owner
                if isinstance(producer, shift.ScheduleOp):
                    self.operator = _name(producer.results[0])
                self.natural(op.result)
                self.operator = ""
        elif isinstance(op, rtensor.CollectOp):
            parts = self.natural(op.source)
            self.sync()
            gather = self.emit(
                tile.HostGatherOp(
                    [buffer for buffer, _ in parts], [place for _, place in parts], op.result.type
                )
            )
            self.host[op.result] = gather.results[0]
        elif isinstance(op, shift.ScheduleOp):
            self._forget_host_copies()
            self.operator = _name(op.results[0])
            _ScheduleLowering(self, op).run()
            self.operator = ""
        elif isinstance(op, func.ReturnOp):
            self.emit(tile.ReturnOp(*(self.host[value] for value in op.arguments)))
        elif isinstance(op, arith.ConstantOp):
            return
        else:
            raise _fail(op, f"{op.name} cannot be lowered to tile: run t10-insert-shifts first")

    def _forget_host_copies(self) -> None:
        """Let the next schedule write activation arguments from the host anew: plan
        selection counts no copy of them waiting on the chip between their readers (host
        writes take no cycles), so none may stay live from one reader to the next."""
        for value in self.activation_inputs:
            self.placed.pop(value, None)


def _predicted(made_from: Operation, relayout: tile.RelayoutOp) -> tile.RelayoutOp:
    """``relayout`` carrying the price t10-select-plans gave the op it was made from."""
    price = made_from.attributes.get(PREDICTED_CYCLES_ATTR)
    if price is not None:
        relayout.attributes[PREDICTED_CYCLES_ATTR] = price
    return relayout


def _padding_relayout(
    pad: rtensor.PadOp,
    parts: Sequence[tuple[SSAValue, tile.PlaceAttr]],
    buffers: Sequence[SSAValue],
    places: Sequence[tile.PlaceAttr],
) -> tile.RelayoutOp:
    """The relayout filling ``buffers`` with the padded tensor: the source's ``parts``
    seen inside it (their places moved by the low padding), the rest the padding."""
    constant = pad.value.owner
    assert isinstance(constant, arith.ConstantOp)
    padding = constant.value
    assert isinstance(padding, FloatAttr | IntegerAttr)
    low = pad.low_padding()
    moved = [
        tile.PlaceAttr.get(
            AffineMap(
                place.map.data.num_dims,
                0,
                tuple(
                    result + offset if offset else result
                    for result, offset in zip(place.map.data.results, low, strict=True)
                ),
            ),
            place.loop_extents(),
            place.grid_shape(),
            place.step_counts(),
            place.skew_map(),
            place.step_offsets(),
            place.chunk_counts(),
        )
        for _, place in parts
    ]
    result_type = pad.result.type
    assert isinstance(result_type, rtensor.DistributedTensorType)
    return tile.RelayoutOp(
        [buffer for buffer, _ in parts],
        moved,
        buffers,
        places,
        result_type.get_shape(),
        padding,
    )


def _fill_compute(buffer: SSAValue, constant: arith.ConstantOp) -> tile.ComputeOp:
    buffer_type = buffer.type
    assert isinstance(buffer_type, tile.BufferType)
    tensor_type = buffer_type.tensor_type()
    body = Block(arg_types=[tensor_type])
    value = constant.clone()
    fill = FillOp((value.result,), (body.args[0],), (tensor_type,))
    body.add_ops([value, fill, tile.YieldOp(fill.results[0])])
    return tile.ComputeOp([], [buffer], Region(body))


class _ScheduleLowering:
    """Unrolls one ``shift.schedule`` into tile ops."""

    def __init__(self, function: _FunctionLowering, schedule: shift.ScheduleOp):
        self.function = function
        self.schedule = schedule
        self.types = schedule.distributed_types()
        extents = schedule.operator_loops()
        grid = schedule.plan.loop_factors()
        steps = schedule.steps_per_loop()
        self.rings, skew = _lay_rings(schedule, grid, steps)
        self.geometry = _Geometry(tuple(extents), tuple(grid), tuple(steps), skew)
        self.position = [0] * len(grid)
        self.steps_left = prod(steps)
        self.inputs = len(schedule.inputs)
        # Per operand: its buffers by slice index (over its sliced loops), their placements.
        self.sliced: list[list[int]] = []
        self.counts: list[list[int]] = []
        self.buffers: list[dict[tuple[int, ...], SSAValue]] = []
        self.places: list[dict[tuple[int, ...], tile.PlaceAttr]] = []
        self.spares: list[dict[tuple[int, ...], SSAValue]] = []
        # Partial-result outputs whose initial value is combined in after their copies.
        self.initial: dict[int, SSAValue] = {}

    def run(self) -> None:
        operands = (*self.schedule.inputs, *self.schedule.outputs)
        partial = self.partial_outputs()
        self.initial = {
            operand: operands[operand]
            for operand in partial
            if not self.starts_at_identity(operands[operand], self.combining_op(operand))
        }
        for operand, (value, operand_type) in enumerate(zip(operands, self.types, strict=True)):
            layout = operand_type.layout
            element_type = operand_type.get_element_type()
            sliced = [loop for loop in layout.used_loops() if self.geometry.steps[loop] > 1]
            counts = [
                self.geometry.steps[loop] // layout.temporal_factors()[loop] for loop in sliced
            ]
            indices = list(itertools.product(*(range(count) for count in counts)))
            places = {
                index: self.geometry.place(layout.map.data, self._offsets(sliced, index))
                for index in indices
            }
            if operand in self.initial:
                buffers = [
                    self.function.alloc(places[index], element_type, f"{_name(value)}_{number}")
                    for number, index in enumerate(indices)
                ]
                identity = _identity(self.combining_op(operand), element_type)
                for buffer in buffers:
                    self.function.emit(_fill_compute(buffer, identity))
            else:
                buffers = self.function.place(
                    value, [places[index] for index in indices], fresh=operand >= self.inputs
                )
            self.sliced.append(sliced)
            self.counts.append(counts)
            self.places.append(places)
            self.buffers.append(dict(zip(indices, buffers, strict=True)))
            self.spares.append({})
        self.walk(self.schedule.body.block)
        self.finish()

    def combining_op(self, operand: int) -> Operation:
        """The scalar op combining the partial results of output operand ``operand``."""
        structured = next(
            inner
            for compute in self.schedule.body.walk()
            if isinstance(compute, shift.ComputeOp)
            for inner in compute.body.block.ops
            if not isinstance(inner, shift.YieldOp | arith.ConstantOp)
        )
        return _combining_op(structured, operand - self.inputs)

    def partial_outputs(self) -> set[int]:
        """Outputs held as copies of partial results (the ones reduce-scattered)."""
        return {
            self._operand(op.piece)
            for op in self.schedule.body.walk()
            if isinstance(op, shift.ReduceScatterOp)
        }

    def starts_at_identity(self, value: SSAValue, combining: Operation) -> bool:
        """Whether ``value`` is undefined or the combiner's identity everywhere, so every
        copy of a partial result may start from it."""
        source = self.function.values[value]
        if isinstance(source, _Undefined):
            return True
        value_type = value.type
        assert isinstance(value_type, rtensor.DistributedTensorType)
        identity = _identity(combining, value_type.get_element_type())
        return isinstance(source, _Fill) and _is_constant(source.constant, identity)

    def _offsets(self, sliced: Sequence[int], index: Sequence[int]) -> list[int]:
        offsets = [0] * len(self.geometry.grid)
        for loop, slice_index in zip(sliced, index, strict=True):
            offsets[loop] = slice_index
        return offsets

    def _operand(self, piece: SSAValue) -> int:
        return next(
            index
            for index, argument in enumerate(self.schedule.body.block.args)
            if argument is piece
        )

    def walk(self, block: Block) -> None:
        for op in block.ops:
            if isinstance(op, shift.LoopOp):
                self.loop(op)
            elif isinstance(op, shift.ComputeOp):
                self.compute(op)
            elif isinstance(op, shift.RotateOp):
                self.rotate(op)
            elif isinstance(op, shift.ReduceScatterOp):
                self.reduce_scatter(op)
            elif isinstance(op, shift.SkewOp | shift.YieldOp):
                continue
            else:
                raise _fail(op, f"{op.name} has no tile lowering")

    def loop(self, op: shift.LoopOp) -> None:
        axis = shift.loop_level_axis(op)
        assert axis is not None
        stride = prod(
            inner.count.value.data
            for inner in op.body.walk()
            if isinstance(inner, shift.LoopOp)
            and inner is not op
            and shift.loop_level_axis(inner) == axis
        )
        base = self.position[axis]
        for iteration in range(op.count.value.data):
            self.position[axis] = base + iteration * stride
            self.walk(op.body.block)
        self.position[axis] = base

    def compute(self, op: shift.ComputeOp) -> None:
        chosen: list[SSAValue] = []
        for operand, sliced in enumerate(self.sliced):
            index = tuple(
                self.position[loop] % count
                for loop, count in zip(sliced, self.counts[operand], strict=True)
            )
            place = self.places[operand][index]
            for loop in sliced:
                if place.step_offsets()[loop] != self.position[loop]:
                    raise _fail(
                        self.schedule,
                        f"internal: operand {operand} holds slice {place.step_offsets()[loop]} "
                        f"of loop {loop} at step {self.position[loop]}",
                    )
            chosen.append(self.buffers[operand][index])
        body = op.body.clone()
        terminator = body.block.last_op
        assert isinstance(terminator, shift.YieldOp)
        body.block.insert_op_before(tile.YieldOp(*terminator.arguments), terminator)
        body.block.erase_op(terminator)
        body = _on_buffers(op, body, chosen)
        steps = tile.PlaceAttr.get(
            AffineMap.identity(len(self.geometry.grid)),
            self.geometry.extents,
            self.geometry.grid,
            self.geometry.steps,
            self.geometry.skew,
            self.position,
            None,
        )
        self.function.emit(
            tile.ComputeOp(chosen[: self.inputs], chosen[self.inputs :], body, steps)
        )
        self.steps_left -= 1

    def rotate(self, op: shift.RotateOp) -> None:
        if self.steps_left == 0:
            return
        operand = self._operand(op.piece)
        loop = op.loop.value.data
        ring = op.ring.value.data
        pattern = self.rings[(operand, loop)].pattern(self.geometry.grid)
        assert pattern.ring.data == ring
        stride = self.geometry.steps[loop] // ring
        self.function.sync()
        element_type = self.types[operand].get_element_type()
        for index, buffer in list(self.buffers[operand].items()):
            old = self.places[operand][index]
            offsets = list(old.step_offsets())
            offsets[loop] = (offsets[loop] + stride) % self.geometry.steps[loop]
            new = old.with_offsets(offsets)
            _check_rotation(self.schedule, operand, old, new, pattern)
            spare = self.spares[operand].get(index)
            if spare is None:
                spare = self.function.alloc(new, element_type, f"{_name(buffer)}_next")
            self.function.emit(tile.ExchangeOp(buffer, spare, pattern))
            self.spares[operand][index] = buffer
            self.buffers[operand][index] = spare
            self.places[operand][index] = new
        self.function.emit(tile.SyncOp())

    def reduce_scatter(self, op: shift.ReduceScatterOp) -> None:
        operand = self._operand(op.piece)
        combiner = _combiner_name(self.combining_op(operand))
        assert combiner is not None
        element_type = self.types[operand].get_element_type()
        sources: list[SSAValue] = []
        source_places: list[tile.PlaceAttr] = []
        chunks: list[SSAValue] = []
        chunk_places: list[tile.PlaceAttr] = []
        for index, buffer in list(self.buffers[operand].items()):
            source = self.places[operand][index]
            dest = source.with_chunks(op.cuts())
            try:
                dest.loop_boxes()
            except ValueError as error:
                raise _fail(op, str(error)) from error
            chunk = self.function.alloc(dest, element_type, f"{_name(buffer)}_chunk")
            sources.append(buffer)
            source_places.append(source)
            chunks.append(chunk)
            chunk_places.append(dest)
            self.buffers[operand][index] = chunk
            self.places[operand][index] = dest
        self.function.emit(
            tile.ReduceScatterOp(sources, source_places, chunks, chunk_places, combiner)
        )

    def finish(self) -> None:
        for output, result in enumerate(self.schedule.results):
            operand = self.inputs + output
            parts = [
                (self.buffers[operand][index], self.places[operand][index])
                for index in sorted(self.buffers[operand])
            ]
            if operand in self.initial:
                self.combine_initial(operand, parts)
            self.function.values[result] = _Placed(parts)
            self.function.placed[result] = [_Placed(parts)]

    def combine_initial(
        self, operand: int, parts: Sequence[tuple[SSAValue, tile.PlaceAttr]]
    ) -> None:
        """Combine output operand ``operand``'s initial value into its combined partial
        results ``parts`` (whose copies all started from the identity, so that it counts
        once)."""
        value = self.initial[operand]
        initial = self.function.place(value, [place for _, place in parts], fresh=True)
        self.function.sync()
        combining = self.combining_op(operand)
        for (buffer, _), start in zip(parts, initial, strict=True):
            self.function.emit(_combine_compute(combining, start, buffer))


def _combine_compute(combining: Operation, initial: SSAValue, partial: SSAValue) -> tile.ComputeOp:
    """``partial = combining(partial, initial)`` elementwise over the whole buffers."""
    buffer_type = partial.type
    assert isinstance(buffer_type, tile.BufferType)
    tensor_type = buffer_type.tensor_type()
    element_type = buffer_type.element_type
    body = Block(arg_types=[tensor_type, tensor_type])
    scalars = Block(arg_types=[element_type, element_type])
    combine = combining.clone()
    combine.operands = [scalars.args[1], scalars.args[0]]
    scalars.add_ops([combine, LinalgYieldOp(combine.results[0])])
    identity = AffineMapAttr(AffineMap.identity(len(buffer_type.get_shape())))
    generic = GenericOp(
        [body.args[0]],
        [body.args[1]],
        Region(scalars),
        [identity, identity],
        [IteratorTypeAttr.parallel()] * len(buffer_type.get_shape()),
        [tensor_type],
    )
    body.add_ops([generic, tile.YieldOp(generic.results[0])])
    return tile.ComputeOp([initial], [partial], Region(body))


def _on_buffers(op: shift.ComputeOp, body: Region, buffers: Sequence[SSAValue]) -> Region:
    """``body`` reading and writing ``buffers``. A buffer holds the image of its box
    under the access map, positions the map pins to a constant included only once (at
    local index 0): where a piece's type spans the whole dim, the body's block, its
    linalg.generic's maps (constants dropped) and result types follow the buffers."""
    wanted = [_buffer_tensor_type(buffer) for buffer in buffers]
    block = body.block
    if [argument.type for argument in block.args] == wanted:
        return body
    structured = next(inner for inner in block.ops if inner.name.startswith("linalg."))
    if not isinstance(structured, GenericOp) or tuple(structured.operands) != block.args:
        raise _fail(
            op,
            f"{structured.name} reads positions pinned to constants; only a linalg.generic on "
            "its operands in order can be rebased onto the buffers",
        )
    local = Block(arg_types=wanted)
    maps = [
        AffineMapAttr(_without_constants(indexing_map.data))
        for indexing_map in structured.indexing_maps.data
    ]
    outputs = local.args[len(structured.inputs) :]
    generic = GenericOp(
        local.args[: len(structured.inputs)],
        outputs,
        structured.detach_region(structured.regions[0]),
        maps,
        structured.iterator_types.data,
        [output.type for output in outputs],
    )
    local.add_ops([generic, tile.YieldOp(*generic.results)])
    return Region(local)


def _buffer_tensor_type(buffer: SSAValue) -> Attribute:
    buffer_type = buffer.type
    assert isinstance(buffer_type, tile.BufferType)
    return buffer_type.tensor_type()


def _without_constants(indexing_map: AffineMap) -> AffineMap:
    """``indexing_map`` with each result's constant term dropped: the map in a buffer
    whose first element stands for the result at loop origin."""
    origin = indexing_map.eval([0] * indexing_map.num_dims, [])
    return AffineMap(
        indexing_map.num_dims,
        indexing_map.num_symbols,
        tuple(
            result if constant == 0 else result - constant
            for result, constant in zip(indexing_map.results, origin, strict=True)
        ),
    )


def _check_rotation(
    schedule: shift.ScheduleOp,
    operand: int,
    old: tile.PlaceAttr,
    new: tile.PlaceAttr,
    pattern: tile.RotatePatternAttr,
) -> None:
    """Every core must receive exactly the slices its new placement says it holds."""
    used = sorted(old.map.data.used_dims())
    old_start, _ = old.loop_boxes()
    new_start, _ = new.loop_boxes()
    transfers = pattern.transfers()
    senders, receivers = transfers[:, 0], transfers[:, 1]
    if not np.array_equal(old_start[senders][:, used], new_start[receivers][:, used]):
        raise _fail(
            schedule,
            f"internal: rotating operand {operand} by {pattern} does "
            "not bring each core the slices its placement claims",
        )


class BuffersDoNotFit(PassFailedException):
    """The program's buffers and exchange code need ``excess_bytes`` more than the
    ``sram_bytes`` a core has: planning again with that many bytes fewer for the plans
    (``t10-select-plans{reserved-bytes}``) may fit."""

    def __init__(self, message: str, excess_bytes: int, sram_bytes: int):
        super().__init__(message)
        self.excess_bytes = excess_bytes
        self.sram_bytes = sram_bytes


def _assign_offsets(program: tile.ProgramOp, chip: Chip) -> None:
    """SRAM offsets for every buffer of ``program`` such that buffers live at once never
    share a byte (``sram_packing``), below the exchange code at the top of every core's
    SRAM; an error names what does not fit."""
    code_bytes = int(cost.exchange_code_bytes(chip, tile.exchange_messages(program)).max())
    full = program.sram_bytes.value.data
    sram_bytes = full - code_bytes
    room = f"SRAM holds {sram_bytes}"
    if code_bytes >= full:
        room = f"the exchange code alone takes {code_bytes} bytes of the {full} of SRAM"
    elif code_bytes:
        room = f"SRAM holds {sram_bytes} beside {code_bytes} bytes of exchange code"
    ranges = tile.buffer_live_ranges(program)
    sizes = np.array([_aligned_bytes(live.alloc) for live in ranges], dtype=np.int64)
    firsts = np.array([live.first for live in ranges], dtype=np.int64)
    lasts = np.array([live.last for live in ranges], dtype=np.int64)
    live_bytes = live_bytes_peak(sizes, firsts, lasts)
    if live_bytes.peak > sram_bytes:
        alloc = ranges[live_bytes.at_buffer].alloc
        size = int(sizes[live_bytes.at_buffer])
        raise BuffersDoNotFit(
            f"error: buffer %{alloc.buffer.name_hint}{_for_operator(alloc)} ({size} bytes) does "
            f"not fit: {live_bytes.peak - size} bytes of other buffers are live on each core "
            f"and {room}",
            live_bytes.peak - sram_bytes,
            full,
        )
    packing = pack(sizes, firsts, lasts, sram_bytes)
    if packing.span > sram_bytes:
        highest = int(np.argmax(packing.offsets + sizes))
        alloc = ranges[highest].alloc
        raise BuffersDoNotFit(
            f"error: the buffers do not pack into SRAM: at most {live_bytes.peak} bytes are live "
            f"on each core at once and {room}, but the tightest "
            f"packing found spans {packing.span} (holes between buffers of other lifetimes); "
            f"it ends with %{alloc.buffer.name_hint}{_for_operator(alloc)}",
            packing.span - sram_bytes,
            full,
        )
    for live, offset in zip(ranges, packing.offsets.tolist(), strict=True):
        live.alloc.properties["offset"] = IntegerAttr(offset, i64)


def _aligned_bytes(alloc: tile.AllocOp) -> int:
    buffer_type = alloc.buffer.type
    assert isinstance(buffer_type, tile.BufferType)
    alignment = tile.SRAM_ALIGNMENT_BYTES
    return -(-buffer_type.byte_size() // alignment) * alignment


def _for_operator(alloc: tile.AllocOp) -> str:
    operator = alloc.attributes.get(OPERATOR_ATTR)
    return f" for {operator.data}" if isinstance(operator, StringAttr) else ""


@dataclass(frozen=True)
class LowerToTilePass(ModulePass):
    """Rewrite every compute-shift function into a ``tile.program`` for the module's chip."""

    name = "t10-lower-to-tile"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        chip_name = op.attributes.get(CHIP_ATTR)
        if not isinstance(chip_name, StringAttr):
            raise PassFailedException(
                f"t10-lower-to-tile: the module has no {CHIP_ATTR} attribute naming the chip: "
                "run t10-compile (or t10-select-plans and t10-insert-shifts) first"
            )
        try:
            chip = load_chip(chip_name.data)
        except ChipFileError as error:
            raise PassFailedException(str(error)) from error
        defined = [
            inner
            for inner in op.body.block.ops
            if isinstance(inner, func.FuncOp) and inner.body.blocks
        ]
        programs = [_FunctionLowering(function, chip).run() for function in defined]
        for function, program in zip(defined, programs, strict=True):
            op.body.block.insert_op_before(program, function)
            op.body.block.erase_op(function)
