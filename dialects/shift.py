"""The ``shift`` dialect: the explicit compute-shift schedule of one operator.

A ``shift.schedule`` runs one operator whose operands are distributed tensors
laid out by its plan (``#rtensor.plan``). Its body sees one *piece* per operand:
the per-core slot holding that operand's current rotating piece, the same slot on
every core. Pieces have memory semantics: ``shift.rotate`` moves each core's piece
to the next core of its ring in place, ``shift.compute`` updates the ``outs``
pieces. Nested ``shift.loop`` levels repeat a compute step and the rotations, so
a reader sees what moves, how often, and how many bytes each core sends.

Each loop level steps one loop of the operator (the plan loop its rotations
rotate along). The levels over a plan loop ``d`` multiply to the number of
compute steps along ``d``; an operand cut into ``f_t`` pieces along ``d``
rotates at the level where it has made ``f_t`` moves per pass over ``d``, i.e.
the levels over ``d`` that enclose its rotate multiply to ``f_t``.

*Step slices.* Along plan loop ``d`` the operator takes X_d compute steps, X_d
the largest temporal factor on ``d``. An operand cut into fewer pieces
(``f_t < X_d``) holds, in its current piece, the data of ``X_d / f_t`` steps:
each compute step reads one *step slice* of it, the slice of the steps the
levels over ``d`` nested inside its rotation level count (all levels over ``d``
if it does not rotate on ``d``). A step slice spans ceil(per-core range / X_d)
positions of every loop (``LayoutAttr.step_shape``); along a sliding-window dim
it is the window of those positions, halo included. The ``shift.compute`` body
sees the step slices, so the operator inside is shape-consistent.

*Partial sums.* An output replicated over split reduction loops whose temporal
factors do not cover its replication holds ``p = r / prod(f_t)`` partial
results of each piece, one per ring (``LayoutAttr.ring_count``). After the loop
nest a ``shift.reduce_scatter`` combines them: each of the ``p`` cores sharing a
piece keeps the combined 1/p of it, the piece cut ``scatter[d]`` ways along
each loop ``d`` the output indexes (the factors multiply to ``p``). The
schedule's result then has the outs layout with its temporal factors
multiplied by ``scatter`` (``reduce_scattered_type``): no copy is replicated
any more, each core holds a distinct chunk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from math import gcd, prod

from xdsl.dialects.builtin import (
    I64,
    ArrayAttr,
    DenseArrayBase,
    IntAttr,
    IntegerAttr,
    TensorType,
    i64,
)
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.ir import (
    Attribute,
    BlockArgument,
    Dialect,
    Operation,
    Region,
    SSAValue,
)
from xdsl.irdl import (
    AttrSizedOperandSegments,
    IRDLOperation,
    irdl_attr_definition,
    irdl_op_definition,
    lazy_traits_def,
    operand_def,
    prop_def,
    region_def,
    traits_def,
    var_operand_def,
    var_result_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import (
    HasAncestor,
    HasParent,
    IsolatedFromAbove,
    IsTerminator,
    NoTerminator,
)
from xdsl.utils.exceptions import VerifyException

from t10.dialects.local_array import LocalArrayType
from t10.dialects.rtensor import DistributedTensorType, LayoutAttr, OpPlanAttr, loop_extents


@irdl_attr_definition
class PieceType(LocalArrayType):
    """
    A per-core slot holding one rotating piece of a distributed operand: the
    same shape on every core, with per-core contents.

    Example: `!shift.piece<16x32xf16>`.
    """

    name = "shift.piece"

    shape: ArrayAttr[IntAttr]
    element_type: Attribute

    NOUN = "piece"

    def __init__(self, shape: Sequence[int], element_type: Attribute):
        # Declared again so type checkers see it past the dataclass transform.
        super().__init__(shape, element_type)


def _type_list(types: Iterable[Attribute]) -> str:
    """`types` as MLIR text, e.g. `[tensor<4xf32>, f16]`."""
    return "[" + ", ".join(str(attr) for attr in types) + "]"


def _piece_type(value: SSAValue) -> PieceType:
    assert isinstance(value.type, PieceType)
    return value.type


def enclosing_schedule(op: Operation) -> ScheduleOp | None:
    """The `shift.schedule` that `op` is nested in."""
    parent = op.parent_op()
    while parent is not None and not isinstance(parent, ScheduleOp):
        parent = parent.parent_op()
    return parent


def _operand_of_piece(piece: SSAValue, schedule: ScheduleOp) -> int:
    """Which schedule operand `piece` holds, as an index into ins then outs."""
    if not isinstance(piece, BlockArgument) or piece.owner is not schedule.body.block:
        raise VerifyException("a piece must be an argument of the enclosing shift.schedule")
    return piece.index


def _check_split_loop(op: Operation, piece: SSAValue, loop: int) -> tuple[int, int, int]:
    """The (operand, temporal factor, pace) that `op` acts on along `loop`."""
    schedule = enclosing_schedule(op)
    assert schedule is not None
    operand = _operand_of_piece(piece, schedule)
    schedule.verify_plan_rows()
    plan = schedule.plan
    temporal = plan.operand_temporal(operand)
    if not 0 <= loop < len(temporal):
        raise VerifyException(f"{op.name} loop {loop} is outside the plan's {len(temporal)} loops")
    if temporal[loop] == 1:
        raise VerifyException(
            f"{op.name} of operand {operand} on loop {loop}: the operand is not split "
            "there (temporal factor 1), so it has no pieces to move"
        )
    return operand, temporal[loop], plan.operand_pace(operand)[loop]


def partial_sums(output_type: DistributedTensorType) -> int:
    """
    p: how many partial results of each piece an output laid out as
    `output_type` holds after the loop nest, one per ring of the cores sharing
    it (1 when it is not replicated beyond its rotations).
    """
    return output_type.layout.ring_count()


def reduce_scattered_type(
    output_type: DistributedTensorType, scatter: Sequence[int]
) -> DistributedTensorType:
    """
    Where an output's data is after a reduce-scatter of its partial sums that
    cuts each piece ``scatter[d]`` ways along plan loop ``d``: its layout with
    the temporal factors multiplied by ``scatter``, so that each core sharing a
    piece holds a distinct chunk. Raises VerifyException if that layout breaks a
    rule (a chunk all padding, a cut along a loop the output does not index) or
    if the cuts do not multiply to the number of partial sums.
    """
    layout = output_type.layout
    temporal = layout.temporal_factors()
    if len(scatter) != len(temporal):
        raise VerifyException(
            f"shift.reduce_scatter cuts {list(scatter)} name {len(scatter)} loops but the "
            f"plan has {len(temporal)}"
        )
    partials = partial_sums(output_type)
    if prod(scatter) != partials or any(ways < 1 for ways in scatter):
        raise VerifyException(
            f"shift.reduce_scatter cuts {list(scatter)} make {prod(scatter)} chunks but the "
            f"output holds {partials} partial sums of each piece (replication "
            f"{layout.replication()} over temporal factors {list(temporal)})"
        )
    return DistributedTensorType(
        output_type.get_shape(),
        output_type.get_element_type(),
        LayoutAttr(
            layout.grid_shape(),
            layout.map.data,
            [factor * ways for factor, ways in zip(temporal, scatter, strict=True)],
            layout.paces(),
        ),
    )


@irdl_op_definition
class ScheduleOp(IRDLOperation):
    """
    Runs one operator, laid out by `plan`, as an explicit schedule of compute
    steps and rotations. The body's arguments are the operands' pieces (ins then
    outs), each of its layout's rotating-piece shape; the results are the `outs`
    tensors once the schedule has run.

    Rules: the operand layouts are the plan's; the body holds exactly one
    `shift.compute`, run `plan.compute_steps()` times; every operand split
    temporally on a loop rotates on that loop exactly once in the schedule.
    A result has its outs type, except for an output holding partial sums
    (`partial_sums` > 1): that one is reduce-scattered exactly once, and its
    result type is `reduce_scattered_type` of the outs type by the
    reduce-scatter's cuts.
    """

    name = "shift.schedule"

    plan = prop_def(OpPlanAttr)
    inputs = var_operand_def(DistributedTensorType)
    outputs = var_operand_def(DistributedTensorType)
    results_ = var_result_def(DistributedTensorType)
    body = region_def("single_block")

    irdl_options = (AttrSizedOperandSegments(as_property=True),)

    assembly_format = (
        "qualified($plan) (`ins` `(` $inputs^ `:` type($inputs) `)`)? "
        "`outs` `(` $outputs `:` type($outputs) `)` attr-dict-with-keyword $body "
        "`->` type($results_)"
    )

    def __init__(
        self,
        plan: OpPlanAttr,
        inputs: Sequence[SSAValue],
        outputs: Sequence[SSAValue],
        body: Region,
        result_types: Sequence[Attribute] | None = None,
    ):
        super().__init__(
            operands=[inputs, outputs],
            result_types=[
                [output.type for output in outputs] if result_types is None else result_types
            ],
            properties={"plan": plan},
            regions=[body],
        )

    def verify_plan_rows(self) -> None:
        """The plan has one row of temporal factors per operand."""
        operands = len(self.inputs) + len(self.outputs)
        if len(self.plan.temporal.data) != operands:
            raise VerifyException(
                f"plan has {len(self.plan.temporal.data)} operand rows but the schedule "
                f"has {operands} operands"
            )

    def distributed_types(self) -> list[DistributedTensorType]:
        types: list[DistributedTensorType] = []
        for operand in (*self.inputs, *self.outputs):
            assert isinstance(operand.type, DistributedTensorType)
            types.append(operand.type)
        return types

    def operator_loops(self) -> tuple[int, ...]:
        """The operator's loop extents, read from its operands' shapes and maps."""
        operand_types = self.distributed_types()
        return loop_extents(
            [operand_type.layout.map.data for operand_type in operand_types],
            [operand_type.get_shape() for operand_type in operand_types],
        )

    def steps_per_loop(self) -> tuple[int, ...]:
        """X_d per plan loop: compute steps along it, its largest temporal factor."""
        rows = [self.plan.operand_temporal(operand) for operand in range(len(self.plan.temporal))]
        return tuple(max(factors) for factors in zip(*rows, strict=True))

    def verify_operand_layouts(self) -> None:
        """The plan has a row per operand and the operands are laid out as it says."""
        self.verify_plan_rows()
        self._verify_layouts(self.distributed_types())

    def verify_(self) -> None:
        operand_types = self.distributed_types()
        self.verify_operand_layouts()
        self._verify_pieces(operand_types)
        self._verify_results()
        self._verify_steps_and_rotations()

    def _verify_results(self) -> None:
        if len(self.results_) != len(self.outputs):
            raise VerifyException(
                f"schedule has {len(self.results_)} results but {len(self.outputs)} outs"
            )
        scatters = [op for op in self.body.block.ops if isinstance(op, ReduceScatterOp)]
        for index, (output, result) in enumerate(zip(self.outputs, self.results_, strict=True)):
            assert isinstance(output.type, DistributedTensorType)
            piece = self.body.block.args[len(self.inputs) + index]
            own_scatters = [op for op in scatters if op.piece == piece]
            partials = partial_sums(output.type)
            if partials == 1:
                expected = output.type
            elif len(own_scatters) != 1:
                raise VerifyException(
                    f"output {index} holds {partials} partial sums of each piece and must "
                    f"be reduce-scattered once, found {len(own_scatters)} shift.reduce_scatter"
                )
            else:
                expected = reduce_scattered_type(output.type, own_scatters[0].cuts())
            if result.type != expected:
                raise VerifyException(
                    f"result {index} has type {result.type} but output {index} ends the "
                    f"schedule as {expected}"
                )

    def _verify_layouts(self, operand_types: Sequence[DistributedTensorType]) -> None:
        for operand, operand_type in enumerate(operand_types):
            layout = operand_type.layout
            for field, actual, planned in (
                ("grid", layout.grid_shape(), self.plan.loop_factors()),
                ("temporal", layout.temporal_factors(), self.plan.operand_temporal(operand)),
                ("pace", layout.paces(), self.plan.operand_pace(operand)),
            ):
                if actual != planned:
                    raise VerifyException(
                        f"operand {operand} has layout {field} {list(actual)} but the "
                        f"plan gives {list(planned)}"
                    )

    def _verify_pieces(self, operand_types: Sequence[DistributedTensorType]) -> None:
        arguments = self.body.block.args
        if len(arguments) != len(operand_types):
            raise VerifyException(
                f"schedule body has {len(arguments)} pieces but {len(operand_types)} operands"
            )
        for operand, (argument, operand_type) in enumerate(
            zip(arguments, operand_types, strict=True)
        ):
            expected = PieceType(
                operand_type.layout.rotating_piece_shape(
                    operand_type.get_shape(), self.operator_loops()
                ),
                operand_type.get_element_type(),
            )
            if argument.type != expected:
                raise VerifyException(
                    f"piece of operand {operand} has type {argument.type} but its layout "
                    f"cuts rotating pieces of type {expected}"
                )

    def _verify_indexing_maps(self, compute: ComputeOp) -> None:
        structured_ops = [
            op for op in compute.body.walk() if isinstance(op, LinalgStructuredOperation)
        ]
        if len(structured_ops) != 1:
            return
        structured_op = structured_ops[0]
        # Scalar operands (fill's value) have maps too, `() -> ()`, but no
        # schedule operand: only tensor operands line up with the pieces.
        tensor_maps = [
            attr.data
            for operand, attr in zip(
                structured_op.operands, structured_op.get_indexing_maps(), strict=True
            )
            if isinstance(operand.type, TensorType)
        ]
        if len(tensor_maps) != len(self.body.block.args):
            raise VerifyException(
                f"{structured_op.name} has {len(tensor_maps)} tensor operands but the "
                f"schedule has {len(self.body.block.args)}"
            )
        for operand, (operand_type, indexing_map) in enumerate(
            zip(self.distributed_types(), tensor_maps, strict=True)
        ):
            if operand_type.layout.map.data != indexing_map:
                raise VerifyException(
                    f"{structured_op.name} reads operand {operand} through "
                    f"{indexing_map} but its layout was planned for "
                    f"{operand_type.layout.map.data}"
                )

    def _verify_steps_and_rotations(self) -> None:
        computes = [op for op in self.body.walk() if isinstance(op, ComputeOp)]
        if len(computes) != 1:
            raise VerifyException(
                f"schedule must hold exactly one shift.compute, found {len(computes)}"
            )
        self._verify_indexing_maps(computes[0])
        counts = [loop.count.value.data for loop in _enclosing_loops(computes[0])]
        if prod(counts) != self.plan.compute_steps():
            raise VerifyException(
                f"shift.loop counts {counts} around the compute give {prod(counts)} "
                f"compute steps but the plan has {self.plan.compute_steps()}"
            )
        rotated = {
            (op.piece.index, op.loop.value.data)
            for op in self.body.walk()
            if isinstance(op, RotateOp) and isinstance(op.piece, BlockArgument)
        }
        for operand in range(len(self.body.block.args)):
            for loop, factor in enumerate(self.plan.operand_temporal(operand)):
                if factor > 1 and (operand, loop) not in rotated:
                    raise VerifyException(
                        f"operand {operand} is split {factor} ways on loop {loop} but "
                        "never rotates on it"
                    )


def _enclosing_loops(op: Operation) -> list[LoopOp]:
    """The `shift.loop`s around `op`, outermost first."""
    loops: list[LoopOp] = []
    parent = op.parent_op()
    while isinstance(parent, LoopOp):
        loops.append(parent)
        parent = parent.parent_op()
    return loops[::-1]


def loop_level_axis(loop: LoopOp) -> int | None:
    """The plan loop a `shift.loop` steps: that of its direct rotations."""
    for op in loop.body.block.ops:
        if isinstance(op, RotateOp):
            return op.loop.value.data
    return None


@irdl_op_definition
class LoopOp(IRDLOperation):
    """
    Repeats its body `count` times: one level of the compute-shift loop nest.
    The level steps one loop of the operator, the one its `shift.rotate`s rotate
    along, so it holds at least one rotation and all of them share that loop.
    """

    name = "shift.loop"

    count = prop_def(IntegerAttr[I64])
    body = region_def("single_block")

    traits = traits_def(NoTerminator(), HasAncestor(ScheduleOp))

    assembly_format = "$count attr-dict-with-keyword $body"

    def __init__(self, count: int, body: Region):
        super().__init__(properties={"count": IntegerAttr(count, i64)}, regions=[body])

    def verify_(self) -> None:
        if self.count.value.data < 1:
            raise VerifyException(f"loop count {self.count.value.data} must be positive")
        loops = {op.loop.value.data for op in self.body.block.ops if isinstance(op, RotateOp)}
        if len(loops) != 1:
            raise VerifyException(
                f"a shift.loop level steps exactly one plan loop, but its rotations "
                f"rotate along loops {sorted(loops)}"
            )


@irdl_op_definition
class ComputeOp(IRDLOperation):
    """
    One sub-operator step on every core: the body sees the step slices of the
    pieces now local (ins then outs) as tensors and yields the new contents of
    the `outs` step slices. A step slice is the part of a piece this step reads
    (see the module docstring): the whole piece for an operand cut into as many
    pieces as there are steps along each loop, a 1/(X_d / f_t) slice along loop
    d otherwise, a sliding window's halo included.
    """

    name = "shift.compute"

    inputs = var_operand_def(PieceType)
    outputs = var_operand_def(PieceType)
    body = region_def("single_block")

    traits = traits_def(IsolatedFromAbove(), HasAncestor(ScheduleOp))
    irdl_options = (AttrSizedOperandSegments(as_property=True),)

    assembly_format = (
        "(`ins` `(` $inputs^ `:` type($inputs) `)`)? "
        "`outs` `(` $outputs `:` type($outputs) `)` attr-dict-with-keyword $body"
    )

    def __init__(self, inputs: Sequence[SSAValue], outputs: Sequence[SSAValue], body: Region):
        super().__init__(operands=[inputs, outputs], regions=[body])

    def verify_(self) -> None:
        schedule = enclosing_schedule(self)
        assert schedule is not None
        if len(self.inputs) != len(schedule.inputs) or tuple(self.operands) != tuple(
            schedule.body.block.args
        ):
            raise VerifyException(
                "shift.compute must take the schedule's pieces in order: "
                f"{len(schedule.inputs)} as ins and {len(schedule.outputs)} as outs"
            )
        # Nested ops verify before their schedule: the step slices derive
        # from the schedule's layouts, so those must hold first.
        schedule.verify_operand_layouts()
        operator_loops = schedule.operator_loops()
        steps_per_loop = schedule.steps_per_loop()
        expected = tuple(
            TensorType(
                operand_type.get_element_type(),
                operand_type.layout.step_shape(
                    operand_type.get_shape(), operator_loops, steps_per_loop
                ),
            )
            for operand_type in schedule.distributed_types()
        )
        arguments = tuple(self.body.block.arg_types)
        if arguments != expected:
            raise VerifyException(
                f"shift.compute body arguments {_type_list(arguments)} must be the "
                f"step slices {_type_list(expected)} of the pieces (steps per loop "
                f"{list(steps_per_loop)})"
            )
        terminator = self.body.block.last_op
        assert isinstance(terminator, YieldOp)
        yielded = tuple(value.type for value in terminator.arguments)
        if yielded != expected[len(self.inputs) :]:
            raise VerifyException(
                f"shift.compute yields {_type_list(yielded)} but its outs step slices "
                f"are {_type_list(expected[len(self.inputs) :])}"
            )


@irdl_op_definition
class YieldOp(IRDLOperation):
    """
    Ends a `shift.compute` body with the new contents of its `outs` pieces, or
    a `shift.schedule` body (with no values: the pieces are the state).
    """

    name = "shift.yield"

    arguments = var_operand_def(TensorType)

    traits = lazy_traits_def(lambda: (IsTerminator(), HasParent(ComputeOp, ScheduleOp)))

    assembly_format = "attr-dict ($arguments^ `:` type($arguments))?"

    def __init__(self, *values: SSAValue | Operation):
        super().__init__(operands=[values])

    def verify_(self) -> None:
        if isinstance(self.parent_op(), ScheduleOp) and self.arguments:
            raise VerifyException(
                f"shift.yield of a schedule yields no values, got {len(self.arguments)}"
            )


@irdl_op_definition
class RotateOp(IRDLOperation):
    """
    Moves every core's `piece` `pace` positions round its ring of `ring` cores,
    the ring that the operand's pieces along plan loop `loop` travel. `ring` is the
    operand's temporal factor on that loop and `pace` its planned pace.
    """

    name = "shift.rotate"

    piece = operand_def(PieceType)
    loop = prop_def(IntegerAttr[I64])
    ring = prop_def(IntegerAttr[I64])
    pace = prop_def(IntegerAttr[I64])

    traits = traits_def(HasParent(LoopOp))

    assembly_format = "$piece `loop` $loop `ring` $ring `pace` $pace attr-dict `:` type($piece)"

    def __init__(self, piece: SSAValue, loop: int, ring: int, pace: int):
        super().__init__(
            operands=[piece],
            properties={
                "loop": IntegerAttr(loop, i64),
                "ring": IntegerAttr(ring, i64),
                "pace": IntegerAttr(pace, i64),
            },
        )

    def bytes_per_core(self) -> int:
        """Bytes each core sends (and receives) in this rotation."""
        return _piece_type(self.piece).byte_size()

    def verify_(self) -> None:
        ring, pace, loop = self.ring.value.data, self.pace.value.data, self.loop.value.data
        if ring < 2 or not 0 < pace < ring or gcd(pace, ring) != 1:
            raise VerifyException(
                f"rotate ring {ring} must be at least 2 and pace {pace} in [1, {ring}) "
                "coprime with it, so that a piece visits every core of its ring"
            )
        operand, temporal, planned_pace = _check_split_loop(self, self.piece, loop)
        if ring != temporal or pace != planned_pace:
            raise VerifyException(
                f"operand {operand} rotates on loop {loop} with ring {ring} and pace "
                f"{pace} but the plan gives ring {temporal} (its temporal factor) and "
                f"pace {planned_pace}"
            )
        schedule = enclosing_schedule(self)
        assert schedule is not None
        for other in schedule.body.walk():
            if (
                isinstance(other, RotateOp)
                and other is not self
                and other.piece == self.piece
                and other.loop.value.data == loop
            ):
                raise VerifyException(
                    f"operand {operand} rotates on loop {loop} more than once: it "
                    "rotates at one loop level per loop it is split on"
                )
        levels = [
            level.count.value.data
            for level in _enclosing_loops(self)
            if loop_level_axis(level) == loop
        ]
        if prod(levels) != ring:
            raise VerifyException(
                f"operand {operand} rotates {prod(levels)} times per pass over loop "
                f"{loop} (levels {levels}) but its ring has {ring} cores"
            )


@irdl_op_definition
class SkewOp(IRDLOperation):
    """
    Puts every core's `piece` in the skewed start position for rotating along
    plan loop `loop` (Cannon's initial skew, generalised): a core starts with the
    piece whose slice of `loop` matches the pieces of the other operands it
    holds, so every step of the rings brings matching pieces together. Skews
    precede the schedule's loop nest.
    """

    name = "shift.skew"

    piece = operand_def(PieceType)
    loop = prop_def(IntegerAttr[I64])

    traits = traits_def(HasParent(ScheduleOp))

    assembly_format = "$piece `loop` $loop attr-dict `:` type($piece)"

    def __init__(self, piece: SSAValue, loop: int):
        super().__init__(operands=[piece], properties={"loop": IntegerAttr(loop, i64)})

    def bytes_per_core(self) -> int:
        """Bytes each core sends (and receives) to reach the skewed placement."""
        return _piece_type(self.piece).byte_size()

    def verify_(self) -> None:
        loop = self.loop.value.data
        operand, _, _ = _check_split_loop(self, self.piece, loop)
        previous = self.prev_op
        while previous is not None:
            if isinstance(previous, LoopOp):
                raise VerifyException(
                    f"shift.skew of operand {operand} follows a shift.loop: skews set "
                    "the start placement, before the loop nest"
                )
            if (
                isinstance(previous, SkewOp)
                and previous.piece == self.piece
                and previous.loop.value.data == loop
            ):
                raise VerifyException(f"operand {operand} is skewed on loop {loop} twice")
            previous = previous.prev_op


@irdl_op_definition
class ReduceScatterOp(IRDLOperation):
    """
    Combines the partial sums of an output after the loop nest: the cores
    holding copies of the same output piece (one per ring, the layout's ring
    count of them) form a ring and, in one step fewer than there are copies,
    each moving and combining one chunk, leave each of them with one chunk of
    the combined piece. The piece is cut `scatter[d]` ways along plan loop `d`
    (the chunks the schedule's result layout gives the cores); the cuts
    multiply to the number of copies. The copies combine with the operator's
    own reduction.

    Example: `shift.reduce_scatter %acc scatter [2, 5, 1] : !shift.piece<8x40xf16>`.
    """

    name = "shift.reduce_scatter"

    piece = operand_def(PieceType)
    scatter = prop_def(DenseArrayBase[I64])

    traits = traits_def(HasParent(ScheduleOp))

    def __init__(self, piece: SSAValue, scatter: Sequence[int]):
        super().__init__(
            operands=[piece],
            properties={"scatter": DenseArrayBase.from_list(i64, scatter)},
        )

    def cuts(self) -> tuple[int, ...]:
        """Into how many chunks the piece is cut along each plan loop."""
        return self.scatter.get_values()

    def ways(self) -> int:
        """How many copies are combined: the number of chunks."""
        return prod(self.cuts())

    @classmethod
    def parse(cls, parser: Parser) -> ReduceScatterOp:
        unresolved = parser.parse_unresolved_operand()
        parser.parse_keyword("scatter")
        scatter = parser.parse_comma_separated_list(Parser.Delimiter.SQUARE, parser.parse_integer)
        attributes = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        piece = parser.resolve_operand(unresolved, parser.parse_type())
        op = cls(piece, scatter)
        op.attributes |= attributes
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_operand(self.piece)
        printer.print_string(" scatter [")
        printer.print_list(self.cuts(), lambda ways: printer.print_string(str(ways)))
        printer.print_string("]")
        printer.print_op_attributes(self.attributes)
        printer.print_string(" : ")
        printer.print_attribute(self.piece.type)

    def chunk_bytes(self) -> int:
        """Bytes each core sends (and receives) per step: one chunk of the piece."""
        return -(-_piece_type(self.piece).byte_size() // self.ways())

    def verify_(self) -> None:
        schedule = enclosing_schedule(self)
        assert schedule is not None
        operand = _operand_of_piece(self.piece, schedule)
        output = operand - len(schedule.inputs)
        if output < 0:
            raise VerifyException(
                f"shift.reduce_scatter of operand {operand}, an input: only outputs "
                "hold partial sums"
            )
        reduce_scattered_type(schedule.distributed_types()[operand], self.cuts())
        following = self.next_op
        while following is not None:
            if isinstance(following, LoopOp | ComputeOp):
                raise VerifyException(
                    f"shift.reduce_scatter of output {output} precedes a {following.name}: "
                    "partial sums are combined after the loop nest"
                )
            following = following.next_op


Shift = Dialect(
    "shift",
    [ScheduleOp, LoopOp, ComputeOp, YieldOp, RotateOp, SkewOp, ReduceScatterOp],
    [PieceType],
)
