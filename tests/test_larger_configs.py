"""The pure parts of benchmarks/larger_configs.py: point names and the summary maths."""

import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from t10.tools.t10_bench import BenchError


def _load_benchmark() -> ModuleType:
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "larger_configs.py"
    spec = importlib.util.spec_from_file_location("larger_configs", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the class is built.
    sys.modules["larger_configs"] = module
    spec.loader.exec_module(module)
    return module


bench = _load_benchmark()


def _figures(time_us: float | None, match: bool | None = True) -> Any:
    if time_us is None:
        return bench.PipelineFigures(None, None, None, "no plan fits: the smallest needs more")
    return bench.PipelineFigures(time_us, 100.0, match, None)


def _point(
    name: str, t10: float | None, replicate: float | None, vgm: float | None, match: bool = True
) -> Any:
    return bench.PointFigures(
        name,
        name,
        {"t10": _figures(t10, match), "replicate": _figures(replicate), "vgm": _figures(vgm)},
        1.0,
    )


def test_there_are_23_points_with_distinct_names():
    names = [point.name for point in bench.POINTS]
    assert len(names) == 23
    assert len(set(names)) == 23


def test_points_parse_in_the_order_given_without_repeats():
    points = bench.select_points("vit_b8, bert_b4_s128,gpt2_b8_s1024,opt_b4_s512,vit_b8")
    assert [point.name for point in points] == [
        "vit_b8",
        "bert_b4_s128",
        "gpt2_b8_s1024",
        "opt_b4_s512",
    ]
    assert [point.name for point in bench.select_points("nerf_65536,resnet50_b8")] == [
        "nerf_65536",
        "resnet50_b8",
    ]
    assert bench.select_points(None) == list(bench.POINTS)


@pytest.mark.parametrize("text", ["bert_b4", "vit_b8,resnet50_b2", ",", ""])
def test_unknown_points_are_an_error_naming_them(text: str):
    with pytest.raises(BenchError, match="--points"):
        bench.select_points(text)


def test_point_names_say_their_sizes():
    by_name = {point.name: point for point in bench.POINTS}
    assert by_name["bert_b16_s512"].label == "BERT-base layer, batch 16, seq 512"
    assert by_name["nerf_16384"].label == "NeRF MLP, 16,384 points"


RESULTS = [
    _point("a", 100.0, 150.0, 120.0),
    _point("b", 100.0, 200.0, None),
    _point("c", 100.0, None, None),
    _point("d", None, None, None),
    _point("e", 100.0, 90.0, 110.0),
]


def test_speedup_is_over_the_faster_baseline_that_fits():
    assert [result.speedup(("replicate", "vgm")) for result in RESULTS] == [
        1.2,
        2.0,
        None,
        None,
        0.9,
    ]


def test_summary_leaves_out_points_where_no_baseline_fits():
    better = bench.compare(RESULTS, ("replicate", "vgm"))
    assert better.points == 3
    assert better.geomean == pytest.approx(math.prod([1.2, 2.0, 0.9]) ** (1 / 3))
    assert (better.best, better.best_point) == (2.0, "b")

    replicate = bench.compare(RESULTS, ("replicate",))
    assert replicate.points == 3
    assert replicate.geomean == pytest.approx((1.5 * 2.0 * 0.9) ** (1 / 3))

    vgm = bench.compare(RESULTS, ("vgm",))
    assert (vgm.points, vgm.best, vgm.best_point) == (2, 1.2, "a")
    assert vgm.geomean == pytest.approx((1.2 * 1.1) ** 0.5)

    assert bench.compare(RESULTS[2:4], ("replicate", "vgm")).geomean is None


def test_only_t10_fits_and_mismatches_are_reported():
    assert bench.only_t10_fits(RESULTS) == ["c"]
    assert "only t10 fits" in bench.row_line(RESULTS[2])
    mismatched = [*RESULTS, _point("f", 100.0, 110.0, 120.0, match=False)]
    assert [result.matches for result in mismatched][-2:] == [True, False]
    lines = bench.summary_lines(mismatched, 12.0)
    assert "outputs not matching numpy: f" in lines
    assert (
        "t10 over the better baseline: geometric mean "
        f"{(1.2 * 2.0 * 0.9 * 1.1) ** 0.25:.2f}x, best 2.00x (b), over 4 points where it fits"
        in lines
    )
    assert "only t10 fits: c" in lines
    assert "no pipeline fits: d" in lines
    assert bench.row_line(RESULTS[3]).split()[-3:] == ["-", "-", "1"]


def test_every_output_matching_counts_the_points_a_pipeline_fits():
    assert bench.summary_lines(RESULTS, 1.0)[-2] == (
        "every output matches numpy on the 4 points a pipeline fits"
    )
