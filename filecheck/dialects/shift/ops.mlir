// RUN: t10-opt %s | t10-opt | filecheck %s
// RUN: t10-opt %s --print-op-generic | t10-opt | filecheck %s
// RUN: t10-opt %s --print-op-generic | filecheck %s --check-prefix=GENERIC

"test.op"() {piece = !shift.piece<8x184xf16>} : () -> ()

// CHECK: "test.op"() {piece = !shift.piece<8x184xf16>} : () -> ()

// Two loop levels over one plan loop: on loop k, A is cut in 2 and B in 4
// rotating pieces, so B rotates every step and A every other step (the levels
// multiply to 4 compute steps). The body keeps C as is: only the schedule's
// structure is under test here. A is cut in 2 pieces but k takes 4 steps, so
// each step reads a 2x2 step slice of its 2x4 piece. Attributes ride on every op.
%a = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [4, 2, 1], map = (m, n, k) -> (m, k), temporal = [1, 1, 2]>>
%b = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [4, 2, 1], map = (m, n, k) -> (k, n), temporal = [1, 1, 4]>>
%c = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [4, 2, 1], map = (m, n, k) -> (m, n)>>
%r = shift.schedule #rtensor.plan<op_factors = [4, 2, 1], temporal = [[1, 1, 2], [1, 1, 4], [1, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [4, 2, 1], map = (m, n, k) -> (m, k), temporal = [1, 1, 2]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [4, 2, 1], map = (m, n, k) -> (k, n), temporal = [1, 1, 4]>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [4, 2, 1], map = (m, n, k) -> (m, n)>>) attributes {origin = "test"} {
^bb0(%pa: !shift.piece<2x4xf32>, %pb: !shift.piece<2x4xf32>, %pc: !shift.piece<2x4xf32>):
  shift.skew %pa loop 2 {note} : !shift.piece<2x4xf32>
  shift.skew %pb loop 2 : !shift.piece<2x4xf32>
  shift.loop 2 attributes {level = "outer"} {
    shift.loop 2 {
      shift.compute ins(%pa, %pb : !shift.piece<2x4xf32>, !shift.piece<2x4xf32>) outs(%pc : !shift.piece<2x4xf32>) attributes {kind = "keep"} {
      ^bb0(%x: tensor<2x2xf32>, %y: tensor<2x4xf32>, %z: tensor<2x4xf32>):
        shift.yield %z : tensor<2x4xf32>
      }
      shift.rotate %pb loop 2 ring 4 pace 1 {note} : !shift.piece<2x4xf32>
    }
    shift.rotate %pa loop 2 ring 2 pace 1 : !shift.piece<2x4xf32>
  }
  shift.yield {note}
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [4, 2, 1], map = (m, n, k) -> (m, n)>>

// CHECK:      %r = shift.schedule #rtensor.plan<op_factors = [4, 2, 1], temporal = {{\[}}[1, 1, 2], [1, 1, 4], [1, 1, 1]]> ins(%a, %b : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [4, 2, 1], map = (d0, d1, d2) -> (d0, d2), temporal = [1, 1, 2]>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [4, 2, 1], map = (d0, d1, d2) -> (d2, d1), temporal = [1, 1, 4]>>) outs(%c : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [4, 2, 1], map = (d0, d1, d2) -> (d0, d1)>>) attributes {origin = "test"} {
// CHECK-NEXT: ^bb0(%pa: !shift.piece<2x4xf32>, %pb: !shift.piece<2x4xf32>, %pc: !shift.piece<2x4xf32>):
// CHECK-NEXT:   shift.skew %pa loop 2 {note} : !shift.piece<2x4xf32>
// CHECK-NEXT:   shift.skew %pb loop 2 : !shift.piece<2x4xf32>
// CHECK-NEXT:   shift.loop 2 attributes {level = "outer"} {
// CHECK-NEXT:     shift.loop 2 {
// CHECK-NEXT:       shift.compute ins(%pa, %pb : !shift.piece<2x4xf32>, !shift.piece<2x4xf32>) outs(%pc : !shift.piece<2x4xf32>) attributes {kind = "keep"} {
// CHECK-NEXT:       ^bb0(%x: tensor<2x2xf32>, %y: tensor<2x4xf32>, %z: tensor<2x4xf32>):
// CHECK-NEXT:         shift.yield %z : tensor<2x4xf32>
// CHECK-NEXT:       }
// CHECK-NEXT:       shift.rotate %pb loop 2 ring 4 pace 1 {note} : !shift.piece<2x4xf32>
// CHECK-NEXT:     }
// CHECK-NEXT:     shift.rotate %pa loop 2 ring 2 pace 1 : !shift.piece<2x4xf32>
// CHECK-NEXT:   }
// CHECK-NEXT:   shift.yield {note}
// CHECK-NEXT: } -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [4, 2, 1], map = (d0, d1, d2) -> (d0, d1)>>


// A matmul whose C is replicated over the 2 k-cores and never rotates: it holds
// 2 partial sums of each piece, which a reduce-scatter combines after the
// steps. Afterwards each of the 2 cores holds half of its 4x4 piece along m: the
// result layout has temporal factor 2 on loop 0.
%ra = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k)>>
%rb = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>
%rc = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n)>>
%rs = shift.schedule #rtensor.plan<op_factors = [2, 2, 2], temporal = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]> ins(%ra, %rb : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, k)>>, !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (k, n)>>) outs(%rc : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n)>>) {
^bb0(%qa: !shift.piece<4x4xf32>, %qb: !shift.piece<4x4xf32>, %qc: !shift.piece<4x4xf32>):
  shift.compute ins(%qa, %qb : !shift.piece<4x4xf32>, !shift.piece<4x4xf32>) outs(%qc : !shift.piece<4x4xf32>) {
  ^bb0(%x: tensor<4x4xf32>, %y: tensor<4x4xf32>, %z: tensor<4x4xf32>):
    %s = linalg.matmul ins(%x, %y : tensor<4x4xf32>, tensor<4x4xf32>) outs(%z : tensor<4x4xf32>) -> tensor<4x4xf32>
    shift.yield %s : tensor<4x4xf32>
  }
  shift.reduce_scatter %qc scatter [2, 1, 1] {note} : !shift.piece<4x4xf32>
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (m, n, k) -> (m, n), temporal = [2, 1, 1]>>

// In generic form the cuts are a dense array, which upstream MLIR parses.
// GENERIC:      "shift.reduce_scatter"(%{{.*}}) <{scatter = array<i64: 2, 1, 1>}> {note} : (!shift.piece<4x4xf32>) -> ()
// CHECK:      %rs = shift.schedule
// CHECK:        shift.reduce_scatter %qc scatter [2, 1, 1] {note} : !shift.piece<4x4xf32>
// CHECK-NEXT:   shift.yield
// CHECK-NEXT: } -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2, 2], map = (d0, d1, d2) -> (d0, d1), temporal = [2, 1, 1]>>

// A fill inside a compute step: its scalar operand has a map, `() -> ()`, but
// no schedule operand; only its tensor operand lines up with the piece.
%fo = "test.op"() : () -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2], map = (i, j) -> (i, j)>>
%filled = shift.schedule #rtensor.plan<op_factors = [2, 2], temporal = [[1, 1]]> outs(%fo : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2], map = (i, j) -> (i, j)>>) {
^bb0(%pf: !shift.piece<4x4xf32>):
  shift.compute outs(%pf : !shift.piece<4x4xf32>) {
  ^bb0(%t: tensor<4x4xf32>):
    %zero = arith.constant 0.0 : f32
    %f = linalg.fill ins(%zero : f32) outs(%t : tensor<4x4xf32>) -> tensor<4x4xf32>
    shift.yield %f : tensor<4x4xf32>
  }
  shift.yield
} -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2], map = (i, j) -> (i, j)>>

// CHECK:      %filled = shift.schedule #rtensor.plan<op_factors = [2, 2], temporal = {{\[\[}}1, 1]]> outs(%fo : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2], map = (d0, d1) -> (d0, d1)>>) {
// CHECK:          %f = linalg.fill ins(%zero : f32) outs(%t : tensor<4x4xf32>) -> tensor<4x4xf32>
