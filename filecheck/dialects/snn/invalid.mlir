// RUN: t10-opt %s --split-input-file --verify-diagnostics | filecheck %s

// One case per verifier rule of the snn dialect, each CHECKing its message.

"test.op"() {e = #snn.spikes<0>} : () -> ()
// CHECK: snn.spikes: neuron count N = 0 must be >= 1

// -----

%w, %ids = "test.op"() : () -> (tensor<2312x1466xf32>, tensor<48x1x24xi32>)
%cur = snn.gather_add %w, %ids : tensor<2312x1466xf32>, tensor<48x1x24xi32> -> tensor<48x1466xf32>
// CHECK: snn.gather_add ids: tensor<48x1x24xi32> has no #snn.spikes<N> encoding, so is not a spike list

// -----

%w, %ids = "test.op"() : () -> (tensor<2312x1466xf32>, tensor<48x1x24xi64, #snn.spikes<2312>>)
%cur = snn.gather_add %w, %ids : tensor<2312x1466xf32>, tensor<48x1x24xi64, #snn.spikes<2312>> -> tensor<48x1466xf32>
// CHECK: snn.gather_add ids: spike list tensor<48x1x24xi64, #snn.spikes<2312>> has element type i64, not i32

// -----

%w, %ids = "test.op"() : () -> (tensor<2312x1466xf32>, tensor<1x24xi32, #snn.spikes<2312>>)
%cur = snn.gather_add %w, %ids : tensor<2312x1466xf32>, tensor<1x24xi32, #snn.spikes<2312>> -> tensor<1466xf32>
// CHECK: snn.gather_add ids: spike list tensor<1x24xi32, #snn.spikes<2312>> has rank 2; ids are B... x S x C (rank >= 3)

// -----

%w, %ids = "test.op"() : () -> (tensor<2312x1466xf32>, tensor<?x1x24xi32, #snn.spikes<2312>>)
%cur = snn.gather_add %w, %ids : tensor<2312x1466xf32>, tensor<?x1x24xi32, #snn.spikes<2312>> -> tensor<48x1466xf32>
// CHECK: snn.gather_add ids: spike list tensor<?x1x24xi32, #snn.spikes<2312>> has extent ? in dimension 0; spike lists have static positive extents

// -----

%w, %ids = "test.op"() : () -> (tensor<2312x1466xf32>, tensor<48x1x0xi32, #snn.spikes<2312>>)
%cur = snn.gather_add %w, %ids : tensor<2312x1466xf32>, tensor<48x1x0xi32, #snn.spikes<2312>> -> tensor<48x1466xf32>
// CHECK: snn.gather_add ids: spike list tensor<48x1x0xi32, #snn.spikes<2312>> has extent 0 in dimension 2; spike lists have static positive extents

// -----

%v = "test.op"() : () -> tensor<48x1466xf32>
%ids, %counts, %dropped = snn.threshold_compact %v {threshold = 1.0 : f32} : tensor<48x1466xf32> -> tensor<48x4x368xi32, #snn.spikes<1466>>, tensor<48x4xi32>, tensor<48x4xi32>
// CHECK: snn.threshold_compact ids: spike list tensor<48x4x368xi32, #snn.spikes<1466>> has capacity C = 368 above its segment width W = ceil(N / S) = ceil(1466 / 4) = 367

// -----

%g, %ids = "test.op"() : () -> (tensor<48x10xi32, #snn.spikes<10>>, tensor<48x1x2xi32, #snn.spikes<10>>)
%ds = snn.pick %g, %ids : tensor<48x10xi32, #snn.spikes<10>>, tensor<48x1x2xi32, #snn.spikes<10>> -> tensor<48x1x2xf32>
// CHECK: snn.pick values: tensor<48x10xi32, #snn.spikes<10>> is a spike list, expected a plain tensor

// -----

%v = "test.op"() : () -> tensor<48x1466xf16>
%ids, %counts, %dropped = snn.threshold_compact %v {threshold = 1.0 : f32} : tensor<48x1466xf16> -> tensor<48x1x30xi32, #snn.spikes<1466>>, tensor<48x1xi32>, tensor<48x1xi32>
// CHECK: snn.threshold_compact potential: element type f16 must be f32

// -----

%v = "test.op"() : () -> tensor<48x1466xf32>
%ids, %counts, %dropped = snn.threshold_compact %v {threshold = 1.0 : f32} : tensor<48x1466xf32> -> tensor<48x1x30xi32, #snn.spikes<1466>>, tensor<48x1xi64>, tensor<48x1xi32>
// CHECK: snn.threshold_compact counts: element type i64 must be i32

// -----

%c, %labels = "test.op"() : () -> (tensor<48x10xf32>, tensor<48xf32>)
%loss, %g = snn.cross_entropy %c, %labels : tensor<48x10xf32>, tensor<48xf32> -> tensor<f32>, tensor<48x10xf32>
// CHECK: snn.cross_entropy labels: element type f32 must be i32

// -----

%v, %cur = "test.op"() : () -> (tensor<1466xf32>, tensor<1466xf32>)
%r = snn.lif %v, %cur {alpha = 0.95 : f32, threshold = 1.0 : f32, gain = 1.0 : f32} : tensor<1466xf32>, tensor<1466xf32> -> tensor<1466xf32>
// CHECK: snn.lif potential: rank 1 is below 2

// -----

%w, %ids = "test.op"() : () -> (tensor<1x2312x1466xf32>, tensor<48x1x24xi32, #snn.spikes<2312>>)
%cur = snn.gather_add %w, %ids : tensor<1x2312x1466xf32>, tensor<48x1x24xi32, #snn.spikes<2312>> -> tensor<48x1466xf32>
// CHECK: snn.gather_add weights: rank 3 is above 2

// -----

%c, %labels = "test.op"() : () -> (tensor<48x10xf32>, tensor<48xi32>)
%loss, %g = snn.cross_entropy %c, %labels : tensor<48x10xf32>, tensor<48xi32> -> tensor<1xf32>, tensor<48x10xf32>
// CHECK: snn.cross_entropy loss: rank 1 is above 0

// -----

%v = "test.op"() : () -> tensor<48x1466xf32>
%ids, %counts, %dropped = snn.threshold_compact %v {threshold = 1.0 : f64} : tensor<48x1466xf32> -> tensor<48x1x30xi32, #snn.spikes<1466>>, tensor<48x1xi32>, tensor<48x1xi32>
// CHECK: f64 should be of base attribute f32

// -----

%v = "test.op"() : () -> tensor<48x1466xf32>
%ids, %counts, %dropped = snn.threshold_compact %v {threshold = 0.0 : f32} : tensor<48x1466xf32> -> tensor<48x1x30xi32, #snn.spikes<1466>>, tensor<48x1xi32>, tensor<48x1xi32>
// CHECK: snn.threshold_compact: threshold 0.0 must be > 0

// -----

%v = "test.op"() : () -> tensor<48x1000xf32>
%ids, %counts, %dropped = snn.threshold_compact %v {threshold = 1.0 : f32} : tensor<48x1000xf32> -> tensor<48x1x30xi32, #snn.spikes<1466>>, tensor<48x1xi32>, tensor<48x1xi32>
// CHECK: snn.threshold_compact: ids encode N = 1466 neurons but the potential's last dim is 1000

// -----

%v = "test.op"() : () -> tensor<48x1466xf32>
%ids, %counts, %dropped = snn.threshold_compact %v {threshold = 1.0 : f32} : tensor<48x1466xf32> -> tensor<47x1x30xi32, #snn.spikes<1466>>, tensor<48x1xi32>, tensor<48x1xi32>
// CHECK: snn.threshold_compact: leading dims [47] of ids differ from [48] of the potential

// -----

%v = "test.op"() : () -> tensor<48x1466xf32>
%ids, %counts, %dropped = snn.threshold_compact %v {threshold = 1.0 : f32} : tensor<48x1466xf32> -> tensor<48x1x30xi32, #snn.spikes<1466>>, tensor<48x2xi32>, tensor<48x1xi32>
// CHECK: snn.threshold_compact counts: shape [48, 2] must be [48, 1] (B... x S, one entry per segment)

// -----

%v = "test.op"() : () -> tensor<48x1466xf32>
%ids, %counts, %dropped = snn.threshold_compact %v {threshold = 1.0 : f32} : tensor<48x1466xf32> -> tensor<48x1x30xi32, #snn.spikes<1466>>, tensor<48x1xi32>, tensor<48xi32>
// CHECK: snn.threshold_compact dropped: shape [48] must be [48, 1] (B... x S, one entry per segment)

// -----

%w, %ids = "test.op"() : () -> (tensor<2000x1466xf32>, tensor<48x1x24xi32, #snn.spikes<2312>>)
%cur = snn.gather_add %w, %ids : tensor<2000x1466xf32>, tensor<48x1x24xi32, #snn.spikes<2312>> -> tensor<48x1466xf32>
// CHECK: snn.gather_add: ids encode N = 2312 neurons but the weights' row count is 2000

// -----

%w, %ids = "test.op"() : () -> (tensor<2312x1466xf32>, tensor<48x1x24xi32, #snn.spikes<2312>>)
%cur = snn.gather_add %w, %ids : tensor<2312x1466xf32>, tensor<48x1x24xi32, #snn.spikes<2312>> -> tensor<48x1000xf32>
// CHECK: snn.gather_add current: shape [48, 1000] must be [48, 1466] (the ids' leading dims, then the weights' columns)

// -----

%v, %cur = "test.op"() : () -> (tensor<48x1466xf32>, tensor<48x1466xf32>)
%r = snn.lif %v, %cur {alpha = 1.5 : f32, threshold = 1.0 : f32, gain = 1.0 : f32} : tensor<48x1466xf32>, tensor<48x1466xf32> -> tensor<48x1466xf32>
// CHECK: snn.lif: alpha 1.5 is not in [0, 1]

// -----

%v, %cur = "test.op"() : () -> (tensor<48x1466xf32>, tensor<48x1466xf32>)
%r = snn.lif %v, %cur {alpha = 0.95 : f32, threshold = -1.0 : f32, gain = 1.0 : f32} : tensor<48x1466xf32>, tensor<48x1466xf32> -> tensor<48x1466xf32>
// CHECK: snn.lif: threshold -1.0 must be > 0

// -----

%v, %cur = "test.op"() : () -> (tensor<48x1466xf32>, tensor<48x1466xf32>)
%r = snn.lif %v, %cur {alpha = 0.95 : f32, threshold = 1.0 : f32, gain = 0.0 : f32} : tensor<48x1466xf32>, tensor<48x1466xf32> -> tensor<48x1466xf32>
// CHECK: snn.lif: gain 0.0 must be > 0

// -----

%v, %cur = "test.op"() : () -> (tensor<48x1466xf32>, tensor<48x1000xf32>)
%r = snn.lif %v, %cur {alpha = 0.95 : f32, threshold = 1.0 : f32, gain = 1.0 : f32} : tensor<48x1466xf32>, tensor<48x1000xf32> -> tensor<48x1466xf32>
// CHECK: snn.lif current: shape [48, 1000] must be [48, 1466] (the potential's shape)

// -----

%v, %cur = "test.op"() : () -> (tensor<48x1466xf32>, tensor<48x1466xf32>)
%r = snn.lif %v, %cur {alpha = 0.95 : f32, threshold = 1.0 : f32, gain = 1.0 : f32} : tensor<48x1466xf32>, tensor<48x1466xf32> -> tensor<1x48x1466xf32>
// CHECK: snn.lif result: shape [1, 48, 1466] must be [48, 1466] (the potential's shape)

// -----

%dvn, %v, %ds, %ids = "test.op"() : () -> (tensor<48x1466xf32>, tensor<48x1466xf32>, tensor<48x1x30xf32>, tensor<48x1x30xi32, #snn.spikes<1466>>)
%dv, %dcur = snn.lif_grad %dvn, %v, %ds, %ids {alpha = -0.5 : f32, threshold = 1.0 : f32, gain = 1.0 : f32} : tensor<48x1466xf32>, tensor<48x1466xf32>, tensor<48x1x30xf32>, tensor<48x1x30xi32, #snn.spikes<1466>> -> tensor<48x1466xf32>, tensor<48x1466xf32>
// CHECK: snn.lif_grad: alpha -0.5 is not in [0, 1]

// -----

%dvn, %v, %ds, %ids = "test.op"() : () -> (tensor<48x1000xf32>, tensor<48x1466xf32>, tensor<48x1x30xf32>, tensor<48x1x30xi32, #snn.spikes<1466>>)
%dv, %dcur = snn.lif_grad %dvn, %v, %ds, %ids {alpha = 0.95 : f32, threshold = 1.0 : f32, gain = 1.0 : f32} : tensor<48x1000xf32>, tensor<48x1466xf32>, tensor<48x1x30xf32>, tensor<48x1x30xi32, #snn.spikes<1466>> -> tensor<48x1466xf32>, tensor<48x1466xf32>
// CHECK: snn.lif_grad potential_grad: shape [48, 1000] must be [48, 1466] (the potential's shape)

// -----

%dvn, %v, %ds, %ids = "test.op"() : () -> (tensor<48x1466xf32>, tensor<48x1466xf32>, tensor<48x1x30xf32>, tensor<48x1x30xi32, #snn.spikes<1466>>)
%dv, %dcur = snn.lif_grad %dvn, %v, %ds, %ids {alpha = 0.95 : f32, threshold = 1.0 : f32, gain = 1.0 : f32} : tensor<48x1466xf32>, tensor<48x1466xf32>, tensor<48x1x30xf32>, tensor<48x1x30xi32, #snn.spikes<1466>> -> tensor<48x1466xf32>, tensor<47x1466xf32>
// CHECK: snn.lif_grad current_grad: shape [47, 1466] must be [48, 1466] (the potential's shape)

// -----

%dvn, %v, %ds = "test.op"() : () -> (tensor<48x1466xf32>, tensor<48x1466xf32>, tensor<48x1x30xf32>)
%dv, %dcur = snn.lif_grad %dvn, %v, %ds {alpha = 0.95 : f32, threshold = 1.0 : f32, gain = 1.0 : f32} : tensor<48x1466xf32>, tensor<48x1466xf32>, tensor<48x1x30xf32> -> tensor<48x1466xf32>, tensor<48x1466xf32>
// CHECK: snn.lif_grad spike_grad: shape [48, 1, 30] must be [48, 1466] (dense form: the potential's shape)

// -----

%dvn, %v, %ds, %ids = "test.op"() : () -> (tensor<48x1466xf32>, tensor<48x1466xf32>, tensor<48x1x30xf32>, tensor<48x1x30xi32, #snn.spikes<1000>>)
%dv, %dcur = snn.lif_grad %dvn, %v, %ds, %ids {alpha = 0.95 : f32, threshold = 1.0 : f32, gain = 1.0 : f32} : tensor<48x1466xf32>, tensor<48x1466xf32>, tensor<48x1x30xf32>, tensor<48x1x30xi32, #snn.spikes<1000>> -> tensor<48x1466xf32>, tensor<48x1466xf32>
// CHECK: snn.lif_grad: ids encode N = 1000 neurons but the potential's last dim is 1466

// -----

%dvn, %v, %ds, %ids = "test.op"() : () -> (tensor<48x1466xf32>, tensor<48x1466xf32>, tensor<2x1x30xf32>, tensor<2x1x30xi32, #snn.spikes<1466>>)
%dv, %dcur = snn.lif_grad %dvn, %v, %ds, %ids {alpha = 0.95 : f32, threshold = 1.0 : f32, gain = 1.0 : f32} : tensor<48x1466xf32>, tensor<48x1466xf32>, tensor<2x1x30xf32>, tensor<2x1x30xi32, #snn.spikes<1466>> -> tensor<48x1466xf32>, tensor<48x1466xf32>
// CHECK: snn.lif_grad: leading dims [2] of ids differ from [48] of the potential

// -----

%dvn, %v, %ds, %ids = "test.op"() : () -> (tensor<48x1466xf32>, tensor<48x1466xf32>, tensor<48x1x20xf32>, tensor<48x1x30xi32, #snn.spikes<1466>>)
%dv, %dcur = snn.lif_grad %dvn, %v, %ds, %ids {alpha = 0.95 : f32, threshold = 1.0 : f32, gain = 1.0 : f32} : tensor<48x1466xf32>, tensor<48x1466xf32>, tensor<48x1x20xf32>, tensor<48x1x30xi32, #snn.spikes<1466>> -> tensor<48x1466xf32>, tensor<48x1466xf32>
// CHECK: snn.lif_grad spike_grad: shape [48, 1, 20] must be [48, 1, 30] (list form: the ids' shape)

// -----

%dcur, %w, %ids = "test.op"() : () -> (tensor<48x1466xf32>, tensor<2312x1466xf32>, tensor<48x1x24xi32, #snn.spikes<2000>>)
%ds = snn.listed_grad %dcur, %w, %ids : tensor<48x1466xf32>, tensor<2312x1466xf32>, tensor<48x1x24xi32, #snn.spikes<2000>> -> tensor<48x1x24xf32>
// CHECK: snn.listed_grad: ids encode N = 2000 neurons but the weights row count is 2312

// -----

%dcur, %w, %ids = "test.op"() : () -> (tensor<48x1000xf32>, tensor<2312x1466xf32>, tensor<48x1x24xi32, #snn.spikes<2312>>)
%ds = snn.listed_grad %dcur, %w, %ids : tensor<48x1000xf32>, tensor<2312x1466xf32>, tensor<48x1x24xi32, #snn.spikes<2312>> -> tensor<48x1x24xf32>
// CHECK: snn.listed_grad: current_grad has 1000 columns but weights has 1466

// -----

%dcur, %w, %ids = "test.op"() : () -> (tensor<2x48x1466xf32>, tensor<2312x1466xf32>, tensor<48x1x24xi32, #snn.spikes<2312>>)
%ds = snn.listed_grad %dcur, %w, %ids : tensor<2x48x1466xf32>, tensor<2312x1466xf32>, tensor<48x1x24xi32, #snn.spikes<2312>> -> tensor<48x1x24xf32>
// CHECK: snn.listed_grad: leading dims [48] of ids differ from [2, 48] of current_grad

// -----

%dcur, %w, %ids = "test.op"() : () -> (tensor<48x1466xf32>, tensor<2312x1466xf32>, tensor<48x1x24xi32, #snn.spikes<2312>>)
%ds = snn.listed_grad %dcur, %w, %ids : tensor<48x1466xf32>, tensor<2312x1466xf32>, tensor<48x1x24xi32, #snn.spikes<2312>> -> tensor<48x24xf32>
// CHECK: snn.listed_grad spike_grad: shape [48, 24] must be [48, 1, 24] (the ids' shape)

// -----

%dw_acc, %dcur, %ids = "test.op"() : () -> (tensor<2000x1466xf32>, tensor<48x1466xf32>, tensor<48x1x24xi32, #snn.spikes<2312>>)
%dw = snn.scatter_add_rows %dw_acc, %dcur, %ids : tensor<2000x1466xf32>, tensor<48x1466xf32>, tensor<48x1x24xi32, #snn.spikes<2312>> -> tensor<2000x1466xf32>
// CHECK: snn.scatter_add_rows: ids encode N = 2312 neurons but the weights_grad row count is 2000

// -----

%dw_acc, %dcur, %ids = "test.op"() : () -> (tensor<2312x1466xf32>, tensor<48x1466xf32>, tensor<48x1x24xi32, #snn.spikes<2312>>)
%dw = snn.scatter_add_rows %dw_acc, %dcur, %ids : tensor<2312x1466xf32>, tensor<48x1466xf32>, tensor<48x1x24xi32, #snn.spikes<2312>> -> tensor<2312x1000xf32>
// CHECK: snn.scatter_add_rows result: shape [2312, 1000] must be [2312, 1466] (the weights_grad shape)

// -----

%g, %ids = "test.op"() : () -> (tensor<48x12xf32>, tensor<48x1x2xi32, #snn.spikes<10>>)
%ds = snn.pick %g, %ids : tensor<48x12xf32>, tensor<48x1x2xi32, #snn.spikes<10>> -> tensor<48x1x2xf32>
// CHECK: snn.pick: ids encode N = 10 neurons but the values' last dim is 12

// -----

%g, %ids = "test.op"() : () -> (tensor<4x10xf32>, tensor<48x1x2xi32, #snn.spikes<10>>)
%ds = snn.pick %g, %ids : tensor<4x10xf32>, tensor<48x1x2xi32, #snn.spikes<10>> -> tensor<48x1x2xf32>
// CHECK: snn.pick: leading dims [48] of ids differ from [4] of values

// -----

%g, %ids = "test.op"() : () -> (tensor<48x10xf32>, tensor<48x1x2xi32, #snn.spikes<10>>)
%ds = snn.pick %g, %ids : tensor<48x10xf32>, tensor<48x1x2xi32, #snn.spikes<10>> -> tensor<48x1x3xf32>
// CHECK: snn.pick picked: shape [48, 1, 3] must be [48, 1, 2] (the ids' shape)

// -----

%ids = "test.op"() : () -> tensor<48x1x2xi32, #snn.spikes<10>>
%c = snn.spike_counts %ids : tensor<48x1x2xi32, #snn.spikes<10>> -> tensor<10xf32>
// CHECK: snn.spike_counts: ids have leading dims [48]; a history is T x B... (at least 2 leading dims), summed over T

// -----

%ids = "test.op"() : () -> tensor<100x48x1x2xi32, #snn.spikes<10>>
%c = snn.spike_counts %ids : tensor<100x48x1x2xi32, #snn.spikes<10>> -> tensor<100x48x10xf32>
// CHECK: snn.spike_counts counts: shape [100, 48, 10] must be [48, 10] (the ids' leading dims after T, then N)

// -----

%c, %labels = "test.op"() : () -> (tensor<48x10xf32>, tensor<47xi32>)
%loss, %g = snn.cross_entropy %c, %labels : tensor<48x10xf32>, tensor<47xi32> -> tensor<f32>, tensor<48x10xf32>
// CHECK: snn.cross_entropy labels: shape [47] must be [48] (the counts' leading dims)

// -----

%c, %labels = "test.op"() : () -> (tensor<48x10xf32>, tensor<48xi32>)
%loss, %g = snn.cross_entropy %c, %labels : tensor<48x10xf32>, tensor<48xi32> -> tensor<f32>, tensor<48x11xf32>
// CHECK: snn.cross_entropy grad: shape [48, 11] must be [48, 10] (the counts' shape)

// -----

%plain = "test.op"() : () -> tensor<3x51x2xi32>
%same = snn.spikes_cast %plain : tensor<3x51x2xi32> to tensor<3x51x2xi32>
// CHECK: snn.spikes_cast must put a #snn.spikes encoding on or take it off exactly one side: tensor<3x51x2xi32> to tensor<3x51x2xi32>

// -----

%plain = "test.op"() : () -> tensor<3x51x2xi32>
%wider = snn.spikes_cast %plain : tensor<3x51x2xi32> to tensor<3x51x3xi32, #snn.spikes<1479>>
// CHECK: snn.spikes_cast keeps the shape and element type: tensor<3x51x2xi32> to tensor<3x51x3xi32, #snn.spikes<1479>>

// -----

%plain = "test.op"() : () -> tensor<3x51x40xi32>
%too_many = snn.spikes_cast %plain : tensor<3x51x40xi32> to tensor<3x51x40xi32, #snn.spikes<1479>>
// CHECK: capacity
