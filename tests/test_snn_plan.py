"""The layout search of a spiking network's training step (passes/snn_plan.py)."""

import dataclasses
import math

import pytest

from t10.hwmodel.chip import Chip, load_chip
from t10.passes.snn_plan import (
    NoSnnPlanError,
    SnnNetwork,
    capacities_for,
    price_layout,
    search_snn_plan,
)

ISSUE_SIZES = (2312, 1466, 1466, 10)


@pytest.mark.parametrize("activity_cap", [None, 0.02, 0.1])
def test_issue_network_plans_fit_and_keep_the_layout_rules(activity_cap: float | None) -> None:
    chip = load_chip("ipu-mk2")
    capacities = None if activity_cap is None else capacities_for(ISSUE_SIZES, activity_cap)
    network = SnnNetwork(ISSUE_SIZES, timesteps=100, batch=48, capacities=capacities)
    plan = search_snn_plan(chip, network)
    assert plan.cores <= chip.cores
    assert plan.peak_bytes_per_core <= chip.sram_bytes
    assert plan.samples == math.ceil(48 / plan.batch_groups)
    for layer, layout in enumerate(plan.layouts):
        size = ISSUE_SIZES[layer]
        # A layer's slices are the segments of its list: width ceil(N / S).
        assert layout.owned == math.ceil(size / layout.segments)
        assert layout.columns == layout.owned * layout.input_groups or layer == 3
        if layer > 0:
            # Every core of a layer reads whole segments of the previous layer's list.
            assert plan.layouts[layer - 1].segments % layout.input_groups == 0
        if capacities is not None:
            assert layout.capacity == math.ceil(capacities[layer] * layout.owned / size)
    # The output layer's state is whole on one core of each batch group (the loss reads rows).
    assert plan.layouts[-1].owned == 10


def test_sparse_lists_beat_dense_blocks_at_low_activity() -> None:
    chip = load_chip("ipu-mk2")
    dense = search_snn_plan(chip, SnnNetwork(ISSUE_SIZES, 100, 48, None))
    sparse = search_snn_plan(
        chip, SnnNetwork(ISSUE_SIZES, 100, 48, capacities_for(ISSUE_SIZES, 0.02))
    )
    fuller = search_snn_plan(
        chip, SnnNetwork(ISSUE_SIZES, 100, 48, capacities_for(ISSUE_SIZES, 0.2))
    )
    assert sparse.cycles < fuller.cycles
    assert sparse.cycles < dense.cycles


def test_memory_fraction_bounds_the_peak() -> None:
    chip = load_chip("ipu-mk2")
    network = SnnNetwork(ISSUE_SIZES, 100, 48, capacities_for(ISSUE_SIZES, 0.05))
    plan = search_snn_plan(chip, network, memory_fraction=0.5)
    assert plan.peak_bytes_per_core <= chip.sram_bytes // 2


def test_a_network_too_large_for_the_chip_is_refused_with_the_bytes_it_needs() -> None:
    chip = load_chip("small-16")
    network = SnnNetwork((4096, 4096, 10), timesteps=100, batch=48, capacities=None)
    with pytest.raises(NoSnnPlanError, match=r"dense training step \[4096, 4096, 10\].*small-16"):
        search_snn_plan(chip, network)


@pytest.mark.parametrize(
    ("sizes", "capacities", "groups", "rings", "message"),
    [
        (
            (40, 30, 20, 5),
            (20, 15, 10, 3),
            [(2, 1), (2, 1), (1, 1)],
            [2, 1, 1],
            r"layer 1 cannot take a ring of 2: layer 1 of a sparse network .* by broadcast only",
        ),
        (
            (40, 30, 20, 5),
            None,
            [(2, 1), (2, 1), (1, 1)],
            [1, 1, 2],
            r"layer 3 cannot take a ring of 2: the output layer receives by broadcast only",
        ),
        (
            (40, 30, 20, 5),
            None,
            [(3, 1), (4, 1), (1, 1)],
            [1, 2, 1],
            r"layer 2's ring of 2 must divide its 4 column blocks and the 3 segments",
        ),
        ((40, 30, 20, 5), None, [(2, 1), (2, 1), (1, 1)], [1, 1], r"2 ring sizes for 3 layers"),
    ],
)
def test_forced_rings_must_join_whole_column_blocks_and_segments(
    sizes: tuple[int, ...],
    capacities: tuple[int, ...] | None,
    groups: list[tuple[int, int]],
    rings: list[int],
    message: str,
) -> None:
    network = SnnNetwork(sizes, timesteps=8, batch=4, capacities=capacities)
    with pytest.raises(NoSnnPlanError, match=message):
        price_layout(load_chip("mesh-64"), network, 1, groups, rings=rings)


RINGED = SnnNetwork((8, 256, 16, 4), timesteps=4, batch=32, capacities=None)
"""A network whose layer 1 takes a large input-gradient piece from each of layer 2's
column blocks: rings in layer 2 sum them on the way, so layer 1 takes fewer."""


def _roomy_small_chip() -> Chip:
    return dataclasses.replace(load_chip("small-16"), sram_kib_per_core=256)


def test_rings_are_chosen_by_cost() -> None:
    chip = _roomy_small_chip()
    groups = [(4, 1), (8, 1), (1, 1)]
    chosen = price_layout(chip, RINGED, 1, groups)
    forced = [
        price_layout(chip, RINGED, 1, groups, rings=[1, ring, 1]).cycles for ring in (1, 2, 4)
    ]
    assert chosen.cycles == min(forced)
    # Rings of 2 send layer 1 four input-gradient pieces instead of eight.
    assert [layout.ring for layout in chosen.layouts] == [1, 1, 2, 1]


def test_a_ring_fits_where_the_broadcast_does_not() -> None:
    roomy = _roomy_small_chip()
    groups = [(4, 1), (8, 1), (1, 1)]
    broadcast = price_layout(roomy, RINGED, 1, groups, rings=[1, 1, 1])
    ring = price_layout(roomy, RINGED, 1, groups, rings=[1, 4, 1])
    assert ring.peak_bytes_per_core < broadcast.peak_bytes_per_core
    tight = dataclasses.replace(roomy, sram_kib_per_core=ring.peak_bytes_per_core // 1024 + 1)
    with pytest.raises(NoSnnPlanError, match=r"does not fit small-16"):
        price_layout(tight, RINGED, 1, groups, rings=[1, 1, 1])
    chosen = price_layout(tight, RINGED, 1, groups)
    assert chosen.layouts[2].ring > 1
    assert chosen.peak_bytes_per_core <= tight.sram_bytes


def test_a_layout_that_needs_more_cores_than_the_chip_says_so() -> None:
    network = SnnNetwork((40, 30, 20, 5), timesteps=8, batch=4, capacities=None)
    with pytest.raises(NoSnnPlanError, match=r"it needs \d+ cores, the chip has 16"):
        price_layout(load_chip("small-16"), network, 4, [(4, 1), (2, 1), (1, 1)])
