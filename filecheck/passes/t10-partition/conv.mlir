// A 3x3 convolution on small-16: loops (n, f, oh, ow, c, kh, kw) =
// (2, 16, 16, 16, 8, 3, 3); kh and kw only slide the window, so never split.
// RUN: t10-opt %s -p 't10-partition{chip=small-16}' | filecheck %s

func.func @conv(%i: tensor<2x8x18x18xf16>, %k: tensor<16x8x3x3xf16>, %o: tensor<2x16x16x16xf16>) -> tensor<2x16x16x16xf16> {
  %r = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%i, %k : tensor<2x8x18x18xf16>, tensor<16x8x3x3xf16>) outs(%o : tensor<2x16x16x16xf16>) -> tensor<2x16x16x16xf16>
  func.return %r : tensor<2x16x16x16xf16>
}

// Both ends split n, oh, ow 2x2x4, so every core needs the whole filter
// (replicated 16 times). Smallest: the filter rotates in 16 pieces of 8x1x3x3
// (144 bytes, double-buffered) beside a 1x8x10x6 input window (960) and a
// 1x16x8x4 output (1024). Fastest: each core holds the whole filter (2304).
// CHECK:      %r = linalg.conv_2d_nchw_fchw {t10.frontier = [
// CHECK-SAME:   #rtensor.plan<op_factors = [2, 1, 2, 4, 1, 1, 1], temporal = [[1, 1, 1, 1, 1, 1, 1], [1, 2, 1, 1, 8, 1, 1], [1, 1, 1, 1, 1, 1, 1]]>,
// CHECK-SAME:   #rtensor.plan<op_factors = [2, 1, 2, 4, 1, 1, 1], temporal = [[1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1]]>],
// CHECK-SAME:   t10.frontier_cost = dense<{{\[\[}}2272, 20749], {{.*}}, [4288, 3576]]> : tensor<5x2xi64>,
// CHECK-SAME:   t10.loops = array<i64: 2, 16, 16, 16, 8, 3, 3>, t10.op_class = "convolution",
// CHECK-SAME:   dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
