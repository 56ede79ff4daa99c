"""End-to-end figures of the README's examples, pinned.

Each case compiles a model with one pipeline for one chip, simulates it and checks it
(``t10-run``'s own ``run``, or ``t10-bench snn``'s for a spiking network), and compares
three integers with ``tests/golden_figures.json``: the simulated cycles (rounded), the
predicted cycles (``t10.selection``'s, or the spiking layout search's estimate) and the
peak bytes per core (simulated, and for a spiking network also the estimate). A model
refused for the chip pins the first line of its diagnostic instead.

The figures move whenever the cost model, a pass or the simulator changes what a model
costs. A deliberate change regenerates them, and then the README's quoted figures:

    python tests/test_golden_figures.py --update     # rewrites golden_figures.json
    python benchmarks/readme_figures.py              # lists the README figures that moved
"""

# pyright: strict

import argparse
import json
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from op_models import matmul
from xdsl.utils.exceptions import DiagnosticException

from t10.hwmodel.chip import load_chip
from t10.tools.t10_bench_snn import BenchSetup, FormRun, run_bench
from t10.tools.t10_run import RunError, run

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden_figures.json"
UPDATE_COMMAND = "python tests/test_golden_figures.py --update"

Figures = dict[str, int | str]
"""A case's figures by name: integers, or ``refused`` and its diagnostic's first line."""

# The README's one matmul under a tight budget (filecheck/passes/t10-compile/replicate.mlir):
# with 5 % of small-16's SRAM t10 fits it only by rotating A and C; replicate cannot.
SMALL_MATMUL = matmul(32, 64, 48)

# A matmul whose plans on ipu-mk2 and mesh-64 split its contraction 8 ways, so that partial
# sums rotate round rings of cores.
LARGE_MATMUL = """\
!a = tensor<512x1024xf16>
!w = tensor<1024x1024xf16>
func.func @matmul(%a: !a, %b: !w {t10.weight}) -> !a {
  %zero = arith.constant 0.0 : f16
  %e = tensor.empty() : !a
  %c = linalg.fill ins(%zero : f16) outs(%e : !a) -> !a
  %r = linalg.matmul ins(%a, %b : !a, !w) outs(%c : !a) -> !a
  func.return %r : !a
}
"""

TEXTS = {"matmul_32x64x48.mlir": SMALL_MATMUL, "matmul_512x1024x1024.mlir": LARGE_MATMUL}
"""Models written for these cases only, by file name."""


@dataclass(frozen=True)
class RunCase:
    """``t10-run MODEL --chip CHIP --pipeline PIPELINE --memory-fraction F`` (seed 0)."""

    model: str
    """A path under the repository, or a name in ``TEXTS``."""
    chip: str
    pipeline: str = "t10"
    memory_fraction: float = 1.0

    @property
    def name(self) -> str:
        fraction = f" memory-fraction {self.memory_fraction:g}" if self.memory_fraction < 1 else ""
        return f"{Path(self.model).stem} on {self.chip}, {self.pipeline}{fraction}"

    def figures(self, scratch: Path) -> Figures:
        path = ROOT / self.model
        if self.model in TEXTS:
            path = scratch / self.model
            path.write_text(TEXTS[self.model])
        try:
            report = run(path, self.chip, self.pipeline, None, self.memory_fraction, None, 0, False)
        except (RunError, DiagnosticException) as error:
            return {"refused": str(error).strip().splitlines()[0].removeprefix("error: ")}
        assert report.match, f"{self.name}: the simulated outputs do not match the reference"
        return {
            "cycles": round(report.result.cycles),
            "predicted_cycles": report.predicted_cycles,
            "peak_bytes_per_core": report.result.peak_bytes_per_core,
        }


@dataclass(frozen=True)
class SnnCase:
    """``t10-bench snn --sizes SIZES --timesteps T --batch B --activity A --chip CHIP``:
    one training step, sparse and dense, seed 0."""

    sizes: tuple[int, ...]
    timesteps: int
    batch: int
    activity: float
    chip: str

    @property
    def name(self) -> str:
        sizes = ",".join(map(str, self.sizes))
        return (
            f"snn {sizes} T={self.timesteps} batch {self.batch} activity {self.activity:g} "
            f"on {self.chip}"
        )

    def figures(self, scratch: Path) -> Figures:
        setup = BenchSetup(
            load_chip(self.chip),
            self.sizes,
            self.timesteps,
            self.batch,
            (self.activity,),
            cap_factor=4.0,
            learning_rate=0.1,
            seed=0,
        )
        (point,) = run_bench(setup).points
        assert point.match, f"{self.name}: a form does not match its reference"

        def form(prefix: str, form_run: FormRun) -> Figures:
            return {
                f"{prefix}_cycles": round(form_run.result.cycles),
                f"{prefix}_estimated_cycles": round(form_run.plan.cycles),
                f"{prefix}_peak_bytes_per_core": form_run.result.peak_bytes_per_core,
                f"{prefix}_estimated_peak_bytes_per_core": form_run.plan.peak_bytes_per_core,
            }

        return form("sparse", point.sparse) | form("dense", point.dense)


Case = RunCase | SnnCase

PIPELINES = ("t10", "replicate", "vgm")
CASES: list[Case] = [
    *(RunCase("examples/mlp.mlir", chip, p) for chip in ("ipu-mk2", "mesh-64") for p in PIPELINES),
    *(
        RunCase("examples/small_cnn.mlir", chip, p)
        for chip in ("small-16", "ipu-mk2")
        for p in PIPELINES
    ),
    # The baselines on BERT-base take 5-10 s each: the README check runs them.
    RunCase("examples/bert_base_layer.mlir", "ipu-mk2"),
    RunCase("examples/bert_base_layer.mlir", "mesh-64"),
    RunCase("matmul_32x64x48.mlir", "small-16"),
    RunCase("matmul_32x64x48.mlir", "small-16", "t10", 0.05),
    RunCase("matmul_32x64x48.mlir", "small-16", "replicate", 0.05),
    RunCase("matmul_512x1024x1024.mlir", "ipu-mk2"),
    RunCase("matmul_512x1024x1024.mlir", "mesh-64"),
    SnnCase((200, 100, 10), 20, 8, 0.05, "small-16"),
]


def read_golden() -> dict[str, Figures]:
    document = json.loads(GOLDEN.read_text())
    return document["figures"]


def write_golden(figures: Mapping[str, Figures]) -> None:
    document = {
        "regenerate": UPDATE_COMMAND,
        "figures": {case.name: figures[case.name] for case in CASES},
    }
    GOLDEN.write_text(json.dumps(document, indent=2) + "\n")


def differences(old: Figures, new: Figures) -> list[str]:
    """One line per figure that differs, ``name: old -> new``."""
    return [
        f"{name}: {old.get(name, '(none)')} -> {new.get(name, '(none)')}"
        for name in sorted(old.keys() | new.keys())
        if old.get(name) != new.get(name)
    ]


def test_every_case_is_pinned_once() -> None:
    names = [case.name for case in CASES]
    assert len(set(names)) == len(names)
    assert sorted(read_golden()) == sorted(names), (
        f"tests/golden_figures.json and CASES disagree: regenerate with `{UPDATE_COMMAND}`"
    )


def test_differences_name_each_moved_figure() -> None:
    old: Figures = {"cycles": 100, "predicted_cycles": 90, "peak_bytes_per_core": 64}
    new: Figures = {"cycles": 101, "predicted_cycles": 90, "refused": "no fit"}
    assert differences(old, new) == [
        "cycles: 100 -> 101",
        "peak_bytes_per_core: 64 -> (none)",
        "refused: (none) -> no fit",
    ]
    assert differences(old, dict(old)) == []


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_golden_figures(case: Case, tmp_path: Path) -> None:
    pinned = read_golden().get(case.name)
    assert pinned is not None, f"{case.name} is not pinned: run `{UPDATE_COMMAND}`"
    measured = case.figures(tmp_path)
    moved = differences(pinned, measured)
    assert not moved, (
        f"{case.name}: the figures moved (pinned -> now):\n  "
        + "\n  ".join(moved)
        + f"\nIf the change is deliberate, run `{UPDATE_COMMAND}` and update the README's "
        "figures with it (`python benchmarks/readme_figures.py` lists those that moved)."
    )


def update(report: Callable[[str], None]) -> None:
    """Measure every case and rewrite golden_figures.json, reporting what moved."""
    pinned = read_golden() if GOLDEN.exists() else {}
    measured: dict[str, Figures] = {}
    with tempfile.TemporaryDirectory(prefix="t10-golden-") as scratch:
        for case in CASES:
            measured[case.name] = case.figures(Path(scratch))
            moved = differences(pinned.get(case.name, {}), measured[case.name])
            report(f"{case.name}: " + ("; ".join(moved) if moved else "unchanged"))
    write_golden(measured)
    report(f"wrote {GOLDEN.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Pin the end-to-end figures of the examples.")
    parser.add_argument(
        "--update", action="store_true", help="measure every case and rewrite the golden file"
    )
    arguments = parser.parse_args()
    if not arguments.update:
        parser.error("nothing to do: --update rewrites tests/golden_figures.json")
    update(print)


if __name__ == "__main__":
    sys.exit(main())
