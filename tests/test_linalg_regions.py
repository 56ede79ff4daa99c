# pyright: strict
"""Upstream linalg's ops with a written body: ``linalg.generic`` (trait aliases,
several results), ``linalg.map`` (short and long forms), ``linalg.reduce``
(several inputs and inits) and ``linalg.index`` inside any of them.

Each form is parsed, printed in custom and generic form and reparsed; where
``iree-opt`` (upstream mlir-opt, from the onnx extra) is installed it must read
t10's printing too; upstream's verifier rules give their messages; and the
reference runtime computes what the bodies say.
"""

from __future__ import annotations

import subprocess
from typing import TypeVar

import numpy as np
import pytest
from linalg_forms import (
    IREE_OPT,
    anonymised,
    assert_round_trips,
    assert_upstream_parses,
    parse,
    printed,
)
from xdsl.dialects import arith, func, math
from xdsl.dialects.builtin import ModuleOp
from xdsl.dialects.linalg.ops import GenericOp as XdslGenericOp
from xdsl.dialects.linalg.ops import IndexOp as XdslIndexOp
from xdsl.ir import Operation
from xdsl.utils.exceptions import DiagnosticException, ParseError

from t10.dialects.linalg_ext import GenericOp, MapOp, ReduceOp
from t10.runtime.reference import run_reference

OpT = TypeVar("OpT", bound=Operation)

FORMS = {
    "generic-trait-alias": """
#maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> ()>, affine_map<(i, j) -> (j, i)>]
#trait = {indexing_maps = #maps, iterator_types = ["parallel", "parallel"], doc = "scaled transpose", tag = 7}
func.func @f(%x: tensor<3x4xf32>, %s: f32, %o: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %0 = linalg.generic #trait ins(%x, %s : tensor<3x4xf32>, f32) outs(%o : tensor<4x3xf32>) attrs = {note = "kept"} {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}
""",  # noqa: E501
    "generic-two-results": """
func.func @f(%x: tensor<5x6xf32>, %m: tensor<5xf32>, %i: tensor<5xi32>) -> (tensor<5xf32>, tensor<5xi32>) {
  %0:2 = linalg.generic {indexing_maps = [affine_map<(r, c) -> (r, c)>, affine_map<(r, c) -> (r)>, affine_map<(r, c) -> (r)>], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<5x6xf32>) outs(%m, %i : tensor<5xf32>, tensor<5xi32>) {
  ^bb0(%v: f32, %best: f32, %at: i32):
    %c = linalg.index 1 : index
    %ci = arith.index_cast %c : index to i32
    %gt = arith.cmpf ogt, %v, %best : f32
    %nb = arith.select %gt, %v, %best : f32
    %ni = arith.select %gt, %ci, %at : i32
    linalg.yield %nb, %ni : f32, i32
  } -> (tensor<5xf32>, tensor<5xi32>)
  return %0#0, %0#1 : tensor<5xf32>, tensor<5xi32>
}
""",  # noqa: E501
    "generic-memref": """
func.func @f(%x: memref<4xvector<2xf32>>, %o: memref<4x3xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"], library_call = "external"} ins(%x : memref<4xvector<2xf32>>) outs(%o : memref<4x3xf32>) {
  ^bb0(%a: vector<2xf32>, %b: f32):
    linalg.yield %b : f32
  }
  return
}
""",  # noqa: E501
    "map": """
func.func @f(%a: tensor<8x4xf32>, %b: tensor<8x4xf32>, %o: tensor<8x4xf32>, %m: memref<8xf32>, %n: memref<8xf32>) -> (tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>) {
  %0 = linalg.map { arith.subf } ins(%a, %b : tensor<8x4xf32>, tensor<8x4xf32>) outs(%o : tensor<8x4xf32>)
  %1 = linalg.map { math.exp {fastmath = #arith.fastmath<fast>} } ins(%0 : tensor<8x4xf32>) outs(%o : tensor<8x4xf32>)
  %2 = linalg.map outs(%o : tensor<8x4xf32>)
    (%out: f32) {
      %r = linalg.index 0 : index
      %ri = arith.index_cast %r : index to i32
      %rf = arith.sitofp %ri : i32 to f32
      linalg.yield %rf : f32
    }
  linalg.map { math.absf } ins(%m : memref<8xf32>) outs(%n : memref<8xf32>)
  return %0, %1, %2 : tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>
}
""",  # noqa: E501
    "reduce": """
func.func @f(%x: tensor<4x6x5xf32>, %k: tensor<4x6x5xi32>, %s: tensor<4x5xf32>, %c: tensor<4x5xi32>, %m: memref<4x6xf16>, %n: memref<6xf16>) -> (tensor<4x5xf32>, tensor<4x5xi32>, tensor<4x5xf32>) {
  %0:2 = linalg.reduce ins(%x, %k : tensor<4x6x5xf32>, tensor<4x6x5xi32>) outs(%s, %c : tensor<4x5xf32>, tensor<4x5xi32>) dimensions = [1]
    (%v: f32, %w: i32, %acc: f32, %cnt: i32) {
      %a = arith.addf %v, %acc : f32
      %b = arith.addi %w, %cnt : i32
      linalg.yield %a, %b : f32, i32
    }
  %1 = linalg.reduce { arith.maximumf } ins(%x : tensor<4x6x5xf32>) outs(%s : tensor<4x5xf32>) dimensions = [1] {tag = 1 : i64}
  linalg.reduce { arith.addf } ins(%m : memref<4x6xf16>) outs(%n : memref<6xf16>) dimensions = [0]
  return %0#0, %0#1, %1 : tensor<4x5xf32>, tensor<4x5xi32>, tensor<4x5xf32>
}
""",  # noqa: E501
}


def only(module: ModuleOp, kind: type[OpT]) -> list[OpT]:
    return [op for op in module.walk() if isinstance(op, kind)]


@pytest.mark.parametrize("form", FORMS)
def test_custom_and_generic_forms_round_trip(form: str):
    assert_round_trips(FORMS[form])


@pytest.mark.skipif(not IREE_OPT.is_file(), reason="iree-opt not installed (onnx extra)")
@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("generic", [False, True], ids=["custom", "generic"])
def test_upstream_parses_t10_printing(form: str, generic: bool):
    assert_upstream_parses(FORMS[form], generic)


@pytest.mark.skipif(not IREE_OPT.is_file(), reason="iree-opt not installed (onnx extra)")
@pytest.mark.parametrize("form", FORMS)
def test_t10_reads_upstream_printing(form: str):
    """Upstream's own custom printing of each form parses, to what t10 reads from
    upstream's generic printing of it."""
    completed = subprocess.run(
        [str(IREE_OPT), "-", "--mlir-print-op-generic", "--mlir-print-local-scope"],
        input=FORMS[form],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr
    upstream = subprocess.run(
        [str(IREE_OPT), "-"], input=FORMS[form], capture_output=True, text=True, check=True
    ).stdout
    ours = parse(upstream)
    reread = parse(completed.stdout)
    assert anonymised(printed(ours)) == anonymised(printed(reread))


def test_generic_is_xdsl_generic_and_keeps_trait_extras():
    module = parse(FORMS["generic-trait-alias"])
    (generic,) = only(module, GenericOp)
    assert isinstance(generic, XdslGenericOp)
    assert generic.doc is not None and generic.doc.data == "scaled transpose"
    assert set(generic.attributes) == {"tag", "note"}
    assert [str(kind.data) for kind in generic.iterator_types] == ["parallel", "parallel"]
    text = printed(module)
    assert 'doc = "scaled transpose"' in text and "attrs =  {tag = 7 : i64, note" in text


def test_two_result_generic_prints_its_results_parenthesised():
    module = parse(FORMS["generic-two-results"])
    (generic,) = only(module, GenericOp)
    assert [str(result.type) for result in generic.results] == ["tensor<5xf32>", "tensor<5xi32>"]
    assert "} -> (tensor<5xf32>, tensor<5xi32>)" in printed(module)


def test_xdsl_unparenthesised_results_still_read():
    """xDSL 0.74 wrote several results without parentheses; t10's own text has them."""
    text = FORMS["generic-two-results"].replace(
        "} -> (tensor<5xf32>, tensor<5xi32>)", "} -> tensor<5xf32>, tensor<5xi32>"
    )
    assert printed(parse(text)) == printed(parse(FORMS["generic-two-results"]))


def test_map_short_form_applies_the_payload_to_the_inputs():
    module = parse(FORMS["map"])
    subtract, exponential, indexed, absolute = only(module, MapOp)
    payload, _ = subtract.mapper.block.ops
    assert isinstance(payload, arith.SubfOp)
    assert tuple(payload.operands) == tuple(subtract.mapper.block.args[:2])
    payload, _ = exponential.mapper.block.ops
    assert isinstance(payload, math.ExpOp) and str(payload.fastmath) == "#arith.fastmath<fast>"
    assert isinstance(indexed.mapper.block.first_op, XdslIndexOp)
    assert absolute.result == ()
    text = printed(module)
    assert "linalg.map { arith.subf } ins(" in text
    assert "linalg.map { math.exp {fastmath = #arith.fastmath<fast>} } ins(" in text
    assert "linalg.map outs(%o : tensor<8x4xf32>) (%out: f32) {" in text


def test_map_is_structured_with_identity_maps():
    (mapped, *_) = only(parse(FORMS["map"]), MapOp)
    assert [str(m.data) for m in mapped.get_indexing_maps()] == ["(d0, d1) -> (d0, d1)"] * 3
    assert mapped.get_static_loop_ranges() == (8, 4)


def test_reduce_with_two_inputs_is_one_structured_op():
    module = parse(FORMS["reduce"])
    two, single, into_memref = only(module, ReduceOp)
    assert len(two.inputs) == 2 and len(two.outputs) == 2 and len(two.res) == 2
    maps = [str(m.data) for m in two.get_indexing_maps()]
    assert maps == ["(d0, d1, d2) -> (d0, d1, d2)"] * 2 + ["(d0, d1, d2) -> (d0, d2)"] * 2
    assert [str(kind.data) for kind in two.get_iterator_types()] == [
        "parallel",
        "reduction",
        "parallel",
    ]
    assert single.attributes["tag"] is not None
    assert into_memref.res == ()
    text = printed(module)
    assert "linalg.reduce ins(%x, %k : " in text
    assert "linalg.reduce { arith.maximumf } ins(%x : " in text


def test_reference_runs_map_and_variadic_reduce():
    function = parse_function(
        """
func.func @f(%a: tensor<3x4xf32>, %b: tensor<3x4xf32>, %s: tensor<3xf32>, %c: tensor<3xi32>) -> (tensor<3x4xf32>, tensor<3xf32>, tensor<3xi32>) {
  %e = tensor.empty() : tensor<3x4xf32>
  %d = linalg.map { arith.subf } ins(%a, %b : tensor<3x4xf32>, tensor<3x4xf32>) outs(%e : tensor<3x4xf32>)
  %w = linalg.map ins(%d : tensor<3x4xf32>) outs(%e : tensor<3x4xf32>)
    (%x: f32, %o: f32) {
      %j = linalg.index 1 : index
      %ji = arith.index_cast %j : index to i32
      %jf = arith.sitofp %ji : i32 to f32
      %y = arith.mulf %x, %jf : f32
      linalg.yield %y : f32
    }
  %ones = arith.constant dense<1> : tensor<3x4xi32>
  %r:2 = linalg.reduce ins(%w, %ones : tensor<3x4xf32>, tensor<3x4xi32>) outs(%s, %c : tensor<3xf32>, tensor<3xi32>) dimensions = [1]
    (%x: f32, %one: i32, %acc: f32, %count: i32) {
      %sum = arith.addf %x, %acc : f32
      %n = arith.addi %one, %count : i32
      linalg.yield %sum, %n : f32, i32
    }
  return %w, %r#0, %r#1 : tensor<3x4xf32>, tensor<3xf32>, tensor<3xi32>
}
"""  # noqa: E501
    )
    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal((3, 4)).astype(np.float32) for _ in range(2))
    start = np.array([1.0, 2.0, 3.0], np.float32)
    weighted, sums, counts = run_reference(function, [a, b, start, np.full(3, 10, np.int32)])
    expected = (a - b) * np.arange(4, dtype=np.float32)
    np.testing.assert_allclose(weighted, expected, rtol=1e-6)
    np.testing.assert_allclose(sums, start + expected.sum(axis=1), rtol=1e-5)
    np.testing.assert_array_equal(counts, [14, 14, 14])


def test_reference_pools_unsigned_as_unsigned():
    """``pooling_*_max_unsigned`` reads -1 as the largest i8, not the smallest."""
    function = parse_function(
        """
func.func @f(%i: tensor<1x4x1xi8>, %w: tensor<2xi8>, %o: tensor<1x3x1xi8>) -> (tensor<1x3x1xi8>, tensor<1x3x1xi8>) {
  %0 = linalg.pooling_nwc_max_unsigned ins(%i, %w : tensor<1x4x1xi8>, tensor<2xi8>) outs(%o : tensor<1x3x1xi8>) -> tensor<1x3x1xi8>
  %1 = linalg.pooling_nwc_min_unsigned ins(%i, %w : tensor<1x4x1xi8>, tensor<2xi8>) outs(%o : tensor<1x3x1xi8>) -> tensor<1x3x1xi8>
  return %0, %1 : tensor<1x3x1xi8>, tensor<1x3x1xi8>
}
"""  # noqa: E501
    )
    values = np.array([5, -1, 3, 7], np.int8).reshape(1, 4, 1)
    start = np.array([0, 0, 0], np.int8).reshape(1, 3, 1)
    maxima, minima = run_reference(function, [values, np.zeros(2, np.int8), start])
    unsigned = values.view(np.uint8)[0, :, 0]
    windows = np.stack([unsigned[:-1], unsigned[1:]])
    assert maxima.view(np.uint8).ravel().tolist() == windows.max(axis=0).tolist()
    assert minima.view(np.uint8).ravel().tolist() == [0, 0, 0]


def parse_function(text: str) -> func.FuncOp:
    (function,) = only(parse(text), func.FuncOp)
    return function


GENERIC_HEAD = (
    "linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], "
    'iterator_types = ["parallel"]} ins(%a : tensor<4xf32>) outs(%b : tensor<4xf32>)'
)
REDUCE_HEAD = "linalg.reduce ins(%x : tensor<4x6xf32>) outs(%r : tensor<4xf32>)"


def in_function(body: str) -> str:
    return (
        "func.func @f(%a: tensor<4xf32>, %b: tensor<4xf32>, %x: tensor<4x6xf32>, "
        "%y: tensor<4x7xf32>, %r: tensor<4xf32>, %q: tensor<6xf32>, %m: memref<4xf32>) {\n"
        f"{body}\n  return\n}}"
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            f"%0 = {GENERIC_HEAD} {{\n^bb0(%u: f32, %v: f32):\n  linalg.yield %u, %v : f32, f32\n}}"
            " -> tensor<4xf32>",
            r"expected number of yield values \(2\) to match the number of inits / outs "
            r"operands of the enclosing LinalgOp \(1\)",
        ),
        (
            f"%0 = {GENERIC_HEAD} {{\n^bb0(%u: f32, %v: f32):\n  %c = arith.constant 1 : i32\n"
            "  linalg.yield %c : i32\n} -> tensor<4xf32>",
            r"type of yield operand 1 \(i32\) doesn't match the element type of the "
            r"enclosing linalg.generic op \(f32\)",
        ),
        (
            f"%0:2 = {GENERIC_HEAD} {{\n^bb0(%u: f32, %v: f32):\n  linalg.yield %u : f32\n}}"
            " -> (tensor<4xf32>, tensor<4xf32>)",
            r"expected the number of tensor results \(2\) to be equal to the number of "
            r"output tensors \(1\)",
        ),
        (
            "%0 = linalg.generic #trait ins(%a : tensor<4xf32>) outs(%b : tensor<4xf32>) {\n"
            "^bb0(%u: f32, %v: f32):\n  linalg.yield %u : f32\n} -> tensor<4xf32>",
            r"expected a dictionary of linalg traits",
        ),
        (
            GENERIC_HEAD.replace('"parallel"', '"sideways"')
            + " {\n^bb0(%u: f32, %v: f32):\n  linalg.yield %u : f32\n} -> tensor<4xf32>",
            r"unexpected iterator_type \(sideways\)",
        ),
        (
            f"%0 = {GENERIC_HEAD} {{\n^bb0(%u: f32, %v: f32):\n  %i = linalg.index 1 : index\n"
            "  linalg.yield %u : f32\n} -> tensor<4xf32>",
            r"expected dim \(1\) to be lower than the number of loops \(1\) of the "
            r"enclosing LinalgOp",
        ),
        (
            "%0 = linalg.map ins(%a : tensor<4xf32>) outs(%b : tensor<4xf32>)\n"
            "  (%u: f32) {\n  linalg.yield %u : f32\n}",
            r"expects number of operands to match the arity of mapper, but got: 2 and 1",
        ),
        (
            "%0 = linalg.map ins(%a : tensor<4xf32>) outs(%b : tensor<4xf32>)\n"
            "  (%u: i32, %v: f32) {\n  linalg.yield %v : f32\n}",
            r"expected element type of input f32 to match bbArg type i32",
        ),
        (
            "%0 = linalg.map { arith.negf } ins(%x : tensor<4x6xf32>) outs(%b : tensor<4xf32>)",
            r"expected shape of input \(\[4, 6\]\) to match shape of output \(\[4\]\)",
        ),
        (
            "linalg.map { arith.negf } ins(%a : tensor<4xf32>) outs(%m : memref<4xf32>)",
            r"expected to have pure tensor or buffer semantics",
        ),
        (
            "%0:2 = linalg.reduce ins(%x, %y : tensor<4x6xf32>, tensor<4x7xf32>) "
            "outs(%r, %r : tensor<4xf32>, tensor<4xf32>) dimensions = [1]\n"
            "  (%u: f32, %v: f32, %s: f32, %t: f32) {\n  linalg.yield %s, %t : f32, f32\n}",
            r"expects all inputs to have the same shapes. Shape at input-index 1 is not "
            r"equal to the shape at input-index 0.",
        ),
        (
            "%0:2 = linalg.reduce ins(%x : tensor<4x6xf32>) outs(%r, %r : tensor<4xf32>, "
            "tensor<4xf32>) dimensions = [1]\n  (%u: f32, %s: f32, %t: f32) {\n"
            "  linalg.yield %s, %t : f32, f32\n}",
            r"expected equal number of inputs and outputs, at least one, got 1 input\(s\) "
            r"and 2 output\(s\)",
        ),
        (
            f"%0 = {REDUCE_HEAD} dimensions = [1, 0]\n  (%u: f32, %s: f32) {{\n"
            "  linalg.yield %s : f32\n}",
            r"attribute 'dimensions' \[1, 0\] should be in increasing order",
        ),
        (
            f"%0 = {REDUCE_HEAD} dimensions = [2]\n  (%u: f32, %s: f32) {{\n"
            "  linalg.yield %s : f32\n}",
            r"dimensions for reduction should be in the range \[0, 1\]\.",
        ),
        (
            "%0 = linalg.reduce { arith.addf } ins(%x : tensor<4x6xf32>) "
            "outs(%q : tensor<6xf32>) dimensions = [1]",
            r"init dimensions \[6\] doesn't match input dimensions after reduction \[4\]",
        ),
        (
            f"%0 = {REDUCE_HEAD} dimensions = [1]\n  (%u: f32) {{\n  linalg.yield %u : f32\n}}",
            r"mismatching number of operands and block arguments",
        ),
        (
            f"%0 = {REDUCE_HEAD} dimensions = [1]\n  (%u: f16, %s: f32) {{\n"
            "  linalg.yield %s : f32\n}",
            r"input element type f32 does not match corresponding block argument type f16",
        ),
    ],
    ids=[
        "generic-yield-count",
        "generic-yield-type",
        "generic-results",
        "generic-trait-not-a-dictionary",
        "generic-iterator",
        "index-dim",
        "map-arity",
        "map-argument-type",
        "map-shape",
        "map-semantics",
        "reduce-input-shapes",
        "reduce-counts",
        "reduce-order",
        "reduce-range",
        "reduce-init-shape",
        "reduce-block-arguments",
        "reduce-argument-type",
    ],
)
def test_upstream_rules_are_enforced_with_its_messages(body: str, message: str):
    text = in_function(body)
    if "#trait" in body:
        text = "#trait = [1, 2]\n" + text
    with pytest.raises((ParseError, DiagnosticException), match=message):
        parse(text)
