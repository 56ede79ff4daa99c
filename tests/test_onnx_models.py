"""The ONNX model suite: every model checks, runs in onnxruntime and computes what it
says, torch-mlir's importer and lowering read it, ``t10-run`` matches onnxruntime on it,
and ``t10-bench`` runs it."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from t10.tools import t10_bench
from t10.tools.t10_bench import ONNX_SUITE, model_files, suite

EXTRA = "the ONNX extra is not installed: pip install -e '.[onnx]'"
onnx = pytest.importorskip("onnx", reason=EXTRA)
onnxruntime = pytest.importorskip("onnxruntime", reason=EXTRA)

from t10.models import onnx_models  # noqa: E402  (needs onnx, skipped above without it)
from t10.models.onnx_models import SUITE, build_model, main, random_inputs  # noqa: E402

BIN = Path(sys.executable).parent
LOWERING = (
    "builtin.module(torch-onnx-to-torch-backend-pipeline,"
    "torch-backend-to-linalg-on-tensors-backend-pipeline)"
)

EXPECTED_OPS = {
    "mlp": {"MatMul", "Gemm", "Add", "Relu"},
    "cnn": {
        "Conv",
        "BatchNormalization",
        "Relu",
        "MaxPool",
        "Add",
        "GlobalAveragePool",
        "Flatten",
        "Gemm",
    },
    "encoder": {
        "MatMul",
        "Add",
        "Reshape",
        "Transpose",
        "Div",
        "Softmax",
        "LayerNormalization",
        "Erf",
        "Mul",
    },
    "decoder": {
        "LayerNormalization",
        "MatMul",
        "Reshape",
        "Transpose",
        "Softmax",
        "Trilu",
        "Where",
        "Pow",
        "Tanh",
    },
}

END_TO_END = ("mlp", "cnn", "encoder", "decoder")
"""The suite models ``t10-run model.onnx --reference onnxruntime --chip small-16`` runs."""


def ort_outputs(model: Any, inputs: dict[str, np.ndarray]) -> list[np.ndarray]:
    session = onnxruntime.InferenceSession(
        model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return session.run(None, inputs)


def initializers(model: Any) -> dict[str, np.ndarray]:
    return {tensor.name: onnx.numpy_helper.to_array(tensor) for tensor in model.graph.initializer}


def need_frontend() -> None:
    """Skip unless torch-mlir's importer (IREE's compiler package) is installed."""
    pytest.importorskip("iree.compiler", reason=EXTRA)


@pytest.fixture(scope="module", params=list(SUITE))
def small_model(request: pytest.FixtureRequest) -> tuple[str, Any]:
    return request.param, build_model(request.param)


def test_bench_names_the_whole_suite() -> None:
    assert tuple(SUITE) == ONNX_SUITE


def test_model_checks_and_is_f32(small_model: tuple[str, Any]) -> None:
    name, model = small_model
    onnx.checker.check_model(model, full_check=True)
    assert [(opset.domain, opset.version) for opset in model.opset_import] == [("", 17)]
    float_type = onnx.TensorProto.FLOAT
    for value in (*model.graph.input, *model.graph.output):
        assert value.type.tensor_type.elem_type == float_type
    assert model.graph.initializer, "parameters are initializers"
    assert {tensor.data_type for tensor in model.graph.initializer} == {float_type}
    op_types = {node.op_type for node in model.graph.node}
    assert EXPECTED_OPS[name] <= op_types


def test_weights_are_seeded() -> None:
    first, again = build_model("encoder"), build_model("encoder")
    assert first.SerializeToString() == again.SerializeToString()
    other = initializers(build_model("encoder", seed=1))
    for name, values in initializers(first).items():
        assert values.shape == other[name].shape
        assert not np.array_equal(values, other[name]), name


def test_runs_in_onnxruntime(small_model: tuple[str, Any]) -> None:
    _, model = small_model
    (output,) = ort_outputs(model, random_inputs(model))
    (declared,) = model.graph.output
    assert list(output.shape) == [dim.dim_value for dim in declared.type.tensor_type.shape.dim]
    assert output.dtype == np.float32
    assert np.isfinite(output).all()
    # The seeded scales keep activations near unit size, where f32 checks are meaningful.
    assert 0.05 < float(np.abs(output).mean()) < 20


def test_mlp_computes_its_layers() -> None:
    model = build_model("mlp", hidden=(24, 20, 12))
    inputs = random_inputs(model, seed=3)
    weights = initializers(model)
    value = inputs["features"].astype(np.float64)
    for layer in range(3):
        value = value @ weights[f"fc{layer}.weight"] + weights[f"fc{layer}.bias"]
        value = np.maximum(value, 0.0)
    expected = value @ weights["head.weight"] + weights["head.bias"]
    (output,) = ort_outputs(model, inputs)
    np.testing.assert_allclose(output, expected, rtol=1e-5, atol=1e-5)
    gemms = [node.name for node in model.graph.node if node.op_type == "Gemm"]
    assert gemms == ["fc1"], "the odd hidden layers are Gemms"


def test_cnn_adds_the_block_input_back() -> None:
    model = build_model("cnn", blocks=2)
    producers = {output: node for node in model.graph.node for output in node.output}
    residuals = [node for node in model.graph.node if node.name.endswith(".residual")]
    assert [producers[node.input[1]].name for node in residuals] == ["stem.pool", "block0.relu"]


def changed_positions(name: str) -> np.ndarray:
    """Which sequence positions of the output move when only the last token's input does."""
    model = build_model(name)
    inputs = random_inputs(model)
    (before,) = ort_outputs(model, inputs)
    inputs["hidden_states"][:, -1, :] += 1.0
    (after,) = ort_outputs(model, inputs)
    return np.abs(after - before).max(axis=(0, 2)) > 1e-4


def test_decoder_is_causal() -> None:
    # Earlier queries may not see the last key: only the last position changes.
    changed = changed_positions("decoder")
    assert changed.tolist() == [False] * (len(changed) - 1) + [True]


def test_encoder_attends_both_ways() -> None:
    assert changed_positions("encoder").all()


@pytest.mark.parametrize("name", list(SUITE))
def test_torch_mlir_lowers_it_to_linalg(name: str, tmp_path: Path) -> None:
    importer, iree_opt = BIN / "iree-import-onnx", BIN / "iree-opt"
    if not importer.exists() or not iree_opt.exists():
        pytest.skip(f"{EXTRA} (no {importer.name} or {iree_opt.name} in {BIN})")
    onnx.save_model(build_model(name), tmp_path / "model.onnx")
    subprocess.run(
        [importer, tmp_path / "model.onnx", "-o", tmp_path / "torch.mlir"],
        check=True,
        capture_output=True,
    )
    lowered = subprocess.run(
        [iree_opt, f"--pass-pipeline={LOWERING}", tmp_path / "torch.mlir"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "func.func @" in lowered
    assert "linalg." in lowered
    assert "torch." not in lowered


@pytest.mark.parametrize("name", END_TO_END)
def test_t10_run_matches_onnxruntime(name: str, tmp_path: Path) -> None:
    need_frontend()
    path = tmp_path / f"{name}.onnx"
    onnx.save_model(build_model(name), path)
    completed = subprocess.run(
        [BIN / "t10-run", path, "--chip", "small-16", "--reference", "onnxruntime", "--json"],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert report["match"] is True
    assert report["reference"] == "onnxruntime"


def test_command_line_writes_the_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "decoder.onnx"
    assert main(["decoder", "--seq", "6", "--heads", "2", "-o", str(path)]) == 0
    written = onnx.load(path)
    assert written.SerializeToString() == build_model("decoder", seq=6, heads=2).SerializeToString()
    assert capsys.readouterr().out.startswith(f"wrote {path}: Transformer decoder layer (causal)")


def test_command_line_realistic_sizes(tmp_path: Path) -> None:
    path = tmp_path / "encoder.onnx"
    assert main(["encoder", "--realistic", "--seq", "16", "-o", str(path)]) == 0
    model = onnx.load(path)
    (graph_input,) = model.graph.input
    assert [dim.dim_value for dim in graph_input.type.tensor_type.shape.dim] == [1, 16, 768]
    parameters = sum(int(np.prod(tensor.dims)) for tensor in model.graph.initializer)
    # A BERT-base layer: four 768x768 projections, a 768x3072 FFN, biases and two norms.
    assert parameters == 4 * (768 * 768 + 768) + 2 * 768 * 3072 + 3072 + 768 + 2 * 2 * 768


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["encoder", "--heads", "5"], "hidden 32 is not a multiple of heads 5"),
        (["mlp", "--hidden", "16,0"], "hidden layer 1 width must be at least 1, got 0"),
        (["cnn", "--image", "1"], "image must be at least 2 for the 2x2 max pooling, got 1"),
    ],
)
def test_command_line_rejects_bad_sizes(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "-o", str(tmp_path / "model.onnx")]) == 2
    assert capsys.readouterr().err == f"python -m t10.models.onnx_models: error: {message}\n"
    assert not (tmp_path / "model.onnx").exists()


def test_build_model_names_the_suite() -> None:
    with pytest.raises(ValueError, match="unknown ONNX model 'vgg': choose one of mlp, cnn"):
        onnx_models.build_model("vgg")


def test_bench_runs_the_suite() -> None:
    need_frontend()
    models = [f"onnx:{name}" for name in END_TO_END]
    result = CliRunner().invoke(
        suite, [*models, "--onnx-sizes", "small", "--chip", "small-16", "--json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert [model["name"] for model in document["models"]] == [f"onnx_{n}" for n in END_TO_END]
    for model in document["models"]:
        assert model["reference"] == "onnxruntime"
        assert model["flops"] > 0
        assert model["element_type"] == "f32"
        for pipeline in ("t10", "replicate", "vgm"):
            assert model["pipelines"][pipeline]["match"] is True


def test_bench_notes_a_missing_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(t10_bench, "_ONNX_EXTRA_MODULES", ("onnx", "t10_no_such_module"))
    files, note = model_files([], tmp_path, "small", with_onnx=True)
    assert [path.name for path, _ in files] == [f"{name}.mlir" for name in t10_bench.DEFAULT_SUITE]
    assert note == (
        "the ONNX suite (mlp, cnn, encoder, decoder) was not run: the ONNX extra is not "
        "installed (t10_no_such_module is missing): install the ONNX front end with "
        "pip install -e '.[onnx]'"
    )
    result = CliRunner().invoke(suite, ["onnx:mlp", "--chip", "small-16"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "t10-bench: error: onnx:mlp: the ONNX extra is not installed (t10_no_such_module"
    )


def test_bench_default_suite_ends_with_the_onnx_models(tmp_path: Path) -> None:
    files, note = model_files([], tmp_path, "small", with_onnx=True)
    assert note is None
    assert [label for _, label in files[-4:]] == [f"onnx:{name}" for name in ONNX_SUITE]
    assert all(path.is_file() and path.parent == tmp_path for path, _ in files[-4:])
    without, _ = model_files([], tmp_path, "small", with_onnx=False)
    assert len(without) == len(t10_bench.DEFAULT_SUITE)


def test_bench_rejects_an_unknown_suite_model() -> None:
    result = CliRunner().invoke(suite, ["onnx:vgg", "--chip", "small-16"])
    assert result.exit_code == 2
    assert result.stderr == (
        "t10-bench: error: onnx:vgg: no such model in the ONNX suite; "
        "choose among mlp, cnn, encoder, decoder\n"
    )
