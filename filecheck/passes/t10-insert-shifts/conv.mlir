// RUN: t10-opt %s -p t10-insert-shifts | filecheck %s

// A 3x3 convolution on small-16 (loops n, f, oh, ow, c, kh, kw), its smallest
// plan: the filter k (a weight) rotates in 16 pieces, 2 along f and 8 along c,
// c outermost. The input's piece is the 8x4 output tile's 10x6 window (halo
// included); it is not cut in time, so each step reads one channel of it, and
// the output's 16 channels are read 8 per step (f takes 2 steps).
builtin.module attributes {t10.chip = "small-16"} {
  func.func @conv(%i: tensor<2x8x18x18xf16>, %k: tensor<16x8x3x3xf16> {t10.weight}, %o: tensor<2x16x16x16xf16>) -> tensor<2x16x16x16xf16> {
    %r = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>, t10.plan = #rtensor.plan<op_factors = [2, 1, 2, 4, 1, 1, 1], temporal = [[1, 1, 1, 1, 1, 1, 1], [1, 2, 1, 1, 8, 1, 1], [1, 1, 1, 1, 1, 1, 1]]>, t10.loop_order = array<i64: 4, 1>, t10.plan_cost = {bytes_per_core = 2272 : i64, cycles = 19249 : i64}} ins(%i, %k : tensor<2x8x18x18xf16>, tensor<16x8x3x3xf16>) outs(%o : tensor<2x16x16x16xf16>) -> tensor<2x16x16x16xf16>
    func.return %r : tensor<2x16x16x16xf16>
  }
}

// CHECK:        func.func @conv(%i: tensor<2x8x18x18xf16>, %k: tensor<16x8x3x3xf16> {t10.weight}, %o: tensor<2x16x16x16xf16>) -> tensor<2x16x16x16xf16> {
// CHECK-NEXT:     %k_idle = rtensor.distribute %k : tensor<16x8x3x3xf16> -> !rtensor.tensor<16x8x3x3xf16, #rtensor.layout<grid = [16, 1, 1, 1], map = (d0, d1, d2, d3) -> (d0, d1, d2, d3)>>
// CHECK-NEXT:     %i_dist = rtensor.distribute %i : tensor<2x8x18x18xf16> -> !rtensor.tensor<2x8x18x18xf16, #rtensor.layout<grid = [2, 1, 2, 4, 1, 1, 1], map = (d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, (d2 + d5), (d3 + d6))>>
// CHECK-NEXT:     %0 = rtensor.relayout %k_idle : !rtensor.tensor<16x8x3x3xf16, #rtensor.layout<grid = [16, 1, 1, 1], map = (d0, d1, d2, d3) -> (d0, d1, d2, d3)>> -> !rtensor.tensor<16x8x3x3xf16, #rtensor.layout<grid = [2, 1, 2, 4, 1, 1, 1], map = (d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6), temporal = [1, 2, 1, 1, 8, 1, 1]>>
// CHECK-NEXT:     %o_dist = rtensor.distribute %o : tensor<2x16x16x16xf16> -> !rtensor.tensor<2x16x16x16xf16, #rtensor.layout<grid = [2, 1, 2, 4, 1, 1, 1], map = (d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>>
// CHECK-NEXT:     %r = shift.schedule #rtensor.plan<op_factors = [2, 1, 2, 4, 1, 1, 1], temporal = {{\[\[}}1, 1, 1, 1, 1, 1, 1], [1, 2, 1, 1, 8, 1, 1], [1, 1, 1, 1, 1, 1, 1]]> ins(%i_dist, %0 : !rtensor.tensor<2x8x18x18xf16, #rtensor.layout<grid = [2, 1, 2, 4, 1, 1, 1], map = (d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, (d2 + d5), (d3 + d6))>>, !rtensor.tensor<16x8x3x3xf16, #rtensor.layout<grid = [2, 1, 2, 4, 1, 1, 1], map = (d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6), temporal = [1, 2, 1, 1, 8, 1, 1]>>) outs(%o_dist : !rtensor.tensor<2x16x16x16xf16, #rtensor.layout<grid = [2, 1, 2, 4, 1, 1, 1], map = (d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>>) attributes {t10.plan_cost = {bytes_per_core = 2272 : i64, cycles = 19249 : i64}} {
// CHECK-NEXT:     ^bb0(%i_piece: !shift.piece<1x8x10x6xf16>, %k_piece: !shift.piece<8x1x3x3xf16>, %o_piece: !shift.piece<1x16x8x4xf16>):
// CHECK-NEXT:       shift.skew %k_piece loop 1 : !shift.piece<8x1x3x3xf16>
// CHECK-NEXT:       shift.skew %k_piece loop 4 : !shift.piece<8x1x3x3xf16>
// CHECK-NEXT:       shift.loop 8 {
// CHECK-NEXT:         shift.loop 2 {
// CHECK-NEXT:           shift.compute ins(%i_piece, %k_piece : !shift.piece<1x8x10x6xf16>, !shift.piece<8x1x3x3xf16>) outs(%o_piece : !shift.piece<1x16x8x4xf16>) {
// CHECK-NEXT:           ^bb0(%i_step: tensor<1x1x10x6xf16>, %k_step: tensor<8x1x3x3xf16>, %o_step: tensor<1x8x8x4xf16>):
// CHECK-NEXT:             %1 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%i_step, %k_step : tensor<1x1x10x6xf16>, tensor<8x1x3x3xf16>) outs(%o_step : tensor<1x8x8x4xf16>) -> tensor<1x8x8x4xf16>
// CHECK-NEXT:             shift.yield %1 : tensor<1x8x8x4xf16>
// CHECK-NEXT:           }
// CHECK-NEXT:           shift.rotate %k_piece loop 1 ring 2 pace 1 : !shift.piece<8x1x3x3xf16>
// CHECK-NEXT:         }
// CHECK-NEXT:         shift.rotate %k_piece loop 4 ring 8 pace 1 : !shift.piece<8x1x3x3xf16>
// CHECK-NEXT:       }
// CHECK-NEXT:       shift.yield
// CHECK-NEXT:     } -> !rtensor.tensor<2x16x16x16xf16, #rtensor.layout<grid = [2, 1, 2, 4, 1, 1, 1], map = (d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>>
// CHECK-NEXT:     %r_1 = rtensor.collect %r : !rtensor.tensor<2x16x16x16xf16, #rtensor.layout<grid = [2, 1, 2, 4, 1, 1, 1], map = (d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>> -> tensor<2x16x16x16xf16>
// CHECK-NEXT:     func.return %r_1 : tensor<2x16x16x16xf16>
// CHECK-NEXT:   }
