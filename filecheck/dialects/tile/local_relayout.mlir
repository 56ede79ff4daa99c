// RUN: t10-opt %s | filecheck %s

// A relayout in which every core keeps its own rows, cut into two step slices, moves
// nothing between cores: on-core work, so it may follow a compute with no sync.
tile.program @local(%x: tensor<8x6xf32>) -> tensor<8x6xf32> cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<2x6xf32>
  tile.host_write %x to %a by #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [4, 1]> : tensor<8x6xf32> to !tile.buffer<2x6xf32>
  tile.compute outs(%a : !tile.buffer<2x6xf32>) {
  ^bb0(%v: tensor<2x6xf32>):
    tile.yield %v : tensor<2x6xf32>
  }
  %left = tile.alloc offset 48 : !tile.buffer<2x3xf32>
  %right = tile.alloc offset 72 : !tile.buffer<2x3xf32>
  tile.relayout %a by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [4, 1]>] to %left, %right by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [4, 1], steps = [1, 2]>, #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [4, 1], steps = [1, 2], at = [0, 1]>] of [8, 6] : !tile.buffer<2x6xf32> to !tile.buffer<2x3xf32>, !tile.buffer<2x3xf32>
  tile.sync
  %y = tile.host_gather %left, %right by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [4, 1], steps = [1, 2]>, #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [4, 1], steps = [1, 2], at = [0, 1]>] : !tile.buffer<2x3xf32>, !tile.buffer<2x3xf32> to tensor<8x6xf32>
  tile.return %y : tensor<8x6xf32>
}

// CHECK:      tile.yield %v : tensor<2x6xf32>
// CHECK-NEXT: }
// CHECK-NEXT: %left = tile.alloc offset 48
// CHECK-NEXT: %right = tile.alloc offset 72
// CHECK-NEXT: tile.relayout %a by
// CHECK-NEXT: tile.sync
