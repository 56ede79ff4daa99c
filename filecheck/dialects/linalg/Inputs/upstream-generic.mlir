// The same snippets as upstream.mlir in generic form, printed by
// iree-opt of iree-base-compiler 3.13.0 (LLVM 24.0.0git) with --mlir-print-op-generic. Not a test itself.
#map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
#map1 = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
#map2 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
#map3 = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
#map4 = affine_map<(d0, d1) -> (d0, d1)>
#map5 = affine_map<(d0, d1) -> (d1)>
#map6 = affine_map<(d0, d1, d2) -> (d0, d2)>
#map7 = affine_map<(d0, d1, d2) -> (d1, d2)>
#map8 = affine_map<(d0, d1, d2) -> (d0, d1)>
#map9 = affine_map<(d0, d1) -> (d0)>
#map10 = affine_map<(d0, d1) -> (d1, d0)>
#map11 = affine_map<(d0) -> (d0)>
#map12 = affine_map<(d0) -> ()>
#map13 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#map14 = affine_map<(d0, d1, d2) -> (d2, d1)>
#map15 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 + d4, d2 + d5, d3)>
#map16 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5, d3)>
#map17 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
#map18 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d1 + d4, d2 + d5)>
#map19 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d4, d5)>
#map20 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d1, d2)>
#map21 = affine_map<(d0, d1) -> (d0 + d1)>
#map22 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 + d3, d4)>
#map23 = affine_map<(d0, d1, d2, d3, d4) -> (d3, d4, d2)>
#map24 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>
#map25 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d3, d2 + d4)>
#map26 = affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d4)>
#map27 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d4, d3 + d5)>
#map28 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#map29 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 * 4 + d4, d2 * 4 + d5, d3)>
#map30 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 * 4 + d4 * 2, d2 * 3 + d5 * 2, d3)>
"builtin.module"() ({
  "func.func"() <{function_type = (tensor<2x128x64xf32>, tensor<2x64x64xf32>, tensor<2x128x64xf32>, tensor<2x128x128xf32>, tensor<2x128x64xf32>, tensor<128xf32>, tensor<128x128xf32>) -> tensor<2x128x128xf32>, sym_name = "transformer_block"}> ({
  ^bb0(%arg78: tensor<2x128x64xf32>, %arg79: tensor<2x64x64xf32>, %arg80: tensor<2x128x64xf32>, %arg81: tensor<2x128x128xf32>, %arg82: tensor<2x128x64xf32>, %arg83: tensor<128xf32>, %arg84: tensor<128x128xf32>):
    %49 = "linalg.batch_matmul"(%arg78, %arg79, %arg82) <{indexing_maps = [#map, #map1, #map2], operandSegmentSizes = array<i32: 2, 1>}> ({
    ^bb0(%arg98: f32, %arg99: f32, %arg100: f32):
      %62 = "arith.mulf"(%arg98, %arg99) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      %63 = "arith.addf"(%arg100, %62) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      "linalg.yield"(%63) : (f32) -> ()
    }) : (tensor<2x128x64xf32>, tensor<2x64x64xf32>, tensor<2x128x64xf32>) -> tensor<2x128x64xf32>
    %50 = "linalg.batch_matmul"(%49, %arg80, %arg81) <{indexing_maps = [#map, #map3, #map2], operandSegmentSizes = array<i32: 2, 1>}> ({
    ^bb0(%arg95: f32, %arg96: f32, %arg97: f32):
      %60 = "arith.mulf"(%arg95, %arg96) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      %61 = "arith.addf"(%arg97, %60) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      "linalg.yield"(%61) : (f32) -> ()
    }) : (tensor<2x128x64xf32>, tensor<2x128x64xf32>, tensor<2x128x128xf32>) -> tensor<2x128x128xf32>
    %51 = "linalg.softmax"(%50, %arg81) <{dimension = 2 : i64}> : (tensor<2x128x128xf32>, tensor<2x128x128xf32>) -> tensor<2x128x128xf32>
    %52 = "linalg.elementwise"(%arg84, %arg83, %arg84) <{indexing_maps = [#map4, #map5, #map4], kind = #linalg.elementwise_kind<add>, operandSegmentSizes = array<i32: 2, 1>}> ({
    ^bb0(%arg92: f32, %arg93: f32, %arg94: f32):
      %59 = "arith.addf"(%arg92, %arg93) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      "linalg.yield"(%59) : (f32) -> ()
    }) : (tensor<128x128xf32>, tensor<128xf32>, tensor<128x128xf32>) -> tensor<128x128xf32>
    %53 = "linalg.elementwise"(%52, %arg84) <{indexing_maps = [#map4, #map4], kind = #linalg.elementwise_kind<exp>, operandSegmentSizes = array<i32: 1, 1>}> ({
    ^bb0(%arg90: f32, %arg91: f32):
      %58 = "math.exp"(%arg90) <{fastmath = #arith.fastmath<none>}> : (f32) -> f32
      "linalg.yield"(%58) : (f32) -> ()
    }) : (tensor<128x128xf32>, tensor<128x128xf32>) -> tensor<128x128xf32>
    %54 = "linalg.elementwise"(%53, %52, %arg84) <{indexing_maps = [#map4, #map4, #map4], kind = #linalg.elementwise_kind<div>, operandSegmentSizes = array<i32: 2, 1>}> ({
    ^bb0(%arg87: f32, %arg88: f32, %arg89: f32):
      %57 = "arith.divf"(%arg87, %arg88) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      "linalg.yield"(%57) : (f32) -> ()
    }) : (tensor<128x128xf32>, tensor<128x128xf32>, tensor<128x128xf32>) -> tensor<128x128xf32>
    %55 = "linalg.reduce"(%54, %arg83) <{dimensions = array<i64: 1>}> ({
    ^bb0(%arg85: f32, %arg86: f32):
      %56 = "arith.maximumf"(%arg86, %arg85) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      "linalg.yield"(%56) : (f32) -> ()
    }) : (tensor<128x128xf32>, tensor<128xf32>) -> tensor<128xf32>
    "func.return"(%51) : (tensor<2x128x128xf32>) -> ()
  }) : () -> ()
  "func.func"() <{function_type = (tensor<8x16xf32>, tensor<4x16xf32>, tensor<8x4xf32>, tensor<16xf32>, tensor<8xf32>, tensor<f32>, tensor<2x8x16xf32>, tensor<2x16xf32>, tensor<2x8xf32>, tensor<8x16xi8>, tensor<16x4xi8>, tensor<8x4xi32>) -> (), sym_name = "mlp"}> ({
  ^bb0(%arg45: tensor<8x16xf32>, %arg46: tensor<4x16xf32>, %arg47: tensor<8x4xf32>, %arg48: tensor<16xf32>, %arg49: tensor<8xf32>, %arg50: tensor<f32>, %arg51: tensor<2x8x16xf32>, %arg52: tensor<2x16xf32>, %arg53: tensor<2x8xf32>, %arg54: tensor<8x16xi8>, %arg55: tensor<16x4xi8>, %arg56: tensor<8x4xi32>):
    %24 = "linalg.matmul"(%arg45, %arg46, %arg47) <{indexing_maps = [#map6, #map7, #map8], operandSegmentSizes = array<i32: 2, 1>}> ({
    ^bb0(%arg75: f32, %arg76: f32, %arg77: f32):
      %47 = "arith.mulf"(%arg75, %arg76) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      %48 = "arith.addf"(%arg77, %47) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      "linalg.yield"(%48) : (f32) -> ()
    }) : (tensor<8x16xf32>, tensor<4x16xf32>, tensor<8x4xf32>) -> tensor<8x4xf32>
    %25 = "linalg.matvec"(%arg45, %arg48, %arg49) <{operandSegmentSizes = array<i32: 2, 1>}> ({
    ^bb0(%arg72: f32, %arg73: f32, %arg74: f32):
      %45 = "arith.mulf"(%arg72, %arg73) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      %46 = "arith.addf"(%arg74, %45) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      "linalg.yield"(%46) : (f32) -> ()
    }) {linalg.memoized_indexing_maps = [#map4, #map5, #map9]} : (tensor<8x16xf32>, tensor<16xf32>, tensor<8xf32>) -> tensor<8xf32>
    %26 = "linalg.vecmat"(%arg49, %arg45, %arg48) <{operandSegmentSizes = array<i32: 2, 1>}> ({
    ^bb0(%arg69: f32, %arg70: f32, %arg71: f32):
      %43 = "arith.mulf"(%arg69, %arg70) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      %44 = "arith.addf"(%arg71, %43) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      "linalg.yield"(%44) : (f32) -> ()
    }) {linalg.memoized_indexing_maps = [#map5, #map10, #map9]} : (tensor<8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<16xf32>
    %27 = "linalg.dot"(%arg48, %arg48, %arg50) <{operandSegmentSizes = array<i32: 2, 1>}> ({
    ^bb0(%arg66: f32, %arg67: f32, %arg68: f32):
      %41 = "arith.mulf"(%arg66, %arg67) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      %42 = "arith.addf"(%arg68, %41) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      "linalg.yield"(%42) : (f32) -> ()
    }) {linalg.memoized_indexing_maps = [#map11, #map11, #map12]} : (tensor<16xf32>, tensor<16xf32>, tensor<f32>) -> tensor<f32>
    %28 = "linalg.batch_matvec"(%arg51, %arg52, %arg53) <{operandSegmentSizes = array<i32: 2, 1>}> ({
    ^bb0(%arg63: f32, %arg64: f32, %arg65: f32):
      %39 = "arith.mulf"(%arg63, %arg64) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      %40 = "arith.addf"(%arg65, %39) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      "linalg.yield"(%40) : (f32) -> ()
    }) {linalg.memoized_indexing_maps = [#map13, #map6, #map8]} : (tensor<2x8x16xf32>, tensor<2x16xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
    %29 = "linalg.matmul"(%arg54, %arg55, %arg56) <{indexing_maps = [#map6, #map14, #map8], operandSegmentSizes = array<i32: 2, 1>}> ({
    ^bb0(%arg60: i8, %arg61: i8, %arg62: i32):
      %35 = "arith.extsi"(%arg60) : (i8) -> i32
      %36 = "arith.extsi"(%arg61) : (i8) -> i32
      %37 = "arith.muli"(%35, %36) <{overflowFlags = #arith.overflow<none>}> : (i32, i32) -> i32
      %38 = "arith.addi"(%arg62, %37) <{overflowFlags = #arith.overflow<none>}> : (i32, i32) -> i32
      "linalg.yield"(%38) : (i32) -> ()
    }) : (tensor<8x16xi8>, tensor<16x4xi8>, tensor<8x4xi32>) -> tensor<8x4xi32>
    %30 = "linalg.matmul"(%arg54, %arg55, %arg56) <{cast = #linalg.type_fn<cast_unsigned>, indexing_maps = [#map6, #map14, #map8], operandSegmentSizes = array<i32: 2, 1>}> ({
    ^bb0(%arg57: i8, %arg58: i8, %arg59: i32):
      %31 = "arith.extui"(%arg57) : (i8) -> i32
      %32 = "arith.extui"(%arg58) : (i8) -> i32
      %33 = "arith.muli"(%31, %32) <{overflowFlags = #arith.overflow<none>}> : (i32, i32) -> i32
      %34 = "arith.addi"(%arg59, %33) <{overflowFlags = #arith.overflow<none>}> : (i32, i32) -> i32
      "linalg.yield"(%34) : (i32) -> ()
    }) : (tensor<8x16xi8>, tensor<16x4xi8>, tensor<8x4xi32>) -> tensor<8x4xi32>
    "func.return"() : () -> ()
  }) : () -> ()
  "func.func"() <{function_type = (tensor<1x18x18x8xf32>, tensor<3x3x8xf32>, tensor<1x16x16x8xf32>, tensor<1x8x18x18xf32>, tensor<8x3x3xf32>, tensor<1x8x16x16xf32>, tensor<18xf32>, tensor<3xf32>, tensor<16xf32>, tensor<1x18x4xf32>, tensor<3x4x8xf32>, tensor<1x16x8xf32>, tensor<1x4x18xf32>, tensor<8x4x3xf32>, tensor<1x8x16xf32>, tensor<3x3xf32>, tensor<1x33x33x8xf32>, tensor<1x8x8x8xf32>) -> (), sym_name = "cnn"}> ({
  ^bb0(%arg0: tensor<1x18x18x8xf32>, %arg1: tensor<3x3x8xf32>, %arg2: tensor<1x16x16x8xf32>, %arg3: tensor<1x8x18x18xf32>, %arg4: tensor<8x3x3xf32>, %arg5: tensor<1x8x16x16xf32>, %arg6: tensor<18xf32>, %arg7: tensor<3xf32>, %arg8: tensor<16xf32>, %arg9: tensor<1x18x4xf32>, %arg10: tensor<3x4x8xf32>, %arg11: tensor<1x16x8xf32>, %arg12: tensor<1x4x18xf32>, %arg13: tensor<8x4x3xf32>, %arg14: tensor<1x8x16xf32>, %arg15: tensor<3x3xf32>, %arg16: tensor<1x33x33x8xf32>, %arg17: tensor<1x8x8x8xf32>):
    %0 = "linalg.depthwise_conv_2d_nhwc_hwc"(%arg0, %arg1, %arg2) <{operandSegmentSizes = array<i32: 2, 1>}> ({
    ^bb0(%arg42: f32, %arg43: f32, %arg44: f32):
      %22 = "arith.mulf"(%arg42, %arg43) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      %23 = "arith.addf"(%arg44, %22) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      "linalg.yield"(%23) : (f32) -> ()
    }) {linalg.memoized_indexing_maps = [#map15, #map16, #map17]} : (tensor<1x18x18x8xf32>, tensor<3x3x8xf32>, tensor<1x16x16x8xf32>) -> tensor<1x16x16x8xf32>
    %1 = "linalg.depthwise_conv_2d_nchw_chw"(%arg3, %arg4, %arg5) <{dilations = dense<1> : tensor<2xi64>, operandSegmentSizes = array<i32: 2, 1>, strides = dense<1> : tensor<2xi64>}> ({
    ^bb0(%arg39: f32, %arg40: f32, %arg41: f32):
      %20 = "arith.mulf"(%arg39, %arg40) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      %21 = "arith.addf"(%arg41, %20) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      "linalg.yield"(%21) : (f32) -> ()
    }) {linalg.memoized_indexing_maps = [#map18, #map19, #map20]} : (tensor<1x8x18x18xf32>, tensor<8x3x3xf32>, tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
    %2 = "linalg.conv_1d"(%arg6, %arg7, %arg8) <{operandSegmentSizes = array<i32: 2, 1>}> ({
    ^bb0(%arg36: f32, %arg37: f32, %arg38: f32):
      %18 = "arith.mulf"(%arg36, %arg37) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      %19 = "arith.addf"(%arg38, %18) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      "linalg.yield"(%19) : (f32) -> ()
    }) {linalg.memoized_indexing_maps = [#map21, #map5, #map9]} : (tensor<18xf32>, tensor<3xf32>, tensor<16xf32>) -> tensor<16xf32>
    %3 = "linalg.conv_1d_nwc_wcf"(%arg9, %arg10, %arg11) <{dilations = dense<1> : tensor<1xi64>, operandSegmentSizes = array<i32: 2, 1>, strides = dense<1> : tensor<1xi64>}> ({
    ^bb0(%arg33: f32, %arg34: f32, %arg35: f32):
      %16 = "arith.mulf"(%arg33, %arg34) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      %17 = "arith.addf"(%arg35, %16) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      "linalg.yield"(%17) : (f32) -> ()
    }) {linalg.memoized_indexing_maps = [#map22, #map23, #map24]} : (tensor<1x18x4xf32>, tensor<3x4x8xf32>, tensor<1x16x8xf32>) -> tensor<1x16x8xf32>
    %4 = "linalg.conv_1d_ncw_fcw"(%arg12, %arg13, %arg14) <{operandSegmentSizes = array<i32: 2, 1>}> ({
    ^bb0(%arg30: f32, %arg31: f32, %arg32: f32):
      %14 = "arith.mulf"(%arg30, %arg31) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      %15 = "arith.addf"(%arg32, %14) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      "linalg.yield"(%15) : (f32) -> ()
    }) {linalg.memoized_indexing_maps = [#map25, #map26, #map24]} : (tensor<1x4x18xf32>, tensor<8x4x3xf32>, tensor<1x8x16xf32>) -> tensor<1x8x16xf32>
    %5 = "linalg.pooling_nchw_sum"(%arg3, %arg15, %arg5) <{dilations = dense<1> : tensor<2xi64>, operandSegmentSizes = array<i32: 2, 1>, strides = dense<1> : tensor<2xi64>}> ({
    ^bb0(%arg27: f32, %arg28: f32, %arg29: f32):
      %13 = "arith.addf"(%arg29, %arg27) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      "linalg.yield"(%13) : (f32) -> ()
    }) {linalg.memoized_indexing_maps = [#map27, #map28, #map17]} : (tensor<1x8x18x18xf32>, tensor<3x3xf32>, tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
    %6 = "linalg.pooling_nhwc_max"(%arg16, %arg15, %arg17) <{dilations = dense<1> : tensor<2xi64>, operandSegmentSizes = array<i32: 2, 1>, strides = dense<4> : tensor<2xi64>}> ({
    ^bb0(%arg24: f32, %arg25: f32, %arg26: f32):
      %12 = "arith.maximumf"(%arg26, %arg24) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      "linalg.yield"(%12) : (f32) -> ()
    }) {linalg.memoized_indexing_maps = [#map29, #map28, #map17]} : (tensor<1x33x33x8xf32>, tensor<3x3xf32>, tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
    %7 = "linalg.pooling_nhwc_sum"(%arg0, %arg15, %arg2) <{operandSegmentSizes = array<i32: 2, 1>}> ({
    ^bb0(%arg21: f32, %arg22: f32, %arg23: f32):
      %11 = "arith.addf"(%arg23, %arg21) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      "linalg.yield"(%11) : (f32) -> ()
    }) {linalg.memoized_indexing_maps = [#map15, #map28, #map17]} : (tensor<1x18x18x8xf32>, tensor<3x3xf32>, tensor<1x16x16x8xf32>) -> tensor<1x16x16x8xf32>
    %8 = "linalg.depthwise_conv_2d_nhwc_hwc"(%arg16, %arg1, %arg17) <{dilations = dense<2> : tensor<2xi64>, operandSegmentSizes = array<i32: 2, 1>, strides = dense<[4, 3]> : tensor<2xi64>}> ({
    ^bb0(%arg18: f32, %arg19: f32, %arg20: f32):
      %9 = "arith.mulf"(%arg18, %arg19) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      %10 = "arith.addf"(%arg20, %9) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
      "linalg.yield"(%10) : (f32) -> ()
    }) {linalg.memoized_indexing_maps = [#map30, #map16, #map17]} : (tensor<1x33x33x8xf32>, tensor<3x3x8xf32>, tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
    "func.return"() : () -> ()
  }) : () -> ()
}) : () -> ()

