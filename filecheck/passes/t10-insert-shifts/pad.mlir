// A tensor.pad is data movement, not an operator: the convolution reads the image padded
// into its own layout by one rtensor.pad from where the image is (here its idle layout,
// being a host input), and the tensor.pad is gone.
// RUN: t10-opt %s -p 't10-partition{chip=small-16},t10-select-plans{chip=small-16},t10-insert-shifts' | filecheck %s

func.func @padded_conv(%x: tensor<2x4x8x8xf32>, %k: tensor<6x4x3x3xf32>) -> tensor<2x6x8x8xf32> {
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

// CHECK:      %x_dist = rtensor.distribute %x : tensor<2x4x8x8xf32> -> !rtensor.tensor<2x4x8x8xf32, #rtensor.layout<grid = [2, 4, 2, 1], map = (d0, d1, d2, d3) -> (d0, d1, d2, d3)>>
// CHECK-NEXT: %p_dist = rtensor.pad %x_dist low [0, 0, 1, 1] high [0, 0, 1, 1] value %zero {t10.predicted_cycles = 559 : i64} : f32, !rtensor.tensor<2x4x8x8xf32, {{.*}}> -> !rtensor.tensor<2x4x10x10xf32, #rtensor.layout<grid = {{.*}}, map = (d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, (d2 + d5), (d3 + d6))>>
// CHECK:      %r = shift.schedule {{.*}} ins(%p_dist, %{{.*}})
// CHECK-NOT:  tensor.pad
// CHECK:      func.return
