"""``t10-bench capacity`` in CI size: the small GPT-2 family on a 16-core chip of 24 KiB
per core, where every pipeline's largest batch lies between 4 and 16; the batch search
itself on made-up fits; the table, JSON, plots and errors."""

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from t10.hwmodel.chip import PRESETS_DIR, load_chip
from t10.tools import t10_bench_capacity
from t10.tools.t10_bench import load_model, main, run_pipeline
from t10.tools.t10_bench_capacity import (
    FAMILY_NAMES,
    Family,
    PointResult,
    Probe,
    Search,
    capacity,
    report_lines,
    search_batch,
    select_families,
)

PIPELINES = ("t10", "replicate", "vgm")
FAMILY = "gpt2-s1024"
SRAM_KIB = 24


def bench(*args: str | Path) -> Result:
    return CliRunner().invoke(capacity, [str(arg) for arg in args])


def small_chip(directory: Path) -> Path:
    """small-16 with 24 KiB per core, as its preset says otherwise: the small families'
    boundaries come at batches of a few, so a whole search takes seconds."""
    text = (PRESETS_DIR / "small-16.toml").read_text()
    assert "\nsram_kib_per_core = 64\n" in text
    text = text.replace("\nsram_kib_per_core = 64\n", f"\nsram_kib_per_core = {SRAM_KIB}\n")
    text = text.replace('\nname = "small-16"\n', '\nname = "capacity-16"\n')
    path = directory / "capacity-16.toml"
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def chip_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_chip(tmp_path_factory.mktemp("chip"))


@pytest.fixture(scope="module")
def measured(
    chip_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, Any], Path]:
    """The small GPT-2 family searched by every pipeline, as JSON, with its plot."""
    plots = tmp_path_factory.mktemp("plots")
    result = bench(FAMILY, "--sizes", "small", "--chip", chip_file, "--json", "--plots", plots)
    assert result.exit_code == 0, result.output
    assert result.stderr == "", "progress goes to a terminal only"
    return json.loads(result.stdout), plots


def test_json_schema(measured: tuple[dict[str, Any], Path]) -> None:
    document, _ = measured
    assert set(document) == {"chip", "sizes", "points", "summary"}
    assert document["chip"] == "capacity-16"
    assert document["sizes"] == "small"
    (point,) = document["points"]
    assert point["model"] == "gpt2"
    assert point["name"] == FAMILY
    assert point["seq"] == 32, "the small family's sequence, as it ran"
    assert "GPT-2 decoder layer" in point["unit"]
    for key in ("largest_batch", "best_samples_per_s", "best_batch", "capped", "curve"):
        assert set(point[key]) == set(PIPELINES), key
    for pipeline in PIPELINES:
        assert isinstance(point["largest_batch"][pipeline], int)
        assert point["capped"][pipeline] is False
        for entry in point["curve"][pipeline]:
            assert set(entry) == {
                "batch",
                "fits",
                "cycles",
                "samples_per_s",
                "match",
                "peak_bytes_per_core",
                "diagnostic",
            }
            assert (entry["diagnostic"] is None) == entry["fits"]
            if entry["fits"]:
                assert entry["match"] is True
                assert entry["peak_bytes_per_core"] <= SRAM_KIB * 1024
    assert set(document["summary"]) == {"worst_never_slower"}


def test_largest_batch_is_a_true_boundary(
    measured: tuple[dict[str, Any], Path], chip_file: Path, tmp_path: Path
) -> None:
    """Each pipeline's reported largest batch fits and the next one does not, run again
    here outside the search; every probe the search made agrees with its boundary."""
    document, _ = measured
    (point,) = document["points"]
    (family,) = select_families([FAMILY], "small")
    for pipeline in PIPELINES:
        largest = point["largest_batch"][pipeline]
        assert 4 <= largest < 16, (pipeline, largest)
        for batch, fits in ((largest, True), (largest + 1, False)):
            path = tmp_path / f"{pipeline}_{batch}.mlir"
            path.write_text(family.build(batch))
            outcome = run_pipeline(load_model(path), str(chip_file), pipeline, 1.0, 0)
            assert (outcome.report is not None) == fits, (pipeline, batch, outcome.diagnostic)
        for entry in point["curve"][pipeline]:
            assert entry["fits"] == (entry["batch"] <= largest), (pipeline, entry)


def test_curve_holds_the_powers_of_two_and_the_largest(
    measured: tuple[dict[str, Any], Path],
) -> None:
    document, _ = measured
    (point,) = document["points"]
    for pipeline in PIPELINES:
        largest = point["largest_batch"][pipeline]
        batches = {entry["batch"] for entry in point["curve"][pipeline] if entry["fits"]}
        powers = {2**power for power in range(largest.bit_length()) if 2**power <= largest}
        assert powers | {largest} <= batches, pipeline


def test_best_throughput_is_the_fastest_simulated_batch(
    measured: tuple[dict[str, Any], Path], chip_file: Path
) -> None:
    document, _ = measured
    (point,) = document["points"]
    clock_hz = load_chip(chip_file).clock_hz
    for pipeline in PIPELINES:
        fitting = [entry for entry in point["curve"][pipeline] if entry["fits"]]
        for entry in fitting:
            assert entry["samples_per_s"] == pytest.approx(
                entry["batch"] / (entry["cycles"] / clock_hz), rel=1e-4
            )
        best = max(fitting, key=lambda entry: entry["samples_per_s"])
        assert point["best_batch"][pipeline] == best["batch"]
        assert point["best_samples_per_s"][pipeline] == best["samples_per_s"]
    baselines = [point["largest_batch"][name] for name in ("replicate", "vgm")]
    assert point["largest_batch_over_best_baseline"] == pytest.approx(
        point["largest_batch"]["t10"] / max(baselines)
    )
    rates = [point["best_samples_per_s"][name] for name in ("replicate", "vgm")]
    assert point["samples_per_s_over_best_baseline"] == pytest.approx(
        point["best_samples_per_s"]["t10"] / max(rates)
    )


def test_worst_never_slower_over_every_shared_batch(
    measured: tuple[dict[str, Any], Path],
) -> None:
    document, _ = measured
    (point,) = document["points"]
    t10_cycles = {
        entry["batch"]: entry["cycles"] for entry in point["curve"]["t10"] if entry["fits"]
    }
    ratios = [
        (entry["cycles"] / t10_cycles[entry["batch"]], entry["batch"], baseline)
        for baseline in ("replicate", "vgm")
        for entry in point["curve"][baseline]
        if entry["fits"] and entry["batch"] in t10_cycles
    ]
    assert len(ratios) >= 6, "1, 2 and 4 at least, against each baseline"
    worst = document["summary"]["worst_never_slower"]
    ratio, batch, baseline = min(ratios)
    # Cycles are rounded in the JSON, not in the ratio.
    assert worst["ratio"] == pytest.approx(ratio, rel=1e-3)
    assert (worst["model"], worst["batch"], worst["baseline"]) == (FAMILY, batch, baseline)
    assert point["never_slower"] == worst


def test_plot_file(measured: tuple[dict[str, Any], Path]) -> None:
    _, plots = measured
    assert sorted(path.name for path in plots.iterdir()) == [f"{FAMILY}.capacity.png"]
    assert (plots / f"{FAMILY}.capacity.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("boundary", [0, 1, 2, 3, 5, 8, 13, 31, 32, 33, 64])
def test_search_finds_every_boundary(boundary: int) -> None:
    """On a made-up pipeline that fits up to ``boundary`` steps of 3 samples: the search
    reports exactly that, probes only batches of whole steps, and needs about two
    probes per doubling."""
    probed: list[int] = []

    def probe(batch: int) -> Probe:
        probed.append(batch)
        assert batch % 3 == 0
        fits = batch <= 3 * boundary
        return Probe(batch, 100.0 * batch if fits else None, True, 1, None if fits else "no")

    search = search_batch("t10", 3, 1024, probe)
    assert search.largest_batch == (3 * boundary if boundary else None)
    assert search.capped is False
    assert len(probed) == len(set(probed)), "no batch is probed twice"
    assert len(probed) <= 2 * max(1, boundary).bit_length() + 1
    if boundary:
        assert 3 * (boundary + 1) in probed, "the failure next to the largest was measured"


def test_search_stops_at_the_cap() -> None:
    search = search_batch("t10", 1, 12, lambda batch: Probe(batch, 1.0, True, 1, None))
    assert search.capped is True
    assert search.largest_batch == 12
    assert sorted(search.probes) == [1, 2, 4, 8, 12]


def _made_up_result(family: Family, largest: dict[str, int | None]) -> PointResult:
    """Searches whose every batch up to ``largest`` ran in 1000 cycles per sample plus 500."""
    searches: dict[str, Search] = {}
    for pipeline, boundary in largest.items():
        search = Search(pipeline)
        for batch in (1, 2, 4, 8):
            fits = boundary is not None and batch <= boundary
            cycles = 500.0 + 1000.0 * batch if fits else None
            search.probes[batch] = Probe(batch, cycles, fits or None, 1, None if fits else "full")
        searches[pipeline] = search
    return PointResult(family, searches)


def test_table_rows_and_ratios() -> None:
    (family,) = select_families(["opt-1.3b-s1024"], "real")
    result = _made_up_result(family, {"t10": 8, "replicate": None, "vgm": 2})
    chip = load_chip("ipu-mk2")
    lines = report_lines(chip, "real", [result])
    header = lines[2].split()
    row = lines[3].split()
    assert header[:2] == ["model", "seq"]
    assert row[:2] == ["opt-1.3b-s1024", "1024"]
    # t10 8, replicate none, vgm 2: 4x the better baseline's batch.
    assert row[2:6] == ["8", "no", "fit", "2"] and row[6] == "4.00x"
    rate = {batch: batch / ((500 + 1000 * batch) / chip.clock_hz) for batch in (2, 8)}
    assert row[7] == f"{rate[8]:,.0f}" and row[8] == "-" and row[9] == f"{rate[2]:,.0f}"
    assert row[10] == f"{rate[8] / rate[2]:.2f}x"
    text = "\n".join(lines)
    assert "one OPT-1.3B decoder layer (hidden 2048, 32 heads, FFN 8192) at sequence 1024" in text
    assert "  replicate: batches 1 no fit" in text
    assert "never slower: worst baseline/t10 time 1.0000 (opt-1.3b-s1024 at batch 1" in text


def test_only_t10_fits_is_said() -> None:
    (family,) = select_families(["opt-1.3b-s512"], "real")
    result = _made_up_result(family, {"t10": 4, "replicate": None, "vgm": None})
    row = report_lines(load_chip("ipu-mk2"), "real", [result])[3]
    assert row.count("only t10") == 2
    assert result.largest_over_baselines() is None


def test_capped_search_gives_no_batch_ratio() -> None:
    (family,) = select_families(["nerf"], "real")
    result = _made_up_result(family, {"t10": 8, "replicate": 4, "vgm": 2})
    result.searches["t10"].capped = True
    assert result.largest_over_baselines() is None
    assert result.rate_over_baselines(load_chip("ipu-mk2")) is not None
    row = report_lines(load_chip("ipu-mk2"), "real", [result])[3].split()
    assert row[2:6] == [">=8", "4", "2", "capped"]


def test_families_at_real_widths() -> None:
    """The issue's families, at the real models' widths."""
    assert FAMILY_NAMES == (
        "opt-1.3b-s512",
        "opt-1.3b-s1024",
        "gpt2-s1024",
        "bert-large-s512",
        "vit-l16",
        "resnet50",
        "nerf",
    )
    units = {family.name: family.unit for family in select_families([], "real")}
    assert "hidden 2048, 32 heads, FFN 8192) at sequence 512" in units["opt-1.3b-s512"]
    assert "hidden 768, 12 heads, FFN 3072) at sequence 1024" in units["gpt2-s1024"]
    assert "hidden 1024, 16 heads, FFN 4096) at sequence 512" in units["bert-large-s512"]
    assert "hidden 1024, 16 heads, FFN 4096) on 224-pixel images: 197 tokens" in units["vit-l16"]
    assert "blocks 3,4,6,3, 1000 classes) on 224-pixel images" in units["resnet50"]
    assert "width 256) in steps of 1024 points" in units["nerf"]
    (vit,) = select_families(["vit-l16"], "real")
    assert "batch 3, 3x224x224 images in 16x16 patches (sequence 197), hidden 1024" in vit.build(3)


def test_main_routes_capacity(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["capacity", "--help"])
    assert exit_info.value.code == 0
    assert "Usage: t10-bench capacity [OPTIONS] [MODELS]..." in capsys.readouterr().out


@pytest.fixture
def no_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bad input must be refused before anything is compiled."""

    def refuse(*_: object) -> None:
        raise AssertionError("a pipeline ran")

    monkeypatch.setattr(t10_bench_capacity, "run_pipeline", refuse)


def _assert_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("t10-bench: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.usefixtures("no_runs")
def test_unknown_model() -> None:
    _assert_error(bench("gpt2-s1024", "opt-13b"), "unknown model 'opt-13b'", "choose among")


@pytest.mark.usefixtures("no_runs")
def test_bad_chip_file(tmp_path: Path) -> None:
    chip = tmp_path / "chip.toml"
    chip.write_text("cores = [\n")
    _assert_error(bench("nerf", "--chip", chip), str(chip))


@pytest.mark.usefixtures("no_runs")
def test_plots_directory_that_cannot_be_made(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    _assert_error(bench("nerf", "--plots", blocker / "plots"), "--plots", "cannot create")
    assert blocker.read_text() == "not a directory"
    assert sorted(tmp_path.iterdir()) == [blocker]


@pytest.mark.usefixtures("no_runs")
def test_plot_path_taken_by_a_directory(tmp_path: Path) -> None:
    """The plot cannot replace a directory of its name: one error line before any run,
    and the directory as it was."""
    plots = tmp_path / "plots"
    (plots / "nerf.capacity.png").mkdir(parents=True)
    _assert_error(bench("resnet50", "nerf", "--plots", plots), "nerf.capacity.png")
    assert [path.name for path in plots.iterdir()] == ["nerf.capacity.png"]
    assert not any((plots / "nerf.capacity.png").iterdir())
