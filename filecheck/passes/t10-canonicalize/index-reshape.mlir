// A body that reads its loop's index through linalg.index keeps reading the same index
// when a reshape splits that loop: the old index is rebuilt from the new loops' indices
// (outer * inner extent + inner), so every element still gets its own position.
// RUN: t10-opt %s -p t10-canonicalize | filecheck %s

func.func @positions(%x: tensor<6x4xf32>) -> tensor<2x3x4xf32> {
  %e = tensor.empty() : tensor<6x4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<6x4xf32>) outs(%e : tensor<6x4xf32>) {
  ^bb0(%v: f32, %o: f32):
    %i = linalg.index 0 : index
    %n = arith.index_cast %i : index to i32
    %f = arith.sitofp %n : i32 to f32
    %s = arith.addf %v, %f : f32
    linalg.yield %s : f32
  } -> tensor<6x4xf32>
  %split = tensor.expand_shape %r [[0, 1], [2]] output_shape [2, 3, 4] : tensor<6x4xf32> into tensor<2x3x4xf32>
  return %split : tensor<2x3x4xf32>
}

// CHECK-LABEL: func.func @positions
// CHECK-NOT:     tensor.expand_shape
// CHECK:         linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel"]
// CHECK:           %[[OUTER:.*]] = linalg.index 0 : index
// CHECK-NEXT:      %[[INNER:.*]] = linalg.index 1 : index
// CHECK-NEXT:      %[[THREE:.*]] = arith.constant 3 : index
// CHECK-NEXT:      %[[SCALED:.*]] = arith.muli %[[OUTER]], %[[THREE]] : index
// CHECK-NEXT:      %[[ROW:.*]] = arith.addi %[[SCALED]], %[[INNER]] : index
// CHECK-NEXT:      arith.index_cast %[[ROW]] : index to i32
