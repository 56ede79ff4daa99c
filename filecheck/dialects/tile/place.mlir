// RUN: t10-opt %s | t10-opt | filecheck %s
// RUN: t10-opt %s --print-op-generic | t10-opt | filecheck %s

// #tile.place on its own. Optional fields (steps, at, chunks, skew) print only
// when not trivial, in that order whatever order they were written in; a window
// map (conv halo) keeps its sum.
"test.op"() {
  plain = #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]>,
  trivial_fields = #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2], steps = [1, 1], at = [0, 0], chunks = [1, 1], skew = (d0, d1) -> (0, 0)>,
  stepped = #tile.place<map = (d0, d1, d2) -> (d0, d2), extents = [128, 96, 64], grid = [4, 2, 2], steps = [2, 1, 1], skew = (d0, d1, d2) -> (d1 + d2, 0, 0)>,
  every_field = #tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [16, 16, 64], grid = [2, 2, 4], skew = (d0, d1, d2) -> (0, d2, 0), chunks = [2, 1, 1], at = [0, 1, 0], steps = [1, 2, 1]>,
  window = #tile.place<map = (d0, d1) -> (d0 + d1), extents = [8, 3], grid = [2, 1]>
} : () -> ()

// CHECK:      "test.op"() {
// CHECK-SAME: plain = #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]>,
// CHECK-SAME: trivial_fields = #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]>,
// CHECK-SAME: stepped = #tile.place<map = (d0, d1, d2) -> (d0, d2), extents = [128, 96, 64], grid = [4, 2, 2], steps = [2, 1, 1], skew = (d0, d1, d2) -> ((d1 + d2), 0, 0)>,
// CHECK-SAME: every_field = #tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [16, 16, 64], grid = [2, 2, 4], steps = [1, 2, 1], at = [0, 1, 0], chunks = [2, 1, 1], skew = (d0, d1, d2) -> (0, d2, 0)>,
// CHECK-SAME: window = #tile.place<map = (d0, d1) -> ((d0 + d1)), extents = [8, 3], grid = [2, 1]>}

// Rings laid over several axes or on the high digits of one (`axes`, `stride`),
// and a skew that reads such a digit (`floordiv`); `ring` prints only when the
// ring does not span its digits up to the top.
"test.op"() {
  two_axes = #tile.rotate<grid = [2, 2, 4], axes = [0, 2], ring = 4, stride = 2, pace = 1>,
  low_digits = #tile.rotate<grid = [2, 4], axes = [0, 1], ring = 2, pace = 1>,
  high_digit = #tile.rotate<grid = [2, 8], axis = 1, stride = 2, pace = 1>,
  digit_skew = #tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [4, 8, 16], grid = [1, 1, 16], steps = [2, 8, 1], skew = (d0, d1, d2) -> (d2, (d2 floordiv 2) * 7, 0)>
} : () -> ()

// CHECK:      "test.op"() {
// CHECK-SAME: two_axes = #tile.rotate<grid = [2, 2, 4], axes = [0, 2], stride = 2, pace = 1>,
// CHECK-SAME: low_digits = #tile.rotate<grid = [2, 4], axes = [0, 1], ring = 2, pace = 1>,
// CHECK-SAME: high_digit = #tile.rotate<grid = [2, 8], axis = 1, stride = 2, pace = 1>,
// CHECK-SAME: digit_skew = #tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [4, 8, 16], grid = [1, 1, 16], steps = [2, 8, 1], skew = (d0, d1, d2) -> (d2, ((d2 floordiv 2) * 7), 0)>}

// Every op that takes a placement: host_write by a place, a compute masked to
// its cores' boxes (`on`), relayouts into one buffer and into two step slices,
// host_gather from one buffer and from two, and a reduce_scatter of the two
// copies of each slice into chunks.
tile.program @placed(%x: tensor<8x6xf32>, %w: tensor<8x4xf32>) -> (tensor<8x6xf32>, tensor<8x6xf32>, tensor<8x4xf32>) cores 4 sram_bytes 4096 {
  %a = tile.alloc offset 0 : !tile.buffer<4x3xf32>
  tile.host_write %x to %a by #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]> : tensor<8x6xf32> to !tile.buffer<4x3xf32>
  %b = tile.alloc offset 48 : !tile.buffer<4x3xf32>
  tile.compute ins(%a : !tile.buffer<4x3xf32>) outs(%b : !tile.buffer<4x3xf32>) on #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]> {
  ^bb0(%in: tensor<4x3xf32>, %out: tensor<4x3xf32>):
    %sum = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%in : tensor<4x3xf32>) outs(%out : tensor<4x3xf32>) {
    ^bb1(%v: f32, %o: f32):
      %twice = arith.addf %v, %v : f32
      linalg.yield %twice : f32
    } -> tensor<4x3xf32>
    tile.yield %sum : tensor<4x3xf32>
  }
  tile.sync
  %c = tile.alloc offset 96 : !tile.buffer<2x6xf32>
  tile.relayout %b by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]>] to %c by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [4, 1]>] of [8, 6] : !tile.buffer<4x3xf32> to !tile.buffer<2x6xf32>
  %y = tile.host_gather %c by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [4, 1]>] : !tile.buffer<2x6xf32> to tensor<8x6xf32>
  %left = tile.alloc offset 144 : !tile.buffer<4x3xf32>
  %right = tile.alloc offset 192 : !tile.buffer<4x3xf32>
  tile.relayout %c by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [4, 1]>] to %left, %right by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 1], steps = [1, 2]>, #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 1], steps = [1, 2], at = [0, 1]>] of [8, 6] : !tile.buffer<2x6xf32> to !tile.buffer<4x3xf32>, !tile.buffer<4x3xf32>
  %z = tile.host_gather %left, %right by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 1], steps = [1, 2]>, #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 1], steps = [1, 2], at = [0, 1]>] : !tile.buffer<4x3xf32>, !tile.buffer<4x3xf32> to tensor<8x6xf32>
  %partial = tile.alloc offset 240 : !tile.buffer<4x4xf32>
  tile.host_write %w to %partial by #tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2]> : tensor<8x4xf32> to !tile.buffer<4x4xf32>
  %chunk = tile.alloc offset 304 : !tile.buffer<2x4xf32>
  tile.reduce_scatter %partial by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2]>] to %chunk by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2], chunks = [2, 1, 1]>] combine "max" : !tile.buffer<4x4xf32> to !tile.buffer<2x4xf32>
  tile.sync
  %s = tile.host_gather %chunk by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2], chunks = [2, 1, 1]>] : !tile.buffer<2x4xf32> to tensor<8x4xf32>
  tile.return %y, %z, %s : tensor<8x6xf32>, tensor<8x6xf32>, tensor<8x4xf32>
}

// CHECK:      tile.program @placed(%x: tensor<8x6xf32>, %w: tensor<8x4xf32>) -> (tensor<8x6xf32>, tensor<8x6xf32>, tensor<8x4xf32>) cores 4 sram_bytes 4096 {
// CHECK-NEXT:   %a = tile.alloc offset 0 : !tile.buffer<4x3xf32>
// CHECK-NEXT:   tile.host_write %x to %a by #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]> : tensor<8x6xf32> to !tile.buffer<4x3xf32>
// CHECK-NEXT:   %b = tile.alloc offset 48 : !tile.buffer<4x3xf32>
// CHECK-NEXT:   tile.compute ins(%a : !tile.buffer<4x3xf32>) outs(%b : !tile.buffer<4x3xf32>) on #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]> {
// CHECK-NEXT:   ^bb0(%in: tensor<4x3xf32>, %out: tensor<4x3xf32>):
// CHECK-NEXT:     %sum = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%in : tensor<4x3xf32>) outs(%out : tensor<4x3xf32>) {
// CHECK-NEXT:     ^bb0(%v: f32, %o: f32):
// CHECK-NEXT:       %twice = arith.addf %v, %v : f32
// CHECK-NEXT:       linalg.yield %twice : f32
// CHECK-NEXT:     } -> tensor<4x3xf32>
// CHECK-NEXT:     tile.yield %sum : tensor<4x3xf32>
// CHECK-NEXT:   }
// CHECK-NEXT:   tile.sync
// CHECK-NEXT:   %c = tile.alloc offset 96 : !tile.buffer<2x6xf32>
// CHECK-NEXT:   tile.relayout %b by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]>] to %c by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [4, 1]>] of [8, 6] : !tile.buffer<4x3xf32> to !tile.buffer<2x6xf32>
// CHECK-NEXT:   %y = tile.host_gather %c by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [4, 1]>] : !tile.buffer<2x6xf32> to tensor<8x6xf32>
// CHECK-NEXT:   %left = tile.alloc offset 144 : !tile.buffer<4x3xf32>
// CHECK-NEXT:   %right = tile.alloc offset 192 : !tile.buffer<4x3xf32>
// CHECK-NEXT:   tile.relayout %c by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [4, 1]>] to %left, %right by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 1], steps = [1, 2]>, #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 1], steps = [1, 2], at = [0, 1]>] of [8, 6] : !tile.buffer<2x6xf32> to !tile.buffer<4x3xf32>, !tile.buffer<4x3xf32>
// CHECK-NEXT:   %z = tile.host_gather %left, %right by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 1], steps = [1, 2]>, #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 1], steps = [1, 2], at = [0, 1]>] : !tile.buffer<4x3xf32>, !tile.buffer<4x3xf32> to tensor<8x6xf32>
// CHECK-NEXT:   %partial = tile.alloc offset 240 : !tile.buffer<4x4xf32>
// CHECK-NEXT:   tile.host_write %w to %partial by #tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2]> : tensor<8x4xf32> to !tile.buffer<4x4xf32>
// CHECK-NEXT:   %chunk = tile.alloc offset 304 : !tile.buffer<2x4xf32>
// CHECK-NEXT:   tile.reduce_scatter %partial by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2]>] to %chunk by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2], chunks = [2, 1, 1]>] combine "max" : !tile.buffer<4x4xf32> to !tile.buffer<2x4xf32>
// CHECK-NEXT:   tile.sync
// CHECK-NEXT:   %s = tile.host_gather %chunk by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2], chunks = [2, 1, 1]>] : !tile.buffer<2x4xf32> to tensor<8x4xf32>
// CHECK-NEXT:   tile.return %y, %z, %s : tensor<8x6xf32>, tensor<8x6xf32>, tensor<8x4xf32>
// CHECK-NEXT: }

// A reduce_scatter of two step slices at once: each round moves a chunk of both.

tile.program @two_slices() cores 4 sram_bytes 1024 {
  %left = tile.alloc offset 0 : !tile.buffer<4x2xf32>
  %right = tile.alloc offset 32 : !tile.buffer<4x2xf32>
  %left_chunk = tile.alloc offset 64 : !tile.buffer<2x2xf32>
  %right_chunk = tile.alloc offset 80 : !tile.buffer<2x2xf32>
  tile.reduce_scatter %left, %right by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2], steps = [1, 2, 1]>, #tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2], steps = [1, 2, 1], at = [0, 1, 0]>] to %left_chunk, %right_chunk by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2], steps = [1, 2, 1], chunks = [2, 1, 1]>, #tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2], steps = [1, 2, 1], at = [0, 1, 0], chunks = [2, 1, 1]>] combine "add" : !tile.buffer<4x2xf32>, !tile.buffer<4x2xf32> to !tile.buffer<2x2xf32>, !tile.buffer<2x2xf32>
  tile.return
}

// CHECK:      tile.program @two_slices() cores 4 sram_bytes 1024 {
// CHECK:        tile.reduce_scatter %left, %right by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2], steps = [1, 2, 1]>, #tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2], steps = [1, 2, 1], at = [0, 1, 0]>] to %left_chunk, %right_chunk by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2], steps = [1, 2, 1], chunks = [2, 1, 1]>, #tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2], steps = [1, 2, 1], at = [0, 1, 0], chunks = [2, 1, 1]>] combine "add" : !tile.buffer<4x2xf32>, !tile.buffer<4x2xf32> to !tile.buffer<2x2xf32>, !tile.buffer<2x2xf32>
