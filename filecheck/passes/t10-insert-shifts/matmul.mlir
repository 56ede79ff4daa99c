// RUN: t10-opt %s -p t10-insert-shifts | filecheck %s
// RUN: t10-opt %s -p t10-insert-shifts --print-op-generic | t10-opt | filecheck %s

// A 64x128x96 matmul (loops m, n, k) on a [4, 2, 2] grid of small-16 whose B
// rotates along k in 4 pieces while A is not cut in time: each of the 4 compute
// steps reads a 16x16 step slice of A's 16x64 piece. C is replicated over the 2
// k-cores and never rotates, so it holds 2 partial sums that a reduce-scatter
// combines: afterwards each of the 2 cores holds half of the piece along m
// (temporal factor 2 on loop 0). B is a weight: distributed once into its idle
// layout, then relayouted for the matmul. The fill initialises C in place.
builtin.module attributes {t10.chip = "small-16"} {
  func.func @matmul(%a: tensor<64x128xf16>, %b: tensor<128x96xf16> {t10.weight}) -> tensor<64x96xf16> {
    %zero = arith.constant 0.0 : f16
    %empty = tensor.empty() : tensor<64x96xf16>
    %acc = linalg.fill ins(%zero : f16) outs(%empty : tensor<64x96xf16>) -> tensor<64x96xf16>
    %r = linalg.matmul {t10.plan = #rtensor.plan<op_factors = [4, 2, 2], temporal = [[1, 1, 1], [1, 1, 4], [1, 1, 1]]>, t10.loop_order = array<i64: 2>, t10.plan_cost = {bytes_per_core = 7424 : i64, cycles = 6910 : i64}} ins(%a, %b : tensor<64x128xf16>, tensor<128x96xf16>) outs(%acc : tensor<64x96xf16>) -> tensor<64x96xf16>
    func.return %r : tensor<64x96xf16>
  }
}

// CHECK:        func.func @matmul(%a: tensor<64x128xf16>, %b: tensor<128x96xf16> {t10.weight}) -> tensor<64x96xf16> {
// CHECK-NEXT:     %b_idle = rtensor.distribute %b : tensor<128x96xf16> -> !rtensor.tensor<128x96xf16, #rtensor.layout<grid = [16, 1], map = (d0, d1) -> (d0, d1)>>
// CHECK-NEXT:     %zero = arith.constant 0.000000e+00 : f16
// CHECK-NEXT:     %a_dist = rtensor.distribute %a : tensor<64x128xf16> -> !rtensor.tensor<64x128xf16, #rtensor.layout<grid = [4, 2, 2], map = (d0, d1, d2) -> (d0, d2)>>
// CHECK-NEXT:     %0 = rtensor.relayout %b_idle : !rtensor.tensor<128x96xf16, #rtensor.layout<grid = [16, 1], map = (d0, d1) -> (d0, d1)>> -> !rtensor.tensor<128x96xf16, #rtensor.layout<grid = [4, 2, 2], map = (d0, d1, d2) -> (d2, d1), temporal = [1, 1, 4]>>
// CHECK-NEXT:     %acc_dist = rtensor.fill %zero : f16 -> !rtensor.tensor<64x96xf16, #rtensor.layout<grid = [4, 2, 2], map = (d0, d1, d2) -> (d0, d1)>>
// CHECK-NEXT:     %r = shift.schedule #rtensor.plan<op_factors = [4, 2, 2], temporal = {{\[\[}}1, 1, 1], [1, 1, 4], [1, 1, 1]]> ins(%a_dist, %0 : !rtensor.tensor<64x128xf16, #rtensor.layout<grid = [4, 2, 2], map = (d0, d1, d2) -> (d0, d2)>>, !rtensor.tensor<128x96xf16, #rtensor.layout<grid = [4, 2, 2], map = (d0, d1, d2) -> (d2, d1), temporal = [1, 1, 4]>>) outs(%acc_dist : !rtensor.tensor<64x96xf16, #rtensor.layout<grid = [4, 2, 2], map = (d0, d1, d2) -> (d0, d1)>>) attributes {t10.plan_cost = {bytes_per_core = 7424 : i64, cycles = 6910 : i64}} {
// CHECK-NEXT:     ^bb0(%a_piece: !shift.piece<16x64xf16>, %b_piece: !shift.piece<16x48xf16>, %acc_piece: !shift.piece<16x48xf16>):
// CHECK-NEXT:       shift.skew %b_piece loop 2 : !shift.piece<16x48xf16>
// CHECK-NEXT:       shift.loop 4 {
// CHECK-NEXT:         shift.compute ins(%a_piece, %b_piece : !shift.piece<16x64xf16>, !shift.piece<16x48xf16>) outs(%acc_piece : !shift.piece<16x48xf16>) {
// CHECK-NEXT:         ^bb0(%a_step: tensor<16x16xf16>, %b_step: tensor<16x48xf16>, %acc_step: tensor<16x48xf16>):
// CHECK-NEXT:           %1 = linalg.matmul ins(%a_step, %b_step : tensor<16x16xf16>, tensor<16x48xf16>) outs(%acc_step : tensor<16x48xf16>) -> tensor<16x48xf16>
// CHECK-NEXT:           shift.yield %1 : tensor<16x48xf16>
// CHECK-NEXT:         }
// CHECK-NEXT:         shift.rotate %b_piece loop 2 ring 4 pace 1 : !shift.piece<16x48xf16>
// CHECK-NEXT:       }
// CHECK-NEXT:       shift.reduce_scatter %acc_piece scatter [2, 1, 1] : !shift.piece<16x48xf16>
// CHECK-NEXT:       shift.yield
// CHECK-NEXT:     } -> !rtensor.tensor<64x96xf16, #rtensor.layout<grid = [4, 2, 2], map = (d0, d1, d2) -> (d0, d1), temporal = [2, 1, 1]>>
// CHECK-NEXT:     %r_1 = rtensor.collect %r : !rtensor.tensor<64x96xf16, #rtensor.layout<grid = [4, 2, 2], map = (d0, d1, d2) -> (d0, d1), temporal = [2, 1, 1]>> -> tensor<64x96xf16>
// CHECK-NEXT:     func.return %r_1 : tensor<64x96xf16>
// CHECK-NEXT:   }
