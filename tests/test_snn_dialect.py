"""The snn dialect's Python API: shape helpers, the encoding's accessor, op builders."""

import numpy as np
import pytest
from xdsl.dialects.builtin import TensorType, f32, i32
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.test_value import create_ssa_value

from t10.dialects.snn import (
    CrossEntropyOp,
    GatherAddOp,
    LifGradOp,
    LifOp,
    ListedGradOp,
    PickOp,
    ScatterAddRowsOp,
    SpikeCountsOp,
    SpikesEncodingAttr,
    ThresholdCompactOp,
    segment_width,
    spike_list_shape,
)


def spikes(shape: list[int], neurons: int) -> TensorType:
    return TensorType(i32, shape, SpikesEncodingAttr(neurons))


def test_segment_width_rounds_up():
    assert segment_width(1466, 1) == 1466
    assert segment_width(1466, 4) == 367
    assert segment_width(10, 3) == 4


def test_encoding_neurons():
    assert SpikesEncodingAttr(1466).neurons == 1466
    with pytest.raises(VerifyException, match="neuron count N = 0 must be >= 1"):
        SpikesEncodingAttr(0)


def test_spike_list_shape():
    assert spike_list_shape(spikes([100, 48, 4, 367], 1466)) == ((100, 48), 4, 367, 1466)
    assert spike_list_shape(spikes([48, 1, 30], 1466)) == ((48,), 1, 30, 1466)


@pytest.mark.parametrize(
    ("type", "message"),
    [
        (i32, "i32 is not a tensor, so not a spike list"),
        (TensorType(i32, [48, 1, 30]), "has no #snn.spikes<N> encoding"),
        (spikes([48, 4, 368], 1466), r"capacity C = 368 above .* = 367"),
    ],
)
def test_spike_list_shape_rejects(type: TensorType, message: str):
    with pytest.raises(VerifyException, match=message):
        spike_list_shape(type)


def test_builders_make_a_training_step_that_verifies():
    dense = TensorType(f32, [48, 10])
    in_ids_type = spikes([48, 1, 4], 20)
    weights = create_ssa_value(TensorType(f32, [20, 10]))
    in_ids = create_ssa_value(in_ids_type)
    potential = create_ssa_value(dense)
    parameters = {"alpha": 0.95, "threshold": 1.0, "gain": 0.5}

    current = GatherAddOp(weights, in_ids, dense)
    lif = LifOp(potential, current, dense, **parameters)
    out_ids_type = spikes([48, 1, 2], 10)
    compact = ThresholdCompactOp(
        lif, out_ids_type, TensorType(i32, [48, 1]), TensorType(i32, [48, 1]), threshold=1.0
    )
    history = create_ssa_value(spikes([100, 48, 1, 2], 10))
    counts = SpikeCountsOp(history, dense)
    loss = CrossEntropyOp(
        counts, create_ssa_value(TensorType(i32, [48])), TensorType(f32, []), dense
    )
    picked_type = TensorType(f32, [48, 1, 2])
    spike_grad = PickOp(loss.grad, compact.ids, picked_type)
    listed = LifGradOp(lif, lif, spike_grad, compact.ids, dense, dense, **parameters)
    fired = LifGradOp(lif, lif, potential, None, dense, dense, **parameters)
    input_grad = ListedGradOp(listed.current_grad, weights, in_ids, TensorType(f32, [48, 1, 4]))
    weights_grad = ScatterAddRowsOp(weights, listed.current_grad, in_ids, weights.type)

    step = (
        current,
        lif,
        compact,
        counts,
        loss,
        spike_grad,
        listed,
        fired,
        input_grad,
        weights_grad,
    )
    for op in step:
        op.verify()
    assert listed.ids is compact.ids
    assert fired.ids is None and len(fired.operands) == 3
    assert lif.alpha_value == np.float32(0.95)
    assert (lif.threshold_value, lif.gain_value) == (1.0, 0.5)
    assert compact.threshold_value == 1.0
