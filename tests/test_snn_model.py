"""The SNN training-step model: its IR parses, has the structure the planner matches, and
computes the numpy reference's training step (runtime/snn_reference.py) when run by
run_reference, in the sparse and the dense form."""

import re
from collections import Counter
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from xdsl.dialects import func, scf, tensor
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation, SSAValue
from xdsl.printer import Printer

from t10.models.snn import ISSUE_NETWORK, Form, main, snn_train_step
from t10.runtime.reference import execute_ops, run_reference
from t10.runtime.snn_reference import (
    SnnConfig,
    StepResult,
    compact_spikes,
    init_weights,
    rate_coded_inputs,
    train_step_dense,
    train_step_sparse,
)
from t10.semantics.linalg_numpy import UnsupportedOpError
from t10.tools import t10_opt
from t10.tools.t10_opt import LocatingParser, T10OptMain

CTX = T10OptMain(args=[]).ctx
EXAMPLES = Path(__file__).parent.parent / "examples"
SIZES = (40, 30, 20, 5)
DROPPING = SnnConfig(sizes=SIZES, timesteps=12, batch=4, activity_cap=0.2)
"""Drops spikes in every layer on the inputs below (40, 21, 14 and 3 of them)."""
UNCAPPED = SnnConfig(sizes=SIZES, timesteps=12, batch=4)
"""Lists as long as the layers: drops nothing."""
INPUT_ACTIVITY = 0.2
WEIGHT_GAIN = 2.0
"""Scales the reference's initial weights so that every layer, the output included,
fires a few spikes in 12 steps and every weight gradient is non-zero."""
LEARNING_RATE = 1.0
"""Large, so that the updated weights differ visibly from the initial ones."""


def parse(text: str) -> func.FuncOp:
    module = LocatingParser(CTX, text, "snn.mlir").parse_module()
    module.verify()
    (function,) = (op for op in module.ops if isinstance(op, func.FuncOp))
    return function


def step_arguments(config: SnnConfig) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    inputs, labels = rate_coded_inputs(config, INPUT_ACTIVITY, seed=1)
    weights = [weight * np.float32(WEIGHT_GAIN) for weight in init_weights(config, seed=2)]
    return inputs, labels, weights


def run_ir(config: SnnConfig, form: Form) -> list[np.ndarray]:
    """The IR of ``config`` in ``form`` run on the inputs of :func:`step_arguments`."""
    inputs, labels, weights = step_arguments(config)
    if form == "sparse":
        spikes = compact_spikes(inputs, config.capacity(0)).ids[:, :, None, :]
    else:
        spikes = inputs.astype(np.float32)
    function = parse(snn_train_step(config, form, LEARNING_RATE))
    return run_reference(function, [spikes, labels, *weights])


def reference_step(config: SnnConfig, form: Form) -> StepResult:
    inputs, labels, weights = step_arguments(config)
    step = train_step_sparse if form == "sparse" else train_step_dense
    return step(config, weights, inputs, labels, LEARNING_RATE)


def assert_same_step(results: list[np.ndarray], expected: StepResult, layers: int) -> None:
    """Loss and updated weights to fp32 round-off."""
    loss, *updated = results[: 1 + layers]
    assert loss.shape == ()
    np.testing.assert_allclose(loss, expected.loss, rtol=1e-6)
    for weight, expected_weight in zip(updated, expected.weights, strict=True):
        assert weight.dtype == np.float32
        np.testing.assert_allclose(weight, expected_weight, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("config", [DROPPING, UNCAPPED], ids=["dropping", "uncapped"])
def test_sparse_ir_computes_the_reference_step(config: SnnConfig):
    results = run_ir(config, "sparse")
    expected = reference_step(config, "sparse")
    assert all(np.abs(gradient).max() > 1e-3 for gradient in expected.weight_gradients)
    assert_same_step(results, expected, config.layers)
    dropped = results[1 + config.layers :]
    assert [int(total) for total in dropped] == list(expected.dropped_spikes[1:])
    assert all(total.dtype == np.int32 and total.shape == () for total in dropped)


def test_the_dropping_config_drops_in_every_layer():
    assert all(reference_step(DROPPING, "sparse").dropped_spikes > 0)
    assert not reference_step(UNCAPPED, "sparse").dropped_spikes.any()


def test_dense_ir_computes_the_reference_step():
    results = run_ir(UNCAPPED, "dense")
    expected = reference_step(UNCAPPED, "dense")
    assert len(results) == 1 + UNCAPPED.layers
    assert_same_step(results, expected, UNCAPPED.layers)


def test_sparse_and_dense_ir_agree_when_nothing_is_dropped():
    sparse = run_ir(UNCAPPED, "sparse")
    dense = run_ir(UNCAPPED, "dense")
    np.testing.assert_allclose(sparse[0], dense[0], rtol=1e-6)
    initial = step_arguments(UNCAPPED)[2]
    for layer in range(1, UNCAPPED.layers + 1):
        assert not np.allclose(sparse[layer], initial[layer - 1])
        np.testing.assert_allclose(sparse[layer], dense[layer], rtol=1e-5, atol=1e-6)


def op_names(ops: list[Operation]) -> Counter[str]:
    return Counter(op.name for op in ops)


def loops(function: func.FuncOp) -> list[scf.ForOp]:
    return [op for op in function.body.block.ops if isinstance(op, scf.ForOp)]


@pytest.mark.parametrize("timesteps", [3, 12])
def test_sparse_structure_has_one_loop_over_time_each_way(timesteps: int):
    config = SnnConfig(sizes=SIZES, timesteps=timesteps, batch=4, activity_cap=0.2)
    function = parse(snn_train_step(config, "sparse"))
    forward, backward = loops(function)
    layers = config.layers
    forward_ops = op_names(list(forward.body.block.ops))
    assert forward_ops == {
        "arith.subi": 1,
        "tensor.extract_slice": 2 * layers,
        "snn.gather_add": layers,
        "snn.lif": layers,
        "snn.threshold_compact": layers,
        "tensor.insert_slice": 4 * layers,
        "scf.yield": 1,
    }
    assert len(forward.iter_args) == 4 * layers
    backward_ops = op_names(list(backward.body.block.ops))
    assert backward_ops == {
        "arith.subi": 2,
        "tensor.extract_slice": 3 * layers,
        "snn.pick": 1,
        "snn.lif_grad": layers,
        "snn.scatter_add_rows": layers,
        "snn.listed_grad": layers - 1,
        "scf.yield": 1,
    }
    assert len(backward.iter_args) == 3 * layers - 1
    body = op_names(list(function.body.block.ops))
    assert body["snn.spike_counts"] == body["snn.cross_entropy"] == 1
    assert body["linalg.generic"] == 2 * layers
    assert len(function.function_type.outputs.data) == 1 + 2 * layers


def test_dense_structure_uses_matmuls_and_generics():
    function = parse(snn_train_step(UNCAPPED, "dense"))
    forward, backward = loops(function)
    layers = UNCAPPED.layers
    forward_ops = op_names(list(forward.body.block.ops))
    assert forward_ops["linalg.matmul"] == layers
    assert forward_ops["linalg.generic"] == layers
    assert "snn.threshold_compact" not in forward_ops
    backward_ops = op_names(list(backward.body.block.ops))
    assert backward_ops["snn.lif_grad"] == layers
    assert backward_ops["linalg.generic"] == 2 * layers - 1
    assert not {"snn.pick", "snn.listed_grad", "snn.scatter_add_rows"} & set(backward_ops)
    assert len(function.function_type.outputs.data) == 1 + layers


@pytest.mark.parametrize("form", ["sparse", "dense"])
@pytest.mark.parametrize("generic", [False, True], ids=["custom", "generic"])
def test_printed_ir_parses_back(form: Form, generic: bool):
    function = parse(snn_train_step(DROPPING, form))
    printed = StringIO()
    Printer(stream=printed, print_generic_format=generic).print_op(function.parent_op() or function)
    reparsed = parse(printed.getvalue())
    assert op_names(list(reparsed.walk())) == op_names(list(function.walk()))


def test_weights_are_marked_and_inputs_are_spike_lists():
    function = parse(snn_train_step(DROPPING, "sparse"))
    assert [argument.name_hint for argument in function.args] == [
        "inputs",
        "labels",
        "w1",
        "w2",
        "w3",
    ]
    arg_attrs = function.arg_attrs
    assert arg_attrs is not None
    assert ["t10.weight" in attrs.data for attrs in arg_attrs] == [False, False, True, True, True]
    assert str(function.args[0].type) == "tensor<12x4x1x8xi32, #snn.spikes<40>>"


def test_python_api_rejects_a_bad_form_and_learning_rate():
    with pytest.raises(ValueError, match="form 'spiky' is not one of sparse, dense"):
        snn_train_step(UNCAPPED, "spiky")  # pyright: ignore[reportArgumentType]
    with pytest.raises(
        ValueError, match=re.escape("learning rate must be finite and >= 0, got -1.0")
    ):
        snn_train_step(UNCAPPED, "dense", -1.0)


def test_examples_are_the_builders_output():
    for form in ("sparse", "dense"):
        text = (EXAMPLES / f"snn_train_{form}.mlir").read_text()
        assert text == snn_train_step(ISSUE_NETWORK, form, 0.1)
        function = parse(text)
        assert function.sym_name.data == "snn_train_step"


def test_cli_writes_a_file_t10_opt_parses(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    output = tmp_path / "snn.mlir"
    arguments = ["--sizes", "40,30,20,5", "--timesteps", "12", "--batch", "4"]
    arguments += ["--activity-cap", "0.2", "--learning-rate", "1.0", "-o", str(output)]
    assert main(arguments) == 0
    assert output.read_text() == snn_train_step(DROPPING, "sparse", 1.0)
    assert t10_opt.main([str(output)]) == 0
    assert "snn.threshold_compact" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--sizes", "40,0,5"], "--sizes entry 1 (layer 1) must be at least 1, got 0"),
        (["--sizes", "40"], "--sizes needs an input and an output layer, got 1 size"),
        (["--timesteps", "0"], "--timesteps must be at least 1, got 0"),
        (["--batch", "-2"], "--batch must be at least 1, got -2"),
        (["--activity-cap", "0"], "--activity-cap must be in (0, 1], got 0.0"),
        (["--activity-cap", "1.5"], "--activity-cap must be in (0, 1], got 1.5"),
        (["--learning-rate", "-0.5"], "--learning-rate must be finite and >= 0, got -0.5"),
        (["--learning-rate", "nan"], "--learning-rate must be finite and >= 0, got nan"),
    ],
)
def test_cli_rejects_bad_values(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
):
    assert main([*arguments, "-o", "-"]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"python -m t10.models.snn: error: {message}\n"
    assert captured.out == ""


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--sizes", "40,x"], "'40,x' is not a comma-separated list of layer sizes"),
        (["--form", "spiky"], "argument --form: invalid choice: 'spiky'"),
        (["--timesteps", "many"], "argument --timesteps: invalid int value: 'many'"),
    ],
)
def test_cli_rejects_malformed_options(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
):
    with pytest.raises(SystemExit) as exit_info:
        main(arguments)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def run_text(text: str, *arguments: np.ndarray) -> list[np.ndarray]:
    module: ModuleOp = LocatingParser(CTX, text, "slices.mlir").parse_module()
    module.verify()
    (function,) = (op for op in module.ops if isinstance(op, func.FuncOp))
    return run_reference(function, list(arguments))


def test_reference_runs_slices_and_index_arithmetic():
    text = """\
func.func @f(%x: tensor<4x6xf32>, %y: tensor<3xf32>) -> (tensor<3xf32>, tensor<4x6xf32>) {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.addi %c1, %c2 : index
  %row = arith.subi %c3, %c1 : index
  %s = tensor.extract_slice %x[%row, 2] [1, 3] [1, 1] : tensor<4x6xf32> to tensor<3xf32>
  %u = tensor.insert_slice %y into %x[%c3, %c1] [1, 3] [1, 1] : tensor<3xf32> into tensor<4x6xf32>
  func.return %s, %u : tensor<3xf32>, tensor<4x6xf32>
}
"""
    x = np.arange(24, dtype=np.float32).reshape(4, 6)
    y = np.array([-1, -2, -3], dtype=np.float32)
    row, updated = run_text(text, x, y)
    np.testing.assert_array_equal(row, x[2, 2:5])
    expected = x.copy()
    expected[3, 1:4] = y
    np.testing.assert_array_equal(updated, expected)


def test_reference_runs_a_loop_carrying_values():
    text = """\
func.func @f(%x: tensor<3xf32>) -> tensor<3xf32> {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c7 = arith.constant 7 : index
  %r = scf.for %i = %c1 to %c7 step %c2 iter_args(%acc = %x) -> (tensor<3xf32>) {
    %e = tensor.empty() : tensor<3xf32>
    %twice = linalg.add ins(%acc, %acc : tensor<3xf32>, tensor<3xf32>)
                        outs(%e : tensor<3xf32>) -> tensor<3xf32>
    scf.yield %twice : tensor<3xf32>
  }
  func.return %r : tensor<3xf32>
}
"""
    x = np.array([1, 2, 3], dtype=np.float32)
    (result,) = run_text(text, x)
    np.testing.assert_array_equal(result, 8 * x)


STRIDED = """\
func.func @f(%x: tensor<4x6xf32>) -> tensor<2x3xf32> {
  %s = tensor.extract_slice %x[1, 0] [2, 3] [1, 2] : tensor<4x6xf32> to tensor<2x3xf32>
  func.return %s : tensor<2x3xf32>
}
"""

I32_ARITHMETIC = """\
func.func @f(%x: tensor<4x6xf32>) -> tensor<4x6xf32> {
  %c1 = arith.constant 1 : i32
  %c2 = arith.addi %c1, %c1 : i32
  func.return %x : tensor<4x6xf32>
}
"""

OUT_OF_BOUNDS = """\
func.func @f(%x: tensor<4x6xf32>) -> tensor<2x3xf32> {
  %c3 = arith.constant 3 : index
  %s = tensor.extract_slice %x[%c3, 0] [2, 3] [1, 1] : tensor<4x6xf32> to tensor<2x3xf32>
  func.return %s : tensor<2x3xf32>
}
"""

ZERO_STEP = """\
func.func @f(%x: tensor<4x6xf32>) -> tensor<4x6xf32> {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %r = scf.for %i = %c0 to %c4 step %c0 iter_args(%acc = %x) -> (tensor<4x6xf32>) {
    scf.yield %acc : tensor<4x6xf32>
  }
  func.return %r : tensor<4x6xf32>
}
"""


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        (STRIDED, UnsupportedOpError, r"tensor.extract_slice with strides \[1, 2\] \(not all 1\)"),
        (
            I32_ARITHMETIC,
            UnsupportedOpError,
            "arith.addi has numpy semantics here on index values only",
        ),
        (
            OUT_OF_BOUNDS,
            ValueError,
            "tensor.extract_slice: offset 3 and size 2 in dimension 0 leave its extent 4",
        ),
        (ZERO_STEP, ValueError, "scf.for has step 0: the step must be positive"),
    ],
)
def test_reference_rejects_what_it_cannot_run(text: str, error: type[Exception], message: str):
    with pytest.raises(error, match=message):
        run_text(text, np.zeros((4, 6), dtype=np.float32))


def test_reference_slices_each_core_at_its_own_index():
    """A core's program may address the chunk it holds: offsets differ between cores."""
    text = """\
func.func @f(%x: tensor<4x6xf32>, %row: index) -> tensor<4x6xf32> {
  %s = tensor.extract_slice %x[%row, 0] [1, 6] [1, 1] : tensor<4x6xf32> to tensor<6xf32>
  %zero = arith.constant 0 : index
  %y = tensor.insert_slice %s into %x[%zero, 0] [1, 6] [1, 1] : tensor<6xf32> into tensor<4x6xf32>
  %z = tensor.insert_slice %s into %y[%row, 0] [1, 6] [1, 1] : tensor<6xf32> into tensor<4x6xf32>
  func.return %z : tensor<4x6xf32>
}
"""
    module = LocatingParser(CTX, text, "cores.mlir").parse_module()
    (function,) = (op for op in module.ops if isinstance(op, func.FuncOp))
    x, row = function.args
    source = np.arange(3 * 4 * 6, dtype=np.float32).reshape(3, 4, 6)
    values: dict[SSAValue, np.ndarray] = {x: source, row: np.array([2, 0, 2])}
    execute_ops(function.body.block.ops, values)
    extracted = next(op for op in function.walk() if isinstance(op, tensor.ExtractSliceOp))
    np.testing.assert_array_equal(values[extracted.result], source[[0, 1, 2], [2, 0, 2]])
    expected = source.copy()
    expected[:, 0] = source[[0, 1, 2], [2, 0, 2]]
    result = function.body.block.last_op
    assert result is not None
    np.testing.assert_array_equal(values[result.operands[0]], expected)
    values[row] = np.array([1, 4, 0])
    with pytest.raises(ValueError, match="offset 4 and size 1 in dimension 0 leave its extent 4"):
        execute_ops(function.body.block.ops, values)
