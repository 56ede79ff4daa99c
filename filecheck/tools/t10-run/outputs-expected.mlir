// RUN: t10-run %s --chip small-16 --outputs %t.npz | filecheck %s
// RUN: t10-run %s --chip small-16 --expected %t.npz | filecheck %s --check-prefix=EXPECTED
// RUN: not t10-run %s --chip small-16 --expected %s 2>&1 | filecheck %s --check-prefix=NOT-NPZ

// A plain f32 matmul of N(0, 1) values over 256 terms: its outputs near zero differ
// from the reference by summation order alone, within the error bound.

// CHECK:      match: yes (max abs error {{[0-9.e-]+}}, {{0\.[0-9]+|0}} of the error bound at most; {{[0-9]+}} rounding step
// CHECK-NEXT:   output 0 (f32): yes, max abs error {{[0-9.e-]+}}, worst {{0\.[0-9]+|0}} of the bound ({{[0-9.e-]+}} against {{[0-9.e-]+}} at [{{[0-9]+}}, {{[0-9]+}}])

// The outputs written are the expected ones of the same run: no difference at all.
// EXPECTED:      match: yes (max abs error 0, 0 of the error bound at most;
// EXPECTED:      expected: {{.*}}.npz (within the numpy reference's bounds)

// NOT-NPZ: t10-run: error: --expected {{.*}}outputs-expected.mlir: not an .npz archive of named arrays

func.func @mm(%a: tensor<32x256xf32>, %b: tensor<256x64xf32>, %c: tensor<32x64xf32>)
    -> tensor<32x64xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<32x256xf32>, tensor<256x64xf32>)
                     outs(%c : tensor<32x64xf32>) -> tensor<32x64xf32>
  func.return %r : tensor<32x64xf32>
}
