"""``t10-select-plans``: one plan per operator, chosen for the whole function.

Input: operators carrying their Pareto frontier (``t10.frontier``, from
``t10-partition``). Output: each operator carries the chosen plan and its
price, the function the whole choice, the module the chip it was made for:

- ``t10.plan = #rtensor.plan<...>``, ``t10.loop_order = array<i64: ...>`` (the
  stepped loops, outermost first, as ``t10-insert-shifts`` nests them) and
  ``t10.plan_cost = {bytes_per_core, cycles, compute_cycles, shift_cycles,
  sync_cycles, reduce_cycles, relayout_cycles, budget_bytes}`` on every operator;
- ``t10.operand_relayout_cycles = array<i64: ...>`` (per operand, the price of
  relayouting it into the plan's layout) and ``t10.parking_cycles = array<i64:
  ...>`` (per result, of parking it in its idle layout) on every operator:
  ``t10-insert-shifts`` puts each on the relayout it makes, so the price of
  every data movement can be compared with the simulated one;
- ``t10.selection = {cycles, operator_cycles, relayout_cycles, fastest_cycles,
  peak_bytes_per_core}`` on the function (``fastest_cycles``: every operator at
  its fastest plan with unlimited memory and free relayouts, a lower bound);
- ``t10.chip`` on the module.

**Memory rule** (DESIGN §4). Parked values (weights, and results that wait
while other operators run: ``model_graph``) sit in their idle layouts; the
running operator holds its operands in its execution layout, which its plan's
``bytes_per_core`` counts. So while operator ``i`` runs a core holds the idle
copies resident then plus the plan's bytes, and the plan must fit in
``sram x memory_fraction`` minus those idle copies (its *budget*). Idle
layouts do not depend on any plan, so each operator's budget is known before
choosing: the memory rule prunes each frontier on its own, and an operator
whose smallest plan exceeds its budget makes the model impossible to fit.

**Time.** The function's cycles are its operators' plan cycles plus every
relayout: on each producer -> consumer edge, from the producer's result
placement to the consumer's operand placement (``relayout``), and between
parked values' idle copies and the operators that write or read them. A
relayout between placements that agree costs nothing, so neighbours that can
share a layout are pulled towards doing so. The data moved between two
operators' computes follows one global sync (BSP), charged to the later
operator when anything moves. Choosing one plan per operator to
minimise this sum is a min-sum problem over the operator graph: it is solved
exactly by dynamic programming on a spanning forest (each operator linked to
its latest producer), then every edge is brought back by coordinate descent
(each operator in turn takes its best plan given its neighbours' until no
choice changes). Descent also starts from the fastest plan within budget of
every operator, so the result is never slower than that choice.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TextIO

import numpy as np
from numpy.typing import NDArray
from xdsl.context import Context
from xdsl.dialects.builtin import (
    ArrayAttr,
    DenseArrayBase,
    DictionaryAttr,
    IntegerAttr,
    ModuleOp,
    StringAttr,
    TensorType,
    UnitAttr,
    i64,
)
from xdsl.dialects.func import FuncOp
from xdsl.ir import BlockArgument, Operation, OpResult, SSAValue
from xdsl.passes import ModulePass
from xdsl.utils.exceptions import PassFailedException

from t10.dialects.rtensor import OpPlanAttr
from t10.hwmodel.chip import Chip, ChipFileError, load_chip
from t10.passes.diagnostics import format_location
from t10.passes.iteration_space import IterationSpace, PlanningError, iteration_space
from t10.passes.model_graph import (
    PARK_ALL_ATTR,
    ModelGraph,
    Use,
    idle_bytes_per_core,
    idle_grid,
    pad_offset,
    source,
)
from t10.passes.partition import CHIP_ATTR, FRONTIER_ATTR, claim_module_chip
from t10.passes.plan_search import Plan, fill_cycles, initial_combine_cycles, price_plans
from t10.passes.relayout import Placement, grid_placement, operand_placement, relayout_cycles

PLAN_ATTR = "t10.plan"
LOOP_ORDER_ATTR = "t10.loop_order"
PLAN_COST_ATTR = "t10.plan_cost"
SELECTION_ATTR = "t10.selection"
OPERAND_RELAYOUTS_ATTR = "t10.operand_relayout_cycles"
PARKING_ATTR = "t10.parking_cycles"
PREDICTED_CYCLES_ATTR = "t10.predicted_cycles"
"""On a data movement (``rtensor.relayout``/``pad``, ``tile.relayout``): its price."""

FloatArray = NDArray[np.float64]

_MAX_DESCENT_SWEEPS = 50


def _where(op: Operation) -> str:
    location = format_location(op)
    return f"{location}: " if location is not None else ""


@dataclass
class Operator:
    """One operator's options: its frontier, its memory budget, and which plans fit it."""

    op: Operation
    space: IterationSpace
    plans: tuple[Plan, ...]
    """The frontier, bytes per core ascending."""
    resident_bytes: int
    """Idle copies of parked values on each core while it runs."""
    budget_bytes: int
    """Bytes per core its plan may use."""

    @property
    def feasible(self) -> int:
        """How many plans fit the budget: they are a prefix of the frontier."""
        return sum(1 for plan in self.plans if plan.bytes_per_core <= self.budget_bytes)


@dataclass
class Problem:
    """The min-sum problem: per operator a cost per plan, per edge a cost per pair of plans."""

    unary: list[FloatArray]
    initialisation: list[FloatArray]
    """The part of ``unary`` that fills outputs with their initial values."""
    pairwise: dict[tuple[int, int], FloatArray] = field(
        default_factory=lambda: dict[tuple[int, int], FloatArray]()
    )
    operand_relayouts: dict[tuple[int, int], tuple[int | None, FloatArray]] = field(
        default_factory=lambda: dict[tuple[int, int], tuple[int | None, FloatArray]]()
    )
    """Per (operator, operand) relayouted into the operator's layout: the producer whose
    plan the price also depends on (None: an idle copy), and the price (per pair of
    plans, or per plan of the operator)."""
    parking: dict[tuple[int, int], FloatArray] = field(
        default_factory=lambda: dict[tuple[int, int], FloatArray]()
    )
    """Per (operator, result) parked in its idle layout: the price per plan."""

    def operand_relayout(self, chosen: Sequence[int], position: int, operand: int) -> float:
        """Cycles of relayouting operand ``operand`` of operator ``position``, as chosen."""
        producer, prices = self.operand_relayouts[(position, operand)]
        if producer is None:
            return float(prices[chosen[position]])
        return float(prices[chosen[producer], chosen[position]])

    def total(self, chosen: Sequence[int]) -> float:
        return float(
            sum(costs[choice] for costs, choice in zip(self.unary, chosen, strict=True))
            + sum(
                matrix[chosen[producer], chosen[consumer]]
                for (producer, consumer), matrix in self.pairwise.items()
            )
        )

    def descend(self, chosen: list[int]) -> list[int]:
        """Coordinate descent from ``chosen``: each operator's best plan given its neighbours'."""
        incoming: dict[int, list[tuple[int, FloatArray]]] = {}
        outgoing: dict[int, list[tuple[int, FloatArray]]] = {}
        for (producer, consumer), matrix in self.pairwise.items():
            incoming.setdefault(consumer, []).append((producer, matrix))
            outgoing.setdefault(producer, []).append((consumer, matrix))
        chosen = list(chosen)
        for _ in range(_MAX_DESCENT_SWEEPS):
            changed = False
            for node, costs in enumerate(self.unary):
                local = costs.copy()
                for producer, matrix in incoming.get(node, []):
                    local += matrix[chosen[producer], :]
                for consumer, matrix in outgoing.get(node, []):
                    local += matrix[:, chosen[consumer]]
                best = int(np.argmin(local))
                if local[best] < local[chosen[node]]:
                    chosen[node] = best
                    changed = True
            if not changed:
                break
        return chosen

    def solve_forest(self) -> list[int]:
        """The exact optimum when each operator keeps only the edge from its latest producer."""
        parent: dict[int, int] = {}
        for producer, consumer in self.pairwise:
            parent[consumer] = max(parent.get(consumer, -1), producer)
        children: dict[int, list[int]] = {}
        for consumer, producer in parent.items():
            children.setdefault(producer, []).append(consumer)
        below = [costs.copy() for costs in self.unary]
        best_child: dict[int, NDArray[np.int64]] = {}
        # Program order is topological: children come after their parents.
        for node in reversed(range(len(self.unary))):
            for child in children.get(node, []):
                through = self.pairwise[(node, child)] + below[child][None, :]
                best_child[child] = np.argmin(through, axis=1)
                below[node] += through.min(axis=1)
        chosen = [0] * len(self.unary)
        for node in range(len(self.unary)):
            if node in parent:
                chosen[node] = int(best_child[node][chosen[parent[node]]])
            else:
                chosen[node] = int(np.argmin(below[node]))
        return chosen


@dataclass
class Selection:
    """The plans chosen for one function, and what they cost."""

    operators: list[Operator]
    chosen: list[int]
    operator_cycles: int
    """Plan cycles plus initialisation cycles, over all operators."""
    initialisation_cycles: list[int]
    """Per operator, the cycles of filling its outputs' initial values where it keeps them."""
    operand_relayout_cycles: list[list[int]]
    """Per operator and operand, the cycles of relayouting it into the plan's layout (0:
    nothing moves, or nothing to relayout: an initial value, a host argument)."""
    parking_cycles: list[list[int]]
    """Per operator and result, the cycles of parking it in its idle layout (0: not parked)."""
    sync_cycles: list[int]
    """Per operator, the sync in front of the data moved before it runs, if any moves."""
    fastest_cycles: int

    @property
    def relayout_cycles(self) -> list[int]:
        """Per operator, the cycles of the relayouts into and out of it, and its sync."""
        return [
            sum(operands) + sum(results) + sync
            for operands, results, sync in zip(
                self.operand_relayout_cycles, self.parking_cycles, self.sync_cycles, strict=True
            )
        ]

    @property
    def plans(self) -> list[Plan]:
        return [
            operator.plans[choice]
            for operator, choice in zip(self.operators, self.chosen, strict=True)
        ]

    @property
    def cycles(self) -> int:
        return self.operator_cycles + sum(self.relayout_cycles)

    @property
    def peak_bytes_per_core(self) -> int:
        return max(
            (
                operator.resident_bytes + plan.bytes_per_core
                for operator, plan in zip(self.operators, self.plans, strict=True)
            ),
            default=0,
        )


class _PlacementCache:
    """Placements of every plan's operands, shared by identical operators."""

    def __init__(self, chip: Chip):
        self.chip = chip
        self._cache: dict[tuple[object, ...], list[Placement]] = {}

    def operand(self, operator: Operator, operand: int) -> list[Placement]:
        key = (operator.space.cache_key(), operand, tuple(operator.plans))
        if (found := self._cache.get(key)) is None:
            found = [
                operand_placement(
                    operator.space,
                    operand,
                    plan.op_factors,
                    plan.temporal_factors[operand],
                    self.chip.cores,
                )
                for plan in operator.plans
            ]
            self._cache[key] = found
        return found

    def idle(self, shape: tuple[int, ...]) -> list[Placement]:
        key = ("idle", shape)
        if (found := self._cache.get(key)) is None:
            found = [grid_placement(idle_grid(shape, self.chip.cores), shape, self.chip.cores)]
            self._cache[key] = found
        return found


class _RelayoutPricer:
    """Relayout cycle matrices, cached by what they depend on."""

    def __init__(self, chip: Chip):
        self.chip = chip
        self.placements = _PlacementCache(chip)
        self._cache: dict[tuple[object, ...], FloatArray] = {}

    def _price(
        self,
        key: tuple[object, ...],
        element_bytes: int,
        sources: Sequence[Placement],
        destinations: Sequence[Placement],
    ) -> FloatArray:
        if (found := self._cache.get(key)) is None:
            found = relayout_cycles(self.chip, element_bytes, sources, destinations)
            self._cache[key] = found
        return found

    def _element_bytes(self, operator: Operator, operand: int) -> int:
        """Bytes per element of the operator's operand ``operand``."""
        return self.chip.bytes_per_element(operator.space.operands[operand].element_type)

    def between(
        self,
        producer: Operator,
        result: int,
        consumer: Operator,
        operand: int,
        offset: tuple[int, ...],
    ) -> FloatArray:
        """(producer plans, consumer plans): a result of one read as an operand of the other,
        at ``offset`` in it (a padded result: see ``model_graph.pad_offset``)."""
        result_operand = len(producer.op.operands) - len(producer.op.results) + result
        key = (
            producer.space.cache_key(),
            tuple(producer.plans),
            result_operand,
            consumer.space.cache_key(),
            tuple(consumer.plans),
            operand,
            offset,
        )
        return self._price(
            key,
            self._element_bytes(consumer, operand),
            _shifted(self.placements.operand(producer, result_operand), offset),
            self.placements.operand(consumer, operand),
        )

    def from_idle(
        self, shape: tuple[int, ...], consumer: Operator, operand: int, offset: tuple[int, ...]
    ) -> FloatArray:
        """(consumer plans,): expanding an idle copy of a ``shape`` tensor into the consumer's
        operand layout, at ``offset`` in the operand."""
        key = (
            "from-idle",
            shape,
            consumer.space.cache_key(),
            tuple(consumer.plans),
            operand,
            offset,
        )
        return self._price(
            key,
            self._element_bytes(consumer, operand),
            _shifted(self.placements.idle(shape), offset),
            self.placements.operand(consumer, operand),
        )[0]

    def initialisation(self, operator: Operator, operand: int) -> FloatArray:
        """(operator plans,): filling the operand's part on every core, where the plan puts it."""
        return fill_cycles(operator.space, self.chip, operand, operator.plans)

    def initial_combine(self, operator: Operator, operand: int) -> FloatArray:
        """(operator plans,): starting the output operand's partial sums from the identity
        and combining its initial value (data, not a fill) in after them."""
        return initial_combine_cycles(operator.space, self.chip, operand, operator.plans)

    def to_idle(self, producer: Operator, result: int, shape: tuple[int, ...]) -> FloatArray:
        """(producer plans,): parking a result in its idle layout."""
        result_operand = len(producer.op.operands) - len(producer.op.results) + result
        key = ("to-idle", producer.space.cache_key(), tuple(producer.plans), result_operand)
        return self._price(
            key,
            self._element_bytes(producer, result_operand),
            self.placements.operand(producer, result_operand),
            self.placements.idle(shape),
        )[:, 0]


def _shifted(placements: Sequence[Placement], offset: tuple[int, ...]) -> Sequence[Placement]:
    """``placements`` with every block moved by ``offset``: a tensor's placements seen in
    a padded tensor around it. Positions of the padding are priced as received."""
    if not any(offset):
        return placements
    moved = np.asarray(offset, dtype=np.int64)[None, :, None]
    return [Placement(placement.blocks + moved, placement.pieces) for placement in placements]


def _starts_from_data(graph: ModelGraph, value: SSAValue) -> bool:
    """Whether an output's initial ``value`` is data (an argument or another operator's
    result) rather than a fill or undefined (``tensor.empty``)."""
    start = source(value)
    if isinstance(start, BlockArgument):
        return True
    return graph.initialiser(value) is None and not (
        isinstance(start, OpResult) and start.op.name == "tensor.empty"
    )


def _pads_an_argument(value: SSAValue) -> bool:
    """Whether ``value`` pads a function argument: the program writes the argument into its
    idle layout and relayouts that copy into the padded tensor's layout."""
    unpadded = source(value)
    return unpadded is not value and isinstance(unpadded, BlockArgument)


def _shape(value: SSAValue) -> tuple[int, ...]:
    """The static shape of a tensor value; empty for a scalar."""
    if isinstance(value.type, TensorType):
        return tuple(value.type.get_shape())
    return ()


def _frontier_plans(op: Operation) -> list[OpPlanAttr]:
    frontier = op.attributes.get(FRONTIER_ATTR)
    if not isinstance(frontier, ArrayAttr) or not frontier.data:
        raise PlanningError(
            f"{op.name} has no plans ({FRONTIER_ATTR}): run t10-partition before t10-select-plans"
        )
    plans: list[OpPlanAttr] = []
    for plan in frontier.data:
        if not isinstance(plan, OpPlanAttr):
            raise PlanningError(f"{op.name}: {FRONTIER_ATTR} holds {plan}, not an #rtensor.plan")
        plans.append(plan)
    return plans


class SelectionError(Exception):
    """Why no whole-function choice exists, operator by operator."""


def _operators(
    graph: ModelGraph, chip: Chip, usable_bytes: int, operator_bytes: int
) -> list[Operator]:
    """Every operator's frontier, priced, and its budget: what the parked tensors leave
    of ``usable_bytes``, and at most ``operator_bytes``."""
    resident = [0] * len(graph.operators)
    for value in graph.parked_values():
        assert isinstance(value.type, TensorType)
        try:
            element_bytes = chip.bytes_per_element(str(value.type.get_element_type()))
        except KeyError as error:
            raise SelectionError(f"error: {error.args[0]}") from error
        size = idle_bytes_per_core(_shape(value), element_bytes, chip.cores)
        for position in graph.resident_span(value):
            resident[position] += size
    operators: list[Operator] = []
    # Identical operators (a model's repeated layers) carry identical frontiers: price once.
    priced: dict[tuple[object, ...], tuple[Plan, ...]] = {}
    for position, op in enumerate(graph.operators):
        try:
            space = iteration_space(op)
            frontier = _frontier_plans(op)
            key = (space.cache_key(), tuple(frontier))
            if (plans := priced.get(key)) is None:
                plans = priced[key] = price_plans(space, chip, frontier)
        except (PlanningError, KeyError) as error:
            raise SelectionError(f"{_where(op)}error: {error}") from error
        by_bytes = tuple(sorted(plans, key=lambda plan: (plan.bytes_per_core, plan.cycles)))
        budget = min(usable_bytes - resident[position], operator_bytes)
        operators.append(Operator(op, space, by_bytes, resident[position], budget))
    return operators


def _check_fits(
    operators: Sequence[Operator],
    chip: Chip,
    usable_bytes: int,
    operator_bytes: int,
    reserved_bytes: int = 0,
) -> None:
    too_big = [operator for operator in operators if operator.feasible == 0]
    if not too_big:
        return
    capped = f", at most {operator_bytes} per operator" if operator_bytes < usable_bytes else ""
    kept = (
        f", {reserved_bytes} of them kept back for the program's exchange code and buffers"
        if reserved_bytes
        else ""
    )
    lines = [
        f"error: the model does not fit {chip.name}: {len(too_big)} of {len(operators)} "
        f"operators need more than the {usable_bytes} bytes per core available "
        f"({chip.sram_bytes} bytes of SRAM per core{kept}{capped})"
    ]
    for operator in too_big:
        smallest = operator.plans[0].bytes_per_core
        if smallest > operator_bytes:
            lines.append(
                f"{_where(operator.op)}note: {operator.op.name}'s smallest plan takes "
                f"{smallest} bytes per core, more than the {operator_bytes} an operator may use"
            )
            continue
        lines.append(
            f"{_where(operator.op)}note: {operator.op.name} needs at least "
            f"{smallest + operator.resident_bytes} bytes per core: its smallest plan takes "
            f"{smallest} and parked tensors {operator.resident_bytes}"
        )
    raise SelectionError("\n".join(lines))


def _problem(graph: ModelGraph, operators: Sequence[Operator], pricer: _RelayoutPricer) -> Problem:
    """Plan cycles and relayout cycles per operator and per edge, infeasible plans barred."""
    unary: list[FloatArray] = []
    for operator in operators:
        costs = np.asarray([plan.cycles for plan in operator.plans], dtype=np.float64)
        costs[operator.feasible :] = np.inf
        unary.append(costs)
    problem = Problem(unary, [np.zeros(len(costs)) for costs in unary])
    for position, operator in enumerate(operators):
        first_output = len(operator.op.operands) - len(operator.op.results)
        for operand, value in enumerate(operator.op.operands):
            if not _shape(value):
                continue
            use = Use(position, operand)
            producer = graph.producer(value)
            if graph.initialiser(value) is not None:
                filling = pricer.initialisation(operator, operand)
                problem.unary[position] += filling
                problem.initialisation[position] += filling
            elif graph.reads_idle_copy(value, use) or _pads_an_argument(value):
                expanding = pricer.from_idle(
                    _shape(source(value)), operator, operand, pad_offset(value)
                )
                problem.unary[position] += expanding
                problem.operand_relayouts[(position, operand)] = (None, expanding)
            elif producer is not None:
                produced = source(value)
                assert isinstance(produced, OpResult)
                matrix = pricer.between(
                    operators[producer], produced.index, operator, operand, pad_offset(value)
                )
                key = (producer, position)
                problem.pairwise[key] = problem.pairwise.get(key, 0) + matrix
                problem.operand_relayouts[(position, operand)] = (producer, matrix)
            if operand >= first_output and _starts_from_data(graph, value):
                combining = pricer.initial_combine(operator, operand)
                problem.unary[position] += combining
                problem.initialisation[position] += combining
        for result, value in enumerate(operator.op.results):
            if graph.is_parked(value):
                parking = pricer.to_idle(operator, result, _shape(value))
                problem.unary[position] += parking
                problem.parking[(position, result)] = parking
    return problem


def build_problem(
    graph: ModelGraph,
    chip: Chip,
    memory_fraction: float,
    operator_fraction: float = 1.0,
    reserved_bytes: int = 0,
) -> tuple[list[Operator], Problem]:
    """Every operator's options under the memory rule (with ``reserved_bytes`` of SRAM
    kept out), and the min-sum problem over them."""
    usable_bytes = min(
        math.floor(chip.sram_bytes * memory_fraction), chip.sram_bytes - reserved_bytes
    )
    operator_bytes = math.floor(chip.sram_bytes * operator_fraction)
    operators = _operators(graph, chip, usable_bytes, operator_bytes)
    _check_fits(operators, chip, usable_bytes, operator_bytes, reserved_bytes)
    return operators, _problem(graph, operators, _RelayoutPricer(chip))


def select(
    graph: ModelGraph,
    chip: Chip,
    memory_fraction: float,
    operator_fraction: float = 1.0,
    each_alone: bool = False,
    reserved_bytes: int = 0,
) -> Selection:
    """The plans of ``graph``'s operators that fit ``chip`` with the fewest total cycles;
    with ``each_alone``, every operator's fastest plan that fits, blind to the relayouts
    its neighbours' choices cost (as a library planning one call at a time chooses)."""
    operators, problem = build_problem(
        graph, chip, memory_fraction, operator_fraction, reserved_bytes
    )
    fastest_fitting = [operator.feasible - 1 for operator in operators]
    if each_alone:
        chosen = fastest_fitting
    else:
        starts = [fastest_fitting]
        if operators:
            starts.append(problem.solve_forest())
        chosen = min((problem.descend(start) for start in starts), key=problem.total)
    plan_cycles = [
        operator.plans[choice].cycles for operator, choice in zip(operators, chosen, strict=True)
    ]
    initialisation = [
        math.ceil(problem.initialisation[position][choice])
        for position, choice in enumerate(chosen)
    ]
    operand_relayouts = [[0] * len(operator.op.operands) for operator in operators]
    for position, operand in problem.operand_relayouts:
        price = problem.operand_relayout(chosen, position, operand)
        operand_relayouts[position][operand] = math.ceil(price)
    parking = [[0] * len(operator.op.results) for operator in operators]
    for (position, result), prices in problem.parking.items():
        parking[position][result] = math.ceil(prices[chosen[position]])
    return Selection(
        operators=operators,
        chosen=chosen,
        operator_cycles=sum(plan_cycles) + sum(initialisation),
        initialisation_cycles=initialisation,
        operand_relayout_cycles=operand_relayouts,
        parking_cycles=parking,
        sync_cycles=_gap_syncs(chip, operand_relayouts, parking, _host_written(graph, operators)),
        fastest_cycles=sum(operator.plans[-1].cycles for operator in operators),
    )


def _host_written(graph: ModelGraph, operators: Sequence[Operator]) -> list[bool]:
    """Per operator, whether the host writes one of its operands into its layout (an
    activation argument read as it is: written anew for each reader)."""
    return [
        any(
            isinstance(value, BlockArgument) and bool(_shape(value)) and not graph.is_weight(value)
            for value in operator.op.operands
        )
        for operator in operators
    ]


def _gap_syncs(
    chip: Chip,
    operand_relayouts: list[list[int]],
    parking: list[list[int]],
    host_written: list[bool],
) -> list[int]:
    """
    Per operator, the global sync in front of the data that moves between the previous
    operator's compute and its own: the previous operator's parked results and its own
    relayouted or host-written operands, one exchange phase after one barrier. Nothing
    computed before the first operator, and a gap where nothing moves, needs none.
    Whether a gap moves anything depends on the plans on both sides, so the choice above
    is made without it: one sync per operator is almost always paid, and a constant per
    operator changes no choice.
    """
    syncs = [0] * len(operand_relayouts)
    for position in range(1, len(operand_relayouts)):
        if any(operand_relayouts[position]) or any(parking[position - 1]) or host_written[position]:
            syncs[position] = math.ceil(chip.sync.cycles)
    return syncs


def _i64_dict(entries: dict[str, int]) -> DictionaryAttr:
    return DictionaryAttr({key: IntegerAttr(value, i64) for key, value in entries.items()})


def annotate(selection: Selection) -> None:
    """Record the choice on the operators and their function."""
    for operator, plan, relayout, initialisation, operand_relayouts, parking in zip(
        selection.operators,
        selection.plans,
        selection.relayout_cycles,
        selection.initialisation_cycles,
        selection.operand_relayout_cycles,
        selection.parking_cycles,
        strict=True,
    ):
        operator.op.attributes[PLAN_ATTR] = plan.to_attr()
        operator.op.attributes[OPERAND_RELAYOUTS_ATTR] = DenseArrayBase.from_list(
            i64, operand_relayouts
        )
        operator.op.attributes[PARKING_ATTR] = DenseArrayBase.from_list(i64, parking)
        operator.op.attributes[LOOP_ORDER_ATTR] = DenseArrayBase.from_list(i64, plan.loop_order)
        operator.op.attributes[PLAN_COST_ATTR] = _i64_dict(
            {
                "bytes_per_core": plan.bytes_per_core,
                "cycles": plan.cycles,
                "compute_cycles": plan.compute_cycles,
                "shift_cycles": plan.shift_cycles,
                "sync_cycles": plan.sync_cycles,
                "reduce_cycles": plan.reduce_cycles,
                "initialisation_cycles": initialisation,
                "relayout_cycles": relayout,
                "budget_bytes": operator.budget_bytes,
            }
        )


def write_summary(function: FuncOp, selection: Selection, chip: Chip, out: TextIO) -> None:
    """A table of the choice: per operator its plan, bytes, budget and cycles, then totals."""
    out.write(f"t10-select-plans: @{function.sym_name.data} on {chip.name}\n")
    header: tuple[str, ...] = (
        "op",
        "where",
        "op_factors",
        "bytes/core",
        "budget",
        "cycles",
        "init",
        "relayout",
        "fastest",
    )
    rows: list[tuple[str, ...]] = [header]
    for operator, plan, initialisation, relayout in zip(
        selection.operators,
        selection.plans,
        selection.initialisation_cycles,
        selection.relayout_cycles,
        strict=True,
    ):
        where = format_location(operator.op) or ""
        rows.append(
            (
                operator.op.name,
                where.rsplit("/", 1)[-1],
                "x".join(str(factor) for factor in plan.op_factors),
                str(plan.bytes_per_core),
                str(operator.budget_bytes),
                str(plan.cycles),
                str(initialisation),
                str(relayout),
                str(operator.plans[-1].cycles),
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        out.write("  ".join(cells).rstrip() + "\n")
    time_us = chip.cycles_to_us(selection.cycles)
    out.write(
        f"total {selection.cycles} cycles ({time_us:.1f} us): operators "
        f"{selection.operator_cycles}, relayouts {sum(selection.relayout_cycles)}; every "
        f"operator at its fastest plan, unlimited memory, free relayouts: "
        f"{selection.fastest_cycles}; peak {selection.peak_bytes_per_core} of "
        f"{chip.sram_bytes} bytes per core\n"
    )


@dataclass(frozen=True)
class SelectPlansPass(ModulePass):
    """
    Choose one plan per operator from its frontier so that every core's memory
    holds at every moment and the function's cycles, relayouts included, are
    fewest. ``memory_fraction`` is the share of each core's SRAM plans may use, and
    ``reserved_bytes`` bytes of it are kept out of the plans (what the program needs
    beyond them: ``t10-compile`` plans again with it kept back when the lowered program's
    exchange code and buffers do not fit);
    ``operator_fraction`` the share one operator's plan may use (the vendor
    library's ``availableMemoryProportion``); ``each_alone`` takes every
    operator's fastest plan that fits instead, blind to relayouts (a library
    planning one call at a time); ``park_all`` parks every result operators
    read (``t10.park_all``: the ``vgm`` baseline); ``summary`` prints the
    choice on stderr.
    """

    name = "t10-select-plans"

    chip: str = "ipu-mk2"
    memory_fraction: float = 1.0
    operator_fraction: float = 1.0
    each_alone: bool = False
    park_all: bool = False
    summary: bool = False
    reserved_bytes: int = 0

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for option, fraction in (
            ("memory-fraction", self.memory_fraction),
            ("operator-fraction", self.operator_fraction),
        ):
            if not 0 < fraction <= 1:
                raise PassFailedException(
                    f"t10-select-plans: {option} must be in (0, 1], got {fraction}"
                )
        try:
            chip = load_chip(self.chip)
        except ChipFileError as error:
            raise PassFailedException(str(error)) from error
        if not 0 <= self.reserved_bytes < chip.sram_bytes:
            raise PassFailedException(
                f"t10-select-plans: reserved-bytes must be in [0, {chip.sram_bytes}), "
                f"got {self.reserved_bytes}"
            )
        claim_module_chip(op, self.chip, chip, self.name)
        selections: list[tuple[FuncOp, Selection]] = []
        for function in op.walk():
            if not isinstance(function, FuncOp) or function.is_declaration:
                continue
            try:
                selection = select(
                    ModelGraph.build(function, self.park_all or None),
                    chip,
                    self.memory_fraction,
                    self.operator_fraction,
                    self.each_alone,
                    self.reserved_bytes,
                )
                selections.append((function, selection))
            except SelectionError as error:
                raise PassFailedException(str(error)) from error
        # Annotate only once every function has a choice: a failure leaves the IR as it was.
        for function, selection in selections:
            annotate(selection)
            if self.park_all:
                function.attributes[PARK_ALL_ATTR] = UnitAttr()
            function.attributes[SELECTION_ATTR] = _i64_dict(
                {
                    "cycles": selection.cycles,
                    "operator_cycles": selection.operator_cycles,
                    "relayout_cycles": sum(selection.relayout_cycles),
                    "fastest_cycles": selection.fastest_cycles,
                    "peak_bytes_per_core": selection.peak_bytes_per_core,
                }
            )
            if self.summary:
                write_summary(function, selection, chip, sys.stderr)
        op.attributes[CHIP_ATTR] = StringAttr(self.chip)
