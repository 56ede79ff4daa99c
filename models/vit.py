"""Vision Transformers (ViT) as upstream MLIR: func, linalg, tensor, arith and math on tensors.

The model takes its image already cut into patches, as ViT implementations
do before the patch projection (``b c (h p) (w q) -> b (h w) c p q``), with one
more, all-zero, patch in front: the class token's slot. Then every operator is a
structured op with no reshape, transpose or concatenation::

    tokens[b, s, n] = sum_{c, i, j} patches[b, s, c, i, j] * We[c, i, j, n] + T[s, n]
    x = encoder layers (pre-norm, exact GELU; :class:`t10.models.bert.TransformerLayerWriter`)
    out = layer_norm(x)                                       (batch, seq, hidden)

The patch projection is ViT's 16x16 stride-16 convolution written over the
patches. ``T`` folds, as for inference, the class token, the projection's
bias and the position embedding into one parameter: ``T[0] = cls + pos[0]``
(the zero patch contributes nothing) and ``T[s] = b_e + pos[s]`` for ``s > 0``.
The output is the encoder's final hidden states (Hugging Face's
``ViTModel.last_hidden_state``); a classifier would read the class token through
a map with a constant index, ``(b, k, n) -> (b, 0, n)``, which
``t10-lower-to-tile`` does not lower yet.

Use as a library (``vit(VitConfig(...))`` returns the module text) or from the shell::

    python -m t10.models.vit --layers 12 --batch 1 --image 224 --patch 16 -o vit.mlir
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from t10.models.bert import (
    PARALLEL,
    REDUCTION,
    Activation,
    LayerShape,
    TransformerLayerWriter,
    add,
    multiply_accumulate,
)
from t10.models.mlir_text import ELEMENT_TYPES, FunctionWriter, TensorValue


@dataclass(frozen=True)
class VitConfig:
    """The shape of a ViT: images, patches, encoder layers and the element type."""

    layers: int = 1
    batch: int = 1
    image: int = 224
    """Height and width of the (square) input images."""
    patch: int = 16
    """Height and width of a patch."""
    channels: int = 3
    hidden: int = 768
    heads: int = 12
    ffn: int = 3072
    dtype: str = "f16"
    layer_norm_eps: float = 1e-6

    def __post_init__(self) -> None:
        sizes = {
            "layers": self.layers,
            "batch": self.batch,
            "image": self.image,
            "patch": self.patch,
            "channels": self.channels,
            "hidden": self.hidden,
            "heads": self.heads,
            "ffn": self.ffn,
        }
        for size_name, size in sizes.items():
            if size < 1:
                raise ValueError(f"{size_name} must be at least 1, got {size}")
        if self.image % self.patch:
            raise ValueError(
                f"image size {self.image} is not a multiple of the patch size {self.patch}"
            )
        if self.hidden % self.heads:
            raise ValueError(
                f"hidden size {self.hidden} is not a multiple of the head count {self.heads}"
            )
        if self.dtype not in ELEMENT_TYPES:
            raise ValueError(f"dtype {self.dtype!r} is not one of {', '.join(ELEMENT_TYPES)}")
        if not self.layer_norm_eps > 0:
            raise ValueError(f"layer_norm_eps must be positive, got {self.layer_norm_eps}")

    @property
    def seq(self) -> int:
        """Tokens per image: one per patch, and the class token."""
        return (self.image // self.patch) ** 2 + 1

    def layer_shape(self) -> LayerShape:
        return LayerShape(
            self.batch, self.seq, self.hidden, self.heads, self.ffn, self.layer_norm_eps
        )

    def describe(self) -> str:
        return (
            f"{self.layers} encoder layer{'s' if self.layers > 1 else ''}, batch {self.batch}, "
            f"{self.channels}x{self.image}x{self.image} images in {self.patch}x{self.patch} "
            f"patches (sequence {self.seq}), hidden {self.hidden}, {self.heads} heads of "
            f"{self.hidden // self.heads}, FFN {self.ffn}, {self.dtype}"
        )

    def command(self) -> str:
        """The shell command that writes this ViT."""
        return (
            f"python -m t10.models.vit --layers {self.layers} --batch {self.batch} "
            f"--image {self.image} --patch {self.patch} --channels {self.channels} "
            f"--hidden {self.hidden} --heads {self.heads} --ffn {self.ffn} "
            f"--dtype {self.dtype} "
            f"--layer-norm-eps {self.layer_norm_eps!r}"
        )


VIT_B_16 = VitConfig(layers=12)
"""ViT-B/16 at 224x224."""
VIT_B_16_LAYER = VitConfig()
"""ViT-B/16 with one encoder layer: the model of ``examples/vit_b16_layer.mlir``."""


class VitWriter:
    """Writes a ViT of ``config`` into one function."""

    def __init__(self, config: VitConfig):
        self.config = config
        self.function = FunctionWriter(
            "vit",
            config.dtype,
            header=(
                f"ViT: {config.describe()}.",
                f"Generated by `{config.command()}`.",
                "Input: the images cut into patches, patches[b, s, c, i, j], with the class",
                "token's slot s = 0 all zero. T[s, n] folds the class token, the patch",
                "projection's bias and the position embedding. Pre-norm encoder layers on",
                "(batch, seq, hidden), then a final layer norm: no reshape or transpose.",
                "",
            ),
        )
        self.layers = TransformerLayerWriter(self.function, config.layer_shape(), Activation.GELU)
        f = self.function
        embedding = ("b", "s", "n", "c", "i", "j")
        f.map_comment(
            "Patch embedding: E[b, s, n] = sum_{c, i, j} X[b, s, c, i, j] * We[c, i, j, n]"
        )
        self.patch_in = f.affine_map("patch_in", embedding, ("b", "s", "c", "i", "j"))
        self.patch_weight = f.affine_map("patch_weight", embedding, ("c", "i", "j", "n"))
        self.patch_out = f.affine_map("patch_out", embedding, ("b", "s", "n"))
        f.map_comment("Token embeddings T[s, n], shared by the batch")
        self.token_embedding = f.affine_map("token_embedding", ("b", "s", "n"), ("s", "n"))

    def write(self) -> str:
        """The module text of the whole ViT."""
        c = self.config
        f = self.function
        patches = f.argument("patches", (c.batch, c.seq, c.channels, c.patch, c.patch))
        projection = f.argument("embed_w", (c.channels, c.patch, c.patch, c.hidden), weight=True)
        token_embedding = f.argument("embed_tokens", (c.seq, c.hidden), weight=True)
        weights = [self.layers.weights(f"l{layer}_") for layer in range(c.layers)]
        norm_gamma = f.argument("norm_gamma", (c.hidden,), weight=True)
        norm_beta = f.argument("norm_beta", (c.hidden,), weight=True)
        f.comment("Patch and token embedding.")
        activation = self._embed(patches, projection, token_embedding)
        for layer, layer_weights in enumerate(weights):
            f.comment(f"Encoder layer {layer}.")
            activation = self.layers.pre_norm_layer(f"l{layer}_", activation, layer_weights)
        f.comment("Final layer norm.")
        return f.text((self.layers.layer_norm("final", activation, norm_gamma, norm_beta),))

    def _embed(
        self, patches: TensorValue, projection: TensorValue, token_embedding: TensorValue
    ) -> TensorValue:
        c = self.config
        f = self.function
        shape = (c.batch, c.seq, c.hidden)
        projected = f.generic(
            "embed_proj",
            "E[b, s, n] = sum_{c, i, j} X[b, s, c, i, j] * We[c, i, j, n]",
            (self.patch_in, self.patch_weight, self.patch_out),
            (PARALLEL, PARALLEL, PARALLEL, REDUCTION, REDUCTION, REDUCTION),
            (patches, projection),
            f.filled("embed_acc", shape, self.layers.zero),
            ("patch", "weight", "acc"),
            multiply_accumulate,
        )
        return f.generic(
            "embed",
            "X[b, s, n] = E[b, s, n] + T[s, n]",
            (self.layers.elementwise, self.token_embedding, self.layers.elementwise),
            (PARALLEL,) * 3,
            (projected, token_embedding),
            f.empty("embed_empty", shape),
            ("act", "token", "out"),
            add,
        )


def vit(config: VitConfig) -> str:
    """The MLIR module text of a ViT of ``config``: one function ``@vit``."""
    return VitWriter(config).write()


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    defaults = VitConfig()
    parser = argparse.ArgumentParser(
        prog="python -m t10.models.vit",
        description="Write a Vision Transformer as upstream MLIR linalg on tensors.",
    )
    parser.add_argument("--layers", type=int, default=defaults.layers)
    parser.add_argument("--batch", type=int, default=defaults.batch)
    parser.add_argument("--image", type=int, default=defaults.image, help="image height and width")
    parser.add_argument("--patch", type=int, default=defaults.patch, help="patch height and width")
    parser.add_argument("--channels", type=int, default=defaults.channels, help="image channels")
    parser.add_argument("--hidden", type=int, default=defaults.hidden, help="hidden size")
    parser.add_argument("--heads", type=int, default=defaults.heads, help="attention heads")
    parser.add_argument("--ffn", type=int, default=defaults.ffn, help="FFN inner size")
    parser.add_argument("--dtype", choices=sorted(ELEMENT_TYPES), default=defaults.dtype)
    parser.add_argument(
        "--layer-norm-eps", type=float, default=defaults.layer_norm_eps, help="layer-norm epsilon"
    )
    parser.add_argument("-o", "--output", default="-", help="output file ('-': stdout)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    try:
        config = VitConfig(
            layers=arguments.layers,
            batch=arguments.batch,
            image=arguments.image,
            patch=arguments.patch,
            channels=arguments.channels,
            hidden=arguments.hidden,
            heads=arguments.heads,
            ffn=arguments.ffn,
            dtype=arguments.dtype,
            layer_norm_eps=arguments.layer_norm_eps,
        )
    except ValueError as error:
        print(f"python -m t10.models.vit: error: {error}", file=sys.stderr)
        return 2
    text = vit(config)
    if arguments.output == "-":
        sys.stdout.write(text)
    else:
        Path(arguments.output).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
