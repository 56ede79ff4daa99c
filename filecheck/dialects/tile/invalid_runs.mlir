// RUN: t10-opt %s --split-input-file --verify-diagnostics | filecheck %s

// Each rule the simulated chip relies on to run a program is checked by the tile
// verifier first, so a program the simulator would reject for its structure never
// verifies (t10-run stops at the verifier, with the op's location).

// A compute on a placement's boxes runs one linalg op, each core on the valid
// part of its buffers: the op must read the block arguments in order.
tile.program @steps_two_ops() cores 2 sram_bytes 64 {
  %a = tile.alloc offset 0 : !tile.buffer<4xf32>
  tile.compute outs(%a : !tile.buffer<4xf32>) on #tile.place<map = (d0) -> (d0), extents = [8], grid = [2]> {
  ^bb0(%o: tensor<4xf32>):
    %z = arith.constant 0.0 : f32
    %f = linalg.fill ins(%z : f32) outs(%o : tensor<4xf32>) -> tensor<4xf32>
    %g = linalg.fill ins(%z : f32) outs(%f : tensor<4xf32>) -> tensor<4xf32>
    tile.yield %g : tensor<4xf32>
  }
  tile.return
}
// CHECK: a tile.compute with steps must hold one linalg op whose tensor operands are its block arguments in order and whose other operands are constants of its body: it holds 2 linalg ops

// -----

tile.program @steps_operands_out_of_order() cores 2 sram_bytes 64 {
  %a = tile.alloc offset 0 : !tile.buffer<4xf32>
  %b = tile.alloc offset 16 : !tile.buffer<4xf32>
  tile.compute ins(%a : !tile.buffer<4xf32>) outs(%b : !tile.buffer<4xf32>) on #tile.place<map = (d0) -> (d0), extents = [8], grid = [2]> {
  ^bb0(%x: tensor<4xf32>, %o: tensor<4xf32>):
    %r = linalg.copy ins(%o : tensor<4xf32>) outs(%x : tensor<4xf32>) -> tensor<4xf32>
    tile.yield %r : tensor<4xf32>
  }
  tile.return
}
// CHECK: must hold one linalg op whose tensor operands are its block arguments in order and whose other operands are constants of its body: linalg.copy reads other tensors or in another order

// -----

tile.program @steps_scalar_not_constant() cores 2 sram_bytes 64 {
  %a = tile.alloc offset 0 : !tile.buffer<4xf32>
  tile.compute outs(%a : !tile.buffer<4xf32>) on #tile.place<map = (d0) -> (d0), extents = [8], grid = [2]> {
  ^bb0(%o: tensor<4xf32>):
    %one = arith.constant 1.0 : f32
    %two = arith.addf %one, %one : f32
    %f = linalg.fill ins(%two : f32) outs(%o : tensor<4xf32>) -> tensor<4xf32>
    tile.yield %f : tensor<4xf32>
  }
  tile.return
}
// CHECK: and whose other operands are constants of its body: linalg.fill reads a scalar that is not one

// -----

tile.program @steps_wrong_loops() cores 2 sram_bytes 64 {
  %a = tile.alloc offset 0 : !tile.buffer<4x3xf32>
  tile.compute outs(%a : !tile.buffer<4x3xf32>) on #tile.place<map = (d0) -> (d0), extents = [8], grid = [2]> {
  ^bb0(%o: tensor<4x3xf32>):
    %z = arith.constant 0.0 : f32
    %f = linalg.fill ins(%z : f32) outs(%o : tensor<4x3xf32>) -> tensor<4x3xf32>
    tile.yield %f : tensor<4x3xf32>
  }
  tile.return
}
// CHECK: tile.compute steps place 1 loops but linalg.fill has 2

// -----

// A constant scalar operand of the one linalg op is fine.
tile.program @steps_fill() cores 2 sram_bytes 64 {
  %a = tile.alloc offset 0 : !tile.buffer<4xf32>
  tile.compute outs(%a : !tile.buffer<4xf32>) on #tile.place<map = (d0) -> (d0), extents = [8], grid = [2]> {
  ^bb0(%o: tensor<4xf32>):
    %z = arith.constant 0.0 : f32
    %f = linalg.fill ins(%z : f32) outs(%o : tensor<4xf32>) -> tensor<4xf32>
    tile.yield %f : tensor<4xf32>
  }
  tile.return
}
// CHECK: tile.program @steps_fill()
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<4xf32>)

// -----

// Reading a tensor back takes every block from some core: skewing each axis by the
// other puts every core on a diagonal block.
tile.program @read_missing_block() -> tensor<4x4xf32> cores 4 sram_bytes 64 {
  %a = tile.alloc offset 0 : !tile.buffer<2x2xf32>
  %r = tile.host_read %a by #tile.block<grid = [2, 2], split = [[0 + 1], [1 + 0]]> : !tile.buffer<2x2xf32> to tensor<4x4xf32>
  tile.return %r : tensor<4x4xf32>
}
// CHECK: tile.host_read: block [0, 1] of the [2, 2] blocks is on no core: every block of the tensor read must be held by some core

// -----

// Gathering a tensor takes every element from a core holding it validly.
tile.program @gather_missing_element() -> tensor<8xf32> cores 2 sram_bytes 64 {
  %a = tile.alloc offset 0 : !tile.buffer<3xf32>
  %r = tile.host_gather %a by [#tile.place<map = (d0) -> (d0), extents = [6], grid = [2]>] : !tile.buffer<3xf32> to tensor<8xf32>
  tile.return %r : tensor<8xf32>
}
// CHECK: tile.host_gather: element [6] of the [8] tensor is on no core: every element gathered must be held validly by some core

// -----

// Without padding, every element a relayout's destination needs is held somewhere.
tile.program @relayout_missing() cores 2 sram_bytes 64 {
  %a = tile.alloc offset 0 : !tile.buffer<3xf32>
  %b = tile.alloc offset 16 : !tile.buffer<4xf32>
  tile.relayout %a by [#tile.place<map = (d0) -> (d0), extents = [6], grid = [2]>] to %b by [#tile.place<map = (d0) -> (d0), extents = [8], grid = [2]>] of [8] : !tile.buffer<3xf32> to !tile.buffer<4xf32>
  tile.return
}
// CHECK: tile.relayout: destination 0 needs elements of the [8] tensor that no source holds: without padding every element a destination needs must be held somewhere

// -----

// With padding, the elements no source holds are the padding.
tile.program @relayout_padded() cores 2 sram_bytes 64 {
  %a = tile.alloc offset 0 : !tile.buffer<3xf32>
  %b = tile.alloc offset 16 : !tile.buffer<4xf32>
  tile.relayout %a by [#tile.place<map = (d0) -> (d0), extents = [6], grid = [2]>] to %b by [#tile.place<map = (d0) -> (d0), extents = [8], grid = [2]>] of [8] padding 0.0 : f32 : !tile.buffer<3xf32> to !tile.buffer<4xf32>
  tile.return
}
// CHECK: tile.program @relayout_padded()

// -----

// A program runs tile ops only.
tile.program @not_tile() cores 2 sram_bytes 64 {
  %c = arith.constant 1.0 : f32
  tile.return
}
// CHECK: tile.program runs tile ops only, but its body holds arith.constant

// -----

tile.program @not_tile_in_loop() cores 2 sram_bytes 64 {
  tile.repeat 2 {
    %c = arith.constant 1.0 : f32
  }
  tile.return
}
// CHECK: tile.program runs tile ops only, but its body holds arith.constant
