"""BERT encoders as upstream MLIR: func, linalg, tensor, arith and math on tensors.

Every operator is a structured op the planner reads (``linalg.generic``,
``linalg.fill``, ``linalg.softmax``) with static shapes, and the model needs
no reshape or transpose: later passes keep each operand distributed over the
cores, and a reshape between two planned ops would have to move data. So
activations stay 3-D ``(batch, seq, hidden)``, the Q/K/V projections contract
straight into head-split 4-D tensors ``(batch, heads, seq, d_head)`` through
3-D weights ``(hidden, heads, d_head)``, ``K^T`` is only an indexing map, and
the output projection contracts heads and ``d_head`` at once through a weight
``(heads, d_head, hidden)``.

One encoder layer (post-norm, as in BERT)::

    q, k, v  = x Wq + bq, x Wk + bk, x Wv + bv          (head-split)
    probs    = softmax(q k^T / sqrt(d_head))             (over keys)
    attn     = layer_norm(x + (probs v) Wo + bo)
    out      = layer_norm(attn + gelu(attn W1 + b1) W2 + b2)

Use as a library (``bert_encoder(BertConfig(...))`` returns the module text)
or from the shell::

    python -m t10.models.bert --layers 24 --hidden 1024 --heads 16 --ffn 4096 -o bert.mlir
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from t10.models.cli import check_sizes, write_model
from t10.models.mlir_text import (
    ELEMENT_TYPES,
    AffineMapAlias,
    FunctionWriter,
    RegionWriter,
    TensorValue,
)

PARALLEL = "parallel"
REDUCTION = "reduction"

LAYER_NORM_EPS = {"f32": 1e-12, "f16": 1e-5}
"""
Default layer-norm epsilon per element type: BERT's 1e-12 in f32; in f16 that
underflows to zero, so the 1e-5 that fp16 layer-norm kernels use instead.
"""


@dataclass(frozen=True)
class BertConfig:
    """The shape of a BERT encoder: depth, input size and layer widths, and the element type."""

    layers: int = 1
    batch: int = 1
    seq: int = 128
    hidden: int = 768
    heads: int = 12
    ffn: int = 3072
    dtype: str = "f16"
    layer_norm_eps: float | None = None
    """None: ``LAYER_NORM_EPS[dtype]``."""

    def __post_init__(self) -> None:
        sizes = {
            "layers": self.layers,
            "batch": self.batch,
            "seq": self.seq,
            "hidden": self.hidden,
            "heads": self.heads,
            "ffn": self.ffn,
        }
        check_sizes(sizes)
        if self.hidden % self.heads:
            raise ValueError(
                f"hidden size {self.hidden} is not a multiple of the head count {self.heads}"
            )
        if self.dtype not in ELEMENT_TYPES:
            raise ValueError(f"dtype {self.dtype!r} is not one of {', '.join(ELEMENT_TYPES)}")
        if self.layer_norm_eps is not None and not self.layer_norm_eps > 0:
            raise ValueError(f"layer_norm_eps must be positive, got {self.layer_norm_eps}")

    @property
    def head_size(self) -> int:
        return self.hidden // self.heads

    @property
    def eps(self) -> float:
        return LAYER_NORM_EPS[self.dtype] if self.layer_norm_eps is None else self.layer_norm_eps

    def layer_shape(self) -> LayerShape:
        return LayerShape(self.batch, self.seq, self.hidden, self.heads, self.ffn, self.eps)

    def describe(self) -> str:
        return (
            f"{self.layers} layer{'s' if self.layers > 1 else ''}, batch {self.batch}, "
            f"sequence {self.seq}, hidden {self.hidden}, {self.heads} heads of "
            f"{self.head_size}, FFN {self.ffn}, {self.dtype}"
        )

    def command(self) -> str:
        """The shell command that writes this encoder."""
        return (
            f"python -m t10.models.bert --layers {self.layers} --batch {self.batch} "
            f"--seq {self.seq} --hidden {self.hidden} --heads {self.heads} --ffn {self.ffn} "
            f"--dtype {self.dtype}"
            + ("" if self.layer_norm_eps is None else f" --layer-norm-eps {self.layer_norm_eps!r}")
        )


BERT_BASE = BertConfig(layers=12, hidden=768, heads=12, ffn=3072)
BERT_LARGE = BertConfig(layers=24, hidden=1024, heads=16, ffn=4096)


@dataclass(frozen=True)
class LayerShape:
    """The sizes of one transformer layer: its input, its widths and its layer-norm epsilon."""

    batch: int
    seq: int
    hidden: int
    heads: int
    ffn: int
    eps: float

    @property
    def head_size(self) -> int:
        return self.hidden // self.heads


class Activation(StrEnum):
    """The nonlinearity between a layer's two FFN dense layers."""

    GELU_TANH = "gelu_tanh"
    """GELU, tanh approximation (BERT, GPT-2)."""
    GELU = "gelu"
    """GELU, exact: ``0.5 x (1 + erf(x / sqrt 2))`` (ViT)."""
    RELU = "relu"
    """``max(x, 0)`` (OPT)."""


@dataclass(frozen=True)
class LayerWeights:
    """The parameters of one transformer layer, all function arguments marked ``{t10.weight}``."""

    query: TensorValue
    """``(hidden, heads, d_head)``; its bias ``(heads, d_head)``."""
    query_bias: TensorValue
    key: TensorValue
    key_bias: TensorValue
    value: TensorValue
    value_bias: TensorValue
    output: TensorValue
    """``(heads, d_head, hidden)``: merges the heads back into the hidden size."""
    output_bias: TensorValue
    attention_norm_gamma: TensorValue
    attention_norm_beta: TensorValue
    intermediate: TensorValue
    """``(hidden, ffn)``."""
    intermediate_bias: TensorValue
    ffn_output: TensorValue
    """``(ffn, hidden)``."""
    ffn_output_bias: TensorValue
    ffn_norm_gamma: TensorValue
    ffn_norm_beta: TensorValue


def multiply_accumulate(region: RegionWriter, lhs: str, rhs: str, acc: str) -> str:
    product = region.op("product", "arith.mulf", lhs, rhs)
    return region.op("sum", "arith.addf", acc, product)


def add(region: RegionWriter, lhs: str, rhs: str, out: str) -> str:
    return region.op("sum", "arith.addf", lhs, rhs)


def _gelu_tanh(region: RegionWriter, act: str, out: str) -> str:
    """GELU, tanh approximation: ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``."""
    cubic_coefficient = region.constant("cubic_coefficient", 0.044715)
    sqrt_2_over_pi = region.constant("sqrt_2_over_pi", math.sqrt(2 / math.pi))
    one = region.constant("one", 1.0)
    half = region.constant("half", 0.5)
    square = region.op("square", "arith.mulf", act, act)
    cube = region.op("cube", "arith.mulf", square, act)
    cubic_term = region.op("cubic_term", "arith.mulf", cube, cubic_coefficient)
    inner = region.op("inner", "arith.addf", act, cubic_term)
    scaled = region.op("scaled", "arith.mulf", inner, sqrt_2_over_pi)
    tanh = region.op("tanh", "math.tanh", scaled)
    one_plus_tanh = region.op("one_plus_tanh", "arith.addf", tanh, one)
    half_act = region.op("half_act", "arith.mulf", act, half)
    return region.op("gelu", "arith.mulf", half_act, one_plus_tanh)


def _gelu_erf(region: RegionWriter, act: str, out: str) -> str:
    """GELU: ``0.5 x (1 + erf(x / sqrt 2))``."""
    inverse_sqrt_2 = region.constant("inverse_sqrt_2", 1 / math.sqrt(2))
    one = region.constant("one", 1.0)
    half = region.constant("half", 0.5)
    scaled = region.op("scaled", "arith.mulf", act, inverse_sqrt_2)
    erf = region.op("erf", "math.erf", scaled)
    one_plus_erf = region.op("one_plus_erf", "arith.addf", erf, one)
    half_act = region.op("half_act", "arith.mulf", act, half)
    return region.op("gelu", "arith.mulf", half_act, one_plus_erf)


def _relu(region: RegionWriter, act: str, out: str) -> str:
    floor = region.constant("floor", 0.0)
    return region.op("relu", "arith.maximumf", act, floor)


_ACTIVATIONS = {
    Activation.GELU_TANH: ("gelu", "gelu(Y[b, s, n]), tanh approximation", _gelu_tanh),
    Activation.GELU: ("gelu", "gelu(Y[b, s, n]), exact (erf)", _gelu_erf),
    Activation.RELU: ("relu", "max(Y[b, s, n], 0)", _relu),
}
"""Per activation: the name of its op, the formula its comment gives, and its scalar body."""


class TransformerLayerWriter:
    """
    Writes transformer layers of one ``shape`` into ``function``: multi-head
    attention and the FFN, post-norm (BERT) or pre-norm (ViT, GPT), optionally
    with an additive attention mask. Defines the map aliases the layers use,
    and the ``%zero`` every accumulator starts from.
    """

    def __init__(self, function: FunctionWriter, shape: LayerShape, activation: Activation):
        self.function = function
        self.shape = shape
        self.activation = activation
        self._define_maps()
        self.zero = function.constant("zero", 0.0)
        self.mask_map: AffineMapAlias | None = None

    def _define_maps(self) -> None:
        f = self.function
        projection = ("b", "h", "s", "d", "k")
        f.map_comment("Q/K/V projections: Q[b, h, s, d] = sum_k X[b, s, k] * W[k, h, d]")
        self.projection_in = f.affine_map("projection_in", projection, ("b", "s", "k"))
        self.projection_weight = f.affine_map("projection_weight", projection, ("k", "h", "d"))
        self.projection_out = f.affine_map("projection_out", projection, ("b", "h", "s", "d"))
        heads = ("b", "h", "s", "d")
        f.map_comment("Per-head elementwise ops; per-head biases B[h, d]")
        self.heads_elementwise = f.affine_map("heads_elementwise", heads, heads)
        self.heads_bias = f.affine_map("heads_bias", heads, ("h", "d"))
        scores = ("b", "h", "s", "t", "d")
        f.map_comment("Scores: QK[b, h, s, t] = sum_d Q[b, h, s, d] * K[b, h, t, d]")
        self.scores_query = f.affine_map("scores_query", scores, ("b", "h", "s", "d"))
        self.scores_key = f.affine_map("scores_key", scores, ("b", "h", "t", "d"))
        self.scores_out = f.affine_map("scores_out", scores, ("b", "h", "s", "t"))
        context = ("b", "h", "s", "d", "t")
        f.map_comment("Context: C[b, h, s, d] = sum_t P[b, h, s, t] * V[b, h, t, d]")
        self.context_probs = f.affine_map("context_probs", context, ("b", "h", "s", "t"))
        self.context_value = f.affine_map("context_value", context, ("b", "h", "t", "d"))
        self.context_out = f.affine_map("context_out", context, ("b", "h", "s", "d"))
        merge = ("b", "s", "n", "h", "d")
        f.map_comment("Output projection: A[b, s, n] = sum_{h, d} C[b, h, s, d] * Wo[h, d, n]")
        self.merge_heads_in = f.affine_map("merge_heads_in", merge, ("b", "h", "s", "d"))
        self.merge_heads_weight = f.affine_map("merge_heads_weight", merge, ("h", "d", "n"))
        self.merge_heads_out = f.affine_map("merge_heads_out", merge, ("b", "s", "n"))
        dense = ("b", "s", "n", "k")
        f.map_comment("Dense layers: Y[b, s, n] = sum_k X[b, s, k] * W[k, n]")
        self.dense_in = f.affine_map("dense_in", dense, ("b", "s", "k"))
        self.dense_weight = f.affine_map("dense_weight", dense, ("k", "n"))
        self.dense_out = f.affine_map("dense_out", dense, ("b", "s", "n"))
        tokens = ("b", "s", "n")
        f.map_comment("Token-wise ops; per-feature vectors V[n]; per-token statistics M[b, s]")
        self.elementwise = f.affine_map("elementwise", tokens, tokens)
        self.feature = f.affine_map("feature", tokens, ("n",))
        self.token = f.affine_map("token", tokens, ("b", "s"))

    def define_mask_map(self) -> None:
        """Defines ``#attention_mask``: the additive mask M[b, s, t] read by every head."""
        f = self.function
        f.map_comment("Attention mask: M[b, s, t], added to the scores of every head")
        self.mask_map = f.affine_map("attention_mask", ("b", "h", "s", "t"), ("b", "s", "t"))

    def weights(self, prefix: str) -> LayerWeights:
        """The layer's parameters: new function arguments named ``prefix`` + their role."""
        c = self.shape

        def weight(name: str, *shape: int) -> TensorValue:
            return self.function.argument(prefix + name, shape, weight=True)

        return LayerWeights(
            query=weight("wq", c.hidden, c.heads, c.head_size),
            query_bias=weight("bq", c.heads, c.head_size),
            key=weight("wk", c.hidden, c.heads, c.head_size),
            key_bias=weight("bk", c.heads, c.head_size),
            value=weight("wv", c.hidden, c.heads, c.head_size),
            value_bias=weight("bv", c.heads, c.head_size),
            output=weight("wo", c.heads, c.head_size, c.hidden),
            output_bias=weight("bo", c.hidden),
            attention_norm_gamma=weight("attn_norm_gamma", c.hidden),
            attention_norm_beta=weight("attn_norm_beta", c.hidden),
            intermediate=weight("w1", c.hidden, c.ffn),
            intermediate_bias=weight("b1", c.ffn),
            ffn_output=weight("w2", c.ffn, c.hidden),
            ffn_output_bias=weight("b2", c.hidden),
            ffn_norm_gamma=weight("ffn_norm_gamma", c.hidden),
            ffn_norm_beta=weight("ffn_norm_beta", c.hidden),
        )

    def post_norm_layer(self, prefix: str, x: TensorValue, w: LayerWeights) -> TensorValue:
        """BERT's layer: ``x = norm(x + attention(x))``, then ``norm(x + ffn(x))``."""
        attention = self._attention(prefix, x, w, None)
        attention_residual = self._residual(prefix + "attn_residual", x, attention)
        attention_out = self.layer_norm(
            prefix + "attn", attention_residual, w.attention_norm_gamma, w.attention_norm_beta
        )
        ffn = self._ffn(prefix, attention_out, w)
        ffn_residual = self._residual(prefix + "ffn_residual", attention_out, ffn)
        return self.layer_norm(prefix + "ffn", ffn_residual, w.ffn_norm_gamma, w.ffn_norm_beta)

    def pre_norm_layer(
        self, prefix: str, x: TensorValue, w: LayerWeights, mask: TensorValue | None = None
    ) -> TensorValue:
        """
        ViT's and GPT's layer: ``x = x + attention(norm(x))``, then
        ``x + ffn(norm(x))``; ``mask`` (batch, seq, seq) is added to the scores.
        """
        attention_in = self.layer_norm(
            prefix + "attn", x, w.attention_norm_gamma, w.attention_norm_beta
        )
        attention = self._attention(prefix, attention_in, w, mask)
        attention_out = self._residual(prefix + "attn_residual", x, attention)
        ffn_in = self.layer_norm(prefix + "ffn", attention_out, w.ffn_norm_gamma, w.ffn_norm_beta)
        ffn = self._ffn(prefix, ffn_in, w)
        return self._residual(prefix + "ffn_residual", attention_out, ffn)

    def _attention(
        self, prefix: str, x: TensorValue, w: LayerWeights, mask: TensorValue | None
    ) -> TensorValue:
        q = self._head_projection(prefix + "q", "Q", x, w.query, w.query_bias)
        k = self._head_projection(prefix + "k", "K", x, w.key, w.key_bias)
        v = self._head_projection(prefix + "v", "V", x, w.value, w.value_bias)
        probs = self._attention_probs(prefix, q, k, mask)
        context = self._context(prefix, probs, v)
        return self._merge_heads(prefix, context, w.output, w.output_bias)

    def _ffn(self, prefix: str, x: TensorValue, w: LayerWeights) -> TensorValue:
        intermediate = self.dense(prefix + "inter", "W1", x, w.intermediate, w.intermediate_bias)
        activated = self._activation(prefix, intermediate)
        return self.dense(prefix + "ffn", "W2", activated, w.ffn_output, w.ffn_output_bias)

    def _head_projection(
        self, name: str, label: str, x: TensorValue, weight: TensorValue, bias: TensorValue
    ) -> TensorValue:
        c = self.shape
        f = self.function
        shape = (c.batch, c.heads, c.seq, c.head_size)
        acc = f.filled(f"{name}_acc", shape, self.zero)
        projected = f.generic(
            f"{name}_proj",
            f"{label}[b, h, s, d] = sum_k X[b, s, k] * W{label.lower()}[k, h, d]",
            (self.projection_in, self.projection_weight, self.projection_out),
            (PARALLEL, PARALLEL, PARALLEL, PARALLEL, REDUCTION),
            (x, weight),
            acc,
            ("act", "weight", "acc"),
            multiply_accumulate,
        )
        return f.generic(
            name,
            f"{label}[b, h, s, d] += b{label.lower()}[h, d]",
            (self.heads_elementwise, self.heads_bias, self.heads_elementwise),
            (PARALLEL,) * 4,
            (projected, bias),
            f.empty(f"{name}_empty", shape),
            ("act", "bias", "out"),
            add,
        )

    def _attention_probs(
        self, prefix: str, q: TensorValue, k: TensorValue, mask: TensorValue | None
    ) -> TensorValue:
        c = self.shape
        f = self.function
        shape = (c.batch, c.heads, c.seq, c.seq)
        acc = f.filled(f"{prefix}qk_acc", shape, self.zero)
        qk = f.generic(
            f"{prefix}qk",
            "QK[b, h, s, t] = sum_d Q[b, h, s, d] * K[b, h, t, d]",
            (self.scores_query, self.scores_key, self.scores_out),
            (PARALLEL, PARALLEL, PARALLEL, PARALLEL, REDUCTION),
            (q, k),
            acc,
            ("query", "key", "acc"),
            multiply_accumulate,
        )
        scale = 1 / math.sqrt(c.head_size)
        empty = f.empty(f"{prefix}scores_empty", shape)
        if mask is None:

            def scale_body(region: RegionWriter, act: str, out: str) -> str:
                return region.op("scaled", "arith.mulf", act, region.constant("scale", scale))

            scores = f.generic(
                f"{prefix}scores",
                f"S[b, h, s, t] = QK[b, h, s, t] / sqrt({c.head_size})",
                (self.heads_elementwise, self.heads_elementwise),
                (PARALLEL,) * 4,
                (qk,),
                empty,
                ("act", "out"),
                scale_body,
            )
        else:
            if self.mask_map is None:
                raise ValueError("a masked attention needs define_mask_map() first")

            def scale_mask_body(region: RegionWriter, act: str, bias: str, out: str) -> str:
                scaled = region.op("scaled", "arith.mulf", act, region.constant("scale", scale))
                return region.op("masked", "arith.addf", scaled, bias)

            scores = f.generic(
                f"{prefix}scores",
                f"S[b, h, s, t] = QK[b, h, s, t] / sqrt({c.head_size}) + M[b, s, t]",
                (self.heads_elementwise, self.mask_map, self.heads_elementwise),
                (PARALLEL,) * 4,
                (qk, mask),
                empty,
                ("act", "bias", "out"),
                scale_mask_body,
            )
        f.comment("P[b, h, s, t] = softmax over the keys t of S[b, h, s, t]")
        return f.softmax(f"{prefix}probs", scores, 3)

    def _context(self, prefix: str, probs: TensorValue, v: TensorValue) -> TensorValue:
        c = self.shape
        f = self.function
        acc = f.filled(f"{prefix}context_acc", (c.batch, c.heads, c.seq, c.head_size), self.zero)
        return f.generic(
            f"{prefix}context",
            "C[b, h, s, d] = sum_t P[b, h, s, t] * V[b, h, t, d]",
            (self.context_probs, self.context_value, self.context_out),
            (PARALLEL, PARALLEL, PARALLEL, PARALLEL, REDUCTION),
            (probs, v),
            acc,
            ("prob", "value", "acc"),
            multiply_accumulate,
        )

    def _merge_heads(
        self, prefix: str, context: TensorValue, weight: TensorValue, bias: TensorValue
    ) -> TensorValue:
        c = self.shape
        f = self.function
        shape = (c.batch, c.seq, c.hidden)
        acc = f.filled(f"{prefix}attn_proj_acc", shape, self.zero)
        projected = f.generic(
            f"{prefix}attn_proj",
            "A[b, s, n] = sum_{h, d} C[b, h, s, d] * Wo[h, d, n]",
            (self.merge_heads_in, self.merge_heads_weight, self.merge_heads_out),
            (PARALLEL, PARALLEL, PARALLEL, REDUCTION, REDUCTION),
            (context, weight),
            acc,
            ("context", "weight", "acc"),
            multiply_accumulate,
        )
        return self._bias(f"{prefix}attn_out", "A", "bo", projected, bias)

    def dense(
        self, name: str, label: str, x: TensorValue, weight: TensorValue, bias: TensorValue
    ) -> TensorValue:
        """``Y[b, s, n] = sum_k X[b, s, k] * W[k, n] + B[n]``; ``label`` names ``W``."""
        f = self.function
        width = weight.shape[1]
        acc = f.filled(f"{name}_acc", (*x.shape[:2], width), self.zero)
        projected = f.generic(
            f"{name}_proj",
            f"Y[b, s, n] = sum_k X[b, s, k] * {label}[k, n]",
            (self.dense_in, self.dense_weight, self.dense_out),
            (PARALLEL, PARALLEL, PARALLEL, REDUCTION),
            (x, weight),
            acc,
            ("act", "weight", "acc"),
            multiply_accumulate,
        )
        return self._bias(f"{name}_out", "Y", f"b{label[1:]}", projected, bias)

    def _bias(
        self, name: str, label: str, bias_label: str, x: TensorValue, bias: TensorValue
    ) -> TensorValue:
        f = self.function
        return f.generic(
            name,
            f"{label}[b, s, n] += {bias_label}[n]",
            (self.elementwise, self.feature, self.elementwise),
            (PARALLEL,) * 3,
            (x, bias),
            f.empty(f"{name}_empty", x.shape),
            ("act", "bias", "out"),
            add,
        )

    def _residual(self, name: str, skip: TensorValue, x: TensorValue) -> TensorValue:
        f = self.function
        return f.generic(
            name,
            "R[b, s, n] = skip[b, s, n] + Y[b, s, n]",
            (self.elementwise, self.elementwise, self.elementwise),
            (PARALLEL,) * 3,
            (skip, x),
            f.empty(f"{name}_empty", x.shape),
            ("skip", "act", "out"),
            add,
        )

    def _activation(self, prefix: str, x: TensorValue) -> TensorValue:
        f = self.function
        op_name, formula, body = _ACTIVATIONS[self.activation]
        name = prefix + op_name
        return f.generic(
            name,
            f"G[b, s, n] = {formula}",
            (self.elementwise, self.elementwise),
            (PARALLEL,) * 3,
            (x,),
            f.empty(f"{name}_empty", x.shape),
            ("act", "out"),
            body,
        )

    def layer_norm(
        self, name: str, x: TensorValue, gamma: TensorValue, beta: TensorValue
    ) -> TensorValue:
        """Normalises every token over its features: two reductions, then one elementwise op."""
        c = self.shape
        f = self.function
        tokens = x.shape[:2]
        inverse_width = 1 / x.shape[-1]

        def mean_body(region: RegionWriter, act: str, acc: str) -> str:
            inverse = region.constant("inverse_width", inverse_width)
            share = region.op("share", "arith.mulf", act, inverse)
            return region.op("sum", "arith.addf", acc, share)

        mean = f.generic(
            f"{name}_mean",
            f"M[b, s] = sum_n X[b, s, n] / {x.shape[-1]}",
            (self.elementwise, self.token),
            (PARALLEL, PARALLEL, REDUCTION),
            (x,),
            f.filled(f"{name}_mean_acc", tokens, self.zero),
            ("act", "acc"),
            mean_body,
        )

        def variance_body(region: RegionWriter, act: str, mean: str, acc: str) -> str:
            inverse = region.constant("inverse_width", inverse_width)
            centred = region.op("centred", "arith.subf", act, mean)
            square = region.op("square", "arith.mulf", centred, centred)
            share = region.op("share", "arith.mulf", square, inverse)
            return region.op("sum", "arith.addf", acc, share)

        variance = f.generic(
            f"{name}_var",
            f"V[b, s] = sum_n (X[b, s, n] - M[b, s])^2 / {x.shape[-1]}",
            (self.elementwise, self.token, self.token),
            (PARALLEL, PARALLEL, REDUCTION),
            (x, mean),
            f.filled(f"{name}_var_acc", tokens, self.zero),
            ("act", "mean", "acc"),
            variance_body,
        )

        def normalise_body(
            region: RegionWriter, act: str, mean: str, var: str, gamma: str, beta: str, out: str
        ) -> str:
            eps = region.constant("eps", c.eps)
            centred = region.op("centred", "arith.subf", act, mean)
            padded = region.op("padded_var", "arith.addf", var, eps)
            inverse_std = region.op("inverse_std", "math.rsqrt", padded)
            normalised = region.op("normalised", "arith.mulf", centred, inverse_std)
            scaled = region.op("scaled", "arith.mulf", normalised, gamma)
            return region.op("shifted", "arith.addf", scaled, beta)

        return f.generic(
            f"{name}_norm",
            "N[b, s, n] = (X[b, s, n] - M[b, s]) / sqrt(V[b, s] + eps) * gamma[n] + beta[n]",
            (
                self.elementwise,
                self.token,
                self.token,
                self.feature,
                self.feature,
                self.elementwise,
            ),
            (PARALLEL,) * 3,
            (x, mean, variance, gamma, beta),
            f.empty(f"{name}_norm_empty", x.shape),
            ("act", "mean", "var", "gamma", "beta", "out"),
            normalise_body,
        )


class BertWriter:
    """Writes a BERT encoder of ``config`` into one function, layer by layer."""

    def __init__(self, config: BertConfig):
        self.config = config
        self.function = FunctionWriter(
            "bert_encoder",
            config.dtype,
            header=(
                f"BERT encoder: {config.describe()}.",
                f"Generated by `{config.command()}`.",
                "Activations stay (batch, seq, hidden); attention works on head-split",
                "(batch, heads, seq, d_head) tensors: the model has no reshape or transpose.",
                "",
            ),
        )
        self.layers = TransformerLayerWriter(
            self.function, config.layer_shape(), Activation.GELU_TANH
        )

    def write(self) -> str:
        """The module text of the whole encoder."""
        c = self.config
        f = self.function
        activation = f.argument("x", (c.batch, c.seq, c.hidden))
        weights = [self.layers.weights(f"l{layer}_") for layer in range(c.layers)]
        for layer, layer_weights in enumerate(weights):
            f.comment(f"Encoder layer {layer}.")
            activation = self.layers.post_norm_layer(f"l{layer}_", activation, layer_weights)
        return f.text((activation,))


def bert_encoder(config: BertConfig) -> str:
    """The MLIR module text of a BERT encoder of ``config``: one function ``@bert_encoder``."""
    return BertWriter(config).write()


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    defaults = BertConfig()
    parser = argparse.ArgumentParser(
        prog="python -m t10.models.bert",
        description="Write a BERT encoder as upstream MLIR linalg on tensors.",
    )
    parser.add_argument("--layers", type=int, default=defaults.layers)
    parser.add_argument("--batch", type=int, default=defaults.batch)
    parser.add_argument("--seq", type=int, default=defaults.seq, help="sequence length")
    parser.add_argument("--hidden", type=int, default=defaults.hidden, help="hidden size")
    parser.add_argument("--heads", type=int, default=defaults.heads, help="attention heads")
    parser.add_argument("--ffn", type=int, default=defaults.ffn, help="FFN inner size")
    parser.add_argument("--dtype", choices=sorted(ELEMENT_TYPES), default=defaults.dtype)
    parser.add_argument(
        "--layer-norm-eps",
        type=float,
        default=None,
        help="layer-norm epsilon (default: 1e-12 for f32, 1e-5 for f16)",
    )
    parser.add_argument("-o", "--output", default="-", help="output file ('-': stdout)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)

    def build() -> str:
        config = BertConfig(
            layers=arguments.layers,
            batch=arguments.batch,
            seq=arguments.seq,
            hidden=arguments.hidden,
            heads=arguments.heads,
            ffn=arguments.ffn,
            dtype=arguments.dtype,
            layer_norm_eps=arguments.layer_norm_eps,
        )
        return bert_encoder(config)

    return write_model("python -m t10.models.bert", build, arguments.output)


if __name__ == "__main__":
    sys.exit(main())
