"""``t10-partition``: attach every operator's Pareto frontier of plans to it.

For each structured operator of the module (every op offering linalg's
structured interface: loops, iterator types and indexing maps, which includes
t10's linalg additions and ``linalg.softmax``) the pass searches the plans of
its iteration space on a chip and records them as discardable attributes:

- ``t10.loops = array<i64: 128, 15360, 5120>``: the loop extents, in the op's
  loop order (the order the plans' factors follow);
- ``t10.op_class = "contraction"``: the class that priced its compute;
- ``t10.frontier = [#rtensor.plan<...>, ...]``: the Pareto-optimal plans,
  sorted by bytes per core, ascending (so cycles descend);
- ``t10.frontier_cost = dense<[[bytes_per_core, cycles], ...]> : tensor<Nx2xi64>``:
  the cost of each plan, row ``i`` for plan ``i``.

``top-k=K`` keeps K plans spread evenly along the frontier instead of all of
them, always the smallest and the fastest among them. ``t10-select-plans``
picks one plan per operator from these attributes.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import (
    ArrayAttr,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    ModuleOp,
    StringAttr,
    TensorType,
    i64,
)
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.utils.exceptions import PassFailedException

from t10.dialects.structured import has_structure
from t10.hwmodel.chip import Chip, ChipFileError, load_chip
from t10.passes.diagnostics import format_location
from t10.passes.iteration_space import PlanningError, iteration_space
from t10.passes.plan_search import Plan, SearchResult, search_plans

LOOPS_ATTR = "t10.loops"
OP_CLASS_ATTR = "t10.op_class"
FRONTIER_ATTR = "t10.frontier"
FRONTIER_COST_ATTR = "t10.frontier_cost"
CHIP_ATTR = "t10.chip"
"""The module attribute naming the chip (a preset or a chip file) it is planned for: every
pass after t10-partition plans, lowers or prices for that chip, and only that one."""


def is_structured(op: Operation) -> bool:
    """Whether ``op`` is a structured operator whose loops the planner can read: it offers
    linalg's structured interface, or is a ``linalg.broadcast``/``linalg.reduce``
    (``dialects.structured.structure``)."""
    return has_structure(op)


def structured_ops(module: ModuleOp) -> Iterator[Operation]:
    """The structured operators of ``module``, in program order."""
    return (op for op in module.walk() if is_structured(op))


def spread_plans(frontier: Sequence[Plan], top_k: int) -> tuple[Plan, ...]:
    """
    ``top_k`` plans of ``frontier`` at evenly spaced positions, its first
    (smallest) and last (fastest) included; the whole frontier when ``top_k``
    is 0 or at least its length.
    """
    if top_k == 0 or top_k >= len(frontier):
        return tuple(frontier)
    last = len(frontier) - 1
    # Rounded positions i * last / (top_k - 1) advance by at least 1 when
    # top_k <= len(frontier), so no plan is taken twice.
    return tuple(frontier[(step * last + (top_k - 1) // 2) // (top_k - 1)] for step in range(top_k))


def claim_module_chip(module: ModuleOp, chip_name: str, chip: Chip, pass_name: str) -> None:
    """Record that ``module`` is planned for ``chip`` (``chip_name`` as the pass was
    given it); a PassFailedException if it is already planned for another chip: plans,
    schedules and programs made for one chip are wrong on another."""
    claimed = module.attributes.get(CHIP_ATTR)
    if isinstance(claimed, StringAttr) and claimed.data != chip_name:
        try:
            same = load_chip(claimed.data) == chip
        except ChipFileError:
            same = False
        if not same:
            raise PassFailedException(
                f"{pass_name}: the module is planned for chip '{claimed.data}' ({CHIP_ATTR}), "
                f"not '{chip_name}': one module is planned for one chip; start again from the "
                "input IR to plan for another"
            )
    module.attributes[CHIP_ATTR] = StringAttr(chip_name)


def plan_op(op: Operation, chip: Chip, rotation: bool = True) -> SearchResult:
    """
    The frontier of ``op`` on ``chip`` (of plans rotating nothing without
    ``rotation``), or a ``PlanningError`` naming the op and saying why it cannot
    be planned.
    """
    try:
        return search_plans(iteration_space(op), chip, rotation)
    except PlanningError as error:
        raise PlanningError(f"cannot plan {op.name}: {error}") from error


def frontier_cost_attr(plans: Sequence[Plan]) -> DenseIntOrFPElementsAttr:
    """``[[bytes_per_core, cycles], ...]`` of ``plans`` as a ``tensor<Nx2xi64>``."""
    return DenseIntOrFPElementsAttr.from_list(
        TensorType(i64, [len(plans), 2]),
        [value for plan in plans for value in (plan.bytes_per_core, plan.cycles)],
    )


@dataclass(frozen=True)
class PartitionPass(ModulePass):
    """
    Attach to every structured operator its loops, op class and Pareto
    frontier of plans on ``chip`` (a preset name or a chip file path).
    ``top_k`` = 0 keeps the whole frontier; K >= 2 keeps K plans spread
    evenly along it, the smallest and the fastest included. ``rotation=false``
    searches only plans that rotate nothing: operands shared by several cores
    are replicated on each (the vendor library's design).
    """

    name = "t10-partition"

    chip: str = "ipu-mk2"
    top_k: int = 0
    rotation: bool = True

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.top_k < 0 or self.top_k == 1:
            raise PassFailedException(
                f"t10-partition: top-k must be 0 (the whole frontier) or at least 2 (the "
                f"smallest and the fastest plans among them), got {self.top_k}"
            )
        try:
            chip = load_chip(self.chip)
        except ChipFileError as error:
            raise PassFailedException(str(error)) from error
        claim_module_chip(op, self.chip, chip, self.name)
        for structured in structured_ops(op):
            try:
                result = plan_op(structured, chip, self.rotation)
            except PlanningError as error:
                where = format_location(structured)
                located = f"{where}: error: {error}" if where is not None else str(error)
                raise PassFailedException(located) from error
            plans = spread_plans(result.frontier, self.top_k)
            structured.attributes[LOOPS_ATTR] = DenseArrayBase.from_list(
                i64, result.space.loop_extents
            )
            structured.attributes[OP_CLASS_ATTR] = StringAttr(result.space.op_class.value)
            structured.attributes[FRONTIER_ATTR] = ArrayAttr(plan.to_attr() for plan in plans)
            structured.attributes[FRONTIER_COST_ATTR] = frontier_cost_attr(plans)
