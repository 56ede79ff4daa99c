"""The reference execution of a func (runtime/reference.py)."""

from pathlib import Path

import numpy as np
import pytest
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, bf16, f16, f32, f64, i8, i32
from xdsl.ir import Attribute

from t10.runtime.reference import WEIGHT_STD, random_inputs, run_reference, tolerance
from t10.semantics.linalg_numpy import UnsupportedOpError, to_element_type
from t10.tools.t10_opt import LocatingParser, T10OptMain

CTX = T10OptMain(args=[]).ctx
EXAMPLES = Path(__file__).parent.parent / "examples"

MLP = """
func.func @mlp(%x: tensor<4x6xf32>, %w: tensor<6x3xf32> {t10.weight}) -> tensor<2x2x3xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<4x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%empty : tensor<4x3xf32>) -> tensor<4x3xf32>
  %y = linalg.matmul ins(%x, %w : tensor<4x6xf32>, tensor<6x3xf32>)
      outs(%acc : tensor<4x3xf32>) -> tensor<4x3xf32>
  %bias = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %b = linalg.elementwise <add> indexing_maps = [affine_map<(i, j) -> (i, j)>,
      affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>]
      ins(%y, %bias : tensor<4x3xf32>, tensor<3xf32>) outs(%empty : tensor<4x3xf32>)
      -> tensor<4x3xf32>
  %r = tensor.expand_shape %b [[0, 1], [2]] output_shape [2, 2, 3]
      : tensor<4x3xf32> into tensor<2x2x3xf32>
  func.return %r : tensor<2x2x3xf32>
}
"""


def parse_function(text: str) -> func.FuncOp:
    module = LocatingParser(CTX, text, "test.mlir").parse_module()
    module.verify()
    assert isinstance(module, ModuleOp)
    return next(op for op in module.walk() if isinstance(op, func.FuncOp))


def test_function_runs_on_named_or_ordered_inputs():
    function = parse_function(MLP)
    x = np.arange(24, dtype=np.float32).reshape(4, 6)
    w = np.ones((6, 3), np.float32)
    want = (x @ w + [1.0, 2.0, 3.0]).reshape(2, 2, 3)
    (by_name,) = run_reference(function, {"x": x, "w": w})
    (in_order,) = run_reference(function, [x, w])
    np.testing.assert_array_equal(by_name, want)
    np.testing.assert_array_equal(in_order, want)


def test_inputs_are_checked():
    function = parse_function(MLP)
    with pytest.raises(ValueError, match=r"no input given for arguments \['w'\]"):
        run_reference(function, {"x": np.zeros((4, 6))})
    with pytest.raises(ValueError, match="takes 2 arguments, got 1"):
        run_reference(function, [np.zeros((4, 6))])
    with pytest.raises(ValueError, match=r"input w has shape \[3, 6\]"):
        run_reference(function, [np.zeros((4, 6)), np.zeros((3, 6))])


def test_random_inputs_are_reproducible_and_scaled():
    function = parse_function(
        "func.func @f(%x: tensor<64x96xf32>, %w: tensor<96x64xf16> {t10.weight})"
        " -> tensor<64x96xf32> {\n  func.return %x : tensor<64x96xf32>\n}"
    )
    first = random_inputs(function, seed=5)
    again = random_inputs(function, seed=5)
    other = random_inputs(function, seed=6)
    for array, same in zip(first, again, strict=True):
        np.testing.assert_array_equal(array, same)
    assert not np.array_equal(first[0], other[0])
    activation, weight = first
    assert activation.dtype == np.float32 and activation.shape == (64, 96)
    assert 0.9 < activation.std() < 1.1
    assert weight.dtype == np.float16
    assert 0.5 * WEIGHT_STD < weight.astype(np.float32).std() < 1.5 * WEIGHT_STD


def test_bert_layer_reference_is_finite_in_f16():
    module = LocatingParser(CTX, (EXAMPLES / "bert_base_layer.mlir").read_text()).parse_module()
    function = next(op for op in module.walk() if isinstance(op, func.FuncOp))
    (encoded,) = run_reference(function, random_inputs(function, seed=0))
    assert encoded.dtype == np.float16 and encoded.shape == (1, 128, 768)
    assert np.isfinite(encoded).all()
    assert encoded.std() > 1e-3


@pytest.mark.parametrize(
    ("element_type", "expected"),
    [
        (f16, (2e-2, 2e-2)),
        (bf16, (5e-2, 5e-2)),
        (f32, (1e-4, 1e-5)),
        (f64, (1e-9, 1e-12)),
        (i32, (0.0, 0.0)),
        (i8, (0.0, 0.0)),
    ],
)
def test_tolerance_per_element_type(element_type: Attribute, expected: tuple[float, float]):
    assert tolerance(element_type) == expected


def test_bf16_keeps_eight_bits_of_mantissa():
    rounded = to_element_type(np.array([1.0 + 2.0**-8, 1.0 + 3 * 2.0**-8, 3.0]), bf16)
    np.testing.assert_array_equal(rounded, [1.0, 1.0 + 2.0**-6, 3.0])


def test_integer_inputs_wrap_like_the_chip():
    np.testing.assert_array_equal(to_element_type(np.array([127.9, -1.5, 300]), i8), [127, -1, 44])


PAD = """
func.func @pad(%x: tensor<2x3xf32>) -> tensor<5x4xf32> {
  %fill = arith.constant 7.5 : f32
  %p = tensor.pad %x low[1, 0] high[2, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %fill : f32
  } : tensor<2x3xf32> to tensor<5x4xf32>
  func.return %p : tensor<5x4xf32>
}
"""


def test_pad_surrounds_the_source_with_its_value():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    (padded,) = run_reference(parse_function(PAD), [x])
    expected = np.full((5, 4), 7.5, np.float32)
    expected[1:3, 0:3] = x
    np.testing.assert_array_equal(padded, expected)


def test_pad_with_a_value_computed_per_element_is_unsupported():
    text = PAD.replace(
        "    tensor.yield %fill : f32",
        "    %inner = arith.constant 1.0 : f32\n    tensor.yield %inner : f32",
    )
    with pytest.raises(UnsupportedOpError, match="yields a value computed in its region"):
        run_reference(parse_function(text), [np.zeros((2, 3), np.float32)])
