"""``t10-bench snn``: where sparsity pays when a spiking network trains on a many-core chip.

``t10-bench snn [--activity 0.01,0.025,0.05,0.1] [--chip ipu-mk2]
[--sizes 2312,1466,1466,10] [--timesteps 100] [--batch 48] [--cap-factor 4]
[--learning-rate 0.1] [--seed 0] [--json]``

One training step of the network (forward over T steps, BPTT, SGD; see
:mod:`t10.models.snn`) is compiled twice for the chip by
:func:`~t10.passes.snn_lower.lower_training_step`, under the best layout
:mod:`t10.passes.snn_plan` finds for each form: **sparse** (spike lists, row
gather-and-add) and **dense** (0/1 spikes, the matmul units). Both run on the
simulated chip with the same synthetic inputs: at every activity ``a``, input
neurons spike with probability ``a`` per step (``rate_coded_inputs(config, a, seed)``)
and the weights are ``init_weights(config, seed + 1)``. The dense program does not
depend on the activity, so it is compiled once and run at every activity.

Spike-list capacity
    At activity ``a`` every layer's lists hold ``cap = min(1, cap_factor * a)`` of its
    neurons: the spikes of one step and sample vary around the mean (the input's are
    binomial, the hidden layers' bunch up), and lists sized to the mean would drop
    spikes in every burst above it. Spikes beyond a list's capacity are dropped and
    reported, per layer (the input's, compacted by the host, counted as fired minus
    listed; the others by the program) and in total, never hidden.

Rates
    Samples per second = batch / (cycles / clock); speedup = sparse / dense rate.
    The crossover is the activity where dense starts to win, interpolated between
    the two measured activities around it, linearly in log(speedup); it is not
    reported when every point has sparse ahead, nor extrapolated below the lowest
    activity when dense wins there already.

Per-step split
    Each form's run is split by where its phases ran: inside the forward and backward
    ``tile.repeat`` loops (one iteration per time step, 2 (T - 1) in all), whose
    compute, exchange and sync cycles are given per step, or outside them: the
    one-off rest (zero fills, loss, gathering the loss and dropped counts, update).
    The simulator's trace does not say which loop a phase ran in, so the phases of
    the program are worked out from its ops with the simulator's grouping rules
    (consecutive computes are one phase, consecutive exchanges and fan-ins one, a
    sync one) and checked against the trace, kind for kind.

Numerics (always checked)
    The sparse run's outputs must equal those of the numpy reference
    (:func:`~t10.runtime.reference.run_reference`) of the sparse training step with
    its lists cut into the segments the plan gave every layer, and the dense run's
    those of the dense training step, each layer's current (both forms) summed over
    the plan's input slices in the program's order: loss and weights within rtol 1e-4,
    atol 1e-6 (float32 summation order), dropped counts exactly. The order matters: a
    potential within round-off of the threshold fires under one order of summation
    and not under another, and one flipped spike changes the gradients far beyond
    round-off (summed in one matrix product, the dense step at 10 % activity differs
    from the program by 3.5e-3; so does a program whose per-core blocks of a product
    round otherwise than the whole, which is why :mod:`t10.semantics.linalg_numpy`
    sums ``f32`` products in ``f64``). When no spike was dropped anywhere, the sparse and
    dense updated weights and losses must agree within the same tolerance, which holds
    only while no potential comes that close to the threshold. ``match`` holds per
    point.

Output: a header (chip, network, T, batch, each plan's layout), one row per activity,
the crossover and the time spent; with ``--json`` one object ``{"chip", "network",
"timesteps", "batch", "points": [{"activity", "sparse_samples_per_s",
"dense_samples_per_s", "speedup", "dropped_spikes", ...}], "crossover_activity", ...}``.

Exit status: 0 when every point matches, 1 when one does not (after printing
everything), 2 for bad input, a chip file error or a network that cannot be laid
out on the chip: one ``t10-bench: error: ...`` line on stderr, no traceback
(``T10_TRACEBACK=1`` shows it).
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from itertools import pairwise
from typing import Any, NoReturn

import click
import numpy as np
from xdsl.context import Context
from xdsl.dialects import func
from xdsl.ir import Block
from xdsl.parser import Parser

from t10.dialects import tile
from t10.hwmodel.chip import Chip, ChipFileError, load_chip
from t10.models.snn import Form, check_learning_rate, snn_train_step
from t10.passes.snn_lower import SnnLoweringError, input_slices, lower_training_step
from t10.passes.snn_plan import NoSnnPlanError, SnnPlan
from t10.runtime.reference import run_reference
from t10.runtime.simulator import SimulationError, SimulationResult, simulate
from t10.runtime.snn_reference import SnnConfig, compact_spikes, init_weights, rate_coded_inputs
from t10.semantics.linalg_numpy import Array
from t10.tools.t10_opt import T10OptMain

DEFAULT_ACTIVITIES = (0.01, 0.025, 0.05, 0.1)
DEFAULT_SIZES = (2312, 1466, 1466, 10)
"""Issue 7's network: 2312 inputs, two hidden layers of 1466, 10 outputs."""

RTOL = 1e-4
ATOL = 1e-6
"""Tolerance of every float comparison: float32 sums taken in another order."""

PHASE_KINDS: tuple[str, ...] = ("compute", "exchange", "sync")
LOOPS: tuple[str, ...] = ("forward", "backward")
"""The program's top-level ``tile.repeat`` loops, in program order."""


class SnnBenchError(Exception):
    """A one-line reason ``t10-bench snn`` cannot run."""


@dataclass(frozen=True)
class BenchSetup:
    """What the command line asked for, checked."""

    chip: Chip
    sizes: tuple[int, ...]
    timesteps: int
    batch: int
    activities: tuple[float, ...]
    """Ascending, distinct, each in (0, 1]."""
    cap_factor: float
    learning_rate: float
    seed: int

    def config(self, activity_cap: float | None) -> SnnConfig:
        return SnnConfig(self.sizes, self.timesteps, self.batch, activity_cap=activity_cap)

    @property
    def layers(self) -> int:
        return len(self.sizes) - 1


@dataclass(frozen=True)
class StepSplit:
    """Where one run's cycles went: per time step inside the loops, once outside."""

    per_step: dict[str, float]
    """Compute, exchange and sync cycles inside the loops over their 2 (T - 1) steps."""
    forward_step: float
    """All cycles of the forward loop over its T - 1 steps."""
    backward_step: float
    """All cycles of the backward loop over its T - 1 steps."""
    rest: dict[str, float]
    """Compute, exchange and sync cycles outside the loops, once per training step."""


@dataclass(frozen=True)
class FormRun:
    """One form's program run at one activity, checked against its reference."""

    plan: SnnPlan
    result: SimulationResult
    split: StepSplit
    max_abs_error: float
    """Largest difference of the loss and weights from the reference."""
    match: bool
    """Loss and weights within tolerance of the reference, dropped counts equal."""
    simulate_seconds: float
    reference_seconds: float

    def samples_per_s(self, chip: Chip, batch: int) -> float:
        return batch / (self.result.cycles / chip.clock_hz)


@dataclass(frozen=True)
class Point:
    """Both forms at one input activity."""

    activity: float
    cap: float
    """Spike-list capacity of the sparse form, as a fraction of each layer's neurons."""
    sparse: FormRun
    dense: FormRun
    dropped: tuple[int, ...]
    """Spikes dropped per layer, the input first, over all steps and samples."""
    forms_difference: float | None
    """Largest difference of the sparse and dense loss and updated weights; None when
    spikes were dropped (the two forms then compute different steps)."""
    forms_agree: bool | None
    compile_seconds: float
    """Compiling the sparse form at this capacity."""

    @property
    def match(self) -> bool:
        return self.sparse.match and self.dense.match and self.forms_agree is not False

    def speedup(self, setup: BenchSetup) -> float:
        return self.sparse.samples_per_s(setup.chip, setup.batch) / self.dense.samples_per_s(
            setup.chip, setup.batch
        )


@dataclass(frozen=True)
class BenchResult:
    """Every point of one bench run, with the dense plan they share."""

    setup: BenchSetup
    dense_plan: SnnPlan
    points: list[Point]
    dense_compile_seconds: float

    @property
    def compile_seconds(self) -> float:
        return self.dense_compile_seconds + sum(point.compile_seconds for point in self.points)

    @property
    def simulate_seconds(self) -> float:
        return sum(
            run.simulate_seconds for point in self.points for run in (point.sparse, point.dense)
        )

    @property
    def reference_seconds(self) -> float:
        return sum(
            run.reference_seconds for point in self.points for run in (point.sparse, point.dense)
        )


@dataclass(frozen=True)
class Crossover:
    """Where dense starts to win: an activity, or why none is given."""

    activity: float | None
    text: str


# Options ##########################################################################


def parse_activities(text: str) -> tuple[float, ...]:
    """``--activity``: comma-separated fractions in (0, 1], returned ascending, distinct."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        raise SnnBenchError(f"--activity {text!r}: give at least one activity")
    activities: list[float] = []
    for part in parts:
        try:
            activity = float(part)
        except ValueError:
            raise SnnBenchError(f"--activity {text!r}: {part!r} is not a number") from None
        if not 0.0 < activity <= 1.0:
            raise SnnBenchError(f"--activity {text!r}: {part} is not in (0, 1]")
        activities.append(activity)
    return tuple(sorted(set(activities)))


def parse_sizes(text: str) -> tuple[int, ...]:
    """``--sizes``: neurons per layer, the input first; at least two layers of >= 1."""
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise SnnBenchError(
            f"--sizes {text!r}: not a comma-separated list of layer sizes"
        ) from None
    if len(sizes) < 2:
        raise SnnBenchError(f"--sizes {text!r}: a network needs an input and an output layer")
    for layer, size in enumerate(sizes):
        if size < 1:
            raise SnnBenchError(f"--sizes {text!r}: layer {layer} has {size} neurons, not >= 1")
    return sizes


MAX_STEPS_OR_SAMPLES = 1 << 16
"""The most time steps, and the most samples, a bench run takes (today's runs take 100
and 48)."""


def check_numbers(timesteps: int, batch: int, cap_factor: float, learning_rate: float) -> None:
    if timesteps < 2:
        raise SnnBenchError(f"--timesteps {timesteps}: need at least 2 (the loops run T - 1 steps)")
    if batch < 1:
        raise SnnBenchError(f"--batch {batch}: need at least 1 sample")
    # The inputs (batch x T x neurons spikes) are made on the host before anything runs.
    for option, value in (("--timesteps", timesteps), ("--batch", batch)):
        if value > MAX_STEPS_OR_SAMPLES:
            raise SnnBenchError(f"{option} {value}: at most {MAX_STEPS_OR_SAMPLES}")
    if not (math.isfinite(cap_factor) and cap_factor > 0.0):
        raise SnnBenchError(f"--cap-factor {cap_factor}: must be positive and finite")
    try:
        check_learning_rate(learning_rate)
    except ValueError as error:
        raise SnnBenchError(f"--learning-rate: {error}") from None


def spike_cap(activity: float, cap_factor: float) -> float:
    """The share of each layer's neurons its spike lists hold at ``activity``: room for
    bursts ``cap_factor`` times the mean (see the module doc), at most every neuron."""
    return min(1.0, cap_factor * activity)


# Compiling and running ##############################################################


def _function(ctx: Context, text: str) -> func.FuncOp:
    module = Parser(ctx, text).parse_module()
    return next(op for op in module.walk() if isinstance(op, func.FuncOp))


@dataclass(frozen=True)
class Compiled:
    """One form's program on the chip, its plan, and the function its run must match."""

    program: tile.ProgramOp
    plan: SnnPlan
    reference: func.FuncOp
    """The step as the program computes it: the sparse form's lists cut into the plan's
    segments, and both forms' currents summed over the plan's input slices in order."""
    seconds: float


def compile_form(ctx: Context, setup: BenchSetup, config: SnnConfig, form: Form) -> Compiled:
    """The training step of ``config`` in ``form`` compiled for the chip."""
    started = time.perf_counter()
    function = _function(ctx, snn_train_step(config, form, setup.learning_rate))
    try:
        program, plan = lower_training_step(function, ctx, setup.chip)
    except (NoSnnPlanError, SnnLoweringError) as error:
        cap = "" if form == "dense" else f" at capacity {config.activity_cap:g}"
        raise SnnBenchError(f"the {form} form{cap}: {error}") from error
    segments = (
        [(layout.segments, layout.capacity) for layout in plan.layouts[1:]]
        if form == "sparse"
        else None
    )
    function = _function(
        ctx,
        snn_train_step(config, form, setup.learning_rate, segments, input_slices(plan)),
    )
    return Compiled(program, plan, function, time.perf_counter() - started)


LOOP_CONTROL = "loop control"
"""What :func:`_run_phases` yields for an iteration's loop control (``tile.repeat``)."""


def _run_phases(
    block: Block, loop: str | None, loop_names: dict[tile.RepeatOp, str]
) -> Iterator[tuple[str | None, str | None]]:
    """Per op run (loops unrolled), the phase kind it adds to (``None``: it ends the
    running phase without one of its own; :data:`LOOP_CONTROL`: a compute phase of its
    own, each iteration's loop control) and the loop it runs in."""
    for op in block.ops:
        if isinstance(op, tile.ComputeOp):
            yield "compute", loop
        elif isinstance(op, tile.ExchangeOp | tile.FanInOp):
            yield "exchange", loop
        elif isinstance(op, tile.SyncOp):
            yield "sync", loop
        elif isinstance(op, tile.RepeatOp):
            yield None, loop
            inner = loop_names.get(op, loop)
            for _ in range(op.count.value.data):
                yield LOOP_CONTROL, inner
                yield from _run_phases(op.body.block, inner, loop_names)
        else:
            yield None, loop


def phase_loops(program: tile.ProgramOp, timesteps: int) -> list[tuple[str, str | None]]:
    """The (kind, loop) of every phase a run of ``program`` records, in order: the
    simulator's grouping (a run of computes is one phase, a run of exchanges and
    fan-ins one, each sync one, each loop iteration's control one compute phase; other
    ops end the running phase). A phase belongs to
    the loop it starts in."""
    repeats = [op for op in program.body.block.ops if isinstance(op, tile.RepeatOp)]
    counts = [repeat.count.value.data for repeat in repeats]
    if counts != [timesteps - 1] * len(LOOPS):
        raise SnnBenchError(
            f"the program has top-level loops of {counts} steps: expected a forward and a "
            f"backward loop of {timesteps - 1} steps"
        )
    loop_names = dict(zip(repeats, LOOPS, strict=True))
    phases: list[tuple[str, str | None]] = []
    running: tuple[str, str | None] | None = None
    for kind, loop in _run_phases(program.body.block, None, loop_names):
        if running is not None and kind != running[0]:
            phases.append(running)
            running = None
        if kind == "sync":
            phases.append((kind, loop))
        elif kind == LOOP_CONTROL:
            phases.append(("compute", loop))
        elif kind is not None and running is None:
            running = (kind, loop)
    if running is not None:
        phases.append(running)
    return phases


def step_split(program: tile.ProgramOp, result: SimulationResult, timesteps: int) -> StepSplit:
    """The cycles of ``result`` inside the loops per time step, and outside them."""
    phases = phase_loops(program, timesteps)
    recorded = [phase.kind for phase in result.trace]
    if [kind for kind, _ in phases] != recorded:
        raise SnnBenchError(
            f"cannot tell which loop the run's phases ran in: the program gives "
            f"{len(phases)} phases, the trace holds {len(recorded)} (or their kinds differ)"
        )
    inside = dict.fromkeys(PHASE_KINDS, 0.0)
    outside = dict.fromkeys(PHASE_KINDS, 0.0)
    by_loop = dict.fromkeys(LOOPS, 0.0)
    for (kind, loop), phase in zip(phases, result.trace, strict=True):
        if loop is None:
            outside[kind] += phase.cycles
        else:
            inside[kind] += phase.cycles
            by_loop[loop] += phase.cycles
    steps = timesteps - 1
    return StepSplit(
        per_step={kind: cycles / (2 * steps) for kind, cycles in inside.items()},
        forward_step=by_loop["forward"] / steps,
        backward_step=by_loop["backward"] / steps,
        rest=outside,
    )


def compare(actual: Sequence[Array], expected: Sequence[Array]) -> tuple[float, bool]:
    """The largest difference of the float outputs, and whether they are within tolerance
    and the integer outputs (dropped counts) equal."""
    largest = 0.0
    match = True
    for got, want in zip(actual, expected, strict=True):
        got_array, want_array = np.asarray(got), np.asarray(want)
        if np.issubdtype(want_array.dtype, np.integer):
            match = match and bool(np.array_equal(got_array, want_array))
            continue
        got64, want64 = got_array.astype(np.float64), want_array.astype(np.float64)
        largest = max(largest, float(np.max(np.abs(got64 - want64), initial=0.0)))
        match = match and bool(np.allclose(got64, want64, rtol=RTOL, atol=ATOL))
    return largest, match


def run_form(setup: BenchSetup, compiled: Compiled, arguments: Sequence[Array]) -> FormRun:
    """Simulate ``compiled`` on ``arguments`` and check it against its reference."""
    started = time.perf_counter()
    try:
        result = simulate(compiled.program, setup.chip, arguments)
    except SimulationError as error:
        raise SnnBenchError(f"simulating the training step: {error}") from error
    simulated = time.perf_counter()
    expected = run_reference(compiled.reference, arguments)
    referenced = time.perf_counter()
    max_abs_error, match = compare(result.outputs, expected)
    return FormRun(
        plan=compiled.plan,
        result=result,
        split=step_split(compiled.program, result, setup.timesteps),
        max_abs_error=max_abs_error,
        match=match,
        simulate_seconds=simulated - started,
        reference_seconds=referenced - simulated,
    )


def _progress(message: str) -> None:
    if sys.stderr.isatty():
        click.echo(f"t10-bench snn: {message}", err=True)


def run_bench(setup: BenchSetup) -> BenchResult:
    """Compile both forms for every activity of ``setup`` (all first, so that a network
    that does not fit fails at once), then simulate and check them."""
    ctx = T10OptMain(args=[]).ctx
    _progress("compiling the dense form")
    dense = compile_form(ctx, setup, setup.config(None), "dense")
    sparse_forms: list[Compiled] = []
    for activity in setup.activities:
        cap = spike_cap(activity, setup.cap_factor)
        _progress(f"activity {activity:g}: compiling the sparse form (capacity {cap:g})")
        sparse_forms.append(compile_form(ctx, setup, setup.config(cap), "sparse"))
    layers = setup.layers
    points: list[Point] = []
    for activity, sparse_form in zip(setup.activities, sparse_forms, strict=True):
        cap = spike_cap(activity, setup.cap_factor)
        config = setup.config(cap)
        fired, labels = rate_coded_inputs(config, activity, setup.seed)
        input_lists = compact_spikes(fired, config.capacity(0))
        tail = [labels.astype(np.int32), *init_weights(config, setup.seed + 1)]
        _progress(f"activity {activity:g}: sparse run")
        sparse = run_form(setup, sparse_form, [input_lists.ids[:, :, None, :], *tail])
        _progress(f"activity {activity:g}: dense run")
        dense_run = run_form(setup, dense, [fired.astype(np.float32), *tail])
        input_dropped = int(fired.sum()) - int(input_lists.counts.sum())
        dropped = (input_dropped, *(int(count) for count in sparse.result.outputs[1 + layers :]))
        forms_difference: float | None = None
        forms_agree: bool | None = None
        if not any(dropped):
            forms_difference, forms_agree = compare(
                sparse.result.outputs[: 1 + layers], dense_run.result.outputs
            )
        points.append(
            Point(
                activity,
                cap,
                sparse,
                dense_run,
                dropped,
                forms_difference,
                forms_agree,
                sparse_form.seconds,
            )
        )
    return BenchResult(setup, dense.plan, points, dense.seconds)


def crossover(activities: Sequence[float], speedups: Sequence[float]) -> Crossover:
    """The activity where dense starts to win (speedup of sparse over dense <= 1), between
    the first two ascending ``activities`` around it, linear in log(speedup); none when
    sparse is ahead at every point or dense already at the lowest (no extrapolation)."""
    pairs = sorted(zip(activities, speedups, strict=True))
    first_activity, first_speedup = pairs[0]
    if first_speedup <= 1.0:
        return Crossover(
            None, f"dense ahead already at {first_activity:g}, the lowest activity measured"
        )
    for (low, low_speedup), (high, high_speedup) in pairwise(pairs):
        if high_speedup <= 1.0:
            share = math.log(low_speedup) / (math.log(low_speedup) - math.log(high_speedup))
            activity = low + share * (high - low)
            return Crossover(
                activity, f"dense wins from activity {activity:.3g} (between {low:g} and {high:g})"
            )
    return Crossover(None, f"not reached up to {pairs[-1][0]:g}: sparse ahead at every point")


def bench_crossover(result: BenchResult) -> Crossover:
    return crossover(
        [point.activity for point in result.points],
        [point.speedup(result.setup) for point in result.points],
    )


# Output ###########################################################################


def plan_json(plan: SnnPlan) -> dict[str, Any]:
    return {
        "batch_groups": plan.batch_groups,
        "samples_per_group": plan.samples,
        "cores": plan.cores,
        "layouts": [asdict(layout) for layout in plan.layouts],
        "estimated_cycles": plan.cycles,
        "estimated_peak_bytes_per_core": plan.peak_bytes_per_core,
    }


def form_json(run: FormRun, setup: BenchSetup) -> dict[str, Any]:
    result = run.result
    return {
        "samples_per_s": run.samples_per_s(setup.chip, setup.batch),
        "cycles": result.cycles,
        "compute_cycles": result.compute_cycles,
        "exchange_cycles": result.exchange_cycles,
        "sync_cycles": result.sync_cycles,
        "supersteps": result.supersteps,
        "peak_bytes_per_core": result.peak_bytes_per_core,
        "per_step_cycles": run.split.per_step,
        "forward_step_cycles": run.split.forward_step,
        "backward_step_cycles": run.split.backward_step,
        "rest_cycles": run.split.rest,
        "max_abs_error": run.max_abs_error,
        "match": run.match,
        "simulate_seconds": run.simulate_seconds,
        "reference_seconds": run.reference_seconds,
        "plan": plan_json(run.plan),
    }


def bench_json(result: BenchResult) -> dict[str, Any]:
    """The ``--json`` document."""
    setup = result.setup
    return {
        "chip": setup.chip.name,
        "network": list(setup.sizes),
        "timesteps": setup.timesteps,
        "batch": setup.batch,
        "learning_rate": setup.learning_rate,
        "cap_factor": setup.cap_factor,
        "seed": setup.seed,
        "points": [
            {
                "activity": point.activity,
                "sparse_samples_per_s": point.sparse.samples_per_s(setup.chip, setup.batch),
                "dense_samples_per_s": point.dense.samples_per_s(setup.chip, setup.batch),
                "speedup": point.speedup(setup),
                "dropped_spikes": sum(point.dropped),
                "dropped_spikes_per_layer": list(point.dropped),
                "cap": point.cap,
                "match": point.match,
                "forms_agree": point.forms_agree,
                "forms_max_abs_difference": point.forms_difference,
                "compile_seconds": point.compile_seconds,
                "sparse": form_json(point.sparse, setup),
                "dense": form_json(point.dense, setup),
            }
            for point in result.points
        ],
        "crossover_activity": bench_crossover(result).activity,
        "compile_seconds": result.compile_seconds,
        "simulate_seconds": result.simulate_seconds,
        "reference_seconds": result.reference_seconds,
    }


def plan_text(plan: SnnPlan) -> str:
    """A layout in one line: batch groups, then per layer its cores (neuron groups x
    input slices, and its rings if it has any) and, sparse, its spike-list segments x
    their capacity."""
    layers: list[str] = []
    for layer, layout in enumerate(plan.layouts):
        name = "input" if layer == 0 else f"L{layer}"
        ring = f", rings of {layout.ring}" if layout.ring > 1 else ""
        cut = "" if layer == 0 else f" ({layout.neuron_groups} x {layout.input_groups}{ring})"
        lists = f", lists {layout.segments} x {layout.capacity}" if layout.capacity else ""
        layers.append(f"{name} {layout.cores}{cut}{lists}")
    groups = f"{plan.batch_groups} batch group{'s' if plan.batch_groups > 1 else ''}"
    return (
        f"{groups} of {plan.samples} samples, cores per group: {'; '.join(layers)}; "
        f"{plan.cores} cores in all"
    )


def _rate(samples_per_s: float) -> str:
    return f"{samples_per_s:,.0f}"


def _cycles(cycles: float) -> str:
    return f"{cycles:,.0f}"


def report_lines(result: BenchResult) -> list[str]:
    """The human-readable report: header, one row per activity, crossover, time."""
    setup = result.setup
    chip = setup.chip
    steps = 2 * (setup.timesteps - 1)
    columns = [
        "activity",
        "cap",
        "sparse samples/s",
        "dense samples/s",
        "speedup",
        "dropped",
        "sparse step c/e/s",
        "sparse rest",
        "dense step c/e/s",
        "dense rest",
        "match",
    ]
    rows: list[list[str]] = []
    for point in result.points:
        row = [
            f"{point.activity:g}",
            f"{point.cap:g}",
            _rate(point.sparse.samples_per_s(chip, setup.batch)),
            _rate(point.dense.samples_per_s(chip, setup.batch)),
            f"{point.speedup(setup):.2f}x",
            str(sum(point.dropped)),
        ]
        for run in (point.sparse, point.dense):
            row.append("/".join(_cycles(run.split.per_step[kind]) for kind in PHASE_KINDS))
            row.append(_cycles(sum(run.split.rest.values())))
        row.append("yes" if point.match else "NO")
        rows.append(row)
    widths = [
        max(len(cell) for cell in (column, *(row[index] for row in rows)))
        for index, column in enumerate(columns)
    ]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(cell.rjust(width) for cell, width in zip(cells, widths, strict=True))

    sparse_plans: dict[str, list[str]] = {}
    for point in result.points:
        sparse_plans.setdefault(plan_text(point.sparse.plan), []).append(f"{point.cap:g}")
    lines = [
        f"t10-bench snn on {chip.name} ({chip.cores} cores, {chip.clock_hz / 1e9:g} GHz): "
        f"network {list(setup.sizes)}, T = {setup.timesteps}, batch {setup.batch}, "
        f"SGD at {setup.learning_rate:g}, seed {setup.seed}; lists hold "
        f"min(1, {setup.cap_factor:g} x activity) of each layer",
        f"dense plan: {plan_text(result.dense_plan)}",
        *(f"sparse plan (cap {', '.join(caps)}): {text}" for text, caps in sparse_plans.items()),
        "",
        line(columns),
        *(line(row) for row in rows),
        "",
        f"step c/e/s: compute/exchange/sync cycles per time step inside the forward and "
        f"backward loops ({steps} steps); rest: cycles outside them (fills, loss, update)",
    ]
    for point in result.points:
        if any(point.dropped):
            per_layer = ", ".join(
                f"{'input' if layer == 0 else f'L{layer}'} {count}"
                for layer, count in enumerate(point.dropped)
            )
            lines.append(f"dropped at activity {point.activity:g}: {per_layer}")
        if not point.match:
            forms = (
                "not compared (spikes dropped)"
                if point.forms_difference is None
                else f"{point.forms_difference:.3g}"
            )
            lines.append(
                f"MISMATCH at activity {point.activity:g}: largest difference sparse vs its "
                f"reference {point.sparse.max_abs_error:.3g}, dense vs its reference "
                f"{point.dense.max_abs_error:.3g}, sparse vs dense {forms} (tolerance: rtol "
                f"{RTOL:g}, atol {ATOL:g}; dropped counts exactly)"
            )
    lines += [
        f"crossover: {bench_crossover(result).text}",
        f"time: compile {result.compile_seconds:.1f} s, simulate "
        f"{result.simulate_seconds:.1f} s, reference {result.reference_seconds:.1f} s",
    ]
    return lines


# Command ##########################################################################


def _fail(message: str) -> NoReturn:
    click.echo(f"t10-bench: error: {message}", err=True)
    click.get_current_context().exit(2)


@click.command(name="t10-bench snn")
@click.option(
    "--activity",
    "activity_text",
    default=",".join(map(str, DEFAULT_ACTIVITIES)),
    show_default=True,
    help="Comma-separated input activities in (0, 1]: spike probability per neuron and step.",
)
@click.option("--chip", default="ipu-mk2", show_default=True, help="Preset name or chip file.")
@click.option(
    "--sizes",
    "sizes_text",
    default=",".join(map(str, DEFAULT_SIZES)),
    show_default=True,
    help="Neurons per layer, the input first.",
)
@click.option("--timesteps", default=100, show_default=True, help="Time steps T.")
@click.option("--batch", default=48, show_default=True, help="Samples per training step.")
@click.option(
    "--cap-factor",
    default=4.0,
    show_default=True,
    help="Spike-list capacity as a multiple of the activity (at most every neuron).",
)
@click.option("--learning-rate", default=0.1, show_default=True, help="SGD step size.")
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Seed of the inputs (weights: seed + 1), a non-negative integer.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def snn(
    activity_text: str,
    chip: str,
    sizes_text: str,
    timesteps: int,
    batch: int,
    cap_factor: float,
    learning_rate: float,
    seed: int,
    as_json: bool,
) -> None:
    """Train one step of a spiking network, sparse and dense, on the simulated chip at
    each input activity, and compare their throughput.

    Exit status: 0 if every point matches its reference, 1 if one does not, 2 on an
    error."""
    try:
        check_numbers(timesteps, batch, cap_factor, learning_rate)
        setup = BenchSetup(
            chip=load_chip(chip),
            sizes=parse_sizes(sizes_text),
            timesteps=timesteps,
            batch=batch,
            activities=parse_activities(activity_text),
            cap_factor=cap_factor,
            learning_rate=learning_rate,
            seed=seed,
        )
        result = run_bench(setup)
    except (SnnBenchError, ChipFileError) as error:
        if os.environ.get("T10_TRACEBACK"):
            raise
        _fail(str(error).strip().removeprefix("error: "))
    if as_json:
        click.echo(json.dumps(bench_json(result), indent=2))
    else:
        click.echo("\n".join(report_lines(result)))
    if not all(point.match for point in result.points):
        click.get_current_context().exit(1)
