// Each case is one thing t10-lower-to-tile cannot lower: it fails with a
// diagnostic and prints no IR.
// RUN: t10-opt %s --split-input-file --verify-diagnostics -p t10-lower-to-tile | filecheck %s

func.func @no_chip(%a: tensor<8xf32>) -> tensor<8xf32> {
  func.return %a : tensor<8xf32>
}
// CHECK: t10-lower-to-tile: the module has no t10.chip attribute naming the chip: run t10-compile (or t10-select-plans and t10-insert-shifts) first

// -----

builtin.module attributes {t10.chip = "ipu-mk3"} {
}
// CHECK: unknown chip preset 'ipu-mk3'

// -----

// A 128x128 f32 negation on one core of small-16: its input and output buffers
// take 64 KiB each, and the second finds the first's bytes still live.

builtin.module attributes {t10.chip = "small-16"} {
  func.func @too_big(%x: tensor<128x128xf32>) -> tensor<128x128xf32> {
    %x_dist = rtensor.distribute %x : tensor<128x128xf32> -> !rtensor.tensor<128x128xf32, #rtensor.layout<grid = [1, 1], map = (d0, d1) -> (d0, d1)>>
    %e_dist = rtensor.empty : !rtensor.tensor<128x128xf32, #rtensor.layout<grid = [1, 1], map = (d0, d1) -> (d0, d1)>>
    %r = shift.schedule #rtensor.plan<op_factors = [1, 1], temporal = [[1, 1], [1, 1]]> ins(%x_dist : !rtensor.tensor<128x128xf32, #rtensor.layout<grid = [1, 1], map = (d0, d1) -> (d0, d1)>>) outs(%e_dist : !rtensor.tensor<128x128xf32, #rtensor.layout<grid = [1, 1], map = (d0, d1) -> (d0, d1)>>) {
    ^bb0(%x_piece: !shift.piece<128x128xf32>, %e_piece: !shift.piece<128x128xf32>):
      shift.compute ins(%x_piece : !shift.piece<128x128xf32>) outs(%e_piece : !shift.piece<128x128xf32>) {
      ^bb0(%x_step: tensor<128x128xf32>, %e_step: tensor<128x128xf32>):
        %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x_step : tensor<128x128xf32>) outs(%e_step : tensor<128x128xf32>) {
        ^bb0(%v: f32, %o: f32):
          %n = arith.negf %v : f32
          linalg.yield %n : f32
        } -> tensor<128x128xf32>
        shift.yield %0 : tensor<128x128xf32>
      }
      shift.yield
    } -> !rtensor.tensor<128x128xf32, #rtensor.layout<grid = [1, 1], map = (d0, d1) -> (d0, d1)>>
    %y = rtensor.collect %r : !rtensor.tensor<128x128xf32, #rtensor.layout<grid = [1, 1], map = (d0, d1) -> (d0, d1)>> -> tensor<128x128xf32>
    func.return %y : tensor<128x128xf32>
  }
}
// CHECK: error: buffer %e_dist for r (65536 bytes) does not fit: 65536 bytes of other buffers are live on each core and SRAM holds 65536

// -----

builtin.module attributes {t10.chip = "small-16"} {
  func.func @unplanned(%a: tensor<8x8xf32>, %b: tensor<8x8xf32>) -> tensor<8x8xf32> {
    %r = linalg.add ins(%a, %b : tensor<8x8xf32>, tensor<8x8xf32>) outs(%a : tensor<8x8xf32>) -> tensor<8x8xf32>
    func.return %r : tensor<8x8xf32>
  }
}
// CHECK: errors.mlir:[[# @LINE - 4]]:5: error: linalg.add cannot be lowered to tile: run t10-insert-shifts first

// -----

builtin.module attributes {t10.chip = "small-16"} {
  func.func @fill_of_an_argument(%s: f32) -> tensor<8x8xf32> {
    %f = rtensor.fill %s : f32 -> !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2], map = (d0, d1) -> (d0, d1)>>
    %y = rtensor.collect %f : !rtensor.tensor<8x8xf32, #rtensor.layout<grid = [2, 2], map = (d0, d1) -> (d0, d1)>> -> tensor<8x8xf32>
    func.return %y : tensor<8x8xf32>
  }
}
// CHECK: errors.mlir:[[# @LINE - 5]]:5: error: rtensor.fill of a value that is not an arith.constant

// -----

// A tensor split in time is only ever placed by the schedule that rotates it.

builtin.module attributes {t10.chip = "small-16"} {
  func.func @unscheduled_rotation(%x: tensor<8xf32>) -> tensor<8xf32> {
    %d = rtensor.distribute %x : tensor<8xf32> -> !rtensor.tensor<8xf32, #rtensor.layout<grid = [2, 2], map = (d0, d1) -> (d0), temporal = [2, 1]>>
    %y = rtensor.collect %d : !rtensor.tensor<8xf32, #rtensor.layout<grid = [2, 2], map = (d0, d1) -> (d0), temporal = [2, 1]>> -> tensor<8xf32>
    func.return %y : tensor<8xf32>
  }
}
// CHECK: errors.mlir:[[# @LINE - 5]]:5: error: %d has temporal factors [2, 1] but no schedule places it: only a schedule knows which piece each core holds
