"""Small linalg models of every op class, shared by the tests that compile and run them."""

from t10.models.bert import BertConfig, bert_encoder


def matmul(m: int, k: int, n: int, dtype: str = "f32") -> str:
    t = dtype
    return f"""
func.func @matmul(%a: tensor<{m}x{k}x{t}>, %b: tensor<{k}x{n}x{t}>) -> tensor<{m}x{n}x{t}> {{
  %zero = arith.constant 0.0 : {t}
  %e = tensor.empty() : tensor<{m}x{n}x{t}>
  %c = linalg.fill ins(%zero : {t}) outs(%e : tensor<{m}x{n}x{t}>) -> tensor<{m}x{n}x{t}>
  %r = linalg.matmul ins(%a, %b : tensor<{m}x{k}x{t}>, tensor<{k}x{n}x{t}>)
                     outs(%c : tensor<{m}x{n}x{t}>) -> tensor<{m}x{n}x{t}>
  func.return %r : tensor<{m}x{n}x{t}>
}}"""


def batch_matmul(batch: int, m: int, k: int, n: int) -> str:
    lhs, rhs = f"tensor<{batch}x{m}x{k}xf32>", f"tensor<{batch}x{k}x{n}xf32>"
    out = f"tensor<{batch}x{m}x{n}xf32>"
    return f"""
func.func @batch_matmul(%a: {lhs}, %b: {rhs}) -> {out} {{
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : {out}
  %c = linalg.fill ins(%zero : f32) outs(%e : {out}) -> {out}
  %r = linalg.batch_matmul ins(%a, %b : {lhs}, {rhs}) outs(%c : {out}) -> {out}
  func.return %r : {out}
}}"""


def conv(batch: int, channels: int, filters: int, size: int, window: int) -> str:
    out_size = size - window + 1
    image = f"tensor<{batch}x{channels}x{size}x{size}xf32>"
    kernel = f"tensor<{filters}x{channels}x{window}x{window}xf32>"
    out = f"tensor<{batch}x{filters}x{out_size}x{out_size}xf32>"
    return f"""
func.func @conv(%i: {image}, %k: {kernel}) -> {out} {{
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : {out}
  %o = linalg.fill ins(%zero : f32) outs(%e : {out}) -> {out}
  %r = linalg.conv_2d_nchw_fchw {{dilations = dense<1> : tensor<2xi64>,
                                  strides = dense<1> : tensor<2xi64>}}
      ins(%i, %k : {image}, {kernel}) outs(%o : {out}) -> {out}
  func.return %r : {out}
}}"""


def bias_relu(m: int, n: int) -> str:
    return f"""
func.func @bias_relu(%x: tensor<{m}x{n}xf32>, %b: tensor<{n}xf32>) -> tensor<{m}x{n}xf32> {{
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<{m}x{n}xf32>
  %r = linalg.generic {{indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                        affine_map<(d0, d1) -> (d1)>,
                                        affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}}
      ins(%x, %b : tensor<{m}x{n}xf32>, tensor<{n}xf32>) outs(%e : tensor<{m}x{n}xf32>) {{
  ^bb0(%v: f32, %w: f32, %out: f32):
    %s = arith.addf %v, %w : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }} -> tensor<{m}x{n}xf32>
  func.return %r : tensor<{m}x{n}xf32>
}}"""


REDUCTIONS = {"sum": ("0.0", "arith.addf"), "max": ("-3.0e+38", "arith.maximumf")}
"""Per reduction: the fill value its accumulator starts from and its combining op."""


def reduce_rows(m: int, n: int, kind: str, init: str | None = None) -> str:
    identity, combine = REDUCTIONS[kind]
    return f"""
func.func @reduce_rows(%x: tensor<{m}x{n}xf32>) -> tensor<{m}xf32> {{
  %init = arith.constant {init or identity} : f32
  %e = tensor.empty() : tensor<{m}xf32>
  %acc = linalg.fill ins(%init : f32) outs(%e : tensor<{m}xf32>) -> tensor<{m}xf32>
  %r = linalg.generic {{indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                        affine_map<(d0, d1) -> (d0)>],
                       iterator_types = ["parallel", "reduction"]}}
      ins(%x : tensor<{m}x{n}xf32>) outs(%acc : tensor<{m}xf32>) {{
  ^bb0(%v: f32, %a: f32):
    %s = {combine} %v, %a : f32
    linalg.yield %s : f32
  }} -> tensor<{m}xf32>
  func.return %r : tensor<{m}xf32>
}}"""


def softmax(batch: int, m: int, n: int) -> str:
    tensor = f"tensor<{batch}x{m}x{n}xf32>"
    return f"""
func.func @softmax(%x: {tensor}) -> {tensor} {{
  %e = tensor.empty() : {tensor}
  %r = linalg.softmax dimension(2) ins(%x : {tensor}) outs(%e : {tensor}) -> {tensor}
  func.return %r : {tensor}
}}"""


def transpose(m: int, n: int) -> str:
    return f"""
func.func @transpose(%x: tensor<{m}x{n}xf32>) -> tensor<{n}x{m}xf32> {{
  %e = tensor.empty() : tensor<{n}x{m}xf32>
  %r = linalg.transpose ins(%x : tensor<{m}x{n}xf32>) outs(%e : tensor<{n}x{m}xf32>)
                        permutation = [1, 0]
  func.return %r : tensor<{n}x{m}xf32>
}}"""


LAYER_NORM = """
#rows = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
func.func @layer_norm(%x: tensor<16x32xf32>, %gamma: tensor<32xf32> {t10.weight},
                      %beta: tensor<32xf32> {t10.weight}) -> tensor<16x32xf32> {
  %zero = arith.constant 0.0 : f32
  %width = arith.constant 32.0 : f32
  %eps = arith.constant 1.0e-5 : f32
  %e1 = tensor.empty() : tensor<16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e1 : tensor<16xf32>) -> tensor<16xf32>
  %sum = linalg.generic {indexing_maps = [#rows, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<16x32xf32>) outs(%acc : tensor<16xf32>) {
  ^bb0(%v: f32, %a: f32):
    %s = arith.addf %v, %a : f32
    linalg.yield %s : f32
  } -> tensor<16xf32>
  %e2 = tensor.empty() : tensor<16x32xf32>
  %centred = linalg.generic {indexing_maps = [#rows, #row, #rows],
                             iterator_types = ["parallel", "parallel"]}
      ins(%x, %sum : tensor<16x32xf32>, tensor<16xf32>) outs(%e2 : tensor<16x32xf32>) {
  ^bb0(%v: f32, %s: f32, %o: f32):
    %mean = arith.divf %s, %width : f32
    %d = arith.subf %v, %mean : f32
    linalg.yield %d : f32
  } -> tensor<16x32xf32>
  %acc2 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<16xf32>) -> tensor<16xf32>
  %squares = linalg.generic {indexing_maps = [#rows, #row],
                             iterator_types = ["parallel", "reduction"]}
      ins(%centred : tensor<16x32xf32>) outs(%acc2 : tensor<16xf32>) {
  ^bb0(%v: f32, %a: f32):
    %p = arith.mulf %v, %v : f32
    %s = arith.addf %p, %a : f32
    linalg.yield %s : f32
  } -> tensor<16xf32>
  %e3 = tensor.empty() : tensor<16x32xf32>
  %y = linalg.generic {indexing_maps = [#rows, #row, #col, #col, #rows],
                       iterator_types = ["parallel", "parallel"]}
      ins(%centred, %squares, %gamma, %beta
          : tensor<16x32xf32>, tensor<16xf32>, tensor<32xf32>, tensor<32xf32>)
      outs(%e3 : tensor<16x32xf32>) {
  ^bb0(%c: f32, %q: f32, %g: f32, %b: f32, %o: f32):
    %var = arith.divf %q, %width : f32
    %shifted = arith.addf %var, %eps : f32
    %inverse = math.rsqrt %shifted : f32
    %normal = arith.mulf %c, %inverse : f32
    %scaled = arith.mulf %normal, %g : f32
    %r = arith.addf %scaled, %b : f32
    linalg.yield %r : f32
  } -> tensor<16x32xf32>
  func.return %y : tensor<16x32xf32>
}"""


def causal_mask(batch: int, seq: int) -> str:
    """Scores with the future masked out by ``linalg.index``: a body that reads where in
    the whole operator it is, not where in a core's part."""
    scores = f"tensor<{batch}x{seq}x{seq}xf32>"
    return f"""
#id = affine_map<(b, s, t) -> (b, s, t)>
func.func @causal_mask(%x: {scores}) -> {scores} {{
  %e = tensor.empty() : {scores}
  %r = linalg.generic {{indexing_maps = [#id, #id],
                       iterator_types = ["parallel", "parallel", "parallel"]}}
      ins(%x : {scores}) outs(%e : {scores}) {{
  ^bb0(%a: f32, %o: f32):
    %s = linalg.index 1 : index
    %t = linalg.index 2 : index
    %future = arith.cmpi ult, %s, %t : index
    %minus = arith.constant -10000.0 : f32
    %masked = arith.addf %a, %minus : f32
    %v = arith.select %future, %masked, %a : f32
    linalg.yield %v : f32
  }} -> {scores}
  func.return %r : {scores}
}}"""


def pinned_row(batch: int, rows: int, k: int, n: int, row: int) -> str:
    """A classifier head on one row of each sample (ViT's class token): an access map
    with a constant, so each core holds only the row the map pins."""
    x, w = f"tensor<{batch}x{rows}x{k}xf32>", f"tensor<{k}x{n}xf32>"
    out = f"tensor<{batch}x{n}xf32>"
    return f"""
#in = affine_map<(b, j, c) -> (b, {row}, c)>
#w = affine_map<(b, j, c) -> (c, j)>
#out = affine_map<(b, j, c) -> (b, j)>
func.func @head(%x: {x}, %w: {w} {{t10.weight}}) -> {out} {{
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : {out}
  %acc = linalg.fill ins(%zero : f32) outs(%e : {out}) -> {out}
  %r = linalg.generic {{indexing_maps = [#in, #w, #out],
                       iterator_types = ["parallel", "parallel", "reduction"]}}
      ins(%x, %w : {x}, {w}) outs(%acc : {out}) {{
  ^bb0(%p: f32, %q: f32, %a: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %a, %m : f32
    linalg.yield %s : f32
  }} -> {out}
  func.return %r : {out}
}}"""


def padded_conv(batch: int, channels: int, filters: int, size: int, window: int, pad: int) -> str:
    """A "same" convolution: the image zero-padded by ``pad`` on every side first."""
    padded = size + 2 * pad
    out_size = padded - window + 1
    image = f"tensor<{batch}x{channels}x{size}x{size}xf32>"
    padded_image = f"tensor<{batch}x{channels}x{padded}x{padded}xf32>"
    kernel = f"tensor<{filters}x{channels}x{window}x{window}xf32>"
    out = f"tensor<{batch}x{filters}x{out_size}x{out_size}xf32>"
    return f"""
func.func @padded_conv(%i: {image}, %k: {kernel}) -> {out} {{
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %i low[0, 0, {pad}, {pad}] high[0, 0, {pad}, {pad}] {{
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  }} : {image} to {padded_image}
  %e = tensor.empty() : {out}
  %o = linalg.fill ins(%zero : f32) outs(%e : {out}) -> {out}
  %r = linalg.conv_2d_nchw_fchw {{dilations = dense<1> : tensor<2xi64>,
                                  strides = dense<1> : tensor<2xi64>}}
      ins(%p, %k : {padded_image}, {kernel}) outs(%o : {out}) -> {out}
  func.return %r : {out}
}}"""


def padded_scale(m: int, n: int, low: tuple[int, int], high: tuple[int, int]) -> str:
    """A matmul's result padded with 1.5 and doubled: the padding is not zero, and the
    padded tensor comes from an operator, not the host."""
    rows, columns = m + low[0] + high[0], n + low[1] + high[1]
    padded = f"tensor<{rows}x{columns}xf32>"
    return f"""
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @padded_scale(%a: tensor<{m}x8xf32>, %b: tensor<8x{n}xf32>) -> {padded} {{
  %zero = arith.constant 0.0 : f32
  %fill = arith.constant 1.5 : f32
  %e = tensor.empty() : tensor<{m}x{n}xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %ab = linalg.matmul ins(%a, %b : tensor<{m}x8xf32>, tensor<8x{n}xf32>)
                      outs(%c : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %p = tensor.pad %ab low[{low[0]}, {low[1]}] high[{high[0]}, {high[1]}] {{
  ^bb0(%i0: index, %i1: index):
    tensor.yield %fill : f32
  }} : tensor<{m}x{n}xf32> to {padded}
  %ep = tensor.empty() : {padded}
  %r = linalg.generic {{indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}}
      ins(%p : {padded}) outs(%ep : {padded}) {{
  ^bb0(%v: f32, %o: f32):
    %twice = arith.addf %v, %v : f32
    linalg.yield %twice : f32
  }} -> {padded}
  func.return %r : {padded}
}}"""


OP_CLASSES = {
    "matmul": matmul(24, 40, 16),
    "batch_matmul": batch_matmul(4, 16, 24, 20),
    "conv": conv(2, 4, 8, 10, 3),
    "elementwise": bias_relu(32, 48),
    "sum": reduce_rows(24, 40, "sum"),
    "max": reduce_rows(24, 40, "max"),
    "softmax": softmax(4, 16, 24),
    "layer_norm": LAYER_NORM,
    "transpose": transpose(24, 40),
    "causal_mask": causal_mask(2, 24),
    "pinned_row": pinned_row(4, 5, 48, 24, 3),
    "padded_conv": padded_conv(2, 4, 8, 8, 3, 1),
    "padded_scale": padded_scale(24, 20, (1, 2), (3, 0)),
}

TINY_BERT = bert_encoder(BertConfig(layers=1, seq=16, hidden=32, heads=2, ffn=64, dtype="f32"))
