// Operators write fresh tensors: outs holding data become inputs, or a separate combine.
// RUN: t10-opt %s --split-input-file -p t10-canonicalize | filecheck %s

// An elementwise op accumulating into an argument reads it as an input.
func.func @parallel_reads_outs(%x: tensor<8x8xf32>, %acc: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<8x8xf32>) outs(%acc : tensor<8x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  } -> tensor<8x8xf32>
  return %r : tensor<8x8xf32>
}

// CHECK-LABEL: func.func @parallel_reads_outs
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<8x8xf32>
// CHECK:         linalg.generic {{.*}} ins(%x, %acc : tensor<8x8xf32>, tensor<8x8xf32>) outs(%[[E]] : tensor<8x8xf32>)
// CHECK-NEXT:    ^bb0(%[[A:.*]]: f32, %[[ACC:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      arith.addf %[[A]], %[[ACC]] : f32

// -----

// A convolution accumulating into its broadcast bias (as torch-mlir lowers ONNX Conv)
// starts from zero; an elementwise op adds the bias, read through a broadcasting map.
func.func @conv_bias(%x: tensor<1x3x10x10xf32>, %w: tensor<8x3x3x3xf32> {t10.weight}, %b: tensor<8xf32> {t10.weight}) -> tensor<1x8x8x8xf32> {
  %e = tensor.empty() : tensor<1x8x8x8xf32>
  %bias = linalg.broadcast ins(%b : tensor<8xf32>) outs(%e : tensor<1x8x8x8xf32>) dimensions = [0, 2, 3]
  %r = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x3x10x10xf32>, tensor<8x3x3x3xf32>) outs(%bias : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  return %r : tensor<1x8x8x8xf32>
}

// CHECK-LABEL: func.func @conv_bias
// CHECK:         %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[FILL:.*]] = linalg.fill ins(%[[ZERO]] : f32)
// CHECK:         %[[CONV:.*]] = linalg.generic {{.*}} ins(%x, %w : tensor<1x3x10x10xf32>, tensor<8x3x3x3xf32>) outs(%[[FILL]] : tensor<1x8x8x8xf32>)
// CHECK:         linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[CONV]], %b : tensor<1x8x8x8xf32>, tensor<8xf32>)
// CHECK-NEXT:    ^bb0(%[[C:.*]]: f32, %[[B:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      arith.addf %[[C]], %[[B]] : f32
// CHECK-NOT:     linalg.broadcast

// -----

// A matmul accumulating into an argument keeps it: the pipeline distributes that output
// like any other, and a second operator would only cost a launch and a pass over it.
func.func @matmul_into_argument(%a: tensor<8x16xf32>, %b: tensor<16x8xf32>, %c: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<8x16xf32>, tensor<16x8xf32>) outs(%c : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %r : tensor<8x8xf32>
}

// CHECK-LABEL: func.func @matmul_into_argument
// CHECK-NEXT:    %[[R:.*]] = linalg.matmul ins(%a, %b : tensor<8x16xf32>, tensor<16x8xf32>) outs(%c : tensor<8x8xf32>) -> tensor<8x8xf32>
// CHECK-NEXT:    func.return %[[R]] : tensor<8x8xf32>
