"""``t10-chip``: list, show and check chips; errors are one line on stderr with exit 1."""

import json
from pathlib import Path

from click.testing import CliRunner

from t10.hwmodel.chip import PRESETS_DIR, load_chip, parse_chip
from t10.tools.t10_chip import main


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_list_has_one_line_per_preset():
    result = run("list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["ipu-mk2", "mesh-64", "small-16"]
    assert lines[0].split() == [
        "ipu-mk2",
        "1472",
        "cores",
        "624",
        "KiB/core",
        "1.325",
        "GHz",
        "all-to-all",
    ]
    assert lines[1].endswith("mesh-2d 8x8")


def test_show_prints_every_section():
    result = run("show", "ipu-mk2")
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("ipu-mk2\n")
    for expected in (
        "cores           1472",
        "624 KiB (638976 bytes",
        "1.325 GHz",
        "6 per core",
        "f16=2 bf16=2 f32=4 i32=4 i8=1",
        "all-to-all",
        "0.28 cycles/byte per core (4.73 GB/s), receivers take one sender at a time",
        "118 cycles (0.089 us), 2 per shift step",
        "matmul f16      64 MACs/cycle (249.7 TFLOPS peak); 6x16x16 (m x k x n) blocks of 24",
        "+ 514*ceil(k/16)*ceil(n/16) + 113*ceil(n/16) + 173 cycles per call",
        "matmul f32      16 MACs/cycle",
        "elementwise     0.5 cycles/element + 300 per launch",
        "reduction",
        "data movement   0.125 cycles/byte + 300 per launch",
    ):
        assert expected in text


def test_show_mesh_topology():
    result = run("show", "mesh-64")
    assert result.exit_code == 0
    assert "mesh-2d 8x8 (cores numbered row-major), 2 cycles per hop, diameter 14 hops" in (
        result.stdout
    )


def test_show_json_is_the_chip_file_plus_derived_figures():
    result = run("show", "mesh-64", "--json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    derived = document.pop("derived")
    assert parse_chip(document, "<json>") == load_chip("mesh-64")
    assert derived["sram_bytes_per_core"] == 256 * 1024
    assert derived["mesh_diameter_hops"] == 14
    assert derived["matmul"]["f16"]["block_cycles"] == 24


def test_show_a_file(tmp_path: Path):
    path = tmp_path / "chip.toml"
    path.write_text((PRESETS_DIR / "small-16.toml").read_text())
    result = run("show", str(path))
    assert result.exit_code == 0
    assert result.stdout.startswith("small-16\n")


def test_show_unknown_preset_fails_in_one_line():
    result = run("show", "ipu-mk3")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "t10-chip: error: unknown chip preset 'ipu-mk3' (did you mean 'ipu-mk2'?); presets are "
        "ipu-mk2, mesh-64, small-16, or give a path to a .toml chip file\n"
    )


def test_check_accepts_a_good_file():
    path = PRESETS_DIR / "ipu-mk2.toml"
    result = run("check", str(path))
    assert result.exit_code == 0
    assert result.stdout == f"{path}: ok: chip 'ipu-mk2', 1472 cores\n"


def test_check_rejects_a_bad_file_in_one_line(tmp_path: Path):
    path = tmp_path / "bad.toml"
    path.write_text((PRESETS_DIR / "small-16.toml").read_text().replace("cores = 16", "cores = 0"))
    result = run("check", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"t10-chip: error: {path}: cores: expected a positive integer, found 0\n"
    )


def test_check_missing_file(tmp_path: Path):
    result = run("check", str(tmp_path / "absent.toml"))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "absent.toml: cannot read chip file" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
