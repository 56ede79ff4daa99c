// RUN: t10-opt %s | t10-opt | filecheck %s
// RUN: t10-opt %s --print-op-generic | t10-opt | filecheck %s

%v = "test.op"() : () -> tensor<48x1466xf32>
%ids, %counts, %dropped = snn.threshold_compact %v {threshold = 1.0 : f32} : tensor<48x1466xf32> -> tensor<48x1x30xi32, #snn.spikes<1466>>, tensor<48x1xi32>, tensor<48x1xi32>
// CHECK: %ids, %counts, %dropped = snn.threshold_compact %v {threshold = 1.000000e+00 : f32} : tensor<48x1466xf32> -> tensor<48x1x30xi32, #snn.spikes<1466>>, tensor<48x1xi32>, tensor<48x1xi32>

%w, %in_ids = "test.op"() : () -> (tensor<2312x1466xf32>, tensor<48x1x24xi32, #snn.spikes<2312>>)
%cur = snn.gather_add %w, %in_ids : tensor<2312x1466xf32>, tensor<48x1x24xi32, #snn.spikes<2312>> -> tensor<48x1466xf32>
// CHECK: %cur = snn.gather_add %w, %in_ids : tensor<2312x1466xf32>, tensor<48x1x24xi32, #snn.spikes<2312>> -> tensor<48x1466xf32>

%v_next = snn.lif %v, %cur {alpha = 0.95 : f32, threshold = 1.0 : f32, gain = 1.0 : f32} : tensor<48x1466xf32>, tensor<48x1466xf32> -> tensor<48x1466xf32>
// CHECK: %v_next = snn.lif %v, %cur {alpha = 9.500000e-01 : f32, threshold = 1.000000e+00 : f32, gain = 1.000000e+00 : f32} : tensor<48x1466xf32>, tensor<48x1466xf32> -> tensor<48x1466xf32>

%ds = "test.op"() : () -> tensor<48x1x30xf32>
%dv, %dcur = snn.lif_grad %v_next, %v, %ds, %ids {alpha = 0.95 : f32, threshold = 1.0 : f32, gain = 1.0 : f32} : tensor<48x1466xf32>, tensor<48x1466xf32>, tensor<48x1x30xf32>, tensor<48x1x30xi32, #snn.spikes<1466>> -> tensor<48x1466xf32>, tensor<48x1466xf32>
// CHECK: %dv, %dcur = snn.lif_grad %v_next, %v, %ds, %ids {alpha = 9.500000e-01 : f32, threshold = 1.000000e+00 : f32, gain = 1.000000e+00 : f32} : tensor<48x1466xf32>, tensor<48x1466xf32>, tensor<48x1x30xf32>, tensor<48x1x30xi32, #snn.spikes<1466>> -> tensor<48x1466xf32>, tensor<48x1466xf32>

%dv_dense, %dcur_dense = snn.lif_grad %v_next, %v, %cur {alpha = 0.95 : f32, threshold = 1.0 : f32, gain = 1.0 : f32} : tensor<48x1466xf32>, tensor<48x1466xf32>, tensor<48x1466xf32> -> tensor<48x1466xf32>, tensor<48x1466xf32>
// CHECK: %dv_dense, %dcur_dense = snn.lif_grad %v_next, %v, %cur {alpha = 9.500000e-01 : f32, threshold = 1.000000e+00 : f32, gain = 1.000000e+00 : f32} : tensor<48x1466xf32>, tensor<48x1466xf32>, tensor<48x1466xf32> -> tensor<48x1466xf32>, tensor<48x1466xf32>

%ds_prev = snn.listed_grad %dcur, %w, %in_ids : tensor<48x1466xf32>, tensor<2312x1466xf32>, tensor<48x1x24xi32, #snn.spikes<2312>> -> tensor<48x1x24xf32>
// CHECK: %ds_prev = snn.listed_grad %dcur, %w, %in_ids : tensor<48x1466xf32>, tensor<2312x1466xf32>, tensor<48x1x24xi32, #snn.spikes<2312>> -> tensor<48x1x24xf32>

%dw = snn.scatter_add_rows %w, %dcur, %in_ids : tensor<2312x1466xf32>, tensor<48x1466xf32>, tensor<48x1x24xi32, #snn.spikes<2312>> -> tensor<2312x1466xf32>
// CHECK: %dw = snn.scatter_add_rows %w, %dcur, %in_ids : tensor<2312x1466xf32>, tensor<48x1466xf32>, tensor<48x1x24xi32, #snn.spikes<2312>> -> tensor<2312x1466xf32>

%g, %out_ids = "test.op"() : () -> (tensor<48x10xf32>, tensor<48x1x2xi32, #snn.spikes<10>>)
%ds_out = snn.pick %g, %out_ids : tensor<48x10xf32>, tensor<48x1x2xi32, #snn.spikes<10>> -> tensor<48x1x2xf32>
// CHECK: %ds_out = snn.pick %g, %out_ids : tensor<48x10xf32>, tensor<48x1x2xi32, #snn.spikes<10>> -> tensor<48x1x2xf32>

%history = "test.op"() : () -> tensor<100x48x1x2xi32, #snn.spikes<10>>
%c = snn.spike_counts %history : tensor<100x48x1x2xi32, #snn.spikes<10>> -> tensor<48x10xf32>
// CHECK: %c = snn.spike_counts %history : tensor<100x48x1x2xi32, #snn.spikes<10>> -> tensor<48x10xf32>

%labels = "test.op"() : () -> tensor<48xi32>
%loss, %dc = snn.cross_entropy %c, %labels : tensor<48x10xf32>, tensor<48xi32> -> tensor<f32>, tensor<48x10xf32>
// CHECK: %loss, %dc = snn.cross_entropy %c, %labels : tensor<48x10xf32>, tensor<48xi32> -> tensor<f32>, tensor<48x10xf32>

// Several leading dims (a T x B history) and several segments (one per core):
// segment width ceil(1466 / 4) = 367 bounds the capacity.
%vh = "test.op"() : () -> tensor<100x48x1466xf32>
%ids4, %counts4, %dropped4 = snn.threshold_compact %vh {threshold = 0.5 : f32} : tensor<100x48x1466xf32> -> tensor<100x48x4x367xi32, #snn.spikes<1466>>, tensor<100x48x4xi32>, tensor<100x48x4xi32>
// CHECK: %ids4, %counts4, %dropped4 = snn.threshold_compact %vh {threshold = 5.000000e-01 : f32} : tensor<100x48x1466xf32> -> tensor<100x48x4x367xi32, #snn.spikes<1466>>, tensor<100x48x4xi32>, tensor<100x48x4xi32>

// A per-core buffer's ids viewed as a list over a weight block's 1479 rows, and back.
%recv = "test.op"() : () -> tensor<3x51x2xi32>
%listed = snn.spikes_cast %recv : tensor<3x51x2xi32> to tensor<3x51x2xi32, #snn.spikes<1479>>
%plain = snn.spikes_cast %listed : tensor<3x51x2xi32, #snn.spikes<1479>> to tensor<3x51x2xi32>
// CHECK: %listed = snn.spikes_cast %recv : tensor<3x51x2xi32> to tensor<3x51x2xi32, #snn.spikes<1479>>
// CHECK-NEXT: %plain = snn.spikes_cast %listed : tensor<3x51x2xi32, #snn.spikes<1479>> to tensor<3x51x2xi32>
