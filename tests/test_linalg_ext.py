"""The linalg ops t10 adds describe their iteration space as upstream defines it."""

from io import StringIO

import pytest
from xdsl.context import Context
from xdsl.dialects import arith, builtin, func, math
from xdsl.dialects.builtin import (
    AffineMapAttr,
    ArrayAttr,
    DenseIntElementsAttr,
    ModuleOp,
    TensorType,
    f32,
    i1,
    i8,
    i32,
    i64,
)
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.ir import Operation
from xdsl.ir.affine import AffineMap
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.test_value import create_ssa_value

from t10.dialects.linalg_ext import (
    BatchMatmulOp,
    BatchMatvecOp,
    Conv1DNwcWcfOp,
    DepthwiseConv2DNhwcHwcOp,
    DotOp,
    ElementwiseKind,
    ElementwiseOp,
    LinalgExtended,
    MatmulOp,
    MatvecOp,
    PoolingNchwSumOp,
    ReduceOp,
    SoftmaxOp,
    VecmatOp,
)


def tensor(*shape: int, element_type: builtin.AnyFloat | builtin.IntegerType = f32):
    return create_ssa_value(TensorType(element_type, shape))


def maps(*texts: str) -> list[AffineMap]:
    """Affine maps from their textual form, e.g. ``"(d0, d1) -> (d1)"``."""
    parsed = [Parser(Context(), f"affine_map<{text}>").parse_attribute() for text in texts]
    assert all(isinstance(map_attr, AffineMapAttr) for map_attr in parsed)
    return [map_attr.data for map_attr in parsed if isinstance(map_attr, AffineMapAttr)]


def indexing_maps(op: LinalgStructuredOperation | SoftmaxOp) -> list[AffineMap]:
    return [map_attr.data for map_attr in op.get_indexing_maps()]


def iterators(op: LinalgStructuredOperation | SoftmaxOp) -> list[str]:
    return [str(iterator.data) for iterator in op.get_iterator_types()]


def parse(text: str) -> ModuleOp:
    context = Context()
    for dialect in (builtin.Builtin, func.Func, arith.Arith, math.Math, LinalgExtended):
        context.load_dialect(dialect)
    module = Parser(context, text).parse_module()
    module.verify()
    return module


def print_op(op: Operation, generic: bool = False) -> str:
    stream = StringIO()
    Printer(stream=stream, print_generic_format=generic).print_op(op)
    return stream.getvalue()


def body_op_names(op: LinalgStructuredOperation) -> list[str]:
    return [body_op.name for body_op in op.body.block.ops]


def test_batch_matmul_loops_and_maps():
    op = BatchMatmulOp([tensor(2, 128, 64), tensor(2, 64, 32)], [tensor(2, 128, 32)])
    op.verify()
    assert op.get_static_loop_ranges() == (2, 128, 32, 64)
    assert iterators(op) == ["parallel", "parallel", "parallel", "reduction"]
    assert indexing_maps(op) == maps(
        "(d0, d1, d2, d3) -> (d0, d1, d3)",
        "(d0, d1, d2, d3) -> (d0, d3, d2)",
        "(d0, d1, d2, d3) -> (d0, d1, d2)",
    )
    assert body_op_names(op) == ["arith.mulf", "arith.addf", "linalg.yield"]
    assert [result.type for result in op.results] == [TensorType(f32, (2, 128, 32))]


def test_batch_matmul_with_transposed_rhs_reads_its_maps():
    transposed = ArrayAttr(
        AffineMapAttr(map_)
        for map_ in maps(
            "(d0, d1, d2, d3) -> (d0, d1, d3)",
            "(d0, d1, d2, d3) -> (d0, d2, d3)",
            "(d0, d1, d2, d3) -> (d0, d1, d2)",
        )
    )
    op = BatchMatmulOp(
        [tensor(2, 128, 64), tensor(2, 32, 64)],
        [tensor(2, 128, 32)],
        properties={"indexing_maps": transposed},
    )
    op.verify()
    assert op.get_static_loop_ranges() == (2, 128, 32, 64)
    assert op.get_indexing_maps() == transposed


@pytest.mark.parametrize(
    ("op", "loop_ranges", "loop_kinds", "expected_maps"),
    [
        (
            MatvecOp([tensor(8, 16), tensor(16)], [tensor(8)]),
            (8, 16),
            ["parallel", "reduction"],
            ["(d0, d1) -> (d0, d1)", "(d0, d1) -> (d1)", "(d0, d1) -> (d0)"],
        ),
        (
            VecmatOp([tensor(8), tensor(8, 16)], [tensor(16)]),
            (16, 8),
            ["parallel", "reduction"],
            ["(d0, d1) -> (d1)", "(d0, d1) -> (d1, d0)", "(d0, d1) -> (d0)"],
        ),
        (
            DotOp([tensor(16), tensor(16)], [tensor()]),
            (16,),
            ["reduction"],
            ["(d0) -> (d0)", "(d0) -> (d0)", "(d0) -> ()"],
        ),
        (
            BatchMatvecOp([tensor(2, 8, 16), tensor(2, 16)], [tensor(2, 8)]),
            (2, 8, 16),
            ["parallel", "parallel", "reduction"],
            [
                "(d0, d1, d2) -> (d0, d1, d2)",
                "(d0, d1, d2) -> (d0, d2)",
                "(d0, d1, d2) -> (d0, d1)",
            ],
        ),
        (
            MatmulOp([tensor(8, 16), tensor(16, 4)], [tensor(8, 4)]),
            (8, 4, 16),
            ["parallel", "parallel", "reduction"],
            [
                "(d0, d1, d2) -> (d0, d2)",
                "(d0, d1, d2) -> (d2, d1)",
                "(d0, d1, d2) -> (d0, d1)",
            ],
        ),
    ],
    ids=["matvec", "vecmat", "dot", "batch_matvec", "matmul"],
)
def test_contraction_loops_and_maps(
    op: LinalgStructuredOperation,
    loop_ranges: tuple[int, ...],
    loop_kinds: list[str],
    expected_maps: list[str],
):
    op.verify()
    assert op.get_static_loop_ranges() == loop_ranges
    assert iterators(op) == loop_kinds
    assert indexing_maps(op) == maps(*expected_maps)


def test_convolution_maps_follow_strides_and_dilations():
    strides = DenseIntElementsAttr.from_list(TensorType(i64, (2,)), [4, 3])
    dilations = DenseIntElementsAttr.from_list(TensorType(i64, (2,)), [2, 2])
    op = DepthwiseConv2DNhwcHwcOp(
        [tensor(1, 33, 33, 8), tensor(3, 3, 8)],
        [tensor(1, 8, 8, 8)],
        properties={"strides": strides, "dilations": dilations},
    )
    op.verify()
    assert op.get_static_loop_ranges() == (1, 8, 8, 8, 3, 3)
    assert iterators(op) == ["parallel"] * 4 + ["reduction"] * 2
    assert indexing_maps(op) == maps(
        "(d0, d1, d2, d3, d4, d5) -> (d0, d1 * 4 + d4 * 2, d2 * 3 + d5 * 2, d3)",
        "(d0, d1, d2, d3, d4, d5) -> (d4, d5, d3)",
        "(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)",
    )


def test_window_ops_default_to_unit_steps():
    conv = Conv1DNwcWcfOp([tensor(1, 18, 4), tensor(3, 4, 8)], [tensor(1, 16, 8)])
    pool = PoolingNchwSumOp([tensor(1, 8, 18, 18), tensor(3, 3)], [tensor(1, 8, 16, 16)])
    conv.verify()
    pool.verify()
    assert conv.get_static_loop_ranges() == (1, 16, 8, 3, 4)
    assert indexing_maps(conv)[0] == maps("(d0, d1, d2, d3, d4) -> (d0, d1 + d3, d4)")[0]
    assert (
        indexing_maps(pool)[0] == maps("(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d4, d3 + d5)")[0]
    )
    assert body_op_names(pool) == ["arith.addf", "linalg.yield"]


def test_elementwise_broadcast_maps_and_body():
    row_maps = ArrayAttr(
        AffineMapAttr(map_)
        for map_ in maps("(d0, d1) -> (d0, d1)", "(d0, d1) -> (d1)", "(d0, d1) -> (d0, d1)")
    )
    op = ElementwiseOp(ElementwiseKind.ADD, [tensor(4, 8), tensor(8)], [tensor(4, 8)], row_maps)
    op.verify()
    assert op.get_static_loop_ranges() == (4, 8)
    assert iterators(op) == ["parallel", "parallel"]
    assert op.get_indexing_maps() == row_maps
    assert body_op_names(op) == ["arith.addf", "linalg.yield"]


def test_elementwise_defaults_to_identity_maps():
    op = ElementwiseOp(
        ElementwiseKind.SELECT, [tensor(4, element_type=i1), tensor(4), tensor(4)], [tensor(4)]
    )
    op.verify()
    assert indexing_maps(op) == [AffineMap.identity(1)] * 4
    assert body_op_names(op) == ["arith.select", "linalg.yield"]


def test_elementwise_rejects_a_kind_its_elements_lack():
    with pytest.raises(VerifyException, match="kind exp needs floating-point elements"):
        ElementwiseOp(
            ElementwiseKind.EXP, [tensor(4, element_type=i32)], [tensor(4, element_type=i32)]
        )


def test_unsigned_matmul_widens_unsigned():
    module = parse(
        """
        func.func @f(%a: tensor<8x16xi8>, %b: tensor<16x4xi8>, %c: tensor<8x4xi32>) {
          %0 = linalg.matmul {cast = #linalg.type_fn<cast_unsigned>}
            ins(%a, %b : tensor<8x16xi8>, tensor<16x4xi8>)
            outs(%c : tensor<8x4xi32>) -> tensor<8x4xi32>
          func.return
        }
        """
    )
    (matmul,) = [op for op in module.walk() if isinstance(op, MatmulOp)]
    assert body_op_names(matmul) == [
        "arith.extui",
        "arith.extui",
        "arith.muli",
        "arith.addi",
        "linalg.yield",
    ]
    assert matmul.body.block.args[0].type == i8


TRANSPOSED_B_MATMUL = """
func.func @f(%a: tensor<8x16xf32>, %bt: tensor<4x16xf32>, %c: tensor<8x4xf32>) {
  %0 = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                      affine_map<(m, n, k) -> (n, k)>,
                                      affine_map<(m, n, k) -> (m, n)>]
    ins(%a, %bt : tensor<8x16xf32>, tensor<4x16xf32>)
    outs(%c : tensor<8x4xf32>) -> tensor<8x4xf32>
  func.return
}
"""


@pytest.mark.parametrize("generic", [False, True], ids=["custom", "generic"])
def test_transposed_b_matmul_keeps_its_maps_through_print_and_parse(generic: bool):
    expected = maps(
        "(d0, d1, d2) -> (d0, d2)",
        "(d0, d1, d2) -> (d1, d2)",
        "(d0, d1, d2) -> (d0, d1)",
    )
    module = parse(TRANSPOSED_B_MATMUL)
    reparsed = parse(print_op(module, generic))
    for candidate in (module, reparsed):
        (matmul,) = [op for op in candidate.walk() if isinstance(op, MatmulOp)]
        assert indexing_maps(matmul) == expected
        assert matmul.get_static_loop_ranges() == (8, 4, 16)
    printed = print_op(reparsed)
    assert "linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>" in printed


def test_default_matmul_maps_are_not_printed():
    op = MatmulOp([tensor(8, 16), tensor(16, 4)], [tensor(8, 4)])
    assert "indexing_maps" not in print_op(op)


def test_softmax_describes_its_loops_for_the_planner():
    op = SoftmaxOp(tensor(2, 4, 8), tensor(2, 4, 8), dimension=2)
    op.verify()
    assert op.get_num_loops() == 3
    assert op.get_static_loop_ranges() == (2, 4, 8)
    assert iterators(op) == ["parallel", "parallel", "reduction"]
    assert indexing_maps(op) == [AffineMap.identity(3)] * 2


def test_softmax_rejects_a_dimension_outside_its_rank():
    op = SoftmaxOp(tensor(4, 8), tensor(4, 8), dimension=2)
    with pytest.raises(VerifyException, match="incorrect dimension specified"):
        op.verify()


def test_reduce_short_form_combines_init_with_input():
    module = parse(
        """
        func.func @f(%x: tensor<4x8xf32>, %init: tensor<4xf32>) {
          %0 = linalg.reduce { arith.maximumf }
            ins(%x : tensor<4x8xf32>) outs(%init : tensor<4xf32>) dimensions = [1]
          func.return
        }
        """
    )
    (reduce,) = [op for op in module.walk() if isinstance(op, ReduceOp)]
    combiner, _ = reduce.body.block.ops
    in_arg, init_arg = reduce.body.block.args
    assert isinstance(combiner, arith.MaximumfOp)
    assert tuple(combiner.operands) == (init_arg, in_arg)
