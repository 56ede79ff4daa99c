"""Any structured op on tensors plans, lowers and simulates to the numpy reference.

Small hand-written programs, one per kind of op front ends emit, each compiled by
every pipeline (``t10``, ``replicate``, ``vgm``) on small-16 *without*
``t10-canonicalize`` (the planner must take them as written), lowered to tile,
verified, simulated and compared with the numpy reference: fills read as data,
multi-result generics (an arg-max, two elementwise outputs, a sum and a max),
``linalg.index``, integer/index/i1 types with compares, selects and casts,
``math`` ops, pooling, a reduction of several inputs, transpose/broadcast/copy as
operators, results returned directly, rank-0 tensors read and written. What still
cannot be planned fails with a located error naming the op.
"""

from __future__ import annotations

import numpy as np
import pytest
from xdsl.dialects import func
from xdsl.dialects.builtin import DenseArrayBase, ModuleOp, TensorType, i64
from xdsl.utils.exceptions import PassFailedException

from t10.dialects import tile
from t10.dialects.rtensor import OpPlanAttr
from t10.hwmodel.chip import load_chip
from t10.passes.compile import PIPELINES, CompilePass
from t10.passes.insert_shifts import InsertShiftsPass
from t10.passes.lower_to_tile import LowerToTilePass
from t10.passes.partition import PartitionPass
from t10.passes.select_plans import LOOP_ORDER_ATTR, PLAN_ATTR, SelectPlansPass
from t10.runtime.reference import random_inputs, run_reference
from t10.runtime.simulator import simulate
from t10.tools.t10_opt import LocatingParser, T10OptMain

CTX = T10OptMain(args=[]).ctx
CHIP = "small-16"

MLP_MAX = """
func.func @mlp(%x: tensor<16x64xf32>, %w1: tensor<64x64xf32> {t10.weight},
               %w2: tensor<64x32xf32> {t10.weight}) -> tensor<16x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x64xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<16x64xf32>) -> tensor<16x64xf32>
  %h = linalg.matmul ins(%x, %w1 : tensor<16x64xf32>, tensor<64x64xf32>)
                     outs(%acc : tensor<16x64xf32>) -> tensor<16x64xf32>
  %r = linalg.max ins(%h, %acc : tensor<16x64xf32>, tensor<16x64xf32>)
                  outs(%e : tensor<16x64xf32>) -> tensor<16x64xf32>
  %e2 = tensor.empty() : tensor<16x32xf32>
  %acc2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<16x32xf32>) -> tensor<16x32xf32>
  %y = linalg.matmul ins(%r, %w2 : tensor<16x64xf32>, tensor<64x32xf32>)
                     outs(%acc2 : tensor<16x32xf32>) -> tensor<16x32xf32>
  func.return %y : tensor<16x32xf32>
}
"""

CONV_MAX = """
func.func @conv(%x: tensor<1x4x10x10xf32>, %w: tensor<8x4x3x3xf32> {t10.weight})
    -> tensor<1x8x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x8x8x8xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>,
                                 strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x4x10x10xf32>, tensor<8x4x3x3xf32>)
      outs(%acc : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  %r = linalg.max ins(%c, %acc : tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32>)
                  outs(%e : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  func.return %r : tensor<1x8x8x8xf32>
}
"""

ARG_MAX = """
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @argmax(%x: tensor<32x64xf32>) -> (tensor<32xf32>, tensor<32xi64>) {
  %ninf = arith.constant 0xFF800000 : f32
  %z = arith.constant 0 : i64
  %e = tensor.empty() : tensor<32xf32>
  %ei = tensor.empty() : tensor<32xi64>
  %m0 = linalg.fill ins(%ninf : f32) outs(%e : tensor<32xf32>) -> tensor<32xf32>
  %i0 = linalg.fill ins(%z : i64) outs(%ei : tensor<32xi64>) -> tensor<32xi64>
  %m, %i = linalg.generic {indexing_maps = [#id, #row, #row],
                           iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<32x64xf32>) outs(%m0, %i0 : tensor<32xf32>, tensor<32xi64>) {
  ^bb0(%v: f32, %best: f32, %at: i64):
    %j = linalg.index 1 : index
    %ji = arith.index_cast %j : index to i64
    %gt = arith.cmpf ogt, %v, %best : f32
    %nb = arith.select %gt, %v, %best : f32
    %ni = arith.select %gt, %ji, %at : i64
    linalg.yield %nb, %ni : f32, i64
  } -> tensor<32xf32>, tensor<32xi64>
  func.return %m, %i : tensor<32xf32>, tensor<32xi64>
}
"""

TWO_OUTPUTS = """
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @two(%a: tensor<32x64xf32>, %b: tensor<32x64xf32>)
    -> (tensor<32x64xf32>, tensor<32x64xf32>) {
  %e = tensor.empty() : tensor<32x64xf32>
  %s, %d = linalg.generic {indexing_maps = [#id, #id, #id, #id],
                           iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<32x64xf32>, tensor<32x64xf32>)
      outs(%e, %e : tensor<32x64xf32>, tensor<32x64xf32>) {
  ^bb0(%x: f32, %y: f32, %o1: f32, %o2: f32):
    %p = arith.addf %x, %y : f32
    %q = arith.subf %x, %y : f32
    linalg.yield %p, %q : f32, f32
  } -> tensor<32x64xf32>, tensor<32x64xf32>
  func.return %s, %d : tensor<32x64xf32>, tensor<32x64xf32>
}
"""

SUM_AND_MAX = """
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @summax(%x: tensor<16x2048xf32>) -> (tensor<16xf32>, tensor<16xf32>) {
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16xf32>
  %m0 = linalg.fill ins(%ninf : f32) outs(%e : tensor<16xf32>) -> tensor<16xf32>
  %s0 = linalg.fill ins(%zero : f32) outs(%e : tensor<16xf32>) -> tensor<16xf32>
  %s, %m = linalg.generic {indexing_maps = [#id, #row, #row],
                           iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<16x2048xf32>) outs(%s0, %m0 : tensor<16xf32>, tensor<16xf32>) {
  ^bb0(%v: f32, %acc: f32, %best: f32):
    %a = arith.addf %acc, %v : f32
    %b = arith.maximumf %best, %v : f32
    linalg.yield %a, %b : f32, f32
  } -> tensor<16xf32>, tensor<16xf32>
  func.return %s, %m : tensor<16xf32>, tensor<16xf32>
}
"""

CAUSAL_MASK = """
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @causal(%s: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %low = arith.constant -1.0e9 : f32
  %e = tensor.empty() : tensor<64x64xf32>
  %m = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%s : tensor<64x64xf32>) outs(%e : tensor<64x64xf32>) {
  ^bb0(%v: f32, %o: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %later = arith.cmpi ugt, %j, %i : index
    %r = arith.select %later, %low, %v : f32
    linalg.yield %r : f32
  } -> tensor<64x64xf32>
  func.return %m : tensor<64x64xf32>
}
"""

INTEGERS = """
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @ints(%a: tensor<32x64xi32>, %b: tensor<32x64xi32>, %f: tensor<32x64xf32>,
                %n: tensor<32x64xi16>)
    -> (tensor<32x64xi32>, tensor<32x64xi1>, tensor<32x64xi8>, tensor<32x64xindex>) {
  %e = tensor.empty() : tensor<32x64xi32>
  %e1 = tensor.empty() : tensor<32x64xi1>
  %e8 = tensor.empty() : tensor<32x64xi8>
  %ex = tensor.empty() : tensor<32x64xindex>
  %s = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<32x64xi32>, tensor<32x64xi32>) outs(%e : tensor<32x64xi32>) {
  ^bb0(%x: i32, %y: i32, %o: i32):
    %p = arith.addi %x, %y : i32
    linalg.yield %p : i32
  } -> tensor<32x64xi32>
  %c = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%f : tensor<32x64xf32>) outs(%e1 : tensor<32x64xi1>) {
  ^bb0(%x: f32, %o: i1):
    %zero = arith.constant 0.0 : f32
    %p = arith.cmpf ogt, %x, %zero : f32
    linalg.yield %p : i1
  } -> tensor<32x64xi1>
  %t = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%s, %c : tensor<32x64xi32>, tensor<32x64xi1>) outs(%e8 : tensor<32x64xi8>) {
  ^bb0(%x: i32, %keep: i1, %o: i8):
    %narrow = arith.trunci %x : i32 to i8
    %none = arith.constant 0 : i8
    %p = arith.select %keep, %narrow, %none : i8
    linalg.yield %p : i8
  } -> tensor<32x64xi8>
  %x = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%n : tensor<32x64xi16>) outs(%ex : tensor<32x64xindex>) {
  ^bb0(%v: i16, %o: index):
    %wide = arith.extsi %v : i16 to i64
    %as_index = arith.index_cast %wide : i64 to index
    %j = linalg.index 1 : index
    %p = arith.addi %as_index, %j : index
    linalg.yield %p : index
  } -> tensor<32x64xindex>
  func.return %s, %c, %t, %x
      : tensor<32x64xi32>, tensor<32x64xi1>, tensor<32x64xi8>, tensor<32x64xindex>
}
"""

INTEGER_MATMUL = """
func.func @imatmul(%a: tensor<32x64xi8>, %b: tensor<64x48xi8>) -> tensor<32x48xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<32x48xi32>
  %acc = linalg.fill ins(%zero : i32) outs(%e : tensor<32x48xi32>) -> tensor<32x48xi32>
  %c = linalg.matmul ins(%a, %b : tensor<32x64xi8>, tensor<64x48xi8>)
                     outs(%acc : tensor<32x48xi32>) -> tensor<32x48xi32>
  func.return %c : tensor<32x48xi32>
}
"""

CASTS_AND_MATH = """
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @cm(%a: tensor<32x64xf16>) -> (tensor<32x64xf32>, tensor<32x64xf16>, tensor<32x64xi32>) {
  %e = tensor.empty() : tensor<32x64xf32>
  %eh = tensor.empty() : tensor<32x64xf16>
  %ei = tensor.empty() : tensor<32x64xi32>
  %w = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<32x64xf16>) outs(%e : tensor<32x64xf32>) {
  ^bb0(%x: f16, %o: f32):
    %p = arith.extf %x : f16 to f32
    %one = arith.constant 1.0 : f32
    %two = arith.constant 2.0 : f32
    %q = math.exp %p : f32
    %r = math.erf %p : f32
    %t = math.tanh %r : f32
    %ab = math.absf %p : f32
    %sq = math.sqrt %ab : f32
    %ab1 = arith.addf %ab, %one : f32
    %rs = math.rsqrt %ab1 : f32
    %lg = math.log %ab1 : f32
    %pw = math.powf %ab1, %two : f32
    %s1 = arith.addf %q, %t : f32
    %s2 = arith.addf %s1, %sq : f32
    %s3 = arith.addf %s2, %rs : f32
    %s4 = arith.addf %s3, %lg : f32
    %s5 = arith.addf %s4, %pw : f32
    linalg.yield %s5 : f32
  } -> tensor<32x64xf32>
  %h = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<32x64xf32>) outs(%eh : tensor<32x64xf16>) {
  ^bb0(%x: f32, %o: f16):
    %p = arith.truncf %x : f32 to f16
    linalg.yield %p : f16
  } -> tensor<32x64xf16>
  %i = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<32x64xf32>) outs(%ei : tensor<32x64xi32>) {
  ^bb0(%x: f32, %o: i32):
    %p = arith.fptosi %x : f32 to i32
    %back = arith.sitofp %p : i32 to f32
    %frac = arith.subf %x, %back : f32
    %big = arith.constant 0.5 : f32
    %up = arith.cmpf oge, %frac, %big : f32
    %one = arith.constant 1 : i32
    %bumped = arith.addi %p, %one : i32
    %r = arith.select %up, %bumped, %p : i32
    linalg.yield %r : i32
  } -> tensor<32x64xi32>
  func.return %w, %h, %i : tensor<32x64xf32>, tensor<32x64xf16>, tensor<32x64xi32>
}
"""

POOLING = """
func.func @pool(%x: tensor<1x8x16x16xf32>) -> (tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32>) {
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x8x8x8xf32>
  %w = tensor.empty() : tensor<2x2xf32>
  %m0 = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  %s0 = linalg.fill ins(%zero : f32) outs(%e : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  %m = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>,
                                strides = dense<2> : tensor<2xi64>}
      ins(%x, %w : tensor<1x8x16x16xf32>, tensor<2x2xf32>)
      outs(%m0 : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  %s = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>,
                                strides = dense<2> : tensor<2xi64>}
      ins(%x, %w : tensor<1x8x16x16xf32>, tensor<2x2xf32>)
      outs(%s0 : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  func.return %m, %s : tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32>
}
"""

TWO_INPUT_REDUCTION = """
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @distance(%a: tensor<32x64xf32>, %b: tensor<32x64xf32>) -> tensor<32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<32xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<32xf32>) -> tensor<32xf32>
  %s = linalg.generic {indexing_maps = [#id, #id, #row],
                       iterator_types = ["parallel", "reduction"]}
      ins(%a, %b : tensor<32x64xf32>, tensor<32x64xf32>) outs(%z : tensor<32xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %d = arith.subf %x, %y : f32
    %q = arith.mulf %d, %d : f32
    %r = arith.addf %o, %q : f32
    linalg.yield %r : f32
  } -> tensor<32xf32>
  func.return %s : tensor<32xf32>
}
"""

DATA_MOVEMENT = """
func.func @move(%a: tensor<32x64xf32>, %b: tensor<64xf32>)
    -> (tensor<64x32xf32>, tensor<32x64xf32>, tensor<32x64xf32>) {
  %e = tensor.empty() : tensor<64x32xf32>
  %e2 = tensor.empty() : tensor<32x64xf32>
  %t = linalg.transpose ins(%a : tensor<32x64xf32>) outs(%e : tensor<64x32xf32>)
      permutation = [1, 0]
  %br = linalg.broadcast ins(%b : tensor<64xf32>) outs(%e2 : tensor<32x64xf32>)
      dimensions = [0]
  %c = linalg.copy ins(%a : tensor<32x64xf32>) outs(%e2 : tensor<32x64xf32>)
      -> tensor<32x64xf32>
  func.return %t, %br, %c : tensor<64x32xf32>, tensor<32x64xf32>, tensor<32x64xf32>
}
"""

DIRECT_RESULTS = """
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @direct(%a: tensor<32x64xf32>, %b: tensor<32x64xf32>)
    -> (tensor<32x64xf32>, tensor<32x64xf32>, tensor<32x64xf32>, tensor<32x64xf32>,
        tensor<32x64xi32>) {
  %half = arith.constant 0.5 : f32
  %e = tensor.empty() : tensor<32x64xf32>
  %ei = tensor.empty() : tensor<32x64xi32>
  %f = linalg.fill ins(%half : f32) outs(%e : tensor<32x64xf32>) -> tensor<32x64xf32>
  %s = linalg.add ins(%a, %f : tensor<32x64xf32>, tensor<32x64xf32>)
                  outs(%e : tensor<32x64xf32>) -> tensor<32x64xf32>
  %m = linalg.mul ins(%s, %b : tensor<32x64xf32>, tensor<32x64xf32>)
                  outs(%e : tensor<32x64xf32>) -> tensor<32x64xf32>
  %iota = linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]}
      outs(%ei : tensor<32x64xi32>) {
  ^bb0(%o: i32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %width = arith.constant 64 : index
    %r = arith.muli %i, %width : index
    %k = arith.addi %r, %j : index
    %t = arith.index_cast %k : index to i32
    linalg.yield %t : i32
  } -> tensor<32x64xi32>
  func.return %s, %m, %a, %f, %iota
      : tensor<32x64xf32>, tensor<32x64xf32>, tensor<32x64xf32>, tensor<32x64xf32>,
        tensor<32x64xi32>
}
"""

RANK_ZERO = """
func.func @scaled_sum(%s: tensor<f32>, %x: tensor<64x32xf32>) -> (tensor<64x32xf32>, tensor<f32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x32xf32>
  %scaled = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> ()>,
      affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%s, %x : tensor<f32>, tensor<64x32xf32>) outs(%e : tensor<64x32xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<64x32xf32>
  %e0 = tensor.empty() : tensor<f32>
  %z = linalg.fill ins(%zero : f32) outs(%e0 : tensor<f32>) -> tensor<f32>
  %sum = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
      affine_map<(d0, d1) -> ()>], iterator_types = ["reduction", "reduction"]}
      ins(%scaled : tensor<64x32xf32>) outs(%z : tensor<f32>) {
  ^bb0(%b: f32, %o: f32):
    %t = arith.addf %b, %o : f32
    linalg.yield %t : f32
  } -> tensor<f32>
  func.return %scaled, %sum : tensor<64x32xf32>, tensor<f32>
}
"""

PROGRAMS = {
    "fill read as data (MLP)": MLP_MAX,
    "fill read as data (conv)": CONV_MAX,
    "arg-max": ARG_MAX,
    "two elementwise outputs": TWO_OUTPUTS,
    "sum and max": SUM_AND_MAX,
    "causal mask": CAUSAL_MASK,
    "integers": INTEGERS,
    "integer matmul": INTEGER_MATMUL,
    "casts and math": CASTS_AND_MATH,
    "pooling": POOLING,
    "reduction of two inputs": TWO_INPUT_REDUCTION,
    "data movement": DATA_MOVEMENT,
    "direct results": DIRECT_RESULTS,
    "rank-0 tensors": RANK_ZERO,
}


def parse(text: str) -> ModuleOp:
    module = LocatingParser(CTX, text, "program.mlir").parse_module()
    assert isinstance(module, ModuleOp)
    return module


def compile_module(module: ModuleOp, pipeline: str, memory_fraction: float = 1.0) -> None:
    """Every stage of ``pipeline`` except ``t10-canonicalize``: the planner takes the IR
    as written."""
    stages = CompilePass(chip=CHIP, pipeline=pipeline, memory_fraction=memory_fraction).stages()
    for stage in stages:
        if stage.name != "t10-canonicalize":
            stage.apply(CTX, module)
    module.verify()


def assert_matches(simulated: np.ndarray, expected: np.ndarray, element_type: str) -> None:
    """Integers and booleans exactly; floats within a few roundings of their scale."""
    assert simulated.shape == expected.shape
    if element_type.startswith("i") or element_type == "index":
        np.testing.assert_array_equal(simulated, expected)
        return
    unit = {"f16": 2.0**-11, "bf16": 2.0**-8}.get(element_type, 2.0**-24)
    scale = float(np.abs(expected.astype(np.float64)).max(initial=1.0))
    np.testing.assert_allclose(
        simulated.astype(np.float64), expected.astype(np.float64), rtol=0, atol=64 * unit * scale
    )


def compile_and_run(text: str, pipeline: str, memory_fraction: float = 1.0) -> tile.ProgramOp:
    """``text`` compiled by ``pipeline`` on small-16, simulated and compared output by output
    with the numpy reference; returns the program."""
    module = parse(text)
    function = next(op for op in module.walk() if isinstance(op, func.FuncOp))
    inputs = random_inputs(function, 0)
    expected = run_reference(function, inputs)
    output_types = [
        str(output.get_element_type())
        for output in function.function_type.outputs.data
        if isinstance(output, TensorType)
    ]
    compile_module(module, pipeline, memory_fraction)
    program = next(op for op in module.walk() if isinstance(op, tile.ProgramOp))
    result = simulate(program, load_chip(CHIP), inputs)
    assert len(result.outputs) == len(expected)
    for simulated, wanted, element_type in zip(result.outputs, expected, output_types, strict=True):
        assert_matches(simulated, wanted, element_type)
    return program


@pytest.mark.parametrize("pipeline", PIPELINES)
@pytest.mark.parametrize("program", sorted(PROGRAMS))
def test_program_matches_reference(program: str, pipeline: str):
    compile_and_run(PROGRAMS[program], pipeline)


def test_fill_read_as_data_is_filled_where_each_reader_wants_it():
    """The ReLU's zeros are the matmul's own zero fill: no operator computes them, and
    nothing moves them between cores."""
    module = parse(MLP_MAX)
    PartitionPass(chip=CHIP).apply(CTX, module)
    SelectPlansPass(chip=CHIP).apply(CTX, module)
    InsertShiftsPass().apply(CTX, module)
    names = [op.name for op in module.walk()]
    assert names.count("shift.schedule") == 3
    assert "linalg.fill" not in [
        inner.name for op in module.walk() if op.name == "shift.compute" for inner in op.walk()
    ]
    assert names.count("rtensor.fill") >= 3


def test_arg_max_never_splits_its_reduction():
    """An arg-max's index follows its max: its reduction runs in order on one core, so no
    plan splits the reduced loop over cores or steps, and the index is numpy's argmax."""
    module = parse(ARG_MAX)
    function = next(op for op in module.walk() if isinstance(op, func.FuncOp))
    inputs = random_inputs(function, 0)
    compile_module(module, "t10")
    program = next(op for op in module.walk() if isinstance(op, tile.ProgramOp))
    for compute in program.walk():
        if isinstance(compute, tile.ComputeOp) and compute.steps is not None:
            assert compute.steps.grid_shape()[1] == 1
            assert compute.steps.step_counts()[1] == 1
    result = simulate(program, load_chip(CHIP), inputs)
    np.testing.assert_array_equal(result.outputs[1], np.argmax(inputs[0], axis=1))


def test_split_reduction_of_two_outputs_combines_each_by_its_own_op():
    """A sum and a max over one loop split across cores: each output's partial results
    are reduce-scattered with its own combiner."""
    module = parse(SUM_AND_MAX.replace("16x2048", "256x256").replace("<16xf32>", "<256xf32>"))
    function = next(op for op in module.walk() if isinstance(op, func.FuncOp))
    inputs = random_inputs(function, 0)
    expected = run_reference(function, inputs)
    PartitionPass(chip=CHIP).apply(CTX, module)
    SelectPlansPass(chip=CHIP).apply(CTX, module)
    # Whatever plan was chosen, force one splitting the reduced loop 4 ways.
    generic = next(op for op in module.walk() if op.name == "linalg.generic")
    generic.attributes[PLAN_ATTR] = OpPlanAttr((4, 4), ((1, 1), (1, 1), (1, 1)))
    generic.attributes[LOOP_ORDER_ATTR] = DenseArrayBase.from_list(i64, [])
    InsertShiftsPass().apply(CTX, module)
    LowerToTilePass().apply(CTX, module)
    module.verify()
    program = next(op for op in module.walk() if isinstance(op, tile.ProgramOp))
    combiners = sorted(
        op.combiner.data for op in program.walk() if isinstance(op, tile.ReduceScatterOp)
    )
    assert combiners == ["add", "max"]
    result = simulate(program, load_chip(CHIP), inputs)
    for simulated, wanted in zip(result.outputs, expected, strict=True):
        assert_matches(simulated, wanted, "f32")


UNPLANNABLE = """
func.func @slice(%a: tensor<16x64xf32>, %b: tensor<16x64xf32>)
    -> (tensor<16x64xf32>, tensor<8x64xf32>) {
  %e = tensor.empty() : tensor<16x64xf32>
  %r = linalg.add ins(%a, %b : tensor<16x64xf32>, tensor<16x64xf32>)
                  outs(%e : tensor<16x64xf32>) -> tensor<16x64xf32>
  %s = tensor.extract_slice %a[0, 0] [8, 64] [1, 1] : tensor<16x64xf32> to tensor<8x64xf32>
  func.return %r, %s : tensor<16x64xf32>, tensor<8x64xf32>
}
"""


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_what_cannot_be_planned_is_located_and_named(pipeline: str):
    module = parse(UNPLANNABLE)
    with pytest.raises(PassFailedException) as caught:
        compile_module(module, pipeline)
    assert str(caught.value).startswith(
        "program.mlir:7:3: error: tensor.extract_slice cannot be planned: it is not a "
        "structured operator"
    )
