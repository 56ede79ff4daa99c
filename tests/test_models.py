"""Model builders: BERT encoders and CNNs parse, verify, compute what they say, and plan;
examples are up to date."""

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from xdsl.dialects import arith, func, tensor
from xdsl.dialects.builtin import FloatAttr, ModuleOp, TensorType
from xdsl.dialects.linalg.ops import FillOp, GenericOp, YieldOp
from xdsl.ir import Block, Operation, SSAValue
from xdsl.ir.affine import AffineDimExpr

from t10.dialects.linalg_ext import SoftmaxOp
from t10.models import cnn as cnn_module
from t10.models.bert import BERT_BASE, BERT_LARGE, BertConfig, bert_encoder, main
from t10.models.cnn import SMALL_CNN, CnnConfig, cnn
from t10.models.mlir_text import FunctionWriter, RegionWriter, float_literal
from t10.passes.partition import FRONTIER_ATTR, PartitionPass
from t10.runtime.reference import run_reference
from t10.tools.t10_opt import LocatingParser, T10OptMain

CTX = T10OptMain(args=[]).ctx
EXAMPLES = Path(__file__).parent.parent / "examples"
TINY = BertConfig(layers=1, batch=2, seq=6, hidden=8, heads=2, ffn=12, dtype="f32")
BERT_BASE_LAYER = replace(BERT_BASE, layers=1)


def parse(text: str) -> ModuleOp:
    module = LocatingParser(CTX, text, "bert.mlir").parse_module()
    module.verify()
    return module


def encoder_function(module: ModuleOp) -> func.FuncOp:
    (function,) = (op for op in module.ops if isinstance(op, func.FuncOp))
    return function


def op_counts(module: ModuleOp) -> Counter[str]:
    """Op names of the function body, not counting ops inside linalg regions."""
    return Counter(op.name for op in encoder_function(module).body.block.ops)


@pytest.mark.parametrize("layers", [1, 2])
def test_encoder_op_counts(layers: int):
    counts = op_counts(parse(bert_encoder(replace(TINY, layers=layers))))
    assert counts == {
        "linalg.generic": 24 * layers,
        "linalg.fill": 12 * layers,
        "linalg.softmax": layers,
        "tensor.empty": 25 * layers,
        "arith.constant": 1,
        "func.return": 1,
    }


def test_only_the_activation_is_not_a_weight():
    config = replace(TINY, layers=2)
    function = encoder_function(parse(bert_encoder(config)))
    arg_attrs = function.arg_attrs
    assert arg_attrs is not None
    weight_marks = ["t10.weight" in attrs.data for attrs in arg_attrs]
    assert weight_marks == [False] + [True] * 16 * config.layers
    assert function.args[0].name_hint == "x"


def test_examples_are_the_builders_output():
    assert (EXAMPLES / "bert_base_layer.mlir").read_text() == bert_encoder(BERT_BASE_LAYER)
    assert (EXAMPLES / "bert_large_encoder.mlir").read_text() == bert_encoder(BERT_LARGE)


def test_base_layer_plans_every_linalg_op():
    module = parse(bert_encoder(BERT_BASE_LAYER))
    PartitionPass(top_k=2).apply(CTX, module)
    linalg_ops = [
        op for op in encoder_function(module).body.block.ops if op.name.startswith("linalg.")
    ]
    assert len(linalg_ops) == 37
    unplanned = [op.name for op in linalg_ops if not op.attributes.get(FRONTIER_ATTR)]
    assert unplanned == []


def _broadcast_to_loops(array: np.ndarray, loops: list[int], num_loops: int) -> np.ndarray:
    """``array``, indexed by ``loops``, as an array over all loops (extent 1 where unused)."""
    order = sorted(range(len(loops)), key=lambda dim: loops[dim])
    shape = [1] * num_loops
    for dim in order:
        shape[loops[dim]] = array.shape[dim]
    return array.transpose(order).reshape(shape)


SCALAR_OPS: dict[str, Callable[..., np.ndarray]] = {
    "arith.addf": np.add,
    "arith.subf": np.subtract,
    "arith.mulf": np.multiply,
    "math.tanh": np.tanh,
    "math.rsqrt": lambda value: 1 / np.sqrt(value),
}


def _run_block(block: Block, arguments: list[np.ndarray]) -> np.ndarray:
    values: dict[SSAValue, np.ndarray] = dict(zip(block.args, arguments, strict=True))
    for op in block.ops:
        if isinstance(op, YieldOp):
            return values[op.operands[0]]
        if isinstance(op, arith.ConstantOp):
            assert isinstance(op.value, FloatAttr)
            values[op.result] = np.asarray(op.value.value.data)
        else:
            values[op.results[0]] = SCALAR_OPS[op.name](*(values[o] for o in op.operands))
    raise AssertionError("a linalg region ends with linalg.yield")


def _run_generic(op: GenericOp, operands: list[np.ndarray]) -> np.ndarray:
    """
    A generic over numpy arrays: the body runs once on whole arrays. A reduction
    body must be ``acc + f(inputs)`` (all of the model's are): it runs with
    ``acc = 0`` and its values are summed over the reduction loops.
    """
    maps = [attr.data for attr in op.indexing_maps]
    loops = [[expr.position for expr in m.results if isinstance(expr, AffineDimExpr)] for m in maps]
    extents = op.get_static_loop_ranges()
    reductions = tuple(
        loop for loop, kind in enumerate(op.get_iterator_types()) if kind.data.value == "reduction"
    )
    arguments = [
        _broadcast_to_loops(array, dims, len(extents))
        for array, dims in zip(operands[:-1], loops[:-1], strict=True)
    ]
    block = op.body.block
    if reductions:
        *_, combine, _ = block.ops
        assert combine.name == "arith.addf" and block.args[-1] in combine.operands
        terms = _run_block(block, [*arguments, np.zeros(())])
        summed = np.broadcast_to(terms, extents).sum(axis=reductions)
        kept = [loop for loop in range(len(extents)) if loop not in reductions]
        order = [kept.index(loop) for loop in loops[-1]]
        return operands[-1] + summed.transpose(order)
    values = np.broadcast_to(_run_block(block, [*arguments, np.zeros(())]), extents)
    return values.transpose(loops[-1])


def run_encoder(module: ModuleOp, arguments: dict[str, np.ndarray]) -> np.ndarray:
    """Runs the encoder function on named float64 arguments."""
    function = encoder_function(module)
    values: dict[SSAValue, np.ndarray] = {
        arg: arguments[arg.name_hint or ""] for arg in function.args
    }
    for op in function.body.block.ops:
        operands = [values[operand] for operand in op.operands]
        if isinstance(op, func.ReturnOp):
            return operands[0]
        result: np.ndarray
        if isinstance(op, arith.ConstantOp):
            assert isinstance(op.value, FloatAttr)
            result = np.asarray(op.value.value.data)
        elif isinstance(op, tensor.EmptyOp):
            assert isinstance(op.tensor.type, TensorType)
            result = np.zeros(op.tensor.type.get_shape())
        elif isinstance(op, FillOp):
            result = np.full(operands[1].shape, operands[0])
        elif isinstance(op, SoftmaxOp):
            axis = op.dimension.value.data
            exponentials = np.exp(operands[0] - operands[0].max(axis=axis, keepdims=True))
            result = exponentials / exponentials.sum(axis=axis, keepdims=True)
        else:
            assert isinstance(op, GenericOp), op.name
            result = _run_generic(op, operands)
        values[op.results[0]] = result
    raise AssertionError("the encoder ends with func.return")


def reference_encoder(config: BertConfig, arguments: dict[str, np.ndarray]) -> np.ndarray:
    """BERT's encoder written directly in numpy (einsum over head-split weights)."""

    def layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray) -> np.ndarray:
        mean = x.mean(axis=-1, keepdims=True)
        variance = x.var(axis=-1, keepdims=True)
        return (x - mean) / np.sqrt(variance + config.eps) * gamma + beta

    x = arguments["x"]
    for layer in range(config.layers):
        w = {
            name[len(f"l{layer}_") :]: value
            for name, value in arguments.items()
            if name.startswith(f"l{layer}_")
        }
        q, k, v = (
            np.einsum("bsk,khd->bhsd", x, w[f"w{name}"]) + w[f"b{name}"][:, None, :]
            for name in "qkv"
        )
        scores = np.einsum("bhsd,bhtd->bhst", q, k) / math.sqrt(config.head_size)
        probs = np.exp(scores - scores.max(axis=-1, keepdims=True))
        probs /= probs.sum(axis=-1, keepdims=True)
        context = np.einsum("bhst,bhtd->bhsd", probs, v)
        attention = np.einsum("bhsd,hdn->bsn", context, w["wo"]) + w["bo"]
        x = layer_norm(x + attention, w["attn_norm_gamma"], w["attn_norm_beta"])
        inner = x @ w["w1"] + w["b1"]
        gelu = 0.5 * inner * (1 + np.tanh(math.sqrt(2 / math.pi) * (inner + 0.044715 * inner**3)))
        x = layer_norm(x + gelu @ w["w2"] + w["b2"], w["ffn_norm_gamma"], w["ffn_norm_beta"])
    return x


def test_encoder_computes_bert():
    config = replace(TINY, layers=2)
    module = parse(bert_encoder(config))
    rng = np.random.default_rng(0)
    arguments = {
        arg.name_hint or "": rng.normal(size=tuple(arg.type.get_shape()))
        for arg in encoder_function(module).args
        if isinstance(arg.type, TensorType)
    }
    expected = reference_encoder(config, arguments)
    np.testing.assert_allclose(run_encoder(module, arguments), expected, rtol=1e-5, atol=1e-5)


def test_cli_writes_the_builders_output(tmp_path: Path):
    output = tmp_path / "tiny.mlir"
    arguments = ["--layers", "1", "--batch", "2", "--seq", "6", "--hidden", "8"]
    arguments += ["--heads", "2", "--ffn", "12", "--dtype", "f32", "-o", str(output)]
    assert main(arguments) == 0
    assert output.read_text() == bert_encoder(TINY)
    assert f"Generated by `{TINY.command()}`" in output.read_text()


def test_cli_rejects_a_bad_shape(capsys: pytest.CaptureFixture[str]):
    assert main(["--hidden", "100", "--heads", "12"]) == 2
    assert "hidden size 100 is not a multiple of the head count 12" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"heads": 5}, "hidden size 8 is not a multiple of the head count 5"),
        ({"seq": 0}, "seq must be at least 1, got 0"),
        ({"dtype": "bf16"}, "dtype 'bf16' is not one of f16, f32"),
        ({"layer_norm_eps": 0.0}, "layer_norm_eps must be positive, got 0.0"),
    ],
)
def test_config_rejects(change: dict[str, object], message: str):
    with pytest.raises(ValueError, match=re.escape(message)):
        replace(TINY, **change)


def test_layer_norm_eps_defaults_per_dtype():
    assert BertConfig(dtype="f32").eps == 1e-12
    assert BertConfig(dtype="f16").eps == 1e-5
    assert BertConfig(dtype="f16", layer_norm_eps=1e-3).eps == 1e-3


@pytest.mark.parametrize(
    ("value", "element_type", "literal"),
    [
        (0.0, "f16", "0.0"),
        (1e-5, "f32", "9.999999747378752e-06"),
        (1e-5, "f16", "1.0013580322265625e-05"),
        (1e20, "f32", "1.0000000200408773e+20"),
        (0.1, "f16", "0.0999755859375"),
    ],
)
def test_float_literal_is_exact_and_has_a_point(value: float, element_type: str, literal: str):
    assert float_literal(value, element_type) == literal


def test_float_literal_rejects_an_overflow():
    with pytest.raises(ValueError, match=re.escape("70000.0 overflows f16")):
        float_literal(70000.0, "f16")


def test_region_values_must_not_shadow_function_values():
    writer = FunctionWriter("f", "f32")
    act = writer.argument("act", (4,))
    map_alias = writer.affine_map("identity", ("i",), ("i",))

    def copy(region: RegionWriter, act: str, out: str) -> str:
        return act

    with pytest.raises(ValueError, match=r"region values \['act'\] shadow values of the function"):
        writer.generic(
            "copy", "copy", (map_alias, map_alias), ("parallel",), (act,), act, ("act", "out"), copy
        )


def test_affine_map_aliases_are_defined_once():
    writer = FunctionWriter("f", "f32")
    writer.affine_map("identity", ("i",), ("i",))
    with pytest.raises(ValueError, match="#identity is already defined"):
        writer.affine_map("identity", ("j",), ("j",))


def test_function_writer_names_values_uniquely():
    writer = FunctionWriter("f", "f32")
    names = [writer.empty("t", (2,)).name for _ in range(3)]
    assert names == ["t", "t_1", "t_2"]
    module = parse(writer.text((writer.empty("t", (2,)),)))
    ops: list[Operation] = list(encoder_function(module).body.block.ops)
    assert [op.name for op in ops] == ["tensor.empty"] * 4 + ["func.return"]


TINY_CNN = CnnConfig(batch=2, channels=2, image=12, conv_channels=(4, 6), classes=5)
"""12x12 images: conv 10x10, pool 5x5, conv 3x3, pool 1x1 (an odd size drops its last row)."""


def reference_cnn(config: CnnConfig, arguments: dict[str, np.ndarray]) -> np.ndarray:
    """The CNN written directly in numpy: valid convs, ReLU, max pooling, mean, classifier."""
    x = arguments["x"]
    for layer in range(len(config.conv_channels)):
        windows = np.lib.stride_tricks.sliding_window_view(
            x, (config.kernel, config.kernel), axis=(2, 3)
        )
        conv = np.einsum("nchwij,fcij->nfhw", windows, arguments[f"conv{layer}_w"])
        relu = np.maximum(conv + arguments[f"conv{layer}_b"][:, None, None], 0)
        pooled = relu.shape[2] // config.pool
        cropped = relu[:, :, : pooled * config.pool, : pooled * config.pool]
        blocks = cropped.reshape(*relu.shape[:2], pooled, config.pool, pooled, config.pool)
        x = blocks.max(axis=(3, 5))
    return x.mean(axis=(2, 3)) @ arguments["fc_w"] + arguments["fc_b"]


def test_cnn_op_counts_and_weights():
    function = encoder_function(parse(cnn(SMALL_CNN)))
    counts = Counter(op.name for op in function.body.block.ops)
    layers = len(SMALL_CNN.conv_channels)
    assert counts == {
        "linalg.conv_2d_nchw_fchw": layers,
        "linalg.pooling_nchw_max": layers,
        "linalg.generic": layers + 2,
        "linalg.matmul": 1,
        "linalg.fill": 2 * layers + 2,
        "tensor.empty": 4 * layers + 3,
        "arith.constant": 1,
        "func.return": 1,
    }
    assert function.arg_attrs is not None
    weight_marks = ["t10.weight" in attrs.data for attrs in function.arg_attrs]
    assert weight_marks == [False] + [True] * (2 * layers + 2)


def test_cnn_computes_a_cnn():
    function = encoder_function(parse(cnn(TINY_CNN)))
    rng = np.random.default_rng(0)
    arguments = {
        arg.name_hint or "": rng.normal(size=tuple(arg.type.get_shape())).astype(np.float32)
        for arg in function.args
        if isinstance(arg.type, TensorType)
    }
    (logits,) = run_reference(function, arguments)
    assert logits.shape == (TINY_CNN.batch, TINY_CNN.classes)
    expected = reference_cnn(TINY_CNN, {k: v.astype(np.float64) for k, v in arguments.items()})
    np.testing.assert_allclose(logits, expected, rtol=1e-4, atol=1e-4)


def test_cnn_example_is_the_builders_output():
    assert (EXAMPLES / "small_cnn.mlir").read_text() == cnn(SMALL_CNN)
    assert SMALL_CNN.image_sizes() == (32, 15, 6)


def test_cnn_plans_every_linalg_op():
    module = parse(cnn(SMALL_CNN))
    PartitionPass(chip="small-16", top_k=2).apply(CTX, module)
    linalg_ops = [
        op for op in encoder_function(module).body.block.ops if op.name.startswith("linalg.")
    ]
    assert [op.name for op in linalg_ops if not op.attributes.get(FRONTIER_ATTR)] == []


def test_cnn_cli_writes_the_builders_output(tmp_path: Path):
    output = tmp_path / "cnn.mlir"
    arguments = ["--batch", "2", "--channels", "2", "--image", "12", "--conv-channels", "4,6"]
    assert cnn_module.main([*arguments, "--classes", "5", "-o", str(output)]) == 0
    assert output.read_text() == cnn(TINY_CNN)
    assert f"Generated by `{TINY_CNN.command()}`" in output.read_text()


def test_cnn_cli_rejects_bad_arguments(capsys: pytest.CaptureFixture[str]):
    assert cnn_module.main(["--image", "4", "--conv-channels", "8,8"]) == 2
    assert "conv layer 1 gets 1x1 images" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cnn_module.main(["--conv-channels", "8,x"])
    assert "'8,x' is not a comma-separated list of channel counts" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"conv_channels": ()}, "a CNN needs at least one conv layer"),
        ({"conv_channels": (4, 0)}, "conv layer 1 channels must be at least 1, got 0"),
        ({"pool": 0}, "pool must be at least 1, got 0"),
        ({"image": 3}, "conv layer 0 gets 3x3 images: a 3x3 conv and a 2x2 pooling leave nothing"),
        ({"dtype": "bf16"}, "dtype 'bf16' is not one of f16, f32"),
    ],
)
def test_cnn_config_rejects(change: dict[str, object], message: str):
    with pytest.raises(ValueError, match=re.escape(message)):
        replace(TINY_CNN, **change)
