"""
A pass of a user's own, run by ``t10-opt`` without touching t10's source.

``t10-select-plans`` leaves the plan it chose on every linalg operator as
``t10.plan = #rtensor.plan<...>``. This pass reads it and records how many
sub-operator steps each core runs (over loops, the product of the largest
temporal factor) as ``my.compute_steps = N : i64``:

    t10-opt --load examples/passes/annotate_compute_steps.py \\
        -p 'annotate-compute-steps{attribute=my.compute_steps}' model.mlir
"""

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import IntegerAttr, ModuleOp, i64
from xdsl.passes import ModulePass

from t10.dialects.rtensor import OpPlanAttr


@dataclass(frozen=True)
class AnnotateComputeStepsPass(ModulePass):
    """Attaches to each operator with a chosen plan the number of compute steps it runs."""

    name = "annotate-compute-steps"

    attribute: str = "my.compute_steps"
    """The name of the attribute that receives the step count."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for planned in op.walk():
            plan = planned.attributes.get("t10.plan")
            if isinstance(plan, OpPlanAttr):
                planned.attributes[self.attribute] = IntegerAttr(plan.compute_steps(), i64)
