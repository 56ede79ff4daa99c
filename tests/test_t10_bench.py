"""``t10-bench``: the comparison of t10 with the baselines, its JSON, table, plots and errors."""

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from t10.hwmodel.chip import load_chip
from t10.tools import t10_bench
from t10.tools.t10_bench import chosen_plans, load_model, suite
from t10.tools.t10_run import OutputCheck, RunReport, run

EXAMPLES = Path(__file__).parent.parent / "examples"
MLP = EXAMPLES / "mlp.mlir"
CNN = EXAMPLES / "small_cnn.mlir"

MLP_FLOPS = 2 * 64 * 512 * 1024 + 64 * 1024 + 2 * 64 * 1024 * 256
"""Two matmuls (two FLOPs per multiply-accumulate) and the bias + ReLU, one per element;
the fills count nothing."""

# The matmul of filecheck/passes/t10-compile/replicate.mlir: with 5 % of small-16's SRAM
# t10 fits it by rotating A and C, replicate does not.
TIGHT_MATMUL = """\
func.func @matmul(%a: tensor<32x64xf32>, %b: tensor<64x48xf32>) -> tensor<32x48xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<32x48xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<32x48xf32>) -> tensor<32x48xf32>
  %r = linalg.matmul ins(%a, %b : tensor<32x64xf32>, tensor<64x48xf32>)
                     outs(%c : tensor<32x48xf32>) -> tensor<32x48xf32>
  func.return %r : tensor<32x48xf32>
}
"""

REDUCTION = """\
#rows = affine_map<(d0, d1) -> (d0, d1)>
#sum = affine_map<(d0, d1) -> (d1)>
func.func @sums(%a: tensor<8x16xf32>, %b: tensor<16x4xf32>) -> tensor<4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x4xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<8x4xf32>) -> tensor<8x4xf32>
  %p = linalg.matmul ins(%a, %b : tensor<8x16xf32>, tensor<16x4xf32>)
                     outs(%c : tensor<8x4xf32>) -> tensor<8x4xf32>
  %s0 = tensor.empty() : tensor<4xf32>
  %s1 = linalg.fill ins(%zero : f32) outs(%s0 : tensor<4xf32>) -> tensor<4xf32>
  %s = linalg.generic {indexing_maps = [#rows, #sum], iterator_types = ["reduction", "parallel"]}
      ins(%p : tensor<8x4xf32>) outs(%s1 : tensor<4xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %t = arith.addf %x, %acc : f32
    linalg.yield %t : f32
  } -> tensor<4xf32>
  func.return %s : tensor<4xf32>
}
"""

PAD = """\
func.func @p(%a: tensor<4x4xf32>) -> tensor<6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %r = tensor.pad %a low[1, 1] high[1, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<4x4xf32> to tensor<6x6xf32>
  func.return %r : tensor<6x6xf32>
}
"""
"""A model no pipeline can compile (``tensor.pad`` is not planned): an error, not a
result."""

PIPELINE_FIELDS = {
    "time_us",
    "cycles",
    "predicted_cycles",
    "fits",
    "diagnostic",
    "match",
    "max_abs_error",
    "peak_bytes_per_core",
    "compile_seconds",
    "simulate_seconds",
    "reference_seconds",
    "fraction_of_peak",
}


def bench(*args: str | Path) -> Result:
    return CliRunner().invoke(suite, [str(arg) for arg in args])


def write(tmp_path: Path, text: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def suite_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path, Result]:
    """mlp and small_cnn on mesh-64 with every pipeline, as JSON, with plots."""
    plots = tmp_path_factory.mktemp("plots")
    result = bench(MLP, CNN, "--chip", "mesh-64", "--json", "--plots", plots)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), plots, result


def test_json_schema(suite_run: tuple[dict[str, Any], Path, Result]) -> None:
    document, _, result = suite_run
    assert result.stderr == "", "progress goes to a terminal only"
    assert set(document) == {"chip", "models", "summary"}
    assert document["chip"] == "mesh-64"
    assert [model["name"] for model in document["models"]] == ["mlp", "small_cnn"]
    chip = load_chip("mesh-64")
    for model in document["models"]:
        assert set(model) == {"name", "reference", "flops", "element_type", "pipelines", "speedup"}
        assert model["reference"] == "numpy"
        assert set(model["pipelines"]) == {"t10", "replicate", "vgm"}
        for entry in model["pipelines"].values():
            assert set(entry) == PIPELINE_FIELDS
            assert entry["fits"] is True
            assert entry["diagnostic"] is None
            assert entry["match"] is True
            assert entry["time_us"] == pytest.approx(chip.cycles_to_us(entry["cycles"]), 1e-3)
            assert 0 < entry["peak_bytes_per_core"] <= chip.sram_bytes
            assert (
                min(
                    entry[key]
                    for key in ("compile_seconds", "simulate_seconds", "reference_seconds")
                )
                > 0
            )
            peak = chip.peak_flops(model["element_type"])
            expected = model["flops"] / (entry["time_us"] * 1e-6 * peak)
            assert entry["fraction_of_peak"] == pytest.approx(expected)
            assert 0 < entry["fraction_of_peak"] < 1
        times = {name: entry["time_us"] for name, entry in model["pipelines"].items()}
        assert model["speedup"] == pytest.approx(
            {
                "replicate": times["replicate"] / times["t10"],
                "vgm": times["vgm"] / times["t10"],
                "best_baseline": min(times["replicate"], times["vgm"]) / times["t10"],
            }
        )
    mlp = document["models"][0]
    assert mlp["flops"] == MLP_FLOPS
    assert mlp["element_type"] == "f16"
    summary = document["summary"]
    best = [model["speedup"]["best_baseline"] for model in document["models"]]
    assert summary["geomean_speedup_over_best_baseline"] == pytest.approx(
        math.sqrt(best[0] * best[1])
    )
    assert summary["best_speedup_over_best_baseline"] == max(best)
    assert summary["models_compared_over_best_baseline"] == 2
    ratio, name, baseline = min(
        (model["speedup"][baseline], model["name"], baseline)
        for model in document["models"]
        for baseline in ("replicate", "vgm")
    )
    assert summary["worst_never_slower"] == {"ratio": ratio, "model": name, "baseline": baseline}


def test_plots_written(suite_run: tuple[dict[str, Any], Path, Result]) -> None:
    _, plots, _ = suite_run
    expected = {
        f"{model}.{kind}.png"
        for model in ("mlp", "small_cnn")
        for kind in ("frontiers", "time", "memory")
    }
    assert {path.name for path in plots.iterdir()} == expected
    for name in expected:
        content = (plots / name).read_bytes()
        assert content.startswith(b"\x89PNG\r\n\x1a\n")
        assert len(content) > 1000


def test_flops_counted_per_op_class(tmp_path: Path) -> None:
    model = load_model(write(tmp_path, REDUCTION, "sums.mlir"))
    # matmul: 2 per multiply-accumulate; the sum: one per reduced element; fills: none.
    assert [operator.flops for operator in model.operators] == [0, 2 * 8 * 16 * 4, 0, 8 * 4]
    assert model.flops == 2 * 8 * 16 * 4 + 8 * 4
    assert model.element_type == "f32"


def test_table(tmp_path: Path) -> None:
    result = bench(MLP, "--chip", "mesh-64", "--pipelines", "t10,replicate")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("t10-bench on mesh-64 (64 cores")
    header = lines[2].split()
    assert header[:2] == ["model", "GFLOP"]
    assert "vgm" not in result.stdout
    assert lines[3].split()[:2] == ["mlp", "0.101"]
    assert "t10 over the better baseline: geometric mean" in result.stdout
    (never_slower,) = [line for line in lines if line.startswith("never slower: ")]
    ratio = float(never_slower.split()[5])
    assert never_slower.endswith(
        "(mlp against replicate), over every model t10 and a baseline both fit"
    )
    assert f"{ratio:.2f}x" == lines[3].split()[-3], "the row's speedup over replicate"
    assert "replicate seconds over 1 run: compile" in result.stdout


def test_model_a_baseline_cannot_fit(tmp_path: Path) -> None:
    model = write(tmp_path, TIGHT_MATMUL, "matmul.mlir")
    args = (model, "--chip", "small-16", "--memory-fraction", "0.05")
    result = bench(*args, "--json")
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.stdout)["models"]
    t10, replicate = entry["pipelines"]["t10"], entry["pipelines"]["replicate"]
    assert t10["fits"] is True
    assert t10["match"] is True
    assert replicate["fits"] is False
    assert replicate["diagnostic"] == (
        "the model does not fit small-16: 1 of 1 operators need more than the 3276 bytes "
        "per core available (65536 bytes of SRAM per core)"
    )
    assert replicate["time_us"] is None
    assert entry["speedup"]["replicate"] is None

    table = bench(*args, "--pipelines", "t10,replicate")
    assert table.exit_code == 0, table.output
    assert "no fit" in table.stdout.splitlines()[3]
    assert "replicate does not fit matmul: the model does not fit small-16" in table.stdout
    assert "geometric mean - over 0 models" in table.stdout


def test_mismatch_exits_1_after_printing(monkeypatch: pytest.MonkeyPatch) -> None:
    real_run = t10_bench.run

    def mismatching_run(*args: Any, **kwargs: Any) -> RunReport:
        report = real_run(*args, **kwargs)
        output = dataclasses.replace(report.outputs[0], match=False)
        outputs: list[OutputCheck] = [output]
        return dataclasses.replace(report, outputs=outputs)

    monkeypatch.setattr(t10_bench, "run", mismatching_run)
    result = bench(MLP, "--chip", "mesh-64", "--pipelines", "t10", "--json")
    assert result.exit_code == 1
    (entry,) = json.loads(result.stdout)["models"]
    assert entry["pipelines"]["t10"]["match"] is False


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.mlir"], "missing.mlir: no such model file"),
        (
            [MLP, "--pipelines", "t10,vendor"],
            "--pipelines 't10,vendor': unknown pipeline 'vendor'; choose among t10, replicate, vgm",
        ),
        ([MLP, "--chip", "ipu-mk3"], "unknown chip preset 'ipu-mk3' (did you mean 'ipu-mk2'?)"),
        (
            ["{tmp}/pad.mlir", "--chip", "small-16"],
            "pad with pipeline t10: {tmp}/pad.mlir:3:3: error: tensor.pad cannot be lowered",
        ),
        (["{tmp}/broken.mlir"], "{tmp}/broken.mlir:1:14\nfunc.func @f(\n"),
    ],
)
def test_errors_exit_2(tmp_path: Path, args: list[str | Path], message: str) -> None:
    write(tmp_path, PAD, "pad.mlir")
    write(tmp_path, "func.func @f(", "broken.mlir")
    result = bench(*(str(arg).format(tmp=tmp_path) for arg in args))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"t10-bench: error: {message.format(tmp=tmp_path)}")
    assert "Traceback" not in result.stderr


def test_model_without_flops_has_no_element_type(tmp_path: Path) -> None:
    fill_only = """\
func.func @zeros(%e: tensor<8x4xf32>) -> tensor<8x4xf32> {
  %zero = arith.constant 0.0 : f32
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<8x4xf32>) -> tensor<8x4xf32>
  func.return %c : tensor<8x4xf32>
}
"""
    model = load_model(write(tmp_path, fill_only, "zeros.mlir"))
    assert model.flops == 0
    assert model.element_type is None


@pytest.mark.parametrize("pipeline", ["t10", "replicate"])
def test_every_operator_found_on_its_frontier(pipeline: str) -> None:
    chip = load_chip("mesh-64")
    model = load_model(MLP)
    report = run(MLP, "mesh-64", pipeline, None, 1.0, None, 0, False)
    chosen = chosen_plans(model, report, chip)
    # The fills are no operators of the run; the matmuls and the bias + ReLU are.
    assert [model.operators[index].name for index in sorted(chosen)] == ["h", "hb", "y"]
    for index, operator in zip(sorted(chosen), report.operators, strict=True):
        assert chosen[index].to_attr() == operator.plan
        assert chosen[index].bytes_per_core == operator.cost["bytes_per_core"]
