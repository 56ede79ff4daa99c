// RUN: t10-opt %s | t10-opt | filecheck %s
// RUN: t10-opt %s --print-op-generic | t10-opt | filecheck %s
// RUN: t10-opt %s --print-op-generic | filecheck %s --check-prefix=GENERIC

// Named ops t10 adds to xDSL's linalg, in upstream's syntax, next to the ops
// xDSL already had (which must keep working in the extended dialect).

func.func @contractions(%a: tensor<2x8x16xf32>, %b: tensor<2x16x4xf32>, %bt: tensor<2x4x16xf32>, %c: tensor<2x8x4xf32>,
                        %m: tensor<8x16xf32>, %mt: tensor<4x16xf32>, %mc: tensor<8x4xf32>, %v: tensor<16xf32>, %y: tensor<8xf32>, %s: tensor<f32>,
                        %bv: tensor<2x16xf32>, %by: tensor<2x8xf32>, %k: tensor<16x4xf32>) {
  %0 = linalg.batch_matmul ins(%a, %b : tensor<2x8x16xf32>, tensor<2x16x4xf32>) outs(%c : tensor<2x8x4xf32>) -> tensor<2x8x4xf32>
  %1 = linalg.batch_matmul indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> (b, n, k)>, affine_map<(b, m, n, k) -> (b, m, n)>] ins(%a, %bt : tensor<2x8x16xf32>, tensor<2x4x16xf32>) outs(%c : tensor<2x8x4xf32>) -> tensor<2x8x4xf32>
  %2 = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>] ins(%m, %mt : tensor<8x16xf32>, tensor<4x16xf32>) outs(%mc : tensor<8x4xf32>) -> tensor<8x4xf32>
  %3 = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>] ins(%m, %k : tensor<8x16xf32>, tensor<16x4xf32>) outs(%mc : tensor<8x4xf32>) -> tensor<8x4xf32>
  %4 = linalg.matvec {tag = "fc"} ins(%m, %v : tensor<8x16xf32>, tensor<16xf32>) outs(%y : tensor<8xf32>) -> tensor<8xf32>
  %5 = linalg.vecmat ins(%y, %m : tensor<8xf32>, tensor<8x16xf32>) outs(%v : tensor<16xf32>) -> tensor<16xf32>
  %6 = linalg.dot ins(%v, %v : tensor<16xf32>, tensor<16xf32>) outs(%s : tensor<f32>) -> tensor<f32>
  %7 = linalg.batch_matvec ins(%a, %bv : tensor<2x8x16xf32>, tensor<2x16xf32>) outs(%by : tensor<2x8xf32>) -> tensor<2x8xf32>
  return
}

// CHECK-LABEL: func.func @contractions(
// CHECK-NEXT:    %0 = linalg.batch_matmul ins(%a, %b : tensor<2x8x16xf32>, tensor<2x16x4xf32>) outs(%c : tensor<2x8x4xf32>) -> tensor<2x8x4xf32>
// CHECK-NEXT:    %1 = linalg.batch_matmul indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>] ins(%a, %bt : tensor<2x8x16xf32>, tensor<2x4x16xf32>) outs(%c : tensor<2x8x4xf32>) -> tensor<2x8x4xf32>
// CHECK-NEXT:    %2 = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>] ins(%m, %mt : tensor<8x16xf32>, tensor<4x16xf32>) outs(%mc : tensor<8x4xf32>) -> tensor<8x4xf32>
// CHECK-NEXT:    %3 = linalg.matmul ins(%m, %k : tensor<8x16xf32>, tensor<16x4xf32>) outs(%mc : tensor<8x4xf32>) -> tensor<8x4xf32>
// CHECK-NEXT:    %4 = linalg.matvec {tag = "fc"} ins(%m, %v : tensor<8x16xf32>, tensor<16xf32>) outs(%y : tensor<8xf32>) -> tensor<8xf32>
// CHECK-NEXT:    %5 = linalg.vecmat ins(%y, %m : tensor<8xf32>, tensor<8x16xf32>) outs(%v : tensor<16xf32>) -> tensor<16xf32>
// CHECK-NEXT:    %6 = linalg.dot ins(%v, %v : tensor<16xf32>, tensor<16xf32>) outs(%s : tensor<f32>) -> tensor<f32>
// CHECK-NEXT:    %7 = linalg.batch_matvec ins(%a, %bv : tensor<2x8x16xf32>, tensor<2x16xf32>) outs(%by : tensor<2x8xf32>) -> tensor<2x8xf32>

// GENERIC-LABEL: "func.func"() <{sym_name = "contractions"
// GENERIC:         "linalg.batch_matmul"(%a, %b, %c) <{operandSegmentSizes = array<i32: 2, 1>, indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>]}> ({
// GENERIC-NEXT:  ^bb0(%[[LHS:.*]]: f32, %[[RHS:.*]]: f32, %[[ACC:.*]]: f32):
// GENERIC-NEXT:    %[[PRODUCT:.*]] = "arith.mulf"(%[[LHS]], %[[RHS]])
// GENERIC-NEXT:    %[[SUM:.*]] = "arith.addf"(%[[ACC]], %[[PRODUCT]])
// GENERIC-NEXT:    "linalg.yield"(%[[SUM]]) : (f32) -> ()

func.func @integer_matmul(%a: tensor<8x16xi8>, %b: tensor<16x4xi8>, %c: tensor<8x4xi32>) {
  %0 = linalg.matmul ins(%a, %b : tensor<8x16xi8>, tensor<16x4xi8>) outs(%c : tensor<8x4xi32>) -> tensor<8x4xi32>
  %1 = linalg.matmul {cast = #linalg.type_fn<cast_unsigned>} ins(%a, %b : tensor<8x16xi8>, tensor<16x4xi8>) outs(%c : tensor<8x4xi32>) -> tensor<8x4xi32>
  return
}

// CHECK-LABEL: func.func @integer_matmul(
// CHECK-NEXT:    %0 = linalg.matmul ins(%a, %b : tensor<8x16xi8>, tensor<16x4xi8>) outs(%c : tensor<8x4xi32>) -> tensor<8x4xi32>
// CHECK-NEXT:    %1 = linalg.matmul {cast = #linalg.type_fn<cast_unsigned>} ins(%a, %b : tensor<8x16xi8>, tensor<16x4xi8>) outs(%c : tensor<8x4xi32>) -> tensor<8x4xi32>

// GENERIC-LABEL: "func.func"() <{sym_name = "integer_matmul"
// GENERIC:         "arith.extsi"
// GENERIC-NEXT:    "arith.extsi"
// GENERIC-NEXT:    "arith.muli"
// GENERIC-NEXT:    "arith.addi"
// GENERIC:         cast = #linalg.type_fn<cast_unsigned>
// GENERIC:         "arith.extui"
// GENERIC-NEXT:    "arith.extui"

func.func @elementwise(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>, %row: tensor<8xf32>, %mask: tensor<4x8xi1>, %i: tensor<4x8xi32>) {
  %0 = linalg.elementwise <add> ins(%x, %y : tensor<4x8xf32>, tensor<4x8xf32>) outs(%x : tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = linalg.elementwise kind = #linalg.elementwise_kind<exp> ins(%x : tensor<4x8xf32>) outs(%y : tensor<4x8xf32>) -> tensor<4x8xf32>
  %2 = linalg.elementwise <sub> indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>] {tag} ins(%x, %row : tensor<4x8xf32>, tensor<8xf32>) outs(%x : tensor<4x8xf32>) -> tensor<4x8xf32>
  %3 = linalg.elementwise <select> ins(%mask, %x, %y : tensor<4x8xi1>, tensor<4x8xf32>, tensor<4x8xf32>) outs(%x : tensor<4x8xf32>) -> tensor<4x8xf32>
  %4 = linalg.elementwise <reciprocal> ins(%x : tensor<4x8xf32>) outs(%y : tensor<4x8xf32>) -> tensor<4x8xf32>
  %5 = linalg.elementwise <max_unsigned> ins(%i, %i : tensor<4x8xi32>, tensor<4x8xi32>) outs(%i : tensor<4x8xi32>) -> tensor<4x8xi32>
  %6 = linalg.div ins(%x, %y : tensor<4x8xf32>, tensor<4x8xf32>) outs(%x : tensor<4x8xf32>) -> tensor<4x8xf32>
  %7 = linalg.div ins(%i, %i : tensor<4x8xi32>, tensor<4x8xi32>) outs(%x : tensor<4x8xf32>) -> tensor<4x8xf32>
  return
}

// CHECK-LABEL: func.func @elementwise(
// CHECK-NEXT:    %0 = linalg.elementwise <add> ins(%x, %y : tensor<4x8xf32>, tensor<4x8xf32>) outs(%x : tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK-NEXT:    %1 = linalg.elementwise <exp> ins(%x : tensor<4x8xf32>) outs(%y : tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK-NEXT:    %2 = linalg.elementwise <sub> indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>] {tag} ins(%x, %row : tensor<4x8xf32>, tensor<8xf32>) outs(%x : tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK-NEXT:    %3 = linalg.elementwise <select> ins(%mask, %x, %y : tensor<4x8xi1>, tensor<4x8xf32>, tensor<4x8xf32>) outs(%x : tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK-NEXT:    %4 = linalg.elementwise <reciprocal> ins(%x : tensor<4x8xf32>) outs(%y : tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK-NEXT:    %5 = linalg.elementwise <max_unsigned> ins(%i, %i : tensor<4x8xi32>, tensor<4x8xi32>) outs(%i : tensor<4x8xi32>) -> tensor<4x8xi32>
// CHECK-NEXT:    %6 = linalg.div ins(%x, %y : tensor<4x8xf32>, tensor<4x8xf32>) outs(%x : tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK-NEXT:    %7 = linalg.div ins(%i, %i : tensor<4x8xi32>, tensor<4x8xi32>) outs(%x : tensor<4x8xf32>) -> tensor<4x8xf32>

// GENERIC-LABEL: "func.func"() <{sym_name = "elementwise"
// GENERIC:         kind = #linalg.elementwise_kind<add>
// GENERIC:         "arith.addf"
// GENERIC:         kind = #linalg.elementwise_kind<exp>
// GENERIC:         "math.exp"
// GENERIC:         kind = #linalg.elementwise_kind<sub>
// GENERIC:         "arith.subf"
// GENERIC:         kind = #linalg.elementwise_kind<select>
// GENERIC:         "arith.select"
// GENERIC:         kind = #linalg.elementwise_kind<reciprocal>
// GENERIC:         "arith.constant"() <{value = 1.000000e+00 : f32}>
// GENERIC-NEXT:    "arith.divf"
// GENERIC:         "arith.maxui"
// GENERIC:         "linalg.div"
// GENERIC:         "arith.divf"
// GENERIC:         "linalg.div"
// GENERIC:         "arith.sitofp"
// GENERIC-NEXT:    "arith.sitofp"
// GENERIC-NEXT:    "arith.divf"

func.func @softmax(%x: tensor<2x4x8xf32>, %y: tensor<2x4x8xf32>, %m: memref<4x8xf32>) {
  %0 = linalg.softmax dimension(2) ins(%x : tensor<2x4x8xf32>) outs(%y : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %1 = linalg.softmax {tag} dimension(0) ins(%x : tensor<2x4x8xf32>) outs(%y : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  linalg.softmax dimension(1) ins(%m : memref<4x8xf32>) outs(%m : memref<4x8xf32>)
  return
}

// CHECK-LABEL: func.func @softmax(
// CHECK-NEXT:    %0 = linalg.softmax dimension(2) ins(%x : tensor<2x4x8xf32>) outs(%y : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
// CHECK-NEXT:    %1 = linalg.softmax {tag} dimension(0) ins(%x : tensor<2x4x8xf32>) outs(%y : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
// CHECK-NEXT:    linalg.softmax dimension(1) ins(%m : memref<4x8xf32>) outs(%m : memref<4x8xf32>)

// GENERIC-LABEL: "func.func"() <{sym_name = "softmax"
// GENERIC:         "linalg.softmax"(%x, %y) <{dimension = 2 : i64}> : (tensor<2x4x8xf32>, tensor<2x4x8xf32>) -> tensor<2x4x8xf32>

func.func @windows(%i: tensor<1x33x33x8xf32>, %k: tensor<3x3x8xf32>, %o: tensor<1x8x8x8xf32>, %ic: tensor<1x8x18x18xf32>, %kc: tensor<8x3x3xf32>, %oc: tensor<1x8x16x16xf32>,
                   %i1: tensor<18xf32>, %k1: tensor<3xf32>, %o1: tensor<16xf32>, %iw: tensor<1x18x4xf32>, %kw: tensor<3x4x8xf32>, %ow: tensor<1x16x8xf32>,
                   %icw: tensor<1x4x18xf32>, %kcw: tensor<8x4x3xf32>, %ocw: tensor<1x8x16xf32>, %win: tensor<3x3xf32>) {
  %0 = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<2> : tensor<2xi64>, strides = dense<[4, 3]> : tensor<2xi64>} ins(%i, %k : tensor<1x33x33x8xf32>, tensor<3x3x8xf32>) outs(%o : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  %1 = linalg.depthwise_conv_2d_nchw_chw ins(%ic, %kc : tensor<1x8x18x18xf32>, tensor<8x3x3xf32>) outs(%oc : tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
  %2 = linalg.conv_1d ins(%i1, %k1 : tensor<18xf32>, tensor<3xf32>) outs(%o1 : tensor<16xf32>) -> tensor<16xf32>
  %3 = linalg.conv_1d_nwc_wcf {dilations = dense<1> : tensor<1xi64>, strides = dense<1> : tensor<1xi64>} ins(%iw, %kw : tensor<1x18x4xf32>, tensor<3x4x8xf32>) outs(%ow : tensor<1x16x8xf32>) -> tensor<1x16x8xf32>
  %4 = linalg.conv_1d_ncw_fcw ins(%icw, %kcw : tensor<1x4x18xf32>, tensor<8x4x3xf32>) outs(%ocw : tensor<1x8x16xf32>) -> tensor<1x8x16xf32>
  %5 = linalg.pooling_nchw_sum ins(%ic, %win : tensor<1x8x18x18xf32>, tensor<3x3xf32>) outs(%oc : tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
  %6 = linalg.pooling_nhwc_max {strides = dense<4> : tensor<2xi64>} ins(%i, %win : tensor<1x33x33x8xf32>, tensor<3x3xf32>) outs(%o : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  %7 = linalg.pooling_nhwc_sum {strides = dense<4> : tensor<2xi64>} ins(%i, %win : tensor<1x33x33x8xf32>, tensor<3x3xf32>) outs(%o : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  return
}

// CHECK-LABEL: func.func @windows(
// CHECK-NEXT:    %0 = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<2> : tensor<2xi64>, strides = dense<[4, 3]> : tensor<2xi64>} ins(%i, %k : tensor<1x33x33x8xf32>, tensor<3x3x8xf32>) outs(%o : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
// CHECK-NEXT:    %1 = linalg.depthwise_conv_2d_nchw_chw ins(%ic, %kc : tensor<1x8x18x18xf32>, tensor<8x3x3xf32>) outs(%oc : tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
// CHECK-NEXT:    %2 = linalg.conv_1d ins(%i1, %k1 : tensor<18xf32>, tensor<3xf32>) outs(%o1 : tensor<16xf32>) -> tensor<16xf32>
// CHECK-NEXT:    %3 = linalg.conv_1d_nwc_wcf {dilations = dense<1> : tensor<1xi64>, strides = dense<1> : tensor<1xi64>} ins(%iw, %kw : tensor<1x18x4xf32>, tensor<3x4x8xf32>) outs(%ow : tensor<1x16x8xf32>) -> tensor<1x16x8xf32>
// CHECK-NEXT:    %4 = linalg.conv_1d_ncw_fcw ins(%icw, %kcw : tensor<1x4x18xf32>, tensor<8x4x3xf32>) outs(%ocw : tensor<1x8x16xf32>) -> tensor<1x8x16xf32>
// CHECK-NEXT:    %5 = linalg.pooling_nchw_sum ins(%ic, %win : tensor<1x8x18x18xf32>, tensor<3x3xf32>) outs(%oc : tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
// CHECK-NEXT:    %6 = linalg.pooling_nhwc_max {strides = dense<4> : tensor<2xi64>} ins(%i, %win : tensor<1x33x33x8xf32>, tensor<3x3xf32>) outs(%o : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
// CHECK-NEXT:    %7 = linalg.pooling_nhwc_sum {strides = dense<4> : tensor<2xi64>} ins(%i, %win : tensor<1x33x33x8xf32>, tensor<3x3xf32>) outs(%o : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>

// GENERIC-LABEL: "func.func"() <{sym_name = "windows"
// GENERIC:         "linalg.pooling_nhwc_max"
// GENERIC:         "arith.maximumf"(%[[OUT:.*]], %[[IN:.*]])

func.func @reduce(%x: tensor<4x8xf32>, %init: tensor<4xf32>) {
  %0 = linalg.reduce { arith.addf } ins(%x : tensor<4x8xf32>) outs(%init : tensor<4xf32>) dimensions = [1]
  %1 = linalg.reduce { arith.maximumf {fastmath = #arith.fastmath<fast>} } ins(%x : tensor<4x8xf32>) outs(%init : tensor<4xf32>) dimensions = [1] {tag}
  %2 = linalg.reduce ins(%x : tensor<4x8xf32>) outs(%init : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) {
      %sum = arith.addf %in, %acc : f32
      linalg.yield %sum : f32
    }
  return
}

// CHECK-LABEL: func.func @reduce(
// CHECK-NEXT:    %0 = linalg.reduce { arith.addf } ins(%x : tensor<4x8xf32>) outs(%init : tensor<4xf32>) dimensions = [1]
// CHECK-NEXT:    %1 = linalg.reduce { arith.maximumf {fastmath = #arith.fastmath<fast>} } ins(%x : tensor<4x8xf32>) outs(%init : tensor<4xf32>) dimensions = [1] {tag}
// CHECK-NEXT:    %2 = linalg.reduce ins(%x : tensor<4x8xf32>) outs(%init : tensor<4xf32>) dimensions = [1] (%in: f32, %acc: f32) {
// CHECK-NEXT:      %sum = arith.addf %in, %acc : f32
// CHECK-NEXT:      linalg.yield %sum : f32
// CHECK-NEXT:    }

// GENERIC-LABEL: "func.func"() <{sym_name = "reduce"
// GENERIC:         "linalg.reduce"(%x, %init) <{dimensions = array<i64: 1>}> ({
// GENERIC-NEXT:    ^bb{{.*}}(%[[IN:.*]]: f32, %[[ACC:.*]]: f32):
// GENERIC-NEXT:      %{{.*}} = "arith.addf"(%[[ACC]], %[[IN]])

#identity = affine_map<(d0, d1) -> (d0, d1)>
func.func @xdsl_ops(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>, %t: tensor<8x4xf32>, %v: tensor<8xf32>, %s: f32, %mc: tensor<4x4xf32>,
                    %i: tensor<1x3x18x18xf32>, %k: tensor<8x3x3x3xf32>, %o: tensor<1x8x16x16xf32>, %w: tensor<3x3xf32>, %po: tensor<1x3x16x16xf32>) {
  %0 = linalg.add ins(%x, %y : tensor<4x8xf32>, tensor<4x8xf32>) outs(%x : tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = linalg.fill ins(%s : f32) outs(%x : tensor<4x8xf32>) -> tensor<4x8xf32>
  %2 = linalg.transpose ins(%x : tensor<4x8xf32>) outs(%t : tensor<8x4xf32>) permutation = [1, 0]
  %3 = linalg.broadcast ins(%v : tensor<8xf32>) outs(%x : tensor<4x8xf32>) dimensions = [0]
  %4 = linalg.generic {indexing_maps = [#identity, #identity], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x8xf32>) outs(%y : tensor<4x8xf32>) {
  ^bb0(%a: f32, %b: f32):
    %square = arith.mulf %a, %a : f32
    linalg.yield %square : f32
  } -> tensor<4x8xf32>
  %5 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%i, %k : tensor<1x3x18x18xf32>, tensor<8x3x3x3xf32>) outs(%o : tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
  %6 = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%i, %w : tensor<1x3x18x18xf32>, tensor<3x3xf32>) outs(%po : tensor<1x3x16x16xf32>) -> tensor<1x3x16x16xf32>
  %7 = linalg.exp ins(%x : tensor<4x8xf32>) outs(%y : tensor<4x8xf32>) -> tensor<4x8xf32>
  %8 = linalg.matmul ins(%x, %t : tensor<4x8xf32>, tensor<8x4xf32>) outs(%mc : tensor<4x4xf32>) -> tensor<4x4xf32>
  return
}

// CHECK-LABEL: func.func @xdsl_ops(
// CHECK-NEXT:    %0 = linalg.add ins(%x, %y : tensor<4x8xf32>, tensor<4x8xf32>) outs(%x : tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK-NEXT:    %1 = linalg.fill ins(%s : f32) outs(%x : tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK-NEXT:    %2 = linalg.transpose ins(%x:tensor<4x8xf32>) outs(%t:tensor<8x4xf32>) permutation = [1, 0]
// CHECK-NEXT:    %3 = linalg.broadcast ins(%v:tensor<8xf32>) outs(%x:tensor<4x8xf32>) dimensions = [0]
// CHECK-NEXT:    %4 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x8xf32>) outs(%y : tensor<4x8xf32>) {
// CHECK-NEXT:    ^bb0(%a: f32, %b: f32):
// CHECK-NEXT:      %square = arith.mulf %a, %a : f32
// CHECK-NEXT:      linalg.yield %square : f32
// CHECK-NEXT:    } -> tensor<4x8xf32>
// CHECK-NEXT:    %5 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%i, %k : tensor<1x3x18x18xf32>, tensor<8x3x3x3xf32>) outs(%o : tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
// CHECK-NEXT:    %6 = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%i, %w : tensor<1x3x18x18xf32>, tensor<3x3xf32>) outs(%po : tensor<1x3x16x16xf32>) -> tensor<1x3x16x16xf32>
// CHECK-NEXT:    %7 = linalg.exp ins(%x : tensor<4x8xf32>) outs(%y : tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK-NEXT:    %8 = linalg.matmul ins(%x, %t : tensor<4x8xf32>, tensor<8x4xf32>) outs(%mc : tensor<4x4xf32>) -> tensor<4x4xf32>
