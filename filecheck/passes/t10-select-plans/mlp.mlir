// A two-layer MLP with a residual add on small-16: plans chosen for the whole function.
// RUN: t10-opt %s -p 't10-partition{chip=small-16 top-k=3},t10-select-plans{chip=small-16}' | filecheck %s
// RUN: t10-opt %s -p 't10-partition{chip=small-16 top-k=3},t10-select-plans{chip=small-16 memory-fraction=0.11}' | filecheck %s --check-prefix=TIGHT
// RUN: t10-opt %s -p 't10-partition{chip=small-16 top-k=3},t10-select-plans{chip=small-16 summary=true}' 2>&1 >/dev/null | filecheck %s --check-prefix=SUMMARY

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

// With the whole SRAM, each matmul takes its fastest plan (n and k split 8x2,
// nothing rotates); the fills are initialisers, not operators, so they get no plan.
// Each operator carries the price of relayouting each operand into its plan's layout
// (%h: x is written from the host in place, w1 expands from its idle copy, the fill is
// made in place) and of parking each result that waits for a later reader.
// CHECK:      builtin.module attributes {t10.chip = "small-16"}
// CHECK:      func.func @mlp
// CHECK-SAME:   t10.selection = {cycles = 13260 : i64, operator_cycles = 8260 : i64, relayout_cycles = 5000 : i64, fastest_cycles = 7532 : i64, peak_bytes_per_core = 9232 : i64}
// CHECK:      linalg.fill
// CHECK-NOT:    t10.plan
// CHECK:      %h = linalg.matmul
// CHECK-SAME:   t10.loop_order = array<i64>
// CHECK-SAME:   t10.operand_relayout_cycles = array<i64: 0, 934, 0>
// CHECK-SAME:   t10.parking_cycles = array<i64: 470>
// CHECK-SAME:   t10.plan = #rtensor.plan<op_factors = [1, 8, 2], temporal = {{\[\[}}1, 1, 1], [1, 1, 1], [1, 1, 1]]>
// CHECK-SAME:   t10.plan_cost = {bytes_per_core = 4864 : i64, cycles = 3402 : i64, compute_cycles = 2630 : i64, shift_cycles = 0 : i64, sync_cycles = 0 : i64, reduce_cycles = 772 : i64, initialisation_cycles = 364 : i64, relayout_cycles = 1404 : i64, budget_bytes = 61424 : i64}
// CHECK:      %hb = linalg.generic
// CHECK-SAME:   t10.plan = #rtensor.plan<op_factors = [1, 16]
// CHECK:      %y = linalg.matmul
// CHECK-SAME:   t10.plan = #rtensor.plan<op_factors = [1, 8, 2]
// CHECK:      %sum = linalg.generic
// CHECK-SAME:   t10.plan = #rtensor.plan<op_factors = [1, 16]

// With 11 % of the SRAM (7208 bytes, less ~4 KiB of parked weights) the
// matmuls fall back to the frontier's smallest plan: w1 and w2 rotate in 16 pieces.
// TIGHT:      t10.selection = {cycles = 42876 : i64, operator_cycles = 40760 : i64, {{.*}} peak_bytes_per_core = 7184 : i64}
// TIGHT:      %h = linalg.matmul
// TIGHT-SAME:   t10.plan = #rtensor.plan<op_factors = [1, 1, 16], temporal = {{\[\[}}1, 1, 1], [1, 1, 1], [1, 16, 1]]>
// TIGHT:      %y = linalg.matmul
// TIGHT-SAME:   t10.plan = #rtensor.plan<op_factors = [1, 1, 16], temporal = {{\[\[}}1, 1, 1], [1, 1, 1], [1, 16, 1]]>

// SUMMARY:      t10-select-plans: @mlp on small-16
// SUMMARY-NEXT: op              where          op_factors  bytes/core  budget  cycles  init  relayout  fastest
// SUMMARY-NEXT: linalg.matmul   mlp.mlir:14:3  1x8x2       4864        61424   3402    364   1404      3402
// SUMMARY:      total 13260 cycles (10.0 us): operators 8260, relayouts 5000; every operator at its fastest plan, unlimited memory, free relayouts: 7532; peak 9232 of 65536 bytes per core
