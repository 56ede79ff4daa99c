// A softmax over the last of (8, 64, 128) on small-16.
// RUN: t10-opt %s -p 't10-partition{chip=small-16}' | filecheck %s

func.func @softmax(%x: tensor<8x64x128xf16>, %y: tensor<8x64x128xf16>) -> tensor<8x64x128xf16> {
  %r = linalg.softmax dimension(2) ins(%x : tensor<8x64x128xf16>) outs(%y : tensor<8x64x128xf16>) -> tensor<8x64x128xf16>
  func.return %r : tensor<8x64x128xf16>
}

// The normalised loop 2 is never split (its max and sum would need combining
// across cores). Every 16-core split of loops 0 and 1 holds 4096 elements of
// input and of output a core (16384 bytes) and takes 4096 * 0.5 + 300 cycles,
// so one plan remains: the first enumerated.
// CHECK:      %r = linalg.softmax {t10.frontier = [#rtensor.plan<op_factors = [1, 16, 1], temporal = [[1, 1, 1], [1, 1, 1]]>],
// CHECK-SAME:   t10.frontier_cost = dense<{{\[\[}}16384, 2348]]> : tensor<1x2xi64>,
// CHECK-SAME:   t10.loops = array<i64: 8, 64, 128>, t10.op_class = "reduction"}
// CHECK-SAME:   dimension(2)
