"""Where a distributed tensor's elements sit, and what moving them to another layout costs.

A layout places a tensor on the cores of its grid, numbered row-major over the
grid's loops (core ``c`` has grid coordinates ``unravel_index(c, grid)``). A
core's **block** is the box of tensor indices its sub-operator reads or writes:
along each dim, the image of the core's loop ranges under the dim's index
expression (a sliding window's block includes its halo). A block cut into
``pieces`` rotating parts is held one part at a time, so the core holds
``1/pieces`` of it. An operator's *result* holds no replica: partial sums are
combined (rotated to completion or reduce-scattered) so each of the ``r`` cores
sharing an output block ends with ``1/r`` of it.

A **relayout** from placement S to placement D makes every core hold its D
part. A core receives what it needs and does not already hold; which part of
a block a core holds is the one the relayout's skew gives it, so the local
share is estimated as the overlap of the two blocks divided by the larger
piece count (exact when both placements cut the same blocks the same way:
then nothing moves). Receivers are served one sender at a time (DESIGN §3),
and each core then copies the share it already held into its new buffers
(``cost.relayout_cycles``), so the relayout takes as long as the core with the
most to do; between equal placements there is no relayout. (The sync in front
of an operator's relayouts is charged once per operator by ``t10-select-plans``.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from t10.hwmodel import cost
from t10.hwmodel.chip import Chip
from t10.passes.iteration_space import IterationSpace

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

_PAIRS_PER_CHUNK = 1 << 22
"""Bound on (source, destination, core, dim) entries held at once when pricing many pairs."""


@dataclass(frozen=True)
class Placement:
    """What every core of a chip holds of one tensor."""

    blocks: IntArray
    """(cores, dims, 2): per core and tensor dim, the [start, stop) of its block (empty: equal)."""
    pieces: int
    """Into how many parts each core's block is cut; the core holds one at a time."""

    def held_elements(self) -> IntArray:
        """Per core, the elements it holds."""
        extents = np.maximum(self.blocks[:, :, 1] - self.blocks[:, :, 0], 0)
        return np.prod(extents, axis=1) / self.pieces


def _blocks(
    grid: Sequence[int],
    loop_extents: Sequence[int],
    coefficients: Sequence[Sequence[int]],
    shape: Sequence[int],
    cores: int,
) -> IntArray:
    """Per core of ``cores``, the block of a tensor read through ``coefficients``."""
    used = math.prod(grid)
    grid_array = np.asarray(grid, dtype=np.int64)
    extents = np.asarray(loop_extents, dtype=np.int64)
    coordinates = np.stack(np.unravel_index(np.arange(used), tuple(grid)), axis=1)
    step = -(-extents // grid_array)
    low = coordinates * step
    high = np.minimum(extents, low + step)
    weights = np.asarray(coefficients, dtype=np.int64).reshape(len(shape), len(grid))
    start = low @ weights.T
    stop = (high - 1) @ weights.T + 1
    limit = np.asarray(shape, dtype=np.int64)
    blocks = np.zeros((cores, len(shape), 2), dtype=np.int64)
    blocks[:used, :, 0] = np.minimum(start, limit)
    blocks[:used, :, 1] = np.minimum(stop, limit)
    empty = (high <= low).any(axis=1)
    blocks[:used][empty] = 0
    return blocks


def operand_placement(
    space: IterationSpace,
    operand: int,
    op_factors: Sequence[int],
    temporal: Sequence[int],
    cores: int,
) -> Placement:
    """
    Where operand ``operand`` of an operator planned with ``op_factors`` and
    the operand's ``temporal`` factors sits: as the operator reads it, or, for
    an output, as the operator leaves it (no replica).
    """
    access = space.operands[operand]
    blocks = _blocks(op_factors, space.loop_extents, access.coefficients, access.shape, cores)
    pieces = math.prod(temporal)
    if access.is_output:
        unread = [loop for loop in range(space.num_loops) if loop not in access.indexed_loops]
        pieces = max(pieces, math.prod(op_factors[loop] for loop in unread))
    return Placement(blocks, pieces)


def grid_placement(grid: Sequence[int], shape: Sequence[int], cores: int) -> Placement:
    """A tensor's dims split by ``grid`` over cores, one block each (an idle layout)."""
    identity = [[int(row == column) for column in range(len(shape))] for row in range(len(shape))]
    return Placement(_blocks(grid, shape, identity, shape, cores), 1)


def _supertile_sharing(
    chip: Chip,
    source_blocks: IntArray,
    source_pieces: FloatArray,
    destination_blocks: IntArray,
    destination_pieces: FloatArray,
) -> FloatArray:
    """(sources, destinations, cores): how many cores of each core's supertile take its
    bytes with it: all of them where every core of the supertile holds the same source
    block and needs the same destination block (so the same messages bring them the same
    data), uncut (a rotating piece held depends on skews); else 1."""
    cores = source_blocks.shape[1]
    sources = cost.supertiles_alike(chip, source_blocks.reshape(len(source_blocks), cores, -1))
    destinations = cost.supertiles_alike(
        chip, destination_blocks.reshape(len(destination_blocks), cores, -1)
    )
    uncut = (source_pieces == 1)[:, None] & (destination_pieces == 1)[None, :]
    together = sources[:, None] & destinations[None] & uncut[..., None]
    return cost.supertile_sharing(chip, together, cores)


def relayout_cycles(
    chip: Chip,
    element_bytes: int,
    sources: Sequence[Placement],
    destinations: Sequence[Placement],
) -> FloatArray:
    """(len(sources), len(destinations)): cycles of each relayout from a source to a destination."""
    if not sources or not destinations:
        return np.zeros((len(sources), len(destinations)))
    destination_blocks = np.stack([placement.blocks for placement in destinations])
    destination_pieces = np.asarray([placement.pieces for placement in destinations], np.float64)
    needed = np.stack([placement.held_elements() for placement in destinations])
    cycles = np.zeros((len(sources), len(destinations)))
    per_source = destination_blocks.size
    chunk = max(1, _PAIRS_PER_CHUNK // per_source)
    for begin in range(0, len(sources), chunk):
        group = sources[begin : begin + chunk]
        source_blocks = np.stack([placement.blocks for placement in group])
        source_pieces = np.asarray([placement.pieces for placement in group], np.float64)
        start = np.maximum(source_blocks[:, None, :, :, 0], destination_blocks[None, :, :, :, 0])
        stop = np.minimum(source_blocks[:, None, :, :, 1], destination_blocks[None, :, :, :, 1])
        overlap = np.prod(np.maximum(stop - start, 0), axis=3)
        pieces = np.maximum(source_pieces[:, None], destination_pieces[None, :])
        local = np.minimum(overlap / pieces[:, :, None], needed[None, :, :])
        # Whole elements: a relayout between equal placements must move nothing.
        missing = np.maximum(np.ceil(needed[None, :, :] - local - 1e-9), 0)
        # What a core holds is copied into its new buffers (when the two cut its block
        # differently, which piece it holds depends on skews this estimate does not see).
        copied = np.floor(needed[None, :, :] - missing + 1e-9)
        together = _supertile_sharing(
            chip, source_blocks, source_pieces, destination_blocks, destination_pieces
        )
        core_cycles = cost.relayout_cycles(
            chip, missing * element_bytes / together, copied * element_bytes
        )
        # Equal placements need no relayout at all: nothing to receive or to copy.
        same = (source_blocks[:, None] == destination_blocks[None]).all(axis=(2, 3, 4)) & (
            source_pieces[:, None] == destination_pieces[None, :]
        )
        cycles[begin : begin + len(group)] = np.where(same, 0.0, core_cycles.max(axis=2))
    return cycles
