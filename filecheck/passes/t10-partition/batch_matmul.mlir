// A batch matmul on small-16: loops (b, m, n, k) = (4, 32, 48, 64).
// RUN: t10-opt %s -p 't10-partition{chip=small-16}' | filecheck %s

func.func @batch_matmul(%a: tensor<4x32x64xf16>, %b: tensor<4x64x48xf16>, %c: tensor<4x32x48xf16>) -> tensor<4x32x48xf16> {
  %r = linalg.batch_matmul ins(%a, %b : tensor<4x32x64xf16>, tensor<4x64x48xf16>) outs(%c : tensor<4x32x48xf16>) -> tensor<4x32x48xf16>
  func.return %r : tensor<4x32x48xf16>
}

// Smallest: one batch per core row and k split 4 ways; A 32x16 (1024 bytes)
// and B 16x48 (1536) stay, C's four partial sums rotate as 16x24 pieces (768,
// double-buffered). Fastest: b, m and n split 4x2x2, nothing rotates and no
// partial sums are combined: A 16x64 (2048), B 64x24 (3072), C 16x24 (768).
// CHECK:      %r = linalg.batch_matmul {t10.frontier = [
// CHECK-SAME:   #rtensor.plan<op_factors = [4, 1, 1, 4], temporal = [[1, 1, 1, 1], [1, 1, 1, 1], [1, 2, 2, 1]]>,
// CHECK-SAME:   #rtensor.plan<op_factors = [4, 2, 2, 1], temporal = [[1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1]]>],
// CHECK-SAME:   t10.frontier_cost = dense<{{\[\[}}4096, 5238], {{.*}}, [5888, 2726]]> : tensor<3x2xi64>,
// CHECK-SAME:   t10.loops = array<i64: 4, 32, 48, 64>, t10.op_class = "contraction"}
