"""``t10-lower-to-tile`` and the ``tile`` IR it makes, checked by running the result.

Every model here goes from linalg to a ``tile.program``, runs on the simulated
chip and must give what the reference execution of the input linalg gives,
within ``tolerance``: per op class on every chip preset it fits, for random
shapes with random plans of the operators' Pareto frontiers (rotating ones
included), and through the SRAM allocator.
"""

import math
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from op_models import (
    OP_CLASSES,
    REDUCTIONS,
    TINY_BERT,
    batch_matmul,
    bias_relu,
    causal_mask,
    conv,
    matmul,
    padded_conv,
    pinned_row,
    reduce_rows,
)
from xdsl.dialects import func
from xdsl.dialects.builtin import (
    ArrayAttr,
    DenseArrayBase,
    DictionaryAttr,
    IntegerAttr,
    ModuleOp,
    StringAttr,
    TensorType,
    i64,
)
from xdsl.ir import Operation
from xdsl.ir.affine import AffineExpr, AffineMap
from xdsl.utils.exceptions import VerifyException

from t10.dialects import tile
from t10.dialects.rtensor import OpPlanAttr
from t10.hwmodel.chip import load_chip
from t10.passes.compile import CompilePass
from t10.passes.insert_shifts import InsertShiftsPass
from t10.passes.lower_to_tile import LowerToTilePass
from t10.passes.model_graph import is_weight
from t10.passes.partition import FRONTIER_ATTR, PartitionPass, structured_ops
from t10.passes.select_plans import LOOP_ORDER_ATTR, PLAN_ATTR, SELECTION_ATTR, SelectPlansPass
from t10.passes.sram_packing import live_bytes_peak
from t10.runtime.reference import random_inputs, run_reference, tolerance
from t10.runtime.simulator import SimulationError, simulate
from t10.tools.t10_opt import LocatingParser, T10OptMain

CTX = T10OptMain(args=[]).ctx
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

CHIPS = ("small-16", "mesh-64", "ipu-mk2")

# Helpers ----------------------------------------------------------------------


def parse(text: str) -> ModuleOp:
    module = LocatingParser(CTX, text, "model.mlir").parse_module()
    assert isinstance(module, ModuleOp)
    return module


def function_of(module: ModuleOp) -> func.FuncOp:
    return next(op for op in module.walk() if isinstance(op, func.FuncOp))


def program_of(module: ModuleOp) -> tile.ProgramOp:
    return next(op for op in module.walk() if isinstance(op, tile.ProgramOp))


def count(program: tile.ProgramOp, op_type: type) -> int:
    return sum(1 for op in program.walk() if isinstance(op, op_type))


class Run:
    """A model's reference inputs and outputs, kept while its module is rewritten."""

    def __init__(self, module: ModuleOp):
        function = function_of(module)
        self.inputs = random_inputs(function, 0)
        self.expected = run_reference(function, self.inputs)
        self.output_types = [
            result_type
            for result_type in function.function_type.outputs.data
            if isinstance(result_type, TensorType)
        ]

    def check(self, program: tile.ProgramOp, chip: str) -> None:
        """Simulate ``program`` on ``chip`` and compare every output with the reference."""
        result = simulate(program, load_chip(chip), self.inputs)
        assert len(result.outputs) == len(self.expected)
        for output, expected, output_type in zip(
            result.outputs, self.expected, self.output_types, strict=True
        ):
            rtol, atol = tolerance(output_type.get_element_type())
            np.testing.assert_allclose(
                output.astype(np.float64), expected.astype(np.float64), rtol=rtol, atol=atol
            )


def compile_and_check(text: str, chip: str, memory_fraction: float = 1.0) -> tile.ProgramOp:
    """``text`` through ``t10-compile`` to tile IR, simulated and compared on ``chip``."""
    module = parse(text)
    run = Run(module)
    CompilePass(chip=chip, memory_fraction=memory_fraction).apply(CTX, module)
    module.verify()
    program = program_of(module)
    run.check(program, chip)
    return program


Chooser = Callable[[Operation, Sequence[OpPlanAttr]], tuple[OpPlanAttr, list[int]]]
"""Picks an operator's plan among its frontier, and the nesting of its stepped loops."""


def rotates(plan: OpPlanAttr) -> bool:
    return any(
        factor > 1
        for operand in range(len(plan.temporal.data))
        for factor in plan.operand_temporal(operand)
    )


def stepped_loops(plan: OpPlanAttr) -> list[int]:
    """The loops some operand of ``plan`` is cut on in time: the loops a schedule steps."""
    rows = [plan.operand_temporal(operand) for operand in range(len(plan.temporal.data))]
    return [loop for loop, factors in enumerate(zip(*rows, strict=True)) if max(factors) > 1]


def frontier_of(op: Operation) -> list[OpPlanAttr]:
    frontier = op.attributes[FRONTIER_ATTR]
    assert isinstance(frontier, ArrayAttr)
    return [plan for plan in frontier.data if isinstance(plan, OpPlanAttr)]


def force_plans(module: ModuleOp, choose: Chooser) -> list[OpPlanAttr]:
    """Overwrite ``t10-select-plans``' choice with a frontier plan and a loop order per op."""
    chosen: list[OpPlanAttr] = []
    for op in structured_ops(module):
        plan, loop_order = choose(op, frontier_of(op))
        op.attributes[PLAN_ATTR] = plan
        op.attributes[LOOP_ORDER_ATTR] = DenseArrayBase.from_list(i64, loop_order)
        chosen.append(plan)
    return chosen


def draw_plans(data: st.DataObject) -> Chooser:
    """A chooser drawing one frontier plan and one nesting of its stepped loops per operator."""

    def choose(op: Operation, plans: Sequence[OpPlanAttr]) -> tuple[OpPlanAttr, list[int]]:
        plan = plans[data.draw(st.integers(0, len(plans) - 1), label=f"{op.name} plan")]
        loop_order = data.draw(st.permutations(stepped_loops(plan)), label=f"{op.name} nesting")
        return plan, list(loop_order)

    return choose


def lower_drawn_plans(text: str, data: st.DataObject) -> None:
    """Partition ``text`` on small-16, force drawn frontier plans, lower, simulate, compare;
    and the program rotates (has exchanges) exactly when some drawn plan does."""
    module = parse(text)
    run = Run(module)
    PartitionPass(chip="small-16", top_k=0).apply(CTX, module)
    SelectPlansPass(chip="small-16").apply(CTX, module)
    chosen = force_plans(module, draw_plans(data))
    InsertShiftsPass().apply(CTX, module)
    LowerToTilePass().apply(CTX, module)
    module.verify()
    program = program_of(module)
    run.check(program, "small-16")
    rotating = any(rotates(plan) for plan in chosen)
    event("rotating plan" if rotating else "no rotation")
    assert (count(program, tile.ExchangeOp) > 0) == rotating


# 1. Every op class, every chip it fits -----------------------------------------


@pytest.mark.parametrize("chip", CHIPS)
@pytest.mark.parametrize("op_class", sorted(OP_CLASSES))
def test_op_class_matches_reference(op_class: str, chip: str):
    program = compile_and_check(OP_CLASSES[op_class], chip)
    assert program.cores.value.data == load_chip(chip).cores
    masked = [op for op in program.walk() if isinstance(op, tile.ComputeOp) and op.steps]
    assert masked, "every planned operator computes on its placement"


def test_rotating_matmul_plan_matches_reference():
    # Under a twentieth of small-16's SRAM the 32x64x48 matmul takes plan
    # 1x4x4 with A and C rotating on m: Cannon-like, 4 steps, 3 rotations of two tensors.
    program = compile_and_check(matmul(32, 64, 48), "small-16", memory_fraction=0.05)
    steps = [op.steps for op in program.walk() if isinstance(op, tile.ComputeOp) and op.steps]
    assert [place.step_offsets() for place in steps] == [(step, 0, 0) for step in range(4)]
    assert count(program, tile.ExchangeOp) == 6


def test_split_reduction_is_reduce_scattered():
    program = compile_and_check(matmul(32, 64, 48), "small-16")
    (reduce_scatter,) = [op for op in program.walk() if isinstance(op, tile.ReduceScatterOp)]
    assert reduce_scatter.combiner.data == "add"
    assert reduce_scatter.copies() == 2


@pytest.mark.parametrize("sign", [1.0, -1.0], ids=["any-rows", "negative-rows"])
def test_split_max_reduction_combines_by_max(sign: float):
    """Rows of negative values too: every copy of a partial max must start below them
    (at -inf), not at 0."""
    module = parse(reduce_rows(24, 40, "max"))
    run = Run(module)
    if sign < 0:
        run.inputs = [-np.abs(array) - 1.0 for array in run.inputs]
        run.expected = run_reference(function_of(module), run.inputs)
        assert all((expected < 0).all() for expected in run.expected)
    PartitionPass(chip="small-16").apply(CTX, module)
    SelectPlansPass(chip="small-16").apply(CTX, module)

    def split_reduction(op: Operation, plans: Sequence[OpPlanAttr]) -> tuple[OpPlanAttr, list[int]]:
        if op.name == "linalg.fill":
            return plans[0], []
        (chosen,) = [plan for plan in plans if plan.loop_factors()[1] > 1 and not rotates(plan)]
        return chosen, []

    force_plans(module, split_reduction)
    InsertShiftsPass().apply(CTX, module)
    LowerToTilePass().apply(CTX, module)
    program = program_of(module)
    combiners = [op.combiner.data for op in program.walk() if isinstance(op, tile.ReduceScatterOp)]
    assert combiners == ["max"]
    run.check(program, "small-16")


def test_multiple_results_and_fan_out():
    text = """
func.func @fan(%a: tensor<12x20xf32>, %b: tensor<20x16xf32>)
    -> (tensor<12x16xf32>, tensor<16x12xf32>, tensor<12x20xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<12x16xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<12x16xf32>) -> tensor<12x16xf32>
  %p = linalg.matmul ins(%a, %b : tensor<12x20xf32>, tensor<20x16xf32>)
                     outs(%c : tensor<12x16xf32>) -> tensor<12x16xf32>
  %et = tensor.empty() : tensor<16x12xf32>
  %t = linalg.transpose ins(%p : tensor<12x16xf32>) outs(%et : tensor<16x12xf32>)
                        permutation = [1, 0]
  func.return %p, %t, %a : tensor<12x16xf32>, tensor<16x12xf32>, tensor<12x20xf32>
}"""
    program = compile_and_check(text, "small-16")
    assert count(program, tile.HostGatherOp) == 2


def test_tiny_bert_layer_matches_reference():
    program = compile_and_check(TINY_BERT, "small-16")
    assert count(program, tile.RelayoutOp) > 0


def test_every_tile_op_of_a_schedule_names_its_operator():
    program = compile_and_check(matmul(32, 64, 48), "small-16", memory_fraction=0.05)
    for op in program.walk():
        if isinstance(op, tile.ComputeOp | tile.ExchangeOp | tile.AllocOp):
            assert op.attributes["t10.op"] == StringAttr("r")


# 2. Random shapes, random frontier plans ----------------------------------------

EXTENTS = st.one_of(st.sampled_from([1, 2, 3, 5, 7, 13, 17, 31, 37, 61, 64]), st.integers(1, 64))


@settings(max_examples=15, deadline=None, database=None)
@given(m=EXTENTS, k=EXTENTS, n=EXTENTS, data=st.data())
def test_matmul_any_shape_any_frontier_plan(m: int, k: int, n: int, data: st.DataObject):
    lower_drawn_plans(matmul(m, k, n), data)


@settings(max_examples=15, deadline=None, database=None)
@given(m=EXTENTS, n=EXTENTS, data=st.data())
def test_elementwise_any_shape_any_frontier_plan(m: int, n: int, data: st.DataObject):
    lower_drawn_plans(bias_relu(m, n), data)


@settings(max_examples=15, deadline=None, database=None)
@given(m=EXTENTS, n=EXTENTS, kind=st.sampled_from(sorted(REDUCTIONS)), data=st.data())
def test_reduction_any_shape_any_frontier_plan(m: int, n: int, kind: str, data: st.DataObject):
    lower_drawn_plans(reduce_rows(m, n, kind), data)


@settings(max_examples=10, deadline=None, database=None)
@given(
    batch=st.integers(1, 3),
    m=st.integers(1, 24),
    k=st.integers(1, 24),
    n=st.integers(1, 24),
    data=st.data(),
)
def test_batch_matmul_any_shape_any_frontier_plan(
    batch: int, m: int, k: int, n: int, data: st.DataObject
):
    lower_drawn_plans(batch_matmul(batch, m, k, n), data)


@settings(max_examples=10, deadline=None, database=None)
@given(
    batch=st.integers(1, 3),
    channels=st.integers(1, 6),
    filters=st.integers(1, 8),
    window=st.integers(1, 3),
    extra=st.integers(0, 7),
    data=st.data(),
)
def test_conv_any_shape_any_frontier_plan(
    batch: int, channels: int, filters: int, window: int, extra: int, data: st.DataObject
):
    # Convolution plans rotate the filter or the image round rings that often span
    # several grid axes (n and ow, say): the case plans with one ring axis never meet.
    lower_drawn_plans(conv(batch, channels, filters, window + extra, window), data)


@settings(max_examples=10, deadline=None, database=None)
@given(batch=st.integers(1, 3), seq=st.integers(1, 40), data=st.data())
def test_loop_indices_any_shape_any_frontier_plan(batch: int, seq: int, data: st.DataObject):
    lower_drawn_plans(causal_mask(batch, seq), data)


@settings(max_examples=10, deadline=None, database=None)
@given(
    batch=st.integers(1, 4),
    rows=st.integers(1, 6),
    k=st.integers(1, 40),
    n=st.integers(1, 40),
    data=st.data(),
)
def test_pinned_access_any_shape_any_frontier_plan(
    batch: int, rows: int, k: int, n: int, data: st.DataObject
):
    row = data.draw(st.integers(0, rows - 1), label="row")
    lower_drawn_plans(pinned_row(batch, rows, k, n, row), data)


@settings(max_examples=10, deadline=None, database=None)
@given(
    batch=st.integers(1, 2),
    channels=st.integers(1, 4),
    filters=st.integers(1, 6),
    window=st.integers(1, 3),
    extra=st.integers(0, 5),
    pad=st.integers(0, 2),
    data=st.data(),
)
def test_padded_conv_any_shape_any_frontier_plan(
    batch: int, channels: int, filters: int, window: int, extra: int, pad: int, data: st.DataObject
):
    lower_drawn_plans(padded_conv(batch, channels, filters, window + extra, window, pad), data)


def test_every_frontier_plan_of_a_matmul_lowers_and_most_rotate():
    """The drawn-plan tests are not vacuous: every frontier plan of this matmul lowers and
    computes the product, and most rotate (their programs exchange)."""
    text = matmul(16, 64, 16)
    module = parse(text)
    PartitionPass(chip="small-16").apply(CTX, module)
    frontier = frontier_of(list(structured_ops(module))[-1])
    exchanges: list[int] = []
    for index in range(len(frontier)):
        module = parse(text)
        run = Run(module)
        PartitionPass(chip="small-16").apply(CTX, module)
        SelectPlansPass(chip="small-16").apply(CTX, module)

        def take(
            op: Operation, plans: Sequence[OpPlanAttr], index: int = index
        ) -> tuple[OpPlanAttr, list[int]]:
            plan = plans[index] if op.name == "linalg.matmul" else plans[0]
            return plan, stepped_loops(plan)

        force_plans(module, take)
        InsertShiftsPass().apply(CTX, module)
        LowerToTilePass().apply(CTX, module)
        program = program_of(module)
        run.check(program, "small-16")
        exchanges.append(count(program, tile.ExchangeOp))
    assert exchanges == [15, 6, 3, 0, 1, 0]


# 3. The SRAM allocator -----------------------------------------------------------


def live_ranges(program: tile.ProgramOp) -> list[tuple[tile.AllocOp, int, int]]:
    """Every buffer with the positions of its alloc and of its last use in the program (the
    program's end for a resident one)."""
    ops = list(program.body.block.ops)
    position = {op: index for index, op in enumerate(ops)}
    return [
        (
            op,
            position[op],
            len(ops)
            if op.is_resident()
            else max(position[use.operation] for use in op.buffer.uses),
        )
        for op in ops
        if isinstance(op, tile.AllocOp)
    ]


def test_weights_stay_resident_to_the_end():
    # Each weight is written once, first, into a resident buffer in its idle layout; the
    # simulated peak holds every weight at once, even one whose last reader ran long before.
    program = compile_and_check(TINY_BERT, "small-16")
    ops = list(program.body.block.ops)
    function = function_of(parse(TINY_BERT))
    weights = [argument for argument in function.body.block.args if is_weight(argument)]
    assert weights
    resident = [op for op in ops if isinstance(op, tile.AllocOp) and op.is_resident()]
    written = [
        op.dest for op in ops if isinstance(op, tile.HostWriteOp) and op.dest.owner in resident
    ]
    assert len(resident) == len(written) == len(weights)
    first_compute = next(index for index, op in enumerate(ops) if isinstance(op, tile.ComputeOp))
    assert all(ops.index(op) < first_compute for op in resident)
    weight_bytes = sum(op.end_bytes() - op.offset_bytes() for op in resident)
    result = simulate(program, load_chip("small-16"), random_inputs(function, 0))
    assert result.peak_bytes_per_core >= weight_bytes
    others = [op for op in ops if isinstance(op, tile.AllocOp) and not op.is_resident()]
    assert not any(weight.sram_overlaps(other) for weight in resident for other in others)


def test_allocator_reuses_bytes_of_dead_buffers():
    program = compile_and_check(TINY_BERT, "small-16")
    ranges = live_ranges(program)
    shared = [
        (first, second)
        for index, (first, first_start, first_end) in enumerate(ranges)
        for second, second_start, second_end in ranges[index + 1 :]
        if first.sram_overlaps(second) and (first_end < second_start or second_end < first_start)
    ]
    clashing = [
        (first, second)
        for index, (first, first_start, first_end) in enumerate(ranges)
        for second, second_start, second_end in ranges[index + 1 :]
        if first.sram_overlaps(second) and first_start <= second_end and second_start <= first_end
    ]
    assert shared, "some buffers never live together share bytes"
    assert not clashing
    total = sum(op.end_bytes() - op.offset_bytes() for op, _, _ in ranges)
    assert max(op.end_bytes() for op, _, _ in ranges) < total
    assert all(op.offset_bytes() % tile.SRAM_ALIGNMENT_BYTES == 0 for op, _, _ in ranges)


@pytest.mark.parametrize("pipeline", ["t10", "replicate", "vgm"])
def test_plan_selection_peak_bounds_the_bytes_the_program_holds_at_once(pipeline: str):
    # The NeRF MLP reads its input again at the skip connection: the program holds no copy
    # of it between its two readers, as plan selection's memory rule counts none. (Buffers
    # start 8-byte aligned; the memory rule counts no padding.)
    module = parse((EXAMPLES / "nerf_mlp.mlir").read_text())
    CompilePass(chip="ipu-mk2", to_tile=False, pipeline=pipeline).apply(CTX, module)
    selection = function_of(module).attributes[SELECTION_ATTR]
    assert isinstance(selection, DictionaryAttr)
    planned_peak = selection.data["peak_bytes_per_core"]
    assert isinstance(planned_peak, IntegerAttr)
    LowerToTilePass().apply(CTX, module)
    ranges = tile.buffer_live_ranges(program_of(module))
    held = live_bytes_peak(
        np.array([live.alloc.end_bytes() - live.alloc.offset_bytes() for live in ranges]),
        np.array([live.first for live in ranges]),
        np.array([live.last for live in ranges]),
    )
    assert 0.8 * planned_peak.value.data <= held.peak <= planned_peak.value.data


def test_simulator_rejects_the_allocation_once_two_live_buffers_collide():
    """The simulator's overlap check that the allocator passes is a real check."""
    module = parse(TINY_BERT)
    run = Run(module)
    CompilePass(chip="small-16").apply(CTX, module)
    program = program_of(module)
    ranges = live_ranges(program)
    first, second = next(
        (first, second)
        for index, (first, first_start, first_end) in enumerate(ranges)
        for second, second_start, second_end in ranges[index + 1 :]
        if first_start <= second_end and second_start <= first_end
    )
    second.properties["offset"] = first.offset
    with pytest.raises(SimulationError, match="overlaps"):
        run.check(program, "small-16")


# 4. Placements -------------------------------------------------------------------


def test_place_of_a_window_map_spans_the_halo():
    # Output positions 0..3 of a core and window positions 0..2 read inputs 0..5.
    window = AffineMap(2, 0, (AffineExpr.dimension(0) + AffineExpr.dimension(1),))
    place = tile.PlaceAttr(window, [8, 3], [2, 1])
    assert place.buffer_shape() == (6,)
    origin, extents = place.tensor_boxes()
    assert origin.tolist() == [[0], [4]] and extents.tolist() == [[6], [6]]


# Known bugs ---------------------------------------------------------------------


def test_plans_rotating_one_operand_on_two_loops_lower():
    # Only the frontier's smallest plan fits: 1x1x16 with C rotating on m (rings of 2) and
    # on n (rings of 8), both round the 16 cores of the k axis.
    compile_and_check(matmul(32, 64, 48), "small-16", memory_fraction=0.035)


def test_operands_rotating_on_one_loop_with_different_factors_meet_slice_for_slice():
    """On k, A is cut into 4 pieces and B into 2 (a divisibility chain): the schedule takes
    4 steps, B holds 2 consecutive step slices and rotates by 2 slices a time round rings
    of 2 (stride 2), A by 1 round rings of 4; every step must bring matching slices
    together, or the product is wrong."""
    text = matmul(16, 64, 16)
    module = parse(text)
    run = Run(module)
    PartitionPass(chip="small-16").apply(CTX, module)
    SelectPlansPass(chip="small-16").apply(CTX, module)
    plan = OpPlanAttr([4, 4, 1], [[1, 1, 4], [1, 1, 2], [1, 1, 1]])
    force_plans(module, lambda op, plans: (plan, [2]))
    InsertShiftsPass().apply(CTX, module)
    LowerToTilePass().apply(CTX, module)
    program = program_of(module)
    steps = [op.steps for op in program.walk() if isinstance(op, tile.ComputeOp) and op.steps]
    assert [place.step_offsets()[2] for place in steps] == [0, 1, 2, 3]
    run.check(program, "small-16")


def test_conv_ring_across_two_grid_axes_lowers():
    compile_and_check(conv(2, 4, 8, 10, 3), "small-16", memory_fraction=0.0135)


@pytest.mark.parametrize(
    "text",
    [
        reduce_rows(24, 40, "sum", init="1.0"),
        """
func.func @matmul_accumulate(%a: tensor<16x64xf32>, %b: tensor<64x16xf32>,
                             %c: tensor<16x16xf32>) -> tensor<16x16xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<16x64xf32>, tensor<64x16xf32>)
                     outs(%c : tensor<16x16xf32>) -> tensor<16x16xf32>
  func.return %r : tensor<16x16xf32>
}""",
    ],
    ids=["sum_from_one", "c_plus_a_times_b"],
)
def test_split_reduction_counts_its_initial_value_once(text: str):
    compile_and_check(text, "small-16")


def test_function_declarations_are_left_alone():
    module = parse(
        "func.func private @external(tensor<8x8xf32>) -> tensor<8x8xf32>\n" + bias_relu(8, 8)
    )
    CompilePass(chip="small-16").apply(CTX, module)
    ops = list(module.body.block.ops)
    assert isinstance(ops[0], func.FuncOp) and ops[0].sym_name.data == "external"
    assert isinstance(ops[1], tile.ProgramOp) and len(ops) == 2


def test_compute_on_a_qualified_place_parses():
    """The placement after `on` is the compute's steps, and prints back as it was written."""
    module = parse(
        """
tile.program @p() cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x3xf32>
  tile.compute outs(%a : !tile.buffer<4x3xf32>)
      on #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]> {
  ^bb0(%out: tensor<4x3xf32>):
    %zero = arith.constant 0.000000e+00 : f32
    %zeros = linalg.fill ins(%zero : f32) outs(%out : tensor<4x3xf32>) -> tensor<4x3xf32>
    tile.yield %zeros : tensor<4x3xf32>
  }
  tile.return
}"""
    )
    module.verify()
    (compute,) = [op for op in module.walk() if isinstance(op, tile.ComputeOp)]
    assert compute.steps is not None and compute.cores is None
    assert compute.steps.loop_extents() == (8, 6)
    assert compute.steps.grid_shape() == (2, 2)
    assert compute.steps.step_counts() == (1, 1)
    assert str(compute.steps.map.data) == "(d0, d1) -> (d0, d1)"
    printed = str(module)
    assert "on #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]" in printed
    assert str(parse(printed)) == printed


def test_relayout_shape_reads_as_integers():
    module = parse(
        """
tile.program @p() cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x3xf32>
  %b = tile.alloc offset 48 : !tile.buffer<2x6xf32>
  tile.relayout %a by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]>]
      to %b by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [4, 1]>]
      of [8, 6] : !tile.buffer<4x3xf32> to !tile.buffer<2x6xf32>
  tile.return
}"""
    )
    assert " of [8, 6] " in str(module)


@pytest.mark.parametrize(
    "result",
    [-AffineExpr.dimension(0), AffineExpr.dimension(0) // 2, AffineExpr.dimension(0) % 3],
    ids=["negated", "floordiv", "mod"],
)
def test_place_rejects_maps_that_are_not_boxes(result: AffineExpr):
    with pytest.raises(VerifyException):
        tile.PlaceAttr(AffineMap(1, 0, (result,)), [8], [2])


def test_place_rejects_maps_with_symbols():
    with pytest.raises(VerifyException):
        tile.PlaceAttr(AffineMap(1, 1, (AffineExpr.dimension(0) + AffineExpr.symbol(0),)), [8], [2])


def test_host_write_by_place_checks_element_types():
    module = parse(
        """
tile.program @p(%x: tensor<8xf16>) cores 2 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4xf32>
  tile.host_write %x to %a by #tile.place<map = (d0) -> (d0), extents = [8], grid = [2]>
      : tensor<8xf16> to !tile.buffer<4xf32>
  tile.return
}"""
    )
    with pytest.raises(VerifyException, match="element type"):
        module.verify()


def test_host_gather_after_compute_needs_a_sync():
    module = parse(
        """
tile.program @p() -> tensor<8xf32> cores 2 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4xf32>
  tile.compute outs(%a : !tile.buffer<4xf32>) {
  ^bb0(%out: tensor<4xf32>):
    tile.yield %out : tensor<4xf32>
  }
  %y = tile.host_gather %a by [#tile.place<map = (d0) -> (d0), extents = [8], grid = [2]>]
      : !tile.buffer<4xf32> to tensor<8xf32>
  tile.return %y : tensor<8xf32>
}"""
    )
    with pytest.raises(VerifyException, match="bulk-synchronous order"):
        module.verify()


def test_uneven_chunk_of_a_step_slice_stays_in_its_slice():
    # m = 4 in 4 steps of one row; the row's two copies (k axis) take chunks of one row:
    # the second chunk is empty, not row 1 (which belongs to step 1).
    rows = AffineMap.from_callable(lambda m, n, k: (m, n))
    place = tile.PlaceAttr(rows, [4, 1, 2], [1, 1, 2], [4, 1, 1], None, None, [2, 1, 1])
    _, valid = place.loop_boxes()
    assert valid[:, 0].tolist() == [1, 0]


def test_reduce_scatter_of_step_slices_matches_reference():
    # The smallest plan, 1x5x3 with A rotating on m: C is held as 5 one-row step slices,
    # each the sum of 3 copies (k axis) cut into chunks of one row.
    program = compile_and_check(matmul(5, 7, 5), "small-16", memory_fraction=0.001)
    (reduce_scatter,) = [op for op in program.walk() if isinstance(op, tile.ReduceScatterOp)]
    assert len(reduce_scatter.sources) == 5
    assert reduce_scatter.copies() == 3


def test_reduce_scatter_of_step_slices_shares_its_rounds():
    # Five step slices, three copies each: two rounds in all, each two syncs, one exchange
    # of a chunk of every slice and one add launch, not two rounds per slice.
    module = parse(matmul(5, 7, 5))
    run = Run(module)
    CompilePass(chip="small-16", memory_fraction=0.001).apply(CTX, module)
    program = program_of(module)
    run.check(program, "small-16")
    chip = load_chip("small-16")
    trace = simulate(program, chip, run.inputs).trace
    phases = [phase for phase in trace if "reduce_scatter" in phase.label]
    assert [phase.kind for phase in phases] == ["sync", "sync", "exchange", "compute"] * 2
    chunks = [
        dest.type.byte_size()
        for op in program.walk()
        if isinstance(op, tile.ReduceScatterOp)
        for dest in op.dests
        if isinstance(dest.type, tile.BufferType)
    ]
    exchange = next(phase for phase in phases if phase.kind == "exchange")
    assert exchange.cycles == pytest.approx(
        chip.exchange.cycles_per_byte * sum(chunks) + chip.exchange.phase_overhead_cycles
    )


def test_planned_fill_of_step_slices_is_what_the_simulator_runs():
    # The output's five step slices are each filled (a copy kernel each) before the first
    # step: the planner's initialisation cycles are those fills' simulated cycles.
    module = parse(matmul(5, 7, 5))
    run = Run(module)
    CompilePass(chip="small-16", memory_fraction=0.001, to_tile=False).apply(CTX, module)
    (plan_cost,) = [
        op.attributes["t10.plan_cost"] for op in module.walk() if "t10.plan_cost" in op.attributes
    ]
    assert isinstance(plan_cost, DictionaryAttr)
    planned = plan_cost.data["initialisation_cycles"]
    assert isinstance(planned, IntegerAttr)
    module = parse(matmul(5, 7, 5))
    CompilePass(chip="small-16", memory_fraction=0.001).apply(CTX, module)
    trace = simulate(program_of(module), load_chip("small-16"), run.inputs).trace
    computes = [phase for phase in trace if phase.kind == "compute"]
    assert computes[0].label == ", ".join(["linalg.fill"] * 5 + ["linalg.matmul"])
    assert computes[1].label == "linalg.matmul"
    fills = computes[0].cycles - computes[1].cycles
    assert planned.value.data == math.ceil(fills)


# Plans with idle cores -----------------------------------------------------------


def idle_cores_along(extents: Sequence[int], op_factors: Sequence[int]) -> list[int]:
    """Per loop, how many of its parts are entirely padding."""
    return [
        factor - math.ceil(extent / math.ceil(extent / factor))
        for factor, extent in zip(op_factors, extents, strict=True)
    ]


def test_smallest_plan_with_an_idle_core_passes_rotating_pieces_on():
    """The 24x45x24 matmul's smallest plan on small-16 splits k = 45 over all 16 cores in
    pieces of 3: core 15's range (45..47) is all padding. It computes nothing, but C's partial
    sums rotate round the ring of all 16 cores, so core 15 receives and sends them like every
    other core, and the product matches the reference."""
    module = parse(matmul(24, 45, 24))
    run = Run(module)
    PartitionPass(chip="small-16").apply(CTX, module)
    SelectPlansPass(chip="small-16").apply(CTX, module)

    def smallest(op: Operation, plans: Sequence[OpPlanAttr]) -> tuple[OpPlanAttr, list[int]]:
        return plans[0], stepped_loops(plans[0])

    (_, plan) = force_plans(module, smallest)
    assert plan.loop_factors() == (1, 1, 16)
    assert idle_cores_along((24, 24, 45), plan.loop_factors()) == [0, 0, 1]
    InsertShiftsPass().apply(CTX, module)
    LowerToTilePass().apply(CTX, module)
    module.verify()
    program = program_of(module)
    run.check(program, "small-16")
    transfers = np.concatenate(
        [op.transfers() for op in program.walk() if isinstance(op, tile.ExchangeOp)]
    )
    assert 15 in transfers[:, 0] and 15 in transfers[:, 1]
    assert count(program, tile.ReduceScatterOp) == 0


@pytest.mark.parametrize(
    ("text", "plan", "loop_order"),
    [
        # C's partial sums: 16 copies over k, cut into 8 rotating pieces, 2 left to combine.
        (matmul(24, 45, 24), OpPlanAttr([1, 1, 16], [[1, 1, 1], [1, 1, 1], [2, 4, 1]]), [0, 1]),
        (reduce_rows(16, 45, "max"), OpPlanAttr([1, 16], [[1, 1], [1, 1]]), []),
        (reduce_rows(16, 45, "sum", init="1.0"), OpPlanAttr([1, 16], [[1, 1], [2, 1]]), [0]),
    ],
    ids=["matmul-2-copies", "max-16-copies", "sum-from-one-8-copies"],
)
def test_reduce_scatter_over_an_idle_core_matches_reference(
    text: str, plan: OpPlanAttr, loop_order: list[int]
):
    """The core whose reduction range is all padding holds a partial of the identity (-inf for
    max; 0 for a sum, whose initial value is counted once): the combined result is exact."""
    module = parse(text)
    run = Run(module)
    if "max" in text:
        run.inputs = [-np.abs(array) - 1.0 for array in run.inputs]
        run.expected = run_reference(function_of(module), run.inputs)
    PartitionPass(chip="small-16").apply(CTX, module)
    SelectPlansPass(chip="small-16").apply(CTX, module)

    def forced(op: Operation, plans: Sequence[OpPlanAttr]) -> tuple[OpPlanAttr, list[int]]:
        if op.name == "linalg.fill":
            return plans[0], []
        return plan, loop_order

    force_plans(module, forced)
    InsertShiftsPass().apply(CTX, module)
    LowerToTilePass().apply(CTX, module)
    module.verify()
    program = program_of(module)
    assert count(program, tile.ReduceScatterOp) == 1
    run.check(program, "small-16")
