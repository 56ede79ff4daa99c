// A bias-add and ReLU (linalg.generic, loops (32, 48)) on small-16. The input is
// what `t10-opt -p 't10-compile{chip=small-16 to-tile=false}'` makes of it: plan
// 1x16, nothing rotates.
// RUN: t10-opt %s -p t10-lower-to-tile | filecheck %s
// RUN: t10-opt %s -p t10-lower-to-tile --print-op-generic | t10-opt | filecheck %s

builtin.module attributes {t10.chip = "small-16"} {
  func.func @bias_relu(%x: tensor<32x48xf32>, %b: tensor<48xf32>) -> tensor<32x48xf32> attributes {t10.selection = {cycles = 348 : i64, operator_cycles = 348 : i64, relayout_cycles = 0 : i64, fastest_cycles = 348 : i64, peak_bytes_per_core = 780 : i64}} {
    %x_dist = rtensor.distribute %x : tensor<32x48xf32> -> !rtensor.tensor<32x48xf32, #rtensor.layout<grid = [1, 16], map = (d0, d1) -> (d0, d1)>>
    %b_dist = rtensor.distribute %b : tensor<48xf32> -> !rtensor.tensor<48xf32, #rtensor.layout<grid = [1, 16], map = (d0, d1) -> (d1)>>
    %e_dist = rtensor.empty : !rtensor.tensor<32x48xf32, #rtensor.layout<grid = [1, 16], map = (d0, d1) -> (d0, d1)>>
    %r = shift.schedule #rtensor.plan<op_factors = [1, 16], temporal = [[1, 1], [1, 1], [1, 1]]> ins(%x_dist, %b_dist : !rtensor.tensor<32x48xf32, #rtensor.layout<grid = [1, 16], map = (d0, d1) -> (d0, d1)>>, !rtensor.tensor<48xf32, #rtensor.layout<grid = [1, 16], map = (d0, d1) -> (d1)>>) outs(%e_dist : !rtensor.tensor<32x48xf32, #rtensor.layout<grid = [1, 16], map = (d0, d1) -> (d0, d1)>>) attributes {t10.plan_cost = {bytes_per_core = 780 : i64, cycles = 348 : i64, compute_cycles = 348 : i64, shift_cycles = 0 : i64, sync_cycles = 0 : i64, reduce_cycles = 0 : i64, initialisation_cycles = 0 : i64, relayout_cycles = 0 : i64, budget_bytes = 65536 : i64}} {
    ^bb0(%x_piece: !shift.piece<32x3xf32>, %b_piece: !shift.piece<3xf32>, %e_piece: !shift.piece<32x3xf32>):
      shift.compute ins(%x_piece, %b_piece : !shift.piece<32x3xf32>, !shift.piece<3xf32>) outs(%e_piece : !shift.piece<32x3xf32>) {
      ^bb0(%x_step: tensor<32x3xf32>, %b_step: tensor<3xf32>, %e_step: tensor<32x3xf32>):
        %zero = arith.constant 0.000000e+00 : f32
        %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x_step, %b_step : tensor<32x3xf32>, tensor<3xf32>) outs(%e_step : tensor<32x3xf32>) {
        ^bb0(%v: f32, %w: f32, %out: f32):
          %s = arith.addf %v, %w : f32
          %m = arith.maximumf %s, %zero : f32
          linalg.yield %m : f32
        } -> tensor<32x3xf32>
        shift.yield %0 : tensor<32x3xf32>
      }
      shift.yield
    } -> !rtensor.tensor<32x48xf32, #rtensor.layout<grid = [1, 16], map = (d0, d1) -> (d0, d1)>>
    %r_1 = rtensor.collect %r : !rtensor.tensor<32x48xf32, #rtensor.layout<grid = [1, 16], map = (d0, d1) -> (d0, d1)>> -> tensor<32x48xf32>
    func.return %r_1 : tensor<32x48xf32>
  }
}


// Both inputs are written by their places (the bias, map (d1), as 3 elements a
// core); the output of the rtensor.empty gets a buffer and no data. One compute
// masked to each core's box, a sync, and the host gathers the result. Buffers
// are 8-byte aligned: the 12-byte bias takes 16.
// CHECK:      builtin.module attributes {t10.chip = "small-16"} {
// CHECK-NEXT: tile.program @bias_relu(%x: tensor<32x48xf32>, %b: tensor<48xf32>) -> tensor<32x48xf32> cores 16 sram_bytes 65536 {
// CHECK-NEXT:   %x_dist = tile.alloc offset 0 {t10.op = "r"} : !tile.buffer<32x3xf32>
// CHECK-NEXT:   tile.host_write %x to %x_dist by #tile.place<map = (d0, d1) -> (d0, d1), extents = [32, 48], grid = [1, 16]> {t10.op = "r"} : tensor<32x48xf32> to !tile.buffer<32x3xf32>
// CHECK-NEXT:   %b_dist = tile.alloc offset 384 {t10.op = "r"} : !tile.buffer<3xf32>
// CHECK-NEXT:   tile.host_write %b to %b_dist by #tile.place<map = (d0, d1) -> (d1), extents = [32, 48], grid = [1, 16]> {t10.op = "r"} : tensor<48xf32> to !tile.buffer<3xf32>
// CHECK-NEXT:   %e_dist = tile.alloc offset 400 {t10.op = "r"} : !tile.buffer<32x3xf32>
// CHECK-NEXT:   tile.compute ins(%x_dist, %b_dist : !tile.buffer<32x3xf32>, !tile.buffer<3xf32>) outs(%e_dist : !tile.buffer<32x3xf32>) on #tile.place<map = (d0, d1) -> (d0, d1), extents = [32, 48], grid = [1, 16]> attributes {t10.op = "r"} {
// CHECK-NEXT:   ^bb0(%x_step: tensor<32x3xf32>, %b_step: tensor<3xf32>, %e_step: tensor<32x3xf32>):
// CHECK-NEXT:     %zero = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:     %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x_step, %b_step : tensor<32x3xf32>, tensor<3xf32>) outs(%e_step : tensor<32x3xf32>) {
// CHECK-NEXT:     ^bb0(%v: f32, %w: f32, %out: f32):
// CHECK-NEXT:       %s = arith.addf %v, %w : f32
// CHECK-NEXT:       %m = arith.maximumf %s, %zero : f32
// CHECK-NEXT:       linalg.yield %m : f32
// CHECK-NEXT:     } -> tensor<32x3xf32>
// CHECK-NEXT:     tile.yield %0 : tensor<32x3xf32>
// CHECK-NEXT:   }
// CHECK-NEXT:   tile.sync
// CHECK-NEXT:   %0 = tile.host_gather %e_dist by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [32, 48], grid = [1, 16]>] : !tile.buffer<32x3xf32> to tensor<32x48xf32>
// CHECK-NEXT:   tile.return %0 : tensor<32x48xf32>
// CHECK-NEXT: }
