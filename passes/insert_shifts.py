"""``t10-insert-shifts``: turn every planned linalg operator into a ``shift.schedule``.

Input: what ``t10-select-plans`` leaves, a module attribute ``t10.chip`` and on
every structured operator ``t10.plan`` (one temporal row per operand, scalars
included), ``t10.loop_order`` (its stepped loops, outermost first) and
``t10.plan_cost``. Per function the pass emits, in program order:

- weights (``{t10.weight}`` arguments): one ``rtensor.distribute`` into their
  idle layout at function entry; every reader relayouts from that idle copy;
- activation arguments: one ``rtensor.distribute`` per distinct layout a reader
  wants, before the first such reader;
- ``tensor.empty`` read by an operator: an ``rtensor.empty`` in the layout the
  reader wants (no host data is moved for undefined contents);
- an initialiser (``model_graph``: a ``linalg.fill`` of a scalar whose result
  only operators read, as ``outs`` or as ``ins``): an ``rtensor.fill`` in the
  layout of each operator reading it, so no data moves;
- each operator: a ``shift.schedule`` of its plan restricted to tensor operands,
  fed by ``rtensor.relayout`` wherever the producer's layout differs from the
  plan's. A parked result (read by an operator other than the next one) is
  relayouted into its idle layout right after its schedule; the next operator
  reads the schedule's result, later ones the idle copy;
- function results: ``rtensor.collect``.

The schedule body follows the model ``t10.passes.plan_search`` prices: skews
first, then per loop of ``t10.loop_order`` the levels its temporal factors'
divisibility chain peels (``loop_levels``), the compute step innermost, and a
``shift.reduce_scatter`` per output holding partial sums after the nest.
Scalars defined by ``arith.constant`` are cloned into the compute body.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from math import prod

from xdsl.context import Context
from xdsl.dialects import arith, func, tensor
from xdsl.dialects.builtin import (
    DenseArrayBase,
    DictionaryAttr,
    IntegerAttr,
    ModuleOp,
    StringAttr,
    TensorType,
    i64,
)
from xdsl.ir import Attribute, Block, BlockArgument, Operation, OpResult, Region, SSAValue
from xdsl.ir.affine import AffineMap
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.utils.exceptions import PassFailedException, VerifyException

from t10.dialects import rtensor, shift
from t10.dialects.rtensor import DistributedTensorType, OpPlanAttr, tensor_dim_loops
from t10.hwmodel.chip import ChipFileError, load_chip
from t10.passes.diagnostics import format_location
from t10.passes.iteration_space import iteration_space
from t10.passes.model_graph import ModelGraph, Use, idle_type
from t10.passes.select_plans import (
    CHIP_ATTR,
    LOOP_ORDER_ATTR,
    OPERAND_RELAYOUTS_ATTR,
    PARKING_ATTR,
    PLAN_ATTR,
    PLAN_COST_ATTR,
    PREDICTED_CYCLES_ATTR,
)


@dataclass(frozen=True)
class LoopLevel:
    """One ``shift.loop`` level: ``count`` steps of plan loop ``loop``."""

    loop: int
    count: int
    rotating: tuple[int, ...]
    """The operands that rotate at the end of this level's body."""


def loop_levels(
    temporal: Sequence[Sequence[int]], loop_order: Sequence[int]
) -> tuple[LoopLevel, ...]:
    """
    The loop nest of a plan, outermost level first. On each loop ``d`` of
    ``loop_order`` the distinct temporal factors above 1 form a chain
    f1 < f2 < ... < fk; the levels count f1, f2 / f1, ..., fk / f(k-1), and the
    operands with factor fi rotate in the i-th, so the levels over ``d`` around
    their rotation multiply to fi. The next loop's levels nest inside.
    """
    levels: list[LoopLevel] = []
    for loop in loop_order:
        factors = sorted({row[loop] for row in temporal if row[loop] > 1})
        enclosing = 1
        for factor in factors:
            rotating = tuple(operand for operand, row in enumerate(temporal) if row[loop] == factor)
            levels.append(LoopLevel(loop, factor // enclosing, rotating))
            enclosing = factor
    return tuple(levels)


def _fail(op: Operation, message: str) -> PassFailedException:
    where = format_location(op)
    return PassFailedException(f"{where}: error: {message}" if where is not None else message)


def _structured_maps(op: Operation) -> list[AffineMap]:
    return list(iteration_space(op).indexing_maps)


def _num_inputs(op: Operation) -> int:
    """Operands before the ``outs``: a structured op on tensors has a result per ``outs``."""
    return len(op.operands) - len(op.results)


def _captured_values(op: Operation) -> list[SSAValue]:
    """Values that ops inside ``op``'s regions read but that are defined outside ``op``."""
    defined: set[SSAValue] = set()
    for region in op.regions:
        for block in region.blocks:
            defined.update(block.args)
    nested = [inner for inner in op.walk() if inner is not op]
    for inner in nested:
        defined.update(inner.results)
    captured: list[SSAValue] = []
    for inner in nested:
        for operand in inner.operands:
            if operand not in defined and operand not in captured:
                captured.append(operand)
    return captured


def _padding_value(pad: tensor.PadOp) -> SSAValue:
    """The value ``pad`` yields for every position outside its source."""
    yielded = pad.region.block.last_op
    assert yielded is not None and yielded.operands
    return yielded.operands[0]


def _predict(moving: Operation, operator: Operation, prices_attr: str, index: int) -> None:
    """Put on ``moving`` the price t10-select-plans gave it: entry ``index`` of the
    operator's ``prices_attr``, if the operator has one."""
    prices = operator.attributes.get(prices_attr)
    if isinstance(prices, DenseArrayBase) and index < len(prices):
        moving.attributes[PREDICTED_CYCLES_ATTR] = IntegerAttr(prices.get_values()[index], i64)


def _constant(value: SSAValue) -> arith.ConstantOp | None:
    if isinstance(value, OpResult) and isinstance(value.op, arith.ConstantOp):
        return value.op
    return None


@dataclass(frozen=True)
class _PlannedOp:
    """A structured operator with its plan as the schedule sees it."""

    op: Operation
    tensor_operands: tuple[int, ...]
    """Indices into ``op.operands`` of its tensor operands, ins then outs."""
    num_tensor_inputs: int
    plan: OpPlanAttr
    """``t10.plan`` restricted to the tensor operands."""
    maps: tuple[AffineMap, ...]
    """The tensor operands' indexing maps."""
    loop_order: tuple[int, ...]
    cost: DictionaryAttr

    @staticmethod
    def read(op: Operation) -> _PlannedOp:
        plan = op.attributes.get(PLAN_ATTR)
        if not isinstance(plan, OpPlanAttr):
            raise _fail(op, f"{op.name} has no {PLAN_ATTR}: run t10-select-plans first")
        loop_order = op.attributes.get(LOOP_ORDER_ATTR)
        if not isinstance(loop_order, DenseArrayBase):
            raise _fail(op, f"{op.name} has no {LOOP_ORDER_ATTR}: run t10-select-plans first")
        cost = op.attributes.get(PLAN_COST_ATTR)
        if not isinstance(cost, DictionaryAttr):
            raise _fail(op, f"{op.name} has no {PLAN_COST_ATTR}: run t10-select-plans first")
        operands = op.operands
        if len(plan.temporal.data) != len(operands):
            raise _fail(
                op,
                f"{PLAN_ATTR} has {len(plan.temporal.data)} operand rows but {op.name} has "
                f"{len(operands)} operands",
            )
        tensor_operands = tuple(
            index for index, operand in enumerate(operands) if isinstance(operand.type, TensorType)
        )
        num_inputs = _num_inputs(op)
        maps = _structured_maps(op)
        tensor_plan = OpPlanAttr(
            plan.loop_factors(),
            [plan.operand_temporal(index) for index in tensor_operands],
            [plan.operand_pace(index) for index in tensor_operands],
        )
        order = tuple(int(loop) for loop in loop_order.get_values())
        tensor_rows = [tensor_plan.operand_temporal(row) for row in range(len(tensor_operands))]
        stepped = [
            loop for loop, factors in enumerate(zip(*tensor_rows, strict=True)) if max(factors) > 1
        ]
        if sorted(order) != stepped:
            raise _fail(
                op,
                f"{LOOP_ORDER_ATTR} {list(order)} must order exactly the loops with more than "
                f"one compute step, {stepped}",
            )
        return _PlannedOp(
            op,
            tensor_operands,
            sum(1 for index in tensor_operands if index < num_inputs),
            tensor_plan,
            tuple(maps[index] for index in tensor_operands),
            order,
            cost,
        )

    def operand_type(self, position: int) -> DistributedTensorType:
        """The distributed type of tensor operand ``position`` in the plan's layout."""
        value = self.op.operands[self.tensor_operands[position]]
        assert isinstance(value.type, TensorType)
        return _distributed_type(
            value.type.get_shape(),
            value.type.get_element_type(),
            self.plan,
            position,
            self.maps[position],
        )


@lru_cache(maxsize=65536)
def _distributed_type(
    shape: tuple[int, ...],
    element_type: Attribute,
    plan: OpPlanAttr,
    position: int,
    indexing_map: AffineMap,
) -> DistributedTensorType:
    """One type per operand of a plan and shape: a model's repeated layers distribute
    alike, and building and verifying the attribute costs more than looking it up."""
    return DistributedTensorType(shape, element_type, plan.layout_for(position, indexing_map))


class _FunctionRewriter:
    """Rewrites one function's planned operators into schedules."""

    def __init__(self, function: func.FuncOp, cores: int):
        self.function = function
        self.cores = cores
        self.graph = ModelGraph.build(function)
        self.block = function.body.block
        self.shared: dict[tuple[SSAValue, Attribute], SSAValue] = {}
        """Distributed copies of arguments, constants and empties, per wanted type."""
        self.per_reader: dict[tuple[int, SSAValue, Attribute], SSAValue] = {}
        """Relayouts of weights and results made for one operator."""
        self.computed: dict[SSAValue, SSAValue] = {}
        """Each operator result's schedule result."""
        self.idle: dict[SSAValue, SSAValue] = {}
        """Each parked value's idle copy."""
        self.initialisers: list[Operation] = []
        """The initialisers of operators' outs, done in their readers' layouts."""

    def check(self) -> list[_PlannedOp]:
        """Every operator's plan, or a located diagnostic for what cannot be distributed."""
        operators = set(self.graph.operators)
        for op in self.function.body.walk():
            if op in operators and op.parent_block() is not self.block:
                raise _fail(
                    op,
                    f"{op.name} is nested in another op: only the operators of a function's "
                    "body are scheduled",
                )
        planned = [_PlannedOp.read(op) for op in self.graph.operators]
        for entry in planned:
            op = entry.op
            for index, operand in enumerate(op.operands):
                if index in entry.tensor_operands:
                    self._check_tensor_source(op, index, operand)
                elif _constant(operand) is None:
                    raise _fail(
                        op,
                        f"scalar operand {index} of {op.name} is not an arith.constant: only "
                        "constants are cloned into a compute step",
                    )
            for captured in _captured_values(op):
                if _constant(captured) is None:
                    raise _fail(
                        op,
                        f"the body of {op.name} reads {captured.type} from outside that is not "
                        "an arith.constant: only constants are cloned into a compute step",
                    )
        for op in self.block.ops:
            if op in operators or isinstance(op, func.ReturnOp | tensor.PadOp):
                continue
            for operand in op.operands:
                if self.graph.producer(operand) is not None:
                    raise _fail(
                        op,
                        f"{op.name} reads the result of a planned operator: it cannot be "
                        "distributed, only planned operators and func.return may read one",
                    )
            initialises = bool(op.results) and self.graph.initialiser(op.results[0]) is not None
            if not initialises and not isinstance(op, tensor.EmptyOp | arith.ConstantOp):
                raise _fail(
                    op,
                    f"{op.name} cannot be planned: it is not a structured operator (linalg) "
                    "with static shapes, so no plan distributes it; a function's body may "
                    "hold only those, constants, tensor.empty, tensor.pad and linalg.fill",
                )
        return planned

    def _check_tensor_source(self, op: Operation, index: int, operand: SSAValue) -> None:
        if isinstance(operand, OpResult) and isinstance(operand.op, tensor.PadOp):
            pad = operand.op
            if pad.low or pad.high:
                raise _fail(pad, "tensor.pad with dynamic sizes cannot be distributed")
            if isinstance(pad.source, OpResult) and isinstance(pad.source.op, tensor.PadOp):
                raise _fail(pad, "tensor.pad of a tensor.pad: fold them into one")
            constant = _constant(_padding_value(pad))
            if constant is None or constant.parent_block() is pad.region.block:
                raise _fail(
                    pad,
                    "tensor.pad yields a value that is not an arith.constant from outside its "
                    "region: only a constant padding is written by the cores",
                )
            self._check_tensor_source(op, index, pad.source)
            return
        if isinstance(operand, BlockArgument) and operand.block is self.block:
            return
        if self.graph.producer(operand) is not None:
            return
        initialiser = self.graph.initialiser(operand)
        if initialiser is not None:
            self.initialisers.append(initialiser)
            return
        if isinstance(operand, OpResult) and isinstance(
            operand.op, tensor.EmptyOp | arith.ConstantOp
        ):
            return
        source = operand.owner if isinstance(operand, OpResult) else op
        raise _fail(
            source,
            f"operand {index} of {op.name} comes from {source.name}, which is not a planned "
            "operator, a function argument, a constant nor a tensor.empty: it cannot be "
            "distributed",
        )

    def run(self) -> None:
        planned = self.check()
        entry = self.block.first_op
        for argument in self.block.args:
            if self.graph.is_weight(argument) and self.graph.uses(argument):
                assert isinstance(argument.type, TensorType)
                distribute = rtensor.DistributeOp(argument, idle_type(argument.type, self.cores))
                self._insert(
                    distribute,
                    InsertPoint.before(entry) if entry else InsertPoint.at_end(self.block),
                    argument,
                    "idle",
                )
                self.idle[argument] = distribute.result
        for position, entry_op in enumerate(planned):
            self._schedule(position, entry_op)
        self._collect_results()
        # Backwards, so that every reader of an operator or pad is gone before it.
        scheduled = {entry_op.op for entry_op in planned}
        for op in reversed(list(self.block.ops)):
            if op in scheduled or (isinstance(op, tensor.PadOp) and not op.result.uses):
                Rewriter.erase_op(op)
        for initialiser in reversed(self.initialisers):
            if initialiser.parent is not None:
                Rewriter.erase_op(initialiser)
        for op in reversed(list(self.block.ops)):
            if isinstance(op, tensor.EmptyOp | arith.ConstantOp) and not any(
                result.uses for result in op.results
            ):
                Rewriter.erase_op(op)

    def _insert(
        self, op: Operation, where: InsertPoint, named_after: SSAValue, suffix: str
    ) -> None:
        Rewriter.insert_op(op, where)
        if named_after.name_hint is not None:
            op.results[0].name_hint = f"{named_after.name_hint}_{suffix}"

    def _operand(
        self, reader: int, operand: int, value: SSAValue, wanted: DistributedTensorType
    ) -> SSAValue:
        """``value`` as tensor operand ``operand`` of operator ``reader`` wants it."""
        anchor = InsertPoint.before(self.graph.operators[reader])
        if isinstance(value, OpResult) and isinstance(value.op, tensor.PadOp):
            return self._padded(reader, operand, value.op, wanted)
        if self.graph.is_weight(value):
            base = self.idle[value]
        elif self.graph.producer(value) is not None:
            use = Use(reader, operand)
            base = (
                self.idle[value] if self.graph.reads_idle_copy(value, use) else self.computed[value]
            )
        else:
            key = (value, wanted)
            if key not in self.shared:
                initialiser = self.graph.initialiser(value)
                if initialiser is not None:
                    created: Operation = rtensor.FillOp(initialiser.operands[0], wanted)
                elif isinstance(value, OpResult) and isinstance(value.op, tensor.EmptyOp):
                    created = rtensor.EmptyOp(wanted)
                else:
                    created = rtensor.DistributeOp(value, wanted)
                self._insert(created, anchor, value, "dist")
                self.shared[key] = created.results[0]
            return self.shared[key]
        if base.type == wanted:
            return base
        # The next reader of a parked result may want its idle layout: the
        # idle copy made right after the producer is then that operand.
        if value in self.idle and self.idle[value].type == wanted:
            return self.idle[value]
        key = (reader, value, wanted)
        if key not in self.per_reader:
            relayout = rtensor.RelayoutOp(base, wanted)
            _predict(relayout, self.graph.operators[reader], OPERAND_RELAYOUTS_ATTR, operand)
            Rewriter.insert_op(relayout, anchor)
            self.per_reader[key] = relayout.result
        return self.per_reader[key]

    def _padded(
        self, reader: int, operand: int, pad: tensor.PadOp, wanted: DistributedTensorType
    ) -> SSAValue:
        """The pad's source, where operator ``reader`` finds it, padded into ``wanted``."""
        key = (reader, pad.result, wanted)
        if key not in self.per_reader:
            source = pad.source
            if self.graph.is_weight(source):
                base = self.idle[source]
            elif self.graph.producer(source) is not None:
                use = Use(reader, operand)
                idle = self.graph.reads_idle_copy(pad.result, use)
                base = self.idle[source] if idle else self.computed[source]
            else:
                assert isinstance(source.type, TensorType)
                idle = idle_type(source.type, self.cores)
                shared = (source, idle)
                if shared not in self.shared:
                    distribute = rtensor.DistributeOp(source, idle)
                    self._insert(
                        distribute,
                        InsertPoint.before(self.graph.operators[reader]),
                        source,
                        "dist",
                    )
                    self.shared[shared] = distribute.result
                base = self.shared[shared]
            padded = rtensor.PadOp(
                base,
                pad.static_low.get_values(),
                pad.static_high.get_values(),
                _padding_value(pad),
                wanted,
            )
            _predict(padded, self.graph.operators[reader], OPERAND_RELAYOUTS_ATTR, operand)
            self._insert(
                padded, InsertPoint.before(self.graph.operators[reader]), pad.result, "dist"
            )
            self.per_reader[key] = padded.result
        return self.per_reader[key]

    def _schedule(self, position: int, planned: _PlannedOp) -> None:
        op = planned.op
        try:
            operand_types = [
                planned.operand_type(index) for index in range(len(planned.tensor_operands))
            ]
            result_types = [
                _result_type(op, output_type)
                for output_type in operand_types[planned.num_tensor_inputs :]
            ]
        except VerifyException as error:
            raise _fail(op, f"{op.name}: {error}") from error
        operands = [
            self._operand(position, index, op.operands[index], operand_type)
            for index, operand_type in zip(planned.tensor_operands, operand_types, strict=True)
        ]
        body = _schedule_body(planned, operand_types, result_types)
        schedule = shift.ScheduleOp(
            planned.plan,
            operands[: planned.num_tensor_inputs],
            operands[planned.num_tensor_inputs :],
            body,
            result_types,
        )
        schedule.attributes[PLAN_COST_ATTR] = planned.cost
        # Errors found lowering the schedule point at the operator it was made from.
        for made in schedule.walk():
            made.location = op.location
        Rewriter.insert_op(schedule, InsertPoint.before(op))
        after = schedule
        for original, result in zip(op.results, schedule.results, strict=True):
            result.name_hint = original.name_hint
            self.computed[original] = result
            if not self.graph.is_parked(original):
                continue
            assert isinstance(original.type, TensorType)
            parked_type = idle_type(original.type, self.cores)
            if result.type == parked_type:
                self.idle[original] = result
                continue
            relayout = rtensor.RelayoutOp(result, parked_type)
            _predict(relayout, op, PARKING_ATTR, result.index)
            self._insert(relayout, InsertPoint.after(after), original, "idle")
            self.idle[original] = relayout.result
            after = relayout

    def _collect_results(self) -> None:
        terminator = self.block.last_op
        if not isinstance(terminator, func.ReturnOp):
            return
        for index, value in enumerate(terminator.operands):
            if self.graph.producer(value) is None:
                continue
            assert isinstance(value.type, TensorType)
            source = self.idle.get(value, self.computed[value])
            collect = rtensor.CollectOp(source, value.type)
            Rewriter.insert_op(collect, InsertPoint.before(terminator))
            collect.result.name_hint = value.name_hint
            terminator.operands = [
                *terminator.operands[:index],
                collect.result,
                *terminator.operands[index + 1 :],
            ]


def _scatter_cuts(output_type: DistributedTensorType) -> list[tuple[int, ...]]:
    """
    The ways to cut an output's pieces into one chunk per partial sum, as cuts
    per plan loop over the loops that split its dims: fewest loops cut first,
    then outer loops first.
    """
    partials = shift.partial_sums(output_type)
    loops = [
        dim_loops[0] for dim_loops in tensor_dim_loops(output_type.layout.map.data) if dim_loops
    ]
    num_loops = len(output_type.layout.grid_shape())
    options: list[tuple[int, ...]] = []
    for factors in itertools.product(
        *([ways for ways in range(1, partials + 1) if partials % ways == 0] for _ in loops)
    ):
        if prod(factors) == partials:
            cuts = [1] * num_loops
            for loop, ways in zip(loops, factors, strict=True):
                cuts[loop] *= ways
            options.append(tuple(cuts))
    return sorted(
        set(options), key=lambda cuts: (sum(ways > 1 for ways in cuts), [-w for w in cuts])
    )


def _result_type(op: Operation, output_type: DistributedTensorType) -> DistributedTensorType:
    """
    Where an output's data is after its schedule: its own layout, or for an
    output holding partial sums, reduce-scattered by the first cuts of
    ``_scatter_cuts`` that leave every core a non-empty chunk.
    """
    if shift.partial_sums(output_type) == 1:
        return output_type
    for cuts in _scatter_cuts(output_type):
        try:
            return shift.reduce_scattered_type(output_type, cuts)
        except VerifyException:
            continue
    raise VerifyException(
        f"an output of {op.name} holds {shift.partial_sums(output_type)} partial sums per "
        f"piece but its piece {list(output_type.layout.piece_shape(output_type.get_shape()))} "
        "cannot be cut into that many non-empty chunks"
    )


def _scatter_cuts_between(
    outs_type: DistributedTensorType, result_type: DistributedTensorType
) -> tuple[int, ...]:
    """The cuts a reduce-scatter made: by how much each loop's temporal factor grew."""
    return tuple(
        after // before
        for before, after in zip(
            outs_type.layout.temporal_factors(), result_type.layout.temporal_factors(), strict=True
        )
    )


def _schedule_body(
    planned: _PlannedOp,
    operand_types: Sequence[DistributedTensorType],
    result_types: Sequence[DistributedTensorType],
) -> Region:
    """Skews, the loop nest around the compute step, reduce-scatters and the yield."""
    plan = planned.plan
    operator_loops = rtensor.loop_extents(
        list(planned.maps), [operand_type.get_shape() for operand_type in operand_types]
    )
    steps_per_loop = [
        max(plan.operand_temporal(operand)[loop] for operand in range(len(operand_types)))
        for loop in range(len(plan.loop_factors()))
    ]
    block = Block(
        arg_types=[
            shift.PieceType(
                operand_type.layout.rotating_piece_shape(operand_type.get_shape(), operator_loops),
                operand_type.get_element_type(),
            )
            for operand_type in operand_types
        ]
    )
    pieces = block.args
    for piece, position in zip(pieces, planned.tensor_operands, strict=True):
        hint = planned.op.operands[position].name_hint
        piece.name_hint = None if hint is None else f"{hint}_piece"
    for operand in range(len(operand_types)):
        for loop, factor in enumerate(plan.operand_temporal(operand)):
            if factor > 1:
                block.add_op(shift.SkewOp(pieces[operand], loop))
    step_types = [
        TensorType(
            operand_type.get_element_type(),
            operand_type.layout.step_shape(
                operand_type.get_shape(), operator_loops, steps_per_loop
            ),
        )
        for operand_type in operand_types
    ]
    nest: Operation = _compute_step(planned, pieces, step_types)
    temporal = [plan.operand_temporal(operand) for operand in range(len(operand_types))]
    for level in reversed(loop_levels(temporal, planned.loop_order)):
        rotations = [
            shift.RotateOp(
                pieces[operand],
                level.loop,
                temporal[operand][level.loop],
                plan.operand_pace(operand)[level.loop],
            )
            for operand in level.rotating
        ]
        nest = shift.LoopOp(level.count, Region(Block([nest, *rotations])))
    block.add_op(nest)
    outputs = operand_types[planned.num_tensor_inputs :]
    for output, (outs_type, result_type) in enumerate(zip(outputs, result_types, strict=True)):
        if outs_type != result_type:
            block.add_op(
                shift.ReduceScatterOp(
                    pieces[planned.num_tensor_inputs + output],
                    _scatter_cuts_between(outs_type, result_type),
                )
            )
    block.add_op(shift.YieldOp())
    return Region(block)


def _compute_step(
    planned: _PlannedOp, pieces: Sequence[SSAValue], step_types: Sequence[TensorType[Attribute]]
) -> shift.ComputeOp:
    """
    The compute step: a copy of the operator on the step slices, its scalar
    operands and captured values cloned from their constants.
    """
    op = planned.op
    block = Block(arg_types=step_types)
    clones: dict[SSAValue, SSAValue] = {}
    scalars = [
        operand for index, operand in enumerate(op.operands) if index not in planned.tensor_operands
    ]
    for value in [*scalars, *_captured_values(op)]:
        constant = _constant(value)
        assert constant is not None, "check() admits only constant scalars"
        if value not in clones:
            clone = constant.clone()
            block.add_op(clone)
            clones[value] = clone.result
    for arg, position in zip(block.args, planned.tensor_operands, strict=True):
        hint = op.operands[position].name_hint
        arg.name_hint = None if hint is None else f"{hint}_step"
    step_args = iter(block.args)
    operands = [
        next(step_args) if index in planned.tensor_operands else clones[operand]
        for index, operand in enumerate(op.operands)
    ]
    num_outputs = len(planned.tensor_operands) - planned.num_tensor_inputs
    step = type(op).create(
        operands=operands,
        result_types=[arg.type for arg in block.args[len(block.args) - num_outputs :]],
        properties=dict(op.properties),
        attributes={
            name: value for name, value in op.attributes.items() if not name.startswith("t10.")
        },
        regions=[Region() for _ in op.regions],
    )
    for region, copy in zip(op.regions, step.regions, strict=True):
        region.clone_into(copy, 0, dict(clones))
    block.add_ops([step, shift.YieldOp(*step.results)])
    return shift.ComputeOp(
        pieces[: planned.num_tensor_inputs],
        pieces[planned.num_tensor_inputs :],
        Region(block),
    )


@dataclass(frozen=True)
class InsertShiftsPass(ModulePass):
    """
    Rewrite every planned operator into a ``shift.schedule`` of its plan, with
    the distributes, relayouts, parking and collects between operators.
    """

    name = "t10-insert-shifts"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        chip_name = op.attributes.get(CHIP_ATTR)
        if not isinstance(chip_name, StringAttr):
            raise PassFailedException(
                f"t10-insert-shifts: the module has no {CHIP_ATTR} attribute naming the chip "
                "its plans were chosen for: run t10-select-plans first"
            )
        try:
            chip = load_chip(chip_name.data)
        except ChipFileError as error:
            raise PassFailedException(str(error)) from error
        for function in [inner for inner in op.walk() if isinstance(inner, func.FuncOp)]:
            if not function.body.blocks:
                continue
            _FunctionRewriter(function, chip.cores).run()
