// RUN: t10-opt %s | t10-opt | filecheck %s
// RUN: t10-opt %s --print-op-generic | t10-opt | filecheck %s

// Attributes and the buffer type on their own; `ring` prints only when the ring
// is shorter than its axis.
"test.op"() {
  full_ring = #tile.rotate<grid = [4, 14, 26], axis = 1, pace = 1>,
  spelled_full_ring = #tile.rotate<grid = [4, 2], axis = 0, ring = 4, pace = 3>,
  short_ring = #tile.rotate<grid = [4, 14, 26], axis = 1, ring = 7, pace = 2>,
  explicit = #tile.transfers<[[0, 1], [1, 0], [2, 2]]>,
  block = #tile.block<grid = [4, 2, 2], split = [[0, 2 + 1], [1]]>,
  replicated = #tile.block<grid = [3], split = [[], []]>,
  buffer = !tile.buffer<8x184xf16>
} : () -> ()

// CHECK:      "test.op"() {
// CHECK-SAME: full_ring = #tile.rotate<grid = [4, 14, 26], axis = 1, pace = 1>,
// CHECK-SAME: spelled_full_ring = #tile.rotate<grid = [4, 2], axis = 0, pace = 3>,
// CHECK-SAME: short_ring = #tile.rotate<grid = [4, 14, 26], axis = 1, ring = 7, pace = 2>,
// CHECK-SAME: explicit = #tile.transfers<{{\[}}[0, 1], [1, 0], [2, 2]]>,
// CHECK-SAME: block = #tile.block<grid = [4, 2, 2], split = {{\[}}[0, 2 + 1], [1]]>,
// CHECK-SAME: replicated = #tile.block<grid = [3], split = {{\[}}[], []]>,
// CHECK-SAME: buffer = !tile.buffer<8x184xf16>}

// Every op: a program with two results, a rolled loop, both exchange patterns,
// and attributes riding on ops.
tile.program @all_ops(%x: tensor<8x4xf32>) -> (tensor<8x4xf32>, tensor<2x4xf32>) cores 4 sram_bytes 1024 attributes {origin = "test"} {
  %p = tile.alloc offset 0 : !tile.buffer<2x4xf32>
  %q = tile.alloc offset 32 {note} : !tile.buffer<2x4xf32>
  %w = tile.alloc offset 64 resident : !tile.buffer<2x4xf32>
  tile.host_write %x to %p by #tile.block<grid = [4], split = [[0], []]> : tensor<8x4xf32> to !tile.buffer<2x4xf32>
  tile.repeat 3 {
    tile.compute ins(%p : !tile.buffer<2x4xf32>) outs(%q : !tile.buffer<2x4xf32>) attributes {kind = "add"} {
    ^bb0(%in: tensor<2x4xf32>, %out: tensor<2x4xf32>):
      %sum = linalg.add ins(%in, %out : tensor<2x4xf32>, tensor<2x4xf32>) outs(%out : tensor<2x4xf32>) -> tensor<2x4xf32>
      tile.yield %sum : tensor<2x4xf32>
    }
    tile.sync
    tile.exchange %q to %p by #tile.rotate<grid = [4], axis = 0, pace = 1> : !tile.buffer<2x4xf32> to !tile.buffer<2x4xf32>
  }
  tile.exchange %p to %q by #tile.transfers<[[0, 1], [0, 2], [3, 3]]> : !tile.buffer<2x4xf32> to !tile.buffer<2x4xf32>
  %y = tile.host_read %q by #tile.block<grid = [4], split = [[0], []]> : !tile.buffer<2x4xf32> to tensor<8x4xf32>
  %z = tile.host_read %q by #tile.block<grid = [4], split = [[], []]> : !tile.buffer<2x4xf32> to tensor<2x4xf32>
  tile.return %y, %z : tensor<8x4xf32>, tensor<2x4xf32>
}

// CHECK:      tile.program @all_ops(%x: tensor<8x4xf32>) -> (tensor<8x4xf32>, tensor<2x4xf32>) cores 4 sram_bytes 1024 attributes {origin = "test"} {
// CHECK-NEXT:   %p = tile.alloc offset 0 : !tile.buffer<2x4xf32>
// CHECK-NEXT:   %q = tile.alloc offset 32 {note} : !tile.buffer<2x4xf32>
// CHECK-NEXT:   %w = tile.alloc offset 64 resident : !tile.buffer<2x4xf32>
// CHECK-NEXT:   tile.host_write %x to %p by #tile.block<grid = [4], split = {{\[}}[0], []]> : tensor<8x4xf32> to !tile.buffer<2x4xf32>
// CHECK-NEXT:   tile.repeat 3 {
// CHECK-NEXT:     tile.compute ins(%p : !tile.buffer<2x4xf32>) outs(%q : !tile.buffer<2x4xf32>) attributes {kind = "add"} {
// CHECK-NEXT:     ^bb0(%in: tensor<2x4xf32>, %out: tensor<2x4xf32>):
// CHECK-NEXT:       %sum = linalg.add ins(%in, %out : tensor<2x4xf32>, tensor<2x4xf32>) outs(%out : tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT:       tile.yield %sum : tensor<2x4xf32>
// CHECK-NEXT:     }
// CHECK-NEXT:     tile.sync
// CHECK-NEXT:     tile.exchange %q to %p by #tile.rotate<grid = [4], axis = 0, pace = 1> : !tile.buffer<2x4xf32> to !tile.buffer<2x4xf32>
// CHECK-NEXT:   }
// CHECK-NEXT:   tile.exchange %p to %q by #tile.transfers<{{\[}}[0, 1], [0, 2], [3, 3]]> : !tile.buffer<2x4xf32> to !tile.buffer<2x4xf32>
// CHECK-NEXT:   %y = tile.host_read %q by #tile.block<grid = [4], split = {{\[}}[0], []]> : !tile.buffer<2x4xf32> to tensor<8x4xf32>
// CHECK-NEXT:   %z = tile.host_read %q by #tile.block<grid = [4], split = {{\[}}[], []]> : !tile.buffer<2x4xf32> to tensor<2x4xf32>
// CHECK-NEXT:   tile.return %y, %z : tensor<8x4xf32>, tensor<2x4xf32>
// CHECK-NEXT: }

// A program with no arguments and no results.
tile.program @empty() cores 1 sram_bytes 8 {
  tile.return
}

// CHECK:      tile.program @empty() cores 1 sram_bytes 8 {
// CHECK-NEXT:   tile.return
// CHECK-NEXT: }
