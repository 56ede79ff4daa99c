// Upstream MLIR's own printing of the named ops t10 adds (Inputs/upstream.mlir,
// printed by iree-opt) parses and prints back in the same syntax; upstream's
// generic form of them parses to the same ops; and t10's generic form of them
// parses back unchanged. Map aliases are printed inline by t10, as xDSL does.

// RUN: t10-opt %S/Inputs/upstream.mlir | filecheck %s
// RUN: t10-opt %S/Inputs/upstream-generic.mlir | filecheck %s
// RUN: t10-opt %S/Inputs/upstream.mlir --print-op-generic | t10-opt | filecheck %s

// CHECK-LABEL: func.func @transformer_block(
// CHECK-NEXT: %{{[a-z0-9_]+}} = linalg.batch_matmul ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<2x128x64xf32>, tensor<2x64x64xf32>) outs(%{{[a-z0-9_]+}} : tensor<2x128x64xf32>) -> tensor<2x128x64xf32>
// CHECK-NEXT: %{{[a-z0-9_]+}} = linalg.batch_matmul indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>] ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<2x128x64xf32>, tensor<2x128x64xf32>) outs(%{{[a-z0-9_]+}} : tensor<2x128x128xf32>) -> tensor<2x128x128xf32>
// CHECK-NEXT: %{{[a-z0-9_]+}} = linalg.softmax dimension(2) ins(%{{[a-z0-9_]+}} : tensor<2x128x128xf32>) outs(%{{[a-z0-9_]+}} : tensor<2x128x128xf32>) -> tensor<2x128x128xf32>
// CHECK-NEXT: %{{[a-z0-9_]+}} = linalg.elementwise <add> indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>] ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<128x128xf32>, tensor<128xf32>) outs(%{{[a-z0-9_]+}} : tensor<128x128xf32>) -> tensor<128x128xf32>
// CHECK-NEXT: %{{[a-z0-9_]+}} = linalg.elementwise <exp> ins(%{{[a-z0-9_]+}} : tensor<128x128xf32>) outs(%{{[a-z0-9_]+}} : tensor<128x128xf32>) -> tensor<128x128xf32>
// CHECK-NEXT: %{{[a-z0-9_]+}} = linalg.elementwise <div> ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<128x128xf32>, tensor<128x128xf32>) outs(%{{[a-z0-9_]+}} : tensor<128x128xf32>) -> tensor<128x128xf32>
// CHECK-NEXT: %{{[a-z0-9_]+}} = linalg.reduce { arith.maximumf } ins(%{{[a-z0-9_]+}} : tensor<128x128xf32>) outs(%{{[a-z0-9_]+}} : tensor<128xf32>) dimensions = [1]
// CHECK-LABEL: func.func @mlp(
// CHECK-NEXT: %{{[a-z0-9_]+}} = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>] ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<8x16xf32>, tensor<4x16xf32>) outs(%{{[a-z0-9_]+}} : tensor<8x4xf32>) -> tensor<8x4xf32>
// CHECK-NEXT: %{{[a-z0-9_]+}} = linalg.matvec ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<8x16xf32>, tensor<16xf32>) outs(%{{[a-z0-9_]+}} : tensor<8xf32>) -> tensor<8xf32>
// CHECK-NEXT: %{{[a-z0-9_]+}} = linalg.vecmat ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<8xf32>, tensor<8x16xf32>) outs(%{{[a-z0-9_]+}} : tensor<16xf32>) -> tensor<16xf32>
// CHECK-NEXT: %{{[a-z0-9_]+}} = linalg.dot ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<16xf32>, tensor<16xf32>) outs(%{{[a-z0-9_]+}} : tensor<f32>) -> tensor<f32>
// CHECK-NEXT: %{{[a-z0-9_]+}} = linalg.batch_matvec ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<2x8x16xf32>, tensor<2x16xf32>) outs(%{{[a-z0-9_]+}} : tensor<2x8xf32>) -> tensor<2x8xf32>
// CHECK-NEXT: %{{[a-z0-9_]+}} = linalg.matmul ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<8x16xi8>, tensor<16x4xi8>) outs(%{{[a-z0-9_]+}} : tensor<8x4xi32>) -> tensor<8x4xi32>
// CHECK-NEXT: %{{[a-z0-9_]+}} = linalg.matmul {cast = #linalg.type_fn<cast_unsigned>} ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<8x16xi8>, tensor<16x4xi8>) outs(%{{[a-z0-9_]+}} : tensor<8x4xi32>) -> tensor<8x4xi32>
// CHECK-LABEL: func.func @cnn(
// CHECK-NEXT: %{{[a-z0-9_]+}} = linalg.depthwise_conv_2d_nhwc_hwc ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<1x18x18x8xf32>, tensor<3x3x8xf32>) outs(%{{[a-z0-9_]+}} : tensor<1x16x16x8xf32>) -> tensor<1x16x16x8xf32>
// CHECK-NEXT: %{{[a-z0-9_]+}} = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<1x8x18x18xf32>, tensor<8x3x3xf32>) outs(%{{[a-z0-9_]+}} : tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
// CHECK-NEXT: %{{[a-z0-9_]+}} = linalg.conv_1d ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<18xf32>, tensor<3xf32>) outs(%{{[a-z0-9_]+}} : tensor<16xf32>) -> tensor<16xf32>
// CHECK-NEXT: %{{[a-z0-9_]+}} = linalg.conv_1d_nwc_wcf {dilations = dense<1> : tensor<1xi64>, strides = dense<1> : tensor<1xi64>} ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<1x18x4xf32>, tensor<3x4x8xf32>) outs(%{{[a-z0-9_]+}} : tensor<1x16x8xf32>) -> tensor<1x16x8xf32>
// CHECK-NEXT: %{{[a-z0-9_]+}} = linalg.conv_1d_ncw_fcw ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<1x4x18xf32>, tensor<8x4x3xf32>) outs(%{{[a-z0-9_]+}} : tensor<1x8x16xf32>) -> tensor<1x8x16xf32>
// CHECK-NEXT: %{{[a-z0-9_]+}} = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<1x8x18x18xf32>, tensor<3x3xf32>) outs(%{{[a-z0-9_]+}} : tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
// CHECK-NEXT: %{{[a-z0-9_]+}} = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<4> : tensor<2xi64>} ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<1x33x33x8xf32>, tensor<3x3xf32>) outs(%{{[a-z0-9_]+}} : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
// CHECK-NEXT: %{{[a-z0-9_]+}} = linalg.pooling_nhwc_sum ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<1x18x18x8xf32>, tensor<3x3xf32>) outs(%{{[a-z0-9_]+}} : tensor<1x16x16x8xf32>) -> tensor<1x16x16x8xf32>
// CHECK-NEXT: %{{[a-z0-9_]+}} = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<2> : tensor<2xi64>, strides = dense<[4, 3]> : tensor<2xi64>} ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<1x33x33x8xf32>, tensor<3x3x8xf32>) outs(%{{[a-z0-9_]+}} : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
