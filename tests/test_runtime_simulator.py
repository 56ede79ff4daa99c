"""The simulated chip (runtime/simulator.py) and its Chrome trace (runtime/trace.py)."""

import json
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from xdsl.dialects.builtin import ModuleOp, f16
from xdsl.utils.exceptions import VerifyException

from t10.dialects import tile
from t10.hwmodel import cost
from t10.hwmodel.chip import Chip, load_chip
from t10.runtime.reference import tolerance
from t10.runtime.simulator import SimulationError, simulate
from t10.runtime.trace import chrome_trace, write_chrome_trace
from t10.tools.t10_opt import LocatingParser, T10OptMain

CTX = T10OptMain(args=[]).ctx
EXAMPLES = Path(__file__).parent.parent / "examples"
SMALL = load_chip("small-16")


def parse_program(text: str, verify: bool = True) -> tile.ProgramOp:
    module = LocatingParser(CTX, text, "program.mlir").parse_module()
    assert isinstance(module, ModuleOp)
    if verify:
        module.verify()
    return next(op for op in module.walk() if isinstance(op, tile.ProgramOp))


def matmul_example() -> tile.ProgramOp:
    return parse_program((EXAMPLES / "matmul_tile.mlir").read_text())


def matmul_inputs(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    generator = np.random.default_rng(seed)
    lhs = generator.standard_normal((128, 64)).astype(np.float16)
    rhs = generator.standard_normal((64, 96)).astype(np.float16)
    return lhs, rhs


def test_matmul_example_computes_a_times_b():
    lhs, rhs = matmul_inputs()
    result = simulate(matmul_example(), SMALL, {"a": lhs, "b": rhs})
    (product,) = result.outputs
    assert product.dtype == np.float16 and product.shape == (128, 96)
    rtol, atol = tolerance(f16)
    np.testing.assert_allclose(
        product.astype(np.float64), lhs.astype(np.float64) @ rhs, rtol=rtol, atol=atol
    )


def test_memory_over_time_follows_the_buffers_live_ranges():
    result = simulate(matmul_example(), SMALL, matmul_inputs())
    ends = [phase.start_cycle + phase.cycles for phase in result.trace]
    first_exchange, second_compute, last_exchange = ends[2], ends[3], ends[5]
    # All five buffers from the start; %a0 dies with the exchange that last reads it,
    # %a1 and %b0 with the second matmul, %c1 and %c0 once the result is read back.
    assert result.memory == [
        (0.0, 2 * 1024 + 3072 + 2 * 1536),
        (pytest.approx(first_exchange), 1024 + 3072 + 2 * 1536),
        (pytest.approx(second_compute), 2 * 1536),
        (pytest.approx(last_exchange), 0),
    ]
    assert max(live for _, live in result.memory) == result.peak_bytes_per_core


def test_matmul_example_cycles_are_the_cost_model_s():
    result = simulate(matmul_example(), SMALL, matmul_inputs())
    as_int = np.array
    fill = cost.copy_cycles(SMALL, as_int(16 * 48 * 2))
    # 16x32 by 32x48 per core; the cost model takes the cheaper orientation.
    matmul = cost.contraction_cycles(SMALL, "f16", as_int(1), as_int(16), as_int(32), as_int(48))
    a_piece, c_piece = 16 * 32 * 2, 16 * 48 * 2
    first_exchange = cost.shift_cycles(SMALL, as_int(a_piece + c_piece))
    second_exchange = cost.shift_cycles(SMALL, as_int(c_piece))
    assert result.compute_cycles == pytest.approx(float(fill + 2 * matmul))
    assert result.exchange_cycles == pytest.approx(float(first_exchange + second_exchange))
    assert result.sync_cycles == 2 * SMALL.sync.cycles
    assert result.cycles == pytest.approx(
        result.compute_cycles + result.exchange_cycles + result.sync_cycles
    )
    assert result.supersteps == 2
    assert result.peak_bytes_per_core == 2 * 1024 + 3072 + 2 * 1536
    assert [phase.kind for phase in result.trace] == [
        "compute",
        "sync",
        "exchange",
        "compute",
        "sync",
        "exchange",
    ]
    assert result.host_bytes == 16 * (1024 + 3072 + 1536)


def test_progress_reports_every_phase():
    seen: list[str] = []
    result = simulate(
        matmul_example(), SMALL, matmul_inputs(), progress=lambda p: seen.append(p.kind)
    )
    assert seen == [phase.kind for phase in result.trace]


def test_sram_overflow_names_the_buffer():
    tiny = replace(SMALL, sram_kib_per_core=2)
    with pytest.raises(SimulationError, match=r"buffer %b0 at bytes \[2048, 5120\) ends beyond"):
        simulate(matmul_example(), tiny, matmul_inputs())


OVERLAPPING = """
!piece = !tile.buffer<4x4xf32>
#rows = #tile.block<grid = [2], split = [[0], []]>
tile.program @overlap(%a: tensor<8x4xf32>) -> tensor<8x4xf32> cores 2 sram_bytes 1024 {
  %x = tile.alloc offset 0 : !piece
  %y = tile.alloc offset 32 : !piece
  tile.host_write %a to %x by #rows : tensor<8x4xf32> to !piece
  tile.exchange %x to %y by #tile.rotate<grid = [2], axis = 0, pace = 1> : !piece to !piece
  %b = tile.host_read %y by #rows : !piece to tensor<8x4xf32>
  tile.return %b : tensor<8x4xf32>
}
"""


def test_overlapping_live_buffers_are_reported():
    program = parse_program(OVERLAPPING, verify=False)
    with pytest.raises(
        SimulationError,
        match=r"buffer %y at bytes \[32, 96\) overlaps buffer %x at bytes \[0, 64\)",
    ):
        simulate(program, SMALL, [np.zeros((8, 4), np.float32)])


def test_rotation_moves_blocks_round_the_ring():
    program = parse_program(OVERLAPPING.replace("offset 32", "offset 64"))
    tensor = np.arange(32, dtype=np.float32).reshape(8, 4)
    (rotated,) = simulate(program, SMALL, [tensor]).outputs
    np.testing.assert_array_equal(rotated, np.roll(tensor, 4, axis=0))


def two_senders_program() -> tile.ProgramOp:
    return parse_program("""
!row = !tile.buffer<1x8xf16>
#rows = #tile.block<grid = [4], split = [[0], []]>
tile.program @gather(%a: tensor<4x8xf16>) -> (tensor<4x8xf16>, tensor<4x8xf16>)
    cores 4 sram_bytes 1024 {
  %x = tile.alloc offset 0 : !row
  %y = tile.alloc offset 16 : !row
  %z = tile.alloc offset 32 : !row
  tile.host_write %a to %x by #rows : tensor<4x8xf16> to !row
  tile.host_write %a to %y by #rows : tensor<4x8xf16> to !row
  tile.host_write %a to %z by #rows : tensor<4x8xf16> to !row
  tile.exchange %x to %z by #tile.transfers<[[0, 2]]> : !row to !row
  tile.exchange %y to %x by #tile.transfers<[[1, 2]]> : !row to !row
  %b = tile.host_read %z by #rows : !row to tensor<4x8xf16>
  %c = tile.host_read %x by #rows : !row to tensor<4x8xf16>
  tile.return %b, %c : tensor<4x8xf16>, tensor<4x8xf16>
}
""")


def test_a_receiver_is_served_one_sender_at_a_time():
    tensor = np.arange(32, dtype=np.float16).reshape(4, 8)
    result = simulate(two_senders_program(), SMALL, [tensor])
    one_transfer = float(cost.shift_cycles(SMALL, np.array(16)))
    assert result.exchange_cycles == pytest.approx(2 * one_transfer)
    (phase,) = [phase for phase in result.trace if phase.kind == "exchange"]
    assert phase.core_cycles is not None
    np.testing.assert_allclose(phase.core_cycles, [0, 0, 2 * one_transfer, 0])
    # Both exchanges read the state before the phase: %x at core 2 gets core 1's old %y.
    received, overwritten = result.outputs
    np.testing.assert_array_equal(received[2], tensor[0])
    np.testing.assert_array_equal(overwritten[2], tensor[1])

    parallel = replace(SMALL, exchange=replace(SMALL.exchange, receiver_serialised=False))
    assert simulate(two_senders_program(), parallel, [tensor]).exchange_cycles == pytest.approx(
        one_transfer
    )


def test_mesh_transfers_pay_per_hop():
    mesh = load_chip("mesh-64")
    tensor = np.zeros((4, 8), np.float16)
    result = simulate(two_senders_program(), mesh, [tensor])
    hop_latency = mesh.topology.latency_cycles(0, 2) + mesh.topology.latency_cycles(1, 2)
    one_transfer = float(cost.shift_cycles(mesh, np.array(16)))
    assert result.exchange_cycles == pytest.approx(2 * one_transfer + hop_latency)


def test_too_many_cores_for_the_chip():
    few = replace(SMALL, cores=8)
    with pytest.raises(SimulationError, match="needs 16 cores but chip 'small-16' has 8"):
        simulate(matmul_example(), few, matmul_inputs())


def test_trace_has_one_thread_per_core(tmp_path: Path):
    result = simulate(matmul_example(), SMALL, matmul_inputs())
    path = tmp_path / "trace.json"
    write_chrome_trace(path, result, SMALL)
    document = json.loads(path.read_text())
    events = document["traceEvents"]
    threads = {event["tid"] for event in events if event["ph"] == "X"}
    assert threads == set(range(16))
    names = [event["args"]["name"] for event in events if event["name"] == "thread_name"]
    assert names == [f"core {core}" for core in range(16)]
    compute = [event for event in events if event["ph"] == "X" and event["cat"] == "compute"]
    assert len(compute) == 2 * 16
    first = min(compute, key=lambda event: (event["ts"], event["tid"]))
    assert first["dur"] == pytest.approx(SMALL.cycles_to_us(result.trace[0].cycles))


def test_grouped_trace_merges_identical_cores():
    tensor = np.zeros((4, 8), np.float16)
    result = simulate(two_senders_program(), SMALL, [tensor])
    document = chrome_trace(result, SMALL, group_identical_cores=True)
    names = [e["args"]["name"] for e in document["traceEvents"] if e["name"] == "thread_name"]
    assert names == ["cores 0-1, 3", "core 2"]
    exchange = [e for e in document["traceEvents"] if e.get("cat") == "exchange"]
    assert [event["tid"] for event in exchange] == [1]


def ring_allreduce_matmul(m: int, n: int, k: int, grid: tuple[int, int, int], chip: Chip) -> str:
    """C = A B on a grid over (m, n, k): each core multiplies its blocks once, then the
    partial products are summed by rotating accumulators round each k ring."""
    rows, cols, depth = m // grid[0], n // grid[1], k // grid[2]
    a_bytes, b_bytes, c_bytes = rows * depth * 2, depth * cols * 2, rows * cols * 2
    offsets = np.cumsum([0, a_bytes, b_bytes, c_bytes, c_bytes])
    grid_text = f"[{grid[0]}, {grid[1]}, {grid[2]}]"
    a_type, b_type, c_type = (
        f"!tile.buffer<{rows}x{depth}xf16>",
        f"!tile.buffer<{depth}x{cols}xf16>",
        f"!tile.buffer<{rows}x{cols}xf16>",
    )
    cores = grid[0] * grid[1] * grid[2]
    a_tensor, b_tensor, c_tensor = (
        f"tensor<{rows}x{depth}xf16>",
        f"tensor<{depth}x{cols}xf16>",
        f"tensor<{rows}x{cols}xf16>",
    )
    return f"""
!a = {a_type}
!b = {b_type}
!c = {c_type}
#grid_a = #tile.block<grid = {grid_text}, split = [[0], [2]]>
#grid_b = #tile.block<grid = {grid_text}, split = [[2], [1]]>
#grid_c = #tile.block<grid = {grid_text}, split = [[0], [1]]>
#ring = #tile.rotate<grid = {grid_text}, axis = 2, pace = 1>
tile.program @matmul(%a: tensor<{m}x{k}xf16>, %b: tensor<{k}x{n}xf16>) -> tensor<{m}x{n}xf16>
    cores {cores} sram_bytes {chip.sram_bytes} {{
  %a0 = tile.alloc offset {offsets[0]} : !a
  %b0 = tile.alloc offset {offsets[1]} : !b
  %p = tile.alloc offset {offsets[2]} : !c
  %acc = tile.alloc offset {offsets[3]} : !c
  %recv = tile.alloc offset {offsets[4]} : !c
  tile.host_write %a to %a0 by #grid_a : tensor<{m}x{k}xf16> to !a
  tile.host_write %b to %b0 by #grid_b : tensor<{k}x{n}xf16> to !b
  tile.compute ins(%a0, %b0 : !a, !b) outs(%p, %acc : !c, !c) {{
  ^bb0(%x: {a_tensor}, %y: {b_tensor}, %z: {c_tensor}, %w: {c_tensor}):
    %zero = arith.constant 0.000000e+00 : f16
    %zeros = linalg.fill ins(%zero : f16) outs(%z : {c_tensor}) -> {c_tensor}
    %product = linalg.matmul ins(%x, %y : {a_tensor}, {b_tensor})
        outs(%zeros : {c_tensor}) -> {c_tensor}
    tile.yield %product, %product : {c_tensor}, {c_tensor}
  }}
  tile.repeat {grid[2] - 1} {{
    tile.sync
    tile.exchange %acc to %recv by #ring : !c to !c
    tile.compute ins(%recv, %p : !c, !c) outs(%acc : !c) {{
    ^bb0(%x: {c_tensor}, %y: {c_tensor}, %z: {c_tensor}):
      %sum = linalg.add ins(%x, %y : {c_tensor}, {c_tensor}) outs(%z : {c_tensor}) -> {c_tensor}
      tile.yield %sum : {c_tensor}
    }}
  }}
  tile.sync
  %c = tile.host_read %acc by #grid_c : !c to tensor<{m}x{n}xf16>
  tile.return %c : tensor<{m}x{n}xf16>
}}
"""


def test_repeated_ring_reduction_computes_the_product():
    program = parse_program(ring_allreduce_matmul(32, 24, 64, (2, 2, 4), SMALL))
    generator = np.random.default_rng(3)
    lhs = generator.standard_normal((32, 64)).astype(np.float16)
    rhs = (generator.standard_normal((64, 24)) / 8).astype(np.float16)
    result = simulate(program, SMALL, [lhs, rhs])
    rtol, atol = tolerance(f16)
    np.testing.assert_allclose(
        result.outputs[0].astype(np.float64), lhs.astype(np.float64) @ rhs, rtol=rtol, atol=atol
    )
    assert result.supersteps == 4
    add = float(cost.elementwise_cycles(SMALL, np.array(16 * 12)))
    rotation = float(cost.shift_cycles(SMALL, np.array(16 * 12 * 2)))
    assert result.exchange_cycles == pytest.approx(3 * rotation)
    assert result.compute_cycles == pytest.approx(
        float(
            cost.copy_cycles(SMALL, np.array(16 * 12 * 2))
            + cost.contraction_cycles(
                SMALL, "f16", np.array(1), np.array(16), np.array(16), np.array(12)
            )
        )
        + 3 * add
    )


VARIANCE = """
!rows = !tile.buffer<4x6xf32>
!row = !tile.buffer<4xf32>
#rows = #tile.block<grid = [2], split = [[0], []]>
#row = #tile.block<grid = [2], split = [[0]]>
tile.program @variance(%x: tensor<8x6xf32>, %m: tensor<8xf32>) -> tensor<8xf32>
    cores 2 sram_bytes 1024 {
  %x0 = tile.alloc offset 0 : !rows
  %m0 = tile.alloc offset 96 : !row
  %v0 = tile.alloc offset 112 : !row
  tile.host_write %x to %x0 by #rows : tensor<8x6xf32> to !rows
  tile.host_write %m to %m0 by #row : tensor<8xf32> to !row
  tile.compute ins(%x0, %m0 : !rows, !row) outs(%v0 : !row) {
  ^bb0(%a: tensor<4x6xf32>, %b: tensor<4xf32>, %c: tensor<4xf32>):
    %zero = arith.constant 0.000000e+00 : f32
    %zeros = linalg.fill ins(%zero : f32) outs(%c : tensor<4xf32>) -> tensor<4xf32>
    %v = linalg.generic {indexing_maps = [affine_map<(r, c) -> (r, c)>,
        affine_map<(r, c) -> (r)>, affine_map<(r, c) -> (r)>],
        iterator_types = ["parallel", "reduction"]}
        ins(%a, %b : tensor<4x6xf32>, tensor<4xf32>) outs(%zeros : tensor<4xf32>) {
    ^bb0(%xe: f32, %me: f32, %acc: f32):
      %d = arith.subf %xe, %me : f32
      %s = arith.mulf %d, %d : f32
      %t = arith.addf %acc, %s : f32
      linalg.yield %t : f32
    } -> tensor<4xf32>
    tile.yield %v : tensor<4xf32>
  }
  tile.sync
  %v = tile.host_read %v0 by #row : !row to tensor<8xf32>
  tile.return %v : tensor<8xf32>
}
"""


def test_a_variance_is_priced_as_elementwise_work_then_a_reduction():
    generator = np.random.default_rng(5)
    values = generator.standard_normal((8, 6)).astype(np.float32)
    means = values.mean(axis=1)
    result = simulate(parse_program(VARIANCE), SMALL, [values, means])
    np.testing.assert_allclose(
        result.outputs[0], ((values - means[:, None]) ** 2).sum(axis=1), rtol=1e-5
    )
    points = np.array(4 * 6)
    assert result.compute_cycles == pytest.approx(
        float(
            cost.copy_cycles(SMALL, np.array(4 * 4))
            + cost.elementwise_cycles(SMALL, points)
            + cost.reduction_cycles(SMALL, points)
        )
    )


RUNS_ONLY_WHAT_VERIFIES = {
    "gather": (
        "tile.program @p() -> tensor<8xf32> cores 2 sram_bytes 64 {\n"
        "  %a = tile.alloc offset 0 : !tile.buffer<3xf32>\n"
        "  %r = tile.host_gather %a by [#tile.place<map = (d0) -> (d0), extents = [6], "
        "grid = [2]>] : !tile.buffer<3xf32> to tensor<8xf32>\n"
        "  tile.return %r : tensor<8xf32>\n}",
        "tile.host_gather: element [6] of the [8] tensor is on no core",
    ),
    "relayout": (
        "tile.program @p() cores 2 sram_bytes 64 {\n"
        "  %a = tile.alloc offset 0 : !tile.buffer<3xf32>\n"
        "  %b = tile.alloc offset 16 : !tile.buffer<4xf32>\n"
        "  tile.relayout %a by [#tile.place<map = (d0) -> (d0), extents = [6], grid = [2]>] "
        "to %b by [#tile.place<map = (d0) -> (d0), extents = [8], grid = [2]>] of [8] "
        ": !tile.buffer<3xf32> to !tile.buffer<4xf32>\n"
        "  tile.return\n}",
        "tile.relayout: destination 0 needs elements of the [8] tensor that no source holds",
    ),
    "steps": (
        "tile.program @p() cores 2 sram_bytes 64 {\n"
        "  %a = tile.alloc offset 0 : !tile.buffer<4xf32>\n"
        "  tile.compute outs(%a : !tile.buffer<4xf32>) on #tile.place<map = (d0) -> (d0), "
        "extents = [8], grid = [2]> {\n"
        "  ^bb0(%o: tensor<4xf32>):\n"
        "    tile.yield %o : tensor<4xf32>\n  }\n"
        "  tile.return\n}",
        "a tile.compute with steps must hold one linalg op",
    ),
    "not tile": (
        'tile.program @p() cores 2 sram_bytes 64 {\n  "test.op"() : () -> ()\n  tile.return\n}',
        "tile.program runs tile ops only, but its body holds test.op",
    ),
}


@pytest.mark.parametrize("case", sorted(RUNS_ONLY_WHAT_VERIFIES))
def test_the_simulator_rejects_a_structure_for_the_verifier_s_reason(case: str):
    """An unverified program the simulator cannot run fails with the verifier's message:
    the verifier holds every structural rule the simulator relies on."""
    text, reason = RUNS_ONLY_WHAT_VERIFIES[case]
    program = parse_program(text, verify=False)
    with pytest.raises(VerifyException, match=re.escape(reason)):
        program.verify()
    with pytest.raises(SimulationError, match=re.escape(reason)):
        simulate(program, load_chip("small-16"), [])
