"""t10-snn-lower reads a training step from the snn dialect's ops alone: a hand-written
step (its own names, op and carried-value order, constants, loop bounds and row arithmetic)
lowers, runs on the simulated chip and matches the numpy reference of the same function;
a step that computes anything else is refused at the op that differs."""

from pathlib import Path

import numpy as np
import pytest
from xdsl.dialects import func

from t10.hwmodel.chip import load_chip
from t10.models.snn import snn_train_step
from t10.passes.snn_lower import lower_training_step
from t10.passes.snn_step import SnnLoweringError, read_training_step
from t10.runtime.reference import run_reference
from t10.runtime.simulator import simulate
from t10.runtime.snn_reference import SnnConfig, compact_spikes, init_weights, rate_coded_inputs
from t10.tools.t10_opt import LocatingParser, T10OptMain

CTX = T10OptMain(args=[]).ctx

HAND_WRITTEN = (
    Path(__file__).parent.parent / "filecheck" / "passes" / "t10-snn-lower" / "hand-written.mlir"
).read_text()
"""Sizes [10, 6, 3], T = 4, batch 2, lists as long as the layers; LIF alpha 0.875,
threshold 0.75, gain 1.5; learning rate 0.25 (its lit test lowers it with t10-opt)."""

CONFIG = SnnConfig(sizes=(10, 6, 3), timesteps=4, batch=2, alpha=0.875, threshold=0.75, gain=1.5)


def _function(text: str) -> func.FuncOp:
    module = LocatingParser(CTX, text, "hand.mlir").parse_module()
    return next(op for op in module.walk() if isinstance(op, func.FuncOp))


def _arguments() -> list[np.ndarray]:
    spikes, labels = rate_coded_inputs(CONFIG, 0.4, seed=3)
    inputs = compact_spikes(spikes, CONFIG.sizes[0]).ids[:, :, None, :]
    # Weights large enough that every layer fires.
    weights = [3.0 * weight for weight in init_weights(CONFIG, seed=4)]
    return [inputs, labels.astype(np.int32), *weights]


def test_the_hand_written_step_is_read_from_its_ops() -> None:
    step = read_training_step(_function(HAND_WRITTEN))
    assert step.form == "sparse"
    assert step.network.sizes == (10, 6, 3)
    assert (step.network.timesteps, step.network.batch) == (4, 2)
    assert step.network.capacities == (10, 6, 3)
    assert (step.alpha, step.threshold, step.gain, step.learning_rate) == (0.875, 0.75, 1.5, 0.25)


@pytest.mark.parametrize("chip_name", ["small-16", "mesh-64"])
def test_a_hand_written_step_lowers_and_matches_its_reference(chip_name: str) -> None:
    function = _function(HAND_WRITTEN)
    arguments = _arguments()
    expected = run_reference(function, arguments)
    chip = load_chip(chip_name)
    program, _ = lower_training_step(function, CTX, chip)
    result = simulate(program, chip, arguments)
    assert len(result.outputs) == len(expected) == 5
    for got, want in zip(result.outputs, expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    # The step trained: both weight matrices moved.
    for updated, initial in zip(result.outputs[1:3], arguments[2:], strict=True):
        assert np.abs(updated - initial).max() > 0


@pytest.mark.parametrize("form", ["sparse", "dense"])
def test_the_builders_step_is_read_with_its_constants(form: str) -> None:
    config = SnnConfig(sizes=(12, 8, 5, 3), timesteps=5, batch=3, alpha=0.5, activity_cap=0.5)
    module = LocatingParser(CTX, snn_train_step(config, form, 0.125)).parse_module()  # type: ignore[arg-type]
    step = read_training_step(next(op for op in module.walk() if isinstance(op, func.FuncOp)))
    assert step.form == form
    assert step.network.sizes == config.sizes
    expected = tuple(config.capacity(layer) for layer in range(4)) if form == "sparse" else None
    assert step.network.capacities == expected
    assert (step.alpha, step.threshold, step.gain, step.learning_rate) == (0.5, 1.0, 1.0, 0.125)


def _line_of(text: str, fragment: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if fragment in line)


MUTATIONS = [
    # (what changes, replaced, replacement, message, the op refused starts with)
    (
        "one layer decays otherwise",
        "%o_v_now = snn.lif %o_v_before, %o_in {alpha = 0.875",
        "%o_v_now = snn.lif %o_v_before, %o_in {alpha = 0.5",
        r"snn\.lif has alpha 0\.5 but snn\.lif at hand\.mlir:\d+:5 has 0\.875",
        "%o_v_now = snn.lif",
    ),
    (
        "a layer reads its inputs of the same step",
        "%h_ids_before = tensor.extract_slice %h_ids[%i,",
        "%h_ids_before = tensor.extract_slice %h_ids[%now,",
        r"layer 1's spikes must be row t-1 of the loop",
        "%h_ids_before = tensor.extract_slice",
    ),
    (
        "the weight gradient pairs inputs of the wrong step",
        "%in_tb = tensor.extract_slice %spikes_in[%before,",
        "%in_tb = tensor.extract_slice %spikes_in[%t,",
        r"layer 0's spikes must be row t-1 of the loop",
        "%in_tb = tensor.extract_slice",
    ),
    (
        "a history starts with spikes listed",
        "%no_ids_out = arith.constant dense<-1>",
        "%no_ids_out = arith.constant dense<0>",
        r"layer 2's ids history must start as -1 everywhere",
        "%fwd:6 = scf.for",
    ),
    (
        "an update adds the gradient",
        "%w2 = arith.subf %w, %scaled : f32\n    linalg.yield %w2 : f32\n  } -> tensor<10x6xf32>",
        "%w2 = arith.addf %w, %scaled : f32\n    linalg.yield %w2 : f32\n  } -> tensor<10x6xf32>",
        r"result 1 must be W1 - lr \* dW1",
        "%new_hidden_w = linalg.generic",
    ),
    (
        "two learning rates",
        "%lr = arith.constant 0.25 : f32\n    %scaled = arith.mulf %lr, %g",
        "%lr = arith.constant 0.5 : f32\n    %scaled = arith.mulf %lr, %g",
        r"has learning rate 0\.5 but linalg\.generic at hand\.mlir:\d+:3 has 0\.25",
        "%new_out_w = linalg.generic",
    ),
    (
        "spikes fire at another threshold than the neurons reset",
        "snn.threshold_compact %h_v_now {threshold = 0.75",
        "snn.threshold_compact %h_v_now {threshold = 0.5",
        r"has threshold 0\.5 but snn\.threshold_compact at hand\.mlir:\d+:5 has 0\.75",
        "%h_fired, %h_count, %h_drop = snn.threshold_compact",
    ),
    (
        "the forward loop skips a step",
        "%fwd:6 = scf.for %i = %c0 to %c3",
        "%fwd:6 = scf.for %i = %c1 to %c3",
        r"the loop runs 2 times, a training step's T - 1 = 3",
        "%fwd:6 = scf.for",
    ),
    (
        "the output layer's gradient is taken at the hidden layer's potentials",
        "snn.lif_grad %dv_out, %o_v_t,",
        "snn.lif_grad %dv_out, %dv_out,",
        r"the potential must be one whole row of a history|must read .*potentials",
        "%dv_o2, %di_o = snn.lif_grad",
    ),
    (
        "a dropped total counts the other layer",
        "ins(%fwd#3 : tensor<4x2x1xi32>)",
        "ins(%fwd#2 : tensor<4x2x1xi32>)",
        r"result 3 must total layer 1's dropped spikes",
        "%lost_hidden = linalg.generic",
    ),
]


@pytest.mark.parametrize(
    ("replaced", "replacement", "message", "refused"),
    [mutation[1:] for mutation in MUTATIONS],
    ids=[mutation[0] for mutation in MUTATIONS],
)
def test_a_step_that_computes_something_else_is_refused_where_it_differs(
    replaced: str, replacement: str, message: str, refused: str
) -> None:
    assert HAND_WRITTEN.count(replaced) == 1
    text = HAND_WRITTEN.replace(replaced, replacement)
    with pytest.raises(SnnLoweringError, match=message) as caught:
        read_training_step(_function(text))
    op = caught.value.op
    assert op is not None
    assert op.location.line.data == _line_of(text, refused)  # type: ignore[attr-defined]


def test_inputs_that_are_no_spike_list_are_refused_at_the_function() -> None:
    text = """\
func.func @snn_train_step(%inputs: tensor<4x20xi32, #snn.spikes<10>>, %labels: tensor<2xi32>,
                          %w1: tensor<10x3xf32>) {
  func.return
}
"""
    with pytest.raises(SnnLoweringError, match=r"spike list .* has rank 2") as caught:
        read_training_step(_function(text))
    assert caught.value.op is not None and caught.value.op.name == "func.func"
