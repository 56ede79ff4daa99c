// Weights stay on the chip between runs: each is written once, at the start of the
// program, into a `resident` buffer in its idle layout, which stays live to the end of
// the program; every reader takes the weight from that copy by a relayout. Activations'
// buffers are live from their alloc to their last use only.
// RUN: t10-opt %s -p 't10-compile{chip=small-16}' | filecheck %s

func.func @two_layers(%x: tensor<16x32xf32>, %w1: tensor<32x32xf32> {t10.weight},
                      %w2: tensor<32x32xf32> {t10.weight}) -> tensor<16x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x32xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<16x32xf32>) -> tensor<16x32xf32>
  %h = linalg.matmul ins(%x, %w1 : tensor<16x32xf32>, tensor<32x32xf32>) outs(%c : tensor<16x32xf32>) -> tensor<16x32xf32>
  %y = linalg.matmul ins(%h, %w2 : tensor<16x32xf32>, tensor<32x32xf32>) outs(%c : tensor<16x32xf32>) -> tensor<16x32xf32>
  func.return %y : tensor<16x32xf32>
}

// CHECK:      tile.program @two_layers
// CHECK-NEXT:   %w1_idle = tile.alloc offset 0 resident : !tile.buffer<2x32xf32>
// CHECK-NEXT:   tile.host_write %w1 to %w1_idle by #tile.place<map = (d0, d1) -> (d0, d1), extents = [32, 32], grid = [16, 1]> : tensor<32x32xf32> to !tile.buffer<2x32xf32>
// CHECK-NEXT:   %w2_idle = tile.alloc offset 256 resident : !tile.buffer<2x32xf32>
// CHECK-NEXT:   tile.host_write %w2 to %w2_idle
// CHECK-NEXT:   %x_dist = tile.alloc offset 512 {t10.op = "h"} : !tile.buffer<8x32xf32>
// CHECK:        tile.relayout %w1_idle by
// CHECK-SAME:     {t10.predicted_cycles = {{[1-9][0-9]*}} : i64, t10.op = "h"}
// The first layer's input is dead once the layer has computed: its bytes are reused by
// the second layer's input, the weights' are not.
// CHECK:        %value_1 = tile.alloc offset 512 {t10.op = "y"}
// CHECK:        tile.relayout %w2_idle by
// CHECK:        tile.return
