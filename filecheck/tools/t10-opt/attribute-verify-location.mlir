// An attribute that breaks a verifier rule is reported at its text, and under
// --verify-diagnostics the remaining chunks still run.
// RUN: not t10-opt %s --split-input-file 2>&1 | filecheck %s
// RUN: t10-opt %s --split-input-file --verify-diagnostics | filecheck %s --check-prefix=ALL

"test.op"() {bad = #rtensor.layout<grid = [4, 2], map = (i, j) -> (i), temporal = [1, 3]>} : () -> ()

// CHECK: attribute-verify-location.mlir:6:35
// CHECK: rtensor.layout: temporal factor 3 on loop 1, which map (d0, d1) -> (d0) does not index
// CHECK-NOT: Traceback
// ALL: attribute-verify-location.mlir:6:35

// -----

"test.op"() {good = #rtensor.layout<grid = [4, 2], map = (i, j) -> (i, j)>} : () -> ()

// ALL: "test.op"() {good = #rtensor.layout<grid = [4, 2], map = (d0, d1) -> (d0, d1)>} : () -> ()
