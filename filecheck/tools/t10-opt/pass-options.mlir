// Pass options take a number however it is spelled, and a value that does not fit
// names its pass and option.
// RUN: t10-opt %s -p 't10-compile{chip=small-16 memory-fraction=1}' | filecheck %s
// RUN: t10-opt %s -p 't10-compile{chip=small-16 memory-fraction=5e-1}' | filecheck %s
// RUN: t10-opt %s -p 't10-compile{chip=small-16 memory-fraction=.75}' | filecheck %s
// RUN: not t10-opt %s -p 't10-compile{memory-fraction=half}' 2>&1 | filecheck %s --check-prefix=WORD
// RUN: not t10-opt %s -p 't10-partition{top-k=2.5}' 2>&1 | filecheck %s --check-prefix=INTEGER
// RUN: not t10-opt %s -p 't10-compile{to-tile=maybe}' 2>&1 | filecheck %s --check-prefix=BOOLEAN
// RUN: not t10-opt %s -p 't10-compile{memory_fractions=1}' 2>&1 | filecheck %s --check-prefix=UNKNOWN

func.func @f(%a: tensor<16x16xf32>, %b: tensor<16x16xf32>) -> tensor<16x16xf32> {
  %e = tensor.empty() : tensor<16x16xf32>
  %r = linalg.add ins(%a, %b : tensor<16x16xf32>, tensor<16x16xf32>) outs(%e : tensor<16x16xf32>) -> tensor<16x16xf32>
  func.return %r : tensor<16x16xf32>
}

// CHECK: tile.program @f
// WORD: t10-opt: error: t10-compile: option memory-fraction expects a number, got half
// INTEGER: t10-opt: error: t10-partition: option top-k expects an integer, got 2.5
// BOOLEAN: t10-opt: error: t10-compile: option to-tile expects true or false, got maybe
// UNKNOWN: t10-opt: error: t10-compile: no option memory_fractions; its options are chip, memory-fraction, pipeline, summary, to-tile, top-k
