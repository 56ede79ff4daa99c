// -o is written whole, only on success: the output may be the input, and a failing
// run leaves an existing output as it was (see tools/output_files.py).
// RUN: cp %s %t.mlir
// RUN: t10-opt %t.mlir -o %t.mlir --print-op-generic
// RUN: filecheck %s --check-prefix=REWRITTEN < %t.mlir
// RUN: echo "previous" > %t.out
// RUN: not t10-opt %s -p 't10-compile{chip=small-16 memory-fraction=2}' -o %t.out 2>&1 | filecheck %s --check-prefix=ERROR
// RUN: filecheck %s --check-prefix=KEPT < %t.out
// RUN: not t10-opt %s -o %t.missing/out.mlir 2>&1 | filecheck %s --check-prefix=MISSING

func.func @f(%a: tensor<16x16xf32>, %b: tensor<16x16xf32>) -> tensor<16x16xf32> {
  %e = tensor.empty() : tensor<16x16xf32>
  %r = linalg.add ins(%a, %b : tensor<16x16xf32>, tensor<16x16xf32>) outs(%e : tensor<16x16xf32>) -> tensor<16x16xf32>
  func.return %r : tensor<16x16xf32>
}

// REWRITTEN: "linalg.add"
// ERROR: t10-select-plans: memory-fraction must be in (0, 1], got 2.0
// KEPT: previous
// MISSING: t10-opt: error: -o {{.*}}.missing/out.mlir: cannot write: No such file or directory
