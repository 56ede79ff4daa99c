"""The iteration space of a linalg operator, as the planner sees it.

The planner never switches on op names: it reads every structured op's loops
(extents, parallel or reduction) and each operand's indexing map. The op
*class* (contraction, convolution, elementwise, reduction, data movement) is
derived from that structure and only chooses the cost formula.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from xdsl.dialects.builtin import ContainerType, ShapedType
from xdsl.dialects.linalg.attrs import IteratorType
from xdsl.ir import BlockArgument, Operation
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
)

from t10.dialects.rtensor import tensor_dim_loops


class OpClass(StrEnum):
    """What kind of work an operator is, which picks its cost formula."""

    CONTRACTION = "contraction"
    """Reduction loops over the product of two inputs (matmul, batch matmul)."""
    CONVOLUTION = "convolution"
    """A contraction whose input is read through a sliding window."""
    ELEMENTWISE = "elementwise"
    """Only parallel loops, computing something per element."""
    REDUCTION = "reduction"
    """Reduction loops over one input (sums, maxima, softmax)."""
    DATA_MOVEMENT = "data_movement"
    """Only parallel loops, each output element a copy of an input one."""


class PlanningError(Exception):
    """An operator the planner cannot describe or plan, with the reason."""


@dataclass(frozen=True)
class OperandAccess:
    """How an operator reads or writes one operand."""

    shape: tuple[int, ...]
    """Static extents of the operand (empty for a scalar)."""
    coefficients: tuple[tuple[int, ...], ...]
    """Per tensor dim, the coefficient of each loop in its index expression."""
    split_loops: tuple[int | None, ...]
    """Per tensor dim, the loop that splits it (a window's first loop), or None."""
    is_output: bool

    @property
    def indexed_loops(self) -> frozenset[int]:
        return frozenset(
            loop for row in self.coefficients for loop, coefficient in enumerate(row) if coefficient
        )


@dataclass(frozen=True)
class IterationSpace:
    """Loops, operand accesses and element type of one operator."""

    loop_extents: tuple[int, ...]
    iterator_types: tuple[str, ...]
    operands: tuple[OperandAccess, ...]
    indexing_maps: tuple[AffineMap, ...]
    element_type: str
    op_class: OpClass

    @property
    def num_loops(self) -> int:
        return len(self.loop_extents)

    @property
    def window_loops(self) -> frozenset[int]:
        """Loops read only inside a sliding window (``kh`` of ``h + kh``): never split."""
        window: set[int] = set()
        for operand in self.operands:
            for row, split_loop in zip(operand.coefficients, operand.split_loops, strict=True):
                window.update(
                    loop
                    for loop, coefficient in enumerate(row)
                    if coefficient and loop != split_loop
                )
        return frozenset(window)

    @property
    def unsplittable_loops(self) -> frozenset[int]:
        """
        Loops no plan splits: a window's inner loops, and reduction loops that
        an output still indexes (softmax's normalised dim), whose partial
        results no schedule combines across cores.
        """
        reduced_in_place = {
            loop
            for access in self.operands
            if access.is_output
            for loop in access.indexed_loops
            if self.iterator_types[loop] == "reduction"
        }
        return self.window_loops | reduced_in_place

    def cache_key(self) -> tuple[object, ...]:
        """What the plans of this operator depend on."""
        return (
            self.loop_extents,
            self.iterator_types,
            tuple(str(indexing_map) for indexing_map in self.indexing_maps),
            tuple(operand.shape for operand in self.operands),
            self.element_type,
            self.op_class,
        )


def _coefficients(expr: AffineExpr, num_loops: int) -> list[int]:
    if isinstance(expr, AffineDimExpr):
        row = [0] * num_loops
        row[expr.position] = 1
        return row
    if isinstance(expr, AffineConstantExpr):
        return [0] * num_loops
    if isinstance(expr, AffineBinaryOpExpr):
        if expr.kind == AffineBinaryOpKind.Add:
            lhs = _coefficients(expr.lhs, num_loops)
            rhs = _coefficients(expr.rhs, num_loops)
            return [a + b for a, b in zip(lhs, rhs, strict=True)]
        if expr.kind == AffineBinaryOpKind.Mul:
            for term, factor in ((expr.lhs, expr.rhs), (expr.rhs, expr.lhs)):
                if isinstance(factor, AffineConstantExpr):
                    return [factor.value * c for c in _coefficients(term, num_loops)]
    raise PlanningError(f"index expression {expr} is not a linear sum of loops")


def _is_copy(op: Operation) -> bool:
    """Whether the op's scalar body yields one of its input elements unchanged."""
    if not op.regions or not op.regions[0].blocks:
        return False
    block = op.regions[0].block
    body_ops = list(block.ops)
    if len(body_ops) != 1 or len(body_ops[0].operands) != 1:
        return False
    yielded = body_ops[0].operands[0]
    return isinstance(yielded, BlockArgument) and yielded.index < len(op.operands) - 1


def iteration_space(op: Operation) -> IterationSpace:
    """The iteration space of a linalg structured op (or any op offering the same interface)."""
    get_maps = getattr(op, "get_indexing_maps", None)
    get_iterators = getattr(op, "get_iterator_types", None)
    get_ranges = getattr(op, "get_static_loop_ranges", None)
    if get_maps is None or get_iterators is None or get_ranges is None:
        raise PlanningError(f"{op.name} is not a structured operator (no loops and indexing maps)")
    maps = tuple(attr.data for attr in get_maps())
    iterators = tuple(
        "reduction" if attr.data == IteratorType.REDUCTION else "parallel"
        for attr in get_iterators()
    )
    extents = tuple(int(extent) for extent in get_ranges())
    if any(extent < 1 for extent in extents):
        shown = ["?" if extent < 0 else extent for extent in extents]
        raise PlanningError(f"{op.name} has loop extents {shown}: dynamic or empty loops")
    outputs = getattr(op, "outputs", ())
    num_outputs = len(outputs) if outputs else 1
    operands = tuple(op.operands)
    if len(maps) != len(operands):
        raise PlanningError(f"{op.name} has {len(operands)} operands but {len(maps)} indexing maps")

    accesses: list[OperandAccess] = []
    element_type: str | None = None
    for position, (operand, indexing_map) in enumerate(zip(operands, maps, strict=True)):
        operand_type = operand.type
        if isinstance(operand_type, ShapedType) and isinstance(operand_type, ContainerType):
            shape = tuple(operand_type.get_shape())
            element_type = str(operand_type.get_element_type())
        else:
            shape = ()
        if any(extent < 1 for extent in shape):
            shown = ["?" if extent < 0 else extent for extent in shape]
            raise PlanningError(f"operand {position} of {op.name} has a dynamic shape {shown}")
        dim_loops = tensor_dim_loops(indexing_map)
        accesses.append(
            OperandAccess(
                shape=shape,
                coefficients=tuple(
                    tuple(_coefficients(expr, len(extents))) for expr in indexing_map.results
                ),
                split_loops=tuple(loops[0] if loops else None for loops in dim_loops),
                is_output=position >= len(operands) - num_outputs,
            )
        )
    if element_type is None:
        raise PlanningError(f"{op.name} has no tensor operand")

    window = any(
        sum(1 for coefficient in row if coefficient) > 1
        for access in accesses
        for row in access.coefficients
    )
    tensor_inputs = [a for a in accesses if not a.is_output and a.shape]
    has_reduction = "reduction" in iterators
    if window and has_reduction:
        op_class = OpClass.CONVOLUTION
    elif has_reduction and len(tensor_inputs) >= 2:
        op_class = OpClass.CONTRACTION
    elif has_reduction:
        op_class = OpClass.REDUCTION
    elif _is_copy(op):
        op_class = OpClass.DATA_MOVEMENT
    else:
        op_class = OpClass.ELEMENTWISE
    return IterationSpace(
        loop_extents=extents,
        iterator_types=iterators,
        operands=tuple(accesses),
        indexing_maps=maps,
        element_type=element_type,
        op_class=op_class,
    )
