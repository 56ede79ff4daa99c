// RUN: t10-opt %s --split-input-file --verify-diagnostics | filecheck %s

// Core groups and tile.fanin: one case per verifier rule.
tile.program @p() cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 cores [1, 2, 3] : !tile.buffer<2xi32>
  tile.return
}
// CHECK: buffer cores [1, 2, 3] must be two integers: the first core and the count

// -----

tile.program @p() cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 cores [2, 0] : !tile.buffer<2xi32>
  tile.return
}
// CHECK: buffer cores [2, 0] must start at a core >= 0 and count at least one

// -----

tile.program @p() cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 cores [12, 8] : !tile.buffer<2xi32>
  tile.return
}
// CHECK: buffer cores [12, 8] needs 20 cores but the program has 16

// -----

tile.program @p() cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 cores [0, 8] : !tile.buffer<2xi32>
  %b = tile.alloc offset 0 cores [4, 8] : !tile.buffer<2xi32>
  tile.compute outs(%a : !tile.buffer<2xi32>) cores [0, 8] {
  ^bb0(%o: tensor<2xi32>):
    tile.yield %o : tensor<2xi32>
  }
  tile.compute outs(%b : !tile.buffer<2xi32>) cores [4, 8] {
  ^bb0(%o: tensor<2xi32>):
    tile.yield %o : tensor<2xi32>
  }
  tile.return
}
// CHECK: buffers live at the same time overlap in SRAM: bytes [0, 8) of cores [0, 8) and [0, 8) of cores [4, 12)

// -----

tile.program @p() cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4xf32>
  tile.compute outs(%a : !tile.buffer<4xf32>) cores [0, 4] on #tile.place<map = (d0) -> (d0), extents = [16], grid = [4]> {
  ^bb0(%o: tensor<4xf32>):
    tile.yield %o : tensor<4xf32>
  }
  tile.return
}
// CHECK: tile.compute runs either on a core range or on a placement's boxes, not both

// -----

tile.program @p() cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<2xi32>
  tile.compute outs(%a : !tile.buffer<2xi32>) cores [8, 9] {
  ^bb0(%o: tensor<2xi32>):
    tile.yield %o : tensor<2xi32>
  }
  tile.return
}
// CHECK: tile.compute cores [8, 9] needs 17 cores but the program has 16

// -----

tile.program @p() cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 cores [0, 4] : !tile.buffer<2x3xi32>
  tile.compute outs(%a : !tile.buffer<2x3xi32>) cores [0, 2] {
  ^bb0(%o: tensor<2x3xi32>):
    tile.yield %o : tensor<2x3xi32>
  }
  tile.return
}
// CHECK: tile.compute on cores [0, 2) takes buffer operand 0 on cores [0, 4): a buffer must live on every core or on exactly the compute's cores

// -----

tile.program @p() cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 cores [0, 4] : !tile.buffer<2x3xi32>
  tile.compute outs(%a : !tile.buffer<2x3xi32>) {
  ^bb0(%o: tensor<2x3xi32>):
    tile.yield %o : tensor<2x3xi32>
  }
  tile.return
}
// CHECK: tile.compute on every core takes buffer operand 0 on cores [0, 4)

// -----

tile.program @p() cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 cores [0, 4] : !tile.buffer<2x3xi32>
  %c = tile.alloc offset 0 cores [4, 4] : !tile.buffer<2x3xi32>
  tile.exchange %a to %c by #tile.transfers<[[0, 4], [5, 5]]> : !tile.buffer<2x3xi32> to !tile.buffer<2x3xi32>
  tile.return
}
// CHECK: exchange sender core 5 does not hold its buffer, which lives on cores [0, 4)

// -----

tile.program @p() cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 cores [0, 4] : !tile.buffer<2x3xi32>
  %c = tile.alloc offset 0 cores [4, 4] : !tile.buffer<2x3xi32>
  tile.exchange %a to %c by #tile.transfers<[[0, 4], [1, 9]]> : !tile.buffer<2x3xi32> to !tile.buffer<2x3xi32>
  tile.return
}
// CHECK: exchange receiver core 9 does not hold its buffer, which lives on cores [4, 8)

// -----

tile.program @p(%x: tensor<16x3xi32>) cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 cores [0, 4] : !tile.buffer<2x3xi32>
  tile.host_write %x to %a by #tile.block<grid = [8], split = [[0], []]> : tensor<16x3xi32> to !tile.buffer<2x3xi32>
  tile.return
}
// CHECK: block layout numbers 8 cores but its buffer lives on the 4 cores [0, 4)

// -----

tile.program @p(%x: tensor<8x3xi32>) cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 cores [0, 4] : !tile.buffer<4x3xi32>
  tile.host_write %x to %a by #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 3], grid = [2, 1]> : tensor<8x3xi32> to !tile.buffer<4x3xi32>
  tile.return
}
// CHECK: host_write numbers 2 cores but its buffer lives on the 4 cores [0, 4)

// -----

tile.program @p() -> tensor<2x3xi32> cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 cores [0, 4] : !tile.buffer<2x3xi32>
  %y = tile.host_gather %a by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [2, 3], grid = [1, 1]>] : !tile.buffer<2x3xi32> to tensor<2x3xi32>
  tile.return %y : tensor<2x3xi32>
}
// CHECK: host_gather placement 0 numbers 1 cores but its buffer lives on the 4 cores [0, 4)

// -----

tile.program @p() cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 cores [0, 4] : !tile.buffer<2x3xi32>
  %b = tile.alloc offset 64 : !tile.buffer<2x3xi32>
  tile.relayout %a by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 3], grid = [4, 1]>] to %b by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 3], grid = [4, 1]>] of [8, 3] : !tile.buffer<2x3xi32> to !tile.buffer<2x3xi32>
  tile.return
}
// CHECK: tile.relayout takes buffers on every core, not one on cores [0, 4)

// -----

"test.op"() {pattern = #tile.fanin<receivers = [4, 0], slots = 2, sender = (d0, d1) -> (d1)>} : () -> ()
// CHECK: fanin receivers [4, 0] must be [first core >= 0, count >= 1]

// -----

"test.op"() {pattern = #tile.fanin<receivers = [4, 4], slots = 0, sender = (d0, d1) -> (d1)>} : () -> ()
// CHECK: fanin slots 0 must be at least one

// -----

"test.op"() {pattern = #tile.fanin<receivers = [4, 4], slots = 2, sender = (d0, d1) -> (d0, d1)>} : () -> ()
// CHECK: fanin sender map (d0, d1) -> (d0, d1) must map (receiver, slot), with no symbols, to one result

// -----

"test.op"() {pattern = #tile.fanin<receivers = [4, 4], slots = 2, sender = (d0, d1) -> (d1), valid = (d0, d1) -> (d0 mod -2)>} : () -> ()
// CHECK: fanin valid map (d0, d1) -> ((d0 mod -2)) must be affine and divide or take remainders by positive constants only

// -----

"test.op"() {pattern = #tile.fanin<receivers = [4, 4], slots = 2, sender = (d0, d1) -> (d1), slot_axis = -1>} : () -> ()
// CHECK: fanin slot_axis -1 must be >= 0

// -----

"test.op"() {pattern = #tile.fanin<receivers = [4, 4], slots = 2, sender = (d0, d1) -> (d1), slot_axis = 1, valid = (d0, d1) -> (d1), slot_axis = 1>} : () -> ()
// CHECK: expected 'source_slot', 'valid' or 'slot_axis' once each, got 'slot_axis'

// -----

"test.op"() {pattern = #tile.fanin<receivers = [4, 4], slots = 2, sender = (d0, d1) -> (d1), axis = 1>} : () -> ()
// CHECK: expected 'source_slot', 'valid' or 'slot_axis' once each, got 'axis'

// -----

tile.program @p() cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 cores [0, 4] : !tile.buffer<2x3xi32>
  %c = tile.alloc offset 0 cores [4, 8] : !tile.buffer<4x2x3xf32>
  tile.fanin %a to %c by #tile.fanin<receivers = [4, 8], slots = 4, sender = (d0, d1) -> (d1)> : !tile.buffer<2x3xi32> to !tile.buffer<4x2x3xf32>
  tile.return
}
// CHECK: fanin source element type i32 differs from the destination's f32

// -----

tile.program @p() cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<2x2xi32>
  tile.fanin %a to %a by #tile.fanin<receivers = [0, 4], slots = 2, sender = (d0, d1) -> (d1)> : !tile.buffer<2x2xi32> to !tile.buffer<2x2xi32>
  tile.return
}
// CHECK: fanin source and destination must be different buffers

// -----

tile.program @p() cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 cores [0, 4] : !tile.buffer<2x3xi32>
  %c = tile.alloc offset 0 cores [4, 8] : !tile.buffer<3x2x3xi32>
  tile.fanin %a to %c by #tile.fanin<receivers = [4, 8], slots = 4, sender = (d0, d1) -> (d1)> : !tile.buffer<2x3xi32> to !tile.buffer<3x2x3xi32>
  tile.return
}
// CHECK: fanin destination shape [3, 2, 3] must be the source shape with 4 slots at axis 0 = [4, 2, 3]

// -----

tile.program @p() cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 cores [0, 4] : !tile.buffer<2x3xi32>
  %c = tile.alloc offset 0 cores [4, 8] : !tile.buffer<4x2x3xi32>
  tile.fanin %a to %c by #tile.fanin<receivers = [4, 8], slots = 4, sender = (d0, d1) -> (d1), source_slot = (d0, d1) -> (d0 mod 2)> : !tile.buffer<2x3xi32> to !tile.buffer<4x2x3xi32>
  tile.return
}
// CHECK: fanin destination shape [4, 2, 3] must be the source shape with its axis 0 replaced by 4 slots = [4, 3]

// -----

tile.program @p() cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 cores [0, 4] : !tile.buffer<2x3xi32>
  %c = tile.alloc offset 0 cores [4, 8] : !tile.buffer<4x2x3xi32>
  tile.fanin %a to %c by #tile.fanin<receivers = [4, 8], slots = 4, sender = (d0, d1) -> (d1), slot_axis = 1> : !tile.buffer<2x3xi32> to !tile.buffer<4x2x3xi32>
  tile.return
}
// CHECK: fanin destination shape [4, 2, 3] must be the source shape with 4 slots at axis 1 = [2, 4, 3]

// -----

tile.program @p() cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 cores [0, 4] : !tile.buffer<2x3xi32>
  %c = tile.alloc offset 0 cores [4, 8] : !tile.buffer<4x3xi32>
  tile.fanin %a to %c by #tile.fanin<receivers = [4, 8], slots = 4, sender = (d0, d1) -> (d1), source_slot = (d0, d1) -> (d0 mod 2), slot_axis = 1> : !tile.buffer<2x3xi32> to !tile.buffer<4x3xi32>
  tile.return
}
// CHECK: fanin destination shape [4, 3] must be the source shape with its axis 1 replaced by 4 slots = [2, 4]

// -----

tile.program @p() cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 cores [0, 4] : !tile.buffer<2x3xi32>
  %c = tile.alloc offset 0 cores [4, 8] : !tile.buffer<2x3x4xi32>
  tile.fanin %a to %c by #tile.fanin<receivers = [4, 8], slots = 4, sender = (d0, d1) -> (d1), slot_axis = 3> : !tile.buffer<2x3xi32> to !tile.buffer<2x3x4xi32>
  tile.return
}
// CHECK: fanin slot_axis 3 must be at most the rank 2 of the source

// -----

tile.program @p() cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 cores [0, 4] : !tile.buffer<2x3xi32>
  %c = tile.alloc offset 0 cores [4, 8] : !tile.buffer<2x3x4xi32>
  tile.fanin %a to %c by #tile.fanin<receivers = [4, 8], slots = 4, sender = (d0, d1) -> (d1), source_slot = (d0, d1) -> (d0 mod 2), slot_axis = 2> : !tile.buffer<2x3xi32> to !tile.buffer<2x3x4xi32>
  tile.return
}
// CHECK: fanin slot_axis 2 must be less than the rank 2 of the source it slices

// -----

tile.program @p() cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 cores [0, 4] : !tile.buffer<2x3xi32>
  %c = tile.alloc offset 0 : !tile.buffer<4x2x3xi32>
  tile.fanin %a to %c by #tile.fanin<receivers = [12, 8], slots = 4, sender = (d0, d1) -> (d1)> : !tile.buffer<2x3xi32> to !tile.buffer<4x2x3xi32>
  tile.return
}
// CHECK: fanin receivers [12, 8] needs 20 cores but the program has 16

// -----

tile.program @p() cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 cores [0, 4] : !tile.buffer<2x3xi32>
  %c = tile.alloc offset 0 cores [4, 8] : !tile.buffer<4x2x3xi32>
  tile.fanin %a to %c by #tile.fanin<receivers = [2, 8], slots = 4, sender = (d0, d1) -> (d1)> : !tile.buffer<2x3xi32> to !tile.buffer<4x2x3xi32>
  tile.return
}
// CHECK: fanin receivers cores [2, 10) are not all on the destination's cores [4, 12)

// -----

tile.program @p() cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 cores [0, 4] : !tile.buffer<2x3xi32>
  %c = tile.alloc offset 0 cores [4, 8] : !tile.buffer<4x2x3xi32>
  tile.fanin %a to %c by #tile.fanin<receivers = [4, 8], slots = 4, sender = (d0, d1) -> (d1 + d0)> : !tile.buffer<2x3xi32> to !tile.buffer<4x2x3xi32>
  tile.return
}
// CHECK: fanin sender core 4 does not hold the source, which lives on cores [0, 4)

// -----

tile.program @p() cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 cores [0, 4] : !tile.buffer<2x3xi32>
  %c = tile.alloc offset 0 cores [4, 8] : !tile.buffer<4x3xi32>
  tile.fanin %a to %c by #tile.fanin<receivers = [4, 8], slots = 4, sender = (d0, d1) -> (d1), source_slot = (d0, d1) -> (d0)> : !tile.buffer<2x3xi32> to !tile.buffer<4x3xi32>
  tile.return
}
// CHECK: fanin source slot 2 is outside the source's 2 slices along axis 0

// -----

tile.program @p() cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 cores [0, 4] : !tile.buffer<2x3xi32>
  %c = tile.alloc offset 0 cores [4, 8] : !tile.buffer<2x4xi32>
  tile.fanin %a to %c by #tile.fanin<receivers = [4, 8], slots = 4, sender = (d0, d1) -> (d1), source_slot = (d0, d1) -> (d0), slot_axis = 1> : !tile.buffer<2x3xi32> to !tile.buffer<2x4xi32>
  tile.return
}
// CHECK: fanin source slot 3 is outside the source's 3 slices along axis 1

// -----

tile.program @p() cores 16 sram_bytes 1024 {
  %a = tile.alloc offset 0 cores [0, 4] : !tile.buffer<2x3xi32>
  %c = tile.alloc offset 0 cores [4, 8] : !tile.buffer<4x2x3xi32>
  tile.compute outs(%a : !tile.buffer<2x3xi32>) cores [0, 4] {
  ^bb0(%o: tensor<2x3xi32>):
    tile.yield %o : tensor<2x3xi32>
  }
  tile.fanin %a to %c by #tile.fanin<receivers = [4, 8], slots = 4, sender = (d0, d1) -> (d1)> : !tile.buffer<2x3xi32> to !tile.buffer<4x2x3xi32>
  tile.return
}
// CHECK: bulk-synchronous order: tile.fanin follows a tile.compute with no tile.sync in between


// -----

tile.program @p() cores 4 sram_bytes 1024 {
  %step = tile.alloc offset 0 : !tile.buffer<1xi32>
  "tile.repeat"(%step) <{count = 2 : i64, counter_start = 1 : i64}> ({
    tile.sync
  }) : (!tile.buffer<1xi32>) -> ()
  tile.return
}
// CHECK: repeat counter needs its buffer, its start and its step

// -----

tile.program @p() cores 4 sram_bytes 1024 {
  %step = tile.alloc offset 0 : !tile.buffer<2xi32>
  tile.repeat 2 counter %step from 0 step 1 {
    tile.sync
  }
  tile.return
}
// CHECK: operand is used with type !tile.buffer<1xi32>, but has been previously used or defined with type !tile.buffer<2xi32>
