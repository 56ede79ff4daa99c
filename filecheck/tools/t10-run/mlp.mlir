// RUN: t10-run %s --chip ipu-mk2 | filecheck %s
// RUN: t10-run %s --chip ipu-mk2 --json | filecheck %s --check-prefix=JSON

// examples/mlp.mlir with its weights marked {t10.weight}, so that random inputs
// draw them at BERT's scale (N(0, 0.02^2)) and the f16 outputs stay O(1).

#map_rows = affine_map<(d0, d1) -> (d0, d1)>
#map_bias = affine_map<(d0, d1) -> (d1)>
module {
  func.func @mlp(%x: tensor<64x512xf16>,
                 %w1: tensor<512x1024xf16> {t10.weight},
                 %b1: tensor<1024xf16> {t10.weight},
                 %w2: tensor<1024x256xf16> {t10.weight}) -> tensor<64x256xf16> {
    %zero = arith.constant 0.0 : f16
    %e1 = tensor.empty() : tensor<64x1024xf16>
    %acc1 = linalg.fill ins(%zero : f16) outs(%e1 : tensor<64x1024xf16>) -> tensor<64x1024xf16>
    %h = linalg.matmul ins(%x, %w1 : tensor<64x512xf16>, tensor<512x1024xf16>) outs(%acc1 : tensor<64x1024xf16>) -> tensor<64x1024xf16>
    %hb = linalg.generic {indexing_maps = [#map_rows, #map_bias, #map_rows], iterator_types = ["parallel", "parallel"]} ins(%h, %b1 : tensor<64x1024xf16>, tensor<1024xf16>) outs(%e1 : tensor<64x1024xf16>) {
    ^bb0(%v: f16, %b: f16, %out: f16):
      %s = arith.addf %v, %b : f16
      %r = arith.maximumf %s, %zero : f16
      linalg.yield %r : f16
    } -> tensor<64x1024xf16>
    %e2 = tensor.empty() : tensor<64x256xf16>
    %acc2 = linalg.fill ins(%zero : f16) outs(%e2 : tensor<64x256xf16>) -> tensor<64x256xf16>
    %y = linalg.matmul ins(%hb, %w2 : tensor<64x1024xf16>, tensor<1024x256xf16>) outs(%acc2 : tensor<64x256xf16>) -> tensor<64x256xf16>
    func.return %y : tensor<64x256xf16>
  }
}

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
// CHECK-NEXT: match: yes (max abs error {{.*}})
// CHECK-NEXT:   output 0 (f16): yes, max abs error {{.*}}, rtol 0.02, atol 0.02
// CHECK-NEXT: seconds: compile {{[0-9.]+}}, simulate {{[0-9.]+}}, reference {{[0-9.]+}}

// JSON:      "chip": "ipu-mk2",
// JSON-NEXT: "pipeline": "t10",
// JSON-NEXT: "function": "mlp",
// JSON-NEXT: "match": true,
// JSON:      "name": "h",
// JSON:      "name": "hb",
// JSON:      "name": "y",
// JSON:      "between_operators": {
