"""``t10-select-plans``: the memory rule, the min-sum choice, relayout prices, diagnostics."""

import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from preset_rates import (
    COPY_CYCLES_PER_BYTE,
    COPY_LAUNCH_CYCLES,
    EXCHANGE_CYCLES_PER_BYTE,
    PHASE_OVERHEAD_CYCLES,
)
from xdsl.dialects.builtin import DictionaryAttr, IntegerAttr, ModuleOp, StringAttr
from xdsl.dialects.func import FuncOp
from xdsl.utils.exceptions import PassFailedException

from t10.dialects.rtensor import OpPlanAttr
from t10.hwmodel.chip import load_chip
from t10.passes.iteration_space import iteration_space
from t10.passes.model_graph import ModelGraph, Use, idle_grid, is_initialiser
from t10.passes.partition import PartitionPass
from t10.passes.relayout import grid_placement, operand_placement, relayout_cycles
from t10.passes.select_plans import (
    CHIP_ATTR,
    PLAN_ATTR,
    PLAN_COST_ATTR,
    SELECTION_ATTR,
    Problem,
    SelectPlansPass,
    build_problem,
    select,
)
from t10.tools.t10_opt import LocatingParser, T10OptMain

CTX = T10OptMain(args=[]).ctx
EXAMPLES = Path(__file__).parent.parent / "examples"

MLP = """
#rows = affine_map<(d0, d1) -> (d0, d1)>
#bias = affine_map<(d0, d1) -> (d1)>
func.func @mlp(%x: tensor<16x128xf16>, %w1: tensor<128x128xf16> {t10.weight},
               %b1: tensor<128xf16> {t10.weight},
               %w2: tensor<128x128xf16> {t10.weight}) -> tensor<16x128xf16> {
  %zero = arith.constant 0.0 : f16
  %e = tensor.empty() : tensor<16x128xf16>
  %acc1 = linalg.fill ins(%zero : f16) outs(%e : tensor<16x128xf16>) -> tensor<16x128xf16>
  %h = linalg.matmul ins(%x, %w1 : tensor<16x128xf16>, tensor<128x128xf16>)
                     outs(%acc1 : tensor<16x128xf16>) -> tensor<16x128xf16>
  %hb = linalg.generic {indexing_maps = [#rows, #bias, #rows],
                        iterator_types = ["parallel", "parallel"]}
      ins(%h, %b1 : tensor<16x128xf16>, tensor<128xf16>) outs(%e : tensor<16x128xf16>) {
  ^bb0(%v: f16, %b: f16, %out: f16):
    %s = arith.addf %v, %b : f16
    %r = arith.maximumf %s, %zero : f16
    linalg.yield %r : f16
  } -> tensor<16x128xf16>
  %acc2 = linalg.fill ins(%zero : f16) outs(%e : tensor<16x128xf16>) -> tensor<16x128xf16>
  %y = linalg.matmul ins(%hb, %w2 : tensor<16x128xf16>, tensor<128x128xf16>)
                     outs(%acc2 : tensor<16x128xf16>) -> tensor<16x128xf16>
  %sum = linalg.generic {indexing_maps = [#rows, #rows, #rows],
                         iterator_types = ["parallel", "parallel"]}
      ins(%y, %h : tensor<16x128xf16>, tensor<16x128xf16>) outs(%e : tensor<16x128xf16>) {
  ^bb0(%v: f16, %w: f16, %out: f16):
    %s = arith.addf %v, %w : f16
    linalg.yield %s : f16
  } -> tensor<16x128xf16>
  func.return %sum : tensor<16x128xf16>
}
"""


def _partitioned(text: str, chip: str = "small-16") -> ModuleOp:
    module = LocatingParser(CTX, text, "test.mlir").parse_module()
    PartitionPass(chip=chip).apply(CTX, module)
    return module


def _function(module: ModuleOp) -> FuncOp:
    return next(op for op in module.walk() if isinstance(op, FuncOp))


def test_model_graph_initialisers_and_parking():
    graph = ModelGraph.build(_function(_partitioned(MLP)))
    names = [op.name for op in graph.operators]
    assert names == ["linalg.matmul", "linalg.generic", "linalg.matmul", "linalg.generic"]
    fills = [op for op in _function(_partitioned(MLP)).walk() if op.name == "linalg.fill"]
    assert fills and all(is_initialiser(fill) for fill in fills)
    arguments = graph.function.body.block.args
    # Weights are parked for the whole run; %x is an activation from the host.
    assert graph.is_parked(arguments[1]) and not graph.is_parked(arguments[0])
    assert graph.resident_span(arguments[1]) == range(4)
    # %h waits in its idle layout while the bias and the second matmul run.
    parked = [graph.is_parked(op.results[0]) for op in graph.operators]
    assert parked == [True, False, False, False]
    assert graph.resident_span(graph.operators[0].results[0]) == range(1, 3)
    assert sorted((u, v) for u, v, _ in graph.graph.edges) == [(0, 1), (0, 3), (1, 2), (2, 3)]


def test_park_all_parks_every_result_an_operator_reads():
    function = _function(_partitioned(MLP))
    graph = ModelGraph.build(function, park_all=True)
    results = [op.results[0] for op in graph.operators]
    # The last result goes back to the host: no operator reads it.
    assert [graph.is_parked(result) for result in results] == [True, True, True, False]
    assert graph.reads_idle_copy(results[0], Use(1, 0))
    assert graph.resident_span(results[1]) == range(2, 2)
    # The pass records the policy on the function, where t10-insert-shifts reads it.
    module = _partitioned(MLP)
    SelectPlansPass(chip="small-16", park_all=True).apply(CTX, module)
    assert ModelGraph.build(_function(module)).park_all
    assert not ModelGraph.build(_function(_partitioned(MLP))).park_all


@pytest.mark.parametrize(
    ("shape", "cores"), [((768, 12, 64), 1472), ((1024,), 16), ((5, 7), 16), ((3,), 16)]
)
def test_idle_grid_is_the_smallest_piece(shape: tuple[int, ...], cores: int):
    grid = idle_grid(shape, cores)
    assert np.prod(grid) <= cores

    def piece(parts: tuple[int, ...]) -> int:
        return int(np.prod([-(-extent // part) for extent, part in zip(shape, parts, strict=True)]))

    every = itertools.product(*(range(1, min(extent, cores) + 1) for extent in shape))
    smallest = min(piece(parts) for parts in every if np.prod(parts) <= cores)
    assert piece(grid) == smallest


def test_relayout_between_equal_placements_is_free_and_otherwise_not():
    chip = load_chip("small-16")
    rows = grid_placement((16, 1), (64, 32), chip.cores)
    columns = grid_placement((1, 16), (64, 32), chip.cores)
    cycles = relayout_cycles(chip, 2, [rows, columns], [rows, columns])
    assert cycles[0, 0] == 0 and cycles[1, 1] == 0
    # Rows to columns: each core keeps 4x2 of its 64x2 column (copied into its new buffer:
    # 16 bytes at 0.125 a byte, + 300) and receives the rest, in a phase with its fixed
    # overhead (100). The sync in front of an operator's relayouts is charged per
    # operator, not here.
    received = (64 * 2 - 4 * 2) * 2
    kept = 4 * 2 * 2
    expected = (
        received * EXCHANGE_CYCLES_PER_BYTE
        + kept * COPY_CYCLES_PER_BYTE
        + COPY_LAUNCH_CYCLES
        + PHASE_OVERHEAD_CYCLES
    )
    assert cycles[0, 1] == pytest.approx(expected)
    assert cycles[1, 0] == pytest.approx(expected)


def test_result_placement_holds_no_replica():
    module = _partitioned(MLP)
    matmul = ModelGraph.build(_function(module)).operators[0]
    space = iteration_space(matmul)
    # loops (m, n, k) = (16, 128, 128) split 1x4x4: the output is replicated over k.
    placement = operand_placement(space, 2, (1, 4, 4), (1, 1, 1), 16)
    assert placement.pieces == 4
    assert placement.held_elements().sum() == 16 * 128


def _chosen_plans(module: ModuleOp) -> list[OpPlanAttr]:
    plans: list[OpPlanAttr] = []
    for op in module.walk():
        plan = op.attributes.get(PLAN_ATTR)
        if isinstance(plan, OpPlanAttr):
            plans.append(plan)
    return plans


def _cost(op_attributes: DictionaryAttr, key: str) -> int:
    value = op_attributes.data[key]
    assert isinstance(value, IntegerAttr)
    return value.value.data


@pytest.mark.parametrize("memory_fraction", [1.0, 0.12, 0.11])
def test_choice_respects_memory_and_is_no_slower_than_fastest_fitting(memory_fraction: float):
    chip = load_chip("small-16")
    graph = ModelGraph.build(_function(_partitioned(MLP)))
    selection = select(graph, chip, memory_fraction)
    usable = int(chip.sram_bytes * memory_fraction)
    for operator, plan in zip(selection.operators, selection.plans, strict=True):
        assert operator.resident_bytes + plan.bytes_per_core <= usable
    assert selection.peak_bytes_per_core <= usable
    # The lower bound: every operator at its fastest plan, memory unlimited, relayouts free.
    assert selection.operator_cycles >= selection.fastest_cycles
    operators, problem = build_problem(graph, chip, memory_fraction)
    fastest_fitting = [operator.feasible - 1 for operator in operators]
    assert problem.total(selection.chosen) <= problem.total(fastest_fitting)
    # The min-sum problem leaves out the one sync per gap between operators in which data
    # moves: a constant per operator, which changes no choice.
    assert set(selection.sync_cycles) <= {0, chip.sync.cycles}
    assert selection.sync_cycles[0] == 0
    # Every priced term (an operator, an operand's relayout, a parking) is rounded up.
    terms = len(operators) + len(problem.operand_relayouts) + len(problem.parking)
    assert selection.cycles == pytest.approx(
        problem.total(selection.chosen) + sum(selection.sync_cycles), abs=terms
    )


def test_memory_forces_slower_plans():
    chip = load_chip("small-16")
    graph = ModelGraph.build(_function(_partitioned(MLP)))
    roomy = select(graph, chip, 1.0)
    tight = select(graph, chip, 0.11)
    assert tight.peak_bytes_per_core < roomy.peak_bytes_per_core
    assert tight.operator_cycles > roomy.operator_cycles


def test_each_alone_takes_every_operator_fastest_plan_within_its_cap():
    chip = load_chip("small-16")
    graph = ModelGraph.build(_function(_partitioned(MLP)))
    alone = select(graph, chip, 1.0, operator_fraction=0.05, each_alone=True)
    cap = int(chip.sram_bytes * 0.05)
    for operator, choice in zip(alone.operators, alone.chosen, strict=True):
        fitting = [plan for plan in operator.plans if plan.bytes_per_core <= cap]
        assert operator.plans[choice] == min(fitting, key=lambda plan: plan.cycles)
    # Choosing for the whole function under the same cap is never slower.
    whole = select(graph, chip, 1.0, operator_fraction=0.05)
    assert whole.cycles <= alone.cycles


def test_operator_cap_too_small_is_named():
    module = _partitioned(MLP)
    with pytest.raises(PassFailedException) as error:
        SelectPlansPass(chip="small-16", operator_fraction=0.001).apply(CTX, module)
    message = str(error.value)
    assert "(65536 bytes of SRAM per core, at most 65 per operator)" in message
    assert (
        "test.mlir:10:3: note: linalg.matmul's smallest plan takes 2816 bytes per core, "
        "more than the 65 an operator may use" in message
    )


def test_pass_annotates_operators_function_and_module():
    module = _partitioned(MLP)
    SelectPlansPass(chip="small-16").apply(CTX, module)
    module.verify()
    assert module.attributes[CHIP_ATTR] == StringAttr("small-16")
    function = _function(module)
    totals = function.attributes[SELECTION_ATTR]
    assert isinstance(totals, DictionaryAttr)
    operators = ModelGraph.build(function).operators
    assert len(_chosen_plans(module)) == len(operators)
    op_cycles = 0
    for op in operators:
        cost = op.attributes[PLAN_COST_ATTR]
        assert isinstance(cost, DictionaryAttr)
        assert _cost(cost, "bytes_per_core") <= _cost(cost, "budget_bytes")
        op_cycles += _cost(cost, "cycles") + _cost(cost, "initialisation_cycles")
    assert _cost(totals, "operator_cycles") == op_cycles


def test_model_that_cannot_fit_names_every_operator_and_leaves_ir_alone():
    module = _partitioned(MLP)
    before = str(module)
    with pytest.raises(PassFailedException) as error:
        SelectPlansPass(chip="small-16", memory_fraction=0.001).apply(CTX, module)
    message = str(error.value)
    assert "the model does not fit small-16: 4 of 4 operators" in message
    assert message.count("needs at least") == 4
    assert "test.mlir:" in message
    assert str(module) == before


def test_missing_frontier_is_a_located_error():
    module = LocatingParser(CTX, MLP, "test.mlir").parse_module()
    with pytest.raises(PassFailedException, match=r"test.mlir:\d+:\d+: error: .*run t10-partition"):
        SelectPlansPass(chip="small-16").apply(CTX, module)


def _random_problem(rng: np.random.Generator, sizes: list[int], edges: list[tuple[int, int]]):
    unary = [rng.uniform(0, 100, size) for size in sizes]
    problem = Problem(unary, [np.zeros(size) for size in sizes])
    for producer, consumer in edges:
        problem.pairwise[(producer, consumer)] = rng.uniform(
            0, 60, (sizes[producer], sizes[consumer])
        )
    return problem


def _brute_force(problem: Problem) -> float:
    ranges = [range(len(costs)) for costs in problem.unary]
    return min(problem.total(choice) for choice in itertools.product(*ranges))


@pytest.mark.parametrize("seed", range(20))
def test_forest_solution_is_exact_on_chains_and_trees(seed: int):
    rng = np.random.default_rng(seed)
    sizes = [int(size) for size in rng.integers(1, 5, 6)]
    # Each node's producer is an earlier one: a forest, solved exactly.
    edges = [(int(rng.integers(0, node)), node) for node in range(1, 6) if rng.random() < 0.8]
    problem = _random_problem(rng, sizes, edges)
    assert problem.total(problem.solve_forest()) == pytest.approx(_brute_force(problem))


@pytest.mark.parametrize("seed", range(20))
def test_descent_never_worsens_a_start(seed: int):
    rng = np.random.default_rng(100 + seed)
    sizes = [int(size) for size in rng.integers(1, 5, 6)]
    edges = [(a, b) for a in range(6) for b in range(a + 1, 6) if rng.random() < 0.4]
    problem = _random_problem(rng, sizes, edges)
    start = [int(rng.integers(0, size)) for size in sizes]
    descended = problem.descend(start)
    assert problem.total(descended) <= problem.total(start)
    # Where descent stops, no operator alone has a cheaper plan given its neighbours'.
    for node, size in enumerate(sizes):
        for plan in range(size):
            moved = [*descended[:node], plan, *descended[node + 1 :]]
            assert problem.total(moved) >= problem.total(descended) - 1e-9
    forest = problem.solve_forest()
    assert problem.total(problem.descend(forest)) <= problem.total(forest)


def _t10_opt(*arguments: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "t10.tools.t10_opt", *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


def test_cli_failure_writes_nothing(tmp_path: Path):
    source = tmp_path / "mlp.mlir"
    source.write_text(MLP)
    output = tmp_path / "out.mlir"
    result = _t10_opt(
        str(source),
        "-p",
        "t10-partition{chip=small-16},t10-select-plans{chip=small-16 memory-fraction=0.001}",
        "-o",
        str(output),
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "does not fit small-16" in result.stderr
    assert not output.exists()
