"""The ONNX model suite: four f32 networks built with the ``onnx`` helper API.

Each builder returns a checked ``onnx.ModelProto`` (opset 17, IR version 8) whose
parameters are seeded initializers, so a model is the same on every machine and
nothing is downloaded. The graphs are written the way exporters write them
(PyTorch's ``torch.onnx.export`` among them): reshapes and transposes split the
heads, shapes are ``Constant`` nodes, GELU is spelt out from ``Erf`` or ``Tanh``.

- ``mlp``: ``MatMul`` + ``Add`` + ``Relu`` and ``Gemm`` + ``Relu`` hidden layers,
  a ``MatMul`` + ``Add`` output layer.
- ``cnn``: a small ResNet: a ``Conv`` + ``BatchNormalization`` + ``Relu`` stem,
  ``MaxPool``, residual blocks (two 3x3 convs with batch norm, the block's input
  added back before the last ``Relu``), ``GlobalAveragePool``, ``Flatten`` and a
  ``Gemm`` classifier.
- ``encoder``: a post-norm transformer encoder layer (BERT's): Q/K/V ``MatMul`` +
  ``Add``, ``Reshape`` + ``Transpose`` into heads, scaled ``Softmax`` attention,
  heads merged back, ``LayerNormalization`` after each residual ``Add``, and an
  FFN with the exact GELU ``0.5 x (1 + erf(x / sqrt 2))`` (``Div``, ``Erf``,
  ``Add``, ``Mul``).
- ``decoder``: a pre-norm decoder layer (GPT-2's) with causal self-attention: the
  mask is built in the graph (``Trilu`` of a ``ConstantOfShape`` of ones, ``Cast``
  to bool) and applied with ``Where``; its FFN uses GPT-2's tanh GELU (``Pow``,
  ``Tanh``).

Every builder takes a frozen config whose defaults are small (each model runs in
seconds on the ``small-16`` chip); ``REALISTIC`` holds sizes of the real networks
(a BERT-base layer, a GPT-2 layer, the first stage of ResNet-18) for ``ipu-mk2``.

Use as a library (``build_model("encoder")`` or ``encoder_layer(EncoderConfig(...))``)
or from the shell::

    python -m t10.models.onnx_models encoder --seq 128 --hidden 768 --heads 12 -o encoder.onnx
    python -m t10.models.onnx_models decoder --realistic -o gpt2_layer.onnx
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Protocol, cast

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from t10.models.cli import check_sizes, int_list

OPSET = 17
"""The ONNX opset of every model: the first with ``LayerNormalization``."""

IR_VERSION = 8
"""The ONNX IR version of every model: the oldest that opset 17 allows, so older
runtimes read the files too."""


class GraphBuilder:
    """Collects the nodes and seeded initializers of one ONNX graph; every value it
    creates gets a fresh, readable name."""

    def __init__(self, name: str, seed: int):
        self.name = name
        self.rng = np.random.default_rng(seed)
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self._used_names: set[str] = set()

    def fresh(self, hint: str) -> str:
        """``hint``, or ``hint_1``, ``hint_2``, … if it is taken."""
        name, suffix = hint, 0
        while name in self._used_names:
            suffix += 1
            name = f"{hint}_{suffix}"
        self._used_names.add(name)
        return name

    def claim(self, name: str) -> str:
        """Reserve ``name`` exactly (a graph input or output)."""
        if name in self._used_names:
            raise ValueError(f"value name {name!r} is used twice")
        self._used_names.add(name)
        return name

    def initializer(self, hint: str, values: np.ndarray[Any, Any]) -> str:
        name = self.fresh(hint)
        self.initializers.append(numpy_helper.from_array(values, name))
        return name

    def weight(self, hint: str, shape: Sequence[int], fan_in: int) -> str:
        """A weight drawn from N(0, 1/fan_in), which keeps activations near unit scale."""
        values = self.rng.standard_normal(shape) / math.sqrt(fan_in)
        return self.initializer(hint, values.astype(np.float32))

    def near(self, hint: str, shape: Sequence[int], centre: float, spread: float) -> str:
        """A parameter drawn from N(centre, spread²): biases, norm scales and shifts."""
        values = centre + spread * self.rng.standard_normal(shape)
        return self.initializer(hint, values.astype(np.float32))

    def constant(self, hint: str, values: np.ndarray[Any, Any]) -> str:
        """A ``Constant`` node: shapes and scalars stay in the graph, not parameters."""
        name = self.fresh(hint)
        self.nodes.append(
            helper.make_node(
                "Constant", [], [name], name=name, value=numpy_helper.from_array(values, name)
            )
        )
        return name

    def scalar(self, hint: str, value: float) -> str:
        return self.constant(hint, np.array(value, dtype=np.float32))

    def shape(self, hint: str, dims: Sequence[int]) -> str:
        return self.constant(hint, np.array(dims, dtype=np.int64))

    def node(self, op_type: str, inputs: Sequence[str], hint: str, **attributes: Any) -> str:
        """Append one ``op_type`` node and return the name of its one output."""
        output = self.fresh(hint)
        self.nodes.append(
            helper.make_node(op_type, list(inputs), [output], name=output, **attributes)
        )
        return output

    def rename_output(self, value: str, name: str) -> str:
        """Make the node that produces ``value`` produce ``name`` instead."""
        self.claim(name)
        for node in self.nodes:
            for index, output in enumerate(node.output):
                if output == value:
                    node.output[index] = name
        return name

    def model(
        self,
        inputs: Sequence[tuple[str, Sequence[int]]],
        outputs: Sequence[tuple[str, Sequence[int]]],
        doc: str,
    ) -> onnx.ModelProto:
        """The checked model of the graph (f32 inputs and outputs of the given shapes)."""
        graph = helper.make_graph(
            self.nodes,
            self.name,
            [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs],
            [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in outputs],
            initializer=self.initializers,
            doc_string=doc,
        )
        model = helper.make_model(
            graph,
            opset_imports=[helper.make_opsetid("", OPSET)],
            ir_version=IR_VERSION,
            producer_name="t10.models.onnx_models",
        )
        # onnx annotates the checker's path parameter as a bare PathLike.
        onnx.checker.check_model(model, full_check=True)  # pyright: ignore[reportUnknownMemberType]
        return model


def _linear(
    graph: GraphBuilder, value: str, fan_in: int, fan_out: int, prefix: str, gemm: bool = False
) -> str:
    """``value W + b`` as ``Gemm`` (2-D ``value`` only) or as ``MatMul`` then ``Add``."""
    weight = graph.weight(f"{prefix}.weight", (fan_in, fan_out), fan_in)
    bias = graph.near(f"{prefix}.bias", (fan_out,), 0.0, 0.1)
    if gemm:
        return graph.node("Gemm", [value, weight, bias], prefix)
    product = graph.node("MatMul", [value, weight], f"{prefix}.matmul")
    return graph.node("Add", [product, bias], prefix)


# --- MLP ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MlpConfig:
    """A multi-layer perceptron: ``batch`` rows of ``features`` through ``hidden`` layers."""

    batch: int = 8
    features: int = 32
    hidden: tuple[int, ...] = (64, 64)
    """Widths of the hidden layers; the odd ones (second, fourth, …) are ``Gemm``s."""
    outputs: int = 16
    seed: int = 0

    def __post_init__(self) -> None:
        sizes = {"batch": self.batch, "features": self.features, "outputs": self.outputs}
        sizes |= {f"hidden layer {index} width": width for index, width in enumerate(self.hidden)}
        check_sizes(sizes)


def mlp(config: MlpConfig) -> onnx.ModelProto:
    """``features`` (batch, features) → ``logits`` (batch, outputs)."""
    graph = GraphBuilder("mlp", config.seed)
    value = graph.claim("features")
    width = config.features
    for layer, next_width in enumerate(config.hidden):
        prefix = f"fc{layer}"
        value = _linear(graph, value, width, next_width, prefix, gemm=layer % 2 == 1)
        value = graph.node("Relu", [value], f"{prefix}.relu")
        width = next_width
    logits = _linear(graph, value, width, config.outputs, "head")
    graph.rename_output(logits, "logits")
    return graph.model(
        [("features", (config.batch, config.features))],
        [("logits", (config.batch, config.outputs))],
        f"MLP {config.features} -> {' -> '.join(map(str, config.hidden))} -> {config.outputs}",
    )


# --- CNN ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CnnConfig:
    """A small ResNet on ``batch`` square images of ``channels`` channels."""

    batch: int = 2
    channels: int = 3
    image: int = 16
    width: int = 8
    """Channels of the stem and of every residual block."""
    blocks: int = 1
    classes: int = 10
    seed: int = 0

    def __post_init__(self) -> None:
        check_sizes(
            {
                "batch": self.batch,
                "channels": self.channels,
                "image": self.image,
                "width": self.width,
                "blocks": self.blocks,
                "classes": self.classes,
            }
        )
        if self.image < 2:
            raise ValueError(f"image must be at least 2 for the 2x2 max pooling, got {self.image}")


def _conv_bn(
    graph: GraphBuilder, value: str, in_channels: int, out_channels: int, prefix: str
) -> str:
    """A 3x3 convolution (stride 1, padded to keep the size) then inference batch norm."""
    fan_in = in_channels * 9
    weight = graph.weight(f"{prefix}.weight", (out_channels, in_channels, 3, 3), fan_in)
    conv = graph.node(
        "Conv", [value, weight], f"{prefix}.conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1]
    )
    scale = graph.near(f"{prefix}.bn.scale", (out_channels,), 1.0, 0.1)
    shift = graph.near(f"{prefix}.bn.bias", (out_channels,), 0.0, 0.1)
    mean = graph.near(f"{prefix}.bn.mean", (out_channels,), 0.0, 0.1)
    variance = graph.rng.uniform(0.5, 1.5, out_channels).astype(np.float32)
    var = graph.initializer(f"{prefix}.bn.var", variance)
    return graph.node(
        "BatchNormalization", [conv, scale, shift, mean, var], f"{prefix}.bn", epsilon=1e-5
    )


def residual_cnn(config: CnnConfig) -> onnx.ModelProto:
    """``images`` (batch, channels, image, image) → ``logits`` (batch, classes)."""
    graph = GraphBuilder("residual_cnn", config.seed)
    value = graph.claim("images")
    value = _conv_bn(graph, value, config.channels, config.width, "stem")
    value = graph.node("Relu", [value], "stem.relu")
    value = graph.node("MaxPool", [value], "stem.pool", kernel_shape=[2, 2], strides=[2, 2])
    for block in range(config.blocks):
        prefix = f"block{block}"
        skip = value
        value = _conv_bn(graph, value, config.width, config.width, f"{prefix}.0")
        value = graph.node("Relu", [value], f"{prefix}.0.relu")
        value = _conv_bn(graph, value, config.width, config.width, f"{prefix}.1")
        value = graph.node("Add", [value, skip], f"{prefix}.residual")
        value = graph.node("Relu", [value], f"{prefix}.relu")
    pooled = graph.node("GlobalAveragePool", [value], "pool")
    flat = graph.node("Flatten", [pooled], "flatten", axis=1)
    logits = _linear(graph, flat, config.width, config.classes, "classifier", gemm=True)
    graph.rename_output(logits, "logits")
    return graph.model(
        [("images", (config.batch, config.channels, config.image, config.image))],
        [("logits", (config.batch, config.classes))],
        f"ResNet-style CNN: stem {config.width} channels, {config.blocks} residual blocks",
    )


# --- transformer layers ------------------------------------------------------------------


@dataclass(frozen=True)
class TransformerConfig:
    """One transformer layer on ``batch`` sequences of ``seq`` tokens of ``hidden`` features."""

    batch: int = 2
    seq: int = 8
    hidden: int = 32
    heads: int = 4
    ffn: int = 64
    layer_norm_eps: float = 1e-5
    seed: int = 0

    def __post_init__(self) -> None:
        check_sizes(
            {
                "batch": self.batch,
                "seq": self.seq,
                "hidden": self.hidden,
                "heads": self.heads,
                "ffn": self.ffn,
            }
        )
        if self.hidden % self.heads:
            raise ValueError(f"hidden {self.hidden} is not a multiple of heads {self.heads}")

    @property
    def head_size(self) -> int:
        return self.hidden // self.heads


class _Masking(Protocol):
    def __call__(self, graph: GraphBuilder, scores: str) -> str: ...


def _layer_norm(graph: GraphBuilder, value: str, config: TransformerConfig, prefix: str) -> str:
    scale = graph.near(f"{prefix}.weight", (config.hidden,), 1.0, 0.1)
    shift = graph.near(f"{prefix}.bias", (config.hidden,), 0.0, 0.1)
    return graph.node(
        "LayerNormalization",
        [value, scale, shift],
        prefix,
        axis=-1,
        epsilon=config.layer_norm_eps,
    )


def _attention(
    graph: GraphBuilder,
    value: str,
    config: TransformerConfig,
    prefix: str,
    masking: _Masking | None,
) -> str:
    """Multi-head self-attention of ``value`` (batch, seq, hidden), heads split by
    ``Reshape`` + ``Transpose`` and merged back the same way."""
    split = graph.shape(f"{prefix}.split_heads", (config.batch, config.seq, config.heads, -1))
    merge = graph.shape(f"{prefix}.merge_heads", (config.batch, config.seq, config.hidden))

    def heads(name: str, permutation: Sequence[int]) -> str:
        projected = _linear(graph, value, config.hidden, config.hidden, f"{prefix}.{name}")
        reshaped = graph.node("Reshape", [projected, split], f"{prefix}.{name}.heads")
        return graph.node(
            "Transpose", [reshaped], f"{prefix}.{name}.transposed", perm=list(permutation)
        )

    query = heads("query", (0, 2, 1, 3))
    key_transposed = heads("key", (0, 2, 3, 1))
    values = heads("value", (0, 2, 1, 3))
    scores = graph.node("MatMul", [query, key_transposed], f"{prefix}.scores")
    scale = graph.scalar(f"{prefix}.scale", math.sqrt(config.head_size))
    scores = graph.node("Div", [scores, scale], f"{prefix}.scaled")
    if masking is not None:
        scores = masking(graph, scores)
    probabilities = graph.node("Softmax", [scores], f"{prefix}.probs", axis=-1)
    context = graph.node("MatMul", [probabilities, values], f"{prefix}.context")
    context = graph.node("Transpose", [context], f"{prefix}.context.transposed", perm=[0, 2, 1, 3])
    context = graph.node("Reshape", [context, merge], f"{prefix}.context.merged")
    return _linear(graph, context, config.hidden, config.hidden, f"{prefix}.output")


def _gelu_erf(graph: GraphBuilder, value: str, prefix: str) -> str:
    """``0.5 x (1 + erf(x / sqrt 2))``, as PyTorch exports ``nn.GELU()``."""
    root_two = graph.scalar(f"{prefix}.sqrt2", math.sqrt(2.0))
    one = graph.scalar(f"{prefix}.one", 1.0)
    half = graph.scalar(f"{prefix}.half", 0.5)
    scaled = graph.node("Div", [value, root_two], f"{prefix}.div")
    erf = graph.node("Erf", [scaled], f"{prefix}.erf")
    shifted = graph.node("Add", [erf, one], f"{prefix}.add")
    gated = graph.node("Mul", [value, shifted], f"{prefix}.mul")
    return graph.node("Mul", [gated, half], prefix)


def _gelu_tanh(graph: GraphBuilder, value: str, prefix: str) -> str:
    """GPT-2's ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``."""
    three = graph.scalar(f"{prefix}.three", 3.0)
    coefficient = graph.scalar(f"{prefix}.coefficient", 0.044715)
    root = graph.scalar(f"{prefix}.sqrt_2_over_pi", math.sqrt(2.0 / math.pi))
    one = graph.scalar(f"{prefix}.one", 1.0)
    half = graph.scalar(f"{prefix}.half", 0.5)
    cube = graph.node("Pow", [value, three], f"{prefix}.cube")
    cubic = graph.node("Mul", [cube, coefficient], f"{prefix}.cubic")
    inner = graph.node("Add", [value, cubic], f"{prefix}.inner")
    argument = graph.node("Mul", [inner, root], f"{prefix}.argument")
    tanh = graph.node("Tanh", [argument], f"{prefix}.tanh")
    shifted = graph.node("Add", [tanh, one], f"{prefix}.add")
    gated = graph.node("Mul", [value, shifted], f"{prefix}.mul")
    return graph.node("Mul", [gated, half], prefix)


def _feed_forward(
    graph: GraphBuilder,
    value: str,
    config: TransformerConfig,
    prefix: str,
    gelu: Callable[[GraphBuilder, str, str], str],
) -> str:
    inner = _linear(graph, value, config.hidden, config.ffn, f"{prefix}.fc1")
    activated = gelu(graph, inner, f"{prefix}.gelu")
    return _linear(graph, activated, config.ffn, config.hidden, f"{prefix}.fc2")


def _causal_mask(config: TransformerConfig) -> _Masking:
    """Scores where a query may not see a later key replaced by a large negative value,
    the mask built from ``Trilu`` in the graph."""

    def apply(graph: GraphBuilder, scores: str) -> str:
        square = graph.shape("mask.shape", (config.seq, config.seq))
        ones = graph.node(
            "ConstantOfShape",
            [square],
            "mask.ones",
            value=numpy_helper.from_array(np.array([1.0], dtype=np.float32)),
        )
        lower = graph.node("Trilu", [ones], "mask.lower", upper=0)
        visible = graph.node("Cast", [lower], "mask.visible", to=TensorProto.BOOL)
        hidden = graph.scalar("mask.hidden", -1e9)
        return graph.node("Where", [visible, scores, hidden], "attention.masked")

    return apply


def encoder_layer(config: TransformerConfig) -> onnx.ModelProto:
    """BERT's post-norm layer: ``hidden_states`` (batch, seq, hidden) → ``output``."""
    graph = GraphBuilder("encoder_layer", config.seed)
    value = graph.claim("hidden_states")
    attended = _attention(graph, value, config, "attention", None)
    summed = graph.node("Add", [value, attended], "attention.residual")
    normed = _layer_norm(graph, summed, config, "attention.norm")
    transformed = _feed_forward(graph, normed, config, "ffn", _gelu_erf)
    summed = graph.node("Add", [normed, transformed], "ffn.residual")
    output = _layer_norm(graph, summed, config, "ffn.norm")
    graph.rename_output(output, "output")
    shape = (config.batch, config.seq, config.hidden)
    return graph.model(
        [("hidden_states", shape)],
        [("output", shape)],
        f"Transformer encoder layer: hidden {config.hidden}, {config.heads} heads, "
        f"FFN {config.ffn}, erf GELU",
    )


def decoder_layer(config: TransformerConfig) -> onnx.ModelProto:
    """GPT-2's pre-norm layer with causal self-attention: ``hidden_states`` → ``output``."""
    graph = GraphBuilder("decoder_layer", config.seed)
    value = graph.claim("hidden_states")
    normed = _layer_norm(graph, value, config, "attention.norm")
    attended = _attention(graph, normed, config, "attention", _causal_mask(config))
    value = graph.node("Add", [value, attended], "attention.residual")
    normed = _layer_norm(graph, value, config, "ffn.norm")
    transformed = _feed_forward(graph, normed, config, "ffn", _gelu_tanh)
    output = graph.node("Add", [value, transformed], "ffn.residual")
    graph.rename_output(output, "output")
    shape = (config.batch, config.seq, config.hidden)
    return graph.model(
        [("hidden_states", shape)],
        [("output", shape)],
        f"Transformer decoder layer (causal): hidden {config.hidden}, {config.heads} heads, "
        f"FFN {config.ffn}, tanh GELU",
    )


# --- the suite ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SuiteModel:
    """One model of the suite: its builder, its small and its realistic configuration."""

    name: str
    description: str
    build: Callable[[Any], onnx.ModelProto]
    small: Any
    realistic: Any


SUITE: dict[str, SuiteModel] = {
    model.name: model
    for model in (
        SuiteModel(
            "mlp",
            "MLP: MatMul/Gemm, Add, Relu",
            mlp,
            MlpConfig(),
            MlpConfig(batch=256, features=1024, hidden=(4096, 4096), outputs=1024),
        ),
        SuiteModel(
            "cnn",
            "ResNet-style CNN: Conv, BatchNormalization, Relu, MaxPool, residual Add, "
            "GlobalAveragePool, Gemm",
            residual_cnn,
            CnnConfig(),
            CnnConfig(batch=4, image=64, width=64, blocks=2, classes=1000),
        ),
        SuiteModel(
            "encoder",
            "transformer encoder layer (BERT): LayerNormalization, Softmax, erf GELU, "
            "MatMul with Reshape/Transpose heads",
            encoder_layer,
            TransformerConfig(),
            TransformerConfig(
                batch=1, seq=128, hidden=768, heads=12, ffn=3072, layer_norm_eps=1e-12
            ),
        ),
        SuiteModel(
            "decoder",
            "transformer decoder layer (GPT-2) with an in-graph causal mask (Trilu, Where)",
            decoder_layer,
            TransformerConfig(),
            TransformerConfig(batch=1, seq=128, hidden=768, heads=12, ffn=3072),
        ),
    )
}
"""The suite by name, in the order ``t10-bench`` runs it."""


def build_model(name: str, realistic: bool = False, **sizes: Any) -> onnx.ModelProto:
    """Suite model ``name`` at its small (or ``realistic``) sizes, with ``sizes`` overriding
    fields of its config."""
    if name not in SUITE:
        raise ValueError(f"unknown ONNX model {name!r}: choose one of {', '.join(SUITE)}")
    entry = SUITE[name]
    config = entry.realistic if realistic else entry.small
    return entry.build(replace(config, **sizes))


def random_inputs(model: onnx.ModelProto, seed: int = 0) -> dict[str, np.ndarray[Any, Any]]:
    """Standard-normal f32 values for every graph input of ``model``, by name."""
    rng = np.random.default_rng(seed)
    initializer_names = {tensor.name for tensor in model.graph.initializer}
    inputs: dict[str, np.ndarray[Any, Any]] = {}
    for value_info in model.graph.input:
        if value_info.name in initializer_names:
            continue
        shape = [dim.dim_value for dim in value_info.type.tensor_type.shape.dim]
        inputs[value_info.name] = rng.standard_normal(shape).astype(np.float32)
    return inputs


# --- command line ------------------------------------------------------------------------

_PROG = "python -m t10.models.onnx_models"

_FLAG_HELP = {
    "batch": "batch size",
    "features": "input features",
    "hidden": "hidden size",
    "outputs": "output features",
    "channels": "input image channels",
    "image": "input image height and width",
    "width": "channels of the stem and the residual blocks",
    "blocks": "residual blocks",
    "classes": "classifier outputs",
    "seq": "sequence length",
    "heads": "attention heads",
    "ffn": "FFN inner size",
    "layer_norm_eps": "layer-norm epsilon",
    "seed": "seed of the weights",
}


def _sizes(config: Any) -> list[tuple[str, Any]]:
    """The fields of a suite config with their values, in declaration order."""
    return [(field.name, getattr(config, field.name)) for field in fields(config)]


def _flag_value(value: Any) -> str:
    """``value`` as it is written on the command line."""
    if isinstance(value, tuple):
        return ",".join(str(width) for width in cast("tuple[int, ...]", value))
    return str(value)


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=_PROG,
        description="Write a model of t10's ONNX suite (f32, seeded weights) as an .onnx file. "
        "Defaults are small (seconds on small-16); --realistic starts from the real network's "
        "sizes, and every size flag overrides one.",
    )
    models = parser.add_subparsers(dest="model", required=True, metavar="MODEL")
    for entry in SUITE.values():
        subparser = models.add_parser(entry.name, help=entry.description)
        subparser.description = (
            f"{entry.description}. Small defaults shown; --realistic: "
            + ", ".join(f"{name} {_flag_value(value)}" for name, value in _sizes(entry.realistic))
            + "."
        )
        for name, default in _sizes(entry.small):
            flag = "--" + name.replace("_", "-")
            help_text = f"{_FLAG_HELP[name]} (default {_flag_value(default)})"
            if isinstance(default, tuple):
                help_text = (
                    f"comma-separated widths of the hidden layers (default {_flag_value(default)})"
                )
                subparser.add_argument(flag, type=int_list("integers"), help=help_text)
            elif isinstance(default, float):
                subparser.add_argument(flag, type=float, help=help_text)
            else:
                subparser.add_argument(flag, type=int, help=help_text)
        subparser.add_argument(
            "--realistic", action="store_true", help="start from the real network's sizes"
        )
        subparser.add_argument("-o", "--output", required=True, help="the .onnx file to write")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    entry = SUITE[arguments.model]
    sizes = {
        field.name: getattr(arguments, field.name)
        for field in fields(entry.small)
        if getattr(arguments, field.name) is not None
    }
    try:
        model = build_model(entry.name, arguments.realistic, **sizes)
    except ValueError as error:
        print(f"{_PROG}: error: {error}", file=sys.stderr)
        return 2
    serialized = model.SerializeToString()
    try:
        Path(arguments.output).write_bytes(serialized)
    except OSError as error:
        print(f"{_PROG}: error: cannot write {arguments.output}: {error.strerror}", file=sys.stderr)
        return 2
    print(f"wrote {arguments.output}: {model.graph.doc_string} ({len(serialized)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
