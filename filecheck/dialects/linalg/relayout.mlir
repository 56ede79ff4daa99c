// RUN: t10-opt %s --split-input-file | filecheck %s
// RUN: t10-opt %s --split-input-file --print-op-generic | t10-opt --split-input-file | filecheck %s
// RUN: t10-opt %s --split-input-file --print-op-generic | filecheck %s --check-prefix=GENERIC
// RUN: t10-opt %S/Inputs/relayout-invalid.mlir --split-input-file --verify-diagnostics | filecheck %S/Inputs/relayout-invalid.mlir

// Relayout ops and Winograd transforms in upstream's syntax both ways; the
// generic form holds what upstream's does (segment sizes, the dynamic-tile
// marker, the fmr enum as an i32).

func.func @pack(%s: tensor<30x64xf32>, %d: tensor<4x8x4x16xf32>, %pad: f32, %t: index, %dd: tensor<4x?x8x?xf32>) -> (tensor<4x8x4x16xf32>, tensor<4x?x8x?xf32>) {
  %0 = linalg.pack %s padding_value(%pad : f32) outer_dims_perm = [1, 0] inner_dims_pos = [0, 1] inner_tiles = [4, 16] into %d : tensor<30x64xf32> -> tensor<4x8x4x16xf32>
  %1 = linalg.pack %s padding_value(%pad : f32) inner_dims_pos = [0, 1] inner_tiles = [8, %t] into %dd : tensor<30x64xf32> -> tensor<4x?x8x?xf32>
  return %0, %1 : tensor<4x8x4x16xf32>, tensor<4x?x8x?xf32>
}

// CHECK-LABEL: func.func @pack
// CHECK: linalg.pack %{{.*}} padding_value(%{{.*}} : f32) outer_dims_perm = [1, 0] inner_dims_pos = [0, 1] inner_tiles = [4, 16] into %{{.*}} : tensor<30x64xf32> -> tensor<4x8x4x16xf32>
// CHECK: linalg.pack %{{.*}} padding_value(%{{.*}} : f32) inner_dims_pos = [0, 1] inner_tiles = [8, %{{.*}}] into %{{.*}} : tensor<30x64xf32> -> tensor<4x?x8x?xf32>
// GENERIC: "linalg.pack"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) <{inner_dims_pos = array<i64: 0, 1>, static_inner_tiles = array<i64: 8, -9223372036854775808>, operandSegmentSizes = array<i32: 1, 1, 1, 1>}>

// -----

func.func @unpack(%p: memref<4x2x8x32xi8>, %u: memref<30x64xi8>) {
  linalg.unpack %p inner_dims_pos = [0, 1] inner_tiles = [8, 32] into %u : memref<4x2x8x32xi8> -> memref<30x64xi8>
  return
}

// CHECK-LABEL: func.func @unpack
// CHECK: linalg.unpack %{{.*}} inner_dims_pos = [0, 1] inner_tiles = [8, 32] into %{{.*}} : memref<4x2x8x32xi8> -> memref<30x64xi8>

// -----

func.func @winograd(%k: tensor<8x3x3x4xf32>, %kt: tensor<4x4x4x8xf32>, %o: tensor<4x4x2x2x2x8xf32>, %ot: tensor<2x4x4x8xf32>) -> (tensor<4x4x4x8xf32>, tensor<2x4x4x8xf32>) {
  %0 = linalg.winograd_filter_transform fmr(F_2_3) ins(%k : tensor<8x3x3x4xf32>) outs(%kt : tensor<4x4x4x8xf32>) -> tensor<4x4x4x8xf32>
  %1 = linalg.winograd_output_transform fmr(F_2_3) ins(%o : tensor<4x4x2x2x2x8xf32>) outs(%ot : tensor<2x4x4x8xf32>) -> tensor<2x4x4x8xf32>
  return %0, %1 : tensor<4x4x4x8xf32>, tensor<2x4x4x8xf32>
}

// CHECK-LABEL: func.func @winograd
// CHECK: linalg.winograd_filter_transform fmr(F_2_3) ins(%{{.*}} : tensor<8x3x3x4xf32>) outs(%{{.*}} : tensor<4x4x4x8xf32>) -> tensor<4x4x4x8xf32>
// CHECK: linalg.winograd_output_transform fmr(F_2_3) ins(%{{.*}} : tensor<4x4x2x2x2x8xf32>) outs(%{{.*}} : tensor<2x4x4x8xf32>) -> tensor<2x4x4x8xf32>
// GENERIC: "linalg.winograd_filter_transform"(%{{.*}}, %{{.*}}) <{fmr = 0 : i32}>
