"""The simulated chip (runtime/simulator.py) and its Chrome trace (runtime/trace.py)."""

import json
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from preset_rates import (
    CALL_CYCLES,
    CALL_CYCLES_PER_KN_BLOCK,
    CALL_CYCLES_PER_N_BLOCK,
    CODE_BYTES_PER_MESSAGE,
    COPY_CYCLES_PER_BYTE,
    COPY_LAUNCH_CYCLES,
    CYCLES_PER_SPIKE,
    ELEMENTWISE_CYCLES_PER_ELEMENT,
    ELEMENTWISE_LAUNCH_CYCLES,
    EXCHANGE_CYCLES_PER_BYTE,
    F16_BLOCK_CYCLES,
    F16_MACS_PER_CYCLE,
    F32_MACS_PER_CYCLE,
    LOOP_ITERATION_CYCLES,
    MATMUL_BLOCK_K,
    MATMUL_BLOCK_M,
    MATMUL_BLOCK_N,
    MESH_HOP_LATENCY_CYCLES,
    PHASE_OVERHEAD_CYCLES,
    REDUCTION_CYCLES_PER_ELEMENT,
    REDUCTION_LAUNCH_CYCLES,
    SUPERTILE_CORES,
    SYNC_CYCLES,
    SYNCS_PER_SHIFT,
)
from xdsl.dialects.builtin import ModuleOp, f16
from xdsl.utils.exceptions import VerifyException

from t10.dialects import tile
from t10.hwmodel.chip import Chip, CopyRate, StreamRate, load_chip
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
    # %a1 and %b0 with the second matmul, %c1 and %c0 once the result is read back. The
    # exchange code of the three messages each core receives stays all run.
    code = 3 * CODE_BYTES_PER_MESSAGE
    assert result.memory == [
        (0.0, code + 2 * 1024 + 3072 + 2 * 1536),
        (pytest.approx(first_exchange), code + 1024 + 3072 + 2 * 1536),
        (pytest.approx(second_compute), code + 2 * 1536),
        (pytest.approx(last_exchange), code),
    ]
    assert max(live for _, live in result.memory) == result.peak_bytes_per_core


def test_matmul_example_cycles_from_the_chip_s_rates():
    """Each core zero-fills its 16x48 f16 partial sum, multiplies 16x32 by 32x48 twice, and
    receives a 16x32 piece of A and a 16x48 partial sum, then another partial sum."""
    result = simulate(matmul_example(), SMALL, matmul_inputs())
    c_piece_bytes = 16 * 48 * 2
    a_piece_bytes = 16 * 32 * 2
    # A copy writing the 1536 bytes: 0.125 x 1536 + 300 = 492.
    fill = COPY_CYCLES_PER_BYTE * c_piece_bytes + COPY_LAUNCH_CYCLES
    # 16x32 by 32x48 in the cheaper orientation, C^T = B^T A^T: 48x32 by 32x16 is
    # 8 m blocks (of 6) x 2 k blocks x 1 n block: 16 x 24 + 514 x 2 + 113 + 173 = 1698
    # (as written, 3 x 2 x 3 blocks: 18 x 24 + 514 x 6 + 113 x 3 + 173 = 4028).
    matmul = (
        8 * 2 * 1 * F16_BLOCK_CYCLES
        + CALL_CYCLES_PER_KN_BLOCK * 2 * 1
        + CALL_CYCLES_PER_N_BLOCK * 1
        + CALL_CYCLES
    )
    assert (fill, matmul) == (492, 1698)
    assert result.compute_cycles == pytest.approx(fill + 2 * matmul)
    # One sender at a time: 0.28 x (1024 + 1536) = 716.8, then 0.28 x 1536 = 430.08, each
    # phase with its fixed overhead.
    assert result.exchange_cycles == pytest.approx(
        EXCHANGE_CYCLES_PER_BYTE * (a_piece_bytes + c_piece_bytes)
        + EXCHANGE_CYCLES_PER_BYTE * c_piece_bytes
        + 2 * PHASE_OVERHEAD_CYCLES
    )
    assert result.sync_cycles == 2 * SYNC_CYCLES
    assert result.cycles == pytest.approx(
        result.compute_cycles + result.exchange_cycles + result.sync_cycles
    )
    assert result.supersteps == 2
    assert result.exchange_code_bytes == 3 * CODE_BYTES_PER_MESSAGE
    assert result.peak_bytes_per_core == 3 * CODE_BYTES_PER_MESSAGE + 2 * 1024 + 3072 + 2 * 1536
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
    # The exchange code (three messages) takes the top 12 bytes: %a1 ends where it starts.
    with pytest.raises(
        SimulationError,
        match=r"buffer %a1 at bytes \[1024, 2048\) ends beyond the 2048 bytes of SRAM per core "
        r"of chip 'small-16' beside 12 bytes of exchange code",
    ):
        simulate(matmul_example(), tiny, matmul_inputs())
    codeless = replace(tiny, exchange=replace(tiny.exchange, code_bytes_per_message=0))
    with pytest.raises(
        SimulationError, match=r"buffer %b0 at bytes \[2048, 5120\) ends beyond the 2048 bytes"
    ):
        simulate(matmul_example(), codeless, matmul_inputs())


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
    one_transfer = EXCHANGE_CYCLES_PER_BYTE * 8 * 2  # a row of 8 f16: 0.28 x 16 = 4.48
    assert result.exchange_cycles == pytest.approx(2 * one_transfer + PHASE_OVERHEAD_CYCLES)
    (phase,) = [phase for phase in result.trace if phase.kind == "exchange"]
    assert phase.core_cycles is not None
    # Cores 0 and 1 each send a row; every core's phase carries the fixed overhead.
    np.testing.assert_allclose(
        phase.core_cycles,
        np.array([one_transfer, one_transfer, 2 * one_transfer, 0]) + PHASE_OVERHEAD_CYCLES,
    )
    # Both exchanges read the state before the phase: %x at core 2 gets core 1's old %y.
    received, overwritten = result.outputs
    np.testing.assert_array_equal(received[2], tensor[0])
    np.testing.assert_array_equal(overwritten[2], tensor[1])

    parallel = replace(SMALL, exchange=replace(SMALL.exchange, receiver_serialised=False))
    assert simulate(two_senders_program(), parallel, [tensor]).exchange_cycles == pytest.approx(
        one_transfer + PHASE_OVERHEAD_CYCLES
    )


def test_mesh_transfers_pay_per_hop():
    mesh = load_chip("mesh-64")
    tensor = np.zeros((4, 8), np.float16)
    result = simulate(two_senders_program(), mesh, [tensor])
    # Cores 0, 1 and 2 sit on the mesh's first row: core 0 sends 2 hops, core 1 one hop.
    hop_latency = (2 + 1) * MESH_HOP_LATENCY_CYCLES
    one_transfer = EXCHANGE_CYCLES_PER_BYTE * 8 * 2
    # 2 x 4.48 + 6 + 100 = 114.96
    assert result.exchange_cycles == pytest.approx(
        2 * one_transfer + hop_latency + PHASE_OVERHEAD_CYCLES
    )


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
    # Cores 0 and 1 send a row each, core 2 receives both, core 3 only waits.
    assert names == ["cores 0-1", "core 2", "core 3"]
    exchange = [e for e in document["traceEvents"] if e.get("cat") == "exchange"]
    assert [event["tid"] for event in exchange] == [0, 1, 2]


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
    # Per core: a 16x12 f16 accumulator (192 elements, 384 bytes) that rotates 3 times.
    add = ELEMENTWISE_CYCLES_PER_ELEMENT * 192 + ELEMENTWISE_LAUNCH_CYCLES  # 396
    rotation = EXCHANGE_CYCLES_PER_BYTE * 384 + PHASE_OVERHEAD_CYCLES  # 207.52
    assert result.exchange_cycles == pytest.approx(3 * rotation)
    fill = COPY_CYCLES_PER_BYTE * 384 + COPY_LAUNCH_CYCLES  # 348
    # 16x16 by 16x12, cheaper as C^T = B^T A^T (12x16 by 16x16): 2 x 1 x 1 blocks,
    # 2 x 24 + 514 + 113 + 173 = 848 (as written, 3 x 1 x 1 blocks: 872).
    matmul = (
        2 * 1 * 1 * F16_BLOCK_CYCLES
        + CALL_CYCLES_PER_KN_BLOCK * 1 * 1
        + CALL_CYCLES_PER_N_BLOCK * 1
        + CALL_CYCLES
    )
    assert (add, fill, matmul) == (396, 348, 848)
    # Each of the loop's 3 iterations pays its control.
    assert result.compute_cycles == pytest.approx(
        fill + matmul + 3 * add + 3 * LOOP_ITERATION_CYCLES
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
    """On a chip whose reduction is cheaper than its elementwise work, so that the two
    rates (equal on the presets) are told apart."""
    cheap_reduction = replace(
        SMALL, compute=replace(SMALL.compute, reduction=StreamRate(0.25, 100))
    )
    generator = np.random.default_rng(5)
    values = generator.standard_normal((8, 6)).astype(np.float32)
    means = values.mean(axis=1)
    result = simulate(parse_program(VARIANCE), cheap_reduction, [values, means])
    np.testing.assert_allclose(
        result.outputs[0], ((values - means[:, None]) ** 2).sum(axis=1), rtol=1e-5
    )
    # Per core, 4 rows of 6: a zero fill of 4 f32 (16 bytes), then 24 points combined
    # elementwise and reduced: (0.125 x 16 + 300) + (0.5 x 24 + 300) + (0.25 x 24 + 100).
    fill = COPY_CYCLES_PER_BYTE * 16 + COPY_LAUNCH_CYCLES
    elementwise = ELEMENTWISE_CYCLES_PER_ELEMENT * 24 + ELEMENTWISE_LAUNCH_CYCLES
    reduction = 0.25 * 24 + 100
    assert (fill, elementwise, reduction) == (302, 312, 106)
    assert result.compute_cycles == pytest.approx(fill + elementwise + reduction)


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


@pytest.mark.parametrize("name", ["ipu-mk2", "small-16", "mesh-64"])
def test_the_presets_hold_the_rates_cost_tests_are_written_from(name: str):
    chip = load_chip(name)
    for dtype, macs_per_cycle in (("f16", F16_MACS_PER_CYCLE), ("f32", F32_MACS_PER_CYCLE)):
        rate = chip.matmul_rate(dtype)
        assert rate.macs_per_cycle == macs_per_cycle
        assert (rate.block.m, rate.block.k, rate.block.n) == (
            MATMUL_BLOCK_M,
            MATMUL_BLOCK_K,
            MATMUL_BLOCK_N,
        )
        overhead = rate.call_overhead
        assert (overhead.cycles_per_kn_block, overhead.cycles_per_n_block, overhead.cycles) == (
            CALL_CYCLES_PER_KN_BLOCK,
            CALL_CYCLES_PER_N_BLOCK,
            CALL_CYCLES,
        )
    compute = chip.compute
    assert compute.elementwise == StreamRate(
        ELEMENTWISE_CYCLES_PER_ELEMENT, ELEMENTWISE_LAUNCH_CYCLES
    )
    assert compute.reduction == StreamRate(REDUCTION_CYCLES_PER_ELEMENT, REDUCTION_LAUNCH_CYCLES)
    assert compute.data_movement == CopyRate(COPY_CYCLES_PER_BYTE, COPY_LAUNCH_CYCLES)
    assert compute.spikes.cycles_per_spike == CYCLES_PER_SPIKE
    assert chip.exchange.cycles_per_byte == EXCHANGE_CYCLES_PER_BYTE
    assert (chip.sync.cycles, chip.sync.syncs_per_shift) == (SYNC_CYCLES, SYNCS_PER_SHIFT)
    assert chip.exchange.phase_overhead_cycles == PHASE_OVERHEAD_CYCLES
    assert chip.exchange.code_bytes_per_message == CODE_BYTES_PER_MESSAGE
    assert chip.exchange.sender_serialised
    assert chip.exchange.supertile_cores == (1 if chip.name == "mesh-64" else SUPERTILE_CORES)
    assert chip.program.loop_iteration_cycles == LOOP_ITERATION_CYCLES
