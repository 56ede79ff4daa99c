// What t10-insert-shifts cannot make of a tensor.pad, each with a located error.
// RUN: t10-opt %s --split-input-file --verify-diagnostics -p 't10-partition{chip=small-16},t10-select-plans{chip=small-16},t10-insert-shifts' | filecheck %s

func.func @pad_of_pad(%x: tensor<4x4xf32>) -> tensor<8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[1, 1] high[1, 1] {
  ^bb0(%i0: index, %i1: index):
    tensor.yield %zero : f32
  } : tensor<4x4xf32> to tensor<6x6xf32>
  %q = tensor.pad %p low[1, 1] high[1, 1] {
  ^bb0(%i0: index, %i1: index):
    tensor.yield %zero : f32
  } : tensor<6x6xf32> to tensor<8x8xf32>
  %e = tensor.empty() : tensor<8x8xf32>
  %r = linalg.add ins(%q, %q : tensor<8x8xf32>, tensor<8x8xf32>) outs(%e : tensor<8x8xf32>) -> tensor<8x8xf32>
  func.return %r : tensor<8x8xf32>
}
// CHECK: pad-errors.mlir:{{[0-9]+}}:3: error: tensor.pad of a tensor.pad: fold them into one

// -----

func.func @computed_padding(%x: tensor<4x4xf32>) -> tensor<6x6xf32> {
  %p = tensor.pad %x low[1, 1] high[1, 1] {
  ^bb0(%i0: index, %i1: index):
    %one = arith.constant 1.0 : f32
    tensor.yield %one : f32
  } : tensor<4x4xf32> to tensor<6x6xf32>
  %e = tensor.empty() : tensor<6x6xf32>
  %r = linalg.add ins(%p, %p : tensor<6x6xf32>, tensor<6x6xf32>) outs(%e : tensor<6x6xf32>) -> tensor<6x6xf32>
  func.return %r : tensor<6x6xf32>
}
// CHECK: error: tensor.pad yields a value that is not an arith.constant from outside its region: only a constant padding is written by the cores
