"""The plan search: frontier equals a brute-force Pareto set, plans verify, known figures;
price_plans re-prices given plans as the search does."""

import dataclasses
import itertools
import math
from collections.abc import Sequence

import numpy as np
import pytest
from numpy.typing import NDArray
from preset_rates import (
    ELEMENTWISE_CYCLES_PER_ELEMENT,
    ELEMENTWISE_LAUNCH_CYCLES,
    EXCHANGE_CYCLES_PER_BYTE,
    F16_MACS_PER_CYCLE,
    MESH_HOP_LATENCY_CYCLES,
    PHASE_OVERHEAD_CYCLES,
)
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.parser import Parser
from xdsl.utils.exceptions import VerifyException

from t10.dialects.linalg_ext import SoftmaxOp
from t10.dialects.rtensor import OpPlanAttr, check_plan
from t10.hwmodel import cost
from t10.hwmodel.chip import (
    Chip,
    CopyRate,
    MatmulCallOverhead,
    MatmulRate,
    StreamRate,
    load_chip,
)
from t10.passes.iteration_space import IterationSpace, OpClass, PlanningError, iteration_space
from t10.passes.plan_search import (
    MIN_CORE_FRACTION,
    Plan,
    _Candidates,  # pyright: ignore[reportPrivateUsage]
    _compute_cycles,  # pyright: ignore[reportPrivateUsage]
    _compute_lower_bound,  # pyright: ignore[reportPrivateUsage]
    _priced_plan,  # pyright: ignore[reportPrivateUsage]
    enumerate_candidates,
    evaluate,
    matmul_call_polynomial,
    pareto_indices,
    price_plans,
    search_plans,
)
from t10.tools.t10_opt import T10OptMain

CONTEXT = T10OptMain(args=[]).ctx


def parse_op(body: str, operands: dict[str, str]) -> LinalgStructuredOperation | SoftmaxOp:
    values = "\n".join(f'%{name} = "test.op"() : () -> {kind}' for name, kind in operands.items())
    module = Parser(CONTEXT, f"{values}\n{body}").parse_module()
    return next(op for op in module.walk() if isinstance(op, LinalgStructuredOperation | SoftmaxOp))


def matmul(m: int, k: int, n: int, dtype: str = "f16") -> IterationSpace:
    a, b, c = f"tensor<{m}x{k}x{dtype}>", f"tensor<{k}x{n}x{dtype}>", f"tensor<{m}x{n}x{dtype}>"
    return iteration_space(
        parse_op(
            f"%r = linalg.matmul ins(%a, %b : {a}, {b}) outs(%c : {c}) -> {c}",
            {"a": a, "b": b, "c": c},
        )
    )


def batch_matmul(batch: int, m: int, k: int, n: int) -> IterationSpace:
    a = f"tensor<{batch}x{m}x{k}xf32>"
    b = f"tensor<{batch}x{k}x{n}xf32>"
    c = f"tensor<{batch}x{m}x{n}xf32>"
    return iteration_space(
        parse_op(
            f"%r = linalg.batch_matmul ins(%a, %b : {a}, {b}) outs(%c : {c}) -> {c}",
            {"a": a, "b": b, "c": c},
        )
    )


def conv(n: int, c: int, hw: int, f: int, khw: int) -> IterationSpace:
    out = hw - khw + 1
    i, w, o = (
        f"tensor<{n}x{c}x{hw}x{hw}xf16>",
        f"tensor<{f}x{c}x{khw}x{khw}xf16>",
        (f"tensor<{n}x{f}x{out}x{out}xf16>"),
    )
    return iteration_space(
        parse_op(
            "%r = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = "
            f"dense<1> : tensor<2xi64>}} ins(%i, %w : {i}, {w}) outs(%o : {o}) -> {o}",
            {"i": i, "w": w, "o": o},
        )
    )


def contraction(loops: dict[str, int], lhs: str, rhs: str, out: str) -> IterationSpace:
    """``out[out] = sum lhs[lhs] * rhs[rhs]`` as a ``linalg.generic``, each letter a loop."""
    loop_list = ", ".join(loops)
    maps = ", ".join(
        f"affine_map<({loop_list}) -> ({', '.join(indices)})>" for indices in (lhs, rhs, out)
    )
    iterators = ", ".join('"parallel"' if loop in out else '"reduction"' for loop in loops)
    a, b, c = (
        f"tensor<{'x'.join(str(loops[loop]) for loop in indices)}xf16>"
        for indices in (lhs, rhs, out)
    )
    return iteration_space(
        parse_op(
            f"%r = linalg.generic {{indexing_maps = [{maps}], iterator_types = [{iterators}]}} "
            f"ins(%a, %b : {a}, {b}) outs(%c : {c}) {{\n"
            "^bb0(%x: f16, %y: f16, %z: f16):\n  %p = arith.mulf %x, %y : f16\n"
            f"  %s = arith.addf %z, %p : f16\n  linalg.yield %s : f16\n}} -> {c}",
            {"a": a, "b": b, "c": c},
        )
    )


def head_projection(b: int, h: int, s: int, d: int, e: int) -> IterationSpace:
    """BERT's Q/K/V projection into heads: out[b, h, s, d] = sum_e x[b, s, e] * w[e, h, d]."""
    return contraction({"b": b, "h": h, "s": s, "d": d, "e": e}, "bse", "ehd", "bhsd")


def merge_heads(b: int, s: int, o: int, h: int, d: int) -> IterationSpace:
    """BERT's output projection: out[b, s, o] = sum_{h, d} ctx[b, h, s, d] * w[h, d, o]."""
    return contraction({"b": b, "s": s, "o": o, "h": h, "d": d}, "bhsd", "hdo", "bso")


def add(rows: int, cols: int) -> IterationSpace:
    t = f"tensor<{rows}x{cols}xf16>"
    m = "affine_map<(d0, d1) -> (d0, d1)>"
    return iteration_space(
        parse_op(
            f"%r = linalg.generic {{indexing_maps = [{m}, {m}, {m}], iterator_types = "
            f'["parallel", "parallel"]}} ins(%a, %b : {t}, {t}) outs(%c : {t}) {{\n'
            "^bb0(%x: f16, %y: f16, %z: f16):\n  %s = arith.addf %x, %y : f16\n"
            f"  linalg.yield %s : f16\n}} -> {t}",
            {"a": t, "b": t, "c": t},
        )
    )


def softmax(rows: int, cols: int) -> IterationSpace:
    t = f"tensor<{rows}x{cols}xf32>"
    return iteration_space(
        parse_op(
            f"%r = linalg.softmax dimension(1) ins(%a : {t}) outs(%c : {t}) -> {t}",
            {"a": t, "c": t},
        )
    )


def reduction_generic(
    loops: dict[str, int], inputs: list[str], out: str, body: str, dtype: str = "f16"
) -> IterationSpace:
    """A ``linalg.generic`` over ``loops`` (those ``out`` lacks reduced) reading ``inputs``,
    each named by the loops indexing it; ``body`` computes ``%p`` from the input elements
    ``%in0``, ``%in1``, ... and ``%acc``, and the op yields it."""
    loop_list = ", ".join(loops)
    maps = ", ".join(
        f"affine_map<({loop_list}) -> ({', '.join(indices)})>" for indices in (*inputs, out)
    )
    iterators = ", ".join('"parallel"' if loop in out else '"reduction"' for loop in loops)
    types = [
        f"tensor<{'x'.join(str(loops[loop]) for loop in indices)}x{dtype}>"
        for indices in (*inputs, out)
    ]
    names = [f"t{position}" for position in range(len(inputs))]
    arguments = ", ".join(f"%in{position}: {dtype}" for position in range(len(inputs)))
    return iteration_space(
        parse_op(
            f"%r = linalg.generic {{indexing_maps = [{maps}], iterator_types = [{iterators}]}} "
            f"ins({', '.join(f'%{name}' for name in names)} : {', '.join(types[:-1])}) "
            f"outs(%out : {types[-1]}) {{\n^bb0({arguments}, %acc: {dtype}):\n{body}\n"
            f"  linalg.yield %p : {dtype}\n}} -> {types[-1]}",
            {**dict(zip(names, types, strict=False)), "out": types[-1]},
        )
    )


def variance(rows: int, cols: int) -> IterationSpace:
    """A layer norm's variance, as BERT writes it: ``v[r] = sum_c (x[r, c] - m[r])^2 / cols``."""
    return reduction_generic(
        {"r": rows, "c": cols},
        ["rc", "r"],
        "r",
        f"  %w = arith.constant {1 / cols} : f16\n  %d = arith.subf %in0, %in1 : f16\n"
        "  %s = arith.mulf %d, %d : f16\n  %t = arith.mulf %s, %w : f16\n"
        "  %p = arith.addf %acc, %t : f16",
    )


def scale_shift(rows: int, cols: int) -> IterationSpace:
    """``y[r, c] = x[r, c] * g[c] + b[c]``: the scale and the shift share the loop neither
    indexes, so their rings may constrain each other's."""
    return reduction_generic(
        {"r": rows, "c": cols},
        ["rc", "c", "c"],
        "rc",
        "  %m = arith.mulf %in0, %in1 : f16\n  %p = arith.addf %m, %in2 : f16",
    )


MULTIPLY_ACCUMULATE = "  %m = arith.mulf %in0, %in1 : f16\n  %p = arith.addf %acc, %m : f16"


def transpose(rows: int, cols: int) -> IterationSpace:
    source, target = f"tensor<{rows}x{cols}xf16>", f"tensor<{cols}x{rows}xf16>"
    return iteration_space(
        parse_op(
            "%r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, "
            'affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} '
            f"ins(%a : {source}) outs(%c : {target}) {{\n"
            f"^bb0(%x: f16, %y: f16):\n  linalg.yield %x : f16\n}} -> {target}",
            {"a": source, "c": target},
        )
    )


def brute_force_frontier(space: IterationSpace, chip: Chip) -> set[tuple[int, int]]:
    """Every plan check_plan accepts (pace 1, enough cores), priced one at a time."""
    shapes = [access.shape for access in space.operands]
    extents = space.loop_extents
    num_operands, num_loops = len(space.operands), len(extents)
    usable = min(
        chip.cores,
        math.prod(
            1 if loop in space.unsplittable_loops else extent for loop, extent in enumerate(extents)
        ),
    )
    points: list[tuple[int, int]] = []
    for op_factors in itertools.product(*(range(1, extent + 1) for extent in extents)):
        cores = math.prod(op_factors)
        if cores > chip.cores or cores < math.ceil(MIN_CORE_FRACTION * usable):
            continue
        if any((f - 1) * math.ceil(e / f) >= e for f, e in zip(op_factors, extents, strict=True)):
            continue
        # The planner never splits a loop whose partial results no schedule combines.
        fixed = space.unsplittable_loops
        if any(op_factors[loop] > 1 for loop in fixed):
            continue
        per_core = [math.ceil(e / f) for e, f in zip(extents, op_factors, strict=True)]
        # Only loops an operand indexes may split it in time (a rule the rtensor
        # tests cover); trying the others too would only slow this oracle down.
        rows = [
            [
                range(1, per_core[loop] + 1 if loop in access.indexed_loops - fixed else 2)
                for loop in range(num_loops)
            ]
            for access in space.operands
        ]
        for flat in itertools.product(*(r for operand_rows in rows for r in operand_rows)):
            temporal = [flat[o * num_loops : (o + 1) * num_loops] for o in range(num_operands)]
            try:
                check_plan(OpPlanAttr(op_factors, temporal), space.indexing_maps, extents, shapes)
            except VerifyException:
                continue
            candidate = _Candidates(
                np.asarray([op_factors], dtype=np.int64),
                np.zeros(1, dtype=np.int64),
                np.asarray([temporal], dtype=np.int16),
            )
            priced = evaluate(space, chip, candidate)
            if priced["bytes_per_core"][0] <= chip.sram_bytes:
                points.append((int(priced["bytes_per_core"][0]), int(priced["cycles"][0])))
    return {
        point
        for point in points
        if not any(
            other[0] <= point[0] and other[1] <= point[1] and other != point for other in points
        )
    }


def exhaustive_frontier(space: IterationSpace, chip: Chip) -> tuple[Plan, ...]:
    """The frontier of every enumerated candidate, each priced: the search without its bounds."""
    candidates = enumerate_candidates(space, chip.cores)
    priced = evaluate(space, chip, candidates)
    fits = np.flatnonzero(priced["bytes_per_core"] <= chip.sram_bytes)
    chosen = fits[pareto_indices(priced["bytes_per_core"][fits], priced["cycles"][fits])]
    return tuple(_priced_plan(candidates, priced, int(index)) for index in chosen)


def with_cores(cores: int, preset: str = "small-16") -> Chip:
    """A preset chip with ``cores`` cores: fewer keep brute force quick, more make the search
    prune harder."""
    chip = load_chip(preset)
    return chip.__class__(**{**chip.__dict__, "cores": cores})


@pytest.mark.parametrize(
    ("space", "cores"),
    [
        (matmul(6, 4, 3), 6),
        (matmul(12, 8, 6), 12),
        (batch_matmul(2, 3, 2, 4), 6),
        (add(4, 6), 6),
        (conv(1, 2, 4, 3, 2), 6),
        (conv(2, 4, 5, 3, 2), 12),
        (softmax(3, 4), 6),
        (variance(6, 4), 6),
    ],
    ids=["matmul", "matmul-12", "batch_matmul", "add", "conv", "conv-12", "softmax", "variance"],
)
def test_frontier_equals_brute_force_pareto_set(space: IterationSpace, cores: int):
    chip = with_cores(cores)
    result = search_plans(space, chip)
    frontier = {(plan.bytes_per_core, plan.cycles) for plan in result.frontier}
    assert frontier == brute_force_frontier(space, chip)


@pytest.mark.parametrize(
    "space",
    [matmul(128, 64, 96), batch_matmul(4, 64, 32, 48), add(64, 80), conv(2, 8, 12, 16, 3)],
    ids=["matmul", "batch_matmul", "add", "conv"],
)
def test_every_frontier_plan_passes_the_rtensor_verifier(space: IterationSpace):
    chip = load_chip("small-16")
    result = search_plans(space, chip)
    assert result.frontier
    for plan in result.frontier:
        check_plan(
            plan.to_attr(),
            space.indexing_maps,
            space.loop_extents,
            [access.shape for access in space.operands],
        )
        assert plan.bytes_per_core <= chip.sram_bytes
        assert math.prod(plan.op_factors) <= chip.cores


def test_frontier_is_sorted_and_pareto():
    result = search_plans(matmul(128, 64, 96), load_chip("small-16"))
    byte_counts = [plan.bytes_per_core for plan in result.frontier]
    cycles = [plan.cycles for plan in result.frontier]
    assert byte_counts == sorted(byte_counts) and len(set(byte_counts)) == len(byte_counts)
    assert cycles == sorted(cycles, reverse=True) and len(set(cycles)) == len(cycles)
    assert result.smallest is result.frontier[0] and result.fastest is result.frontier[-1]


def test_pareto_indices_on_known_points():
    byte_counts = np.asarray([5, 1, 3, 3, 4, 2], dtype=np.int64)
    cycles = np.asarray([1, 9, 4, 3, 3, 9], dtype=np.int64)
    assert list(pareto_indices(byte_counts, cycles)) == [1, 3, 0]


def test_op_classes_come_from_structure():
    assert matmul(8, 8, 8).op_class == OpClass.CONTRACTION
    assert batch_matmul(2, 4, 4, 4).op_class == OpClass.CONTRACTION
    assert conv(1, 2, 6, 2, 3).op_class == OpClass.CONVOLUTION
    assert add(4, 4).op_class == OpClass.ELEMENTWISE
    assert softmax(4, 4).op_class == OpClass.REDUCTION
    assert transpose(4, 6).op_class == OpClass.DATA_MOVEMENT
    assert variance(4, 8).op_class == OpClass.ELEMENTWISE_REDUCTION


def test_contraction_needs_a_matrix_product_pair_multiplied_into_the_output():
    loops = {"m": 4, "n": 5, "k": 6}
    pair = reduction_generic(loops, ["mk", "kn"], "mn", MULTIPLY_ACCUMULATE)
    assert pair.op_class == OpClass.CONTRACTION
    assert pair.matmul_loops is not None
    assert (pair.matmul_loops.m, pair.matmul_loops.n, pair.matmul_loops.k) == ((0,), (1,), (2,))
    # Operands indexed by the same loops: a batch of dot products.
    aligned = reduction_generic(loops, ["mnk", "mnk"], "mn", MULTIPLY_ACCUMULATE)
    # One operand missing no loop of the other: a matrix-vector product.
    vector = reduction_generic({"m": 4, "k": 6}, ["mk", "k"], "m", MULTIPLY_ACCUMULATE)
    # A matrix-product pair combined otherwise than by a product: squared distances.
    distance = reduction_generic(
        loops,
        ["mk", "kn"],
        "mn",
        "  %d = arith.subf %in0, %in1 : f16\n  %s = arith.mulf %d, %d : f16\n"
        "  %p = arith.addf %acc, %s : f16",
    )
    for space in (aligned, vector, distance):
        assert space.op_class == OpClass.ELEMENTWISE_REDUCTION
        assert space.matmul_loops is None
    # A product of one input with itself is folded into the reduction of that input.
    squares = reduction_generic(
        {"r": 4, "c": 8},
        ["rc"],
        "r",
        "  %s = arith.mulf %in0, %in0 : f16\n  %p = arith.addf %acc, %s : f16",
    )
    assert squares.op_class == OpClass.REDUCTION


def test_contraction_factors_may_be_converted():
    a, b, c = "tensor<4x6xf16>", "tensor<6x5xf16>", "tensor<4x5xf32>"
    space = iteration_space(
        parse_op(
            f"%r = linalg.matmul ins(%a, %b : {a}, {b}) outs(%c : {c}) -> {c}",
            {"a": a, "b": b, "c": c},
        )
    )
    assert space.op_class == OpClass.CONTRACTION


def test_max_pooling_is_a_reduction_of_its_input():
    x, window, y = "tensor<1x2x8x8xf32>", "tensor<2x2xf32>", "tensor<1x2x4x4xf32>"
    space = iteration_space(
        parse_op(
            "%r = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = "
            f"dense<2> : tensor<2xi64>}} ins(%x, %w : {x}, {window}) outs(%y : {y}) -> {y}",
            {"x": x, "w": window, "y": y},
        )
    )
    assert space.op_class == OpClass.REDUCTION


def test_variance_is_priced_as_elementwise_work_then_a_reduction():
    """On ipu-mk2 with a reduction (0.25 cycles a element + 100) cheaper than its elementwise
    work (0.5 + 300), so that the two are told apart."""
    ipu = load_chip("ipu-mk2")
    chip = dataclasses.replace(
        ipu,
        name="ipu-mk2-cheap-reduction",
        compute=dataclasses.replace(ipu.compute, reduction=StreamRate(0.25, 100)),
    )
    (frontier_plan,) = [
        plan
        for plan in search_plans(variance(128, 768), chip).frontier
        if plan.op_factors == (128, 1)
    ]
    # One core holds a row: its 768 points combined elementwise, then reduced, never on the
    # matmul unit: (0.5 x 768 + 300) + (0.25 x 768 + 100) = 684 + 292.
    elementwise = ELEMENTWISE_CYCLES_PER_ELEMENT * 768 + ELEMENTWISE_LAUNCH_CYCLES
    reduction = 0.25 * 768 + 100
    assert (elementwise, reduction) == (684, 292)
    assert frontier_plan.compute_steps == 1
    assert frontier_plan.cycles == frontier_plan.compute_cycles == elementwise + reduction


def test_conv_window_loops_are_never_split():
    space = conv(2, 8, 12, 16, 3)
    assert space.window_loops == {5, 6}
    for plan in search_plans(space, load_chip("small-16")).frontier:
        assert plan.op_factors[5] == plan.op_factors[6] == 1


def test_results_are_cached():
    chip = load_chip("small-16")
    assert search_plans(matmul(64, 32, 48), chip) is search_plans(matmul(64, 32, 48), chip)


def test_nothing_fits_is_a_planning_error():
    with pytest.raises(PlanningError, match="no plan fits: the smallest needs"):
        search_plans(matmul(4096, 4096, 4096), load_chip("small-16"))


def test_published_matmul_bar_on_ipu_mk2():
    """T10's frontier for 128x5120x15360: 111.6 KiB .. 482.3 KiB, fastest 157,968 cycles;
    and no plan beats what the chip can do at all."""
    m, k, n = 128, 5120, 15360
    result = search_plans(matmul(m, k, n), load_chip("ipu-mk2"))
    assert result.fastest.cycles <= 1.05 * 157_968
    assert result.smallest.bytes_per_core <= 1.05 * 111.6 * 1024
    # Every MAC at the peak on every core: 10,066,329,600 MACs / (1472 x 64 a cycle)
    # = 106,852.2 cycles.
    cores = 1472
    peak_cycles = m * k * n / (cores * F16_MACS_PER_CYCLE)
    assert 106_852 < peak_cycles < 106_853
    assert result.fastest.cycles >= peak_cycles
    # Every element of A, B and C held once somewhere, 2 bytes each:
    # (655,360 + 78,643,200 + 1,966,080) x 2 / 1472 = 110,413.9 bytes a core.
    least_bytes = (m * k + k * n + m * n) * 2 / cores
    assert 110_413 < least_bytes < 110_414
    assert result.smallest.bytes_per_core >= least_bytes


@pytest.mark.parametrize(
    "space",
    [
        matmul(128, 64, 96),
        batch_matmul(4, 64, 32, 48),
        add(64, 80),
        conv(2, 8, 12, 16, 3),
        softmax(32, 48),
    ],
    ids=["matmul", "batch_matmul", "add", "conv", "softmax"],
)
def test_repriced_frontier_equals_the_frontier(space: IterationSpace):
    chip = load_chip("small-16")
    frontier = search_plans(space, chip).frontier
    assert frontier
    # Reversed: the figures may not depend on a plan's position in the batch.
    repriced = price_plans(space, chip, [plan.to_attr() for plan in reversed(frontier)])
    assert repriced == tuple(reversed(frontier))


def test_no_plans_price_to_nothing():
    assert price_plans(matmul(8, 8, 8), load_chip("small-16"), []) == ()


def test_a_rotation_on_a_mesh_pays_the_hops_between_its_farthest_ring_neighbours():
    """Row sums of 12 x 48 f16 on a 4 x 3 grid: the sums (one row a piece) rotate round
    rings of 3 along the column axis, cores 3r, 3r + 1, 3r + 2. On mesh-64's 8 x 8 grid
    ring {6, 7, 8} wraps a mesh row: 7 -> 8 is 8 hops, (0, 7) to (1, 0). Each of the 2
    rotations (3 steps, the last rotation left out) pays those 8 hops once (one buffer
    a piece) on top of its 2 bytes and the phase overhead; an all-to-all chip pays none."""
    space = reduction_generic({"r": 12, "c": 48}, ["rc"], "r", "  %p = arith.addf %acc, %in0 : f16")
    plan = OpPlanAttr([4, 3], [[1, 1], [3, 1]])
    rotations, piece_bytes, farthest_hops = 2, 2, 8
    shift = rotations * (piece_bytes * EXCHANGE_CYCLES_PER_BYTE + PHASE_OVERHEAD_CYCLES)
    hops = rotations * farthest_hops * MESH_HOP_LATENCY_CYCLES
    (on_mesh,) = price_plans(space, load_chip("mesh-64"), [plan])
    (all_to_all,) = price_plans(space, load_chip("small-16"), [plan])
    assert on_mesh.shift_cycles == math.ceil(shift + hops) == 234
    assert all_to_all.shift_cycles == math.ceil(shift)


def test_each_ring_s_rotations_pay_their_own_hops_once_per_buffer():
    """A 16^3 f16 matmul on a 4 x 2 x 1 grid (cores 2m + n, all on mesh row 0): A cut in
    2 on k rotates round rings of 2 along n (cores 2m, 2m + 1: 1 hop) holding 2 step
    slices, so 2 buffers each pay the hop, once (2 steps of its level, the last rotation
    left out); B cut in 4 on k rotates round rings of 4 along m (n, n + 2, n + 4, n + 6:
    6 hops from the last back to the first), 3 times, one buffer each."""
    space = matmul(16, 16, 16)
    plan = OpPlanAttr([4, 2, 1], [[1, 1, 2], [1, 1, 4], [1, 1, 1]])
    mesh = load_chip("mesh-64")
    flat = dataclasses.replace(
        mesh, topology=dataclasses.replace(mesh.topology, hop_latency_cycles=0)
    )
    (on_mesh,) = price_plans(space, mesh, [plan])
    (without_hops,) = price_plans(space, flat, [plan])
    a_hops = 1 * 2 * 1 * MESH_HOP_LATENCY_CYCLES
    b_hops = 3 * 1 * 6 * MESH_HOP_LATENCY_CYCLES
    piece_bytes = 4 * 8 * 2
    shift = 4 * (piece_bytes * EXCHANGE_CYCLES_PER_BYTE + PHASE_OVERHEAD_CYCLES)
    assert without_hops.shift_cycles == math.ceil(shift)
    assert on_mesh.shift_cycles == math.ceil(shift + a_hops + b_hops) == 512
    assert on_mesh.cycles - without_hops.cycles == a_hops + b_hops


MATMUL_ROWS = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]


@pytest.mark.parametrize(
    ("space", "plan", "message"),
    [
        (
            matmul(64, 32, 48),
            OpPlanAttr([4, 4], [[1, 1], [1, 1], [1, 1]]),
            "plan has 2 loops but the operator has 3",
        ),
        (
            matmul(64, 32, 48),
            OpPlanAttr([4, 4, 1], MATMUL_ROWS[:2]),
            "plan has 2 operand rows but the operator has 3",
        ),
        (
            matmul(64, 32, 48),
            OpPlanAttr([4, 4, 1], [[1, 1, 1], [1, 1, 1], [1, 1, 3]]),
            r"operand 2: temporal factor 3 on loop 2, which map .* does not index",
        ),
        (
            matmul(64, 32, 48),
            OpPlanAttr([4, 2, 1], [[4, 1, 1], [1, 1, 1], [1, 1, 1]]),
            r"temporal factors \[4, 1, 1\] \(product 4\) do not divide the replication count 2",
        ),
        (
            matmul(64, 32, 48),
            OpPlanAttr([8, 4, 1], MATMUL_ROWS),
            "needs 32 cores but small-16 has 16",
        ),
        (
            softmax(32, 48),
            OpPlanAttr([4, 2], [[1, 1], [1, 1]]),
            r"splits loop 1 \(op factor 2, temporal factors \[1, 1\]\), which the planner never",
        ),
        (
            matmul(64, 32, 48),
            OpPlanAttr(
                [1, 4, 4],
                [[1, 1, 4], [1, 1, 1], [1, 1, 1]],
                [[1, 1, 3], [1, 1, 1], [1, 1, 1]],
            ),
            "rotates operand 0 at pace 3 on loop 2: plans are priced",
        ),
    ],
    ids=[
        "loops",
        "operand-rows",
        "unindexed-loop",
        "replication",
        "cores",
        "unsplittable",
        "pace",
    ],
)
def test_plan_that_does_not_fit_is_a_planning_error(
    space: IterationSpace, plan: OpPlanAttr, message: str
):
    with pytest.raises(PlanningError, match=message):
        price_plans(space, load_chip("small-16"), [plan])


@pytest.mark.parametrize(
    ("space", "chip"),
    [
        (conv(2, 8, 12, 16, 3), load_chip("small-16")),
        (conv(4, 16, 10, 8, 3), load_chip("small-16")),
        (conv(1, 3, 20, 8, 5), load_chip("small-16")),
        (conv(8, 4, 6, 12, 2), load_chip("mesh-64")),
        (conv(4, 32, 9, 32, 3), load_chip("mesh-64")),
        (matmul(96, 64, 128), load_chip("mesh-64")),
        (batch_matmul(4, 64, 32, 48), load_chip("mesh-64")),
        (head_projection(4, 8, 32, 16, 64), load_chip("mesh-64")),
        (merge_heads(4, 32, 64, 8, 16), load_chip("mesh-64")),
        (head_projection(4, 8, 32, 16, 64), with_cores(256, "mesh-64")),
        (merge_heads(4, 32, 64, 8, 16), with_cores(256, "mesh-64")),
        (matmul(24, 45, 24, "f32"), load_chip("small-16")),
        (matmul(96, 189, 64), load_chip("mesh-64")),
        (scale_shift(60, 4096), load_chip("mesh-64")),
    ],
    ids=[
        "conv",
        "conv-c16",
        "conv-5x5",
        "conv-64",
        "conv-64-c32",
        "matmul-64",
        "batch-64",
        "head-projection-64",
        "merge-heads-64",
        "head-projection-256",
        "merge-heads-256",
        "matmul-idle-core-16",
        "matmul-idle-cores-64",
        "scale-shift-64",
    ],
)
def test_pruned_search_equals_exhaustive_enumeration(space: IterationSpace, chip: Chip):
    """Same plans (points, representatives, loop orders), same count; fewer plans priced."""
    result = search_plans(space, chip)
    assert result.frontier == exhaustive_frontier(space, chip)
    assert result.plans_evaluated == len(enumerate_candidates(space, chip.cores).row_index)
    assert result.plans_priced < result.plans_evaluated


def has_idle_cores(space: IterationSpace, op_factors: Sequence[int]) -> bool:
    """Whether some core's range along some loop is entirely padding."""
    return any(
        factor > math.ceil(extent / math.ceil(extent / factor))
        for factor, extent in zip(op_factors, space.loop_extents, strict=True)
    )


@pytest.mark.parametrize(
    ("space", "chip", "idle_on_frontier"),
    [
        # k = 45 over 16 cores in pieces of 3: C's partial sums rotate round all 16.
        (matmul(24, 45, 24, "f32"), load_chip("small-16"), True),
        (matmul(96, 189, 64), load_chip("mesh-64"), True),
        # Plans with idle cores exist but save no memory at any speed.
        (matmul(96, 64, 128), load_chip("mesh-64"), False),
    ],
    ids=["k45-small-16", "k189-mesh-64", "matmul-mesh-64"],
)
def test_plans_with_idle_cores_reach_the_frontier_only_where_they_lower_memory(
    space: IterationSpace, chip: Chip, idle_on_frontier: bool
):
    """A plan whose cores along a loop hold only padding is on the frontier only if every
    padding-free plan as fast holds more bytes; and it never pads a loop more than 10 %."""
    candidates = enumerate_candidates(space, chip.cores)
    priced = evaluate(space, chip, candidates)
    op_factor_rows = candidates.op_factors
    idle = np.asarray([has_idle_cores(space, row) for row in op_factor_rows])
    assert idle.any() and not idle.all()
    padded = op_factor_rows * -(-np.asarray(space.loop_extents) // op_factor_rows)
    assert (10 * padded <= 11 * np.asarray(space.loop_extents))[idle].all()
    result = search_plans(space, chip)
    idle_plans = [plan for plan in result.frontier if has_idle_cores(space, plan.op_factors)]
    assert bool(idle_plans) == idle_on_frontier
    for plan in idle_plans:
        as_fast = ~idle & (priced["cycles"] <= plan.cycles)
        assert (priced["bytes_per_core"][as_fast] > plan.bytes_per_core).all()
    if idle_on_frontier:
        assert has_idle_cores(space, result.smallest.op_factors)
        padding_free = ~idle & (priced["bytes_per_core"] <= chip.sram_bytes)
        assert result.smallest.bytes_per_core < priced["bytes_per_core"][padding_free].min()


@pytest.mark.parametrize(
    "space",
    [matmul(128, 64, 96), batch_matmul(4, 64, 32, 48), conv(2, 8, 12, 16, 3)],
    ids=["matmul", "batch_matmul", "conv"],
)
def test_search_without_rotation_is_the_frontier_of_plans_rotating_nothing(space: IterationSpace):
    chip = load_chip("mesh-64")
    result = search_plans(space, chip, rotation=False)
    assert all(set(sum(plan.temporal_factors, ())) == {1} for plan in result.frontier)
    candidates = enumerate_candidates(space, chip.cores, rotation=False)
    assert (candidates.temporal == 1).all()
    priced = evaluate(space, chip, candidates)
    fits = np.flatnonzero(priced["bytes_per_core"] <= chip.sram_bytes)
    chosen = fits[pareto_indices(priced["bytes_per_core"][fits], priced["cycles"][fits])]
    assert result.frontier == tuple(_priced_plan(candidates, priced, int(i)) for i in chosen)
    # Rotation only adds plans: t10's frontier is never worse at any memory size.
    rotating = search_plans(space, chip)
    for plan in result.frontier:
        assert any(
            other.bytes_per_core <= plan.bytes_per_core and other.cycles <= plan.cycles
            for other in rotating.frontier
        )


def check_compute_bounds(
    space: IterationSpace, chip: Chip
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """Check that no compute bound, from a candidate's steps or fewer (as a partial choice
    knows them), exceeds the candidate's compute; return the bounds from the full steps,
    the compute and the steps per loop of every candidate."""
    candidates = enumerate_candidates(space, chip.cores)
    per_core_rows = -(-np.asarray(space.loop_extents) // candidates.op_factor_rows)
    rows = candidates.row_index
    steps = candidates.temporal.max(axis=1).astype(np.int64)
    compute = _compute_cycles(space, chip, per_core_rows[rows], steps)
    for least_steps in (np.maximum(steps // 2, 1), np.ones_like(steps), steps):
        bound = _compute_lower_bound(space, chip, per_core_rows, rows, least_steps)
        assert np.all(bound <= compute * (1 + 1e-12))
    return bound, compute, steps


@pytest.mark.parametrize(
    "space",
    [
        conv(2, 8, 12, 16, 3),
        matmul(128, 64, 96),
        batch_matmul(4, 64, 32, 48),
        add(64, 80),
        softmax(32, 48),
        transpose(48, 64),
        variance(32, 48),
    ],
    ids=["conv", "matmul", "batch_matmul", "add", "softmax", "transpose", "variance"],
)
def test_compute_lower_bound_never_exceeds_the_compute_it_bounds(space: IterationSpace):
    bound, compute, steps = check_compute_bounds(space, load_chip("mesh-64"))
    # Tight where nothing is cut in time: a plan's compute is then one known call.
    unstepped = (steps == 1).all(axis=1)
    assert unstepped.any()
    assert np.mean(bound[unstepped] / compute[unstepped]) > 0.5


def with_rates(
    name: str,
    elementwise: StreamRate,
    reduction: StreamRate,
    data_movement: CopyRate,
    matmul_overhead: MatmulCallOverhead | None = None,
) -> Chip:
    """small-16 with other compute rates (and, given ``matmul_overhead``, other matmul call
    overheads): the search's bounds must hold for any chip, not only the presets."""
    chip = load_chip("small-16")
    matmul_rates = chip.compute.matmul
    if matmul_overhead is not None:
        matmul_rates = tuple(
            dataclasses.replace(rate, call_overhead=matmul_overhead) for rate in matmul_rates
        )
    compute = dataclasses.replace(
        chip.compute,
        matmul=matmul_rates,
        elementwise=elementwise,
        reduction=reduction,
        data_movement=data_movement,
    )
    return dataclasses.replace(chip, name=name, compute=compute)


UNPRESET_CHIPS = [
    # A reduction 200x cheaper per element than elementwise work.
    with_rates(
        "cheap-reduction", StreamRate(2.0, 300), StreamRate(0.01, 300), CopyRate(0.125, 300)
    ),
    # Nothing costs a fixed launch: only the work counts, however many steps.
    with_rates(
        "no-launch",
        StreamRate(0.5, 0),
        StreamRate(0.25, 0),
        CopyRate(0.125, 0),
        MatmulCallOverhead(cycles_per_kn_block=0, cycles_per_n_block=0, cycles=0),
    ),
    # Launches dominate: a step's work is almost free.
    with_rates(
        "launch-bound",
        StreamRate(0.001, 5000),
        StreamRate(0.0, 2000),
        CopyRate(0.0, 4000),
        MatmulCallOverhead(cycles_per_kn_block=0, cycles_per_n_block=0, cycles=9000),
    ),
]

SPACES_OF_EVERY_CLASS = {
    "variance": variance(32, 48),
    "softmax": softmax(32, 48),
    "add": add(64, 80),
    "transpose": transpose(48, 64),
    "matmul": matmul(128, 64, 96),
    "integer-matmul": matmul(48, 32, 40, "i32"),
    "batch_matmul": batch_matmul(4, 64, 32, 48),
    "conv": conv(2, 8, 12, 16, 3),
}


@pytest.mark.parametrize("chip", UNPRESET_CHIPS, ids=[chip.name for chip in UNPRESET_CHIPS])
@pytest.mark.parametrize("space", SPACES_OF_EVERY_CLASS.values(), ids=SPACES_OF_EVERY_CLASS.keys())
def test_search_on_chips_unlike_the_presets(space: IterationSpace, chip: Chip):
    """The bounds hold whatever the rates: the pruned search finds the exhaustive frontier,
    and no compute bound, from any number of steps it may assume, exceeds a plan's compute."""
    frontier = search_plans(space, chip).frontier
    assert frontier
    assert frontier == exhaustive_frontier(space, chip)
    check_compute_bounds(space, chip)


def test_a_search_that_rules_out_every_plan_says_why(monkeypatch: pytest.MonkeyPatch):
    """A cost model whose step cost grows faster than the step's work (here its square) breaks
    the compute bound, which then rules out every plan: a planning error, not a numpy one.
    (An integer matmul: priced per step on the vector units, and faster the more it rotates.)"""

    def squared_work(chip: Chip, work: object, step_extents: np.ndarray) -> np.ndarray:
        return np.prod(step_extents, axis=1).astype(np.float64) ** 2

    monkeypatch.setattr(cost, "step_compute_cycles", squared_work)
    chip = dataclasses.replace(load_chip("small-16"), name="squared-work")
    with pytest.raises(PlanningError, match=r"ruled out all \d+ candidate plans on squared-work"):
        search_plans(matmul(48, 32, 40, "i32"), chip)


def test_a_matmul_call_is_read_as_a_polynomial_in_its_blocks():
    """ipu-mk2's f16 call, from its chip file: 6*16*16 MACs / 64 per cycle = 24 cycles a block,
    514 per (k, n) block pair, 113 per n block, 173 per call."""
    terms = dict(matmul_call_polynomial(load_chip("ipu-mk2").matmul_rate("f16")))
    assert terms == {
        frozenset("mkn"): 6 * 16 * 16 / 64,
        frozenset("kn"): 514,
        frozenset("n"): 113,
        frozenset(): 173,
    }


def test_a_matmul_call_the_bound_cannot_follow_is_a_planning_error(
    monkeypatch: pytest.MonkeyPatch,
):
    """The compute bound needs a call linear in each role's blocks: one quadratic in m's
    blocks is refused, naming where it leaves the polynomial."""
    real_call = cost.matmul_call_cycles

    def quadratic_in_m(rate: MatmulRate, m: np.ndarray, k: np.ndarray, n: np.ndarray):
        return real_call(rate, m, k, n) + (m // rate.block.m) ** 2

    monkeypatch.setattr(cost, "matmul_call_cycles", quadratic_in_m)
    # Not a preset's rate: the polynomial of those is cached.
    rate = dataclasses.replace(load_chip("small-16").matmul_rate("f16"), macs_per_cycle=32)
    with pytest.raises(PlanningError, match=r"not one \(at \(2, 3, 5\) blocks: .* gives"):
        matmul_call_polynomial(rate)
