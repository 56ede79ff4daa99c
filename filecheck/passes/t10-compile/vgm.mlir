// The "virtual global memory" baseline (`pipeline=vgm`) on the two-layer MLP on small-16:
// every result another operator reads is stored to its idle layout, spread over the cores,
// and loaded from there into each reader's layout; no plan rotates anything.
// RUN: t10-opt %s -p 't10-compile{chip=small-16 top-k=3 to-tile=false pipeline=vgm}' | filecheck %s
// RUN: t10-opt %s -p 't10-partition{chip=small-16 top-k=3 rotation=false},t10-select-plans{chip=small-16 park-all=true},t10-insert-shifts' | filecheck %s


#rows = affine_map<(d0, d1) -> (d0, d1)>
#bias = affine_map<(d0, d1) -> (d1)>
func.func @mlp(%x: tensor<16x128xf16>, %w1: tensor<128x128xf16> {t10.weight},
               %b1: tensor<128xf16> {t10.weight},
               %w2: tensor<128x128xf16> {t10.weight}) -> tensor<16x128xf16> {
  %zero = arith.constant 0.0 : f16
  %e = tensor.empty() : tensor<16x128xf16>
  %acc1 = linalg.fill ins(%zero : f16) outs(%e : tensor<16x128xf16>) -> tensor<16x128xf16>
  %h = linalg.matmul ins(%x, %w1 : tensor<16x128xf16>, tensor<128x128xf16>)
                     outs(%acc1 : tensor<16x128xf16>) -> tensor<16x128xf16>
  %hb = linalg.generic {indexing_maps = [#rows, #bias, #rows],
                        iterator_types = ["parallel", "parallel"]}
      ins(%h, %b1 : tensor<16x128xf16>, tensor<128xf16>) outs(%e : tensor<16x128xf16>) {
  ^bb0(%v: f16, %b: f16, %out: f16):
    %s = arith.addf %v, %b : f16
    %r = arith.maximumf %s, %zero : f16
    linalg.yield %r : f16
  } -> tensor<16x128xf16>
  %acc2 = linalg.fill ins(%zero : f16) outs(%e : tensor<16x128xf16>) -> tensor<16x128xf16>
  %y = linalg.matmul ins(%hb, %w2 : tensor<16x128xf16>, tensor<128x128xf16>)
                     outs(%acc2 : tensor<16x128xf16>) -> tensor<16x128xf16>
  %sum = linalg.generic {indexing_maps = [#rows, #rows, #rows],
                         iterator_types = ["parallel", "parallel"]}
      ins(%y, %h : tensor<16x128xf16>, tensor<16x128xf16>) outs(%e : tensor<16x128xf16>) {
  ^bb0(%v: f16, %w: f16, %out: f16):
    %s = arith.addf %v, %w : f16
    linalg.yield %s : f16
  } -> tensor<16x128xf16>
  func.return %sum : tensor<16x128xf16>
}

// CHECK:      func.func @mlp({{.*}}) -> tensor<16x128xf16> attributes {t10.park_all, t10.selection =
// CHECK-NOT:  shift.rotate
// CHECK:      %h = shift.schedule #rtensor.plan<op_factors = [1, 8, 2], temporal = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]>
// The bias add, the next operator, still loads %h from its idle copy.
// CHECK:      %h_idle = rtensor.relayout %h
// CHECK-NEXT: rtensor.relayout %h_idle
// CHECK:      %hb = shift.schedule
// CHECK:      %hb_idle = rtensor.relayout %hb
// CHECK-NEXT: rtensor.relayout %hb_idle
// CHECK:      %y = shift.schedule
// CHECK:      %y_idle = rtensor.relayout %y
// CHECK-NEXT: rtensor.relayout %y_idle
// CHECK-NEXT: rtensor.relayout %h_idle
// CHECK:      %sum = shift.schedule
// CHECK-NOT:  shift.rotate
