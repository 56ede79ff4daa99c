// Reshapes are folded into the operators' iteration spaces; unit dims become index 0.
// RUN: t10-opt %s --split-input-file -p t10-canonicalize | filecheck %s

// Attention heads as torch-mlir splits them: the projection's result is expanded into
// heads. The projection (matmul and bias add) splits its n loop into (heads, head dim);
// the weight arguments keep their types and are read into heads by copies.
func.func @split_heads(%x: tensor<16x32xf32>, %w: tensor<32x32xf32> {t10.weight}, %b: tensor<32xf32> {t10.weight}) -> tensor<4x16x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x32xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<16x32xf32>) -> tensor<16x32xf32>
  %p = linalg.matmul ins(%x, %w : tensor<16x32xf32>, tensor<32x32xf32>) outs(%f : tensor<16x32xf32>) -> tensor<16x32xf32>
  %q = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%p, %b : tensor<16x32xf32>, tensor<32xf32>) outs(%e : tensor<16x32xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<16x32xf32>
  %heads = tensor.expand_shape %q [[0], [1, 2]] output_shape [16, 4, 8] : tensor<16x32xf32> into tensor<16x4x8xf32>
  %et = tensor.empty() : tensor<4x16x8xf32>
  %t = linalg.transpose ins(%heads : tensor<16x4x8xf32>) outs(%et : tensor<4x16x8xf32>) permutation = [1, 0, 2]
  return %t : tensor<4x16x8xf32>
}

// CHECK-LABEL: func.func @split_heads
// CHECK-NOT:     tensor.expand_shape
// CHECK:         %[[W:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, ((d1 * 8) + d2))>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%w : tensor<32x32xf32>) outs(%{{.*}} : tensor<32x4x8xf32>)
// CHECK:         %[[P:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d3)>, affine_map<(d0, d1, d2, d3) -> (d3, d1, d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%x, %[[W]] : tensor<16x32xf32>, tensor<32x4x8xf32>)
// CHECK:         %[[B:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (((d0 * 8) + d1))>, affine_map<(d0, d1) -> (d0, d1)>]{{.*}} ins(%b : tensor<32xf32>)
// CHECK:         %[[Q:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[P]], %[[B]] : tensor<16x4x8xf32>, tensor<4x8xf32>)
// CHECK:         linalg.transpose ins(%[[Q]]
// CHECK-NOT:     tensor.collapse_shape

// -----

// Heads merged for a batched matmul, then split back: the batch loop splits instead.
func.func @merge_heads(%q: tensor<2x4x16x8xf32>, %k: tensor<2x4x8x16xf32>) -> tensor<2x4x16x16xf32> {
  %zero = arith.constant 0.0 : f32
  %q3 = tensor.collapse_shape %q [[0, 1], [2], [3]] : tensor<2x4x16x8xf32> into tensor<8x16x8xf32>
  %k3 = tensor.collapse_shape %k [[0, 1], [2], [3]] : tensor<2x4x8x16xf32> into tensor<8x8x16xf32>
  %e = tensor.empty() : tensor<8x16x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x16x16xf32>) -> tensor<8x16x16xf32>
  %s = linalg.batch_matmul ins(%q3, %k3 : tensor<8x16x8xf32>, tensor<8x8x16xf32>) outs(%f : tensor<8x16x16xf32>) -> tensor<8x16x16xf32>
  %s4 = tensor.expand_shape %s [[0, 1], [2], [3]] output_shape [2, 4, 16, 16] : tensor<8x16x16xf32> into tensor<2x4x16x16xf32>
  return %s4 : tensor<2x4x16x16xf32>
}

// CHECK-LABEL: func.func @merge_heads
// CHECK-NOT:     tensor.collapse_shape
// CHECK:         %[[FILL:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x4x16x16xf32>)
// CHECK:         %[[S:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4, d3)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : tensor<2x4x16x8xf32>, tensor<2x4x8x16xf32>) outs(%[[FILL]] : tensor<2x4x16x16xf32>)
// CHECK-NOT:     tensor.expand_shape
// CHECK:         func.return %[[S]] : tensor<2x4x16x16xf32>

// -----

// A keep-dim reduction read back through a unit-dim reshape (layer norm's mean): the
// reduction writes its unit dim through a loop of extent 1, its reader indexes it by 0.
func.func @keepdim_mean(%x: tensor<4x32xf32>) -> tensor<4x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<4x1xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<4x1xf32>) -> tensor<4x1xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, 0)>], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<4x32xf32>) outs(%f1 : tensor<4x1xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  } -> tensor<4x1xf32>
  %flat = tensor.collapse_shape %sum [[0, 1]] : tensor<4x1xf32> into tensor<4xf32>
  %e = tensor.empty() : tensor<4x32xf32>
  %d = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x, %flat : tensor<4x32xf32>, tensor<4xf32>) outs(%e : tensor<4x32xf32>) {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %s = arith.subf %a, %m : f32
    linalg.yield %s : f32
  } -> tensor<4x32xf32>
  return %d : tensor<4x32xf32>
}

// CHECK-LABEL: func.func @keepdim_mean
// CHECK:         %[[SUM:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>, affine_map<(d0, d1, d2) -> (d0, d2)>], iterator_types = ["parallel", "reduction", "parallel"]} ins(%x : tensor<4x32xf32>) outs(%{{.*}} : tensor<4x1xf32>)
// CHECK:         linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, 0)>, affine_map<(d0, d1) -> (d0, d1)>]{{.*}} ins(%x, %[[SUM]] : tensor<4x32xf32>, tensor<4x1xf32>)
// CHECK-NOT:     tensor.collapse_shape
