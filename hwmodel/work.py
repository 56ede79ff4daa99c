"""The work a linalg structured operator does, as the cost model prices it.

The cost model never switches on op names: it reads an operator's loops
(extents, parallel or reduction), each operand's indexing map and the scalar
body, and from them its *op class*, which picks the cost formula
(:func:`t10.hwmodel.cost.step_compute_cycles`). The plan search and the
simulated chip both read operators through :func:`operator_work`, so they price
the same work the same way.

The op class rule
=================

- **contraction**: the body yields ``out + a * b`` (``addf``/``addi`` of the
  output element and a ``mulf``/``muli``), where ``a`` and ``b`` are elements
  of two different inputs (possibly converted, as upstream's named ops do),
  and those inputs are a *matrix-product pair*: they share a reduction loop,
  and each indexes a parallel loop the other does not (the ``m`` and ``n`` of
  ``A[m, k] * B[k, n]``). That is the work a core's matmul unit does.
- **convolution**: a contraction whose input is read through a sliding window
  (an index expression summing several loops, ``h + kh``).
- **elementwise reduction**: any other operator with reduction loops whose
  body reads elements of several inputs: a product of a value with itself
  (a variance's squared deviations), of inputs indexed by the same loops
  (a dot product), or of one that misses no loop of the other (a matrix-vector
  product). The inputs are first combined point by point, then reduced.
- **reduction**: any other operator with reduction loops, reading one input
  (sums, maxima, pooling, softmax): a map applied to a single input folds
  into the reduction's own pass.
- **data movement**: only parallel loops, the body yielding an input
  element unchanged (transposes, broadcasts, copies).
- **elementwise**: only parallel loops, anything else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from xdsl.dialects import arith
from xdsl.dialects.builtin import ContainerType, ShapedType
from xdsl.dialects.linalg import ops as xdsl_linalg
from xdsl.ir import Block, BlockArgument, Operation, SSAValue
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
)

from t10.dialects import linalg_ext
from t10.dialects.rtensor import tensor_dim_loops
from t10.dialects.structured import structure


class OpClass(StrEnum):
    """What kind of work an operator is, which picks its cost formula."""

    CONTRACTION = "contraction"
    """Reduction loops over the product of a matrix-product pair (matmul, batch matmul)."""
    CONVOLUTION = "convolution"
    """A contraction whose input is read through a sliding window."""
    ELEMENTWISE = "elementwise"
    """Only parallel loops, computing something per element."""
    ELEMENTWISE_REDUCTION = "elementwise_reduction"
    """Reduction loops over a point-by-point combination of several inputs that is
    not a matrix product (a variance, a dot product)."""
    REDUCTION = "reduction"
    """Reduction loops over one input (sums, maxima, pooling, softmax)."""
    DATA_MOVEMENT = "data_movement"
    """Only parallel loops, each output element a copy of an input one."""


class UnstructuredOperatorError(ValueError):
    """An operator whose loops, accesses or element type cannot be read statically."""


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
    element_type: str
    """The MLIR spelling of its element type (``f16``, ``i1``, ``index``), or of the
    scalar's type; what its bytes per element are looked up by."""

    @property
    def indexed_loops(self) -> frozenset[int]:
        return frozenset(
            loop for row in self.coefficients for loop, coefficient in enumerate(row) if coefficient
        )


@dataclass(frozen=True)
class MatmulLoops:
    """The loops of a contraction (or convolution) by their role in ``C[m, n] = A[m, k] B[k, n]``
    (batched over ``batch``), as the matmul unit sees them."""

    batch: tuple[int, ...]
    """Loops both factors and the output index."""
    m: tuple[int, ...]
    """Loops the output and the left factor index, not the right one."""
    n: tuple[int, ...]
    """Loops the output and the right factor index, not the left one."""
    k: tuple[int, ...]
    """Loops the output does not index: summed over."""


@dataclass(frozen=True)
class OperatorWork:
    """Loops, operand accesses, element type and op class of one operator."""

    loop_extents: tuple[int, ...]
    iterator_types: tuple[str, ...]
    operands: tuple[OperandAccess, ...]
    indexing_maps: tuple[AffineMap, ...]
    element_type: str
    op_class: OpClass
    matmul_loops: MatmulLoops | None
    """The loops' roles on the matmul unit: set exactly for contractions and convolutions."""
    combinable: bool = True
    """Whether every output's partial results over its reduction loops combine in any
    order (each yields ``combine(out, f(inputs))``, see :func:`combiner_of`): only then
    may a plan split those loops over cores or steps. An arg-max, whose index output
    depends on the other output, does not."""

    @property
    def num_loops(self) -> int:
        return len(self.loop_extents)

    @property
    def written_loops(self) -> tuple[int, ...]:
        """The loops the first output indexes, in order."""
        output = next(access for access in self.operands if access.is_output)
        return tuple(sorted(output.indexed_loops))


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
    raise UnstructuredOperatorError(f"index expression {expr} is not a linear sum of loops")


_CONVERSIONS = (
    arith.ExtFOp,
    arith.TruncFOp,
    arith.ExtSIOp,
    arith.ExtUIOp,
    arith.TruncIOp,
    arith.SIToFPOp,
    arith.UIToFPOp,
    arith.FPToSIOp,
    arith.FPToUIOp,
)
"""Scalar conversions: upstream's named ops convert inputs to the output's type."""


_COMBINER_OPS: dict[str, str] = {
    "arith.addf": "add",
    "arith.addi": "add",
    "arith.mulf": "mul",
    "arith.muli": "mul",
    "arith.maximumf": "max",
    "arith.maxnumf": "max",
    "arith.maxsi": "max",
    "arith.maxui": "max",
    "arith.minimumf": "min",
    "arith.minnumf": "min",
    "arith.minsi": "min",
    "arith.minui": "min",
}
"""Scalar ops that combine partial results in any order, by the combiner they are."""


def _depends_on(value: SSAValue, arguments: frozenset[BlockArgument]) -> bool:
    owner = value.owner
    if isinstance(value, BlockArgument):
        return value in arguments
    assert isinstance(owner, Operation)
    return any(_depends_on(operand, arguments) for operand in owner.operands)


def combiner_of(op: Operation, output: int) -> Operation | None:
    """
    The scalar op of ``op``'s body that combines output ``output``'s partial
    results: the body yields ``combine(out, f(inputs))`` for that output, in the
    output's own type (``out`` may be converted, as upstream's named ops convert
    operands), ``combine`` one of :data:`_COMBINER_OPS` and ``f`` reading no
    output. ``None`` if the body does anything else (an arg-max's index output,
    a softmax, a sum accumulated in a wider type and then narrowed, whose copies
    no op on the output's type combines) or there is no body.
    """
    body = _body(op)
    if body is None or body.last_op is None or output >= len(body.last_op.operands):
        return None
    num_outputs = len(body.last_op.operands)
    outputs = frozenset(body.args[len(body.args) - num_outputs :])
    own = body.args[len(body.args) - num_outputs + output]
    producer = body.last_op.operands[output].owner
    if (
        not isinstance(producer, Operation)
        or producer.name not in _COMBINER_OPS
        or producer.results[0].type != own.type
    ):
        return None
    for accumulated, contribution in (producer.operands, reversed(producer.operands)):
        if _source_argument(accumulated) is own and not _depends_on(contribution, outputs):
            return producer
    return None


def _body(op: Operation) -> Block | None:
    """The op's scalar body, if it has one."""
    if isinstance(op, xdsl_linalg.PoolingNchwMaxOp):
        # xDSL's hidden body maxes the input with the window operand; upstream's (and
        # this op's meaning, which the runtime executes) maxes it into the output.
        return linalg_ext.sliding_window_region(op.inputs, op.outputs, "max").block
    if not op.regions or not op.regions[0].blocks:
        return None
    return op.regions[0].block


def _source_argument(value: SSAValue) -> BlockArgument | None:
    """The block argument ``value`` is, or converts, if any."""
    while isinstance(value.owner, _CONVERSIONS):
        value = value.owner.operands[0]
    return value if isinstance(value, BlockArgument) else None


def _is_copy(body: Block, num_inputs: int) -> bool:
    """Whether the body yields one of its input elements unchanged."""
    body_ops = list(body.ops)
    if len(body_ops) != 1 or len(body_ops[0].operands) != 1:
        return False
    yielded = body_ops[0].operands[0]
    return isinstance(yielded, BlockArgument) and yielded.index < num_inputs


def _accumulated_product(body: Block, num_inputs: int) -> tuple[int, int] | None:
    """
    The two inputs whose elements the body multiplies and adds into its one
    output (``yield out + a * b``), in input order; ``None`` if it does anything else.
    """
    terminator = body.last_op
    if terminator is None or len(terminator.operands) != 1:
        return None
    total = terminator.operands[0].owner
    if not isinstance(total, arith.AddfOp | arith.AddiOp):
        return None
    lhs, rhs = total.operands
    for accumulated, product in ((lhs, rhs), (rhs, lhs)):
        multiply = product.owner
        if accumulated != body.args[num_inputs] or not isinstance(
            multiply, arith.MulfOp | arith.MuliOp
        ):
            continue
        factors = [_source_argument(factor) for factor in multiply.operands]
        inputs = sorted(
            {factor.index for factor in factors if factor is not None and factor.index < num_inputs}
        )
        if len(inputs) == 2:
            return inputs[0], inputs[1]
    return None


def _is_matrix_product_pair(
    lhs: OperandAccess, rhs: OperandAccess, iterator_types: Sequence[str]
) -> bool:
    """Whether the two factors share a reduction loop and each indexes a parallel loop the
    other does not."""
    shared_reduction = any(
        iterator_types[loop] == "reduction" for loop in lhs.indexed_loops & rhs.indexed_loops
    )
    return (
        shared_reduction
        and any(
            iterator_types[loop] == "parallel" for loop in lhs.indexed_loops - rhs.indexed_loops
        )
        and any(
            iterator_types[loop] == "parallel" for loop in rhs.indexed_loops - lhs.indexed_loops
        )
    )


def _matmul_loops(
    lhs: OperandAccess, rhs: OperandAccess, output: OperandAccess, num_loops: int
) -> MatmulLoops:
    batch: list[int] = []
    m: list[int] = []
    n: list[int] = []
    k: list[int] = []
    for loop in range(num_loops):
        if loop not in output.indexed_loops:
            k.append(loop)
        elif loop in lhs.indexed_loops and loop in rhs.indexed_loops:
            batch.append(loop)
        elif loop in rhs.indexed_loops:
            n.append(loop)
        else:
            m.append(loop)
    return MatmulLoops(tuple(batch), tuple(m), tuple(n), tuple(k))


def _classify(
    body: Block | None, accesses: Sequence[OperandAccess], iterator_types: Sequence[str]
) -> tuple[OpClass, MatmulLoops | None]:
    num_inputs = sum(1 for access in accesses if not access.is_output)
    if "reduction" not in iterator_types:
        if body is not None and _is_copy(body, num_inputs):
            return OpClass.DATA_MOVEMENT, None
        return OpClass.ELEMENTWISE, None
    pair = None if body is None else _accumulated_product(body, num_inputs)
    if pair is not None and _is_matrix_product_pair(
        accesses[pair[0]], accesses[pair[1]], iterator_types
    ):
        output = next(access for access in accesses if access.is_output)
        loops = _matmul_loops(accesses[pair[0]], accesses[pair[1]], output, len(iterator_types))
        window = any(
            sum(1 for coefficient in row if coefficient) > 1
            for access in accesses
            for row in access.coefficients
        )
        return (OpClass.CONVOLUTION if window else OpClass.CONTRACTION), loops
    # A window operand gives only its shape: an input counts if the body reads it.
    read_inputs = [
        position
        for position, access in enumerate(accesses[:num_inputs])
        if access.shape and (body is None or body.args[position].uses)
    ]
    if len(read_inputs) >= 2:
        return OpClass.ELEMENTWISE_REDUCTION, None
    return OpClass.REDUCTION, None


def operator_work(op: Operation) -> OperatorWork:
    """The work of a linalg structured op (or any op offering the same interface)."""
    found = structure(op)
    if found is None:
        raise UnstructuredOperatorError(
            f"{op.name} is not a structured operator (no loops and indexing maps)"
        )
    maps, iterators, extents = found
    if any(extent < 1 for extent in extents):
        shown = ["?" if extent < 0 else extent for extent in extents]
        raise UnstructuredOperatorError(
            f"{op.name} has loop extents {shown}: dynamic or empty loops"
        )
    outputs = getattr(op, "outputs", ())
    num_outputs = len(outputs) if outputs else max(1, len(op.results))
    operands = tuple(op.operands)
    if len(maps) != len(operands):
        raise UnstructuredOperatorError(
            f"{op.name} has {len(operands)} operands but {len(maps)} indexing maps"
        )

    accesses: list[OperandAccess] = []
    element_type: str | None = None
    for position, (operand, indexing_map) in enumerate(zip(operands, maps, strict=True)):
        operand_type = operand.type
        if isinstance(operand_type, ShapedType) and isinstance(operand_type, ContainerType):
            shape = tuple(operand_type.get_shape())
            element_type = str(operand_type.get_element_type())
            operand_element_type = element_type
        else:
            shape = ()
            operand_element_type = str(operand_type)
        if any(extent < 1 for extent in shape):
            shown = ["?" if extent < 0 else extent for extent in shape]
            raise UnstructuredOperatorError(
                f"operand {position} of {op.name} has a dynamic shape {shown}"
            )
        dim_loops = tensor_dim_loops(indexing_map)
        accesses.append(
            OperandAccess(
                shape=shape,
                coefficients=tuple(
                    tuple(_coefficients(expr, len(extents))) for expr in indexing_map.results
                ),
                split_loops=tuple(loops[0] if loops else None for loops in dim_loops),
                is_output=position >= len(operands) - num_outputs,
                element_type=operand_element_type,
            )
        )
    if element_type is None:
        raise UnstructuredOperatorError(f"{op.name} has no tensor operand")
    op_class, matmul_loops = _classify(_body(op), accesses, iterators)
    combinable = "reduction" not in iterators or all(
        combiner_of(op, output) is not None for output in range(num_outputs)
    )
    return OperatorWork(
        loop_extents=extents,
        iterator_types=iterators,
        operands=tuple(accesses),
        indexing_maps=maps,
        element_type=element_type,
        op_class=op_class,
        matmul_loops=matmul_loops,
        combinable=combinable,
    )
