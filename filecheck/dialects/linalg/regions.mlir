// RUN: t10-opt %s --split-input-file | filecheck %s
// RUN: t10-opt %s --split-input-file --print-op-generic | t10-opt --split-input-file | filecheck %s
// RUN: t10-opt %S/Inputs/regions-invalid.mlir --split-input-file --verify-diagnostics | filecheck %S/Inputs/regions-invalid.mlir

// Ops with a written body, in upstream's custom syntax both ways: a generic
// whose traits are an alias and which has two results, linalg.map in its short
// and long forms (with linalg.index), and a reduction of two inputs at once.

#trait = {indexing_maps = [affine_map<(r, c) -> (r, c)>, affine_map<(r, c) -> (r)>, affine_map<(r, c) -> (r)>], iterator_types = ["parallel", "reduction"], tag = 1}
func.func @arg_max(%x: tensor<5x6xf32>, %m: tensor<5xf32>, %i: tensor<5xi32>) -> (tensor<5xf32>, tensor<5xi32>) {
  %0:2 = linalg.generic #trait ins(%x : tensor<5x6xf32>) outs(%m, %i : tensor<5xf32>, tensor<5xi32>) {
  ^bb0(%v: f32, %best: f32, %at: i32):
    %c = linalg.index 1 : index
    %ci = arith.index_cast %c : index to i32
    %gt = arith.cmpf ogt, %v, %best : f32
    %nb = arith.select %gt, %v, %best : f32
    %ni = arith.select %gt, %ci, %at : i32
    linalg.yield %nb, %ni : f32, i32
  } -> (tensor<5xf32>, tensor<5xi32>)
  return %0#0, %0#1 : tensor<5xf32>, tensor<5xi32>
}

// CHECK-LABEL: func.func @arg_max
// CHECK: %{{.*}}, %{{.*}} = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%{{.*}} : tensor<5x6xf32>) outs(%{{.*}}, %{{.*}} : tensor<5xf32>, tensor<5xi32>) attrs =  {tag = 1 : i64} {
// CHECK:   linalg.index 1 : index
// CHECK: } -> (tensor<5xf32>, tensor<5xi32>)

// -----

func.func @map(%a: tensor<8xf32>, %b: tensor<8xf32>, %o: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
  %0 = linalg.map ins(%a, %b : tensor<8xf32>, tensor<8xf32>) outs(%o : tensor<8xf32>)
    (%x: f32, %y: f32, %init: f32) {
      %s = arith.maximumf %x, %y : f32
      linalg.yield %s : f32
    }
  %1 = linalg.map ins(%0 : tensor<8xf32>) outs(%o : tensor<8xf32>)
    (%x: f32, %init: f32) {
      %k = linalg.index 0 : index
      %ki = arith.index_cast %k : index to i32
      %kf = arith.sitofp %ki : i32 to f32
      %s = arith.addf %x, %kf : f32
      linalg.yield %s : f32
    }
  return %0, %1 : tensor<8xf32>, tensor<8xf32>
}

// CHECK-LABEL: func.func @map
// CHECK: linalg.map { arith.maximumf } ins(%{{.*}}, %{{.*}} : tensor<8xf32>, tensor<8xf32>) outs(%{{.*}} : tensor<8xf32>)
// CHECK-NEXT: linalg.map ins(%{{.*}} : tensor<8xf32>) outs(%{{.*}} : tensor<8xf32>) (%{{.*}}: f32, %{{.*}}: f32) {
// CHECK-NEXT:   linalg.index 0 : index

// -----

func.func @reduce(%x: memref<4x6xf32>, %k: memref<4x6xi8>, %s: memref<4xf32>, %n: memref<4xi8>) {
  linalg.reduce ins(%x, %k : memref<4x6xf32>, memref<4x6xi8>) outs(%s, %n : memref<4xf32>, memref<4xi8>) dimensions = [1]
    (%v: f32, %w: i8, %acc: f32, %cnt: i8) {
      %a = arith.addf %v, %acc : f32
      %b = arith.maxsi %w, %cnt : i8
      linalg.yield %a, %b : f32, i8
    }
  return
}

// CHECK-LABEL: func.func @reduce
// CHECK: linalg.reduce ins(%{{.*}}, %{{.*}} : memref<4x6xf32>, memref<4x6xi8>) outs(%{{.*}}, %{{.*}} : memref<4xf32>, memref<4xi8>) dimensions = [1] (%{{.*}}: f32, %{{.*}}: i8, %{{.*}}: f32, %{{.*}}: i8) {
// CHECK: linalg.yield %{{.*}}, %{{.*}} : f32, i8
