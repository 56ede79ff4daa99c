// Fills and splat constants read as data become scalars in the reading body.
// RUN: t10-opt %s --split-input-file -p t10-canonicalize | filecheck %s

// ReLU written as linalg.max of the matmul against the matmul's own zero fill.
func.func @relu_against_fill(%x: tensor<32x64xf32>, %w: tensor<64x128xf32> {t10.weight}) -> tensor<32x128xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<32x128xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<32x128xf32>) -> tensor<32x128xf32>
  %h = linalg.matmul ins(%x, %w : tensor<32x64xf32>, tensor<64x128xf32>) outs(%f : tensor<32x128xf32>) -> tensor<32x128xf32>
  %r = linalg.max ins(%h, %f : tensor<32x128xf32>, tensor<32x128xf32>) outs(%e : tensor<32x128xf32>) -> tensor<32x128xf32>
  return %r : tensor<32x128xf32>
}

// CHECK-LABEL: func.func @relu_against_fill
// CHECK:         %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[H:.*]] = linalg.matmul
// CHECK:         linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%[[H]] : tensor<32x128xf32>)
// CHECK-NEXT:    ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      %[[MAX:.*]] = arith.maximumf %[[IN]], %[[ZERO]] : f32
// CHECK-NEXT:      linalg.yield %[[MAX]] : f32

// -----

// A rank-0 splat constant (ONNX's scalar initialiser) and a splat vector.
func.func @splats(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %scale = arith.constant dense<2.5> : tensor<f32>
  %bias = arith.constant dense<1.0> : tensor<8xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x, %scale, %bias : tensor<4x8xf32>, tensor<f32>, tensor<8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %s: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %s : f32
    %p = arith.addf %m, %b : f32
    linalg.yield %p : f32
  } -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// CHECK-LABEL: func.func @splats
// CHECK-DAG:     %[[S:.*]] = arith.constant 2.500000e+00 : f32
// CHECK-DAG:     %[[B:.*]] = arith.constant 1.000000e+00 : f32
// CHECK:         linalg.generic {{.*}} ins(%x : tensor<4x8xf32>)
// CHECK-NEXT:    ^bb0(%[[A:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      %[[M:.*]] = arith.mulf %[[A]], %[[S]] : f32
// CHECK-NEXT:      %[[P:.*]] = arith.addf %[[M]], %[[B]] : f32
// CHECK-NEXT:      linalg.yield %[[P]] : f32
