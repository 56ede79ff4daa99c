// Transposes, broadcasts and copying generics are read through composed maps.
// RUN: t10-opt %s --split-input-file -p t10-canonicalize | filecheck %s

// Gemm with transB, as torch-mlir lowers it: the transpose is never made.
func.func @transposed_weight(%x: tensor<4x8xf32>, %w: tensor<10x8xf32> {t10.weight}) -> tensor<4x10xf32> {
  %zero = arith.constant 0.0 : f32
  %et = tensor.empty() : tensor<8x10xf32>
  %t = linalg.transpose ins(%w : tensor<10x8xf32>) outs(%et : tensor<8x10xf32>) permutation = [1, 0]
  %e = tensor.empty() : tensor<4x10xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x10xf32>) -> tensor<4x10xf32>
  %r = linalg.matmul ins(%x, %t : tensor<4x8xf32>, tensor<8x10xf32>) outs(%f : tensor<4x10xf32>) -> tensor<4x10xf32>
  return %r : tensor<4x10xf32>
}

// CHECK-LABEL: func.func @transposed_weight
// CHECK-NOT:     linalg.transpose
// CHECK:         linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : tensor<4x8xf32>, tensor<10x8xf32>)

// -----

// A weight copied once per batch (ONNX MatMul of 3-D by 2-D) is read by every batch.
func.func @broadcast_copy(%x: tensor<2x16x32xf32>, %w: tensor<32x64xf32> {t10.weight}) -> tensor<2x16x64xf32> {
  %zero = arith.constant 0.0 : f32
  %eb = tensor.empty() : tensor<2x32x64xf32>
  %wb = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%w : tensor<32x64xf32>) outs(%eb : tensor<2x32x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<2x32x64xf32>
  %e = tensor.empty() : tensor<2x16x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x16x64xf32>) -> tensor<2x16x64xf32>
  %r = linalg.batch_matmul ins(%x, %wb : tensor<2x16x32xf32>, tensor<2x32x64xf32>) outs(%f : tensor<2x16x64xf32>) -> tensor<2x16x64xf32>
  return %r : tensor<2x16x64xf32>
}

// CHECK-LABEL: func.func @broadcast_copy
// CHECK-NOT:     tensor<2x32x64xf32>
// CHECK:         linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>, affine_map<(d0, d1, d2, d3) -> (d3, d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%x, %w : tensor<2x16x32xf32>, tensor<32x64xf32>)
