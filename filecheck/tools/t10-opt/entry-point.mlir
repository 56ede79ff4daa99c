// An installed package that exposes an `xdsl.universe` entry point adds its
// passes to t10-opt with no --load. Inputs/entry-point stands in for its
// site-packages: a dist-info folder whose entry point names
// examples/passes/annotate_universe.py.
// RUN: env PYTHONPATH=%S/Inputs/entry-point:%S/../../../examples/passes t10-opt %s -p annotate-compute-steps | filecheck %s
// The stock xdsl-opt finds it the same way.
// RUN: env PYTHONPATH=%S/Inputs/entry-point:%S/../../../examples/passes xdsl-opt %s -p annotate-compute-steps | filecheck %s
// Without the package, the pass is unknown.
// RUN: not t10-opt %s -p annotate-compute-steps 2>&1 | filecheck %s --check-prefix=ABSENT

%r = "test.op"() {t10.plan = #rtensor.plan<op_factors = [4, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]>} : () -> tensor<4xf32>

// CHECK: %r = "test.op"() {t10.plan = #rtensor.plan<op_factors = [4, 2, 2], temporal = [[2, 1, 1], [1, 1, 1], [2, 1, 1]]>, my.compute_steps = 2 : i64} : () -> tensor<4xf32>
// ABSENT: t10-opt: error: Unrecognized passes: ['annotate-compute-steps']
