// An arg-max (a max and its index, a two-result generic whose index output follows
// the max) reduces in order: no plan splits its reduction loop, over cores or steps,
// however long it is (a sum over it would split it: see plan_search's tests).
// RUN: t10-opt %s -p 't10-partition{chip=small-16}' --print-op-generic | filecheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @argmax(%x: tensor<4x4096xf32>, %m0: tensor<4xf32>, %i0: tensor<4xi64>) -> (tensor<4xf32>, tensor<4xi64>) {
  %r:2 = "linalg.generic"(%x, %m0, %i0) <{indexing_maps = [#id, #row, #row], iterator_types = [#linalg.iterator_type<parallel>, #linalg.iterator_type<reduction>], operandSegmentSizes = array<i32: 1, 2>}> ({
  ^bb0(%v: f32, %best: f32, %at: i64):
    %j = "linalg.index"() <{dim = 1 : i64}> : () -> index
    %ji = "arith.index_cast"(%j) : (index) -> i64
    %gt = "arith.cmpf"(%v, %best) <{predicate = 2 : i64}> : (f32, f32) -> i1
    %nb = "arith.select"(%gt, %v, %best) : (i1, f32, f32) -> f32
    %ni = "arith.select"(%gt, %ji, %at) : (i1, i64, i64) -> i64
    "linalg.yield"(%nb, %ni) : (f32, i64) -> ()
  }) : (tensor<4x4096xf32>, tensor<4xf32>, tensor<4xi64>) -> (tensor<4xf32>, tensor<4xi64>)
  func.return %r#0, %r#1 : tensor<4xf32>, tensor<4xi64>
}

// CHECK:       "linalg.generic"
// CHECK:       t10.loops = array<i64: 4, 4096>
// CHECK-SAME:  t10.frontier = [#rtensor.plan<op_factors = [4, 1], temporal = [[1, 1], [1, 1], [1, 1]]>]
