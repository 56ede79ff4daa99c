"""The model suite (ViT, ResNet, GPT, NeRF): builders parse, verify, compute what they
say, run through ``t10-run`` on a small chip, validate their configs; examples are up to
date."""

import json
import math
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, TensorType

from t10.models import gpt, nerf, resnet, vit
from t10.models.bert import Activation
from t10.models.gpt import GPT2_SMALL, OPT_1_3B, GptConfig, gpt_decoder
from t10.models.nerf import NERF, NerfConfig, nerf_mlp
from t10.models.resnet import RESNET_50, ResNetConfig
from t10.models.vit import VIT_B_16_LAYER, VitConfig
from t10.runtime.reference import run_reference
from t10.tools import t10_run
from t10.tools.t10_opt import LocatingParser, T10OptMain

CTX = T10OptMain(args=[]).ctx
EXAMPLES = Path(__file__).parent.parent / "examples"

TINY_VIT = VitConfig(batch=2, image=8, patch=4, channels=2, hidden=16, heads=2, ffn=32, dtype="f32")
TINY_GPT = GptConfig(batch=2, seq=8, hidden=16, heads=2, ffn=32, dtype="f32")
TINY_GPT2 = replace(TINY_GPT, layers=2, activation=Activation.GELU_TANH)
TINY_NERF = NerfConfig(
    batch=32,
    position_features=6,
    direction_features=3,
    width=16,
    depth=4,
    skip=2,
    colour_width=8,
    dtype="f32",
)
TINY_RESNET = ResNetConfig(image=32, width=4, blocks=(2, 1), classes=5, dtype="f32")

BUILDERS: dict[str, tuple[Callable[[Any], str], Any]] = {
    "vit": (vit.vit, TINY_VIT),
    "gpt": (gpt_decoder, TINY_GPT),
    "gpt2": (gpt_decoder, TINY_GPT2),
    "nerf": (nerf_mlp, TINY_NERF),
    "resnet": (resnet.resnet, TINY_RESNET),
}
EXAMPLE_FILES: dict[str, tuple[Callable[[Any], str], Any]] = {
    "vit_b16_layer.mlir": (vit.vit, VIT_B_16_LAYER),
    "resnet50.mlir": (resnet.resnet, RESNET_50),
    "opt_1_3b_layer.mlir": (gpt_decoder, OPT_1_3B),
    "opt_1_3b_layer_b8_s512.mlir": (gpt_decoder, replace(OPT_1_3B, batch=8, seq=512)),
    "nerf_mlp.mlir": (nerf_mlp, NERF),
}


def the_function(text: str) -> func.FuncOp:
    module = LocatingParser(CTX, text, "model.mlir").parse_module()
    module.verify()
    assert isinstance(module, ModuleOp)
    (function,) = (op for op in module.ops if isinstance(op, func.FuncOp))
    return function


def random_arguments(function: func.FuncOp, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        arg.name_hint or "": rng.normal(size=tuple(arg.type.get_shape())).astype(np.float32)
        for arg in function.args
        if isinstance(arg.type, TensorType)
    }


@pytest.mark.parametrize("model", sorted(BUILDERS))
@pytest.mark.parametrize("dtype", ["f16", "f32"])
def test_builders_parse_verify_and_mark_weights(model: str, dtype: str):
    builder, config = BUILDERS[model]
    function = the_function(builder(replace(config, dtype=dtype)))
    assert all(
        isinstance(arg.type, TensorType) and str(arg.type.get_element_type()) == dtype
        for arg in function.args
    )
    assert function.arg_attrs is not None
    activations = [
        arg.name_hint
        for arg, attrs in zip(function.args, function.arg_attrs, strict=True)
        if "t10.weight" not in attrs.data
    ]
    expected = {"vit": ["patches"], "gpt": ["x", "mask"], "gpt2": ["x", "mask"]}
    assert activations == expected.get(model, ["x", "d"] if model == "nerf" else ["x"])


@pytest.mark.parametrize("name", sorted(EXAMPLE_FILES))
def test_examples_are_the_builders_output(name: str):
    builder, config = EXAMPLE_FILES[name]
    text = (EXAMPLES / name).read_text()
    assert text == builder(config)
    assert len(text) < 1_000_000
    the_function(text)


# Hand-written numpy models (float64).


def layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(x.var(axis=-1, keepdims=True) + eps) * gamma + beta


def gelu_erf(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))


def gelu_tanh(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


ACTIVATIONS = {
    Activation.GELU: gelu_erf,
    Activation.GELU_TANH: gelu_tanh,
    Activation.RELU: lambda x: np.maximum(x, 0),
}


def pre_norm_layer(
    x: np.ndarray,
    w: dict[str, np.ndarray],
    eps: float,
    activation: Callable[[np.ndarray], np.ndarray],
    mask: np.ndarray | None,
) -> np.ndarray:
    """One pre-norm transformer layer, heads split by einsum over 3-D weights."""
    normed = layer_norm(x, w["attn_norm_gamma"], w["attn_norm_beta"], eps)
    q, k, v = (
        np.einsum("bsk,khd->bhsd", normed, w[f"w{name}"]) + w[f"b{name}"][:, None, :]
        for name in "qkv"
    )
    scores = np.einsum("bhsd,bhtd->bhst", q, k) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores + mask[:, None]
    probs = np.exp(scores - scores.max(axis=-1, keepdims=True))
    probs /= probs.sum(axis=-1, keepdims=True)
    context = np.einsum("bhst,bhtd->bhsd", probs, v)
    x = x + np.einsum("bhsd,hdn->bsn", context, w["wo"]) + w["bo"]
    normed = layer_norm(x, w["ffn_norm_gamma"], w["ffn_norm_beta"], eps)
    return x + activation(normed @ w["w1"] + w["b1"]) @ w["w2"] + w["b2"]


def layer_weights(arguments: dict[str, np.ndarray], layer: int) -> dict[str, np.ndarray]:
    prefix = f"l{layer}_"
    return {name[len(prefix) :]: a for name, a in arguments.items() if name.startswith(prefix)}


def reference_gpt(config: GptConfig, arguments: dict[str, np.ndarray]) -> np.ndarray:
    x = arguments["x"]
    for layer in range(config.layers):
        w = layer_weights(arguments, layer)
        activation = ACTIVATIONS[config.activation]
        x = pre_norm_layer(x, w, config.layer_norm_eps, activation, arguments["mask"])
    return x


def reference_vit(config: VitConfig, arguments: dict[str, np.ndarray]) -> np.ndarray:
    x = np.einsum("bscij,cijn->bsn", arguments["patches"], arguments["embed_w"])
    x = x + arguments["embed_tokens"]
    for layer in range(config.layers):
        w = layer_weights(arguments, layer)
        x = pre_norm_layer(x, w, config.layer_norm_eps, gelu_erf, None)
    return layer_norm(x, arguments["norm_gamma"], arguments["norm_beta"], config.layer_norm_eps)


def reference_nerf(config: NerfConfig, a: dict[str, np.ndarray]) -> list[np.ndarray]:
    """NeRF's MLP with its concatenations."""
    x, d = a["x"], a["d"]
    h = x
    for layer in range(config.depth):
        if layer == config.skip:
            joined = np.concatenate([x, h], axis=-1)
            weight = np.concatenate([a[f"w{layer}_x"], a[f"w{layer}_h"]], axis=0)
            h = np.maximum(joined @ weight + a[f"b{layer}"], 0)
        else:
            h = np.maximum(h @ a[f"w{layer}"] + a[f"b{layer}"], 0)
    sigma = h @ a["w_sigma"] + a["b_sigma"]
    feature = h @ a["w_feature"] + a["b_feature"]
    colour_weight = np.concatenate([a["w_colour_f"], a["w_colour_d"]], axis=0)
    colour = np.maximum(np.concatenate([feature, d], axis=-1) @ colour_weight + a["b_colour"], 0)
    return [colour @ a["w_rgb"] + a["b_rgb"], sigma]


def conv2d(x: np.ndarray, weight: np.ndarray, stride: int) -> np.ndarray:
    """NCHW convolution, zero padding kernel // 2."""
    kernel = weight.shape[-1]
    padding = kernel // 2
    padded = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (kernel, kernel), axis=(2, 3))
    return np.einsum("nchwij,fcij->nfhw", windows[:, :, ::stride, ::stride], weight)


def reference_resnet(config: ResNetConfig, a: dict[str, np.ndarray]) -> np.ndarray:
    def conv_relu(x: np.ndarray, name: str, stride: int) -> np.ndarray:
        return np.maximum(conv2d(x, a[f"{name}_w"], stride) + a[f"{name}_b"][:, None, None], 0)

    x = conv_relu(a["x"], "stem", 2)
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (3, 3), axis=(2, 3))
    x = windows[:, :, ::2, ::2].max(axis=(4, 5))
    for stage, count in enumerate(config.blocks):
        for block in range(count):
            name = f"s{stage}b{block}"
            stride = 2 if stage > 0 and block == 0 else 1
            inner = conv_relu(conv_relu(x, f"{name}_c1", 1), f"{name}_c2", stride)
            skip = x if block else conv2d(x, a[f"{name}_proj_w"], stride)
            main = conv2d(inner, a[f"{name}_c3_w"], 1) + a[f"{name}_c3_b"][:, None, None]
            x = np.maximum(main + skip, 0)
    return x.mean(axis=(2, 3)) @ a["fc_w"] + a["fc_b"]


def causal_mask(batch: int, seq: int) -> np.ndarray:
    future = np.triu(np.ones((seq, seq), dtype=bool), k=1)
    return np.broadcast_to(np.where(future, -1e4, 0.0), (batch, seq, seq)).astype(np.float32)


def compare(function: func.FuncOp, arguments: dict[str, np.ndarray], expected: list[np.ndarray]):
    outputs = run_reference(function, arguments)
    assert len(outputs) == len(expected)
    for output, wanted in zip(outputs, expected, strict=True):
        np.testing.assert_allclose(output, wanted, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("config", [TINY_GPT, TINY_GPT2], ids=["opt", "gpt2"])
def test_gpt_computes_a_causal_decoder(config: GptConfig):
    function = the_function(gpt_decoder(config))
    arguments = random_arguments(function)
    arguments["mask"] = causal_mask(config.batch, config.seq)
    as64 = {name: array.astype(np.float64) for name, array in arguments.items()}
    expected = reference_gpt(config, as64)
    compare(function, arguments, [expected])
    # The mask makes it causal: changing the last token changes no other token's output.
    changed = dict(arguments, x=arguments["x"].copy())
    changed["x"][:, -1] += 1.0
    (again,) = run_reference(function, changed)
    np.testing.assert_allclose(again[:, :-1], expected[:, :-1], rtol=1e-4, atol=1e-4)


def test_vit_computes_a_vit():
    function = the_function(vit.vit(replace(TINY_VIT, layers=2)))
    arguments = random_arguments(function)
    arguments["patches"][:, 0] = 0.0
    as64 = {name: array.astype(np.float64) for name, array in arguments.items()}
    compare(function, arguments, [reference_vit(replace(TINY_VIT, layers=2), as64)])


def test_nerf_computes_nerf():
    function = the_function(nerf_mlp(TINY_NERF))
    arguments = random_arguments(function)
    as64 = {name: array.astype(np.float64) for name, array in arguments.items()}
    compare(function, arguments, reference_nerf(TINY_NERF, as64))


def test_resnet_computes_a_resnet():
    function = the_function(resnet.resnet(TINY_RESNET))
    arguments = random_arguments(function)
    as64 = {name: array.astype(np.float64) for name, array in arguments.items()}
    compare(function, arguments, [reference_resnet(TINY_RESNET, as64)])


def test_resnet_50_shapes():
    function = the_function(resnet.resnet(RESNET_50))
    conv_count = sum(op.name == "linalg.conv_2d_nchw_fchw" for op in function.body.block.ops)
    assert conv_count == 1 + 3 * 16 + 4
    assert RESNET_50.image_sizes() == (112, 56, 56, 28, 14, 7)
    parameters = sum(
        math.prod(arg.type.get_shape())
        for arg in function.args[1:]
        if isinstance(arg.type, TensorType)
    )
    # torchvision's 25,557,032: its 26,560 batch-norm channels fold their two parameters
    # into one bias, and the 3,840 of the four projections join their blocks' biases.
    assert parameters == 25_557_032 - 26_560 - 3_840


def run_t10(path: Path, chip: str) -> dict[str, Any]:
    result = CliRunner().invoke(t10_run.main, [str(path), "--chip", chip, "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("model", ["vit", "gpt", "nerf"])
def test_tiny_models_match_on_a_small_chip(model: str, tmp_path: Path):
    builder, config = BUILDERS[model]
    path = tmp_path / f"{model}.mlir"
    path.write_text(builder(config))
    document = run_t10(path, "small-16")
    assert document["match"] is True
    assert document["ops"] and all(op["cycles"] > 0 for op in document["ops"])


def test_tiny_resnet_matches_on_a_small_chip(tmp_path: Path):
    path = tmp_path / "resnet.mlir"
    path.write_text(resnet.resnet(TINY_RESNET))
    assert run_t10(path, "small-16")["match"] is True


@pytest.mark.parametrize(
    ("module", "arguments"),
    [
        (vit, ["--batch", "2", "--image", "8", "--patch", "4", "--channels", "2"]),
        (resnet, ["--image", "32", "--width", "4", "--blocks", "2,1", "--classes", "5"]),
        (gpt, ["--preset", "gpt2", "--layers", "2", "--seq", "8"]),
        (nerf, ["--batch", "32", "--width", "16", "--depth", "4", "--skip", "2"]),
    ],
    ids=["vit", "resnet", "gpt", "nerf"],
)
def test_cli_writes_the_builders_output(module: Any, arguments: list[str], tmp_path: Path):
    output = tmp_path / "model.mlir"
    assert module.main([*arguments, "-o", str(output)]) == 0
    text = output.read_text()
    command = re.search(r"Generated by `(python -m t10\.models\.\w+ [^`]*)`", text)
    assert command is not None
    # The command the header names writes the same file.
    again = tmp_path / "again.mlir"
    assert module.main([*command.group(1).split()[3:], "-o", str(again)]) == 0
    assert again.read_text() == text


def test_gpt_presets():
    assert (OPT_1_3B.hidden, OPT_1_3B.heads, OPT_1_3B.ffn) == (2048, 32, 8192)
    assert OPT_1_3B.activation == Activation.RELU
    assert (GPT2_SMALL.hidden, GPT2_SMALL.heads, GPT2_SMALL.ffn) == (768, 12, 3072)
    assert GPT2_SMALL.activation == Activation.GELU_TANH


@pytest.mark.parametrize(
    ("module", "arguments", "message"),
    [
        (vit, ["--image", "20", "--patch", "16"], "image size 20 is not a multiple of the patch"),
        (resnet, ["--blocks", "3,0"], "stage 1 blocks must be at least 1, got 0"),
        (gpt, ["--hidden", "100"], "hidden size 100 is not a multiple of the head count 32"),
        (nerf, ["--skip", "8"], "skip layer 8 is not one of the layers 1 to 7"),
    ],
    ids=["vit", "resnet", "gpt", "nerf"],
)
def test_cli_rejects_a_bad_config(
    module: Any, arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
):
    assert module.main(arguments) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("config", "change", "message"),
    [
        (TINY_VIT, {"heads": 5}, "hidden size 16 is not a multiple of the head count 5"),
        (TINY_VIT, {"patch": 3}, "image size 8 is not a multiple of the patch size 3"),
        (TINY_VIT, {"layer_norm_eps": 0.0}, "layer_norm_eps must be positive, got 0.0"),
        (TINY_VIT, {"dtype": "bf16"}, "dtype 'bf16' is not one of f16, f32"),
        (TINY_GPT, {"seq": 0}, "seq must be at least 1, got 0"),
        (TINY_GPT, {"activation": "swish"}, "activation 'swish' is not one of"),
        (TINY_NERF, {"skip": 0}, "skip layer 0 is not one of the layers 1 to 3"),
        (TINY_NERF, {"width": 0}, "width must be at least 1, got 0"),
        (TINY_RESNET, {"blocks": ()}, "a ResNet needs at least one stage"),
        (TINY_RESNET, {"blocks": (2, 0)}, "stage 1 blocks must be at least 1, got 0"),
        (TINY_RESNET, {"image": 0}, "image must be at least 1, got 0"),
    ],
)
def test_config_rejects(config: Any, change: dict[str, object], message: str):
    with pytest.raises(ValueError, match=re.escape(message)):
        replace(config, **change)
