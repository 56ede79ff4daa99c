# pyright: strict
"""``t10-run``'s match check at the edge of its error bound, for f16, bf16 and f32.

An expected output a little inside the bound t10-run applies must match (exit 0),
a little outside must not (exit 1), at the element where the bound is tightest
and at the one where it is loosest. The bound each test expects is computed here,
by hand, from the rounding model that ``runtime/error_bound.py``'s module doc
states, never by its code: a tolerance scaled by a constant, a bound with another
type's roundoff, one that ignores the reduction length, the rounding steps or the
magnitudes of the terms, each moves the edge away from where these tests put it.

The contractions reduce over 4096 terms, so that the reduction length drives
their bounds; the elementwise product's bound is about one unit in the last place,
so its edges are the neighbouring representable values.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from math import prod
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner, Result
from op_models import matmul
from xdsl.dialects import func
from xdsl.dialects.builtin import BFloat16Type, Float16Type, Float32Type
from xdsl.ir import Attribute

from t10.runtime.error_bound import compare, reference_with_bounds
from t10.semantics.linalg_numpy import Array, to_element_type
from t10.tools.t10_opt import LocatingParser, T10OptMain
from t10.tools.t10_run import main

CHIP = "small-16"
REDUCTION = 4096

ELEMENT_TYPES: dict[str, Attribute] = {
    "f16": Float16Type(),
    "bf16": BFloat16Type(),
    "f32": Float32Type(),
}
UNIT_ROUNDOFF = {"f16": 2.0**-11, "bf16": 2.0**-8, "f32": 2.0**-24}
"""Half of each type's machine epsilon: 2^-(significand bits)."""
ACCUMULATOR_ROUNDOFF = 2.0**-24
"""f16, bf16 and f32 reductions accumulate in f32."""
LAMBDA = 8.0
"""Scales of the probabilistic bound applied (Higham and Mary's model)."""

INSIDE = (0.55, 0.97)
OUTSIDE = (1.03, 1.9)
"""Where the moved elements' distances lie, in units of the bound expected: a bound
half or twice that turns one of the two answers around."""

PRODUCT = """\
func.func @product(%a: tensor<{m}x{n}x{t}>, %b: tensor<{m}x{n}x{t}>) -> tensor<{m}x{n}x{t}> {{
  %e = tensor.empty() : tensor<{m}x{n}x{t}>
  %r = linalg.mul ins(%a, %b : tensor<{m}x{n}x{t}>, tensor<{m}x{n}x{t}>)
                  outs(%e : tensor<{m}x{n}x{t}>) -> tensor<{m}x{n}x{t}>
  func.return %r : tensor<{m}x{n}x{t}>
}}
"""


@dataclass(frozen=True)
class Case:
    """A model, inputs exact in its element type, and the bound a correct run keeps."""

    element_type: str
    mlir: str
    a: Array
    b: Array
    bound: Callable[[int], Array]
    """Per output element, given the rounding steps per reduction."""
    options: tuple[str, ...] = ()
    """More t10-run options."""
    least_steps: int = 1
    """Rounding steps per reduction the plan cannot do with fewer of."""

    def held(self, values: Array) -> Array:
        """``values`` as t10 holds the element type (bf16 in float32)."""
        return to_element_type(values, ELEMENT_TYPES[self.element_type])


def exact_values(generator: np.random.Generator, shape: tuple[int, ...]) -> Array:
    """Nonzero multiples of 1/32 up to about 3 in magnitude: exact in f16, bf16 and f32."""
    magnitudes = generator.integers(1, 101, shape)
    return magnitudes * generator.choice([-1.0, 1.0], shape) / 32


def contraction_bound(a: Array, b: Array, element_type: str, steps: int) -> Array:
    """Twice the likely error of ``a @ b`` computed from exact inputs, in float64.

    Over ``K`` terms with magnitudes ``M = |a| @ |b|`` and result ``v``, a correct
    run accumulates in f32 (``gamma_{K+2}`` worst, ``sqrt(K+2) u_acc M`` scale),
    rounds ``steps - 1`` partial sums to the output type (each within ``u M``)
    and the result once (``u |v|``). The likely error is the smaller of the worst
    case and ``LAMBDA`` scales; the reference and a correct run may each be off by
    it."""
    terms = a.shape[1] + 2
    roundoff = UNIT_ROUNDOFF[element_type]
    magnitudes = np.abs(a) @ np.abs(b)
    result = np.abs(a @ b)
    gamma = terms * ACCUMULATOR_ROUNDOFF / (1 - terms * ACCUMULATOR_ROUNDOFF)
    worst = gamma * magnitudes + (steps - 1) * roundoff * magnitudes + roundoff * result
    scale = np.sqrt(
        terms * (ACCUMULATOR_ROUNDOFF * magnitudes) ** 2
        + (steps - 1) * (roundoff * magnitudes) ** 2
        + (roundoff * result) ** 2
    )
    return 2 * np.minimum(worst, LAMBDA * scale)


def matmul_case(
    element_type: str, m: int = 8, n: int = 8, options: tuple[str, ...] = (), least_steps: int = 1
) -> Case:
    """``[X, X] @ B`` over 4096 terms, rows scaled from 1/8 to 8: column 0 of ``B`` is
    ``[w; -w]``, so column 0 of the result is exactly 0 with terms as large as any,
    and its bound comes from the reduction alone."""
    generator = np.random.default_rng(20)
    half = generator.permutation(exact_values(generator, (m, REDUCTION // 2)))
    scales = 2.0 ** (np.arange(m) % 7 - 3)
    a = np.concatenate([half, half], axis=1) * scales[:, None]
    b = exact_values(generator, (REDUCTION, n))
    b[REDUCTION // 2 :, 0] = -b[: REDUCTION // 2, 0]
    text = matmul(m, REDUCTION, n, element_type)
    return Case(
        element_type,
        text,
        a,
        b,
        lambda steps: contraction_bound(a, b, element_type, steps),
        options,
        least_steps,
    )


def product_case(element_type: str) -> Case:
    """``a * b`` elementwise, rounded once to the element type: twice ``u |v|``. The
    smallest and largest results have significand 1.5, so one unit in the last place
    is 2/3 of the bound and two are 4/3 of it."""
    generator = np.random.default_rng(21)
    shape = (16, 16)
    a = generator.integers(4, 32, shape) / 4 * 2.0 ** generator.integers(-2, 1, shape)
    b = generator.integers(16, 64, shape) / 32 * generator.choice([-1.0, 1.0], shape)
    a[0, 0], b[0, 0] = 1.5 * 2.0**-6, 1.0
    a[-1, -1], b[-1, -1] = 1.5 * 2.0**6, -1.0
    text = PRODUCT.format(m=shape[0], n=shape[1], t=element_type)
    roundoff = UNIT_ROUNDOFF[element_type]
    return Case(element_type, text, a, b, lambda _steps: 2 * roundoff * np.abs(a * b))


CASES = {
    # In half of small-16's SRAM no plan of the 24x24 output takes fewer than two compute
    # steps, each of which may round a partial sum.
    "matmul-f16": matmul_case(
        "f16", m=24, n=24, options=("--memory-fraction", "0.5"), least_steps=2
    ),
    "matmul-bf16": matmul_case("bf16"),
    "matmul-f32": matmul_case("f32"),
    **{f"product-{element_type}": product_case(element_type) for element_type in ELEMENT_TYPES},
}


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args])


def run_json(*args: str | Path, exit_code: int) -> dict[str, Any]:
    result = run(*args, "--json")
    assert result.exit_code == exit_code, result.output + result.stderr
    return json.loads(result.stdout)


def plan_steps(report: dict[str, Any]) -> int:
    """The most compute steps of an operator in the report: over loops, the product of
    the largest temporal factor of any operand."""
    return max(
        (
            prod(max(column) for column in zip(*op["plan"]["temporal_factors"], strict=True))
            for op in report["ops"]
        ),
        default=1,
    )


def shifted(case: Case, values: Array, index: tuple[int, ...], distance: float) -> Array:
    """``values`` with the element at ``index`` moved by about ``distance``, to the
    nearest value of the element type."""
    moved = values.astype(np.float64)
    moved[index] += distance
    return case.held(moved)


def edge_distance(
    case: Case, values: Array, index: tuple[int, ...], bound: float, factor: float
) -> tuple[Array, float]:
    """``values`` moved at ``index`` by ``factor`` of ``bound`` (down if ``factor`` is
    negative), to the nearest representable value; with the distance reached, in bounds."""
    moved = shifted(case, values, index, factor * bound)
    reached = abs(float(moved[index]) - float(values[index])) / bound
    window = INSIDE if abs(factor) < 1 else OUTSIDE
    assert window[0] <= reached <= window[1], (index, factor, reached)
    return moved, reached


def tightest_and_loosest(bound: Array) -> list[tuple[int, ...]]:
    return [
        tuple(int(i) for i in np.unravel_index(int(position), bound.shape))
        for position in (np.argmin(bound), np.argmax(bound))
    ]


@dataclass(frozen=True)
class SimulatedRun:
    """What a user checking a model at the edge starts from: its t10-run command and the
    outputs the simulated run wrote, with the bound expected of each element."""

    args: tuple[str | Path, ...]
    simulated: Array
    bound: Array
    """Per element, at the rounding steps t10-run reported."""


def simulated_run(case: Case, tmp_path: Path) -> SimulatedRun:
    """Run ``case`` against the reference: it matches, its plan's compute steps are the
    rounding steps t10-run reports, and its bound is the one expected."""
    model = tmp_path / "model.mlir"
    model.write_text(case.mlir)
    inputs = tmp_path / "inputs.npz"
    np.savez(inputs, a=case.held(case.a), b=case.held(case.b))
    outputs = tmp_path / "outputs.npz"
    args = (model, "--chip", CHIP, "--inputs", inputs, *case.options)
    report = run_json(*args, "--outputs", outputs, exit_code=0)
    steps = report["reduction_steps"]
    assert steps == plan_steps(report) >= case.least_steps
    bound = case.bound(steps)
    (output,) = report["outputs"]
    assert output["match"] is True and output["element_type"] == case.element_type
    worst = tuple(output["worst_index"])
    assert output["worst_bound"] == pytest.approx(bound[worst], rel=0.01)
    with np.load(outputs) as saved:
        return SimulatedRun(args, saved["result0"], bound)


@pytest.mark.parametrize("name", CASES)
def test_t10_run_matches_just_inside_the_bound_and_not_just_outside(name: str, tmp_path: Path):
    case = CASES[name]
    start = simulated_run(case, tmp_path)
    args, simulated, bound = start.args, start.simulated, start.bound
    tightest, loosest = tightest_and_loosest(bound)
    assert bound[loosest] > 4 * bound[tightest]

    # Both edges moved just inside the bound, on opposite sides: a match.
    expected = tmp_path / "expected.npz"
    inside, _ = edge_distance(case, simulated, tightest, bound[tightest], 0.9)
    inside, _ = edge_distance(case, inside, loosest, bound[loosest], -0.9)
    np.savez(expected, result0=inside)
    result = run(*args, "--expected", expected)
    assert result.exit_code == 0, result.output
    assert "match: yes" in result.stdout

    # Either edge just outside: a mismatch at that element, against the bound expected.
    for index, factor in ((tightest, -1.1), (loosest, 1.1)):
        outside, reached = edge_distance(case, simulated, index, bound[index], factor)
        np.savez(expected, result0=outside)
        report = run_json(*args, "--expected", expected, exit_code=1)
        (output,) = report["outputs"]
        assert output["match"] is False and report["match"] is False
        assert tuple(output["worst_index"]) == index
        assert output["worst_bound"] == pytest.approx(bound[index], rel=0.01)
        assert output["max_error_ratio"] == pytest.approx(reached, rel=0.01)


def test_the_report_shows_on_which_side_of_the_bound_an_edge_lies(tmp_path: Path):
    """Three digits would print 1 for an error a few ten-thousandths above its bound
    as for one below: the ratio, error and bound take the digits that tell them apart."""
    case = CASES["matmul-f32"]
    start = simulated_run(case, tmp_path)
    args, simulated, bound = start.args, start.simulated, start.bound
    _, loosest = tightest_and_loosest(bound)
    expected = tmp_path / "expected.npz"
    figures = re.compile(r"worst (\S+) of the bound \((\S+) against (\S+) at ")
    for factor, exit_code in ((1.0003, 1), (0.9997, 0)):
        moved = shifted(case, simulated, loosest, factor * bound[loosest])
        reached = abs(float(moved[loosest]) - float(simulated[loosest])) / bound[loosest]
        assert abs(reached - factor) < 1e-4
        np.savez(expected, result0=moved)
        result = run(*args, "--expected", expected)
        assert result.exit_code == exit_code, result.output
        found = figures.search(result.stdout)
        assert found is not None, result.stdout
        ratio, error, applied = (float(figure) for figure in found.groups())
        assert (ratio > 1) == (error > applied) == (exit_code == 1), found.group(0)
        assert ratio == pytest.approx(reached, rel=1e-4)
        summary = f"match: {'no' if exit_code else 'yes'} (max abs error "
        assert summary in result.stdout and f", {found.group(1)} of the error bound" in (
            result.stdout
        )


def function_of(text: str) -> func.FuncOp:
    module = LocatingParser(T10OptMain(args=[]).ctx, text).parse_module()
    module.verify()
    (function,) = (op for op in module.walk() if isinstance(op, func.FuncOp))
    return function


@pytest.mark.parametrize("steps", [1, 3])
@pytest.mark.parametrize("element_type", ELEMENT_TYPES)
def test_the_reference_comparison_turns_at_the_bound(element_type: str, steps: int):
    """The check t10-run applies without ``--expected`` (the simulated outputs against
    the reference's, within its bounds), at its public API: the reference's value
    stands in for a simulated one moved to either edge."""
    case = matmul_case(element_type)
    a, b = case.held(case.a), case.held(case.b)
    (expected,) = reference_with_bounds(function_of(case.mlir), [a, b], steps)
    bound = case.bound(steps)
    np.testing.assert_allclose(expected.bound, bound, rtol=0.01)
    for index in tightest_and_loosest(bound):
        for sign in (1.0, -1.0):
            inside, _ = edge_distance(case, expected.value, index, bound[index], 0.9 * sign)
            assert compare(inside, expected).match
            outside, reached = edge_distance(case, expected.value, index, bound[index], 1.1 * sign)
            check = compare(outside, expected)
            assert not check.match and check.worst_index == index
            assert check.max_error_ratio == pytest.approx(reached, rel=0.01)
