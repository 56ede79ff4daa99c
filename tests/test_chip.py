"""The chip model: presets carry the published figures, bad chip files fail clearly."""

import math
from pathlib import Path

import numpy as np
import pytest

from t10.hwmodel import cost
from t10.hwmodel.chip import (
    PRESETS_DIR,
    AllToAll,
    Chip,
    ChipFileError,
    Mesh2D,
    load_chip,
    load_chip_file,
    parse_chip,
    preset_names,
)
from t10.hwmodel.cost import compaction_cycles, matmul_call_cycles, spike_row_cycles

SMALL_16_TEXT = (PRESETS_DIR / "small-16.toml").read_text()


def test_presets_are_listed():
    assert preset_names() == ["ipu-mk2", "mesh-64", "small-16"]


@pytest.mark.parametrize("name", ["ipu-mk2", "mesh-64", "small-16"])
def test_preset_name_matches_file(name: str):
    assert load_chip(name).name == name


@pytest.mark.parametrize("name", ["ipu-mk2", "mesh-64", "small-16"])
def test_to_dict_reads_back_as_the_same_chip(name: str):
    chip = load_chip(name)
    assert parse_chip(chip.to_dict(), "<dict>") == chip


def test_chips_are_hashable_for_plan_caches():
    plans = {load_chip("ipu-mk2"): "plan"}
    assert plans[load_chip("ipu-mk2")] == "plan"


def test_ipu_mk2_has_published_figures():
    chip = load_chip("ipu-mk2")
    assert chip.cores == 1472
    assert chip.sram_bytes == 624 * 1024
    assert chip.clock_hz == 1.325e9
    assert chip.worker_threads == 6
    assert chip.topology == AllToAll(cores=1472)
    assert chip.exchange.cycles_per_byte == 0.28
    assert chip.exchange.receiver_serialised
    assert chip.sync.cycles == 118
    assert chip.sync.syncs_per_shift == 2
    assert chip.compute.elementwise.cycles_per_element == 0.5
    assert chip.compute.elementwise.launch_cycles == 300
    assert [chip.bytes_per_element(dtype) for dtype in ("f16", "bf16", "f32", "i32", "i8")] == [
        2,
        2,
        4,
        4,
        1,
    ]


def test_ipu_mk2_matmul_follows_the_t10_cost_model():
    f16 = load_chip("ipu-mk2").matmul_rate("f16")
    assert f16.macs_per_cycle == 64
    assert (f16.block.m, f16.block.k, f16.block.n) == (6, 16, 16)
    assert f16.block_cycles == 24
    m, k, n = 100, 70, 40
    blocks = math.ceil(m / 6) * math.ceil(k / 16) * math.ceil(n / 16)
    overhead = 514 * math.ceil(k / 16) * math.ceil(n / 16) + 113 * math.ceil(n / 16) + 173
    cycles = matmul_call_cycles(f16, np.asarray([m]), np.asarray([k]), np.asarray([n]))
    assert cycles[0] == 24 * blocks + overhead


def test_ipu_mk2_fp32_runs_at_a_quarter_of_fp16():
    chip = load_chip("ipu-mk2")
    assert chip.matmul_rate("f32").macs_per_cycle == 16
    assert chip.matmul_rate("f32").block_cycles == 96
    assert chip.peak_flops("f32") * 4 == chip.peak_flops("f16")


def test_ipu_mk2_derived_figures():
    chip = load_chip("ipu-mk2")
    assert chip.peak_flops("f16") == pytest.approx(250e12, rel=0.01)
    assert chip.exchange_bytes_per_second == pytest.approx(4.7e9, rel=0.01)
    assert chip.cycles_to_us(1325) == pytest.approx(1.0)
    assert chip.total_sram_bytes == 1472 * 624 * 1024


def test_chip_without_rate_for_dtype_says_which_it_has():
    chip = load_chip("small-16")
    with pytest.raises(KeyError, match="no matmul rate for 'i8'; it has f16, f32"):
        chip.matmul_rate("i8")
    with pytest.raises(KeyError, match="no element type 'f64'"):
        chip.bytes_per_element("f64")


def test_small_16_is_small_with_ipu_rates():
    small, ipu = load_chip("small-16"), load_chip("ipu-mk2")
    assert (small.cores, small.sram_bytes) == (16, 64 * 1024)
    assert small.compute == ipu.compute
    assert small.exchange == ipu.exchange
    assert small.sync == ipu.sync


def test_mesh_64_geometry():
    chip = load_chip("mesh-64")
    mesh = chip.topology
    assert isinstance(mesh, Mesh2D)
    assert (mesh.rows, mesh.cols, mesh.cores) == (8, 8, 64)
    assert chip.sram_bytes == 256 * 1024
    assert mesh.coordinates(11) == (1, 3)
    assert mesh.hops(0, 63) == 14 == mesh.diameter
    assert mesh.hops(9, 10) == 1
    assert mesh.hops(5, 5) == 0
    assert mesh.latency_cycles(0, 63) == 14 * mesh.hop_latency_cycles
    with pytest.raises(ValueError, match=r"core 64 is not on a chip of 64 cores \(0..63\)"):
        mesh.hops(0, 64)
    # Many transfers at once, as the simulator and the plan search price them.
    senders, receivers = np.array([0, 9, 5, 7]), np.array([63, 10, 5, 56])
    np.testing.assert_array_equal(mesh.hops(senders, receivers), [14, 1, 0, 14])
    np.testing.assert_array_equal(
        cost.transfer_latency_cycles(chip, senders, receivers),
        mesh.hop_latency_cycles * np.array([14, 1, 0, 14]),
    )
    with pytest.raises(ValueError, match="core 70 is not on a chip of 64 cores"):
        mesh.hops(senders, np.array([1, 2, 70, 3]))


def test_all_to_all_is_one_hop_everywhere():
    network = AllToAll(cores=16)
    assert network.hops(0, 15) == 1
    assert network.hops(3, 3) == 0
    assert network.latency_cycles(0, 15) == 0
    with pytest.raises(ValueError, match="core -1 is not on a chip"):
        network.hops(-1, 0)


def test_load_by_path(tmp_path: Path):
    path = tmp_path / "mine.toml"
    path.write_text(SMALL_16_TEXT)
    assert load_chip(path) == load_chip("small-16")
    assert load_chip(str(path)) == load_chip("small-16")


def test_bare_name_with_a_path_prefix_is_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "ipu-mk2").write_text(SMALL_16_TEXT)
    monkeypatch.chdir(tmp_path)
    assert load_chip("./ipu-mk2").cores == 16
    assert load_chip("ipu-mk2").cores == 1472


def chip_file_error(tmp_path: Path, old: str, new: str) -> str:
    """The error loading small-16 with ``old`` replaced by ``new``, checked to be one line."""
    assert old in SMALL_16_TEXT
    path = tmp_path / "bad.toml"
    path.write_text(SMALL_16_TEXT.replace(old, new, 1))
    with pytest.raises(ChipFileError) as caught:
        load_chip(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    return message.removeprefix(str(path))


def test_misspelt_field_suggests_the_right_one(tmp_path: Path):
    message = chip_file_error(tmp_path, "macs_per_cycle = 64", "macs_pre_cycle = 64")
    assert message.startswith(
        ": compute.matmul.f16.macs_pre_cycle: unknown field (did you mean 'macs_per_cycle'?); "
        "expected one of macs_per_cycle, block, call_overhead"
    )


def test_unknown_top_level_field(tmp_path: Path):
    message = chip_file_error(tmp_path, "cores = 16", "cores = 16\nsram_bytes_per_core = 65536")
    assert message.startswith(
        ": sram_bytes_per_core: unknown field (did you mean 'sram_kib_per_core'?)"
    )


def test_unknown_field_without_close_match(tmp_path: Path):
    message = chip_file_error(tmp_path, "[sync]\n", "[sync]\ncolour = 3\n")
    assert message == ": sync.colour: unknown field; expected one of cycles, syncs_per_shift"


def test_missing_required_field(tmp_path: Path):
    message = chip_file_error(tmp_path, "worker_threads = 6", "")
    assert message == ": worker_threads: missing required field (expected a positive integer)"


def test_missing_section(tmp_path: Path):
    message = chip_file_error(
        tmp_path, "[compute.reduction]\ncycles_per_element = 0.5\nlaunch_cycles = 300\n", ""
    )
    assert message == ": compute.reduction: missing required field (expected a table)"


def test_boolean_is_not_an_integer(tmp_path: Path):
    message = chip_file_error(tmp_path, "cores = 16", "cores = true")
    assert message == ": cores: expected a positive integer, found true (a boolean)"


def test_float_is_not_an_integer(tmp_path: Path):
    message = chip_file_error(tmp_path, "m = 6", "m = 6.0")
    assert message == ": compute.matmul.f16.block.m: expected a positive integer, found 6.0"


def test_string_is_not_a_number(tmp_path: Path):
    message = chip_file_error(tmp_path, "clock_hz = 1.325e9", 'clock_hz = "1.325 GHz"')
    assert message == ': clock_hz: expected a positive number, found "1.325 GHz" (a string)'


def test_boolean_field_wants_a_boolean(tmp_path: Path):
    message = chip_file_error(tmp_path, "receiver_serialised = true", "receiver_serialised = 1")
    assert message == ": exchange.receiver_serialised: expected true or false, found 1"


def test_scalar_where_a_table_belongs(tmp_path: Path):
    message = chip_file_error(tmp_path, "block = { m = 6, k = 16, n = 16 }", "block = 6")
    assert message == ": compute.matmul.f16.block: expected a table, found 6"


def test_non_positive_rate(tmp_path: Path):
    message = chip_file_error(tmp_path, "macs_per_cycle = 64", "macs_per_cycle = -64")
    assert message == ": compute.matmul.f16.macs_per_cycle: expected a positive integer, found -64"
    message = chip_file_error(tmp_path, "cycles_per_byte = 0.28", "cycles_per_byte = 0.0")
    assert message == ": exchange.cycles_per_byte: expected a positive number, found 0.0"


def test_fixed_overheads_may_be_zero_but_not_negative(tmp_path: Path):
    path = tmp_path / "zero.toml"
    path.write_text(SMALL_16_TEXT.replace("launch_cycles = 300", "launch_cycles = 0"))
    assert load_chip_file(path).compute.elementwise.launch_cycles == 0
    message = chip_file_error(tmp_path, "launch_cycles = 300", "launch_cycles = -1")
    assert message == ": compute.elementwise.launch_cycles: expected a number >= 0, found -1"


def test_infinite_number(tmp_path: Path):
    message = chip_file_error(tmp_path, "cycles = 118", "cycles = inf")
    assert message == ": sync.cycles: expected a positive number, found inf"


def test_empty_name(tmp_path: Path):
    message = chip_file_error(tmp_path, 'name = "small-16"', 'name = ""')
    assert message == ': name: expected a non-empty string, found ""'


def test_unknown_topology_kind(tmp_path: Path):
    message = chip_file_error(tmp_path, 'kind = "all-to-all"', 'kind = "all_to_all"')
    assert message == (
        ': topology.kind: expected one of "all-to-all", "mesh-2d" '
        "(did you mean 'all-to-all'?), found \"all_to_all\" (a string)"
    )


def test_mesh_must_cover_every_core(tmp_path: Path):
    message = chip_file_error(
        tmp_path,
        'kind = "all-to-all"',
        'kind = "mesh-2d"\nrows = 4\ncols = 5\nhop_latency_cycles = 1',
    )
    assert (
        message == ": topology: expected rows * cols == cores = 16, found rows * cols = 4 * 5 = 20"
    )


def test_mesh_needs_its_dimensions(tmp_path: Path):
    message = chip_file_error(tmp_path, 'kind = "all-to-all"', 'kind = "mesh-2d"\nrows = 4')
    assert message == ": topology.cols: missing required field (expected a positive integer)"


def test_mesh_fields_on_all_to_all(tmp_path: Path):
    message = chip_file_error(tmp_path, 'kind = "all-to-all"', 'kind = "all-to-all"\nrows = 4')
    assert message == (
        ': topology.rows: expected no rows when kind is "all-to-all" '
        '(only kind "mesh-2d" has one), found rows = 4'
    )


def test_matmul_dtype_must_have_an_element_size(tmp_path: Path):
    message = chip_file_error(tmp_path, "[compute.matmul.f32]", "[compute.matmul.f23]")
    assert message == (
        ": compute.matmul.f23: expected a dtype listed in element_bytes "
        "(f16, bf16, f32, i32, i8, i1, i16, i64, index) (did you mean 'f32'?), found 'f23'"
    )


def test_element_bytes_must_be_positive_integers(tmp_path: Path):
    message = chip_file_error(tmp_path, "i8 = 1", "i8 = 0")
    assert message == ": element_bytes.i8: expected a positive integer, found 0"


def test_empty_element_bytes(tmp_path: Path):
    table = SMALL_16_TEXT[
        SMALL_16_TEXT.index("[element_bytes]\n") : SMALL_16_TEXT.index("[topology]")
    ]
    message = chip_file_error(tmp_path, table, "[element_bytes]\n")
    assert (
        message
        == ": element_bytes: expected at least one dtype (e.g. f16 = 2), found an empty table"
    )


def test_matmul_needs_a_dtype(tmp_path: Path):
    start = SMALL_16_TEXT.index("[compute.matmul.f16]")
    end = SMALL_16_TEXT.index("[compute.elementwise]")
    message = chip_file_error(tmp_path, SMALL_16_TEXT[start:end], "[compute.matmul]\n")
    assert message == (
        ": compute.matmul: expected at least one dtype table (e.g. [compute.matmul.f16]), "
        "found none"
    )


def test_toml_syntax_error_gives_line_and_column(tmp_path: Path):
    message = chip_file_error(tmp_path, "cores = 16", "cores = 16 16")
    line = SMALL_16_TEXT[: SMALL_16_TEXT.index("cores = 16")].count("\n") + 1
    assert message.startswith(f":{line}:12: TOML syntax error: ")


def test_unknown_preset_lists_the_presets():
    with pytest.raises(ChipFileError) as caught:
        load_chip("ipu-mk3")
    assert str(caught.value) == (
        "unknown chip preset 'ipu-mk3' (did you mean 'ipu-mk2'?); presets are ipu-mk2, "
        "mesh-64, small-16, or give a path to a .toml chip file"
    )


def test_preset_names_are_suggested_whatever_the_case():
    with pytest.raises(
        ChipFileError, match=r"unknown chip preset 'IPU-MK2' \(did you mean 'ipu-mk2'"
    ):
        load_chip("IPU-MK2")


def test_missing_file(tmp_path: Path):
    path = tmp_path / "absent.toml"
    with pytest.raises(ChipFileError) as caught:
        load_chip(str(path))
    assert str(caught.value) == f"{path}: cannot read chip file: No such file or directory"


def test_chip_is_frozen():
    chip: Chip = load_chip("small-16")
    with pytest.raises(AttributeError):
        chip.cores = 32  # pyright: ignore[reportAttributeAccessIssue]


def test_spike_rate_is_read_and_checked(tmp_path: Path) -> None:
    assert load_chip("ipu-mk2").compute.spikes.cycles_per_spike == 4
    message = chip_file_error(tmp_path, "cycles_per_spike = 4", "cycles_per_spike = -2")
    assert message == ": compute.spikes.cycles_per_spike: expected a number >= 0, found -2"


def test_spike_kernels_pay_per_listed_spike_and_per_row_element() -> None:
    chip = load_chip("ipu-mk2")
    # 10 spikes, each a row of 8 elements: 10 * (4 + 0.5 * 8) + 300 launch.
    assert float(spike_row_cycles(chip, np.array(10), 8)) == 380.0
    # A 100-element pass listing 3 spikes: 0.5 * 100 + 300 + 3 * 4.
    assert float(compaction_cycles(chip, np.array(100), np.array(3))) == 362.0


def test_ipu_mk2_has_poplibs_fixed_costs():
    """The vendor planner's fixed costs, from the PopLibs sources the chip file cites."""
    chip = load_chip("ipu-mk2")
    assert chip.exchange.phase_overhead_cycles == 100
    assert chip.exchange.code_bytes_per_message == 4
    assert chip.exchange.supertile_cores == 2
    assert chip.exchange.sender_serialised
    assert chip.program.loop_iteration_cycles == 12
    text = (PRESETS_DIR / "ipu-mk2.toml").read_text()
    for source in (
        "popnn/CTCLossPlan.cpp",
        "popops/DynamicSlice.cpp",
        "poplin/ExchangeEstimator.hpp",
        "popops/PerformanceEstimation.cpp",
    ):
        assert source in text


def test_fixed_costs_are_optional_and_default_to_none(tmp_path: Path):
    text = SMALL_16_TEXT
    for line in (
        "sender_serialised = true      # as ipu-mk2\n",
        "phase_overhead_cycles = 100   # as ipu-mk2\n",
        "code_bytes_per_message = 4    # as ipu-mk2\n",
        "supertile_cores = 2           # as ipu-mk2\n",
        "[program]\nloop_iteration_cycles = 12    # as ipu-mk2\n",
    ):
        assert line in text
        text = text.replace(line, "")
    path = tmp_path / "bare.toml"
    path.write_text(text)
    chip = load_chip_file(path)
    assert not chip.exchange.sender_serialised
    assert chip.exchange.phase_overhead_cycles == 0
    assert chip.exchange.code_bytes_per_message == 0
    assert chip.exchange.supertile_cores == 1
    assert chip.program.loop_iteration_cycles == 0
    assert parse_chip(chip.to_dict(), "round trip") == chip


def test_bad_fixed_costs_name_their_field(tmp_path: Path):
    message = chip_file_error(
        tmp_path, "phase_overhead_cycles = 100", "phase_overhead_cycles = -100"
    )
    assert message.startswith(": exchange.phase_overhead_cycles: expected a number >= 0")
    message = chip_file_error(
        tmp_path, "code_bytes_per_message = 4", "code_bytes_per_message = 4.5"
    )
    assert message == (
        ": exchange.code_bytes_per_message: expected a non-negative integer, found 4.5"
    )
    message = chip_file_error(tmp_path, "supertile_cores = 2", "supertile_cores = 0")
    assert message == ": exchange.supertile_cores: expected a positive integer, found 0"
    message = chip_file_error(tmp_path, "loop_iteration_cycles = 12", "loop_iteration = 12")
    assert message.startswith(
        ": program.loop_iteration: unknown field (did you mean 'loop_iteration_cycles'?)"
    )
