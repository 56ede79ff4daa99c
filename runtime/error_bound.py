"""How far a correct run of a model may lie from its numpy reference, element by element.

A compiled program computes the same function as its reference but not the same
floating-point operations: a reduction is cut into per-core chunks and
compute-shift steps, summed in another order, and its running partial sums are
rounded to the output's element type between steps. No fixed (rtol, atol) per
element type fits that: an f32 matmul of N(0, 1) values over 256 terms has
outputs near zero whose summation-order error exceeds any sensible ``atol``,
while an f16 matmul over 8192 terms differs by more than 0.1 on outputs of 90.
:func:`reference_with_bounds` therefore runs the reference and carries, beside
every value ``v`` it computes, a forward error analysis of it (float64, per
element): how far the exact result of the function on the given inputs may lie
from the result of any correct implementation. Two correct runs lie within twice
that of each other: :attr:`Expected.bound`, which :func:`compare` applies.

The rounding model
==================

``u`` is the unit roundoff of a type (half its epsilon): f16 2^-11, bf16 2^-8,
f32 2^-24, f64 2^-53; integer arithmetic is exact (``u = 0``). A correct
implementation computes every scalar op of a body in, and rounds it to, its
result type (``fl(x) = x (1 + d)``, ``|d| <= u``; transcendental functions within
:data:`TRANSCENDENTAL_ULPS` units of the accumulator type); it accumulates
reductions in :func:`~t10.semantics.linalg_numpy.accumulator_dtype` (f16 and bf16
in f32), in any order and blocking; and it rounds a running partial sum to the
output type at most ``reduction_steps`` times along any chain of additions (a
compute-shift schedule rounds once per compute step; partial sums of different
cores are combined before one final rounding). Inputs are exact: both runs read
the same rounded arrays.

Two bounds per value
====================

- ``worst``: Wilkinson-style worst case, valid for any rounding errors. It
  compounds fast: through a few layers it exceeds the values themselves, since
  it adds the errors of the K terms of every reduction as if they all had the
  same sign.
- ``scale``: the probabilistic model of Higham and Mary ("A new approach to
  probabilistic rounding error analysis", SIAM J. Sci. Comput. 2019): the
  rounding errors ``d`` are independent, of mean zero and bounded by ``u``. The
  error of a value is then, to first order, a sum ``sum_j c_j d_j`` over every
  rounding that led to it, and Hoeffding's inequality gives
  ``P(|error| > LAMBDA * scale) <= 2 exp(-LAMBDA^2 / 2)`` with ``scale`` the
  2-norm of the ``c_j u |x_j|``. A new rounding is independent of everything
  before it, so it adds in quadrature; the errors of different terms of a
  reduction are taken as independent too (distinct elements come from distinct
  roundings), so they add in quadrature, while the operands of one elementwise
  op may share their errors and add by the triangle inequality.

The bound applied is ``likely = min(worst, LAMBDA * scale)`` with
:data:`LAMBDA` = 8: a correct program exceeds it at an element with probability
below 3e-14 under the model (about 1e-7 over ten million checked elements).

Propagation
===========

Values are read at the reference's result ``v``; ``m = |v| + e`` bounds the
exact magnitude. For each op, from its operands' errors:

- ``a + b``: ``e_a + e_b``; ``a * b``: ``m_a e_b + |b| e_a``; ``a / b``:
  ``(e_a + |a/b| e_b) / (|b| - e_b)``, unbounded once ``e_b >= |b|``; ``max``,
  ``min``: the chosen operand's error, or ``e_a + e_b`` where the two are closer
  than their errors (``max(e_a, e_b)`` in the worst case); negation, absolute
  value and casts that widen keep ``e``.
- A unary function: in the worst case the larger of ``|f(v +- e) - f(v)|``
  (exact for the monotonic ones; ``sin``, ``cos`` are 1-Lipschitz, ``tan`` is
  unbounded across a pole, ``cosh`` has its valley at 0); the scale times the
  function's largest slope over ``v +- likely`` (the secant to the farther end for
  convex or concave pieces, at least the slope at the point nearest 0 for
  ``tanh``, ``erf``, ``atan``, ``asinh``). Leaving the domain (``log`` of an
  interval reaching 0) makes it unbounded.
- A comparison whose operands are closer than their errors may flip; a
  ``select`` on it may then move by ``|t - f|`` more (a ReLU's kink, a mask);
  ``floor``/``ceil``/``round``/``fptosi`` of an inexact value by ``e + 1``.
- Every float op adds its own rounding ``k u (|v| + e)``: ``k = 1`` for ``+ - * /``,
  ``sqrt``, ``fma`` and casts, 2 for ``rsqrt`` (a root and a reciprocal), 0 for
  exact ops (``max``, ``abs``, negation, ``select``, rounding to integers),
  ``u + TRANSCENDENTAL_ULPS u_acc`` for ``exp``, ``tanh``, ... (``math.erf`` also
  the absolute error of the reference's own erf, :data:`ERF_APPROXIMATION`,
  since another implementation may be exact).

A reduction ``init (+) sum_k t_k`` over ``K`` terms, with ``M = m_init + sum_k m_{t_k}``
(which bounds every partial sum, whatever the order: cancellation does not
shrink it), rounds

- in the accumulator: worst ``gamma_{K+2}(u_acc) M`` (Wilkinson, ``gamma_n = n u /
  (1 - n u)``: ``K`` additions, the init, the products' own rounding), scale
  ``sqrt(K + 2) u_acc M`` (Higham and Mary's ``sqrt(n) u`` bound);
- to the output type: the final rounding ``u_out (|v| + e)`` and ``R - 1`` earlier
  roundings of partial sums, each at most ``u_out M`` (``R = reduction_steps``:
  chunks summed on different cores are each rounded once and together stay
  within ``u_out M``, so ``R`` counts sequential steps, not cores);

and propagates its terms' errors: summed (worst) or in quadrature (scale); for a
contraction ``t = p q`` as two contractions of magnitudes like the op itself,
never materialised over the iteration space. Max and min reductions propagate
the largest error, integer ones are exact. ``linalg.softmax`` along ``N``:
``y_i (exp(e_i + max_j e_j) - 1)`` in the worst case, scale
``y_i (s_i + sqrt(sum_j y_j^2 s_j^2))`` (to first order) times the slope of
``exp`` over the likely interval, plus ``((N + 6) u_acc + u_out) y_i`` for
computing it in the accumulator type and rounding once. Data movement
(reshapes, slices, pads, fills, transposes, broadcasts) moves errors with the
values.

What it catches: a wrong block or a missed compute step moves an output by a
sizeable share of its terms' magnitudes, while the likely bound is a few
``sqrt(K) u`` of them (f32 and f64) or ``R u_out`` (f16 and bf16 with
``R`` steps), so such faults show as mismatches unless they cancel exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from math import prod

import numpy as np
from xdsl.dialects import func, tensor
from xdsl.dialects.builtin import (
    AnyFloat,
    BFloat16Type,
    Float16Type,
    Float32Type,
    Float64Type,
    IndexType,
    IntegerAttr,
    IntegerType,
    TensorType,
)
from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineMap

from t10.dialects import linalg_ext
from t10.runtime.reference import bind_inputs, execute_ops
from t10.semantics.linalg_numpy import (
    CASTS,
    CMPF_PREDICATES,
    UNARY,
    UNSIGNED_CASTS,
    Array,
    ScalarBody,
    UnsupportedOpError,
    accumulator_dtype,
    combining_op,
    contract,
    element_type_of,
    from_loop_space,
    static_loop_extents,
    structure_of,
    to_loop_space,
)

LAMBDA = 8.0
"""How many scales the probabilistic bound allows: Hoeffding's tail
``2 exp(-LAMBDA^2 / 2)`` is 2.5e-14 per element."""

TRANSCENDENTAL_ULPS = 4
"""Units of roundoff (of the accumulator type) an implementation of ``exp``, ``log``,
``tanh``, ... may be off by: they are not correctly rounded (vectorised libm
implementations document 1 to 4 ulp)."""

ERF_APPROXIMATION = 1.5e-7
"""Absolute error of the reference's ``erf`` (Abramowitz & Stegun 7.1.26)."""


def unit_roundoff(element_type: Attribute) -> float:
    """Half the machine epsilon of a float type; 0 for integers, whose arithmetic is exact."""
    if isinstance(element_type, Float16Type):
        return 2.0**-11
    if isinstance(element_type, BFloat16Type):
        return 2.0**-8
    if isinstance(element_type, Float32Type):
        return 2.0**-24
    if isinstance(element_type, Float64Type):
        return 2.0**-53
    if isinstance(element_type, AnyFloat):
        raise UnsupportedOpError(f"no unit roundoff for element type {element_type}")
    return 0.0


def _accumulator_roundoff(element_type: Attribute) -> float:
    dtype = accumulator_dtype(element_type)
    return {np.dtype(np.float32): 2.0**-24, np.dtype(np.float64): 2.0**-53}.get(dtype, 0.0)


def _gamma(terms: int, roundoff: float) -> float:
    """Higham's ``gamma_n = n u / (1 - n u)``, infinite once ``n u >= 1``."""
    scaled = terms * roundoff
    return scaled / (1.0 - scaled) if scaled < 1.0 else np.inf


def _times(magnitude: Array | float, error: Array) -> Array:
    """``magnitude * error``, 0 where either is 0: an exact operand adds no error to an
    infinite value, nor an unbounded one to a product with an exact 0."""
    with np.errstate(invalid="ignore", over="ignore"):
        return np.where((error == 0) | (np.equal(magnitude, 0)), 0.0, np.multiply(magnitude, error))


def _unbounded_if_nan(error: Array) -> Array:
    """NaN (from infinities met in the arithmetic of a bound) as unbounded."""
    return np.where(np.isnan(error), np.inf, error)


@dataclass(frozen=True)
class Error:
    """The error bounds of one value, per element (float64 arrays broadcasting to it)."""

    worst: Array
    """Bounds the error for any rounding errors."""
    scale: Array
    """Bounds it by ``LAMBDA * scale`` but with probability ``2 exp(-LAMBDA^2 / 2)``."""

    @staticmethod
    def exact(shape: Sequence[int] = ()) -> Error:
        zeros = np.broadcast_to(np.zeros(()), tuple(shape))
        return Error(zeros, zeros)

    @property
    def likely(self) -> Array:
        """The bound applied: the smaller of the two."""
        return np.minimum(self.worst, LAMBDA * self.scale)

    def any(self) -> bool:
        return bool(self.worst.any())

    def rounded(self, rounding: Array) -> Error:
        """With one more rounding, bounded by ``rounding``, independent of the others."""
        return Error(self.worst + rounding, np.hypot(self.scale, rounding))

    def checked(self) -> Error:
        return Error(_unbounded_if_nan(self.worst), _unbounded_if_nan(self.scale))

    def apply(self, function: Callable[[Array], Array]) -> Error:
        """Both bounds moved by the data movement ``function``."""
        return Error(function(self.worst), function(self.scale))


################################################################################
# Scalar ops                                                                   #
################################################################################

_MONOTONIC: dict[str, Callable[[Array], Array]] = {
    name: UNARY[name]
    for name in (
        "math.exp",
        "math.exp2",
        "math.expm1",
        "math.log",
        "math.log2",
        "math.log10",
        "math.log1p",
        "math.sqrt",
        "math.rsqrt",
        "math.cbrt",
        "math.tanh",
        "math.erf",
        "math.sinh",
        "math.asin",
        "math.acos",
        "math.atan",
        "math.asinh",
        "math.acosh",
        "math.atanh",
    )
}
"""Unary functions monotonic over their domain: the ends of an interval bound its image."""

_SLOPE_AT_ZERO_SIDE: dict[str, Callable[[Array], Array]] = {
    "math.tanh": lambda x: 1.0 - np.tanh(x) ** 2,
    "math.erf": lambda x: 2.0 / np.sqrt(np.pi) * np.exp(-x * x),
    "math.atan": lambda x: 1.0 / (1.0 + x * x),
    "math.asinh": lambda x: 1.0 / np.sqrt(1.0 + x * x),
    "math.cbrt": lambda x: np.abs(x) ** (-2.0 / 3.0) / 3.0,
}
"""Derivatives of the functions steepest where nearest to 0 (no convex or concave
piece there): their secants may fall below their slope."""

_TRANSCENDENTAL = frozenset(
    {*_MONOTONIC, "math.sin", "math.cos", "math.tan", "math.cosh", "math.powf", "math.atan2"}
    | {"math.fpowi"}
) - {"math.sqrt", "math.rsqrt"}

_MAX_MIN = frozenset(
    {
        "arith.maximumf",
        "arith.minimumf",
        "arith.maxnumf",
        "arith.minnumf",
        "arith.maxsi",
        "arith.minsi",
        "arith.maxui",
        "arith.minui",
    }
)

_EXACT = _MAX_MIN | {
    "arith.negf",
    "math.absf",
    "math.absi",
    "arith.select",
    "math.copysign",
    "math.ceil",
    "math.floor",
    "math.round",
    "math.roundeven",
    "math.trunc",
    "arith.extf",
}
"""Float ops whose result is exactly representable: they add no rounding of their own."""

_STEPS = frozenset(
    {"math.ceil", "math.floor", "math.round", "math.roundeven", "math.trunc"}
    | {"arith.fptosi", "arith.fptoui"}
)
"""Ops onto the integers: an inexact operand may move them by its error plus one."""

_FLIP_FREE_PREDICATES = frozenset({"false", "true", "ord", "uno"})
"""``arith.cmpf`` predicates that no small error flips."""


def _is_flag(value: SSAValue) -> bool:
    value_type = value.type
    return isinstance(value_type, IntegerType) and value_type.width.data == 1


class _BodyErrors:
    """Errors of a structured op's body values, in loop space beside ``ScalarBody``'s values
    (the reference's). An ``i1`` value's error is a flag: 1 where it may flip (worst)
    or likely may (scale)."""

    def __init__(self, body: ScalarBody, argument_errors: Mapping[SSAValue, Error]):
        self.body = body
        self.errors: dict[SSAValue, Error] = dict(argument_errors)
        self.arguments = tuple(argument_errors)
        self.centers: dict[SSAValue, Array] = {}

    def center(self, value: SSAValue) -> Array:
        if value not in self.centers:
            self.centers[value] = self.body.value(value).astype(np.float64)
        return self.centers[value]

    def error(self, value: SSAValue) -> Error:
        if value not in self.errors:
            owner = value.owner
            assert isinstance(owner, Operation), "block arguments are bound up front"
            self.errors[value] = self._rule(owner).checked()
        return self.errors[value]

    def _rule(self, op: Operation) -> Error:
        name = op.name
        if name in ("arith.constant", "linalg.index"):
            return Error.exact((1,) * (1 + len(self.body.loop_extents)))
        propagated = self._propagated(op).checked()
        result_type = op.results[0].type
        roundoff = unit_roundoff(result_type)
        if not roundoff or name in _EXACT:
            return propagated
        if name in _TRANSCENDENTAL:
            roundoff += TRANSCENDENTAL_ULPS * _accumulator_roundoff(result_type)
        if name == "math.rsqrt":
            roundoff *= 2
        magnitude = np.abs(self.center(op.results[0])) + propagated.likely
        rounding = _times(magnitude, np.asarray(roundoff))
        if name == "math.erf":
            rounding = rounding + ERF_APPROXIMATION
        return propagated.rounded(rounding)

    def _propagated(self, op: Operation) -> Error:
        """The result's error due to its operands' errors, before its own rounding."""
        name = op.name
        operands = op.operands
        errors = [self.error(operand) for operand in operands]
        if name in _STEPS:
            (error,) = errors
            return Error(
                np.where(error.worst > 0, error.worst + 1.0, 0.0),
                np.where(error.scale > 0, error.scale + 1.0 / LAMBDA, 0.0),
            )
        if name in CASTS | UNSIGNED_CASTS or name in ("arith.negf", "math.absf", "math.absi"):
            return errors[0]
        if name in _MONOTONIC or name in ("math.tan", "math.cosh", "math.sin", "math.cos"):
            return self._unary(name, operands[0], errors[0])
        if name in ("math.isnan", "math.isinf", "math.isfinite"):
            return Error.exact()
        if name in ("arith.addf", "arith.subf", "arith.addi", "arith.subi"):
            return Error(errors[0].worst + errors[1].worst, errors[0].scale + errors[1].scale)
        if name in ("arith.mulf", "arith.muli", "math.fma"):
            product = self._product(operands[0], operands[1], errors[0], errors[1])
            if name == "math.fma":
                return Error(product.worst + errors[2].worst, product.scale + errors[2].scale)
            return product
        if name in ("arith.divf", "arith.divsi", "arith.divui"):
            return self._quotient(op, errors)
        if name in ("arith.remf", "arith.remsi", "arith.remui"):
            # A remainder lies strictly between -|b| and |b|, and jumps where a / b
            # crosses an integer.
            inexact = errors[0].any() or errors[1].any()
            reach = 2 * (np.abs(self.center(operands[1])) + errors[1].worst)
            return Error(reach, reach / LAMBDA) if inexact else Error.exact()
        if name in _MAX_MIN:
            return self._extremum(op, errors)
        if name == "math.copysign":
            return self._copysign(operands, errors)
        if name in ("math.powf", "math.atan2"):
            return self._binary_function(op, errors)
        if name == "math.fpowi":
            return self._integer_power(op, errors[0])
        if name == "math.ipowi":
            return self._unbounded_if_inexact(errors)
        if name in ("arith.cmpf", "arith.cmpi"):
            return self._comparison(op, errors)
        if name == "arith.select":
            return self._select(op, errors)
        if name in ("arith.andi", "arith.ori", "arith.xori"):
            if _is_flag(op.results[0]):
                return Error(
                    np.maximum(errors[0].worst, errors[1].worst),
                    np.maximum(errors[0].scale, errors[1].scale),
                )
            return self._unbounded_if_inexact(errors)
        if name in ("arith.shli", "arith.shrsi", "arith.shrui"):
            return self._unbounded_if_inexact(errors)
        raise UnsupportedOpError(
            f"{name} in the body of {self.body.op.name} has no error bound in the t10 runtime"
        )

    @staticmethod
    def _unbounded_if_inexact(errors: Sequence[Error]) -> Error:
        inexact = np.maximum(errors[0].worst, errors[1].worst) > 0
        unbounded = np.where(inexact, np.inf, 0.0)
        return Error(unbounded, unbounded)

    def _product(self, lhs: SSAValue, rhs: SSAValue, lhs_error: Error, rhs_error: Error) -> Error:
        lhs_center, rhs_magnitude = np.abs(self.center(lhs)), np.abs(self.center(rhs))
        return Error(
            _times(lhs_center + lhs_error.worst, rhs_error.worst)
            + _times(rhs_magnitude, lhs_error.worst),
            _times(lhs_center + lhs_error.likely, rhs_error.scale)
            + _times(rhs_magnitude, lhs_error.scale),
        )

    def _unary(self, name: str, operand: SSAValue, error: Error) -> Error:
        center = self.center(operand)
        if not error.any():
            return Error.exact()
        likely = error.likely
        with np.errstate(all="ignore"):
            worst = self._reach(name, center, error.worst)
            if name in ("math.sin", "math.cos"):
                slope = np.ones_like(center)
            else:
                reach = self._reach(name, center, likely)
                slope = np.where(likely > 0, reach / likely, 0.0)
            if name in _SLOPE_AT_ZERO_SIDE:
                nearest = np.clip(0.0, center - likely, center + likely)
                slope = np.maximum(slope, _SLOPE_AT_ZERO_SIDE[name](nearest))
            scale = _times(_unbounded_if_nan(slope), error.scale)
        return Error(np.where(error.worst > 0, _unbounded_if_nan(worst), 0.0), scale)

    @staticmethod
    def _reach(name: str, center: Array, radius: Array) -> Array:
        """The farthest ``f`` moves from ``f(center)`` over ``center +- radius``."""
        if name in ("math.sin", "math.cos"):
            return np.minimum(radius, 2.0)
        if name == "math.cosh":
            # Convex with its valley at 0: the farthest point is an end or 0.
            at = np.cosh(center)
            valley = np.where(np.abs(center) <= radius, at - 1.0, 0.0)
            ends = np.maximum(
                np.abs(np.cosh(center + radius) - at), np.abs(np.cosh(center - radius) - at)
            )
            return np.maximum(ends, valley)
        if name == "math.tan":
            # Monotonic between its poles at (n + 1/2) pi.
            low, high = (np.floor((center + sign * radius) / np.pi - 0.5) for sign in (-1, 1))
            at = np.tan(center)
            ends = np.maximum(
                np.abs(np.tan(center + radius) - at), np.abs(np.tan(center - radius) - at)
            )
            return np.where(low == high, ends, np.inf)
        function = _MONOTONIC[name]
        at = function(center)
        return np.maximum(
            np.abs(function(center + radius) - at), np.abs(function(center - radius) - at)
        )

    def _quotient(self, op: Operation, errors: Sequence[Error]) -> Error:
        dividend_error, divisor_error = errors
        if not (dividend_error.any() or divisor_error.any()):
            return Error.exact()
        quotient = np.abs(self.center(op.results[0]))
        divisor = np.abs(self.center(op.operands[1]))

        def moved(dividend: Array, divisor_bound: Array, margin: Array) -> Array:
            with np.errstate(divide="ignore", invalid="ignore"):
                bound = (dividend + _times(quotient, divisor_bound)) / margin
            return np.where(margin > 0, bound, np.inf)

        worst = moved(dividend_error.worst, divisor_error.worst, divisor - divisor_error.worst)
        scale = moved(dividend_error.scale, divisor_error.scale, divisor - divisor_error.likely)
        if op.name != "arith.divf":
            # Integer division truncates: an inexact quotient may cross an integer.
            worst, scale = worst + 1.0, scale + 1.0 / LAMBDA
        inexact = (dividend_error.worst > 0) | (divisor_error.worst > 0)
        return Error(np.where(inexact, worst, 0.0), np.where(inexact, scale, 0.0))

    def _extremum(self, op: Operation, errors: Sequence[Error]) -> Error:
        lhs, rhs = (self.center(operand) for operand in op.operands)
        lhs_error, rhs_error = errors
        # Where the operands are closer than their errors either may be chosen.
        close = np.abs(lhs - rhs) <= lhs_error.likely + rhs_error.likely
        chosen_scale = np.where(self.center(op.results[0]) == lhs, lhs_error.scale, rhs_error.scale)
        return Error(
            np.maximum(lhs_error.worst, rhs_error.worst),
            np.where(close, lhs_error.scale + rhs_error.scale, chosen_scale),
        )

    def _copysign(self, operands: Sequence[SSAValue], errors: Sequence[Error]) -> Error:
        magnitude, sign = errors
        size = np.abs(self.center(operands[0]))
        sign_center = np.abs(self.center(operands[1]))
        may_flip = (sign.worst > 0) & (sign_center <= sign.worst)
        likely_flips = (sign.scale > 0) & (sign_center <= sign.likely)
        return Error(
            magnitude.worst + np.where(may_flip, 2 * (size + magnitude.worst), 0.0),
            magnitude.scale + np.where(likely_flips, 2 * (size + magnitude.likely) / LAMBDA, 0.0),
        )

    def _integer_power(self, op: Operation, base_error: Error) -> Error:
        """``x ** n`` for an exact integer ``n``: by the binomial expansion,
        ``|(x + d) ** n - x ** n| <= (|x| + |d|) ** n - |x| ** n`` for ``n >= 0``; for
        ``n < 0`` the change is largest towards 0, and unbounded once ``|d|`` reaches
        ``|x|``."""
        if not base_error.any():
            return Error.exact()
        size = np.abs(self.center(op.operands[0]))
        exponent = self.center(op.operands[1])

        def reach(radius: Array) -> Array:
            with np.errstate(all="ignore"):
                growing = (size + radius) ** exponent - size**exponent
                shrinking = np.where(
                    size > radius, (size - radius) ** exponent - size**exponent, np.inf
                )
            return _unbounded_if_nan(np.where(exponent >= 0, growing, shrinking))

        likely = base_error.likely
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = np.where(likely > 0, reach(likely) / likely, 0.0)
        inexact = base_error.worst > 0
        return Error(
            np.where(inexact, reach(base_error.worst), 0.0),
            np.where(inexact, _times(slope, base_error.scale), 0.0),
        )

    def _binary_function(self, op: Operation, errors: Sequence[Error]) -> Error:
        """``powf`` and ``atan2``: monotonic in each argument on a positive base (pow) or
        within the quadrant (atan2), so the corners of the two intervals bound them;
        the scale through the secant of the likely box."""
        if not (errors[0].any() or errors[1].any()):
            return Error.exact()
        first, second = (self.center(operand) for operand in op.operands)
        function = np.power if op.name == "math.powf" else np.arctan2
        at = function(first, second)

        def reach(first_radius: Array, second_radius: Array) -> Array:
            with np.errstate(all="ignore"):
                corners = [
                    np.abs(function(first + a * first_radius, second + b * second_radius) - at)
                    for a in (-1, 1)
                    for b in (-1, 1)
                ]
                farthest = _unbounded_if_nan(np.maximum.reduce(corners))
            if op.name == "math.powf":
                return np.where(first - first_radius > 0, farthest, np.inf)
            # atan2 jumps by 2 pi across the negative x axis.
            radius = np.hypot(first, second)
            return np.where(radius > first_radius + second_radius, farthest, 2 * np.pi)

        worst = reach(errors[0].worst, errors[1].worst)
        likely = [error.likely for error in errors]
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = reach(*likely) / (likely[0] + likely[1])
        scale = _times(slope, errors[0].scale + errors[1].scale)
        inexact = (errors[0].worst > 0) | (errors[1].worst > 0)
        return Error(np.where(inexact, worst, 0.0), np.where(inexact, scale, 0.0))

    def _comparison(self, op: Operation, errors: Sequence[Error]) -> Error:
        predicate = op.properties["predicate"]
        assert isinstance(predicate, IntegerAttr)
        if op.name == "arith.cmpf" and (
            CMPF_PREDICATES[predicate.value.data] in _FLIP_FREE_PREDICATES
        ):
            return Error.exact()
        distance = np.abs(self.center(op.operands[0]) - self.center(op.operands[1]))

        def flips(lhs: Array, rhs: Array) -> Array:
            moved = lhs + rhs
            return np.where((moved > 0) & (distance <= moved), 1.0, 0.0)

        return Error(
            flips(errors[0].worst, errors[1].worst), flips(errors[0].likely, errors[1].likely)
        )

    def _select(self, op: Operation, errors: Sequence[Error]) -> Error:
        condition, if_true, if_false = op.operands
        flag, true_error, false_error = errors
        taken = self.center(condition) != 0
        with np.errstate(invalid="ignore"):
            gap = np.abs(self.center(if_true) - self.center(if_false))
        return Error(
            np.where(
                flag.worst > 0,
                np.maximum(true_error.worst, false_error.worst) + gap,
                np.where(taken, true_error.worst, false_error.worst),
            ),
            np.where(
                flag.scale > 0,
                np.maximum(true_error.scale, false_error.scale) + gap / LAMBDA,
                np.where(taken, true_error.scale, false_error.scale),
            ),
        )

    def reduced_output(
        self, yielded: SSAValue, result: Array, reduced: Sequence[int], reduction_steps: int
    ) -> Error:
        """The error of one output whose body reduces the ``reduced`` loops, in loop space
        (extent 1 on those loops, as ``result``, the reference's output, is)."""
        owner = combining_op(yielded)
        if owner is None:
            return self._chosen_in_order(reduced)
        accumulated, contribution = owner.operands
        if self.body.depends_on_outputs(contribution):
            accumulated, contribution = contribution, accumulated
        axes = tuple(1 + loop for loop in reduced)
        init = self.error(accumulated)
        if owner.name not in ("arith.addf", "arith.addi", "arith.mulf", "arith.muli"):
            # max, min, and, or, xor: exact, and as far off as their farthest operand.
            terms = self.error(contribution)
            return Error(
                np.maximum(
                    init.worst, self._full(terms.worst, reduced).max(axis=axes, keepdims=True)
                ),
                np.maximum(
                    init.scale, self._full(terms.scale, reduced).max(axis=axes, keepdims=True)
                ),
            )
        absolute, propagated = self._terms(owner.name, contribution, reduced)
        init_size = np.abs(self.center(accumulated))
        # Every partial sum lies within these, whatever the order; the scale's within
        # the likely one.
        magnitude = init_size + init.worst + absolute + propagated.worst
        likely_magnitude = init_size + init.likely + absolute + propagated.likely
        total = Error(init.worst + propagated.worst, init.scale + propagated.scale)
        terms_count = prod(self.body.loop_extents[loop] for loop in reduced) + 2
        accumulator = _accumulator_roundoff(contribution.type)
        output = unit_roundoff(yielded.type)
        final = _times(np.abs(result) + total.likely, np.asarray(output))
        earlier = reduction_steps - 1
        worst = (
            total.worst
            + _times(magnitude, np.asarray(_gamma(terms_count, accumulator) + earlier * output))
            + final
        )
        scale = np.sqrt(
            total.scale**2
            + _times(likely_magnitude, np.asarray(accumulator)) ** 2 * terms_count
            + _times(likely_magnitude, np.asarray(output)) ** 2 * earlier
            + final**2
        )
        return Error(worst, scale).checked()

    def _terms(
        self, combiner: str, contribution: SSAValue, reduced: Sequence[int]
    ) -> tuple[Array, Error]:
        """``sum_k |t_k|`` and the propagated error of ``sum_k t_k`` (or of the product)."""
        axes = tuple(1 + loop for loop in reduced)
        product = contribution.owner
        if combiner in ("arith.addf", "arith.addi") and (
            isinstance(product, Operation) and product.name in ("arith.mulf", "arith.muli")
        ):
            # An infinite bound times a zero value is NaN: unbounded, as checked() reads it.
            lhs, rhs = product.operands
            with np.errstate(invalid="ignore"):
                absolute, propagated = self._contraction(lhs, rhs, reduced)
            return absolute, propagated.checked()
        terms = self.error(contribution)
        sizes = np.abs(self._full(self.center(contribution), reduced))
        if combiner in ("arith.mulf", "arith.muli"):
            magnitudes = sizes + self._full(terms.worst, reduced)
            absolute = sizes.prod(axis=axes, keepdims=True)
            worst = magnitudes.prod(axis=axes, keepdims=True) - absolute
            return absolute, Error(worst, worst / LAMBDA)
        return sizes.sum(axis=axes, keepdims=True), Error(
            self._full(terms.worst, reduced).sum(axis=axes, keepdims=True),
            np.sqrt((self._full(terms.scale, reduced) ** 2).sum(axis=axes, keepdims=True)),
        )

    def _contraction(
        self, lhs: SSAValue, rhs: SSAValue, reduced: Sequence[int]
    ) -> tuple[Array, Error]:
        """``sum_k |p_k q_k|`` and the propagated error of ``sum_k p_k q_k``, each as a
        contraction like the op's own."""
        extents = self.body.loop_extents
        lhs_error, rhs_error = self.error(lhs), self.error(rhs)
        lhs_size, rhs_size = np.abs(self.center(lhs)), np.abs(self.center(rhs))
        absolute = contract(lhs_size, rhs_size, reduced, extents)
        worst = np.zeros_like(absolute)
        squares = np.zeros_like(absolute)
        if rhs_error.any():
            full = np.broadcast_to(rhs_error.worst, rhs_size.shape)
            worst = worst + contract(lhs_size + lhs_error.worst, full, reduced, extents)
            scale = np.broadcast_to(rhs_error.scale, rhs_size.shape)
            likely_lhs = lhs_size + lhs_error.likely
            squares = squares + contract(likely_lhs**2, scale**2, reduced, extents)
        if lhs_error.any():
            full = np.broadcast_to(lhs_error.worst, lhs_size.shape)
            worst = worst + contract(full, rhs_size, reduced, extents)
            scale = np.broadcast_to(lhs_error.scale, lhs_size.shape)
            squares = squares + contract(scale**2, rhs_size**2, reduced, extents)
        # (x + y)^2 <= 2 x^2 + 2 y^2 for each term's two parts.
        return absolute, Error(worst, np.sqrt(2 * squares))

    def _chosen_in_order(self, reduced: Sequence[int]) -> Error:
        """The error of an output the reference folded in order, not by a combiner: an
        arg-max's index, picked by comparisons across the reduced loops. It is exact where
        everything the body reads along those loops is, and may be any other pick, so it
        is unbounded, where anything is inexact."""
        axes = tuple(1 + loop for loop in reduced)
        inexact: Array | None = None
        for argument in self.arguments:
            worst = self._full(self.error(argument).worst, reduced).max(axis=axes, keepdims=True)
            inexact = worst > 0 if inexact is None else inexact | (worst > 0)
        assert inexact is not None, "a structured op's body has its outputs' arguments"
        unbounded = np.where(inexact, np.inf, 0.0)
        return Error(unbounded, unbounded)

    def _full(self, array: Array, reduced: Sequence[int]) -> Array:
        """``array`` at its full extent along the ``reduced`` loops, as the reference
        reduces it."""
        extents = self.body.loop_extents
        return np.broadcast_to(
            array,
            tuple(
                extents[axis - 1] if axis - 1 in reduced else size
                for axis, size in enumerate(array.shape)
            ),
        )


################################################################################
# Ops                                                                          #
################################################################################


CHUNK_ELEMENTS = 1 << 21
"""Elements of an output (in loop space) whose bounds are computed at once. The rules
make a dozen float64 temporaries of an output's size: a decoder's attention scores at
batch 4 and sequence 1024 (128 Mi elements) would need 12 GiB at once."""


def _chunks(extent: int, elements: int) -> list[slice]:
    """Ranges cutting an axis of ``extent`` so that the ``elements`` spread along it come
    in chunks of about :data:`CHUNK_ELEMENTS` (one range if they fit)."""
    count = max(1, min(extent, -(-elements // CHUNK_ELEMENTS)))
    step = -(-extent // count)
    return [slice(start, min(start + step, extent)) for start in range(0, extent, step)]


def _part(array: Array, axis: int, part: slice) -> Array:
    """``array``'s ``part`` along ``axis``; all of it where it broadcasts along it."""
    return array if array.shape[axis] == 1 else array[(slice(None),) * axis + (part,)]


def _in_parts(
    shapes: Sequence[tuple[int, ...]],
    elements: int,
    axes: Sequence[int],
    compute: Callable[[int, slice], list[Error]],
) -> list[Error]:
    """``compute(axis, part)``, the errors of results of ``shapes``, over chunks of the
    longest of ``axes`` (which every shape has whole), gathered; of the whole
    (``slice(None)``) if ``elements``, the largest array the computation reads or makes,
    fit in one chunk."""
    axis = max(axes, key=lambda axis: shapes[0][axis], default=None)
    if axis is None:
        return compute(0, slice(None))
    parts = _chunks(shapes[0][axis], elements)
    if len(parts) == 1:
        return compute(axis, slice(None))
    gathered: list[Error | None] = [None] * len(shapes)
    for part in parts:
        box = (slice(None),) * axis + (part,)
        for index, error in enumerate(compute(axis, part)):
            whole = gathered[index]
            if whole is None:
                if not (error.worst.any() or error.scale.any()):
                    continue  # An exact result (a fill's) takes no memory until it is not.
                whole = gathered[index] = Error(np.zeros(shapes[index]), np.zeros(shapes[index]))
            whole.worst[box], whole.scale[box] = error.worst, error.scale
    return [
        Error.exact(shape) if error is None else error
        for shape, error in zip(shapes, gathered, strict=True)
    ]


def _structured_errors(
    op: Operation,
    values: Sequence[Array],
    errors: Sequence[Error],
    results: Sequence[Array],
    reduction_steps: int,
) -> list[Error]:
    maps, block, num_outputs = structure_of(op)
    extents = static_loop_extents(op, maps, [array.shape[1:] for array in values])
    loop_values = [to_loop_space(array, m, extents) for array, m in zip(values, maps, strict=True)]
    loop_errors = [
        error.apply(lambda array, m=m: to_loop_space(array, m, extents))
        for error, m in zip(errors, maps, strict=True)
    ]
    terminator = block.last_op
    assert terminator is not None
    first_output = len(values) - num_outputs
    output_maps: list[AffineMap] = maps[first_output:]
    used_by_output = [
        {expr.position for expr in output_map.results if isinstance(expr, AffineDimExpr)}
        for output_map in output_maps
    ]
    shapes = [
        (1, *(size if loop in used else 1 for loop, size in enumerate(extents)))
        for used in used_by_output
    ]
    loop_results = [
        to_loop_space(result, output_map, extents)
        for result, output_map in zip(results, output_maps, strict=True)
    ]
    # Cut only along loops every output keeps: the others are reduced whole.
    kept_by_all = [
        1 + loop for loop in range(len(extents)) if all(loop in used for used in used_by_output)
    ]

    def chunk(axis: int, part: slice) -> list[Error]:
        offsets = np.zeros((1, len(extents)), dtype=np.int64)
        chunk_extents = list(extents)
        if axis:
            start, stop, _ = part.indices(extents[axis - 1])
            offsets[0, axis - 1] = start
            chunk_extents[axis - 1] = stop - start
        body = ScalarBody(
            op,
            block,
            [_part(array, axis, part) for array in loop_values],
            chunk_extents,
            False,
            offsets,
        )
        body_errors = _BodyErrors(
            body,
            {
                argument: error.apply(lambda array: _part(array, axis, part))
                for argument, error in zip(block.args, loop_errors, strict=True)
            },
        )
        chunk_errors: list[Error] = []
        for index, (yielded, used) in enumerate(
            zip(terminator.operands, used_by_output, strict=True)
        ):
            result = _part(loop_results[index], axis, part).astype(np.float64)
            reduced = [loop for loop in range(len(extents)) if loop not in used]
            if reduced:
                chunk_errors.append(
                    body_errors.reduced_output(yielded, result, reduced, reduction_steps)
                )
                continue
            error = body_errors.error(yielded)
            output_type = element_type_of(op.operands[first_output + index])
            if yielded.type != output_type:
                roundoff = np.asarray(unit_roundoff(output_type))
                error = error.rounded(_times(np.abs(result) + error.likely, roundoff))
            chunk_errors.append(error)
        return chunk_errors

    elements = max(*(prod(shape) for shape in shapes), *(array.size for array in loop_values))
    output_errors = _in_parts(shapes, elements, kept_by_all, chunk)

    def to_output(array: Array, shape: tuple[int, ...], output_map: AffineMap) -> Array:
        return from_loop_space(np.broadcast_to(array, shape), output_map, extents, op.name)

    return [
        error.apply(lambda array, shape=shape, m=m: to_output(array, shape, m))
        for error, shape, m in zip(output_errors, shapes, output_maps, strict=True)
    ]


def _softmax_errors(op: linalg_ext.SoftmaxOp, result: Array, error: Error) -> Error:
    axis = 1 + op.dimension.value.data
    shape = np.broadcast_shapes(result.shape, error.worst.shape)

    def chunk(cut: int, part: slice) -> Error:
        return _softmax_chunk_errors(
            op, _part(result, cut, part), error.apply(lambda array: _part(array, cut, part))
        )

    others = [other for other in range(1, len(shape)) if other != axis]
    (errors,) = _in_parts([shape], prod(shape), others, lambda cut, part: [chunk(cut, part)])
    return errors


def _softmax_chunk_errors(op: linalg_ext.SoftmaxOp, result: Array, error: Error) -> Error:
    probabilities = result.astype(np.float64)
    axis = 1 + op.dimension.value.data
    shape = np.broadcast_shapes(probabilities.shape, error.worst.shape)
    worst, scale = (np.broadcast_to(array, shape) for array in (error.worst, error.scale))
    likely = np.broadcast_to(error.likely, shape)
    with np.errstate(over="ignore", invalid="ignore"):
        spread = np.expm1(worst + worst.max(axis=axis, keepdims=True))
        # To first order y_i (d_i - sum_j y_j d_j); exp's slope over the likely interval
        # bounds the rest.
        others = np.sqrt(((probabilities * scale) ** 2).sum(axis=axis, keepdims=True))
        slope = np.exp(likely + likely.max(axis=axis, keepdims=True))
    propagated = Error(_times(probabilities, spread), _times(probabilities * slope, scale + others))
    element_type = element_type_of(op.output)
    extent = shape[axis]
    roundoff = (extent + 6) * _accumulator_roundoff(element_type) + unit_roundoff(element_type)
    return propagated.rounded(probabilities * roundoff).checked()


def _shape(value: SSAValue) -> tuple[int, ...]:
    value_type = value.type
    return tuple(value_type.get_shape()) if isinstance(value_type, TensorType) else ()


def _with_core_axis(array: Array) -> Array:
    return array.reshape(1) if array.ndim == 0 else array


def op_errors(
    op: Operation,
    values: Mapping[SSAValue, Array],
    errors: Mapping[SSAValue, Error],
    reduction_steps: int,
) -> list[Error]:
    """Errors of ``op``'s results (with the reference's leading core axis of extent 1),
    given the reference ``values`` of its operands and results and its operands' errors."""
    if op.name in ("arith.constant", "tensor.empty", "linalg.index") or op.name in (
        "arith.addi",
        "arith.subi",
        "arith.index_cast",
    ):
        return [Error.exact((1, *_shape(result))) for result in op.results]
    if isinstance(op, linalg_ext.SoftmaxOp):
        return [_softmax_errors(op, values[op.results[0]], errors[op.input])]
    if op.name.startswith("linalg."):
        return _structured_errors(
            op,
            [_with_core_axis(values[operand]) for operand in op.operands],
            [errors[operand].apply(_with_core_axis) for operand in op.operands],
            [values[result] for result in op.results],
            reduction_steps,
        )
    if op.name.startswith("tensor."):
        # Errors move as the values do: run the op on them, reading its indices
        # (exact) from the values.
        read = list(op.operands)
        if isinstance(op, tensor.PadOp):
            yielded = op.region.block.last_op
            assert yielded is not None
            read += yielded.operands

        def moved(part: Callable[[Error], Array]) -> list[Array]:
            arrays = {
                operand: values[operand]
                if isinstance(operand.type, IndexType)
                else np.broadcast_to(part(errors[operand]), values[operand].shape)
                for operand in read
            }
            execute_ops((op,), arrays)
            return [arrays[result] for result in op.results]

        return [
            Error(worst, scale)
            for worst, scale in zip(
                moved(lambda error: error.worst), moved(lambda error: error.scale), strict=True
            )
        ]
    raise UnsupportedOpError(f"{op.name} has no error bound in the t10 runtime")


################################################################################
# Running a function                                                           #
################################################################################


@dataclass(frozen=True)
class Expected:
    """One output of the reference and how far a correct run may be from it."""

    value: Array
    bound: Array
    """Per element (float64): the largest difference between the reference and a
    correct run, twice the likely error of either (both lie within it of the exact
    result); ``inf`` where the computation is too ill-conditioned to bound."""


def _dead_after(block: Block, terminator: func.ReturnOp) -> dict[Operation, list[SSAValue]]:
    """The values of ``block`` (its arguments and its ops' results) that no op after each
    op reads, nested regions included; the returned values live to the end."""
    defined: set[SSAValue] = set(block.args)
    last_reader: dict[SSAValue, Operation] = {}
    for op in block.ops:
        for nested in op.walk():
            for operand in nested.operands:
                if operand in defined:
                    last_reader[operand] = op
        defined.update(op.results)
        for value in op.results:
            last_reader[value] = op
    returned = set(terminator.arguments)
    dead_after: dict[Operation, list[SSAValue]] = {}
    for value, op in last_reader.items():
        if value not in returned and op is not terminator:
            dead_after.setdefault(op, []).append(value)
    return dead_after


def reference_with_bounds(
    function: func.FuncOp,
    inputs: Mapping[str, Array] | Sequence[Array],
    reduction_steps: int = 1,
) -> list[Expected]:
    """The results of ``function`` on ``inputs`` (as
    :func:`~t10.runtime.reference.run_reference` takes them), each with the difference
    a correct run may show: one whose reductions round their partial sums at most
    ``reduction_steps`` times (see the module doc)."""
    if reduction_steps < 1:
        raise ValueError(f"reduction_steps is {reduction_steps}: a reduction rounds at least once")
    values = bind_inputs(function, inputs)
    errors: dict[SSAValue, Error] = {
        argument: Error.exact(values[argument].shape) for argument in function.body.block.args
    }
    block: Block = function.body.block
    terminator = block.last_op
    assert isinstance(terminator, func.ReturnOp)
    # A model's intermediates (a decoder's attention scores, with two float64 bounds
    # each) outgrow the host long before its inputs do: each is dropped after its last use.
    dead_after = _dead_after(block, terminator)
    for op in block.ops:
        if op is terminator:
            break
        execute_ops((op,), values)
        errors.update(zip(op.results, op_errors(op, values, errors, reduction_steps), strict=True))
        for value in dead_after.get(op, ()):
            del values[value], errors[value]
    return [
        Expected(
            values[value][0], 2 * np.broadcast_to(errors[value].likely, values[value].shape)[0]
        )
        for value in terminator.arguments
    ]


@dataclass(frozen=True)
class Comparison:
    """How an output compares with an :class:`Expected` one."""

    match: bool
    """Every element within its bound, and no NaN on either side."""
    max_abs_error: float
    """The largest ``|actual - expected|`` (NaN if either holds a NaN)."""
    max_error_ratio: float
    """The largest ``|actual - expected| / bound``: the output matches when it is at
    most 1 (NaN if either holds a NaN, ``inf`` where an exact element differs)."""
    worst_index: tuple[int, ...]
    """Where that ratio is reached (where the first NaN is, if any)."""
    worst_error: float
    worst_bound: float


def compare(actual: Array, expected: Expected) -> Comparison:
    """``actual`` against ``expected`` within its bound, element by element."""
    if actual.shape != expected.value.shape:
        raise ValueError(
            f"an output of shape {list(actual.shape)} cannot be compared with an expected "
            f"one of shape {list(expected.value.shape)}"
        )
    actual64 = actual.astype(np.float64)
    expected64 = expected.value.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        # Equal infinities do not differ; an infinity against a finite value is an
        # infinite difference, a NaN anywhere a NaN one.
        difference = np.where(actual64 == expected64, 0.0, np.abs(actual64 - expected64))
        ratio = np.where(difference == 0, 0.0, difference / expected.bound)
    if difference.size == 0:
        return Comparison(True, 0.0, 0.0, (), 0.0, 0.0)
    nans = np.isnan(difference)
    flat = int(np.argmax(nans)) if nans.any() else int(np.argmax(ratio))
    worst = tuple(int(index) for index in np.unravel_index(flat, difference.shape))
    return Comparison(
        match=bool(not nans.any() and (ratio <= 1.0).all()),
        max_abs_error=float(np.max(difference)),
        max_error_ratio=float(np.max(ratio)),
        worst_index=worst,
        worst_error=float(difference[worst]),
        worst_bound=float(expected.bound[worst]),
    )
