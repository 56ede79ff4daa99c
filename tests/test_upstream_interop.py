"""IR that upstream MLIR reads: the input and the output of every stage of every pipeline,
printed in generic form, parse in ``iree-opt --allow-unregistered-dialect`` (an
``mlir-opt`` of LLVM 24 from the ONNX extra), as do t10's own dialects' examples."""

import subprocess
import sys
import tempfile
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.printer import Printer

from t10.models.bert import BertConfig, bert_encoder
from t10.models.gpt import GptConfig, gpt_decoder
from t10.passes.compile import CompilePass
from t10.passes.snn_lower import SnnLowerPass
from t10.tools.t10_opt import LocatingParser, T10OptMain

IREE_OPT = Path(sys.executable).parent / "iree-opt"
ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
DIALECT_TESTS = ROOT / "filecheck" / "dialects"

pytestmark = pytest.mark.skipif(
    not IREE_OPT.exists(),
    reason="iree-opt is not installed: the ONNX extra provides it (pip install -e '.[onnx]')",
)

TINY_BERT = BertConfig(layers=1, batch=2, seq=8, hidden=32, heads=4, ffn=64, dtype="f32")
TINY_GPT = GptConfig(layers=1, batch=2, seq=8, hidden=32, heads=4, ffn=64, dtype="f32")

ONNX_MODELS = ("mlp", "cnn", "encoder", "decoder")
"""The ONNX suite, at its small sizes, imported as ``t10-import`` imports it."""


def from_examples(name: str) -> Callable[[], str]:
    return lambda: (EXAMPLES / f"{name}.mlir").read_text()


def from_onnx(name: str) -> Callable[[], str]:
    def build() -> str:
        pytest.importorskip("onnx", reason="the ONNX extra is not installed")
        pytest.importorskip("iree.compiler", reason="the ONNX extra is not installed")
        from t10.models.onnx_models import build_model
        from t10.tools.t10_import import import_onnx

        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / f"{name}.onnx"
            path.write_bytes(build_model(name).SerializeToString())
            return import_onnx(path)

    return build


MODELS: dict[str, tuple[Callable[[], str], str]] = {
    "small_cnn": (from_examples("small_cnn"), "small-16"),
    "mlp": (from_examples("mlp"), "mesh-64"),
    "bert_layer": (lambda: bert_encoder(TINY_BERT), "small-16"),
    "gpt_layer": (lambda: gpt_decoder(TINY_GPT), "small-16"),
    **{f"onnx_{name}": (from_onnx(name), "small-16") for name in ONNX_MODELS},
}
"""Each model's text and the chip it is compiled for."""

CASES = [(model, "t10") for model in MODELS] + [("mlp", "replicate"), ("mlp", "vgm")]


def upstream_errors(text: str) -> str:
    """What ``iree-opt`` says against ``text``: nothing when it parses and verifies."""
    completed = subprocess.run(
        [IREE_OPT, "--allow-unregistered-dialect", "-o", "/dev/null"],
        input=text,
        capture_output=True,
        text=True,
    )
    return "" if completed.returncode == 0 else completed.stderr or "iree-opt failed"


def generic(module: ModuleOp) -> str:
    stream = StringIO()
    Printer(stream=stream, print_generic_format=True).print_op(module)
    return stream.getvalue()


def parse(ctx: Context, text: str, source: str) -> ModuleOp:
    module = LocatingParser(ctx, text, source).parse_module()
    module.verify()
    return module


def staged_outputs(
    ctx: Context, module: ModuleOp, stages: tuple[ModulePass, ...]
) -> dict[str, str]:
    """The generic text of ``module`` as it enters, then after each of ``stages``."""
    outputs = {"input": generic(module)}
    for stage in stages:
        stage.apply(ctx, module)
        module.verify()
        outputs[stage.name] = generic(module)
    return outputs


@pytest.mark.parametrize(("model", "pipeline"), CASES)
def test_every_stage_parses_upstream(model: str, pipeline: str) -> None:
    build, chip = MODELS[model]
    ctx = T10OptMain(args=[]).ctx
    module = parse(ctx, build(), model)
    stages = CompilePass(chip=chip, top_k=3, pipeline=pipeline).stages()
    outputs = staged_outputs(ctx, module, stages)
    assert list(outputs) == [
        "input",
        "t10-canonicalize",
        "t10-partition",
        "t10-select-plans",
        "t10-insert-shifts",
        "t10-lower-to-tile",
    ]
    assert "shift.schedule" in outputs["t10-insert-shifts"]
    assert "tile.program" in outputs["t10-lower-to-tile"]
    for stage, text in outputs.items():
        assert upstream_errors(text) == "", f"{model}, {pipeline}: the {stage} IR"


def test_reduce_scatter_is_covered_and_parses_upstream() -> None:
    """The small CNN's conv sums partial results across cores: its shift IR holds a
    ``shift.reduce_scatter``, whose cuts print as a dense array upstream reads."""
    ctx = T10OptMain(args=[]).ctx
    module = parse(ctx, from_examples("small_cnn")(), "small_cnn")
    stages = CompilePass(chip="small-16", top_k=3, to_tile=False).stages()
    shifted = staged_outputs(ctx, module, stages)["t10-insert-shifts"]
    scatters = [line for line in shifted.splitlines() if '"shift.reduce_scatter"' in line]
    assert scatters
    assert all("<{scatter = array<i64: " in line for line in scatters)
    assert upstream_errors(shifted) == ""


def test_upstream_rejects_xdsl_integers() -> None:
    """What the check guards against: xDSL's ``IntAttr`` syntax is not MLIR."""
    text = '"test.op"() {scatter = [#builtin.int<2>, #builtin.int<1>]} : () -> ()\n'
    assert "dialect 'builtin' provides no attribute parsing hook" in upstream_errors(text)


@pytest.mark.parametrize(
    "path",
    [
        EXAMPLES / "matmul_plan.mlir",
        EXAMPLES / "matmul_shift.mlir",
        EXAMPLES / "matmul_tile.mlir",
        DIALECT_TESTS / "rtensor" / "ops.mlir",
        DIALECT_TESTS / "rtensor" / "pad.mlir",
        DIALECT_TESTS / "rtensor" / "multi-result.mlir",
        DIALECT_TESTS / "shift" / "ops.mlir",
        DIALECT_TESTS / "snn" / "ops.mlir",
        DIALECT_TESTS / "tile" / "place.mlir",
        DIALECT_TESTS / "tile" / "groups.mlir",
        DIALECT_TESTS / "tile" / "padding.mlir",
    ],
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_dialect_examples_parse_upstream(path: Path) -> None:
    """Every attribute and type of t10's dialects in generic form (one module per
    ``// -----`` chunk)."""
    ctx = T10OptMain(args=[]).ctx
    for index, chunk in enumerate(path.read_text().split("// -----")):
        text = generic(parse(ctx, chunk, f"{path.name} chunk {index}"))
        assert upstream_errors(text) == "", f"{path.name}, chunk {index}"


def test_snn_lowering_parses_upstream() -> None:
    ctx = T10OptMain(args=[]).ctx
    source = ROOT / "filecheck" / "passes" / "t10-snn-lower" / "tiny.mlir"
    module = parse(ctx, source.read_text(), source.name)
    outputs = staged_outputs(ctx, module, (SnnLowerPass(chip="small-16"),))
    assert "tile.fanin" in outputs["t10-snn-lower"]
    for stage, text in outputs.items():
        assert upstream_errors(text) == "", f"the {stage} IR"
