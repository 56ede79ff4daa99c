// What the planner cannot distribute is reported at its location, naming the op and why.
// RUN: not t10-opt %s -p t10-canonicalize 2>&1 | filecheck %s

// A result returned in another shape than its operator writes.
func.func @result_reshape(%x: tensor<4x8xf32>) -> tensor<32xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %n = arith.negf %a : f32
    linalg.yield %n : f32
  } -> tensor<4x8xf32>
  %flat = tensor.collapse_shape %y [[0, 1]] : tensor<4x8xf32> into tensor<32xf32>
  return %flat : tensor<32xf32>
}

// CHECK: errors.mlir:[[# @LINE - 4]]:3: error: t10-canonicalize: cannot fold tensor.collapse_shape into an operator: it reshapes a result the function returns: return the operator's own shape and reshape on the host
// CHECK-NOT: Traceback
