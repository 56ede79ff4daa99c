"""The ``snn`` dialect: spiking-network ops on tensors (DESIGN §6).

A layer's spikes travel as a *spike list*: a pair of tensors per sample,

- ids ``tensor<B... x S x C x i32, #snn.spikes<N>>``: S segments of capacity C.
  Segment ``s`` covers neurons ``[s*W, min((s+1)*W, N))`` with the segment width
  ``W = ceil(N / S)``; ``ids[b, s, j]`` is a segment-local neuron id in ``[0, W)``
  (global id ``s*W + ids[b, s, j]``). The first ``counts[b, s]`` entries of a
  segment are the listed spikes, ascending; the rest are ``-1``. When more than C
  neurons of a segment fire, the C lowest ids are kept and the others are
  dropped (and counted).
- counts ``tensor<B... x S x i32>``: listed spikes per segment.

``B...`` is one or more leading dims (e.g. ``T x B`` for a history); all
operands of one op share them. At the model level S = 1; S > 1 appears when a
plan gives every core its own segment. Dense per-neuron tensors (potentials,
currents, gradients) are ``B... x N`` of f32; weights are ``N_in x N_out``.

Float attributes (``alpha``, ``threshold``, ``gain``) are f32 ``FloatAttr``
properties written in the attr-dict; ops expose them as Python floats through
``alpha_value``, ``threshold_value`` and ``gain_value``.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    Float32Type,
    FloatAttr,
    IntAttr,
    TensorType,
    f32,
    i32,
)
from xdsl.ir import Attribute, Dialect, Operation, ParametrizedAttribute, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    ParsePropInAttrDict,
    irdl_attr_definition,
    irdl_op_definition,
    operand_def,
    opt_operand_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.parser import AttrParser
from xdsl.printer import Printer
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException


def segment_width(neurons: int, segments: int) -> int:
    """W = ceil(neurons / segments): how many neurons one segment of a spike list covers."""
    return -(-neurons // segments)


@irdl_attr_definition
class SpikesEncodingAttr(ParametrizedAttribute):
    """
    The encoding that makes a builtin tensor the ids tensor of a spike list over
    N neurons: `tensor<B... x S x C x i32, #snn.spikes<N>>` holds, per sample and
    segment, up to C segment-local ids of the neurons that fired (see the module
    docstring). Written `#snn.spikes<1466>`.
    """

    name = "snn.spikes"

    neuron_count: IntAttr

    def __init__(self, neurons: int | IntAttr):
        super().__init__(neurons if isinstance(neurons, IntAttr) else IntAttr(neurons))

    @property
    def neurons(self) -> int:
        """N, the number of neurons the listed ids index."""
        return self.neuron_count.data

    def verify(self) -> None:
        if self.neurons < 1:
            raise VerifyException(f"neuron count N = {self.neurons} must be >= 1")

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            neurons = parser.parse_integer(allow_boolean=False)
        return (IntAttr(neurons),)

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_int(self.neurons)


def spike_list_shape(type: Attribute) -> tuple[tuple[int, ...], int, int, int]:
    """
    (leading dims, segments S, capacity C, neurons N) of a spike-list ids type
    `tensor<B... x S x C x i32, #snn.spikes<N>>`. Raises VerifyException naming
    the broken rule if `type` is not one: element type i32, rank >= 3, static
    positive extents, and C <= W = ceil(N / S) (a segment lists at most all its
    neurons).
    """
    if not isinstance(type, TensorType):
        raise VerifyException(f"{type} is not a tensor, so not a spike list")
    encoding = type.encoding
    if not isinstance(encoding, SpikesEncodingAttr):
        raise VerifyException(f"{type} has no #snn.spikes<N> encoding, so is not a spike list")
    if type.element_type != i32:
        raise VerifyException(f"spike list {type} has element type {type.element_type}, not i32")
    shape = type.get_shape()
    if len(shape) < 3:
        raise VerifyException(
            f"spike list {type} has rank {len(shape)}; ids are B... x S x C (rank >= 3)"
        )
    for dim, extent in enumerate(shape):
        if extent < 1:
            shown_extent = "?" if extent == DYNAMIC_INDEX else extent
            raise VerifyException(
                f"spike list {type} has extent {shown_extent} in dimension {dim}; spike lists "
                "have static positive extents"
            )
    *leading, segments, capacity = shape
    neurons = encoding.neurons
    width = segment_width(neurons, segments)
    if capacity > width:
        raise VerifyException(
            f"spike list {type} has capacity C = {capacity} above its segment width "
            f"W = ceil(N / S) = ceil({neurons} / {segments}) = {width}"
        )
    return tuple(leading), segments, capacity, neurons


def _spike_list(op: Operation, role: str, value: SSAValue) -> tuple[tuple[int, ...], int, int, int]:
    """`spike_list_shape` of an operand or result, its errors naming the op and role."""
    try:
        return spike_list_shape(value.type)
    except VerifyException as error:
        raise VerifyException(f"{op.name} {role}: {error}") from error


def _tensor_shape(
    op: Operation,
    role: str,
    value: SSAValue,
    element_type: Attribute,
    min_rank: int,
    max_rank: int | None = None,
) -> tuple[int, ...]:
    """
    The shape of a plain (not spike-list) tensor operand or result, checking its
    element type and that its rank is in [min_rank, max_rank].
    """
    type = value.type
    assert isinstance(type, TensorType)
    if isinstance(type.encoding, SpikesEncodingAttr):
        raise VerifyException(f"{op.name} {role}: {type} is a spike list, expected a plain tensor")
    if type.element_type != element_type:
        raise VerifyException(
            f"{op.name} {role}: element type {type.element_type} must be {element_type}"
        )
    shape = type.get_shape()
    if len(shape) < min_rank:
        raise VerifyException(f"{op.name} {role}: rank {len(shape)} is below {min_rank}")
    if max_rank is not None and len(shape) > max_rank:
        raise VerifyException(f"{op.name} {role}: rank {len(shape)} is above {max_rank}")
    return shape


def _same_shape(
    op: Operation, role: str, shape: Sequence[int], expected: Sequence[int], rule: str
) -> None:
    if tuple(shape) != tuple(expected):
        raise VerifyException(
            f"{op.name} {role}: shape {list(shape)} must be {list(expected)} ({rule})"
        )


def _same_leading(
    op: Operation, role: str, leading: Sequence[int], expected: Sequence[int], of: str
) -> None:
    if tuple(leading) != tuple(expected):
        raise VerifyException(
            f"{op.name}: leading dims {list(leading)} of {role} differ from {list(expected)} "
            f"of {of}"
        )


def _same_neurons(op: Operation, neurons: int, expected: int, what: str) -> None:
    """The ids' encoding N must match `what`, the neuron count another operand implies."""
    if neurons != expected:
        raise VerifyException(
            f"{op.name}: ids encode N = {neurons} neurons but {what} is {expected}"
        )


def _f32(value: float) -> FloatAttr[Float32Type]:
    return FloatAttr(value, f32)


class _LifParameters(IRDLOperation):
    """The LIF neuron parameters shared by `snn.lif` and `snn.lif_grad`."""

    alpha = prop_def(FloatAttr[Float32Type])
    threshold = prop_def(FloatAttr[Float32Type])
    gain = prop_def(FloatAttr[Float32Type])

    @property
    def alpha_value(self) -> float:
        return self.alpha.value.data

    @property
    def threshold_value(self) -> float:
        return self.threshold.value.data

    @property
    def gain_value(self) -> float:
        return self.gain.value.data

    def verify_parameters(self) -> None:
        """Rules: 0 <= alpha <= 1 (a decay), threshold > 0, gain > 0."""
        if not 0 <= self.alpha_value <= 1:
            raise VerifyException(f"{self.name}: alpha {self.alpha_value} is not in [0, 1]")
        _check_threshold(self, self.threshold_value)
        if not self.gain_value > 0:
            raise VerifyException(f"{self.name}: gain {self.gain_value} must be > 0")


def _check_threshold(op: Operation, threshold: float) -> None:
    # A threshold <= 0 would make neurons at rest (v = 0) fire.
    if not threshold > 0:
        raise VerifyException(f"{op.name}: threshold {threshold} must be > 0")


def _lif_properties(alpha: float, threshold: float, gain: float) -> dict[str, Attribute]:
    return {"alpha": _f32(alpha), "threshold": _f32(threshold), "gain": _f32(gain)}


@irdl_op_definition
class ThresholdCompactOp(IRDLOperation):
    """
    Threshold-and-compact: the neurons of `potential` (B... x N) that fire,
    `v >= threshold`, as a spike list. Per segment of width W = ceil(N / S), the
    C lowest fired ids are listed (segment-local, ascending, `-1` after them),
    `counts` holds how many are listed and `dropped` = fired - listed.

    Example: `%ids, %counts, %dropped = snn.threshold_compact %v {threshold = 1.0 : f32}
    : tensor<48x1466xf32> -> tensor<48x1x30xi32, #snn.spikes<1466>>, tensor<48x1xi32>,
    tensor<48x1xi32>`.
    """

    name = "snn.threshold_compact"

    potential = operand_def(TensorType)
    ids = result_def(TensorType)
    counts = result_def(TensorType)
    dropped = result_def(TensorType)
    threshold = prop_def(FloatAttr[Float32Type])

    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)

    assembly_format = (
        "$potential attr-dict `:` type($potential) `->` type($ids) `,` type($counts) `,` "
        "type($dropped)"
    )

    def __init__(
        self,
        potential: SSAValue | Operation,
        ids_type: Attribute,
        counts_type: Attribute,
        dropped_type: Attribute,
        *,
        threshold: float,
    ):
        super().__init__(
            operands=[potential],
            result_types=[ids_type, counts_type, dropped_type],
            properties={"threshold": _f32(threshold)},
        )

    @property
    def threshold_value(self) -> float:
        return self.threshold.value.data

    def verify_(self) -> None:
        _check_threshold(self, self.threshold_value)
        potential = _tensor_shape(self, "potential", self.potential, f32, 2)
        leading, segments, _, neurons = _spike_list(self, "ids", self.ids)
        _same_neurons(self, neurons, potential[-1], "the potential's last dim")
        _same_leading(self, "ids", leading, potential[:-1], "the potential")
        per_segment = (*potential[:-1], segments)
        for role, value in (("counts", self.counts), ("dropped", self.dropped)):
            shape = _tensor_shape(self, role, value, i32, 1)
            _same_shape(self, role, shape, per_segment, "B... x S, one entry per segment")


@irdl_op_definition
class GatherAddOp(IRDLOperation):
    """
    Sparse spikes times dense weights without multiplies: per sample, the sum of
    the weight rows of the listed neurons,
    `current[b, :] = sum over listed (s, j) of weights[s*W + ids[b, s, j], :]`.
    `weights` is N x M (N the ids' encoding), `current` is B... x M.

    Example: `%cur = snn.gather_add %w, %ids : tensor<2312x1466xf32>,
    tensor<48x1x24xi32, #snn.spikes<2312>> -> tensor<48x1466xf32>`.
    """

    name = "snn.gather_add"

    weights = operand_def(TensorType)
    ids = operand_def(TensorType)
    current = result_def(TensorType)

    traits = traits_def(Pure())

    assembly_format = (
        "$weights `,` $ids attr-dict `:` type($weights) `,` type($ids) `->` type($current)"
    )

    def __init__(
        self, weights: SSAValue | Operation, ids: SSAValue | Operation, current_type: Attribute
    ):
        super().__init__(operands=[weights, ids], result_types=[current_type])

    def verify_(self) -> None:
        weights = _tensor_shape(self, "weights", self.weights, f32, 2, 2)
        leading, _, _, neurons = _spike_list(self, "ids", self.ids)
        _same_neurons(self, neurons, weights[0], "the weights' row count")
        current = _tensor_shape(self, "current", self.current, f32, 2)
        _same_shape(
            self,
            "current",
            current,
            (*leading, weights[1]),
            "the ids' leading dims, then the weights' columns",
        )


@irdl_op_definition
class LifOp(_LifParameters):
    """
    The leaky integrate-and-fire update with reset to zero, per neuron:
    `result = alpha * potential * (potential < threshold) + gain * current`
    (a neuron that fired at the previous step, `potential >= threshold`,
    restarts from zero). All three tensors are B... x N.

    Example: `%v = snn.lif %v_prev, %current {alpha = 0.95 : f32, threshold = 1.0 : f32,
    gain = 1.0 : f32} : tensor<48x1466xf32>, tensor<48x1466xf32> -> tensor<48x1466xf32>`.
    """

    name = "snn.lif"

    potential = operand_def(TensorType)
    current = operand_def(TensorType)
    result = result_def(TensorType)

    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)

    assembly_format = (
        "$potential `,` $current attr-dict `:` type($potential) `,` type($current) `->` "
        "type($result)"
    )

    def __init__(
        self,
        potential: SSAValue | Operation,
        current: SSAValue | Operation,
        result_type: Attribute,
        *,
        alpha: float,
        threshold: float,
        gain: float,
    ):
        super().__init__(
            operands=[potential, current],
            result_types=[result_type],
            properties=_lif_properties(alpha, threshold, gain),
        )

    def verify_(self) -> None:
        self.verify_parameters()
        potential = _tensor_shape(self, "potential", self.potential, f32, 2)
        for role, value in (("current", self.current), ("result", self.result)):
            shape = _tensor_shape(self, role, value, f32, 2)
            _same_shape(self, role, shape, potential, "the potential's shape")


@irdl_op_definition
class LifGradOp(_LifParameters):
    """
    The backward of `snn.lif` (and of the spikes it emits) for one step, given
    `potential_grad` (dL/dv of the next step), the step's `potential` v and the
    spike gradient `spike_grad`:

    `potential_grad_out = scatter(spike_grad) * surrogate(v)
    + alpha * (v < threshold) * potential_grad`, `current_grad = gain *
    potential_grad_out`, with `surrogate(v) = 1 / (10 * |v - threshold| + 1)^2`.

    List form (with `ids`): `spike_grad` has the ids' shape and holds the spike
    gradients of the listed neurons only; the surrogate is evaluated at listed
    neurons (0 elsewhere; padding entries are ignored). Dense form (no `ids`):
    `spike_grad` is B... x N and every fired neuron (`v >= threshold`) counts as
    listed.

    Example: `%dv, %dcur = snn.lif_grad %dv_next, %v, %ds, %ids {alpha = 0.95 : f32,
    threshold = 1.0 : f32, gain = 1.0 : f32} : tensor<48x1466xf32>, tensor<48x1466xf32>,
    tensor<48x1x30xf32>, tensor<48x1x30xi32, #snn.spikes<1466>> -> tensor<48x1466xf32>,
    tensor<48x1466xf32>`.
    """

    name = "snn.lif_grad"

    potential_grad = operand_def(TensorType)
    potential = operand_def(TensorType)
    spike_grad = operand_def(TensorType)
    ids = opt_operand_def(TensorType)
    potential_grad_out = result_def(TensorType)
    current_grad = result_def(TensorType)

    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)

    assembly_format = (
        "$potential_grad `,` $potential `,` $spike_grad (`,` $ids^)? attr-dict `:` "
        "type($potential_grad) `,` type($potential) `,` type($spike_grad) "
        "(`,` type($ids)^)? `->` type($potential_grad_out) `,` type($current_grad)"
    )

    def __init__(
        self,
        potential_grad: SSAValue | Operation,
        potential: SSAValue | Operation,
        spike_grad: SSAValue | Operation,
        ids: SSAValue | Operation | None,
        potential_grad_out_type: Attribute,
        current_grad_type: Attribute,
        *,
        alpha: float,
        threshold: float,
        gain: float,
    ):
        super().__init__(
            operands=[potential_grad, potential, spike_grad, [] if ids is None else [ids]],
            result_types=[potential_grad_out_type, current_grad_type],
            properties=_lif_properties(alpha, threshold, gain),
        )

    def verify_(self) -> None:
        self.verify_parameters()
        potential = _tensor_shape(self, "potential", self.potential, f32, 2)
        for role, value in (
            ("potential_grad", self.potential_grad),
            ("potential_grad_out", self.potential_grad_out),
            ("current_grad", self.current_grad),
        ):
            shape = _tensor_shape(self, role, value, f32, 2)
            _same_shape(self, role, shape, potential, "the potential's shape")
        spike_grad = _tensor_shape(self, "spike_grad", self.spike_grad, f32, 2)
        if self.ids is None:
            _same_shape(
                self, "spike_grad", spike_grad, potential, "dense form: the potential's shape"
            )
            return
        leading, segments, capacity, neurons = _spike_list(self, "ids", self.ids)
        _same_neurons(self, neurons, potential[-1], "the potential's last dim")
        _same_leading(self, "ids", leading, potential[:-1], "the potential")
        _same_shape(
            self,
            "spike_grad",
            spike_grad,
            (*leading, segments, capacity),
            "list form: the ids' shape",
        )


def _check_row_update(
    op: Operation, weights_role: str, weights: SSAValue, current_grad: SSAValue, ids: SSAValue
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """
    Rules shared by the ops pairing a weight-shaped N x M tensor with a B... x M
    gradient at listed rows: N is the ids' encoding, M agrees, the leading dims
    agree. Returns the weights' shape and the ids' shape.
    """
    weights_shape = _tensor_shape(op, weights_role, weights, f32, 2, 2)
    current_grad_shape = _tensor_shape(op, "current_grad", current_grad, f32, 2)
    leading, segments, capacity, neurons = _spike_list(op, "ids", ids)
    _same_neurons(op, neurons, weights_shape[0], f"the {weights_role} row count")
    if current_grad_shape[-1] != weights_shape[1]:
        raise VerifyException(
            f"{op.name}: current_grad has {current_grad_shape[-1]} columns but "
            f"{weights_role} has {weights_shape[1]}"
        )
    _same_leading(op, "ids", leading, current_grad_shape[:-1], "current_grad")
    return weights_shape, (*leading, segments, capacity)


@irdl_op_definition
class ListedGradOp(IRDLOperation):
    """
    The input spike gradient, computed only at listed ids:
    `spike_grad[b, s, j] = sum_n current_grad[b, n] * weights[s*W + ids[b, s, j], n]`
    at listed entries, 0 at padding. `current_grad` is B... x M, `weights` N x M.

    Example: `%ds_prev = snn.listed_grad %dcur, %w, %ids : tensor<48x1466xf32>,
    tensor<2312x1466xf32>, tensor<48x1x24xi32, #snn.spikes<2312>> -> tensor<48x1x24xf32>`.
    """

    name = "snn.listed_grad"

    current_grad = operand_def(TensorType)
    weights = operand_def(TensorType)
    ids = operand_def(TensorType)
    spike_grad = result_def(TensorType)

    traits = traits_def(Pure())

    assembly_format = (
        "$current_grad `,` $weights `,` $ids attr-dict `:` type($current_grad) `,` "
        "type($weights) `,` type($ids) `->` type($spike_grad)"
    )

    def __init__(
        self,
        current_grad: SSAValue | Operation,
        weights: SSAValue | Operation,
        ids: SSAValue | Operation,
        spike_grad_type: Attribute,
    ):
        super().__init__(operands=[current_grad, weights, ids], result_types=[spike_grad_type])

    def verify_(self) -> None:
        _, ids = _check_row_update(self, "weights", self.weights, self.current_grad, self.ids)
        spike_grad = _tensor_shape(self, "spike_grad", self.spike_grad, f32, 1)
        _same_shape(self, "spike_grad", spike_grad, ids, "the ids' shape")


@irdl_op_definition
class ScatterAddRowsOp(IRDLOperation):
    """
    The weight gradient as a scatter-add over real spikes: `result` is
    `weights_grad` with `current_grad[b, :]` added to row `s*W + ids[b, s, j]`
    for every listed entry. `weights_grad` and `result` are N x M,
    `current_grad` is B... x M.

    Example: `%dw = snn.scatter_add_rows %dw_acc, %dcur, %ids : tensor<2312x1466xf32>,
    tensor<48x1466xf32>, tensor<48x1x24xi32, #snn.spikes<2312>> -> tensor<2312x1466xf32>`.
    """

    name = "snn.scatter_add_rows"

    weights_grad = operand_def(TensorType)
    current_grad = operand_def(TensorType)
    ids = operand_def(TensorType)
    result = result_def(TensorType)

    traits = traits_def(Pure())

    assembly_format = (
        "$weights_grad `,` $current_grad `,` $ids attr-dict `:` type($weights_grad) `,` "
        "type($current_grad) `,` type($ids) `->` type($result)"
    )

    def __init__(
        self,
        weights_grad: SSAValue | Operation,
        current_grad: SSAValue | Operation,
        ids: SSAValue | Operation,
        result_type: Attribute,
    ):
        super().__init__(operands=[weights_grad, current_grad, ids], result_types=[result_type])

    def verify_(self) -> None:
        weights_grad, _ = _check_row_update(
            self, "weights_grad", self.weights_grad, self.current_grad, self.ids
        )
        result = _tensor_shape(self, "result", self.result, f32, 1)
        _same_shape(self, "result", result, weights_grad, "the weights_grad shape")


@irdl_op_definition
class PickOp(IRDLOperation):
    """
    A dense per-neuron tensor read at listed ids (the output layer's spike
    gradient): `picked[b, s, j] = values[b, s*W + ids[b, s, j]]`, 0 at padding.
    `values` is B... x N, `picked` has the ids' shape.

    Example: `%ds = snn.pick %g, %ids : tensor<48x10xf32>,
    tensor<48x1x2xi32, #snn.spikes<10>> -> tensor<48x1x2xf32>`.
    """

    name = "snn.pick"

    values = operand_def(TensorType)
    ids = operand_def(TensorType)
    picked = result_def(TensorType)

    traits = traits_def(Pure())

    assembly_format = (
        "$values `,` $ids attr-dict `:` type($values) `,` type($ids) `->` type($picked)"
    )

    def __init__(
        self, values: SSAValue | Operation, ids: SSAValue | Operation, picked_type: Attribute
    ):
        super().__init__(operands=[values, ids], result_types=[picked_type])

    def verify_(self) -> None:
        values = _tensor_shape(self, "values", self.values, f32, 2)
        leading, segments, capacity, neurons = _spike_list(self, "ids", self.ids)
        _same_neurons(self, neurons, values[-1], "the values' last dim")
        _same_leading(self, "ids", leading, values[:-1], "values")
        picked = _tensor_shape(self, "picked", self.picked, f32, 1)
        _same_shape(self, "picked", picked, (*leading, segments, capacity), "the ids' shape")


@irdl_op_definition
class SpikeCountsOp(IRDLOperation):
    """
    Listed spikes per neuron, summed over the first leading dim (time): for ids
    T x B... x S x C over N neurons, `counts[b, n]` (B... x N, f32) is how many
    steps list neuron n of sample b.

    Example: `%c = snn.spike_counts %ids_history : tensor<100x48x1x2xi32,
    #snn.spikes<10>> -> tensor<48x10xf32>`.
    """

    name = "snn.spike_counts"

    ids = operand_def(TensorType)
    counts = result_def(TensorType)

    traits = traits_def(Pure())

    assembly_format = "$ids attr-dict `:` type($ids) `->` type($counts)"

    def __init__(self, ids: SSAValue | Operation, counts_type: Attribute):
        super().__init__(operands=[ids], result_types=[counts_type])

    def verify_(self) -> None:
        leading, _, _, neurons = _spike_list(self, "ids", self.ids)
        if len(leading) < 2:
            raise VerifyException(
                f"{self.name}: ids have leading dims {list(leading)}; a history is "
                "T x B... (at least 2 leading dims), summed over T"
            )
        counts = _tensor_shape(self, "counts", self.counts, f32, 1)
        _same_shape(
            self, "counts", counts, (*leading[1:], neurons), "the ids' leading dims after T, then N"
        )


@irdl_op_definition
class CrossEntropyOp(IRDLOperation):
    """
    Mean softmax cross-entropy of the output spike counts (B... x K) against
    integer labels (B...), and its gradient:
    `loss = mean_b(-log softmax(counts)[b, labels[b]])` (a rank-0 tensor),
    `grad = (softmax(counts) - onehot(labels)) / B` with B the number of samples.

    Example: `%loss, %g = snn.cross_entropy %c, %labels : tensor<48x10xf32>,
    tensor<48xi32> -> tensor<f32>, tensor<48x10xf32>`.
    """

    name = "snn.cross_entropy"

    counts = operand_def(TensorType)
    labels = operand_def(TensorType)
    loss = result_def(TensorType)
    grad = result_def(TensorType)

    traits = traits_def(Pure())

    assembly_format = (
        "$counts `,` $labels attr-dict `:` type($counts) `,` type($labels) `->` type($loss) `,` "
        "type($grad)"
    )

    def __init__(
        self,
        counts: SSAValue | Operation,
        labels: SSAValue | Operation,
        loss_type: Attribute,
        grad_type: Attribute,
    ):
        super().__init__(operands=[counts, labels], result_types=[loss_type, grad_type])

    def verify_(self) -> None:
        counts = _tensor_shape(self, "counts", self.counts, f32, 2)
        labels = _tensor_shape(self, "labels", self.labels, i32, 1)
        _same_shape(self, "labels", labels, counts[:-1], "the counts' leading dims")
        _tensor_shape(self, "loss", self.loss, f32, 0, 0)
        grad = _tensor_shape(self, "grad", self.grad, f32, 2)
        _same_shape(self, "grad", grad, counts, "the counts' shape")


@irdl_op_definition
class SpikesCastOp(IRDLOperation):
    """
    Views i32 ids as a spike list, or a spike list as plain ids: the same data, with
    the `#snn.spikes<N>` encoding put on or taken off. A per-core program keeps its
    lists in buffers, whose tensors carry no encoding; its kernels read them as the
    lists of the neurons their weight block covers.

    Example: `%ids = snn.spikes_cast %recv : tensor<3x51x2xi32> to
    tensor<3x51x2xi32, #snn.spikes<1479>>`.
    """

    name = "snn.spikes_cast"

    source = operand_def(TensorType)
    result = result_def(TensorType)

    traits = traits_def(Pure())

    assembly_format = "$source attr-dict `:` type($source) `to` type($result)"

    def __init__(self, source: SSAValue | Operation, result_type: Attribute):
        super().__init__(operands=[source], result_types=[result_type])

    def verify_(self) -> None:
        source_type, result_type = self.source.type, self.result.type
        assert isinstance(source_type, TensorType) and isinstance(result_type, TensorType)
        encoded = [
            isinstance(value.encoding, SpikesEncodingAttr) for value in (source_type, result_type)
        ]
        if encoded.count(True) != 1:
            raise VerifyException(
                f"snn.spikes_cast must put a #snn.spikes encoding on or take it off exactly one "
                f"side: {source_type} to {result_type}"
            )
        if (
            source_type.get_shape() != result_type.get_shape()
            or source_type.element_type != result_type.element_type
        ):
            raise VerifyException(
                f"snn.spikes_cast keeps the shape and element type: {source_type} to {result_type}"
            )
        _spike_list(
            self, "result" if encoded[1] else "source", self.result if encoded[1] else self.source
        )


Snn = Dialect(
    "snn",
    [
        SpikesCastOp,
        ThresholdCompactOp,
        GatherAddOp,
        LifOp,
        LifGradOp,
        ListedGradOp,
        ScatterAddRowsOp,
        PickOp,
        SpikeCountsOp,
        CrossEntropyOp,
    ],
    [SpikesEncodingAttr],
)
