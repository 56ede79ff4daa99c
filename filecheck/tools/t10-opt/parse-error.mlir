// A malformed input gives the parser's diagnostic with a caret, exit 1, no traceback.
// RUN: not t10-opt %s 2>&1 | filecheck %s

func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  func.return %a : tensor<4xf31>
}

// CHECK: parse-error.mlir:5:29
// CHECK-NEXT: func.return %a : tensor<4xf31>
// CHECK: Expected shape type.
// CHECK-NOT: Traceback
