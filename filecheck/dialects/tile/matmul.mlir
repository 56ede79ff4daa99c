// RUN: t10-opt %S/../../../examples/matmul_tile.mlir | filecheck %s
// RUN: t10-opt %S/../../../examples/matmul_tile.mlir --print-op-generic | t10-opt | filecheck %s

// The example program examples/matmul_tile.mlir verifies and prints back unchanged.

// CHECK:      tile.program @matmul(%a: tensor<128x64xf16>, %b: tensor<64x96xf16>) -> tensor<128x96xf16> cores 16 sram_bytes 65536 {
// CHECK-NEXT:   %a0 = tile.alloc offset 0 : !tile.buffer<16x32xf16>
// CHECK-NEXT:   %a1 = tile.alloc offset 1024 : !tile.buffer<16x32xf16>
// CHECK-NEXT:   %b0 = tile.alloc offset 2048 : !tile.buffer<32x48xf16>
// CHECK-NEXT:   %c0 = tile.alloc offset 5120 : !tile.buffer<16x48xf16>
// CHECK-NEXT:   %c1 = tile.alloc offset 6656 : !tile.buffer<16x48xf16>
// CHECK-NEXT:   tile.host_write %a to %a0 by #tile.block<grid = [4, 2, 2], split = {{\[}}[0, 1 + 2], [2]]> : tensor<128x64xf16> to !tile.buffer<16x32xf16>
// CHECK-NEXT:   tile.host_write %b to %b0 by #tile.block<grid = [4, 2, 2], split = {{\[}}[2], [1]]> : tensor<64x96xf16> to !tile.buffer<32x48xf16>
// CHECK-NEXT:   tile.compute outs(%c0 : !tile.buffer<16x48xf16>) {
// CHECK-NEXT:   ^bb0(%c: tensor<16x48xf16>):
// CHECK-NEXT:     %zero = arith.constant 0.000000e+00 : f16
// CHECK-NEXT:     %zeros = linalg.fill ins(%zero : f16) outs(%c : tensor<16x48xf16>) -> tensor<16x48xf16>
// CHECK-NEXT:     tile.yield %zeros : tensor<16x48xf16>
// CHECK-NEXT:   }
// CHECK-NEXT:   tile.compute ins(%a0, %b0 : !tile.buffer<16x32xf16>, !tile.buffer<32x48xf16>) outs(%c0 : !tile.buffer<16x48xf16>) {
// CHECK-NEXT:   ^bb0(%x: tensor<16x32xf16>, %y: tensor<32x48xf16>, %z: tensor<16x48xf16>):
// CHECK-NEXT:     %sum = linalg.matmul ins(%x, %y : tensor<16x32xf16>, tensor<32x48xf16>) outs(%z : tensor<16x48xf16>) -> tensor<16x48xf16>
// CHECK-NEXT:     tile.yield %sum : tensor<16x48xf16>
// CHECK-NEXT:   }
// CHECK-NEXT:   tile.sync
// CHECK-NEXT:   tile.exchange %a0 to %a1 by #tile.rotate<grid = [4, 2, 2], axis = 1, pace = 1> : !tile.buffer<16x32xf16> to !tile.buffer<16x32xf16>
// CHECK-NEXT:   tile.exchange %c0 to %c1 by #tile.rotate<grid = [4, 2, 2], axis = 2, pace = 1> : !tile.buffer<16x48xf16> to !tile.buffer<16x48xf16>
// CHECK-NEXT:   tile.compute ins(%a1, %b0 : !tile.buffer<16x32xf16>, !tile.buffer<32x48xf16>) outs(%c1 : !tile.buffer<16x48xf16>) {
// CHECK-NEXT:   ^bb0(%x: tensor<16x32xf16>, %y: tensor<32x48xf16>, %z: tensor<16x48xf16>):
// CHECK-NEXT:     %sum = linalg.matmul ins(%x, %y : tensor<16x32xf16>, tensor<32x48xf16>) outs(%z : tensor<16x48xf16>) -> tensor<16x48xf16>
// CHECK-NEXT:     tile.yield %sum : tensor<16x48xf16>
// CHECK-NEXT:   }
// CHECK-NEXT:   tile.sync
// CHECK-NEXT:   tile.exchange %c1 to %c0 by #tile.rotate<grid = [4, 2, 2], axis = 2, pace = 1> : !tile.buffer<16x48xf16> to !tile.buffer<16x48xf16>
// CHECK-NEXT:   %c = tile.host_read %c0 by #tile.block<grid = [4, 2, 2], split = {{\[}}[0, 2 + 1], [1]]> : !tile.buffer<16x48xf16> to tensor<128x96xf16>
// CHECK-NEXT:   tile.return %c : tensor<128x96xf16>
// CHECK-NEXT: }
