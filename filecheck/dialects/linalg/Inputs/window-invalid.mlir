// Checked by ../window.mlir: one verifier rule per case.

#in = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2 + d5, d6)>
#k = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5, d6, d3)>
#out = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
func.func @memoized(%i: tensor<1x6x6x2xf32>, %k: tensor<3x3x2x4xf32>, %o: tensor<1x4x4x4xf32>) {
  %0 = "linalg.conv_2d_nhwc_hwcf"(%i, %k, %o) <{operandSegmentSizes = array<i32: 2, 1>}> ({
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  }) {linalg.memoized_indexing_maps = [#in, #k, #out]} : (tensor<1x6x6x2xf32>, tensor<3x3x2x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return
}

// CHECK: unexpected input index map for convolutions

// -----

func.func @fill_type(%v: i8, %o: tensor<3xf32>) {
  %0 = linalg.fill ins(%v : i8) outs(%o : tensor<3xf32>) -> tensor<3xf32>
  return
}

// CHECK: expected fill value type (i8) to match output element type (f32)

// -----

func.func @strides(%i: tensor<1x9x2xf32>, %w: tensor<3xf32>, %o: tensor<1x7x2xf32>) {
  %0 = linalg.pooling_nwc_sum {strides = dense<1> : tensor<2xi64>} ins(%i, %w : tensor<1x9x2xf32>, tensor<3xf32>) outs(%o : tensor<1x7x2xf32>) -> tensor<1x7x2xf32>
  return
}

// CHECK: expected strides to have 1 element(s), one per spatial dimension, got 2

// -----

func.func @contract_maps(%a: tensor<4x5xf32>, %b: tensor<5x6xf32>, %c: tensor<4x6xf32>) {
  %0 = linalg.contract indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>] ins(%a, %b : tensor<4x5xf32>, tensor<5x6xf32>) outs(%c : tensor<4x6xf32>) -> tensor<4x6xf32>
  return
}

// CHECK: expected 3 indexing maps, got 2
