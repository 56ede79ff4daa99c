// An activation argument read by two operators in the same layout is written from the
// host before each of them: plan selection counts no copy of it waiting on the chip
// between its readers, so none stays live (host writes take no cycles). The first
// reader's copy dies with its compute and its bytes are reused.
// RUN: t10-opt %s -p 't10-compile{chip=small-16}' | filecheck %s

func.func @two_readers(%x: tensor<16x32xf32>, %w1: tensor<32x32xf32> {t10.weight},
                       %w2: tensor<32x32xf32> {t10.weight}) -> tensor<16x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x32xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<16x32xf32>) -> tensor<16x32xf32>
  %p = linalg.matmul ins(%x, %w1 : tensor<16x32xf32>, tensor<32x32xf32>) outs(%c : tensor<16x32xf32>) -> tensor<16x32xf32>
  %q = linalg.matmul ins(%x, %w2 : tensor<16x32xf32>, tensor<32x32xf32>) outs(%c : tensor<16x32xf32>) -> tensor<16x32xf32>
  %y = linalg.add ins(%p, %q : tensor<16x32xf32>, tensor<16x32xf32>) outs(%e : tensor<16x32xf32>) -> tensor<16x32xf32>
  func.return %y : tensor<16x32xf32>
}

// CHECK:      tile.program @two_readers
// CHECK:        %x_dist = tile.alloc offset 512 {t10.op = "p"} : !tile.buffer<8x32xf32>
// CHECK-NEXT:   tile.host_write %x to %x_dist by #tile.place<map = (d0, d1, d2) -> (d0, d2), extents = [16, 32, 32], grid = [2, 8, 1]> {t10.op = "p"}
// CHECK:        tile.compute ins(%x_dist, %value : {{.*}}) {{.*}} attributes {t10.op = "p"}
// The second copy lies where the first one was ([512, 1536)).
// CHECK:        %x_dist_1 = tile.alloc offset 640 {t10.op = "q"} : !tile.buffer<8x32xf32>
// CHECK-NEXT:   tile.host_write %x to %x_dist_1 by #tile.place<map = (d0, d1, d2) -> (d0, d2), extents = [16, 32, 32], grid = [2, 8, 1]> {t10.op = "q"}
// CHECK:        tile.compute ins(%x_dist_1, %value_1 : {{.*}}) {{.*}} attributes {t10.op = "q"}
// CHECK-NOT:    %x_dist
// CHECK:        tile.return
