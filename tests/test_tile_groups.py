"""Core groups, `tile.fanin` and data-dependent compute cycles (dialects/tile.py, the simulator)."""

from dataclasses import replace

import numpy as np
import pytest
from preset_rates import (
    COPY_CYCLES_PER_BYTE,
    COPY_LAUNCH_CYCLES,
    CYCLES_PER_SPIKE,
    ELEMENTWISE_CYCLES_PER_ELEMENT,
    ELEMENTWISE_LAUNCH_CYCLES,
    EXCHANGE_CYCLES_PER_BYTE,
    PHASE_OVERHEAD_CYCLES,
    SUPERTILE_CORES,
)
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir.affine import AffineMap
from xdsl.utils.exceptions import VerifyException

from t10.dialects import snn, tile
from t10.hwmodel import cost
from t10.hwmodel.chip import StreamRate, load_chip
from t10.runtime import snn_ops
from t10.runtime.simulator import SimulationError, simulate
from t10.tools.t10_opt import LocatingParser, T10OptMain

CTX = T10OptMain(args=[]).ctx
SMALL = load_chip("small-16")

GROUPS = """
tile.program @groups(%x: tensor<8x3xf32>) -> (tensor<32x2x3xf32>, tensor<32x3xf32>, tensor<32x2x3xf32>, tensor<32x3xf32>) cores 16 sram_bytes 65536 {
  %a = tile.alloc offset 0 cores [0, 4] : !tile.buffer<2x3xf32>
  %a2 = tile.alloc offset 64 cores [0, 4] : !tile.buffer<2x3xf32>
  %b = tile.alloc offset 0 cores [4, 8] : !tile.buffer<4x2x3xf32>
  %c = tile.alloc offset 96 cores [4, 8] : !tile.buffer<4x3xf32>
  %e = tile.alloc offset 160 cores [4, 8] : !tile.buffer<4x2x3xf32>
  %f = tile.alloc offset 256 cores [4, 8] : !tile.buffer<4x3xf32>
  tile.host_write %x to %a by #tile.block<grid = [4], split = [[0], []]> : tensor<8x3xf32> to !tile.buffer<2x3xf32>
  tile.compute ins(%a : !tile.buffer<2x3xf32>) outs(%a2 : !tile.buffer<2x3xf32>) cores [0, 4] {
  ^bb0(%in: tensor<2x3xf32>, %out: tensor<2x3xf32>):
    %sum = linalg.add ins(%in, %in : tensor<2x3xf32>, tensor<2x3xf32>) outs(%out : tensor<2x3xf32>) -> tensor<2x3xf32>
    tile.yield %sum : tensor<2x3xf32>
  }
  tile.sync
  tile.fanin %a2 to %b by #tile.fanin<receivers = [4, 8], slots = 4, sender = (d0, d1) -> (d1)> : !tile.buffer<2x3xf32> to !tile.buffer<4x2x3xf32>
  tile.fanin %a2 to %c by #tile.fanin<receivers = [4, 8], slots = 4, sender = (d0, d1) -> (d1), source_slot = (d0, d1) -> (d0 mod 2)> : !tile.buffer<2x3xf32> to !tile.buffer<4x3xf32>
  tile.fanin %a2 to %e by #tile.fanin<receivers = [4, 8], slots = 4, sender = (d0, d1) -> (d1)> : !tile.buffer<2x3xf32> to !tile.buffer<4x2x3xf32>
  tile.fanin %a to %e by #tile.fanin<receivers = [4, 8], slots = 4, sender = (d0, d1) -> (d1), valid = (d0, d1) -> (d0 - d1)> : !tile.buffer<2x3xf32> to !tile.buffer<4x2x3xf32>
  tile.compute ins(%c : !tile.buffer<4x3xf32>) outs(%f : !tile.buffer<4x3xf32>) cores [4, 8] {
  ^bb0(%in: tensor<4x3xf32>, %out: tensor<4x3xf32>):
    %sum = linalg.add ins(%in, %in : tensor<4x3xf32>, tensor<4x3xf32>) outs(%out : tensor<4x3xf32>) -> tensor<4x3xf32>
    tile.yield %sum : tensor<4x3xf32>
  }
  tile.sync
  %yb = tile.host_read %b by #tile.block<grid = [8], split = [[0], [], []]> : !tile.buffer<4x2x3xf32> to tensor<32x2x3xf32>
  %yc = tile.host_read %c by #tile.block<grid = [8], split = [[0], []]> : !tile.buffer<4x3xf32> to tensor<32x3xf32>
  %ye = tile.host_read %e by #tile.block<grid = [8], split = [[0], [], []]> : !tile.buffer<4x2x3xf32> to tensor<32x2x3xf32>
  %yf = tile.host_read %f by #tile.block<grid = [8], split = [[0], []]> : !tile.buffer<4x3xf32> to tensor<32x3xf32>
  tile.return %yb, %yc, %ye, %yf : tensor<32x2x3xf32>, tensor<32x3xf32>, tensor<32x2x3xf32>, tensor<32x3xf32>
}
"""  # noqa: E501

GATHER = """
tile.program @spikes(%w: tensor<8x5xf32>, %ids: tensor<16x1x4xi32>) -> tensor<16x5xf32> cores 16 sram_bytes 65536 {
  %wb = tile.alloc offset 0 cores [4, 8] : !tile.buffer<8x5xf32>
  %idb = tile.alloc offset 160 cores [4, 8] : !tile.buffer<2x1x4xi32>
  %cur = tile.alloc offset 192 cores [4, 8] : !tile.buffer<2x5xf32>
  %other = tile.alloc offset 0 cores [0, 4] : !tile.buffer<2x5xf32>
  tile.host_write %w to %wb by #tile.block<grid = [8], split = [[], []]> : tensor<8x5xf32> to !tile.buffer<8x5xf32>
  tile.host_write %ids to %idb by #tile.block<grid = [8], split = [[0], [], []]> : tensor<16x1x4xi32> to !tile.buffer<2x1x4xi32>
  tile.compute ins(%wb, %idb : !tile.buffer<8x5xf32>, !tile.buffer<2x1x4xi32>) outs(%cur : !tile.buffer<2x5xf32>) cores [4, 8] {
  ^bb0(%weights: tensor<8x5xf32>, %held: tensor<2x1x4xi32>, %out: tensor<2x5xf32>):
    %listed = snn.spikes_cast %held : tensor<2x1x4xi32> to tensor<2x1x4xi32, #snn.spikes<8>>
    %sum = snn.gather_add %weights, %listed : tensor<8x5xf32>, tensor<2x1x4xi32, #snn.spikes<8>> -> tensor<2x5xf32>
    tile.yield %sum : tensor<2x5xf32>
  }
  tile.compute outs(%other : !tile.buffer<2x5xf32>) cores [0, 4] {
  ^bb0(%out: tensor<2x5xf32>):
    %sum = linalg.add ins(%out, %out : tensor<2x5xf32>, tensor<2x5xf32>) outs(%out : tensor<2x5xf32>) -> tensor<2x5xf32>
    tile.yield %sum : tensor<2x5xf32>
  }
  tile.sync
  %y = tile.host_read %cur by #tile.block<grid = [8], split = [[0], []]> : !tile.buffer<2x5xf32> to tensor<16x5xf32>
  tile.return %y : tensor<16x5xf32>
}
"""  # noqa: E501


def parse_program(text: str, verify: bool = True) -> tile.ProgramOp:
    module = LocatingParser(CTX, text, "program.mlir").parse_module()
    assert isinstance(module, ModuleOp)
    if verify:
        module.verify()
    return next(op for op in module.walk() if isinstance(op, tile.ProgramOp))


def shift(byte_count: int) -> float:
    """Cycles for a core to receive ``byte_count`` bytes from one sender: 0.28 a byte."""
    return EXCHANGE_CYCLES_PER_BYTE * byte_count


def test_two_groups_compute_and_fan_in_as_numpy_does():
    x = np.arange(24, dtype=np.float32).reshape(8, 3) - 5
    result = simulate(parse_program(GROUPS), SMALL, [x])
    yb, yc, ye, yf = result.outputs
    a = x.reshape(4, 2, 3)  # core s of group A holds rows 2s, 2s + 1
    doubled = 2 * a
    # Every core of group B receives every piece of group A, slot s from core s.
    np.testing.assert_array_equal(yb.reshape(8, 4, 2, 3), np.broadcast_to(doubled, (8, 4, 2, 3)))
    # With source_slot, receiver r takes row r mod 2 of each piece.
    expected_c = np.stack([doubled[:, r % 2] for r in range(8)])
    np.testing.assert_array_equal(yc.reshape(8, 4, 3), expected_c)
    # `valid` keeps slots s > r as the earlier fan-in of the same phase left them.
    receiver, slot = np.meshgrid(np.arange(8), np.arange(4), indexing="ij")
    expected_e = np.where((slot <= receiver)[..., None, None], a[slot], doubled[slot])
    np.testing.assert_array_equal(ye.reshape(8, 4, 2, 3), expected_e)
    np.testing.assert_array_equal(yf.reshape(8, 4, 3), 2 * expected_c)


def test_group_phases_last_as_long_as_their_busiest_core():
    result = simulate(parse_program(GROUPS), SMALL, [np.zeros((8, 3), np.float32)])
    kinds = [phase.kind for phase in result.trace]
    assert kinds == ["compute", "sync", "exchange", "compute", "sync"]
    first, _, exchange, second, _ = result.trace
    # Group A adds 2x3 pieces, group B 4x3: 0.5 x 6 + 300 and 0.5 x 12 + 300.
    add_a = ELEMENTWISE_CYCLES_PER_ELEMENT * 6 + ELEMENTWISE_LAUNCH_CYCLES
    assert first.cycles == add_a
    assert first.core_cycles is not None
    np.testing.assert_array_equal(first.core_cycles, [add_a] * 4 + [0.0] * 12)
    add_b = ELEMENTWISE_CYCLES_PER_ELEMENT * 12 + ELEMENTWISE_LAUNCH_CYCLES
    assert (add_a, add_b) == (303, 306)
    assert second.core_cycles is not None
    np.testing.assert_array_equal(second.core_cycles, [0.0] * 4 + [add_b] * 8 + [0.0] * 4)
    # Receiver r of group B (core 4 + r): 4 whole pieces, 4 rows, 4 whole pieces, then
    # min(r + 1, 4) pieces where `valid` holds; one sender at a time on small-16. Cores
    # 4 + r and its supertile mate 4 + (r xor 1) take the whole pieces both take together,
    # at twice the rate; the rows differ (row r mod 2), so each takes its own.
    piece, row = 2 * 3 * 4, 3 * 4
    together = [min(min(r, r ^ 1) + 1, 4) for r in range(8)]
    per_receiver = [
        8 * shift(piece) / SUPERTILE_CORES
        + 4 * shift(row)
        + together[r] * shift(piece) / SUPERTILE_CORES
        + (min(r + 1, 4) - together[r]) * shift(piece)
        for r in range(8)
    ]
    # Group A's core s sends its piece once to all (three fan-ins) and its two rows.
    per_sender = 3 * shift(piece) + 2 * shift(row)
    assert exchange.core_cycles is not None
    np.testing.assert_allclose(
        exchange.core_cycles,
        np.array([per_sender] * 4 + per_receiver + [0.0] * 4) + PHASE_OVERHEAD_CYCLES,
    )
    assert exchange.cycles == pytest.approx(max(per_receiver) + PHASE_OVERHEAD_CYCLES)
    assert result.compute_cycles == add_a + add_b


def test_a_core_fanning_in_from_itself_pays_a_local_copy():
    text = """
    tile.program @self(%x: tensor<4x2xf32>) -> tensor<8x1x2xf32> cores 4 sram_bytes 1024 {
      %a = tile.alloc offset 0 : !tile.buffer<1x2xf32>
      %b = tile.alloc offset 8 : !tile.buffer<2x1x2xf32>
      tile.host_write %x to %a by #tile.block<grid = [4], split = [[0], []]> : tensor<4x2xf32> to !tile.buffer<1x2xf32>
      tile.fanin %a to %b by #tile.fanin<receivers = [0, 4], slots = 2, sender = (d0, d1) -> ((d0 + d1) mod 4)> : !tile.buffer<1x2xf32> to !tile.buffer<2x1x2xf32>
      %y = tile.host_read %b by #tile.block<grid = [4], split = [[0], [], []]> : !tile.buffer<2x1x2xf32> to tensor<8x1x2xf32>
      tile.return %y : tensor<8x1x2xf32>
    }
    """  # noqa: E501
    x = np.arange(8, dtype=np.float32).reshape(4, 2)
    result = simulate(parse_program(text), SMALL, [x])
    (y,) = result.outputs
    np.testing.assert_array_equal(
        y.reshape(4, 2, 2), np.stack([x[[r, (r + 1) % 4]] for r in range(4)])
    )
    (exchange,) = [phase for phase in result.trace if phase.kind == "exchange"]
    # The slot a core sends itself is copied in place: 8 bytes at 0.125 a byte, + 300.
    local = COPY_CYCLES_PER_BYTE * 8 + COPY_LAUNCH_CYCLES
    assert exchange.core_cycles is not None
    np.testing.assert_allclose(exchange.core_cycles, [local + shift(8) + PHASE_OVERHEAD_CYCLES] * 4)


def test_gather_add_cycles_follow_each_core_s_spikes():
    generator = np.random.default_rng(3)
    weights = generator.standard_normal((8, 5)).astype(np.float32)
    # Core 4 + k lists k spikes per sample (a spike list: ascending ids, then -1).
    ids = np.full((16, 1, 4), -1, np.int32)
    for sample in range(16):
        spikes = min(sample // 2, 4)
        ids[sample, 0, :spikes] = np.sort(generator.choice(8, spikes, replace=False))
    result = simulate(parse_program(GATHER), SMALL, [weights, ids])
    (current,) = result.outputs
    expected = np.stack(
        [weights[ids[sample, 0][ids[sample, 0] >= 0]].sum(axis=0) for sample in range(16)]
    )
    np.testing.assert_allclose(current, expected, rtol=1e-6)
    compute = result.trace[0]
    # Core 4 + k holds samples 2k and 2k + 1, each listing min(k, 4) spikes; each spike
    # costs 4 cycles and streams a row of 5 at 0.5 a element, after a launch of 300.
    listed = np.asarray([2 * min(k, 4) for k in range(8)])
    np.testing.assert_array_equal(snn_ops.listed_per_core(ids.reshape(8, 2, 1, 4)), listed)
    spike_cycles = (
        listed * (CYCLES_PER_SPIKE + ELEMENTWISE_CYCLES_PER_ELEMENT * 5) + ELEMENTWISE_LAUNCH_CYCLES
    )
    np.testing.assert_array_equal(spike_cycles, [300, 313, 326, 339, 352, 352, 352, 352])
    other = ELEMENTWISE_CYCLES_PER_ELEMENT * 10 + ELEMENTWISE_LAUNCH_CYCLES  # 2x5 added: 305
    assert compute.core_cycles is not None
    np.testing.assert_allclose(compute.core_cycles, [other] * 4 + list(spike_cycles) + [0.0] * 4)
    assert compute.cycles == pytest.approx(max(other, float(spike_cycles.max())))
    assert compute.label == "snn.gather_add, linalg.add"


SPIKE_OPS = """
%v, %c, %w, %ids, %ds, %labels = "test.op"() : () -> (tensor<2x8xf32>, tensor<2x5xf32>, tensor<8x5xf32>, tensor<2x1x4xi32, #snn.spikes<8>>, tensor<2x1x4xf32>, tensor<2xi32>)
%cur = snn.gather_add %w, %ids : tensor<8x5xf32>, tensor<2x1x4xi32, #snn.spikes<8>> -> tensor<2x5xf32>
%i2, %n2, %d2 = snn.threshold_compact %v {threshold = 1.0 : f32} : tensor<2x8xf32> -> tensor<2x1x4xi32, #snn.spikes<8>>, tensor<2x1xi32>, tensor<2x1xi32>
%dv, %dc = snn.lif_grad %v, %v, %ds, %ids {alpha = 0.95 : f32, threshold = 1.0 : f32, gain = 1.0 : f32} : tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x1x4xf32>, tensor<2x1x4xi32, #snn.spikes<8>> -> tensor<2x8xf32>, tensor<2x8xf32>
%dvd, %dcd = snn.lif_grad %v, %v, %v {alpha = 0.95 : f32, threshold = 1.0 : f32, gain = 1.0 : f32} : tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32> -> tensor<2x8xf32>, tensor<2x8xf32>
%lif = snn.lif %v, %v {alpha = 0.95 : f32, threshold = 1.0 : f32, gain = 1.0 : f32} : tensor<2x8xf32>, tensor<2x8xf32> -> tensor<2x8xf32>
%p = snn.pick %v, %ids : tensor<2x8xf32>, tensor<2x1x4xi32, #snn.spikes<8>> -> tensor<2x1x4xf32>
%loss, %g = snn.cross_entropy %c, %labels : tensor<2x5xf32>, tensor<2xi32> -> tensor<f32>, tensor<2x5xf32>
"""  # noqa: E501


def test_spike_op_cycles_by_op():
    """Three cores listing 0, 3 and 7 spikes, 16 neurons each, weight rows of 5, on a chip
    whose reduction (0.25 a element + 100) is cheaper than its elementwise work (0.5 + 300),
    so that the two are told apart."""
    chip = replace(SMALL, compute=replace(SMALL.compute, reduction=StreamRate(0.25, 100)))
    module = LocatingParser(CTX, SPIKE_OPS, "ops.mlir").parse_module()
    ops = {
        op.name + ("/dense" if isinstance(op, snn.LifGradOp) and op.ids is None else ""): op
        for op in module.ops
    }
    listed = np.array([0, 3, 7])
    row = 5
    per_element, launch = ELEMENTWISE_CYCLES_PER_ELEMENT, ELEMENTWISE_LAUNCH_CYCLES
    dense = per_element * 16 + launch  # one pass over 16 neurons: 308
    expected = {
        # Each listed spike: 4 cycles, then its row of 5 streamed: 300 + 6.5 per spike.
        "snn.gather_add": listed * (CYCLES_PER_SPIKE + per_element * row) + launch,
        # A pass over the neurons that also lists (or visits) the spikes: 308 + 4 per spike.
        "snn.threshold_compact": dense + CYCLES_PER_SPIKE * listed,
        "snn.lif_grad": dense + CYCLES_PER_SPIKE * listed,
        "snn.lif_grad/dense": np.full(3, dense),
        "snn.lif": np.full(3, dense),
        # One element per spike, whatever the row: 300 + 4.5 per spike.
        "snn.pick": listed * (CYCLES_PER_SPIKE + per_element * 1) + launch,
        # A softmax: the elementwise pass, then a reduction: 308 + (0.25 x 16 + 100).
        "snn.cross_entropy": np.full(3, dense + 0.25 * 16 + 100),
    }
    np.testing.assert_array_equal(expected["snn.gather_add"], [300, 319.5, 345.5])
    np.testing.assert_array_equal(expected["snn.pick"], [300, 313.5, 331.5])
    assert expected["snn.cross_entropy"][0] == 412
    for name, cycles in expected.items():
        np.testing.assert_array_equal(
            cost.spike_op_cycles(chip, ops[name], 16, listed, row), cycles, err_msg=name
        )


def test_a_body_slices_a_history_at_a_step_counter_held_in_a_buffer():
    text = """
    tile.program @history(%h: tensor<8x3xf32>, %s: tensor<2xi32>) -> tensor<2x3xf32> cores 2 sram_bytes 1024 {
      %hist = tile.alloc offset 0 : !tile.buffer<4x3xf32>
      %step = tile.alloc offset 48 : !tile.buffer<1xi32>
      %row = tile.alloc offset 56 : !tile.buffer<3xf32>
      tile.host_write %h to %hist by #tile.block<grid = [2], split = [[0], []]> : tensor<8x3xf32> to !tile.buffer<4x3xf32>
      tile.host_write %s to %step by #tile.block<grid = [2], split = [[0]]> : tensor<2xi32> to !tile.buffer<1xi32>
      tile.compute ins(%hist, %step : !tile.buffer<4x3xf32>, !tile.buffer<1xi32>) outs(%row : !tile.buffer<3xf32>) {
      ^bb0(%rows: tensor<4x3xf32>, %counter: tensor<1xi32>, %out: tensor<3xf32>):
        %zero = arith.constant 0 : index
        %t = tensor.extract %counter[%zero] : tensor<1xi32>
        %at = arith.index_cast %t : i32 to index
        %picked = tensor.extract_slice %rows[%at, 0] [1, 3] [1, 1] : tensor<4x3xf32> to tensor<3xf32>
        tile.yield %picked : tensor<3xf32>
      }
      tile.sync
      %y = tile.host_read %row by #tile.block<grid = [2], split = [[0]]> : !tile.buffer<3xf32> to tensor<6xf32>
      tile.return %y : tensor<6xf32>
    }
    """.replace(  # noqa: E501
        "-> tensor<2x3xf32>", "-> tensor<6xf32>"
    )
    history = np.arange(24, dtype=np.float32).reshape(8, 3)
    program = parse_program(text)
    result = simulate(program, SMALL, [history, np.array([2, 2], np.int32)])
    np.testing.assert_array_equal(result.outputs[0], np.concatenate([history[2], history[6]]))
    # A slice is where a kernel reads: it costs nothing by itself.
    assert result.trace[0].cycles == 0.0
    # Each core slices at its own offset: a core addresses the chunk it holds.
    result = simulate(program, SMALL, [history, np.array([1, 3], np.int32)])
    np.testing.assert_array_equal(result.outputs[0], np.concatenate([history[1], history[7]]))


OVERLAP = """
tile.program @overlap() cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 cores [0, FIRST_COUNT] : !tile.buffer<2xf32>
  %b = tile.alloc offset 0 cores [4, 8] : !tile.buffer<2xf32>
  tile.compute outs(%a : !tile.buffer<2xf32>) cores [0, FIRST_COUNT] {
  ^bb0(%out: tensor<2xf32>):
    tile.yield %out : tensor<2xf32>
  }
  tile.compute outs(%b : !tile.buffer<2xf32>) cores [4, 8] {
  ^bb0(%out: tensor<2xf32>):
    tile.yield %out : tensor<2xf32>
  }
  tile.return
}
"""


def test_buffers_on_disjoint_core_ranges_may_share_sram():
    result = simulate(parse_program(OVERLAP.replace("FIRST_COUNT", "4")), SMALL, [])
    assert result.peak_bytes_per_core == 8
    intersecting = OVERLAP.replace("FIRST_COUNT", "5")
    with pytest.raises(VerifyException, match="overlap in SRAM"):
        parse_program(intersecting)
    with pytest.raises(
        SimulationError, match=r"buffer %b at bytes \[0, 8\) of cores \[4, 12\) overlaps"
    ):
        simulate(parse_program(intersecting, verify=False), SMALL, [])


def test_fanin_transfers_are_the_maps_evaluated_on_every_slot():
    fanin = tile.FanInAttr(
        (4, 3),
        2,
        AffineMap.from_callable(lambda r, s: (r * 2 + s,)),
        AffineMap.from_callable(lambda r, s: (r,)),
        AffineMap.from_callable(lambda r, s: (r - s,)),
    )
    transfers = fanin.transfers()
    assert transfers is fanin.transfers()
    np.testing.assert_array_equal(transfers.receivers, [0, 1, 1, 2, 2])
    np.testing.assert_array_equal(transfers.slots, [0, 0, 1, 0, 1])
    np.testing.assert_array_equal(transfers.senders, [0, 2, 3, 4, 5])
    assert transfers.source_slots is not None
    np.testing.assert_array_equal(transfers.source_slots, [0, 1, 1, 2, 2])


COUNTED = """
tile.program @counted(%h: tensor<12x2xf32>) -> (tensor<4xf32>, tensor<2xi32>, tensor<2xf32>) cores 2 sram_bytes 1024 {
  %step = tile.alloc offset 0 : !tile.buffer<1xi32>
  %rows = tile.alloc offset 8 : !tile.buffer<6x2xf32>
  %row = tile.alloc offset 56 : !tile.buffer<2xf32>
  %sum = tile.alloc offset 64 : !tile.buffer<2xf32>
  tile.host_write %h to %rows by #tile.block<grid = [2], split = [[0], []]> : tensor<12x2xf32> to !tile.buffer<6x2xf32>
  tile.compute outs(%sum : !tile.buffer<2xf32>) {
  ^bb0(%out: tensor<2xf32>):
    %zero = arith.constant 0.0 : f32
    %zeros = linalg.fill ins(%zero : f32) outs(%out : tensor<2xf32>) -> tensor<2xf32>
    tile.yield %zeros : tensor<2xf32>
  }
  tile.repeat 3 counter %step from 1 step 2 {
    tile.compute ins(%rows, %step : !tile.buffer<6x2xf32>, !tile.buffer<1xi32>) outs(%row : !tile.buffer<2xf32>) {
    ^bb0(%all: tensor<6x2xf32>, %counter: tensor<1xi32>, %out: tensor<2xf32>):
      %zero = arith.constant 0 : index
      %t = tensor.extract %counter[%zero] : tensor<1xi32>
      %at = arith.index_cast %t : i32 to index
      %picked = tensor.extract_slice %all[%at, 0] [1, 2] [1, 1] : tensor<6x2xf32> to tensor<2xf32>
      tile.yield %picked : tensor<2xf32>
    }
    tile.compute ins(%row : !tile.buffer<2xf32>) outs(%sum : !tile.buffer<2xf32>) {
    ^bb0(%in: tensor<2xf32>, %out: tensor<2xf32>):
      %added = linalg.add ins(%in, %out : tensor<2xf32>, tensor<2xf32>) outs(%out : tensor<2xf32>) -> tensor<2xf32>
      tile.yield %added : tensor<2xf32>
    }
  }
  tile.sync
  %y = tile.host_read %sum by #tile.block<grid = [2], split = [[0]]> : !tile.buffer<2xf32> to tensor<4xf32>
  %s = tile.host_read %step by #tile.block<grid = [2], split = [[0]]> : !tile.buffer<1xi32> to tensor<2xi32>
  %last = tile.host_read %row by #tile.block<grid = [2], split = [[]]> : !tile.buffer<2xf32> to tensor<2xf32>
  tile.return %y, %s, %last : tensor<4xf32>, tensor<2xi32>, tensor<2xf32>
}
"""  # noqa: E501


def test_a_repeat_counter_holds_each_iteration_s_step():
    history = np.arange(24, dtype=np.float32).reshape(12, 2)
    summed, counter, last = simulate(parse_program(COUNTED), SMALL, [history]).outputs
    per_core = history.reshape(2, 6, 2)
    np.testing.assert_array_equal(summed.reshape(2, 2), per_core[:, [1, 3, 5]].sum(axis=1))
    np.testing.assert_array_equal(counter, [5, 5])
    np.testing.assert_array_equal(last, history[5])


def slot_axis_program(slot_axis: int) -> str:
    """Group A (cores 0-3) fans in to group B (cores 4-7): whole pieces, and column
    `r mod 3` of each piece (row `r mod 3` of its transpose `%at` at axis 0), with the
    slots at `slot_axis` of the destinations."""
    if slot_axis:
        whole, sliced, source, source_shape = "2x4x3", "2x4", "%a", "2x3"
        whole_out, sliced_out = "8x4x3", "8x4"
    else:
        whole, sliced, source, source_shape = "4x2x3", "4x2", "%at", "3x2"
        whole_out, sliced_out = "16x2x3", "16x2"
    axis = f", slot_axis = {slot_axis}" if slot_axis else ""
    return f"""
    tile.program @slot_axis(%x: tensor<8x3xf32>, %xt: tensor<12x2xf32>) -> (tensor<{whole_out}xf32>, tensor<{sliced_out}xf32>) cores 8 sram_bytes 1024 {{
      %a = tile.alloc offset 0 cores [0, 4] : !tile.buffer<2x3xf32>
      %at = tile.alloc offset 24 cores [0, 4] : !tile.buffer<3x2xf32>
      %b = tile.alloc offset 0 cores [4, 4] : !tile.buffer<{whole}xf32>
      %c = tile.alloc offset 96 cores [4, 4] : !tile.buffer<{sliced}xf32>
      tile.host_write %x to %a by #tile.block<grid = [4], split = [[0], []]> : tensor<8x3xf32> to !tile.buffer<2x3xf32>
      tile.host_write %xt to %at by #tile.block<grid = [4], split = [[0], []]> : tensor<12x2xf32> to !tile.buffer<3x2xf32>
      tile.fanin %a to %b by #tile.fanin<receivers = [4, 4], slots = 4, sender = (d0, d1) -> (d1){axis}> : !tile.buffer<2x3xf32> to !tile.buffer<{whole}xf32>
      tile.fanin {source} to %c by #tile.fanin<receivers = [4, 4], slots = 4, sender = (d0, d1) -> (d1), source_slot = (d0, d1) -> (d0 mod 3){axis}> : !tile.buffer<{source_shape}xf32> to !tile.buffer<{sliced}xf32>
      %yb = tile.host_read %b by #tile.block<grid = [4], split = [[0], [], []]> : !tile.buffer<{whole}xf32> to tensor<{whole_out}xf32>
      %yc = tile.host_read %c by #tile.block<grid = [4], split = [[0], []]> : !tile.buffer<{sliced}xf32> to tensor<{sliced_out}xf32>
      tile.return %yb, %yc : tensor<{whole_out}xf32>, tensor<{sliced_out}xf32>
    }}
    """  # noqa: E501


def test_fanin_at_slot_axis_1_writes_the_slots_along_axis_1_for_the_same_cycles():
    x = np.arange(24, dtype=np.float32).reshape(8, 3) - 5
    pieces = x.reshape(4, 2, 3)  # core s of group A holds rows 2s, 2s + 1
    transposed = pieces.transpose(0, 2, 1).reshape(12, 2)
    program = parse_program(slot_axis_program(1))
    fanins = [op for op in program.walk() if isinstance(op, tile.FanInOp)]
    assert [op.pattern.slot_axis() for op in fanins] == [1, 1]
    assert [op.piece_bytes() for op in fanins] == [2 * 3 * 4, 2 * 4]
    at_1 = simulate(program, SMALL, [x, transposed])
    at_0 = simulate(parse_program(slot_axis_program(0)), SMALL, [x, transposed])
    # Receiver r (core 4 + r) holds rows of the outputs from r times its buffer's first extent.
    whole, sliced = (y.reshape(4, 2, 4, *y.shape[2:]) for y in at_1.outputs)
    whole_0, sliced_0 = (y.reshape(4, 4, 2, *y.shape[2:]) for y in at_0.outputs)
    # Receiver r: whole[r][i, s] = row i of core s's piece; sliced[r][i, s] = its
    # element i of column r mod 3.
    np.testing.assert_array_equal(whole, np.broadcast_to(pieces.transpose(1, 0, 2), (4, 2, 4, 3)))
    np.testing.assert_array_equal(sliced, np.stack([pieces[:, :, r % 3].T for r in range(4)]))
    np.testing.assert_array_equal(whole, np.moveaxis(whole_0, 1, 2))
    np.testing.assert_array_equal(sliced, np.moveaxis(sliced_0, 1, 2))
    (exchange,) = [phase for phase in at_1.trace if phase.kind == "exchange"]
    (exchange_0,) = [phase for phase in at_0.trace if phase.kind == "exchange"]
    assert exchange.core_cycles is not None and exchange_0.core_cycles is not None
    np.testing.assert_array_equal(exchange.core_cycles, exchange_0.core_cycles)
    # Cores 4 + r and 4 + (r xor 1) take the whole pieces together, at twice the rate;
    # their columns differ. Sender s sends its whole piece once and three columns.
    per_receiver = 4 * shift(2 * 3 * 4) / SUPERTILE_CORES + 4 * shift(2 * 4)
    per_sender = shift(2 * 3 * 4) + 3 * shift(2 * 4)
    np.testing.assert_allclose(
        exchange.core_cycles,
        np.array([per_sender] * 4 + [per_receiver] * 4) + PHASE_OVERHEAD_CYCLES,
    )


def test_fanin_slot_axis_defaults_to_0_and_prints_only_when_set():
    sender = AffineMap.from_callable(lambda r, s: (s,))
    default = tile.FanInAttr((4, 4), 2, sender)
    moved = tile.FanInAttr((4, 4), 2, sender, slot_axis=2)
    assert (default.slot_axis(), moved.slot_axis()) == (0, 2)
    assert "slot_axis" not in str(default)
    assert str(moved).endswith("sender = (d0, d1) -> (d1), slot_axis = 2>")
    with pytest.raises(VerifyException, match="fanin slot_axis -1 must be >= 0"):
        tile.FanInAttr((4, 4), 2, sender, slot_axis=-1)
