"""Error bounds of the reference (runtime/error_bound.py): correct runs stay within them,
wrong ones do not, and the edge of a bound is where the check changes its answer."""

import numpy as np
import pytest
from xdsl.dialects import func
from xdsl.dialects.builtin import TensorType, bf16, f16, f32
from xdsl.ir import Attribute

from t10.runtime import error_bound
from t10.runtime.error_bound import (
    Expected,
    compare,
    reference_with_bounds,
    unit_roundoff,
)
from t10.semantics.linalg_numpy import to_element_type
from t10.tools.t10_opt import LocatingParser, T10OptMain

CTX = T10OptMain(args=[]).ctx

MATMUL = """\
func.func @mm(%a: tensor<{m}x{k}x{t}>, %b: tensor<{k}x{n}x{t}>) -> tensor<{m}x{n}x{t}> {{
  %zero = arith.constant {zero} : {t}
  %e = tensor.empty() : tensor<{m}x{n}x{t}>
  %c = linalg.fill ins(%zero : {t}) outs(%e : tensor<{m}x{n}x{t}>) -> tensor<{m}x{n}x{t}>
  %r = linalg.matmul ins(%a, %b : tensor<{m}x{k}x{t}>, tensor<{k}x{n}x{t}>)
                     outs(%c : tensor<{m}x{n}x{t}>) -> tensor<{m}x{n}x{t}>
  func.return %r : tensor<{m}x{n}x{t}>
}}
"""

FLOATS: dict[str, Attribute] = {"f16": f16, "bf16": bf16, "f32": f32}


def function_of(text: str) -> func.FuncOp:
    module = LocatingParser(CTX, text).parse_module()
    module.verify()
    return next(op for op in module.walk() if isinstance(op, func.FuncOp))


def matmul(m: int, k: int, n: int, element_type: str) -> func.FuncOp:
    zero = "0" if element_type.startswith("i") else "0.0"
    return function_of(MATMUL.format(m=m, k=k, n=n, t=element_type, zero=zero))


def rounded(values: np.ndarray, element_type: str) -> np.ndarray:
    """``values`` rounded to ``element_type``, held in float64."""
    types = {"f16": np.float16, "f32": np.float32}
    if element_type == "bf16":
        held = values.astype(np.float32).view(np.uint32)
        held = (held + np.uint32(0x7FFF) + ((held >> 16) & 1)) & np.uint32(0xFFFF0000)
        return held.view(np.float32).astype(np.float64)
    return values.astype(types[element_type]).astype(np.float64)


def chunked_matmul(a: np.ndarray, b: np.ndarray, steps: int, element_type: str, seed: int):
    """A correct implementation other than the reference's: the reduction cut into
    ``steps`` chunks taken in a random order, each summed in f32 in its own order,
    the running partial sums rounded to ``element_type`` after every step."""
    generator = np.random.default_rng(seed)
    chunks = np.array_split(generator.permutation(a.shape[1]), steps)
    partial = np.zeros((a.shape[0], b.shape[1]))
    for chunk in (chunks[index] for index in generator.permutation(steps)):
        chunk = chunk[::-1]
        step = a[:, chunk].astype(np.float32) @ b[chunk].astype(np.float32)
        partial = rounded(partial + step.astype(np.float64), element_type)
    return partial


def inputs(m: int, k: int, n: int, element_type: str, seed: int = 0):
    generator = np.random.default_rng(seed)
    kind = FLOATS[element_type]
    a = to_element_type(generator.standard_normal((m, k)), kind).astype(np.float64)
    b = to_element_type(generator.standard_normal((k, n)), kind).astype(np.float64)
    return a, b


@pytest.mark.parametrize(
    ("element_type", "k", "steps"),
    [("f32", 256, 1), ("f32", 4096, 8), ("f16", 512, 4), ("f16", 8192, 16), ("bf16", 1024, 4)],
)
def test_a_correct_implementation_stays_within_the_bound(element_type: str, k: int, steps: int):
    a, b = inputs(16, k, 24, element_type)
    (expected,) = reference_with_bounds(matmul(16, k, 24, element_type), [a, b], steps)
    for seed in range(3):
        check = compare(chunked_matmul(a, b, steps, element_type, seed), expected)
        assert check.match, (seed, check)
        assert check.max_error_ratio < 0.5


def test_cancellation_to_zero_keeps_the_bound_of_the_terms():
    """[X, X] @ [W; -W] is exactly 0, summed from terms of size 1: both halves' partial
    sums are rounded on the way, so a correct run is off zero by their rounding."""
    x, w = inputs(16, 512, 24, "f16")
    a = np.concatenate([np.abs(x), np.abs(x)], axis=1)
    b = np.concatenate([np.abs(w), -np.abs(w)], axis=0)
    (expected,) = reference_with_bounds(matmul(16, 1024, 24, "f16"), [a, b], 2)
    assert np.abs(expected.value.astype(np.float64)).max() < 1e-2
    # The halves one after the other: the first partial sum (about 330) is rounded.
    first = rounded(a[:, :512].astype(np.float32) @ b[:512].astype(np.float32), "f16")
    sequential = rounded(first + (a[:, 512:].astype(np.float32) @ b[512:]), "f16")
    assert np.abs(sequential).max() > 0.01
    assert compare(sequential, expected).match
    assert not compare(sequential + 1.0, expected).match


@pytest.mark.parametrize(
    ("element_type", "k"), [("f16", 64), ("bf16", 64), ("f32", 64), ("f16", 8192)]
)
def test_the_check_turns_at_the_bound(element_type: str, k: int):
    a, b = inputs(8, k, 8, element_type)
    (expected,) = reference_with_bounds(matmul(8, k, 8, element_type), [a, b], 2)
    value = expected.value.astype(np.float64)
    bound = expected.bound
    assert np.isfinite(bound).all() and (bound > 0).all()
    # Within a few percent of its terms, and more than the output's own rounding.
    terms = np.abs(a) @ np.abs(b)
    assert (bound < 0.05 * terms).all()
    assert (bound >= unit_roundoff(FLOATS[element_type]) * np.abs(value)).all()
    for index in [(0, 0), (3, 5), (7, 7)]:
        for sign in (1, -1):
            inside = value.copy()
            inside[index] += sign * 0.999 * bound[index]
            outside = value.copy()
            outside[index] += sign * 1.001 * bound[index]
            assert compare(inside, expected).match
            check = compare(outside, expected)
            assert not check.match and check.worst_index == index
            assert check.max_error_ratio == pytest.approx(1.001)


def test_integers_are_exact():
    generator = np.random.default_rng(1)
    a = generator.integers(-100, 100, (8, 300))
    b = generator.integers(-100, 100, (300, 8))
    (expected,) = reference_with_bounds(matmul(8, 300, 8, "i32"), [a, b], 4)
    assert (expected.bound == 0).all()
    np.testing.assert_array_equal(expected.value, a @ b)
    assert compare(a @ b, expected).match
    off_by_one = a @ b
    off_by_one[2, 3] += 1
    assert not compare(off_by_one, expected).match


def test_more_steps_widen_an_f16_bound_but_not_an_integer_one():
    a, b = inputs(8, 256, 8, "f16")
    function = matmul(8, 256, 8, "f16")
    (one,) = reference_with_bounds(function, [a, b], 1)
    (eight,) = reference_with_bounds(function, [a, b], 8)
    assert (eight.bound > one.bound).all()
    with pytest.raises(ValueError, match="reduction_steps is 0"):
        reference_with_bounds(function, [a, b], 0)


def test_a_missing_chunk_or_a_wrong_sign_is_caught():
    a, b = inputs(16, 1024, 16, "f16")
    (expected,) = reference_with_bounds(matmul(16, 1024, 16, "f16"), [a, b], 8)
    missed = rounded(a[:, 128:].astype(np.float32) @ b[128:].astype(np.float32), "f16")
    assert not compare(missed, expected).match
    flipped = rounded(
        a[:, :896].astype(np.float32) @ b[:896] - a[:, 896:].astype(np.float32) @ b[896:], "f16"
    )
    assert not compare(flipped, expected).match


LAYER = """\
#rows = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (i)>
func.func @layer(%x: tensor<16x64xf32>, %w: tensor<64x64xf32>) -> tensor<16x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x64xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<16x64xf32>) -> tensor<16x64xf32>
  %h = linalg.matmul ins(%x, %w : tensor<16x64xf32>, tensor<64x64xf32>)
                     outs(%c : tensor<16x64xf32>) -> tensor<16x64xf32>
  %p = linalg.softmax dimension(1) ins(%h : tensor<16x64xf32>) outs(%e : tensor<16x64xf32>)
      -> tensor<16x64xf32>
  %er = tensor.empty() : tensor<16xf32>
  %cr = linalg.fill ins(%zero : f32) outs(%er : tensor<16xf32>) -> tensor<16xf32>
  %sq = linalg.generic {indexing_maps = [#rows, #row], iterator_types = ["parallel", "reduction"]}
      ins(%h : tensor<16x64xf32>) outs(%cr : tensor<16xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %s = arith.mulf %v, %v : f32
    %t = arith.addf %acc, %s : f32
    linalg.yield %t : f32
  } -> tensor<16xf32>
  %y = linalg.generic {indexing_maps = [#rows, #row, #rows, #rows],
                       iterator_types = ["parallel", "parallel"]}
      ins(%h, %sq, %p : tensor<16x64xf32>, tensor<16xf32>, tensor<16x64xf32>)
      outs(%e : tensor<16x64xf32>) {
  ^bb0(%v: f32, %s: f32, %q: f32, %o: f32):
    %eps = arith.constant 1.0e-5 : f32
    %n = arith.constant 64.0 : f32
    %var = arith.divf %s, %n : f32
    %pad = arith.addf %var, %eps : f32
    %r = math.rsqrt %pad : f32
    %norm = arith.mulf %v, %r : f32
    %pos = arith.cmpf ogt, %norm, %zero : f32
    %relu = arith.select %pos, %norm, %zero : f32
    %g = math.tanh %relu : f32
    %l = math.log1p %q : f32
    %sum = arith.addf %g, %l : f32
    linalg.yield %sum : f32
  } -> tensor<16x64xf32>
  func.return %y : tensor<16x64xf32>
}
"""


def test_softmax_norm_relu_and_functions_stay_tight_and_hold():
    """Through softmax, an RMS norm, a ReLU by select, tanh and log1p, the f32 bound is a
    small share of the values, and a float64 run of the same function is within it."""
    function = function_of(LAYER)
    generator = np.random.default_rng(2)
    x = generator.standard_normal((16, 64)).astype(np.float32)
    w = (generator.standard_normal((64, 64)) / 8).astype(np.float32)
    (expected,) = reference_with_bounds(function, [x, w])
    h = x.astype(np.float64) @ w
    p = np.exp(h - h.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    norm = h / np.sqrt((h * h).sum(axis=1, keepdims=True) / 64 + 1e-5)
    exact = np.tanh(np.maximum(norm, 0.0)) + np.log1p(p)
    check = compare(exact, Expected(expected.value, expected.bound / 2))
    assert check.match, check
    assert np.isfinite(expected.bound).all()
    assert np.median(expected.bound / np.abs(exact)) < 1e-4


ARG_MAX = """\
func.func @argmax(%x: tensor<8x32xf32>) -> (tensor<8xf32>, tensor<8xi64>) {
  %zero = arith.constant 0 : i64
  %lowest = arith.constant 0xFF800000 : f32
  %ei = tensor.empty() : tensor<8xi64>
  %fi = linalg.fill ins(%zero : i64) outs(%ei : tensor<8xi64>) -> tensor<8xi64>
  %ef = tensor.empty() : tensor<8xf32>
  %ff = linalg.fill ins(%lowest : f32) outs(%ef : tensor<8xf32>) -> tensor<8xf32>
  %r:2 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
      affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0)>],
      iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<8x32xf32>) outs(%ff, %fi : tensor<8xf32>, tensor<8xi64>) {
  ^bb0(%in: f32, %best: f32, %at: i64):
    %i = linalg.index 1 : index
    %ii = arith.index_cast %i : index to i64
    %m = arith.maximumf %in, %best : f32
    %gt = arith.cmpf ogt, %in, %best : f32
    %s = arith.select %gt, %ii, %at : i64
    linalg.yield %m, %s : f32, i64
  } -> (tensor<8xf32>, tensor<8xi64>)
  func.return %r#0, %r#1 : tensor<8xf32>, tensor<8xi64>
}
"""


def test_an_arg_max_index_is_exact_on_exact_inputs():
    """An index picked by comparisons in order is exact when what it compares is: the
    inputs are, so any other index is a mismatch."""
    x = np.random.default_rng(3).standard_normal((8, 32)).astype(np.float32)
    maximum, index = reference_with_bounds(function_of(ARG_MAX), [x])
    np.testing.assert_array_equal(index.value, np.argmax(x, axis=1))
    assert (index.bound == 0).all() and (maximum.bound == 0).all()
    assert not compare((np.argmax(x, axis=1) + 1) % 32, index).match


POWER = """\
func.func @cube(%x: tensor<64xf32>, %y: tensor<64xf32>) -> tensor<64xf32> {
  %three = arith.constant 3 : i32
  %minus_two = arith.constant -2 : i32
  %e = tensor.empty() : tensor<64xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>,
      affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%x, %y : tensor<64xf32>, tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %s = arith.addf %a, %b : f32
    %c = math.fpowi %s, %three : f32, i32
    %d = math.fpowi %s, %minus_two : f32, i32
    %t = arith.addf %c, %d : f32
    linalg.yield %t : f32
  } -> tensor<64xf32>
  func.return %r : tensor<64xf32>
}
"""


def test_an_integer_power_of_an_inexact_base_holds_a_float64_run():
    generator = np.random.default_rng(4)
    x = generator.standard_normal(64).astype(np.float32)
    y = generator.standard_normal(64).astype(np.float32)
    (expected,) = reference_with_bounds(function_of(POWER), [x, y])
    s = x.astype(np.float64) + y
    exact = s**3 + s**-2.0
    assert compare(exact, Expected(expected.value, expected.bound / 2)).match
    # A wrong exponent is not within it.
    assert not compare(s**2 + s**-2.0, expected).match


CAUSAL = """\
func.func @causal(%s: tensor<4x24x24xf16>) -> tensor<4x24x24xf16> {
  %lowest = arith.constant -6.0e4 : f16
  %e = tensor.empty() : tensor<4x24x24xf16>
  %m = linalg.generic {indexing_maps = [affine_map<(b, i, j) -> (b, i, j)>,
      affine_map<(b, i, j) -> (b, i, j)>], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%s : tensor<4x24x24xf16>) outs(%e : tensor<4x24x24xf16>) {
  ^bb0(%in: f16, %out: f16):
    %i = linalg.index 1 : index
    %j = linalg.index 2 : index
    %future = arith.cmpi ugt, %j, %i : index
    %scaled = arith.mulf %in, %in : f16
    %kept = arith.select %future, %lowest, %scaled : f16
    linalg.yield %kept : f16
  } -> tensor<4x24x24xf16>
  %p = linalg.softmax dimension(2) ins(%m : tensor<4x24x24xf16>)
      outs(%e : tensor<4x24x24xf16>) -> tensor<4x24x24xf16>
  func.return %p : tensor<4x24x24xf16>
}
"""


@pytest.mark.parametrize("text", [LAYER, ARG_MAX, CAUSAL], ids=["layer", "arg_max", "causal"])
def test_bounds_computed_in_chunks_are_the_bounds_of_the_whole(
    text: str, monkeypatch: pytest.MonkeyPatch
):
    """A large op's bounds are computed a chunk of its kept loops at a time (the index of a
    loop offset to the chunk's start): cut into chunks of 16 elements they are the bounds
    computed at once, but for the order of float64 sums in a contraction's."""
    function = function_of(text)
    generator = np.random.default_rng(5)
    arguments = [
        generator.standard_normal(tuple(argument_type.get_shape())).astype(np.float32) / 2
        for argument_type in function.function_type.inputs.data
        if isinstance(argument_type, TensorType)
    ]
    whole = reference_with_bounds(function, arguments, 2)
    cuts: list[int] = []
    cut_into = error_bound._chunks

    def counted(extent: int, elements: int) -> list[slice]:
        parts = cut_into(extent, elements)
        cuts.append(len(parts))
        return parts

    monkeypatch.setattr(error_bound, "CHUNK_ELEMENTS", 16)
    monkeypatch.setattr(error_bound, "_chunks", counted)
    chunked = reference_with_bounds(function, arguments, 2)
    assert max(cuts) > 1
    for at_once, in_chunks in zip(whole, chunked, strict=True):
        np.testing.assert_array_equal(at_once.value, in_chunks.value)
        np.testing.assert_allclose(in_chunks.bound, at_once.bound, rtol=1e-12, atol=0)
