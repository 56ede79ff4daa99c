"""Small ONNX models for the front-end tests, built with the ``onnx`` helper API.

Import this only after ``pytest.importorskip("onnx")``: it needs the ``onnx`` extra.
Weights are seeded N(0, 0.1^2) float32 initializers.
"""

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


def initializer(name: str, shape: Sequence[int], seed: int) -> onnx.TensorProto:
    values = np.random.default_rng(seed).standard_normal(shape) * 0.1
    return numpy_helper.from_array(values.astype(np.float32), name)


def tensor(name: str, shape: Sequence[int | str]) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, list(shape))


def model(
    name: str,
    nodes: Sequence[onnx.NodeProto],
    inputs: Sequence[onnx.ValueInfoProto],
    outputs: Sequence[onnx.ValueInfoProto],
    initializers: Sequence[onnx.TensorProto] = (),
) -> onnx.ModelProto:
    graph = helper.make_graph(list(nodes), name, list(inputs), list(outputs), list(initializers))
    built = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    onnx.checker.check_model(built)
    return built


def mlp(
    input_name: str = "x",
    weight_name: str = "fc.weight",
    bias_name: str = "fc.bias",
    rows: int = 8,
    features: int = 16,
    hidden: int = 32,
) -> onnx.ModelProto:
    """relu(x @ W + b): MatMul, Add, Relu."""
    nodes = [
        helper.make_node("MatMul", [input_name, weight_name], ["matmul"], name="/fc/MatMul"),
        helper.make_node("Add", ["matmul", bias_name], ["add"], name="/fc/Add"),
        helper.make_node("Relu", ["add"], ["y"], name="/relu/Relu"),
    ]
    return model(
        "mlp",
        nodes,
        [tensor(input_name, [rows, features])],
        [tensor("y", [rows, hidden])],
        [initializer(weight_name, [features, hidden], 1), initializer(bias_name, [hidden], 2)],
    )


def gemm() -> onnx.ModelProto:
    """0.5 * x @ W^T + 2 * b: one Gemm with a transposed weight, alpha and beta."""
    node = helper.make_node("Gemm", ["x", "W", "b"], ["y"], transB=1, alpha=0.5, beta=2.0)
    return model(
        "gemm",
        [node],
        [tensor("x", [8, 32])],
        [tensor("y", [8, 16])],
        [initializer("W", [16, 32], 3), initializer("b", [16], 4)],
    )


def two_outputs() -> onnx.ModelProto:
    """Two layers with two outputs: sigmoid(relu(x @ w1 + b1) @ w2) and the hidden layer."""
    nodes = [
        helper.make_node("MatMul", ["x", "w1"], ["h"]),
        helper.make_node("Add", ["h", "b1"], ["hb"]),
        helper.make_node("Relu", ["hb"], ["hidden"]),
        helper.make_node("MatMul", ["hidden", "w2"], ["logits"]),
        helper.make_node("Sigmoid", ["logits"], ["y"]),
    ]
    return model(
        "two_outputs",
        nodes,
        [tensor("x", [16, 32])],
        [tensor("y", [16, 8]), tensor("hidden", [16, 64])],
        [initializer("w1", [32, 64], 5), initializer("b1", [64], 6), initializer("w2", [64, 8], 7)],
    )


def reshape_transpose() -> onnx.ModelProto:
    """transpose(reshape(x @ W, [4, 64]) * scale): the shape is an int64 initializer and
    the scale a one-element one, both constants rather than weights."""
    shape = numpy_helper.from_array(np.array([4, 64], dtype=np.int64), "shape")
    scale = numpy_helper.from_array(np.array(0.125, dtype=np.float32), "scale")
    nodes = [
        helper.make_node("MatMul", ["x", "W"], ["h"]),
        helper.make_node("Reshape", ["h", "shape"], ["r"]),
        helper.make_node("Mul", ["r", "scale"], ["s"]),
        helper.make_node("Transpose", ["s"], ["y"], perm=[1, 0]),
    ]
    return model(
        "reshape_transpose",
        nodes,
        [tensor("x", [8, 16])],
        [tensor("y", [64, 4])],
        [initializer("W", [16, 32], 8), shape, scale],
    )


def dynamic_batch() -> onnx.ModelProto:
    """relu(x @ W) with a batch dimension named ``N``."""
    nodes = [
        helper.make_node("MatMul", ["x", "W"], ["h"]),
        helper.make_node("Relu", ["h"], ["y"]),
    ]
    return model(
        "dynamic_batch",
        nodes,
        [tensor("x", ["N", 16])],
        [tensor("y", ["N", 8])],
        [initializer("W", [16, 8], 9)],
    )


def unsupported_op() -> onnx.ModelProto:
    """An op of a custom domain, which torch-mlir cannot lower."""
    node = helper.make_node("Frobnicate", ["x"], ["y"], domain="com.example", name="frob0")
    graph = helper.make_graph([node], "custom", [tensor("x", [4, 4])], [tensor("y", [4, 4])])
    return helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid("com.example", 1)],
    )


def save(built: onnx.ModelProto, path: Path) -> Path:
    onnx.save(built, str(path))
    return path
