"""Element types beyond f16/bf16/f32 in the chip model: sizes, and integer contractions
priced on the vector units."""

from dataclasses import replace

import numpy as np
import pytest
from xdsl.dialects import func

from t10.hwmodel import cost
from t10.hwmodel.chip import StreamRate, load_chip
from t10.hwmodel.work import OpClass, operator_work
from t10.passes.iteration_space import iteration_space
from t10.passes.plan_search import search_plans
from t10.tools.t10_opt import LocatingParser, T10OptMain

CTX = T10OptMain(args=[]).ctx

I8_MATMUL = """
func.func @f(%a: tensor<32x64xi8>, %b: tensor<64x48xi8>, %c: tensor<32x48xi32>)
    -> tensor<32x48xi32> {
  %r = linalg.matmul ins(%a, %b : tensor<32x64xi8>, tensor<64x48xi8>)
                     outs(%c : tensor<32x48xi32>) -> tensor<32x48xi32>
  func.return %r : tensor<32x48xi32>
}
"""


def structured_op(text: str):
    module = LocatingParser(CTX, text, "f.mlir").parse_module()
    function = next(op for op in module.walk() if isinstance(op, func.FuncOp))
    return next(op for op in function.walk() if op.name.startswith("linalg."))


@pytest.mark.parametrize("chip_name", ["ipu-mk2", "small-16", "mesh-64"])
def test_every_preset_sizes_integers_booleans_and_indices(chip_name: str):
    chip = load_chip(chip_name)
    sizes = {dtype: chip.bytes_per_element(dtype) for dtype in ("i1", "i8", "i16", "i32", "i64")}
    assert sizes == {"i1": 1, "i8": 1, "i16": 2, "i32": 4, "i64": 8}
    assert chip.bytes_per_element("index") == 8


def test_operands_keep_their_own_element_types():
    work = operator_work(structured_op(I8_MATMUL))
    assert [access.element_type for access in work.operands] == ["i8", "i8", "i32"]
    assert work.element_type == "i32"


def test_integer_contraction_runs_on_the_vector_units():
    """No [compute.matmul.i32] on an IPU: an i8 x i8 -> i32 matmul is priced as an
    elementwise pass and a reduction over its iteration points (here on small-16 with a
    reduction, 0.25 cycles a element + 100, cheaper than its elementwise 0.5 + 300)."""
    small = load_chip("small-16")
    chip = replace(small, compute=replace(small.compute, reduction=StreamRate(0.25, 100)))
    work = operator_work(structured_op(I8_MATMUL))
    assert work.op_class == OpClass.CONTRACTION
    assert not chip.has_matmul_rate("i32")
    extents = np.array([[8, 16, 32]])
    # 8 x 16 x 32 = 4096 points: (0.5 x 4096 + 300) + (0.25 x 4096 + 100) = 2348 + 1124.
    assert cost.step_compute_cycles(chip, work, extents)[0] == 2348 + 1124


def test_integer_matmul_plans_price_each_operand_by_its_own_size():
    """The i8 operands take a byte an element, the i32 output four: the same matmul on
    i32 operands needs more bytes per core for every plan of the i8 one's frontier."""
    chip = load_chip("small-16")
    narrow = search_plans(iteration_space(structured_op(I8_MATMUL)), chip)
    wide = search_plans(iteration_space(structured_op(I8_MATMUL.replace("xi8>", "xi32>"))), chip)
    wide_bytes = {
        (plan.op_factors, plan.temporal_factors): plan.bytes_per_core for plan in wide.frontier
    }
    shared = [
        plan for plan in narrow.frontier if (plan.op_factors, plan.temporal_factors) in wide_bytes
    ]
    assert shared
    for plan in shared:
        assert plan.bytes_per_core < wide_bytes[(plan.op_factors, plan.temporal_factors)]
