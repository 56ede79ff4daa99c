// RUN: t10-opt %s --split-input-file --verify-diagnostics | filecheck %s

// Every case breaks one rule of a small matmul schedule (8x8x8, loops (m, n, k)
// on a [2, 2, 2] grid; A and C cut in two along m rotate, B stays).

"test.op"() {piece = !shift.piece<2x0xf32>} : () -> ()
// CHECK: piece dimension 0 must be positive

// -----

"test.op"() {piece = !shift.piece<4xi4>} : () -> ()
// CHECK: piece element type i4 must be a whole number of bytes, an i1 or an index

// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[2, 1, 1], [2, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>) {
^bb0(%pa: !shift.piece<2x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<2x4xf32>):
  shift.skew %pa loop 0 : !shift.piece<2x4xf32>
  shift.skew %pc loop 0 : !shift.piece<2x4xf32>
  shift.loop 2 {
    shift.compute ins(%pa, %pb : !shift.piece<2x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<2x4xf32>) {
    ^bb0(%x: tensor<2x4xf32>, %y: tensor<4x4xf32>, %z: tensor<2x4xf32>):
      %s = linalg.matmul ins(%x, %y : tensor<2x4xf32>, tensor<4x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
      shift.yield %s : tensor<2x4xf32>
    }
    shift.rotate %pa loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
    shift.rotate %pc loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
  }
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: plan has 2 operand rows but the schedule has 3 operands

// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>) {
^bb0(%pa: !shift.piece<2x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<2x4xf32>):
  shift.skew %pa loop 0 : !shift.piece<2x4xf32>
  shift.skew %pc loop 0 : !shift.piece<2x4xf32>
  shift.loop 2 {
    shift.compute ins(%pa, %pb : !shift.piece<2x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<2x4xf32>) {
    ^bb0(%x: tensor<2x4xf32>, %y: tensor<4x4xf32>, %z: tensor<2x4xf32>):
      %s = linalg.matmul ins(%x, %y : tensor<2x4xf32>, tensor<4x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
      shift.yield %s : tensor<2x4xf32>
    }
    shift.rotate %pa loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
    shift.rotate %pc loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
  }
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>
// CHECK: result 0 has type !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (d0, d1, d2) -> (d0, d2), temporal = [2, 1, 1]>> but output 0 ends the schedule as !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (d0, d1, d2) -> (d0, d1), temporal = [2, 1, 1]>>

// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [1, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>) {
^bb0(%pa: !shift.piece<2x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<2x4xf32>):
  shift.skew %pa loop 0 : !shift.piece<2x4xf32>
  shift.loop 2 {
    shift.compute ins(%pa, %pb : !shift.piece<2x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<2x4xf32>) {
    ^bb0(%x: tensor<2x4xf32>, %y: tensor<4x4xf32>, %z: tensor<2x4xf32>):
      %s = linalg.matmul ins(%x, %y : tensor<2x4xf32>, tensor<4x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
      shift.yield %s : tensor<2x4xf32>
    }
    shift.rotate %pa loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
  }
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: operand 2 has layout temporal [2, 1, 1] but the plan gives [1, 1, 1]

// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 1], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 1], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>) {
^bb0(%pa: !shift.piece<2x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<2x4xf32>):
  shift.skew %pa loop 0 : !shift.piece<2x4xf32>
  shift.skew %pc loop 0 : !shift.piece<2x4xf32>
  shift.loop 2 {
    shift.compute ins(%pa, %pb : !shift.piece<2x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<2x4xf32>) {
    ^bb0(%x: tensor<2x4xf32>, %y: tensor<4x4xf32>, %z: tensor<2x4xf32>):
      %s = linalg.matmul ins(%x, %y : tensor<2x4xf32>, tensor<4x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
      shift.yield %s : tensor<2x4xf32>
    }
    shift.rotate %pa loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
    shift.rotate %pc loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
  }
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: operand 0 has layout grid [2, 2, 1] but the plan gives [2, 2, 2]

// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [1, 1, 1]>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [1, 1, 1]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>) {
^bb0(%pa: !shift.piece<2x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<2x4xf32>):
  shift.skew %pa loop 0 : !shift.piece<2x4xf32>
  shift.skew %pc loop 0 : !shift.piece<2x4xf32>
  shift.loop 2 {
    shift.compute ins(%pa, %pb : !shift.piece<2x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<2x4xf32>) {
    ^bb0(%x: tensor<2x4xf32>, %y: tensor<4x4xf32>, %z: tensor<2x4xf32>):
      %s = linalg.matmul ins(%x, %y : tensor<2x4xf32>, tensor<4x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
      shift.yield %s : tensor<2x4xf32>
    }
    shift.rotate %pa loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
    shift.rotate %pc loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
  }
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: operand 0 has layout temporal [1, 1, 1] but the plan gives [2, 1, 1]

// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>) {
^bb0(%pa: !shift.piece<4x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<2x4xf32>):
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: piece of operand 0 has type !shift.piece<4x4xf32> but its layout cuts rotating pieces of type !shift.piece<2x4xf32>

// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>) {
^bb0(%pa: !shift.piece<2x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<2x4xf32>):
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: schedule must hold exactly one shift.compute, found 0

// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>) {
^bb0(%pa: !shift.piece<2x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<2x4xf32>):
  shift.skew %pa loop 0 : !shift.piece<2x4xf32>
  shift.skew %pc loop 0 : !shift.piece<2x4xf32>
  shift.loop 2 {
    shift.compute ins(%pa, %pb : !shift.piece<2x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<2x4xf32>) {
    ^bb0(%x: tensor<2x4xf32>, %y: tensor<4x4xf32>, %z: tensor<2x4xf32>):
      %s = linalg.matmul ins(%x, %y : tensor<2x4xf32>, tensor<4x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
      shift.yield %s : tensor<2x4xf32>
    }
    shift.compute ins(%pa, %pb : !shift.piece<2x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<2x4xf32>) {
    ^bb0(%x: tensor<2x4xf32>, %y: tensor<4x4xf32>, %z: tensor<2x4xf32>):
      %s = linalg.matmul ins(%x, %y : tensor<2x4xf32>, tensor<4x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
      shift.yield %s : tensor<2x4xf32>
    }
    shift.rotate %pa loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
    shift.rotate %pc loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
  }
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: schedule must hold exactly one shift.compute, found 2

// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>) {
^bb0(%pa: !shift.piece<2x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<2x4xf32>):
  shift.skew %pa loop 0 : !shift.piece<2x4xf32>
  shift.skew %pc loop 0 : !shift.piece<2x4xf32>
  shift.loop 2 {
    shift.compute ins(%pa, %pb : !shift.piece<2x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<2x4xf32>) {
    ^bb0(%x: tensor<2x4xf32>, %y: tensor<4x4xf32>, %z: tensor<2x4xf32>):
      %s = linalg.matmul {indexing_maps = [affine_map<(m, n, k) -> (m, n)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>]} ins(%x, %y : tensor<2x4xf32>, tensor<4x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
      shift.yield %s : tensor<2x4xf32>
    }
    shift.rotate %pa loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
    shift.rotate %pc loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
  }
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: linalg.matmul reads operand 0 through (d0, d1, d2) -> (d0, d1) but its layout was planned for (d0, d1, d2) -> (d0, d2)

// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>) {
^bb0(%pa: !shift.piece<2x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<2x4xf32>):
  shift.skew %pa loop 0 : !shift.piece<2x4xf32>
  shift.skew %pc loop 0 : !shift.piece<2x4xf32>
  shift.loop 4 {
    shift.compute ins(%pa, %pb : !shift.piece<2x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<2x4xf32>) {
    ^bb0(%x: tensor<2x4xf32>, %y: tensor<4x4xf32>, %z: tensor<2x4xf32>):
      %s = linalg.matmul ins(%x, %y : tensor<2x4xf32>, tensor<4x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
      shift.yield %s : tensor<2x4xf32>
    }
    shift.rotate %pa loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
    shift.rotate %pc loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
  }
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: operand 0 rotates 4 times per pass over loop 0 (levels [4]) but its ring has 2 cores

// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>) {
^bb0(%pa: !shift.piece<2x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<2x4xf32>):
  shift.skew %pa loop 0 : !shift.piece<2x4xf32>
  shift.skew %pc loop 0 : !shift.piece<2x4xf32>
  shift.compute ins(%pa, %pb : !shift.piece<2x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<2x4xf32>) {
  ^bb0(%x: tensor<2x4xf32>, %y: tensor<4x4xf32>, %z: tensor<2x4xf32>):
    %s = linalg.matmul ins(%x, %y : tensor<2x4xf32>, tensor<4x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
    shift.yield %s : tensor<2x4xf32>
  }
  shift.loop 2 {
    shift.rotate %pa loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
    shift.rotate %pc loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
  }
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: shift.loop counts [] around the compute give 1 compute steps but the plan has 2

// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>) {
^bb0(%pa: !shift.piece<2x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<2x4xf32>):
  shift.skew %pa loop 0 : !shift.piece<2x4xf32>
  shift.skew %pc loop 0 : !shift.piece<2x4xf32>
  shift.loop 2 {
    shift.compute ins(%pa, %pb : !shift.piece<2x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<2x4xf32>) {
    ^bb0(%x: tensor<2x4xf32>, %y: tensor<4x4xf32>, %z: tensor<2x4xf32>):
      %s = linalg.matmul ins(%x, %y : tensor<2x4xf32>, tensor<4x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
      shift.yield %s : tensor<2x4xf32>
    }
    shift.rotate %pa loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
  }
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: operand 2 is split 2 ways on loop 0 but never rotates on it

// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>) {
^bb0(%pa: !shift.piece<2x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<2x4xf32>):
  shift.skew %pa loop 0 : !shift.piece<2x4xf32>
  shift.skew %pc loop 0 : !shift.piece<2x4xf32>
  shift.loop 2 {
    shift.compute ins(%pa, %pb : !shift.piece<2x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<2x4xf32>) {
    ^bb0(%x: tensor<2x4xf32>, %y: tensor<4x4xf32>, %z: tensor<2x4xf32>):
      %s = linalg.matmul ins(%x, %y : tensor<2x4xf32>, tensor<4x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
      "shift.loop"() <{count = 0 : i64}> ({
  ^bb0:
  }) : () -> ()
  shift.yield %s : tensor<2x4xf32>
    }
    shift.rotate %pa loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
    shift.rotate %pc loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
  }
  "shift.loop"() <{count = 0 : i64}> ({
  ^bb0:
  }) : () -> ()
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: loop count 0 must be positive

// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>) {
^bb0(%pa: !shift.piece<2x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<2x4xf32>):
  shift.skew %pa loop 0 : !shift.piece<2x4xf32>
  shift.skew %pc loop 0 : !shift.piece<2x4xf32>
  shift.loop 1 {
  shift.loop 2 {
    shift.compute ins(%pa, %pb : !shift.piece<2x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<2x4xf32>) {
    ^bb0(%x: tensor<2x4xf32>, %y: tensor<4x4xf32>, %z: tensor<2x4xf32>):
      %s = linalg.matmul ins(%x, %y : tensor<2x4xf32>, tensor<4x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
      shift.yield %s : tensor<2x4xf32>
    }
    shift.rotate %pa loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
    shift.rotate %pc loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
  }
  }
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: a shift.loop level steps exactly one plan loop, but its rotations rotate along loops []

// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>) {
^bb0(%pa: !shift.piece<2x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<2x4xf32>):
  shift.skew %pa loop 0 : !shift.piece<2x4xf32>
  shift.skew %pc loop 0 : !shift.piece<2x4xf32>
  shift.loop 2 {
    shift.compute ins(%pb, %pa : !shift.piece<4x4xf32>, !shift.piece<2x4xf32>) outs(%pc : !shift.piece<2x4xf32>) {
    ^bb0(%x: tensor<2x4xf32>, %y: tensor<4x4xf32>, %z: tensor<2x4xf32>):
      %s = linalg.matmul ins(%x, %y : tensor<2x4xf32>, tensor<4x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
      shift.yield %s : tensor<2x4xf32>
    }
    shift.rotate %pa loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
    shift.rotate %pc loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
  }
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: shift.compute must take the schedule's pieces in order: 2 as ins and 1 as outs

// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>) {
^bb0(%pa: !shift.piece<2x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<2x4xf32>):
  shift.skew %pa loop 0 : !shift.piece<2x4xf32>
  shift.skew %pc loop 0 : !shift.piece<2x4xf32>
  shift.loop 2 {
    shift.compute ins(%pa, %pb : !shift.piece<2x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<2x4xf32>) {
    ^bb0(%x: tensor<4x2xf32>, %y: tensor<4x4xf32>, %z: tensor<2x4xf32>):
      %s = tensor.empty() : tensor<2x4xf32>
      shift.yield %s : tensor<2x4xf32>
    }
    shift.rotate %pa loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
    shift.rotate %pc loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
  }
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: shift.compute body arguments [tensor<4x2xf32>, tensor<4x4xf32>, tensor<2x4xf32>] must be the step slices [tensor<2x4xf32>, tensor<4x4xf32>, tensor<2x4xf32>] of the pieces (steps per loop [2, 1, 1])

// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>) {
^bb0(%pa: !shift.piece<2x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<2x4xf32>):
  shift.skew %pa loop 0 : !shift.piece<2x4xf32>
  shift.skew %pc loop 0 : !shift.piece<2x4xf32>
  shift.loop 2 {
    shift.compute ins(%pa, %pb : !shift.piece<2x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<2x4xf32>) {
    ^bb0(%x: tensor<2x4xf32>, %y: tensor<4x4xf32>, %z: tensor<2x4xf32>):
      %s = linalg.matmul ins(%x, %y : tensor<2x4xf32>, tensor<4x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
      shift.yield %x, %s : tensor<2x4xf32>, tensor<2x4xf32>
    }
    shift.rotate %pa loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
    shift.rotate %pc loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
  }
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: shift.compute yields [tensor<2x4xf32>, tensor<2x4xf32>] but its outs step slices are [tensor<2x4xf32>]

// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>) {
^bb0(%pa: !shift.piece<2x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<2x4xf32>):
  shift.skew %pa loop 0 : !shift.piece<2x4xf32>
  shift.skew %pc loop 0 : !shift.piece<2x4xf32>
  shift.loop 2 {
    shift.compute ins(%pa, %pb : !shift.piece<2x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<2x4xf32>) {
    ^bb0(%x: tensor<2x4xf32>, %y: tensor<4x4xf32>, %z: tensor<2x4xf32>):
      %s = linalg.matmul ins(%x, %y : tensor<2x4xf32>, tensor<4x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
      shift.yield %s : tensor<2x4xf32>
    }
    shift.rotate %pa loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
    shift.rotate %pc loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
  }
  %t = tensor.empty() : tensor<2xf32>
  shift.yield %t : tensor<2xf32>
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: shift.yield of a schedule yields no values, got 1

// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>) {
^bb0(%pa: !shift.piece<2x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<2x4xf32>):
  shift.skew %pa loop 0 : !shift.piece<2x4xf32>
  shift.skew %pc loop 0 : !shift.piece<2x4xf32>
  shift.loop 2 {
    shift.compute ins(%pa, %pb : !shift.piece<2x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<2x4xf32>) {
    ^bb0(%x: tensor<2x4xf32>, %y: tensor<4x4xf32>, %z: tensor<2x4xf32>):
      %s = linalg.matmul ins(%x, %y : tensor<2x4xf32>, tensor<4x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
      shift.yield %s : tensor<2x4xf32>
    }
    shift.rotate %pa loop 0 ring 2 pace 2 : !shift.piece<2x4xf32>
    shift.rotate %pc loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
  }
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: rotate ring 2 must be at least 2 and pace 2 in [1, 2) coprime with it, so that a piece visits every core of its ring

// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>) {
^bb0(%pa: !shift.piece<2x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<2x4xf32>):
  shift.skew %pa loop 0 : !shift.piece<2x4xf32>
  shift.skew %pc loop 0 : !shift.piece<2x4xf32>
  shift.loop 2 {
    shift.compute ins(%pa, %pb : !shift.piece<2x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<2x4xf32>) {
    ^bb0(%x: tensor<2x4xf32>, %y: tensor<4x4xf32>, %z: tensor<2x4xf32>):
      %s = linalg.matmul ins(%x, %y : tensor<2x4xf32>, tensor<4x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
      shift.yield %s : tensor<2x4xf32>
    }
    shift.rotate %pa loop 3 ring 2 pace 1 : !shift.piece<2x4xf32>
    shift.rotate %pc loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
  }
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: shift.rotate loop 3 is outside the plan's 3 loops

// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>) {
^bb0(%pa: !shift.piece<2x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<2x4xf32>):
  shift.skew %pa loop 0 : !shift.piece<2x4xf32>
  shift.skew %pc loop 0 : !shift.piece<2x4xf32>
  shift.loop 2 {
    shift.compute ins(%pa, %pb : !shift.piece<2x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<2x4xf32>) {
    ^bb0(%x: tensor<2x4xf32>, %y: tensor<4x4xf32>, %z: tensor<2x4xf32>):
      %s = linalg.matmul ins(%x, %y : tensor<2x4xf32>, tensor<4x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
      shift.yield %s : tensor<2x4xf32>
    }
    shift.rotate %pa loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
    shift.rotate %pc loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
    shift.rotate %pb loop 0 ring 2 pace 1 : !shift.piece<4x4xf32>
  }
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: shift.rotate of operand 1 on loop 0: the operand is not split there (temporal factor 1), so it has no pieces to move

// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>) {
^bb0(%pa: !shift.piece<2x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<2x4xf32>):
  shift.skew %pa loop 0 : !shift.piece<2x4xf32>
  shift.skew %pc loop 0 : !shift.piece<2x4xf32>
  shift.loop 2 {
    shift.compute ins(%pa, %pb : !shift.piece<2x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<2x4xf32>) {
    ^bb0(%x: tensor<2x4xf32>, %y: tensor<4x4xf32>, %z: tensor<2x4xf32>):
      %s = linalg.matmul ins(%x, %y : tensor<2x4xf32>, tensor<4x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
      shift.yield %s : tensor<2x4xf32>
    }
    shift.rotate %pa loop 0 ring 3 pace 1 : !shift.piece<2x4xf32>
    shift.rotate %pc loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
  }
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: operand 0 rotates on loop 0 with ring 3 and pace 1 but the plan gives ring 2 (its temporal factor) and pace 1

// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>) {
^bb0(%pa: !shift.piece<2x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<2x4xf32>):
  shift.skew %pa loop 0 : !shift.piece<2x4xf32>
  shift.skew %pc loop 0 : !shift.piece<2x4xf32>
  shift.loop 2 {
    shift.compute ins(%pa, %pb : !shift.piece<2x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<2x4xf32>) {
    ^bb0(%x: tensor<2x4xf32>, %y: tensor<4x4xf32>, %z: tensor<2x4xf32>):
      %s = linalg.matmul ins(%x, %y : tensor<2x4xf32>, tensor<4x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
      shift.yield %s : tensor<2x4xf32>
    }
    shift.rotate %pa loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
    shift.rotate %pc loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
    shift.rotate %pa loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
  }
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: operand 0 rotates on loop 0 more than once: it rotates at one loop level per loop it is split on

// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>) {
^bb0(%pa: !shift.piece<2x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<2x4xf32>):
  %fake = "test.op"() : () -> !shift.piece<2x4xf32>
  shift.skew %fake loop 0 : !shift.piece<2x4xf32>
  shift.skew %pc loop 0 : !shift.piece<2x4xf32>
  shift.loop 2 {
    shift.compute ins(%pa, %pb : !shift.piece<2x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<2x4xf32>) {
    ^bb0(%x: tensor<2x4xf32>, %y: tensor<4x4xf32>, %z: tensor<2x4xf32>):
      %s = linalg.matmul ins(%x, %y : tensor<2x4xf32>, tensor<4x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
      shift.yield %s : tensor<2x4xf32>
    }
    shift.rotate %pa loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
    shift.rotate %pc loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
  }
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: a piece must be an argument of the enclosing shift.schedule

// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>) {
^bb0(%pa: !shift.piece<2x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<2x4xf32>):
  shift.skew %pb loop 0 : !shift.piece<4x4xf32>
  shift.skew %pa loop 0 : !shift.piece<2x4xf32>
  shift.skew %pc loop 0 : !shift.piece<2x4xf32>
  shift.loop 2 {
    shift.compute ins(%pa, %pb : !shift.piece<2x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<2x4xf32>) {
    ^bb0(%x: tensor<2x4xf32>, %y: tensor<4x4xf32>, %z: tensor<2x4xf32>):
      %s = linalg.matmul ins(%x, %y : tensor<2x4xf32>, tensor<4x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
      shift.yield %s : tensor<2x4xf32>
    }
    shift.rotate %pa loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
    shift.rotate %pc loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
  }
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: shift.skew of operand 1 on loop 0: the operand is not split there (temporal factor 1), so it has no pieces to move

// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>) {
^bb0(%pa: !shift.piece<2x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<2x4xf32>):
  shift.skew %pc loop 0 : !shift.piece<2x4xf32>
  shift.loop 2 {
    shift.compute ins(%pa, %pb : !shift.piece<2x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<2x4xf32>) {
    ^bb0(%x: tensor<2x4xf32>, %y: tensor<4x4xf32>, %z: tensor<2x4xf32>):
      %s = linalg.matmul ins(%x, %y : tensor<2x4xf32>, tensor<4x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
      shift.yield %s : tensor<2x4xf32>
    }
    shift.rotate %pa loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
    shift.rotate %pc loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
  }
  shift.skew %pa loop 0 : !shift.piece<2x4xf32>
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: shift.skew of operand 0 follows a shift.loop: skews set the start placement, before the loop nest

// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k), temporal = [2, 1, 1]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>) {
^bb0(%pa: !shift.piece<2x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<2x4xf32>):
  shift.skew %pa loop 0 : !shift.piece<2x4xf32>
  shift.skew %pa loop 0 : !shift.piece<2x4xf32>
  shift.skew %pc loop 0 : !shift.piece<2x4xf32>
  shift.loop 2 {
    shift.compute ins(%pa, %pb : !shift.piece<2x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<2x4xf32>) {
    ^bb0(%x: tensor<2x4xf32>, %y: tensor<4x4xf32>, %z: tensor<2x4xf32>):
      %s = linalg.matmul ins(%x, %y : tensor<2x4xf32>, tensor<4x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
      shift.yield %s : tensor<2x4xf32>
    }
    shift.rotate %pa loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
    shift.rotate %pc loop 0 ring 2 pace 1 : !shift.piece<2x4xf32>
  }
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: operand 0 is skewed on loop 0 twice


// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k)>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n)>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k)>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n)>>) {
^bb0(%pa: !shift.piece<4x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<4x4xf32>):
  shift.compute ins(%pa, %pb : !shift.piece<4x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<4x4xf32>) {
  ^bb0(%x: tensor<4x4xf32>, %y: tensor<4x4xf32>, %z: tensor<4x4xf32>):
    %s = linalg.matmul ins(%x, %y : tensor<4x4xf32>, tensor<4x4xf32>) outs(%z : tensor<4x4xf32>) -> tensor<4x4xf32>
    shift.yield %s : tensor<4x4xf32>
  }
  shift.reduce_scatter %pa scatter [2, 1, 1] : !shift.piece<4x4xf32>
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: shift.reduce_scatter of operand 0, an input: only outputs hold partial sums


// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k)>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n)>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k)>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n)>>) {
^bb0(%pa: !shift.piece<4x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<4x4xf32>):
  shift.compute ins(%pa, %pb : !shift.piece<4x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<4x4xf32>) {
  ^bb0(%x: tensor<4x4xf32>, %y: tensor<4x4xf32>, %z: tensor<4x4xf32>):
    %s = linalg.matmul ins(%x, %y : tensor<4x4xf32>, tensor<4x4xf32>) outs(%z : tensor<4x4xf32>) -> tensor<4x4xf32>
    shift.yield %s : tensor<4x4xf32>
  }
  shift.reduce_scatter %pc scatter [4, 1, 1] : !shift.piece<4x4xf32>
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: shift.reduce_scatter cuts [4, 1, 1] make 4 chunks but the output holds 2 partial sums of each piece (replication 2 over temporal factors [1, 1, 1])


// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k)>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n)>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k)>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n)>>) {
^bb0(%pa: !shift.piece<4x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<4x4xf32>):
  shift.compute ins(%pa, %pb : !shift.piece<4x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<4x4xf32>) {
  ^bb0(%x: tensor<4x4xf32>, %y: tensor<4x4xf32>, %z: tensor<4x4xf32>):
    %s = linalg.matmul ins(%x, %y : tensor<4x4xf32>, tensor<4x4xf32>) outs(%z : tensor<4x4xf32>) -> tensor<4x4xf32>
    shift.yield %s : tensor<4x4xf32>
  }
  shift.reduce_scatter %pc scatter [1, 1, 1, 2] : !shift.piece<4x4xf32>
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: shift.reduce_scatter cuts [1, 1, 1, 2] name 4 loops but the plan has 3


// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k)>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n)>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k)>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n)>>) {
^bb0(%pa: !shift.piece<4x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<4x4xf32>):
  shift.reduce_scatter %pc scatter [2, 1, 1] : !shift.piece<4x4xf32>
  shift.compute ins(%pa, %pb : !shift.piece<4x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<4x4xf32>) {
  ^bb0(%x: tensor<4x4xf32>, %y: tensor<4x4xf32>, %z: tensor<4x4xf32>):
    %s = linalg.matmul ins(%x, %y : tensor<4x4xf32>, tensor<4x4xf32>) outs(%z : tensor<4x4xf32>) -> tensor<4x4xf32>
    shift.yield %s : tensor<4x4xf32>
  }
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: shift.reduce_scatter of output 0 precedes a shift.compute: partial sums are combined after the loop nest


// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k)>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n)>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k)>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n)>>) {
^bb0(%pa: !shift.piece<4x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<4x4xf32>):
  shift.compute ins(%pa, %pb : !shift.piece<4x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<4x4xf32>) {
  ^bb0(%x: tensor<4x4xf32>, %y: tensor<4x4xf32>, %z: tensor<4x4xf32>):
    %s = linalg.matmul ins(%x, %y : tensor<4x4xf32>, tensor<4x4xf32>) outs(%z : tensor<4x4xf32>) -> tensor<4x4xf32>
    shift.yield %s : tensor<4x4xf32>
  }

  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n)>>
// CHECK: output 0 holds 2 partial sums of each piece and must be reduce-scattered once, found 0 shift.reduce_scatter


// -----

%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k)>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n)>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k)>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n)>>) {
^bb0(%pa: !shift.piece<4x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<4x4xf32>):
  shift.compute ins(%pa, %pb : !shift.piece<4x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<4x4xf32>) {
  ^bb0(%x: tensor<4x4xf32>, %y: tensor<4x4xf32>, %z: tensor<4x4xf32>):
    %s = linalg.matmul ins(%x, %y : tensor<4x4xf32>, tensor<4x4xf32>) outs(%z : tensor<4x4xf32>) -> tensor<4x4xf32>
    shift.yield %s : tensor<4x4xf32>
  }
  shift.reduce_scatter %pc scatter [2, 1, 1] : !shift.piece<4x4xf32>
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n)>>
// CHECK: result 0 has type !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (d0, d1, d2) -> (d0, d1)>> but output 0 ends the schedule as !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (d0, d1, d2) -> (d0, d1), temporal = [2, 1, 1]>>


// -----

%v = "test.op"() : () -> !rtensor.tensor<8xf32, #rtensor.layout<grid = [2, 1], map = (i, j) -> (i)>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 1], temporal = [[1, 1]]> outs(%v : !rtensor.tensor<8xf32, #rtensor.layout<grid = [2, 1], map = (i, j) -> (i)>>) {
^bb0(%pv: !shift.piece<4xf32>):
  shift.yield
} -> !rtensor.tensor<8xf32, #rtensor.layout<grid = [2, 1], map = (i, j) -> (i)>>
// CHECK: loops [1] have no extent: no operand dim is indexed by one of them alone


// -----

%f1 = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2], map = (i, j) -> (i, j)>>
%f2 = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2], map = (i, j) -> (i, j)>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2], temporal = [[1, 1], [1, 1]]> ins(%f1 : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2], map = (i, j) -> (i, j)>>) outs(%f2 : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2], map = (i, j) -> (i, j)>>) {
^bb0(%p1: !shift.piece<4x4xf32>, %p2: !shift.piece<4x4xf32>):
  shift.compute ins(%p1 : !shift.piece<4x4xf32>) outs(%p2 : !shift.piece<4x4xf32>) {
  ^bb0(%t1: tensor<4x4xf32>, %t2: tensor<4x4xf32>):
    %zero = arith.constant 0.0 : f32
    %f = linalg.fill ins(%zero : f32) outs(%t2 : tensor<4x4xf32>) -> tensor<4x4xf32>
    shift.yield %f : tensor<4x4xf32>
  }
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2], map = (i, j) -> (i, j)>>
// CHECK: linalg.fill has 1 tensor operands but the schedule has 2


// -----

// The piece type after the colon is the type of the piece the reduce-scatter combines.
%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k)>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n)>>
%r = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k)>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n)>>) {
^bb0(%pa: !shift.piece<4x4xf32>, %pb: !shift.piece<4x4xf32>, %pc: !shift.piece<4x4xf32>):
  shift.compute ins(%pa, %pb : !shift.piece<4x4xf32>, !shift.piece<4x4xf32>) outs(%pc : !shift.piece<4x4xf32>) {
  ^bb0(%x: tensor<4x4xf32>, %y: tensor<4x4xf32>, %z: tensor<4x4xf32>):
    %s = linalg.matmul ins(%x, %y : tensor<4x4xf32>, tensor<4x4xf32>) outs(%z : tensor<4x4xf32>) -> tensor<4x4xf32>
    shift.yield %s : tensor<4x4xf32>
  }
  shift.reduce_scatter %pc scatter [2, 1, 1] : !shift.piece<4x8xf32>
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>
// CHECK: operand is used with type !shift.piece<4x8xf32>, but has been previously used or defined with type !shift.piece<4x4xf32>
