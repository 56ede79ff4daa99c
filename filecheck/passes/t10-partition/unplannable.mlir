// An operator that cannot be planned is reported at its location, naming it
// and the reason, and t10-opt exits 1 with no traceback (the first such
// operator ends the run); --verify-diagnostics prints each chunk's message.
// RUN: not t10-opt %s -p 't10-partition{chip=small-16}' 2>&1 | filecheck %s --check-prefix=FIRST
// RUN: t10-opt %s -p 't10-partition{chip=small-16}' --split-input-file --verify-diagnostics | filecheck %s

// A 4096^3 matmul needs at least 8 MiB a core; small-16 has 64 KiB.
func.func @too_big(%a: tensor<4096x4096xf16>, %b: tensor<4096x4096xf16>, %c: tensor<4096x4096xf16>) -> tensor<4096x4096xf16> {
  %r = linalg.matmul ins(%a, %b : tensor<4096x4096xf16>, tensor<4096x4096xf16>) outs(%c : tensor<4096x4096xf16>) -> tensor<4096x4096xf16>
  func.return %r : tensor<4096x4096xf16>
}

// CHECK: unplannable.mlir:9:3: error: cannot plan linalg.matmul: no plan fits: the smallest needs 8388608 bytes per core, small-16 has 65536
// FIRST: unplannable.mlir:9:3: error: cannot plan linalg.matmul: no plan fits: the smallest needs 8388608 bytes per core, small-16 has 65536
// FIRST-NOT: Traceback
// FIRST-NOT: cannot plan

// -----

// small-16 holds no f64 (an integer matmul plans: it runs on the vector units).
func.func @float64(%a: tensor<64x64xf64>, %b: tensor<64x64xf64>, %c: tensor<64x64xf64>) -> tensor<64x64xf64> {
  %r = linalg.matmul ins(%a, %b : tensor<64x64xf64>, tensor<64x64xf64>) outs(%c : tensor<64x64xf64>) -> tensor<64x64xf64>
  func.return %r : tensor<64x64xf64>
}

// CHECK: unplannable.mlir:22:3: error: cannot plan linalg.matmul: chip 'small-16' has no element type 'f64'; it has f16, bf16, f32, i32, i8, i1, i16, i64, index

// -----

func.func @dynamic(%a: tensor<?x64xf16>, %b: tensor<64x64xf16>, %c: tensor<?x64xf16>) -> tensor<?x64xf16> {
  %r = linalg.matmul ins(%a, %b : tensor<?x64xf16>, tensor<64x64xf16>) outs(%c : tensor<?x64xf16>) -> tensor<?x64xf16>
  func.return %r : tensor<?x64xf16>
}

// CHECK: unplannable.mlir:31:3: error: cannot plan linalg.matmul: linalg.matmul has loop extents [{{.*}}, 64, 64]: dynamic or empty loops
