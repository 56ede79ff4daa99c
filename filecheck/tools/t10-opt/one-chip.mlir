// A module is planned for one chip: a pass given another fails, naming both.
// RUN: not t10-opt %s -p 't10-compile{chip=small-16},t10-compile{chip=ipu-mk2}' 2>&1 | filecheck %s --check-prefix=TWICE
// RUN: not t10-opt %s -p 't10-partition{chip=small-16},t10-select-plans{chip=mesh-64}' 2>&1 | filecheck %s --check-prefix=SELECT

func.func @f(%a: tensor<16x16xf32>, %b: tensor<16x16xf32>) -> tensor<16x16xf32> {
  %e = tensor.empty() : tensor<16x16xf32>
  %r = linalg.add ins(%a, %b : tensor<16x16xf32>, tensor<16x16xf32>) outs(%e : tensor<16x16xf32>) -> tensor<16x16xf32>
  func.return %r : tensor<16x16xf32>
}

// TWICE: t10-partition: the module is planned for chip 'small-16' (t10.chip), not 'ipu-mk2': one module is planned for one chip; start again from the input IR to plan for another
// SELECT: t10-select-plans: the module is planned for chip 'small-16' (t10.chip), not 'mesh-64'
