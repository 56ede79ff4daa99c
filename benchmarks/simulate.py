"""Benchmark of the simulated chip against plain numpy on the same model (not a test).

Compiles a model to a ``tile.program`` (``t10-compile``), then times, side by
side in one run and alternating so that machine load hits both alike: the
simulator running the program, and the numpy reference running the input
linalg directly on the same inputs. Each is timed ``--repeats`` times and the
best time is kept (the least disturbed run). Prints both, their ratio (the
target is at most 3x) and whether the outputs match; also the first simulation
alone, which plans what later runs of the same program find cached.

    .venv/bin/python benchmarks/simulate.py [examples/bert_base_layer.mlir] [--chip ipu-mk2]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from xdsl.dialects.builtin import TensorType
from xdsl.dialects.func import FuncOp
from xdsl.ir import Attribute

from t10.dialects import tile
from t10.hwmodel.chip import load_chip
from t10.passes.compile import CompilePass
from t10.runtime.reference import random_inputs, run_reference, tolerance
from t10.runtime.simulator import simulate
from t10.tools.t10_opt import LocatingParser, T10OptMain

EXAMPLES = Path(__file__).parent.parent / "examples"


def _output_types(function: FuncOp) -> list[TensorType[Attribute]]:
    types = [output for output in function.function_type.outputs.data]
    assert all(isinstance(output, TensorType) for output in types)
    return [output for output in types if isinstance(output, TensorType)]


def main() -> None:
    parser = argparse.ArgumentParser(description="Simulated chip against plain numpy.")
    parser.add_argument("model", nargs="?", default=str(EXAMPLES / "bert_base_layer.mlir"))
    parser.add_argument("--chip", default="ipu-mk2")
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()

    context = T10OptMain(args=[]).ctx
    text = Path(arguments.model).read_text()
    module = LocatingParser(context, text, arguments.model).parse_module()
    function = next(op for op in module.clone().walk() if isinstance(op, FuncOp))
    inputs = random_inputs(function, 0)
    started = time.perf_counter()
    CompilePass(chip=arguments.chip).apply(context, module)
    compile_seconds = time.perf_counter() - started
    program = next(op for op in module.walk() if isinstance(op, tile.ProgramOp))
    chip = load_chip(arguments.chip)

    simulate_times: list[float] = []
    reference_times: list[float] = []
    for _ in range(arguments.repeats):
        started = time.perf_counter()
        result = simulate(program, chip, inputs)
        simulate_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        expected = run_reference(function, inputs)
        reference_times.append(time.perf_counter() - started)

    matches = all(
        np.allclose(
            simulated.astype(np.float64),
            reference.astype(np.float64),
            *tolerance(output_type.get_element_type()),
        )
        for simulated, reference, output_type in zip(
            result.outputs, expected, _output_types(function), strict=True
        )
    )
    simulate_seconds, reference_seconds = min(simulate_times), min(reference_times)
    print(f"model             {arguments.model} on {arguments.chip}")
    print(f"compile           {compile_seconds:.2f} s")
    print(f"simulate          {simulate_seconds:.2f} s  ({result.cycles:,.0f} cycles)")
    print(f"  first run       {simulate_times[0]:.2f} s  (plans the program)")
    print(f"numpy reference   {reference_seconds:.2f} s")
    print(f"ratio             {simulate_seconds / reference_seconds:.1f}x (target <= 3x)")
    print(f"outputs match     {'yes' if matches else 'NO'}")


if __name__ == "__main__":
    main()
