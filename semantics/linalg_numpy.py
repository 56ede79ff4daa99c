"""Numpy semantics of every linalg op t10 parses, optionally on every core at once.

:func:`evaluate` runs one linalg op on numpy arrays. With ``core_axis=True``
every operand carries a leading core axis, ``(cores, *tensor_shape)`` (or
``(cores,)`` for a scalar), and one numpy call computes the op on every core;
an operand whose core axis has extent 1 is shared by all cores.

How an op runs
==============

Every structured op (``linalg.generic`` and every named op: they all carry
indexing maps and a scalar body) runs its scalar body **once**, on arrays in
*loop space*: an operand read through map ``m`` becomes an array with one axis
per loop (extent 1 on loops the map does not use), so the body's arith/math ops
are numpy ufuncs broadcasting over the iteration space. Loops that an output
does not index are reduced: its body must yield ``combine(out, f(inputs))``
(optionally wrapped in casts) with ``combine`` one of add, mul, max, min, and,
or, xor; ``f`` is reduced with the combiner's ``ufunc.reduce`` and then
combined with the init value. When ``combine`` is an add and ``f`` a product
``p * q`` (matmuls, convolutions, every contraction) the product is never
materialised over the whole iteration space: it is one batched matrix product
(``np.einsum``).
``linalg.softmax``, ``linalg.reduce`` and ``linalg.broadcast`` are given the
same treatment through their own structure. Anything else raises
:class:`UnsupportedOpError` naming the op.

Numerics: the rule of a real chip
=================================

- Every scalar op computes in, and rounds to, its result type: an ``f16``
  ``arith.mulf`` gives an ``f16`` (numpy computes a half op in single precision
  and rounds once, as a half-precision ALU does).
- Reductions and contractions accumulate in a wider type, as an IPU's
  accumulators do: ``f16``/``bf16`` inputs accumulate in ``f32``; ``f32`` in
  ``f32``; ``f64`` in ``f64``; integers in ``i64``. The init value is added in
  that type and the result rounded once to the output element type (integers
  wrap around). A contraction's products are exact in the accumulator type
  (fused multiply-accumulate), even where its body rounds them to ``f16``.
  So an ``f16`` matmul step is ``f16(f32(C) + sum f32(A) f32(B))``.
- An ``f32`` contraction's products are summed in ``f64`` and the sum rounded
  once to ``f32``, not in the order of any hardware's additions: BLAS adds in an
  order that follows the matrices' shapes, so a product cut into per-core blocks
  would otherwise round differently from the same elements computed whole, and a
  spiking network's threshold would fire on one and not the other. Sums of
  partial results across cores stay the program's own, in its order. ``f16`` and
  ``bf16`` contractions keep BLAS's ``f32`` sums (see :func:`_contraction_dtype`).
- ``linalg.softmax`` computes ``exp(x - max) / sum`` in the accumulator type
  and rounds once.
- ``bf16`` has no numpy type: it is held as ``float32`` rounded to ``bf16``
  precision (round to nearest even) after every op.
- ``half_in_single=True`` (:func:`evaluate`, :func:`to_element_type`) holds
  ``f16`` the same way, as ``float32`` rounded to half precision by
  :func:`round_to_half`: the same values, for callers that keep their data in
  ``float32`` (the simulator) and so skip numpy's ``float16`` casts, which
  convert element by element (about 100 ns per subnormal or overflowing value).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from math import prod
from typing import Any

import numpy as np
import numpy.typing as npt
from xdsl.dialects.builtin import (
    BFloat16Type,
    ContainerType,
    Float16Type,
    Float32Type,
    Float64Type,
    FloatAttr,
    IndexType,
    IntegerAttr,
    IntegerType,
    ShapedType,
)
from xdsl.dialects.linalg import ops as xdsl_linalg
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.ir import Attribute, Block, BlockArgument, Operation, SSAValue
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
)

from t10.dialects import linalg_ext
from t10.hwmodel.work import combiner_of

Array = npt.NDArray[Any]


class UnsupportedOpError(NotImplementedError):
    """An op (or a scalar body) the numpy semantics do not cover, with the reason."""


################################################################################
# Element types                                                                #
################################################################################


def numpy_dtype(element_type: Attribute, *, half_in_single: bool = False) -> np.dtype[np.generic]:
    """The numpy type holding elements of ``element_type`` (``bf16``, and ``f16`` with
    ``half_in_single``: ``float32``)."""
    if isinstance(element_type, Float16Type):
        return np.dtype(np.float32 if half_in_single else np.float16)
    if isinstance(element_type, Float32Type | BFloat16Type):
        return np.dtype(np.float32)
    if isinstance(element_type, Float64Type):
        return np.dtype(np.float64)
    if isinstance(element_type, IndexType):
        return np.dtype(np.int64)
    if isinstance(element_type, IntegerType):
        width = element_type.width.data
        if width == 1:
            return np.dtype(np.bool_)
        if width in (8, 16, 32, 64):
            return np.dtype(f"int{width}")
    raise UnsupportedOpError(f"element type {element_type} has no numpy equivalent")


def accumulator_dtype(element_type: Attribute) -> np.dtype[np.generic]:
    """The type reductions and contractions over ``element_type`` accumulate in."""
    if isinstance(element_type, Float16Type | BFloat16Type | Float32Type):
        return np.dtype(np.float32)
    if isinstance(element_type, Float64Type):
        return np.dtype(np.float64)
    return np.dtype(np.int64)


def _contraction_dtype(product_type: Attribute) -> np.dtype[np.generic]:
    """The type a contraction whose products are of ``product_type`` sums them in before
    rounding the sum once to its accumulator (:func:`accumulator_dtype`). ``f32`` products
    are summed in ``float64``: BLAS adds in an order that follows the matrices' shapes, so
    one core's block of a product would round otherwise than the same elements of the
    whole. ``f16`` and ``bf16`` products keep BLAS's ``float32`` sums: their outputs are
    checked against bounds far wider than an ``f32`` rounding, and summing them in
    ``float64`` made the simulator 1.4-1.6x slower on the BERT-base layer."""
    if isinstance(product_type, Float32Type):
        return np.dtype(np.float64)
    return accumulator_dtype(product_type)


def _round_to_bf16(values: Array) -> Array:
    bits = np.asarray(values, dtype=np.float32).view(np.uint32)
    rounding = np.uint32(0x7FFF) + ((bits >> np.uint32(16)) & np.uint32(1))
    rounded = np.where(np.isnan(values), bits, (bits + rounding) & np.uint32(0xFFFF0000))
    return rounded.astype(np.uint32).view(np.float32)


def round_to_half(values: Array) -> Array:
    """``float32`` or ``float64`` ``values`` rounded to the nearest ``f16`` value (ties to
    even, subnormals included, beyond the largest finite half to infinity, NaN kept),
    in their own type: what ``astype(float16)`` gives, at the speed of a few ufuncs.

    Adding and subtracting ``c = 2^(e + m - 10)`` (``m`` the mantissa bits of the
    type, ``e`` the exponent of ``|x|`` but at least -14, half's least normal
    exponent) rounds ``|x|`` to a multiple of ``2^(e - 10)``, half's spacing at
    ``|x|``, by the hardware's own round to nearest even.
    """
    info = np.finfo(values.dtype)
    bits = np.dtype(f"uint{8 * values.dtype.itemsize}")
    mantissa, bias = info.nmant, info.maxexp - 1
    flat = values.reshape(-1)
    magnitude = np.abs(flat)
    # Only exponents above 15 (half overflows) need capping to keep the offset finite;
    # a NaN maximum leaves it unknown whether some do.
    overflows = None if magnitude.max(initial=0.0) < 65520.0 else magnitude >= 65520.0
    spacing = magnitude.view(bits) & bits.type(((1 << info.nexp) - 1) << mantissa)
    np.maximum(spacing, bits.type((bias - 14) << mantissa), out=spacing)
    if overflows is not None:
        np.minimum(spacing, bits.type((bias + 15) << mantissa), out=spacing)
    spacing += bits.type((mantissa - 10) << mantissa)
    offset = spacing.view(values.dtype)
    # Infinities and NaNs pass through the rounding as themselves; numpy would warn.
    with np.errstate(invalid="ignore"):
        magnitude += offset
        magnitude -= offset
    if overflows is not None:
        magnitude[overflows] = np.inf
    return np.copysign(magnitude, flat, out=magnitude).reshape(values.shape)


def to_element_type(
    values: Array | float | int, element_type: Attribute, *, half_in_single: bool = False
) -> Array:
    """``values`` converted to ``element_type``, rounding or wrapping as the chip does;
    ``f16`` held as ``float32`` with ``half_in_single``."""
    array = np.asarray(values)
    if half_in_single and isinstance(element_type, Float16Type):
        if array.dtype == np.float16:
            return array.astype(np.float32)
        if array.dtype not in (np.float32, np.float64):
            array = array.astype(np.float64)
        return round_to_half(array).astype(np.float32, copy=False)
    dtype = numpy_dtype(element_type)
    if np.issubdtype(dtype, np.integer) and np.issubdtype(array.dtype, np.floating):
        # Float to integer conversion truncates toward zero (fptosi); values
        # beyond the range wrap instead of being undefined.
        array = np.trunc(array).astype(np.int64)
    converted = array.astype(dtype, copy=False)
    if isinstance(element_type, BFloat16Type):
        return _round_to_bf16(converted)
    return converted


def element_type_of(value: SSAValue) -> Attribute:
    """The element type of a shaped value, or the type of a scalar."""
    value_type = value.type
    if isinstance(value_type, ContainerType):
        element_type = value_type.get_element_type()
        assert isinstance(element_type, Attribute)
        return element_type
    return value_type


def _shape_of(value: SSAValue) -> tuple[int, ...]:
    value_type = value.type
    if isinstance(value_type, ShapedType):
        return tuple(value_type.get_shape())
    return ()


################################################################################
# Scalar ops as ufuncs                                                         #
################################################################################


def erf(x: Array) -> Array:
    """erf by Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7): numpy has no erf."""
    wide = np.asarray(x, dtype=np.float64)
    t = 1.0 / (1.0 + 0.3275911 * np.abs(wide))
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    return np.sign(wide) * (1.0 - poly * np.exp(-wide * wide))


def _round_half_away(x: Array) -> Array:
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def _divsi(lhs: Array, rhs: Array) -> Array:
    """Signed division rounding toward zero (C semantics), unlike numpy's floor division."""
    quotient = np.abs(lhs) // np.abs(rhs)
    return np.where((lhs < 0) != (rhs < 0), -quotient, quotient)


UNARY: dict[str, Callable[[Array], Array]] = {
    "arith.negf": np.negative,
    "math.absf": np.abs,
    "math.absi": np.abs,
    "math.exp": np.exp,
    "math.exp2": np.exp2,
    "math.expm1": np.expm1,
    "math.log": np.log,
    "math.log2": np.log2,
    "math.log10": np.log10,
    "math.log1p": np.log1p,
    "math.sqrt": np.sqrt,
    "math.rsqrt": lambda x: np.reciprocal(np.sqrt(x)),
    "math.cbrt": np.cbrt,
    "math.tanh": np.tanh,
    "math.erf": erf,
    "math.sin": np.sin,
    "math.cos": np.cos,
    "math.tan": np.tan,
    "math.asin": np.arcsin,
    "math.acos": np.arccos,
    "math.atan": np.arctan,
    "math.sinh": np.sinh,
    "math.cosh": np.cosh,
    "math.asinh": np.arcsinh,
    "math.acosh": np.arccosh,
    "math.atanh": np.arctanh,
    "math.ceil": np.ceil,
    "math.floor": np.floor,
    "math.round": _round_half_away,
    "math.roundeven": np.rint,
    "math.trunc": np.trunc,
    "math.isnan": np.isnan,
    "math.isinf": np.isinf,
    "math.isfinite": np.isfinite,
}

_BINARY: dict[str, Callable[[Array, Array], Array]] = {
    "arith.addf": np.add,
    "arith.addi": np.add,
    "arith.subf": np.subtract,
    "arith.subi": np.subtract,
    "arith.mulf": np.multiply,
    "arith.muli": np.multiply,
    "arith.divf": np.divide,
    "arith.divsi": _divsi,
    "arith.remf": np.fmod,
    "arith.remsi": np.fmod,
    "arith.maximumf": np.maximum,
    "arith.minimumf": np.minimum,
    "arith.maxnumf": np.fmax,
    "arith.minnumf": np.fmin,
    "arith.maxsi": np.maximum,
    "arith.minsi": np.minimum,
    "arith.andi": np.bitwise_and,
    "arith.ori": np.bitwise_or,
    "arith.xori": np.bitwise_xor,
    "arith.shli": np.left_shift,
    "arith.shrsi": np.right_shift,
    "math.powf": np.power,
    "math.fpowi": lambda base, exponent: np.power(base, exponent.astype(base.dtype)),
    "math.ipowi": np.power,
    "math.atan2": np.arctan2,
    "math.copysign": np.copysign,
}

CASTS = frozenset(
    {
        "arith.extf",
        "arith.truncf",
        "arith.sitofp",
        "arith.fptosi",
        "arith.fptoui",
        "arith.extsi",
        "arith.trunci",
        "arith.index_cast",
    }
)
"""Conversions whose operand is read as signed: numpy's own ``astype``."""

UNSIGNED_CASTS = frozenset({"arith.extui", "arith.uitofp", "arith.index_castui"})
"""Conversions whose operand is read as unsigned."""

COMBINERS: dict[str, np.ufunc] = {
    "arith.addf": np.add,
    "arith.addi": np.add,
    "arith.mulf": np.multiply,
    "arith.muli": np.multiply,
    "arith.maximumf": np.maximum,
    "arith.minimumf": np.minimum,
    "arith.maxnumf": np.fmax,
    "arith.minnumf": np.fmin,
    "arith.maxsi": np.maximum,
    "arith.minsi": np.minimum,
    "arith.maxui": np.maximum,
    "arith.minui": np.minimum,
    "arith.andi": np.bitwise_and,
    "arith.ori": np.bitwise_or,
    "arith.xori": np.bitwise_xor,
}
"""Ops a reduction body may combine the accumulated value with, as ufuncs to reduce by."""

_UNSIGNED_COMBINERS = frozenset({"arith.maxui", "arith.minui"})
"""Combiners that compare their integers as unsigned (upstream's unsigned pooling)."""


def _as_unsigned(values: Array) -> Array:
    """Integers reinterpreted as unsigned of their width, as ``arith.maxui`` reads them."""
    return values.view(np.dtype(f"u{values.dtype.itemsize}"))


_RELATIONS: dict[str, Callable[[Array, Array], Array]] = {
    "eq": np.equal,
    "gt": np.greater,
    "ge": np.greater_equal,
    "lt": np.less,
    "le": np.less_equal,
    "ne": np.not_equal,
}
CMPF_PREDICATES = (
    *("false", "oeq", "ogt", "oge", "olt", "ole", "one", "ord"),
    *("ueq", "ugt", "uge", "ult", "ule", "une", "uno", "true"),
)
_CMPI_PREDICATES = ("eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge")


def _unsigned(values: Array) -> Array:
    if values.dtype == np.bool_ or not np.issubdtype(values.dtype, np.signedinteger):
        return values
    return values.view(np.dtype(f"uint{values.dtype.itemsize * 8}"))


def _cmpf(predicate: str, lhs: Array, rhs: Array) -> Array:
    if predicate in ("false", "true"):
        return np.full(np.broadcast_shapes(lhs.shape, rhs.shape), predicate == "true")
    unordered = np.isnan(lhs) | np.isnan(rhs)
    if predicate == "ord":
        return ~unordered
    if predicate == "uno":
        return unordered
    compared = _RELATIONS[predicate[1:]](lhs, rhs)
    return compared & ~unordered if predicate[0] == "o" else compared | unordered


def _cmpi(predicate: str, lhs: Array, rhs: Array) -> Array:
    if predicate.startswith("u"):
        lhs, rhs = _unsigned(lhs), _unsigned(rhs)
    relation = predicate if predicate in ("eq", "ne") else predicate[1:]
    return _RELATIONS[relation](lhs, rhs)


def constant_value(op: Operation) -> Array:
    """The value of an ``arith.constant`` scalar, in its element type."""
    value = op.properties.get("value")
    if isinstance(value, FloatAttr | IntegerAttr):
        return to_element_type(np.asarray(value.value.data), value.type)
    raise UnsupportedOpError(f"arith.constant of {value} is not a scalar")


################################################################################
# Loop space                                                                   #
################################################################################


def _evaluate_affine(expr: AffineExpr, loop_indices: Sequence[Array]) -> Array:
    if isinstance(expr, AffineDimExpr):
        return loop_indices[expr.position]
    if isinstance(expr, AffineConstantExpr):
        return np.asarray(expr.value, dtype=np.int64)
    if isinstance(expr, AffineBinaryOpExpr):
        lhs = _evaluate_affine(expr.lhs, loop_indices)
        rhs = _evaluate_affine(expr.rhs, loop_indices)
        if expr.kind == AffineBinaryOpKind.Add:
            return lhs + rhs
        if expr.kind == AffineBinaryOpKind.Mul:
            return lhs * rhs
        if expr.kind == AffineBinaryOpKind.FloorDiv:
            return lhs // rhs
        if expr.kind == AffineBinaryOpKind.CeilDiv:
            return -(-lhs // rhs)
        return lhs % rhs
    raise UnsupportedOpError(f"affine expression {expr} uses symbols")


def _loop_indices(loop_extents: Sequence[int]) -> list[Array]:
    """Per loop, its index values as an array broadcasting along that loop's axis."""
    rank = len(loop_extents)
    return [
        np.arange(extent, dtype=np.int64).reshape(
            tuple(extent if axis == loop else 1 for axis in range(rank))
        )
        for loop, extent in enumerate(loop_extents)
    ]


def to_loop_space(array: Array, indexing_map: AffineMap, loop_extents: Sequence[int]) -> Array:
    """``array`` (leading core axis) read through ``indexing_map``: shape (cores, *loops),
    extent 1 on loops the map does not use."""
    rank = len(loop_extents)
    results = indexing_map.results
    positions = [expr.position for expr in results if isinstance(expr, AffineDimExpr)]
    if len(positions) == len(results) and len(set(positions)) == len(positions):
        order = sorted(range(len(positions)), key=lambda dim: positions[dim])
        moved = array.transpose(0, *(1 + dim for dim in order))
        shape = [1] * rank
        for position in positions:
            shape[position] = loop_extents[position]
        return moved.reshape(array.shape[0], *shape)
    loop_indices = _loop_indices(loop_extents)
    tensor_indices = [_evaluate_affine(expr, loop_indices) for expr in results]
    loop_shape = np.broadcast_shapes(*(index.shape for index in tensor_indices), (1,) * rank)
    gathered = array[(slice(None), *(np.broadcast_to(i, loop_shape) for i in tensor_indices))]
    return gathered.reshape(array.shape[0], *loop_shape)


def from_loop_space(
    values: Array, indexing_map: AffineMap, loop_extents: Sequence[int], op_name: str
) -> Array:
    """The output tensor (leading core axis) that ``indexing_map`` writes ``values`` to.

    A result ``0`` is a unit dim no loop indexes (a reduction keeping its reduced dim,
    as torch-mlir writes them)."""
    positions: list[int] = []
    unit_dims: list[int] = []
    for dim, expr in enumerate(indexing_map.results):
        if isinstance(expr, AffineConstantExpr) and expr.value == 0:
            unit_dims.append(1 + dim)
            continue
        if not isinstance(expr, AffineDimExpr) or expr.position in positions:
            raise UnsupportedOpError(
                f"{op_name} writes its output through {indexing_map}, "
                "which is not a projected permutation of its loops"
            )
        positions.append(expr.position)
    full = np.broadcast_to(
        values,
        (
            values.shape[0],
            *(loop_extents[loop] if loop in positions else 1 for loop in range(len(loop_extents))),
        ),
    )
    kept = [1 + loop for loop in range(len(loop_extents)) if loop in positions]
    squeezed = full.reshape(values.shape[0], *(full.shape[axis] for axis in kept))
    ordered_loops = sorted(positions)
    ordered = squeezed.transpose(0, *(1 + ordered_loops.index(position) for position in positions))
    return np.expand_dims(ordered, tuple(unit_dims)) if unit_dims else ordered


def contract(lhs: Array, rhs: Array, reduced: Sequence[int], loop_extents: Sequence[int]) -> Array:
    """Sum over the ``reduced`` loops of ``lhs * rhs``, both in loop space, as one batched
    matrix product; the result is in loop space with extent 1 on the reduced loops."""
    rank = len(loop_extents)
    lhs_used = [lhs.shape[1 + loop] > 1 for loop in range(rank)]
    rhs_used = [rhs.shape[1 + loop] > 1 for loop in range(rank)]
    lhs_alone = tuple(1 + loop for loop in reduced if lhs_used[loop] and not rhs_used[loop])
    rhs_alone = tuple(1 + loop for loop in reduced if rhs_used[loop] and not lhs_used[loop])
    if lhs_alone:
        lhs = lhs.sum(axis=lhs_alone, keepdims=True)
    if rhs_alone:
        rhs = rhs.sum(axis=rhs_alone, keepdims=True)
    unused_extent = prod(
        loop_extents[loop] for loop in reduced if not lhs_used[loop] and not rhs_used[loop]
    )
    kept = [loop for loop in range(rank) if loop not in reduced]
    batch = [loop for loop in kept if lhs_used[loop] and rhs_used[loop]]
    rows = [loop for loop in kept if lhs_used[loop] and not rhs_used[loop]]
    columns = [loop for loop in kept if rhs_used[loop] and not lhs_used[loop]]
    inner = [loop for loop in reduced if lhs_used[loop] and rhs_used[loop]]

    def extent(loops: Sequence[int]) -> int:
        return prod(loop_extents[loop] for loop in loops)

    def as_matrices(array: Array, first: list[int], second: list[int]) -> Array:
        rest = [loop for loop in range(rank) if loop not in (*batch, *first, *second)]
        moved = array.transpose(0, *(1 + loop for loop in (*batch, *first, *second, *rest)))
        return moved.reshape(array.shape[0], extent(batch), extent(first), extent(second))

    lhs_matrices = as_matrices(lhs, rows, inner)
    rhs_matrices = as_matrices(rhs, inner, columns)
    # A stacked matmul calls BLAS once per core's matrices: on a chip's worth of
    # small per-core products it is several times faster than einsum's generic
    # sum-of-products loop.
    product = np.matmul(lhs_matrices, rhs_matrices)
    if unused_extent != 1:
        product = product * unused_extent
    result_loops = [*batch, *rows, *columns]
    unpacked = product.reshape(product.shape[0], *(loop_extents[loop] for loop in result_loops))
    order = sorted(range(len(result_loops)), key=lambda axis: result_loops[axis])
    in_loop_order = unpacked.transpose(0, *(1 + axis for axis in order))
    return in_loop_order.reshape(
        product.shape[0],
        *(loop_extents[loop] if loop in result_loops else 1 for loop in range(rank)),
    )


################################################################################
# Scalar bodies                                                                #
################################################################################


def combining_op(yielded: SSAValue) -> Operation | None:
    """The op that combines a reduction's partial results into ``yielded`` (an add, mul,
    max, min, and, or or xor, seen through casts of its result), or None if ``yielded``
    is not such a combination."""
    owner = yielded.owner
    while isinstance(owner, Operation) and owner.name in CASTS:
        owner = owner.operands[0].owner
    if isinstance(owner, Operation) and owner.name in COMBINERS:
        return owner
    return None


class ScalarBody:
    """The scalar body of one structured op, evaluated once on loop-space arrays."""

    def __init__(
        self,
        op: Operation,
        block: Block,
        arguments: Sequence[Array],
        loop_extents: Sequence[int],
        half_in_single: bool,
        loop_offsets: Array | None,
    ):
        self.op = op
        self.loop_extents = tuple(loop_extents)
        self.half_in_single = half_in_single
        self.loop_offsets = loop_offsets
        self.values: dict[SSAValue, Array] = dict(zip(block.args, arguments, strict=True))
        self.output_arguments = frozenset(block.args[len(block.args) - self._output_count() :])

    def _output_count(self) -> int:
        return len(getattr(self.op, "outputs", ())) or 1

    def depends_on_outputs(self, value: SSAValue) -> bool:
        if value in self.output_arguments:
            return True
        owner = value.owner
        if isinstance(owner, Block):
            return False
        return any(self.depends_on_outputs(operand) for operand in owner.operands)

    def value(self, value: SSAValue) -> Array:
        if value not in self.values:
            owner = value.owner
            assert isinstance(owner, Operation), "block arguments are bound up front"
            self.values[value] = self._run(owner)
        return self.values[value]

    def _run(self, op: Operation) -> Array:
        name = op.name
        result_type = op.results[0].type
        if name == "arith.constant":
            return constant_value(op).reshape((1,) * (1 + len(self.loop_extents)))
        if name == "linalg.index":
            dim = op.properties["dim"]
            assert isinstance(dim, IntegerAttr)
            loop = dim.value.data
            index = _loop_indices(self.loop_extents)[loop]
            index = index.reshape(1, *index.shape)
            if self.loop_offsets is None:
                return index
            offsets = self.loop_offsets[:, loop]
            return index + offsets.reshape(-1, *(1,) * len(self.loop_extents))
        # numpy computes half-precision ops in single precision element by element;
        # converting whole arrays first gives the same roundings, many times faster.
        operands = [
            value.astype(np.float32) if value.dtype == np.float16 else value
            for value in (self.value(operand) for operand in op.operands)
        ]
        if name in UNARY:
            computed = UNARY[name](operands[0])
        elif name in _BINARY:
            computed = _BINARY[name](operands[0], operands[1])
        elif name in CASTS:
            computed = operands[0]
        elif name in UNSIGNED_CASTS:
            computed = _unsigned(operands[0])
        elif name in ("arith.divui", "arith.remui", "arith.maxui", "arith.minui", "arith.shrui"):
            unsigned = {
                "arith.divui": np.floor_divide,
                "arith.remui": np.remainder,
                "arith.maxui": np.maximum,
                "arith.minui": np.minimum,
                "arith.shrui": np.right_shift,
            }[name]
            computed = unsigned(_unsigned(operands[0]), _unsigned(operands[1]))
            computed = computed.view(operands[0].dtype) if computed.dtype != np.bool_ else computed
        elif name == "arith.select":
            computed = np.where(operands[0], operands[1], operands[2])
        elif name == "math.fma":
            computed = operands[0] * operands[1] + operands[2]
        elif name in ("arith.cmpf", "arith.cmpi"):
            predicate = op.properties["predicate"]
            assert isinstance(predicate, IntegerAttr)
            if name == "arith.cmpf":
                computed = _cmpf(CMPF_PREDICATES[predicate.value.data], *operands)
            else:
                computed = _cmpi(_CMPI_PREDICATES[predicate.value.data], *operands)
        else:
            raise UnsupportedOpError(f"{name} in the body of {self.op.name} has no numpy semantics")
        return to_element_type(computed, result_type, half_in_single=self.half_in_single)

    def output(self, yielded: SSAValue, output_argument: BlockArgument, reduced: Sequence[int]):
        """The new value of one output, in loop space (extent 1 on the ``reduced`` loops)."""
        if not reduced:
            return self.value(yielded)
        result_type = yielded.type
        owner = combining_op(yielded)
        if owner is None:
            raise UnsupportedOpError(
                f"{self.op.name} reduces loops {list(reduced)} but its body does not yield "
                "combine(out, f(inputs)) with an add, mul, max, min, and, or or xor"
            )
        accumulated, contribution = owner.operands
        if self.depends_on_outputs(contribution):
            accumulated, contribution = contribution, accumulated
        if self.depends_on_outputs(contribution) or not self._is_cast_of(
            accumulated, output_argument
        ):
            raise UnsupportedOpError(
                f"{self.op.name} reduces loops {list(reduced)} but its body combines "
                "values other than the accumulated output and a function of the inputs"
            )
        accumulator = accumulator_dtype(contribution.type)
        product = contribution.owner
        if owner.name in ("arith.addf", "arith.addi") and (
            isinstance(product, Operation) and product.name in ("arith.mulf", "arith.muli")
        ):
            summing = _contraction_dtype(contribution.type)
            lhs, rhs = (
                self.value(operand).astype(summing, copy=False) for operand in product.operands
            )
            total = contract(lhs, rhs, reduced, self.loop_extents).astype(accumulator, copy=False)
        else:
            terms = self.value(contribution).astype(accumulator, copy=False)
            full = np.broadcast_to(
                terms,
                tuple(
                    self.loop_extents[axis - 1] if axis - 1 in reduced else size
                    for axis, size in enumerate(terms.shape)
                ),
            )
            reduce_over = _as_unsigned(full) if owner.name in _UNSIGNED_COMBINERS else full
            total = (
                COMBINERS[owner.name]
                .reduce(reduce_over, axis=tuple(1 + loop for loop in reduced), keepdims=True)
                .view(full.dtype)
            )
        initial = self.value(accumulated).astype(accumulator, copy=False)
        if owner.name in _UNSIGNED_COMBINERS:
            unsigned = COMBINERS[owner.name](_as_unsigned(initial), _as_unsigned(total))
            combined = unsigned.view(initial.dtype)
        else:
            combined = COMBINERS[owner.name](initial, total)
        return to_element_type(combined, result_type, half_in_single=self.half_in_single)

    @staticmethod
    def _is_cast_of(value: SSAValue, argument: BlockArgument) -> bool:
        while value is not argument:
            owner = value.owner
            if not isinstance(owner, Operation) or owner.name not in CASTS | UNSIGNED_CASTS:
                return False
            value = owner.operands[0]
        return True


def _reduce_in_order(
    op: Operation,
    block: Block,
    loop_space: Sequence[Array],
    num_outputs: int,
    reduced_per_output: Sequence[Sequence[int]],
    loop_extents: Sequence[int],
    half_in_single: bool,
    loop_offsets: Array | None,
) -> list[Array]:
    """
    The outputs, in loop space, of an op whose body does not combine each output
    with a function of the inputs alone (an arg-max's index follows its max): the
    body runs once per point of the reduced loops, in order, on every parallel
    position at once, each run reading the outputs the previous one yielded.
    """
    reduced = list(reduced_per_output[0])
    if any(list(loops) != reduced for loops in reduced_per_output):
        raise UnsupportedOpError(
            f"{op.name} reduces different loops into different outputs and its body does "
            "not combine them independently"
        )
    rank = len(loop_extents)
    step_extents = [1 if loop in reduced else extent for loop, extent in enumerate(loop_extents)]
    first_output = len(loop_space) - num_outputs
    outputs = list(loop_space[first_output:])
    base = np.zeros((1, rank), dtype=np.int64) if loop_offsets is None else loop_offsets
    terminator = block.last_op
    assert terminator is not None
    for point in itertools.product(*(range(loop_extents[loop]) for loop in reduced)):
        position = dict(zip(reduced, point, strict=True))
        offsets = base.copy()
        for loop, at in position.items():
            offsets[:, loop] += at
        inputs = [
            array[
                (
                    slice(None),
                    *(
                        slice(position[loop], position[loop] + 1)
                        if loop in position and array.shape[1 + loop] > 1
                        else slice(None)
                        for loop in range(rank)
                    ),
                )
            ]
            for array in loop_space[:first_output]
        ]
        body = ScalarBody(op, block, [*inputs, *outputs], step_extents, half_in_single, offsets)
        yielded = [body.value(value) for value in terminator.operands]
        outputs = [
            to_element_type(
                np.broadcast_to(value, np.broadcast_shapes(value.shape, old.shape)),
                element_type_of(block.args[first_output + index]),
                half_in_single=half_in_single,
            )
            for index, (value, old) in enumerate(zip(yielded, outputs, strict=True))
        ]
    return outputs


def _run_structured(
    op: Operation,
    maps: Sequence[AffineMap],
    block: Block,
    operands: Sequence[Array],
    num_outputs: int,
    loop_extents: Sequence[int],
    half_in_single: bool,
    loop_offsets: Array | None,
) -> list[Array]:
    loop_space = [
        to_loop_space(operand, indexing_map, loop_extents)
        for operand, indexing_map in zip(operands, maps, strict=True)
    ]
    terminator = block.last_op
    assert terminator is not None
    first_output = len(operands) - num_outputs
    reduced_per_output = [
        [
            loop
            for loop in range(len(loop_extents))
            if loop not in maps[first_output + index].used_dims()
        ]
        for index in range(num_outputs)
    ]
    sequential = None
    if any(reduced_per_output) and not all(
        combiner_of(op, index) is not None for index in range(num_outputs)
    ):
        sequential = _reduce_in_order(
            op,
            block,
            loop_space,
            num_outputs,
            reduced_per_output,
            loop_extents,
            half_in_single,
            loop_offsets,
        )
    body = ScalarBody(op, block, loop_space, loop_extents, half_in_single, loop_offsets)
    results: list[Array] = []
    for index, yielded in enumerate(terminator.operands):
        output_map = maps[first_output + index]
        argument = block.args[first_output + index]
        values = (
            sequential[index]
            if sequential is not None
            else body.output(yielded, argument, reduced_per_output[index])
        )
        output = from_loop_space(values, output_map, loop_extents, op.name)
        element_type = element_type_of(op.operands[first_output + index])
        held = numpy_dtype(element_type, half_in_single=half_in_single)
        if yielded.type != element_type or output.dtype != held:
            output = to_element_type(output, element_type, half_in_single=half_in_single)
        results.append(output)
    return results


################################################################################
# Ops                                                                          #
################################################################################


def _softmax(
    op: linalg_ext.SoftmaxOp, operands: Sequence[Array], half_in_single: bool
) -> list[Array]:
    element_type = element_type_of(op.output)
    values = operands[0].astype(accumulator_dtype(element_type))
    axis = 1 + op.dimension.value.data
    shifted = np.exp(values - values.max(axis=axis, keepdims=True))
    return [
        to_element_type(
            shifted / shifted.sum(axis=axis, keepdims=True),
            element_type,
            half_in_single=half_in_single,
        )
    ]


def static_loop_extents(
    op: Operation, maps: Sequence[AffineMap], shapes: Sequence[Sequence[int]]
) -> tuple[int, ...]:
    """Loop extents read off the operand ``shapes``: each loop bounded by a tensor
    dimension it indexes alone (for a window ``h + kh``, the window operand's)."""
    extents: list[int | None] = [None] * maps[0].num_dims
    for shape, indexing_map in zip(shapes, maps, strict=True):
        for size, expr in zip(shape, indexing_map.results, strict=False):
            if isinstance(expr, AffineDimExpr) and extents[expr.position] is None:
                extents[expr.position] = size
    if any(extent is None for extent in extents):
        raise UnsupportedOpError(f"{op.name} has a loop no operand dimension bounds")
    return tuple(extent for extent in extents if extent is not None)


def structure_of(op: Operation) -> tuple[list[AffineMap], Block, int]:
    """The indexing maps, scalar body and output count of a structured op."""
    if isinstance(op, xdsl_linalg.BroadcastOp):
        rank = len(_shape_of(op.init))
        dimensions = set(op.dimensions.get_values())
        kept = [AffineDimExpr(loop) for loop in range(rank) if loop not in dimensions]
        return (
            [AffineMap(rank, 0, tuple(kept)), AffineMap.identity(rank)],
            op.hidden_region.block,
            1,
        )
    if isinstance(op, LinalgStructuredOperation | linalg_ext.MapOp):
        maps = [attr.data for attr in op.get_indexing_maps()]
        if isinstance(op, xdsl_linalg.PoolingNchwMaxOp):
            # xDSL's hidden body maxes the input with the window operand; upstream's
            # (and this op's meaning) maxes it into the output.
            region = linalg_ext.sliding_window_region(op.inputs, op.outputs, "max")
            return maps, region.block, 1
        return maps, op.regions[0].block, len(op.outputs)
    raise UnsupportedOpError(f"{op.name} has no numpy semantics in the t10 runtime")


def evaluate(
    op: Operation,
    operands: Sequence[Array | float | int],
    *,
    core_axis: bool = True,
    typed_shapes: bool = True,
    half_in_single: bool = False,
    loop_offsets: Array | None = None,
) -> list[Array]:
    """The results of linalg ``op`` on ``operands`` (inputs then outputs), in op order.

    With ``core_axis``, every operand has a leading core axis (extent 1: shared
    by every core) and so do the results. Without ``typed_shapes`` the operands
    may be smaller than the op's types say (a padded step slice cut to its valid
    part) and the loop extents are read off the arrays. With ``half_in_single``
    ``f16`` results are held as ``float32`` (operands may be either). ``loop_offsets``
    (cores, loops) is where each core's part of the iteration space starts, so that
    ``linalg.index`` reads the loop's position in the whole operator, not in the part.
    """
    arrays = [np.asarray(operand) for operand in operands]
    if not core_axis:
        arrays = [array.reshape(1, *array.shape) for array in arrays]
    arrays = [array.reshape(1) if array.ndim == 0 else array for array in arrays]
    for position, (array, value) in enumerate(zip(arrays, op.operands, strict=True)):
        if typed_shapes and array.shape[1:] != _shape_of(value):
            raise ValueError(
                f"operand {position} of {op.name} has shape {list(array.shape[1:])} per core, "
                f"but its type is {value.type}"
            )
    if isinstance(op, linalg_ext.SoftmaxOp):
        results = _softmax(op, arrays, half_in_single)
    else:
        maps, block, num_outputs = structure_of(op)
        results = _run_structured(
            op,
            maps,
            block,
            arrays,
            num_outputs,
            static_loop_extents(op, maps, [array.shape[1:] for array in arrays]),
            half_in_single,
            loop_offsets,
        )
    cores = max(array.shape[0] for array in arrays)
    results = [
        result if result.shape[0] == cores else np.repeat(result, cores, axis=0)
        for result in results
    ]
    if not core_axis:
        return [result[0] for result in results]
    return results
