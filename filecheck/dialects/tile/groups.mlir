// RUN: t10-opt %s | t10-opt | filecheck %s
// RUN: t10-opt %s --print-op-generic | t10-opt | filecheck %s

// Two groups of cores (MIMD): buffers of disjoint core ranges share SRAM
// addresses, a compute runs on one group, and fan-ins carry the pieces of group A
// to every core of group B: whole buffers, one slice of each, or some slots only.
tile.program @groups(%x: tensor<8x3xi32>) -> tensor<32x2x3xi32> cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 cores [0, 4] : !tile.buffer<2x3xi32>
  %b = tile.alloc offset 0 cores [4, 8] : !tile.buffer<4x2x3xi32>
  %c = tile.alloc offset 96 cores [4, 8] : !tile.buffer<4x3xi32>
  %d = tile.alloc offset 256 : !tile.buffer<2x3xi32>
  tile.host_write %x to %a by #tile.block<grid = [4], split = [[0], []]> : tensor<8x3xi32> to !tile.buffer<2x3xi32>
  tile.compute ins(%a : !tile.buffer<2x3xi32>) outs(%d : !tile.buffer<2x3xi32>) cores [0, 4] {
  ^bb0(%in: tensor<2x3xi32>, %out: tensor<2x3xi32>):
    tile.yield %in : tensor<2x3xi32>
  }
  tile.sync
  tile.fanin %a to %b by #tile.fanin<receivers = [4, 8], slots = 4, sender = (d0, d1) -> (d1)> : !tile.buffer<2x3xi32> to !tile.buffer<4x2x3xi32>
  tile.fanin %a to %c by #tile.fanin<receivers = [4, 8], slots = 4, sender = (d0, d1) -> (d1), source_slot = (d0, d1) -> (d0 mod 2), valid = (d0, d1) -> (2 - d1)> : !tile.buffer<2x3xi32> to !tile.buffer<4x3xi32>
  %y = tile.host_read %b by #tile.block<grid = [8], split = [[0], [], []]> : !tile.buffer<4x2x3xi32> to tensor<32x2x3xi32>
  tile.return %y : tensor<32x2x3xi32>
}

// CHECK:      tile.program @groups(%x: tensor<8x3xi32>) -> tensor<32x2x3xi32> cores 16 sram_bytes 1024 {
// CHECK-NEXT:   %a = tile.alloc offset 0 cores [0, 4] : !tile.buffer<2x3xi32>
// CHECK-NEXT:   %b = tile.alloc offset 0 cores [4, 8] : !tile.buffer<4x2x3xi32>
// CHECK-NEXT:   %c = tile.alloc offset 96 cores [4, 8] : !tile.buffer<4x3xi32>
// CHECK-NEXT:   %d = tile.alloc offset 256 : !tile.buffer<2x3xi32>
// CHECK-NEXT:   tile.host_write %x to %a by #tile.block<grid = [4], split = {{\[}}[0], []]> : tensor<8x3xi32> to !tile.buffer<2x3xi32>
// CHECK-NEXT:   tile.compute ins(%a : !tile.buffer<2x3xi32>) outs(%d : !tile.buffer<2x3xi32>) cores [0, 4] {
// CHECK-NEXT:   ^bb0(%in: tensor<2x3xi32>, %out: tensor<2x3xi32>):
// CHECK-NEXT:     tile.yield %in : tensor<2x3xi32>
// CHECK-NEXT:   }
// CHECK-NEXT:   tile.sync
// CHECK-NEXT:   tile.fanin %a to %b by #tile.fanin<receivers = [4, 8], slots = 4, sender = (d0, d1) -> (d1)> : !tile.buffer<2x3xi32> to !tile.buffer<4x2x3xi32>
// CHECK-NEXT:   tile.fanin %a to %c by #tile.fanin<receivers = [4, 8], slots = 4, sender = (d0, d1) -> (d1), source_slot = (d0, d1) -> ((d0 mod 2)), valid = (d0, d1) -> (((d1 * -1) + 2))> : !tile.buffer<2x3xi32> to !tile.buffer<4x3xi32>
// CHECK-NEXT:   %y = tile.host_read %b by #tile.block<grid = [8], split = {{\[}}[0], [], []]> : !tile.buffer<4x2x3xi32> to tensor<32x2x3xi32>
// CHECK-NEXT:   tile.return %y : tensor<32x2x3xi32>
// CHECK-NEXT: }

// A loop whose counter buffer holds each iteration's step (1, 3, 5), which a
// body reads as a slice offset.
tile.program @counted() cores 4 sram_bytes 1024 {
  %step = tile.alloc offset 0 : !tile.buffer<1xi32>
  %rows = tile.alloc offset 8 : !tile.buffer<6x2xf32>
  %row = tile.alloc offset 56 : !tile.buffer<2xf32>
  tile.repeat 3 counter %step from 1 step 2 {
    tile.compute ins(%rows, %step : !tile.buffer<6x2xf32>, !tile.buffer<1xi32>) outs(%row : !tile.buffer<2xf32>) {
    ^bb0(%all: tensor<6x2xf32>, %counter: tensor<1xi32>, %out: tensor<2xf32>):
      %zero = arith.constant 0 : index
      %t = tensor.extract %counter[%zero] : tensor<1xi32>
      %at = arith.index_cast %t : i32 to index
      %picked = tensor.extract_slice %all[%at, 0] [1, 2] [1, 1] : tensor<6x2xf32> to tensor<2xf32>
      tile.yield %picked : tensor<2xf32>
    }
  }
  tile.return
}

// CHECK:      tile.program @counted() cores 4 sram_bytes 1024 {
// CHECK:        tile.repeat 3 counter %step from 1 step 2 {
// CHECK-NEXT:     tile.compute ins(%rows, %step : !tile.buffer<6x2xf32>, !tile.buffer<1xi32>) outs(%row : !tile.buffer<2xf32>) {
// CHECK:            %t = tensor.extract %counter[%zero] : tensor<1xi32>
// CHECK-NEXT:       %at = arith.index_cast %t : i32 to index

// Fan-ins whose slots sit at axis 1 of the destination ([B, slots, C], as the
// kernels read it): whole pieces, then slices of the source taken along its axis 1.
tile.program @slot_axis() cores 8 sram_bytes 1024 {
  %a = tile.alloc offset 0 cores [0, 4] : !tile.buffer<2x3xi32>
  %b = tile.alloc offset 0 cores [4, 4] : !tile.buffer<2x4x3xi32>
  %c = tile.alloc offset 96 cores [4, 4] : !tile.buffer<2x4xi32>
  tile.fanin %a to %b by #tile.fanin<receivers = [4, 4], slots = 4, sender = (d0, d1) -> (d1), slot_axis = 1> : !tile.buffer<2x3xi32> to !tile.buffer<2x4x3xi32>
  tile.fanin %a to %c by #tile.fanin<receivers = [4, 4], slots = 4, sender = (d0, d1) -> (d1), slot_axis = 1, source_slot = (d0, d1) -> (d0 mod 3)> : !tile.buffer<2x3xi32> to !tile.buffer<2x4xi32>
  tile.return
}

// CHECK:      tile.program @slot_axis() cores 8 sram_bytes 1024 {
// CHECK-NEXT:   %a = tile.alloc offset 0 cores [0, 4] : !tile.buffer<2x3xi32>
// CHECK-NEXT:   %b = tile.alloc offset 0 cores [4, 4] : !tile.buffer<2x4x3xi32>
// CHECK-NEXT:   %c = tile.alloc offset 96 cores [4, 4] : !tile.buffer<2x4xi32>
// CHECK-NEXT:   tile.fanin %a to %b by #tile.fanin<receivers = [4, 4], slots = 4, sender = (d0, d1) -> (d1), slot_axis = 1> : !tile.buffer<2x3xi32> to !tile.buffer<2x4x3xi32>
// CHECK-NEXT:   tile.fanin %a to %c by #tile.fanin<receivers = [4, 4], slots = 4, sender = (d0, d1) -> (d1), source_slot = (d0, d1) -> ((d0 mod 3)), slot_axis = 1> : !tile.buffer<2x3xi32> to !tile.buffer<2x4xi32>
// CHECK-NEXT:   tile.return
// CHECK-NEXT: }
