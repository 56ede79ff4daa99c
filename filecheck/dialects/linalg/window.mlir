// RUN: t10-opt %s --split-input-file | filecheck %s
// RUN: t10-opt %s --split-input-file --print-op-generic | t10-opt --split-input-file | filecheck %s
// RUN: t10-opt %S/Inputs/window-invalid.mlir --split-input-file --verify-diagnostics | filecheck %S/Inputs/window-invalid.mlir

// Convolution, pooling and contraction families print in upstream's syntax in
// both directions: the generic form reparses to the custom one.

func.func @conv(%i: tensor<1x10x10x4xf32>, %k: tensor<3x3x4x8xf32>, %o: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<2> : tensor<2xi64>} ins(%i, %k : tensor<1x10x10x4xf32>, tensor<3x3x4x8xf32>) outs(%o : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %0 : tensor<1x4x4x8xf32>
}

// CHECK-LABEL: func.func @conv
// CHECK: linalg.conv_2d_nhwc_hwcf {dilations = dense<2> : tensor<2xi64>} ins(%{{.*}}, %{{.*}} : tensor<1x10x10x4xf32>, tensor<3x3x4x8xf32>) outs(%{{.*}} : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>

// -----

func.func @pool(%i: memref<2x12x3xi8>, %w: memref<4xi8>, %o: memref<2x5x3xi32>) {
  linalg.pooling_nwc_min_unsigned {strides = dense<2> : tensor<1xi64>} ins(%i, %w : memref<2x12x3xi8>, memref<4xi8>) outs(%o : memref<2x5x3xi32>)
  return
}

// CHECK-LABEL: func.func @pool
// CHECK: linalg.pooling_nwc_min_unsigned {strides = dense<2> : tensor<1xi64>} ins(%{{.*}}, %{{.*}} : memref<2x12x3xi8>, memref<4xi8>) outs(%{{.*}} : memref<2x5x3xi32>)

// -----

func.func @contract(%a: tensor<4x6x5xf32>, %b: tensor<4x5x7xf32>, %c: tensor<6x7xf32>) -> tensor<6x7xf32> {
  %0 = linalg.batch_reduce_matmul ins(%a, %b : tensor<4x6x5xf32>, tensor<4x5x7xf32>) outs(%c : tensor<6x7xf32>) -> tensor<6x7xf32>
  %1 = linalg.contract indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>, affine_map<(d0, d1, d2, d3) -> (d1, d2)>] ins(%a, %b : tensor<4x6x5xf32>, tensor<4x5x7xf32>) outs(%0 : tensor<6x7xf32>) -> tensor<6x7xf32>
  return %1 : tensor<6x7xf32>
}

// CHECK-LABEL: func.func @contract
// CHECK: linalg.batch_reduce_matmul ins(%{{.*}}, %{{.*}} : tensor<4x6x5xf32>, tensor<4x5x7xf32>) outs(%{{.*}} : tensor<6x7xf32>) -> tensor<6x7xf32>
// CHECK: linalg.contract indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>, affine_map<(d0, d1, d2, d3) -> (d1, d2)>] ins(

// -----

func.func @fill(%v: vector<2x4xf32>, %e: tensor<3xvector<2x4xf32>>) -> tensor<3xvector<2x4xf32>> {
  %0 = linalg.fill ins(%v : vector<2x4xf32>) outs(%e : tensor<3xvector<2x4xf32>>) -> tensor<3xvector<2x4xf32>>
  return %0 : tensor<3xvector<2x4xf32>>
}

// CHECK-LABEL: func.func @fill
// CHECK: linalg.fill ins(%{{.*}} : vector<2x4xf32>) outs(%{{.*}} : tensor<3xvector<2x4xf32>>) -> tensor<3xvector<2x4xf32>>
