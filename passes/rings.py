# pyright: strict
"""Where the rotations of a plan run on its core grid: the rings ``t10-lower-to-tile`` lays.

A plan splits its operator over a grid of cores (one axis per loop, cores numbered
row-major); an operand rotating on a loop in rings of ``f`` cores runs round rings laid
along grid axes it does not index (:func:`lay_rings`). The lowering emits these rings as
``#tile.rotate`` patterns, and the plan search reads from them how far apart ring
neighbours sit on the chip (:func:`ring_latencies`), so that both see the same rings.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from math import prod

import numpy as np
from numpy.typing import NDArray
from xdsl.ir.affine import AffineExpr

from t10.dialects import tile
from t10.hwmodel import cost
from t10.hwmodel.chip import Chip

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Ring:
    """
    Where the rings of one rotation run: read the coordinates of `axes` as one
    mixed-radix number (first axis least significant); its digits from place
    value `stride` up to `stride * size` are a core's position in its ring.
    """

    axes: tuple[int, ...]
    stride: int
    size: int

    def digits(self, grid: Sequence[int]) -> dict[int, tuple[int, int]] | None:
        """Per axis, the place values ``[low, high)`` of its coordinate that the ring
        moves; None unless the ring touches every axis in whole digits (``low``
        divides ``high`` divides the extent), which keeps rings on one axis apart."""
        digits: dict[int, tuple[int, int]] = {}
        place = 1
        for axis in self.axes:
            low = max(self.stride, place)
            high = min(self.stride * self.size, place * grid[axis])
            if low >= high or low % place or high % place:
                return None
            low, high = low // place, high // place
            if high % low or grid[axis] % high:
                return None
            digits[axis] = (low, high)
            place *= grid[axis]
        return digits

    def position(self, grid: Sequence[int]) -> AffineExpr:
        """A core's position in its ring, as an affine expression of its coordinates
        (exact up to multiples of `size`)."""
        digits = self.digits(grid)
        assert digits is not None
        position = AffineExpr.constant(0)
        place = 1
        for axis in self.axes:
            low, _ = digits[axis]
            weight = place * low // self.stride
            coordinate = AffineExpr.dimension(axis)
            position = position + (coordinate if low == 1 else coordinate // low) * weight
            place *= grid[axis]
        return position

    def pattern(self, grid: Sequence[int]) -> tile.RotatePatternAttr:
        return tile.RotatePatternAttr(grid, self.axes, self.size, 1, self.stride)


def _independent(first: dict[int, tuple[int, int]], second: dict[int, tuple[int, int]]) -> bool:
    """Whether moving round one ring leaves every core's position in the other unchanged."""
    for axis in first.keys() & second.keys():
        (low, high), (other_low, other_high) = first[axis], second[axis]
        if not (
            (high <= other_low and other_low % high == 0)
            or (other_high <= low and low % other_high == 0)
        ):
            return False
    return True


def candidate_rings(grid: Sequence[int], unread: Sequence[int], size: int) -> Iterator[Ring]:
    """Every ring of ``size`` cores over grid axes in ``unread``, in the order
    :func:`lay_rings` tries them: one axis before several, low digits before high ones."""
    axes = [axis for axis in unread if grid[axis] > 1]
    for count in range(1, len(axes) + 1):
        for chosen in itertools.permutations(axes, count):
            span = prod(grid[axis] for axis in chosen)
            for stride in range(1, span // size + 1):
                if (span // size) % stride:
                    continue
                ring = Ring(tuple(chosen), stride, size)
                if ring.digits(grid) is not None:
                    yield ring


def _lay_ring(
    grid: Sequence[int], unread: Sequence[int], size: int, apart_from: Sequence[Ring]
) -> Ring | None:
    """The first of :func:`candidate_rings` independent of every ring in ``apart_from``."""
    for ring in candidate_rings(grid, unread, size):
        digits = ring.digits(grid)
        assert digits is not None
        if all(_independent(digits, other.digits(grid) or {}) for other in apart_from):
            return ring
    return None


class RingError(ValueError):
    """An operand's rotation for which the grid has no ring apart from the plan's others."""

    def __init__(self, operand: int, loop: int, size: int, unread_extents: list[int]):
        super().__init__(
            f"operand {operand} rotates on loop {loop} in rings of {size}, but the grid axes "
            f"it does not index ({unread_extents}) cannot carry such rings apart from the "
            "other rotations of this plan"
        )


def lay_rings(
    grid: Sequence[int],
    steps: Sequence[int],
    used_loops: Sequence[frozenset[int]],
    temporal: Sequence[Sequence[int]],
) -> dict[tuple[int, int], Ring]:
    """
    For every (operand, loop) an operand rotates on (``temporal[operand][loop] > 1``), the
    rings it runs round on the core ``grid`` of a plan taking ``steps`` steps per loop,
    the operand indexing ``used_loops[operand]``. Rings run along grid axes the operand
    does not index. Two rings must move independent digits of the core coordinates when
    they skew the same loop, or when one moves an operand that holds the other's loop in
    slices; otherwise a rotation would bring a core slices its placement does not claim.
    Operands rotating on the same loop in rings of the same size may share rings.
    A :class:`RingError` if some rotation has no ring.
    """
    loops = len(grid)
    sliced = [{loop for loop in used if steps[loop] > 1} for used in used_loops]
    rings: dict[tuple[int, int], Ring] = {}
    for operand, (used, factors) in enumerate(zip(used_loops, temporal, strict=True)):
        unread = [axis for axis in range(loops) if axis not in used]
        for loop, factor in enumerate(factors):
            if factor == 1:
                continue
            apart_from = [
                ring
                for (other, other_loop), ring in rings.items()
                if other_loop == loop or other_loop in sliced[operand] or loop in sliced[other]
            ]
            shared = next(
                (
                    ring
                    for (_, other_loop), ring in rings.items()
                    if other_loop == loop
                    and ring.size == factor
                    and set(ring.axes) <= set(unread)
                    and all(
                        other is ring
                        or _independent(ring.digits(grid) or {}, other.digits(grid) or {})
                        for other in apart_from
                    )
                ),
                None,
            )
            ring = shared or _lay_ring(grid, unread, factor, apart_from)
            if ring is None:
                raise RingError(operand, loop, factor, [grid[axis] for axis in unread])
            rings[(operand, loop)] = ring
    return rings


def _grid_products(grids: IntArray, start: int, stop: int) -> IntArray:
    return np.prod(grids[:, start:stop], axis=1, dtype=np.int64)


def ring_latencies(chip: Chip, grids: IntArray, ring: Ring) -> FloatArray:
    """
    Per row of ``grids`` (n, axes), the longest topology latency from a core to the
    next round its ring (the last member back to the first included), over the cores of
    that grid numbered row-major from 0. Only the ring's axes and the products of the
    runs of other axes between them decide which cores exchange (cores are numbered
    row-major), so the grids are priced once per such shape.
    """
    ring_axes = sorted(ring.axes)
    columns: list[IntArray] = []
    start = 0
    for axis in ring_axes:
        columns += [_grid_products(grids, start, axis), grids[:, axis].astype(np.int64)]
        start = axis + 1
    columns.append(_grid_products(grids, start, grids.shape[1]))
    shapes, inverse = np.unique(np.stack(columns, axis=1), axis=0, return_inverse=True)
    shape_ring = Ring(
        tuple(2 * ring_axes.index(axis) + 1 for axis in ring.axes), ring.stride, ring.size
    )
    latencies = np.asarray(
        [_shape_latency(chip, tuple(shape), shape_ring) for shape in shapes.tolist()]
    )
    return latencies[inverse.ravel()]


@cache
def _shape_latency(chip: Chip, grid: tuple[int, ...], ring: Ring) -> float:
    transfers = tile.rotation_transfers(grid, ring.axes, ring.size, 1, ring.stride)
    return float(cost.transfer_latency_cycles(chip, transfers[:, 0], transfers[:, 1]).max())


def least_ring_latencies(
    chip: Chip, grids: IntArray, unread: Sequence[int], size: int
) -> FloatArray:
    """Per row of ``grids``, the least :func:`ring_latencies` of any ring of ``size``
    cores that :func:`lay_rings` may lay along axes ``unread``, whatever the plan's other
    rings (0 if there is none). Grids alike on those axes have the same candidate rings."""
    least = np.zeros(len(grids))
    axes = list(unread)
    extents, group = np.unique(grids[:, axes], axis=0, return_inverse=True)
    group = group.ravel()
    for index, extent_row in enumerate(extents.tolist()):
        members = np.flatnonzero(group == index)
        masked = [1] * grids.shape[1]
        for axis, extent in zip(axes, extent_row, strict=True):
            masked[axis] = extent
        ring_latency = [
            ring_latencies(chip, grids[members], ring)
            for ring in candidate_rings(masked, axes, size)
        ]
        if ring_latency:
            least[members] = np.min(ring_latency, axis=0)
    return least
