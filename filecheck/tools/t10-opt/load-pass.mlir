// A user's pass, loaded from a file, reads the plan on each linalg operator.
// RUN: t10-opt %s --load %S/../../../examples/passes/annotate_compute_steps.py -p annotate-compute-steps | filecheck %s
// RUN: t10-opt %s --load=%S/../../../examples/passes/annotate_compute_steps.py -p 'annotate-compute-steps{attribute=steps}' | filecheck %s --check-prefix=OPTION
// The example of README's "Writing your own pass", as shown there.
// RUN: t10-opt --load %S/../../../examples/passes/annotate_compute_steps.py -p annotate-compute-steps %S/../../../examples/passes/planned_matmul.mlir | filecheck %s --check-prefix=README

func.func @mlp(%x: tensor<64x512xf16>, %w: tensor<512x1024xf16>, %b: tensor<1024xf16>) -> tensor<64x1024xf16> {
  %zero = arith.constant 0.0 : f16
  %empty = tensor.empty() : tensor<64x1024xf16>
  %acc = linalg.fill ins(%zero : f16) outs(%empty : tensor<64x1024xf16>) -> tensor<64x1024xf16>
  %h = linalg.matmul {t10.plan = #rtensor.plan<op_factors = [4, 2, 2], temporal = [[1, 1, 2], [1, 2, 2], [1, 1, 1]]>} ins(%x, %w : tensor<64x512xf16>, tensor<512x1024xf16>) outs(%acc : tensor<64x1024xf16>) -> tensor<64x1024xf16>
  %hb = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%h, %b : tensor<64x1024xf16>, tensor<1024xf16>) outs(%empty : tensor<64x1024xf16>) attrs = {t10.plan = #rtensor.plan<op_factors = [16, 1], temporal = [[1, 1], [1, 1], [1, 1]]>} {
  ^bb0(%v: f16, %bias: f16, %out: f16):
    %s = arith.addf %v, %bias : f16
    linalg.yield %s : f16
  } -> tensor<64x1024xf16>
  func.return %hb : tensor<64x1024xf16>
}

// An operator without a plan is left alone.
// CHECK:      %acc = linalg.fill ins(%zero : f16)
// Steps: the largest f_t on each loop, multiplied: 1 * 2 * 2.
// CHECK-NEXT: %h = linalg.matmul {my.compute_steps = 4 : i64, t10.plan = #rtensor.plan<op_factors = [4, 2, 2], temporal = [[1, 1, 2], [1, 2, 2], [1, 1, 1]]>}
// CHECK-NEXT: %hb = linalg.generic
// CHECK-SAME: attrs = {t10.plan = #rtensor.plan<op_factors = [16, 1], temporal = [[1, 1], [1, 1], [1, 1]]>, my.compute_steps = 1 : i64}
// CHECK-NOT:  my.compute_steps

// OPTION: %h = linalg.matmul {steps = 4 : i64, t10.plan = #rtensor.plan<{{.*}}>}
// OPTION: attrs = {t10.plan = #rtensor.plan<{{.*}}>, steps = 1 : i64}

// README: %r = linalg.matmul {my.compute_steps = 2 : i64, t10.plan = #rtensor.plan<op_factors = [4, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]>} ins(%a, %b : tensor<128x64xf16>, tensor<64x96xf16>) outs(%c : tensor<128x96xf16>) -> tensor<128x96xf16>
