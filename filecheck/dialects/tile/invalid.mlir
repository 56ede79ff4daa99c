// RUN: t10-opt %s --split-input-file --verify-diagnostics | filecheck %s

"test.op"() {buffer = !tile.buffer<0x4xf32>} : () -> ()
// CHECK: buffer dimension 0 must be positive

// -----

"test.op"() {buffer = !tile.buffer<4xi4>} : () -> ()
// CHECK: buffer element type i4 must be a whole number of bytes, an i1 or an index

// -----

"test.op"() {pattern = #tile.rotate<grid = [], axis = 0, ring = 2, pace = 1>} : () -> ()
// CHECK: rotate grid must have at least one axis

// -----

"test.op"() {pattern = #tile.rotate<grid = [4, 0], axis = 0, pace = 1>} : () -> ()
// CHECK: rotate grid extent 0 on axis 1 must be positive

// -----

"test.op"() {pattern = #tile.rotate<grid = [4], axis = 1, ring = 2, pace = 1>} : () -> ()
// CHECK: rotate axis 1 is outside the 1-axis grid [4]

// -----

"test.op"() {pattern = #tile.rotate<grid = [6], axis = 0, ring = 4, pace = 1>} : () -> ()
// CHECK: rotate ring 4 must be at least 2 and, times the stride 1, divide the 6 cores of axes [0]

// -----

"test.op"() {pattern = #tile.rotate<grid = [1], axis = 0, pace = 1>} : () -> ()
// CHECK: rotate ring 1 must be at least 2 and, times the stride 1, divide the 1 cores of axes [0]

// -----

"test.op"() {pattern = #tile.rotate<grid = [2, 4], axes = [1, 1], ring = 2, pace = 1>} : () -> ()
// CHECK: rotate axes [1, 1] must be distinct, and at least one

// -----

"test.op"() {pattern = #tile.rotate<grid = [2, 4], axes = [0, 1], ring = 4, stride = 4, pace = 1>} : () -> ()
// CHECK: rotate ring 4 must be at least 2 and, times the stride 4, divide the 8 cores of axes [0, 1]

// -----

"test.op"() {pattern = #tile.rotate<grid = [4], axis = 0, pace = 2>} : () -> ()
// CHECK: rotate pace 2 must lie in [1, ring 4) and be coprime with the ring, so that every piece visits every core of its ring

// -----

"test.op"() {pattern = #tile.rotate<grid = [4], axis = 0, pace = 4>} : () -> ()
// CHECK: rotate pace 4 must lie in [1, ring 4)

// -----

"test.op"() {pattern = #tile.transfers<[]>} : () -> ()
// CHECK: transfers pattern must hold at least one transfer

// -----

"test.op"() {pattern = #tile.transfers<[[0, 1, 2]]>} : () -> ()
// CHECK: transfer [0, 1, 2] must be a pair [source, destination] of core ids >= 0

// -----

"test.op"() {pattern = #tile.transfers<[[-1, 1]]>} : () -> ()
// CHECK: transfer [-1, 1] must be a pair [source, destination] of core ids >= 0

// -----

"test.op"() {pattern = #tile.transfers<[[0, 2], [1, 2]]>} : () -> ()
// CHECK: core 2 receives more than once in one transfers pattern

// -----

"test.op"() {layout = #tile.block<grid = [2, 0], split = [[0]]>} : () -> ()
// CHECK: block grid extent 0 on axis 1 must be positive

// -----

"test.op"() {layout = #tile.block<grid = [2, 2], split = [[0], [2]]>} : () -> ()
// CHECK: block axis 2 is outside the 2-axis grid [2, 2]

// -----

"test.op"() {layout = #tile.block<grid = [2, 2], split = [[0], [1 + 0, 0]]>} : () -> ()
// CHECK: block axis 0 cuts more than once or skews itself

// -----

"test.op"() {layout = #tile.block<grid = [2, 2], split = [[0 + 0], [1]]>} : () -> ()
// CHECK: block axis 0 cuts more than once or skews itself

// -----

"tile.program"() <{sym_name = "p", function_type = () -> (), cores = 0 : i64, sram_bytes = 64 : i64}> ({
  "tile.return"() : () -> ()
}) : () -> ()
// CHECK: program cores 0 must be positive

// -----

"tile.program"() <{sym_name = "p", function_type = (tensor<4xf32>) -> (), cores = 1 : i64, sram_bytes = 64 : i64}> ({
^bb0(%x: tensor<8xf32>):
  "tile.return"() : () -> ()
}) : () -> ()
// CHECK: program arguments [tensor<8xf32>] do not match its inputs [tensor<4xf32>]

// -----

tile.program @p(%x: f32) cores 1 sram_bytes 64 {
  tile.return
}
// CHECK: program argument 0 has type f32: program arguments are host tensors

// -----

tile.program @p() -> tensor<4xf32> cores 1 sram_bytes 64 {
  tile.return
}
// CHECK: tile.return returns [] but the program returns [tensor<4xf32>]

// -----

tile.program @p() cores 1 sram_bytes 64 {
  %a = tile.alloc offset 4 : !tile.buffer<2xf32>
  tile.return
}
// CHECK: buffer offset 4 must be a non-negative multiple of 8 bytes

// -----

tile.program @p() cores 1 sram_bytes 64 {
  %a = tile.alloc offset 56 : !tile.buffer<4xf32>
  tile.return
}
// CHECK: buffer at offset 56 of 16 bytes ends at 72, beyond the 64 bytes of SRAM per core

// -----

// %a is still used after %b is placed over it.
tile.program @p() cores 1 sram_bytes 64 {
  %a = tile.alloc offset 0 : !tile.buffer<4xf32>
  %b = tile.alloc offset 8 : !tile.buffer<4xf32>
  tile.exchange %a to %b by #tile.transfers<[[0, 0]]> : !tile.buffer<4xf32> to !tile.buffer<4xf32>
  tile.return
}
// CHECK: buffers live at the same time overlap in SRAM: bytes [0, 16) and [8, 24)

// -----

// %a is used inside the loop, so it lives to the loop's end: %c may not reuse it
// in the loop body even after %a's last use there.
tile.program @p() cores 2 sram_bytes 64 {
  %a = tile.alloc offset 0 : !tile.buffer<4xf32>
  %b = tile.alloc offset 16 : !tile.buffer<4xf32>
  tile.repeat 2 {
    tile.exchange %a to %b by #tile.transfers<[[0, 1]]> : !tile.buffer<4xf32> to !tile.buffer<4xf32>
    %c = tile.alloc offset 0 : !tile.buffer<4xf32>
    tile.exchange %b to %c by #tile.transfers<[[1, 0]]> : !tile.buffer<4xf32> to !tile.buffer<4xf32>
  }
  tile.return
}
// CHECK: buffers live at the same time overlap in SRAM: bytes [0, 16) and [0, 16)

// -----

// A resident buffer (a weight) lives to the end of the program, past its last use:
// %b may not reuse its bytes.
tile.program @p() cores 1 sram_bytes 64 {
  %w = tile.alloc offset 0 resident : !tile.buffer<4xf32>
  %a = tile.alloc offset 16 : !tile.buffer<4xf32>
  tile.exchange %w to %a by #tile.transfers<[[0, 0]]> : !tile.buffer<4xf32> to !tile.buffer<4xf32>
  %b = tile.alloc offset 0 : !tile.buffer<4xf32>
  tile.exchange %a to %b by #tile.transfers<[[0, 0]]> : !tile.buffer<4xf32> to !tile.buffer<4xf32>
  tile.return
}
// CHECK: buffers live at the same time overlap in SRAM: bytes [0, 16) and [0, 16)

// -----

tile.program @p() cores 1 sram_bytes 64 {
  tile.repeat 2 {
    %w = tile.alloc offset 0 resident : !tile.buffer<4xf32>
  }
  tile.return
}
// CHECK: a resident buffer is allocated in the program's body, not inside tile.repeat

// -----

tile.program @p() cores 2 sram_bytes 64 {
  %a = tile.alloc offset 0 : !tile.buffer<4xf32>
  %b = tile.alloc offset 16 : !tile.buffer<4xf32>
  tile.compute outs(%a : !tile.buffer<4xf32>) {
  ^bb0(%x: tensor<4xf32>):
    tile.yield %x : tensor<4xf32>
  }
  tile.exchange %a to %b by #tile.rotate<grid = [2], axis = 0, pace = 1> : !tile.buffer<4xf32> to !tile.buffer<4xf32>
  tile.return
}
// CHECK: bulk-synchronous order: tile.exchange follows a tile.compute with no tile.sync in between

// -----

// The loop's second iteration exchanges right after the first one's compute.
tile.program @p() cores 2 sram_bytes 64 {
  %a = tile.alloc offset 0 : !tile.buffer<4xf32>
  %b = tile.alloc offset 16 : !tile.buffer<4xf32>
  tile.sync
  tile.repeat 2 {
    tile.exchange %a to %b by #tile.rotate<grid = [2], axis = 0, pace = 1> : !tile.buffer<4xf32> to !tile.buffer<4xf32>
    tile.compute outs(%a : !tile.buffer<4xf32>) {
    ^bb0(%x: tensor<4xf32>):
      tile.yield %x : tensor<4xf32>
    }
  }
  tile.return
}
// CHECK: bulk-synchronous order: tile.exchange follows a tile.compute with no tile.sync in between

// -----

tile.program @p() -> tensor<8xf32> cores 2 sram_bytes 64 {
  %a = tile.alloc offset 0 : !tile.buffer<4xf32>
  tile.compute outs(%a : !tile.buffer<4xf32>) {
  ^bb0(%x: tensor<4xf32>):
    tile.yield %x : tensor<4xf32>
  }
  %r = tile.host_read %a by #tile.block<grid = [2], split = [[0]]> : !tile.buffer<4xf32> to tensor<8xf32>
  tile.return %r : tensor<8xf32>
}
// CHECK: bulk-synchronous order: tile.host_read follows a tile.compute with no tile.sync in between

// -----

tile.program @p(%t: tensor<8xf32>) cores 2 sram_bytes 64 {
  %a = tile.alloc offset 0 : !tile.buffer<4xf32>
  tile.compute outs(%a : !tile.buffer<4xf32>) {
  ^bb0(%x: tensor<4xf32>):
    tile.yield %x : tensor<4xf32>
  }
  tile.host_write %t to %a by #tile.block<grid = [2], split = [[0]]> : tensor<8xf32> to !tile.buffer<4xf32>
  tile.return
}
// CHECK: bulk-synchronous order: tile.host_write follows a tile.compute with no tile.sync in between

// -----

tile.program @p() -> tensor<8xf32> cores 2 sram_bytes 64 {
  %a = tile.alloc offset 0 : !tile.buffer<4xf32>
  tile.compute outs(%a : !tile.buffer<4xf32>) {
  ^bb0(%x: tensor<4xf32>):
    tile.yield %x : tensor<4xf32>
  }
  %r = tile.host_gather %a by [#tile.place<map = (d0) -> (d0), extents = [8], grid = [2]>] : !tile.buffer<4xf32> to tensor<8xf32>
  tile.return %r : tensor<8xf32>
}
// CHECK: bulk-synchronous order: tile.host_gather follows a tile.compute with no tile.sync in between

// -----

tile.program @p() cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x3xf32>
  %b = tile.alloc offset 48 : !tile.buffer<2x6xf32>
  tile.compute outs(%a : !tile.buffer<4x3xf32>) {
  ^bb0(%x: tensor<4x3xf32>):
    tile.yield %x : tensor<4x3xf32>
  }
  tile.relayout %a by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]>] to %b by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [4, 1]>] of [8, 6] : !tile.buffer<4x3xf32> to !tile.buffer<2x6xf32>
  tile.return
}
// CHECK: bulk-synchronous order: tile.relayout follows a tile.compute with no tile.sync in between

// -----

// A reduce-scatter ends combining on every core: the data movement after it waits for a sync.
tile.program @p() cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x4xf32>
  %b = tile.alloc offset 64 : !tile.buffer<2x4xf32>
  %c = tile.alloc offset 96 : !tile.buffer<8x1xf32>
  tile.reduce_scatter %a by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2]>] to %b by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2], chunks = [2, 1, 1]>] combine "add" : !tile.buffer<4x4xf32> to !tile.buffer<2x4xf32>
  tile.relayout %b by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2], chunks = [2, 1, 1]>] to %c by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 4], grid = [1, 4]>] of [8, 4] : !tile.buffer<2x4xf32> to !tile.buffer<8x1xf32>
  tile.return
}
// CHECK: bulk-synchronous order: tile.relayout follows a tile.reduce_scatter with no tile.sync in between

// -----

// A reduce-scatter syncs every round itself, but the host write at the top of the loop
// follows the combining of the previous iteration's reduce-scatter.
tile.program @p(%w: tensor<8x4xf32>) cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x4xf32>
  %b = tile.alloc offset 64 : !tile.buffer<2x4xf32>
  tile.repeat 2 {
    tile.host_write %w to %a by #tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2]> : tensor<8x4xf32> to !tile.buffer<4x4xf32>
    tile.reduce_scatter %a by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2]>] to %b by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2], chunks = [2, 1, 1]>] combine "add" : !tile.buffer<4x4xf32> to !tile.buffer<2x4xf32>
  }
  tile.return
}
// CHECK: bulk-synchronous order: tile.host_write follows a tile.reduce_scatter with no tile.sync in between

// -----

tile.program @p() cores 1 sram_bytes 64 {
  %a = tile.alloc offset 0 : !tile.buffer<4xf32>
  tile.compute outs(%a : !tile.buffer<4xf32>) {
  ^bb0(%x: tensor<2xf32>):
    tile.yield %x : tensor<2xf32>
  }
  tile.return
}
// CHECK: tile.compute body arguments [tensor<2xf32>] must be the buffers' tensors [tensor<4xf32>]

// -----

tile.program @p() cores 1 sram_bytes 64 {
  %a = tile.alloc offset 0 : !tile.buffer<4xf32>
  %b = tile.alloc offset 16 : !tile.buffer<4xf32>
  tile.compute ins(%a : !tile.buffer<4xf32>) outs(%b : !tile.buffer<4xf32>) {
  ^bb0(%x: tensor<4xf32>, %y: tensor<4xf32>):
    tile.yield
  }
  tile.return
}
// CHECK: tile.compute yields [] but its outs buffers hold [tensor<4xf32>]

// -----

tile.program @p() cores 2 sram_bytes 64 {
  %a = tile.alloc offset 0 : !tile.buffer<4xf32>
  %b = tile.alloc offset 16 : !tile.buffer<2xf32>
  tile.exchange %a to %b by #tile.rotate<grid = [2], axis = 0, pace = 1> : !tile.buffer<4xf32> to !tile.buffer<2xf32>
  tile.return
}
// CHECK: exchange source of 16 bytes does not fit a destination of 8 bytes

// -----

tile.program @p() cores 2 sram_bytes 64 {
  %a = tile.alloc offset 0 : !tile.buffer<4xf32>
  tile.exchange %a to %a by #tile.rotate<grid = [2], axis = 0, pace = 1> : !tile.buffer<4xf32> to !tile.buffer<4xf32>
  tile.return
}
// CHECK: exchange source and destination must be different buffers: a core cannot receive into the buffer it is sending

// -----

tile.program @p() cores 4 sram_bytes 64 {
  %a = tile.alloc offset 0 : !tile.buffer<4xf32>
  %b = tile.alloc offset 16 : !tile.buffer<4xf32>
  tile.exchange %a to %b by #tile.rotate<grid = [2, 4], axis = 1, pace = 1> : !tile.buffer<4xf32> to !tile.buffer<4xf32>
  tile.return
}
// CHECK: exchange pattern needs 8 cores but the program has 4

// -----

tile.program @p() cores 4 sram_bytes 64 {
  %a = tile.alloc offset 0 : !tile.buffer<4xf32>
  %b = tile.alloc offset 16 : !tile.buffer<4xf32>
  tile.exchange %a to %b by #tile.transfers<[[0, 4]]> : !tile.buffer<4xf32> to !tile.buffer<4xf32>
  tile.return
}
// CHECK: exchange pattern needs 5 cores but the program has 4

// -----

tile.program @p(%t: tensor<8xf16>) cores 2 sram_bytes 64 {
  %a = tile.alloc offset 0 : !tile.buffer<4xf32>
  tile.host_write %t to %a by #tile.block<grid = [2], split = [[0]]> : tensor<8xf16> to !tile.buffer<4xf32>
  tile.return
}
// CHECK: host tensor element type f16 differs from the buffer's f32

// -----

tile.program @p(%t: tensor<8x2xf32>) cores 2 sram_bytes 64 {
  %a = tile.alloc offset 0 : !tile.buffer<4x2xf32>
  tile.host_write %t to %a by #tile.block<grid = [2], split = [[0]]> : tensor<8x2xf32> to !tile.buffer<4x2xf32>
  tile.return
}
// CHECK: block layout splits 1 dimensions but the tensor has 2 and the buffer 2

// -----

tile.program @p(%t: tensor<8xf32>) cores 4 sram_bytes 64 {
  %a = tile.alloc offset 0 : !tile.buffer<4xf32>
  tile.host_write %t to %a by #tile.block<grid = [4], split = [[0]]> : tensor<8xf32> to !tile.buffer<4xf32>
  tile.return
}
// CHECK: tensor dimension 0 of size 8 cut into 4 blocks does not give the buffer's extent 4

// -----

tile.program @p() -> tensor<8xf32> cores 2 sram_bytes 64 {
  %a = tile.alloc offset 0 : !tile.buffer<2xf32>
  %r = tile.host_read %a by #tile.block<grid = [4], split = [[0]]> : !tile.buffer<2xf32> to tensor<8xf32>
  tile.return %r : tensor<8xf32>
}
// CHECK: block layout needs 4 cores but the program has 2

// -----

tile.program @p() cores 1 sram_bytes 64 {
  tile.repeat 0 {
    tile.sync
  }
  tile.return
}
// CHECK: repeat count 0 must be positive
