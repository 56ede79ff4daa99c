"""The shift dialect's helpers and whole-schedule rules, on the matmul example."""

from pathlib import Path

import pytest
from xdsl.context import Context
from xdsl.dialects.builtin import Builtin, IntegerAttr, ModuleOp, f16, f32, i64
from xdsl.dialects.test import Test
from xdsl.parser import Parser
from xdsl.utils.exceptions import DiagnosticException, VerifyException

from t10.dialects.linalg_ext import LinalgExtended
from t10.dialects.rtensor import DistributedTensorType, LayoutAttr, RTensor
from t10.dialects.shift import (
    LoopOp,
    PieceType,
    RotateOp,
    ScheduleOp,
    Shift,
    SkewOp,
    partial_sums,
    reduce_scattered_type,
)

MATMUL = Path(__file__).parent.parent / "examples" / "matmul_shift.mlir"


def parse(text: str) -> ModuleOp:
    context = Context()
    for dialect in (Builtin, Test, LinalgExtended, RTensor, Shift):
        context.load_dialect(dialect)
    return Parser(context, text).parse_module()


def test_piece_bytes():
    assert PieceType([16, 32], f16).byte_size() == 1024
    assert PieceType([3, 5], f32).byte_size() == 60
    assert PieceType([2, 4], f32).tensor_type().get_shape() == (2, 4)


def test_matmul_example_verifies_and_reports_bytes_moved():
    module = parse(MATMUL.read_text())
    module.verify()
    rotations = [op for op in module.walk() if isinstance(op, RotateOp)]
    assert [op.bytes_per_core() for op in rotations] == [16 * 32 * 2, 16 * 48 * 2]
    skews = [op for op in module.walk() if isinstance(op, SkewOp)]
    assert [op.bytes_per_core() for op in skews] == [1024, 1536]
    (schedule,) = [op for op in module.walk() if isinstance(op, ScheduleOp)]
    assert schedule.plan.compute_steps() == 2


def test_changing_the_loop_count_breaks_the_schedule():
    module = parse(MATMUL.read_text())
    (loop,) = [op for op in module.walk() if isinstance(op, LoopOp)]
    loop.count = IntegerAttr(3, i64)
    with pytest.raises(DiagnosticException, match="rotates 3 times per pass over loop 0"):
        module.verify()


def test_reduce_scattered_type_cuts_the_partial_sums_along_loops():
    (schedule,) = [op for op in parse(MATMUL.read_text()).walk() if isinstance(op, ScheduleOp)]
    outs_type = schedule.distributed_types()[2]
    with_partials = DistributedTensorType(
        outs_type.get_shape(),
        outs_type.get_element_type(),
        LayoutAttr((4, 2, 2), outs_type.layout.map.data),
    )
    assert partial_sums(outs_type) == 1
    assert partial_sums(with_partials) == 2
    scattered = reduce_scattered_type(with_partials, (1, 2, 1))
    assert scattered.layout.temporal_factors() == (1, 2, 1)
    assert scattered.layout.ring_count() == 1
    with pytest.raises(VerifyException, match="temporal factor 2 on loop 2"):
        reduce_scattered_type(with_partials, (1, 1, 2))
    with pytest.raises(VerifyException, match=r"cuts \[2, 2, 1\] make 4 chunks"):
        reduce_scattered_type(with_partials, (2, 2, 1))
