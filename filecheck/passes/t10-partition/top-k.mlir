// top-k=K keeps K plans spread evenly along the frontier, the smallest and the
// fastest among them. The whole frontier of this matmul has 8 plans (see
// matmul.mlir): top-k=3 keeps positions 0, 4 (3.5 rounded up) and 7.
// RUN: t10-opt %s -p 't10-partition{chip=small-16 top-k=2}' | filecheck %s --check-prefix=TWO
// RUN: t10-opt %s -p 't10-partition{chip=small-16 top-k=3}' | filecheck %s --check-prefix=THREE
// A K beyond the frontier keeps it whole, as top-k=0 does.
// RUN: t10-opt %s -p 't10-partition{chip=small-16 top-k=100}' | filecheck %s --check-prefix=ALL
// RUN: t10-opt %s -p 't10-partition{chip=small-16 top-k=0}' | filecheck %s --check-prefix=ALL

func.func @matmul(%a: tensor<64x128xf16>, %b: tensor<128x96xf16>, %c: tensor<64x96xf16>) -> tensor<64x96xf16> {
  %r = linalg.matmul ins(%a, %b : tensor<64x128xf16>, tensor<128x96xf16>) outs(%c : tensor<64x96xf16>) -> tensor<64x96xf16>
  func.return %r : tensor<64x96xf16>
}

// TWO:      t10.frontier = [
// TWO-SAME:   #rtensor.plan<op_factors = [1, 1, 16], temporal = [[1, 1, 1], [1, 1, 1], [4, 4, 1]]>,
// TWO-SAME:   #rtensor.plan<op_factors = [4, 2, 2], temporal = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]>],
// TWO-SAME:   t10.frontier_cost = dense<{{\[\[}}4096, 22602], [10496, 4154]]> : tensor<2x2xi64>

// THREE:      t10.frontier = [
// THREE-SAME:   #rtensor.plan<op_factors = [1, 1, 16], temporal = [[1, 1, 1], [1, 1, 1], [4, 4, 1]]>,
// THREE-SAME:   #rtensor.plan<op_factors = [4, 2, 2], temporal = [[1, 1, 1], [1, 1, 4], [1, 1, 1]]>,
// THREE-SAME:   #rtensor.plan<op_factors = [4, 2, 2], temporal = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]>],
// THREE-SAME:   t10.frontier_cost = dense<{{\[\[}}4096, 22602], [7424, 7310], [10496, 4154]]> : tensor<3x2xi64>

// ALL: t10.frontier_cost = dense<{{\[\[}}4096, 22602], {{.*}}, [10496, 4154]]> : tensor<8x2xi64>
