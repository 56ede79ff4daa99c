"""The rtensor dialect's Python API: layout accessors, plan accessors, rule checks."""

import pytest
from xdsl.context import Context
from xdsl.dialects.builtin import Builtin, TensorType, f32
from xdsl.dialects.linalg.ops import MatmulOp
from xdsl.ir import Block, Region
from xdsl.ir.affine import AffineDimExpr, AffineMap
from xdsl.parser import Parser
from xdsl.utils.exceptions import ParseError, VerifyException
from xdsl.utils.test_value import create_ssa_value

from t10.dialects.rtensor import (
    ComputeOp,
    DistributedTensorType,
    LayoutAttr,
    OpPlanAttr,
    RTensor,
    YieldOp,
    check_plan,
    idle_parts,
    spatial_split_allowed,
    tensor_dim_loops,
)

M, N, K = (AffineDimExpr(loop) for loop in range(3))
MATMUL_MAPS = (
    AffineMap(3, 0, (M, K)),
    AffineMap(3, 0, (K, N)),
    AffineMap(3, 0, (M, N)),
)
# A 128x64x96 matmul (loops m=128, n=96, k=64) on a [4, 2, 2] grid: A and B
# rotate along k, B along n too.
MATMUL_PLAN = OpPlanAttr([4, 2, 2], [[1, 1, 2], [1, 2, 2], [1, 1, 1]])
MATMUL_EXTENTS = (128, 96, 64)
MATMUL_SHAPES = ((128, 64), (64, 96), (128, 96))


def parse_attribute(text: str):
    context = Context()
    context.load_dialect(Builtin)
    context.load_dialect(RTensor)
    return Parser(context, text).parse_attribute()


def test_matmul_layout_accessors():
    a_layout = MATMUL_PLAN.layout_for(0, MATMUL_MAPS[0])
    assert a_layout.grid_shape() == (4, 2, 2)
    assert a_layout.used_loops() == (0, 2)
    assert a_layout.spatial_factors() == (4, 2)
    assert a_layout.replication() == 2
    assert a_layout.ring_count() == 1
    assert a_layout.cores() == 16
    assert a_layout.piece_shape((128, 64)) == (32, 32)
    assert a_layout.rotating_piece_shape((128, 64)) == (32, 16)

    b_layout = MATMUL_PLAN.layout_for(1, MATMUL_MAPS[1])
    assert b_layout.spatial_factors() == (2, 2)
    assert b_layout.replication() == 4
    assert b_layout.ring_count() == 1
    assert b_layout.piece_shape((64, 96)) == (32, 48)
    assert b_layout.rotating_piece_shape((64, 96)) == (16, 24)

    c_layout = MATMUL_PLAN.layout_for(2, MATMUL_MAPS[2])
    assert c_layout.replication() == 2
    assert c_layout.ring_count() == 2
    assert c_layout.rotating_piece_shape((128, 96)) == (32, 48)


def test_piece_shapes_round_up():
    layout = LayoutAttr([3, 2, 2], AffineMap(3, 0, (M, N)), temporal=[2, 1, 1])
    assert layout.piece_shape((10, 7)) == (4, 4)
    assert layout.rotating_piece_shape((10, 7)) == (2, 4)


def test_plan_accessors():
    assert MATMUL_PLAN.loop_factors() == (4, 2, 2)
    assert MATMUL_PLAN.operand_temporal(1) == (1, 2, 2)
    assert MATMUL_PLAN.operand_pace(1) == (1, 1, 1)
    assert MATMUL_PLAN.compute_steps() == 4
    assert MATMUL_PLAN.layout_for(1, MATMUL_MAPS[1]) == LayoutAttr(
        [4, 2, 2], MATMUL_MAPS[1], temporal=[1, 2, 2]
    )
    paced = OpPlanAttr([1, 4], [[1, 4], [1, 1]], pace=[[1, 3], [1, 1]])
    assert paced.compute_steps() == 4
    assert paced.operand_pace(0) == (1, 3)


def test_conv_sliding_window():
    n, _, oh, ow, c, kh, kw = (AffineDimExpr(loop) for loop in range(7))
    input_map = AffineMap(7, 0, (n, c, oh + kh, ow * 2 + kw))
    assert tensor_dim_loops(input_map) == ((0,), (4,), (2, 5), (3, 6))
    layout = LayoutAttr([1, 2, 2, 1, 1, 1, 1], input_map, temporal=[1, 1, 1, 1, 2, 1, 1])
    assert layout.spatial_factors() == (1, 1, 2, 1)
    assert layout.used_loops() == (0, 2, 3, 4, 5, 6)
    assert layout.replication() == 2
    assert layout.ring_count() == 1
    # Loops (n, _, oh, ow, c, kh, kw) = (1, 1, 8, 10, 4, 3, 3) read a 1x4x10x21
    # input. A core's 4 output rows read 4 + 3 - 1 = 6 input rows (the halo).
    loops = (1, 1, 8, 10, 4, 3, 3)
    assert layout.piece_shape((1, 4, 10, 21), loops) == (1, 4, 6, 21)
    assert layout.rotating_piece_shape((1, 4, 10, 21), loops) == (1, 2, 6, 21)
    # Two steps along oh: each reads 2 output rows' window of 4 input rows.
    assert layout.step_shape((1, 4, 10, 21), loops, (1, 1, 2, 1, 2, 1, 1)) == (1, 2, 4, 21)
    with pytest.raises(ValueError, match=r"dimension 2 of map .* is a strided or sliding window"):
        layout.piece_shape((1, 4, 10, 21))
    with pytest.raises(VerifyException, match="window loop 5 of dimension 2 has grid factor 2"):
        LayoutAttr([1, 1, 2, 1, 1, 2, 1], input_map)


def test_broadcast_dim_is_not_split():
    layout = LayoutAttr([4, 2], AffineMap(2, 0, (AffineMap.constant_map(0).results[0], N)))
    assert layout.spatial_factors() == (1, 2)
    assert layout.replication() == 4
    assert layout.piece_shape((1, 8)) == (1, 4)


def test_check_plan_accepts_the_rotating_matmul_plan():
    check_plan(MATMUL_PLAN, MATMUL_MAPS, MATMUL_EXTENTS, MATMUL_SHAPES)


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        (
            OpPlanAttr([256, 2, 2], [[1, 1, 1]] * 3),
            "op factor 256 of loop 0 exceeds its extent 128",
        ),
        (
            OpPlanAttr([4, 2, 2], [[1, 1, 4], [1, 1, 1], [1, 1, 1]]),
            r"operand 0: temporal factors \[1, 1, 4\] \(product 4\) do not divide "
            r"the replication count 2",
        ),
        (
            OpPlanAttr([4, 2, 2], [[1, 1, 1], [1, 1, 1], [1, 1, 2]]),
            "operand 2: temporal factor 2 on loop 2",
        ),
        (
            OpPlanAttr([4, 2, 48], [[1, 1, 1]] * 3),
            "operand 0: dimension 1 of extent 64 split 48 ways into pieces of 2",
        ),
    ],
)
def test_check_plan_names_the_broken_rule(plan: OpPlanAttr, message: str):
    with pytest.raises(VerifyException, match=message):
        check_plan(plan, MATMUL_MAPS, MATMUL_EXTENTS, MATMUL_SHAPES)


def test_text_round_trip_omits_unit_factors():
    layout = parse_attribute(
        "#rtensor.layout<grid = [4, 2], map = (i, j) -> (i), temporal = [1, 1], pace = [1, 1]>"
    )
    assert layout == LayoutAttr([4, 2], AffineMap(2, 0, (M,)))
    assert str(layout) == "#rtensor.layout<grid = [4, 2], map = (d0, d1) -> (d0)>"
    plan = parse_attribute(
        "#rtensor.plan<op_factors = [1, 4], temporal = [[1, 4]], pace = [[1, 3]]>"
    )
    assert plan == OpPlanAttr([1, 4], [[1, 4]], pace=[[1, 3]])
    tensor_type = parse_attribute(
        "!rtensor.tensor<8x4xf32, #rtensor.layout<grid = [2], map = (i) -> (i, 0)>>"
    )
    assert isinstance(tensor_type, DistributedTensorType)
    assert tensor_type.get_shape() == (8, 4)
    assert tensor_type.get_element_type() == f32
    assert tensor_type.host_type() == TensorType(f32, (8, 4))


def test_tensor_type_wants_a_layout():
    with pytest.raises(ParseError, match="expected an #rtensor\\.layout"):
        parse_attribute("!rtensor.tensor<4xf32, #rtensor.plan<op_factors = [1], temporal = [[1]]>>")


def test_compute_op_built_from_python_verifies():
    operand_types = [
        DistributedTensorType(shape, f32, MATMUL_PLAN.layout_for(index, indexing_map))
        for index, (shape, indexing_map) in enumerate(zip(MATMUL_SHAPES, MATMUL_MAPS, strict=True))
    ]
    block = Block(arg_types=[operand_type.host_type() for operand_type in operand_types])
    matmul = MatmulOp(block.args[:2], block.args[2:], [block.args[2].type])
    block.add_ops([matmul, YieldOp(matmul.results[0])])
    operands = [create_ssa_value(operand_type) for operand_type in operand_types]
    compute = ComputeOp(MATMUL_PLAN, operands[:2], operands[2:], Region(block))
    compute.verify()
    assert compute.structured_op() is matmul
    assert compute.results[0].type == operand_types[2]


def test_check_plan_bounds_padding_on_loops_no_tensor_dim_splits():
    """A loop that splits no tensor dim (here loop 1) still may not leave a core all padding
    beyond the bound: 4 split 3 ways pads it to 6 (50 % over); 45 split 16 ways pads it to
    48 (under 10 % over), one idle core, and is a valid plan."""
    reads_loop_0 = AffineMap.from_callable(lambda i, j: (i,))
    with pytest.raises(
        VerifyException,
        match=r"loop 1 of extent 4 split 3 ways into pieces of 2 leaves 1 core entirely "
        r"padding and pads it to 6, more than 10 % over its extent",
    ):
        check_plan(OpPlanAttr((2, 3), ((1, 1), (1, 1))), [reads_loop_0] * 2, (4, 4), [(4,), (4,)])
    check_plan(OpPlanAttr((2, 16), ((1, 1), (1, 1))), [reads_loop_0] * 2, (4, 45), [(4,), (4,)])


@pytest.mark.parametrize(
    ("extent", "factor", "idle", "allowed"),
    [
        (5, 4, 1, False),  # 8 parts' worth: 60 % over
        (45, 16, 1, True),  # 48: 6.7 % over
        (20, 11, 1, True),  # pieces of 2, 22: exactly 10 % over
        (18, 10, 1, False),  # pieces of 2, 20: 11 % over
        (128, 14, 1, True),  # 140: 9.4 % over
        (4096, 1472, 106, True),  # pieces of 3: 4416, 7.8 % over
        (12, 5, 1, False),  # pieces of 3: the fifth is empty, 25 % over
        (3, 2, 0, True),  # pieces of 2 and 1: 33 % over, but no core idle
    ],
)
def test_spatial_split_bound(extent: int, factor: int, idle: int, allowed: bool):
    assert idle_parts(extent, factor) == idle
    assert spatial_split_allowed(extent, factor) == allowed
