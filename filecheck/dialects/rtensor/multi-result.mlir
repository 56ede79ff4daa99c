// xDSL 0.74 prints a multi-result linalg.generic as `-> (T, T)` but parses only
// `-> T, T`, so this case round-trips through the generic form alone.
// RUN: t10-opt %s --print-op-generic | t10-opt --print-op-generic | filecheck %s

// One rtensor.compute, one result per `outs` operand.
%x = "test.op"() : () -> !rtensor.tensor<16x8xf32, #rtensor.layout<grid = [4, 2], map = (i, j) -> (i, j)>>
%sum, %prod = rtensor.compute #rtensor.plan<op_factors = [4, 2], temporal = [[1, 1], [1, 1], [1, 1]]> ins(%x : !rtensor.tensor<16x8xf32, #rtensor.layout<grid = [4, 2], map = (i, j) -> (i, j)>>) outs(%x, %x : !rtensor.tensor<16x8xf32, #rtensor.layout<grid = [4, 2], map = (i, j) -> (i, j)>>, !rtensor.tensor<16x8xf32, #rtensor.layout<grid = [4, 2], map = (i, j) -> (i, j)>>) {
^bb0(%lx: tensor<16x8xf32>, %ls: tensor<16x8xf32>, %lp: tensor<16x8xf32>):
  %s, %p = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%lx : tensor<16x8xf32>) outs(%ls, %lp : tensor<16x8xf32>, tensor<16x8xf32>) {
  ^bb1(%e: f32, %acc_s: f32, %acc_p: f32):
    %a = arith.addf %e, %e : f32
    %m = arith.mulf %e, %e : f32
    linalg.yield %a, %m : f32, f32
  } -> tensor<16x8xf32>, tensor<16x8xf32>
  rtensor.yield %s, %p : tensor<16x8xf32>, tensor<16x8xf32>
} -> !rtensor.tensor<16x8xf32, #rtensor.layout<grid = [4, 2], map = (i, j) -> (i, j)>>, !rtensor.tensor<16x8xf32, #rtensor.layout<grid = [4, 2], map = (i, j) -> (i, j)>>

// CHECK:      %sum, %prod = "rtensor.compute"(%x, %x, %x) <{plan = #rtensor.plan<op_factors = [4, 2], temporal = [[1, 1], [1, 1], [1, 1]]>, operandSegmentSizes = array<i32: 1, 2>}> ({
// CHECK:        %s, %p = "linalg.generic"(%lx, %ls, %lp)
// CHECK:        "rtensor.yield"(%s, %p) : (tensor<16x8xf32>, tensor<16x8xf32>) -> ()
// CHECK-NEXT: }) : (!rtensor.tensor<16x8xf32, #rtensor.layout<grid = [4, 2], map = (d0, d1) -> (d0, d1)>>, !rtensor.tensor<16x8xf32, #rtensor.layout<grid = [4, 2], map = (d0, d1) -> (d0, d1)>>, !rtensor.tensor<16x8xf32, #rtensor.layout<grid = [4, 2], map = (d0, d1) -> (d0, d1)>>) -> (!rtensor.tensor<16x8xf32, #rtensor.layout<grid = [4, 2], map = (d0, d1) -> (d0, d1)>>, !rtensor.tensor<16x8xf32, #rtensor.layout<grid = [4, 2], map = (d0, d1) -> (d0, d1)>>)
