"""Numpy semantics of the ``snn`` dialect's ops, on every core at once.

One function per op (DESIGN §6, the ``snn`` spec). Every operand and result
carries one extra leading **core axis**: an op operand of shape ``op_shape`` is
an array ``(cores, *op_shape)`` holding each core's own piece, and each core's
result is computed from its own pieces only. :mod:`t10.runtime.snn_reference`
calls them with ``cores = 1``; the simulator with every core at once. No
function loops in Python over cores, samples, neurons or spikes.

Spike lists
===========

A spike list is ``ids`` of shape ``(cores, B..., S, C)`` (int32) with ``counts``
``(cores, B..., S)``. ``B...`` is one or more leading dims (samples, or steps
and samples), ``S`` segments of capacity ``C``. Segment ``s`` covers the global
neuron ids ``[s*W, min((s+1)*W, N))`` with ``W = ceil(N / S)``, ``N`` the
``neurons`` of the ids' ``#snn.spikes<N>`` encoding; an entry is a
segment-local id in ``[0, W)``, the listed ones first and ascending, the rest
``-1``. When more than ``C`` neurons of a segment fire, the ``C`` lowest are
listed and the others are *dropped*, and counted.

Numerics
========

float32 throughout: scalar attributes are rounded to float32 before use, as
the IR holds them as ``f32``. The forward ops evaluate their formulas in the
reference's order, so that composing them reproduces its forward pass bit for
bit: :func:`gather_add` sums the gathered rows in list order (segment by
segment, ascending), padding adding an exact ``+0``. :func:`listed_grad` and
:func:`scatter_add_rows` sum in another order (float32 round-off): each runs as a
matrix product with a dense one-hot or product operand where that is cheaper
than per-spike work (:func:`_one_hot_is_cheaper`: one core holding a whole
layer), else per listed entry (many cores holding a few neurons each).
"""

from __future__ import annotations

from math import prod
from typing import cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from t10.runtime.snn_reference import SURROGATE_SLOPE

FloatArray = NDArray[np.float32]
IdArray = NDArray[np.int32]
BoolArray = NDArray[np.bool_]

MAX_ONE_HOT_ENTRIES = 2**25
"""The largest dense ``(cores, B, N)`` operand (128 MiB of float32) that
:func:`scatter_add_rows` and :func:`listed_grad` build to replace per-spike work by a
matrix product."""


def segment_width(neurons: int, segments: int) -> int:
    """``W = ceil(N / S)``: the neurons each segment of a spike list covers."""
    return -(-neurons // segments)


def _floats(name: str, array: ArrayLike, min_rank: int) -> FloatArray:
    values = np.asarray(array, dtype=np.float32)
    if values.ndim < min_rank:
        raise ValueError(
            f"{name} must have rank >= {min_rank} (a core axis first), got shape {values.shape}"
        )
    return values


def _check_capacity(capacity: int, neurons: int, segments: int) -> int:
    """Checks ``1 <= C <= W``; returns ``W``."""
    width = segment_width(neurons, segments)
    if not 1 <= capacity <= width:
        raise ValueError(
            f"capacity C = {capacity} must be in [1, W] with W = ceil({neurons} / {segments}) "
            f"= {width}"
        )
    return width


def _check_ids(ids: NDArray[np.integer], neurons: int) -> int:
    """Checks a spike list's ids against its encoding's ``neurons``; returns ``W``."""
    if ids.ndim < 4 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(
            f"ids must be integers of shape (cores, B..., S, C) (rank >= 4), got "
            f"{ids.dtype} of shape {ids.shape}"
        )
    if neurons < 1:
        raise ValueError(f"a spike list needs neurons >= 1, got {neurons}")
    segments, capacity = ids.shape[-2:]
    width = _check_capacity(capacity, neurons, segments)
    if ids.size:
        # Segment s holds the local ids below min(W, N - s*W) (the last may be narrower).
        bounds = np.clip(neurons - np.arange(segments) * width, 0, width)
        largest = ids.max(axis=(*range(ids.ndim - 2), ids.ndim - 1))
        if ids.min() < -1 or np.any(largest >= bounds):
            raise ValueError(
                f"ids must be -1 or a segment-local id below W = {width} whose global id "
                f"s * W + id is below N = {neurons}"
            )
    return width


def _check_weights(w: FloatArray, ids: NDArray[np.integer], neurons: int) -> None:
    if w.ndim != 3 or w.shape[0] != ids.shape[0] or w.shape[1] != neurons:
        raise ValueError(
            f"w must have shape (cores, N, n) = ({ids.shape[0]}, {neurons}, n) (its rows are "
            f"the ids' neurons), got {w.shape}"
        )


def _global_ids(ids: NDArray[np.integer], width: int) -> NDArray[np.intp]:
    """``s * W + ids[..., s, j]`` (meaningful at listed entries only)."""
    segments = ids.shape[-2]
    return ids.astype(np.intp) + np.arange(segments, dtype=np.intp).reshape(segments, 1) * width


def _listed_entries(
    ids: NDArray[np.integer], width: int
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    """Every listed entry, in order: its flat index in ``ids``, its list's flat index
    over ``(cores, B...)`` and its global neuron id."""
    segments, capacity = ids.shape[-2:]
    positions = np.flatnonzero(ids >= 0)
    segment = positions // capacity % segments
    return (
        positions,
        positions // (segments * capacity),
        ids.ravel()[positions] + segment * width,
    )


def _listed_width(listed: BoolArray) -> int:
    """The slots of the lists that hold a listed id anywhere: the later ones are padding."""
    used = np.flatnonzero(listed.reshape(-1, listed.shape[-1]).any(axis=0))
    return int(used[-1]) + 1 if used.size else 0


def _gather_rows(w: FloatArray, ids: NDArray[np.integer], width: int, slots: int) -> FloatArray:
    """``w[core, s*W + ids[core, b, s, j]]`` for the first ``slots`` entries of every
    segment, shape ``(cores, B..., S, slots, n)``, rows of padding entries zero."""
    cores, neurons, columns = w.shape
    # Padding reads an appended zero row: cheaper than masking the gathered rows,
    # which outnumber w's.
    padded = np.concatenate([w, np.zeros((cores, 1, columns), dtype=np.float32)], axis=1)
    listed = ids[..., :slots] >= 0
    rows = np.where(listed, _global_ids(ids[..., :slots], width), neurons)
    return padded[np.arange(cores).reshape((-1,) + (1,) * (rows.ndim - 1)), rows]


def _one_hot_is_cheaper(dense_entries: int, listed: int, columns: int) -> bool:
    """Whether an op over listed entries should run as a matrix product with a dense
    ``(cores, B, N)`` operand rather than one gather or bincount per listed entry.

    Measured with numpy on one core: a dense entry costs about 1 ns to fill plus
    ``columns`` multiply-adds at about 0.06 ns; a listed entry about 20 ns per
    column (gather or bincount). Dense operands above 2**25 entries are not built.
    """
    return (
        dense_entries <= MAX_ONE_HOT_ENTRIES
        and dense_entries * (1 + columns / 16) < 16 * listed * columns
    )


def _pick(dense: FloatArray, ids: NDArray[np.integer], width: int) -> FloatArray:
    """``dense[..., s*W + ids[..., s, j]]`` (``dense`` ``(cores, B..., N)``), 0 at padding."""
    *leading, segments, capacity = ids.shape
    listed = ids >= 0
    columns = np.where(listed, _global_ids(ids, width), 0)
    values = np.take_along_axis(
        dense, columns.reshape(*leading, segments * capacity), axis=-1
    ).reshape(ids.shape)
    return np.where(listed, values, np.float32(0.0))


def _surrogate(v: FloatArray, threshold: np.float32) -> FloatArray:
    return 1.0 / (np.float32(SURROGATE_SLOPE) * np.abs(v - threshold) + np.float32(1.0)) ** 2


def threshold_compact(
    v: ArrayLike, threshold: float, capacity: int, segments: int
) -> tuple[IdArray, IdArray, IdArray]:
    """``snn.threshold_compact``: the neurons with ``v >= threshold`` as a spike list.

    ``v`` is ``(cores, B..., N)``; returns ``ids (cores, B..., S, C)`` and
    ``counts``, ``dropped`` ``(cores, B..., S)``: per segment the ``C`` lowest
    fired ids listed, and how many fired beyond them.
    """
    potentials = _floats("v", v, 3)
    *leading, neurons = potentials.shape
    if segments < 1:
        raise ValueError(f"segments must be >= 1, got {segments}")
    width = _check_capacity(capacity, neurons, segments)
    fired = np.zeros((*leading, segments * width), dtype=np.bool_)
    fired[..., :neurons] = potentials >= np.float32(threshold)
    fired = fired.reshape(*leading, segments, width)
    rank = np.cumsum(fired, axis=-1, dtype=np.int32)
    sent = fired & (rank <= capacity)
    ids = np.full((*leading, segments, capacity), -1, dtype=np.int32)
    *positions, local_ids = np.nonzero(sent)
    ids[(*positions, rank[sent] - 1)] = local_ids
    fired_counts = rank[..., -1]
    counts = np.minimum(fired_counts, np.int32(capacity))
    return ids, counts, fired_counts - counts


def gather_add(w: ArrayLike, ids: NDArray[np.integer], neurons: int) -> FloatArray:
    """``snn.gather_add``: per sample, the sum of the rows of ``w`` (``(cores, N, n)``)
    at the listed ids; ``(cores, B..., n)``. No multiplies."""
    weights = _floats("w", w, 3)
    width = _check_ids(ids, neurons)
    _check_weights(weights, ids, neurons)
    slots = _listed_width(ids >= 0)
    rows = _gather_rows(weights, ids, width, slots)
    *leading, segments, _, columns = rows.shape
    return rows.reshape(*leading, segments * slots, columns).sum(axis=-2)


def lif(
    v_prev: ArrayLike, current: ArrayLike, alpha: float, threshold: float, gain: float
) -> FloatArray:
    """``snn.lif``: ``alpha * v_prev * (v_prev < threshold) + gain * current``."""
    potentials = _floats("v_prev", v_prev, 2)
    currents = _floats("current", current, 2)
    if potentials.shape != currents.shape:
        raise ValueError(
            f"v_prev and current must have the same shape, got {potentials.shape} and "
            f"{currents.shape}"
        )
    # float32 at run time; the stubs type the sum of two float arrays as float64.
    return cast(
        FloatArray,
        np.float32(alpha) * potentials * (potentials < np.float32(threshold))
        + np.float32(gain) * currents,
    )


def _check_lif_grad_states(dv_next: FloatArray, v: FloatArray) -> None:
    if dv_next.shape != v.shape:
        raise ValueError(
            f"dv_next and v must have the same shape, got {dv_next.shape} and {v.shape}"
        )


def lif_grad_listed(
    dv_next: ArrayLike,
    v: ArrayLike,
    ds: ArrayLike,
    ids: NDArray[np.integer],
    alpha: float,
    threshold: float,
    gain: float,
) -> tuple[FloatArray, FloatArray]:
    """``snn.lif_grad``, list form: ``(dv, dcur)`` with ``dv = scatter(ds * surrogate(v)
    at listed ids) + alpha * (v < threshold) * dv_next`` and ``dcur = gain * dv``.

    ``dv_next``, ``v`` are ``(cores, B..., N)``; ``ds`` has the ids' shape, its
    padding entries ignored. The surrogate is evaluated at listed neurons only.
    """
    next_gradients = _floats("dv_next", dv_next, 3)
    potentials = _floats("v", v, 3)
    spike_gradients = _floats("ds", ds, 4)
    _check_lif_grad_states(next_gradients, potentials)
    neurons = potentials.shape[-1]
    width = _check_ids(ids, neurons)
    if spike_gradients.shape != ids.shape:
        raise ValueError(f"ds must have the ids' shape {ids.shape}, got {spike_gradients.shape}")
    if potentials.shape[:-1] != ids.shape[:-2]:
        raise ValueError(
            f"v of shape {potentials.shape} must be (cores, B..., N) with the ids' "
            f"(cores, B...) = {ids.shape[:-2]}"
        )
    threshold32 = np.float32(threshold)
    positions, list_index, rows = _listed_entries(ids, width)
    listed_terms = np.zeros((prod(ids.shape[:-2]), neurons), dtype=np.float32)
    # A list names a neuron at most once, so no entry is set twice.
    listed_terms[list_index, rows] = spike_gradients.ravel()[positions] * _surrogate(
        potentials.reshape(-1, neurons)[list_index, rows], threshold32
    )
    decayed = np.float32(alpha) * next_gradients * (potentials < threshold32)
    potential_gradients = decayed + listed_terms.reshape(potentials.shape)
    return potential_gradients, np.float32(gain) * potential_gradients


def lif_grad_dense(
    dv_next: ArrayLike, v: ArrayLike, ds: ArrayLike, alpha: float, threshold: float, gain: float
) -> tuple[FloatArray, FloatArray]:
    """``snn.lif_grad``, dense form: every fired neuron (``v >= threshold``) is listed;
    ``ds``, ``dv_next``, ``v`` are all ``(cores, B..., N)``."""
    next_gradients = _floats("dv_next", dv_next, 3)
    potentials = _floats("v", v, 3)
    spike_gradients = _floats("ds", ds, 3)
    _check_lif_grad_states(next_gradients, potentials)
    if spike_gradients.shape != potentials.shape:
        raise ValueError(
            f"ds must have v's shape {potentials.shape} (dense form), got {spike_gradients.shape}"
        )
    threshold32 = np.float32(threshold)
    fired = potentials >= threshold32
    # float32 at run time; the stubs type the sum of two float arrays as float64.
    potential_gradients = cast(
        FloatArray,
        spike_gradients * (_surrogate(potentials, threshold32) * fired)
        + np.float32(alpha) * next_gradients * ~fired,
    )
    return potential_gradients, np.float32(gain) * potential_gradients


def listed_grad(
    dcur: ArrayLike, w: ArrayLike, ids: NDArray[np.integer], neurons: int
) -> FloatArray:
    """``snn.listed_grad``: ``out[b, s, j] = sum_n dcur[b, n] * w[s*W + ids[b, s, j], n]``
    at listed entries, 0 at padding; ``dcur (cores, B..., n)``, ``w (cores, N, n)``."""
    current_gradients = _floats("dcur", dcur, 3)
    weights = _floats("w", w, 3)
    width = _check_ids(ids, neurons)
    _check_weights(weights, ids, neurons)
    if current_gradients.shape != (*ids.shape[:-2], weights.shape[2]):
        raise ValueError(
            f"dcur must have shape (cores, B..., n) = {(*ids.shape[:-2], weights.shape[2])}, "
            f"got {current_gradients.shape}"
        )
    listed = ids >= 0
    cores, _, columns = weights.shape
    lists = prod(ids.shape[1:-2])
    if _one_hot_is_cheaper(cores * lists * neurons, int(listed.sum()), columns):
        products = current_gradients.reshape(cores, lists, columns) @ weights.transpose(0, 2, 1)
        return _pick(products.reshape(*ids.shape[:-2], neurons), ids, width)
    slots = _listed_width(listed)
    rows = _gather_rows(weights, ids, width, slots)
    *leading, segments, _, _ = rows.shape
    products = rows.reshape(*leading, segments * slots, columns) @ current_gradients[..., None]
    out = np.zeros(ids.shape, dtype=np.float32)
    out[..., :slots] = products.reshape(*leading, segments, slots)
    return out


def scatter_add_rows(
    dw_acc: ArrayLike, dcur: ArrayLike, ids: NDArray[np.integer], neurons: int
) -> FloatArray:
    """``snn.scatter_add_rows``: ``dw_acc`` (``(cores, N, n)``) plus, for every listed
    entry, ``dcur[b, :]`` added to row ``s*W + ids[b, s, j]``.

    Runs as ``one_hot @ dcur`` when that is cheaper (:func:`_one_hot_is_cheaper`),
    else as one float64 ``bincount`` over (row, column) of every listed entry's
    ``dcur`` row (``np.add.at`` and sorting the rows are both slower).
    """
    accumulated = _floats("dw_acc", dw_acc, 3)
    current_gradients = _floats("dcur", dcur, 3)
    width = _check_ids(ids, neurons)
    _check_weights(accumulated, ids, neurons)
    cores, _, columns = accumulated.shape
    if current_gradients.shape != (*ids.shape[:-2], columns):
        raise ValueError(
            f"dcur must have shape (cores, B..., n) = {(*ids.shape[:-2], columns)}, got "
            f"{current_gradients.shape}"
        )
    lists = prod(ids.shape[1:-2])
    _, list_index, rows = _listed_entries(ids, width)
    sources = current_gradients.reshape(cores * lists, columns)
    if _one_hot_is_cheaper(cores * neurons * lists, rows.size, columns):
        one_hot = np.zeros((cores, neurons, lists), dtype=np.float32)
        # A list names a neuron at most once, so no entry is set twice.
        one_hot[list_index // lists, rows, list_index % lists] = 1.0
        # float32 at run time; the stubs type the sum of two float arrays as float64.
        return cast(FloatArray, accumulated + one_hot @ sources.reshape(cores, lists, columns))
    target_rows = list_index // lists * neurons + rows
    bins = (target_rows * columns)[:, None] + np.arange(columns)
    sums = np.bincount(
        bins.ravel(), weights=sources[list_index].ravel(), minlength=cores * neurons * columns
    )
    return accumulated + sums.astype(np.float32).reshape(cores, neurons, columns)


def pick(g: ArrayLike, ids: NDArray[np.integer], neurons: int) -> FloatArray:
    """``snn.pick``: ``out[b, s, j] = g[b, s*W + ids[b, s, j]]``, 0 at padding;
    ``g (cores, B..., N)``, out the ids' shape."""
    dense = _floats("g", g, 3)
    width = _check_ids(ids, neurons)
    leading = ids.shape[:-2]
    if dense.shape != (*leading, neurons):
        raise ValueError(
            f"g must have shape (cores, B..., N) = {(*leading, neurons)}, got {dense.shape}"
        )
    return _pick(dense, ids, width)


def spike_counts(ids: NDArray[np.integer], neurons: int) -> FloatArray:
    """``snn.spike_counts``: listed spikes per neuron summed over the first leading dim
    (time): ids ``(cores, T, B..., S, C)`` give ``(cores, B..., N)``."""
    width = _check_ids(ids, neurons)
    if ids.ndim < 5:
        raise ValueError(f"ids must have shape (cores, T, B..., S, C) (rank >= 5), got {ids.shape}")
    cores, steps, *batch, _, _ = ids.shape
    samples = prod(batch)
    _, list_index, rows = _listed_entries(ids, width)
    # One bincount over (core, sample, neuron), the step folded out of each list's index.
    core, sample = list_index // (steps * samples), list_index % samples
    counts = np.bincount(
        (core * samples + sample) * neurons + rows, minlength=cores * samples * neurons
    )
    return counts.reshape(cores, *batch, neurons).astype(np.float32)


def cross_entropy(c: ArrayLike, labels: NDArray[np.integer]) -> tuple[FloatArray, FloatArray]:
    """``snn.cross_entropy``: ``(loss, g)`` per core, ``loss (cores,)`` the mean over the
    batch of ``-log softmax(c)[b, label_b]`` and ``g = (softmax(c) - onehot) / B``, for
    ``c (cores, B, N)`` and ``labels (cores, B)``."""
    counts = _floats("c", c, 3)
    if counts.ndim != 3 or labels.shape != counts.shape[:2]:
        raise ValueError(
            f"c must be (cores, B, N) and labels (cores, B), got {counts.shape} and {labels.shape}"
        )
    if not np.issubdtype(labels.dtype, np.integer) or (
        labels.size and not (labels.min() >= 0 and labels.max() < counts.shape[2])
    ):
        raise ValueError(f"labels must be integers in [0, {counts.shape[2]}), got {labels}")
    batch = counts.shape[1]
    shifted = counts - counts.max(axis=-1, keepdims=True)
    log_probabilities = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    label_columns = labels[..., None].astype(np.intp)
    loss = -np.take_along_axis(log_probabilities, label_columns, axis=-1)[..., 0].mean(axis=-1)
    gradient = np.exp(log_probabilities)
    np.put_along_axis(
        gradient,
        label_columns,
        np.take_along_axis(gradient, label_columns, axis=-1) - np.float32(1.0),
        axis=-1,
    )
    return loss, gradient / np.float32(batch)


def listed_per_core(ids: NDArray[np.integer]) -> NDArray[np.int64]:
    """The listed (``>= 0``) entries of ``ids`` on each core, ``(cores,)``: the work
    of an op whose cost follows the spikes."""
    return (ids >= 0).reshape(ids.shape[0], -1).sum(axis=1, dtype=np.int64)
