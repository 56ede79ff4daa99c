# pyright: strict
"""The fixed costs PopLibs charges, as the simulator runs them and the planner prices them.

Expected cycles and bytes are worked out by hand from the preset rates
(``preset_rates.py``), never from ``t10.hwmodel.cost``: an exchange phase's
fixed overhead, a sender sending different data one message after another (the
same data once, however many take it), the two cores of a supertile taking one
message together, the exchange code each message leaves in SRAM, the on-core
copy of what a relayout finds already in place, and a loop iteration's control.
"""

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from op_models import matmul
from preset_rates import (
    CODE_BYTES_PER_MESSAGE,
    COPY_CYCLES_PER_BYTE,
    COPY_LAUNCH_CYCLES,
    EXCHANGE_CYCLES_PER_BYTE,
    LOOP_ITERATION_CYCLES,
    PHASE_OVERHEAD_CYCLES,
    SUPERTILE_CORES,
)
from xdsl.utils.exceptions import PassFailedException

from t10.dialects import tile
from t10.hwmodel.chip import PRESETS_DIR, load_chip
from t10.passes.compile import CompilePass
from t10.passes.relayout import Placement, relayout_cycles
from t10.passes.select_plans import SelectPlansPass
from t10.runtime.reference import random_inputs
from t10.runtime.simulator import SimulationError, SimulationResult, simulate
from t10.tools.t10_opt import LocatingParser, T10OptMain

SMALL = load_chip("small-16")
CTX = T10OptMain(args=[]).ctx
ROW_BYTES = 64 * 2
"""One row of 64 f16: every message of the programs below."""
ONE_ROW = EXCHANGE_CYCLES_PER_BYTE * ROW_BYTES
"""0.28 x 128 = 35.84 cycles."""


def _program(exchanges: str, cores: int = 4) -> tile.ProgramOp:
    text = f"""
!row = !tile.buffer<1x64xf16>
#rows = #tile.block<grid = [{cores}], split = [[0], []]>
tile.program @moves(%a: tensor<{cores}x64xf16>) -> tensor<{cores}x64xf16>
    cores {cores} sram_bytes 4096 {{
  %x = tile.alloc offset 0 : !row
  %y = tile.alloc offset 128 : !row
  %z = tile.alloc offset 256 : !row
  tile.host_write %a to %x by #rows : tensor<{cores}x64xf16> to !row
  tile.host_write %a to %y by #rows : tensor<{cores}x64xf16> to !row
{exchanges}
  %b = tile.host_read %z by #rows : !row to tensor<{cores}x64xf16>
  tile.return %b : tensor<{cores}x64xf16>
}}
"""
    module = LocatingParser(CTX, text).parse_module()
    module.verify()
    return next(op for op in module.walk() if isinstance(op, tile.ProgramOp))


def _run(exchanges: str, chip: object = SMALL) -> SimulationResult:
    assert chip is SMALL or hasattr(chip, "exchange")
    program = _program(exchanges)
    inputs = [np.arange(4 * 64, dtype=np.float16).reshape(4, 64)]
    return simulate(program, SMALL if chip is SMALL else chip, inputs)  # type: ignore[arg-type]


def _exchange_phase(result: SimulationResult) -> float:
    (phase,) = [phase for phase in result.trace if phase.kind == "exchange"]
    return phase.cycles


def test_an_exchange_phase_pays_its_fixed_overhead_once():
    one = _run("  tile.exchange %x to %z by #tile.transfers<[[0, 1]]> : !row to !row")
    assert _exchange_phase(one) == pytest.approx(ONE_ROW + PHASE_OVERHEAD_CYCLES)
    # Two exchanges to different receivers in one phase: one overhead.
    two = _run(
        "  tile.exchange %x to %z by #tile.transfers<[[0, 1]]> : !row to !row\n"
        "  tile.exchange %y to %z by #tile.transfers<[[2, 3]]> : !row to !row"
    )
    assert _exchange_phase(two) == pytest.approx(ONE_ROW + PHASE_OVERHEAD_CYCLES)


def test_a_phase_that_moves_nothing_between_cores_pays_no_overhead():
    local = _run("  tile.exchange %x to %z by #tile.transfers<[[1, 1]]> : !row to !row")
    assert _exchange_phase(local) == pytest.approx(
        COPY_CYCLES_PER_BYTE * ROW_BYTES + COPY_LAUNCH_CYCLES
    )


def test_a_sender_sends_different_data_one_message_after_another():
    # Core 0 sends %x to core 1 and %y to core 2: two messages, one after the other.
    different = _run(
        "  tile.exchange %x to %z by #tile.transfers<[[0, 1]]> : !row to !row\n"
        "  tile.exchange %y to %z by #tile.transfers<[[0, 2]]> : !row to !row"
    )
    assert _exchange_phase(different) == pytest.approx(2 * ONE_ROW + PHASE_OVERHEAD_CYCLES)
    # The same buffer to cores 1 and 2 (not one supertile) is one message.
    same = _run("  tile.exchange %x to %z by #tile.transfers<[[0, 1], [0, 2]]> : !row to !row")
    assert _exchange_phase(same) == pytest.approx(ONE_ROW + PHASE_OVERHEAD_CYCLES)
    unserialised = replace(SMALL, exchange=replace(SMALL.exchange, sender_serialised=False))
    relaxed = _run(
        "  tile.exchange %x to %z by #tile.transfers<[[0, 1]]> : !row to !row\n"
        "  tile.exchange %y to %z by #tile.transfers<[[0, 2]]> : !row to !row",
        unserialised,
    )
    assert _exchange_phase(relaxed) == pytest.approx(ONE_ROW + PHASE_OVERHEAD_CYCLES)


def test_a_supertile_takes_one_message_together():
    assert SUPERTILE_CORES == 2
    # Cores 2 and 3 share a bus: each takes %x from core 0 and %y from core 1 together,
    # at twice the rate; each sender sends one message.
    together = _run(
        "  tile.exchange %x to %z by #tile.transfers<[[0, 2], [0, 3]]> : !row to !row\n"
        "  tile.exchange %y to %x by #tile.transfers<[[1, 2], [1, 3]]> : !row to !row"
    )
    (phase,) = [phase for phase in together.trace if phase.kind == "exchange"]
    assert phase.core_cycles is not None
    np.testing.assert_allclose(
        phase.core_cycles,
        np.array([ONE_ROW, ONE_ROW, 2 * ONE_ROW / 2, 2 * ONE_ROW / 2]) + PHASE_OVERHEAD_CYCLES,
    )
    # Cores 1 and 2 are in different supertiles: each takes its two messages alone.
    apart = _run(
        "  tile.exchange %x to %z by #tile.transfers<[[0, 1], [0, 2]]> : !row to !row\n"
        "  tile.exchange %y to %x by #tile.transfers<[[3, 1], [3, 2]]> : !row to !row"
    )
    assert _exchange_phase(apart) == pytest.approx(2 * ONE_ROW + PHASE_OVERHEAD_CYCLES)


def test_exchange_code_takes_sram_for_every_message_received():
    program = _program(
        "  tile.exchange %x to %z by #tile.transfers<[[0, 2], [0, 3]]> : !row to !row\n"
        "  tile.exchange %y to %x by #tile.transfers<[[1, 2], [3, 3]]> : !row to !row"
    )
    # Core 2 receives one message from core 0 and one from core 1, core 3 one from core 0
    # (its own copy of %y is not a message).
    np.testing.assert_array_equal(tile.exchange_messages(program), [0, 0, 2, 1])
    result = simulate(program, SMALL, [np.zeros((4, 64), np.float16)])
    assert result.exchange_code_bytes == 2 * CODE_BYTES_PER_MESSAGE
    assert result.peak_bytes_per_core == 3 * ROW_BYTES + 2 * CODE_BYTES_PER_MESSAGE


def test_a_buffer_over_the_exchange_code_is_refused():
    # One message on core 1 leaves its three 128-byte buffers 300 bytes of SRAM.
    code = SMALL.sram_bytes - 300
    crowded = replace(SMALL, exchange=replace(SMALL.exchange, code_bytes_per_message=code))
    with pytest.raises(SimulationError, match=f"beside {code} bytes of exchange code"):
        _run("  tile.exchange %x to %z by #tile.transfers<[[0, 1]]> : !row to !row", crowded)


def test_a_loop_iteration_pays_its_control():
    program = _program(
        "  tile.repeat 3 {\n"
        "    tile.exchange %x to %z by #tile.transfers<[[0, 1]]> : !row to !row\n"
        "    tile.sync\n"
        "  }"
    )
    result = simulate(program, SMALL, [np.zeros((4, 64), np.float16)])
    control = [phase for phase in result.trace if phase.label == "tile.repeat"]
    assert [phase.cycles for phase in control] == [LOOP_ITERATION_CYCLES] * 3
    # A loop body's exchange code is there once, however often the loop runs.
    np.testing.assert_array_equal(tile.exchange_messages(program), [0, 1, 0, 0])


def _rows(starts: list[int], height: int, width: int, cores: int) -> Placement:
    """Each core's block: rows [start, start + height) of a ``? x width`` tensor."""
    blocks = np.zeros((cores, 2, 2), dtype=np.int64)
    for core, start in enumerate(starts):
        blocks[core] = [[start, start + height], [0, width]]
    return Placement(blocks, 1)


def test_a_relayout_prices_its_exchange_and_its_on_core_copy():
    cores = SMALL.cores
    # Rows of 64 f16 on 16 cores, 4 rows each, move by 2 rows: each core keeps half its
    # rows (copied into its new buffer) and receives the other half from its neighbour.
    source = _rows([4 * core for core in range(cores)], 4, 64, cores)
    moved = _rows([(4 * core + 2) % 64 for core in range(cores)], 4, 64, cores)
    half = 2 * 64 * 2
    (price,) = relayout_cycles(SMALL, 2, [source], [moved])[0:1, 0]
    assert price == pytest.approx(
        EXCHANGE_CYCLES_PER_BYTE * half
        + COPY_CYCLES_PER_BYTE * half
        + COPY_LAUNCH_CYCLES
        + PHASE_OVERHEAD_CYCLES
    )
    # The same placement needs no relayout at all.
    assert relayout_cycles(SMALL, 2, [source], [source])[0, 0] == 0


MATMUL = matmul(64, 256, 128, "f16")


def _compiled(chip: str) -> tuple[tile.ProgramOp, SimulationResult]:
    module = LocatingParser(CTX, MATMUL).parse_module()
    function = next(op for op in module.walk() if op.name == "func.func")
    inputs = random_inputs(function, 0)  # type: ignore[arg-type]
    CompilePass(chip=chip).apply(CTX, module)
    program = next(op for op in module.walk() if isinstance(op, tile.ProgramOp))
    return program, simulate(program, load_chip(chip), inputs)


def _messages_on_every_core(count: int) -> Callable[[tile.ProgramOp], NDArray[np.int64]]:
    """A stand-in for ``tile.exchange_messages``: ``count`` messages on every core,
    whatever the program."""

    def messages(program: tile.ProgramOp) -> NDArray[np.int64]:
        return np.full(program.cores.value.data, count, dtype=np.int64)

    return messages


def test_compiling_plans_again_when_the_exchange_code_crowds_the_buffers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # Every core's code is made to take 43,100 bytes whatever the plan: the fastest plan's
    # buffers (22,528 bytes a core) then do not fit beside it, and t10-compile plans again
    # with the code's bytes kept out of the plans.
    _, fastest = _compiled("small-16")
    code = 43_100
    assert fastest.peak_bytes_per_core - fastest.exchange_code_bytes + code > SMALL.sram_bytes
    chip_file = tmp_path / "code.toml"
    chip_file.write_text(
        (PRESETS_DIR / "small-16.toml")
        .read_text()
        .replace("code_bytes_per_message = 4 ", "code_bytes_per_message = 1 ")
    )
    monkeypatch.setattr(tile, "exchange_messages", _messages_on_every_core(code))
    program, replanned = _compiled(str(chip_file))
    assert replanned.exchange_code_bytes == code
    assert replanned.peak_bytes_per_core <= SMALL.sram_bytes
    assert replanned.cycles > fastest.cycles
    assert all(
        op.offset.value.data + op.buffer.type.byte_size() <= SMALL.sram_bytes - code
        for op in program.walk()
        if isinstance(op, tile.AllocOp)
    )


def test_exchange_code_that_leaves_no_room_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    chip_file = tmp_path / "code.toml"
    chip_file.write_text((PRESETS_DIR / "small-16.toml").read_text())
    monkeypatch.setattr(tile, "exchange_messages", _messages_on_every_core(15_000))
    with pytest.raises(PassFailedException, match="exchange code"):
        _compiled(str(chip_file))


def test_a_supertile_takes_a_relayout_s_same_data_together():
    cores = SMALL.cores
    # Cores 2p and 2p + 1 both hold rows [4p, 4p + 4) of a 32x64 f16 tensor and both need
    # rows [4p + 2, 4p + 6): each keeps two rows (copied) and takes two from the next pair,
    # the same two rows as its supertile mate, so the pair takes them together.
    source = _rows([4 * (core // 2) for core in range(cores)], 4, 64, cores)
    moved = _rows([(4 * (core // 2) + 2) % 32 for core in range(cores)], 4, 64, cores)
    half = 2 * 64 * 2
    shared = relayout_cycles(SMALL, 2, [source], [moved])[0, 0]
    copy = COPY_CYCLES_PER_BYTE * half + COPY_LAUNCH_CYCLES
    assert shared == pytest.approx(
        EXCHANGE_CYCLES_PER_BYTE * half / SUPERTILE_CORES + copy + PHASE_OVERHEAD_CYCLES
    )
    alone = replace(SMALL, exchange=replace(SMALL.exchange, supertile_cores=1))
    assert relayout_cycles(alone, 2, [source], [moved])[0, 0] == pytest.approx(
        EXCHANGE_CYCLES_PER_BYTE * half + copy + PHASE_OVERHEAD_CYCLES
    )


@pytest.mark.parametrize("reserved", [-1, SMALL.sram_bytes])
def test_reserved_bytes_outside_sram_are_refused(reserved: int):
    module = LocatingParser(CTX, MATMUL).parse_module()
    with pytest.raises(
        PassFailedException,
        match=rf"reserved-bytes must be in \[0, {SMALL.sram_bytes}\), got {reserved}",
    ):
        SelectPlansPass(chip="small-16", reserved_bytes=reserved).apply(CTX, module)
