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
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from math import gcd, prod

from xdsl.dialects.builtin import (
    I64,
    ArrayAttr,
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
from xdsl.traits import (
    HasAncestor,
    HasParent,
    IsolatedFromAbove,
    IsTerminator,
    NoTerminator,
)
from xdsl.utils.exceptions import VerifyException

from t10.dialects.local_array import LocalArrayType
from t10.dialects.rtensor import DistributedTensorType, OpPlanAttr


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
    ):
        super().__init__(
            operands=[inputs, outputs],
            result_types=[[output.type for output in outputs]],
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

    def verify_(self) -> None:
        operand_types = self.distributed_types()
        self.verify_plan_rows()
        result_types = [result.type for result in self.results_]
        output_types = [output.type for output in self.outputs]
        if result_types != output_types:
            raise VerifyException(
                f"results {_type_list(result_types)} differ from the outs "
                f"{_type_list(output_types)}"
            )
        self._verify_layouts(operand_types)
        self._verify_pieces(operand_types)
        self._verify_steps_and_rotations()

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
                operand_type.layout.rotating_piece_shape(operand_type.get_shape()),
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
        indexing_maps = [attr.data for attr in structured_ops[0].get_indexing_maps()]
        for operand, (operand_type, indexing_map) in enumerate(
            zip(self.distributed_types(), indexing_maps, strict=False)
        ):
            if operand_type.layout.map.data != indexing_map:
                raise VerifyException(
                    f"{structured_ops[0].name} reads operand {operand} through "
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


def _loop_level_axis(loop: LoopOp) -> int | None:
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
    One sub-operator step on every core: the body sees the pieces now local (ins
    then outs) as tensors and yields the new contents of the `outs` pieces.
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
        expected = tuple(_piece_type(piece).tensor_type() for piece in self.operands)
        arguments = tuple(self.body.block.arg_types)
        if arguments != expected:
            raise VerifyException(
                f"shift.compute body arguments {_type_list(arguments)} must be the "
                f"pieces' tensors {_type_list(expected)}"
            )
        terminator = self.body.block.last_op
        assert isinstance(terminator, YieldOp)
        yielded = tuple(value.type for value in terminator.arguments)
        if yielded != expected[len(self.inputs) :]:
            raise VerifyException(
                f"shift.compute yields {_type_list(yielded)} but its outs pieces "
                f"hold {_type_list(expected[len(self.inputs) :])}"
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
            if _loop_level_axis(level) == loop
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


Shift = Dialect(
    "shift",
    [ScheduleOp, LoopOp, ComputeOp, YieldOp, RotateOp, SkewOp],
    [PieceType],
)
