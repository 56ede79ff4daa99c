// A reshape the planner cannot take is reported at its location, naming the op and why.
// RUN: not t10-opt %s -p t10-canonicalize 2>&1 | filecheck %s

// A convolution's output rows split by a reshape: its h loop is read inside a window.
func.func @window_reshape(%x: tensor<1x1x6x6xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1x4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x1x6x6xf32>, tensor<1x1x3x3xf32>) outs(%f : tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %r = tensor.expand_shape %c [[0], [1], [2, 3], [4]] output_shape [1, 1, 2, 2, 4] : tensor<1x1x4x4xf32> into tensor<1x1x2x2x4xf32>
  %e2 = tensor.empty() : tensor<1x1x2x2x4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%r : tensor<1x1x2x2x4xf32>) outs(%e2 : tensor<1x1x2x2x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %n = arith.negf %a : f32
    linalg.yield %n : f32
  } -> tensor<1x1x2x2x4xf32>
  return %y : tensor<1x1x2x2x4xf32>
}

// CHECK: window-reshape.mlir:[[# @LINE - 10]]:3: error: t10-canonicalize: cannot fold tensor.expand_shape into an operator: the loops of linalg.generic that index the reshaped dims are read inside a sliding window or already split, so they cannot be split to match
// CHECK-NOT: Traceback
