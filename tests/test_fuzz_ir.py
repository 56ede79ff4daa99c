# pyright: strict
"""A fuzzer of t10-opt and t10-compile: valid IR text, mutated as a slip of the hand or
a broken generator would (truncated, a token deleted, a line moved or repeated, an
element type, a value or a dimension swapped, an extent changed everywhere), must give a
diagnostic or a result, never a Python traceback. Examples are bounded and derandomised
so the file runs in well under a minute and the same way each time; ``T10_FUZZ_EXAMPLES``
raises the count for a longer hunt."""

import io
import os
import re
from contextlib import redirect_stderr, redirect_stdout
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from t10.tools import t10_opt

EXAMPLES = int(os.environ.get("T10_FUZZ_EXAMPLES", "300"))

FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    # Generous: a loaded two-core machine must not fail an example by its time alone,
    # while a hang still does.
    deadline=timedelta(seconds=20),
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SEEDS = {
    "matmul": """\
func.func @mm(%a: tensor<32x16xf32>, %b: tensor<16x24xf32>) -> tensor<32x24xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<32x24xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<32x24xf32>) -> tensor<32x24xf32>
  %r = linalg.matmul ins(%a, %b : tensor<32x16xf32>, tensor<16x24xf32>)
                     outs(%acc : tensor<32x24xf32>) -> tensor<32x24xf32>
  func.return %r : tensor<32x24xf32>
}
""",
    "mlp": """\
#rows = affine_map<(d0, d1) -> (d0, d1)>
#bias = affine_map<(d0, d1) -> (d1)>
func.func @mlp(%x: tensor<16x32xf16>, %w: tensor<32x64xf16> {t10.weight},
               %b: tensor<64xf16> {t10.weight}) -> tensor<16x64xf16> {
  %zero = arith.constant 0.0 : f16
  %e = tensor.empty() : tensor<16x64xf16>
  %acc = linalg.fill ins(%zero : f16) outs(%e : tensor<16x64xf16>) -> tensor<16x64xf16>
  %h = linalg.matmul ins(%x, %w : tensor<16x32xf16>, tensor<32x64xf16>)
                     outs(%acc : tensor<16x64xf16>) -> tensor<16x64xf16>
  %y = linalg.generic {indexing_maps = [#rows, #bias, #rows],
                       iterator_types = ["parallel", "parallel"]}
      ins(%h, %b : tensor<16x64xf16>, tensor<64xf16>) outs(%e : tensor<16x64xf16>) {
  ^bb0(%v: f16, %c: f16, %o: f16):
    %s = arith.addf %v, %c : f16
    %r = arith.maximumf %s, %zero : f16
    linalg.yield %r : f16
  } -> tensor<16x64xf16>
  func.return %y : tensor<16x64xf16>
}
""",
    "reduce": """\
func.func @rowsum(%a: tensor<8x32xf32>) -> tensor<8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %r = linalg.reduce ins(%a : tensor<8x32xf32>) outs(%acc : tensor<8xf32>) dimensions = [1]
    (%in: f32, %init: f32) {
      %s = arith.addf %in, %init : f32
      linalg.yield %s : f32
    }
  func.return %r : tensor<8xf32>
}
""",
    "conv": """\
func.func @conv(%i: tensor<1x4x10x10xf16>, %k: tensor<8x4x3x3xf16>,
                %o: tensor<1x8x8x8xf16>) -> tensor<1x8x8x8xf16> {
  %r = linalg.conv_2d_nchw_fchw
      {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%i, %k : tensor<1x4x10x10xf16>, tensor<8x4x3x3xf16>)
      outs(%o : tensor<1x8x8x8xf16>) -> tensor<1x8x8x8xf16>
  func.return %r : tensor<1x8x8x8xf16>
}
""",
    "softmax": """\
func.func @softmax(%a: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %e = tensor.empty() : tensor<4x64xf32>
  %r = linalg.softmax dimension(1) ins(%a : tensor<4x64xf32>)
                                   outs(%e : tensor<4x64xf32>) -> tensor<4x64xf32>
  func.return %r : tensor<4x64xf32>
}
""",
}

TOKEN = re.compile(r'%[\w.$-]+|[#^@][\w.$-]+|"[^"\n]*"|\d+(?:\.\d+)?|[A-Za-z_][\w.]*|\S')
ELEMENT_TYPE = re.compile(r"\b(?:f16|bf16|f32|f64|i1|i8|i32|i64|index)\b")
DIMENSION = re.compile(r"(?<=[<x])\d+(?=x)")
OTHER_TYPES = ["f16", "bf16", "f32", "f64", "i1", "i8", "i32", "i64", "index", "complex<f32>"]
OTHER_DIMENSIONS = [
    "0",
    "1",
    "3",
    "17",
    "?",
    "2147483648",
    "9223372036854775807",
    "99999999999999999999",
]


@st.composite
def mutated_ir(draw: st.DrawFn) -> str:
    """One of the seeds with one to three mutations."""
    text = SEEDS[draw(st.sampled_from(sorted(SEEDS)))]
    for _ in range(draw(st.integers(1, 3))):
        text = draw(mutation(text))
    return text


def mutation(text: str) -> st.SearchStrategy[str]:
    tokens = list(TOKEN.finditer(text))
    lines = text.splitlines(keepends=True)
    types = list(ELEMENT_TYPE.finditer(text))
    dimensions = list(DIMENSION.finditer(text))
    choices: list[st.SearchStrategy[str]] = [st.integers(0, len(text)).map(lambda end: text[:end])]
    if tokens:
        choices.append(
            st.sampled_from(tokens).map(lambda token: text[: token.start()] + text[token.end() :])
        )
    if lines:
        choices.append(
            st.tuples(st.sampled_from(range(len(lines))), st.sampled_from(range(len(lines)))).map(
                lambda moved: _move_line(lines, *moved)
            )
        )
        choices.append(
            st.sampled_from(range(len(lines))).map(
                lambda repeated: "".join(lines[: repeated + 1] + lines[repeated:])
            )
        )
    if types:
        choices.append(
            st.tuples(st.sampled_from(types), st.sampled_from(OTHER_TYPES)).map(
                lambda swap: text[: swap[0].start()] + swap[1] + text[swap[0].end() :]
            )
        )
    values = [token for token in tokens if token.group().startswith("%")]
    if values:
        choices.append(
            st.tuples(st.sampled_from(values), st.sampled_from(values)).map(
                lambda swap: text[: swap[0].start()] + swap[1].group() + text[swap[0].end() :]
            )
        )
    if dimensions:
        # Every occurrence of one extent at once: shapes stay consistent, sizes go odd.
        choices.append(
            st.tuples(st.sampled_from(dimensions), st.sampled_from(OTHER_DIMENSIONS)).map(
                lambda swap: re.sub(rf"(?<=[<x]){swap[0].group()}(?=x)", swap[1], text)
            )
        )
        choices.append(
            st.tuples(st.sampled_from(dimensions), st.sampled_from(OTHER_DIMENSIONS)).map(
                lambda swap: text[: swap[0].start()] + swap[1] + text[swap[0].end() :]
            )
        )
    return st.one_of(choices)


def _move_line(lines: list[str], source: int, destination: int) -> str:
    moved = list(lines)
    moved.insert(destination, moved.pop(source))
    return "".join(moved)


def run_opt(path: Path, *args: str) -> tuple[int, str]:
    """t10-opt in-process: its status and stderr. An exception escaping it is the bug
    this fuzzer looks for, and fails the example with its traceback."""
    stderr = io.StringIO()
    with redirect_stderr(stderr), redirect_stdout(io.StringIO()):
        status = t10_opt.main([str(path), *args])
    return status, stderr.getvalue()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "mutated.mlir"


def _check(path: Path, text: str, *args: str) -> None:
    path.write_text(text)
    status, stderr = run_opt(path, *args)
    assert "Traceback" not in stderr
    assert status in (0, 1)
    if status == 1:
        assert stderr.strip(), "a failure without a diagnostic"


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seeds_compile(name: str, scratch: Path):
    scratch.write_text(SEEDS[name])
    assert run_opt(scratch, "-p", "t10-compile{chip=small-16}") == (0, "")


@FUZZ_SETTINGS
@given(text=mutated_ir())
def test_t10_opt_parses_and_verifies_without_traceback(text: str, scratch: Path):
    _check(scratch, text)


@FUZZ_SETTINGS
@given(text=mutated_ir())
def test_t10_compile_without_traceback(text: str, scratch: Path):
    _check(scratch, text, "-p", "t10-compile{chip=small-16}")
