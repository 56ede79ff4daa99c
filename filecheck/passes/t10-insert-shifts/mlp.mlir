// The whole pipeline on the example MLP (weights marked), on mesh-64: small
// enough to plan quickly, big enough for every layer to fit.
// RUN: t10-opt %S/../../../examples/mlp.mlir -p 't10-partition{chip=mesh-64},t10-select-plans{chip=mesh-64},t10-insert-shifts' | filecheck %s

// The three weights go to their idle layouts at entry; x straight to the
// layout its reader wants. The fills initialise each matmul's accumulator in
// place; both matmuls end with a reduce-scatter of their partial sums. The
// bias's scalar constant is cloned into the compute step; the function result
// is collected.
// CHECK:        %w1_idle = rtensor.distribute %w1 : tensor<512x1024xf16> -> !rtensor.tensor<512x1024xf16, #rtensor.layout<grid = [64, 1], map = (d0, d1) -> (d0, d1)>>
// CHECK-NEXT:   %b1_idle = rtensor.distribute %b1
// CHECK-NEXT:   %w2_idle = rtensor.distribute %w2
// CHECK-NEXT:   %zero = arith.constant
// CHECK-NEXT:   %x_dist = rtensor.distribute %x
// CHECK-NEXT:   rtensor.relayout %w1_idle {t10.predicted_cycles = {{[1-9][0-9]*}} : i64}
// CHECK-NEXT:   %acc1_dist = rtensor.fill %zero
// CHECK-NEXT:   %h = shift.schedule
// CHECK-SAME:     attributes {t10.plan_cost = {bytes_per_core = {{[0-9]+}} : i64, cycles = {{[0-9]+}} : i64
// CHECK:          shift.compute
// CHECK-NEXT:     ^bb0(%x_step: tensor<{{.*}}>, %w1_step: tensor<{{.*}}>, %acc1_step: tensor<{{.*}}>):
// CHECK-NEXT:       linalg.matmul ins(%x_step, %w1_step
// CHECK:          shift.reduce_scatter %acc1_piece scatter [{{[0-9, ]+}}]
// CHECK-NEXT:     shift.yield
// CHECK-NEXT:   } -> !rtensor.tensor<64x1024xf16,
// CHECK:        %e1_dist = rtensor.empty
// CHECK-NEXT:   %hb = shift.schedule
// CHECK:          shift.compute
// CHECK-NEXT:     ^bb0(%h_step: tensor<{{.*}}>, %b1_step: tensor<{{.*}}>, %e1_step: tensor<{{.*}}>):
// CHECK-NEXT:       %zero_1 = arith.constant 0.000000e+00 : f16
// CHECK-NEXT:       linalg.generic
// CHECK:              arith.maximumf %s, %zero_1 : f16
// CHECK:        rtensor.relayout %w2_idle
// CHECK-NEXT:   %acc2_dist = rtensor.fill %zero
// CHECK-NEXT:   %y = shift.schedule
// CHECK:          shift.reduce_scatter %acc2_piece
// CHECK:        %y_1 = rtensor.collect %y
// CHECK-NEXT:   func.return %y_1 : tensor<64x256xf16>
// CHECK-NOT:    linalg.fill
