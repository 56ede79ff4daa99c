"""The numpy reference of a spiking network's training step (runtime/snn_reference.py)."""

import re
from collections.abc import Callable

import numpy as np
import pytest
from numpy.typing import NDArray

from t10.runtime.snn_reference import (
    BoolArray,
    FloatArray,
    ForwardPass,
    SnnConfig,
    StepResult,
    compact_spikes,
    forward_dense,
    forward_sparse,
    init_weights,
    rate_coded_inputs,
    train_step_dense,
    train_step_sparse,
)

SIZES = (20, 16, 12, 5)
STEPS = 12
BATCH = 4

GRADIENT_RTOL = 1e-5
"""Dense and sparse forms differ only in summation order (a matrix product against a
gather-and-add or scatter-add), so float32 round-off: a few ulp of the largest term.
Measured differences are at most 2e-7 of each matrix's largest gradient."""
GRADIENT_ATOL = 1e-6
"""Relative to the largest entry of the gradient matrix being compared."""

StepFunction = Callable[
    [SnnConfig, tuple[FloatArray, ...], BoolArray, NDArray[np.int64], float], StepResult
]


def small_problem(
    activity: float, seed: int, activity_cap: float | None = None, gain: float = 1.0
) -> tuple[SnnConfig, tuple[FloatArray, ...], BoolArray, NDArray[np.int64]]:
    config = SnnConfig(SIZES, STEPS, BATCH, gain=gain, activity_cap=activity_cap)
    inputs, labels = rate_coded_inputs(config, activity, seed)
    return config, init_weights(config, seed), inputs, labels


def assert_gradients_close(actual: tuple[FloatArray, ...], expected: tuple[FloatArray, ...]):
    for layer, (got, want) in enumerate(zip(actual, expected, strict=True), start=1):
        scale = float(np.abs(want).max())
        np.testing.assert_allclose(
            got, want, rtol=GRADIENT_RTOL, atol=GRADIENT_ATOL * scale, err_msg=f"dW_{layer}"
        )


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("activity", [0.1, 0.2, 0.35])
def test_sparse_matches_dense_when_nothing_is_dropped(activity: float, seed: int):
    config, weights, inputs, labels = small_problem(activity, seed)
    dense = train_step_dense(config, weights, inputs, labels, 0.5)
    # The tightest capacity that still drops nothing, so lists are full and padded.
    tightest_cap = max(
        float(fired.sum(axis=-1).max()) / size
        for fired, size in zip(dense.forward.spikes, SIZES, strict=True)
    )
    for cap in (None, tightest_cap):
        capped = SnnConfig(SIZES, STEPS, BATCH, activity_cap=cap)
        sparse = train_step_sparse(capped, weights, inputs, labels, 0.5)
        assert sparse.dropped_spikes.tolist() == [0, 0, 0, 0]
        for dense_spikes, sparse_spikes in zip(
            dense.forward.spikes, sparse.forward.spikes, strict=True
        ):
            np.testing.assert_array_equal(sparse_spikes, dense_spikes)
        for dense_sent, sparse_sent in zip(dense.forward.sent, sparse.forward.sent, strict=True):
            np.testing.assert_array_equal(sparse_sent, dense_sent)
        np.testing.assert_array_equal(sparse.spike_counts, dense.spike_counts)
        assert sparse.loss == pytest.approx(dense.loss, rel=1e-6)
        assert_gradients_close(sparse.weight_gradients, dense.weight_gradients)
        assert_gradients_close(sparse.weights, dense.weights)
    # Every layer spikes and gets a gradient: the comparison is not of zeros.
    assert all(fired.any() for fired in dense.forward.spikes)
    assert all(np.abs(gradient).max() > 0 for gradient in dense.weight_gradients)


@pytest.mark.parametrize("seed", [0, 1])
def test_small_capacity_drops_and_counts_spikes(seed: int):
    config, weights, inputs, labels = small_problem(0.3, seed, activity_cap=0.1)
    sparse = train_step_sparse(config, weights, inputs, labels, 0.5)
    dense = train_step_dense(config, weights, inputs, labels, 0.5)
    capacities = [config.capacity(layer) for layer in range(len(SIZES))]
    assert capacities == [2, 2, 2, 1]
    beyond_capacity = [
        int(np.maximum(fired.sum(axis=-1) - capacity, 0).sum())
        for fired, capacity in zip(sparse.forward.spikes, capacities, strict=True)
    ]
    assert sparse.dropped_spikes.tolist() == beyond_capacity
    assert beyond_capacity[0] > 0
    for fired, sent, capacity in zip(
        sparse.forward.spikes, sparse.forward.sent, capacities, strict=True
    ):
        dropped = fired & ~sent
        np.testing.assert_array_equal(sent.sum(axis=-1), np.minimum(fired.sum(axis=-1), capacity))
        assert not (sent & ~fired).any()
        ids = np.arange(fired.shape[-1])
        highest_sent = np.where(sent, ids, -1).max(axis=-1)
        lowest_dropped = np.where(dropped, ids, fired.shape[-1]).min(axis=-1)
        assert (highest_sent < lowest_dropped).all()
    assert sparse.loss != dense.loss or any(
        not np.array_equal(s, d)
        for s, d in zip(sparse.weight_gradients, dense.weight_gradients, strict=True)
    )
    assert dense.dropped_spikes.tolist() == [0, 0, 0, 0]


def test_compact_spikes_keeps_lowest_ids():
    fired = np.array([[False, True, True, False, True], [False] * 5])
    spike_list = compact_spikes(fired, 2)
    assert spike_list.ids.tolist() == [[1, 2], [-1, -1]]
    assert spike_list.counts.tolist() == [2, 0]
    assert spike_list.sent.tolist() == [[False, True, True, False, False], [False] * 5]
    assert compact_spikes(fired, 4).ids.tolist() == [[1, 2, 4, -1], [-1, -1, -1, -1]]


FORWARDS: list[Callable[[SnnConfig, tuple[FloatArray, ...], BoolArray], ForwardPass]] = [
    forward_dense,
    lambda config, weights, inputs: forward_sparse(config, weights, inputs)[0],
]


@pytest.mark.parametrize("forward", FORWARDS, ids=["dense", "sparse"])
def test_forward_leak_reset_and_delay(
    forward: Callable[[SnnConfig, tuple[FloatArray, ...], BoolArray], ForwardPass],
):
    """Input 0 spikes at steps 0-3 through weight 0.6; input 1 spikes only at the last
    step, which nobody reads (layer 1 at step t reads step t-1)::

        v[0] = 0                 (reads s_0[-1] = 0)
        v[1] = 0.6
        v[2] = 0.95 * 0.6 + 0.6 = 1.17  -> spike
        v[3] = 0 + 0.6                   (reset)
        v[4] = 1.17                      -> spike
    """
    config = SnnConfig((2, 1), timesteps=5, batch=1)
    weights = (np.array([[0.6], [0.5]], dtype=np.float32),)
    inputs = np.zeros((5, 1, 2), dtype=np.bool_)
    inputs[0:4, 0, 0] = True
    inputs[4, 0, 1] = True
    result = forward(config, weights, inputs)
    np.testing.assert_allclose(result.potentials[0][:, 0, 0], [0, 0.6, 1.17, 0.6, 1.17], rtol=1e-6)
    assert result.spikes[1][:, 0, 0].tolist() == [False, False, True, False, True]
    assert result.output_counts.tolist() == [[2.0]]


@pytest.mark.parametrize("forward", FORWARDS, ids=["dense", "sparse"])
def test_forward_gain_threshold_and_layer_delay(
    forward: Callable[[SnnConfig, tuple[FloatArray, ...], BoolArray], ForwardPass],
):
    """One input spike at step 0 through weights 0.5 with gain 2: layer 1 reaches the
    threshold exactly (v >= threshold spikes) at step 1, layer 2 at step 2."""
    config = SnnConfig((1, 1, 1), timesteps=4, batch=1, gain=2.0)
    weights = (np.array([[0.5]], dtype=np.float32), np.array([[0.5]], dtype=np.float32))
    inputs = np.zeros((4, 1, 1), dtype=np.bool_)
    inputs[0] = True
    result = forward(config, weights, inputs)
    assert result.potentials[0][:, 0, 0].tolist() == [0.0, 1.0, 0.0, 0.0]
    assert result.potentials[1][:, 0, 0].tolist() == [0.0, 0.0, 1.0, 0.0]
    assert [fired[:, 0, 0].tolist() for fired in result.spikes] == [
        [True, False, False, False],
        [False, True, False, False],
        [False, False, True, False],
    ]


def test_sparse_forward_drops_but_resets():
    """Capacity 1 everywhere. Both layer-1 neurons cross the threshold at step 1; only
    neuron 0 is sent, so layer 2 at step 2 sees 0.3, not 0.3 + 0.6; neuron 1 still
    resets, so its potential at step 2 is 1.5 again, not 0.95 * 1.5 + 1.5."""
    config = SnnConfig((1, 2, 1), timesteps=4, batch=1, activity_cap=0.5)
    weights = (np.array([[1.0, 1.5]], dtype=np.float32), np.array([[0.3], [0.6]], dtype=np.float32))
    inputs = np.ones((4, 1, 1), dtype=np.bool_)
    sparse, spike_lists = forward_sparse(config, weights, inputs)
    np.testing.assert_allclose(sparse.potentials[0][:, 0, 1], [0, 1.5, 1.5, 1.5], rtol=1e-6)
    np.testing.assert_allclose(sparse.potentials[1][:, 0, 0], [0, 0, 0.3, 0.585], rtol=1e-6)
    assert spike_lists[1].ids[:, 0].tolist() == [[-1], [0], [0], [0]]
    assert sparse.dropped_counts[:, :, 0].tolist() == [[0] * 4, [0, 1, 1, 1], [0] * 4]
    dense = forward_dense(config, weights, inputs)
    np.testing.assert_allclose(dense.potentials[1][:, 0, 0], [0, 0, 0.9, 1.755], rtol=1e-6)


def smooth_step(shifted: NDArray[np.float64]) -> NDArray[np.float64]:
    """An antiderivative of the surrogate 1 / (10 |x| + 1)^2 (x = v - threshold)."""
    return np.sign(shifted) * (1.0 - 1.0 / (10.0 * np.abs(shifted) + 1.0)) / 10.0


def frozen_pattern_loss(
    config: SnnConfig,
    weights: list[NDArray[np.float64]],
    labels: NDArray[np.int64],
    base: ForwardPass,
) -> float:
    """The loss of the network with the spike pattern of ``base`` frozen, in float64.

    The surrogate gradient is, by definition, the exact gradient of this function
    at the base weights: which neurons fire, reset and are listed is held fixed (the
    reset detached), and the value a listed spike carries is
    ``1 + smooth_step(v - threshold) - smooth_step(v_base - threshold)``: 1 at the
    base weights (up to float32 round-off of ``v_base``), with derivative the
    surrogate. Unlisted neurons carry 0. Its finite differences therefore check the
    BPTT recursion, the listed-only gating, the loss gradient and the weight
    gradient of either form, independently of how they are computed.
    """
    carried = base.sent[0].astype(np.float64)
    for layer in range(1, config.layers + 1):
        delayed = np.zeros_like(carried)
        delayed[1:] = carried[:-1]
        currents = delayed @ weights[layer - 1]
        fired = base.spikes[layer]
        base_potentials = base.potentials[layer - 1].astype(np.float64)
        potential = np.zeros(currents.shape[1:])
        values = np.zeros(currents.shape)
        for step in range(config.timesteps):
            keep = 1.0 - fired[step - 1] if step > 0 else 1.0
            potential = config.alpha * potential * keep + config.gain * currents[step]
            values[step] = base.sent[layer][step] * (
                1.0
                + smooth_step(potential - config.threshold)
                - smooth_step(base_potentials[step] - config.threshold)
            )
        carried = values
    counts = carried.sum(axis=0)
    shifted = counts - counts.max(axis=1, keepdims=True)
    log_probabilities = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-log_probabilities[np.arange(len(labels)), labels].mean())


@pytest.mark.parametrize(
    ("train_step", "activity_cap"),
    [(train_step_dense, None), (train_step_sparse, None), (train_step_sparse, 0.15)],
    ids=["dense", "sparse", "sparse-dropping"],
)
def test_backward_matches_finite_differences(train_step: StepFunction, activity_cap: float | None):
    config, weights, inputs, labels = small_problem(0.3, 3, activity_cap, gain=1.25)
    result = train_step(config, weights, inputs, labels, 0.0)
    weights64 = [weight.astype(np.float64) for weight in weights]
    step = 1e-5
    generator = np.random.default_rng(0)
    for layer, gradient in enumerate(result.weight_gradients):
        largest = np.argsort(np.abs(gradient), axis=None)[-4:]
        picked = np.concatenate([largest, generator.choice(gradient.size, 4, replace=False)])
        for flat_index in picked:
            index = np.unravel_index(flat_index, gradient.shape)
            plus = [weight.copy() for weight in weights64]
            minus = [weight.copy() for weight in weights64]
            plus[layer][index] += step
            minus[layer][index] -= step
            estimate = (
                frozen_pattern_loss(config, plus, labels, result.forward)
                - frozen_pattern_loss(config, minus, labels, result.forward)
            ) / (2 * step)
            assert gradient[index] == pytest.approx(
                estimate, rel=1e-3, abs=1e-5 * float(np.abs(gradient).max())
            ), f"dW_{layer + 1}{index}"
    assert all(np.abs(gradient).max() > 0 for gradient in result.weight_gradients)
    if activity_cap is not None:
        assert result.dropped_spikes.sum() > 0


def test_update_is_sgd():
    config, weights, inputs, labels = small_problem(0.3, 0)
    result = train_step_dense(config, weights, inputs, labels, 0.25)
    for weight, gradient, updated in zip(
        weights, result.weight_gradients, result.weights, strict=True
    ):
        np.testing.assert_array_equal(updated, weight - np.float32(0.25) * gradient)
        assert updated.dtype == np.float32


def test_inputs_and_weights_are_seeded():
    config = SnnConfig((400, 30, 7), timesteps=50, batch=8)
    inputs, labels = rate_coded_inputs(config, 0.05, seed=4)
    again, same_labels = rate_coded_inputs(config, 0.05, seed=4)
    np.testing.assert_array_equal(inputs, again)
    np.testing.assert_array_equal(labels, same_labels)
    assert inputs.shape == (50, 8, 400) and inputs.dtype == np.bool_
    assert inputs.mean() == pytest.approx(0.05, rel=0.05)
    assert labels.shape == (8,) and labels.min() >= 0 and labels.max() < 7
    weights = init_weights(config, seed=4)
    assert [weight.shape for weight in weights] == [(400, 30), (30, 7)]
    assert all(weight.dtype == np.float32 for weight in weights)
    assert np.std(weights[0]) == pytest.approx(2 / np.sqrt(400), rel=0.05)
    np.testing.assert_array_equal(weights[1], init_weights(config, seed=4)[1])


def test_capacity_rounds_and_defaults_to_all_neurons():
    assert SnnConfig((100, 3), 1, 1, activity_cap=0.07).capacity(0) == 7
    assert SnnConfig((100, 3), 1, 1, activity_cap=0.07).capacity(1) == 1
    assert SnnConfig((100, 3), 1, 1).capacity(0) == 100


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"sizes": (5,)}, "a network needs an input and an output layer: sizes (5,) has 1 entries"),
        ({"sizes": (5, 0, 3)}, "layer 1 has 0 neurons: every size must be >= 1 (sizes (5, 0, 3))"),
        ({"timesteps": 0}, "timesteps must be >= 1, got 0"),
        ({"batch": 0}, "batch must be >= 1, got 0"),
        ({"alpha": 1.5}, "alpha (the membrane decay) must be in [0, 1], got 1.5"),
        ({"threshold": 0.0}, "threshold must be positive and finite (a neuron at rest"),
        ({"gain": float("nan")}, "gain must be positive and finite, got nan"),
        ({"gain": -1.0}, "gain must be positive and finite, got -1.0"),
        ({"activity_cap": 0.0}, "activity_cap must be in (0, 1], got 0.0"),
        ({"activity_cap": 1.5}, "activity_cap must be in (0, 1], got 1.5"),
    ],
)
def test_bad_configs(arguments: dict[str, object], message: str):
    fields: dict[str, object] = {"sizes": SIZES, "timesteps": STEPS, "batch": BATCH}
    fields.update(arguments)
    with pytest.raises(ValueError, match=re.escape(message)):
        SnnConfig(**fields)  # pyright: ignore[reportArgumentType]


def test_bad_step_arguments():
    config, weights, inputs, labels = small_problem(0.1, 0)
    # Deliberately mistyped: the run-time check is what is under test.
    float64_weights: tuple[FloatArray, ...] = (weights[0].astype(np.float64), *weights[1:])  # pyright: ignore[reportAssignmentType]
    cases: list[tuple[Callable[[], object], str]] = [
        (
            lambda: train_step_dense(config, weights[:2], inputs, labels, 0.1),
            "2 weight matrices for 3 layers",
        ),
        (
            lambda: train_step_sparse(config, float64_weights, inputs, labels, 0.1),
            "W_1 must be float32 of shape (20, 16), got float64 of shape (20, 16)",
        ),
        (
            lambda: train_step_dense(config, weights, inputs[1:], labels, 0.1),
            "inputs must be bool of shape (T, batch, N0) = (12, 4, 20), got bool of shape "
            "(11, 4, 20)",
        ),
        (
            lambda: train_step_dense(config, weights, inputs, labels + 5, 0.1),
            "labels must be in [0, 5)",
        ),
        (
            lambda: train_step_dense(config, weights, inputs, labels, -0.1),
            "learning rate must be finite and >= 0, got -0.1",
        ),
        (lambda: rate_coded_inputs(config, 1.5, 0), "activity must be in [0, 1], got 1.5"),
    ]
    for call, message in cases:
        with pytest.raises(ValueError, match=re.escape(message)):
            call()
