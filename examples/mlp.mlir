// A two-layer MLP (batch 64, 512 -> 1024 -> 256, fp16) in upstream MLIR linalg, weights marked.
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
