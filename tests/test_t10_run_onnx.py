"""``t10-run model.onnx``: ONNX models imported, compiled, simulated with their own weights
and checked against numpy or onnxruntime; inputs by ONNX name; errors as one line."""

import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner, Result

from t10.tools import t10_run
from t10.tools.t10_import import main as import_main
from t10.tools.t10_run import main


@pytest.fixture(scope="module")
def builders() -> ModuleType:
    pytest.importorskip("onnx", reason="needs the onnx extra: pip install -e '.[onnx]'")
    pytest.importorskip(
        "iree.compiler.extras.onnx_importer",
        reason="needs the onnx extra (iree-base-compiler): pip install -e '.[onnx]'",
    )
    pytest.importorskip("onnxruntime", reason="needs the onnx extra: pip install -e '.[onnx]'")
    import onnx_builders

    return onnx_builders


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args])


def run_json(*args: str | Path, exit_code: int = 0) -> dict[str, Any]:
    result = run(*args, "--json")
    assert result.exit_code == exit_code, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def error_of(*args: str | Path) -> str:
    result = run(*args)
    assert result.exit_code == 2, result.stdout
    assert isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    assert result.stderr.startswith("t10-run: error: ")
    assert result.stderr.count("\n") == 1
    return result.stderr.removeprefix("t10-run: error: ").rstrip("\n")


def onnxruntime_outputs(path: Path, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
    """The original model file run by onnxruntime directly, as the test's own check."""
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return [np.asarray(output) for output in session.run(None, feeds)]


def simulated_outputs(path: Path, npz: Path | None, **options: Any) -> list[np.ndarray]:
    report = t10_run.run(path, "small-16", "t10", None, 1.0, npz, 0, False, **options)
    assert report.match
    return report.result.outputs


@pytest.mark.parametrize("model", ["mlp", "gemm", "two_outputs"])
@pytest.mark.parametrize("reference", ["numpy", "onnxruntime"])
def test_onnx_models_match_their_reference(
    builders: ModuleType, tmp_path: Path, model: str, reference: str
):
    path = builders.save(getattr(builders, model)(), tmp_path / f"{model}.onnx")
    document = run_json(path, "--chip", "small-16", "--reference", reference)
    assert document["reference"] == reference
    assert document["function"] == model
    # Operators are named after their ONNX nodes (or a nameless node's first output);
    # t10-run tells apart several of one node by a suffix.
    nodes = {re.sub(r"\.\d+$", "", op["name"]) for op in document["ops"]}
    assert (
        nodes
        == {
            "mlp": {"fc.MatMul", "fc.Add", "relu.Relu"},
            "gemm": {"y"},
            "two_outputs": {"h", "hb", "hidden", "logits", "y"},
        }[model]
    )
    assert document["match"] is True
    assert len(document["outputs"]) == (2 if model == "two_outputs" else 1)


def test_the_report_names_its_reference(builders: ModuleType, tmp_path: Path):
    path = builders.save(builders.mlp(), tmp_path / "mlp.onnx")
    result = run(path, "--chip", "small-16", "--reference", "onnxruntime")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "t10-run: @mlp on small-16 (16 cores, 1.325 GHz), pipeline t10"
    assert "reference: onnxruntime (the ONNX model on the same inputs)" in lines
    assert any(line.startswith("match: yes") for line in lines)
    numpy_lines = run(path, "--chip", "small-16").stdout.splitlines()
    assert not any(line.startswith("reference:") for line in numpy_lines)


def test_simulated_outputs_are_the_onnx_model_with_its_own_weights(
    builders: ModuleType, tmp_path: Path
):
    """The test runs the untouched model file in onnxruntime itself: random weights, or
    weights read wrongly, could not give its outputs."""
    path = builders.save(builders.two_outputs(), tmp_path / "two.onnx")
    x = np.random.default_rng(5).standard_normal((16, 32)).astype(np.float32)
    np.savez(tmp_path / "x.npz", x=x)
    simulated = simulated_outputs(path, tmp_path / "x.npz")
    expected = onnxruntime_outputs(path, {"x": x})
    for ours, theirs in zip(simulated, expected, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5)


def test_the_check_compares_with_onnxruntime(
    builders: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """With onnxruntime's outputs off by one, the same program no longer matches."""
    path = builders.save(builders.mlp(), tmp_path / "mlp.onnx")
    real = t10_run.run_onnxruntime
    monkeypatch.setattr(
        t10_run,
        "run_onnxruntime",
        lambda imported, inputs: [output + 1 for output in real(imported, inputs)],
    )
    document = run_json(path, "--chip", "small-16", "--reference", "onnxruntime", exit_code=1)
    assert document["match"] is False
    assert document["max_abs_error"] == pytest.approx(1.0, abs=1e-5)
    assert run_json(path, "--chip", "small-16")["match"] is True


def test_inputs_by_onnx_name_or_by_argument_name(builders: ModuleType, tmp_path: Path):
    path = builders.save(builders.mlp("input_1", "onnx::MatMul_4", "b"), tmp_path / "mlp.onnx")
    x = np.random.default_rng(6).standard_normal((8, 16)).astype(np.float32)
    expected = onnxruntime_outputs(path, {"input_1": x})
    for name in ("input_1", "input-1"):
        np.savez(tmp_path / f"{name}.npz", **{name: x})
        (simulated,) = simulated_outputs(path, tmp_path / f"{name}.npz")
        np.testing.assert_allclose(simulated, expected[0], rtol=1e-4, atol=1e-5)
    both = tmp_path / "both.npz"
    np.savez(both, **{"input_1": x, "input-1": x})
    assert error_of(path, "--inputs", both) == (
        f"--inputs {both}: 'input_1' and 'input-1' both name %input-1"
    )
    unknown = tmp_path / "unknown.npz"
    np.savez(unknown, y=x)
    assert error_of(path, "--inputs", unknown) == (
        f"--inputs {unknown}: @mlp has no argument named 'y'; its arguments are "
        "input-1 (ONNX 'input_1'), onnx__MatMul-4 (ONNX 'onnx::MatMul_4'), b"
    )


def test_given_weights_replace_the_models_in_both_references(builders: ModuleType, tmp_path: Path):
    built = builders.mlp()
    path = builders.save(built, tmp_path / "mlp.onnx")
    weight = builders.numpy_helper.to_array(built.graph.initializer[0])
    np.savez(tmp_path / "w.npz", **{"fc.weight": weight * 2})
    for reference in ("numpy", "onnxruntime"):
        document = run_json(
            path, "--chip", "small-16", "--inputs", tmp_path / "w.npz", "--reference", reference
        )
        assert document["match"] is True
    doubled = simulated_outputs(path, tmp_path / "w.npz")[0]
    original = simulated_outputs(path, None)[0]
    assert not np.allclose(doubled, original)


def test_imported_mlir_with_its_weights_runs_as_the_onnx_model(
    builders: ModuleType, tmp_path: Path
):
    path = builders.save(builders.gemm(), tmp_path / "gemm.onnx")
    mlir, weights = tmp_path / "gemm.mlir", tmp_path / "weights.npz"
    result = CliRunner().invoke(
        import_main, [str(path), "-o", str(mlir), "--weights", str(weights)]
    )
    assert result.exit_code == 0, result.stderr
    (from_mlir,) = simulated_outputs(mlir, weights)
    (from_onnx,) = simulated_outputs(path, None)
    np.testing.assert_array_equal(from_mlir, from_onnx)


def test_dynamic_dimensions_need_a_size(builders: ModuleType, tmp_path: Path):
    path = builders.save(builders.dynamic_batch(), tmp_path / "dynamic.onnx")
    assert error_of(path, "--chip", "small-16") == (
        f"{path}: t10 needs static shapes, but x[0] ('N') has no size: give named "
        "dimensions one with --dim NAME=SIZE"
    )
    document = run_json(path, "--chip", "small-16", "--dim", "N=8", "--reference", "onnxruntime")
    assert document["match"] is True


def test_onnxruntime_and_dim_need_an_onnx_model(builders: ModuleType, tmp_path: Path):
    mlir = tmp_path / "model.mlir"
    result = CliRunner().invoke(
        import_main, [str(builders.save(builders.mlp(), tmp_path / "m.onnx")), "-o", str(mlir)]
    )
    assert result.exit_code == 0, result.stderr
    assert error_of(mlir, "--reference", "onnxruntime") == (
        "--reference onnxruntime runs the ONNX model a function was imported from: "
        f"give the .onnx file, not {mlir}"
    )
    assert error_of(mlir, "--dim", "N=2") == (
        f"--dim sizes the dimensions of an ONNX model's inputs, not of {mlir}"
    )


def test_import_errors_are_one_line(builders: ModuleType, tmp_path: Path):
    missing = tmp_path / "missing.onnx"
    assert error_of(missing) == f"{missing}: cannot read: No such file or directory"
    path = builders.save(builders.unsupported_op(), tmp_path / "custom.onnx")
    assert error_of(path).startswith(
        f'{path}: torch-mlir cannot lower the model to linalg: loc("frob0"): '
    )


def test_inputs_of_the_wrong_shape(builders: ModuleType, tmp_path: Path):
    path = builders.save(builders.dynamic_batch(), tmp_path / "dynamic.onnx")
    bad = tmp_path / "bad.npz"
    np.savez(bad, x=np.zeros((4, 16), dtype=np.float32))
    assert error_of(path, "--dim", "N=8", "--inputs", bad) == (
        f"--inputs {bad}: 'x' has shape (4, 16), but %x is tensor<8x16xf32>"
    )
