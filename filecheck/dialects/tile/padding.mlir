// RUN: t10-opt %s | t10-opt | filecheck %s
// RUN: t10-opt %s --print-op-generic | t10-opt | filecheck %s

// A relayout into a padded tensor: the 8x6 source sits at (1, 1) of the 10x8 destination
// (its place maps loops one row and one column in), and every element it does not hold
// takes the padding.
tile.program @padded() cores 4 sram_bytes 4096 {
  %a = tile.alloc offset 0 : !tile.buffer<4x3xf32>
  %b = tile.alloc offset 48 : !tile.buffer<3x8xf32>
  tile.relayout %a by [#tile.place<map = (d0, d1) -> (d0 + 1, d1 + 1), extents = [8, 6], grid = [2, 2]>] to %b by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [10, 8], grid = [4, 1]>] of [10, 8] padding 0.5 : f32 : !tile.buffer<4x3xf32> to !tile.buffer<3x8xf32>
  tile.return
}

// CHECK: tile.relayout %a by [#tile.place<map = (d0, d1) -> ((d0 + 1), (d1 + 1)), extents = [8, 6], grid = [2, 2]>] to %b by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [10, 8], grid = [4, 1]>] of [10, 8] padding 5.000000e-01 : f32 : !tile.buffer<4x3xf32> to !tile.buffer<3x8xf32>
