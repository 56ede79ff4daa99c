"""``t10-partition``: frontier attributes on every structured operator, top-k spreading, errors."""

import itertools

import pytest
from xdsl.dialects.builtin import (
    ArrayAttr,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    StringAttr,
    i64,
)
from xdsl.parser import Parser
from xdsl.utils.exceptions import PassFailedException

from t10.dialects.rtensor import OpPlanAttr
from t10.hwmodel.chip import load_chip
from t10.passes.iteration_space import iteration_space
from t10.passes.partition import (
    FRONTIER_ATTR,
    FRONTIER_COST_ATTR,
    LOOPS_ATTR,
    OP_CLASS_ATTR,
    PartitionPass,
    is_structured,
    spread_plans,
    structured_ops,
)
from t10.passes.plan_search import Plan, search_plans
from t10.tools.t10_opt import LocatingParser, T10OptMain

CTX = T10OptMain(args=[]).ctx

MATMUL = """
func.func @matmul(%a: tensor<64x128xf16>, %b: tensor<128x96xf16>) -> tensor<64x96xf16> {
  %zero = arith.constant 0.0 : f16
  %empty = tensor.empty() : tensor<64x96xf16>
  %acc = linalg.fill ins(%zero : f16) outs(%empty : tensor<64x96xf16>) -> tensor<64x96xf16>
  %r = linalg.matmul ins(%a, %b : tensor<64x128xf16>, tensor<128x96xf16>)
                     outs(%acc : tensor<64x96xf16>) -> tensor<64x96xf16>
  func.return %r : tensor<64x96xf16>
}
"""

TOO_BIG = """
!big = tensor<4096x4096xf16>
func.func @big(%a: !big, %b: !big, %c: !big) -> !big {
  %r = linalg.matmul ins(%a, %b : !big, !big) outs(%c : !big) -> !big
  func.return %r : !big
}
"""


def _plans(count: int) -> list[Plan]:
    return [
        Plan(
            op_factors=(16,),
            temporal_factors=((1,),),
            loop_order=(),
            compute_steps=1,
            compute_cycles=1000 - index,
            shift_cycles=0,
            sync_cycles=0,
            reduce_cycles=0,
            cycles=1000 - index,
            bytes_per_core=100 + index,
        )
        for index in range(count)
    ]


@pytest.mark.parametrize("top_k", [0, 8, 9, 100])
def test_spread_keeps_the_whole_frontier_for_zero_or_a_large_k(top_k: int):
    plans = _plans(8)
    assert spread_plans(plans, top_k) == tuple(plans)


def test_spread_takes_evenly_spaced_positions():
    plans = _plans(8)
    assert spread_plans(plans, 2) == (plans[0], plans[7])
    assert spread_plans(plans, 3) == (plans[0], plans[4], plans[7])
    assert spread_plans(plans, 4) == (plans[0], plans[2], plans[5], plans[7])


@pytest.mark.parametrize("count", range(2, 12))
def test_spread_never_repeats_and_keeps_both_ends(count: int):
    plans = _plans(count)
    for top_k in range(2, count + 1):
        spread = spread_plans(plans, top_k)
        positions = [plans.index(plan) for plan in spread]
        assert len(spread) == top_k
        assert positions[0] == 0 and positions[-1] == count - 1
        assert all(a < b for a, b in itertools.pairwise(positions))


def test_structured_ops_are_the_ones_with_loops_and_maps():
    module = Parser(CTX, MATMUL).parse_module()
    assert [op.name for op in structured_ops(module)] == ["linalg.fill", "linalg.matmul"]
    assert not any(
        is_structured(op)
        for op in module.walk()
        if op.name in ("arith.constant", "tensor.empty", "func.return")
    )


def test_attributes_hold_the_planner_frontier():
    module = Parser(CTX, MATMUL).parse_module()
    PartitionPass(chip="small-16").apply(CTX, module)
    chip = load_chip("small-16")
    for op in structured_ops(module):
        result = search_plans(iteration_space(op), chip)
        loops = op.attributes[LOOPS_ATTR]
        assert isinstance(loops, DenseArrayBase)
        assert tuple(loops.get_values()) == result.space.loop_extents
        assert op.attributes[OP_CLASS_ATTR] == StringAttr(result.space.op_class.value)
        frontier = op.attributes[FRONTIER_ATTR]
        assert isinstance(frontier, ArrayAttr)
        assert list(frontier.data) == [plan.to_attr() for plan in result.frontier]
        assert all(isinstance(plan, OpPlanAttr) for plan in frontier.data)
        cost = op.attributes[FRONTIER_COST_ATTR]
        assert isinstance(cost, DenseIntOrFPElementsAttr)
        assert cost.get_shape() == (len(result.frontier), 2)
        assert list(cost.get_values()) == [
            value for plan in result.frontier for value in (plan.bytes_per_core, plan.cycles)
        ]
    fill, matmul = structured_ops(module)
    assert fill.attributes[OP_CLASS_ATTR] == StringAttr("data_movement")
    assert matmul.attributes[OP_CLASS_ATTR] == StringAttr("contraction")
    assert matmul.attributes[LOOPS_ATTR] == DenseArrayBase.from_list(i64, [64, 96, 128])


def test_top_k_keeps_smallest_and_fastest():
    module = Parser(CTX, MATMUL).parse_module()
    PartitionPass(chip="small-16", top_k=2).apply(CTX, module)
    matmul = list(structured_ops(module))[1]
    result = search_plans(iteration_space(matmul), load_chip("small-16"))
    assert len(result.frontier) > 2
    assert matmul.attributes[FRONTIER_ATTR] == ArrayAttr(
        [result.smallest.to_attr(), result.fastest.to_attr()]
    )


@pytest.mark.parametrize("top_k", [1, -3])
def test_top_k_of_one_or_negative_fails(top_k: int):
    module = Parser(CTX, MATMUL).parse_module()
    with pytest.raises(PassFailedException, match=rf"top-k must be 0 .* got {top_k}$"):
        PartitionPass(chip="small-16", top_k=top_k).apply(CTX, module)


def test_unknown_chip_fails_with_the_chip_error():
    module = Parser(CTX, MATMUL).parse_module()
    with pytest.raises(PassFailedException, match=r"^unknown chip preset 'small-61'"):
        PartitionPass(chip="small-61").apply(CTX, module)


def test_unplannable_op_is_reported_at_its_location():
    module = LocatingParser(CTX, TOO_BIG, "model.mlir").parse_module()
    with pytest.raises(PassFailedException) as caught:
        PartitionPass(chip="small-16").apply(CTX, module)
    assert str(caught.value) == (
        "model.mlir:4:3: error: cannot plan linalg.matmul: no plan fits: the smallest needs "
        "8388608 bytes per core, small-16 has 65536"
    )


def test_unplannable_op_without_location_is_named():
    module = Parser(CTX, TOO_BIG).parse_module()
    with pytest.raises(PassFailedException, match=r"^cannot plan linalg\.matmul: no plan fits"):
        PartitionPass(chip="small-16").apply(CTX, module)
