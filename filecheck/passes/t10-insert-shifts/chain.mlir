// RUN: t10-opt %s -p t10-insert-shifts | filecheck %s
// RUN: t10-opt %s -p t10-insert-shifts --print-op-generic | t10-opt | filecheck %s

// Three operators on small-16, each showing one part of the nest:
// - %h: on loop k, x is cut in 2 and w in 4 pieces (chain [2, 4]): two levels
//   of 2, w rotating in the inner one and x in the outer one; x's compute step
//   reads a 2x2 step slice of its 2x4 piece.
// - %hb: an elementwise add of a broadcast bias cut in 2 along j; %h and the
//   output are not cut in time, so each step reads half of their pieces.
// - %y: the output rotates along two loops (temporal [2, 4, 1]); loop 1 is
//   outermost, as t10.loop_order says.
// %h is read by the next operator and again by %y: it is parked, relayouted
// into its idle layout right after its schedule. %hb happens to want that
// layout and reads the idle copy; %y relayouts from it. %acc, an activation
// argument, is distributed once per layout that reads it.
#id = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (j)>
builtin.module attributes {t10.chip = "small-16"} {
  func.func @chain(%x: tensor<8x8xf32>, %w: tensor<8x8xf32>, %bias: tensor<8xf32>, %acc: tensor<8x8xf32>) -> tensor<8x8xf32> {
    %h = linalg.matmul {t10.plan = #rtensor.plan<op_factors = [4, 2, 1], temporal = [[1, 1, 2], [1, 1, 4], [1, 1, 1]]>, t10.loop_order = array<i64: 2>, t10.plan_cost = {cycles = 1 : i64}} ins(%x, %w : tensor<8x8xf32>, tensor<8x8xf32>) outs(%acc : tensor<8x8xf32>) -> tensor<8x8xf32>
    %empty = tensor.empty() : tensor<8x8xf32>
    %hb = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%h, %bias : tensor<8x8xf32>, tensor<8xf32>) outs(%empty : tensor<8x8xf32>) attrs = {t10.plan = #rtensor.plan<op_factors = [8, 2], temporal = [[1, 1], [1, 2], [1, 1]]>, t10.loop_order = array<i64: 1>, t10.plan_cost = {cycles = 2 : i64}} {
    ^bb0(%v: f32, %b: f32, %out: f32):
      %s = arith.addf %v, %b : f32
      linalg.yield %s : f32
    } -> tensor<8x8xf32>
    %y = linalg.matmul {t10.plan = #rtensor.plan<op_factors = [1, 1, 8], temporal = [[1, 1, 1], [1, 1, 1], [2, 4, 1]]>, t10.loop_order = array<i64: 1, 0>, t10.plan_cost = {cycles = 3 : i64}} ins(%hb, %h : tensor<8x8xf32>, tensor<8x8xf32>) outs(%acc : tensor<8x8xf32>) -> tensor<8x8xf32>
    func.return %y : tensor<8x8xf32>
  }
}

// CHECK:        func.func @chain(%x: tensor<8x8xf32>, %w: tensor<8x8xf32>, %bias: tensor<8xf32>, %acc: tensor<8x8xf32>) -> tensor<8x8xf32> {
// CHECK-NEXT:     %x_dist = rtensor.distribute %x : tensor<8x8xf32> -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [4, 2, 1], map = (d0, d1, d2) -> (d0, d2), temporal = [1, 1, 2]>>
// CHECK-NEXT:     %w_dist = rtensor.distribute %w : tensor<8x8xf32> -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [4, 2, 1], map = (d0, d1, d2) -> (d2, d1), temporal = [1, 1, 4]>>
// CHECK-NEXT:     %acc_dist = rtensor.distribute %acc : tensor<8x8xf32> -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [4, 2, 1], map = (d0, d1, d2) -> (d0, d1)>>
// CHECK-NEXT:     %h = shift.schedule #rtensor.plan<op_factors = [4, 2, 1], temporal = {{\[\[}}1, 1, 2], [1, 1, 4], [1, 1, 1]]> ins(%x_dist, %w_dist : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [4, 2, 1], map = (d0, d1, d2) -> (d0, d2), temporal = [1, 1, 2]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [4, 2, 1], map = (d0, d1, d2) -> (d2, d1), temporal = [1, 1, 4]>>) outs(%acc_dist : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [4, 2, 1], map = (d0, d1, d2) -> (d0, d1)>>) attributes {t10.plan_cost = {cycles = 1 : i64}} {
// CHECK-NEXT:     ^bb0(%x_piece: !shift.piece<2x4xf32>, %w_piece: !shift.piece<2x4xf32>, %acc_piece: !shift.piece<2x4xf32>):
// CHECK-NEXT:       shift.skew %x_piece loop 2 : !shift.piece<2x4xf32>
// CHECK-NEXT:       shift.skew %w_piece loop 2 : !shift.piece<2x4xf32>
// CHECK-NEXT:       shift.loop 2 {
// CHECK-NEXT:         shift.loop 2 {
// CHECK-NEXT:           shift.compute ins(%x_piece, %w_piece : !shift.piece<2x4xf32>, !shift.piece<2x4xf32>) outs(%acc_piece : !shift.piece<2x4xf32>) {
// CHECK-NEXT:           ^bb0(%x_step: tensor<2x2xf32>, %w_step: tensor<2x4xf32>, %acc_step: tensor<2x4xf32>):
// CHECK-NEXT:             %0 = linalg.matmul ins(%x_step, %w_step : tensor<2x2xf32>, tensor<2x4xf32>) outs(%acc_step : tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT:             shift.yield %0 : tensor<2x4xf32>
// CHECK-NEXT:           }
// CHECK-NEXT:           shift.rotate %w_piece loop 2 ring 4 pace 1 : !shift.piece<2x4xf32>
// CHECK-NEXT:         }
// CHECK-NEXT:         shift.rotate %x_piece loop 2 ring 2 pace 1 : !shift.piece<2x4xf32>
// CHECK-NEXT:       }
// CHECK-NEXT:       shift.yield
// CHECK-NEXT:     } -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [4, 2, 1], map = (d0, d1, d2) -> (d0, d1)>>
// CHECK-NEXT:     %h_idle = rtensor.relayout %h : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [4, 2, 1], map = (d0, d1, d2) -> (d0, d1)>> -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [8, 2], map = (d0, d1) -> (d0, d1)>>
// CHECK-NEXT:     %bias_dist = rtensor.distribute %bias : tensor<8xf32> -> !rtensor.tensor<8xf32, #rtensor.layout<grid = [8, 2], map = (d0, d1) -> (d1), temporal = [1, 2]>>
// CHECK-NEXT:     %empty_dist = rtensor.empty : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [8, 2], map = (d0, d1) -> (d0, d1)>>
// CHECK-NEXT:     %hb = shift.schedule #rtensor.plan<op_factors = [8, 2], temporal = {{\[\[}}1, 1], [1, 2], [1, 1]]> ins(%h_idle, %bias_dist : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [8, 2], map = (d0, d1) -> (d0, d1)>>, !rtensor.tensor<8xf32, #rtensor.layout<grid = [8, 2], map = (d0, d1) -> (d1), temporal = [1, 2]>>) outs(%empty_dist : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [8, 2], map = (d0, d1) -> (d0, d1)>>) attributes {t10.plan_cost = {cycles = 2 : i64}} {
// CHECK-NEXT:     ^bb0(%h_piece: !shift.piece<1x4xf32>, %bias_piece: !shift.piece<2xf32>, %empty_piece: !shift.piece<1x4xf32>):
// CHECK-NEXT:       shift.skew %bias_piece loop 1 : !shift.piece<2xf32>
// CHECK-NEXT:       shift.loop 2 {
// CHECK-NEXT:         shift.compute ins(%h_piece, %bias_piece : !shift.piece<1x4xf32>, !shift.piece<2xf32>) outs(%empty_piece : !shift.piece<1x4xf32>) {
// CHECK-NEXT:         ^bb0(%h_step: tensor<1x2xf32>, %bias_step: tensor<2xf32>, %empty_step: tensor<1x2xf32>):
// CHECK-NEXT:           %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%h_step, %bias_step : tensor<1x2xf32>, tensor<2xf32>) outs(%empty_step : tensor<1x2xf32>) {
// CHECK-NEXT:           ^bb0(%v: f32, %b: f32, %out: f32):
// CHECK-NEXT:             %s = arith.addf %v, %b : f32
// CHECK-NEXT:             linalg.yield %s : f32
// CHECK-NEXT:           } -> tensor<1x2xf32>
// CHECK-NEXT:           shift.yield %0 : tensor<1x2xf32>
// CHECK-NEXT:         }
// CHECK-NEXT:         shift.rotate %bias_piece loop 1 ring 2 pace 1 : !shift.piece<2xf32>
// CHECK-NEXT:       }
// CHECK-NEXT:       shift.yield
// CHECK-NEXT:     } -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [8, 2], map = (d0, d1) -> (d0, d1)>>
// CHECK-NEXT:     %0 = rtensor.relayout %hb : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [8, 2], map = (d0, d1) -> (d0, d1)>> -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [1, 1, 8], map = (d0, d1, d2) -> (d0, d2)>>
// CHECK-NEXT:     %1 = rtensor.relayout %h_idle : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [8, 2], map = (d0, d1) -> (d0, d1)>> -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [1, 1, 8], map = (d0, d1, d2) -> (d2, d1)>>
// CHECK-NEXT:     %acc_dist_1 = rtensor.distribute %acc : tensor<8x8xf32> -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [1, 1, 8], map = (d0, d1, d2) -> (d0, d1), temporal = [2, 4, 1]>>
// CHECK-NEXT:     %y = shift.schedule #rtensor.plan<op_factors = [1, 1, 8], temporal = {{\[\[}}1, 1, 1], [1, 1, 1], [2, 4, 1]]> ins(%0, %1 : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [1, 1, 8], map = (d0, d1, d2) -> (d0, d2)>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [1, 1, 8], map = (d0, d1, d2) -> (d2, d1)>>) outs(%acc_dist_1 : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [1, 1, 8], map = (d0, d1, d2) -> (d0, d1), temporal = [2, 4, 1]>>) attributes {t10.plan_cost = {cycles = 3 : i64}} {
// CHECK-NEXT:     ^bb0(%hb_piece: !shift.piece<8x1xf32>, %h_piece_1: !shift.piece<1x8xf32>, %acc_piece_1: !shift.piece<4x2xf32>):
// CHECK-NEXT:       shift.skew %acc_piece_1 loop 0 : !shift.piece<4x2xf32>
// CHECK-NEXT:       shift.skew %acc_piece_1 loop 1 : !shift.piece<4x2xf32>
// CHECK-NEXT:       shift.loop 4 {
// CHECK-NEXT:         shift.loop 2 {
// CHECK-NEXT:           shift.compute ins(%hb_piece, %h_piece_1 : !shift.piece<8x1xf32>, !shift.piece<1x8xf32>) outs(%acc_piece_1 : !shift.piece<4x2xf32>) {
// CHECK-NEXT:           ^bb0(%hb_step: tensor<4x1xf32>, %h_step: tensor<1x2xf32>, %acc_step: tensor<4x2xf32>):
// CHECK-NEXT:             %2 = linalg.matmul ins(%hb_step, %h_step : tensor<4x1xf32>, tensor<1x2xf32>) outs(%acc_step : tensor<4x2xf32>) -> tensor<4x2xf32>
// CHECK-NEXT:             shift.yield %2 : tensor<4x2xf32>
// CHECK-NEXT:           }
// CHECK-NEXT:           shift.rotate %acc_piece_1 loop 0 ring 2 pace 1 : !shift.piece<4x2xf32>
// CHECK-NEXT:         }
// CHECK-NEXT:         shift.rotate %acc_piece_1 loop 1 ring 4 pace 1 : !shift.piece<4x2xf32>
// CHECK-NEXT:       }
// CHECK-NEXT:       shift.yield
// CHECK-NEXT:     } -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [1, 1, 8], map = (d0, d1, d2) -> (d0, d1), temporal = [2, 4, 1]>>
// CHECK-NEXT:     %y_1 = rtensor.collect %y : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [1, 1, 8], map = (d0, d1, d2) -> (d0, d1), temporal = [2, 4, 1]>> -> tensor<8x8xf32>
// CHECK-NEXT:     func.return %y_1 : tensor<8x8xf32>
// CHECK-NEXT:   }
