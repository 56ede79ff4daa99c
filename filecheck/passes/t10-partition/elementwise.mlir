// A bias-add + ReLU as linalg.generic on small-16: loops (64, 256), the bias
// indexed by the second loop only.
// RUN: t10-opt %s -p 't10-partition{chip=small-16}' | filecheck %s

#rows = affine_map<(d0, d1) -> (d0, d1)>
#bias = affine_map<(d0, d1) -> (d1)>
func.func @bias_relu(%x: tensor<64x256xf16>, %b: tensor<256xf16>) -> tensor<64x256xf16> {
  %zero = arith.constant 0.0 : f16
  %empty = tensor.empty() : tensor<64x256xf16>
  %r = linalg.generic {indexing_maps = [#rows, #bias, #rows], iterator_types = ["parallel", "parallel"]} ins(%x, %b : tensor<64x256xf16>, tensor<256xf16>) outs(%empty : tensor<64x256xf16>) {
  ^bb0(%v: f16, %w: f16, %out: f16):
    %s = arith.addf %v, %w : f16
    %m = arith.maximumf %s, %zero : f16
    linalg.yield %m : f16
  } -> tensor<64x256xf16>
  func.return %r : tensor<64x256xf16>
}

// Every 16-core split computes 1024 elements a core (812 cycles); splitting
// the bias's loop 16 ways holds the least of it: x and the result 64x16
// (2048 bytes each) and 16 bias elements (32), so one plan dominates.
// CHECK:      linalg.generic
// CHECK-SAME:   attrs = {t10.loops = array<i64: 64, 256>, t10.op_class = "elementwise",
// CHECK-SAME:   t10.frontier = [#rtensor.plan<op_factors = [1, 16], temporal = [[1, 1], [1, 1], [1, 1]]>],
// CHECK-SAME:   t10.frontier_cost = dense<{{\[\[}}4128, 812]]> : tensor<1x2xi64>}
