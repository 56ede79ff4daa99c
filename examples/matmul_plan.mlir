// C = A x B (128x64 times 64x96, fp16) planned by hand on a 4x2x2 grid of cores
// over the loops (m, n, k): A's pieces are cut in two along m and rotate round
// the two cores that share them (along n); C's partial sums rotate round the two
// k cores, so each is complete after two compute steps. B stays put.
#a = #rtensor.layout<grid = [4, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>
#b = #rtensor.layout<grid = [4, 2, 2], map = (m, n, k) -> (k, n)>
#c = #rtensor.layout<grid = [4, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>
func.func @matmul(%a: tensor<128x64xf16>, %b: tensor<64x96xf16>, %c: tensor<128x96xf16>) -> tensor<128x96xf16> {
  %da = rtensor.distribute %a : tensor<128x64xf16> -> !rtensor.tensor<128x64xf16, #a>
  %db = rtensor.distribute %b : tensor<64x96xf16> -> !rtensor.tensor<64x96xf16, #b>
  %dc = rtensor.distribute %c : tensor<128x96xf16> -> !rtensor.tensor<128x96xf16, #c>
  %dr = rtensor.compute #rtensor.plan<op_factors = [4, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]>
      ins(%da, %db : !rtensor.tensor<128x64xf16, #a>, !rtensor.tensor<64x96xf16, #b>)
      outs(%dc : !rtensor.tensor<128x96xf16, #c>) {
  ^bb0(%la: tensor<128x64xf16>, %lb: tensor<64x96xf16>, %lc: tensor<128x96xf16>):
    %r = linalg.matmul ins(%la, %lb : tensor<128x64xf16>, tensor<64x96xf16>) outs(%lc : tensor<128x96xf16>) -> tensor<128x96xf16>
    rtensor.yield %r : tensor<128x96xf16>
  } -> !rtensor.tensor<128x96xf16, #c>
  %r = rtensor.collect %dr : !rtensor.tensor<128x96xf16, #c> -> tensor<128x96xf16>
  func.return %r : tensor<128x96xf16>
}
