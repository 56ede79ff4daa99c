// RUN: t10-opt %s | t10-opt | filecheck %s
// RUN: t10-opt %s --print-op-generic | t10-opt | filecheck %s

// Attributes on their own: `temporal` and `pace` print only when some entry is not 1.
"test.op"() {
  unsplit = #rtensor.layout<grid = [4, 2], map = (i, j) -> (i, j), temporal = [1, 1], pace = [1, 1]>,
  rotating = #rtensor.layout<grid = [1, 6], map = (i, j) -> (i), temporal = [3, 1], pace = [2, 1]>,
  broadcast = #rtensor.layout<grid = [4, 2], map = (i, j) -> (0, j)>,
  plan = #rtensor.plan<op_factors = [4, 2, 2], temporal = [[1, 1, 4], [1, 1, 4], [1, 1, 1]], pace = [[1, 1, 3], [1, 1, 3], [1, 1, 1]]>,
  plan_default_pace = #rtensor.plan<op_factors = [4, 2], temporal = [[1, 1], [1, 1]], pace = [[1, 1], [1, 1]]>
} : () -> ()

// CHECK:      "test.op"() {
// CHECK-SAME: unsplit = #rtensor.layout<grid = [4, 2], map = (d0, d1) -> (d0, d1)>,
// CHECK-SAME: rotating = #rtensor.layout<grid = [1, 6], map = (d0, d1) -> (d0), temporal = [3, 1], pace = [2, 1]>,
// CHECK-SAME: broadcast = #rtensor.layout<grid = [4, 2], map = (d0, d1) -> (0, d1)>,
// CHECK-SAME: plan = #rtensor.plan<op_factors = [4, 2, 2], temporal = [[1, 1, 4], [1, 1, 4], [1, 1, 1]], pace = [[1, 1, 3], [1, 1, 3], [1, 1, 1]]>,
// CHECK-SAME: plan_default_pace = #rtensor.plan<op_factors = [4, 2], temporal = [[1, 1], [1, 1]]>}

// A 128x64x96 matmul (loops m, n, k) on a [4, 2, 2] grid, Cannon-style: A and B
// rotate along k in 2 pieces, B along n too.
%a = "test.op"() : () -> tensor<128x64xf32>
%b = "test.op"() : () -> tensor<64x96xf32>
%c = "test.op"() : () -> tensor<128x96xf32>
%da = rtensor.distribute %a : tensor<128x64xf32> -> !rtensor.tensor<128x64xf32, #rtensor.layout<grid = [4, 2, 2], map = (m, n, k) -> (m, k), temporal = [1, 1, 2]>>
%db = rtensor.distribute %b : tensor<64x96xf32> -> !rtensor.tensor<64x96xf32, #rtensor.layout<grid = [4, 2, 2], map = (m, n, k) -> (k, n), temporal = [1, 2, 2], pace = [1, 1, 1]>>
%dc = rtensor.distribute %c : tensor<128x96xf32> -> !rtensor.tensor<128x96xf32, #rtensor.layout<grid = [4, 2, 2], map = (m, n, k) -> (m, n)>>
%r = rtensor.compute #rtensor.plan<op_factors = [4, 2, 2], temporal = [[1, 1, 2], [1, 2, 2], [1, 1, 1]]> ins(%da, %db : !rtensor.tensor<128x64xf32, #rtensor.layout<grid = [4, 2, 2], map = (m, n, k) -> (m, k), temporal = [1, 1, 2]>>, !rtensor.tensor<64x96xf32, #rtensor.layout<grid = [4, 2, 2], map = (m, n, k) -> (k, n), temporal = [1, 2, 2]>>) outs(%dc : !rtensor.tensor<128x96xf32, #rtensor.layout<grid = [4, 2, 2], map = (m, n, k) -> (m, n)>>) {
^bb0(%la: tensor<128x64xf32>, %lb: tensor<64x96xf32>, %lc: tensor<128x96xf32>):
  %x = linalg.matmul ins(%la, %lb : tensor<128x64xf32>, tensor<64x96xf32>) outs(%lc : tensor<128x96xf32>) -> tensor<128x96xf32>
  rtensor.yield %x : tensor<128x96xf32>
} -> !rtensor.tensor<128x96xf32, #rtensor.layout<grid = [4, 2, 2], map = (m, n, k) -> (m, n)>>
%moved = rtensor.relayout %r : !rtensor.tensor<128x96xf32, #rtensor.layout<grid = [4, 2, 2], map = (m, n, k) -> (m, n)>> -> !rtensor.tensor<128x96xf32, #rtensor.layout<grid = [16, 1], map = (i, j) -> (i, j)>>
%h = rtensor.collect %moved : !rtensor.tensor<128x96xf32, #rtensor.layout<grid = [16, 1], map = (i, j) -> (i, j)>> -> tensor<128x96xf32>

// CHECK-NEXT: %a = "test.op"() : () -> tensor<128x64xf32>
// CHECK-NEXT: %b = "test.op"() : () -> tensor<64x96xf32>
// CHECK-NEXT: %c = "test.op"() : () -> tensor<128x96xf32>
// CHECK-NEXT: %da = rtensor.distribute %a : tensor<128x64xf32> -> !rtensor.tensor<128x64xf32, #rtensor.layout<grid = [4, 2, 2], map = (d0, d1, d2) -> (d0, d2), temporal = [1, 1, 2]>>
// CHECK-NEXT: %db = rtensor.distribute %b : tensor<64x96xf32> -> !rtensor.tensor<64x96xf32, #rtensor.layout<grid = [4, 2, 2], map = (d0, d1, d2) -> (d2, d1), temporal = [1, 2, 2]>>
// CHECK-NEXT: %dc = rtensor.distribute %c : tensor<128x96xf32> -> !rtensor.tensor<128x96xf32, #rtensor.layout<grid = [4, 2, 2], map = (d0, d1, d2) -> (d0, d1)>>
// CHECK-NEXT: %r = rtensor.compute #rtensor.plan<op_factors = [4, 2, 2], temporal = [[1, 1, 2], [1, 2, 2], [1, 1, 1]]> ins(%da, %db : !rtensor.tensor<128x64xf32, #rtensor.layout<grid = [4, 2, 2], map = (d0, d1, d2) -> (d0, d2), temporal = [1, 1, 2]>>, !rtensor.tensor<64x96xf32, #rtensor.layout<grid = [4, 2, 2], map = (d0, d1, d2) -> (d2, d1), temporal = [1, 2, 2]>>) outs(%dc : !rtensor.tensor<128x96xf32, #rtensor.layout<grid = [4, 2, 2], map = (d0, d1, d2) -> (d0, d1)>>) {
// CHECK-NEXT: ^bb0(%la: tensor<128x64xf32>, %lb: tensor<64x96xf32>, %lc: tensor<128x96xf32>):
// CHECK-NEXT:   %x = linalg.matmul ins(%la, %lb : tensor<128x64xf32>, tensor<64x96xf32>) outs(%lc : tensor<128x96xf32>) -> tensor<128x96xf32>
// CHECK-NEXT:   rtensor.yield %x : tensor<128x96xf32>
// CHECK-NEXT: } -> !rtensor.tensor<128x96xf32, #rtensor.layout<grid = [4, 2, 2], map = (d0, d1, d2) -> (d0, d1)>>
// CHECK-NEXT: %moved = rtensor.relayout %r : !rtensor.tensor<128x96xf32, #rtensor.layout<grid = [4, 2, 2], map = (d0, d1, d2) -> (d0, d1)>> -> !rtensor.tensor<128x96xf32, #rtensor.layout<grid = [16, 1], map = (d0, d1) -> (d0, d1)>>
// CHECK-NEXT: %h = rtensor.collect %moved : !rtensor.tensor<128x96xf32, #rtensor.layout<grid = [16, 1], map = (d0, d1) -> (d0, d1)>> -> tensor<128x96xf32>

// A convolution: the input's sliding-window dims `oh + kh` and `ow + kw` are
// split only along the output position loops; input and filter rotate along c.
%in = "test.op"() : () -> !rtensor.tensor<1x4x10x10xf32, #rtensor.layout<grid = [1, 2, 2, 1, 1, 1, 1], map = (n, f, oh, ow, c, kh, kw) -> (n, c, oh + kh, ow + kw), temporal = [1, 1, 1, 1, 2, 1, 1]>>
%fl = "test.op"() : () -> !rtensor.tensor<8x4x3x3xf32, #rtensor.layout<grid = [1, 2, 2, 1, 1, 1, 1], map = (n, f, oh, ow, c, kh, kw) -> (f, c, kh, kw), temporal = [1, 1, 1, 1, 2, 1, 1]>>
%out = "test.op"() : () -> !rtensor.tensor<1x8x8x8xf32, #rtensor.layout<grid = [1, 2, 2, 1, 1, 1, 1], map = (n, f, oh, ow, c, kh, kw) -> (n, f, oh, ow)>>
%conv = rtensor.compute #rtensor.plan<op_factors = [1, 2, 2, 1, 1, 1, 1], temporal = [[1, 1, 1, 1, 2, 1, 1], [1, 1, 1, 1, 2, 1, 1], [1, 1, 1, 1, 1, 1, 1]]> ins(%in, %fl : !rtensor.tensor<1x4x10x10xf32, #rtensor.layout<grid = [1, 2, 2, 1, 1, 1, 1], map = (n, f, oh, ow, c, kh, kw) -> (n, c, oh + kh, ow + kw), temporal = [1, 1, 1, 1, 2, 1, 1]>>, !rtensor.tensor<8x4x3x3xf32, #rtensor.layout<grid = [1, 2, 2, 1, 1, 1, 1], map = (n, f, oh, ow, c, kh, kw) -> (f, c, kh, kw), temporal = [1, 1, 1, 1, 2, 1, 1]>>) outs(%out : !rtensor.tensor<1x8x8x8xf32, #rtensor.layout<grid = [1, 2, 2, 1, 1, 1, 1], map = (n, f, oh, ow, c, kh, kw) -> (n, f, oh, ow)>>) attributes {tag = "conv"} {
^bb0(%li: tensor<1x4x10x10xf32>, %lf: tensor<8x4x3x3xf32>, %lo: tensor<1x8x8x8xf32>):
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%li, %lf : tensor<1x4x10x10xf32>, tensor<8x4x3x3xf32>) outs(%lo : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  rtensor.yield %y : tensor<1x8x8x8xf32>
} -> !rtensor.tensor<1x8x8x8xf32, #rtensor.layout<grid = [1, 2, 2, 1, 1, 1, 1], map = (n, f, oh, ow, c, kh, kw) -> (n, f, oh, ow)>>

// CHECK-NEXT: %in = "test.op"() : () -> !rtensor.tensor<1x4x10x10xf32, #rtensor.layout<grid = [1, 2, 2, 1, 1, 1, 1], map = (d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, (d2 + d5), (d3 + d6)), temporal = [1, 1, 1, 1, 2, 1, 1]>>
// CHECK-NEXT: %fl = "test.op"() : () -> !rtensor.tensor<8x4x3x3xf32, #rtensor.layout<grid = [1, 2, 2, 1, 1, 1, 1], map = (d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6), temporal = [1, 1, 1, 1, 2, 1, 1]>>
// CHECK-NEXT: %out = "test.op"() : () -> !rtensor.tensor<1x8x8x8xf32, #rtensor.layout<grid = [1, 2, 2, 1, 1, 1, 1], map = (d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>>
// CHECK-NEXT: %conv = rtensor.compute #rtensor.plan<op_factors = [1, 2, 2, 1, 1, 1, 1], temporal = [[1, 1, 1, 1, 2, 1, 1], [1, 1, 1, 1, 2, 1, 1], [1, 1, 1, 1, 1, 1, 1]]> ins(%in, %fl : {{.*}}) outs(%out : {{.*}}) attributes {tag = "conv"} {
// CHECK-NEXT: ^bb0(%li: tensor<1x4x10x10xf32>, %lf: tensor<8x4x3x3xf32>, %lo: tensor<1x8x8x8xf32>):
// CHECK-NEXT:   %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%li, %lf : tensor<1x4x10x10xf32>, tensor<8x4x3x3xf32>) outs(%lo : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
// CHECK-NEXT:   rtensor.yield %y : tensor<1x8x8x8xf32>
// CHECK-NEXT: } -> !rtensor.tensor<1x8x8x8xf32, #rtensor.layout<grid = [1, 2, 2, 1, 1, 1, 1], map = (d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>>

// An allocation with undefined contents, where a tensor.empty fed an operator's outs.
%fresh = rtensor.empty {tag} : !rtensor.tensor<8x8xf16, #rtensor.layout<grid = [2, 4], map = (m, n) -> (m, n)>>

// CHECK-NEXT: %fresh = rtensor.empty {tag} : !rtensor.tensor<8x8xf16, #rtensor.layout<grid = [2, 4], map = (d0, d1) -> (d0, d1)>>

// Every element one scalar, where a linalg.fill initialised an operator's outs.
%zero = "test.op"() : () -> f16
%zeros = rtensor.fill %zero {tag} : f16 -> !rtensor.tensor<8x8xf16, #rtensor.layout<grid = [2, 4], map = (m, n) -> (m, n)>>

// CHECK-NEXT: %zero = "test.op"() : () -> f16
// CHECK-NEXT: %zeros = rtensor.fill %zero {tag} : f16 -> !rtensor.tensor<8x8xf16, #rtensor.layout<grid = [2, 4], map = (d0, d1) -> (d0, d1)>>

// A 24x45x24 matmul (loops m, n, k) with k split over 16 cores in pieces of 3: the 16th
// core's range of k is entirely padding (45 padded to 48, under 10 % over). It computes
// nothing, but C's partial sums rotate round rings of all 16 cores, so it holds and
// passes on one of C's 16 pieces like every other core.
!PA = !rtensor.tensor<24x45xf32, #rtensor.layout<grid = [1, 1, 16], map = (m, n, k) -> (m, k)>>
!PB = !rtensor.tensor<45x24xf32, #rtensor.layout<grid = [1, 1, 16], map = (m, n, k) -> (k, n)>>
!PC = !rtensor.tensor<24x24xf32, #rtensor.layout<grid = [1, 1, 16], map = (m, n, k) -> (m, n), temporal = [2, 8, 1]>>
%pa, %pb, %pc = "test.op"() : () -> (!PA, !PB, !PC)
%idle = rtensor.compute #rtensor.plan<op_factors = [1, 1, 16], temporal = [[1, 1, 1], [1, 1, 1], [2, 8, 1]]> ins(%pa, %pb : !PA, !PB) outs(%pc : !PC) {
^bb0(%la: tensor<24x45xf32>, %lb: tensor<45x24xf32>, %lc: tensor<24x24xf32>):
  %x = linalg.matmul ins(%la, %lb : tensor<24x45xf32>, tensor<45x24xf32>) outs(%lc : tensor<24x24xf32>) -> tensor<24x24xf32>
  rtensor.yield %x : tensor<24x24xf32>
} -> !PC

// CHECK-NEXT: %pa, %pb, %pc = "test.op"() : () -> (!rtensor.tensor<24x45xf32, #rtensor.layout<grid = [1, 1, 16], map = (d0, d1, d2) -> (d0, d2)>>, {{.*}})
// CHECK-NEXT: %idle = rtensor.compute #rtensor.plan<op_factors = [1, 1, 16], temporal = [[1, 1, 1], [1, 1, 1], [2, 8, 1]]> ins(%pa, %pb : {{.*}}) outs(%pc : {{.*}}) {
