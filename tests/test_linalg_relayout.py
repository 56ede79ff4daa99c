# pyright: strict
"""Upstream linalg's relayout ops (``linalg.pack``/``linalg.unpack``), the Winograd
transforms, contractions on complex numbers and ``memref.transpose``.

Each is parsed, printed in custom and generic form and reparsed; where ``iree-opt``
(upstream mlir-opt, from the onnx extra) is installed it must read t10's printing;
upstream's verifier rules give their messages; and the planner refuses the ops it
cannot distribute with a located error naming them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from linalg_forms import (
    IREE_OPT,
    anonymised,
    assert_round_trips,
    assert_upstream_parses,
    parse,
    printed,
)
from xdsl.dialects import complex
from xdsl.utils.exceptions import DiagnosticException, ParseError

from t10.dialects.linalg_ext import MatmulOp
from t10.dialects.linalg_relayout import PackOp, UnPackOp, WinogradInputTransformOp

BIN = Path(sys.executable).parent

FORMS = {
    "pack": """
func.func @f(%s: tensor<30x64xf32>, %d: tensor<4x8x4x16xf32>, %pad: f32, %tile: index,
             %dd: tensor<4x?x8x?xf32>, %m: memref<32x64xi8>, %md: memref<4x2x8x32xi8>)
    -> (tensor<4x8x4x16xf32>, tensor<4x?x8x?xf32>) {
  %0 = linalg.pack %s padding_value(%pad : f32) outer_dims_perm = [1, 0] inner_dims_pos = [0, 1] inner_tiles = [4, 16] into %d {tag} : tensor<30x64xf32> -> tensor<4x8x4x16xf32>
  %1 = linalg.pack %s padding_value(%pad : f32) inner_dims_pos = [0, 1] inner_tiles = [8, %tile] into %dd : tensor<30x64xf32> -> tensor<4x?x8x?xf32>
  linalg.pack %m inner_dims_pos = [0, 1] inner_tiles = [8, 32] into %md : memref<32x64xi8> -> memref<4x2x8x32xi8>
  return %0, %1 : tensor<4x8x4x16xf32>, tensor<4x?x8x?xf32>
}
""",  # noqa: E501
    "unpack": """
func.func @f(%p: tensor<4x8x4x16xf32>, %u: tensor<30x64xf32>, %q: tensor<2x3x4xf32>, %v: tensor<2x12xf32>)
    -> (tensor<30x64xf32>, tensor<2x12xf32>) {
  %0 = linalg.unpack %p outer_dims_perm = [1, 0] inner_dims_pos = [0, 1] inner_tiles = [4, 16] into %u : tensor<4x8x4x16xf32> -> tensor<30x64xf32>
  %1 = linalg.unpack %q inner_dims_pos = [1] inner_tiles = [4] into %v : tensor<2x3x4xf32> -> tensor<2x12xf32>
  return %0, %1 : tensor<30x64xf32>, tensor<2x12xf32>
}
""",  # noqa: E501
    "winograd": """
func.func @f(%k: tensor<8x3x3x4xf32>, %kt: tensor<6x6x4x8xf32>, %k1: tensor<8x1x3x4xf32>, %kt1: tensor<1x6x4x8xf32>,
             %i: tensor<2x10x10x4xf32>, %it: tensor<6x6x2x2x2x4xf32>, %o: tensor<6x6x2x2x2x8xf32>, %ot: tensor<2x8x8x8xf32>,
             %di: tensor<?x?x?x?xf32>, %dit: tensor<4x4x?x?x?x?xf32>)
    -> (tensor<6x6x4x8xf32>, tensor<1x6x4x8xf32>, tensor<6x6x2x2x2x4xf32>, tensor<2x8x8x8xf32>, tensor<4x4x?x?x?x?xf32>) {
  %0 = linalg.winograd_filter_transform fmr(F_4_3) ins(%k : tensor<8x3x3x4xf32>) outs(%kt : tensor<6x6x4x8xf32>) -> tensor<6x6x4x8xf32>
  %1 = linalg.winograd_filter_transform {tag} fmr(F_4_3) ins(%k1 : tensor<8x1x3x4xf32>) outs(%kt1 : tensor<1x6x4x8xf32>) -> tensor<1x6x4x8xf32>
  %2 = linalg.winograd_input_transform fmr(F_4_3) ins(%i : tensor<2x10x10x4xf32>) outs(%it : tensor<6x6x2x2x2x4xf32>) -> tensor<6x6x2x2x2x4xf32>
  %3 = linalg.winograd_output_transform fmr(F_4_3) ins(%o : tensor<6x6x2x2x2x8xf32>) outs(%ot : tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32>
  %4 = linalg.winograd_input_transform fmr(F_2_3) ins(%di : tensor<?x?x?x?xf32>) outs(%dit : tensor<4x4x?x?x?x?xf32>) -> tensor<4x4x?x?x?x?xf32>
  return %0, %1, %2, %3, %4 : tensor<6x6x4x8xf32>, tensor<1x6x4x8xf32>, tensor<6x6x2x2x2x4xf32>, tensor<2x8x8x8xf32>, tensor<4x4x?x?x?x?xf32>
}
""",  # noqa: E501
    "memref-transpose": """
func.func @f(%m: memref<4x5x6xf32>, %d: memref<?x?x?xf32, strided<[?, ?, 1]>>) {
  %0 = memref.transpose %m (i, j, k) -> (k, i, j) : memref<4x5x6xf32> to memref<6x4x5xf32, strided<[1, 30, 6]>>
  %1 = memref.transpose %d (i, j, k) -> (k, j, i) : memref<?x?x?xf32, strided<[?, ?, 1]>> to memref<?x?x?xf32, strided<[1, ?, ?]>>
  %2 = memref.transpose %m (i, j, k) -> (i, j, k) : memref<4x5x6xf32> to memref<4x5x6xf32>
  return
}
""",  # noqa: E501
    "complex-matmul": """
func.func @f(%a: tensor<4x3xcomplex<f32>>, %b: tensor<3x5xcomplex<f32>>, %c: tensor<4x5xcomplex<f32>>) -> tensor<4x5xcomplex<f32>> {
  %0 = linalg.matmul ins(%a, %b : tensor<4x3xcomplex<f32>>, tensor<3x5xcomplex<f32>>) outs(%c : tensor<4x5xcomplex<f32>>) -> tensor<4x5xcomplex<f32>>
  return %0 : tensor<4x5xcomplex<f32>>
}
""",  # noqa: E501
}


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
def test_t10_reads_upstream_generic_printing_as_the_same_ops(form: str):
    completed = subprocess.run(
        [str(IREE_OPT), "-", "--mlir-print-op-generic"],
        input=printed(parse(FORMS[form])),
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr
    assert anonymised(printed(parse(completed.stdout))) == anonymised(printed(parse(FORMS[form])))


def test_pack_keeps_tiles_padding_and_permutation():
    module = parse(FORMS["pack"])
    padded, dynamic, into_memref = [op for op in module.walk() if isinstance(op, PackOp)]
    assert padded.padding_value is not None
    assert list(padded.static_inner_tiles.get_values()) == [4, 16]
    assert padded.outer_dims_perm is not None
    assert list(padded.outer_dims_perm.get_values()) == [1, 0]
    assert padded.packed_shape([30, 64]) == [4, 8, 4, 16]
    assert len(dynamic.inner_tiles) == 1 and dynamic.static_tiles()[1] < 0
    assert into_memref.result is None
    text = printed(module)
    assert "inner_tiles = [8, %tile] into %dd" in text
    assert "padding_value(%pad : f32) outer_dims_perm = [1, 0] inner_dims_pos = [0, 1]" in text


def test_unpack_may_drop_the_padding_of_the_last_tiles():
    module = parse(FORMS["unpack"])
    dropping, _ = [op for op in module.walk() if isinstance(op, UnPackOp)]
    assert dropping.packed_shape([30, 64]) == [4, 8, 4, 16]


def test_winograd_fmr_is_upstream_enum_by_name_and_number():
    module = parse(FORMS["winograd"])
    transforms = [op for op in module.walk() if isinstance(op, WinogradInputTransformOp)]
    assert [op.fmr_name() for op in transforms] == ["F_4_3", "F_2_3"]
    assert [op.fmr.value.data for op in transforms] == [1, 0]
    assert "fmr = 1 : i32" in printed(module, generic=True)


def test_complex_matmul_multiplies_and_adds_complex_numbers():
    (matmul,) = [op for op in parse(FORMS["complex-matmul"]).walk() if isinstance(op, MatmulOp)]
    multiply, add, _ = matmul.regions[0].block.ops
    assert isinstance(multiply, complex.MulOp) and isinstance(add, complex.AddOp)
    out = matmul.regions[0].block.args[2]
    assert tuple(add.operands) == (out, multiply.results[0])


def pack(source: str, dest: str, middle: str, op: str = "pack") -> str:
    result = "" if dest.startswith("memref") else "%0 = "
    return (
        f"func.func @f(%s: {source}, %d: {dest}, %p: i32, %t: index) {{\n"
        f"  {result}linalg.{op} %s {middle} into %d : {source} -> {dest}\n  return\n}}"
    )


def winograd(kind: str, source: str, dest: str, fmr: str = "F_4_3") -> str:
    return (
        f"func.func @f(%s: {source}, %d: {dest}) {{\n"
        f"  %0 = linalg.winograd_{kind}_transform fmr({fmr}) ins(%s : {source}) "
        f"outs(%d : {dest}) -> {dest}\n  return\n}}"
    )


def transpose(permutation: str, result: str) -> str:
    return (
        "func.func @f(%m: memref<4x5xf32>) {\n"
        f"  %0 = memref.transpose %m {permutation} : memref<4x5xf32> to {result}\n  return\n}}"
    )


T = "tensor<32x64xf32>"
P = "tensor<4x2x8x32xf32>"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (pack(T, P, "inner_dims_pos = [0, 2] inner_tiles = [8, 32]"), "invalid inner_dims_pos"),
        (pack(T, P, "inner_dims_pos = [1, 1] inner_tiles = [8, 32]"), "invalid inner_dims_pos"),
        (
            pack(T, P, "outer_dims_perm = [0, 0] inner_dims_pos = [0, 1] inner_tiles = [8, 32]"),
            "invalid outer_dims_perm vector",
        ),
        (
            pack(T, P, "outer_dims_perm = [0] inner_dims_pos = [0, 1] inner_tiles = [8, 32]"),
            "outer_dims_perm must be a permutation or empty",
        ),
        (
            pack(T, P, "inner_dims_pos = [0, 1] inner_tiles = [8]"),
            "tiling factors must equal the number of dimensions to tile",
        ),
        (
            pack(T, "tensor<4x2x8xf32>", "inner_dims_pos = [0, 1] inner_tiles = [8, 32]"),
            r"packed rank != \(unpacked rank \+ num tiling factors\), got 3 != 4",
        ),
        (
            pack(T, "tensor<4x2x8x0xf32>", "inner_dims_pos = [0, 1] inner_tiles = [8, 0]"),
            "invalid zero tile factor",
        ),
        (
            pack(T, "tensor<4x2x8x16xf32>", "inner_dims_pos = [0, 1] inner_tiles = [8, 32]"),
            "mismatch in inner tile sizes specified and shaped of tiled dimension in the "
            "packed type at index 1: got 16 != 32",
        ),
        (
            pack(T, P, "inner_dims_pos = [0, 1] inner_tiles = [8, %t]"),
            "mismatch in inner tile sizes specified at index 1: got static shape 32 but "
            "dynamic tile size",
        ),
        (
            pack(T, "tensor<4x3x8x32xf32>", "inner_dims_pos = [0, 1] inner_tiles = [8, 32]"),
            r"expected 'tensor<4x2x8x32xf32>' for the packed domain value, got "
            r"'tensor<4x3x8x32xf32>'",
        ),
        (
            pack(T, P, "padding_value(%p : i32) inner_dims_pos = [0, 1] inner_tiles = [8, 32]"),
            "expected padding_value has 'f32' but got: 'i32'",
        ),
        (
            pack("tensor<30x64xf32>", P, "inner_dims_pos = [0, 1] inner_tiles = [8, 32]"),
            "Only full tiles are supported when padding_value is not set",
        ),
        (
            pack(T, "memref<4x2x8x32xf32>", "inner_dims_pos = [0, 1] inner_tiles = [8, 32]"),
            "expected source and dest to be both tensors or both memrefs",
        ),
        (
            pack(
                P, "tensor<32x128xf32>", "inner_dims_pos = [0, 1] inner_tiles = [8, 32]", "unpack"
            ),
            r"expected 'tensor<4x4x8x32xf32>' for the packed domain value",
        ),
        (
            winograd("filter", "tensor<2x4x3x5xf32>", "tensor<6x6x5x2xf32>"),
            "expect filter height either equals to r or 1",
        ),
        (
            winograd("filter", "tensor<2x1x1x5xf32>", "tensor<1x1x5x2xf32>"),
            "expect either filter height or width equals to r",
        ),
        (
            winograd("filter", "tensor<2x3x3x5xf32>", "tensor<6x6x4x2xf32>"),
            "the output shape is not expected",
        ),
        (
            winograd("input", "tensor<2x9x10x5xf32>", "tensor<6x6x2x2x2x5xf32>"),
            "the output shape is not expected",
        ),
        (
            winograd("output", "tensor<5x6x2x2x2x3xf32>", "tensor<2x8x8x3xf32>"),
            "expect input height equals to input tile size",
        ),
        (
            winograd("output", "tensor<6x6x2x2x2x3xf32>", "tensor<2x7x8x3xf32>"),
            "the output shape is not expected",
        ),
        (
            winograd("filter", "tensor<2x3x3x5xf32>", "tensor<6x6x5x2xf16>"),
            "expected the input and the output to have one element type",
        ),
        (
            winograd("filter", "tensor<2x3x3x5xf32>", "tensor<6x6x5x2xf32>", "F_9_9"),
            "expected one of F_2_3, F_4_3, F_2_5 for 'fmr', got F_9_9",
        ),
        (
            transpose("(i, j) -> (j, j)", "memref<5x5xf32>"),
            "expected a permutation map",
        ),
        (
            transpose("(i, j, k) -> (k, j, i)", "memref<5x4xf32>"),
            "expected a permutation map of same rank as the input",
        ),
        (
            transpose("(i, j) -> (j, i)", "memref<5x4xf32>"),
            r"result type memref<5x4xf32> is not equivalent to the canonical transposed input "
            r"type memref<5x4xf32, strided<\[1, 5\]>>",
        ),
    ],
    ids=[
        "pack-position-range",
        "pack-position-repeated",
        "pack-permutation",
        "pack-permutation-length",
        "pack-tile-count",
        "pack-rank",
        "pack-zero-tile",
        "pack-tile-mismatch",
        "pack-dynamic-tile",
        "pack-packed-shape",
        "pack-padding-type",
        "pack-partial-tile",
        "pack-tensor-into-memref",
        "unpack-packed-shape",
        "winograd-filter-height",
        "winograd-filter-1x1",
        "winograd-filter-output",
        "winograd-input-output",
        "winograd-output-alpha",
        "winograd-output-output",
        "winograd-element-types",
        "winograd-fmr",
        "transpose-not-a-permutation",
        "transpose-rank",
        "transpose-result-layout",
    ],
)
def test_upstream_rules_are_enforced_with_its_messages(text: str, message: str):
    with pytest.raises((ParseError, DiagnosticException), match=message):
        parse(text)


@pytest.mark.parametrize(
    ("body", "result", "name"),
    [
        (
            "%d = tensor.empty() : tensor<4x2x8x32xf32>\n"
            "  %0 = linalg.pack %x inner_dims_pos = [0, 1] inner_tiles = [8, 32] into %d"
            " : tensor<32x64xf32> -> tensor<4x2x8x32xf32>",
            "tensor<4x2x8x32xf32>",
            "linalg.pack",
        ),
        (
            "%d = tensor.empty() : tensor<2048xf32>\n"
            "  %0 = linalg.unpack %x inner_dims_pos = [0] inner_tiles = [64] into %d"
            " : tensor<32x64xf32> -> tensor<2048xf32>",
            "tensor<2048xf32>",
            "linalg.unpack",
        ),
        (
            "%d = tensor.empty() : tensor<6x6x1x15x1x64xf32>\n"
            "  %0 = linalg.winograd_input_transform fmr(F_4_3) ins(%x4 : tensor<1x6x64x64xf32>) "
            "outs(%d : tensor<6x6x1x15x1x64xf32>) -> tensor<6x6x1x15x1x64xf32>",
            "tensor<6x6x1x15x1x64xf32>",
            "linalg.winograd_input_transform",
        ),
    ],
    ids=["pack", "unpack", "winograd"],
)
def test_planner_refuses_relayout_ops_with_a_located_error(
    tmp_path: Path, body: str, result: str, name: str
):
    source = tmp_path / "relayout.mlir"
    source.write_text(
        f"func.func @f(%x: tensor<32x64xf32>, %x4: tensor<1x6x64x64xf32>) -> {result} {{\n"
        f"  {body}\n  return %0 : {result}\n}}\n"
    )
    completed = subprocess.run(
        [str(BIN / "t10-opt"), str(source), "-p", "t10-compile{chip=small-16}"],
        capture_output=True,
        text=True,
    )
    assert completed.returncode != 0
    assert "Traceback" not in completed.stderr
    assert f"relayout.mlir:3:3: error: {name} cannot be planned" in completed.stderr
