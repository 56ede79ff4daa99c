"""``t10-bench``: what compute-shift buys, measured on a suite of models.

``t10-bench [MODELS...] [--chip ipu-mk2] [--pipelines t10,replicate,vgm] [--json]
[--plots DIR] [--seed N] [--memory-fraction F] [--onnx-sizes realistic] [--no-onnx]``

Each model is compiled, simulated and checked by every pipeline with ``t10-run``'s
:func:`~t10.tools.t10_run.run`: ``t10`` and the two baselines of
``passes/compile.py``, ``replicate`` (the vendor library) and ``vgm`` (virtual
global memory). A model a pipeline cannot fit in the chip's SRAM is a result:
``fits`` is false and ``diagnostic`` holds the first line of the reason.

A model is an ``.mlir`` file of func + linalg, checked against numpy; an ONNX
model (``.onnx``), imported as ``t10-import`` imports it and checked against
onnxruntime; or ``onnx:NAME``, a model of the ONNX suite
(:mod:`t10.models.onnx_models`: ``mlp``, ``cnn``, ``encoder``, ``decoder``), built
at ``--onnx-sizes`` (``realistic``, the default, or ``small``) into a temporary
directory and run as ``onnx_NAME``. Without MODELS the suite is the checked-in
models under ``examples/`` (without the 24-layer BERT-large encoder, which must
be named) and then the ONNX suite, unless ``--no-onnx``; when the ONNX extra
(``pip install -e '.[onnx]'``) is not installed, a note on stderr (and under the
table) says the ONNX suite was not run, and naming an ONNX model is an error.

FLOPs are counted from the model's linalg operators, on their iteration space
(``passes/iteration_space.py``): two per iteration point of a contraction or a
convolution (a multiply-accumulate), one per iteration point of an elementwise
operator (one per output element) or of a reduction of any kind (each reduced element is
folded in once), none for data movement (fills, copies, transposes). The
fraction of peak is those FLOPs over the simulated time times the chip's peak
(``Chip.peak_flops``) for the element type carrying most of the FLOPs.

The speedup of t10 over a baseline is the baseline's simulated time over t10's;
over the better baseline, the faster of the baselines that fit. The summary
gives their geometric mean over the models and the best case, and the worst
"never slower" case: the smallest speedup over either baseline, with its model
and baseline (below 1 where t10 was slower).

Output: a table, one row per model, or with ``--json`` one object
``{"chip", "models": [{"name", "flops", "element_type", "pipelines": {...},
"speedup": {...}}], "summary": {...}}``. ``--plots DIR`` writes three PNGs per
model that a pipeline fits: each operator's Pareto frontier of plans (bytes per core against cycles,
with and without rotation) with every pipeline's chosen plan marked
(``<model>.frontiers.png``); each operator's simulated cycles split into
compute, shift and sync per pipeline (``<model>.time.png``); memory per
pipeline: the fullest core's live bytes over the simulated run, and each
operator's planned bytes per core, against the SRAM size (``<model>.memory.png``).

Exit status: 0 when every output of every run that fits matches, 1 when one
does not (after printing everything), 2 for bad input or a model a pipeline
cannot compile or run for another reason than memory: one ``t10-bench: error:
...`` message on stderr, no traceback (``T10_TRACEBACK=1`` shows it).

``t10-bench snn [...]`` runs the spiking-network bench instead (sparse against
dense training of issue 7's network): see :mod:`t10.tools.t10_bench_snn`.
``t10-bench capacity [...]`` finds the largest batch each pipeline fits and its best
throughput: see :mod:`t10.tools.t10_bench_capacity`.
"""

import importlib.util
import io
import json
import math
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import click
from xdsl.ir import Operation
from xdsl.utils.exceptions import DiagnosticException, ParseError

from t10.hwmodel.chip import Chip, ChipFileError, load_chip
from t10.passes.canonicalize import CanonicalizePass
from t10.passes.compile import PIPELINES, CompilePass
from t10.passes.iteration_space import IterationSpace, OpClass, PlanningError, iteration_space
from t10.passes.partition import PartitionPass, is_structured, plan_op
from t10.passes.plan_search import Plan
from t10.runtime.simulator import SimulationError
from t10.semantics.linalg_numpy import UnsupportedOpError
from t10.tools.output_files import OutputFileError, write_file
from t10.tools.t10_bench_snn import snn
from t10.tools.t10_import import INSTALL_HINT, OnnxImportError, import_onnx
from t10.tools.t10_opt import LocatingParser, T10OptMain
from t10.tools.t10_run import RunError, RunReport, read_module, run, select_function

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DEFAULT_SUITE = (
    "bert_base_layer",
    "vit_b16_layer",
    "opt_1_3b_layer",
    "opt_1_3b_layer_b8_s512",
    "resnet50",
    "nerf_mlp",
    "small_cnn",
    "mlp",
)
"""The models run when none is named (``examples/<name>.mlir``)."""

ONNX_SUITE = ("mlp", "cnn", "encoder", "decoder")
"""The ONNX suite's models (:data:`t10.models.onnx_models.SUITE`), run after
:data:`DEFAULT_SUITE` when no model is named."""

ONNX_PREFIX = "onnx:"
"""What names a model of the ONNX suite on the command line (``onnx:encoder``)."""

ONNX_SIZES = ("realistic", "small")

_ONNX_EXTRA_MODULES = ("onnx", "onnxruntime", "iree.compiler")

BASELINES = ("replicate", "vgm")

_NO_FIT_MARKERS = ("does not fit", "no plan fits", "ends beyond the")
"""What the messages of the compiler and the simulator say when memory runs out."""


class BenchError(Exception):
    """A one-line reason ``t10-bench`` cannot run."""


@dataclass(frozen=True)
class ModelOperator:
    """One linalg operator of a model, as the planner sees it."""

    op: Operation
    space: IterationSpace

    @property
    def name(self) -> str:
        """The name of its result (``h`` for ``%h``), or the op's name if unnamed."""
        hint = self.op.results[0].name_hint if self.op.results else None
        return hint or self.op.name

    @property
    def flops(self) -> int:
        """FLOPs as the module doc counts them."""
        points = math.prod(self.space.loop_extents)
        if self.space.op_class in (OpClass.CONTRACTION, OpClass.CONVOLUTION):
            return 2 * points
        if self.space.op_class == OpClass.DATA_MOVEMENT:
            return 0
        return points


@dataclass(frozen=True)
class Model:
    """A model file and its operators, read before any pipeline runs."""

    path: Path
    operators: list[ModelOperator]
    reference: str = "numpy"
    """What the pipelines' outputs are checked against: ``numpy`` (the reference run of
    the linalg function) or, for an ONNX model, ``onnxruntime``."""
    label: str | None = None
    """What the command line called the model where that is not its path
    (``onnx:encoder`` for a suite model built into a temporary file)."""

    def located(self, message: str) -> str:
        """``message`` with the model's path replaced by its label, if it has one."""
        return message if self.label is None else message.replace(str(self.path), self.label)

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def flops(self) -> int:
        return sum(operator.flops for operator in self.operators)

    @property
    def element_type(self) -> str | None:
        """The element type of the operators carrying most of the FLOPs; ``None``
        without any FLOP."""
        by_type: dict[str, int] = {}
        for operator in self.operators:
            element_type = operator.space.element_type
            by_type[element_type] = by_type.get(element_type, 0) + operator.flops
        if not any(by_type.values()):
            return None
        return max(by_type, key=lambda element_type: by_type[element_type])


@dataclass(frozen=True)
class Outcome:
    """What one pipeline did with one model: its run, or why the model does not fit."""

    pipeline: str
    report: RunReport | None
    diagnostic: str | None
    """The first line of the reason the model does not fit; ``None`` when it fits."""

    @property
    def time_us(self) -> float | None:
        if self.report is None:
            return None
        return self.report.chip.cycles_to_us(self.report.result.cycles)


@dataclass(frozen=True)
class ModelResult:
    """Every pipeline's outcome on one model."""

    model: Model
    outcomes: dict[str, Outcome]

    def speedups(self) -> dict[str, float | None]:
        """t10's speedup over each baseline run and over the better of them
        (``best_baseline``); ``None`` where t10 or the baselines do not fit."""
        t10 = self.outcomes.get("t10")
        t10_time = t10.time_us if t10 is not None else None
        baseline_times = {
            pipeline: outcome.time_us
            for pipeline, outcome in self.outcomes.items()
            if pipeline in BASELINES
        }
        if t10 is None or not baseline_times:
            return {}
        fitting = [time_us for time_us in baseline_times.values() if time_us is not None]
        speedups = {
            pipeline: _ratio(time_us, t10_time) for pipeline, time_us in baseline_times.items()
        }
        speedups["best_baseline"] = _ratio(min(fitting), t10_time) if fitting else None
        return speedups


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None:
        return None
    return numerator / denominator


def load_model(path: Path, label: str | None = None) -> Model:
    """The model at ``path`` (MLIR, or ONNX as ``t10-import`` imports it), called
    ``label`` in messages if given: the structured operators of its one function
    once canonicalised (``t10-canonicalize``), as every pipeline plans them."""
    if not path.is_file():
        raise BenchError(f"{path}: no such model file")
    ctx = T10OptMain(args=[]).ctx
    reference = "numpy"
    if path.suffix.lower() == ".onnx":
        try:
            text = import_onnx(path)
        except OnnxImportError as error:
            raise BenchError(str(error)) from error
        source = f"{label or path} (as t10-import prints it)"
        module = LocatingParser(ctx, text, source).parse_module()
        module.verify()
        reference = "onnxruntime"
    else:
        module = read_module(ctx, path)
    # The pipelines plan the canonical form, so its operators are the ones counted.
    CanonicalizePass().apply(ctx, module)
    function = select_function(module, None)
    operators: list[ModelOperator] = []
    for op in function.walk():
        if not is_structured(op):
            continue
        try:
            operators.append(ModelOperator(op, iteration_space(op)))
        except PlanningError as error:
            raise BenchError(f"{label or path}: cannot plan {op.name}: {error}") from error
    return Model(path, operators, reference, label)


def onnx_extra_missing() -> str | None:
    """Why the ONNX suite cannot run (a module of the ``onnx`` extra is not installed),
    or ``None`` when it can."""
    for module in _ONNX_EXTRA_MODULES:
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            return f"the ONNX extra is not installed ({module} is missing): {INSTALL_HINT}"
    return None


def write_onnx_model(name: str, directory: Path, sizes: str) -> Path:
    """Build the ONNX suite's model ``name`` at ``sizes`` into ``directory``, as
    ``onnx_<name>.onnx``."""
    if name not in ONNX_SUITE:
        raise BenchError(
            f"{ONNX_PREFIX}{name}: no such model in the ONNX suite; "
            f"choose among {', '.join(ONNX_SUITE)}"
        )
    missing = onnx_extra_missing()
    if missing is not None:
        raise BenchError(f"{ONNX_PREFIX}{name}: {missing}")
    # Imported here: the onnx package is an optional extra.
    from t10.models.onnx_models import build_model

    path = directory / f"onnx_{name}.onnx"
    path.write_bytes(build_model(name, realistic=sizes == "realistic").SerializeToString())
    return path


def model_files(
    models: Sequence[str], directory: Path, onnx_sizes: str, with_onnx: bool
) -> tuple[list[tuple[Path, str | None]], str | None]:
    """The file and label of each model named on the command line (the default suite
    if none), ONNX suite models built into ``directory`` and labelled ``onnx:NAME``;
    and a note if the default suite leaves out the ONNX suite because its extra is
    missing."""
    names = list(models)
    note = None
    if not names:
        names = [str(EXAMPLES / f"{name}.mlir") for name in DEFAULT_SUITE]
        missing = onnx_extra_missing() if with_onnx else None
        if missing is not None:
            note = f"the ONNX suite ({', '.join(ONNX_SUITE)}) was not run: {missing}"
        elif with_onnx:
            names += [f"{ONNX_PREFIX}{name}" for name in ONNX_SUITE]
    files: list[tuple[Path, str | None]] = []
    for name in names:
        if name.startswith(ONNX_PREFIX):
            suite_name = name.removeprefix(ONNX_PREFIX)
            files.append((write_onnx_model(suite_name, directory, onnx_sizes), name))
        else:
            files.append((Path(name), None))
    return files, note


def run_pipeline(
    model: Model, chip_name: str, pipeline: str, memory_fraction: float, seed: int
) -> Outcome:
    """Run ``model`` with ``pipeline``; a model that does not fit is an outcome, any
    other failure a :class:`BenchError`."""
    try:
        report = run(
            model.path,
            chip_name,
            pipeline,
            None,
            memory_fraction,
            None,
            seed,
            False,
            reference_name=model.reference,
        )
    except (RunError, DiagnosticException, SimulationError, UnsupportedOpError) as error:
        lines = str(error).strip().splitlines() or [type(error).__name__]
        first_line = lines[0].removeprefix("error: ")
        if any(marker in first_line for marker in _NO_FIT_MARKERS):
            return Outcome(pipeline, None, first_line)
        raise BenchError(
            f"{model.name} with pipeline {pipeline}: {model.located(first_line)}"
        ) from error
    return Outcome(pipeline, report, None)


def fraction_of_peak(model: Model, outcome: Outcome, chip: Chip) -> float | None:
    """The model's FLOPs over the run's time at the chip's peak for its element type;
    ``None`` if it does not fit, has no FLOPs, or the chip has no matmul rate for
    that type."""
    time_us = outcome.time_us
    element_type = model.element_type
    if time_us is None or time_us == 0 or element_type is None:
        return None
    try:
        peak_flops = chip.peak_flops(element_type)
    except KeyError:
        return None
    return model.flops / (time_us * 1e-6 * peak_flops)


def geometric_mean(values: Sequence[float]) -> float | None:
    if not values:
        return None
    return math.exp(sum(math.log(value) for value in values) / len(values))


def summary_json(results: Sequence[ModelResult]) -> dict[str, Any]:
    """Geometric-mean and best speedups of t10 over each baseline and the better one,
    over the models where both fit."""
    summary: dict[str, Any] = {}
    for key in (*BASELINES, "best_baseline"):
        by_model = {
            result.model.name: speedup
            for result in results
            if (speedup := result.speedups().get(key)) is not None
        }
        best_model = max(by_model, key=lambda name: by_model[name]) if by_model else None
        summary[f"geomean_speedup_over_{key}"] = geometric_mean(list(by_model.values()))
        summary[f"best_speedup_over_{key}"] = by_model[best_model] if best_model else None
        summary[f"best_model_over_{key}"] = best_model
        summary[f"models_compared_over_{key}"] = len(by_model)
    summary["worst_never_slower"] = worst_never_slower(results)
    return summary


def worst_never_slower(results: Sequence[ModelResult]) -> dict[str, Any] | None:
    """The smallest of each baseline's simulated time over t10's, over the models where
    both fit, with the model and baseline it came from (``{"ratio", "model",
    "baseline"}``); below 1 where t10 was slower. ``None`` if t10 and a baseline never
    both fit."""
    cases = [
        (speedup, result.model.name, baseline)
        for result in results
        for baseline in BASELINES
        if (speedup := result.speedups().get(baseline)) is not None
    ]
    if not cases:
        return None
    ratio, model, baseline = min(cases)
    return {"ratio": ratio, "model": model, "baseline": baseline}


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def outcome_json(model: Model, outcome: Outcome, chip: Chip) -> dict[str, Any]:
    report = outcome.report
    if report is None:
        return {
            "fits": False,
            "diagnostic": outcome.diagnostic,
            "time_us": None,
            "cycles": None,
            "predicted_cycles": None,
            "match": None,
            "max_abs_error": None,
            "peak_bytes_per_core": None,
            "compile_seconds": None,
            "simulate_seconds": None,
            "reference_seconds": None,
            "fraction_of_peak": None,
        }
    return {
        "fits": True,
        "diagnostic": None,
        "time_us": outcome.time_us,
        "cycles": round(report.result.cycles),
        "predicted_cycles": report.predicted_cycles,
        "match": report.match,
        "max_abs_error": _finite_or_none(report.max_abs_error),
        "peak_bytes_per_core": report.result.peak_bytes_per_core,
        "compile_seconds": report.compile_seconds,
        "simulate_seconds": report.simulate_seconds,
        "reference_seconds": report.reference_seconds,
        "fraction_of_peak": fraction_of_peak(model, outcome, chip),
    }


def bench_json(chip: Chip, results: Sequence[ModelResult]) -> dict[str, Any]:
    """The ``--json`` document."""
    return {
        "chip": chip.name,
        "models": [
            {
                "name": result.model.name,
                "reference": result.model.reference,
                "flops": result.model.flops,
                "element_type": result.model.element_type,
                "pipelines": {
                    pipeline: outcome_json(result.model, outcome, chip)
                    for pipeline, outcome in result.outcomes.items()
                },
                "speedup": result.speedups(),
            }
            for result in results
        ],
        "summary": summary_json(results),
    }


def _speedup_text(speedup: float | None) -> str:
    return "-" if speedup is None else f"{speedup:.2f}x"


def _time_cell(outcome: Outcome) -> str:
    if outcome.report is None:
        return "no fit"
    mark = "" if outcome.report.match else " MISMATCH"
    return f"{outcome.time_us:.1f}{mark}"


def _kib_cell(outcome: Outcome) -> str:
    if outcome.report is None:
        return "-"
    return f"{outcome.report.result.peak_bytes_per_core / 1024:.1f}"


def aligned_table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """The header and the rows as lines of a table: the first column left-aligned, the
    others right-aligned, each as wide as its widest cell."""
    widths = [
        max(len(cell) for cell in (column, *(row[index] for row in rows)))
        for index, column in enumerate(columns)
    ]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(width) if index == 0 else cell.rjust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [line(columns), *(line(row) for row in rows)]


def report_lines(
    chip: Chip, pipelines: Sequence[str], memory_fraction: float, results: Sequence[ModelResult]
) -> list[str]:
    """The human-readable report: one row per model, then the notes and the summary."""
    baselines = [pipeline for pipeline in pipelines if pipeline in BASELINES]
    compares = "t10" in pipelines and bool(baselines)
    columns = ["model", "GFLOP"]
    columns += [f"{pipeline} µs" for pipeline in pipelines]
    columns += [f"{pipeline} KiB" for pipeline in pipelines]
    if compares:
        columns += [f"vs {baseline}" for baseline in baselines] + ["vs best", "t10 %peak"]
    rows: list[list[str]] = []
    for result in results:
        outcomes = [result.outcomes[pipeline] for pipeline in pipelines]
        row = [result.model.name, f"{result.model.flops / 1e9:.3g}"]
        row += [_time_cell(outcome) for outcome in outcomes]
        row += [_kib_cell(outcome) for outcome in outcomes]
        if compares:
            speedups = result.speedups()
            row += [_speedup_text(speedups[key]) for key in (*baselines, "best_baseline")]
            fraction = fraction_of_peak(result.model, result.outcomes["t10"], chip)
            row.append("-" if fraction is None else f"{100 * fraction:.1f}%")
        rows.append(row)
    lines = [
        f"t10-bench on {chip.name} ({chip.cores} cores, {chip.clock_hz / 1e9:g} GHz, "
        f"{chip.sram_kib_per_core} KiB per core), memory fraction {memory_fraction:g}; "
        "µs simulated, KiB peak per core",
        "",
        *aligned_table(columns, rows),
        "",
    ]
    for result in results:
        for pipeline in pipelines:
            outcome = result.outcomes[pipeline]
            if outcome.diagnostic is not None:
                lines.append(f"{pipeline} does not fit {result.model.name}: {outcome.diagnostic}")
    if compares:
        summary = summary_json(results)
        geomean = summary["geomean_speedup_over_best_baseline"]
        compared = summary["models_compared_over_best_baseline"]
        lines.append(
            f"t10 over the better baseline: geometric mean {_speedup_text(geomean)} over "
            f"{compared} model{'s' if compared != 1 else ''}, best "
            f"{_speedup_text(summary['best_speedup_over_best_baseline'])}"
            + (
                f" ({summary['best_model_over_best_baseline']})"
                if summary["best_model_over_best_baseline"]
                else ""
            )
        )
        worst = summary["worst_never_slower"]
        if worst is not None:
            lines.append(
                f"never slower: worst baseline/t10 time {worst['ratio']:.4f} ({worst['model']} "
                f"against {worst['baseline']}), over every model t10 and a baseline both fit"
            )
    references = "/".join(sorted({result.model.reference for result in results}) or ["numpy"])
    for pipeline in pipelines:
        reports = [
            report for result in results if (report := result.outcomes[pipeline].report) is not None
        ]
        lines.append(
            f"{pipeline} seconds over {len(reports)} run{'s' if len(reports) != 1 else ''}: "
            "compile "
            f"{sum(report.compile_seconds for report in reports):.2f}, simulate "
            f"{sum(report.simulate_seconds for report in reports):.2f}, {references} reference "
            f"{sum(report.reference_seconds for report in reports):.2f}"
        )
    return lines


def chosen_plans(model: Model, report: RunReport, chip: Chip) -> dict[int, Plan]:
    """The frontier plan each operator of ``report`` took, by index of its model
    operator: the run names operators by result only, so each is matched, in program
    order, to the next model operator whose frontier, as the pipeline searched it,
    holds its plan."""
    partition = next(
        stage
        for stage in CompilePass(chip=chip.name, pipeline=report.pipeline).stages()
        if isinstance(stage, PartitionPass)
    )
    chosen: dict[int, Plan] = {}
    position = 0
    for operator in report.operators:
        for index in range(position, len(model.operators)):
            frontier = plan_op(model.operators[index].op, chip, partition.rotation).frontier
            plan = next((plan for plan in frontier if plan.to_attr() == operator.plan), None)
            if plan is not None:
                chosen[index] = plan
                position = index + 1
                break
    return chosen


_PIPELINE_MARKERS = {"t10": "o", "replicate": "s", "vgm": "^"}
_PHASE_COLOURS = {"compute": "tab:blue", "shift": "tab:orange", "sync": "tab:gray"}


def write_plots(directory: Path, chip: Chip, result: ModelResult) -> None:
    """Write the model's three PNGs into ``directory``, unless no pipeline fits the
    model: then there is nothing to draw."""
    reports = [outcome.report for outcome in result.outcomes.values() if outcome.report is not None]
    if not reports:
        return
    # Imported here: only --plots pays for matplotlib.
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    name = result.model.name
    paths = [
        directory / f"{name}.frontiers.png",
        directory / f"{name}.time.png",
        directory / f"{name}.memory.png",
    ]
    for path, figure in zip(
        paths,
        (
            _frontier_figure(pyplot, chip, result.model, reports),
            _time_figure(pyplot, name, reports),
            _memory_figure(pyplot, chip, name, reports),
        ),
        strict=True,
    ):
        image = io.BytesIO()
        try:
            figure.savefig(image, format="png", dpi=100)
        finally:
            pyplot.close(figure)
        try:
            write_file(path, image.getvalue(), "--plots")
        except OutputFileError as error:
            raise BenchError(str(error)) from error


def _frontier_figure(pyplot: Any, chip: Chip, model: Model, reports: Sequence[RunReport]) -> Any:
    """One panel per distinct operator (operators with the same iteration space share
    their frontiers): the frontiers with and without rotation, each pipeline's
    chosen plans marked."""
    chosen = {report.pipeline: chosen_plans(model, report, chip) for report in reports}
    groups: dict[tuple[object, ...], list[int]] = {}
    for index in sorted({index for plans in chosen.values() for index in plans}):
        groups.setdefault(model.operators[index].space.cache_key(), []).append(index)
    columns = min(4, max(1, len(groups)))
    rows = max(1, math.ceil(len(groups) / columns))
    figure, axes = pyplot.subplots(rows, columns, figsize=(4 * columns, 3.2 * rows), squeeze=False)
    for panel, indices in zip(axes.flat, groups.values(), strict=False):
        first = model.operators[indices[0]]
        for rotation, style, label in ((True, "-", "rotating"), (False, "--", "no rotation")):
            frontier = plan_op(first.op, chip, rotation).frontier
            panel.step(
                [plan.bytes_per_core / 1024 for plan in frontier],
                [plan.cycles for plan in frontier],
                style,
                where="post",
                color="tab:gray" if rotation else "tab:olive",
                label=f"frontier, {label}",
            )
        for pipeline, plans in chosen.items():
            points = [plans[index] for index in indices if index in plans]
            panel.scatter(
                [plan.bytes_per_core / 1024 for plan in points],
                [plan.cycles for plan in points],
                marker=_PIPELINE_MARKERS.get(pipeline, "x"),
                label=f"{pipeline} chose",
                zorder=3,
            )
        more = f" (+{len(indices) - 1})" if len(indices) > 1 else ""
        panel.set_title(f"{first.name}{more}: {first.space.op_class.value}", fontsize=9)
        _scale_axes(panel)
        panel.set_xlabel("KiB per core", fontsize=8)
        panel.set_ylabel("cycles", fontsize=8)
        panel.tick_params(labelsize=7)
    for panel in axes.flat[len(groups) :]:
        panel.set_visible(False)
    axes.flat[0].legend(fontsize=7)
    figure.suptitle(f"{model.name} on {chip.name}: Pareto frontiers of plans")
    figure.tight_layout()
    return figure


def _scale_axes(panel: Any) -> None:
    """Logarithmic axes where the data spans more than a decade, so both the long
    tails of frontiers and their flat ends read well."""
    for axis, limits, set_scale in (
        ("x", panel.dataLim.intervalx, panel.set_xscale),
        ("y", panel.dataLim.intervaly, panel.set_yscale),
    ):
        low, high = limits
        if low > 0 and high / low > 10:
            set_scale("log")
            panel.tick_params(axis=axis, which="minor", labelleft=False, labelbottom=False)


def _time_figure(pyplot: Any, name: str, reports: Sequence[RunReport]) -> Any:
    """Per pipeline, each operator's simulated cycles split into compute, shift, sync."""
    operator_count = max((len(report.operators) for report in reports), default=0) + 1
    figure, axes = pyplot.subplots(
        1,
        max(1, len(reports)),
        figsize=(5 * max(1, len(reports)), 1.5 + 0.22 * operator_count),
        squeeze=False,
        sharex=True,
    )
    for panel, report in zip(axes.flat, reports, strict=False):
        labels = [operator.name for operator in report.operators] + ["(between)"]
        totals = [report.per_operator[operator.name] for operator in report.operators]
        totals.append(report.between_operators)
        positions = list(range(len(labels)))
        left = [0.0] * len(labels)
        for kind, values in (
            ("compute", [total.compute_cycles for total in totals]),
            ("shift", [total.shift_cycles for total in totals]),
            ("sync", [total.sync_cycles for total in totals]),
        ):
            panel.barh(positions, values, left=left, color=_PHASE_COLOURS[kind], label=kind)
            left = [start + value for start, value in zip(left, values, strict=True)]
        panel.set_yticks(positions, labels, fontsize=7)
        panel.invert_yaxis()
        panel.set_title(f"{report.pipeline}: {report.result.cycles:.0f} cycles", fontsize=9)
        panel.set_xlabel("simulated cycles", fontsize=8)
    axes.flat[0].legend(fontsize=7)
    figure.suptitle(f"{name}: time per operator")
    figure.tight_layout()
    return figure


def _memory_figure(pyplot: Any, chip: Chip, name: str, reports: Sequence[RunReport]) -> Any:
    """Per pipeline, the fullest core's live bytes over the simulated run (above) and each
    operator's planned bytes per core in program order (below), with the SRAM of a core."""
    figure, (over_time, per_operator) = pyplot.subplots(2, 1, figsize=(10, 8))
    microseconds_per_cycle = 1e6 / chip.clock_hz
    for report in reports:
        memory = report.result.memory
        line = over_time.step(
            [cycle * microseconds_per_cycle for cycle, _ in memory]
            + [report.result.cycles * microseconds_per_cycle],
            [live / 1024 for _, live in memory] + [memory[-1][1] / 1024 if memory else 0],
            where="post",
            label=f"{report.pipeline}: peak {report.result.peak_bytes_per_core / 1024:.1f} KiB",
        )[0]
        per_operator.step(
            range(len(report.operators)),
            [operator.cost["bytes_per_core"] / 1024 for operator in report.operators],
            where="mid",
            marker=_PIPELINE_MARKERS.get(report.pipeline, "x"),
            color=line.get_color(),
            label=f"{report.pipeline}: plan",
        )
    for panel in (over_time, per_operator):
        panel.axhline(chip.sram_bytes / 1024, color="black", label="SRAM per core")
        panel.set_ylabel("KiB per core")
        panel.legend(fontsize=7)
    over_time.set_xlabel("simulated µs")
    over_time.set_title(f"{name} on {chip.name}: live bytes on the fullest core over the run")
    if reports:
        names = [operator.name for operator in reports[0].operators]
        per_operator.set_xticks(range(len(names)), names, rotation=90, fontsize=7)
    per_operator.set_title("bytes per core of each operator's plan (without parked tensors)")
    figure.tight_layout()
    return figure


def fail(message: str) -> NoReturn:
    """Exit 2 with one ``t10-bench: error:`` line (the capacity bench shares it)."""
    click.echo(f"t10-bench: error: {message}", err=True)
    click.get_current_context().exit(2)


def _pipelines(text: str) -> list[str]:
    chosen = [pipeline.strip() for pipeline in text.split(",") if pipeline.strip()]
    unknown = [pipeline for pipeline in chosen if pipeline not in PIPELINES]
    if unknown or not chosen:
        raise BenchError(
            f"--pipelines {text!r}: unknown pipeline {', '.join(map(repr, unknown)) or 'list'}; "
            f"choose among {', '.join(PIPELINES)}"
        )
    return list(dict.fromkeys(chosen))


def make_directory(path: Path) -> None:
    """Create the ``--plots`` directory ``path`` unless it exists."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BenchError(f"--plots {path}: cannot create: {error.strerror or error}") from error


def _progress(message: str) -> None:
    if sys.stderr.isatty():
        click.echo(message, err=True)


@click.command(name="t10-bench")
@click.argument("models", nargs=-1)
@click.option("--chip", default="ipu-mk2", show_default=True, help="Preset name or chip file.")
@click.option(
    "--pipelines",
    "pipelines_text",
    default=",".join(PIPELINES),
    show_default=True,
    help="Comma-separated pipelines to run.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--plots",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write PNG plots of every model into this directory.",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Seed of the random inputs (a non-negative integer).",
)
@click.option(
    "--memory-fraction",
    type=click.FloatRange(0.0, 1.0, min_open=True),
    default=1.0,
    show_default=True,
    help="Share of each core's SRAM the plans may use.",
)
@click.option(
    "--onnx-sizes",
    type=click.Choice(ONNX_SIZES),
    default="realistic",
    show_default=True,
    help="Sizes of the ONNX suite's models (onnx:NAME).",
)
@click.option(
    "--onnx/--no-onnx",
    "with_onnx",
    default=True,
    show_default=True,
    help="Run the ONNX suite after the examples when no model is named.",
)
def suite(
    models: tuple[str, ...],
    chip: str,
    pipelines_text: str,
    as_json: bool,
    plots: Path | None,
    seed: int,
    memory_fraction: float,
    onnx_sizes: str,
    with_onnx: bool,
) -> None:
    """Compile, simulate and check MODELS with each pipeline and compare t10 with the
    baselines. A model is an .mlir file, an .onnx file or onnx:NAME, a model of the
    ONNX suite (mlp, cnn, encoder, decoder); by default the suite in examples/ and
    the ONNX suite. `t10-bench snn --help`: the spiking-network bench (sparse
    against dense training); `t10-bench capacity --help`: the largest batch each
    pipeline fits and its best throughput.

    Exit status: 0 if every output matches, 1 if one does not, 2 on an error."""
    with tempfile.TemporaryDirectory(prefix="t10-bench-") as directory:
        _bench(
            models,
            chip,
            pipelines_text,
            as_json,
            plots,
            seed,
            memory_fraction,
            onnx_sizes,
            with_onnx,
            Path(directory),
        )


def _bench(
    models: Sequence[str],
    chip: str,
    pipelines_text: str,
    as_json: bool,
    plots: Path | None,
    seed: int,
    memory_fraction: float,
    onnx_sizes: str,
    with_onnx: bool,
    directory: Path,
) -> None:
    """:func:`suite`, its ONNX models built into ``directory``."""
    note: str | None = None
    try:
        pipelines = _pipelines(pipelines_text)
        loaded_chip = load_chip(chip)
        files, note = model_files(models, directory, onnx_sizes, with_onnx)
        if note is not None:
            click.echo(f"t10-bench: note: {note}", err=True)
        loaded = [load_model(path, label) for path, label in files]
        if plots is not None:
            make_directory(plots)
        results: list[ModelResult] = []
        for model in loaded:
            outcomes: dict[str, Outcome] = {}
            for pipeline in pipelines:
                _progress(f"t10-bench: {model.name}: {pipeline}")
                outcomes[pipeline] = run_pipeline(model, chip, pipeline, memory_fraction, seed)
            results.append(ModelResult(model, outcomes))
            if plots is not None:
                _progress(f"t10-bench: {model.name}: plots")
                write_plots(plots, loaded_chip, results[-1])
    except (BenchError, RunError, ChipFileError, ParseError, DiagnosticException) as error:
        if os.environ.get("T10_TRACEBACK"):
            raise
        fail(str(error).strip().removeprefix("error: "))
    if as_json:
        click.echo(json.dumps(bench_json(loaded_chip, results), indent=2))
    else:
        lines = report_lines(loaded_chip, pipelines, memory_fraction, results)
        if note is not None:
            lines.append(f"note: {note}")
        click.echo("\n".join(lines))
    if not any(
        outcome.report is not None for result in results for outcome in result.outcomes.values()
    ):
        # A table of nothing but failures to fit is no measurement: a script must not
        # take it for one.
        fail(
            f"nothing was measured: no pipeline ({', '.join(pipelines)}) fits "
            f"{'any of the models' if len(results) > 1 else 'the model'} on {loaded_chip.name}"
        )
    if any(
        outcome.report is not None and not outcome.report.match
        for result in results
        for outcome in result.outcomes.values()
    ):
        click.get_current_context().exit(1)


def main(argv: Sequence[str] | None = None) -> None:
    """``t10-bench``'s entry point: ``t10-bench snn ...`` runs the spiking-network bench
    (:func:`t10.tools.t10_bench_snn.snn`) on the rest of the arguments, ``t10-bench
    capacity ...`` the capacity bench (:func:`t10.tools.t10_bench_capacity.capacity`),
    anything else the model suite (:func:`suite`). Exits with the command's status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["snn"]:
        snn.main(arguments[1:], prog_name="t10-bench snn")
    elif arguments[:1] == ["capacity"]:
        # Imported here: the capacity bench imports this module.
        from t10.tools.t10_bench_capacity import capacity

        capacity.main(arguments[1:], prog_name="t10-bench capacity")
    else:
        suite.main(arguments, prog_name="t10-bench")
