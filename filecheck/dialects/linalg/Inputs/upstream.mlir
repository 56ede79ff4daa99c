// Printed by iree-opt of iree-base-compiler 3.13.0 (LLVM 24.0.0git) from transformer, MLP and CNN
// snippets; see upstream.mlir. Not a test itself.
#map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
#map1 = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
#map2 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
#map3 = affine_map<(d0, d1) -> (d0, d1)>
#map4 = affine_map<(d0, d1) -> (d1)>
#map5 = affine_map<(d0, d1, d2) -> (d0, d2)>
#map6 = affine_map<(d0, d1, d2) -> (d1, d2)>
#map7 = affine_map<(d0, d1, d2) -> (d0, d1)>
module {
  func.func @transformer_block(%arg0: tensor<2x128x64xf32>, %arg1: tensor<2x64x64xf32>, %arg2: tensor<2x128x64xf32>, %arg3: tensor<2x128x128xf32>, %arg4: tensor<2x128x64xf32>, %arg5: tensor<128xf32>, %arg6: tensor<128x128xf32>) -> tensor<2x128x128xf32> {
    %0 = linalg.batch_matmul ins(%arg0, %arg1 : tensor<2x128x64xf32>, tensor<2x64x64xf32>) outs(%arg4 : tensor<2x128x64xf32>) -> tensor<2x128x64xf32>
    %1 = linalg.batch_matmul indexing_maps = [#map, #map1, #map2] ins(%0, %arg2 : tensor<2x128x64xf32>, tensor<2x128x64xf32>) outs(%arg3 : tensor<2x128x128xf32>) -> tensor<2x128x128xf32>
    %2 = linalg.softmax dimension(2) ins(%1 : tensor<2x128x128xf32>) outs(%arg3 : tensor<2x128x128xf32>) -> tensor<2x128x128xf32>
    %3 = linalg.elementwise <add> indexing_maps = [#map3, #map4, #map3] ins(%arg6, %arg5 : tensor<128x128xf32>, tensor<128xf32>) outs(%arg6 : tensor<128x128xf32>) -> tensor<128x128xf32>
    %4 = linalg.elementwise <exp> ins(%3 : tensor<128x128xf32>) outs(%arg6 : tensor<128x128xf32>) -> tensor<128x128xf32>
    %5 = linalg.elementwise <div> ins(%4, %3 : tensor<128x128xf32>, tensor<128x128xf32>) outs(%arg6 : tensor<128x128xf32>) -> tensor<128x128xf32>
    %reduced = linalg.reduce { arith.maximumf } ins(%5 : tensor<128x128xf32>) outs(%arg5 : tensor<128xf32>) dimensions = [1] 
    return %2 : tensor<2x128x128xf32>
  }
  func.func @mlp(%arg0: tensor<8x16xf32>, %arg1: tensor<4x16xf32>, %arg2: tensor<8x4xf32>, %arg3: tensor<16xf32>, %arg4: tensor<8xf32>, %arg5: tensor<f32>, %arg6: tensor<2x8x16xf32>, %arg7: tensor<2x16xf32>, %arg8: tensor<2x8xf32>, %arg9: tensor<8x16xi8>, %arg10: tensor<16x4xi8>, %arg11: tensor<8x4xi32>) {
    %0 = linalg.matmul indexing_maps = [#map5, #map6, #map7] ins(%arg0, %arg1 : tensor<8x16xf32>, tensor<4x16xf32>) outs(%arg2 : tensor<8x4xf32>) -> tensor<8x4xf32>
    %1 = linalg.matvec ins(%arg0, %arg3 : tensor<8x16xf32>, tensor<16xf32>) outs(%arg4 : tensor<8xf32>) -> tensor<8xf32>
    %2 = linalg.vecmat ins(%arg4, %arg0 : tensor<8xf32>, tensor<8x16xf32>) outs(%arg3 : tensor<16xf32>) -> tensor<16xf32>
    %3 = linalg.dot ins(%arg3, %arg3 : tensor<16xf32>, tensor<16xf32>) outs(%arg5 : tensor<f32>) -> tensor<f32>
    %4 = linalg.batch_matvec ins(%arg6, %arg7 : tensor<2x8x16xf32>, tensor<2x16xf32>) outs(%arg8 : tensor<2x8xf32>) -> tensor<2x8xf32>
    %5 = linalg.matmul ins(%arg9, %arg10 : tensor<8x16xi8>, tensor<16x4xi8>) outs(%arg11 : tensor<8x4xi32>) -> tensor<8x4xi32>
    %6 = linalg.matmul {cast = #linalg.type_fn<cast_unsigned>} ins(%arg9, %arg10 : tensor<8x16xi8>, tensor<16x4xi8>) outs(%arg11 : tensor<8x4xi32>) -> tensor<8x4xi32>
    return
  }
  func.func @cnn(%arg0: tensor<1x18x18x8xf32>, %arg1: tensor<3x3x8xf32>, %arg2: tensor<1x16x16x8xf32>, %arg3: tensor<1x8x18x18xf32>, %arg4: tensor<8x3x3xf32>, %arg5: tensor<1x8x16x16xf32>, %arg6: tensor<18xf32>, %arg7: tensor<3xf32>, %arg8: tensor<16xf32>, %arg9: tensor<1x18x4xf32>, %arg10: tensor<3x4x8xf32>, %arg11: tensor<1x16x8xf32>, %arg12: tensor<1x4x18xf32>, %arg13: tensor<8x4x3xf32>, %arg14: tensor<1x8x16xf32>, %arg15: tensor<3x3xf32>, %arg16: tensor<1x33x33x8xf32>, %arg17: tensor<1x8x8x8xf32>) {
    %0 = linalg.depthwise_conv_2d_nhwc_hwc ins(%arg0, %arg1 : tensor<1x18x18x8xf32>, tensor<3x3x8xf32>) outs(%arg2 : tensor<1x16x16x8xf32>) -> tensor<1x16x16x8xf32>
    %1 = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%arg3, %arg4 : tensor<1x8x18x18xf32>, tensor<8x3x3xf32>) outs(%arg5 : tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
    %2 = linalg.conv_1d ins(%arg6, %arg7 : tensor<18xf32>, tensor<3xf32>) outs(%arg8 : tensor<16xf32>) -> tensor<16xf32>
    %3 = linalg.conv_1d_nwc_wcf {dilations = dense<1> : tensor<1xi64>, strides = dense<1> : tensor<1xi64>} ins(%arg9, %arg10 : tensor<1x18x4xf32>, tensor<3x4x8xf32>) outs(%arg11 : tensor<1x16x8xf32>) -> tensor<1x16x8xf32>
    %4 = linalg.conv_1d_ncw_fcw ins(%arg12, %arg13 : tensor<1x4x18xf32>, tensor<8x4x3xf32>) outs(%arg14 : tensor<1x8x16xf32>) -> tensor<1x8x16xf32>
    %5 = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%arg3, %arg15 : tensor<1x8x18x18xf32>, tensor<3x3xf32>) outs(%arg5 : tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
    %6 = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<4> : tensor<2xi64>} ins(%arg16, %arg15 : tensor<1x33x33x8xf32>, tensor<3x3xf32>) outs(%arg17 : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
    %7 = linalg.pooling_nhwc_sum ins(%arg0, %arg15 : tensor<1x18x18x8xf32>, tensor<3x3xf32>) outs(%arg2 : tensor<1x16x16x8xf32>) -> tensor<1x16x16x8xf32>
    %8 = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<2> : tensor<2xi64>, strides = dense<[4, 3]> : tensor<2xi64>} ins(%arg16, %arg1 : tensor<1x33x33x8xf32>, tensor<3x3x8xf32>) outs(%arg17 : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
    return
  }
}

