"""What compute-shift buys at larger batches and sequences (not a test).

The checked-in suite of ``t10-bench`` runs at batch 1, where the layers fit
``ipu-mk2`` without rotating anything. This benchmark builds 23 larger points
with the model builders (one f16 layer per transformer, ResNet-50 whole):
BERT-base at batch 4-16 and sequence 128-512, ViT-B/16 at batch 4-16, GPT-2 and
OPT-1.3B at batch 2-8 and sequence 512-1024, the NeRF MLP at 16,384 and 65,536
points, ResNet-50 at batch 4 and 8. Each is written to a temporary directory and
compiled, simulated and checked against numpy by every pipeline (``t10``,
``replicate``, ``vgm``) with ``t10-bench``'s own functions, one job at a time.

Per point it prints each pipeline's simulated µs and peak KiB per core ("no fit"
when the pipeline cannot fit the point in SRAM, with the first line of the
reason below the table), t10's speedup over the faster baseline that fits, and
whether every output matched; then the geometric mean and best speedup over the
points where a baseline fits (over the better baseline, over replicate alone and
over vgm alone) and the wall time. Rows print as points finish; progress goes to
stderr. Exit status as ``t10-bench``: 1 if an output does not match, 2 on an error.

    .venv/bin/python benchmarks/larger_configs.py [--points bert_b4_s128,vit_b8] [--list]
        [--chip ipu-mk2] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NoReturn

from xdsl.utils.exceptions import DiagnosticException, ParseError

from t10.hwmodel.chip import Chip, ChipFileError, load_chip
from t10.models.bert import BERT_BASE, bert_encoder
from t10.models.gpt import GPT2_SMALL, OPT_1_3B, GptConfig, gpt_decoder
from t10.models.nerf import NERF, nerf_mlp
from t10.models.resnet import ResNetConfig, resnet
from t10.models.vit import VitConfig, vit
from t10.tools.t10_bench import (
    BASELINES,
    BenchError,
    ModelResult,
    Outcome,
    geometric_mean,
    load_model,
    run_pipeline,
)
from t10.tools.t10_run import RunError

PIPELINES = ("t10", *BASELINES)
PROGRAM = "larger_configs"


@dataclass(frozen=True)
class Point:
    """One model at one batch (and sequence) size, and how to write its MLIR text."""

    name: str
    label: str
    build: Callable[[], str]


def _bert(batch: int, seq: int) -> Point:
    config = replace(BERT_BASE, layers=1, batch=batch, seq=seq, dtype="f16")
    return Point(
        f"bert_b{batch}_s{seq}",
        f"BERT-base layer, batch {batch}, seq {seq}",
        lambda: bert_encoder(config),
    )


def _vit(batch: int) -> Point:
    config = VitConfig(layers=1, batch=batch, dtype="f16")
    return Point(f"vit_b{batch}", f"ViT-B/16 layer, batch {batch}", lambda: vit(config))


def _decoder(name: str, label: str, base: GptConfig, batch: int, seq: int) -> Point:
    config = replace(base, layers=1, batch=batch, seq=seq, dtype="f16")
    return Point(
        f"{name}_b{batch}_s{seq}",
        f"{label} layer, batch {batch}, seq {seq}",
        lambda: gpt_decoder(config),
    )


def _nerf(points: int) -> Point:
    config = replace(NERF, batch=points, dtype="f16")
    return Point(f"nerf_{points}", f"NeRF MLP, {points:,} points", lambda: nerf_mlp(config))


def _resnet50(batch: int) -> Point:
    config = ResNetConfig(batch=batch, dtype="f16")
    return Point(f"resnet50_b{batch}", f"ResNet-50, batch {batch}", lambda: resnet(config))


POINTS: tuple[Point, ...] = (
    *(
        _bert(batch, seq)
        for batch, seq in ((4, 128), (4, 384), (8, 128), (8, 384), (8, 512), (16, 128), (16, 512))
    ),
    *(_vit(batch) for batch in (4, 8, 16)),
    *(
        _decoder("gpt2", "GPT-2", GPT2_SMALL, batch, seq)
        for batch, seq in ((2, 1024), (4, 512), (8, 512), (8, 1024))
    ),
    *(
        _decoder("opt", "OPT-1.3B", OPT_1_3B, batch, seq)
        for batch, seq in ((2, 512), (2, 1024), (4, 512), (4, 1024), (8, 512))
    ),
    *(_nerf(points) for points in (16384, 65536)),
    *(_resnet50(batch) for batch in (4, 8)),
)
"""Every point, in the order they run and print."""


def select_points(text: str | None) -> list[Point]:
    """The points ``--points`` names (comma-separated, in the order given), or all of
    them without ``--points``; a :class:`BenchError` names any unknown one."""
    if text is None:
        return list(POINTS)
    by_name = {point.name: point for point in POINTS}
    names = list(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
    unknown = [name for name in names if name not in by_name]
    if unknown or not names:
        raise BenchError(
            f"--points {text!r}: unknown point {', '.join(map(repr, unknown)) or 'list'}; "
            "--list prints the names"
        )
    return [by_name[name] for name in names]


@dataclass(frozen=True)
class PipelineFigures:
    """One pipeline's result on one point: ``time_us`` is ``None`` when it does not fit."""

    time_us: float | None
    peak_kib: float | None
    match: bool | None
    diagnostic: str | None
    """The first line of the reason it does not fit; ``None`` when it fits."""


@dataclass(frozen=True)
class PointFigures:
    """Every pipeline's figures on one point and the wall seconds the point took."""

    name: str
    label: str
    pipelines: dict[str, PipelineFigures]
    seconds: float

    @property
    def matches(self) -> bool:
        """Whether every output of every pipeline that fits matched numpy."""
        return all(figures.match is not False for figures in self.pipelines.values())

    @property
    def fits_somewhere(self) -> bool:
        """Whether some pipeline fits the point."""
        return any(figures.time_us is not None for figures in self.pipelines.values())

    def speedup(self, baselines: Sequence[str]) -> float | None:
        """t10's speedup over the fastest of ``baselines`` that fits; ``None`` when t10
        or none of them fits."""
        t10_time = self.pipelines["t10"].time_us
        times = [
            time_us for name in baselines if (time_us := self.pipelines[name].time_us) is not None
        ]
        if t10_time is None or not times:
            return None
        return min(times) / t10_time


def figures_of(point: Point, result: ModelResult, seconds: float) -> PointFigures:
    """The figures of ``t10-bench``'s result on ``point``."""
    # The temporary directory is gone once the run ends: diagnostics name the file alone.
    directory = f"{result.model.path.parent}/"
    return PointFigures(
        point.name,
        point.label,
        {
            pipeline: _pipeline_figures(outcome, directory)
            for pipeline, outcome in result.outcomes.items()
        },
        seconds,
    )


def _pipeline_figures(outcome: Outcome, directory: str) -> PipelineFigures:
    report = outcome.report
    if report is None:
        diagnostic = outcome.diagnostic
        return PipelineFigures(None, None, None, diagnostic and diagnostic.replace(directory, ""))
    return PipelineFigures(
        outcome.time_us, report.result.peak_bytes_per_core / 1024, report.match, None
    )


COMPARISONS = {"better_baseline": BASELINES, **{name: (name,) for name in BASELINES}}
"""What t10 is compared with in the summary: the faster baseline, and each alone."""


@dataclass(frozen=True)
class Comparison:
    """t10's speedups over some baselines, over the points where one of them fits."""

    geomean: float | None
    best: float | None
    best_point: str | None
    points: int


def compare(results: Sequence[PointFigures], baselines: Sequence[str]) -> Comparison:
    """Geometric mean and best of t10's speedup over ``baselines`` over the points
    where t10 and one of them fit."""
    by_point = {
        result.name: speedup
        for result in results
        if (speedup := result.speedup(baselines)) is not None
    }
    if not by_point:
        return Comparison(None, None, None, 0)
    best_point = max(by_point, key=lambda name: by_point[name])
    return Comparison(
        geometric_mean(list(by_point.values())), by_point[best_point], best_point, len(by_point)
    )


def only_t10_fits(results: Sequence[PointFigures]) -> list[str]:
    """The points t10 fits and no baseline does."""
    return [
        result.name
        for result in results
        if result.pipelines["t10"].time_us is not None
        and all(result.pipelines[name].time_us is None for name in BASELINES)
    ]


_COLUMNS = (
    ("point", 14),
    *((f"{pipeline} µs", 12) for pipeline in PIPELINES),
    *((f"{pipeline} KiB", 13) for pipeline in PIPELINES),
    ("vs best", 13),
    ("match", 5),
    ("seconds", 8),
)
"""Fixed widths, so each row prints as its point finishes."""


def _line(cells: Sequence[str]) -> str:
    return "  ".join(
        cell.ljust(width) if index == 0 else cell.rjust(width)
        for index, (cell, (_, width)) in enumerate(zip(cells, _COLUMNS, strict=True))
    ).rstrip()


def header_lines(chip: Chip) -> list[str]:
    return [
        f"{PROGRAM} on {chip.name} ({chip.cores} cores, {chip.clock_hz / 1e9:g} GHz, "
        f"{chip.sram_kib_per_core} KiB per core); µs simulated, KiB peak per core, "
        "vs best: t10 over the faster baseline that fits",
        "",
        _line([name for name, _ in _COLUMNS]),
    ]


def row_line(result: PointFigures) -> str:
    figures = [result.pipelines[pipeline] for pipeline in PIPELINES]
    speedup = result.speedup(BASELINES)
    if speedup is not None:
        versus = f"{speedup:.2f}x"
    elif result.pipelines["t10"].time_us is not None:
        versus = "only t10 fits"
    else:
        versus = "-"
    return _line(
        [
            result.name,
            *("no fit" if item.time_us is None else f"{item.time_us:.1f}" for item in figures),
            *("-" if item.peak_kib is None else f"{item.peak_kib:.1f}" for item in figures),
            versus,
            ("yes" if result.matches else "NO") if result.fits_somewhere else "-",
            f"{result.seconds:.0f}",
        ]
    )


def _speedup_text(speedup: float | None) -> str:
    return "-" if speedup is None else f"{speedup:.2f}x"


def summary_lines(results: Sequence[PointFigures], wall_seconds: float) -> list[str]:
    """The footnotes (why a pipeline does not fit) and the summary below the table."""
    lines = [""]
    for result in results:
        for pipeline in PIPELINES:
            diagnostic = result.pipelines[pipeline].diagnostic
            if diagnostic is not None:
                lines.append(f"{pipeline} does not fit {result.name}: {diagnostic}")
    for name, baselines in COMPARISONS.items():
        comparison = compare(results, baselines)
        versus = name if name in BASELINES else "the better baseline"
        lines.append(
            f"t10 over {versus}: geometric mean {_speedup_text(comparison.geomean)}, best "
            f"{_speedup_text(comparison.best)}"
            + (f" ({comparison.best_point})" if comparison.best_point else "")
            + f", over {comparison.points} point{'s' if comparison.points != 1 else ''} "
            "where it fits"
        )
    alone = only_t10_fits(results)
    if alone:
        lines.append(f"only t10 fits: {', '.join(alone)}")
    nowhere = [result.name for result in results if not result.fits_somewhere]
    if nowhere:
        lines.append(f"no pipeline fits: {', '.join(nowhere)}")
    mismatched = [result.name for result in results if not result.matches]
    fitting = len(results) - len(nowhere)
    lines.append(
        f"outputs not matching numpy: {', '.join(mismatched)}"
        if mismatched
        else f"every output matches numpy on the {fitting} point{'s' if fitting != 1 else ''} "
        "a pipeline fits"
    )
    lines.append(f"wall seconds: {wall_seconds:.0f}")
    return lines


def summary_json(
    results: Sequence[PointFigures], chip: Chip, wall_seconds: float
) -> dict[str, Any]:
    """The ``--json`` document."""
    return {
        "chip": chip.name,
        "points": [
            {
                "name": result.name,
                "label": result.label,
                "pipelines": {
                    pipeline: {
                        "fits": figures.time_us is not None,
                        "time_us": figures.time_us,
                        "peak_kib_per_core": figures.peak_kib,
                        "match": figures.match,
                        "diagnostic": figures.diagnostic,
                    }
                    for pipeline, figures in result.pipelines.items()
                },
                "speedup_over_better_baseline": result.speedup(BASELINES),
                "seconds": result.seconds,
            }
            for result in results
        ],
        "summary": {
            name: vars(compare(results, baselines)) for name, baselines in COMPARISONS.items()
        },
        "only_t10_fits": only_t10_fits(results),
        "wall_seconds": wall_seconds,
    }


def run_point(point: Point, chip: str, directory: Path) -> PointFigures:
    """Write ``point``'s model into ``directory`` and run every pipeline on it."""
    started = time.perf_counter()
    path = directory / f"{point.name}.mlir"
    path.write_text(point.build())
    model = load_model(path)
    outcomes: dict[str, Outcome] = {}
    for pipeline in PIPELINES:
        print(f"{PROGRAM}: {point.name}: {pipeline}", file=sys.stderr, flush=True)
        outcomes[pipeline] = run_pipeline(model, chip, pipeline, 1.0, 0)
    return figures_of(point, ModelResult(model, outcomes), time.perf_counter() - started)


def _fail(message: str) -> NoReturn:
    print(f"{PROGRAM}: error: {message}", file=sys.stderr)
    sys.exit(2)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="t10 against the baselines at larger batches and sequences."
    )
    parser.add_argument("--points", help="comma-separated point names (default: all)")
    parser.add_argument("--list", action="store_true", help="print the point names and exit")
    parser.add_argument("--chip", default="ipu-mk2", help="preset name or chip file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    arguments = parser.parse_args(argv)
    if arguments.list:
        print("\n".join(f"{point.name:14}  {point.label}" for point in POINTS))
        return

    started = time.perf_counter()
    results: list[PointFigures] = []
    try:
        points = select_points(arguments.points)
        chip = load_chip(arguments.chip)
        if not arguments.json:
            print("\n".join(header_lines(chip)), flush=True)
        with tempfile.TemporaryDirectory(prefix="t10-larger-") as directory:
            for point in points:
                results.append(run_point(point, arguments.chip, Path(directory)))
                if not arguments.json:
                    print(row_line(results[-1]), flush=True)
    except (
        BenchError,
        RunError,
        ChipFileError,
        ParseError,
        DiagnosticException,
        ValueError,
    ) as error:
        if os.environ.get("T10_TRACEBACK"):
            raise
        lines = str(error).strip().splitlines() or [type(error).__name__]
        _fail(lines[0].removeprefix("error: "))
    wall_seconds = time.perf_counter() - started
    if arguments.json:
        print(json.dumps(summary_json(results, chip, wall_seconds), indent=2))
    else:
        print("\n".join(summary_lines(results, wall_seconds)))
    if not all(result.matches for result in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
