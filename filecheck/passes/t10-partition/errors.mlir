// A chip that cannot be loaded fails the pass with the chip's one-line error.
// RUN: not t10-opt %s -p 't10-partition{chip=ipu-mk3}' 2>&1 | filecheck %s --check-prefix=PRESET
// RUN: not t10-opt %s -p 't10-partition{chip="no/such/chip.toml"}' 2>&1 | filecheck %s --check-prefix=FILE
// top-k=1 cannot hold both the smallest and the fastest plan.
// RUN: not t10-opt %s -p 't10-partition{chip=small-16 top-k=1}' 2>&1 | filecheck %s --check-prefix=TOPK
// RUN: not t10-opt %s -p 't10-partition{chip=small-16 top-k=-1}' 2>&1 | filecheck %s --check-prefix=NEGATIVE

func.func @matmul(%a: tensor<64x128xf16>, %b: tensor<128x96xf16>, %c: tensor<64x96xf16>) -> tensor<64x96xf16> {
  %r = linalg.matmul ins(%a, %b : tensor<64x128xf16>, tensor<128x96xf16>) outs(%c : tensor<64x96xf16>) -> tensor<64x96xf16>
  func.return %r : tensor<64x96xf16>
}

// PRESET: unknown chip preset 'ipu-mk3' (did you mean 'ipu-mk2'?); presets are ipu-mk2, mesh-64, small-16, or give a path to a .toml chip file
// PRESET-NOT: Traceback
// FILE: no/such/chip.toml: cannot read chip file: No such file or directory
// FILE-NOT: Traceback
// TOPK: t10-partition: top-k must be 0 (the whole frontier) or at least 2 (the smallest and the fastest plans among them), got 1
// NEGATIVE: t10-partition: top-k must be 0 (the whole frontier) or at least 2 (the smallest and the fastest plans among them), got -1
