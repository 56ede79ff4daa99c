// C = A x B, 128x64x96, loops (m, n, k) on a [4, 2, 2] grid: 16 cores. A (read
// by 2 n-cores) and the partial sums of C (shared by 2 k-cores) are cut in two
// along m and rotate; B stays put. Two compute steps: after them every piece of
// C has visited both k cores and holds its full sum.

%a = "test.op"() : () -> !rtensor.tensor<128x64xf16, #rtensor.layout<grid = [4, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>
%b = "test.op"() : () -> !rtensor.tensor<64x96xf16, #rtensor.layout<grid = [4, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<128x96xf16, #rtensor.layout<grid = [4, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
%r = shift.schedule #rtensor.plan<op_factors = [4, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]> ins(%a, %b : !rtensor.tensor<128x64xf16, #rtensor.layout<grid = [4, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>, !rtensor.tensor<64x96xf16, #rtensor.layout<grid = [4, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<128x96xf16, #rtensor.layout<grid = [4, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>) {
^bb0(%pa: !shift.piece<16x32xf16>, %pb: !shift.piece<32x48xf16>, %pc: !shift.piece<16x48xf16>):
  shift.skew %pa loop 0 : !shift.piece<16x32xf16>
  shift.skew %pc loop 0 : !shift.piece<16x48xf16>
  shift.loop 2 {
    shift.compute ins(%pa, %pb : !shift.piece<16x32xf16>, !shift.piece<32x48xf16>) outs(%pc : !shift.piece<16x48xf16>) {
    ^bb0(%x: tensor<16x32xf16>, %y: tensor<32x48xf16>, %z: tensor<16x48xf16>):
      %sum = linalg.matmul ins(%x, %y : tensor<16x32xf16>, tensor<32x48xf16>) outs(%z : tensor<16x48xf16>) -> tensor<16x48xf16>
      shift.yield %sum : tensor<16x48xf16>
    }
    shift.rotate %pa loop 0 ring 2 pace 1 : !shift.piece<16x32xf16>
    shift.rotate %pc loop 0 ring 2 pace 1 : !shift.piece<16x48xf16>
  }
  shift.yield
} -> !rtensor.tensor<128x96xf16, #rtensor.layout<grid = [4, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>

