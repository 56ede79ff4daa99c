"""Per-operator plan search: enumerate rTensor plans, price them, keep the Pareto frontier.

A plan splits an operator's loops over a grid of cores (``op_factors``, F_op)
and cuts each operand's per-core piece into ``temporal`` factors per loop that
rotate round the cores sharing it (DESIGN §2). The search

1. enumerates F_op: every tuple of loop factors that uses at least
   ``MIN_CORE_FRACTION`` of the cores the operator can use without leaving a
   core's loop range entirely padding, and never splits a sliding window's
   inner loop nor a reduction loop that an output still indexes
   (``unsplittable_loops``); then the tuples that do leave some cores' range
   entirely padding (idle cores), as long as no loop is padded more than
   ``rtensor.MAX_IDLE_PADDING_PERCENT``, the published T10 planner's bound, and they
   use as many cores. An idle core computes nothing but still holds and passes
   on the pieces rotating round its rings: the extra ring members let a shared
   operand be cut into more, smaller pieces, and so lower memory. Such plans
   reach the frontier only where they do (no padding-free plan as fast holds
   as few bytes); at equal price the padding-free plan, enumerated first, wins;
2. enumerates, per F_op, every operand's temporal factors (their product
   divides the operand's replication count; no rotating piece is entirely
   padding) and keeps the combinations whose factors form a divisibility chain
   on every loop;
3. prices the candidates at once with numpy (``t10.hwmodel.cost``), drops those
   over the per-core SRAM, and keeps the Pareto frontier of (bytes per core,
   cycles).

Most candidates are never built: a branch and bound (``_promising_candidates``)
prices the plans in which one operand alone rotates, then the completions of
the most promising partial combinations of operand options (a probe that
usually lands near the frontier), and drops every partial combination, then
every candidate, that one of those real plans beats strictly on both its bytes
and a lower bound of its cycles. The bounds are exact lower bounds of the
cost model (bytes add up per operand; a tensor cut into ``w`` pieces rotates
at least ``w - 1`` times, and on a mesh at least ``f - 1`` times round each ring
of ``f``, each message at least one hop; compute is bounded
through the cost model's own functions, ``_compute_lower_bound``), so the
frontier, and the plan standing for each of its points, is that of pricing
every candidate (``enumerate_candidates``); the tests compare the two. The
count of candidates is still exact: the options of the last operand that keep
the divisibility chains are counted as bitmasks, not built.

Paces are all 1: a rotation costs the same bytes at any pace, and the rings the
lowering lays put each core next to the one it receives from at pace 1, so no
other pace can reach the frontier. Results are cached per (iteration space, chip).

Schedule model priced here (the one ``t10-insert-shifts`` emits):
- compute steps = prod over loops of X_d, the largest temporal factor on d;
- the loops with X_d > 1 are nested in the order that minimises shift and sync
  cost; a tensor rotates each time the innermost loop that splits it advances,
  so it rotates ``f_t * prod(X outside that loop) - 1`` times;
- on a network with latency (a mesh's hops), each rotation also pays, once per
  buffer of the operand's piece (``prod(X_d / f_t)`` step slices) where a core
  takes one message at a time, the latency between the farthest pair of
  neighbours (last back to first included) of the ring ``t10-lower-to-tile``
  lays for it on the chip's cores (``rings.lay_rings``), on every loop it rotates
  on: ``f_t * prod(X outside the loop) - 1`` times round each ring;
- an output replicated over split reduction loops and not fully rotating holds
  ``p`` partial sums that a ring reduce-scatter combines after the last step:
  ``p - 1`` steps, each moving and adding a ``1/p`` chunk (by its bytes: the
  simulated chip charges a ``tile.reduce_scatter`` no network latency).
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
from numpy.typing import NDArray
from xdsl.utils.exceptions import VerifyException

from t10.dialects.rtensor import OpPlanAttr, check_plan, spatial_split_allowed
from t10.hwmodel import cost
from t10.hwmodel.chip import Chip, MatmulRate, Mesh2D
from t10.passes.iteration_space import IterationSpace, PlanningError
from t10.passes.rings import (
    Ring,
    RingError,
    lay_rings,
    least_ring_latencies,
    ring_latencies,
)

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
FactorArray = NDArray[np.int16]
"""Temporal factors, stored narrow: there are millions of candidates and no factor exceeds a
chip's core count."""

MIN_CORE_FRACTION = 0.9
"""Plans use at least this fraction of the cores an operator can use."""

ROUNDING = 1e-9
"""Relative slack when a bound is compared with a price: they sum the same terms in different
orders."""

MAX_ORDERED_LOOPS = 3
"""Up to this many stepped loops, every nesting order is priced; beyond, two of them."""

LAYOUT_CACHE_SIZE = 1 << 14
"""How many ring layouts (grid extents along the loops rotating operands do not index,
their temporal factors, stepped loops) the plan search keeps laid."""

MAX_ITERATION_POINTS = 1 << 53
"""The most iteration points an operator may have: its costs (points, bytes, cycles) are
computed in 64-bit integers and floats, exact up to here (the largest layers of today's
models have about 2^44)."""


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
        return _plan_attr(self.op_factors, self.temporal_factors)

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


@cache
def _plan_attr(
    op_factors: tuple[int, ...], temporal_factors: tuple[tuple[int, ...], ...]
) -> OpPlanAttr:
    """One attribute per plan: every layer of a model carries the same frontiers."""
    return OpPlanAttr(op_factors, temporal_factors)


@dataclass(frozen=True)
class SearchResult:
    """The frontier of one operator on one chip."""

    space: IterationSpace
    chip: str
    frontier: tuple[Plan, ...]
    """Sorted by bytes per core (ascending), so cycles descend."""
    plans_evaluated: int
    """Candidates enumerated (implicitly): every valid plan, priced or ruled out by a bound."""
    plans_priced: int
    """Plans priced in full (``evaluate``); the others were ruled out by bounds."""
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
    """
    Every F_op row (one factor per loop) the search considers, as an (n, loops)
    array: the padding-free rows that use most of the cores
    (``_padding_free_op_factors``), then the rows that leave some cores' range
    along a loop entirely padding, within ``spatial_split_allowed``'s bound, and
    use at least as many cores as the least of those. Padding-free rows come
    first, so that between plans of equal price the search keeps one with no
    idle core.
    """
    padding_free = _padding_free_op_factors(space, cores)
    if len(padding_free) == 0:
        return padding_free
    fixed = space.unsplittable_loops
    per_loop = [
        np.asarray(
            [1]
            if loop in fixed
            else [
                factor
                for factor in range(1, min(extent, cores) + 1)
                if spatial_split_allowed(extent, factor)
            ],
            dtype=np.int64,
        )
        for loop, extent in enumerate(space.loop_extents)
    ]
    rows = _rows_using(per_loop, int(padding_free.prod(axis=1).min()), cores)
    extents = np.asarray(space.loop_extents, dtype=np.int64)
    pieces = -(-extents // rows)
    # A row whose outputs have no temporal option simply yields no candidate.
    return np.concatenate([padding_free, rows[(rows > -(-extents // pieces)).any(axis=1)]])


def _rows_using(per_loop: Sequence[IntArray], least: int, most: int) -> IntArray:
    """Every row of one option per loop (``per_loop``: ascending) whose product is between
    ``least`` and ``most``, built without the rows outside: per prefix, the options that
    can still reach ``least`` and stay within ``most`` are a range of each loop's options."""
    rows = np.ones((1, 0), dtype=np.int64)
    products = np.ones(1, dtype=np.int64)
    for loop, options in enumerate(per_loop):
        # Capped at ``most``: beyond it the lower end is the first option anyway.
        rest = min(math.prod(int(later.max()) for later in per_loop[loop + 1 :]), most)
        first = np.searchsorted(options, -(-least // (products * rest)), side="left")
        last = np.searchsorted(options, most // products, side="right")
        counts = np.maximum(last - first, 0)
        parent = np.repeat(np.arange(len(rows)), counts)
        position = np.arange(int(counts.sum())) + np.repeat(
            first - (np.cumsum(counts) - counts), counts
        )
        chosen = options[position]
        rows = np.concatenate([rows[parent], chosen[:, None]], axis=1)
        products = products[parent] * chosen
    return rows


def _padding_free_op_factors(space: IterationSpace, cores: int) -> IntArray:
    """The F_op rows that leave no core's range along a loop entirely padding and use at
    least ``MIN_CORE_FRACTION`` of the most cores such a row with a plan uses."""
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
    # The most cores a row that can be scheduled uses: valid factors may not reach the chip's
    # core count, and a split whose output partial sums cannot be reduce-scattered has no plan.
    viable = np.zeros(len(rows), dtype=bool)
    checked = np.zeros(len(rows), dtype=bool)
    usable = int(products.max())
    while True:
        candidates = (products >= math.ceil(MIN_CORE_FRACTION * usable)) & ~checked
        viable[candidates] = _rows_with_plans(space, rows[candidates])
        checked |= candidates
        if not viable.any():
            lower = products[~checked]
            if len(lower) == 0:
                return rows[:0]
            usable = int(lower.max())
            continue
        best = int(products[viable].max())
        if best == usable:
            return rows[viable & (products >= math.ceil(MIN_CORE_FRACTION * usable))]
        usable = best


def _rows_with_plans(space: IterationSpace, op_factor_rows: IntArray) -> NDArray[np.bool_]:
    """Per F_op row, whether every output has a temporal option (one that can be scheduled)."""
    has_plans = np.ones(len(op_factor_rows), dtype=bool)
    extents = np.asarray(space.loop_extents, dtype=np.int64)
    per_core_rows = -(-extents // op_factor_rows)
    for access, loops in zip(space.operands, _operand_split_loops(space), strict=True):
        if access.is_output:
            unread = [loop for loop in range(space.num_loops) if loop not in access.indexed_loops]
            replications = _prod(op_factor_rows, unread)
            _, counts = _temporal_options(replications, per_core_rows[:, loops], True)
            has_plans &= counts > 0
    return has_plans


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


def _padding_free(caps: IntArray, largest_factor: int) -> tuple[NDArray[np.bool_], IntArray]:
    """
    A table ``[extent, factor]``: whether cutting an extent into ``factor``
    parts leaves no part all padding, over the distinct extents of ``caps``;
    and ``caps`` as rows of that table. One lookup serves the millions of
    (extent, factor) pairs options test.
    """
    distinct, extent_rows = np.unique(caps.ravel(), return_inverse=True)
    extent = distinct[:, None]
    factor = np.arange(largest_factor + 1)[None, :]
    table = (factor >= 1) & ((factor - 1) * -(-extent // np.maximum(factor, 1)) < extent)
    return table, extent_rows.reshape(caps.shape)


def _scatterable(
    options: IntArray, replication: int, cap_rows: IntArray, padding_free: NDArray[np.bool_]
) -> NDArray[np.bool_]:
    """
    ``[row, option]``: whether an output's temporal option leaves
    ``replication / prod(option)`` partial sums that can be reduce-scattered on
    a row of per-core extents (along the output's split loops; ``cap_rows``:
    their rows of the ``padding_free`` table): cut into that many chunks, none
    all padding (``shift.reduce_scatter``).
    """
    parts = cap_rows.shape[1]
    partials = replication // np.prod(options, axis=1)
    scatterable = np.repeat((partials == 1)[None, :], len(cap_rows), axis=0)
    for count in np.unique(partials[partials > 1]):
        chosen = np.flatnonzero(partials == count)
        cuts = np.asarray(_ordered_factorisations(int(count), parts), dtype=np.int64)
        combined = options[chosen][:, None, :] * cuts.reshape(len(cuts), parts)[None]
        fits = padding_free[cap_rows[:, None, None, :], combined[None]]
        scatterable[:, chosen] = np.any(np.all(fits, axis=3), axis=2)
    return scatterable


def _temporal_options(
    replications: IntArray, caps: IntArray, is_output: bool
) -> tuple[IntArray, IntArray]:
    """
    Per row (a replication count and the per-core extents ``caps`` along an
    operand's split loops), its temporal factors: those whose product divides
    the replication count and that leave no rotating piece entirely padding.
    An output's options must also leave partial sums that a reduce-scatter can
    cut into non-empty chunks (a plan whose partial sums have nowhere to go
    cannot be scheduled). Returns the rows' options, row after row (each row's
    in ``_factorisations_dividing`` order), and how many each row has. Rows
    sharing a replication count are tested together.
    """
    parts = caps.shape[1]
    padding_free, cap_rows = _padding_free(caps, int(replications.max(initial=1)))
    option_row: list[IntArray] = [np.zeros(0, dtype=np.int64)]
    option_table: list[IntArray] = [np.zeros((0, parts), dtype=np.int64)]
    for replication in np.unique(replications):
        rows = np.flatnonzero(replications == replication)
        options = _factorisations_dividing(int(replication), parts)
        allowed = padding_free[cap_rows[rows][:, None, :], options[None]].all(axis=2)
        if is_output:
            allowed &= _scatterable(options, int(replication), cap_rows[rows], padding_free)
        row, option = np.nonzero(allowed)
        option_row.append(rows[row])
        option_table.append(options[option])
    rows_of_options = np.concatenate(option_row)
    by_row = np.argsort(rows_of_options, kind="stable")
    counts = np.bincount(rows_of_options, minlength=len(replications)).astype(np.int64)
    return np.concatenate(option_table)[by_row], counts


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


@dataclass(frozen=True)
class _OperandOptions:
    """One operand's temporal options on every F_op row, the rows' lists concatenated."""

    loops: list[int]
    """The loops the options split (an operand's f_t exceeds 1 only there)."""
    table: IntArray
    """(options, len(loops)): every row's options, row after row."""
    row_start: IntArray
    """(rows,): where each F_op row's options start in ``table``."""
    row_count: IntArray
    """(rows,): how many options each F_op row has."""

    @property
    def option_rows(self) -> IntArray:
        """(options,): the F_op row of each option."""
        return np.repeat(np.arange(len(self.row_count)), self.row_count)


def _operand_options(
    space: IterationSpace, op_factor_rows: IntArray, rotation: bool = True
) -> list[_OperandOptions]:
    """Every operand's temporal options; without ``rotation`` only the all-ones one (each
    core holds its whole piece: operands shared by several cores are replicated)."""
    extents = np.asarray(space.loop_extents, dtype=np.int64)
    per_core_rows = -(-extents // op_factor_rows)
    options: list[_OperandOptions] = []
    for access, loops in zip(space.operands, _operand_split_loops(space), strict=True):
        unread = [loop for loop in range(space.num_loops) if loop not in access.indexed_loops]
        replications = _prod(op_factor_rows, unread)
        table, counts = _temporal_options(replications, per_core_rows[:, loops], access.is_output)
        if not rotation:
            rows = np.repeat(np.arange(len(counts)), counts)
            still = (table == 1).all(axis=1)
            table = table[still]
            counts = np.bincount(rows[still], minlength=len(counts)).astype(np.int64)
        options.append(
            _OperandOptions(
                loops=loops, table=table, row_start=np.cumsum(counts) - counts, row_count=counts
            )
        )
    return options


@dataclass(frozen=True)
class _Partial:
    """Combinations of the options of some operands (the others' factors all 1)."""

    row_index: IntArray
    temporal: FactorArray
    choice: IntArray
    """(n, operands): each chosen operand's option (its index in the operand's table)."""


def _chains_hold(
    options: list[_OperandOptions],
    operand: int,
    operand_table: IntArray,
    other: int,
    other_table: IntArray,
) -> NDArray[np.bool_]:
    """Whether each pair of rows of the two tables forms a divisibility chain on every loop."""
    holds = np.ones(len(operand_table), dtype=bool)
    if len(operand_table) == 0:
        return holds
    for column, loop in enumerate(options[operand].loops):
        if loop in options[other].loops:
            mine = operand_table[:, column]
            theirs = other_table[:, options[other].loops.index(loop)]
            holds &= _divisibility_table(max(int(mine.max()), int(theirs.max())))[mine, theirs]
    return holds


@cache
def _divisibility_table(largest: int) -> NDArray[np.bool_]:
    """``[a, b]``: whether the smaller of ``a`` and ``b`` divides the larger (1 <= a, b <=
    ``largest``); a lookup is much cheaper than integer division over millions of pairs."""
    values = np.arange(largest + 1)
    low = np.maximum(np.minimum(values[:, None], values[None, :]), 1)
    return np.maximum(values[:, None], values[None, :]) % low == 0


def _extend(
    partial: _Partial, options: list[_OperandOptions], operand: int, chosen: Sequence[int]
) -> _Partial:
    """Every partial combination times every option of ``operand`` that keeps the chains with
    the ``chosen`` operands, in (partial, option) order."""
    operand_options = options[operand]
    counts = operand_options.row_count[partial.row_index]
    parent = np.repeat(np.arange(len(counts)), counts)
    option = np.arange(len(parent)) + np.repeat(
        operand_options.row_start[partial.row_index] - (np.cumsum(counts) - counts), counts
    )
    table = operand_options.table[option]
    keep = np.ones(len(parent), dtype=bool)
    for other in chosen:
        if set(operand_options.loops) & set(options[other].loops):
            other_table = options[other].table[partial.choice[parent, other]]
            keep &= _chains_hold(options, operand, table, other, other_table)
    parent, option, table = parent[keep], option[keep], table[keep]
    temporal = partial.temporal[parent]
    temporal[:, operand, operand_options.loops] = table
    choice = partial.choice[parent]
    choice[:, operand] = option
    return _Partial(partial.row_index[parent], temporal, choice)


def _rows_alone(op_factor_rows: IntArray, num_operands: int) -> _Partial:
    """One partial per F_op row, no operand's options chosen yet."""
    rows = len(op_factor_rows)
    return _Partial(
        np.arange(rows),
        np.ones((rows, num_operands, op_factor_rows.shape[1]), dtype=np.int16),
        np.zeros((rows, num_operands), dtype=np.int64),
    )


def enumerate_candidates(space: IterationSpace, cores: int, rotation: bool = True) -> _Candidates:
    """
    Every valid (F_op, temporal factors) combination, as arrays, exhaustively:
    per F_op row, the product of its operands' temporal options, less the
    combinations that break a divisibility chain. The search prunes this set
    (``_promising_candidates``); tests compare the two.
    """
    op_factor_rows = enumerate_op_factors(space, cores)
    options = _operand_options(space, op_factor_rows, rotation)
    partial = _rows_alone(op_factor_rows, len(options))
    for operand in range(len(options)):
        partial = _extend(partial, options, operand, range(operand))
    if len(partial.row_index) == 0:
        raise _no_split(space, cores)
    return _Candidates(op_factor_rows, partial.row_index, partial.temporal)


def _no_split(space: IterationSpace, cores: int) -> PlanningError:
    return PlanningError(f"no plan splits loops {list(space.loop_extents)} over {cores} cores")


def _prod(array: IntArray, loops: Sequence[int]) -> IntArray:
    if not loops:
        return np.ones(len(array), dtype=np.int64)
    return np.prod(array[:, list(loops)], axis=1)


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


def _steps_per_loop(temporal: FactorArray) -> IntArray:
    """Per plan and loop, its compute steps X_d: the largest temporal factor of an operand on
    the loop (an elementwise maximum over the few operands is much faster than ``max`` along
    their short axis)."""
    steps = temporal[:, 0].astype(np.int64)
    for operand in range(1, temporal.shape[1]):
        np.maximum(steps, temporal[:, operand], out=steps)
    return steps


def _compute_cycles(
    space: IterationSpace, chip: Chip, per_core: IntArray, steps_per_loop: IntArray
) -> FloatArray:
    """Compute cycles of plans with these per-core extents and steps per loop (X_d)."""
    step_extents = -(-per_core // steps_per_loop)
    return np.prod(steps_per_loop, axis=1) * cost.step_compute_cycles(chip, space, step_extents)


CALL_ROLES: tuple[str, ...] = ("m", "k", "n")
"""A matmul call's roles, in ``cost.matmul_call_cycles``'s order."""

PROBE_BLOCKS = ((2, 3, 5), (7, 1, 4), (13, 11, 17), (1, 64, 9))
"""Block counts (m, k, n) at which a call's polynomial is checked against the cost model."""


@cache
def matmul_call_polynomial(rate: MatmulRate) -> tuple[tuple[frozenset[str], float], ...]:
    """
    One matmul call's cycles as a polynomial in its block counts per role,
    ``sum of coefficient x product of the counts of its roles``, read off
    ``cost.matmul_call_cycles`` at zero and one block per role (a Moebius
    inversion over those eight corners); terms with a zero coefficient are
    left out. The compute bound needs the coefficients not negative and the
    call linear in each role's blocks: a PlanningError if the cost model's
    call is not (checked at ``PROBE_BLOCKS``).
    """

    def call(blocks: Sequence[int]) -> float:
        sizes = [
            np.asarray([count * size], dtype=np.int64)
            for count, size in zip(blocks, (rate.block.m, rate.block.k, rate.block.n), strict=True)
        ]
        return float(cost.matmul_call_cycles(rate, *sizes)[0])

    corners = {
        frozenset(role for role, whole in zip(CALL_ROLES, corner, strict=True) if whole): call(
            corner
        )
        for corner in itertools.product((0, 1), repeat=len(CALL_ROLES))
    }
    terms = tuple(
        (roles, coefficient)
        for roles in corners
        if (
            coefficient := sum(
                (-1) ** len(roles - subset) * value
                for subset, value in corners.items()
                if subset <= roles
            )
        )
        != 0
    )
    for blocks in PROBE_BLOCKS:
        counts = dict(zip(CALL_ROLES, blocks, strict=True))
        polynomial = sum(
            coefficient * math.prod(counts[role] for role in roles) for roles, coefficient in terms
        )
        if any(coefficient < 0 for _, coefficient in terms) or not math.isclose(
            polynomial, call(blocks), rel_tol=ROUNDING
        ):
            raise PlanningError(
                f"the plan search bounds a {rate.dtype} matmul call's cycles by a polynomial in "
                "its block counts with no negative coefficient, linear in each count; "
                f"cost.matmul_call_cycles is not one (at {blocks} blocks: {call(blocks)} "
                f"cycles, the polynomial through 0 and 1 blocks gives {polynomial})"
            )
    return terms


def _compute_lower_bound(
    space: IterationSpace,
    chip: Chip,
    per_core_rows: IntArray,
    rows: IntArray,
    least_steps: IntArray | FactorArray,
) -> FloatArray:
    """
    A lower bound on ``_compute_cycles`` of every plan with the per-core
    extents of F_op ``rows`` that takes at least ``least_steps`` steps on each
    loop, priced by the cost model's own functions, so it follows any chip
    and any change to them.

    A plan of ``S`` steps costs ``S f(w)``: ``f`` the cycles of one step,
    ``w`` its work, and ``S w`` at least the work ``W`` of the whole per-core
    extent. An elementwise, reduction or copy rate (``cost.step_compute_cycles``)
    is a nondecreasing concave ``f`` with ``f(0) >= 0`` (so much per unit
    plus a fixed launch), for which ``S f(w) >= S f(W / S) >= f(W) + (S - 1)
    f(0)``, which only grows with ``S``: ``f(W) + (s - 1) f(0)`` bounds every
    plan of at least ``s`` steps, so every plan that extends a partial choice
    of temporal factors.

    A matmul call's cycles are a polynomial in its block counts per role
    (``matmul_call_polynomial``); each term, times the steps, is the product of
    its roles' blocks over all steps and the steps of the other roles, at
    least the role's per-core extent in whole blocks (and at least one block
    per step) and at least ``s`` steps.
    """

    def steps(loops: Sequence[int]) -> FloatArray:
        return np.prod(least_steps[:, list(loops)], axis=1, dtype=np.int64).astype(np.float64)

    matmul_loops = space.matmul_loops
    if matmul_loops is not None and chip.has_matmul_rate(space.element_type):
        rate = chip.matmul_rate(space.element_type)
        role_loops: dict[str, tuple[int, ...]] = {
            "m": matmul_loops.m,
            "k": matmul_loops.k,
            "n": matmul_loops.n,
        }
        role_steps = {role: steps(loops) for role, loops in role_loops.items()}

        def least_blocks(role: str, block: int) -> FloatArray:
            # Per F_op row first: there are far fewer rows than partial plans.
            whole_blocks = np.ceil(_prod(per_core_rows, role_loops[role]) / block)
            return np.maximum(whole_blocks[rows], role_steps[role])

        def orientation(row_role: str, column_role: str) -> FloatArray:
            call_roles: dict[str, str] = {"m": row_role, "k": "k", "n": column_role}
            blocks = {
                "m": least_blocks(row_role, rate.block.m),
                "k": least_blocks("k", rate.block.k),
                "n": least_blocks(column_role, rate.block.n),
            }
            bound = np.zeros(len(rows))
            for roles, coefficient in matmul_call_polynomial(rate):
                term = np.full(len(rows), coefficient)
                for role in CALL_ROLES:
                    term *= blocks[role] if role in roles else role_steps[call_roles[role]]
                bound += term
            return bound

        # The cost model takes the cheaper of C = A B and C^T = B^T A^T per call.
        calls = _prod(per_core_rows, matmul_loops.batch).astype(np.float64)[rows]
        return calls * np.minimum(orientation("m", "n"), orientation("n", "m"))
    whole = cost.step_compute_cycles(chip, space, per_core_rows)[rows]
    nothing = cost.step_compute_cycles(chip, space, np.zeros((1, space.num_loops), np.int64))
    return whole + (steps(range(space.num_loops)) - 1) * nothing


@dataclass(frozen=True)
class _OperandCost:
    """What one operand adds to each plan's price."""

    rotating_bytes: IntArray
    """Bytes of one rotating piece."""
    bytes_per_core: IntArray
    """Its pieces (double-buffered when rotating), plus partial-sum chunks for an output."""
    reduce_cycles: FloatArray
    """Cycles of the reduce-scatter combining an output's partial sums (0 for inputs)."""


def _operand_cost(
    space: IterationSpace,
    chip: Chip,
    operand: int,
    op_factor_rows: IntArray,
    rows: IntArray,
    temporal: FactorArray,
) -> _OperandCost:
    """The operand's share of the price of plans on F_op ``rows`` with its ``temporal`` factors."""
    access = space.operands[operand]
    element_bytes = chip.bytes_per_element(access.element_type)
    extents = np.asarray(space.loop_extents, dtype=np.int64)
    piece_rows = _operand_pieces(space, operand, -(-extents // op_factor_rows))
    rotating = _rotating_elements(space, operand, piece_rows[rows], temporal)
    split_ways = np.prod(temporal, axis=1, dtype=np.int64)
    bytes_per_core = np.where(split_ways > 1, 2, 1) * rotating * element_bytes
    reduce = np.zeros(len(rows))
    if access.is_output:
        partials, chunk = _partial_sums(
            space, operand, op_factor_rows[rows], piece_rows[rows], split_ways
        )
        reduce_steps = partials - 1
        reduce = reduce_steps * (
            cost.shift_cycles(chip, chunk * element_bytes)
            + cost.exchange_phases_cycles(chip, 1)
            + cost.elementwise_cycles(chip, chunk)
        ) + cost.sync_cycles(chip, reduce_steps)
        bytes_per_core = bytes_per_core + np.where(partials > 1, chunk * element_bytes, 0)
    return _OperandCost(rotating * element_bytes, bytes_per_core, reduce)


def _partial_sums(
    space: IterationSpace,
    operand: int,
    op_factor_rows: IntArray,
    piece_rows: IntArray,
    split_ways: IntArray,
) -> tuple[IntArray, IntArray]:
    """Per plan, how many partial sums of output ``operand`` the cores sharing a piece of
    it hold (1: none to combine) and the elements of the chunk each keeps after the
    reduce-scatter: its piece (``piece_rows``) is replicated over the split loops it does
    not index, and a piece cut ``split_ways`` rotates round that many of them."""
    access = space.operands[operand]
    unread = [loop for loop in range(space.num_loops) if loop not in access.indexed_loops]
    partials = _prod(op_factor_rows, unread) // split_ways
    return partials, -(-np.prod(piece_rows, axis=1) // partials)


def initial_combine_cycles(
    space: IterationSpace, chip: Chip, operand: int, plans: Sequence[Plan]
) -> FloatArray:
    """
    Per plan, what output ``operand`` costs when its initial value is data (another
    operator's result or an argument, not the combiner's identity) and the plan combines
    partial sums of it, as
    ``t10-lower-to-tile`` does: every copy starts from the identity (``fill_cycles``)
    so the value counts once, and after the reduce-scatter a sync and an elementwise
    combine add it into each core's chunk. 0 for plans without partial sums.
    """
    op_factor_rows = np.asarray([plan.op_factors for plan in plans], dtype=np.int64)
    temporal = np.asarray([plan.temporal_factors[operand] for plan in plans], dtype=np.int64)
    extents = np.asarray(space.loop_extents, dtype=np.int64)
    piece_rows = _operand_pieces(space, operand, -(-extents // op_factor_rows))
    partials, chunk = _partial_sums(
        space, operand, op_factor_rows, piece_rows, np.prod(temporal, axis=1)
    )
    combining = (
        fill_cycles(space, chip, operand, plans)
        + chip.sync.cycles
        + cost.elementwise_cycles(chip, chunk)
    )
    return np.where(partials > 1, combining, 0.0)


def _per_rotation_cycles(chip: Chip, rotating_bytes: IntArray) -> FloatArray:
    """Cycles of one rotation of pieces of ``rotating_bytes``: the exchange, its phase
    overhead and its syncs."""
    return (
        cost.shift_cycles(chip, rotating_bytes)
        + cost.exchange_phases_cycles(chip, 1)
        + cost.sync_cycles(chip, np.ones(1))
    )


def _network_latency(chip: Chip) -> bool:
    """Whether a transfer on ``chip`` pays a distance-dependent latency (a mesh's hops)."""
    topology = chip.topology
    return isinstance(topology, Mesh2D) and topology.hop_latency_cycles > 0


def _interacting_operands(space: IterationSpace) -> list[list[int]]:
    """The operands in groups whose rings may constrain each other's: operands linked by
    loops neither indexes. Rings of operands with no unread loop in common lie along
    different grid axes, so the lowering lays each group's as if it alone rotated."""
    groups: list[tuple[set[int], list[int]]] = []
    for operand, access in enumerate(space.operands):
        unread = set(range(space.num_loops)) - set(access.indexed_loops)
        operands = [operand]
        for group in [group for group in groups if group[0] & unread]:
            groups.remove(group)
            unread |= group[0]
            operands += group[1]
        groups.append((unread, sorted(operands)))
    return [operands for _, operands in groups]


@dataclass(frozen=True)
class _LeastRing:
    """Stands for the ring of a rotation the lowering cannot lay (the plan is refused
    there): priced at the least latency of any ring of its size along ``unread``."""

    unread: tuple[int, ...]
    size: int


def _rotation_latencies(
    space: IterationSpace, chip: Chip, candidates: _Candidates, steps_per_loop: IntArray
) -> FloatArray | None:
    """
    (plans, operands, loops): the latency cycles each rotation of the operand on the
    loop pays (``cost.rotation_latency_cycles``): the farthest pair of ring neighbours
    of the ring ``t10-lower-to-tile`` lays for it (``rings.lay_rings``), once per
    message (buffer) of the operand's piece; 0 where it does not rotate. None on a chip
    whose network adds no latency.

    A group of operands whose rings interact (``_interacting_operands``) lays them by
    the grid's extents on the loops they do not index, their temporal factors and
    (several operands) which loops are stepped: rings are laid once per distinct such
    layout, and priced once per ring and shape of grid (``rings.ring_latencies``).
    """
    if not _network_latency(chip):
        return None
    rows, temporal = candidates.row_index, candidates.temporal
    num_plans, num_operands, num_loops = temporal.shape
    used_loops = tuple(frozenset(access.indexed_loops) for access in space.operands)
    ring_latency = np.zeros((num_plans, num_operands, num_loops))
    for group in _interacting_operands(space):
        rotating = np.flatnonzero((temporal[:, group] > 1).any(axis=(1, 2)))
        if len(rotating) == 0:
            continue
        unread = sorted(
            set(range(num_loops)).difference(*(used_loops[operand] for operand in group))
        )
        group_temporal = temporal[rotating][:, group].reshape(len(rotating), -1)
        # Which loops are stepped keeps rings apart (an operand's sliced loops); an
        # operand alone only meets its own rings, on loops it rotates on and so steps.
        stepped = (
            np.zeros((len(rotating), 0), dtype=np.int64)
            if len(group) == 1
            else (steps_per_loop[rotating] > 1).astype(np.int64)
        )
        grids = candidates.op_factor_rows[rows[rotating]]
        layouts, layout_of = np.unique(
            np.concatenate([grids[:, unread], group_temporal.astype(np.int64), stepped], axis=1),
            axis=0,
            return_inverse=True,
        )
        specs: dict[Ring | _LeastRing, int] = {}
        # Per layout, per operand of the group and loop: its ring's index in ``specs``.
        layout_rings = np.full((len(layouts), len(group), num_loops), -1, dtype=np.int64)
        for index, layout in enumerate(layouts.tolist()):
            layout_rings[index] = _lay_group_rings(
                space, group, unread, layout, specs, num_loops, used_loops
            )
        spec_of = layout_rings[layout_of.ravel()].ravel()
        # Every (plan, operand of the group, loop) by ring, so that each ring's are a slice.
        by_spec = np.argsort(spec_of, kind="stable")
        bounds = np.searchsorted(spec_of[by_spec], np.arange(len(specs) + 1))
        for spec, spec_index in specs.items():
            plan, member, loop = np.unravel_index(
                by_spec[bounds[spec_index] : bounds[spec_index + 1]],
                (len(rotating), len(group), num_loops),
            )
            plan_grids, grid_of = np.unique(grids[plan], axis=0, return_inverse=True)
            latencies = (
                ring_latencies(chip, plan_grids, spec)
                if isinstance(spec, Ring)
                else least_ring_latencies(chip, plan_grids, spec.unread, spec.size)
            )
            ring_latency[rotating[plan], np.asarray(group)[member], loop] = latencies[
                grid_of.ravel()
            ]
    messages = _messages(space, temporal, steps_per_loop)[:, :, None]
    return np.where(temporal > 1, cost.rotation_latency_cycles(chip, ring_latency, messages), 0.0)


def _lay_group_rings(
    space: IterationSpace,
    group: list[int],
    unread: list[int],
    layout: list[int],
    specs: dict[Ring | _LeastRing, int],
    num_loops: int,
    used_loops: tuple[frozenset[int], ...],
) -> IntArray:
    """The rings of one layout of a group's rotations (a row of ``_rotation_latencies``'
    layouts: grid extents on ``unread``, the group's temporal factors, stepped loops),
    as indices into ``specs`` (extended with the new ones), -1 where nothing rotates."""
    grid = [1] * num_loops
    for position, loop in enumerate(unread):
        grid[loop] = layout[position]
    group_factors = layout[len(unread) : len(unread) + len(group) * num_loops]
    stepped = layout[len(unread) + len(group) * num_loops :]
    factors = [[1] * num_loops for _ in space.operands]
    for position, operand in enumerate(group):
        factors[operand] = group_factors[position * num_loops : (position + 1) * num_loops]
    steps = (
        [2 if step else 1 for step in stepped]
        if stepped
        else [2 if factor > 1 else 1 for factor in factors[group[0]]]
    )
    rings = _laid_rings(tuple(grid), tuple(steps), used_loops, tuple(tuple(row) for row in factors))
    indices = np.full((len(group), num_loops), -1, dtype=np.int64)
    for (operand, loop), ring in rings:
        indices[group.index(operand), loop] = specs.setdefault(ring, len(specs))
    return indices


@lru_cache(maxsize=LAYOUT_CACHE_SIZE)
def _laid_rings(
    grid: tuple[int, ...],
    steps: tuple[int, ...],
    used_loops: tuple[frozenset[int], ...],
    temporal: tuple[tuple[int, ...], ...],
) -> tuple[tuple[tuple[int, int], Ring | _LeastRing], ...]:
    """``rings.lay_rings``, or for a plan the lowering refuses, a ``_LeastRing`` for each of
    its rotations; the searches of one operator lay the same layouts again and again."""
    try:
        return tuple(lay_rings(grid, steps, used_loops, temporal).items())
    except RingError:
        return tuple(
            (
                (operand, loop),
                _LeastRing(
                    tuple(axis for axis in range(len(grid)) if axis not in used_loops[operand]),
                    factor,
                ),
            )
            for operand, factors in enumerate(temporal)
            for loop, factor in enumerate(factors)
            if factor > 1
        )


def _least_latency_cycles(chip: Chip, temporal: FactorArray) -> FloatArray:
    """Per plan rotating an operand by ``temporal``, a lower bound of the latency cycles
    its rotations pay: on each loop, ``f - 1`` rotations of one message round a ring of
    ``f`` distinct cores, whose farthest neighbours are at least one hop apart."""
    return cost.rotation_latency_cycles(
        chip, cost.hop_latency_cycles(chip), (temporal.astype(np.int64) - 1).sum(axis=1)
    )


def _messages(space: IterationSpace, temporal: FactorArray, steps_per_loop: IntArray) -> IntArray:
    """(plans, operands): the buffers (step slices) of each operand's piece, one message
    each when it rotates: ``prod(X_d / f_t)`` over the loops it indexes."""
    messages = np.ones(temporal.shape[:2], dtype=np.int64)
    for operand, access in enumerate(space.operands):
        for loop in access.indexed_loops:
            messages[:, operand] *= steps_per_loop[:, loop] // temporal[:, operand, loop]
    return messages


def _latency_bounds(
    space: IterationSpace, chip: Chip, candidates: _Candidates, steps_per_loop: IntArray
) -> tuple[FloatArray, FloatArray] | None:
    """(plans, operands, loops): the least and the most latency cycles a rotation of the
    operand on the loop may pay, whatever ring it runs round: its messages each one hop,
    or each across all the cores of the plan's grid (``cost.span_latency_cycles``); 0
    where it does not rotate. None on a chip whose network adds no latency."""
    if not _network_latency(chip):
        return None
    temporal = candidates.temporal
    messages = _messages(space, temporal, steps_per_loop)[:, :, None]
    grid_cores = np.prod(candidates.op_factor_rows, axis=1)[candidates.row_index]
    rotating = temporal > 1
    least = cost.rotation_latency_cycles(chip, cost.hop_latency_cycles(chip), messages)
    most = cost.rotation_latency_cycles(
        chip, cost.span_latency_cycles(chip, grid_cores)[:, None, None], messages
    )
    return np.where(rotating, least, 0.0), np.where(rotating, most, 0.0)


def fill_cycles(
    space: IterationSpace, chip: Chip, operand: int, plans: Sequence[Plan]
) -> FloatArray:
    """
    Per plan, the cycles of filling operand ``operand`` with its initial value where the
    plan holds it, as ``t10-lower-to-tile`` does: one local fill (an on-core copy) of each
    of the core's step-slice buffers, before any step. An output combining partial sums
    is filled whole on every core holding a copy, before the reduce-scatter cuts it.
    """
    op_factor_rows = np.asarray([plan.op_factors for plan in plans], dtype=np.int64)
    temporal = np.asarray([plan.temporal_factors for plan in plans], dtype=np.int16)
    steps_per_loop = _steps_per_loop(temporal)
    extents = np.asarray(space.loop_extents, dtype=np.int64)
    piece = _operand_pieces(space, operand, -(-extents // op_factor_rows))
    access = space.operands[operand]
    slice_elements = np.ones(len(plans), dtype=np.int64)
    for dim, loop in enumerate(access.split_loops):
        divisor = 1 if loop is None else steps_per_loop[:, loop]
        slice_elements *= -(-piece[:, dim] // divisor)
    buffers = np.ones(len(plans), dtype=np.int64)
    for loop in access.indexed_loops:
        buffers *= steps_per_loop[:, loop] // temporal[:, operand, loop]
    slice_bytes = slice_elements * chip.bytes_per_element(access.element_type)
    return buffers * cost.copy_cycles(chip, slice_bytes)


def _rotation_cost(
    chip: Chip,
    temporal: FactorArray,
    steps_per_loop: IntArray,
    rotating_bytes: IntArray,
    order: IntArray,
    latency: FloatArray | None,
) -> tuple[FloatArray, FloatArray]:
    """Shift and sync cycles of every plan's operands, its loops nested in ``order``
    (per plan, loop indices outermost first; a broadcast row when all plans share it);
    ``latency`` (see ``_rotation_latencies``), None where the network adds none."""
    num_plans, num_operands, _ = temporal.shape
    outer = np.ones(num_plans, dtype=np.int64)
    innermost_factor = np.zeros((num_plans, num_operands), dtype=np.int64)
    innermost_outer = np.ones((num_plans, num_operands), dtype=np.int64)
    latency_cycles = np.zeros(num_plans)
    same_order = order.strides[0] == 0
    for position in range(order.shape[1]):
        if same_order:
            factors = temporal[:, :, order[0, position]]
            steps = steps_per_loop[:, order[0, position]]
            ring_latency = None if latency is None else latency[:, :, order[0, position]]
        else:
            loop = order[:, position]
            factors = np.take_along_axis(temporal, loop[:, None, None], axis=2)[:, :, 0]
            steps = np.take_along_axis(steps_per_loop, loop[:, None], axis=1)[:, 0]
            ring_latency = (
                None
                if latency is None
                else np.take_along_axis(latency, loop[:, None, None], axis=2)[:, :, 0]
            )
        split_here = factors > 1
        innermost_factor = np.where(split_here, factors, innermost_factor)
        innermost_outer = np.where(split_here, outer[:, None], innermost_outer)
        if ring_latency is not None:
            # The schedule rotates an operand round its ring on this loop at the end of
            # each of the f * (steps outside) passes of the loop's level, but the last.
            ring_rotations = np.where(split_here, factors * outer[:, None] - 1, 0)
            latency_cycles += (ring_rotations * ring_latency).sum(axis=1)
        outer = outer * steps
    rotations = np.where(innermost_factor > 0, innermost_factor * innermost_outer - 1, 0)
    shift = cost.shift_cycles(
        chip, (rotations * rotating_bytes).sum(axis=1)
    ) + cost.exchange_phases_cycles(chip, rotations.sum(axis=1))
    return (
        shift if latency is None else shift + latency_cycles,
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
    Only candidates that may reach the frontier get their best nesting order and
    (on a network with latency) their rotations' rings; the others are priced in
    loop order with the most latency their rotations could pay (an upper bound on
    their cycles) unless ``nest_every_candidate``.
    """
    rows, temporal = candidates.row_index, candidates.temporal
    op_factor_rows = candidates.op_factor_rows
    num_plans = len(rows)
    extents = np.asarray(space.loop_extents, dtype=np.int64)
    per_core = -(-extents // op_factor_rows)[rows]
    steps_per_loop = _steps_per_loop(temporal)
    compute_steps = np.prod(steps_per_loop, axis=1)
    compute = _compute_cycles(space, chip, per_core, steps_per_loop)

    bytes_per_core = np.zeros(num_plans, dtype=np.int64)
    rotating_bytes = np.zeros((num_plans, len(space.operands)), dtype=np.int64)
    split_ways = np.prod(temporal, axis=2, dtype=np.int64)
    reduce = np.zeros(num_plans)
    for operand in range(len(space.operands)):
        operand_cost = _operand_cost(
            space, chip, operand, op_factor_rows, rows, temporal[:, operand]
        )
        rotating_bytes[:, operand] = operand_cost.rotating_bytes
        bytes_per_core += operand_cost.bytes_per_core
        reduce += operand_cost.reduce_cycles

    # Pricing every nesting order is the costly part: do it only for the
    # candidates that could reach the frontier. Any one order gives an upper
    # bound on a candidate's cycles; rotating each tensor only prod(f_t) - 1
    # times, a lower one. A candidate whose lower bound exceeds the upper bound
    # of one holding no more bytes is dominated whatever its order.
    # On a network with latency, which rings the rotations run round is the other
    # costly part, so it is worked out for the contenders only: the others pay the
    # most latency their rotations could, the lower bound the least.
    per_rotation = _per_rotation_cycles(chip, rotating_bytes)
    lower = compute + reduce + ((split_ways - 1) * per_rotation).sum(axis=1)
    latency_bounds = _latency_bounds(space, chip, candidates, steps_per_loop)
    if latency_bounds is not None:
        # Each ring is gone round at least f - 1 times, whatever the nesting.
        lower = lower + ((temporal - 1) * latency_bounds[0]).sum(axis=(1, 2))
    stepped = np.flatnonzero((steps_per_loop > 1).any(axis=0))
    in_loop_order = np.broadcast_to(stepped, (num_plans, len(stepped)))
    shift, sync = _rotation_cost(
        chip,
        temporal,
        steps_per_loop,
        rotating_bytes,
        in_loop_order,
        None if latency_bounds is None else latency_bounds[1],
    )
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
        else by_bytes[best_upper >= lower[by_bytes] * (1 - ROUNDING)]
    )
    loop_order = np.where(
        steps_per_loop > 1, np.broadcast_to(np.arange(space.num_loops), steps_per_loop.shape), -1
    )
    latency = _rotation_latencies(
        space,
        chip,
        _Candidates(op_factor_rows, rows[contenders], temporal[contenders]),
        steps_per_loop[contenders],
    )
    shift[contenders], sync[contenders], loop_order[contenders] = _best_nesting(
        chip,
        temporal[contenders],
        steps_per_loop[contenders],
        rotating_bytes[contenders],
        latency,
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
    per_rotation = _per_rotation_cycles(chip, rotating_bytes)
    columns = np.asarray(loops, dtype=np.int64)
    factors = temporal[:, :, columns]
    weight = (np.where(factors > 1, factors, 0) * per_rotation[:, :, None]).sum(axis=1)
    ratio = weight / (steps_per_loop[:, columns] - 1)
    return columns[np.argsort(-ratio, axis=1, kind="stable")]


def _best_nesting(
    chip: Chip,
    temporal: FactorArray,
    steps_per_loop: IntArray,
    rotating_bytes: IntArray,
    latency: FloatArray | None,
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
    if num_plans == 0:
        return shift, sync, loop_order
    keys = (steps_per_loop > 1) @ (1 << np.arange(num_loops, dtype=np.int64))
    by_key = np.argsort(keys, kind="stable")
    sorted_keys = keys[by_key]
    sorted_temporal = temporal[by_key]
    sorted_steps = steps_per_loop[by_key]
    sorted_bytes = rotating_bytes[by_key]
    sorted_latency = None if latency is None else latency[by_key]
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
                chip,
                sorted_temporal[group],
                sorted_steps[group],
                sorted_bytes[group],
                order,
                None if sorted_latency is None else sorted_latency[group],
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


def pareto_indices(bytes_per_core: IntArray, cycles: IntArray | FloatArray) -> IntArray:
    """Indices of the Pareto-optimal points (fewer bytes or fewer cycles), by bytes ascending."""
    order = np.lexsort((cycles, bytes_per_core))
    sorted_cycles = cycles[order]
    best_before = np.minimum.accumulate(np.concatenate([[np.iinfo(np.int64).max], sorted_cycles]))
    improves = sorted_cycles < best_before[:-1]
    return order[improves]


def _option_bounds(
    space: IterationSpace, chip: Chip, op_factor_rows: IntArray, options: list[_OperandOptions]
) -> tuple[list[IntArray], list[FloatArray]]:
    """
    Per operand, per option: the bytes per core it adds to any plan, and the
    fewest cycles it adds (each rotation of a piece costs its shift and a sync
    and a tensor cut into ``w`` pieces rotates at least ``w - 1`` times, plus an
    output's reduce-scatter; on a network with latency, each ring of ``f`` is gone
    round at least ``f - 1`` times, each paying at least one hop:
    ``_least_latency_cycles``).
    """
    option_bytes: list[IntArray] = []
    option_cycles: list[FloatArray] = []
    for operand, operand_options in enumerate(options):
        temporal = np.ones((len(operand_options.table), space.num_loops), dtype=np.int16)
        temporal[:, operand_options.loops] = operand_options.table
        operand_cost = _operand_cost(
            space, chip, operand, op_factor_rows, operand_options.option_rows, temporal
        )
        per_rotation = _per_rotation_cycles(chip, operand_cost.rotating_bytes)
        split_ways = np.prod(temporal, axis=1, dtype=np.int64)
        least_cycles = (split_ways - 1) * per_rotation + operand_cost.reduce_cycles
        if _network_latency(chip):
            least_cycles = least_cycles + _least_latency_cycles(chip, temporal)
        option_bytes.append(operand_cost.bytes_per_core)
        option_cycles.append(least_cycles)
    return option_bytes, option_cycles


@dataclass(frozen=True)
class _Staircase:
    """
    The Pareto set of some real plans, each priced at least at its true
    cycles, so a candidate one of them beats strictly (no more bytes, fewer
    cycles) is not on the frontier.
    """

    bytes_per_core: IntArray
    """Ascending."""
    cycles: IntArray
    """Descending."""
    plans_priced: int
    """How many plans were priced to find it."""

    def beats(self, bytes_bound: IntArray, cycles_bound: FloatArray) -> NDArray[np.bool_]:
        """Whether a plan of the staircase holds at most ``bytes_bound`` bytes in fewer than
        ``cycles_bound`` cycles."""
        position = np.searchsorted(self.bytes_per_core, bytes_bound, side="right") - 1
        best_cycles = self.cycles[np.maximum(position, 0)]
        return (position >= 0) & (best_cycles < cycles_bound * (1 - ROUNDING))

    def with_plans(self, priced: dict[str, IntArray]) -> _Staircase:
        """This staircase with the plans ``evaluate`` priced added."""
        byte_counts = np.concatenate([self.bytes_per_core, priced["bytes_per_core"]])
        cycles = np.concatenate([self.cycles, priced["cycles"]])
        frontier = pareto_indices(byte_counts, cycles)
        return _Staircase(
            byte_counts[frontier], cycles[frontier], self.plans_priced + len(priced["cycles"])
        )


def _reference_staircase(
    space: IterationSpace, chip: Chip, op_factor_rows: IntArray, options: list[_OperandOptions]
) -> _Staircase:
    row_index: list[IntArray] = []
    temporal: list[FactorArray] = []
    for operand, operand_options in enumerate(options):
        rows = operand_options.option_rows
        factors = np.ones((len(rows), len(options), space.num_loops), dtype=np.int16)
        factors[:, operand, operand_options.loops] = operand_options.table
        row_index.append(rows)
        temporal.append(factors)
    references = _Candidates(op_factor_rows, np.concatenate(row_index), np.concatenate(temporal))
    priced = evaluate(space, chip, references)
    frontier = pareto_indices(priced["bytes_per_core"], priced["cycles"])
    return _Staircase(
        priced["bytes_per_core"][frontier], priced["cycles"][frontier], len(references.row_index)
    )


def _completion_masks(
    options: list[_OperandOptions], last: int, partial: _Partial, chosen: Sequence[int]
) -> NDArray[np.uint8]:
    """
    Per partial combination, packed bits over its row's options of operand
    ``last``: set where the option keeps the divisibility chains with every
    ``chosen`` operand. Compatibility is decided once per pair of options.
    """
    last_options = options[last]
    width = int(last_options.row_count.max())
    # Each compatibility table already clears the bits past a row's options.
    masks: NDArray[np.uint8] | None = None
    for other in chosen:
        if not set(options[other].loops) & set(last_options.loops):
            continue
        other_options = options[other]
        other_rows = other_options.option_rows
        counts = last_options.row_count[other_rows]
        pair_other = np.repeat(np.arange(len(other_rows)), counts)
        position = np.arange(len(pair_other)) - np.repeat(np.cumsum(counts) - counts, counts)
        pair_last = last_options.row_start[other_rows[pair_other]] + position
        holds = _chains_hold(
            options,
            last,
            last_options.table[pair_last],
            other,
            other_options.table[pair_other],
        )
        compatible = np.zeros((len(other_rows), width), dtype=bool)
        compatible[pair_other[holds], position[holds]] = True
        other_masks = np.packbits(compatible, axis=1)[partial.choice[:, other]]
        masks = other_masks if masks is None else masks & other_masks
    if masks is None:
        in_row = np.arange(width) < last_options.row_count[:, None]
        masks = np.packbits(in_row, axis=1)[partial.row_index]
    return masks


def _completing_options(
    options: list[_OperandOptions],
    last: int,
    partial: _Partial,
    masks: NDArray[np.uint8],
    chosen: IntArray,
) -> tuple[IntArray, IntArray]:
    """Every completion of the ``chosen`` partial combinations (``masks``: see
    ``_completion_masks``), as (partial, option of ``last``) pairs in that order."""
    last_options = options[last]
    parent, position = np.nonzero(
        np.unpackbits(masks[chosen], axis=1, count=int(last_options.row_count.max()))
    )
    parent = chosen[parent]
    return parent, last_options.row_start[partial.row_index[parent]] + position


def _complete(
    options: list[_OperandOptions], last: int, partial: _Partial, parent: IntArray, option: IntArray
) -> _Partial:
    """Partial combinations ``parent`` completed with options ``option`` of ``last``."""
    temporal = partial.temporal[parent]
    temporal[:, last, options[last].loops] = options[last].table[option]
    choice = partial.choice[parent]
    choice[:, last] = option
    return _Partial(partial.row_index[parent], temporal, choice)


@dataclass(frozen=True)
class _Pruned:
    """The candidates the bounds leave, and what the search did to find them."""

    candidates: _Candidates
    enumerated: int
    """Every valid candidate, counted without building most of them."""
    priced: int
    """Plans priced in full: the reference plans and the candidates left."""


def _least_per_row(values: IntArray | FloatArray, operand_options: _OperandOptions) -> FloatArray:
    """Per F_op row, the least of ``values`` (one per option) over the row's options; a row
    with none (an output whose partial sums no reduce-scatter can cut) gets 0, never read:
    its partial combinations have no completion."""
    least = np.zeros(len(operand_options.row_count))
    has_options = operand_options.row_count > 0
    least[has_options] = np.minimum.reduceat(values, operand_options.row_start[has_options])
    return least


def _promising_candidates(space: IterationSpace, chip: Chip, rotation: bool) -> _Pruned:
    """
    The candidates that may reach the frontier, in ``enumerate_candidates``
    order, found by branch and bound. The reference plans (one operand rotating)
    give a staircase of real prices. Every operand but one (``last``, the one
    that keeps the partial combinations fewest) is combined; a partial
    combination is dropped when a reference beats the bound on every completion:
    its bytes plus the least any option of ``last`` adds, and the compute bound
    of its steps plus the least cycles any option adds.
    The completions of the partials whose bounds no other partial's beat are
    priced (a probe: plans near the frontier, which usually beat the references
    by far) and join the staircase, which then drops partials again. The
    survivors are completed, each candidate dropped when the staircase beats its
    exact bytes and the least cycles of its rotations plus, first, the larger of
    the compute bounds of its partial and of its option of ``last``, then its
    exact compute. A dropped candidate is beaten strictly by a real plan, so the
    frontier, and which plan represents each of its points, is that of the
    exhaustive enumeration.
    """
    op_factor_rows = enumerate_op_factors(space, chip.cores)
    if len(op_factor_rows) == 0:
        raise _no_split(space, chip.cores)
    options = _operand_options(space, op_factor_rows, rotation)
    extents = np.asarray(space.loop_extents, dtype=np.int64)
    per_core_rows = -(-extents // op_factor_rows)
    option_bytes, option_cycles = _option_bounds(space, chip, op_factor_rows, options)
    staircase = _reference_staircase(space, chip, op_factor_rows, options)

    counts = np.stack([operand_options.row_count for operand_options in options])
    last = min(
        range(len(options)),
        key=lambda operand: int(np.prod(np.delete(counts, operand, axis=0), axis=0).sum()),
    )
    chosen = [operand for operand in range(len(options)) if operand != last]
    partial = _rows_alone(op_factor_rows, len(options))
    for position, operand in enumerate(chosen):
        partial = _extend(partial, options, operand, chosen[:position])
    masks = _completion_masks(options, last, partial, chosen)
    completions = np.bitwise_count(masks).sum(axis=1, dtype=np.int64)
    if not completions.any():
        raise _no_split(space, chip.cores)

    rows = partial.row_index
    partial_bytes = np.zeros(len(rows), dtype=np.int64)
    rotation_cycles = np.zeros(len(rows))
    for operand in chosen:
        partial_bytes += option_bytes[operand][partial.choice[:, operand]]
        rotation_cycles += option_cycles[operand][partial.choice[:, operand]]
    partial_compute = _compute_lower_bound(
        space, chip, per_core_rows, rows, _steps_per_loop(partial.temporal)
    )
    least_bytes = _least_per_row(option_bytes[last], options[last]).astype(np.int64)[rows]
    least_cycles = _least_per_row(option_cycles[last], options[last])[rows]
    bytes_bound = partial_bytes + least_bytes
    cycles_bound = rotation_cycles + least_cycles + partial_compute
    kept = np.flatnonzero((completions > 0) & ~staircase.beats(bytes_bound, cycles_bound))
    probed = kept[pareto_indices(bytes_bound[kept], cycles_bound[kept])]
    parent, option = _completing_options(options, last, partial, masks, probed)
    probe = _complete(options, last, partial, parent, option)
    staircase = staircase.with_plans(
        evaluate(space, chip, _Candidates(op_factor_rows, probe.row_index, probe.temporal))
    )
    kept = kept[~staircase.beats(bytes_bound[kept], cycles_bound[kept])]

    parent, option = _completing_options(options, last, partial, masks, kept)
    last_steps = np.ones((len(options[last].table), space.num_loops), dtype=np.int64)
    last_steps[:, options[last].loops] = options[last].table
    last_compute = _compute_lower_bound(
        space, chip, per_core_rows, options[last].option_rows, last_steps
    )
    candidate_bytes = partial_bytes[parent] + option_bytes[last][option]
    candidate_rotations = rotation_cycles[parent] + option_cycles[last][option]
    # First the compute bounds of the partial and of the option alone: cheap.
    promising = ~staircase.beats(
        candidate_bytes,
        candidate_rotations + np.maximum(partial_compute[parent], last_compute[option]),
    )
    candidate_bytes = candidate_bytes[promising]
    candidate_rotations = candidate_rotations[promising]
    candidates = _complete(options, last, partial, parent[promising], option[promising])
    steps = _steps_per_loop(candidates.temporal)
    candidate_cycles = candidate_rotations + _compute_cycles(
        space, chip, per_core_rows[candidates.row_index], steps
    )
    kept = np.flatnonzero(~staircase.beats(candidate_bytes, candidate_cycles))
    # Back in enumeration order, which decides between plans of equal price.
    kept = kept[np.lexsort([*candidates.choice[kept].T[::-1], candidates.row_index[kept]])]
    return _Pruned(
        candidates=_Candidates(
            op_factor_rows, candidates.row_index[kept], candidates.temporal[kept]
        ),
        enumerated=int(completions.sum()),
        priced=staircase.plans_priced + len(kept),
    )


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


def _check_size(space: IterationSpace) -> None:
    """A PlanningError if ``space`` has more points than the cost model counts exactly."""
    points = math.prod(space.loop_extents)
    if points > MAX_ITERATION_POINTS:
        extents = " x ".join(str(extent) for extent in space.loop_extents)
        raise PlanningError(
            f"its iteration space ({extents}) has {points} points, more than t10 plans "
            f"(at most 2^53 = {MAX_ITERATION_POINTS}, where costs in 64 bits stay exact)"
        )


def _check_chip_supports(space: IterationSpace, chip: Chip) -> None:
    """A PlanningError if ``chip`` has no size for an element type the operator holds
    (a contraction on a type its matmul unit does not take runs on the vector units)."""
    try:
        for access in space.operands:
            if access.shape:
                chip.bytes_per_element(access.element_type)
    except KeyError as error:
        raise PlanningError(str(error.args[0])) from error


def search_plans(space: IterationSpace, chip: Chip, rotation: bool = True) -> SearchResult:
    """The Pareto frontier of ``space`` on ``chip`` (cached); without ``rotation``, of
    the plans that rotate nothing (every temporal factor 1)."""
    key = (space.cache_key(), chip, rotation)
    if (cached := _cache.get(key)) is not None:
        return cached
    start = time.perf_counter()
    _check_size(space)
    _check_chip_supports(space, chip)
    pruned = _promising_candidates(space, chip, rotation)
    candidates = pruned.candidates
    if len(candidates.row_index) == 0:
        # The reference plans are candidates, and a bound no higher than their price
        # keeps the best of them: only a bound above a price drops them all.
        raise PlanningError(
            f"the plan search ruled out all {pruned.enumerated} candidate plans on "
            f"{chip.name}: a bound of their compute cycles exceeded their price (the cost "
            "model's compute cycles must grow with a step's work, at most in proportion)"
        )
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
        plans_evaluated=pruned.enumerated,
        plans_priced=pruned.priced,
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
    split_loops = _operand_split_loops(space)
    extents = np.asarray(space.loop_extents, dtype=np.int64)
    per_core = -(-extents // np.asarray(op_factors, dtype=np.int64))
    for operand, access in enumerate(space.operands):
        loops = split_loops[operand]
        unread = [loop for loop in range(space.num_loops) if loop not in access.indexed_loops]
        replication = math.prod(op_factors[loop] for loop in unread)
        option = np.asarray([[plan.operand_temporal(operand)[loop] for loop in loops]], np.int64)
        padding_free, cap_rows = _padding_free(per_core[loops][None, :], replication)
        if access.is_output and not _scatterable(option, replication, cap_rows, padding_free)[0, 0]:
            raise PlanningError(
                f"plan {plan} leaves output {operand} with "
                f"{replication // int(option.prod())} partial sums per piece that no "
                "reduce-scatter can cut into as many non-empty chunks"
            )
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
