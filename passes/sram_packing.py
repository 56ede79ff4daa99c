"""Offsets in a core's SRAM for buffers whose live ranges are known before the program runs.

Placing buffers of known sizes and lifetimes so that no two live at once share a
byte, in as few bytes as possible, is offline dynamic storage allocation (NP-hard).
No packing can need fewer bytes than the most that are live at any one moment;
first-fit in program order often needs more, because a long-lived buffer made
late lands in a hole between short-lived ones and splits the free space (an
OPT-1.3B layer at batch 4, sequence 1024: 599,200 bytes live at most, first-fit
needs more than the 638,976 of an IPU tile). ``pack`` therefore also tries the
greedy orders of TensorFlow Lite's arena planner (Pisarchyk and Lee, "Efficient
Memory Management for Deep Neural Net Inference", 2020): largest buffer first,
each into the smallest hole among the buffers it overlaps in time, and longest
lifetime-by-bytes first. When none of these fits but the live-byte bound
does, it tries largest-first orders of randomly perturbed sizes (seeded), which
on that layer fit about half the time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class Packing:
    """Where each buffer starts, and the bytes the packing spans."""

    offsets: IntArray
    span: int


@dataclass(frozen=True)
class LiveBytes:
    """The most bytes live at one moment, and the first buffer whose allocation reaches it."""

    peak: int
    at_buffer: int


def live_bytes_peak(sizes: IntArray, firsts: IntArray, lasts: IntArray) -> LiveBytes:
    """The live-byte bound: no packing of these buffers spans fewer bytes. Buffer
    ``i`` lives from position ``firsts[i]`` to ``lasts[i]``, both included."""
    if len(sizes) == 0:
        return LiveBytes(0, -1)
    change = np.zeros(int(lasts.max()) + 2, dtype=np.int64)
    np.add.at(change, firsts, sizes)
    np.add.at(change, lasts + 1, -sizes)
    live = np.cumsum(change)
    moment = int(np.argmax(live))
    # Live bytes only rise where a buffer is made; report the last one made there.
    made_then = np.flatnonzero(firsts == moment)
    return LiveBytes(int(live[moment]), int(made_then[-1]))


def _place(
    order: Sequence[int] | IntArray,
    sizes: IntArray,
    firsts: IntArray,
    lasts: IntArray,
    best_fit: bool,
) -> Packing:
    """Each buffer in ``order`` at the lowest (``best_fit``: the tightest) hole left by
    the buffers already placed that overlap it in time, else above all of them."""
    offsets = np.full(len(sizes), -1, dtype=np.int64)
    placed = np.zeros(len(sizes), dtype=bool)
    for index in order:
        size = int(sizes[index])
        overlapping = np.flatnonzero(placed & (firsts <= lasts[index]) & (lasts >= firsts[index]))
        by_start = np.argsort(offsets[overlapping], kind="stable")
        starts = offsets[overlapping][by_start]
        ends = starts + sizes[overlapping][by_start]
        # Below the k-th buffer by offset, free bytes start where the ones before it end.
        cursors = np.maximum.accumulate(np.concatenate(([0], ends)))
        holes = starts - cursors[:-1]
        fitting = np.flatnonzero(holes >= size)
        if len(fitting) == 0:
            offsets[index] = cursors[-1]
        elif best_fit:
            offsets[index] = cursors[fitting[np.argmin(holes[fitting])]]
        else:
            offsets[index] = cursors[fitting[0]]
        placed[index] = True
    span = int((offsets + sizes).max()) if len(sizes) else 0
    return Packing(offsets, span)


PERTURBED_TRIES = 64
"""How many largest-first orders with sizes perturbed at random ``pack`` tries when
the greedy orders do not fit: on the OPT-1.3B layer above about half of them fit."""

_PERTURBATION = 0.3
"""Each size is scaled by a factor drawn from [1, 1 + this) to order a perturbed try."""


def _candidates(sizes: IntArray, firsts: IntArray, lasts: IntArray) -> Iterator[Packing]:
    yield _place(range(len(sizes)), sizes, firsts, lasts, best_fit=False)
    yield _place(np.lexsort((firsts, -sizes)), sizes, firsts, lasts, best_fit=True)
    byte_positions = sizes * (lasts - firsts + 1)
    yield _place(np.lexsort((firsts, -sizes, -byte_positions)), sizes, firsts, lasts, True)
    generator = np.random.default_rng(0)
    for _ in range(PERTURBED_TRIES):
        scaled = sizes * (1 + _PERTURBATION * generator.random(len(sizes)))
        yield _place(np.argsort(-scaled, kind="stable"), sizes, firsts, lasts, best_fit=True)


def pack(sizes: IntArray, firsts: IntArray, lasts: IntArray, capacity: int) -> Packing:
    """Offsets for buffers of ``sizes`` bytes living from ``firsts`` to ``lasts``
    (positions, both included) such that buffers live at once never share a byte:
    the first packing found that spans at most ``capacity`` bytes, trying program
    order first-fit, largest-first, most byte-positions first, then
    :data:`PERTURBED_TRIES` perturbed largest-first orders (seeded: the same
    buffers always pack the same way); if none fits, the tightest of them. Check
    :func:`live_bytes_peak` against ``capacity`` first: above it nothing fits."""
    tightest: Packing | None = None
    for packing in _candidates(sizes, firsts, lasts):
        if packing.span <= capacity:
            return packing
        if tightest is None or packing.span < tightest.span:
            tightest = packing
    assert tightest is not None
    return tightest
