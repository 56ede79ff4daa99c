// RUN: t10-run %S/../../../examples/mlp.mlir --chip ipu-mk2 | filecheck %s
// RUN: t10-run %S/../../../examples/mlp.mlir --chip ipu-mk2 --json | filecheck %s --check-prefix=JSON

// The example MLP marks its weights {t10.weight}, so random inputs draw them at
// BERT's scale (N(0, 0.02^2)) and the f16 outputs stay O(1) and match.

// CHECK:      t10-run: @mlp on ipu-mk2 (1472 cores, 1.325 GHz), pipeline t10
// CHECK-EMPTY:
// CHECK-NEXT: op {{ +}}plan {{ +}}cycles  compute  shift  sync  predicted  bytes/core
// CHECK-NEXT: h {{ +}}{{[0-9]+x[0-9]+x[0-9]+}} t={{[0-9x,]+}} {{( +[0-9]+){6}$}}
// CHECK-NEXT: hb {{ +}}{{[0-9]+x[0-9]+}} t={{[0-9x,]+}} {{( +[0-9]+){6}$}}
// CHECK-NEXT: y {{ +}}{{[0-9]+x[0-9]+x[0-9]+}} t={{[0-9x,]+}} {{( +[0-9]+){6}$}}
// CHECK-NEXT: (between operators) {{( +[0-9]+){4}$}}
// CHECK-NEXT: total {{( +[0-9]+){5}$}}
// CHECK-EMPTY:
// CHECK-NEXT: time: {{[0-9.]+}} µs ({{[0-9]+}} cycles; predicted {{[0-9]+}})
// CHECK-NEXT: peak bytes per core: {{[0-9]+}} of 638976
// CHECK-NEXT: match: yes (max abs error {{[0-9.e-]+}}, {{0\.[0-9]+|0}} of the error bound at most; 1 rounding step per reduction)
// CHECK-NEXT:   output 0 (f16): yes, max abs error {{[0-9.e-]+}}, worst {{0\.[0-9]+|0}} of the bound ({{[0-9.e-]+}} against {{[0-9.e-]+}} at [{{[0-9]+}}, {{[0-9]+}}])
// CHECK-NEXT: seconds: compile {{[0-9.]+}}, simulate {{[0-9.]+}}, reference {{[0-9.]+}}

// JSON:      "chip": "ipu-mk2",
// JSON-NEXT: "pipeline": "t10",
// JSON-NEXT: "function": "mlp",
// JSON-NEXT: "reference": "numpy",
// JSON-NEXT: "match": true,
// JSON-NEXT: "max_abs_error": {{[0-9.e-]+}},
// JSON-NEXT: "max_error_ratio": {{[0-9.e-]+}},
// JSON-NEXT: "reduction_steps": 1,
// JSON:      "name": "h",
// JSON:      "name": "hb",
// JSON:      "name": "y",
// JSON:      "between_operators": {
