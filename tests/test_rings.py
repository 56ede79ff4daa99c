# pyright: strict
"""The rings a plan's rotations run round, and how far apart their cores sit on a mesh.

``t10-lower-to-tile`` lays the rings (``passes/rings.py``) and the plan search prices each
rotation with the latency between the farthest neighbours of the ring laid for it; the
figures here are worked out by hand from mesh-64's 8 x 8 grid (core ``c`` at row
``c // 8``, column ``c % 8``; ``MESH_HOP_LATENCY_CYCLES`` per hop).
"""

import numpy as np
import pytest
from preset_rates import MESH_HOP_LATENCY_CYCLES
from test_plan_search import matmul, scale_shift

from t10.hwmodel.chip import Chip, load_chip
from t10.passes.iteration_space import IterationSpace
from t10.passes.plan_search import enumerate_candidates
from t10.passes.rings import (
    Ring,
    RingError,
    lay_rings,
    least_ring_latencies,
    ring_latencies,
)


def ring_latency_cycles(chip: Chip, grid: tuple[int, ...], ring: Ring) -> float:
    """:func:`ring_latencies` of one grid."""
    return float(ring_latencies(chip, np.asarray([grid], dtype=np.int64), ring)[0])


@pytest.mark.parametrize(
    ("grid", "ring", "hops"),
    [
        # Rings {3r, 3r + 1, 3r + 2}: 7 -> 8 leaves mesh row 0 at its last column.
        ((4, 3), Ring((1,), 1, 3), 8),
        # Rings {c, c + 16, c + 32, c + 48}: 2 mesh rows apart, and 6 back to the first.
        ((4, 16), Ring((0,), 1, 4), 6),
        # Cores 0..7 on mesh row 0, rings {n, n + 2, n + 4, n + 6}: 6 hops back.
        ((4, 2, 1), Ring((0,), 1, 4), 6),
        # Rings of 2 on the high digit of an axis of 4 (cores c, c + 2): 2 hops either way.
        ((1, 4), Ring((1,), 2, 2), 2),
    ],
)
def test_a_ring_s_latency_is_its_farthest_neighbours_last_to_first_included(
    grid: tuple[int, ...], ring: Ring, hops: int
):
    assert ring_latency_cycles(load_chip("mesh-64"), grid, ring) == hops * MESH_HOP_LATENCY_CYCLES
    assert ring_latency_cycles(load_chip("small-16"), grid, ring) == 0


def test_an_operand_rotating_on_two_loops_takes_independent_digits_of_one_axis():
    """A matmul's A (loops m, k; grid axis n unread, 8 cores) cut 2 ways on m and 4 on k:
    the ring on m takes the lowest digit of n, the one on k the digits above it."""
    used = [frozenset({0, 2}), frozenset({1, 2}), frozenset({0, 1})]
    rings = lay_rings((1, 8, 1), (2, 1, 4), used, [(2, 1, 4), (1, 1, 1), (1, 1, 1)])
    assert rings == {(0, 0): Ring((1,), 1, 2), (0, 2): Ring((1,), 2, 4)}
    mesh = load_chip("mesh-64")
    # Cores 0..7 on mesh row 0: pairs 1 apart; rings {c, c + 2, c + 4, c + 6}, 6 back.
    assert ring_latency_cycles(mesh, (1, 8, 1), rings[(0, 0)]) == MESH_HOP_LATENCY_CYCLES
    assert ring_latency_cycles(mesh, (1, 8, 1), rings[(0, 2)]) == 6 * MESH_HOP_LATENCY_CYCLES


def test_operands_rotating_on_one_loop_alike_share_their_rings():
    """A scale and a shift (both indexing only the column loop) rotating 4 ways round the
    row axis share rings, as the lowering lays them."""
    used = [frozenset({0, 1}), frozenset({1}), frozenset({1}), frozenset({0, 1})]
    temporal = [(1, 1), (1, 4), (1, 4), (1, 1)]
    rings = lay_rings((4, 16), (1, 4), used, temporal)
    assert rings[(1, 1)] is rings[(2, 1)] == Ring((0,), 1, 4)


def test_a_rotation_no_ring_can_carry_is_a_ring_error():
    """An operand cut 2 ways on each of two loops over an unread axis of 2 cores."""
    used = [frozenset({0, 2}), frozenset({1, 2}), frozenset({0, 1})]
    with pytest.raises(RingError, match=r"operand 0 rotates on loop 2 in rings of 2"):
        lay_rings((1, 2, 1), (2, 1, 2), used, [(2, 1, 2), (1, 1, 1), (1, 1, 1)])


@pytest.mark.parametrize(
    "space",
    [
        matmul(16, 48, 32),
        scale_shift(8, 96),
    ],
    ids=["matmul", "scale-shift"],
)
def test_every_ring_laid_costs_at_least_a_hop_and_the_least_of_its_candidates(
    space: IterationSpace,
):
    """The plan search's bounds: the ring laid for any rotation of any plan on mesh-64 is
    at least one hop, and the nearest-neighboured ring of its size along the unread axes
    (what a rotation the lowering cannot lay is priced at) is no farther."""
    chip = load_chip("mesh-64")
    candidates = enumerate_candidates(space, chip.cores)
    used = [frozenset(access.indexed_loops) for access in space.operands]
    steps = candidates.temporal.max(axis=1)
    checked = 0
    for index in range(len(candidates.row_index)):
        temporal = candidates.temporal[index]
        if not (temporal > 1).any():
            continue
        grid = tuple(int(v) for v in candidates.op_factors[index])
        try:
            rings = lay_rings(
                grid,
                [int(v) for v in steps[index]],
                used,
                [[int(v) for v in row] for row in temporal],
            )
        except RingError:
            # A plan the lowering refuses (its rotations priced as the least ring).
            continue
        for (operand, loop), ring in rings.items():
            latency = ring_latency_cycles(chip, grid, ring)
            unread = tuple(axis for axis in range(len(grid)) if axis not in used[operand])
            least = least_ring_latencies(
                chip, np.asarray([grid]), unread, int(temporal[operand, loop])
            )
            assert MESH_HOP_LATENCY_CYCLES <= least[0] <= latency
            checked += 1
    assert checked > 0
