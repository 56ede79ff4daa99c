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
  reader wants, by ``tile.host_write``, a local ``linalg.fill`` or nothing.
- ``rtensor.relayout``: a ``tile.sync`` and a ``tile.relayout`` between the
  producer's placement and the reader's (a core receives only what it lacks).
- ``shift.schedule``: its loop nest unrolled: per step one ``tile.compute`` on
  the step slices, masked to each core's valid box of loops (padding is never
  computed); per rotation of a tensor ``sync``, one ``tile.exchange`` per
  buffer round its rings, ``sync`` (the cost model's two syncs per shift); the
  last rotation, which no compute would read, is left out. A
  ``shift.reduce_scatter`` becomes ``tile.reduce_scatter`` per buffer.
- ``rtensor.collect``: ``tile.host_gather``; ``func.return``: ``tile.return``.

Every op made for a schedule carries ``t10.op = "<name>"`` so the simulator's
trace and ``t10-run`` report time per operator.

SRAM: buffers are placed by a first-fit allocator over their live ranges
(definition to last use in program order): buffers never live together share
bytes. A core that overflows is an error naming the operator and the bytes.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from math import prod

import numpy as np
from xdsl.context import Context
from xdsl.dialects import arith, func
from xdsl.dialects.builtin import FunctionType, IntegerAttr, ModuleOp, StringAttr, i64
from xdsl.dialects.linalg.ops import FillOp
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.ir.affine import AffineMap
from xdsl.passes import ModulePass
from xdsl.utils.exceptions import PassFailedException

from t10.dialects import rtensor, shift, tile
from t10.hwmodel.chip import ChipFileError, load_chip
from t10.passes.diagnostics import format_location
from t10.passes.select_plans import CHIP_ATTR

OPERATOR_ATTR = "t10.op"
"""Names the operator (its schedule's result) each tile op was made for."""


def _fail(op: Operation, message: str) -> PassFailedException:
    where = format_location(op)
    return PassFailedException(f"{where}: error: {message}" if where is not None else message)


def _name(value: SSAValue) -> str:
    return value.name_hint or "value"


@dataclass(frozen=True)
class _Geometry:
    """The core grid, loop extents, steps and skews of one schedule."""

    extents: tuple[int, ...]
    grid: tuple[int, ...]
    steps: tuple[int, ...]
    skew: tuple[tuple[int, ...], ...]

    def place(self, indexing_map: AffineMap, at: Sequence[int]) -> tile.PlaceAttr:
        return tile.PlaceAttr(
            indexing_map, self.extents, self.grid, self.steps, self.skew, at, None
        )


def _ring_axes(
    schedule: shift.ScheduleOp, grid: Sequence[int], steps: Sequence[int]
) -> tuple[dict[tuple[int, int], int], list[list[int]]]:
    """
    For every (operand, loop) the operand rotates on, the grid axis its rings
    run along, and the skew matrix that makes those rings line up. An axis
    serves a loop for one slice stride only, and never moves an operand along
    a loop the operand holds in slices.
    """
    loops = len(grid)
    skew = [[0] * loops for _ in range(loops)]
    rings: dict[tuple[int, int], int] = {}
    layouts = [operand_type.layout for operand_type in schedule.distributed_types()]
    sliced = [{loop for loop in layout.used_loops() if steps[loop] > 1} for layout in layouts]
    for operand, layout in enumerate(layouts):
        for loop, factor in enumerate(layout.temporal_factors()):
            if factor == 1:
                continue
            stride = (steps[loop] - steps[loop] // factor) % steps[loop]
            unread = [axis for axis in range(loops) if axis not in layout.used_loops()]
            for axis in unread:
                if grid[axis] % factor or skew[loop][axis] not in (0, stride):
                    continue
                if any(skew[other][axis] for other in sliced[operand] if other != loop):
                    continue
                if any(
                    loop in sliced[user] and ring_loop != loop
                    for (user, ring_loop), ring_axis in rings.items()
                    if ring_axis == axis
                ):
                    continue
                skew[loop][axis] = stride
                rings[(operand, loop)] = axis
                break
            else:
                raise _fail(
                    schedule,
                    f"operand {operand} rotates on loop {loop} in rings of {factor}, but no grid "
                    f"axis it does not index ({[grid[axis] for axis in unread]}) can carry "
                    "those rings without moving another operand's slices",
                )
    return rings, skew


def _combiner(op: Operation) -> str:
    """How copies of a partial result combine: the scalar op yielding the body's result."""
    region = op.regions[0] if op.regions else None
    if region is None or not region.blocks:
        return "add"
    terminator = region.block.last_op
    if terminator is None or not terminator.operands:
        return "add"
    producer = terminator.operands[0].owner
    name = producer.name if isinstance(producer, Operation) else ""
    for combiner in ("add", "mul", "max", "min"):
        if combiner in name.split(".")[-1]:
            return combiner
    raise _fail(
        op, f"its partial results cannot be combined: the body yields {name or 'an argument'}"
    )


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
class _Placed:
    """A distributed tensor in buffers, each with its placement."""

    parts: list[tuple[SSAValue, tile.PlaceAttr]] = field(default_factory=lambda: [])


_Source = _Host | _Fill | _Undefined | _Moved | _Placed


class _FunctionLowering:
    """Lowers one function to a ``tile.program``."""

    def __init__(self, function: func.FuncOp, cores: int, sram_bytes: int):
        self.function = function
        self.cores = cores
        self.sram_bytes = sram_bytes
        function_type = function.function_type
        self.program_block = Block(arg_types=function_type.inputs.data)
        for old, new in zip(function.body.block.args, self.program_block.args, strict=True):
            new.name_hint = old.name_hint
        self.host: dict[SSAValue, SSAValue] = dict(
            zip(function.body.block.args, self.program_block.args, strict=True)
        )
        self.values: dict[SSAValue, _Source] = {}
        self.placed: dict[SSAValue, list[_Placed]] = {}
        self.operator = ""
        self.computed_since_sync = False

    # Emitting -------------------------------------------------------------

    def emit(self, op: Operation) -> Operation:
        if self.operator:
            op.attributes[OPERATOR_ATTR] = StringAttr(self.operator)
        self.program_block.add_op(op)
        if isinstance(op, tile.ComputeOp):
            self.computed_since_sync = True
        elif isinstance(op, tile.SyncOp):
            self.computed_since_sync = False
        return op

    def sync(self) -> None:
        """A barrier before data moves, if anything was computed since the last one."""
        if self.computed_since_sync:
            self.emit(tile.SyncOp())

    def alloc(self, place: tile.PlaceAttr, element_type: Attribute, name: str) -> SSAValue:
        buffer_type = tile.BufferType(place.buffer_shape(), element_type)
        alloc = self.emit(tile.AllocOp(0, buffer_type))
        alloc.results[0].name_hint = name
        return alloc.results[0]

    # Placing values ---------------------------------------------------------

    def place(
        self, value: SSAValue, places: Sequence[tile.PlaceAttr], fresh: bool = False
    ) -> list[SSAValue]:
        """Buffers holding ``value`` under ``places``, made now if no earlier ones do
        (always new ones when ``fresh``: the reader writes them)."""
        value_type = value.type
        assert isinstance(value_type, rtensor.DistributedTensorType)
        element_type = value_type.get_element_type()
        if not fresh:
            for placed in self.placed.get(value, []):
                if [place for _, place in placed.parts] == list(places):
                    return [buffer for buffer, _ in placed.parts]
        source = self.values[value]
        buffers = [
            self.alloc(place, element_type, f"{_name(value)}_{index}")
            for index, place in enumerate(places)
        ]
        if isinstance(source, _Host):
            self.sync()
            for buffer, place in zip(buffers, places, strict=True):
                self.emit(tile.HostWriteOp(self.host[source.tensor], buffer, place))
        elif isinstance(source, _Fill):
            for buffer in buffers:
                self.emit(_fill_compute(buffer, source.constant))
        elif isinstance(source, _Moved | _Placed):
            parts = self.natural(value if isinstance(source, _Placed) else source.source)
            self.sync()
            self.emit(
                tile.RelayoutOp(
                    [buffer for buffer, _ in parts],
                    [place for _, place in parts],
                    buffers,
                    places,
                    value_type.get_shape(),
                )
            )
        placed = _Placed(list(zip(buffers, places, strict=True)))
        if not fresh:
            self.placed.setdefault(value, []).append(placed)
        return buffers

    def natural(self, value: SSAValue) -> list[tuple[SSAValue, tile.PlaceAttr]]:
        """``value`` in the buffers it already has, else placed as its layout says."""
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
        place = tile.PlaceAttr(layout.map.data, extents, layout.grid_shape())
        buffers = self.place(value, [place])
        return [(buffers[0], place)]

    # Ops ------------------------------------------------------------------

    def run(self) -> tile.ProgramOp:
        for op in self.function.body.block.ops:
            self.lower(op)
        _assign_offsets(self.program_block, self.sram_bytes)
        function_type = self.function.function_type
        return tile.ProgramOp(
            self.function.sym_name.data,
            FunctionType.from_lists(function_type.inputs.data, function_type.outputs.data),
            self.cores,
            self.sram_bytes,
            Region(self.program_block),
        )

    def lower(self, op: Operation) -> None:
        if isinstance(op, rtensor.DistributeOp):
            self.values[op.result] = _Host(op.source)
        elif isinstance(op, rtensor.FillOp):
            constant = op.value.owner
            if not isinstance(constant, arith.ConstantOp):
                raise _fail(op, "rtensor.fill of a value that is not an arith.constant")
            self.values[op.result] = _Fill(constant)
        elif isinstance(op, rtensor.EmptyOp):
            self.values[op.result] = _Undefined()
        elif isinstance(op, rtensor.RelayoutOp):
            self.values[op.result] = _Moved(op.source)
            if any(not isinstance(use.operation, shift.ScheduleOp) for use in op.result.uses):
                self.natural(op.result)
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
            self.operator = _name(op.results[0])
            _ScheduleLowering(self, op).run()
            self.operator = ""
        elif isinstance(op, func.ReturnOp):
            self.emit(tile.ReturnOp(*(self.host[value] for value in op.arguments)))
        elif isinstance(op, arith.ConstantOp):
            return
        else:
            raise _fail(op, f"{op.name} cannot be lowered to tile: run t10-insert-shifts first")


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
        self.rings, skew = _ring_axes(schedule, grid, steps)
        self.geometry = _Geometry(
            tuple(extents), tuple(grid), tuple(steps), tuple(tuple(row) for row in skew)
        )
        self.position = [0] * len(grid)
        self.steps_left = prod(steps)
        self.inputs = len(schedule.inputs)
        # Per operand: its buffers by slice index (over its sliced loops), their placements.
        self.sliced: list[list[int]] = []
        self.counts: list[list[int]] = []
        self.buffers: list[dict[tuple[int, ...], SSAValue]] = []
        self.places: list[dict[tuple[int, ...], tile.PlaceAttr]] = []
        self.spares: list[dict[tuple[int, ...], SSAValue]] = []

    def run(self) -> None:
        operands = (*self.schedule.inputs, *self.schedule.outputs)
        for operand, (value, operand_type) in enumerate(zip(operands, self.types, strict=True)):
            layout = operand_type.layout
            sliced = [loop for loop in layout.used_loops() if self.geometry.steps[loop] > 1]
            counts = [
                self.geometry.steps[loop] // layout.temporal_factors()[loop] for loop in sliced
            ]
            indices = list(itertools.product(*(range(count) for count in counts)))
            places = {
                index: self.geometry.place(layout.map.data, self._offsets(sliced, index))
                for index in indices
            }
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
        steps = tile.PlaceAttr(
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
        axis = self.rings[(operand, loop)]
        pattern = tile.RotatePatternAttr(self.geometry.grid, axis, ring, 1)
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
        structured = next(
            inner
            for compute in self.schedule.body.walk()
            if isinstance(compute, shift.ComputeOp)
            for inner in compute.body.block.ops
            if not isinstance(inner, shift.YieldOp | arith.ConstantOp)
        )
        combiner = _combiner(structured)
        element_type = self.types[operand].get_element_type()
        self.function.sync()
        for index, buffer in list(self.buffers[operand].items()):
            source = self.places[operand][index]
            dest = source.with_chunks(op.cuts())
            try:
                dest.loop_boxes()
            except ValueError as error:
                raise _fail(op, str(error)) from error
            chunk = self.function.alloc(dest, element_type, f"{_name(buffer)}_chunk")
            self.function.emit(tile.ReduceScatterOp(buffer, source, chunk, dest, combiner))
            self.buffers[operand][index] = chunk
            self.places[operand][index] = dest

    def finish(self) -> None:
        for output, result in enumerate(self.schedule.results):
            operand = self.inputs + output
            parts = [
                (self.buffers[operand][index], self.places[operand][index])
                for index in sorted(self.buffers[operand])
            ]
            self.function.values[result] = _Placed(parts)
            self.function.placed[result] = [_Placed(parts)]


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
            f"internal: rotating operand {operand} along grid axis {pattern.axis.data} does "
            "not bring each core the slices its placement claims",
        )


def _assign_offsets(block: Block, sram_bytes: int) -> None:
    """First-fit SRAM offsets for every buffer over its live range in ``block``."""
    position = {op: index for index, op in enumerate(block.ops)}
    allocs = [op for op in block.ops if isinstance(op, tile.AllocOp)]
    intervals: list[tuple[int, int, int, tile.AllocOp]] = []
    for alloc in allocs:
        last = max((position[use.operation] for use in alloc.buffer.uses), default=position[alloc])
        buffer_type = alloc.buffer.type
        assert isinstance(buffer_type, tile.BufferType)
        size = buffer_type.byte_size()
        aligned = -(-size // tile.SRAM_ALIGNMENT_BYTES) * tile.SRAM_ALIGNMENT_BYTES
        intervals.append((position[alloc], last, aligned, alloc))
    placed: list[tuple[int, int, int, int]] = []
    for first, last, size, alloc in intervals:
        live = sorted(
            (offset, end)
            for other_first, other_last, offset, end in placed
            if other_first <= last and first <= other_last
        )
        offset = 0
        for other_offset, other_end in live:
            if offset + size <= other_offset:
                break
            offset = max(offset, other_end)
        if offset + size > sram_bytes:
            live_bytes = sum(end - start for start, end in live)
            operator = alloc.attributes.get(OPERATOR_ATTR)
            where = f" for {operator.data}" if isinstance(operator, StringAttr) else ""
            raise PassFailedException(
                f"error: buffer %{alloc.buffer.name_hint}{where} ({size} bytes) does not fit: "
                f"{live_bytes} bytes of other buffers are live on each core and SRAM holds "
                f"{sram_bytes}"
            )
        alloc.properties["offset"] = IntegerAttr(offset, i64)
        placed.append((first, last, offset, offset + size))


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
        functions = [inner for inner in op.body.block.ops if isinstance(inner, func.FuncOp)]
        programs = [
            _FunctionLowering(function, chip.cores, chip.sram_bytes).run()
            for function in functions
            if function.body.blocks
        ]
        for function, program in zip(functions, programs, strict=True):
            op.body.block.insert_op_before(program, function)
            op.body.block.erase_op(function)
