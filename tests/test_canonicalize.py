"""``t10-canonicalize``: every rule keeps what the function computes, the pass is idempotent,
front-end models reach plannable form and still match onnxruntime, and what cannot be
made plannable is reported at its location."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.utils.exceptions import PassFailedException

from t10.passes.canonicalize import CanonicalizePass
from t10.passes.canonicalize_constants import constant_arguments
from t10.passes.compile import CompilePass
from t10.runtime.reference import random_inputs, run_reference
from t10.semantics.linalg_numpy import Array
from t10.tools.t10_opt import LocatingParser, T10OptMain

CASES = Path(__file__).parent.parent / "filecheck" / "passes" / "t10-canonicalize"
VENV_BIN = Path(sys.executable).parent
ERROR_FILES = {"errors.mlir", "window-reshape.mlir"}


def parse(text: str, name: str = "test.mlir") -> ModuleOp:
    ctx = T10OptMain(args=[]).ctx
    return LocatingParser(ctx, text, name).parse_module()


def canonicalize(module: ModuleOp) -> None:
    CanonicalizePass().apply(T10OptMain(args=[]).ctx, module)
    module.verify()


def only_function(module: ModuleOp) -> func.FuncOp:
    (function,) = [op for op in module.walk() if isinstance(op, func.FuncOp)]
    return function


def arguments_after(before: func.FuncOp, after: func.FuncOp, inputs: list[Array]) -> list[Array]:
    """The inputs of the canonicalized function: the original ones, then the values the
    hoisted constants carry."""
    carried = constant_arguments(after)
    added = range(len(before.body.block.args), len(after.body.block.args))
    assert set(carried) == set(added), "every added argument carries its value"
    return [*inputs, *(carried[index] for index in added)]


def pattern_chunks() -> list[tuple[str, str]]:
    chunks: list[tuple[str, str]] = []
    for path in sorted(CASES.glob("*.mlir")):
        if path.name in ERROR_FILES:
            continue
        for index, chunk in enumerate(path.read_text().split("// -----")):
            chunks.append((f"{path.stem}-{index}", chunk))
    return chunks


NUMPY_ORACLES: dict[str, Callable[..., Array]] = {
    # The reference runs no output map holding index 0 (torch-mlir's keep-dim reductions
    # write through one): the mean subtraction is computed here instead.
    "reshapes-2": lambda x: x - x.sum(axis=1, keepdims=True),
}


@pytest.mark.parametrize(("name", "text"), pattern_chunks(), ids=[n for n, _ in pattern_chunks()])
def test_each_rule_keeps_the_results(name: str, text: str):
    module = parse(text, f"{name}.mlir")
    before = only_function(module).clone()
    canonicalize(module)
    after = only_function(module)
    assert after.function_type.outputs == before.function_type.outputs
    for seed in (0, 1):
        inputs = random_inputs(before, seed)
        oracle = NUMPY_ORACLES.get(name)
        expected = run_reference(before, inputs) if oracle is None else [oracle(*inputs)]
        got = run_reference(after, arguments_after(before, after, inputs))
        for result, reference in zip(got, expected, strict=True):
            np.testing.assert_allclose(result, reference, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(("name", "text"), pattern_chunks(), ids=[n for n, _ in pattern_chunks()])
def test_idempotent(name: str, text: str):
    module = parse(text, f"{name}.mlir")
    canonicalize(module)
    once = str(module)
    canonicalize(module)
    assert str(module) == once


HAND_MLP = """
func.func @mlp(%x: tensor<32x64xf32>, %w1: tensor<64x128xf32> {t10.weight},
               %w2: tensor<128x16xf32> {t10.weight}) -> tensor<32x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<32x128xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<32x128xf32>) -> tensor<32x128xf32>
  %h = linalg.matmul ins(%x, %w1 : tensor<32x64xf32>, tensor<64x128xf32>)
                     outs(%f1 : tensor<32x128xf32>) -> tensor<32x128xf32>
  %r = linalg.max ins(%h, %f1 : tensor<32x128xf32>, tensor<32x128xf32>)
                  outs(%e1 : tensor<32x128xf32>) -> tensor<32x128xf32>
  %e2 = tensor.empty() : tensor<32x16xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<32x16xf32>) -> tensor<32x16xf32>
  %y = linalg.matmul ins(%r, %w2 : tensor<32x128xf32>, tensor<128x16xf32>)
                     outs(%f2 : tensor<32x16xf32>) -> tensor<32x16xf32>
  return %y : tensor<32x16xf32>
}
"""


def test_hand_written_mlp_runs_on_the_chip(tmp_path: Path):
    """ReLU as linalg.max against the matmul's own zero fill: it compiles, simulates and
    matches (it stopped in the simulator before the pass)."""
    model = tmp_path / "mlp.mlir"
    model.write_text(HAND_MLP)
    run = subprocess.run(
        [str(VENV_BIN / "t10-run"), str(model), "--chip", "small-16"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "match: yes" in run.stdout


def test_compile_runs_canonicalize_first():
    stages = CompilePass().stages()
    assert isinstance(stages[0], CanonicalizePass)


def test_error_is_located_and_names_the_op():
    text = (CASES / "errors.mlir").read_text()
    module = parse(text, "errors.mlir")
    with pytest.raises(PassFailedException) as caught:
        canonicalize(module)
    assert str(caught.value).startswith("errors.mlir:12:3: error: t10-canonicalize:")
    assert "tensor.collapse_shape" in str(caught.value)


################################################################################
# Front-end models (the onnx extra)                                            #
################################################################################

IMPORT_ONNX = VENV_BIN / "iree-import-onnx"
IREE_OPT = VENV_BIN / "iree-opt"
needs_iree = pytest.mark.skipif(
    not (IMPORT_ONNX.exists() and IREE_OPT.exists()) and shutil.which("iree-opt") is None,
    reason="front-end models need iree-base-compiler (the onnx extra)",
)
PIPELINE = (
    "builtin.module(torch-onnx-to-torch-backend-pipeline,"
    "torch-backend-to-linalg-on-tensors-backend-pipeline)"
)


def _initializer(name: str, shape: tuple[int, ...], seed: int) -> Any:
    numpy_helper = pytest.importorskip("onnx.numpy_helper", reason="needs the onnx extra")
    values = np.random.default_rng(seed).standard_normal(shape).astype(np.float32) * 0.1
    return numpy_helper.from_array(values, name)


def encoder_layer(causal: bool) -> Any:
    """A one-layer transformer encoder (decoder with ``causal``): attention split into
    heads by Reshape/Transpose, Softmax, LayerNorm, erf-GELU, residuals."""
    from onnx import TensorProto, helper, numpy_helper

    batch, sequence, width, heads, hidden = 2, 8, 16, 2, 32
    nodes: list[Any] = []
    weights: list[Any] = [
        numpy_helper.from_array(
            np.array([batch, sequence, heads, width // heads], np.int64), "split"
        ),
        numpy_helper.from_array(np.array([batch, sequence, width], np.int64), "merge"),
        numpy_helper.from_array(np.array(np.sqrt(width // heads), np.float32), "scale"),
        numpy_helper.from_array(np.array(np.sqrt(2.0), np.float32), "sqrt2"),
        numpy_helper.from_array(np.array(1.0, np.float32), "one"),
        numpy_helper.from_array(np.array(0.5, np.float32), "half"),
    ]
    for seed, name in enumerate("qkvo"):
        weights += [
            _initializer(f"w{name}", (width, width), seed),
            _initializer(f"b{name}", (width,), 10 + seed),
        ]
    for name in "qkv":
        nodes += [
            helper.make_node("MatMul", ["x", f"w{name}"], [f"{name}0"]),
            helper.make_node("Add", [f"{name}0", f"b{name}"], [f"{name}1"]),
            helper.make_node("Reshape", [f"{name}1", "split"], [f"{name}2"]),
            helper.make_node("Transpose", [f"{name}2"], [f"{name}3"], perm=[0, 2, 1, 3]),
        ]
    nodes += [
        helper.make_node("Transpose", ["k3"], ["kt"], perm=[0, 1, 3, 2]),
        helper.make_node("MatMul", ["q3", "kt"], ["s0"]),
        helper.make_node("Div", ["s0", "scale"], ["s1"]),
    ]
    scores = "s1"
    if causal:
        mask = np.triu(np.full((sequence, sequence), -1e9, np.float32), 1)
        weights.append(numpy_helper.from_array(mask, "mask"))
        nodes.append(helper.make_node("Add", ["s1", "mask"], ["s2"]))
        scores = "s2"
    nodes += [
        helper.make_node("Softmax", [scores], ["a"], axis=-1),
        helper.make_node("MatMul", ["a", "v3"], ["c0"]),
        helper.make_node("Transpose", ["c0"], ["c1"], perm=[0, 2, 1, 3]),
        helper.make_node("Reshape", ["c1", "merge"], ["c2"]),
        helper.make_node("MatMul", ["c2", "wo"], ["o0"]),
        helper.make_node("Add", ["o0", "bo"], ["o1"]),
        helper.make_node("Add", ["o1", "x"], ["r1"]),
        helper.make_node("LayerNormalization", ["r1", "ln_gamma", "ln_beta"], ["n1"], axis=-1),
        helper.make_node("MatMul", ["n1", "w1"], ["f0"]),
        helper.make_node("Add", ["f0", "b1"], ["f1"]),
        helper.make_node("Div", ["f1", "sqrt2"], ["g0"]),
        helper.make_node("Erf", ["g0"], ["g1"]),
        helper.make_node("Add", ["g1", "one"], ["g2"]),
        helper.make_node("Mul", ["f1", "g2"], ["g3"]),
        helper.make_node("Mul", ["g3", "half"], ["g4"]),
        helper.make_node("MatMul", ["g4", "w2"], ["f2"]),
        helper.make_node("Add", ["f2", "n1"], ["y"]),
    ]
    weights += [
        numpy_helper.from_array(np.ones(width, np.float32), "ln_gamma"),
        _initializer("ln_beta", (width,), 20),
        _initializer("w1", (width, hidden), 21),
        _initializer("b1", (hidden,), 22),
        _initializer("w2", (hidden, width), 23),
    ]
    graph = helper.make_graph(
        nodes,
        "decoder" if causal else "encoder",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, sequence, width])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [batch, sequence, width])],
        weights,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


def cnn() -> Any:
    """Conv, BatchNormalization, Relu, MaxPool, residual Add, GlobalAveragePool, Gemm."""
    from onnx import TensorProto, helper, numpy_helper

    channels = 4
    positive = np.abs(np.random.default_rng(3).standard_normal(channels)).astype(np.float32)
    nodes = [
        helper.make_node("Conv", ["x", "cw", "cb"], ["c1"], pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization", ["c1", "g", "b", "m", "v"], ["bn"]),
        helper.make_node("Relu", ["bn"], ["r"]),
        helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p", "cw2", "cb2"], ["c2"], pads=[1, 1, 1, 1]),
        helper.make_node("Add", ["c2", "p"], ["res"]),
        helper.make_node("GlobalAveragePool", ["res"], ["gap"]),
        helper.make_node("Flatten", ["gap"], ["f"]),
        helper.make_node("Gemm", ["f", "fw", "fb"], ["y"], transB=1),
    ]
    weights = [
        _initializer("cw", (channels, 3, 3, 3), 0),
        _initializer("cb", (channels,), 1),
        numpy_helper.from_array(positive + 0.5, "g"),
        _initializer("b", (channels,), 2),
        _initializer("m", (channels,), 4),
        numpy_helper.from_array(positive + 1.0, "v"),
        _initializer("cw2", (channels, channels, 3, 3), 5),
        _initializer("cb2", (channels,), 6),
        _initializer("fw", (5, channels), 7),
        _initializer("fb", (5,), 8),
    ]
    graph = helper.make_graph(
        nodes,
        "cnn",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 5])],
        weights,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


def lower(model: Any, directory: Path) -> tuple[Path, str]:
    """The ONNX model lowered to linalg by torch-mlir's pipelines, printed generic (xDSL
    reads upstream's multi-result generics only in that form)."""
    onnx = pytest.importorskip("onnx", reason="front-end models need the onnx extra")
    onnx_path = directory / "model.onnx"
    onnx.save(model, str(onnx_path))
    torch_path = directory / "model.torch.mlir"
    subprocess.run([str(IMPORT_ONNX), str(onnx_path), "-o", str(torch_path)], check=True)
    lowered = subprocess.run(
        [str(IREE_OPT), str(torch_path), f"--pass-pipeline={PIPELINE}", "--mlir-print-op-generic"],
        check=True,
        capture_output=True,
        text=True,
    )
    return onnx_path, lowered.stdout


@needs_iree
@pytest.mark.parametrize("name", ["cnn", "encoder", "decoder"])
def test_front_end_model_matches_onnxruntime(name: str, tmp_path: Path):
    """torch-mlir's output (weights as dense constants) canonicalized: no reshape, copy or
    constant tensor left, and the reference of the result matches onnxruntime."""
    pytest.importorskip("onnx", reason="front-end models need the onnx extra")
    ort = pytest.importorskip("onnxruntime", reason="needs the onnx extra")
    model = cnn() if name == "cnn" else encoder_layer(causal=name == "decoder")
    onnx_path, text = lower(model, tmp_path)
    module = parse(text, f"{name}.mlir")
    before = only_function(module).clone()
    canonicalize(module)
    after = only_function(module)
    names = {op.name for op in after.body.block.ops}
    assert not names & {"tensor.expand_shape", "tensor.collapse_shape", "linalg.transpose"}
    assert not any("i64" in str(result.type) for op in after.walk() for result in op.results)
    inputs = random_inputs(before, 0)
    got = run_reference(after, arguments_after(before, after, inputs))
    session = ort.InferenceSession(str(onnx_path))
    feeds = {spec.name: array for spec, array in zip(session.get_inputs(), inputs, strict=False)}
    expected = session.run(None, feeds)
    for result, reference in zip(got, expected, strict=True):
        np.testing.assert_allclose(result, reference, rtol=1e-4, atol=1e-5)
    once = str(module)
    canonicalize(module)
    assert str(module) == once


@needs_iree
def test_output_parses_in_upstream_mlir(tmp_path: Path):
    """The canonicalized IR, printed generic, is upstream MLIR that iree-opt reads."""
    pytest.importorskip("onnx", reason="front-end models need the onnx extra")
    _, text = lower(encoder_layer(causal=True), tmp_path)
    module = parse(text, "decoder.mlir")
    canonicalize(module)
    from io import StringIO

    from xdsl.printer import Printer

    printed = StringIO()
    Printer(stream=printed, print_generic_format=True).print_op(module)
    canonical = tmp_path / "canonical.mlir"
    canonical.write_text(printed.getvalue())
    run = subprocess.run(
        [str(IREE_OPT), str(canonical), "-o", "/dev/null"], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
