"""A simulated run as a Chrome trace (``{"traceEvents": [...]}``), which Perfetto opens.

One process is the chip; each thread is a core (``"core 17"``), or, with
``group_identical_cores``, a group of cores whose timelines are identical in
every phase (``"cores 0-3, 8"``): on a 1472-core chip a compute-shift program
has a handful of such groups, so the trace stays small. Each phase gives one
complete ("X") event per thread that is busy in it, starting at the phase's
start on the chip clock and lasting that core's busy time, in microseconds;
cores idle in a phase (receiving nothing in an exchange) get no event.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from t10.hwmodel.chip import Chip
from t10.runtime.simulator import FloatArray, Phase, SimulationResult

CHIP_PID = 0
"""The process id of the chip in the trace."""


def _core_ranges(cores: list[int]) -> str:
    """``[0, 1, 2, 3, 8]`` as ``"0-3, 8"``."""
    ranges: list[str] = []
    start = previous = cores[0]
    for core in [*cores[1:], None]:
        if core is not None and core == previous + 1:
            previous = core
            continue
        ranges.append(str(start) if start == previous else f"{start}-{previous}")
        if core is not None:
            start = previous = core
    return ", ".join(ranges)


def _core_groups(result: SimulationResult, group_identical_cores: bool) -> list[list[int]]:
    """Cores sharing a thread: alone, or grouped by identical per-phase busy times."""
    if not group_identical_cores:
        return [[core] for core in range(result.cores)]
    distinct: dict[int, FloatArray] = {
        id(phase.core_cycles): phase.core_cycles
        for phase in result.trace
        if phase.core_cycles is not None
    }
    if not distinct:
        return [list(range(result.cores))]
    timelines = np.stack(list(distinct.values()))
    _, group_of_core = np.unique(timelines, axis=1, return_inverse=True)
    groups: dict[int, list[int]] = {}
    for core, group in enumerate(group_of_core.ravel().tolist()):
        groups.setdefault(group, []).append(core)
    return sorted(groups.values())


def _events(phase: Phase, groups: list[list[int]], chip: Chip) -> list[dict[str, Any]]:
    start = chip.cycles_to_us(phase.start_cycle)
    events: list[dict[str, Any]] = []
    for thread, cores in enumerate(groups):
        cycles = phase.cycles if phase.core_cycles is None else float(phase.core_cycles[cores[0]])
        if cycles <= 0:
            continue
        events.append(
            {
                "name": phase.label,
                "cat": phase.kind,
                "ph": "X",
                "ts": start,
                "dur": chip.cycles_to_us(cycles),
                "pid": CHIP_PID,
                "tid": thread,
                "args": {"cycles": cycles, "superstep": phase.superstep},
            }
        )
    return events


def chrome_trace(
    result: SimulationResult, chip: Chip, group_identical_cores: bool = False
) -> dict[str, Any]:
    """The trace of ``result`` (simulated on ``chip``) as a Chrome trace JSON document."""
    groups = _core_groups(result, group_identical_cores)
    metadata: list[dict[str, Any]] = [
        {"name": "process_name", "ph": "M", "pid": CHIP_PID, "args": {"name": chip.name}}
    ]
    for thread, cores in enumerate(groups):
        name = f"core {cores[0]}" if len(cores) == 1 else f"cores {_core_ranges(cores)}"
        metadata.append(
            {
                "name": "thread_name",
                "ph": "M",
                "pid": CHIP_PID,
                "tid": thread,
                "args": {"name": name},
            }
        )
    events = [event for phase in result.trace for event in _events(phase, groups, chip)]
    return {"traceEvents": metadata + events, "displayTimeUnit": "ns"}


def write_chrome_trace(
    path: Path, result: SimulationResult, chip: Chip, group_identical_cores: bool = False
) -> None:
    """Write the trace of ``result`` to ``path`` (open it in https://ui.perfetto.dev)."""
    document = chrome_trace(result, chip, group_identical_cores)
    path.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")
