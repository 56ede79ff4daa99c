// RUN: t10-opt %S/../../../examples/matmul_shift.mlir | filecheck %s
// RUN: t10-opt %S/../../../examples/matmul_shift.mlir --print-op-generic | t10-opt | filecheck %s

// The example program examples/matmul_shift.mlir verifies and prints back unchanged.

// CHECK:      %a = "test.op"() : () -> !rtensor.tensor<128x64xf16, #rtensor.layout<grid = [4, 2, 2], map = (d0, d1, d2) -> (d0, d2), temporal = [2, 1, 1]>>
// CHECK-NEXT: %b = "test.op"() : () -> !rtensor.tensor<64x96xf16, #rtensor.layout<grid = [4, 2, 2], map = (d0, d1, d2) -> (d2, d1)>>
// CHECK-NEXT: %c = "test.op"() : () -> !rtensor.tensor<128x96xf16, #rtensor.layout<grid = [4, 2, 2], map = (d0, d1, d2) -> (d0, d1), temporal = [2, 1, 1]>>
// CHECK-NEXT: %r = shift.schedule #rtensor.plan<op_factors = [4, 2, 2], temporal = {{\[}}[2, 1, 1], [1, 1, 1], [2, 1, 1]]> ins(%a, %b : !rtensor.tensor<128x64xf16, #rtensor.layout<grid = [4, 2, 2], map = (d0, d1, d2) -> (d0, d2), temporal = [2, 1, 1]>>, !rtensor.tensor<64x96xf16, #rtensor.layout<grid = [4, 2, 2], map = (d0, d1, d2) -> (d2, d1)>>) outs(%c : !rtensor.tensor<128x96xf16, #rtensor.layout<grid = [4, 2, 2], map = (d0, d1, d2) -> (d0, d1), temporal = [2, 1, 1]>>) {
// CHECK-NEXT: ^bb0(%pa: !shift.piece<16x32xf16>, %pb: !shift.piece<32x48xf16>, %pc: !shift.piece<16x48xf16>):
// CHECK-NEXT:   shift.skew %pa loop 0 : !shift.piece<16x32xf16>
// CHECK-NEXT:   shift.skew %pc loop 0 : !shift.piece<16x48xf16>
// CHECK-NEXT:   shift.loop 2 {
// CHECK-NEXT:     shift.compute ins(%pa, %pb : !shift.piece<16x32xf16>, !shift.piece<32x48xf16>) outs(%pc : !shift.piece<16x48xf16>) {
// CHECK-NEXT:     ^bb0(%x: tensor<16x32xf16>, %y: tensor<32x48xf16>, %z: tensor<16x48xf16>):
// CHECK-NEXT:       %sum = linalg.matmul ins(%x, %y : tensor<16x32xf16>, tensor<32x48xf16>) outs(%z : tensor<16x48xf16>) -> tensor<16x48xf16>
// CHECK-NEXT:       shift.yield %sum : tensor<16x48xf16>
// CHECK-NEXT:     }
// CHECK-NEXT:     shift.rotate %pa loop 0 ring 2 pace 1 : !shift.piece<16x32xf16>
// CHECK-NEXT:     shift.rotate %pc loop 0 ring 2 pace 1 : !shift.piece<16x48xf16>
// CHECK-NEXT:   }
// CHECK-NEXT:   shift.yield
// CHECK-NEXT: } -> !rtensor.tensor<128x96xf16, #rtensor.layout<grid = [4, 2, 2], map = (d0, d1, d2) -> (d0, d1), temporal = [2, 1, 1]>>
