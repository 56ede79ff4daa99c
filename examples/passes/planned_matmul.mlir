// A matmul carrying the plan t10-select-plans would attach: A and C rotate
// along m in 2 pieces, as in examples/matmul_plan.mlir.
func.func @matmul(%a: tensor<128x64xf16>, %b: tensor<64x96xf16>, %c: tensor<128x96xf16>) -> tensor<128x96xf16> {
  %r = linalg.matmul {t10.plan = #rtensor.plan<op_factors = [4, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]>} ins(%a, %b : tensor<128x64xf16>, tensor<64x96xf16>) outs(%c : tensor<128x96xf16>) -> tensor<128x96xf16>
  func.return %r : tensor<128x96xf16>
}
