// RUN: t10-opt %s --split-input-file --verify-diagnostics | filecheck %s

// #tile.place: the grid.

"test.op"() {place = #tile.place<map = () -> (), extents = [], grid = []>} : () -> ()
// CHECK: place grid must have at least one axis

// -----

"test.op"() {place = #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 0]>} : () -> ()
// CHECK: place grid extent 0 on axis 1 must be positive

// -----

// #tile.place: one entry per loop in every per-loop field.

"test.op"() {place = #tile.place<map = (d0, d1) -> (d0, d1), extents = [8], grid = [2, 2]>} : () -> ()
// CHECK: place extents [8] must have one entry per loop of (d0, d1) -> (d0, d1)

// -----

"test.op"() {place = #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [4]>} : () -> ()
// CHECK: place grid [4] must have one entry per loop of (d0, d1) -> (d0, d1)

// -----

"test.op"() {place = #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2], steps = [2, 1, 1]>} : () -> ()
// CHECK: place steps [2, 1, 1] must have one entry per loop of (d0, d1) -> (d0, d1)

// -----

"test.op"() {place = #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2], at = [1]>} : () -> ()
// CHECK: place at [1] must have one entry per loop of (d0, d1) -> (d0, d1)

// -----

"test.op"() {place = #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2], chunks = [2]>} : () -> ()
// CHECK: place chunks [2] must have one entry per loop of (d0, d1) -> (d0, d1)

// -----

// #tile.place: positive extents, steps and chunks.

"test.op"() {place = #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 0], grid = [2, 2]>} : () -> ()
// CHECK: place extents, steps and chunks must be positive

// -----

"test.op"() {place = #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2], steps = [0, 1]>} : () -> ()
// CHECK: place extents, steps and chunks must be positive

// -----

"test.op"() {place = #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2], chunks = [1, 0]>} : () -> ()
// CHECK: place extents, steps and chunks must be positive

// -----

// #tile.place: the skew maps grid coordinates to one step offset per loop.

"test.op"() {place = #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2], skew = (d0, d1) -> (d1)>} : () -> ()
// CHECK: place skew (d0, d1) -> (d1) must map the 2 grid coordinates, with no symbols, to one step offset for each of the 2 loops

// -----

"test.op"() {place = #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2], skew = (d0) -> (d0, 0)>} : () -> ()
// CHECK: place skew (d0) -> (d0, 0) must map the 2 grid coordinates, with no symbols, to one step offset for each of the 2 loops

// -----

"test.op"() {place = #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2], skew = (d0, d1)[s0] -> (s0, 0)>} : () -> ()
// CHECK: place skew (d0, d1)[s0] -> (s0, 0) must map the 2 grid coordinates, with no symbols

// -----

"test.op"() {place = #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2], skew = (d0, d1) -> (d0 mod -2, 0)>} : () -> ()
// CHECK: place skew (d0, d1) -> ((d0 mod -2), 0): (d0 mod -2) must be affine and divide or take remainders by positive constants only

// -----

// xDSL's affine parser throws on a product of dimensions: a located error instead.

"test.op"() {place = #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2], skew = (d0, d1) -> (d0 * d1, 0)>} : () -> ()
// CHECK: not an affine map: Multiplication with non-constant (semi-affine) is not supported yet

// -----

// #tile.place: the map sends a box of loops to a box of the tensor.

"test.op"() {place = #tile.place<map = (d0, d1) -> (d0 - d1, d1), extents = [8, 6], grid = [2, 2]>} : () -> ()
// CHECK: place map (d0, d1) -> ((d0 + (d1 * -1)), d1) must not count any loop backwards: a buffer holds a box of the tensor

// -----

"test.op"() {place = #tile.place<map = (d0, d1) -> (d0 floordiv 2, d1), extents = [8, 6], grid = [2, 2]>} : () -> ()
// CHECK: place map (d0, d1) -> ((d0 floordiv 2), d1) must be linear: (d0 floordiv 2) uses floordiv

// -----

"test.op"() {place = #tile.place<map = (d0, d1) -> (d0 mod 3, d1), extents = [8, 6], grid = [2, 2]>} : () -> ()
// CHECK: place map (d0, d1) -> ((d0 mod 3), d1) must be linear: (d0 mod 3) uses mod

// -----

"test.op"() {place = #tile.place<map = (d0, d1)[s0] -> (d0 + s0, d1), extents = [8, 6], grid = [2, 2]>} : () -> ()
// CHECK: place map (d0, d1)[s0] -> ((d0 + s0), d1) must not have symbols

// -----

// #tile.place: an unknown field.

"test.op"() {place = #tile.place<map = (d0) -> (d0), extents = [8], grid = [2], ring = [2]>} : () -> ()
// CHECK: unknown place field 'ring'

// -----

// tile.host_write by a place: the buffer is the place's, the map gives the
// tensor's rank, the place's grid fits the program, the element types agree.

tile.program @host_write_shape(%x: tensor<8x6xf32>) cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x4xf32>
  tile.host_write %x to %a by #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]> : tensor<8x6xf32> to !tile.buffer<4x4xf32>
  tile.return
}
// CHECK: host_write places a buffer of shape [4, 3], not [4, 4]

// -----

tile.program @host_write_rank(%x: tensor<24xf32>) cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x3xf32>
  tile.host_write %x to %a by #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]> : tensor<24xf32> to !tile.buffer<4x3xf32>
  tile.return
}
// CHECK: host_write map (d0, d1) -> (d0, d1) gives 2 dims, the tensor has 1

// -----

tile.program @host_write_cores(%x: tensor<8x6xf32>) cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<2x3xf32>
  tile.host_write %x to %a by #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [4, 2]> : tensor<8x6xf32> to !tile.buffer<2x3xf32>
  tile.return
}
// CHECK: host_write needs 8 cores but the program has 4

// -----

tile.program @host_write_element_type(%x: tensor<8x6xf16>) cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x3xf32>
  tile.host_write %x to %a by #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]> : tensor<8x6xf16> to !tile.buffer<4x3xf32>
  tile.return
}
// CHECK: host tensor element type f16 differs from the buffer's f32

// -----

// tile.host_gather: one place per buffer, each the buffer's, of the tensor's rank
// and element type.

tile.program @host_gather_count() -> tensor<8x6xf32> cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x3xf32>
  %y = tile.host_gather %a by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]>, #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]>] : !tile.buffer<4x3xf32> to tensor<8x6xf32>
  tile.return %y : tensor<8x6xf32>
}
// CHECK: host_gather: 1 buffers but 2 placements

// -----

tile.program @host_gather_shape() -> tensor<8x6xf32> cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x6xf32>
  %y = tile.host_gather %a by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]>] : !tile.buffer<4x6xf32> to tensor<8x6xf32>
  tile.return %y : tensor<8x6xf32>
}
// CHECK: host_gather placement 0 places a buffer of shape [4, 3], not [4, 6]

// -----

tile.program @host_gather_rank() -> tensor<8x6x1xf32> cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x3xf32>
  %y = tile.host_gather %a by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]>] : !tile.buffer<4x3xf32> to tensor<8x6x1xf32>
  tile.return %y : tensor<8x6x1xf32>
}
// CHECK: host_gather placement 0 map (d0, d1) -> (d0, d1) gives 2 dims, the tensor has 3

// -----

tile.program @host_gather_cores() -> tensor<8x6xf32> cores 2 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x3xf32>
  %y = tile.host_gather %a by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]>] : !tile.buffer<4x3xf32> to tensor<8x6xf32>
  tile.return %y : tensor<8x6xf32>
}
// CHECK: host_gather placement 0 needs 4 cores but the program has 2

// -----

tile.program @host_gather_element_type() -> tensor<8x6xf16> cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x3xf32>
  %y = tile.host_gather %a by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]>] : !tile.buffer<4x3xf32> to tensor<8x6xf16>
  tile.return %y : tensor<8x6xf16>
}
// CHECK: host tensor element type f16 differs from the buffer's f32

// -----

// tile.relayout: one place per buffer on each side, each the buffer's, of the
// tensor's rank; it never writes a buffer it reads; all its buffers hold one
// element type.

tile.program @relayout_source_count() cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x3xf32>
  %b = tile.alloc offset 48 : !tile.buffer<2x6xf32>
  tile.relayout %a by [] to %b by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [4, 1]>] of [8, 6] : !tile.buffer<4x3xf32> to !tile.buffer<2x6xf32>
  tile.return
}
// CHECK: relayout source: 1 buffers but 0 placements

// -----

tile.program @relayout_dest_count() cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x3xf32>
  %b = tile.alloc offset 48 : !tile.buffer<2x6xf32>
  tile.relayout %a by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]>] to %b by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [4, 1]>, #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [4, 1]>] of [8, 6] : !tile.buffer<4x3xf32> to !tile.buffer<2x6xf32>
  tile.return
}
// CHECK: relayout destination: 1 buffers but 2 placements

// -----

tile.program @relayout_source_shape() cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<3x4xf32>
  %b = tile.alloc offset 48 : !tile.buffer<2x6xf32>
  tile.relayout %a by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]>] to %b by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [4, 1]>] of [8, 6] : !tile.buffer<3x4xf32> to !tile.buffer<2x6xf32>
  tile.return
}
// CHECK: relayout source placement 0 places a buffer of shape [4, 3], not [3, 4]

// -----

tile.program @relayout_dest_shape() cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x3xf32>
  %b = tile.alloc offset 48 : !tile.buffer<6x2xf32>
  tile.relayout %a by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]>] to %b by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [4, 1]>] of [8, 6] : !tile.buffer<4x3xf32> to !tile.buffer<6x2xf32>
  tile.return
}
// CHECK: relayout destination placement 0 places a buffer of shape [2, 6], not [6, 2]

// -----

tile.program @relayout_rank() cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x3xf32>
  %b = tile.alloc offset 48 : !tile.buffer<2x6xf32>
  tile.relayout %a by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]>] to %b by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [4, 1]>] of [48] : !tile.buffer<4x3xf32> to !tile.buffer<2x6xf32>
  tile.return
}
// CHECK: relayout source placement 0 map (d0, d1) -> (d0, d1) gives 2 dims, the tensor has 1

// -----

tile.program @relayout_cores() cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x3xf32>
  %b = tile.alloc offset 48 : !tile.buffer<1x6xf32>
  tile.relayout %a by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]>] to %b by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [8, 1]>] of [8, 6] : !tile.buffer<4x3xf32> to !tile.buffer<1x6xf32>
  tile.return
}
// CHECK: relayout destination placement 0 needs 8 cores but the program has 4

// -----

tile.program @relayout_in_place() cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x3xf32>
  tile.relayout %a by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]>] to %a by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2], skew = (d0, d1) -> (d1, 0)>] of [8, 6] : !tile.buffer<4x3xf32> to !tile.buffer<4x3xf32>
  tile.return
}
// CHECK: a relayout cannot write a buffer it reads

// -----

tile.program @relayout_element_types() cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x3xf32>
  %b = tile.alloc offset 48 : !tile.buffer<2x6xf16>
  tile.relayout %a by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [2, 2]>] to %b by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [4, 1]>] of [8, 6] : !tile.buffer<4x3xf32> to !tile.buffer<2x6xf16>
  tile.return
}
// CHECK: a relayout moves one tensor but its buffers hold element types [f32, f16]

// -----

// tile.reduce_scatter: a known combiner; source and destination places are the
// buffers'; the destination is the source cut into chunks.

tile.program @reduce_scatter_combiner() cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x4xf32>
  %b = tile.alloc offset 64 : !tile.buffer<2x4xf32>
  tile.reduce_scatter %a by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2]>] to %b by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2], chunks = [2, 1, 1]>] combine "sum" : !tile.buffer<4x4xf32> to !tile.buffer<2x4xf32>
  tile.return
}
// CHECK: combiner 'sum' is not one of ['add', 'mul', 'max', 'min']

// -----

tile.program @reduce_scatter_source_shape() cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x2xf32>
  %b = tile.alloc offset 64 : !tile.buffer<2x4xf32>
  tile.reduce_scatter %a by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2]>] to %b by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2], chunks = [2, 1, 1]>] combine "add" : !tile.buffer<4x2xf32> to !tile.buffer<2x4xf32>
  tile.return
}
// CHECK: reduce_scatter source 0 places a buffer of shape [4, 4], not [4, 2]

// -----

tile.program @reduce_scatter_dest_shape() cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x4xf32>
  %b = tile.alloc offset 64 : !tile.buffer<4x4xf32>
  tile.reduce_scatter %a by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2]>] to %b by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2], chunks = [2, 1, 1]>] combine "add" : !tile.buffer<4x4xf32> to !tile.buffer<4x4xf32>
  tile.return
}
// CHECK: reduce_scatter destination 0 places a buffer of shape [2, 4], not [4, 4]

// -----

tile.program @reduce_scatter_cores() cores 2 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x4xf32>
  %b = tile.alloc offset 64 : !tile.buffer<2x4xf32>
  tile.reduce_scatter %a by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2]>] to %b by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2], chunks = [2, 1, 1]>] combine "add" : !tile.buffer<4x4xf32> to !tile.buffer<2x4xf32>
  tile.return
}
// CHECK: reduce_scatter source 0 needs 4 cores but the program has 2

// -----

tile.program @reduce_scatter_not_chunks() cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x4xf32>
  %b = tile.alloc offset 64 : !tile.buffer<2x4xf32>
  tile.reduce_scatter %a by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2]>] to %b by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2], steps = [2, 1, 1]>] combine "add" : !tile.buffer<4x4xf32> to !tile.buffer<2x4xf32>
  tile.return
}
// CHECK: reduce_scatter destination 0 placement must be the source placement cut into chunks

// -----

tile.program @reduce_scatter_unpaired() cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x4xf32>
  %c = tile.alloc offset 64 : !tile.buffer<4x4xf32>
  %b = tile.alloc offset 128 : !tile.buffer<2x4xf32>
  tile.reduce_scatter %a, %c by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2]>, #tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2]>] to %b by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2], chunks = [2, 1, 1]>] combine "add" : !tile.buffer<4x4xf32>, !tile.buffer<4x4xf32> to !tile.buffer<2x4xf32>
  tile.return
}
// CHECK: reduce_scatter pairs each source with one destination and one placement each, but has 2 sources, 2 source placements, 1 destinations, 1 destination placements

// -----

// Every destination is cut into the same chunks: the buffers share their rings.

tile.program @reduce_scatter_chunks_differ() cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x4xf32>
  %c = tile.alloc offset 64 : !tile.buffer<4x4xf32>
  %b = tile.alloc offset 128 : !tile.buffer<2x4xf32>
  %d = tile.alloc offset 160 : !tile.buffer<4x4xf32>
  tile.reduce_scatter %a, %c by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2]>, #tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2]>] to %b, %d by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2], chunks = [2, 1, 1]>, #tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2], chunks = [1, 1, 2]>] combine "add" : !tile.buffer<4x4xf32>, !tile.buffer<4x4xf32> to !tile.buffer<2x4xf32>, !tile.buffer<4x4xf32>
  tile.return
}
// CHECK: reduce_scatter destinations share their rings: destination 1 is cut into chunks [1, 1, 2], destination 0 into [2, 1, 1]

// -----

tile.program @reduce_scatter_in_place() cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x4xf32>
  tile.reduce_scatter %a by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2]>] to %a by [#tile.place<map = (d0, d1, d2) -> (d0, d1), extents = [8, 4, 6], grid = [2, 1, 2]>] combine "add" : !tile.buffer<4x4xf32> to !tile.buffer<4x4xf32>
  tile.return
}
// CHECK: a reduce_scatter cannot write a buffer it reads

// -----

// tile.compute on a place: an identity map over the body op's loops, a grid
// that fits the program.

tile.program @compute_steps_map() cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<4x3xf32>
  tile.compute outs(%a : !tile.buffer<4x3xf32>) on #tile.place<map = (d0, d1) -> (d1, d0), extents = [8, 6], grid = [2, 2]> {
  ^bb0(%out: tensor<4x3xf32>):
    tile.yield %out : tensor<4x3xf32>
  }
  tile.return
}
// CHECK: tile.compute steps map (d0, d1) -> (d1, d0) must be the identity on its loops

// -----

tile.program @compute_steps_cores() cores 4 sram_bytes 1024 {
  %a = tile.alloc offset 0 : !tile.buffer<2x3xf32>
  tile.compute outs(%a : !tile.buffer<2x3xf32>) on #tile.place<map = (d0, d1) -> (d0, d1), extents = [8, 6], grid = [4, 2]> {
  ^bb0(%out: tensor<2x3xf32>):
    tile.yield %out : tensor<2x3xf32>
  }
  tile.return
}
// CHECK: tile.compute steps needs 8 cores but the program has 4

// -----

// tile.relayout: the padding is an element of the tensor.

tile.program @padding_type() cores 4 sram_bytes 4096 {
  %a = tile.alloc offset 0 : !tile.buffer<4x3xf32>
  %b = tile.alloc offset 48 : !tile.buffer<3x8xf32>
  tile.relayout %a by [#tile.place<map = (d0, d1) -> (d0 + 1, d1 + 1), extents = [8, 6], grid = [2, 2]>] to %b by [#tile.place<map = (d0, d1) -> (d0, d1), extents = [10, 8], grid = [4, 1]>] of [10, 8] padding 0.5 : f16 : !tile.buffer<4x3xf32> to !tile.buffer<3x8xf32>
  tile.return
}
// CHECK: relayout padding 5.000000e-01 : f16 must be of the buffers' element type f32
