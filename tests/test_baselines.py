"""The baselines of ``t10-compile{pipeline=...}`` on a model that only rotation fits."""

from pathlib import Path

import pytest
from xdsl.utils.exceptions import PassFailedException

from t10.passes.compile import CompilePass
from t10.passes.select_plans import SELECTION_ATTR
from t10.tools.t10_opt import LocatingParser, T10OptMain

CTX = T10OptMain(args=[]).ctx


@pytest.fixture(scope="module")
def opt_batch_8_seq_512() -> str:
    return (Path(__file__).parent.parent / "examples" / "opt_1_3b_layer_b8_s512.mlir").read_text()


def test_opt_layer_at_batch_8_fits_only_with_rotation(opt_batch_8_seq_512: str):
    module = LocatingParser(CTX, opt_batch_8_seq_512, "opt.mlir").parse_module()
    CompilePass(chip="ipu-mk2", to_tile=False).apply(CTX, module)
    assert any(SELECTION_ATTR in op.attributes for op in module.walk())
    for pipeline in ("replicate", "vgm"):
        module = LocatingParser(CTX, opt_batch_8_seq_512, "opt.mlir").parse_module()
        with pytest.raises(PassFailedException, match="no plan fits: the smallest needs"):
            CompilePass(chip="ipu-mk2", to_tile=False, pipeline=pipeline).apply(CTX, module)
