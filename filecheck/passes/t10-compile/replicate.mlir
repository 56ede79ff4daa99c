// The vendor-library baseline (`pipeline=replicate`) against t10 on one matmul on small-16.
// With the whole SRAM both take the same plan, which rotates nothing. With 5 % of it t10
// fits by rotating A and C round rings of 4 (Cannon-like); replicate searches only plans
// that rotate nothing, and the smallest of them does not fit.
// RUN: t10-opt %s -p 't10-compile{chip=small-16 pipeline=replicate to-tile=false}' | filecheck %s --check-prefix=ROOMY
// RUN: t10-opt %s -p 't10-compile{chip=small-16 memory-fraction=0.05 to-tile=false}' | filecheck %s --check-prefix=T10
// RUN: not t10-opt %s -p 't10-compile{chip=small-16 pipeline=replicate memory-fraction=0.05}' 2>&1 | filecheck %s --check-prefix=TIGHT
// RUN: not t10-opt %s -p 't10-compile{chip=small-16 pipeline=vendor}' 2>&1 | filecheck %s --check-prefix=UNKNOWN
// RUN: not t10-opt %s -p 't10-select-plans{chip=small-16 operator-fraction=0.0}' 2>&1 | filecheck %s --check-prefix=FRACTION

func.func @matmul(%a: tensor<32x64xf32>, %b: tensor<64x48xf32>) -> tensor<32x48xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<32x48xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<32x48xf32>) -> tensor<32x48xf32>
  %r = linalg.matmul ins(%a, %b : tensor<32x64xf32>, tensor<64x48xf32>)
                     outs(%c : tensor<32x48xf32>) -> tensor<32x48xf32>
  func.return %r : tensor<32x48xf32>
}

// ROOMY: %r = shift.schedule #rtensor.plan<op_factors = [2, 4, 2], temporal = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]>
// ROOMY-NOT: shift.rotate

// T10: %r = shift.schedule #rtensor.plan<op_factors = [1, 4, 4], temporal = [[4, 1, 1], [1, 1, 1], [4, 1, 1]]>
// T10: shift.rotate

// TIGHT: error: the model does not fit small-16: 1 of 1 operators need more than the 3276 bytes per core available (65536 bytes of SRAM per core)
// TIGHT-NEXT: note: linalg.matmul needs at least 4480 bytes per core: its smallest plan takes 4480 and parked tensors 0

// UNKNOWN: t10-compile: unknown pipeline 'vendor': choose one of t10, replicate

// FRACTION: t10-select-plans: operator-fraction must be in (0, 1], got 0.0
