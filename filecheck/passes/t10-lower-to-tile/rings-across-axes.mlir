// A ring longer than any one grid axis, on small-16 with 1.35 % of its SRAM: the plan splits
// the convolution 2x4x1x2 over (n, f, oh, ow) and rotates the image on c round rings of 4
// along f, and the filter on c round rings of 4 laid across the n and ow axes (2 x 2 cores,
// `axes = [0, 3]`). The skew of c sums both rings' positions.
// RUN: t10-opt %s -p 't10-compile{chip=small-16 memory-fraction=0.0135}' | filecheck %s

func.func @conv(%i: tensor<2x4x10x10xf32>, %k: tensor<8x4x3x3xf32>) -> tensor<2x8x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x8x8x8xf32>
  %o = linalg.fill ins(%zero : f32) outs(%e : tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32>
  %r = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>,
                                 strides = dense<1> : tensor<2xi64>}
      ins(%i, %k : tensor<2x4x10x10xf32>, tensor<8x4x3x3xf32>)
      outs(%o : tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32>
  func.return %r : tensor<2x8x8x8xf32>
}

// CHECK:     tile.host_write %i to %i_dist by #tile.place<map = (d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, (d2 + d5), (d3 + d6)), extents = [2, 8, 8, 8, 4, 3, 3], grid = [2, 4, 1, 2, 1, 1, 1], steps = [1, 1, 1, 1, 4, 1, 1], skew = (d0, d1, d2, d3, d4, d5, d6) -> (0, 0, 0, 0, ((d1 * 3) + ((d0 * 3) + (d3 * 6))), 0, 0)>
// CHECK:     tile.exchange %i_dist to %i_dist_next by #tile.rotate<grid = [2, 4, 1, 2, 1, 1, 1], axis = 1, pace = 1>
// CHECK:     tile.exchange %k_dist to %k_dist_next by #tile.rotate<grid = [2, 4, 1, 2, 1, 1, 1], axes = [0, 3], pace = 1>
