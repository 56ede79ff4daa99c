// Each case is one thing the pass cannot distribute: it fails with a located
// diagnostic and prints no IR.
// RUN: t10-opt %s --split-input-file --verify-diagnostics -p t10-insert-shifts | filecheck %s

func.func @no_chip(%a: tensor<8xf32>) -> tensor<8xf32> {
  func.return %a : tensor<8xf32>
}
// CHECK: t10-insert-shifts: the module has no t10.chip attribute naming the chip its plans were chosen for: run t10-select-plans first

// -----

builtin.module attributes {t10.chip = "ipu-mk3"} {
}
// CHECK: unknown chip preset 'ipu-mk3'

// -----

builtin.module attributes {t10.chip = "small-16"} {
  func.func @unplanned(%a: tensor<8x8xf32>, %b: tensor<8x8xf32>) -> tensor<8x8xf32> {
    %r = linalg.add ins(%a, %b : tensor<8x8xf32>, tensor<8x8xf32>) outs(%a : tensor<8x8xf32>) -> tensor<8x8xf32>
    func.return %r : tensor<8x8xf32>
  }
}
// CHECK: errors.mlir:20:5: error: linalg.add has no t10.plan: run t10-select-plans first

// -----

builtin.module attributes {t10.chip = "small-16"} {
  func.func @bad_order(%a: tensor<8x8xf32>) -> tensor<8x8xf32> {
    %r = linalg.matmul {t10.plan = #rtensor.plan<op_factors = [4, 4, 1], temporal = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]>, t10.loop_order = array<i64: 0>, t10.plan_cost = {cycles = 1 : i64}} ins(%a, %a : tensor<8x8xf32>, tensor<8x8xf32>) outs(%a : tensor<8x8xf32>) -> tensor<8x8xf32>
    func.return %r : tensor<8x8xf32>
  }
}
// CHECK: errors.mlir:30:5: error: t10.loop_order [0] must order exactly the loops with more than one compute step, []

// -----

builtin.module attributes {t10.chip = "small-16"} {
  func.func @reshape_between(%flat: tensor<64xf32>) -> tensor<8x8xf32> {
    %a = tensor.expand_shape %flat [[0, 1]] output_shape [8, 8] : tensor<64xf32> into tensor<8x8xf32>
    %r = linalg.matmul {t10.plan = #rtensor.plan<op_factors = [4, 4, 1], temporal = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]>, t10.loop_order = array<i64>, t10.plan_cost = {cycles = 1 : i64}} ins(%a, %a : tensor<8x8xf32>, tensor<8x8xf32>) outs(%a : tensor<8x8xf32>) -> tensor<8x8xf32>
    func.return %r : tensor<8x8xf32>
  }
}
// CHECK: errors.mlir:40:5: error: operand 0 of linalg.matmul comes from tensor.expand_shape, which is not a planned operator, a function argument, a constant nor a tensor.empty: it cannot be distributed

// -----

builtin.module attributes {t10.chip = "small-16"} {
  func.func @reads_result(%a: tensor<8x8xf32>) -> tensor<64xf32> {
    %r = linalg.matmul {t10.plan = #rtensor.plan<op_factors = [4, 4, 1], temporal = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]>, t10.loop_order = array<i64>, t10.plan_cost = {cycles = 1 : i64}} ins(%a, %a : tensor<8x8xf32>, tensor<8x8xf32>) outs(%a : tensor<8x8xf32>) -> tensor<8x8xf32>
    %flat = tensor.collapse_shape %r [[0, 1]] : tensor<8x8xf32> into tensor<64xf32>
    func.return %flat : tensor<64xf32>
  }
}
// CHECK: errors.mlir:52:5: error: tensor.collapse_shape reads the result of a planned operator: it cannot be distributed, only planned operators and func.return may read one

// -----

builtin.module attributes {t10.chip = "small-16"} {
  func.func @scalar_argument(%s: f32, %out: tensor<64xf32>) -> tensor<64xf32> {
    %r = linalg.fill {t10.plan = #rtensor.plan<op_factors = [16], temporal = [[1], [1]]>, t10.loop_order = array<i64>, t10.plan_cost = {cycles = 1 : i64}} ins(%s : f32) outs(%out : tensor<64xf32>) -> tensor<64xf32>
    func.return %r : tensor<64xf32>
  }
}
// CHECK: errors.mlir:62:5: error: scalar operand 0 of linalg.fill is not an arith.constant: only constants are cloned into a compute step

// -----

#id = affine_map<(i) -> (i)>
builtin.module attributes {t10.chip = "small-16"} {
  func.func @captured(%a: tensor<64xf32>, %s: f32) -> tensor<64xf32> {
    %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%a : tensor<64xf32>) outs(%a : tensor<64xf32>) attrs = {t10.plan = #rtensor.plan<op_factors = [16], temporal = [[1], [1]]>, t10.loop_order = array<i64>, t10.plan_cost = {cycles = 1 : i64}} {
    ^bb0(%v: f32, %o: f32):
      %m = arith.mulf %v, %s : f32
      linalg.yield %m : f32
    } -> tensor<64xf32>
    func.return %r : tensor<64xf32>
  }
}
// CHECK: errors.mlir:73:5: error: the body of linalg.generic reads f32 from outside that is not an arith.constant: only constants are cloned into a compute step

// -----

builtin.module attributes {t10.chip = "small-16"} {
  func.func @rows(%a: tensor<8x8xf32>) -> tensor<8x8xf32> {
    %r = linalg.matmul {t10.plan = #rtensor.plan<op_factors = [4, 4, 1], temporal = [[1, 1, 1], [1, 1, 1]]>, t10.loop_order = array<i64>, t10.plan_cost = {cycles = 1 : i64}} ins(%a, %a : tensor<8x8xf32>, tensor<8x8xf32>) outs(%a : tensor<8x8xf32>) -> tensor<8x8xf32>
    func.return %r : tensor<8x8xf32>
  }
}
// CHECK: errors.mlir:87:5: error: t10.plan has 2 operand rows but linalg.matmul has 3 operands

// -----

// An op that is no structured operator cannot be planned, even where nothing
// planned reads it: it is named at its location.
builtin.module attributes {t10.chip = "small-16"} {
  func.func @slice(%a: tensor<8x8xf32>) -> tensor<4x8xf32> {
    %s = tensor.extract_slice %a[0, 0] [4, 8] [1, 1] : tensor<8x8xf32> to tensor<4x8xf32>
    func.return %s : tensor<4x8xf32>
  }
}
// CHECK: errors.mlir:[[# @LINE - 4]]:5: error: tensor.extract_slice cannot be planned: it is not a structured operator (linalg) with static shapes, so no plan distributes it; a function's body may hold only those, constants, tensor.empty, tensor.pad and linalg.fill
