// An operand rotating on two loops, on small-16 with 3.5 % of its SRAM: the only plan that
// fits is 1x1x16 with C rotating on m round rings of 2 and on n round rings of 8, both round
// the 16 cores of the k axis. The rings take different digits of the k coordinate: m's the
// lowest (`ring = 2`), n's the next three (`stride = 2`), and the skew reads each digit.
// C's 16 pieces visit all 16 cores, each summing over every slice of k on the way, so the
// host gathers whole sums: no reduce-scatter.
// RUN: t10-opt %s -p 't10-compile{chip=small-16 memory-fraction=0.035}' | filecheck %s

func.func @matmul(%a: tensor<32x64xf32>, %b: tensor<64x48xf32>) -> tensor<32x48xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<32x48xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<32x48xf32>) -> tensor<32x48xf32>
  %r = linalg.matmul ins(%a, %b : tensor<32x64xf32>, tensor<64x48xf32>)
                     outs(%c : tensor<32x48xf32>) -> tensor<32x48xf32>
  func.return %r : tensor<32x48xf32>
}

// CHECK:     tile.host_write %a to %a_dist by #tile.place<map = (d0, d1, d2) -> (d0, d2), extents = [32, 48, 64], grid = [1, 1, 16], steps = [2, 8, 1], skew = (d0, d1, d2) -> (d2, ((d2 floordiv 2) * 7), 0)>
// CHECK:     tile.exchange %c_dist{{.*}} by #tile.rotate<grid = [1, 1, 16], axis = 2, stride = 2, pace = 1>
// CHECK:     tile.exchange %c_dist{{.*}} by #tile.rotate<grid = [1, 1, 16], axis = 2, ring = 2, pace = 1>
// CHECK-NOT: tile.reduce_scatter
// CHECK:     tile.host_gather
