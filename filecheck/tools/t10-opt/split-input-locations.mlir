// Locations stay those of the whole file when it is split into chunks.
// RUN: t10-opt %s --split-input-file --verify-diagnostics | filecheck %s
// RUN: t10-opt %s --split-input-file --verify-diagnostics --print-debuginfo | filecheck %s --check-prefix=DEBUGINFO

func.func @fine(%a: tensor<4xf32>) -> tensor<4xf32> {
  func.return %a : tensor<4xf32>
}

// CHECK: func.func @fine
// DEBUGINFO: func.return %a : tensor<4xf32> loc("{{.*}}split-input-locations.mlir":6:3)

// -----

func.func @broken(%a: tensor<4xf32>) -> tensor<4xf16> {
  func.return %a : tensor<4xf32>
}

// CHECK: split-input-locations.mlir:15:3: error: Expected arguments to have the same types
