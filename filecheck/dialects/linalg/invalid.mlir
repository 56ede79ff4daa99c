// RUN: t10-opt %s --split-input-file --verify-diagnostics | filecheck %s

// One case per rule of the linalg ops t10 adds or replaces.

func.func @too_few_inputs(%a: tensor<2x8x16xf32>, %c: tensor<2x8x4xf32>) {
  %0 = linalg.batch_matmul ins(%a : tensor<2x8x16xf32>) outs(%c : tensor<2x8x4xf32>) -> tensor<2x8x4xf32>
  return
}

// CHECK: 'linalg.batch_matmul' expects 2 input(s) and 1 output, got 1 and 1

// -----

func.func @too_few_inputs_generic(%a: tensor<8x16xf32>, %y: tensor<8xf32>) {
  %0 = "linalg.matvec"(%a, %y) <{operandSegmentSizes = array<i32: 1, 1>}> ({
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }) : (tensor<8x16xf32>, tensor<8xf32>) -> tensor<8xf32>
  return
}

// CHECK: expected 2 input(s) and 1 output, got 1 and 1

// -----

func.func @missing_result(%a: tensor<8x16xf32>, %v: tensor<16xf32>, %y: tensor<8xf32>) {
  linalg.matvec ins(%a, %v : tensor<8x16xf32>, tensor<16xf32>) outs(%y : tensor<8xf32>)
  return
}

// CHECK: expected the number of tensor results (0) to be equal to the number of output tensors (1)

// -----

func.func @wrong_result_type(%v: tensor<16xf32>, %s: tensor<f32>) {
  %0 = linalg.dot ins(%v, %v : tensor<16xf32>, tensor<16xf32>) outs(%s : tensor<f32>) -> tensor<f64>
  return
}

// CHECK: expected type of result #0 (tensor<f64>) to match the type of its output tensor (tensor<f32>)

// -----

func.func @wrong_rank(%a: tensor<8x16xf32>, %b: tensor<16x4xf32>, %c: tensor<8x4xf32>) {
  %0 = linalg.batch_matmul ins(%a, %b : tensor<8x16xf32>, tensor<16x4xf32>) outs(%c : tensor<8x4xf32>) -> tensor<8x4xf32>
  return
}

// CHECK: expected operand #0 of rank 2 to match the result count of indexing_map #0, 3

// -----

func.func @shape_mismatch(%a: tensor<2x8x16xf32>, %b: tensor<2x15x4xf32>, %c: tensor<2x8x4xf32>) {
  %0 = linalg.batch_matmul ins(%a, %b : tensor<2x8x16xf32>, tensor<2x15x4xf32>) outs(%c : tensor<2x8x4xf32>) -> tensor<2x8x4xf32>
  return
}

// CHECK: inferred input/output operand #1 has shape's dimension #1 to be 16, but found 15

// -----

// With B indexed (n, k), a 16x4 B gives n = 16, and then B's k extent 4
// disagrees with A's 16.
func.func @transposed_shape_mismatch(%a: tensor<8x16xf32>, %b: tensor<16x4xf32>, %c: tensor<8x4xf32>) {
  %0 = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>] ins(%a, %b : tensor<8x16xf32>, tensor<16x4xf32>) outs(%c : tensor<8x4xf32>) -> tensor<8x4xf32>
  return
}

// CHECK: inferred input/output operand #1 has shape's dimension #1 to be 16, but found 4

// -----

func.func @too_few_maps(%a: tensor<8x16xf32>, %b: tensor<16x4xf32>, %c: tensor<8x4xf32>) {
  %0 = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>] ins(%a, %b : tensor<8x16xf32>, tensor<16x4xf32>) outs(%c : tensor<8x4xf32>) -> tensor<8x4xf32>
  return
}

// CHECK: expected the number of indexing_map (2) to be equal to the number of input/output operands (3)

// -----

func.func @map_with_wrong_loop_count(%a: tensor<2x8x16xf32>, %b: tensor<2x16x4xf32>, %c: tensor<2x8x4xf32>) {
  %0 = linalg.batch_matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(b, m, n, k) -> (b, k, n)>, affine_map<(b, m, n, k) -> (b, m, n)>] ins(%a, %b : tensor<2x8x16xf32>, tensor<2x16x4xf32>) outs(%c : tensor<2x8x4xf32>) -> tensor<2x8x4xf32>
  return
}

// CHECK: expected indexing_map #0 to have 4 dim(s) to match the number of loops

// -----

func.func @maps_not_maps(%a: tensor<8x16xf32>, %b: tensor<16x4xf32>, %c: tensor<8x4xf32>) {
  %0 = linalg.matmul indexing_maps = [1, 2, 3] ins(%a, %b : tensor<8x16xf32>, tensor<16x4xf32>) outs(%c : tensor<8x4xf32>) -> tensor<8x4xf32>
  return
}

// CHECK: expected indexing_maps to be a list of affine maps, got [1 : i64, 2 : i64, 3 : i64]

// -----

func.func @not_a_number(%a: tensor<8xindex>, %c: tensor<8xindex>) {
  %0 = linalg.elementwise <add> ins(%a, %a : tensor<8xindex>, tensor<8xindex>) outs(%c : tensor<8xindex>) -> tensor<8xindex>
  return
}

// CHECK: 'linalg.elementwise' computes on integers and floats, not on index

// -----

func.func @elementwise_arity(%x: tensor<4xf32>) {
  %0 = linalg.elementwise <exp> ins(%x, %x : tensor<4xf32>, tensor<4xf32>) outs(%x : tensor<4xf32>) -> tensor<4xf32>
  return
}

// CHECK: 'linalg.elementwise' expects 1 input(s) and 1 output, got 2 and 1

// -----

func.func @elementwise_arity_generic(%x: tensor<4xf32>) {
  %0 = "linalg.elementwise"(%x, %x) <{kind = #linalg.elementwise_kind<add>, indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], operandSegmentSizes = array<i32: 1, 1>}> ({
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// CHECK: expected 2 input(s) and 1 output, got 1 and 1

// -----

func.func @float_kind_on_integers(%i: tensor<4xi32>) {
  %0 = linalg.elementwise <exp> ins(%i : tensor<4xi32>) outs(%i : tensor<4xi32>) -> tensor<4xi32>
  return
}

// CHECK: 'linalg.elementwise' elementwise kind exp needs floating-point elements, got i32

// -----

func.func @integer_kind_on_floats(%x: tensor<4xf32>) {
  %0 = linalg.elementwise <div_unsigned> ins(%x, %x : tensor<4xf32>, tensor<4xf32>) outs(%x : tensor<4xf32>) -> tensor<4xf32>
  return
}

// CHECK: 'linalg.elementwise' elementwise kind div_unsigned is not defined on elements of type f32

// -----

func.func @mixed_element_types(%a: tensor<4xi8>, %c: tensor<4xi32>) {
  %0 = linalg.elementwise <add> ins(%a, %a : tensor<4xi8>, tensor<4xi8>) outs(%c : tensor<4xi32>) -> tensor<4xi32>
  return
}

// CHECK: 'linalg.elementwise' elementwise kind add computes in the output element type i32, but input #0 has elements of type i8

// -----

func.func @mixed_element_types_generic(%a: tensor<4xi8>, %c: tensor<4xi32>) {
  %0 = "linalg.elementwise"(%a, %c) <{kind = #linalg.elementwise_kind<negf>, indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], operandSegmentSizes = array<i32: 1, 1>}> ({
  ^bb0(%in: i8, %out: i32):
    linalg.yield %out : i32
  }) : (tensor<4xi8>, tensor<4xi32>) -> tensor<4xi32>
  return
}

// CHECK: elementwise kind negf needs floating-point elements, got i32

// -----

func.func @select_condition(%x: tensor<4xf32>) {
  %0 = linalg.elementwise <select> ins(%x, %x, %x : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%x : tensor<4xf32>) -> tensor<4xf32>
  return
}

// CHECK: 'linalg.elementwise' elementwise kind select needs an i1 condition, got f32

// -----

func.func @strides_count(%i: tensor<1x18x18x8xf32>, %w: tensor<3x3xf32>, %o: tensor<1x16x16x8xf32>) {
  %0 = linalg.pooling_nhwc_sum {strides = dense<1> : tensor<3xi64>} ins(%i, %w : tensor<1x18x18x8xf32>, tensor<3x3xf32>) outs(%o : tensor<1x16x16x8xf32>) -> tensor<1x16x16x8xf32>
  return
}

// CHECK: expected strides to have 2 element(s), one per spatial dimension, got 3

// -----

func.func @dilations_positive(%i: tensor<1x18x4xf32>, %k: tensor<3x4x8xf32>, %o: tensor<1x16x8xf32>) {
  %0 = linalg.conv_1d_nwc_wcf {dilations = dense<0> : tensor<1xi64>} ins(%i, %k : tensor<1x18x4xf32>, tensor<3x4x8xf32>) outs(%o : tensor<1x16x8xf32>) -> tensor<1x16x8xf32>
  return
}

// CHECK: expected dilations to be positive, got [0]

// -----

func.func @window_overrun(%i: tensor<1x17x17x8xf32>, %k: tensor<3x3x8xf32>, %o: tensor<1x16x16x8xf32>) {
  %0 = linalg.depthwise_conv_2d_nhwc_hwc ins(%i, %k : tensor<1x17x17x8xf32>, tensor<3x3x8xf32>) outs(%o : tensor<1x16x16x8xf32>) -> tensor<1x16x16x8xf32>
  return
}

// CHECK: inferred input/output operand #0 has shape's dimension #1 to be greater than or equal to 18, but found 17

// -----

func.func @softmax_dimension(%x: tensor<4x8xf32>) {
  %0 = linalg.softmax dimension(2) ins(%x : tensor<4x8xf32>) outs(%x : tensor<4x8xf32>) -> tensor<4x8xf32>
  return
}

// CHECK: incorrect dimension specified: 2 is not a dimension of an input of rank 2

// -----

func.func @softmax_shape(%x: tensor<4x8xf32>, %y: tensor<4x7xf32>) {
  %0 = linalg.softmax dimension(1) ins(%x : tensor<4x8xf32>) outs(%y : tensor<4x7xf32>) -> tensor<4x7xf32>
  return
}

// CHECK: incompatible output shape: output tensor<4x7xf32> does not match input tensor<4x8xf32>

// -----

func.func @softmax_result(%x: tensor<4x8xf32>) {
  linalg.softmax dimension(1) ins(%x : tensor<4x8xf32>) outs(%x : tensor<4x8xf32>)
  return
}

// CHECK: expected the number of tensor results (0) to be equal to the number of output tensors (1)

// -----

func.func @reduce_element_types(%x: tensor<4x8xf32>, %init: tensor<4xf16>) {
  %0 = linalg.reduce ins(%x : tensor<4x8xf32>) outs(%init : tensor<4xf16>) dimensions = [1]
    (%in: f32, %acc: f32) {
      linalg.yield %acc : f32
    }
  return
}

// CHECK: output element type f16 does not match corresponding block argument type f32

// -----

func.func @reduce_dimension(%x: tensor<4x8xf32>, %init: tensor<4xf32>) {
  %0 = linalg.reduce { arith.addf } ins(%x : tensor<4x8xf32>) outs(%init : tensor<4xf32>) dimensions = [2]
  return
}

// CHECK: dimensions for reduction should be in the range [0, 1].

// -----

func.func @reduce_init_shape(%x: tensor<4x8xf32>, %init: tensor<8xf32>) {
  %0 = linalg.reduce { arith.addf } ins(%x : tensor<4x8xf32>) outs(%init : tensor<8xf32>) dimensions = [1]
  return
}

// CHECK: init dimensions [8] doesn't match input dimensions after reduction [4]

// -----

func.func @reduce_short_form_op(%x: tensor<4x8xf32>, %init: tensor<4xf32>) {
  %0 = linalg.reduce { arith.nonsense } ins(%x : tensor<4x8xf32>) outs(%init : tensor<4xf32>) dimensions = [1]
  return
}

// CHECK: unknown operation 'arith.nonsense' in the short form
