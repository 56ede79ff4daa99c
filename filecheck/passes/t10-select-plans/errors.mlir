// Every way t10-select-plans refuses a module: each message names the cause.
// RUN: t10-opt %s --split-input-file --verify-diagnostics -p 't10-partition{chip=small-16},t10-select-plans{chip=small-16 memory-fraction=0.02}' | filecheck %s
// RUN: t10-opt %s --split-input-file --verify-diagnostics -p 't10-select-plans{chip=small-16}' | filecheck %s --check-prefix=UNPARTITIONED
// RUN: t10-opt %s --split-input-file --verify-diagnostics -p 't10-select-plans{memory-fraction=1.5}' | filecheck %s --check-prefix=FRACTION
// RUN: t10-opt %s --split-input-file --verify-diagnostics -p 't10-select-plans{chip=no-such-chip}' | filecheck %s --check-prefix=CHIP

// Weights of 4 x 128 KiB leave 32 KiB per core of small-16's 64 KiB before
// any operator runs: 2 % of the SRAM (1310 bytes) is not enough for anything.
!w = tensor<256x256xf16>
func.func @heavy(%x: tensor<16x256xf16>, %w1: !w {t10.weight}, %w2: !w {t10.weight},
                 %w3: !w {t10.weight}, %w4: !w {t10.weight}) -> tensor<16x256xf16> {
  %e = tensor.empty() : tensor<16x256xf16>
  %a = linalg.matmul ins(%x, %w1 : tensor<16x256xf16>, !w) outs(%e : tensor<16x256xf16>) -> tensor<16x256xf16>
  %b = linalg.matmul ins(%a, %w2 : tensor<16x256xf16>, !w) outs(%e : tensor<16x256xf16>) -> tensor<16x256xf16>
  func.return %b : tensor<16x256xf16>
}

// CHECK:      error: the model does not fit small-16: 2 of 2 operators need more than the 1310 bytes per core available (65536 bytes of SRAM per core)
// CHECK-NEXT: errors.mlir:13:3: note: linalg.matmul needs at least {{[0-9]+}} bytes per core: its smallest plan takes {{[0-9]+}} and parked tensors 32768
// CHECK-NEXT: errors.mlir:14:3: note: linalg.matmul needs at least {{[0-9]+}} bytes per core: its smallest plan takes {{[0-9]+}} and parked tensors 32768

// UNPARTITIONED: errors.mlir:13:3: error: linalg.matmul has no plans (t10.frontier): run t10-partition before t10-select-plans
// FRACTION:      t10-select-plans: memory-fraction must be in (0, 1], got 1.5
// CHIP:          no-such-chip
