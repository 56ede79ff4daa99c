// Errors MLIR's parser and verifier report and xDSL's do not, each at its cause:
// a value never defined or used before its definition (at the use), a dimension or
// an element count beyond 64 bits (at the shape).
// RUN: t10-opt %s --split-input-file --verify-diagnostics | filecheck %s

func.func @undefined(%a: tensor<4xf32>) -> tensor<4xf32> {
  %r = linalg.add ins(%a, %a : tensor<4xf32>, tensor<4xf32>) outs(%nope : tensor<4xf32>) -> tensor<4xf32>
  func.return %r : tensor<4xf32>
}
// CHECK:      ssa-and-shape-errors.mlir:7:67
// CHECK-NEXT:   %r = linalg.add ins(%a, %a : tensor<4xf32>, tensor<4xf32>) outs(%nope : tensor<4xf32>) -> tensor<4xf32>
// CHECK-NEXT:   {{ +}}^^^^^
// CHECK-NEXT:   {{ +}}%nope is used but never defined

// -----

func.func @used_before_defined(%a: tensor<4xf32>) -> tensor<4xf32> {
  %r = linalg.add ins(%a, %a : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %e = tensor.empty() : tensor<4xf32>
  func.return %r : tensor<4xf32>
}
// CHECK:      ssa-and-shape-errors.mlir:18:67
// CHECK:      %e is used before its definition at {{.*}}ssa-and-shape-errors.mlir:19:3: a value must be defined before the operations that use it

// -----

#id = affine_map<(d0) -> (d0)>
func.func @in_a_body(%a: tensor<4xf32>) -> tensor<4xf32> {
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%a : tensor<4xf32>) outs(%a : tensor<4xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.addf %x, %z : f32
    %z = arith.addf %x, %x : f32
    linalg.yield %y : f32
  } -> tensor<4xf32>
  func.return %r : tensor<4xf32>
}
// CHECK:      ssa-and-shape-errors.mlir:31:25
// CHECK:      %z is used before its definition at {{.*}}ssa-and-shape-errors.mlir:32:5

// -----

func.func @dimension(%a: tensor<9223372036854775808xf32>) {
  func.return
}
// CHECK:      ssa-and-shape-errors.mlir:42:33
// CHECK:      dimension 9223372036854775808 does not fit in 64 bits (at most 9223372036854775807)

// -----

func.func @elements(%a: tensor<4294967296x4294967296xf32>) {
  func.return
}
// CHECK:      ssa-and-shape-errors.mlir:50:32
// CHECK:      a shape of 18446744073709551616 elements does not fit in 64 bits (at most 9223372036854775807)
