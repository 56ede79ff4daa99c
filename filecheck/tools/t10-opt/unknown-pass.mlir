// RUN: not t10-opt %s -p no-such-pass 2>&1 | filecheck %s

// CHECK: t10-opt: error: Unrecognized passes: ['no-such-pass']
// CHECK-NOT: Traceback
