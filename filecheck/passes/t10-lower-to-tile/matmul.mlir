// A 16x64 by 64x16 f32 matmul on small-16, loops (m, n, k) = (16, 16, 64). The
// input is what `t10-opt -p 't10-compile{chip=small-16 to-tile=false
// memory-fraction=0.022}'` makes of the linalg.matmul: plan 2x2x4 in which
// C's partial sums rotate on n round rings of 2 of its 4 copies (the k axis),
// then the two copies left of each slice are reduce-scattered.
// RUN: t10-opt %s -p t10-lower-to-tile | filecheck %s
// RUN: t10-opt %s -p t10-lower-to-tile --print-op-generic | t10-opt | filecheck %s

builtin.module attributes {t10.chip = "small-16"} {
  func.func @matmul(%a: tensor<16x64xf32>, %b: tensor<64x16xf32>) -> tensor<16x16xf32> attributes {t10.selection = {cycles = 2960 : i64, operator_cycles = 2960 : i64, relayout_cycles = 0 : i64, fastest_cycles = 2068 : i64, peak_bytes_per_core = 1408 : i64}} {
    %zero = arith.constant 0.000000e+00 : f32
    %a_dist = rtensor.distribute %a : tensor<16x64xf32> -> !rtensor.tensor<16x64xf32, #rtensor.layout<grid = [2, 2, 4], map = (d0, d1, d2) -> (d0, d2)>>
    %b_dist = rtensor.distribute %b : tensor<64x16xf32> -> !rtensor.tensor<64x16xf32, #rtensor.layout<grid = [2, 2, 4], map = (d0, d1, d2) -> (d2, d1)>>
    %c_dist = rtensor.fill %zero : f32 -> !rtensor.tensor<16x16xf32, #rtensor.layout<grid = [2, 2, 4], map = (d0, d1, d2) -> (d0, d1), temporal = [1, 2, 1]>>
    %r = shift.schedule #rtensor.plan<op_factors = [2, 2, 4], temporal = [[1, 1, 1], [1, 1, 1], [1, 2, 1]]> ins(%a_dist, %b_dist : !rtensor.tensor<16x64xf32, #rtensor.layout<grid = [2, 2, 4], map = (d0, d1, d2) -> (d0, d2)>>, !rtensor.tensor<64x16xf32, #rtensor.layout<grid = [2, 2, 4], map = (d0, d1, d2) -> (d2, d1)>>) outs(%c_dist : !rtensor.tensor<16x16xf32, #rtensor.layout<grid = [2, 2, 4], map = (d0, d1, d2) -> (d0, d1), temporal = [1, 2, 1]>>) attributes {t10.plan_cost = {bytes_per_core = 1408 : i64, cycles = 2652 : i64, compute_cycles = 1792 : i64, shift_cycles = 36 : i64, sync_cycles = 236 : i64, reduce_cycles = 588 : i64, initialisation_cycles = 308 : i64, relayout_cycles = 0 : i64, budget_bytes = 1441 : i64}} {
    ^bb0(%a_piece: !shift.piece<8x16xf32>, %b_piece: !shift.piece<16x8xf32>, %c_piece: !shift.piece<8x4xf32>):
      shift.skew %c_piece loop 1 : !shift.piece<8x4xf32>
      shift.loop 2 {
        shift.compute ins(%a_piece, %b_piece : !shift.piece<8x16xf32>, !shift.piece<16x8xf32>) outs(%c_piece : !shift.piece<8x4xf32>) {
        ^bb0(%a_step: tensor<8x16xf32>, %b_step: tensor<16x4xf32>, %c_step: tensor<8x4xf32>):
          %0 = linalg.matmul ins(%a_step, %b_step : tensor<8x16xf32>, tensor<16x4xf32>) outs(%c_step : tensor<8x4xf32>) -> tensor<8x4xf32>
          shift.yield %0 : tensor<8x4xf32>
        }
        shift.rotate %c_piece loop 1 ring 2 pace 1 : !shift.piece<8x4xf32>
      }
      shift.reduce_scatter %c_piece scatter [2, 1, 1] : !shift.piece<8x4xf32>
      shift.yield
    } -> !rtensor.tensor<16x16xf32, #rtensor.layout<grid = [2, 2, 4], map = (d0, d1, d2) -> (d0, d1), temporal = [2, 2, 1]>>
    %r_1 = rtensor.collect %r : !rtensor.tensor<16x16xf32, #rtensor.layout<grid = [2, 2, 4], map = (d0, d1, d2) -> (d0, d1), temporal = [2, 2, 1]>> -> tensor<16x16xf32>
    func.return %r_1 : tensor<16x16xf32>
  }
}


// A is placed once (it does not index n); B indexes n, which takes 2 steps, so
// it is written as two step slices (`at = [0, 1, 0]`), each skewed along the k
// axis so the rings line up. C is filled on chip, computed at step 0, rotated
// (sync, exchange round rings of 2 on grid axis 2, sync), computed at step 1 and
// reduce-scattered into chunks that the host gathers. First-fit offsets: the
// rotated C takes the bytes of B's first slice (dead after step 0), the chunk
// those of A (dead after step 1).
// CHECK:      builtin.module attributes {t10.chip = "small-16"} {
// CHECK-NEXT: tile.program @matmul(%a: tensor<16x64xf32>, %b: tensor<64x16xf32>) -> tensor<16x16xf32> cores 16 sram_bytes 65536 {
// CHECK-NEXT:   %a_dist = tile.alloc offset 0 {t10.op = "r"} : !tile.buffer<8x16xf32>
// CHECK-NEXT:   tile.host_write %a to %a_dist by #tile.place<map = (d0, d1, d2) -> (d0, d2), extents = [16, 16, 64], grid = [2, 2, 4], steps = [1, 2, 1], skew = (d0, d1, d2) -> (0, d2, 0)> {t10.op = "r"} : tensor<16x64xf32> to !tile.buffer<8x16xf32>
// CHECK-NEXT:   %b_dist = tile.alloc offset 512 {t10.op = "r"} : !tile.buffer<16x4xf32>
// CHECK-NEXT:   %b_dist_1 = tile.alloc offset 768 {t10.op = "r"} : !tile.buffer<16x4xf32>
// CHECK-NEXT:   tile.host_write %b to %b_dist by #tile.place<map = (d0, d1, d2) -> (d2, d1), extents = [16, 16, 64], grid = [2, 2, 4], steps = [1, 2, 1], skew = (d0, d1, d2) -> (0, d2, 0)> {t10.op = "r"} : tensor<64x16xf32> to !tile.buffer<16x4xf32>
// CHECK-NEXT:   tile.host_write %b to %b_dist_1 by #tile.place<map = (d0, d1, d2) -> (d2, d1), extents = [16, 16, 64], grid = [2, 2, 4], steps = [1, 2, 1], at = [0, 1, 0], skew = (d0, d1, d2) -> (0, d2, 0)> {t10.op = "r"} : tensor<64x16xf32> to !tile.buffer<16x4xf32>
// CHECK-NEXT:   %c_dist = tile.alloc offset 1024 {t10.op = "r"} : !tile.buffer<8x4xf32>
// CHECK-NEXT:   tile.compute outs(%c_dist : !tile.buffer<8x4xf32>) attributes {t10.op = "r"} {
// CHECK-NEXT:   ^bb0(%0: tensor<8x4xf32>):
// CHECK-NEXT:     %zero = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:     %1 = linalg.fill ins(%zero : f32) outs(%0 : tensor<8x4xf32>) -> tensor<8x4xf32>
// CHECK-NEXT:     tile.yield %1 : tensor<8x4xf32>
// CHECK-NEXT:   }
// CHECK-NEXT:   tile.compute ins(%a_dist, %b_dist : !tile.buffer<8x16xf32>, !tile.buffer<16x4xf32>) outs(%c_dist : !tile.buffer<8x4xf32>) on #tile.place<map = (d0, d1, d2) -> (d0, d1, d2), extents = [16, 16, 64], grid = [2, 2, 4], steps = [1, 2, 1], skew = (d0, d1, d2) -> (0, d2, 0)> attributes {t10.op = "r"} {
// CHECK-NEXT:   ^bb0(%a_step: tensor<8x16xf32>, %b_step: tensor<16x4xf32>, %c_step: tensor<8x4xf32>):
// CHECK-NEXT:     %0 = linalg.matmul ins(%a_step, %b_step : tensor<8x16xf32>, tensor<16x4xf32>) outs(%c_step : tensor<8x4xf32>) -> tensor<8x4xf32>
// CHECK-NEXT:     tile.yield %0 : tensor<8x4xf32>
// CHECK-NEXT:   }
// CHECK-NEXT:   tile.sync {t10.op = "r"}
// CHECK-NEXT:   %c_dist_next = tile.alloc offset 512 {t10.op = "r"} : !tile.buffer<8x4xf32>
// CHECK-NEXT:   tile.exchange %c_dist to %c_dist_next by #tile.rotate<grid = [2, 2, 4], axis = 2, ring = 2, pace = 1> {t10.op = "r"} : !tile.buffer<8x4xf32> to !tile.buffer<8x4xf32>
// CHECK-NEXT:   tile.sync {t10.op = "r"}
// CHECK-NEXT:   tile.compute ins(%a_dist, %b_dist_1 : !tile.buffer<8x16xf32>, !tile.buffer<16x4xf32>) outs(%c_dist_next : !tile.buffer<8x4xf32>) on #tile.place<map = (d0, d1, d2) -> (d0, d1, d2), extents = [16, 16, 64], grid = [2, 2, 4], steps = [1, 2, 1], at = [0, 1, 0], skew = (d0, d1, d2) -> (0, d2, 0)> attributes {t10.op = "r"} {
// CHECK-NEXT:   ^bb0(%a_step: tensor<8x16xf32>, %b_step: tensor<16x4xf32>, %c_step: tensor<8x4xf32>):
// CHECK-NEXT:     %0 = linalg.matmul ins(%a_step, %b_step : tensor<8x16xf32>, tensor<16x4xf32>) outs(%c_step : tensor<8x4xf32>) -> tensor<8x4xf32>
// CHECK-NEXT:     tile.yield %0 : tensor<8x4xf32>
// CHECK-NEXT:   }
// CHECK-NEXT:   %c_dist_next_chunk = tile.alloc offset 0 {t10.op = "r"} : !tile.buffer<4x4xf32>
// CHECK-NEXT:   tile.reduce_scatter %c_dist_next by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [16, 16, 64], grid = [2, 2, 4], steps = [1, 2, 1], at = [0, 1, 0], skew = (d0, d1, d2) -> (0, d2, 0)>] to %c_dist_next_chunk by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [16, 16, 64], grid = [2, 2, 4], steps = [1, 2, 1], at = [0, 1, 0], chunks = [2, 1, 1], skew = (d0, d1, d2) -> (0, d2, 0)>] combine "add" {t10.op = "r"} : !tile.buffer<8x4xf32> to !tile.buffer<4x4xf32>
// CHECK-NEXT:   tile.sync
// CHECK-NEXT:   %0 = tile.host_gather %c_dist_next_chunk by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [16, 16, 64], grid = [2, 2, 4], steps = [1, 2, 1], at = [0, 1, 0], chunks = [2, 1, 1], skew = (d0, d1, d2) -> (0, d2, 0)>] : !tile.buffer<4x4xf32> to tensor<16x16xf32>
// CHECK-NEXT:   tile.return %0 : tensor<16x16xf32>
// CHECK-NEXT: }
