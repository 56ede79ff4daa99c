"""The iteration space of a linalg operator, as the planner sees it.

The planner never switches on op names: it reads every structured op's loops
(extents, parallel or reduction) and each operand's indexing map, through
:func:`t10.hwmodel.work.operator_work`, which also derives the op *class*
(contraction, convolution, elementwise, elementwise reduction, reduction,
data movement) that chooses the cost formula. This module adds what only
planning needs: which loops a plan may split, and what its plans depend on.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from xdsl.ir import Operation

from t10.hwmodel.work import (
    OpClass,
    OperandAccess,
    OperatorWork,
    UnstructuredOperatorError,
    operator_work,
)

__all__ = ["IterationSpace", "OpClass", "OperandAccess", "PlanningError", "iteration_space"]


class PlanningError(Exception):
    """An operator the planner cannot describe or plan, with the reason."""


@dataclass(frozen=True)
class IterationSpace(OperatorWork):
    """Loops, operand accesses, element type and op class of one operator, with the
    loops a plan may split."""

    @property
    def window_loops(self) -> frozenset[int]:
        """Loops read only inside a sliding window (``kh`` of ``h + kh``): never split."""
        window: set[int] = set()
        for operand in self.operands:
            for row, split_loop in zip(operand.coefficients, operand.split_loops, strict=True):
                window.update(
                    loop
                    for loop, coefficient in enumerate(row)
                    if coefficient and loop != split_loop
                )
        return frozenset(window)

    @property
    def unsplittable_loops(self) -> frozenset[int]:
        """
        Loops no plan splits: a window's inner loops, reduction loops that an
        output still indexes (softmax's normalised dim), whose partial results
        no schedule combines across cores, and every reduction loop of an
        operator whose outputs do not combine in any order (an arg-max: its
        steps must see the whole reduction in order, on one core).
        """
        reduced_in_place = {
            loop
            for access in self.operands
            if access.is_output
            for loop in access.indexed_loops
            if self.iterator_types[loop] == "reduction"
        }
        if not self.combinable:
            reduced_in_place.update(
                loop for loop, kind in enumerate(self.iterator_types) if kind == "reduction"
            )
        return self.window_loops | reduced_in_place

    def cache_key(self) -> tuple[object, ...]:
        """What the plans of this operator depend on."""
        return (
            self.loop_extents,
            self.iterator_types,
            tuple(str(indexing_map) for indexing_map in self.indexing_maps),
            tuple(operand.shape for operand in self.operands),
            self.element_type,
            self.op_class,
            self.matmul_loops,
            tuple(operand.element_type for operand in self.operands),
            self.combinable,
        )


def iteration_space(op: Operation) -> IterationSpace:
    """The iteration space of a linalg structured op (or any op offering the same interface)."""
    try:
        work = operator_work(op)
    except UnstructuredOperatorError as error:
        raise PlanningError(str(error)) from error
    return IterationSpace(**{field.name: getattr(work, field.name) for field in fields(work)})
