// An rtensor.pad becomes one tile.relayout with padding: the image's places moved one row and
// one column in (`d2 + 1`, `d3 + 1`) put it inside the padded tensor the convolution
// reads, and every element no core holds (the border) takes the padding.
// RUN: t10-opt %s -p 't10-compile{chip=small-16}' | filecheck %s

func.func @padconv(%x: tensor<2x4x8x8xf32>, %k: tensor<6x4x3x3xf32> {t10.weight}) -> tensor<2x6x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  } : tensor<2x4x8x8xf32> to tensor<2x4x10x10xf32>
  %e = tensor.empty() : tensor<2x6x8x8xf32>
  %o = linalg.fill ins(%zero : f32) outs(%e : tensor<2x6x8x8xf32>) -> tensor<2x6x8x8xf32>
  %r = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %k : tensor<2x4x10x10xf32>, tensor<6x4x3x3xf32>) outs(%o : tensor<2x6x8x8xf32>) -> tensor<2x6x8x8xf32>
  func.return %r : tensor<2x6x8x8xf32>
}

// CHECK:     tile.relayout %x_dist by [#tile.place<map = (d0, d1, d2, d3) -> (d0, d1, (d2 + 1), (d3 + 1)), extents = [2, 4, 8, 8], grid = [2, 4, 2, 1]>] to %p_dist by [#tile.place<map = (d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, (d2 + d5), (d3 + d6)), extents = [2, 6, 8, 8, 4, 3, 3], grid = [2, 2, 2, 2, 1, 1, 1]>] of [2, 4, 10, 10] padding 0.000000e+00 : f32
// CHECK-NOT: tensor.pad
