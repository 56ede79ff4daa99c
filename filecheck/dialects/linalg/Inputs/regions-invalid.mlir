// Upstream's rules for generic, map and reduce, with its messages.

func.func @yield_count(%a: tensor<4xf32>, %b: tensor<4xf32>) {
  %0 = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]} ins(%a : tensor<4xf32>) outs(%b : tensor<4xf32>) {
  ^bb0(%x: f32, %y: f32):
    linalg.yield %x, %y : f32, f32
  } -> tensor<4xf32>
  return
}

// CHECK: expected number of yield values (2) to match the number of inits / outs operands of the enclosing LinalgOp (1)

// -----

func.func @index_outside(%a: tensor<4xf32>, %b: tensor<4xf32>) {
  %0 = linalg.map ins(%a : tensor<4xf32>) outs(%b : tensor<4xf32>)
    (%x: f32, %y: f32) {
      %i = linalg.index 3 : index
      linalg.yield %x : f32
    }
  return
}

// CHECK: expected dim (3) to be lower than the number of loops (1) of the enclosing LinalgOp

// -----

func.func @map_shape(%a: tensor<5xf32>, %b: tensor<4xf32>) {
  %0 = linalg.map { math.absf } ins(%a : tensor<5xf32>) outs(%b : tensor<4xf32>)
  return
}

// CHECK: expected shape of input ([5]) to match shape of output ([4])

// -----

func.func @reduce_outputs(%x: tensor<4x6xf32>, %y: tensor<4x6xf32>, %r: tensor<4xf32>, %q: tensor<6xf32>) {
  %0:2 = linalg.reduce ins(%x, %y : tensor<4x6xf32>, tensor<4x6xf32>) outs(%r, %q : tensor<4xf32>, tensor<6xf32>) dimensions = [1]
    (%u: f32, %v: f32, %s: f32, %t: f32) {
      linalg.yield %s, %t : f32, f32
    }
  return
}

// CHECK: expects all outputs to have the same shapes. Shape at output-index 1 is not equal to the shape at output-index 0.
