// Upstream's rules for pack, unpack and the Winograd transforms, with its messages.

func.func @partial_tile(%s: tensor<30x64xf32>, %d: tensor<4x2x8x32xf32>) {
  %0 = linalg.pack %s inner_dims_pos = [0, 1] inner_tiles = [8, 32] into %d : tensor<30x64xf32> -> tensor<4x2x8x32xf32>
  return
}

// CHECK: invalid tile factor or output size provided. Only full tiles are supported when padding_value is not set

// -----

func.func @packed_shape(%p: tensor<4x2x8x32xf32>, %u: tensor<32x128xf32>) {
  %0 = linalg.unpack %p inner_dims_pos = [0, 1] inner_tiles = [8, 32] into %u : tensor<4x2x8x32xf32> -> tensor<32x128xf32>
  return
}

// CHECK: expected 'tensor<4x4x8x32xf32>' for the packed domain value, got 'tensor<4x2x8x32xf32>'

// -----

func.func @tile_positions(%s: tensor<32x64xf32>, %d: tensor<4x2x8x32xf32>) {
  %0 = linalg.pack %s inner_dims_pos = [1, 1] inner_tiles = [8, 32] into %d : tensor<32x64xf32> -> tensor<4x2x8x32xf32>
  return
}

// CHECK: invalid inner_dims_pos vector

// -----

func.func @winograd_output(%o: tensor<4x4x2x2x2x8xf32>, %ot: tensor<2x5x4x8xf32>) {
  %0 = linalg.winograd_output_transform fmr(F_2_3) ins(%o : tensor<4x4x2x2x2x8xf32>) outs(%ot : tensor<2x5x4x8xf32>) -> tensor<2x5x4x8xf32>
  return
}

// CHECK: the output shape is not expected
