"""t10-snn-lower: an SNN training step as a per-core program, simulated and checked."""

import dataclasses

import numpy as np
import numpy.typing as npt
import pytest
from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import FloatAttr, f32
from xdsl.parser import Parser

from t10.dialects import snn, tile
from t10.hwmodel.chip import Chip, load_chip
from t10.models.snn import Form, snn_train_step
from t10.passes.snn_lower import (
    SnnLoweringError,
    input_slices,
    lower_training_step,
    lower_with_plan,
    training_step_of,
)
from t10.passes.snn_plan import NoSnnPlanError, SnnPlan, price_layout
from t10.runtime.reference import run_reference
from t10.runtime.simulator import SimulationResult, simulate
from t10.runtime.snn_reference import SnnConfig, compact_spikes, init_weights, rate_coded_inputs
from t10.tools.t10_opt import T10OptMain

SMALL = SnnConfig(sizes=(40, 30, 20, 5), timesteps=8, batch=4, activity_cap=0.3)
RATE = 0.5


def _context() -> Context:
    return T10OptMain(args=[]).ctx


def _function(
    ctx: Context,
    config: SnnConfig,
    form: Form,
    segments: list[tuple[int, int]] | None = None,
    slices: list[tuple[int, int]] | None = None,
) -> func.FuncOp:
    module = Parser(ctx, snn_train_step(config, form, RATE, segments, slices)).parse_module()
    return next(op for op in module.walk() if isinstance(op, func.FuncOp))


def _arguments(config: SnnConfig, form: Form, activity: float) -> list[npt.NDArray[np.generic]]:
    spikes, labels = rate_coded_inputs(config, activity, seed=3)
    inputs = (
        compact_spikes(spikes, config.capacity(0)).ids[:, :, None, :]
        if form == "sparse"
        else spikes.astype(np.float32)
    )
    return [inputs, labels.astype(np.int32), *init_weights(config, seed=4)]


def _run_and_check(
    ctx: Context,
    config: SnnConfig,
    form: Form,
    program: tile.ProgramOp,
    plan: SnnPlan,
    chip: Chip,
    activity: float = 0.3,
) -> SimulationResult:
    """Simulates ``program`` and checks it against the reference of the same training
    step as the program computes it: lists cut into the plan's segments, currents summed
    over its input slices."""
    arguments = _arguments(config, form, activity)
    result = simulate(program, chip, arguments)
    segments = (
        [(layout.segments, layout.capacity) for layout in plan.layouts[1:]]
        if form == "sparse"
        else None
    )
    reference = _function(ctx, config, form, segments, input_slices(plan))
    expected = run_reference(reference, arguments)
    assert len(result.outputs) == len(expected)
    for got, want in zip(result.outputs, expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    return result


@pytest.mark.parametrize("form", ["sparse", "dense"])
@pytest.mark.parametrize("chip_name", ["small-16", "mesh-64"])
def test_the_planned_program_computes_the_training_step(form: Form, chip_name: str) -> None:
    ctx = _context()
    chip = load_chip(chip_name)
    program, plan = lower_training_step(_function(ctx, SMALL, form), ctx, chip)
    program.verify()
    result = _run_and_check(ctx, SMALL, form, program, plan, chip)
    assert result.peak_bytes_per_core <= chip.sram_bytes
    assert result.supersteps > 2 * (SMALL.timesteps - 1)


@pytest.mark.parametrize(
    ("form", "batch_groups", "groups", "rings"),
    [
        # Several segments per list, split input slices, an output layer on two cores.
        ("sparse", 2, [(3, 1), (2, 3), (1, 2)], None),
        # Dense inputs held on two cores, every layer's inputs split.
        ("dense", 2, [(4, 2), (2, 2), (1, 2)], None),
        ("sparse", 4, [(1, 1), (1, 1), (1, 1)], None),
        # Layer 2's inputs rotate round rings of 3 column blocks, one segment each.
        ("sparse", 1, [(3, 1), (3, 1), (1, 1)], [1, 3, 1]),
        # Rings of 2 in two batch groups, on split input slices of 2 segments.
        ("dense", 2, [(4, 1), (4, 2), (1, 2)], [1, 2, 1]),
        ("sparse", 1, [(4, 1), (4, 1), (1, 1)], [1, 4, 1]),
    ],
)
def test_every_part_of_a_layout_lowers_correctly(
    form: Form,
    batch_groups: int,
    groups: list[tuple[int, int]],
    rings: list[int] | None,
) -> None:
    ctx = _context()
    chip = load_chip("mesh-64")
    function = _function(ctx, SMALL, form)
    step = training_step_of(function)
    plan = price_layout(chip, step.network, batch_groups, groups, rings=rings)
    if rings is not None:
        assert [layout.ring for layout in plan.layouts[1:]] == rings
    program = lower_with_plan(function, ctx, chip, step, plan)
    result = _run_and_check(ctx, SMALL, form, program, plan, chip)
    if form == "sparse":
        # Cores work on the spikes they see: their compute cycles differ.
        uneven = [phase for phase in result.trace if phase.core_cycles is not None]
        assert any(
            phase.kind == "compute" and np.ptp(phase.core_cycles) > 0  # type: ignore[arg-type]
            for phase in uneven
        )


def test_the_reference_sums_a_split_current_in_the_program_s_order() -> None:
    """Layer 2's current is summed on two cores, one per half of layer 1's list, and the
    halves then added: 1 + (2^-24 + 2^-24) = 1 + 2^-23 reaches a threshold of 1 + 2^-23,
    which the list summed in one run ((1 + 2^-24) + 2^-24 = 1 in float32) does not. Every
    input and layer-1 neuron fires; output 0 fires iff layer 2 did, so the loss tells."""
    ctx = _context()
    chip = load_chip("mesh-64")
    config = SnnConfig(
        sizes=(40, 30, 20, 5),
        timesteps=4,
        batch=4,
        threshold=float(np.float32(1.0) + np.float32(2.0**-23)),
        activity_cap=1.0,
    )
    function = _function(ctx, config, "sparse")
    step = training_step_of(function)
    plan = price_layout(chip, step.network, 1, [(2, 1), (1, 2), (1, 1)])
    assert [layout.input_groups for layout in plan.layouts[1:]] == [1, 2, 1]
    program = lower_with_plan(function, ctx, chip, step, plan)
    inputs = compact_spikes(np.ones((4, 4, 40), dtype=np.bool_), config.capacity(0))
    second = np.zeros((30, 20), dtype=np.float32)
    second[0] = 1.0
    second[15:17] = 2.0**-24
    third = np.zeros((20, 5), dtype=np.float32)
    third[:, 0] = 2.0
    arguments = [
        inputs.ids[:, :, None, :],
        np.arange(4, dtype=np.int32) % 5,
        np.ones((40, 30), dtype=np.float32),
        second,
        third,
    ]
    simulated = simulate(program, chip, arguments).outputs
    segments = [(layout.segments, layout.capacity) for layout in plan.layouts[1:]]
    in_order = run_reference(
        _function(ctx, config, "sparse", segments, input_slices(plan)), arguments
    )
    in_one_run = run_reference(_function(ctx, config, "sparse", segments), arguments)
    np.testing.assert_array_equal(simulated[0], in_order[0])
    assert abs(float(in_one_run[0]) - float(in_order[0])) > 0.01


def test_small_sram_sums_weight_gradients_in_rounds() -> None:
    ctx = _context()
    roomy = load_chip("mesh-64")
    function = _function(ctx, SMALL, "sparse")
    step = training_step_of(function)
    plan = price_layout(roomy, step.network, 4, [(1, 1), (1, 1), (1, 1)])
    tight = dataclasses.replace(roomy, sram_kib_per_core=plan.peak_bytes_per_core // 1024 + 2)
    program = lower_with_plan(function, ctx, tight, step, plan)
    reductions = [
        op for op in program.walk() if isinstance(op, tile.FanInOp) and "dw1_sums" in str(op.dest)
    ]
    assert len(reductions) > 2
    _run_and_check(ctx, SMALL, "sparse", program, plan, tight)


def test_dropped_spikes_are_counted_as_the_reference_counts_them() -> None:
    ctx = _context()
    chip = load_chip("small-16")
    config = dataclasses.replace(SMALL, activity_cap=0.1)
    program, plan = lower_training_step(_function(ctx, config, "sparse"), ctx, chip)
    result = _run_and_check(ctx, config, "sparse", program, plan, chip, activity=0.4)
    assert sum(int(count) for count in result.outputs[4:]) > 0


def test_a_function_that_is_not_the_training_step_is_refused() -> None:
    ctx = _context()
    function = _function(ctx, SMALL, "sparse")
    lif = [op for op in function.walk() if isinstance(op, snn.LifOp)][1]
    lif.properties["alpha"] = FloatAttr(0.5, f32)
    with pytest.raises(SnnLoweringError, match=r"snn\.lif has alpha 0\.5 but snn\.lif") as caught:
        training_step_of(function)
    assert caught.value.op is lif


def test_input_lists_too_long_for_one_core_are_cut_by_samples_over_several() -> None:
    ctx = _context()
    chip = load_chip("small-16")
    config = SnnConfig(sizes=(200, 16, 5), timesteps=40, batch=8, activity_cap=0.5)
    function = _function(ctx, config, "sparse")
    step = training_step_of(function)
    plan = price_layout(chip, step.network, 1, [(2, 1), (1, 1)])
    assert plan.layouts[0].cores > 1
    program = lower_with_plan(function, ctx, chip, step, plan)
    _run_and_check(ctx, config, "sparse", program, plan, chip, activity=0.3)


RINGED = SnnConfig(sizes=(8, 256, 16, 4), timesteps=4, batch=32, activity_cap=0.5)
RINGED_GROUPS = [(4, 1), (8, 1), (1, 1)]


def test_rings_sum_input_gradients_faster_than_the_broadcast() -> None:
    """Layer 1 takes a piece of input gradient from each of layer 2's column blocks; rings
    of 2 sum them in pairs on the way: the planner chooses them and the simulated chip
    confirms."""
    ctx = _context()
    chip = dataclasses.replace(load_chip("small-16"), sram_kib_per_core=256)
    function = _function(ctx, RINGED, "dense")
    step = training_step_of(function)
    cycles: dict[int, float] = {}
    for ring in (1, 2):
        plan = price_layout(chip, step.network, 1, RINGED_GROUPS, rings=[1, ring, 1])
        program = lower_with_plan(function, ctx, chip, step, plan)
        cycles[ring] = _run_and_check(ctx, RINGED, "dense", program, plan, chip).cycles
    assert price_layout(chip, step.network, 1, RINGED_GROUPS).layouts[2].ring == 2
    assert cycles[2] < cycles[1]


def test_a_ring_runs_where_the_broadcast_does_not_fit() -> None:
    ctx = _context()
    roomy = dataclasses.replace(load_chip("small-16"), sram_kib_per_core=256)
    function = _function(ctx, RINGED, "dense")
    step = training_step_of(function)
    ring = price_layout(roomy, step.network, 1, RINGED_GROUPS, rings=[1, 4, 1])
    broadcast = price_layout(roomy, step.network, 1, RINGED_GROUPS, rings=[1, 1, 1])
    wide = _run_and_check(
        ctx,
        RINGED,
        "dense",
        lower_with_plan(function, ctx, roomy, step, broadcast),
        broadcast,
        roomy,
    )
    tight = dataclasses.replace(roomy, sram_kib_per_core=ring.peak_bytes_per_core // 1024 + 1)
    plan = price_layout(tight, step.network, 1, RINGED_GROUPS)
    assert plan.layouts[2].ring == 4
    program = lower_with_plan(function, ctx, tight, step, plan)
    narrow = _run_and_check(ctx, RINGED, "dense", program, plan, tight)
    assert narrow.peak_bytes_per_core < wide.peak_bytes_per_core
    assert narrow.peak_bytes_per_core <= tight.sram_bytes


def test_dense_inputs_rotate_round_rings_from_their_holders() -> None:
    """With 8 KiB per core two cores hold the inputs, one segment each: layer 1's two column
    blocks take one each and swap them."""
    ctx = _context()
    config = SnnConfig(sizes=(64, 8, 4), timesteps=8, batch=4, activity_cap=0.5)
    chip = dataclasses.replace(load_chip("mesh-64"), sram_kib_per_core=8)
    function = _function(ctx, config, "dense")
    step = training_step_of(function)
    plan = price_layout(chip, step.network, 1, [(2, 1), (1, 1)], rings=[2, 1])
    assert (plan.layouts[0].segments, plan.layouts[1].ring) == (2, 2)
    program = lower_with_plan(function, ctx, chip, step, plan)
    _run_and_check(ctx, config, "dense", program, plan, chip)
    roomy = dataclasses.replace(chip, sram_kib_per_core=16)
    with pytest.raises(NoSnnPlanError, match="layer 1's ring of 2 does not divide its 2 column"):
        price_layout(roomy, step.network, 1, [(2, 1), (1, 1)], rings=[2, 1])
