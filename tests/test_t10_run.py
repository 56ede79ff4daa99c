"""``t10-run``: compile, simulate and check a model; its report, inputs, trace and errors."""

import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner, Result
from fifo_reader import fifo
from op_models import OP_CLASSES, TINY_BERT
from xdsl.dialects import func

from t10.hwmodel.chip import load_chip
from t10.runtime.reference import random_inputs
from t10.tools import t10_run
from t10.tools.t10_opt import T10OptMain
from t10.tools.t10_run import main

EXAMPLES = Path(__file__).parent.parent / "examples"
MLP = EXAMPLES / "mlp.mlir"
BERT_BASE = EXAMPLES / "bert_base_layer.mlir"
CNN = EXAMPLES / "small_cnn.mlir"

SMALL = """\
func.func @first(%a: tensor<32x32xf32>, %b: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %r = linalg.add ins(%a, %b : tensor<32x32xf32>, tensor<32x32xf32>)
                  outs(%a : tensor<32x32xf32>) -> tensor<32x32xf32>
  func.return %r : tensor<32x32xf32>
}
func.func @second(%a: tensor<32x32xi32>, %b: tensor<32x32xi32>)
    -> (tensor<32x32xi32>, tensor<32x32xi32>) {
  %r = linalg.mul ins(%a, %b : tensor<32x32xi32>, tensor<32x32xi32>)
                  outs(%a : tensor<32x32xi32>) -> tensor<32x32xi32>
  %s = linalg.add ins(%r, %b : tensor<32x32xi32>, tensor<32x32xi32>)
                  outs(%b : tensor<32x32xi32>) -> tensor<32x32xi32>
  func.return %r, %s : tensor<32x32xi32>, tensor<32x32xi32>
}
"""

UNINITIALISED = """\
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @acc(%a: tensor<16x16xf32>) -> (tensor<16x16xf32>, tensor<16x16xf32>) {
  %twice = linalg.add ins(%a, %a : tensor<16x16xf32>, tensor<16x16xf32>)
                      outs(%a : tensor<16x16xf32>) -> tensor<16x16xf32>
  %e = tensor.empty() : tensor<16x16xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<16x16xf32>) outs(%e : tensor<16x16xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = arith.addf %x, %o : f32
    linalg.yield %s : f32
  } -> tensor<16x16xf32>
  func.return %twice, %r : tensor<16x16xf32>, tensor<16x16xf32>
}
"""


TOO_BIG = """\
func.func @big(%a: tensor<1024x1024xf32>, %b: tensor<1024x1024xf32>,
               %c: tensor<1024x1024xf32>) -> tensor<1024x1024xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<1024x1024xf32>, tensor<1024x1024xf32>)
                     outs(%c : tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
  func.return %r : tensor<1024x1024xf32>
}
"""


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args])


def run_json(*args: str | Path, exit_code: int = 0) -> dict[str, Any]:
    result = run(*args, "--json")
    assert result.exit_code == exit_code, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def write(tmp_path: Path, text: str, name: str = "model.mlir") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def mlp_function() -> func.FuncOp:
    module = t10_run.read_module(T10OptMain(args=[]).ctx, MLP)
    return t10_run.select_function(module, None)


def test_json_report_of_the_mlp():
    document = run_json(MLP, "--chip", "ipu-mk2")
    assert document["chip"] == "ipu-mk2"
    assert document["pipeline"] == "t10"
    assert document["function"] == "mlp"
    assert document["match"] is True
    assert 0.0 <= document["max_abs_error"] < 2e-2
    for key in ("cycles", "predicted_cycles", "peak_bytes_per_core", "sram_bytes_per_core"):
        assert isinstance(document[key], int), key
    for key in ("time_us", "compile_seconds", "simulate_seconds", "reference_seconds"):
        assert isinstance(document[key], float), key
    assert document["time_us"] == pytest.approx(document["cycles"] / 1.325e3, abs=1e-3)
    assert 0 < document["peak_bytes_per_core"] <= 624 * 1024
    (output,) = document["outputs"]
    assert set(output) == {
        "element_type",
        "match",
        "max_abs_error",
        "max_error_ratio",
        "worst_index",
        "worst_error",
        "worst_bound",
    }
    assert output["element_type"] == "f16" and output["match"] is True
    assert output["max_abs_error"] == document["max_abs_error"]
    # The error at the worst element is within its bound, and no larger than the largest.
    assert 0.0 <= output["max_error_ratio"] == document["max_error_ratio"] <= 1.0
    assert output["worst_error"] == pytest.approx(output["max_error_ratio"] * output["worst_bound"])
    assert output["worst_error"] <= output["max_abs_error"]
    assert len(output["worst_index"]) == 2
    # Every operator of the MLP runs in one compute step: no partial sum is rounded early.
    assert document["reduction_steps"] == 1
    assert [op["name"] for op in document["ops"]] == ["h", "hb", "y"]
    for op in document["ops"]:
        assert set(op) == {
            "name",
            "plan",
            "cycles",
            "compute_cycles",
            "shift_cycles",
            "sync_cycles",
            "bytes_per_core",
            "predicted_cycles",
        }
        plan = op["plan"]
        loops = 2 if op["name"] == "hb" else 3
        assert len(plan["op_factors"]) == loops
        assert math.prod(plan["op_factors"]) <= 1472
        # One row of temporal factors and paces per operand (ins then outs).
        assert [len(row) for row in plan["temporal_factors"]] == [loops] * 3
        assert [len(row) for row in plan["pace"]] == [loops] * 3
        assert isinstance(op["bytes_per_core"], int) and op["bytes_per_core"] > 0
        assert isinstance(op["predicted_cycles"], int) and op["predicted_cycles"] > 0
        assert op["cycles"] > 0
    # Each operator's prediction covers what the program runs for it, so they add up
    # to the whole function's.
    assert sum(op["predicted_cycles"] for op in document["ops"]) == document["predicted_cycles"]


@pytest.mark.parametrize("chip", ["small-16", "ipu-mk2"])
def test_small_cnn_matches(chip: str):
    document = run_json(CNN, "--chip", chip)
    assert document["match"] is True
    assert [op["name"] for op in document["ops"]] == [
        "conv0",
        "conv0_relu",
        "conv0_pool",
        "conv1",
        "conv1_relu",
        "conv1_pool",
        "features",
        "scores",
        "logits",
    ]
    # Convolutions and poolings have 7 and 6 loops: batch, channels, image, window.
    assert [len(op["plan"]["op_factors"]) for op in document["ops"]] == [7, 4, 6, 7, 4, 6, 4, 3, 2]
    assert document["peak_bytes_per_core"] <= load_chip(chip).sram_bytes


@pytest.mark.parametrize("chip", ["small-16", "ipu-mk2"])
@pytest.mark.parametrize("op_class", sorted(OP_CLASSES))
def test_every_op_class_matches(op_class: str, chip: str, tmp_path: Path):
    document = run_json(write(tmp_path, OP_CLASSES[op_class]), "--chip", chip)
    assert document["match"] is True
    assert document["ops"] and all(op["cycles"] > 0 for op in document["ops"])


def test_bert_layer_of_a_tiny_config_matches_on_a_small_chip(tmp_path: Path):
    document = run_json(write(tmp_path, TINY_BERT), "--chip", "small-16")
    assert document["match"] is True
    assert len(document["ops"]) > 20


def test_bert_base_layer_matches_on_the_ipu():
    # The full-size layer: 12 heads of 64, FFN 3072, sequence 128, fp16 on 1472 cores.
    document = run_json(BERT_BASE, "--chip", "ipu-mk2")
    assert document["match"] is True
    assert document["max_abs_error"] < 0.05
    assert document["peak_bytes_per_core"] <= load_chip("ipu-mk2").sram_bytes


def test_resnet_50_with_its_padded_convolutions_matches_on_the_ipu():
    document = run_json(EXAMPLES / "resnet50.mlir", "--chip", "ipu-mk2")
    assert document["match"] is True
    assert len(document["ops"]) > 100


def test_cycles_per_operator_add_up_to_the_total(tmp_path: Path):
    path = write(tmp_path, SMALL)
    document = run_json(path, "--chip", "mesh-64", "--function", "second")
    assert document["function"] == "second"
    assert document["match"] is True and document["max_abs_error"] == 0.0
    assert [output["element_type"] for output in document["outputs"]] == ["i32", "i32"]
    between = document["between_operators"]
    # The sync before the outputs are gathered belongs to no operator.
    assert between["sync_cycles"] > 0
    parts = [*document["ops"], between]
    for part in parts:
        assert part["cycles"] == pytest.approx(
            part["compute_cycles"] + part["shift_cycles"] + part["sync_cycles"]
        )
    assert sum(part["cycles"] for part in parts) == pytest.approx(document["cycles"], abs=0.5)


def test_human_report():
    result = run(MLP, "--chip", "ipu-mk2")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == "t10-run: @mlp on ipu-mk2 (1472 cores, 1.325 GHz), pipeline t10"
    assert lines[2].split() == [
        "op",
        "plan",
        "cycles",
        "compute",
        "shift",
        "sync",
        "predicted",
        "bytes/core",
    ]
    rows = [line.split() for line in lines[3:8]]
    assert [row[0] for row in rows] == ["h", "hb", "y", "(between", "total"]
    # name, op_factors, temporal factors, then six numbers.
    assert rows[0][2].startswith("t=") and len(rows[0]) == 9
    assert all(cell.isdigit() for cell in rows[0][3:])
    operators, between, total = rows[:3], rows[3], rows[4]
    # Rounded per row, so the sum may be off by one per row.
    simulated = sum(int(row[3]) for row in operators) + int(between[2])
    assert abs(int(total[1]) - simulated) <= len(rows)
    assert int(total[5]) == sum(int(row[7]) for row in operators)
    assert any(line.startswith("time: ") and " µs (" in line for line in lines)
    assert any(line.startswith("peak bytes per core: ") for line in lines)
    assert any(line.startswith("match: yes (max abs error ") for line in lines)
    assert lines[-1].startswith("seconds: compile ")


def test_inputs_from_npz_equal_to_the_random_ones_give_the_same_answer(tmp_path: Path):
    function = mlp_function()
    arrays = dict(zip(t10_run.argument_names(function), random_inputs(function, 3), strict=True))
    npz = tmp_path / "inputs.npz"
    # Only some arguments: the others are drawn as without --inputs.
    np.savez(npz, x=arrays["x"], w2=arrays["w2"])
    drawn = t10_run.run(MLP, "mesh-64", "t10", None, 1.0, None, 3, show_progress=False)
    given = t10_run.run(MLP, "mesh-64", "t10", None, 1.0, npz, 3, show_progress=False)
    assert drawn.match and given.match
    np.testing.assert_array_equal(given.result.outputs[0], drawn.result.outputs[0])
    # A different x changes the answer.
    np.savez(npz, x=arrays["x"] * 2)
    doubled = t10_run.run(MLP, "mesh-64", "t10", None, 1.0, npz, 3, show_progress=False)
    assert doubled.match
    assert not np.array_equal(doubled.result.outputs[0], drawn.result.outputs[0])


def test_mismatch_exits_1_and_still_reports(tmp_path: Path):
    # Both runs read the uninitialised (NaN) %e: a NaN anywhere is a mismatch.
    path = write(tmp_path, UNINITIALISED)
    document = run_json(path, "--chip", "small-16", exit_code=1)
    assert document["match"] is False
    first, second = document["outputs"]
    assert first["match"] is True and first["max_abs_error"] == 0.0
    assert second["match"] is False and second["max_abs_error"] is None
    assert document["max_abs_error"] is None
    result = run(path, "--chip", "small-16")
    assert result.exit_code == 1
    assert "match: no (max abs error nan, nan of the error bound at most; " in result.stdout
    assert "  output 1 (f32): no, max abs error nan, worst nan of the bound" in result.stdout


def test_trace_is_written_whole(tmp_path: Path):
    path = write(tmp_path, SMALL)
    trace = tmp_path / "trace.json"
    result = run(path, "--chip", "small-16", "--function", "first", "--trace", trace)
    assert result.exit_code == 0, result.stderr
    document = json.loads(trace.read_text())
    events = [event for event in document["traceEvents"] if event["ph"] == "X"]
    assert {event["cat"] for event in events} >= {"compute", "sync"}
    assert sorted(item.name for item in tmp_path.iterdir()) == ["model.mlir", "trace.json"]


def test_no_trace_when_the_run_fails(tmp_path: Path):
    path = write(tmp_path, TOO_BIG)
    trace = tmp_path / "trace.json"
    result = run(path, "--chip", "small-16", "--trace", trace)
    assert result.exit_code == 2
    assert sorted(item.name for item in tmp_path.iterdir()) == ["model.mlir"]


def error_of(*args: str | Path) -> str:
    result = run(*args)
    assert result.exit_code == 2, result.stdout
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("t10-run: error: ")
    return result.stderr.removeprefix("t10-run: error: ")


def test_unfittable_model_is_an_error_at_its_operator(tmp_path: Path):
    path = write(tmp_path, TOO_BIG)
    message = error_of(path, "--chip", "small-16")
    assert message.startswith(f"{path}:3:3: error: cannot plan linalg.matmul: no plan fits: ")


def test_malformed_mlir_is_an_error_at_its_location(tmp_path: Path):
    path = write(tmp_path, "func.func @f(%a: tensor<4xf32> -> tensor<4xf32> {\n")
    message = error_of(path)
    assert message.splitlines()[0] == f"{path}:1:32"
    assert "')' expected" in message


def test_verifier_error_is_located(tmp_path: Path):
    path = write(
        tmp_path,
        "func.func @f(%a: tensor<4xf32>) -> tensor<8xf32> {\n  func.return %a : tensor<4xf32>\n}\n",
    )
    assert error_of(path).startswith(f"{path}:2:3: error: ")


@pytest.mark.parametrize(
    ("arrays", "message"),
    [
        ({"x": np.zeros((3, 4))}, "'x' has shape (3, 4), but %x is tensor<64x512xf16>"),
        ({"q": np.zeros(3)}, "@mlp has no argument named 'q'; its arguments are x, w1, b1, w2"),
        ({"x": np.full((64, 512), "a")}, "'x' holds <U1, not numbers"),
    ],
)
def test_bad_npz_is_an_error(tmp_path: Path, arrays: dict[str, Any], message: str):
    npz = tmp_path / "inputs.npz"
    np.savez(npz, **arrays)
    assert error_of(MLP, "--inputs", npz) == f"--inputs {npz}: {message}\n"


def test_unreadable_inputs_are_an_error(tmp_path: Path):
    missing = tmp_path / "missing.npz"
    assert error_of(MLP, "--inputs", missing) == (
        f"--inputs {missing}: cannot read: No such file or directory\n"
    )
    text = write(tmp_path, "not numpy", "inputs.npz")
    assert error_of(MLP, "--inputs", text) == (
        f"--inputs {text}: not an .npz archive of named arrays\n"
    )
    array = tmp_path / "array.npy"
    np.save(array, np.zeros(3))
    assert "an .npy array, not an .npz archive" in error_of(MLP, "--inputs", array)


def test_function_choice(tmp_path: Path):
    path = write(tmp_path, SMALL)
    assert error_of(path) == (
        f"{path} defines 2 functions (@first, @second): pick one with --function\n"
    )
    assert error_of(path, "--function", "third") == (
        f"no function @third; {path} defines @first, @second\n"
    )


def test_missing_model_and_unknown_chip(tmp_path: Path):
    missing = tmp_path / "missing.mlir"
    assert error_of(missing) == f"{missing}: cannot read: No such file or directory\n"
    assert error_of(MLP, "--chip", "no-such-chip").startswith("unknown chip preset 'no-such-chip'")


def test_memory_fraction_too_small_to_fit():
    message = error_of(MLP, "--memory-fraction", "0.001")
    assert message.startswith("the model does not fit ipu-mk2")
    assert f"{MLP}:12:5: note: linalg.matmul needs at least" in message


def test_unknown_pipeline_lists_the_known_ones():
    result = run(MLP, "--pipeline", "other")
    assert result.exit_code == 2
    assert "'other' is not one of 't10', 'replicate', 'vgm'" in result.stderr


@pytest.mark.parametrize("chip", ["mesh-64", "ipu-mk2"])
def test_replicate_baseline_rotates_nothing_and_matches(chip: str):
    document = run_json(MLP, "--chip", chip, "--pipeline", "replicate")
    assert document["pipeline"] == "replicate"
    assert document["match"] is True
    cap = 0.6 * load_chip(chip).sram_bytes
    for op in document["ops"]:
        assert {factor for row in op["plan"]["temporal_factors"] for factor in row} == {1}
        assert op["bytes_per_core"] <= cap


@pytest.mark.parametrize("chip", ["small-16", "ipu-mk2"])
def test_vgm_baseline_goes_through_global_memory_and_matches(chip: str):
    document = run_json(CNN, "--chip", chip, "--pipeline", "vgm")
    assert document["pipeline"] == "vgm"
    assert document["match"] is True
    for op in document["ops"]:
        assert {factor for row in op["plan"]["temporal_factors"] for factor in row} == {1}
    # Every operator but the first loads its input from the idle copies: it moves data.
    assert all(op["shift_cycles"] > 0 for op in document["ops"][1:])


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    ctx = T10OptMain(args=[]).ctx
    module = t10_run.read_module(ctx, write(tmp_path, SMALL))
    function = t10_run.select_function(module, "second")
    inputs = random_inputs(function, 0)
    compiled = t10_run.compile_function(ctx, module, function, "small-16", 1.0)
    names = [operator.name for operator in compiled.operators]
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    chip = load_chip("small-16")
    t10_run._simulate(compiled.program, chip, inputs, names, show_progress=False)
    assert terminal.getvalue() == ""
    result = t10_run._simulate(compiled.program, chip, inputs, names, show_progress=True)
    assert "simulating" in terminal.getvalue()
    assert "100%" in terminal.getvalue()
    assert len(result.outputs) == 2


def test_outputs_are_written_in_result_order_and_read_back_as_expected(tmp_path: Path):
    path = write(tmp_path, SMALL)
    outputs = tmp_path / "outputs.npz"
    args = (path, "--chip", "small-16", "--function", "second")
    document = run_json(*args, "--outputs", outputs)
    with np.load(outputs) as saved:
        assert saved.files == ["result0", "result1"]
        first, second = saved["result0"], saved["result1"]
    assert first.dtype == np.int32 and first.shape == (32, 32)
    assert not np.array_equal(first, second)
    assert sorted(item.name for item in tmp_path.iterdir()) == ["model.mlir", "outputs.npz"]
    # What was written is what is expected: exact integers, the same on a rerun.
    again = run_json(*args, "--expected", outputs)
    assert again["match"] is True and again["reference"] == str(outputs)
    assert again["max_abs_error"] == 0.0 == document["max_abs_error"]
    result = run(*args, "--expected", outputs)
    assert f"expected: {outputs} (within the numpy reference's bounds)" in result.stdout
    # One element off in the second result is a mismatch of that output only.
    np.savez(outputs, result0=first, result1=second + np.eye(32, dtype=np.int32))
    wrong = run_json(*args, "--expected", outputs, exit_code=1)
    assert [output["match"] for output in wrong["outputs"]] == [True, False]


def test_expected_floats_are_checked_within_the_reference_bound(tmp_path: Path):
    outputs = tmp_path / "outputs.npz"
    document = run_json(MLP, "--chip", "mesh-64", "--outputs", outputs)
    with np.load(outputs) as saved:
        (result,) = (saved["result0"],)
    assert result.dtype == np.float16 and result.shape == (64, 256)
    (output,) = document["outputs"]
    index = tuple(output["worst_index"])
    bound = output["worst_bound"]
    # Moved by a tenth of its bound the expectation still matches; by twice, not.
    for factor, matches in ((0.1, True), (2.0, False)):
        moved = result.astype(np.float64)
        moved[index] += factor * bound + abs(float(result[index]) - moved[index])
        np.savez(outputs, result0=moved.astype(np.float16))
        shifted = run_json(
            MLP, "--chip", "mesh-64", "--expected", outputs, exit_code=0 if matches else 1
        )
        assert shifted["match"] is matches


def test_outputs_to_a_pipe_are_written_in_place(tmp_path: Path):
    # A named pipe stands in for a device such as /dev/null, which a test must not risk.
    with fifo(tmp_path) as pipe:
        result = run(
            write(tmp_path, SMALL),
            "--chip",
            "small-16",
            "--function",
            "first",
            "--outputs",
            pipe.path,
        )
        assert result.exit_code == 0, result.stderr
        received = pipe.received()
        assert pipe.is_still_a_pipe()
    with np.load(io.BytesIO(received)) as saved:
        assert sorted(saved.files) == ["result0"]


@pytest.mark.parametrize(
    ("arrays", "message"),
    [
        ({"result0": np.zeros((32, 32), np.int32)}, "has no 'result1'; @second has 2 results"),
        (
            {
                "result0": np.zeros((32, 32), np.int32),
                "result1": np.zeros((32, 32), np.int32),
                "result2": np.zeros(3),
            },
            "has an unknown 'result2'; @second has 2 results, expected as result0, result1",
        ),
        (
            {"result0": np.zeros((32, 31), np.int32), "result1": np.zeros((32, 32), np.int32)},
            "'result0' has shape (32, 31), but result 0 of @second is tensor<32x32xi32>",
        ),
        (
            {"result0": np.zeros((32, 32)), "result1": np.zeros((32, 32), np.int32)},
            "'result0' holds float64, but result 0 of @second is tensor<32x32xi32> (held as int32)",
        ),
    ],
)
def test_bad_expected_npz_is_an_error(tmp_path: Path, arrays: dict[str, Any], message: str):
    path = write(tmp_path, SMALL)
    npz = tmp_path / "expected.npz"
    np.savez(npz, **arrays)
    found = error_of(path, "--function", "second", "--chip", "small-16", "--expected", npz)
    assert found.startswith(f"--expected {npz}: {message}")
    missing = tmp_path / "missing.npz"
    assert error_of(path, "--function", "second", "--expected", missing) == (
        f"--expected {missing}: cannot read: No such file or directory\n"
    )


def test_outputs_to_an_unwritable_place_are_an_error(tmp_path: Path):
    target = tmp_path / "no-such-dir" / "outputs.npz"
    message = error_of(write(tmp_path, SMALL), "--function", "first", "--outputs", target)
    assert message.startswith(f"--outputs {target}: cannot write: ")


HOISTED = """\
func.func @f(%x: tensor<4x8xf32>,
             %c: tensor<8x2xf32> {t10.weight, t10.value = dense<[[1.0, 2.0], [1.0, 2.0], [1.0, 2.0],
               [1.0, 2.0], [1.0, 2.0], [1.0, 2.0], [1.0, 2.0], [1.0, 2.0]]> : tensor<8x2xf32>})
    -> tensor<4x2xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %r = linalg.matmul ins(%x, %c : tensor<4x8xf32>, tensor<8x2xf32>)
                     outs(%f : tensor<4x2xf32>) -> tensor<4x2xf32>
  func.return %r : tensor<4x2xf32>
}
"""


def test_an_argument_carrying_its_value_runs_with_that_value(tmp_path: Path):
    # t10-canonicalize hoists constants as such arguments; a file saved after it runs alike.
    inputs = tmp_path / "inputs.npz"
    np.savez(inputs, x=np.ones((4, 8), np.float32))
    outputs = tmp_path / "outputs.npz"
    run_json(
        write(tmp_path, HOISTED), "--chip", "small-16", "--inputs", inputs, "--outputs", outputs
    )
    with np.load(outputs) as saved:
        np.testing.assert_array_equal(saved["result0"], np.tile([8.0, 16.0], (4, 1)))


@pytest.mark.parametrize(
    "carried",
    ["dense<1.0> : tensor<4xf32>", '"ones"', "dense<1.0> : tensor<8x2xf16>"],
)
def test_a_carried_value_of_another_type_is_an_error(tmp_path: Path, carried: str):
    start = HOISTED.index("t10.value = ") + len("t10.value = ")
    end = HOISTED.index("})\n")
    path = write(tmp_path, HOISTED[:start] + carried + HOISTED[end:])
    message = error_of(path, "--chip", "small-16")
    assert message.startswith("@f: argument %c carries t10.value = "), message
    assert "which is not dense elements of its type tensor<8x2xf32>" in message
