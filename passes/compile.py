"""``t10-compile``: the whole pipeline from linalg to compute-shift IR, as one pass.

``t10-opt -p 't10-compile{chip=ipu-mk2}' model.mlir`` runs, in order,
``t10-canonicalize`` (front-end IR made plannable), ``t10-partition{chip top-k}``,
``t10-select-plans{chip memory-fraction summary}``, ``t10-insert-shifts`` and
``t10-lower-to-tile``, with the options shared where the passes share them;
``to-tile=false`` stops at the compute-shift IR. Running the passes one by one
instead gives the same IR and shows each stage, except in one case: when the lowered
program's buffers and exchange code do not fit a core's SRAM (the plans' memory is an
estimate, and the code is only known once lowered), ``t10-compile`` plans again from
``t10-select-plans`` with the shortfall kept back (its ``reserved-bytes``), at most
``MAX_REPLANS`` times.

``pipeline=replicate`` compiles as a vendor library (PopLibs) would, on the same
chip and with the same search, to measure what compute-shift buys: no plan
rotates anything (operands shared by several cores are replicated on each),
every operator takes its own fastest plan whose operands fit in 60 % of a
core's SRAM (PopLibs' default ``availableMemoryProportion``), blind to the
relayouts its neighbours then need. ``pipeline=vgm`` compiles as compilers that
treat the cores' memories as one "virtual global memory" (Roller, Ansor ported
to such chips) would: every tensor an operator reads waits spread over the
cores in its idle layout; each operator loads the pieces it needs into its
plan's layout, computes without rotating anything, and stores its result back.
"""

from dataclasses import dataclass, replace

from xdsl.context import Context
from xdsl.dialects.builtin import DictionaryAttr, IntegerAttr, ModuleOp
from xdsl.passes import ModulePass
from xdsl.utils.exceptions import PassFailedException

from t10.passes.canonicalize import CanonicalizePass
from t10.passes.insert_shifts import InsertShiftsPass
from t10.passes.lower_to_tile import BuffersDoNotFit, LowerToTilePass
from t10.passes.partition import PartitionPass
from t10.passes.select_plans import SELECTION_ATTR, SelectPlansPass

PIPELINES = ("t10", "replicate", "vgm")
"""The pipelines ``pipeline`` names."""

REPLICATE_OPERATOR_FRACTION = 0.6
"""The share of a core's SRAM one operator may use under ``replicate``: PopLibs'
default ``availableMemoryProportion``."""


@dataclass(frozen=True)
class CompilePass(ModulePass):
    """
    Canonicalize the front-end IR, partition every operator, choose the whole
    function's plans on ``chip``, rewrite the operators into compute-shift
    schedules and, with ``to_tile``, lower those to the chip's per-core program.
    """

    name = "t10-compile"

    chip: str = "ipu-mk2"
    top_k: int = 0
    memory_fraction: float = 1.0
    summary: bool = False
    to_tile: bool = True
    pipeline: str = "t10"

    def stages(self) -> tuple[ModulePass, ...]:
        """The passes the pipeline runs, in order."""
        if self.pipeline not in PIPELINES:
            raise PassFailedException(
                f"t10-compile: unknown pipeline '{self.pipeline}': choose one of "
                + ", ".join(PIPELINES)
            )
        replicate = self.pipeline == "replicate"
        return (
            CanonicalizePass(),
            PartitionPass(chip=self.chip, top_k=self.top_k, rotation=self.pipeline == "t10"),
            SelectPlansPass(
                chip=self.chip,
                memory_fraction=self.memory_fraction,
                operator_fraction=REPLICATE_OPERATOR_FRACTION if replicate else 1.0,
                each_alone=replicate,
                park_all=self.pipeline == "vgm",
                summary=self.summary,
            ),
            InsertShiftsPass(),
            *((LowerToTilePass(),) if self.to_tile else ()),
        )

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        stages = self.stages()
        selecting = next(i for i, stage in enumerate(stages) if isinstance(stage, SelectPlansPass))
        self._run(ctx, op, stages[:selecting])
        if not self.to_tile:
            self._run(ctx, op, stages[selecting:])
            return
        planned = op.clone()
        select = stages[selecting]
        assert isinstance(select, SelectPlansPass)
        for _ in range(MAX_REPLANS):
            try:
                self._run(ctx, op, stages[selecting:])
                return
            except BuffersDoNotFit as short:
                # The program needs more SRAM than the plans counted (its exchange code, the
                # allocator's holes): plan again for that much less than the plans took.
                reserved = max(
                    select.reserved_bytes + short.excess_bytes,
                    short.sram_bytes - _planned_peak(op) + short.excess_bytes,
                )
                if reserved >= short.sram_bytes:
                    raise
                select = replace(select, reserved_bytes=reserved)
                _restore(op, planned.clone())
                stages = (*stages[:selecting], select, *stages[selecting + 1 :])
        self._run(ctx, op, stages[selecting:])

    @staticmethod
    def _run(ctx: Context, op: ModuleOp, stages: tuple[ModulePass, ...]) -> None:
        for stage in stages:
            stage.apply(ctx, op)
            # Caught here, a stage's malformed output is blamed on that stage.
            op.verify()


MAX_REPLANS = 3
"""How many times ``t10-compile`` plans again with more SRAM kept back when the lowered
program's buffers and exchange code do not fit."""


def _planned_peak(op: ModuleOp) -> int:
    """The most bytes per core the chosen plans of ``op``'s functions take, by
    ``t10-select-plans``' count."""
    peaks = [0]
    for function in op.walk():
        selection = function.attributes.get(SELECTION_ATTR)
        if isinstance(selection, DictionaryAttr):
            peak = selection.data["peak_bytes_per_core"]
            assert isinstance(peak, IntegerAttr)
            peaks.append(peak.value.data)
    return max(peaks)


def _restore(op: ModuleOp, saved: ModuleOp) -> None:
    """Put ``saved``'s body and attributes in ``op`` (a module pass rewrites in place)."""
    op.attributes.clear()
    op.attributes.update(saved.attributes)
    for inner in list(op.body.block.ops):
        op.body.block.erase_op(inner, safe_erase=False)
    for inner in list(saved.body.block.ops):
        inner.detach()
        op.body.block.add_op(inner)
