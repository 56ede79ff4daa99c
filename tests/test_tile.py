"""The tile dialect's helpers: exchange patterns and block layouts as the simulator reads them."""

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from xdsl.context import Context
from xdsl.dialects.arith import Arith
from xdsl.dialects.builtin import Builtin, ModuleOp, f16, f32
from xdsl.ir import SSAValue
from xdsl.ir.affine import AffineMap
from xdsl.parser import Parser
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.test_value import create_ssa_value

from t10.dialects.linalg_ext import LinalgExtended
from t10.dialects.tile import (
    AllocOp,
    BlockLayoutAttr,
    BufferType,
    ComputeOp,
    ExchangeOp,
    HostReadOp,
    HostWriteOp,
    PlaceAttr,
    ProgramOp,
    RelayoutOp,
    ReturnOp,
    RotatePatternAttr,
    SyncOp,
    Tile,
    TransfersPatternAttr,
)

MATMUL = Path(__file__).parent.parent / "examples" / "matmul_tile.mlir"


def parse(text: str) -> ModuleOp:
    context = Context()
    for dialect in (Builtin, Arith, LinalgExtended, Tile):
        context.load_dialect(dialect)
    module = Parser(context, text).parse_module()
    module.verify()
    return module


def test_rotate_sends_pace_positions_round_each_ring():
    pattern = RotatePatternAttr(grid=[2, 4], axis=1, ring=2, pace=1)
    expected = [[0, 1], [1, 0], [2, 3], [3, 2], [4, 5], [5, 4], [6, 7], [7, 6]]
    np.testing.assert_array_equal(pattern.transfers(), expected)
    full_ring = RotatePatternAttr(grid=[2, 3], axis=1, ring=3, pace=2)
    np.testing.assert_array_equal(full_ring.transfers()[:, 1], [2, 0, 1, 5, 3, 4])
    assert full_ring.core_count() == 6


def test_rotate_along_the_outer_axis():
    pattern = RotatePatternAttr(grid=[4, 2], axis=0, ring=4, pace=1)
    np.testing.assert_array_equal(pattern.transfers()[:, 1], [2, 3, 4, 5, 6, 7, 0, 1])


def test_rotate_rejects_a_pace_sharing_a_factor_with_the_ring():
    with pytest.raises(VerifyException, match="pace 2 must lie in"):
        RotatePatternAttr(grid=[4], axis=0, ring=4, pace=2)


def test_explicit_transfers():
    pattern = TransfersPatternAttr([(0, 3), (3, 0), (1, 1)])
    transfers = pattern.transfers()
    assert transfers.shape == (3, 2)
    np.testing.assert_array_equal(transfers, [[0, 3], [3, 0], [1, 1]])
    assert pattern.core_count() == 4


def test_block_layout_with_skew():
    layout = BlockLayoutAttr(grid=[2, 2], split=[[[0]], [[1, 0]]])
    np.testing.assert_array_equal(layout.block_indices(), [[0, 0], [0, 1], [1, 1], [1, 0]])
    np.testing.assert_array_equal(layout.block_origins([4, 6]), [[0, 0], [0, 3], [2, 3], [2, 0]])
    assert layout.block_shape([4, 6]) == (2, 3)


def test_block_layout_mixed_radix_and_replication():
    layout = BlockLayoutAttr(grid=[3, 2, 2], split=[[[2], [1]], []])
    assert layout.block_counts() == (4, 1)
    np.testing.assert_array_equal(layout.block_indices()[:, 0], [0, 2, 1, 3] * 3)
    np.testing.assert_array_equal(layout.block_indices()[:, 1], [0] * 12)


def test_buffer_bytes():
    assert BufferType([8, 184], f16).byte_size() == 8 * 184 * 2
    assert BufferType([3], f32).byte_size() == 12


def run(program: ProgramOp, inputs: list[npt.NDArray[np.float32]]) -> list[npt.NDArray[np.float32]]:
    """Execute the straight-line ops of the example program on every core with numpy."""
    buffers: dict[SSAValue, npt.NDArray[np.float32]] = {}
    host: dict[SSAValue, npt.NDArray[np.float32]] = dict(
        zip(program.body.block.args, inputs, strict=True)
    )
    cores = program.cores.value.data
    for op in program.body.block.ops:
        if isinstance(op, AllocOp):
            buffers[op.buffer] = np.zeros((cores, *op.buffer.type.get_shape()), np.float32)
        elif isinstance(op, HostWriteOp):
            tensor, block = host[op.tensor], buffers[op.dest].shape[1:]
            assert isinstance(op.layout, BlockLayoutAttr)
            for core, origin in enumerate(op.layout.block_origins(tensor.shape)):
                window = tuple(
                    slice(start, start + size) for start, size in zip(origin, block, strict=True)
                )
                buffers[op.dest][core] = tensor[window]
        elif isinstance(op, HostReadOp):
            result = np.full(op.tensor.type.get_shape(), np.nan, np.float32)
            block = buffers[op.source].shape[1:]
            for core, origin in enumerate(op.layout.block_origins(result.shape)):
                window = tuple(
                    slice(start, start + size) for start, size in zip(origin, block, strict=True)
                )
                result[window] = buffers[op.source][core]
            host[op.tensor] = result
        elif isinstance(op, ComputeOp):
            terminator = op.body.block.last_op
            assert terminator is not None and terminator.prev_op is not None
            if terminator.prev_op.name == "linalg.fill":
                buffers[op.outputs[0]][:] = 0
            else:
                assert terminator.prev_op.name == "linalg.matmul"
                left, right = (buffers[buffer] for buffer in op.inputs)
                buffers[op.outputs[0]] += left @ right
        elif isinstance(op, ExchangeOp):
            sources, destinations = op.transfers().T
            buffers[op.dest][destinations] = buffers[op.source][sources]
        elif isinstance(op, ReturnOp):
            return [host[value] for value in op.values]
        else:
            assert isinstance(op, SyncOp)
    raise AssertionError("program has no tile.return")


def test_matmul_example_computes_the_product():
    (program,) = parse(MATMUL.read_text()).ops
    assert isinstance(program, ProgramOp)
    rng = np.random.default_rng(0)
    a = rng.standard_normal((128, 64)).astype(np.float32)
    b = rng.standard_normal((64, 96)).astype(np.float32)
    (c,) = run(program, [a, b])
    np.testing.assert_allclose(c, a @ b, rtol=1e-4, atol=1e-4)


def test_exchange_bytes_per_core():
    (program,) = parse(MATMUL.read_text()).ops
    assert isinstance(program, ProgramOp)
    exchanges = [op for op in program.walk() if isinstance(op, ExchangeOp)]
    assert [op.bytes_per_core() for op in exchanges] == [1024, 1536, 1536]


def test_relayout_built_in_python_prints_its_shape_as_integers():
    rows = PlaceAttr(AffineMap.identity(2), [8, 6], [4, 1])
    quarters = PlaceAttr(AffineMap.identity(2), [8, 6], [2, 2])
    source = create_ssa_value(BufferType([2, 6], f32))
    dest = create_ssa_value(BufferType([4, 3], f32))
    relayout = RelayoutOp([source], [rows], [dest], [quarters], [8, 6])
    assert relayout.tensor_shape() == (8, 6)
    assert " of [8, 6] : " in str(relayout)
