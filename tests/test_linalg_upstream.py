"""Upstream linalg's convolution, pooling and contraction families, and the
benchmark that measures t10 against upstream's own parser.

Each family is parsed, printed in custom and generic form and reparsed; where
``iree-opt`` (upstream mlir-opt, from the onnx extra) is installed, it must
read t10's printing of every family too.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from linalg_forms import IREE_OPT, assert_round_trips, assert_upstream_parses, parse, printed
from xdsl.utils.exceptions import DiagnosticException, ParseError

from t10.dialects.linalg_ext import ContractOp, FillOp
from t10.passes.iteration_space import iteration_space

BENCHMARK = Path(__file__).parent.parent / "benchmarks" / "upstream_linalg.py"

FAMILIES = {
    "convolution": """
func.func @f(%i: tensor<1x10x10x4xf32>, %k: tensor<3x3x4x8xf32>, %o: tensor<1x4x4x8xf32>,
             %i3: tensor<1x6x6x6x2xf32>, %k3: tensor<3x3x3x2x4xf32>, %o3: tensor<1x4x4x4x4xf32>)
    -> (tensor<1x4x4x8xf32>, tensor<1x4x4x4x4xf32>) {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%i, %k : tensor<1x10x10x4xf32>, tensor<3x3x4x8xf32>) outs(%o : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %1 = linalg.conv_3d_ndhwc_dhwcf ins(%i3, %k3 : tensor<1x6x6x6x2xf32>, tensor<3x3x3x2x4xf32>) outs(%o3 : tensor<1x4x4x4x4xf32>) -> tensor<1x4x4x4x4xf32>
  return %0, %1 : tensor<1x4x4x8xf32>, tensor<1x4x4x4x4xf32>
}
""",  # noqa: E501
    "quantised": """
func.func @f(%i: tensor<1x2x3x9x9xi8>, %k: tensor<2x4x3x3x3xi8>, %izp: i32, %kzp: i32,
             %o: tensor<1x2x4x7x7xi32>) -> tensor<1x2x4x7x7xi32> {
  %0 = linalg.conv_2d_ngchw_gfchw_q ins(%i, %k, %izp, %kzp : tensor<1x2x3x9x9xi8>, tensor<2x4x3x3x3xi8>, i32, i32) outs(%o : tensor<1x2x4x7x7xi32>) -> tensor<1x2x4x7x7xi32>
  return %0 : tensor<1x2x4x7x7xi32>
}
""",  # noqa: E501
    "depthwise": """
func.func @f(%i: memref<2x9x3xf32>, %k: memref<2x3x5xf32>, %o: memref<2x8x3x5xf32>,
             %i2: memref<1x7x7x2xf32>, %k2: memref<3x3x2x4xf32>, %o2: memref<1x3x3x2x4xf32>) {
  linalg.depthwise_conv_1d_nwc_wcm ins(%i, %k : memref<2x9x3xf32>, memref<2x3x5xf32>) outs(%o : memref<2x8x3x5xf32>)
  linalg.depthwise_conv_2d_nhwc_hwcm {strides = dense<2> : tensor<2xi64>} ins(%i2, %k2 : memref<1x7x7x2xf32>, memref<3x3x2x4xf32>) outs(%o2 : memref<1x3x3x2x4xf32>)
  return
}
""",  # noqa: E501
    "pooling": """
func.func @f(%i: tensor<2x12x3xi8>, %w: tensor<4xi8>, %o: tensor<2x5x3xi32>,
             %j: tensor<1x5x5x5x2xf32>, %w3: tensor<2x2x2xf32>, %p: tensor<1x4x4x4x2xf32>)
    -> (tensor<2x5x3xi32>, tensor<1x4x4x4x2xf32>) {
  %0 = linalg.pooling_nwc_max_unsigned {strides = dense<2> : tensor<1xi64>} ins(%i, %w : tensor<2x12x3xi8>, tensor<4xi8>) outs(%o : tensor<2x5x3xi32>) -> tensor<2x5x3xi32>
  %1 = linalg.pooling_ndhwc_min ins(%j, %w3 : tensor<1x5x5x5x2xf32>, tensor<2x2x2xf32>) outs(%p : tensor<1x4x4x4x2xf32>) -> tensor<1x4x4x4x2xf32>
  return %0, %1 : tensor<2x5x3xi32>, tensor<1x4x4x4x2xf32>
}
""",  # noqa: E501
    "contraction": """
func.func @f(%a: tensor<4x6x5xf32>, %b: tensor<4x5x7xf32>, %c: tensor<6x7xf32>,
             %x: tensor<3x8x2x1xf32>, %y: tensor<5x8x4x1xf32>, %z: tensor<3x5x2x4xf32>,
             %v: tensor<2x5xi8>, %m: tensor<2x5x3xi8>, %r: tensor<2x3xi32>)
    -> (tensor<6x7xf32>, tensor<6x7xf32>, tensor<3x5x2x4xf32>, tensor<2x3xi32>) {
  %0 = linalg.batch_reduce_matmul ins(%a, %b : tensor<4x6x5xf32>, tensor<4x5x7xf32>) outs(%c : tensor<6x7xf32>) -> tensor<6x7xf32>
  %1 = linalg.contract indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>, affine_map<(d0, d1, d2, d3) -> (d1, d2)>] ins(%a, %b : tensor<4x6x5xf32>, tensor<4x5x7xf32>) outs(%c : tensor<6x7xf32>) -> tensor<6x7xf32>
  %2 = linalg.mmt4d ins(%x, %y : tensor<3x8x2x1xf32>, tensor<5x8x4x1xf32>) outs(%z : tensor<3x5x2x4xf32>) -> tensor<3x5x2x4xf32>
  %3 = linalg.batch_vecmat ins(%v, %m : tensor<2x5xi8>, tensor<2x5x3xi8>) outs(%r : tensor<2x3xi32>) -> tensor<2x3xi32>
  return %0, %1, %2, %3 : tensor<6x7xf32>, tensor<6x7xf32>, tensor<3x5x2x4xf32>, tensor<2x3xi32>
}
""",  # noqa: E501
    "fill": """
func.func @f(%v: vector<2x4xf32>, %s: i8) -> (tensor<3xvector<2x4xf32>>, tensor<3xi8>) {
  %e = tensor.empty() : tensor<3xvector<2x4xf32>>
  %0 = linalg.fill ins(%v : vector<2x4xf32>) outs(%e : tensor<3xvector<2x4xf32>>) -> tensor<3xvector<2x4xf32>>
  %f = tensor.empty() : tensor<3xi8>
  %1 = linalg.fill ins(%s : i8) outs(%f : tensor<3xi8>) -> tensor<3xi8>
  return %0, %1 : tensor<3xvector<2x4xf32>>, tensor<3xi8>
}
""",  # noqa: E501
}


@pytest.mark.parametrize("family", FAMILIES)
def test_custom_and_generic_forms_round_trip(family: str):
    assert_round_trips(FAMILIES[family])


@pytest.mark.skipif(not IREE_OPT.is_file(), reason="iree-opt not installed (onnx extra)")
@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("generic", [False, True], ids=["custom", "generic"])
def test_upstream_parses_t10_printing(family: str, generic: bool):
    assert_upstream_parses(FAMILIES[family], generic)


def test_conv_maps_follow_strides_and_dilations():
    module = parse(FAMILIES["convolution"])
    conv = next(op for op in module.walk() if op.name == "linalg.conv_2d_nhwc_hwcf")
    input_map = str(conv.get_indexing_maps().data[0].data)  # pyright: ignore[reportAttributeAccessIssue]
    assert input_map == "(d0, d1, d2, d3, d4, d5, d6) -> (d0, (d1 + (d4 * 2)), (d2 + (d5 * 2)), d6)"


def test_contract_iterators_follow_the_output_map():
    module = parse(FAMILIES["contraction"])
    contract = next(op for op in module.walk() if isinstance(op, ContractOp))
    kinds = [kind.data.value for kind in contract.get_iterator_types()]
    assert kinds == ["reduction", "parallel", "parallel", "reduction"]
    space = iteration_space(contract)
    assert space is not None


def test_fill_of_vectors_yields_the_value():
    module = parse(FAMILIES["fill"])
    fill = next(op for op in module.walk() if isinstance(op, FillOp))
    (yielded,) = fill.regions[0].block.ops
    assert tuple(yielded.operands) == (fill.regions[0].block.args[0],)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            """
#in = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2 + d5, d6)>
#k = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5, d6, d3)>
#out = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
func.func @f(%i: tensor<1x6x6x2xf32>, %k: tensor<3x3x2x4xf32>, %o: tensor<1x4x4x4xf32>) {
  %0 = "linalg.conv_2d_nhwc_hwcf"(%i, %k, %o) <{operandSegmentSizes = array<i32: 2, 1>}> ({
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  }) {linalg.memoized_indexing_maps = [#in, #k, #out]} : (tensor<1x6x6x2xf32>, tensor<3x3x2x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return
}
""",  # noqa: E501
            "unexpected input index map for convolutions",
        ),
        (
            """
func.func @f(%a: tensor<4x5xf32>, %b: tensor<5x6xf32>, %c: tensor<4x6xf32>) {
  %0 = linalg.contract ins(%a, %b : tensor<4x5xf32>, tensor<5x6xf32>) outs(%c : tensor<4x6xf32>) -> tensor<4x6xf32>
  return
}
""",  # noqa: E501
            r"'linalg.contract' expects indexing_maps = \[\.\.\.\]",
        ),
        (
            """
func.func @f(%v: i8, %o: tensor<3xf32>) {
  %0 = linalg.fill ins(%v : i8) outs(%o : tensor<3xf32>) -> tensor<3xf32>
  return
}
""",
            r"expected fill value type \(i8\) to match output element type \(f32\)",
        ),
        (
            """
func.func @f(%i: tensor<1x9x2xf32>, %w: tensor<3xf32>, %o: tensor<1x7x2xf32>) {
  %0 = linalg.pooling_nwc_sum {strides = dense<1> : tensor<2xi64>} ins(%i, %w : tensor<1x9x2xf32>, tensor<3xf32>) outs(%o : tensor<1x7x2xf32>) -> tensor<1x7x2xf32>
  return
}
""",  # noqa: E501
            r"expected strides to have 1 element\(s\)",
        ),
    ],
    ids=["conv-input-map", "contract-without-maps", "fill-type", "pool-strides"],
)
def test_invalid_ops_are_rejected_with_a_diagnostic(text: str, message: str):
    with pytest.raises((ParseError, DiagnosticException), match=message):
        parse(text)


def test_named_op_properties_may_be_written_apart():
    """``<{cast = ...}>`` is the same unsigned matmul as ``{cast = ...}``."""
    operands = (
        "ins(%a, %b : tensor<4x3xi8>, tensor<3x5xi8>) outs(%c : tensor<4x5xi32>) -> tensor<4x5xi32>"
    )
    function = (
        "func.func @f(%a: tensor<4x3xi8>, %b: tensor<3x5xi8>, %c: tensor<4x5xi32>) {{\n"
        "  %0 = linalg.matmul {} " + operands + "\n  return\n}}"
    )
    apart = parse(function.format("<{cast = #linalg.type_fn<cast_unsigned>}>"))
    together = parse(function.format("{cast = #linalg.type_fn<cast_unsigned>}"))
    assert printed(apart) == printed(together)
    assert "arith.extui" in printed(apart, generic=True)
    with pytest.raises(ParseError, match=r"'linalg\.matmul' has no property 'colour'"):
        parse(function.format("<{colour = 1}>"))


OWN_CHUNKS = """// a header chunk of comments only

// -----

func.func @pool(%i: tensor<1x9x2xf32>, %w: tensor<3xf32>, %o: tensor<1x7x2xf32>) -> tensor<1x7x2xf32> {
  %0 = linalg.pooling_nwc_max ins(%i, %w : tensor<1x9x2xf32>, tensor<3xf32>) outs(%o : tensor<1x7x2xf32>) -> tensor<1x7x2xf32>
  return %0 : tensor<1x7x2xf32>
}

// -----

func.func @not_an_op(%a: tensor<4xf32>) {
  linalg.no_such_op ins(%a : tensor<4xf32>)
  return
}

// -----

func.func @upstream_rejects(%i: tensor<1x9x2xf32>, %w: tensor<3xf32>, %o: tensor<1x7x2xf32>) {
  linalg.pooling_nwc_max ins(%i, %w : tensor<1x9x2xf32>, tensor<3xf32>) outs(%o : tensor<1x7x2xf32>)
  return
}
"""  # noqa: E501


def load_benchmark():
    spec = importlib.util.spec_from_file_location("upstream_linalg", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["upstream_linalg"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not IREE_OPT.is_file(), reason="iree-opt not installed (onnx extra)")
def test_benchmark_counts_our_own_chunks(tmp_path: Path):
    chunks = tmp_path / "own.mlir"
    chunks.write_text(OWN_CHUNKS)
    benchmark = load_benchmark()
    results = benchmark.measure([chunks], str(IREE_OPT))[str(chunks)]
    assert [c.upstream_accepts for c in results] == [True, True, False, False]
    assert [c.t10_parses for c in results] == [True, True, False, False]
    assert [c.round_trips for c in results] == [True, True, False, False]
    assert all(c.upstream_reads_custom and c.upstream_reads_generic for c in results[:2])
    assert not any(c.traceback for c in results)
    assert "linalg.no_such_op is not registered" in results[2].t10_error
    assert benchmark.failures(results) == []
    report = benchmark.report({str(chunks): results}, list_failures=True)
    assert "t10 parses 2 of the 2 chunks upstream accepts (100 %)" in report


def test_benchmark_skips_without_iree_opt(tmp_path: Path):
    completed = subprocess.run(
        [sys.executable, str(BENCHMARK), str(tmp_path), "--iree-opt", str(tmp_path / "none")],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0
    assert "skipped: iree-opt not found" in completed.stderr
