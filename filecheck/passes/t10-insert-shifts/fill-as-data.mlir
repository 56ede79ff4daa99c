// A fill read as data (the ReLU's zeros are the matmul's own zero init) is no
// operator: each reader gets an rtensor.fill in its own layout, so no core
// computes it in a schedule and nothing moves it between cores.
// RUN: t10-opt %s -p 't10-partition{chip=small-16},t10-select-plans{chip=small-16},t10-insert-shifts' | filecheck %s

func.func @mlp(%x: tensor<16x64xf32>, %w: tensor<64x64xf32> {t10.weight}) -> tensor<16x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x64xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<16x64xf32>) -> tensor<16x64xf32>
  %h = linalg.matmul ins(%x, %w : tensor<16x64xf32>, tensor<64x64xf32>) outs(%acc : tensor<16x64xf32>) -> tensor<16x64xf32>
  %r = linalg.max ins(%h, %acc : tensor<16x64xf32>, tensor<16x64xf32>) outs(%e : tensor<16x64xf32>) -> tensor<16x64xf32>
  func.return %r : tensor<16x64xf32>
}

// CHECK:      %acc_dist = rtensor.fill %zero : f32 -> !rtensor.tensor<16x64xf32, [[MATMUL_OUT:.*]]>
// CHECK:      %h = shift.schedule
// CHECK-SAME:   outs(%acc_dist : !rtensor.tensor<16x64xf32, [[MATMUL_OUT]]>)
// CHECK:      %acc_dist_1 = rtensor.fill %zero : f32 -> !rtensor.tensor<16x64xf32, [[MAX_IN:.*]]>
// CHECK:      %r = shift.schedule
// CHECK-SAME:   ins(%{{.*}}, %acc_dist_1 : !rtensor.tensor<16x64xf32, {{.*}}>, !rtensor.tensor<16x64xf32, [[MAX_IN]]>)
// CHECK-NOT:  linalg.fill
// CHECK:      func.return
