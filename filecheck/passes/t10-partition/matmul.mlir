// A small matmul on small-16: loops (m, n, k) = (64, 96, 128). Operators that
// are not structured (arith.constant, tensor.empty) get no attributes;
// linalg.fill is structured and is planned like any other.
// RUN: t10-opt %s -p 't10-partition{chip=small-16}' | filecheck %s
// The attributes print in a form that parses back.
// RUN: t10-opt %s -p 't10-partition{chip=small-16}' | t10-opt | filecheck %s

func.func @matmul(%a: tensor<64x128xf16>, %b: tensor<128x96xf16>) -> tensor<64x96xf16> {
  %zero = arith.constant 0.0 : f16
  %empty = tensor.empty() : tensor<64x96xf16>
  %acc = linalg.fill ins(%zero : f16) outs(%empty : tensor<64x96xf16>) -> tensor<64x96xf16>
  %r = linalg.matmul ins(%a, %b : tensor<64x128xf16>, tensor<128x96xf16>) outs(%acc : tensor<64x96xf16>) -> tensor<64x96xf16>
  func.return %r : tensor<64x96xf16>
}

// CHECK:      %zero = arith.constant 0.000000e+00 : f16
// CHECK-NEXT: %empty = tensor.empty() : tensor<64x96xf16>
// fill: one plan, 64x6 outputs per core (768 bytes) and the scalar (2 bytes).
// CHECK-NEXT: %acc = linalg.fill {t10.loops = array<i64: 64, 96>, t10.op_class = "data_movement",
// CHECK-SAME:   t10.frontier = [#rtensor.plan<op_factors = [1, 16], temporal = [[1, 1], [1, 1]]>],
// CHECK-SAME:   t10.frontier_cost = dense<{{\[\[}}770, 396]]> : tensor<1x2xi64>}
// The smallest plan splits k over all 16 cores: A 64x8 and B 8x96 stay put
// (1024 + 1536 bytes) and the 16 partial sums of C rotate as 16x24 pieces
// (768 bytes, double-buffered). The fastest splits 4x2x2 with nothing
// rotating: A 16x64 (2048), B 64x48 (6144), C 16x48 (1536) and a 768-byte
// chunk for the reduce-scatter of the two partial sums.
// CHECK-NEXT: %r = linalg.matmul {t10.frontier = [
// CHECK-SAME:   #rtensor.plan<op_factors = [1, 1, 16], temporal = [[1, 1, 1], [1, 1, 1], [4, 4, 1]]>,
// CHECK-SAME:   #rtensor.plan<op_factors = [1, 1, 15], temporal = [[1, 1, 1], [1, 1, 1], [5, 3, 1]]>,
// CHECK-SAME:   #rtensor.plan<op_factors = [1, 4, 4], temporal = [[4, 1, 1], [1, 1, 1], [4, 1, 1]]>,
// CHECK-SAME:   #rtensor.plan<op_factors = [2, 2, 4], temporal = [[1, 1, 1], [1, 1, 1], [2, 2, 1]]>,
// CHECK-SAME:   #rtensor.plan<op_factors = [4, 2, 2], temporal = [[1, 1, 1], [1, 1, 4], [1, 1, 1]]>,
// CHECK-SAME:   #rtensor.plan<op_factors = [2, 4, 2], temporal = [[1, 1, 1], [1, 1, 1], [2, 1, 1]]>,
// CHECK-SAME:   #rtensor.plan<op_factors = [2, 2, 4], temporal = [[1, 1, 1], [1, 1, 1], [2, 1, 1]]>,
// CHECK-SAME:   #rtensor.plan<op_factors = [4, 2, 2], temporal = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]>],
// CHECK-SAME:   t10.frontier_cost = dense<{{\[\[}}4096, 22602], [4544, 22126], [5120, 9546], [6656, 7678], [7424, 7310], [8704, 6004], [9728, 5613], [10496, 4154]]> : tensor<8x2xi64>,
// CHECK-SAME:   t10.loops = array<i64: 64, 96, 128>, t10.op_class = "contraction"}
// CHECK-SAME:   ins(%a, %b : tensor<64x128xf16>, tensor<128x96xf16>) outs(%acc : tensor<64x96xf16>) -> tensor<64x96xf16>
// CHECK-NEXT: func.return %r : tensor<64x96xf16>
