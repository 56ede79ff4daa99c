// Operators of constants are folded; dense constants still read become weight arguments.
// RUN: t10-opt %s --split-input-file -p t10-canonicalize | filecheck %s

// Batch norm's variance + epsilon and rsqrt are computed at compile time; the folded
// scale becomes a weight argument carrying its value.
func.func @folded_scale(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %var = arith.constant dense<[3.0, 0.0, 1.0, 15.0]> : tensor<4xf32>
  %eps = arith.constant 1.0 : f32
  %e4 = tensor.empty() : tensor<4xf32>
  %plus = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%var : tensor<4xf32>) outs(%e4 : tensor<4xf32>) {
  ^bb0(%v: f32, %o: f32):
    %s = arith.addf %v, %eps : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %inv = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%plus : tensor<4xf32>) outs(%e4 : tensor<4xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = math.rsqrt %v : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %e = tensor.empty() : tensor<2x4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x, %inv : tensor<2x4xf32>, tensor<4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// CHECK-LABEL: func.func @folded_scale(%x: tensor<2x4xf32>, %const0: tensor<4xf32> {t10.weight, t10.value = dense<[5.000000e-01, 1.000000e+00, 0.707106769, 2.500000e-01]> : tensor<4xf32>}) -> tensor<2x4xf32>
// CHECK-NOT:     math.rsqrt
// CHECK:         linalg.generic {{.*}} ins(%x, %const0 : tensor<2x4xf32>, tensor<4xf32>)

// -----

// A transposed constant weight is folded, reshapes of constants too.
func.func @transposed_constant(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %et = tensor.empty() : tensor<2x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x2xf32>) outs(%et : tensor<2x2xf32>) permutation = [1, 0]
  %e = tensor.empty() : tensor<3x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<3x2xf32>) -> tensor<3x2xf32>
  %r = linalg.matmul ins(%x, %t : tensor<3x2xf32>, tensor<2x2xf32>) outs(%f : tensor<3x2xf32>) -> tensor<3x2xf32>
  return %r : tensor<3x2xf32>
}

// CHECK-LABEL: func.func @transposed_constant(%x: tensor<3x2xf32>, %const0: tensor<2x2xf32> {t10.weight, t10.value = dense<{{\[}}[1.000000e+00, 3.000000e+00], [2.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>})
// CHECK:         linalg.matmul ins(%x, %const0 : tensor<3x2xf32>, tensor<2x2xf32>)
