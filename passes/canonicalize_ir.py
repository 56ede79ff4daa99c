"""IR helpers of ``t10-canonicalize``: structured ops as ``linalg.generic``, their loops and
maps, reshapes' groups, and dense constants as numpy arrays."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import prod
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from xdsl.dialects import arith, tensor
from xdsl.dialects.builtin import (
    AffineMapAttr,
    ArrayAttr,
    BytesAttr,
    DenseIntOrFPElementsAttr,
    Float16Type,
    Float32Type,
    Float64Type,
    IndexType,
    IntegerAttr,
    IntegerType,
    TensorType,
    i64,
)
from xdsl.dialects.linalg import ops as linalg
from xdsl.dialects.linalg.attrs import IteratorTypeAttr
from xdsl.ir import Attribute, Operation, Region, SSAValue
from xdsl.ir.affine import AffineConstantExpr, AffineDimExpr, AffineExpr, AffineMap
from xdsl.rewriter import InsertPoint, Rewriter

from t10.dialects import linalg_ext
from t10.passes.partition import is_structured

Array = npt.NDArray[Any]


def tensor_shape(value: SSAValue) -> tuple[int, ...]:
    """The static shape of a ranked tensor value."""
    value_type = value.type
    assert isinstance(value_type, TensorType)
    return tuple(cast(TensorType[Attribute], value_type).get_shape())


def element_type(value: SSAValue) -> Attribute:
    value_type = value.type
    assert isinstance(value_type, TensorType)
    return cast(TensorType[Attribute], value_type).get_element_type()


def insert_before(op: Operation, new_ops: Sequence[Operation]) -> None:
    """Insert ``new_ops`` before ``op``, each taking ``op``'s location (diagnostics about
    what a rewrite made point at the op the user wrote)."""
    for new_op in new_ops:
        new_op.location = op.location
    Rewriter.insert_op(list(new_ops), InsertPoint.before(op))


################################################################################
# Structured ops as linalg.generic                                             #
################################################################################


def _broadcast_maps(op: linalg.BroadcastOp) -> list[AffineMap]:
    rank = len(tensor_shape(op.init))
    added = set(op.dimensions.get_values())
    kept = tuple(AffineExpr.dimension(dim) for dim in range(rank) if dim not in added)
    return [AffineMap(rank, 0, kept), AffineMap.identity(rank)]


def generic_parts(op: Operation) -> tuple[list[SSAValue], list[SSAValue], Region] | None:
    """The inputs, outputs and scalar body ``op`` would have as a ``linalg.generic``, or None
    when ``op`` is not a structured op on tensors with a body (``linalg.softmax``)."""
    if isinstance(op, linalg.BroadcastOp):
        return [op.input], [op.init], op.hidden_region.clone()
    if not is_structured(op) or not op.results:
        return None
    inputs = getattr(op, "inputs", None)
    outputs = getattr(op, "outputs", None)
    if inputs is None or outputs is None:
        return None
    if isinstance(op, linalg.PoolingNchwMaxOp):
        # xDSL's hidden body maxes the input with the window operand; the op's meaning
        # (upstream's, and the runtime's) maxes it into the output.
        body = linalg_ext.sliding_window_region(op.inputs, op.outputs, "max")
        return list(inputs), list(outputs), body
    if not op.regions or not op.regions[0].blocks:
        return None
    return list(inputs), list(outputs), op.regions[0].clone()


def indexing_maps(op: Operation) -> list[AffineMap]:
    """The indexing maps of a structured op, inputs then outputs."""
    if isinstance(op, linalg.BroadcastOp):
        return _broadcast_maps(op)
    return [attr.data for attr in op.get_indexing_maps()]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType, reportUnknownVariableType]


def iterator_types(op: Operation) -> list[str]:
    """``parallel`` or ``reduction`` per loop of a structured op."""
    if isinstance(op, linalg.BroadcastOp):
        return ["parallel"] * len(tensor_shape(op.init))
    return [str(attr.data) for attr in op.get_iterator_types()]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType, reportUnknownVariableType]


def build_generic(
    at: Operation,
    inputs: Sequence[SSAValue],
    outputs: Sequence[SSAValue],
    body: Region,
    maps: Sequence[AffineMap],
    iterators: Sequence[str],
) -> linalg.GenericOp:
    """A ``linalg.generic`` inserted before ``at``, with ``at``'s location and discardable
    attributes."""
    generic = linalg.GenericOp(
        inputs,
        outputs,
        body,
        [AffineMapAttr(indexing_map) for indexing_map in maps],
        [
            IteratorTypeAttr.parallel() if kind == "parallel" else IteratorTypeAttr.reduction()
            for kind in iterators
        ],
        [output.type for output in outputs],
    )
    generic.attributes.update(at.attributes)
    insert_before(at, [generic])
    return generic


def generalize(op: Operation) -> linalg.GenericOp | None:
    """``op`` as a ``linalg.generic`` that replaces it (``op`` itself if it is one), or None
    if it has no generic form."""
    if isinstance(op, linalg.GenericOp):
        return op
    parts = generic_parts(op)
    if parts is None:
        return None
    inputs, outputs, body = parts
    generic = build_generic(op, inputs, outputs, body, indexing_maps(op), iterator_types(op))
    generic.attributes.clear()
    for old, new in zip(op.results, generic.results, strict=True):
        old.replace_all_uses_with(new)
    Rewriter.erase_op(op)
    return generic


def loop_extents(op: Operation) -> list[int] | None:
    """Each loop's extent, read from the operands a map indexes by the bare loop, or None
    when some loop is indexed by no bare dim."""
    maps = indexing_maps(op)
    extents: list[int | None] = [None] * maps[0].num_dims
    for value, indexing_map in zip(op.operands, maps, strict=True):
        shape = tensor_shape(value) if isinstance(value.type, TensorType) else ()
        for dim, expr in enumerate(indexing_map.results):
            if isinstance(expr, AffineDimExpr) and extents[expr.position] is None:
                extents[expr.position] = shape[dim]
    if any(extent is None for extent in extents):
        return None
    return [extent for extent in extents if extent is not None]


def bare_loops_only(op: Operation, loop: int) -> bool:
    """Whether every map of ``op`` uses ``loop`` only as a whole index (``d1``, never in
    ``d1 + d4``): the condition for splitting or dropping it."""
    for indexing_map in indexing_maps(op):
        for expr in indexing_map.results:
            if not isinstance(expr, AffineDimExpr) and loop in expr_dims(expr):
                return False
    return True


def expr_dims(expr: AffineExpr) -> set[int]:
    return AffineMap(max(expr_max_dim(expr) + 1, 0), 0, (expr,)).used_dims()


def expr_max_dim(expr: AffineExpr) -> int:
    if isinstance(expr, AffineDimExpr):
        return expr.position
    if isinstance(expr, AffineConstantExpr):
        return -1
    children = [getattr(expr, "lhs", None), getattr(expr, "rhs", None)]
    return max((expr_max_dim(child) for child in children if child is not None), default=-1)


################################################################################
# Reshapes                                                                     #
################################################################################


def reassociation(op: tensor.ExpandShapeOp | tensor.CollapseShapeOp) -> list[list[int]]:
    """The groups of the expanded side's dims, one per collapsed-side dim."""
    groups = cast(ArrayAttr[ArrayAttr[IntegerAttr]], op.reassociation)
    return [[attr.value.data for attr in group.data] for group in groups.data]


def reassociation_attr(groups: Sequence[Sequence[int]]) -> ArrayAttr[ArrayAttr[IntegerAttr]]:
    return ArrayAttr(ArrayAttr(IntegerAttr(dim, i64) for dim in group) for group in groups)


def expand_shape(
    at: Operation, source: SSAValue, groups: Sequence[Sequence[int]], shape: Sequence[int]
) -> SSAValue:
    """``tensor.expand_shape`` of ``source`` to ``shape``, inserted before ``at``."""
    result_type = TensorType(element_type(source), shape)
    op = tensor.ExpandShapeOp(source, [], reassociation_attr(groups), list(shape), result_type)
    insert_before(at, [op])
    return op.result


def collapse_shape(
    at: Operation, source: SSAValue, groups: Sequence[Sequence[int]], shape: Sequence[int]
) -> SSAValue:
    """``tensor.collapse_shape`` of ``source`` to ``shape``, inserted before ``at``."""
    op = tensor.CollapseShapeOp.create(
        operands=[source],
        result_types=[TensorType(element_type(source), shape)],
        properties={"reassociation": reassociation_attr(groups)},
    )
    insert_before(at, [op])
    return op.results[0]


################################################################################
# Dense constants                                                              #
################################################################################


def _storage_dtype(element: Attribute) -> np.dtype[Any] | None:
    if isinstance(element, Float16Type):
        return np.dtype("<f2")
    if isinstance(element, Float32Type):
        return np.dtype("<f4")
    if isinstance(element, Float64Type):
        return np.dtype("<f8")
    if isinstance(element, IndexType):
        return np.dtype("<i8")
    if isinstance(element, IntegerType) and element.width.data in (8, 16, 32, 64):
        return np.dtype(f"<i{element.width.data // 8}")
    return None


@dataclass(frozen=True)
class DenseConstant:
    """The value of a dense ``arith.constant`` tensor."""

    values: Array
    """Its elements, in the tensor's shape (a splat already broadcast)."""
    splat: bool


def dense_constant(value: SSAValue) -> DenseConstant | None:
    """The value of ``value`` if an ``arith.constant`` with dense elements defines it, else
    None (also for element types this pass does not fold: ``bf16``, ``i1``)."""
    op = value.owner
    if not isinstance(op, arith.ConstantOp) or not isinstance(value.type, TensorType):
        return None
    attr = op.value
    if not isinstance(attr, DenseIntOrFPElementsAttr):
        return None
    shape = tensor_shape(value)
    dtype = _storage_dtype(element_type(value))
    if dtype is None:
        return None
    raw = np.frombuffer(attr.data.data, dtype=dtype)
    splat = raw.size == 1
    values = raw.reshape(shape) if raw.size == prod(shape) else np.broadcast_to(raw[0], shape)
    return DenseConstant(values, splat or bool(raw.size and (raw == raw[0]).all()))


def dense_attr(values: Array, element: Attribute) -> DenseIntOrFPElementsAttr | None:
    """``values`` as a dense attribute of ``element`` (one element when all are equal, as
    upstream prints a splat), or None for types this pass does not fold."""
    dtype = _storage_dtype(element)
    if dtype is None:
        return None
    array = np.asarray(values).astype(dtype)
    flat = array.reshape(-1)
    stored = flat[:1] if flat.size and (flat == flat[0]).all() else flat
    tensor_type = TensorType(element, array.shape)
    return DenseIntOrFPElementsAttr(tensor_type, BytesAttr(stored.tobytes()))  # pyright: ignore[reportArgumentType]
