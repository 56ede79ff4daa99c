"""Per-operator plan search: enumerate rTensor plans, price them, keep the Pareto frontier.

A plan splits an operator's loops over a grid of cores (``op_factors``, F_op)
and cuts each operand's per-core piece into ``temporal`` factors per loop that
rotate round the cores sharing it (DESIGN §2). The search

1. enumerates F_op: every tuple of loop factors that uses at least
   ``MIN_CORE_FRACTION`` of the cores the operator can use, leaves no core's
   loop range entirely padding, and never splits a sliding window's inner loop
   nor a reduction loop that an output still indexes (``unsplittable_loops``);
2. enumerates, per F_op, every operand's temporal factors (their product
   divides the operand's replication count; no rotating piece is entirely
   padding) and keeps the combinations whose factors form a divisibility chain
   on every loop;
3. prices all candidates at once with numpy (``t10.hwmodel.cost``), drops those
   over the per-core SRAM, and keeps the Pareto frontier of (bytes per core,
   cycles).

Paces are all 1: the cost model prices a rotation by its bytes alone (true of
an all-to-all chip; a mesh's hop latency is not charged yet, and pace 1 would
travel the fewest hops there), so no other pace can reach the frontier.
Results are cached per (iteration space, chip).

Schedule model priced here (the one ``t10-insert-shifts`` emits):
- compute steps = prod over loops of X_d, the largest temporal factor on d;
- the loops with X_d > 1 are nested in the order that minimises shift and sync
  cost; a tensor rotates each time the innermost loop that splits it advances,
  so it rotates ``f_t * prod(X outside that loop) - 1`` times;
- an output replicated over split reduction loops and not fully rotating holds
  ``p`` partial sums that a ring reduce-scatter combines after the last step:
  ``p - 1`` steps, each moving and adding a ``1/p`` chunk.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray
from xdsl.utils.exceptions import VerifyException

from t10.dialects.rtensor import OpPlanAttr, check_plan
from t10.hwmodel import cost
from t10.hwmodel.chip import Chip
from t10.passes.iteration_space import IterationSpace, OpClass, PlanningError

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
FactorArray = NDArray[np.int16]
"""Temporal factors, stored narrow: there are millions of candidates and no factor exceeds a
chip's core count."""

MIN_CORE_FRACTION = 0.9
"""Plans use at least this fraction of the cores an operator can use."""

MAX_ORDERED_LOOPS = 3
"""Up to this many stepped loops, every nesting order is priced; beyond, two of them."""


@dataclass(frozen=True)
class Plan:
    """One priced plan of an operator."""

    op_factors: tuple[int, ...]
    temporal_factors: tuple[tuple[int, ...], ...]
    """Per operand (inputs then outputs), the temporal factor on each loop."""
    loop_order: tuple[int, ...]
    """Loops with a temporal split, outermost first, as the schedule nests them."""
    compute_steps: int
    compute_cycles: int
    shift_cycles: int
    sync_cycles: int
    reduce_cycles: int
    """Cycles of the final reduce-scatter of partial outputs (0 if none)."""
    cycles: int
    bytes_per_core: int

    def to_attr(self) -> OpPlanAttr:
        return OpPlanAttr(self.op_factors, self.temporal_factors)

    def to_json(self) -> dict[str, object]:
        return {
            "op_factors": list(self.op_factors),
            "temporal_factors": [list(row) for row in self.temporal_factors],
            "bytes_per_core": self.bytes_per_core,
            "cycles": self.cycles,
            "compute_cycles": self.compute_cycles,
            "shift_cycles": self.shift_cycles,
            "sync_cycles": self.sync_cycles,
            "reduce_cycles": self.reduce_cycles,
            "compute_steps": self.compute_steps,
            "loop_order": list(self.loop_order),
        }


@dataclass(frozen=True)
class SearchResult:
    """The frontier of one operator on one chip."""

    space: IterationSpace
    chip: str
    frontier: tuple[Plan, ...]
    """Sorted by bytes per core (ascending), so cycles descend."""
    plans_evaluated: int
    search_seconds: float

    @property
    def fastest(self) -> Plan:
        return self.frontier[-1]

    @property
    def smallest(self) -> Plan:
        return self.frontier[0]


def _valid_factors(extent: int, cores: int) -> list[int]:
    """Factors that split ``extent`` without leaving a part that is all padding."""
    return [
        factor
        for factor in range(1, min(extent, cores) + 1)
        if (factor - 1) * math.ceil(extent / factor) < extent
    ]


def enumerate_op_factors(space: IterationSpace, cores: int) -> IntArray:
    """Every F_op row (one factor per loop) the search considers, as an (n, loops) array."""
    fixed = space.unsplittable_loops
    per_loop = [
        [1] if loop in fixed else _valid_factors(extent, cores)
        for loop, extent in enumerate(space.loop_extents)
    ]
    rows = np.ones((1, 0), dtype=np.int64)
    products = np.ones(1, dtype=np.int64)
    for factors in per_loop:
        options = np.asarray(factors, dtype=np.int64)
        new_products = (products[:, None] * options[None, :]).ravel()
        keep = new_products <= cores
        rows = np.concatenate(
            [np.repeat(rows, len(options), axis=0), np.tile(options, len(rows))[:, None]], axis=1
        )[keep]
        products = new_products[keep]
    # The most cores any row uses: valid factors may not reach the chip's core count.
    usable = int(products.max())
    return rows[products >= math.ceil(MIN_CORE_FRACTION * usable)]


@cache
def _ordered_factorisations(value: int, parts: int) -> tuple[tuple[int, ...], ...]:
    if parts == 0:
        return ((),) if value == 1 else ()
    return tuple(
        (first, *rest)
        for first in range(1, value + 1)
        if value % first == 0
        for rest in _ordered_factorisations(value // first, parts - 1)
    )


@cache
def _factorisations_dividing(replication: int, parts: int) -> IntArray:
    """Every ``parts``-tuple of factors whose product divides ``replication``."""
    options = [
        option
        for divisor in range(1, replication + 1)
        if replication % divisor == 0
        for option in _ordered_factorisations(divisor, parts)
    ]
    return np.asarray(options, dtype=np.int64).reshape(len(options), parts)


def _temporal_options(replication: int, caps: IntArray) -> IntArray:
    """
    Temporal factors over an operand's split loops whose product divides its
    replication count and that leave no rotating piece entirely padding, given
    the per-core extent ``caps`` along each of those loops.
    """
    options = _factorisations_dividing(replication, len(caps))
    fits = (options <= caps) & ((options - 1) * -(-caps // options) < caps)
    return options[fits.all(axis=1)]


@dataclass(frozen=True)
class _Candidates:
    op_factor_rows: IntArray
    """(rows, loops): the distinct F_op tuples."""
    row_index: IntArray
    """(n,): each candidate's row of ``op_factor_rows``."""
    temporal: FactorArray
    """(n, operands, loops); factors never exceed a chip's core count."""

    @property
    def op_factors(self) -> IntArray:
        return self.op_factor_rows[self.row_index]


def _operand_split_loops(space: IterationSpace) -> list[list[int]]:
    """Per operand, the loops that split one of its dims (where f_t may exceed 1)."""
    fixed = space.unsplittable_loops
    return [
        sorted({loop for loop in access.split_loops if loop is not None and loop not in fixed})
        for access in space.operands
    ]


def enumerate_candidates(space: IterationSpace, cores: int) -> _Candidates:
    """
    Every valid (F_op, temporal factors) combination, as arrays: per F_op row,
    the product of its operands' temporal options, less the combinations that
    break a divisibility chain. The product is built for all rows at once.
    """
    op_factor_rows = enumerate_op_factors(space, cores)
    split_loops = _operand_split_loops(space)
    num_operands, num_loops = len(space.operands), space.num_loops
    extents = np.asarray(space.loop_extents, dtype=np.int64)
    per_core_rows = -(-extents // op_factor_rows)

    # Per operand: every row's options, concatenated, and where each row's start.
    option_tables: list[IntArray] = []
    option_offsets: list[IntArray] = []
    option_counts: list[IntArray] = []
    for access, loops in zip(space.operands, split_loops, strict=True):
        unread = [loop for loop in range(num_loops) if loop not in access.indexed_loops]
        replications = _prod(op_factor_rows, unread)
        per_row = [
            _temporal_options(int(replication), caps)
            for replication, caps in zip(replications, per_core_rows[:, loops], strict=True)
        ]
        counts = np.asarray([len(options) for options in per_row], dtype=np.int64)
        option_counts.append(counts)
        option_offsets.append(np.concatenate([[0], np.cumsum(counts)[:-1]]))
        option_tables.append(np.concatenate(per_row, axis=0))

    # Extend the combinations one operand at a time, dropping those that break
    # a divisibility chain as soon as both sides of it are chosen.
    row_index = np.arange(len(op_factor_rows))
    temporal = np.ones((len(row_index), num_operands, num_loops), dtype=np.int16)
    for operand, loops in enumerate(split_loops):
        counts = option_counts[operand][row_index]
        parent = np.repeat(np.arange(len(row_index)), counts)
        choice = np.arange(len(parent)) - np.repeat(np.cumsum(counts) - counts, counts)
        row_index = row_index[parent]
        temporal = temporal[parent]
        if loops:
            options = option_tables[operand][option_offsets[operand][row_index] + choice]
            temporal[:, operand, loops] = options
        keep = np.ones(len(row_index), dtype=bool)
        for loop in loops:
            for other in range(operand):
                if loop in split_loops[other]:
                    low = np.minimum(temporal[:, operand, loop], temporal[:, other, loop])
                    high = np.maximum(temporal[:, operand, loop], temporal[:, other, loop])
                    keep &= high % low == 0
        row_index, temporal = row_index[keep], temporal[keep]
    if len(row_index) == 0:
        raise PlanningError(f"no plan splits loops {list(space.loop_extents)} over {cores} cores")
    return _Candidates(op_factor_rows, row_index, temporal)


def _contraction_roles(space: IterationSpace) -> tuple[list[int], list[int], list[int], list[int]]:
    """Loops as (batch, m, n, k) of the first two tensor inputs and the first output."""
    inputs = [a for a in space.operands if not a.is_output and a.shape]
    output = next(a for a in space.operands if a.is_output)
    lhs, rhs = inputs[0].indexed_loops, inputs[1].indexed_loops
    out = output.indexed_loops
    batch: list[int] = []
    m: list[int] = []
    n: list[int] = []
    k: list[int] = []
    for loop in range(space.num_loops):
        if loop not in out:
            k.append(loop)
        elif loop in lhs and loop in rhs:
            batch.append(loop)
        elif loop in rhs:
            n.append(loop)
        else:
            m.append(loop)
    return batch, m, n, k


def _prod(array: IntArray, loops: Sequence[int]) -> IntArray:
    if not loops:
        return np.ones(len(array), dtype=np.int64)
    return np.prod(array[:, list(loops)], axis=1)


def _step_compute_cycles(space: IterationSpace, chip: Chip, step_extents: IntArray) -> FloatArray:
    if space.op_class in (OpClass.CONTRACTION, OpClass.CONVOLUTION):
        batch, m, n, k = _contraction_roles(space)
        return cost.contraction_cycles(
            chip,
            space.element_type,
            _prod(step_extents, batch),
            _prod(step_extents, m),
            _prod(step_extents, k),
            _prod(step_extents, n),
        )
    points = np.prod(step_extents, axis=1)
    if space.op_class == OpClass.REDUCTION:
        return cost.reduction_cycles(chip, points)
    if space.op_class == OpClass.DATA_MOVEMENT:
        output = next(a for a in space.operands if a.is_output)
        written = _prod(step_extents, sorted(output.indexed_loops))
        return cost.copy_cycles(chip, written * chip.bytes_per_element(space.element_type))
    return cost.elementwise_cycles(chip, points)


def _operand_pieces(space: IterationSpace, operand: int, per_core_rows: IntArray) -> IntArray:
    """Per F_op row, the operand's per-core piece shape (a window's piece includes its halo)."""
    access = space.operands[operand]
    # Through floats: numpy has no BLAS for integer matrix products.
    coefficients = np.asarray(access.coefficients, dtype=np.float64).reshape(
        len(access.shape), space.num_loops
    )
    piece = ((per_core_rows - 1).astype(np.float64) @ coefficients.T).astype(np.int64) + 1
    return np.minimum(piece, np.asarray(access.shape, dtype=np.int64))


def _rotating_elements(
    space: IterationSpace, operand: int, piece: IntArray, temporal: FactorArray
) -> IntArray:
    """Elements of one rotating piece of the operand, per candidate."""
    rotating = np.ones(len(piece), dtype=np.int64)
    for dim, loop in enumerate(space.operands[operand].split_loops):
        if loop is None:
            rotating *= piece[:, dim]
        else:
            rotating *= -(-piece[:, dim] // temporal[:, loop])
    return rotating


def _rotation_cost(
    chip: Chip,
    temporal: FactorArray,
    steps_per_loop: IntArray,
    rotating_bytes: IntArray,
    order: IntArray,
) -> tuple[FloatArray, FloatArray]:
    """Shift and sync cycles of every plan's operands, its loops nested in ``order``
    (per plan, loop indices outermost first; a broadcast row when all plans share it)."""
    num_plans, num_operands, _ = temporal.shape
    outer = np.ones(num_plans, dtype=np.int64)
    innermost_factor = np.zeros((num_plans, num_operands), dtype=np.int64)
    innermost_outer = np.ones((num_plans, num_operands), dtype=np.int64)
    same_order = order.strides[0] == 0
    for position in range(order.shape[1]):
        if same_order:
            factors = temporal[:, :, order[0, position]]
            steps = steps_per_loop[:, order[0, position]]
        else:
            loop = order[:, position]
            factors = np.take_along_axis(temporal, loop[:, None, None], axis=2)[:, :, 0]
            steps = np.take_along_axis(steps_per_loop, loop[:, None], axis=1)[:, 0]
        split_here = factors > 1
        innermost_factor = np.where(split_here, factors, innermost_factor)
        innermost_outer = np.where(split_here, outer[:, None], innermost_outer)
        outer = outer * steps
    rotations = np.where(innermost_factor > 0, innermost_factor * innermost_outer - 1, 0)
    return (
        cost.shift_cycles(chip, (rotations * rotating_bytes).sum(axis=1)),
        cost.sync_cycles(chip, rotations.sum(axis=1)),
    )


def evaluate(
    space: IterationSpace,
    chip: Chip,
    candidates: _Candidates,
    *,
    nest_every_candidate: bool = False,
) -> dict[str, IntArray]:
    """
    Price every candidate: cycles split by kind, bytes per core, loop order.
    Only candidates that may reach the frontier get their best nesting order;
    the others are priced in loop order (an upper bound on their cycles) unless
    ``nest_every_candidate``.
    """
    rows, temporal = candidates.row_index, candidates.temporal
    op_factor_rows = candidates.op_factor_rows
    num_plans = len(rows)
    element_bytes = chip.bytes_per_element(space.element_type)
    extents = np.asarray(space.loop_extents, dtype=np.int64)
    per_core_rows = -(-extents // op_factor_rows)
    steps_per_loop = temporal.max(axis=1).astype(np.int64)
    compute_steps = np.prod(steps_per_loop, axis=1)
    step_extents = -(-per_core_rows[rows] // steps_per_loop)
    compute = compute_steps * _step_compute_cycles(space, chip, step_extents)

    bytes_per_core = np.zeros(num_plans, dtype=np.int64)
    rotating_bytes = np.zeros((num_plans, len(space.operands)), dtype=np.int64)
    split_ways = np.prod(temporal, axis=2, dtype=np.int64)
    reduce = np.zeros(num_plans)
    for operand, access in enumerate(space.operands):
        piece_rows = _operand_pieces(space, operand, per_core_rows)
        piece = piece_rows[rows]
        rotating = _rotating_elements(space, operand, piece, temporal[:, operand])
        rotating_bytes[:, operand] = rotating * element_bytes
        bytes_per_core += np.where(split_ways[:, operand] > 1, 2, 1) * rotating * element_bytes
        if access.is_output:
            unread = [loop for loop in range(space.num_loops) if loop not in access.indexed_loops]
            partials = _prod(op_factor_rows, unread)[rows] // split_ways[:, operand]
            chunk = -(-np.prod(piece_rows, axis=1)[rows] // partials)
            reduce_steps = partials - 1
            reduce += reduce_steps * (
                cost.shift_cycles(chip, chunk * element_bytes)
                + cost.elementwise_cycles(chip, chunk)
            ) + cost.sync_cycles(chip, reduce_steps)
            bytes_per_core += np.where(partials > 1, chunk * element_bytes, 0)

    # Pricing every nesting order is the costly part: do it only for the
    # candidates that could reach the frontier. Any one order gives an upper
    # bound on a candidate's cycles; rotating each tensor only prod(f_t) - 1
    # times, a lower one. A candidate whose lower bound exceeds the upper bound
    # of one holding no more bytes is dominated whatever its order.
    per_rotation = cost.shift_cycles(chip, rotating_bytes) + cost.sync_cycles(chip, np.ones(1))
    lower = compute + reduce + ((split_ways - 1) * per_rotation).sum(axis=1)
    stepped = np.flatnonzero((steps_per_loop > 1).any(axis=0))
    in_loop_order = np.broadcast_to(stepped, (num_plans, len(stepped)))
    shift, sync = _rotation_cost(chip, temporal, steps_per_loop, rotating_bytes, in_loop_order)
    upper = compute + reduce + shift + sync
    by_bytes = np.argsort(bytes_per_core, kind="stable")
    sorted_bytes = bytes_per_core[by_bytes]
    # Per candidate (in byte order), the last position holding no more bytes than it.
    group_ends = np.append(np.flatnonzero(np.diff(sorted_bytes)), num_plans - 1)
    last_at_most = np.repeat(group_ends, np.diff(np.append(-1, group_ends)))
    best_upper = np.minimum.accumulate(upper[by_bytes])[last_at_most]
    # The bounds sum the same terms in different orders: allow for rounding.
    contenders = (
        np.arange(num_plans)
        if nest_every_candidate
        else by_bytes[best_upper >= lower[by_bytes] * (1 - 1e-9)]
    )
    loop_order = np.where(
        steps_per_loop > 1, np.broadcast_to(np.arange(space.num_loops), steps_per_loop.shape), -1
    )
    shift[contenders], sync[contenders], loop_order[contenders] = _best_nesting(
        chip, temporal[contenders], steps_per_loop[contenders], rotating_bytes[contenders]
    )
    total = compute + shift + sync + reduce
    return {
        "compute_steps": compute_steps,
        "compute_cycles": np.ceil(compute).astype(np.int64),
        "shift_cycles": np.ceil(shift).astype(np.int64),
        "sync_cycles": np.ceil(sync).astype(np.int64),
        "reduce_cycles": np.ceil(reduce).astype(np.int64),
        "cycles": np.ceil(total).astype(np.int64),
        "bytes_per_core": bytes_per_core,
        "loop_order": loop_order,
    }


def _heaviest_first(
    chip: Chip,
    temporal: FactorArray,
    steps_per_loop: IntArray,
    rotating_bytes: IntArray,
    loops: list[int],
) -> IntArray:
    """
    Per plan, ``loops`` sorted by the cost of one traversal of the loop over
    its extra steps, W_d / (X_d - 1), largest outermost: the order an exchange
    argument shows optimal when every tensor rotates along one loop.
    """
    per_rotation = cost.shift_cycles(chip, rotating_bytes) + cost.sync_cycles(chip, np.ones(1))
    columns = np.asarray(loops, dtype=np.int64)
    factors = temporal[:, :, columns]
    weight = (np.where(factors > 1, factors, 0) * per_rotation[:, :, None]).sum(axis=1)
    ratio = weight / (steps_per_loop[:, columns] - 1)
    return columns[np.argsort(-ratio, axis=1, kind="stable")]


def _best_nesting(
    chip: Chip, temporal: FactorArray, steps_per_loop: IntArray, rotating_bytes: IntArray
) -> tuple[FloatArray, FloatArray, IntArray]:
    """
    Per plan, the shift and sync cycles of its nesting order of the loops it
    steps (X_d > 1), and that order (outermost first, padded with -1). Up to
    ``MAX_ORDERED_LOOPS`` stepped loops every order is priced and the cheapest
    kept; beyond, the cheaper of heaviest-first and loop order. Plans stepping the same set of
    loops are priced together, as one contiguous slice.
    """
    num_plans, _, num_loops = temporal.shape
    shift = np.zeros(num_plans)
    sync = np.zeros(num_plans)
    loop_order = np.full((num_plans, num_loops), -1, dtype=np.int64)
    keys = (steps_per_loop > 1) @ (1 << np.arange(num_loops, dtype=np.int64))
    by_key = np.argsort(keys, kind="stable")
    sorted_keys = keys[by_key]
    sorted_temporal = temporal[by_key]
    sorted_steps = steps_per_loop[by_key]
    sorted_bytes = rotating_bytes[by_key]
    sorted_shift = np.zeros(num_plans)
    sorted_sync = np.zeros(num_plans)
    sorted_order = np.full((num_plans, num_loops), -1, dtype=np.int64)
    boundaries = np.flatnonzero(np.diff(sorted_keys)) + 1
    for begin, end in zip(
        np.concatenate([[0], boundaries]), np.concatenate([boundaries, [num_plans]]), strict=True
    ):
        key = int(sorted_keys[begin])
        if key == 0:
            continue
        group = slice(begin, end)
        loops = [loop for loop in range(num_loops) if key >> loop & 1]
        if len(loops) <= MAX_ORDERED_LOOPS:
            orders = [
                np.broadcast_to(np.asarray(order, dtype=np.int64), (end - begin, len(loops)))
                for order in itertools.permutations(loops)
            ]
        else:
            # Loop order too, so no plan is priced above the bound evaluate() prunes with.
            orders = [
                _heaviest_first(
                    chip, sorted_temporal[group], sorted_steps[group], sorted_bytes[group], loops
                ),
                np.broadcast_to(np.asarray(loops, dtype=np.int64), (end - begin, len(loops))),
            ]
        best = np.full(end - begin, np.inf)
        for order in orders:
            order_shift, order_sync = _rotation_cost(
                chip, sorted_temporal[group], sorted_steps[group], sorted_bytes[group], order
            )
            better = order_shift + order_sync < best
            best = np.where(better, order_shift + order_sync, best)
            sorted_shift[group][better] = order_shift[better]
            sorted_sync[group][better] = order_sync[better]
            sorted_order[group][better, : len(loops)] = order[better]
    shift[by_key] = sorted_shift
    sync[by_key] = sorted_sync
    loop_order[by_key] = sorted_order
    return shift, sync, loop_order


def pareto_indices(bytes_per_core: IntArray, cycles: IntArray) -> IntArray:
    """Indices of the Pareto-optimal points (fewer bytes or fewer cycles), by bytes ascending."""
    order = np.lexsort((cycles, bytes_per_core))
    sorted_cycles = cycles[order]
    best_before = np.minimum.accumulate(np.concatenate([[np.iinfo(np.int64).max], sorted_cycles]))
    improves = sorted_cycles < best_before[:-1]
    return order[improves]


def _priced_plan(candidates: _Candidates, priced: dict[str, IntArray], index: int) -> Plan:
    temporal = candidates.temporal[index]
    return Plan(
        op_factors=tuple(int(v) for v in candidates.op_factor_rows[candidates.row_index[index]]),
        temporal_factors=tuple(tuple(int(v) for v in row) for row in temporal),
        loop_order=tuple(
            int(loop)
            for loop in priced["loop_order"][index]
            if loop >= 0 and temporal[:, loop].max() > 1
        ),
        compute_steps=int(priced["compute_steps"][index]),
        compute_cycles=int(priced["compute_cycles"][index]),
        shift_cycles=int(priced["shift_cycles"][index]),
        sync_cycles=int(priced["sync_cycles"][index]),
        reduce_cycles=int(priced["reduce_cycles"][index]),
        cycles=int(priced["cycles"][index]),
        bytes_per_core=int(priced["bytes_per_core"][index]),
    )


_cache: dict[tuple[object, ...], SearchResult] = {}


def _check_chip_supports(space: IterationSpace, chip: Chip) -> None:
    """A PlanningError if ``chip`` has no size or compute rate for the operator's element type."""
    try:
        chip.bytes_per_element(space.element_type)
        if space.op_class in (OpClass.CONTRACTION, OpClass.CONVOLUTION):
            chip.matmul_rate(space.element_type)
    except KeyError as error:
        raise PlanningError(str(error.args[0])) from error


def search_plans(space: IterationSpace, chip: Chip) -> SearchResult:
    """The Pareto frontier of ``space`` on ``chip`` (cached)."""
    key = (space.cache_key(), chip)
    if (cached := _cache.get(key)) is not None:
        return cached
    start = time.perf_counter()
    _check_chip_supports(space, chip)
    candidates = enumerate_candidates(space, chip.cores)
    priced = evaluate(space, chip, candidates)
    fits = np.flatnonzero(priced["bytes_per_core"] <= chip.sram_bytes)
    if len(fits) == 0:
        raise PlanningError(
            f"no plan fits: the smallest needs {int(priced['bytes_per_core'].min())} bytes per "
            f"core, {chip.name} has {chip.sram_bytes}"
        )
    chosen = fits[pareto_indices(priced["bytes_per_core"][fits], priced["cycles"][fits])]
    frontier = tuple(_priced_plan(candidates, priced, int(index)) for index in chosen)
    result = SearchResult(
        space=space,
        chip=chip.name,
        frontier=frontier,
        plans_evaluated=len(candidates.row_index),
        search_seconds=time.perf_counter() - start,
    )
    _cache[key] = result
    return result


def _check_plan_fits(space: IterationSpace, chip: Chip, plan: OpPlanAttr) -> None:
    """A PlanningError if ``plan`` is not one the search could have produced for ``space``."""
    try:
        check_plan(
            plan,
            space.indexing_maps,
            space.loop_extents,
            [access.shape for access in space.operands],
        )
    except VerifyException as error:
        raise PlanningError(f"plan {plan} does not fit the operator: {error}") from error
    op_factors = plan.loop_factors()
    if math.prod(op_factors) > chip.cores:
        raise PlanningError(
            f"plan {plan} needs {math.prod(op_factors)} cores but {chip.name} has {chip.cores}"
        )
    for loop in sorted(space.unsplittable_loops):
        temporal = [plan.operand_temporal(operand)[loop] for operand in range(len(plan.temporal))]
        if op_factors[loop] > 1 or max(temporal) > 1:
            raise PlanningError(
                f"plan {plan} splits loop {loop} (op factor {op_factors[loop]}, temporal "
                f"factors {temporal}), which the planner never splits: no schedule combines "
                "the partial results of that loop"
            )
    for operand in range(len(space.operands)):
        for loop, pace in enumerate(plan.operand_pace(operand)):
            if pace != 1:
                raise PlanningError(
                    f"plan {plan} rotates operand {operand} at pace {pace} on loop {loop}: "
                    "plans are priced (and recorded) with pace 1 only"
                )


def price_plans(space: IterationSpace, chip: Chip, plans: Sequence[OpPlanAttr]) -> tuple[Plan, ...]:
    """
    Price exactly ``plans`` (one ``Plan`` each, in order), each in its best
    nesting order: the figures ``search_plans`` reports for the same plan.
    Raises PlanningError for a plan that does not fit ``space`` or ``chip``.
    """
    _check_chip_supports(space, chip)
    for plan in plans:
        _check_plan_fits(space, chip, plan)
    if not plans:
        return ()
    candidates = _Candidates(
        op_factor_rows=np.asarray([plan.loop_factors() for plan in plans], dtype=np.int64),
        row_index=np.arange(len(plans), dtype=np.int64),
        temporal=np.asarray(
            [
                [plan.operand_temporal(operand) for operand in range(len(space.operands))]
                for plan in plans
            ],
            dtype=np.int16,
        ),
    )
    priced = evaluate(space, chip, candidates, nest_every_candidate=True)
    return tuple(_priced_plan(candidates, priced, index) for index in range(len(plans)))
