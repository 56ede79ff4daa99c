"""``t10-bench snn``: sparse against dense training of a small spiking network on small-16."""

import json
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner, Result

from t10.hwmodel.chip import load_chip
from t10.passes.snn_plan import SnnNetwork, price_layout
from t10.tools import t10_bench_snn
from t10.tools.t10_bench import main
from t10.tools.t10_bench_snn import Crossover, compare, crossover, snn

SMALL = ("--chip", "small-16", "--sizes", "40,30,20,5", "--timesteps", "12", "--batch", "4")
"""A network small enough to compile, simulate and check in about a second per point."""

STEPS = 2 * (12 - 1)

ISSUE_POINT_KEYS = {
    "activity",
    "sparse_samples_per_s",
    "dense_samples_per_s",
    "speedup",
    "dropped_spikes",
}
FORM_KEYS = {
    "samples_per_s",
    "cycles",
    "compute_cycles",
    "exchange_cycles",
    "sync_cycles",
    "supersteps",
    "peak_bytes_per_core",
    "per_step_cycles",
    "forward_step_cycles",
    "backward_step_cycles",
    "rest_cycles",
    "max_abs_error",
    "match",
    "simulate_seconds",
    "reference_seconds",
    "plan",
}


def bench(*args: str) -> Result:
    return CliRunner().invoke(snn, [*SMALL, *args])


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    """Two points: at 0.02 lists of 2 x 0.02 of the neurons drop spikes; at 0.5 they hold
    every neuron, so nothing is dropped and the two forms must agree."""
    result = bench("--activity", "0.5,0.02", "--cap-factor", "2", "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr == "", "progress goes to a terminal only"
    return json.loads(result.stdout)


def test_json_document(document: dict[str, Any]) -> None:
    assert {"chip", "network", "timesteps", "batch", "points", "crossover_activity"} <= set(
        document
    )
    assert document["chip"] == "small-16"
    assert document["network"] == [40, 30, 20, 5]
    assert (document["timesteps"], document["batch"]) == (12, 4)
    points = document["points"]
    assert [point["activity"] for point in points] == [0.02, 0.5], "ascending"
    chip = load_chip("small-16")
    for point in points:
        assert set(point) >= ISSUE_POINT_KEYS
        assert point["match"] is True
        assert isinstance(point["dropped_spikes"], int)
        assert point["dropped_spikes"] == sum(point["dropped_spikes_per_layer"])
        assert len(point["dropped_spikes_per_layer"]) == 4
        assert point["speedup"] == pytest.approx(
            point["sparse_samples_per_s"] / point["dense_samples_per_s"]
        )
        for form in ("sparse", "dense"):
            run = point[form]
            assert set(run) == FORM_KEYS
            assert run["match"] is True
            assert run["samples_per_s"] == point[f"{form}_samples_per_s"]
            assert run["samples_per_s"] == pytest.approx(4 / (run["cycles"] / chip.clock_hz))
            assert run["max_abs_error"] < 1e-5
            assert run["plan"]["cores"] <= chip.cores
            per_step, rest = run["per_step_cycles"], run["rest_cycles"]
            for kind in ("compute", "exchange", "sync"):
                assert per_step[kind] > 0
                assert per_step[kind] * STEPS + rest[kind] == pytest.approx(run[f"{kind}_cycles"])
            assert (run["forward_step_cycles"] + run["backward_step_cycles"]) / 2 == (
                pytest.approx(sum(per_step.values()))
            )
    assert points[0]["cap"] == pytest.approx(0.04)
    assert points[1]["cap"] == 1.0
    # The dense program is compiled once: the same plan and cycles at every activity.
    assert points[0]["dense"]["plan"] == points[1]["dense"]["plan"]
    assert points[0]["dense"]["cycles"] == points[1]["dense"]["cycles"]


def test_drops_are_reported(document: dict[str, Any]) -> None:
    dropping, holding = document["points"]
    assert dropping["dropped_spikes"] > 0
    assert dropping["forms_agree"] is None
    assert dropping["forms_max_abs_difference"] is None
    assert holding["dropped_spikes"] == 0
    assert holding["forms_agree"] is True
    assert holding["forms_max_abs_difference"] < 1e-5


def test_crossover_in_json_follows_speedups(document: dict[str, Any]) -> None:
    points = document["points"]
    expected = crossover(
        [point["activity"] for point in points], [point["speedup"] for point in points]
    )
    assert document["crossover_activity"] == expected.activity


def test_table() -> None:
    result = bench("--activity", "0.05,0.1", "--cap-factor", "1")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("t10-bench snn on small-16 (16 cores")
    assert "network [40, 30, 20, 5], T = 12, batch 4" in lines[0]
    assert lines[1].startswith("dense plan: ")
    assert all(line.startswith("sparse plan (cap ") for line in lines[2:4])
    header = next(index for index, line in enumerate(lines) if line.lstrip().startswith("activity"))
    for column in ("sparse samples/s", "dense samples/s", "speedup", "dropped", "match"):
        assert column in lines[header]
    rows = [line.split() for line in lines[header + 1 : header + 3]]
    assert [row[0] for row in rows] == ["0.05", "0.1"]
    assert all(row[-1] == "yes" for row in rows)
    for row in rows:
        sparse_rate, dense_rate = (float(cell.replace(",", "")) for cell in row[2:4])
        assert float(row[4].removesuffix("x")) == pytest.approx(sparse_rate / dense_rate, 0.01)
    assert any(line.startswith("dropped at activity ") for line in lines), "lists of 5 %"
    assert any(line.startswith("crossover: ") for line in lines)
    assert lines[-1].startswith("time: compile ")


def test_mismatch_exits_1(monkeypatch: pytest.MonkeyPatch) -> None:
    real_reference = t10_bench_snn.run_reference

    def shifted_loss(*args: Any) -> list[Any]:
        outputs = real_reference(*args)
        return [np.asarray(outputs[0]) + np.float32(1.0), *outputs[1:]]

    monkeypatch.setattr(t10_bench_snn, "run_reference", shifted_loss)
    result = bench("--activity", "0.1")
    assert result.exit_code == 1, result.output
    assert "MISMATCH at activity 0.1" in result.stdout
    row = next(line for line in result.stdout.splitlines() if line.lstrip().startswith("0.1 "))
    assert row.split()[-1] == "NO"


def test_compare() -> None:
    weights = np.ones((2, 3), np.float32)
    close = weights + np.float32(2**-20)
    count = np.array(3, np.int32)
    assert compare([weights, count], [close, count]) == (2**-20, True)
    assert compare([weights], [weights * np.float32(1.001)])[1] is False
    assert compare([count], [np.array(2, np.int32)]) == (0.0, False), "counts must be exact"


def test_crossover_not_extrapolated() -> None:
    assert crossover([0.01, 0.05, 0.1], [4.0, 3.0, 1.5]) == Crossover(
        None, "not reached up to 0.1: sparse ahead at every point"
    )
    assert crossover([0.01, 0.05, 0.1], [0.9, 0.5, 0.2]) == Crossover(
        None, "dense ahead already at 0.01, the lowest activity measured"
    )


def test_crossover_interpolates_log_speedup() -> None:
    # log 2 down to log 0.5 crosses zero half way; unsorted input is sorted first.
    found = crossover([0.1, 0.01, 0.05], [0.5, 8.0, 2.0])
    assert found.activity == pytest.approx(0.075)
    assert found.text == "dense wins from activity 0.075 (between 0.05 and 0.1)"
    # log 8 down to log 0.5: three quarters of the way, not half (a linear speedup).
    assert crossover([0.0, 1.0], [8.0, 0.5]).activity == pytest.approx(0.75)
    # A tie is where dense starts to win; only the first crossing counts.
    assert crossover([0.01, 0.05, 0.1], [4.0, 1.0, 0.5]).activity == pytest.approx(0.05)
    assert crossover([0.01, 0.02, 0.03], [2.0, 0.5, 3.0]).activity == pytest.approx(0.015)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--activity", "0,0.1"), "--activity '0,0.1': 0 is not in (0, 1]"),
        (("--activity", "1.5"), "--activity '1.5': 1.5 is not in (0, 1]"),
        (("--activity", ""), "--activity '': give at least one activity"),
        (("--activity", "0.1,many"), "--activity '0.1,many': 'many' is not a number"),
        (("--sizes", "40"), "--sizes '40': a network needs an input and an output layer"),
        (("--sizes", "40,0,5"), "--sizes '40,0,5': layer 1 has 0 neurons, not >= 1"),
        (("--sizes", "40,x"), "--sizes '40,x': not a comma-separated list of layer sizes"),
        (("--timesteps", "1"), "--timesteps 1: need at least 2"),
        (("--batch", "0"), "--batch 0: need at least 1 sample"),
        (("--cap-factor", "0"), "--cap-factor 0.0: must be positive and finite"),
        (("--learning-rate", "-1"), "--learning-rate: the learning rate must be finite and >= 0"),
        (("--chip", "nope"), "unknown chip preset 'nope'"),
        (
            ("--sizes", "4000,3000,10"),
            "the dense form: no layout of the dense training step [4000, 3000, 10]",
        ),
    ],
)
def test_bad_input_exits_2(args: tuple[str, ...], message: str) -> None:
    result = bench(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"t10-bench: error: {message}")
    assert result.stderr.count("\n") == 1, "one line, no traceback"


def test_dispatch(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as suite_exit:
        main(["--help"])
    assert suite_exit.value.code == 0
    suite_help = capsys.readouterr().out
    assert suite_help.startswith("Usage: t10-bench [OPTIONS] [MODELS]...")
    assert "--pipelines" in suite_help
    assert "t10-bench snn --help" in suite_help
    with pytest.raises(SystemExit) as snn_exit:
        main(["snn", "--help"])
    assert snn_exit.value.code == 0
    snn_help = capsys.readouterr().out
    assert snn_help.startswith("Usage: t10-bench snn [OPTIONS]")
    assert "--activity" in snn_help
    assert "--pipelines" not in snn_help


def test_a_plan_line_names_its_rings() -> None:
    network = SnnNetwork((8, 256, 16, 4), timesteps=4, batch=32, capacities=None)
    plan = price_layout(load_chip("mesh-64"), network, 1, [(4, 1), (8, 1), (1, 1)], rings=[1, 4, 1])
    line = t10_bench_snn.plan_text(plan)
    assert "L1 4 (4 x 1); L2 8 (8 x 1, rings of 4); L3 1 (1 x 1)" in line
