# pyright: strict
"""``t10-bench capacity``: how much larger a batch each pipeline fits, and how much work per
second the chip gives at its best batch.

``t10-bench capacity [MODELS...] [--chip ipu-mk2] [--sizes real] [--max-batch N] [--json]
[--plots DIR]``

Families (MODELS names some by name; all without): ``opt-1.3b-s512`` and
``opt-1.3b-s1024`` (one OPT-1.3B decoder layer at sequence 512 and 1024),
``gpt2-s1024`` (one GPT-2 small decoder layer at sequence 1024), ``bert-large-s512``
(one BERT-large encoder layer at sequence 512), ``vit-l16`` (one ViT-L/16 encoder layer
on 224-pixel images: 197 tokens), ``resnet50`` (the whole ResNet-50 on 224-pixel images)
and ``nerf`` (the whole NeRF MLP; a sample is one point, and its batch moves in steps of
1024 points). Each is built by its builder (:mod:`t10.models`) at the real model's widths
in f16, or with ``--sizes small`` at widths and sequences small enough for a test chip
(``small-16``) and a test's time budget (the families keep their names; the JSON's ``seq``
and ``unit`` give what ran). The transformers are measured one layer at a time, as the
checked-in examples are: the layers of a stack have the same shape, and a layer's batch
capacity is the stack's when the chip holds one layer's weights at a time.

The largest batch
    For each family and pipeline (``t10``, ``replicate``, ``vgm``), the batch is doubled
    from one step (1, or 1024 points) until the pipeline stops fitting, then bisected
    between the last batch that fits and the first that does not, to one step: the
    largest batch is the one that fits next to one that does not, both measured. A batch
    fits as ``t10-bench`` decides it: the pipeline compiles it and the simulated program
    runs within SRAM; each probe is a whole ``t10-run`` (compile, simulate, check against
    numpy). Compiling alone proves a batch does not fit when the planner finds no plan
    or no whole-model choice within SRAM (its diagnostic is recorded, and the probe ends
    there, before anything is simulated); a batch only counts as fitting once it was
    simulated. Fitting is assumed to grow no easier with the batch: a larger batch that
    would fit beyond the first failure is not looked for. The search stops at
    ``--max-batch`` steps; a pipeline still fitting there reports that batch and says
    it was capped.

The best throughput
    Samples per second = batch / (simulated cycles / clock), over every batch the search
    simulated and that matched numpy: the powers of two up to the largest batch, the
    largest batch and the bisection's other probes. The best batch is the one with the
    most samples per second. A run whose outputs do not match counts as fitting (its
    memory fitted) but gives no figure, and makes the exit status 1.

Never slower
    At every batch both t10 and a baseline simulated, the baseline's time over t10's;
    the smallest of these ratios over every point, with the family, batch and baseline
    it came from, is the worst case (below 1 when t10 was slower).

Output: a table, one row per family, with each pipeline's largest batch and best samples
per second and t10's ratio to the better baseline on both; or with ``--json`` one object
``{"chip", "sizes", "points": [{"model", "seq", "unit", "largest_batch": {"t10", "vgm",
"replicate"}, "best_samples_per_s": {...}, "best_batch": {...}, "capped": {...},
"largest_batch_over_best_baseline", "samples_per_s_over_best_baseline", "never_slower",
"curve": {pipeline: [{"batch", "fits", "cycles", "samples_per_s", "match",
"peak_bytes_per_core", "diagnostic"}]}}], "summary": {"worst_never_slower": {...}}}``
(``null`` where a pipeline fits no batch; the ratios are ``null`` when no baseline fits,
and the batch ratio also when t10's or the better baseline's search stopped at
``--max-batch``). ``--plots DIR`` writes one PNG per family, ``<family>.capacity.png``:
samples per second against the batch for each pipeline, up to its largest batch, the
first batch that does not fit marked.

Exit status as ``t10-bench``'s: 0 when every simulated run matches, 1 when one does not,
2 for bad input (an unknown family, a bad chip file, a plots directory that cannot be
written) or a run that fails for another reason than memory: one ``t10-bench: error: ...``
line on stderr, no traceback (``T10_TRACEBACK=1`` shows it), and no plot written.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import click
from xdsl.utils.exceptions import DiagnosticException, ParseError

from t10.hwmodel.chip import Chip, ChipFileError, load_chip
from t10.models.bert import BERT_LARGE, bert_encoder
from t10.models.gpt import GPT2_SMALL, OPT_1_3B, GptConfig, gpt_decoder
from t10.models.nerf import NERF, nerf_mlp
from t10.models.resnet import ResNetConfig, resnet
from t10.models.vit import VitConfig, vit
from t10.tools.output_files import OutputFileError, check_outputs, write_file
from t10.tools.t10_bench import (
    BASELINES,
    BenchError,
    Model,
    aligned_table,
    fail,
    load_model,
    make_directory,
    run_pipeline,
)
from t10.tools.t10_run import RunError

PIPELINES = ("t10", *BASELINES)
SIZES = ("real", "small")
DEFAULT_MAX_BATCH = 1024
"""Steps of batch the search goes up to without ``--max-batch``: far beyond what any family
fits on ``ipu-mk2`` at the real widths."""


@dataclass(frozen=True)
class Family:
    """A model at a fixed sequence length (or image size) whose batch the search varies."""

    name: str
    """The command line's name of the family: ``opt-1.3b-s512``."""
    model: str
    """The JSON's ``model``: ``opt-1.3b``."""
    seq: int | None
    """Tokens per sample for the transformers; ``None`` for ResNet-50 and NeRF."""
    unit: str
    """What one run computes, at batch ``b``: ``one OPT-1.3B decoder layer (...)``."""
    sample: str
    """What one sample is: ``sequence``, ``image``, ``point``."""
    build: Callable[[int], str]
    """The module text at a batch of that many samples."""
    step: int = 1
    """The batch moves in multiples of this many samples."""


def _families(sizes: str) -> tuple[Family, ...]:
    """Every family at the real widths, or at ``small`` ones for a test chip."""
    small = sizes == "small"
    opt = replace(OPT_1_3B, hidden=64, heads=4, ffn=256) if small else OPT_1_3B
    gpt2 = replace(GPT2_SMALL, hidden=48, heads=4, ffn=192) if small else GPT2_SMALL
    bert = replace(BERT_LARGE, hidden=64, heads=4, ffn=256) if small else BERT_LARGE
    vit_config = (
        VitConfig(image=32, patch=8, hidden=64, heads=4, ffn=256)
        if small
        else VitConfig(hidden=1024, heads=16, ffn=4096)
    )
    resnet_config = (
        ResNetConfig(image=32, width=8, blocks=(1, 1), classes=10) if small else ResNetConfig()
    )
    nerf_config = replace(NERF, width=64, colour_width=32) if small else NERF
    nerf_step = 64 if small else 1024
    opt_seqs = (16, 32) if small else (512, 1024)
    gpt2_seq = 32 if small else 1024
    bert_seq = 16 if small else 512
    width_note = ", small widths" if small else ""

    def decoder(name: str, label: str, config: GptConfig, seq: int, real_seq: int) -> Family:
        return Family(
            f"{name}-s{real_seq}",
            name,
            seq,
            f"one {label} decoder layer (hidden {config.hidden}, {config.heads} heads, "
            f"FFN {config.ffn}{width_note}) at sequence {seq}",
            "sequence",
            lambda batch: gpt_decoder(replace(config, layers=1, batch=batch, seq=seq, dtype="f16")),
        )

    vit_seq = (vit_config.image // vit_config.patch) ** 2 + 1
    return (
        *(
            decoder("opt-1.3b", "OPT-1.3B", opt, seq, real_seq)
            for seq, real_seq in zip(opt_seqs, (512, 1024), strict=True)
        ),
        decoder("gpt2", "GPT-2", gpt2, gpt2_seq, 1024),
        Family(
            "bert-large-s512",
            "bert-large",
            bert_seq,
            f"one BERT-large encoder layer (hidden {bert.hidden}, {bert.heads} heads, "
            f"FFN {bert.ffn}{width_note}) at sequence {bert_seq}",
            "sequence",
            lambda batch: bert_encoder(
                replace(bert, layers=1, batch=batch, seq=bert_seq, dtype="f16")
            ),
        ),
        Family(
            "vit-l16",
            "vit-l16",
            vit_seq,
            f"one ViT-L/16 encoder layer (hidden {vit_config.hidden}, {vit_config.heads} "
            f"heads, FFN {vit_config.ffn}{width_note}) on {vit_config.image}-pixel images: "
            f"{vit_seq} tokens",
            "image",
            lambda batch: vit(replace(vit_config, layers=1, batch=batch, dtype="f16")),
        ),
        Family(
            "resnet50",
            "resnet50",
            None,
            f"the whole ResNet-50 (width {resnet_config.width}, blocks "
            f"{','.join(map(str, resnet_config.blocks))}, {resnet_config.classes} classes"
            f"{width_note}) on {resnet_config.image}-pixel images",
            "image",
            lambda batch: resnet(replace(resnet_config, batch=batch, dtype="f16")),
        ),
        Family(
            "nerf",
            "nerf",
            None,
            f"the whole NeRF MLP (width {nerf_config.width}{width_note}) in steps of "
            f"{nerf_step} points",
            "point",
            lambda batch: nerf_mlp(replace(nerf_config, batch=batch, dtype="f16")),
            nerf_step,
        ),
    )


FAMILY_NAMES = tuple(family.name for family in _families("real"))


def select_families(names: Sequence[str], sizes: str) -> list[Family]:
    """The families ``names`` names, in that order (every one if none), at ``sizes``."""
    families = _families(sizes)
    by_name = {family.name: family for family in families}
    if not names:
        return list(families)
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise BenchError(
            f"unknown model {', '.join(map(repr, unknown))}; choose among {', '.join(by_name)}"
        )
    return [by_name[name] for name in dict.fromkeys(names)]


@dataclass(frozen=True)
class Probe:
    """One pipeline's run of one family at one batch."""

    batch: int
    cycles: float | None
    """Simulated cycles; ``None`` when the batch does not fit."""
    match: bool | None
    peak_bytes_per_core: int | None
    diagnostic: str | None
    """The first line of the reason the batch does not fit; ``None`` when it fits."""

    @property
    def fits(self) -> bool:
        return self.cycles is not None

    def samples_per_s(self, chip: Chip) -> float | None:
        """Samples per simulated second, from a run that matched numpy; ``None`` otherwise."""
        if self.cycles is None or not self.match or self.cycles <= 0:
            return None
        return self.batch / (self.cycles / chip.clock_hz)


@dataclass
class Search:
    """One pipeline's search over the batch of one family."""

    pipeline: str
    probes: dict[int, Probe] = field(default_factory=lambda: {})
    capped: bool = False

    @property
    def largest_batch(self) -> int | None:
        fitting = [batch for batch, probe in self.probes.items() if probe.fits]
        return max(fitting, default=None)

    def best(self, chip: Chip) -> Probe | None:
        """The probe with the most samples per second."""
        rated = [probe for probe in self.probes.values() if probe.samples_per_s(chip) is not None]
        return max(rated, key=lambda probe: probe.samples_per_s(chip) or 0.0, default=None)

    def curve(self) -> list[Probe]:
        return [self.probes[batch] for batch in sorted(self.probes)]


def search_batch(pipeline: str, step: int, max_steps: int, probe: Callable[[int], Probe]) -> Search:
    """The largest batch ``pipeline`` fits, doubling from ``step`` samples then bisecting
    between the last fit and the first failure to one ``step``; at most ``max_steps``."""
    search = Search(pipeline)

    def measure(steps: int) -> bool:
        result = probe(steps * step)
        search.probes[result.batch] = result
        return result.fits

    steps = 1
    while measure(steps):
        if steps >= max_steps:
            search.capped = True
            return search
        steps = min(2 * steps, max_steps)
    fitting_steps = steps // 2 if steps > 1 else 0
    failing_steps = steps
    if fitting_steps == 0:
        return search
    while failing_steps - fitting_steps > 1:
        middle = (fitting_steps + failing_steps) // 2
        if measure(middle):
            fitting_steps = middle
        else:
            failing_steps = middle
    return search


@dataclass(frozen=True)
class PointResult:
    """Every pipeline's search on one family."""

    family: Family
    searches: dict[str, Search]

    def largest(self, pipeline: str) -> int | None:
        search = self.searches.get(pipeline)
        return search.largest_batch if search is not None else None

    def best_rate(self, pipeline: str, chip: Chip) -> float | None:
        search = self.searches.get(pipeline)
        best = search.best(chip) if search is not None else None
        return best.samples_per_s(chip) if best is not None else None

    def largest_over_baselines(self) -> float | None:
        """t10's largest batch over the better baseline's; ``None`` if t10 or no baseline
        fits a batch, or if t10's or the better baseline's search stopped at the cap (the
        ratio is then unknown)."""
        return None if self.ratio_capped() else _over_baselines(self.largest)

    def ratio_capped(self) -> bool:
        """Whether t10's or the better baseline's search stopped at the cap."""
        fitting = [name for name in BASELINES if self.largest(name) is not None]
        if self.largest("t10") is None or not fitting:
            return False
        better = max(fitting, key=lambda name: self.largest(name) or 0)
        return self.searches["t10"].capped or self.searches[better].capped

    def rate_over_baselines(self, chip: Chip) -> float | None:
        """t10's best samples per second over the better baseline's; ``None`` if t10 or no
        baseline has one."""
        return _over_baselines(lambda pipeline: self.best_rate(pipeline, chip))


def _over_baselines(figure: Callable[[str], float | None]) -> float | None:
    t10 = figure("t10")
    baselines = [value for name in BASELINES if (value := figure(name)) is not None]
    if t10 is None or not baselines:
        return None
    return t10 / max(baselines)


@dataclass(frozen=True)
class NeverSlower:
    """The baseline's simulated time over t10's at one batch of one family."""

    ratio: float
    family: str
    batch: int
    baseline: str


def never_slower_cases(result: PointResult) -> list[NeverSlower]:
    """The ratio at every batch that t10 and a baseline both simulated."""
    t10 = result.searches.get("t10")
    if t10 is None:
        return []
    cases: list[NeverSlower] = []
    for baseline in BASELINES:
        search = result.searches.get(baseline)
        if search is None:
            continue
        for batch, probe in sorted(search.probes.items()):
            t10_probe = t10.probes.get(batch)
            if probe.cycles is None or t10_probe is None or not t10_probe.cycles:
                continue
            cases.append(
                NeverSlower(probe.cycles / t10_probe.cycles, result.family.name, batch, baseline)
            )
    return cases


def worst_never_slower(results: Sequence[PointResult]) -> NeverSlower | None:
    cases = [case for result in results for case in never_slower_cases(result)]
    return min(cases, key=lambda case: case.ratio, default=None)


def _progress(message: str) -> None:
    if sys.stderr.isatty():
        click.echo(message, err=True)


def measure_family(family: Family, chip_name: str, max_steps: int, directory: Path) -> PointResult:
    """Search the batch of ``family`` with every pipeline; each batch's model is written
    once into ``directory`` and shared by the pipelines."""
    models: dict[int, Model] = {}

    def model_at(batch: int) -> Model:
        if batch not in models:
            path = directory / f"{family.name.replace('.', '_').replace('-', '_')}_b{batch}.mlir"
            path.write_text(family.build(batch))
            models[batch] = load_model(path, f"{family.name} at batch {batch}")
        return models[batch]

    searches: dict[str, Search] = {}
    for pipeline in PIPELINES:

        def probe(batch: int, pipeline: str = pipeline) -> Probe:
            _progress(f"t10-bench capacity: {family.name}: {pipeline} at batch {batch}")
            model = model_at(batch)
            outcome = run_pipeline(model, chip_name, pipeline, 1.0, 0)
            report = outcome.report
            if report is None:
                diagnostic = outcome.diagnostic and model.located(outcome.diagnostic)
                return Probe(batch, None, None, None, diagnostic)
            return Probe(
                batch,
                report.result.cycles,
                report.match,
                report.result.peak_bytes_per_core,
                None,
            )

        searches[pipeline] = search_batch(pipeline, family.step, max_steps, probe)
    return PointResult(family, searches)


def _probe_json(probe: Probe, chip: Chip) -> dict[str, Any]:
    return {
        "batch": probe.batch,
        "fits": probe.fits,
        "cycles": None if probe.cycles is None else round(probe.cycles),
        "samples_per_s": probe.samples_per_s(chip),
        "match": probe.match,
        "peak_bytes_per_core": probe.peak_bytes_per_core,
        "diagnostic": probe.diagnostic,
    }


def never_slower_json(case: NeverSlower | None) -> dict[str, Any] | None:
    if case is None:
        return None
    return {
        "ratio": case.ratio,
        "model": case.family,
        "batch": case.batch,
        "baseline": case.baseline,
    }


def point_json(result: PointResult, chip: Chip) -> dict[str, Any]:
    family = result.family
    best = {pipeline: search.best(chip) for pipeline, search in result.searches.items()}
    return {
        "model": family.model,
        "seq": family.seq,
        "name": family.name,
        "unit": family.unit,
        "sample": family.sample,
        "batch_step": family.step,
        "largest_batch": {pipeline: result.largest(pipeline) for pipeline in result.searches},
        "best_samples_per_s": {
            pipeline: result.best_rate(pipeline, chip) for pipeline in result.searches
        },
        "best_batch": {
            pipeline: probe.batch if probe is not None else None for pipeline, probe in best.items()
        },
        "capped": {pipeline: search.capped for pipeline, search in result.searches.items()},
        "largest_batch_over_best_baseline": result.largest_over_baselines(),
        "samples_per_s_over_best_baseline": result.rate_over_baselines(chip),
        "never_slower": never_slower_json(worst_never_slower([result])),
        "curve": {
            pipeline: [_probe_json(probe, chip) for probe in search.curve()]
            for pipeline, search in result.searches.items()
        },
    }


def capacity_json(chip: Chip, sizes: str, results: Sequence[PointResult]) -> dict[str, Any]:
    """The ``--json`` document."""
    return {
        "chip": chip.name,
        "sizes": sizes,
        "points": [point_json(result, chip) for result in results],
        "summary": {"worst_never_slower": never_slower_json(worst_never_slower(results))},
    }


def _batch_cell(result: PointResult, pipeline: str) -> str:
    largest = result.largest(pipeline)
    if largest is None:
        return "no fit"
    return f">={largest}" if result.searches[pipeline].capped else str(largest)


def _rate_cell(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:,.0f}"


def _ratio_cell(ratio: float | None, t10_fits: bool) -> str:
    if ratio is not None:
        return f"{ratio:.2f}x"
    return "only t10" if t10_fits else "-"


def report_lines(chip: Chip, sizes: str, results: Sequence[PointResult]) -> list[str]:
    """The table: one row per family, then what each measures, the notes and the summary."""
    columns = ["model", "seq"]
    columns += [f"{pipeline} batch" for pipeline in PIPELINES] + ["t10/best"]
    columns += [f"{pipeline} samples/s" for pipeline in PIPELINES] + ["t10/best"]
    rows: list[list[str]] = []
    for result in results:
        t10_fits = result.largest("t10") is not None
        row = [result.family.name, "-" if result.family.seq is None else str(result.family.seq)]
        row += [_batch_cell(result, pipeline) for pipeline in PIPELINES]
        row.append(
            "capped"
            if result.ratio_capped()
            else _ratio_cell(result.largest_over_baselines(), t10_fits)
        )
        row += [_rate_cell(result.best_rate(pipeline, chip)) for pipeline in PIPELINES]
        row.append(_ratio_cell(result.rate_over_baselines(chip), t10_fits))
        rows.append(row)
    lines = [
        f"t10-bench capacity on {chip.name} ({chip.cores} cores, {chip.clock_hz / 1e9:g} GHz, "
        f"{chip.sram_kib_per_core} KiB per core), {sizes} sizes; batch: the largest that fits; "
        "samples/s: the best over the batches simulated; t10/best: t10 over the better baseline",
        "",
        *aligned_table(columns, rows),
        "",
    ]
    for result in results:
        family = result.family
        lines.append(f"{family.name}: {family.unit}; a sample is one {family.sample}")
        for pipeline in PIPELINES:
            search = result.searches[pipeline]
            best = search.best(chip)
            measured = ", ".join(
                f"{probe.batch}{'' if probe.fits else ' no fit'}"
                + ("" if probe.match is not False else " MISMATCH")
                for probe in search.curve()
            )
            best_text = f"; best at batch {best.batch}" if best is not None else ""
            lines.append(f"  {pipeline}: batches {measured}{best_text}")
            failures = [probe for probe in search.curve() if probe.diagnostic is not None]
            if failures:
                first = failures[0]
                lines.append(f"    {first.batch} does not fit: {first.diagnostic}")
    worst = worst_never_slower(results)
    if worst is not None:
        lines.append(
            f"never slower: worst baseline/t10 time {worst.ratio:.4f} ({worst.family} at batch "
            f"{worst.batch}, against {worst.baseline}), over every batch t10 and a baseline "
            "both simulated"
        )
    return lines


_PIPELINE_MARKERS = {"t10": "o", "replicate": "s", "vgm": "^"}


def write_plots(directory: Path, chip: Chip, results: Sequence[PointResult]) -> None:
    """``<family>.capacity.png`` for every family, each drawn before any is written."""
    # Imported here: only --plots pays for matplotlib.
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    images = {
        plot_path(directory, result.family): _capacity_png(pyplot, chip, result)
        for result in results
    }
    for path, image in images.items():
        try:
            write_file(path, image, "--plots")
        except OutputFileError as error:
            raise BenchError(str(error)) from error


def _capacity_png(pyplot: Any, chip: Chip, result: PointResult) -> bytes:
    """Samples per second against batch for each pipeline, up to its largest batch, the
    first batch that does not fit dotted."""
    family = result.family
    figure, panel = pyplot.subplots(figsize=(7, 4.5))
    try:
        for pipeline, search in result.searches.items():
            rated = [
                (probe.batch, rate)
                for probe in search.curve()
                if (rate := probe.samples_per_s(chip)) is not None
            ]
            if not rated:
                panel.plot([], [], label=f"{pipeline}: fits no batch")
                continue
            line = panel.plot(
                [batch for batch, _ in rated],
                [rate for _, rate in rated],
                marker=_PIPELINE_MARKERS.get(pipeline, "x"),
                label=f"{pipeline} (largest batch {search.largest_batch})",
            )[0]
            failing = [probe.batch for probe in search.curve() if not probe.fits]
            if failing:
                panel.axvline(min(failing), color=line.get_color(), linestyle=":", alpha=0.7)
        panel.set_xscale("log", base=2)
        panel.set_xlabel(f"batch ({family.sample}s per run); dotted: first batch that does not fit")
        panel.set_ylabel(f"{family.sample}s per simulated second")
        panel.set_title(f"{family.name} on {chip.name}\n{family.unit}", fontsize=9)
        panel.legend(fontsize=8)
        figure.tight_layout()
        image = io.BytesIO()
        figure.savefig(image, format="png", dpi=100)
    finally:
        pyplot.close(figure)
    return image.getvalue()


def check_plots(directory: Path, families: Sequence[Family]) -> None:
    """Create the ``--plots`` directory and check every plot can be written there, before
    any run: a slip must not cost the whole search."""
    make_directory(directory)
    if not os.access(directory, os.W_OK | os.X_OK):
        raise BenchError(f"--plots {directory}: cannot write: Permission denied")
    try:
        check_outputs([("--plots", plot_path(directory, family)) for family in families])
    except OutputFileError as error:
        raise BenchError(str(error)) from error


def plot_path(directory: Path, family: Family) -> Path:
    return directory / f"{family.name}.capacity.png"


@click.command(name="t10-bench capacity")
@click.argument("models", nargs=-1)
@click.option("--chip", default="ipu-mk2", show_default=True, help="Preset name or chip file.")
@click.option(
    "--sizes",
    type=click.Choice(SIZES),
    default="real",
    show_default=True,
    help="The real models' widths, or small ones for a test chip.",
)
@click.option(
    "--max-batch",
    "max_steps",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_BATCH,
    show_default=True,
    help="Largest batch searched, in steps (1 sample; NeRF: 1024 points, 64 if small).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--plots",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write a PNG of samples/s against batch per model into this directory.",
)
def capacity(
    models: tuple[str, ...],
    chip: str,
    sizes: str,
    max_steps: int,
    as_json: bool,
    plots: Path | None,
) -> None:
    """Find the largest batch each pipeline fits and its best samples per second, for
    each model family (default: all): opt-1.3b-s512, opt-1.3b-s1024, gpt2-s1024,
    bert-large-s512, vit-l16, resnet50, nerf.

    Exit status: 0 if every simulated output matches, 1 if one does not, 2 on an error."""
    try:
        loaded_chip = load_chip(chip)
        families = select_families(models, sizes)
        if plots is not None:
            check_plots(plots, families)
        results: list[PointResult] = []
        with tempfile.TemporaryDirectory(prefix="t10-bench-capacity-") as directory:
            for family in families:
                results.append(measure_family(family, chip, max_steps, Path(directory)))
        if plots is not None:
            write_plots(plots, loaded_chip, results)
    except (BenchError, RunError, ChipFileError, ParseError, DiagnosticException) as error:
        if os.environ.get("T10_TRACEBACK"):
            raise
        fail(str(error).strip().removeprefix("error: "))
    if as_json:
        click.echo(json.dumps(capacity_json(loaded_chip, sizes, results), indent=2))
    else:
        click.echo("\n".join(report_lines(loaded_chip, sizes, results)))
    if any(
        probe.match is False
        for result in results
        for search in result.searches.values()
        for probe in search.probes.values()
    ):
        click.get_current_context().exit(1)
