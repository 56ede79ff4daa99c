// A softmax through the whole pipeline on small-16: its normalised dim is
// never split, so the plan splits rows over the cores, nothing rotates, and
// the schedule is one compute step on each core's 8x4x128 piece.
// RUN: t10-opt %s -p 't10-partition{chip=small-16},t10-select-plans{chip=small-16},t10-insert-shifts' | filecheck %s

func.func @softmax(%x: tensor<8x64x128xf16>, %y: tensor<8x64x128xf16>) -> tensor<8x64x128xf16> {
  %r = linalg.softmax dimension(2) ins(%x : tensor<8x64x128xf16>) outs(%y : tensor<8x64x128xf16>) -> tensor<8x64x128xf16>
  func.return %r : tensor<8x64x128xf16>
}

// CHECK:      %x_dist = rtensor.distribute %x : tensor<8x64x128xf16> -> !rtensor.tensor<8x64x128xf16, #rtensor.layout<grid = [1, 16, 1], map = (d0, d1, d2) -> (d0, d1, d2)>>
// CHECK-NEXT: %y_dist = rtensor.distribute %y
// CHECK-NEXT: %r = shift.schedule #rtensor.plan<op_factors = [1, 16, 1], temporal = {{\[\[}}1, 1, 1], [1, 1, 1]]> ins(%x_dist : {{.*}}) outs(%y_dist : {{.*}}) attributes {t10.plan_cost = {{.*}}} {
// CHECK-NEXT: ^bb0(%x_piece: !shift.piece<8x4x128xf16>, %y_piece: !shift.piece<8x4x128xf16>):
// CHECK-NEXT:   shift.compute ins(%x_piece : !shift.piece<8x4x128xf16>) outs(%y_piece : !shift.piece<8x4x128xf16>) {
// CHECK-NEXT:   ^bb0(%x_step: tensor<8x4x128xf16>, %y_step: tensor<8x4x128xf16>):
// CHECK-NEXT:     %0 = linalg.softmax dimension(2) ins(%x_step : tensor<8x4x128xf16>) outs(%y_step : tensor<8x4x128xf16>) -> tensor<8x4x128xf16>
// CHECK-NEXT:     shift.yield %0 : tensor<8x4x128xf16>
// CHECK-NEXT:   }
// CHECK-NEXT:   shift.yield
// CHECK-NEXT: } -> !rtensor.tensor<8x64x128xf16, #rtensor.layout<grid = [1, 16, 1], map = (d0, d1, d2) -> (d0, d1, d2)>>
// CHECK-NEXT: %r_1 = rtensor.collect %r
// CHECK-NEXT: func.return %r_1 : tensor<8x64x128xf16>
