"""A numpy reference of one training step of a spiking neural network, dense and sparse.

The compiled SNN training step (DESIGN §6) is checked against this module. Its
definitions, exactly:

Network and inputs
    Sizes ``[N0, N1, ..., NL]``; layer 0 is the input, layer L the output. Weights
    ``W_l`` (l = 1..L) of shape ``(N_{l-1}, N_l)``, float32. Inputs are binary spikes
    ``s_0[t]`` of shape ``(batch, N0)`` for t = 0..T-1, rate-coded: every input neuron
    spikes independently with probability ``activity`` at every step (a seeded
    generator, :func:`rate_coded_inputs`), with one integer label per sample.

Forward (layer l >= 1, step t)
    Layer l at step t reads layer l-1's spikes of step t-1; spikes at step -1 are 0
    and ``v_l[-1] = 0`` (so ``s_0[T-1]`` reaches no one)::

        I_l[t] = s_{l-1}[t-1] @ W_l
        v_l[t] = alpha * v_l[t-1] * (1 - s_l[t-1]) + gain * I_l[t]
        s_l[t] = (v_l[t] >= threshold)

    A spike resets its neuron to zero at the next step; alpha = 0.95, threshold = 1.0
    and gain = 1.0 by default (:class:`SnnConfig`).

Loss
    Softmax cross-entropy of the output spike counts ``c = sum_t s_L[t]``, shape
    ``(batch, N_L)``, against the labels, averaged over the batch.

Backward (BPTT)
    The surrogate derivative of a spike is ``1 / (10 * |v - threshold| + 1)^2``,
    evaluated only at *listed* neurons (neurons that spiked at that step and made it
    into the spike list); elsewhere it is 0. The reset's dependence on s is
    detached. With ``dv_l[T] = 0`` and ``dI_{l+1}[T] = 0``::

        ds_l[t] = dI_{l+1}[t+1] @ W_{l+1}^T            (l < L)
        ds_L[t] = (softmax(c) - onehot(labels)) / batch  (every t)
        dv_l[t] = ds_l[t] * surrogate(v_l[t]) * listed_l[t]
                  + alpha * (1 - s_l[t]) * dv_l[t+1]
        dI_l[t] = gain * dv_l[t]
        dW_l    = sum_t s_{l-1}[t-1]^T @ dI_l[t]

Training step
    Forward over the T steps, backward, then SGD: ``W_l -= lr * dW_l``.

Dense form (:func:`train_step_dense`)
    Full ``(batch, N)`` arrays; every spike is sent and listed (``activity_cap`` is
    not used).

Sparse form (:func:`train_step_sparse`)
    Every layer's spikes, the input's and the output's included, travel per step
    and sample as a spike list (:class:`SpikeList`) of capacity
    ``C_l = ceil(activity_cap * N_l)`` neuron ids, ascending, padded with -1, plus
    the count (``C_l = N_l`` when ``activity_cap`` is None). Spikes beyond the
    capacity are dropped, keeping the lowest ids, and counted per layer. A dropped
    spike is not sent: the next layer does not see it, it is not listed (no
    surrogate), and the loss does not count it (``c`` sums the *sent* output spikes,
    in both forms); but its neuron still resets, the reset being local to the
    neuron's core. So in both forms ``s`` in the reset term is the fired spike and
    everywhere else the sent one. The sparse form computes:

    - forward: ``I_l[t]`` as the sum of the rows ``W_l[ids]`` of the listed ids of
      layer l-1 at step t-1 (a gather-and-add, no multiplies);
    - backward: the surrogate only at listed ids; ``ds_{l-1}[t-1]`` only at the
      listed ids of layer l-1, as ``dI_l[t] @ W_l[ids]^T``; ``dW_l`` as a
      scatter-add of ``dI_l[t]`` into the rows ``W_l[ids]`` of the listed (real)
      spikes of layer l-1 at step t-1.

    With capacities at least the spikes fired, both forms compute the same values
    up to float32 round-off (summation order).

Statistics
    :class:`ForwardPass` keeps every layer's fired and sent spike trains, from which
    it gives the spikes fired and dropped per layer, step and sample.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float32]
BoolArray = NDArray[np.bool_]
IdArray = NDArray[np.int32]
CountArray = NDArray[np.int64]

SURROGATE_SLOPE = 10.0
"""The 10 in the surrogate derivative ``1 / (10 * |v - threshold| + 1)^2``."""

INIT_WEIGHT_SCALE = 2.0
"""Weights of layer l are drawn from N(0, (INIT_WEIGHT_SCALE / sqrt(N_{l-1}))^2).

With zero-mean weights a neuron's potential is a leaky sum of about ``p * N_{l-1}``
rows a step over about ``1 / (1 - alpha^2) ~ 10`` steps, so its spread is about
``scale * sqrt(10 p)`` for inputs at activity p: firing is driven by fluctuations
and follows the input's activity. Measured on ``[2312, 1466, 1466, 10]`` (T = 100),
scale 2 keeps every hidden layer within 0.7-1.1x the input activity from 1 % to
10 % (0.01 gives 0.009 and 0.008; 0.05 gives 0.042 and 0.043); scale 1 lets the
activity die out by the second hidden layer, scale 3 triples it at 1 %."""


@dataclass(frozen=True)
class SnnConfig:
    """The shape and neuron constants of a spiking network's training step."""

    sizes: tuple[int, ...]
    """Neurons per layer, the input layer first."""
    timesteps: int
    batch: int
    alpha: float = 0.95
    """Membrane decay per step."""
    threshold: float = 1.0
    gain: float = 1.0
    """Scale of the input current."""
    activity_cap: float | None = None
    """Spike-list capacity as a fraction of a layer's neurons (sparse form); None: no cap."""

    def __post_init__(self) -> None:
        if len(self.sizes) < 2:
            raise ValueError(
                f"a network needs an input and an output layer: sizes {self.sizes} "
                f"has {len(self.sizes)} entries"
            )
        for layer, size in enumerate(self.sizes):
            if size < 1:
                raise ValueError(
                    f"layer {layer} has {size} neurons: every size must be >= 1 "
                    f"(sizes {self.sizes})"
                )
        if self.timesteps < 1:
            raise ValueError(f"timesteps must be >= 1, got {self.timesteps}")
        if self.batch < 1:
            raise ValueError(f"batch must be >= 1, got {self.batch}")
        if not 0.0 <= self.alpha <= 1.0:
            raise ValueError(f"alpha (the membrane decay) must be in [0, 1], got {self.alpha}")
        if not (math.isfinite(self.threshold) and self.threshold > 0.0):
            raise ValueError(
                f"threshold must be positive and finite (a neuron at rest, v = 0, must not "
                f"spike), got {self.threshold}"
            )
        if not (math.isfinite(self.gain) and self.gain > 0.0):
            raise ValueError(f"gain must be positive and finite, got {self.gain}")
        if self.activity_cap is not None and not 0.0 < self.activity_cap <= 1.0:
            raise ValueError(f"activity_cap must be in (0, 1], got {self.activity_cap}")

    @property
    def layers(self) -> int:
        """L: the number of weight layers."""
        return len(self.sizes) - 1

    def capacity(self, layer: int) -> int:
        """Spike-list capacity of ``layer`` (0 is the input): ``ceil(activity_cap * N)``.

        The product is rounded to 9 decimals first so that 0.07 * 100 gives 7, not 8.
        """
        size = self.sizes[layer]
        if self.activity_cap is None:
            return size
        return math.ceil(round(self.activity_cap * size, 9))


@dataclass(frozen=True)
class SpikeList:
    """The spikes of one layer as sent: for every leading index (step, sample), up to
    ``capacity`` neuron ids, ascending, padded with -1."""

    ids: IdArray
    """Shape ``(..., capacity)``."""
    counts: IdArray
    """Shape ``(...)``: the number of real ids in each list."""
    sent: BoolArray
    """Shape ``(..., neurons)``: the same spikes as a mask over the neurons."""


def compact_spikes(fired: BoolArray, capacity: int) -> SpikeList:
    """Threshold-and-compact's compaction: the lowest ``capacity`` ids of the spikes
    ``fired`` (shape ``(..., neurons)``) on every leading index; the rest are dropped."""
    rank = np.cumsum(fired, axis=-1, dtype=np.int32)
    sent = fired & (rank <= capacity)
    ids = np.full((*fired.shape[:-1], capacity), -1, dtype=np.int32)
    *leading, neurons = np.nonzero(sent)
    ids[(*leading, rank[sent] - 1)] = neurons
    return SpikeList(ids=ids, counts=sent.sum(axis=-1, dtype=np.int32), sent=sent)


@dataclass(frozen=True)
class ForwardPass:
    """The state history of a forward pass over T steps, kept for BPTT."""

    potentials: tuple[FloatArray, ...]
    """``potentials[l - 1]``: ``v_l[t]`` of layer l = 1..L, shape ``(T, batch, N_l)``."""
    spikes: tuple[BoolArray, ...]
    """``spikes[l]``: spikes fired by layer l = 0..L, shape ``(T, batch, N_l)``."""
    sent: tuple[BoolArray, ...]
    """``sent[l]``: the spikes of ``spikes[l]`` that were sent (listed)."""

    @property
    def output_counts(self) -> FloatArray:
        """``c``: the sent output spikes summed over time, shape ``(batch, N_L)``."""
        return self.sent[-1].sum(axis=0, dtype=np.float32)

    @property
    def spike_counts(self) -> CountArray:
        """Spikes fired per layer (0..L), step and sample: shape ``(L + 1, T, batch)``."""
        return np.stack([fired.sum(axis=-1) for fired in self.spikes])

    @property
    def dropped_counts(self) -> CountArray:
        """Spikes fired but not sent, per layer, step and sample: ``(L + 1, T, batch)``."""
        return np.stack(
            [
                (fired & ~sent).sum(axis=-1)
                for fired, sent in zip(self.spikes, self.sent, strict=True)
            ]
        )

    @property
    def dropped_spikes(self) -> CountArray:
        """Spikes dropped per layer (0..L), over all steps and samples."""
        return self.dropped_counts.sum(axis=(1, 2))

    @property
    def activity(self) -> NDArray[np.float64]:
        """Per layer (0..L): the fraction of neurons firing per step, averaged."""
        return np.array([fired.mean() for fired in self.spikes])


@dataclass(frozen=True)
class StepResult:
    """One training step: its loss (before the update), gradients and updated weights."""

    loss: float
    forward: ForwardPass
    weight_gradients: tuple[FloatArray, ...]
    """``weight_gradients[l - 1]``: ``dW_l``."""
    weights: tuple[FloatArray, ...]
    """The weights after the SGD update."""

    @property
    def spike_counts(self) -> CountArray:
        return self.forward.spike_counts

    @property
    def dropped_spikes(self) -> CountArray:
        return self.forward.dropped_spikes


def rate_coded_inputs(
    config: SnnConfig, activity: float, seed: int
) -> tuple[BoolArray, NDArray[np.int64]]:
    """Input spikes ``(T, batch, N0)``, each neuron spiking with probability ``activity``
    per step, and labels ``(batch,)`` uniform over the output neurons."""
    if not 0.0 <= activity <= 1.0:
        raise ValueError(f"activity must be in [0, 1], got {activity}")
    generator = np.random.default_rng(seed)
    spikes = generator.random((config.timesteps, config.batch, config.sizes[0])) < activity
    labels = generator.integers(0, config.sizes[-1], size=config.batch)
    return spikes, labels


def init_weights(config: SnnConfig, seed: int) -> tuple[FloatArray, ...]:
    """Weights ``W_l ~ N(0, (INIT_WEIGHT_SCALE / sqrt(N_{l-1}))^2)`` in float32 (see
    :data:`INIT_WEIGHT_SCALE` for why this scale)."""
    generator = np.random.default_rng(seed)
    return tuple(
        (
            generator.standard_normal((fan_in, fan_out)) * (INIT_WEIGHT_SCALE / math.sqrt(fan_in))
        ).astype(np.float32)
        for fan_in, fan_out in zip(config.sizes[:-1], config.sizes[1:], strict=True)
    )


def surrogate(config: SnnConfig, potentials: FloatArray) -> FloatArray:
    """The surrogate derivative of a spike, ``1 / (10 * |v - threshold| + 1)^2``."""
    # float32 at run time (Python floats do not widen arrays); the stubs lose the dtype.
    return cast(
        FloatArray, 1.0 / (SURROGATE_SLOPE * np.abs(potentials - config.threshold) + 1.0) ** 2
    )


def _check_step_arguments(
    config: SnnConfig,
    weights: Sequence[FloatArray],
    inputs: BoolArray,
    labels: NDArray[np.integer],
    learning_rate: float,
) -> None:
    if len(weights) != config.layers:
        raise ValueError(f"{len(weights)} weight matrices for {config.layers} layers")
    for layer, weight in enumerate(weights, start=1):
        expected = (config.sizes[layer - 1], config.sizes[layer])
        if weight.shape != expected or weight.dtype != np.float32:
            raise ValueError(
                f"W_{layer} must be float32 of shape {expected}, got {weight.dtype} "
                f"of shape {weight.shape}"
            )
    expected_inputs = (config.timesteps, config.batch, config.sizes[0])
    if inputs.shape != expected_inputs or inputs.dtype != np.bool_:
        raise ValueError(
            f"inputs must be bool of shape (T, batch, N0) = {expected_inputs}, got "
            f"{inputs.dtype} of shape {inputs.shape}"
        )
    if labels.shape != (config.batch,) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"labels must be integers of shape ({config.batch},), got {labels.dtype} "
            f"of shape {labels.shape}"
        )
    if labels.size and not (labels.min() >= 0 and labels.max() < config.sizes[-1]):
        raise ValueError(f"labels must be in [0, {config.sizes[-1]}), got {labels}")
    if not (math.isfinite(learning_rate) and learning_rate >= 0.0):
        raise ValueError(f"learning rate must be finite and >= 0, got {learning_rate}")


def _lif_step(
    config: SnnConfig, potential: FloatArray, fired: BoolArray, current: FloatArray
) -> tuple[FloatArray, BoolArray]:
    """``v[t]`` and ``s[t]`` from ``v[t-1]``, ``s[t-1]`` (fired) and ``I[t]``."""
    # alpha multiplies the float32 array before the bool mask: alpha * mask would be
    # float64. The stubs lose the dtype either way.
    updated = cast(FloatArray, config.alpha * potential * ~fired + config.gain * current)
    return updated, updated >= config.threshold


def _delayed(spikes: BoolArray) -> FloatArray:
    """``s[t-1]`` for t = 0..T-1 as float32, with ``s[-1] = 0``."""
    delayed = np.zeros(spikes.shape, dtype=np.float32)
    delayed[1:] = spikes[:-1]
    return delayed


def _over_steps(stacked: FloatArray, matrix: FloatArray) -> FloatArray:
    """``stacked[t] @ matrix`` for every step t, as one matrix product."""
    steps, batch, inner = stacked.shape
    return (stacked.reshape(steps * batch, inner) @ matrix).reshape(steps, batch, -1)


def _loss_and_gradient(
    output_counts: FloatArray, labels: NDArray[np.integer]
) -> tuple[float, FloatArray]:
    """The mean softmax cross-entropy of ``c`` and its gradient ``dc``."""
    batch = output_counts.shape[0]
    shifted = output_counts - output_counts.max(axis=1, keepdims=True)
    log_sum = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    log_probabilities = shifted - log_sum
    samples = np.arange(batch)
    loss = float(-log_probabilities[samples, labels].mean())
    gradient = np.exp(log_probabilities)
    gradient[samples, labels] -= 1.0
    return loss, (gradient / batch).astype(np.float32)


def _sgd(
    weights: Sequence[FloatArray], gradients: Sequence[FloatArray], learning_rate: float
) -> tuple[FloatArray, ...]:
    return tuple(
        (weight - np.float32(learning_rate) * gradient).astype(np.float32)
        for weight, gradient in zip(weights, gradients, strict=True)
    )


def forward_dense(
    config: SnnConfig, weights: Sequence[FloatArray], inputs: BoolArray
) -> ForwardPass:
    """The forward pass on full arrays: every spike is sent."""
    potentials: list[FloatArray] = []
    spikes: list[BoolArray] = [inputs]
    for layer in range(1, config.layers + 1):
        currents = _over_steps(_delayed(spikes[-1]), weights[layer - 1])
        potential = np.zeros(currents.shape[1:], dtype=np.float32)
        fired = np.zeros(currents.shape[1:], dtype=np.bool_)
        layer_potentials = np.empty(currents.shape, dtype=np.float32)
        layer_spikes = np.empty(currents.shape, dtype=np.bool_)
        for step in range(config.timesteps):
            potential, fired = _lif_step(config, potential, fired, currents[step])
            layer_potentials[step] = potential
            layer_spikes[step] = fired
        potentials.append(layer_potentials)
        spikes.append(layer_spikes)
    return ForwardPass(potentials=tuple(potentials), spikes=tuple(spikes), sent=tuple(spikes))


def _backward_dense(
    config: SnnConfig,
    weights: Sequence[FloatArray],
    forward: ForwardPass,
    output_gradient: FloatArray,
) -> tuple[FloatArray, ...]:
    steps = config.timesteps
    gradients: list[FloatArray] = []
    next_current_gradients = np.zeros(0, dtype=np.float32)
    for layer in range(config.layers, 0, -1):
        size = config.sizes[layer]
        spike_gradients = np.zeros((steps, config.batch, size), dtype=np.float32)
        if layer == config.layers:
            spike_gradients[:] = output_gradient
        else:
            spike_gradients[:-1] = _over_steps(next_current_gradients[1:], weights[layer].T)
        surrogates = surrogate(config, forward.potentials[layer - 1]) * forward.sent[layer]
        fired = forward.spikes[layer]
        current_gradients = np.empty((steps, config.batch, size), dtype=np.float32)
        potential_gradient = np.zeros((config.batch, size), dtype=np.float32)
        for step in range(steps - 1, -1, -1):
            potential_gradient = (
                spike_gradients[step] * surrogates[step]
                + config.alpha * potential_gradient * ~fired[step]
            )
            current_gradients[step] = config.gain * potential_gradient
        inputs = _delayed(forward.sent[layer - 1]).reshape(-1, config.sizes[layer - 1])
        gradients.append(inputs.T @ current_gradients.reshape(-1, size))
        next_current_gradients = current_gradients
    return tuple(reversed(gradients))


def train_step_dense(
    config: SnnConfig,
    weights: Sequence[FloatArray],
    inputs: BoolArray,
    labels: NDArray[np.integer],
    learning_rate: float,
) -> StepResult:
    """One training step on full ``(batch, N)`` arrays (matrix products)."""
    _check_step_arguments(config, weights, inputs, labels, learning_rate)
    forward = forward_dense(config, weights, inputs)
    loss, output_gradient = _loss_and_gradient(forward.output_counts, labels)
    gradients = _backward_dense(config, weights, forward, output_gradient)
    return StepResult(
        loss=loss,
        forward=forward,
        weight_gradients=gradients,
        weights=_sgd(weights, gradients, learning_rate),
    )


def _gather_add(padded_weights: FloatArray, spike_list: SpikeList, step: int) -> FloatArray:
    """``I[t]``: per sample, the sum of the weight rows of the ids listed at ``step``.

    ``padded_weights`` ends with a row of zeros, which the padding id -1 indexes.
    """
    width = int(spike_list.counts[step].max())
    return padded_weights[spike_list.ids[step, :, :width]].sum(axis=1)


def forward_sparse(
    config: SnnConfig, weights: Sequence[FloatArray], inputs: BoolArray
) -> tuple[ForwardPass, tuple[SpikeList, ...]]:
    """The forward pass on spike lists; also returns each layer's lists ``(T, batch, C_l)``."""
    spike_lists = [compact_spikes(inputs, config.capacity(0))]
    potentials: list[FloatArray] = []
    spikes: list[BoolArray] = [inputs]
    for layer in range(1, config.layers + 1):
        size = config.sizes[layer]
        padded_weights = np.vstack([weights[layer - 1], np.zeros((1, size), dtype=np.float32)])
        shape = (config.timesteps, config.batch, size)
        potential = np.zeros(shape[1:], dtype=np.float32)
        fired = np.zeros(shape[1:], dtype=np.bool_)
        layer_potentials = np.empty(shape, dtype=np.float32)
        layer_spikes = np.empty(shape, dtype=np.bool_)
        for step in range(config.timesteps):
            current = (
                _gather_add(padded_weights, spike_lists[-1], step - 1)
                if step > 0
                else np.zeros(shape[1:], dtype=np.float32)
            )
            potential, fired = _lif_step(config, potential, fired, current)
            layer_potentials[step] = potential
            layer_spikes[step] = fired
        potentials.append(layer_potentials)
        spikes.append(layer_spikes)
        spike_lists.append(compact_spikes(layer_spikes, config.capacity(layer)))
    forward = ForwardPass(
        potentials=tuple(potentials),
        spikes=tuple(spikes),
        sent=tuple(spike_list.sent for spike_list in spike_lists),
    )
    return forward, tuple(spike_lists)


def _listed(spike_list: SpikeList, step: int) -> tuple[NDArray[np.intp], IdArray]:
    """The real entries of the lists at ``step``: their samples and neuron ids."""
    ids = spike_list.ids[step]
    samples, slots = np.nonzero(ids >= 0)
    return samples, ids[samples, slots]


def _scatter_add_rows(
    target: FloatArray, rows: IdArray, source: FloatArray, source_rows: NDArray[np.intp]
) -> None:
    """``target[rows[i]] += source[source_rows[i]]`` for every i, ``rows`` repeating.

    Sorts by row and sums each run with one ``reduceat``: ``np.add.at`` on the rows
    of a matrix is twice as slow.
    """
    if len(rows) == 0:
        return
    order = np.argsort(rows, kind="stable")
    sorted_rows = rows[order]
    starts = np.flatnonzero(np.r_[True, sorted_rows[1:] != sorted_rows[:-1]])
    target[sorted_rows[starts]] += np.add.reduceat(source[source_rows[order]], starts, axis=0)


def _backward_sparse(
    config: SnnConfig,
    weights: Sequence[FloatArray],
    forward: ForwardPass,
    spike_lists: Sequence[SpikeList],
    output_gradient: FloatArray,
) -> tuple[FloatArray, ...]:
    steps = config.timesteps
    gradients: list[FloatArray] = []
    next_current_gradients = np.zeros(0, dtype=np.float32)
    for layer in range(config.layers, 0, -1):
        size = config.sizes[layer]
        potentials = forward.potentials[layer - 1]
        fired = forward.spikes[layer]
        current_gradients = np.empty((steps, config.batch, size), dtype=np.float32)
        potential_gradient = np.zeros((config.batch, size), dtype=np.float32)
        weight_gradient = np.zeros((config.sizes[layer - 1], size), dtype=np.float32)
        for step in range(steps - 1, -1, -1):
            samples, ids = _listed(spike_lists[layer], step)
            if layer == config.layers:
                spike_gradients = output_gradient[samples, ids]
            elif step + 1 < steps:
                spike_gradients = np.einsum(
                    "en,en->e", next_current_gradients[step + 1, samples], weights[layer][ids]
                )
            else:
                spike_gradients = np.zeros(len(ids), dtype=np.float32)
            potential_gradient = config.alpha * potential_gradient * ~fired[step]
            potential_gradient[samples, ids] += spike_gradients * surrogate(
                config, potentials[step, samples, ids]
            )
            current_gradients[step] = config.gain * potential_gradient
            if step > 0:
                input_samples, input_ids = _listed(spike_lists[layer - 1], step - 1)
                _scatter_add_rows(
                    weight_gradient, input_ids, current_gradients[step], input_samples
                )
        gradients.append(weight_gradient)
        next_current_gradients = current_gradients
    return tuple(reversed(gradients))


def train_step_sparse(
    config: SnnConfig,
    weights: Sequence[FloatArray],
    inputs: BoolArray,
    labels: NDArray[np.integer],
    learning_rate: float,
) -> StepResult:
    """One training step on spike lists of capacity ``config.capacity(l)``."""
    _check_step_arguments(config, weights, inputs, labels, learning_rate)
    forward, spike_lists = forward_sparse(config, weights, inputs)
    loss, output_gradient = _loss_and_gradient(forward.output_counts, labels)
    gradients = _backward_sparse(config, weights, forward, spike_lists, output_gradient)
    return StepResult(
        loss=loss,
        forward=forward,
        weight_gradients=gradients,
        weights=_sgd(weights, gradients, learning_rate),
    )
