// RUN: not t10-opt %s 2>&1 | filecheck %s
// RUN: t10-opt %s --allow-unregistered-dialect | filecheck %s --check-prefix=ALLOWED

"mystery.op"() : () -> ()

// CHECK: unregistered-op.mlir:4:1
// CHECK: Operation mystery.op is not registered
// ALLOWED: "mystery.op"() : () -> ()
