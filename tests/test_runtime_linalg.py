"""The numpy semantics of linalg (semantics/linalg_numpy.py) against plain numpy."""

import warnings
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, f16, f32

from t10.runtime.reference import run_reference, tolerance
from t10.semantics.linalg_numpy import UnsupportedOpError, evaluate, round_to_half, to_element_type
from t10.tools.t10_opt import LocatingParser, T10OptMain

CTX = T10OptMain(args=[]).ctx
Expected = Callable[..., np.ndarray]


def parse_function(text: str) -> func.FuncOp:
    module = LocatingParser(CTX, text, "test.mlir").parse_module()
    module.verify()
    assert isinstance(module, ModuleOp)
    return next(op for op in module.walk() if isinstance(op, func.FuncOp))


def single_op_function(shapes: list[str], op: str, dtype: str) -> func.FuncOp:
    """``@f`` taking tensors of ``shapes`` (the last is the init), returning ``op``'s result."""
    types = [f"tensor<{shape}{dtype}>" for shape in shapes]
    arguments = ", ".join(f"%x{index}: {type_}" for index, type_ in enumerate(types))
    body = op.format(*types, e=dtype)
    return parse_function(
        f"func.func @f({arguments}) -> {types[-1]} {{\n"
        f"  %fill_value = arith.constant {'2.5' if dtype.startswith('f') else '2'} : {dtype}\n"
        f"  %r = {body}\n"
        f"  func.return %r : {types[-1]}\n}}"
    )


def conv(image: np.ndarray, kernel: np.ndarray, stride: int = 1, dilation: int = 1) -> np.ndarray:
    """NHWC x HWCF -> NHWF, by explicit windows."""
    window_h, window_w = kernel.shape[:2]
    out_h = (image.shape[1] - dilation * (window_h - 1) - 1) // stride + 1
    out_w = (image.shape[2] - dilation * (window_w - 1) - 1) // stride + 1
    out = np.zeros((image.shape[0], out_h, out_w, kernel.shape[-1]))
    for kh in range(window_h):
        for kw in range(window_w):
            patch = image[
                :,
                kh * dilation : kh * dilation + stride * (out_h - 1) + 1 : stride,
                kw * dilation : kw * dilation + stride * (out_w - 1) + 1 : stride,
            ]
            out += np.einsum("nhwc,cf->nhwf", patch, kernel[kh, kw])
    return out


def windows(image: np.ndarray, size: int, stride: int) -> np.ndarray:
    """NHWC -> N, OH, OW, C, KH, KW windows."""
    out = (image.shape[1] - size) // stride + 1
    return np.stack(
        [
            np.stack(
                [
                    image[:, kh : kh + stride * (out - 1) + 1 : stride][
                        :, :, kw : kw + stride * (out - 1) + 1 : stride
                    ]
                    for kw in range(size)
                ],
                axis=-1,
            )
            for kh in range(size)
        ],
        axis=-2,
    )


INS2 = "ins(%x0, %x1 : {0}, {1}) outs(%x2 : {2}) -> {2}"
MATMUL_T = (
    "linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, "
    "affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>] " + INS2
)
BIAS_RELU = """linalg.generic {{indexing_maps = [affine_map<(i, j) -> (i, j)>,
    affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>],
    iterator_types = ["parallel", "parallel"]}} ins(%x0, %x1 : {0}, {1}) outs(%x2 : {2}) {{
  ^bb0(%a: {e}, %b: {e}, %o: {e}):
    %s = arith.addf %a, %b : {e}
    %z = arith.constant 0.0 : {e}
    %m = arith.maximumf %s, %z : {e}
    linalg.yield %m : {e}
  }} -> {2}"""
SUM_OF_SQUARES = """linalg.generic {{indexing_maps = [affine_map<(i, j) -> (i, j)>,
    affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}}
    ins(%x0 : {0}) outs(%x1 : {1}) {{
  ^bb0(%a: {e}, %o: {e}):
    %q = arith.mulf %a, %a : {e}
    %h = arith.constant 0.5 : {e}
    %s = arith.mulf %q, %h : {e}
    %t = arith.addf %o, %s : {e}
    linalg.yield %t : {e}
  }} -> {1}"""
ROW_MAX = """linalg.generic {{indexing_maps = [affine_map<(i, j) -> (i, j)>,
    affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}}
    ins(%x0 : {0}) outs(%x1 : {1}) {{
  ^bb0(%a: {e}, %o: {e}):
    %e = math.exp %a : {e}
    %m = arith.maximumf %e, %o : {e}
    linalg.yield %m : {e}
  }} -> {1}"""
WIDENING_MATMUL = """linalg.generic {{indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
    affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
    iterator_types = ["parallel", "parallel", "reduction"]}}
    ins(%x0, %x1 : {0}, {1}) outs(%x2 : {2}) {{
  ^bb0(%a: {e}, %b: {e}, %o: {e}):
    %p = arith.mulf %a, %b : {e}
    %s = arith.addf %p, %o : {e}
    linalg.yield %s : {e}
  }} -> {2}"""
ROW_INDEX = """linalg.generic {{indexing_maps = [affine_map<(i, j) -> (i, j)>,
    affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}}
    ins(%x0 : {0}) outs(%x1 : {1}) {{
  ^bb0(%a: {e}, %o: {e}):
    %i = linalg.index 0 : index
    %c = arith.index_cast %i : index to i64
    %f = arith.sitofp %c : i64 to {e}
    %s = arith.addf %a, %f : {e}
    %n = arith.negf %s : {e}
    %x = arith.cmpf olt, %a, %f : {e}
    %r = arith.select %x, %n, %s : {e}
    linalg.yield %r : {e}
  }} -> {1}"""

CASES: list[tuple[str, list[tuple[int, ...]], str, Expected]] = [
    ("matmul", [(6, 8), (8, 5), (6, 5)], "linalg.matmul " + INS2, lambda a, b, c: a @ b + c),
    ("matmul_transposed_b", [(6, 8), (5, 8), (6, 5)], MATMUL_T, lambda a, b, c: a @ b.T + c),
    (
        "batch_matmul",
        [(3, 6, 8), (3, 8, 5), (3, 6, 5)],
        "linalg.batch_matmul " + INS2,
        lambda a, b, c: a @ b + c,
    ),
    ("matvec", [(6, 8), (8,), (6,)], "linalg.matvec " + INS2, lambda a, x, y: a @ x + y),
    ("vecmat", [(6,), (6, 8), (8,)], "linalg.vecmat " + INS2, lambda x, a, y: x @ a + y),
    ("dot", [(9,), (9,), ()], "linalg.dot " + INS2, lambda a, b, c: a @ b + c),
    (
        "batch_matvec",
        [(3, 6, 8), (3, 8), (3, 6)],
        "linalg.batch_matvec " + INS2,
        lambda a, x, y: np.einsum("bij,bj->bi", a, x) + y,
    ),
    (
        "fill",
        [(4, 5)],
        "linalg.fill ins(%fill_value : {e}) outs(%x0 : {0}) -> {0}",
        lambda c: np.full_like(c, 2.5),
    ),
    ("copy", [(4, 5), (4, 5)], "linalg.copy ins(%x0 : {0}) outs(%x1 : {1}) -> {1}", lambda a, c: a),
    (
        "transpose",
        [(4, 5), (5, 4)],
        "linalg.transpose ins(%x0 : {0}) outs(%x1 : {1}) permutation = [1, 0]",
        lambda a, c: a.T,
    ),
    (
        "broadcast",
        [(4,), (4, 5)],
        "linalg.broadcast ins(%x0 : {0}) outs(%x1 : {1}) dimensions = [1]",
        lambda a, c: np.broadcast_to(a[:, None], c.shape),
    ),
    (
        "reduce_add",
        [(4, 5), (4,)],
        "linalg.reduce {{ arith.addf }} ins(%x0 : {0}) outs(%x1 : {1}) dimensions = [1]",
        lambda a, c: a.sum(axis=1) + c,
    ),
    (
        "reduce_max",
        [(4, 5), (5,)],
        "linalg.reduce {{ arith.maximumf }} ins(%x0 : {0}) outs(%x1 : {1}) dimensions = [0]",
        lambda a, c: np.maximum(a.max(axis=0), c),
    ),
    (
        "generic_elementwise",
        [(4, 5), (5,), (4, 5)],
        BIAS_RELU,
        lambda a, b, c: np.maximum(a + b, 0),
    ),
    (
        "generic_reduction",
        [(4, 5), (4,)],
        SUM_OF_SQUARES,
        lambda a, c: c + (a * a * 0.5).sum(axis=1),
    ),
    (
        "generic_max_reduction",
        [(4, 5), (4,)],
        ROW_MAX,
        lambda a, c: np.maximum(c, np.exp(a).max(axis=1)),
    ),
    (
        "generic_contraction",
        [(6, 8), (8, 5), (6, 5)],
        WIDENING_MATMUL,
        lambda a, b, c: a @ b + c,
    ),
    (
        "generic_index_select",
        [(4, 5), (4, 5)],
        ROW_INDEX,
        lambda a, c: np.where(a < np.arange(4)[:, None], -1, 1) * (a + np.arange(4)[:, None]),
    ),
    (
        "softmax",
        [(4, 5), (4, 5)],
        "linalg.softmax dimension(1) ins(%x0 : {0}) outs(%x1 : {1}) -> {1}",
        lambda a, c: np.exp(a) / np.exp(a).sum(axis=1, keepdims=True),
    ),
    (
        "elementwise_exp",
        [(4, 5), (4, 5)],
        "linalg.elementwise <exp> ins(%x0 : {0}) outs(%x1 : {1}) -> {1}",
        lambda a, c: np.exp(a),
    ),
    (
        "elementwise_add_broadcast",
        [(4, 5), (4,), (4, 5)],
        "linalg.elementwise <add> indexing_maps = [affine_map<(i, j) -> (i, j)>, "
        "affine_map<(i, j) -> (i)>, affine_map<(i, j) -> (i, j)>] " + INS2,
        lambda a, b, c: a + b[:, None],
    ),
    (
        "elementwise_max",
        [(4, 5), (4, 5), (4, 5)],
        "linalg.elementwise <max_signed> " + INS2,
        lambda a, b, c: np.maximum(a, b),
    ),
    ("div", [(4, 5), (4, 5), (4, 5)], "linalg.div " + INS2, lambda a, b, c: a / b),
    ("add", [(4, 5), (4, 5), (4, 5)], "linalg.add " + INS2, lambda a, b, c: a + b),
    ("sub", [(4, 5), (4, 5), (4, 5)], "linalg.sub " + INS2, lambda a, b, c: a - b),
    ("mul", [(4, 5), (4, 5), (4, 5)], "linalg.mul " + INS2, lambda a, b, c: a * b),
    (
        "conv_2d_nchw_fchw",
        [(2, 3, 7, 7), (4, 3, 3, 3), (2, 4, 5, 5)],
        "linalg.conv_2d_nchw_fchw {{dilations = dense<1> : tensor<2xi64>, "
        "strides = dense<1> : tensor<2xi64>}} " + INS2,
        lambda i, f, o: (
            o + conv(i.transpose(0, 2, 3, 1), f.transpose(2, 3, 1, 0)).transpose(0, 3, 1, 2)
        ),
    ),
    (
        "conv_2d_nhwc_hwcf_strided",
        [(1, 9, 9, 3), (3, 3, 3, 4), (1, 4, 4, 4)],
        "linalg.conv_2d_nhwc_hwcf {{dilations = dense<1> : tensor<2xi64>, "
        "strides = dense<2> : tensor<2xi64>}} " + INS2,
        lambda i, f, o: o + conv(i, f, stride=2),
    ),
    (
        "depthwise_conv_dilated",
        [(1, 9, 9, 3), (3, 3, 3), (1, 5, 5, 3)],
        "linalg.depthwise_conv_2d_nhwc_hwc {{dilations = dense<2> : tensor<2xi64>, "
        "strides = dense<1> : tensor<2xi64>}} " + INS2,
        lambda i, f, o: (
            o
            + np.stack(
                [
                    conv(i[..., c : c + 1], f[:, :, c : c + 1, None], dilation=2)[..., 0]
                    for c in range(3)
                ],
                axis=-1,
            )
        ),
    ),
    (
        "conv_1d_nwc_wcf",
        [(2, 9, 3), (3, 3, 4), (2, 7, 4)],
        "linalg.conv_1d_nwc_wcf " + INS2,
        lambda i, f, o: o + conv(i[:, None], f[None])[:, 0],
    ),
    (
        "conv_1d",
        [(9,), (3,), (7,)],
        "linalg.conv_1d " + INS2,
        lambda i, f, o: o + np.correlate(i, f, mode="valid"),
    ),
    (
        "pooling_nchw_max",
        [(1, 2, 6, 6), (2, 2), (1, 2, 5, 5)],
        "linalg.pooling_nchw_max {{dilations = dense<1> : tensor<2xi64>, "
        "strides = dense<1> : tensor<2xi64>}} " + INS2,
        lambda i, w, o: np.maximum(
            o, windows(i.transpose(0, 2, 3, 1), 2, 1).max(axis=(-2, -1)).transpose(0, 3, 1, 2)
        ),
    ),
    (
        "pooling_nhwc_sum_strided",
        [(1, 7, 7, 2), (3, 3), (1, 3, 3, 2)],
        "linalg.pooling_nhwc_sum {{dilations = dense<1> : tensor<2xi64>, "
        "strides = dense<2> : tensor<2xi64>}} " + INS2,
        lambda i, w, o: o + windows(i, 3, 2).sum(axis=(-2, -1)),
    ),
    (
        "pooling_nhwc_max",
        [(1, 6, 6, 2), (2, 2), (1, 5, 5, 2)],
        "linalg.pooling_nhwc_max " + INS2,
        lambda i, w, o: np.maximum(o, windows(i, 2, 1).max(axis=(-2, -1))),
    ),
]


@pytest.mark.parametrize("dtype", ["f32", "f16"])
@pytest.mark.parametrize(
    ("shapes", "op", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_reference_matches_numpy(
    shapes: list[tuple[int, ...]], op: str, expected: Expected, dtype: str
):
    shape_text = ["".join(f"{extent}x" for extent in shape) for shape in shapes]
    function = single_op_function(shape_text, op, dtype)
    generator = np.random.default_rng(7)
    element_type = f32 if dtype == "f32" else f16
    inputs = [to_element_type(generator.standard_normal(shape), element_type) for shape in shapes]
    (result,) = run_reference(function, inputs)
    want = expected(*(array.astype(np.float64) for array in inputs))
    assert result.dtype == (np.float32 if dtype == "f32" else np.float16)
    rtol, atol = tolerance(element_type)
    np.testing.assert_allclose(result.astype(np.float64), want, rtol=rtol, atol=atol)


def test_f16_contraction_accumulates_in_f32():
    """1 + 2048 terms of 2^-12 is 1.5; accumulating in f16 would lose every term
    (1 + 2^-12 rounds to 1 in f16), accumulating in f32 loses none."""
    function = single_op_function(["1x2048x", "2048x1x", "1x1x"], "linalg.matmul " + INS2, "f16")
    lhs = np.full((1, 2048), 2.0**-12, dtype=np.float16)
    rhs = np.ones((2048, 1), dtype=np.float16)
    (result,) = run_reference(function, [lhs, rhs, np.ones((1, 1), np.float16)])
    assert result[0, 0] == np.float16(1.5)


def test_a_slice_of_a_product_rounds_like_the_whole():
    """A core computing a block of a matmul gets bit for bit the block of the whole
    product: BLAS sums in an order that follows the shapes (16x92 and 48x1466 blocks of
    the same sums differ in the last bit), so the sum is taken in f64 and rounded once.
    0/1 left operands, as a dense spiking network's spikes: there a last-bit difference
    moves a potential across its threshold."""
    generator = np.random.default_rng(3)
    spikes = (generator.random((48, 145)) < 0.1).astype(np.float32)
    weights = (0.05 * generator.standard_normal((145, 1466))).astype(np.float32)

    def product(rows: int, columns: int) -> np.ndarray:
        function = single_op_function(
            [f"{rows}x145x", f"145x{columns}x", f"{rows}x{columns}x"],
            "linalg.matmul " + INS2,
            "f32",
        )
        init = np.zeros((rows, columns), np.float32)
        (result,) = run_reference(function, [spikes[:rows], weights[:, :columns], init])
        return result

    np.testing.assert_array_equal(product(16, 92), product(48, 1466)[:16, :92])


def test_integer_matmul_is_exact():
    function = single_op_function(["3x4x", "4x2x", "3x2x"], "linalg.matmul " + INS2, "i32")
    lhs = np.arange(12, dtype=np.int32).reshape(3, 4)
    rhs = np.arange(8, dtype=np.int32).reshape(4, 2) - 3
    (result,) = run_reference(function, [lhs, rhs, np.ones((3, 2), np.int32)])
    assert result.dtype == np.int32
    np.testing.assert_array_equal(result, lhs @ rhs + 1)


def test_unknown_op_is_named():
    function = parse_function(
        "func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {\n"
        "  %s = arith.negf %a : tensor<4xf32>\n"
        "  func.return %s : tensor<4xf32>\n}"
    )
    with pytest.raises(UnsupportedOpError, match=r"arith\.negf has no numpy semantics"):
        run_reference(function, [np.zeros(4, np.float32)])


def test_reduction_that_is_no_combiner_runs_in_order():
    """``out - a*a/2`` does not combine partial results in any order: it runs one
    reduction step after another, as linalg's loop semantics say."""
    op = SUM_OF_SQUARES.replace("arith.addf %o, %s", "arith.subf %s, %o")
    function = single_op_function(["4x5x", "4x"], op, "f32")
    values = np.arange(20, dtype=np.float32).reshape(4, 5)
    init = np.ones(4, np.float32)
    (result,) = run_reference(function, [values, init])
    expected = init.copy()
    for column in range(5):
        expected = values[:, column] ** 2 * 0.5 - expected
    np.testing.assert_array_equal(result, expected)


def test_arg_max_reduction_keeps_the_first_maximum():
    """A max and its index (a two-output reduction whose index follows the max): the
    index is the first position of the maximum, read through ``linalg.index``."""
    function = parse_function(
        "func.func @f(%x: tensor<3x6xf32>, %m: tensor<3xf32>, %i: tensor<3xi64>)"
        " -> (tensor<3xf32>, tensor<3xi64>) {\n"
        "  %r:2 = linalg.generic {indexing_maps = [affine_map<(a, b) -> (a, b)>,"
        " affine_map<(a, b) -> (a)>, affine_map<(a, b) -> (a)>],"
        ' iterator_types = ["parallel", "reduction"]}'
        " ins(%x : tensor<3x6xf32>) outs(%m, %i : tensor<3xf32>, tensor<3xi64>) {\n"
        "  ^bb0(%v: f32, %best: f32, %at: i64):\n"
        "    %j = linalg.index 1 : index\n"
        "    %ji = arith.index_cast %j : index to i64\n"
        "    %gt = arith.cmpf ogt, %v, %best : f32\n"
        "    %nb = arith.select %gt, %v, %best : f32\n"
        "    %ni = arith.select %gt, %ji, %at : i64\n"
        "    linalg.yield %nb, %ni : f32, i64\n"
        "  } -> tensor<3xf32>, tensor<3xi64>\n"
        "  func.return %r#0, %r#1 : tensor<3xf32>, tensor<3xi64>\n}"
    )
    values = np.array([[1, 5, 2, 5, 0, 3], [-1, -2, -3, -4, -5, -6], [0, 0, 0, 0, 0, 9]])
    values = values.astype(np.float32)
    maxima, indices = run_reference(
        function, [values, np.full(3, -np.inf, np.float32), np.zeros(3, np.int64)]
    )
    np.testing.assert_array_equal(maxima, values.max(axis=1))
    np.testing.assert_array_equal(indices, values.argmax(axis=1))
    assert indices.dtype == np.int64


def test_reduction_into_outputs_of_different_loops_is_explained():
    function = parse_function(
        "func.func @f(%x: tensor<3x4xf32>, %a: tensor<3xf32>, %b: tensor<4xf32>)"
        " -> (tensor<3xf32>, tensor<4xf32>) {\n"
        "  %r:2 = linalg.generic {indexing_maps = [affine_map<(p, q) -> (p, q)>,"
        " affine_map<(p, q) -> (p)>, affine_map<(p, q) -> (q)>],"
        ' iterator_types = ["reduction", "reduction"]}'
        " ins(%x : tensor<3x4xf32>) outs(%a, %b : tensor<3xf32>, tensor<4xf32>) {\n"
        "  ^bb0(%v: f32, %s: f32, %t: f32):\n"
        "    %n = arith.subf %v, %s : f32\n"
        "    %m = arith.subf %n, %t : f32\n"
        "    linalg.yield %n, %m : f32, f32\n"
        "  } -> tensor<3xf32>, tensor<4xf32>\n"
        "  func.return %r#0, %r#1 : tensor<3xf32>, tensor<4xf32>\n}"
    )
    zeros = [np.zeros((3, 4), np.float32), np.zeros(3, np.float32), np.zeros(4, np.float32)]
    with pytest.raises(UnsupportedOpError, match="reduces different loops into different"):
        run_reference(function, zeros)


def linalg_op(function: func.FuncOp):
    return next(op for op in function.walk() if op.name.startswith("linalg."))


@settings(max_examples=8, deadline=None)
@given(
    cores=st.integers(1, 5),
    m=st.integers(1, 6),
    k=st.integers(1, 6),
    n=st.integers(1, 6),
    dtype=st.sampled_from(["f32", "f16"]),
    kind=st.sampled_from(["matmul", "elementwise"]),
    seed=st.integers(0, 2**16),
)
def test_core_axis_equals_each_core_alone(
    cores: int, m: int, k: int, n: int, dtype: str, kind: str, seed: int
):
    if kind == "matmul":
        shapes = [(m, k), (k, n), (m, n)]
        function = single_op_function(
            [f"{m}x{k}x", f"{k}x{n}x", f"{m}x{n}x"], "linalg.matmul " + INS2, dtype
        )
    else:
        shapes = [(m, n), (n,), (m, n)]
        function = single_op_function([f"{m}x{n}x", f"{n}x", f"{m}x{n}x"], BIAS_RELU, dtype)
    op = linalg_op(function)
    generator = np.random.default_rng(seed)
    element_type = f32 if dtype == "f32" else f16
    batched = [
        to_element_type(generator.standard_normal((cores, *shape)), element_type)
        for shape in shapes
    ]
    (together,) = evaluate(op, batched)
    for core in range(cores):
        (alone,) = evaluate(op, [array[core] for array in batched], core_axis=False)
        np.testing.assert_array_equal(together[core], alone)


def test_shared_operand_broadcasts_over_cores():
    function = single_op_function(["2x3x", "3x2x", "2x2x"], "linalg.matmul " + INS2, "f32")
    op = linalg_op(function)
    lhs = np.arange(24, dtype=np.float32).reshape(4, 2, 3)
    rhs = np.ones((1, 3, 2), np.float32)
    (result,) = evaluate(op, [lhs, rhs, np.zeros((1, 2, 2), np.float32)])
    assert result.shape == (4, 2, 2)
    np.testing.assert_array_equal(result, lhs @ rhs[0])


def test_operand_shape_is_checked():
    function = single_op_function(["2x3x", "3x2x", "2x2x"], "linalg.matmul " + INS2, "f32")
    with pytest.raises(ValueError, match=r"operand 0 of linalg.matmul has shape \[3, 2\]"):
        evaluate(
            linalg_op(function), [np.zeros((1, 3, 2)), np.zeros((1, 3, 2)), np.zeros((1, 2, 2))]
        )


# Half precision held in single precision ------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_round_to_half_is_astype_float16(dtype: type[np.floating]):
    halves = np.arange(2**16, dtype=np.uint16).view(np.float16).astype(dtype)
    finite = np.sort(halves[np.isfinite(halves)])
    middles = (finite[:-1] + finite[1:]) / 2  # ties: to even
    generator = np.random.default_rng(0)
    scaled = generator.standard_normal(100_000) * np.exp(generator.uniform(-30, 13, 100_000))
    for values in (
        halves,
        middles,
        np.nextafter(middles, np.inf),
        np.nextafter(middles, -np.inf),
        scaled.astype(dtype),
        np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 65519.0, 65520.0, -1e9], dtype),
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = values.astype(np.float16).astype(dtype)
        rounded = round_to_half(values)
        assert rounded.dtype == dtype
        np.testing.assert_array_equal(rounded, expected)
        assert (np.signbit(rounded) == np.signbit(expected)).all()


def test_half_in_single_holds_f16_as_float32():
    values = np.array([1.0 + 2**-11, 3e-8, 70000.0], np.float64)
    held = to_element_type(values, f16, half_in_single=True)
    assert held.dtype == np.float32
    with np.errstate(over="ignore"):  # 70000 overflows f16 to inf on purpose
        expected = to_element_type(values, f16).astype(np.float32)
    np.testing.assert_array_equal(held, expected)
