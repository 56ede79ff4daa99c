// The whole pipeline on a two-layer MLP with a residual add, on small-16: every operator
// becomes a shift.schedule, weights sit in idle layouts and relayout into each use.
// RUN: t10-opt %s -p 't10-compile{chip=small-16 top-k=3 to-tile=false}' | filecheck %s
// RUN: t10-opt %s -p 't10-partition{chip=small-16 top-k=3},t10-select-plans{chip=small-16},t10-insert-shifts' | filecheck %s

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

// CHECK:      builtin.module attributes {t10.chip = "small-16"}
// CHECK:        %w1_idle = rtensor.distribute %w1 : tensor<128x128xf16> -> !rtensor.tensor<128x128xf16, #rtensor.layout<grid = [16, 1], map = (d0, d1) -> (d0, d1)>>
// CHECK:        %x_dist = rtensor.distribute %x
// CHECK:        rtensor.relayout %w1_idle
// CHECK:        %acc1_dist = rtensor.fill %zero : f16
// CHECK:        %h = shift.schedule #rtensor.plan<op_factors = [1, 8, 2]
// CHECK:          shift.compute
// CHECK:            linalg.matmul ins(%x_step, %w1_step : tensor<16x64xf16>, tensor<64x16xf16>) outs(%acc1_step : tensor<16x16xf16>)
// CHECK:          shift.reduce_scatter %acc1_piece scatter [2, 1, 1] : !shift.piece<16x16xf16>
// %h waits in its idle layout for the residual add, and feeds the bias add directly.
// CHECK:        %h_idle = rtensor.relayout %h
// CHECK:        %hb = shift.schedule
// CHECK:        %y = shift.schedule
// CHECK:        rtensor.relayout %h_idle
// CHECK:        %sum = shift.schedule
// CHECK:        rtensor.collect %sum
// CHECK-NOT:    linalg.fill
