// A verifier error names the file, line and column of the operation, exits 1 and prints no traceback.
// RUN: not t10-opt %s 2>&1 | filecheck %s

func.func @wrong_result(%a: tensor<4xf32>) -> tensor<4xf16> {
  func.return %a : tensor<4xf32>
}

// CHECK: verify-error-location.mlir:5:3: error: Expected arguments to have the same types as the function output types: expected [tensor<4xf16>], got [tensor<4xf32>]
// CHECK-NOT: Traceback
