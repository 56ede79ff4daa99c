"""Never slower: wherever a baseline fits, t10's plan runs at least as fast as the
baseline's. t10's search holds every plan of either baseline (``replicate`` takes
each operator's fastest non-rotating plan blind to its neighbours; ``vgm`` parks every
tensor and loads it for each operator, again without rotation), and its whole-model
choice prices the relayouts between operators that ``replicate`` ignores and ``vgm``
pays in full: so t10's planner never predicts more cycles than theirs, and its
simulated program must not take more either.

The points are small transformer, NeRF and ResNet models from the builders, and the
checked-in MLP and CNN, on an all-to-all chip (``small-16``) and a mesh (``mesh-64``),
each run by every pipeline with ``t10-bench``'s own functions."""

from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

import pytest

from t10.models.bert import BERT_LARGE, bert_encoder
from t10.models.gpt import OPT_1_3B, gpt_decoder
from t10.models.nerf import NERF, nerf_mlp
from t10.models.resnet import ResNetConfig, resnet
from t10.models.vit import VitConfig, vit
from t10.tools.t10_bench import BASELINES, load_model, run_pipeline
from t10.tools.t10_run import RunReport

EXAMPLES = Path(__file__).parent.parent / "examples"

BUILDERS = {
    "gpt": lambda batch: gpt_decoder(
        replace(OPT_1_3B, batch=batch, seq=16, hidden=64, heads=4, ffn=256)
    ),
    "bert": lambda batch: bert_encoder(
        replace(BERT_LARGE, layers=1, batch=batch, seq=16, hidden=64, heads=4, ffn=256, dtype="f16")
    ),
    "vit": lambda batch: vit(
        VitConfig(batch=batch, image=32, patch=8, hidden=64, heads=4, ffn=256)
    ),
    "nerf": lambda batch: nerf_mlp(replace(NERF, batch=64 * batch, width=64, colour_width=32)),
    "resnet": lambda batch: resnet(
        ResNetConfig(batch=batch, image=32, width=8, blocks=(1, 1), classes=10)
    ),
}
"""Small models at a batch: a decoder and an encoder layer, a ViT layer, the NeRF MLP
on 64 points per batch, a two-stage ResNet."""


class Point(NamedTuple):
    model: str
    batch: int
    chip: str


POINTS = [
    *(Point(model, 1, "small-16") for model in BUILDERS),
    *(Point(model, 4, "small-16") for model in ("gpt", "nerf")),
    *(Point(model, 1, "mesh-64") for model in BUILDERS),
    Point("mlp", 0, "mesh-64"),
    Point("small_cnn", 0, "small-16"),
]
"""A batch of 0 names a checked-in example, run as it is."""

SLOWER_WHERE_PRICES_DISAGREE = {
    Point("resnet", 1, "mesh-64"): (
        "t10 plans s1b0_c2_conv 151 cycles dearer than replicate does, to save on the "
        "relayout into s1b0_c2, which the planner prices 299 cycles dearer after "
        "replicate's plan than it simulates (a copy replicate's program never makes: which "
        "piece a core holds depends on skews the plan search does not see); and, as on "
        "small-16, replicate's program copies nothing into the classifier (logits, same "
        "plan: 219 cycles less): predicted 165 cycles faster, simulated 353 slower (43,951 "
        "against 43,598)"
    ),
    Point("resnet", 1, "small-16"): (
        "t10 and replicate take the same plan for the classifier (logits); the planner "
        "prices the relayout into it at 101 cycles and a sync on both sides, but in "
        "replicate's program every core already holds its part (which piece a core holds "
        "depends on skews the plan search does not see): predicted 65 cycles faster, "
        "simulated 153 slower (45,522 against 45,369)"
    ),
    Point("nerf", 1, "mesh-64"): (
        "t10 splits colour_proj over 8x4x2 cores where replicate takes 4x8x2, predicted 23 "
        "cycles cheaper in all; the relayout of its result into colour_proj.2 is priced at "
        "988 cycles after either plan, but simulates to 870 after t10's and 575 after "
        "replicate's (which piece a core holds depends on skews the plan search does not "
        "see): predicted 23 cycles faster, simulated 273 slower (59,905 against 59,632)"
    ),
}
"""Points where the simulated program of t10's choice is slower than a baseline's
although its planner predicts it faster: the planner's prices and the simulator's
cycles disagree there by more than the predicted margin (measured again when the plan
search began pricing a mesh's hops, which fixed three other points, and when it began
pricing an output that accumulates into another operator's result, which moved NeRF's
gap from 768 cycles to 273)."""


def _marked(point: Point) -> object:
    reason = SLOWER_WHERE_PRICES_DISAGREE.get(point)
    if reason is None:
        return point
    return pytest.param(point, marks=pytest.mark.xfail(strict=True, reason=reason))


def _model_path(point: Point, directory: Path) -> Path:
    if point.batch == 0:
        return EXAMPLES / f"{point.model}.mlir"
    path = directory / f"{point.model}_b{point.batch}.mlir"
    path.write_text(BUILDERS[point.model](point.batch))
    return path


class Runs:
    """Every pipeline's run of each point, made once and shared by the tests."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.reports: dict[Point, dict[str, RunReport]] = {}

    def __call__(self, point: Point) -> dict[str, RunReport]:
        if point not in self.reports:
            self.reports[point] = self._run(point)
        return self.reports[point]

    def _run(self, point: Point) -> dict[str, RunReport]:
        model = load_model(_model_path(point, self.directory))
        reports: dict[str, RunReport] = {}
        for pipeline in ("t10", *BASELINES):
            outcome = run_pipeline(model, point.chip, pipeline, 1.0, 0)
            if outcome.report is not None:
                assert outcome.report.match, (point, pipeline)
                reports[pipeline] = outcome.report
        assert "t10" in reports, f"t10 fits every point: {point}"
        assert set(reports) - {"t10"}, f"a baseline fits every point: {point}"
        return reports


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    return Runs(tmp_path_factory.mktemp("never_slower"))


def _point_id(point: Point) -> str:
    return f"{point.model}-b{point.batch}-{point.chip}"


@pytest.mark.parametrize("point", POINTS, ids=_point_id)
def test_planner_predicts_t10_never_slower(point: Point, runs: Runs) -> None:
    """t10's search holds the baselines' plans, so its predicted cycles are never more."""
    reports = runs(point)
    for baseline in BASELINES:
        if baseline in reports:
            assert reports["t10"].predicted_cycles <= reports[baseline].predicted_cycles, (
                f"t10's planner predicts {reports['t10'].predicted_cycles} cycles, {baseline}'s "
                f"{reports[baseline].predicted_cycles}: its search missed a plan the baseline found"
            )


@pytest.mark.parametrize("point", [_marked(point) for point in POINTS], ids=_point_id)
def test_t10_simulates_never_slower(point: Point, runs: Runs) -> None:
    reports = runs(point)
    t10 = reports["t10"]
    for baseline in BASELINES:
        if baseline in reports:
            other = reports[baseline]
            assert t10.result.cycles <= other.result.cycles, (
                f"t10 simulates to {t10.result.cycles:.1f} cycles, {baseline} to "
                f"{other.result.cycles:.1f}"
            )
