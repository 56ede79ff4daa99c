"""ResNet-50 (v1.5) for inference as upstream MLIR: func, linalg, tensor and arith on tensors.

NCHW throughout, as torchvision's ``resnet50``::

    x = maxpool_3x3_s2(relu(conv_7x7_s2(x) + b))                      stem
    for each bottleneck block (3, 4, 6, 3 per stage; widths 64, 128, 256, 512):
        y = relu(conv_1x1(x) + b1)
        y = relu(conv_3x3_s(y) + b2)                    stride 2 in a stage's first block
        x = relu(conv_1x1(y) + shortcut(x) + b3)        width x 4
    logits = mean_{h, w}(x) Wfc + bfc

Batch norm is folded into each convolution's weights and bias, as for
inference; a projection shortcut (a 1x1 convolution, strided with the block,
in a stage's first block) has its bias folded into ``b3`` too. Convolutions
are ``linalg.conv_2d_nchw_fchw`` (strides 1 and 2); the 7x7 and 3x3 ones and
the max pooling read a ``tensor.pad``-ded input (zeros: after a ReLU, zero
padding is also right for the max pooling). The global average pooling is a
``linalg.generic`` reduction, the classifier a ``linalg.matmul``; bias, ReLU
and residual adds are ``linalg.generic``.

Use as a library (``resnet(ResNetConfig(...))`` returns the module text) or
from the shell::

    python -m t10.models.resnet --batch 1 --image 224 -o resnet50.mlir
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from t10.models.bert import add
from t10.models.cli import check_sizes, int_list, write_model
from t10.models.mlir_text import ELEMENT_TYPES, FunctionWriter, RegionWriter, TensorValue

PARALLEL = "parallel"
REDUCTION = "reduction"
EXPANSION = 4
"""A bottleneck block's output width over its inner width."""


def _output_size(size: int, kernel: int, stride: int, padding: int) -> int:
    return (size + 2 * padding - kernel) // stride + 1


@dataclass(frozen=True)
class ResNetConfig:
    """The shape of a bottleneck ResNet: images, stages, classes, and the element type."""

    batch: int = 1
    image: int = 224
    """Height and width of the (square) input images."""
    channels: int = 3
    width: int = 64
    """Inner width of the first stage's blocks (and the stem's output); doubles per stage."""
    blocks: tuple[int, ...] = (3, 4, 6, 3)
    """Bottleneck blocks per stage."""
    classes: int = 1000
    dtype: str = "f16"

    def __post_init__(self) -> None:
        sizes = {
            "batch": self.batch,
            "image": self.image,
            "channels": self.channels,
            "width": self.width,
            "classes": self.classes,
        }
        sizes |= {f"stage {stage} blocks": count for stage, count in enumerate(self.blocks)}
        check_sizes(sizes)
        if not self.blocks:
            raise ValueError("a ResNet needs at least one stage")
        if self.dtype not in ELEMENT_TYPES:
            raise ValueError(f"dtype {self.dtype!r} is not one of {', '.join(ELEMENT_TYPES)}")

    def image_sizes(self) -> tuple[int, ...]:
        """The image size after the stem's convolution, after its pooling, then after each stage."""
        conv = _output_size(self.image, 7, 2, 3)
        sizes = [conv, _output_size(conv, 3, 2, 1)]
        for stage in range(len(self.blocks)):
            sizes.append(sizes[-1] if stage == 0 else _output_size(sizes[-1], 3, 2, 1))
        return tuple(sizes)

    def describe(self) -> str:
        blocks = ", ".join(str(count) for count in self.blocks)
        return (
            f"batch {self.batch}, {self.channels}x{self.image}x{self.image} images, "
            f"stem width {self.width}, bottleneck stages of {blocks} blocks, "
            f"{self.classes} classes, {self.dtype}"
        )

    def command(self) -> str:
        """The shell command that writes this ResNet."""
        return (
            f"python -m t10.models.resnet --batch {self.batch} --image {self.image} "
            f"--channels {self.channels} --width {self.width} "
            f"--blocks {','.join(map(str, self.blocks))} --classes {self.classes} "
            f"--dtype {self.dtype}"
        )


RESNET_50 = ResNetConfig()
"""ResNet-50 on one 224x224 image: the model of ``examples/resnet50.mlir``."""


def _window_attributes(stride: int) -> str:
    return f"{{dilations = dense<1> : tensor<2xi64>, strides = dense<{stride}> : tensor<2xi64>}}"


def _bias_relu(region: RegionWriter, act: str, bias: str, out: str) -> str:
    biased = region.op("biased", "arith.addf", act, bias)
    floor = region.constant("floor", 0.0)
    return region.op("relu", "arith.maximumf", biased, floor)


def _residual_relu(region: RegionWriter, act: str, skip: str, bias: str, out: str) -> str:
    joined = region.op("joined", "arith.addf", act, skip)
    biased = region.op("biased", "arith.addf", joined, bias)
    floor = region.constant("floor", 0.0)
    return region.op("relu", "arith.maximumf", biased, floor)


@dataclass(frozen=True)
class Conv:
    """A convolution's folded parameters and geometry."""

    weight: TensorValue
    """``(out channels, in channels, kernel, kernel)``."""
    bias: TensorValue | None
    """``(out channels,)``; None for a projection shortcut, whose bias ``b3`` holds."""
    stride: int
    padding: int


class ResNetWriter:
    """Writes a ResNet of ``config`` into one function, block by block."""

    def __init__(self, config: ResNetConfig):
        self.config = config
        self.function = FunctionWriter(
            "resnet",
            config.dtype,
            header=(
                f"ResNet (v1.5, inference): {config.describe()}.",
                f"Generated by `{config.command()}`.",
                "NCHW; batch norm folded into the convolutions' weights and biases; padded",
                "convolutions and the max pooling read tensor.pad-ded inputs.",
                "",
            ),
        )
        f = self.function
        image = ("n", "c", "h", "w")
        f.map_comment("Per-pixel ops on (batch, channels, height, width); per-channel biases B[c]")
        self.pixels = f.affine_map("pixels", image, image)
        self.channel = f.affine_map("channel", image, ("c",))
        self.image_channels = f.affine_map("image_channels", image, ("n", "c"))
        logits = ("n", "k")
        f.map_comment("Per-class ops on (batch, classes); per-class biases B[k]")
        self.logits = f.affine_map("logits", logits, logits)
        self.class_bias = f.affine_map("class_bias", logits, ("k",))
        self.zero = f.constant("zero", 0.0)

    def _conv_parameters(
        self, name: str, out_channels: int, in_channels: int, kernel: int, stride: int, bias: bool
    ) -> Conv:
        f = self.function
        weight = f.argument(f"{name}_w", (out_channels, in_channels, kernel, kernel), weight=True)
        bias_value = f.argument(f"{name}_b", (out_channels,), weight=True) if bias else None
        return Conv(weight, bias_value, stride, kernel // 2)

    def write(self) -> str:
        """The module text of the whole ResNet."""
        c = self.config
        f = self.function
        activation = f.argument("x", (c.batch, c.channels, c.image, c.image))
        stem = self._conv_parameters("stem", c.width, c.channels, 7, 2, bias=True)
        blocks: list[tuple[str, Conv, Conv, Conv, Conv | None]] = []
        in_channels = c.width
        for stage, count in enumerate(c.blocks):
            inner = c.width * 2**stage
            for block in range(count):
                name = f"s{stage}b{block}"
                stride = 2 if stage > 0 and block == 0 else 1
                reduce = self._conv_parameters(f"{name}_c1", inner, in_channels, 1, 1, True)
                spatial = self._conv_parameters(f"{name}_c2", inner, inner, 3, stride, True)
                expand = self._conv_parameters(
                    f"{name}_c3", inner * EXPANSION, inner, 1, 1, bias=True
                )
                projection = None
                if block == 0:
                    projection = self._conv_parameters(
                        f"{name}_proj", inner * EXPANSION, in_channels, 1, stride, bias=False
                    )
                blocks.append((name, reduce, spatial, expand, projection))
                in_channels = inner * EXPANSION
        classifier = f.argument("fc_w", (in_channels, c.classes), weight=True)
        classifier_bias = f.argument("fc_b", (c.classes,), weight=True)

        f.comment("Stem: 7x7 stride-2 convolution, ReLU, 3x3 stride-2 max pooling.")
        activation = self._conv("stem", activation, stem)
        activation = self._max_pool("stem_pool", activation)
        for name, reduce, spatial, expand, projection in blocks:
            f.comment(f"Bottleneck block {name}.")
            activation = self._bottleneck(name, activation, reduce, spatial, expand, projection)
        f.comment("Classifier: global average pooling, then a dense layer.")
        features = self._global_average(activation)
        return f.text((self._classify(features, classifier, classifier_bias),))

    def _bottleneck(
        self,
        name: str,
        x: TensorValue,
        reduce: Conv,
        spatial: Conv,
        expand: Conv,
        projection: Conv | None,
    ) -> TensorValue:
        f = self.function
        reduced = self._conv(f"{name}_c1", x, reduce)
        inner = self._conv(f"{name}_c2", reduced, spatial)
        expanded = self._conv(f"{name}_c3", inner, expand, finish=False)
        skip = x if projection is None else self._conv(f"{name}_proj", x, projection, False)
        assert expand.bias is not None
        return f.generic(
            name,
            "Y[n, f, h, w] = max(C3[n, f, h, w] + S[n, f, h, w] + B3[f], 0)"
            + ("" if projection is None else ": S the projection, B3 with its bias"),
            (self.pixels, self.pixels, self.channel, self.pixels),
            (PARALLEL,) * 4,
            (expanded, skip, expand.bias),
            f.empty(f"{name}_empty", expanded.shape),
            ("act", "skip", "bias", "out"),
            _residual_relu,
        )

    def _conv(self, name: str, x: TensorValue, conv: Conv, finish: bool = True) -> TensorValue:
        """The convolution, then (``finish``) its bias and a ReLU."""
        f = self.function
        batch, _, size, _ = x.shape
        out_channels, _, kernel, _ = conv.weight.shape
        if conv.padding:
            low = (0, 0, conv.padding, conv.padding)
            x = f.pad(f"{name}_padded", x, low, low, self.zero)
        conv_size = _output_size(size, kernel, conv.stride, conv.padding)
        shape = (batch, out_channels, conv_size, conv_size)
        acc = f.filled(f"{name}_acc", shape, self.zero)
        f.comment(
            f"Y[n, f, h, w] = sum_{{c, i, j}} X[n, c, {conv.stride}h + i, {conv.stride}w + j] "
            f"* W[f, c, i, j]: {kernel}x{kernel}, stride {conv.stride}, padding {conv.padding}"
        )
        convolved = f.named_op(
            f"{name}_conv" if finish else name,
            f"linalg.conv_2d_nchw_fchw {_window_attributes(conv.stride)}",
            (x, conv.weight),
            acc,
        )
        if not finish:
            return convolved
        assert conv.bias is not None
        return f.generic(
            name,
            "R[n, f, h, w] = max(Y[n, f, h, w] + B[f], 0)",
            (self.pixels, self.channel, self.pixels),
            (PARALLEL,) * 4,
            (convolved, conv.bias),
            f.empty(f"{name}_empty", shape),
            ("act", "bias", "out"),
            _bias_relu,
        )

    def _max_pool(self, name: str, x: TensorValue) -> TensorValue:
        f = self.function
        batch, channels, size, _ = x.shape
        padded = f.pad(f"{name}_padded", x, (0, 0, 1, 1), (0, 0, 1, 1), self.zero)
        pooled_size = _output_size(size, 3, 2, 1)
        # ReLU leaves every input of the pooling at least 0, so 0 starts the maximum.
        init = f.filled(f"{name}_init", (batch, channels, pooled_size, pooled_size), self.zero)
        window = f.empty(f"{name}_window", (3, 3))
        f.comment(
            "P[n, c, h, w] = max_{i, j} R[n, c, 2h + i, 2w + j]: the window operand gives "
            "only its shape"
        )
        return f.named_op(
            name, f"linalg.pooling_nchw_max {_window_attributes(2)}", (padded, window), init
        )

    def _global_average(self, x: TensorValue) -> TensorValue:
        f = self.function
        batch, channels, height, width = x.shape
        inverse_area = 1 / (height * width)

        def mean_body(region: RegionWriter, act: str, acc: str) -> str:
            inverse = region.constant("inverse_area", inverse_area)
            share = region.op("share", "arith.mulf", act, inverse)
            return region.op("sum", "arith.addf", acc, share)

        return f.generic(
            "features",
            f"F[n, c] = sum_{{h, w}} X[n, c, h, w] / {height * width}",
            (self.pixels, self.image_channels),
            (PARALLEL, PARALLEL, REDUCTION, REDUCTION),
            (x,),
            f.filled("features_acc", (batch, channels), self.zero),
            ("act", "acc"),
            mean_body,
        )

    def _classify(
        self, features: TensorValue, weight: TensorValue, bias: TensorValue
    ) -> TensorValue:
        f = self.function
        shape = (features.shape[0], weight.shape[1])
        acc = f.filled("scores_acc", shape, self.zero)
        f.comment("S[n, k] = sum_c F[n, c] * Wfc[c, k]")
        scores = f.named_op("scores", "linalg.matmul", (features, weight), acc)
        return f.generic(
            "logits",
            "L[n, k] = S[n, k] + Bfc[k]",
            (self.logits, self.class_bias, self.logits),
            (PARALLEL, PARALLEL),
            (scores, bias),
            f.empty("logits_empty", shape),
            ("act", "bias", "out"),
            add,
        )


def resnet(config: ResNetConfig) -> str:
    """The MLIR module text of a ResNet of ``config``: one function ``@resnet``."""
    return ResNetWriter(config).write()


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    defaults = ResNetConfig()
    parser = argparse.ArgumentParser(
        prog="python -m t10.models.resnet",
        description="Write a bottleneck ResNet (ResNet-50 by default) as upstream MLIR linalg.",
    )
    parser.add_argument("--batch", type=int, default=defaults.batch)
    parser.add_argument("--image", type=int, default=defaults.image, help="image height and width")
    parser.add_argument("--channels", type=int, default=defaults.channels, help="input channels")
    parser.add_argument(
        "--width", type=int, default=defaults.width, help="first stage's inner width"
    )
    parser.add_argument(
        "--blocks",
        type=int_list("block counts"),
        default=defaults.blocks,
        help="bottleneck blocks per stage, comma-separated",
    )
    parser.add_argument("--classes", type=int, default=defaults.classes)
    parser.add_argument("--dtype", choices=sorted(ELEMENT_TYPES), default=defaults.dtype)
    parser.add_argument("-o", "--output", default="-", help="output file ('-': stdout)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)

    def build() -> str:
        config = ResNetConfig(
            batch=arguments.batch,
            image=arguments.image,
            channels=arguments.channels,
            width=arguments.width,
            blocks=arguments.blocks,
            classes=arguments.classes,
            dtype=arguments.dtype,
        )
        return resnet(config)

    return write_model("python -m t10.models.resnet", build, arguments.output)


if __name__ == "__main__":
    sys.exit(main())
