"""Numpy semantics of the snn ops (runtime/snn_ops.py), against hand-checked cases and
composed into a training step checked against runtime/snn_reference.py."""

import math
from dataclasses import dataclass

import numpy as np
import pytest
from numpy.typing import NDArray

from t10.runtime import snn_ops
from t10.runtime.snn_ops import (
    MAX_ONE_HOT_ENTRIES,
    FloatArray,
    IdArray,
    cross_entropy,
    gather_add,
    lif,
    lif_grad_dense,
    lif_grad_listed,
    listed_grad,
    listed_per_core,
    pick,
    scatter_add_rows,
    segment_width,
    spike_counts,
    threshold_compact,
)
from t10.runtime.snn_reference import (
    BoolArray,
    SnnConfig,
    compact_spikes,
    forward_sparse,
    init_weights,
    rate_coded_inputs,
    train_step_dense,
    train_step_sparse,
)

SIZES = (40, 30, 20, 5)
STEPS = 12
BATCH = 4
ACTIVITY = 0.2

GRADIENT_RTOL = 1e-5
"""The composed ops and the reference sum the same terms in different orders
(listed_grad's dot products against the reference's einsum, one scatter-add over all
steps against one per step): float32 round-off, as in test_snn_reference."""
GRADIENT_ATOL = 1e-6
"""Relative to the largest entry of the gradient matrix being compared."""


@pytest.fixture(params=["one_hot", "per_spike"])
def route(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Runs scatter_add_rows and listed_grad as one-hot matrix products, or per listed
    entry (gather, bincount), overriding the cost model's choice."""
    one_hot = request.param == "one_hot"
    monkeypatch.setattr(snn_ops, "_one_hot_is_cheaper", lambda *_: one_hot)
    return request.param


def ids_array(lists: list) -> IdArray:
    return np.array(lists, dtype=np.int32)


def floats(values: list) -> FloatArray:
    return np.array(values, dtype=np.float32)


# --- hand-checked cases ---------------------------------------------------------------


def test_threshold_compact_keeps_the_lowest_ids_and_counts_the_dropped():
    v = floats([[[1.0, 0.5, 2.0, 1.5, 0.0, 0.99], [0.0, 0.0, 0.0, 0.0, 0.0, 1.0]]])
    ids, counts, dropped = threshold_compact(v, 1.0, capacity=2, segments=1)
    assert ids.dtype == counts.dtype == dropped.dtype == np.int32
    np.testing.assert_array_equal(ids, [[[[0, 2]], [[5, -1]]]])
    np.testing.assert_array_equal(counts, [[[2], [1]]])
    np.testing.assert_array_equal(dropped, [[[1], [0]]])


def test_threshold_compact_with_three_segments_of_ten():
    v = np.zeros((1, 2, 30), dtype=np.float32)
    v[0, 0, [0, 3, 5, 7, 10, 19, 21, 22, 23, 29]] = 1.0
    v[0, 1, 12] = 3.0
    ids, counts, dropped = threshold_compact(v, 1.0, capacity=2, segments=3)
    np.testing.assert_array_equal(ids[0], [[[0, 3], [0, 9], [1, 2]], [[-1, -1], [2, -1], [-1, -1]]])
    np.testing.assert_array_equal(counts[0], [[2, 2, 2], [0, 1, 0]])
    np.testing.assert_array_equal(dropped[0], [[2, 0, 2], [0, 0, 0]])


def test_threshold_compact_segments_of_uneven_width():
    # N = 10, S = 3: W = 4, segments [0, 4), [4, 8), [8, 10).
    v = np.ones((1, 1, 10), dtype=np.float32)
    ids, counts, dropped = threshold_compact(v, 1.0, capacity=3, segments=3)
    np.testing.assert_array_equal(ids[0, 0], [[0, 1, 2], [0, 1, 2], [0, 1, -1]])
    np.testing.assert_array_equal(counts[0, 0], [3, 3, 2])
    np.testing.assert_array_equal(dropped[0, 0], [1, 1, 0])


@pytest.mark.parametrize(("neurons", "segments", "capacity"), [(30, 3, 4), (10, 3, 2), (7, 1, 7)])
def test_threshold_compact_is_the_reference_compaction_per_segment(
    neurons: int, segments: int, capacity: int
):
    v = np.random.default_rng(neurons).random((1, 3, 5, neurons), dtype=np.float32) * 2
    ids, counts, dropped = threshold_compact(v, 1.0, capacity, segments)
    width = segment_width(neurons, segments)
    for segment in range(segments):
        fired = v[..., segment * width : (segment + 1) * width] >= 1.0
        expected = compact_spikes(fired, capacity)
        np.testing.assert_array_equal(ids[..., segment, :], expected.ids)
        np.testing.assert_array_equal(counts[..., segment], expected.counts)
        np.testing.assert_array_equal(dropped[..., segment], fired.sum(axis=-1) - expected.counts)


def test_gather_add_sums_the_listed_rows():
    w = np.arange(8, dtype=np.float32).reshape(1, 4, 2)
    ids = ids_array([[[[0, 2, -1]], [[-1, -1, -1]]]])
    out = gather_add(w, ids, neurons=4)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[[4.0, 6.0], [0.0, 0.0]]])


def test_gather_add_with_segments_adds_the_segment_offset():
    # N = 4, S = 2: W = 2, so local id 0 of segment 1 is row 2.
    w = np.arange(8, dtype=np.float32).reshape(1, 4, 2)
    ids = ids_array([[[[1, -1], [0, 1]]]])
    np.testing.assert_array_equal(gather_add(w, ids, neurons=4), [[[2 + 4 + 6, 3 + 5 + 7]]])


def test_gather_add_of_empty_lists_is_zero():
    w = np.ones((1, 3, 2), dtype=np.float32)
    np.testing.assert_array_equal(gather_add(w, ids_array([[[[-1]]]]), neurons=3), [[[0.0, 0.0]]])


def test_lif_decays_and_resets_to_zero():
    v = lif(floats([[0.5, 1.0, 2.0]]), floats([[0.1, 0.2, 0.3]]), 0.5, 1.0, 2.0)
    assert v.dtype == np.float32
    np.testing.assert_allclose(v, [[0.25 + 0.2, 0.4, 0.6]], rtol=1e-7)


def test_lif_grad_listed_takes_the_surrogate_at_listed_neurons_only():
    # Neuron 0 fired but is not listed: no surrogate, and no decay (it reset).
    # surrogate(1.5) = 1 / (10 * 0.5 + 1)^2 = 1 / 36; padding's ds (7) is ignored.
    dv, dcur = lif_grad_listed(
        dv_next=floats([[[1.0, 1.0, 1.0]]]),
        v=floats([[[1.0, 1.5, 0.25]]]),
        ds=floats([[[[0.5, 7.0]]]]),
        ids=ids_array([[[[1, -1]]]]),
        alpha=0.5,
        threshold=1.0,
        gain=2.0,
    )
    assert dv.dtype == dcur.dtype == np.float32
    np.testing.assert_allclose(dv, [[[0.0, 0.5 / 36, 0.5]]], rtol=1e-6)
    np.testing.assert_allclose(dcur, [[[0.0, 1.0 / 36, 1.0]]], rtol=1e-6)


def test_lif_grad_dense_lists_every_fired_neuron():
    dv, dcur = lif_grad_dense(
        dv_next=floats([[[1.0, 1.0, 1.0]]]),
        v=floats([[[1.0, 1.5, 0.25]]]),
        ds=floats([[[0.5, 0.5, 0.5]]]),
        alpha=0.5,
        threshold=1.0,
        gain=2.0,
    )
    np.testing.assert_allclose(dv, [[[0.5, 0.5 / 36, 0.5]]], rtol=1e-6)
    np.testing.assert_allclose(dcur, [[[1.0, 1.0 / 36, 1.0]]], rtol=1e-6)


def test_listed_grad_is_a_dot_product_per_listed_id(route: str):
    w = floats([[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]])
    out = listed_grad(floats([[[1.0, 10.0]]]), w, ids_array([[[[2, 0, -1]]]]), neurons=3)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[[[65.0, 21.0, 0.0]]]])


def test_scatter_add_rows_adds_each_sample_into_its_listed_rows(route: str):
    dw = scatter_add_rows(
        np.ones((1, 3, 2), dtype=np.float32),
        floats([[[1.0, 2.0], [10.0, 20.0]]]),
        ids_array([[[[0, 2]], [[2, -1]]]]),
        neurons=3,
    )
    assert dw.dtype == np.float32
    np.testing.assert_array_equal(dw, [[[2.0, 3.0], [1.0, 1.0], [12.0, 23.0]]])


def test_scatter_add_rows_leaves_its_accumulator_unchanged():
    accumulator = np.zeros((1, 2, 1), dtype=np.float32)
    scatter_add_rows(accumulator, floats([[[1.0]]]), ids_array([[[[1]]]]), neurons=2)
    np.testing.assert_array_equal(accumulator, np.zeros((1, 2, 1)))


def test_pick_reads_the_listed_neurons():
    g = floats([[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0]]])
    np.testing.assert_array_equal(
        pick(g, ids_array([[[[3, 1]], [[0, -1]]]]), neurons=4), [[[[3.0, 1.0]], [[4.0, 0.0]]]]
    )
    # Two segments of width 2: (segment 1, id 1) is neuron 3.
    np.testing.assert_array_equal(
        pick(g, ids_array([[[[0], [1]], [[-1], [0]]]]), neurons=4),
        [[[[0.0], [3.0]], [[0.0], [6.0]]]],
    )


def test_spike_counts_sums_over_the_first_leading_dim():
    # T = 2 steps of 2 samples over 3 neurons.
    ids = ids_array([[[[[0, 2]], [[1, -1]]], [[[2, -1]], [[-1, -1]]]]])
    counts = spike_counts(ids, neurons=3)
    assert counts.dtype == np.float32
    np.testing.assert_array_equal(counts, [[[1.0, 0.0, 2.0], [0.0, 1.0, 0.0]]])


def test_cross_entropy_loss_and_gradient():
    c = floats([[[0.0, 0.0], [math.log(3.0), 0.0]]])
    loss, g = cross_entropy(c, np.array([[0, 1]]))
    assert loss.dtype == g.dtype == np.float32
    # softmax: [1/2, 1/2] and [3/4, 1/4]; loss = (log 2 + log 4) / 2.
    np.testing.assert_allclose(loss, [1.5 * math.log(2.0)], rtol=1e-6)
    np.testing.assert_allclose(g, [[[-0.25, 0.25], [0.375, -0.375]]], rtol=1e-6)


def test_listed_per_core_counts_real_entries():
    ids = ids_array([[[[0, 1]], [[-1, -1]]], [[[2, -1]], [[0, -1]]]])
    counts = listed_per_core(ids)
    assert counts.dtype == np.int64
    np.testing.assert_array_equal(counts, [2, 2])


def test_one_hot_is_chosen_where_it_is_cheaper():
    # A benchmark step on one core (48 samples, 2312 inputs, 1466 outputs, 147
    # spikes a sample): the dense product beats 7k gathers of 1466 columns.
    assert snn_ops._one_hot_is_cheaper(48 * 2312, 48 * 147, 1466)
    # The same step split over 1466 cores (one output each): a dense operand per core
    # would be 160M entries for 7M spikes of one column.
    assert not snn_ops._one_hot_is_cheaper(1466 * 48 * 2312, 1466 * 48 * 100, 1)
    assert not snn_ops._one_hot_is_cheaper(MAX_ONE_HOT_ENTRIES + 1, MAX_ONE_HOT_ENTRIES, 1000)


# --- segments address global ids -----------------------------------------------------


def test_every_op_reads_segmented_ids_as_global_ids(route: str):
    """Ops on a 3-segment list of a layer of 10 (W = 4) agree with the same spikes as a
    dense mask, on a T x B history."""
    generator = np.random.default_rng(7)
    neurons, columns = 10, 3
    v = generator.random((1, 2, 3, neurons), dtype=np.float32) * 2
    ids, _, dropped = threshold_compact(v, 1.0, capacity=2, segments=3)
    assert dropped.sum() > 0
    listed = np.zeros(v.shape, dtype=np.float32)
    width = segment_width(neurons, 3)
    core, step, sample, segment, _ = np.nonzero(ids >= 0)
    listed[core, step, sample, segment * width + ids[ids >= 0]] = 1.0
    w = generator.standard_normal((1, neurons, columns)).astype(np.float32)
    dcur = generator.standard_normal((1, 2, 3, columns)).astype(np.float32)
    g = generator.standard_normal((1, 2, 3, neurons)).astype(np.float32)

    np.testing.assert_allclose(gather_add(w, ids, neurons), listed @ w[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(spike_counts(ids, neurons), listed.sum(axis=1))
    picked = pick(g, ids, neurons)
    np.testing.assert_array_equal(_scatter_to_dense(picked, ids, neurons), g * listed)
    dot_products = listed_grad(dcur, w, ids, neurons)
    np.testing.assert_allclose(
        _scatter_to_dense(dot_products, ids, neurons),
        (dcur @ w[0].T) * listed,
        rtol=1e-5,
        atol=1e-6,
    )
    dw = scatter_add_rows(np.zeros_like(w), dcur, ids, neurons)
    expected_dw = np.einsum("ctbn,ctbk->cnk", listed, dcur)
    np.testing.assert_allclose(dw, expected_dw, rtol=1e-5, atol=1e-6)
    dv, _ = lif_grad_listed(np.zeros_like(v), v, np.ones(ids.shape, np.float32), ids, 1, 1, 1)
    dense_dv, _ = lif_grad_dense(np.zeros_like(v), v, listed, 1.0, 1.0, 1.0)
    np.testing.assert_array_equal(dv, dense_dv)


def _scatter_to_dense(values: FloatArray, ids: IdArray, neurons: int) -> FloatArray:
    """A list-shaped array as ``(cores, B..., N)``, built with a loop (test side)."""
    width = segment_width(neurons, ids.shape[-2])
    dense = np.zeros((*ids.shape[:-2], neurons), dtype=np.float32)
    for index in np.ndindex(ids.shape):
        if ids[index] >= 0:
            *leading, segment, _ = index
            dense[(*leading, segment * width + ids[index])] = values[index]
    return dense


# --- the core axis ---------------------------------------------------------------------


def test_each_core_computes_from_its_own_piece(route: str):
    """Two cores holding different pieces give, stacked, what each gives alone."""
    generator = np.random.default_rng(3)
    neurons, columns = 12, 5

    def piece(shape: tuple[int, ...]) -> FloatArray:
        return generator.standard_normal((2, *shape)).astype(np.float32)

    v = np.abs(piece((4, 3, neurons))) * 1.2
    ids, _, _ = threshold_compact(v, 1.0, capacity=3, segments=2)
    w, dcur, g, dv_next = (
        piece((neurons, columns)),
        piece((4, 3, columns)),
        piece((4, 3, neurons)),
        piece((4, 3, neurons)),
    )
    ds = piece(ids.shape[1:])
    labels = generator.integers(0, neurons, size=(2, 3))
    per_core = {
        "threshold_compact": lambda c: threshold_compact(v[c], 1.0, 3, 2),
        "gather_add": lambda c: gather_add(w[c], ids[c], neurons),
        "lif": lambda c: lif(v[c], g[c], 0.9, 1.0, 1.5),
        "lif_grad_listed": lambda c: lif_grad_listed(
            dv_next[c], v[c], ds[c], ids[c], 0.9, 1.0, 1.5
        ),
        "lif_grad_dense": lambda c: lif_grad_dense(dv_next[c], v[c], g[c], 0.9, 1.0, 1.5),
        "listed_grad": lambda c: listed_grad(dcur[c], w[c], ids[c], neurons),
        "scatter_add_rows": lambda c: scatter_add_rows(w[c], dcur[c], ids[c], neurons),
        "pick": lambda c: pick(g[c], ids[c], neurons),
        "spike_counts": lambda c: spike_counts(ids[c], neurons),
        "cross_entropy": lambda c: cross_entropy(g[c, 0], labels[c]),
        "listed_per_core": lambda c: listed_per_core(ids[c]),
    }
    both = slice(0, 2)
    for name, function in per_core.items():
        stacked = _as_tuple(function(both))
        alone = [_as_tuple(function(slice(core, core + 1))) for core in range(2)]
        for result, first, second in zip(stacked, *alone, strict=True):
            np.testing.assert_allclose(
                result, np.concatenate([first, second]), rtol=1e-6, err_msg=name
            )
    assert not np.array_equal(ids[0], ids[1]), "the two cores' pieces must differ"


def _as_tuple(result: NDArray[np.generic] | tuple[NDArray[np.generic], ...]) -> tuple:
    return result if isinstance(result, tuple) else (result,)


# --- composed into a training step ----------------------------------------------------


@dataclass(frozen=True)
class ComposedForward:
    potentials: list[FloatArray]
    """Layers 1..L: ``(1, T, B, N_l)``."""
    ids: list[IdArray]
    """Layers 0..L: ``(1, T, B, 1, C_l)``."""
    counts: list[IdArray]
    dropped: list[IdArray]


def compose_forward(
    config: SnnConfig, weights: tuple[FloatArray, ...], inputs: BoolArray
) -> ComposedForward:
    """The forward pass from threshold_compact, gather_add and lif (one segment)."""
    ids, counts, dropped = threshold_compact(
        inputs[None].astype(np.float32), 1.0, config.capacity(0), 1
    )
    forward = ComposedForward([], [ids], [counts], [dropped])
    for layer in range(1, config.layers + 1):
        # Layer l at step t reads layer l-1's list of step t-1; step -1 lists nothing.
        previous = forward.ids[-1]
        delayed = np.concatenate([np.full_like(previous[:, :1], -1), previous[:, :-1]], axis=1)
        potential = np.zeros((1, config.batch, config.sizes[layer]), dtype=np.float32)
        history = []
        for step in range(config.timesteps):
            current = gather_add(
                weights[layer - 1][None], delayed[:, step], config.sizes[layer - 1]
            )
            potential = lif(potential, current, config.alpha, config.threshold, config.gain)
            history.append(potential)
        potentials = np.stack(history, axis=1)
        ids, counts, dropped = threshold_compact(
            potentials, config.threshold, config.capacity(layer), 1
        )
        forward.potentials.append(potentials)
        forward.ids.append(ids)
        forward.counts.append(counts)
        forward.dropped.append(dropped)
    return forward


def compose_backward(
    config: SnnConfig,
    weights: tuple[FloatArray, ...],
    forward: ComposedForward,
    labels: NDArray[np.int64],
) -> tuple[float, list[FloatArray]]:
    """The loss and weight gradients from spike_counts, cross_entropy, pick, listed_grad,
    lif_grad_listed and scatter_add_rows."""
    sizes, steps = config.sizes, config.timesteps
    loss, output_gradient = cross_entropy(spike_counts(forward.ids[-1], sizes[-1]), labels[None])
    gradients: list[FloatArray] = []
    next_current_gradients = np.zeros(0, dtype=np.float32)
    for layer in range(config.layers, 0, -1):
        ids = forward.ids[layer]
        if layer == config.layers:
            repeated = np.broadcast_to(
                output_gradient[:, None], (1, steps, *output_gradient.shape[1:])
            )
            spike_gradients = pick(repeated, ids, sizes[layer])
        else:
            spike_gradients = np.zeros(ids.shape, dtype=np.float32)
            spike_gradients[:, :-1] = listed_grad(
                next_current_gradients[:, 1:], weights[layer][None], ids[:, :-1], sizes[layer]
            )
        potential_gradient = np.zeros((1, config.batch, sizes[layer]), dtype=np.float32)
        current_gradients = np.empty_like(forward.potentials[layer - 1])
        for step in range(steps - 1, -1, -1):
            potential_gradient, current_gradients[:, step] = lif_grad_listed(
                potential_gradient,
                forward.potentials[layer - 1][:, step],
                spike_gradients[:, step],
                ids[:, step],
                config.alpha,
                config.threshold,
                config.gain,
            )
        gradients.append(
            scatter_add_rows(
                np.zeros((1, sizes[layer - 1], sizes[layer]), dtype=np.float32),
                current_gradients[:, 1:],
                forward.ids[layer - 1][:, :-1],
                sizes[layer - 1],
            )[0]
        )
        next_current_gradients = current_gradients
    return float(loss[0]), gradients[::-1]


def compose_dense_backward(
    config: SnnConfig,
    weights: tuple[FloatArray, ...],
    forward: ComposedForward,
    labels: NDArray[np.int64],
) -> list[FloatArray]:
    """Weight gradients with lif_grad_dense (matrix products on the test side)."""
    sizes, steps = config.sizes, config.timesteps
    _, output_gradient = cross_entropy(spike_counts(forward.ids[-1], sizes[-1]), labels[None])
    sent = [
        _scatter_to_dense(np.ones(ids.shape, np.float32), ids, size)
        for ids, size in zip(forward.ids, sizes, strict=True)
    ]
    gradients: list[FloatArray] = []
    next_current_gradients = np.zeros(0, dtype=np.float32)
    for layer in range(config.layers, 0, -1):
        spike_gradients = np.zeros(forward.potentials[layer - 1].shape, dtype=np.float32)
        if layer == config.layers:
            spike_gradients[:] = output_gradient[:, None]
        else:
            spike_gradients[:, :-1] = next_current_gradients[:, 1:] @ weights[layer].T
        potential_gradient = np.zeros((1, config.batch, sizes[layer]), dtype=np.float32)
        current_gradients = np.empty_like(spike_gradients)
        for step in range(steps - 1, -1, -1):
            potential_gradient, current_gradients[:, step] = lif_grad_dense(
                potential_gradient,
                forward.potentials[layer - 1][:, step],
                spike_gradients[:, step],
                config.alpha,
                config.threshold,
                config.gain,
            )
        inputs = sent[layer - 1][0, :-1].reshape(-1, sizes[layer - 1])
        gradients.append(inputs.T @ current_gradients[0, 1:].reshape(-1, sizes[layer]))
        next_current_gradients = current_gradients
    return gradients[::-1]


def assert_gradients_close(actual: list[FloatArray], expected: tuple[FloatArray, ...]) -> None:
    for layer, (got, want) in enumerate(zip(actual, expected, strict=True), start=1):
        scale = float(np.abs(want).max())
        assert scale > 0.0, f"dW_{layer} is zero: the comparison would not test anything"
        np.testing.assert_allclose(
            got, want, rtol=GRADIENT_RTOL, atol=GRADIENT_ATOL * scale, err_msg=f"dW_{layer}"
        )


@pytest.mark.parametrize("activity_cap", [0.1, None])
def test_composed_ops_reproduce_the_sparse_reference(activity_cap: float | None, route: str):
    config = SnnConfig(SIZES, STEPS, BATCH, activity_cap=activity_cap)
    inputs, labels = rate_coded_inputs(config, ACTIVITY, seed=5)
    weights = init_weights(config, seed=5)
    reference = train_step_sparse(config, weights, inputs, labels, 0.5)
    _, reference_lists = forward_sparse(config, weights, inputs)
    composed = compose_forward(config, weights, inputs)

    for layer in range(1, config.layers + 1):
        np.testing.assert_array_equal(
            composed.potentials[layer - 1][0], reference.forward.potentials[layer - 1]
        )
    for layer, spike_list in enumerate(reference_lists):
        np.testing.assert_array_equal(composed.ids[layer][0, :, :, 0], spike_list.ids)
        np.testing.assert_array_equal(composed.counts[layer][0, :, :, 0], spike_list.counts)
        np.testing.assert_array_equal(
            composed.dropped[layer][0, :, :, 0], reference.forward.dropped_counts[layer]
        )
    dropped = [int(dropped.sum()) for dropped in composed.dropped]
    if activity_cap is None:
        assert dropped == [0, 0, 0, 0]
    else:
        assert sum(dropped) > 0, "the cap must drop spikes for this test to check dropping"

    loss, gradients = compose_backward(config, weights, composed, labels)
    assert loss == pytest.approx(reference.loss, rel=1e-6)
    assert_gradients_close(gradients, reference.weight_gradients)


def test_composed_ops_reproduce_the_dense_reference(route: str):
    config = SnnConfig(SIZES, STEPS, BATCH)
    inputs, labels = rate_coded_inputs(config, ACTIVITY, seed=6)
    weights = init_weights(config, seed=6)
    reference = train_step_dense(config, weights, inputs, labels, 0.5)
    composed = compose_forward(config, weights, inputs)
    for layer in range(1, config.layers + 1):
        # Gather-and-add against matrix products: the same sums in another order.
        np.testing.assert_allclose(
            composed.potentials[layer - 1][0],
            reference.forward.potentials[layer - 1],
            rtol=1e-5,
            atol=1e-5,
        )
        np.testing.assert_array_equal(
            composed.potentials[layer - 1][0] >= config.threshold, reference.forward.spikes[layer]
        )
    loss, gradients = compose_backward(config, weights, composed, labels)
    assert loss == pytest.approx(reference.loss, rel=1e-6)
    assert_gradients_close(gradients, reference.weight_gradients)
    assert_gradients_close(
        compose_dense_backward(config, weights, composed, labels), reference.weight_gradients
    )


# --- malformed operands -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: threshold_compact(np.zeros((1, 2, 10), np.float32), 1.0, 5, 3),
            r"capacity C = 5 must be in \[1, W\] with W = ceil\(10 / 3\) = 4",
        ),
        (
            lambda: threshold_compact(np.zeros((1, 10), np.float32), 1.0, 1, 1),
            r"v must have rank >= 3",
        ),
        (
            lambda: gather_add(np.zeros((1, 5, 2), np.float32), ids_array([[[[0]]]]), 4),
            r"w must have shape \(cores, N, n\) = \(1, 4, n\)",
        ),
        (
            lambda: gather_add(np.zeros((1, 4, 2), np.float32), ids_array([[[[0], [2]]]]), 4),
            r"ids must be -1 or a segment-local id below W = 2",
        ),
        (
            lambda: gather_add(np.zeros((1, 3, 2), np.float32), ids_array([[[[0], [1]]]]), 3),
            r"whose global id s \* W \+ id is below N = 3",
        ),
        (
            lambda: pick(np.zeros((1, 2, 4), np.float32), ids_array([[[[0]]]]), 4),
            r"g must have shape \(cores, B\.\.\., N\) = \(1, 1, 4\)",
        ),
        (
            lambda: lif(np.zeros((1, 3), np.float32), np.zeros((1, 4), np.float32), 1, 1, 1),
            r"v_prev and current must have the same shape",
        ),
        (
            lambda: lif_grad_listed(
                np.zeros((1, 1, 3), np.float32),
                np.zeros((1, 1, 3), np.float32),
                np.zeros((1, 1, 1, 2), np.float32),
                ids_array([[[[0]]]]),
                1,
                1,
                1,
            ),
            r"ds must have the ids' shape \(1, 1, 1, 1\)",
        ),
        (
            lambda: lif_grad_listed(
                np.zeros((1, 2, 3), np.float32),
                np.zeros((1, 2, 3), np.float32),
                np.zeros((1, 1, 1, 1), np.float32),
                ids_array([[[[0]]]]),
                1,
                1,
                1,
            ),
            r"v of shape \(1, 2, 3\) must be \(cores, B\.\.\., N\) with the ids' "
            r"\(cores, B\.\.\.\) = \(1, 1\)",
        ),
        (
            lambda: spike_counts(ids_array([[[[0]]]]), 3),
            r"ids must have shape \(cores, T, B\.\.\., S, C\) \(rank >= 5\)",
        ),
        (
            lambda: cross_entropy(np.zeros((1, 2, 3), np.float32), np.array([[0, 3]])),
            r"labels must be integers in \[0, 3\)",
        ),
    ],
)
def test_malformed_operands_are_rejected(call, message: str):
    with pytest.raises(ValueError, match=message):
        call()
