"""Spike lists and dense activations round rings against the broadcast (not a test).

Lowers one SNN training step under the same layout with layer 2's inputs broadcast
and rotated round rings of 2 and of 4 column blocks, simulates each program,
checks it against the numpy reference of the same step, and prints the planner's
estimate and peak bytes per core beside the simulated ones, with the rings the
planner chooses for that layout marked.

    .venv/bin/python benchmarks/snn_rings.py [--chip mesh-64] [--activity 0.5]
"""

from __future__ import annotations

import argparse

import numpy as np
from xdsl.dialects import func
from xdsl.parser import Parser

from t10.hwmodel.chip import load_chip
from t10.models.snn import Form, snn_train_step
from t10.passes.snn_lower import input_slices, lower_with_plan, training_step_of
from t10.passes.snn_plan import SnnPlan, price_layout
from t10.runtime.reference import run_reference
from t10.runtime.simulator import simulate
from t10.runtime.snn_reference import SnnConfig, compact_spikes, init_weights, rate_coded_inputs
from t10.tools.t10_opt import T10OptMain

CONFIG = SnnConfig(sizes=(8, 256, 16, 4), timesteps=4, batch=32, activity_cap=0.5)
"""Layer 1 takes a piece of input gradient from each of layer 2's column blocks."""
GROUPS = [(4, 1), (8, 1), (1, 1)]
"""Per layer: column blocks and input slices; layer 2 reads 4 segments of layer 1."""
LEARNING_RATE = 0.5


def _function(
    form: Form, segments: list[tuple[int, int]] | None, slices: list[tuple[int, int]] | None
) -> func.FuncOp:
    ctx = T10OptMain(args=[]).ctx
    text = snn_train_step(CONFIG, form, LEARNING_RATE, segments, slices)
    module = Parser(ctx, text).parse_module()
    return next(op for op in module.walk() if isinstance(op, func.FuncOp))


def _arguments(form: Form, activity: float) -> list[np.ndarray]:
    spikes, labels = rate_coded_inputs(CONFIG, activity, seed=3)
    inputs = (
        compact_spikes(spikes, CONFIG.capacity(0)).ids[:, :, None, :]
        if form == "sparse"
        else spikes.astype(np.float32)
    )
    return [inputs, labels.astype(np.int32), *init_weights(CONFIG, seed=4)]


def _matches(
    form: Form, plan: SnnPlan, outputs: list[np.ndarray], arguments: list[np.ndarray]
) -> bool:
    if form == "sparse":
        segments = [(layout.segments, layout.capacity) for layout in plan.layouts[1:]]
        reference = _function(form, segments, None)
    else:
        reference = _function(form, None, input_slices(plan))
    expected = run_reference(reference, arguments)
    return all(
        np.allclose(got, want, rtol=1e-5, atol=1e-6)
        for got, want in zip(outputs, expected, strict=True)
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description="SNN training with rings against the broadcast, estimated and simulated"
    )
    parser.add_argument("--chip", default="mesh-64")
    parser.add_argument("--activity", type=float, default=0.5)
    options = parser.parse_args()
    chip = load_chip(options.chip)
    ctx = T10OptMain(args=[]).ctx
    print(
        f"{list(CONFIG.sizes)}, T = {CONFIG.timesteps}, batch {CONFIG.batch}, on {chip.name}; "
        f"layout {GROUPS} (column blocks, input slices per layer); inputs at "
        f"{options.activity}"
    )
    print(
        f"{'form':6} {'layer 2':10} {'estimated':>10} {'est. bytes':>10} {'simulated':>10} "
        f"{'sim. bytes':>10}  match"
    )
    for form in ("sparse", "dense"):
        function = _function(form, None, None)
        step = training_step_of(function)
        chosen = price_layout(chip, step.network, 1, GROUPS).layouts[2].ring
        arguments = _arguments(form, options.activity)
        for ring in (1, 2, 4):
            plan = price_layout(chip, step.network, 1, GROUPS, rings=[1, ring, 1])
            program = lower_with_plan(function, ctx, chip, step, plan)
            result = simulate(program, chip, arguments)
            name = "broadcast" if ring == 1 else f"ring {ring}"
            mark = " (planner's choice)" if ring == chosen else ""
            print(
                f"{form:6} {name:10} {plan.cycles:10,.0f} {plan.peak_bytes_per_core:10,} "
                f"{result.cycles:10,.0f} {result.peak_bytes_per_core:10,}  "
                f"{'yes' if _matches(form, plan, result.outputs, arguments) else 'NO'}{mark}"
            )


if __name__ == "__main__":
    main()
