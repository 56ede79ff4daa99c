// t10-snn-lower reads a training step from the snn ops alone: this one is written by hand
// (its own names, zeros as dense constants, loops from 0 with rows i + 1 and 3 - j, the
// output layer's state carried first, no counts history, a generic's inputs swapped, the
// learning rate inside the update's body) and lowers as the builder's does, with its own
// LIF constants and learning rate. tests/test_snn_step.py simulates it and mutates it.
// RUN: t10-opt %s -p 't10-snn-lower{chip=small-16}' | filecheck %s

// CHECK:      tile.program @snn_train_step(%inputs: tensor<4x2x1x10xi32, #snn.spikes<10>>, %labels: tensor<2xi32>, %w1: tensor<10x6xf32>, %w2: tensor<6x3xf32>) -> (tensor<f32>, tensor<10x6xf32>, tensor<6x3xf32>, tensor<i32>, tensor<i32>)
// CHECK:      tile.repeat 3 counter %forward_step from 1 step 1 {
// CHECK:        snn.lif {{.*}} {alpha = 8.750000e-01 : f32, threshold = 7.500000e-01 : f32, gain = 1.500000e+00 : f32}
// CHECK:        snn.threshold_compact {{.*}} {threshold = 7.500000e-01 : f32}
// CHECK:      tile.repeat 3 counter %backward_step from 3 step -1 {
// CHECK:        snn.lif_grad {{.*}} {alpha = 8.750000e-01 : f32, threshold = 7.500000e-01 : f32, gain = 1.500000e+00 : f32}
// CHECK:      arith.constant 2.500000e-01 : f32
// CHECK:      tile.return

func.func @snn_train_step(%spikes_in: tensor<4x2x1x10xi32, #snn.spikes<10>>,
                          %targets: tensor<2xi32>,
                          %hidden_w: tensor<10x6xf32>,
                          %out_w: tensor<6x3xf32>)
    -> (tensor<f32>, tensor<10x6xf32>, tensor<6x3xf32>, tensor<i32>, tensor<i32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %no_ids_hidden = arith.constant dense<-1> : tensor<4x2x1x6xi32, #snn.spikes<6>>
  %no_ids_out = arith.constant dense<-1> : tensor<4x2x1x3xi32, #snn.spikes<3>>
  %rest_hidden = arith.constant dense<0.0> : tensor<4x2x6xf32>
  %rest_out = arith.constant dense<0.0> : tensor<4x2x3xf32>
  %none = arith.constant dense<0> : tensor<4x2x1xi32>
  // Rows i+1 from rows i, i = 0..2; the output layer's state is carried first.
  %fwd:6 = scf.for %i = %c0 to %c3 step %c1
      iter_args(%o_ids = %no_ids_out, %o_v = %rest_out, %o_lost = %none,
                %h_lost = %none, %h_ids = %no_ids_hidden, %h_v = %rest_hidden)
      -> (tensor<4x2x1x3xi32, #snn.spikes<3>>, tensor<4x2x3xf32>, tensor<4x2x1xi32>,
          tensor<4x2x1xi32>, tensor<4x2x1x6xi32, #snn.spikes<6>>, tensor<4x2x6xf32>) {
    %now = arith.addi %i, %c1 : index
    %o_v_before = tensor.extract_slice %o_v[%i, 0, 0] [1, 2, 3] [1, 1, 1] : tensor<4x2x3xf32> to tensor<2x3xf32>
    %h_ids_before = tensor.extract_slice %h_ids[%i, 0, 0, 0] [1, 2, 1, 6] [1, 1, 1, 1] : tensor<4x2x1x6xi32, #snn.spikes<6>> to tensor<2x1x6xi32, #snn.spikes<6>>
    %o_in = snn.gather_add %out_w, %h_ids_before : tensor<6x3xf32>, tensor<2x1x6xi32, #snn.spikes<6>> -> tensor<2x3xf32>
    %o_v_now = snn.lif %o_v_before, %o_in {alpha = 0.875 : f32, threshold = 0.75 : f32, gain = 1.5 : f32} : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
    %o_fired, %o_count, %o_drop = snn.threshold_compact %o_v_now {threshold = 0.75 : f32} : tensor<2x3xf32> -> tensor<2x1x3xi32, #snn.spikes<3>>, tensor<2x1xi32>, tensor<2x1xi32>
    %in_before = tensor.extract_slice %spikes_in[%i, 0, 0, 0] [1, 2, 1, 10] [1, 1, 1, 1] : tensor<4x2x1x10xi32, #snn.spikes<10>> to tensor<2x1x10xi32, #snn.spikes<10>>
    %h_v_before = tensor.extract_slice %h_v[%i, 0, 0] [1, 2, 6] [1, 1, 1] : tensor<4x2x6xf32> to tensor<2x6xf32>
    %h_in = snn.gather_add %hidden_w, %in_before : tensor<10x6xf32>, tensor<2x1x10xi32, #snn.spikes<10>> -> tensor<2x6xf32>
    %h_v_now = snn.lif %h_v_before, %h_in {alpha = 0.875 : f32, threshold = 0.75 : f32, gain = 1.5 : f32} : tensor<2x6xf32>, tensor<2x6xf32> -> tensor<2x6xf32>
    %h_fired, %h_count, %h_drop = snn.threshold_compact %h_v_now {threshold = 0.75 : f32} : tensor<2x6xf32> -> tensor<2x1x6xi32, #snn.spikes<6>>, tensor<2x1xi32>, tensor<2x1xi32>
    %o_ids2 = tensor.insert_slice %o_fired into %o_ids[%now, 0, 0, 0] [1, 2, 1, 3] [1, 1, 1, 1] : tensor<2x1x3xi32, #snn.spikes<3>> into tensor<4x2x1x3xi32, #snn.spikes<3>>
    %o_v2 = tensor.insert_slice %o_v_now into %o_v[%now, 0, 0] [1, 2, 3] [1, 1, 1] : tensor<2x3xf32> into tensor<4x2x3xf32>
    %o_lost2 = tensor.insert_slice %o_drop into %o_lost[%now, 0, 0] [1, 2, 1] [1, 1, 1] : tensor<2x1xi32> into tensor<4x2x1xi32>
    %h_lost2 = tensor.insert_slice %h_drop into %h_lost[%now, 0, 0] [1, 2, 1] [1, 1, 1] : tensor<2x1xi32> into tensor<4x2x1xi32>
    %h_ids2 = tensor.insert_slice %h_fired into %h_ids[%now, 0, 0, 0] [1, 2, 1, 6] [1, 1, 1, 1] : tensor<2x1x6xi32, #snn.spikes<6>> into tensor<4x2x1x6xi32, #snn.spikes<6>>
    %h_v2 = tensor.insert_slice %h_v_now into %h_v[%now, 0, 0] [1, 2, 6] [1, 1, 1] : tensor<2x6xf32> into tensor<4x2x6xf32>
    scf.yield %o_ids2, %o_v2, %o_lost2, %h_lost2, %h_ids2, %h_v2 : tensor<4x2x1x3xi32, #snn.spikes<3>>, tensor<4x2x3xf32>, tensor<4x2x1xi32>, tensor<4x2x1xi32>, tensor<4x2x1x6xi32, #snn.spikes<6>>, tensor<4x2x6xf32>
  }
  %rate = snn.spike_counts %fwd#0 : tensor<4x2x1x3xi32, #snn.spikes<3>> -> tensor<2x3xf32>
  %loss, %dloss = snn.cross_entropy %rate, %targets : tensor<2x3xf32>, tensor<2xi32> -> tensor<f32>, tensor<2x3xf32>
  %zero = arith.constant 0.0 : f32
  %e6x3 = tensor.empty() : tensor<6x3xf32>
  %g_out_w = linalg.fill ins(%zero : f32) outs(%e6x3 : tensor<6x3xf32>) -> tensor<6x3xf32>
  %g_hidden_w = arith.constant dense<0.0> : tensor<10x6xf32>
  %g_hidden_s = arith.constant dense<0.0> : tensor<2x1x6xf32>
  %g_hidden_v = arith.constant dense<0.0> : tensor<2x6xf32>
  %g_out_v = arith.constant dense<0.0> : tensor<2x3xf32>
  // Rows 3 - j from j = 0..2: t = 3, 2, 1.
  %bwd:5 = scf.for %j = %c0 to %c3 step %c1
      iter_args(%dw_out = %g_out_w, %ds_hidden = %g_hidden_s, %dv_hidden = %g_hidden_v,
                %dv_out = %g_out_v, %dw_hidden = %g_hidden_w)
      -> (tensor<6x3xf32>, tensor<2x1x6xf32>, tensor<2x6xf32>, tensor<2x3xf32>, tensor<10x6xf32>) {
    %t = arith.subi %c3, %j : index
    %c2 = arith.constant 2 : index
    %before = arith.subi %c2, %j : index
    %h_v_t = tensor.extract_slice %fwd#5[%t, 0, 0] [1, 2, 6] [1, 1, 1] : tensor<4x2x6xf32> to tensor<2x6xf32>
    %h_ids_t = tensor.extract_slice %fwd#4[%t, 0, 0, 0] [1, 2, 1, 6] [1, 1, 1, 1] : tensor<4x2x1x6xi32, #snn.spikes<6>> to tensor<2x1x6xi32, #snn.spikes<6>>
    %in_tb = tensor.extract_slice %spikes_in[%before, 0, 0, 0] [1, 2, 1, 10] [1, 1, 1, 1] : tensor<4x2x1x10xi32, #snn.spikes<10>> to tensor<2x1x10xi32, #snn.spikes<10>>
    %dv_h2, %di_h = snn.lif_grad %dv_hidden, %h_v_t, %ds_hidden, %h_ids_t {alpha = 0.875 : f32, threshold = 0.75 : f32, gain = 1.5 : f32} : tensor<2x6xf32>, tensor<2x6xf32>, tensor<2x1x6xf32>, tensor<2x1x6xi32, #snn.spikes<6>> -> tensor<2x6xf32>, tensor<2x6xf32>
    %dw_h2 = snn.scatter_add_rows %dw_hidden, %di_h, %in_tb : tensor<10x6xf32>, tensor<2x6xf32>, tensor<2x1x10xi32, #snn.spikes<10>> -> tensor<10x6xf32>
    %o_v_t = tensor.extract_slice %fwd#1[%t, 0, 0] [1, 2, 3] [1, 1, 1] : tensor<4x2x3xf32> to tensor<2x3xf32>
    %o_ids_t = tensor.extract_slice %fwd#0[%t, 0, 0, 0] [1, 2, 1, 3] [1, 1, 1, 1] : tensor<4x2x1x3xi32, #snn.spikes<3>> to tensor<2x1x3xi32, #snn.spikes<3>>
    %ds_o = snn.pick %dloss, %o_ids_t : tensor<2x3xf32>, tensor<2x1x3xi32, #snn.spikes<3>> -> tensor<2x1x3xf32>
    %dv_o2, %di_o = snn.lif_grad %dv_out, %o_v_t, %ds_o, %o_ids_t {alpha = 0.875 : f32, threshold = 0.75 : f32, gain = 1.5 : f32} : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x1x3xf32>, tensor<2x1x3xi32, #snn.spikes<3>> -> tensor<2x3xf32>, tensor<2x3xf32>
    %h_ids_tb = tensor.extract_slice %fwd#4[%before, 0, 0, 0] [1, 2, 1, 6] [1, 1, 1, 1] : tensor<4x2x1x6xi32, #snn.spikes<6>> to tensor<2x1x6xi32, #snn.spikes<6>>
    %dw_o2 = snn.scatter_add_rows %dw_out, %di_o, %h_ids_tb : tensor<6x3xf32>, tensor<2x3xf32>, tensor<2x1x6xi32, #snn.spikes<6>> -> tensor<6x3xf32>
    %ds_h2 = snn.listed_grad %di_o, %out_w, %h_ids_tb : tensor<2x3xf32>, tensor<6x3xf32>, tensor<2x1x6xi32, #snn.spikes<6>> -> tensor<2x1x6xf32>
    scf.yield %dw_o2, %ds_h2, %dv_h2, %dv_o2, %dw_h2 : tensor<6x3xf32>, tensor<2x1x6xf32>, tensor<2x6xf32>, tensor<2x3xf32>, tensor<10x6xf32>
  }
  %e10x6 = tensor.empty() : tensor<10x6xf32>
  %new_hidden_w = linalg.generic {indexing_maps = [affine_map<(r, c) -> (r, c)>, affine_map<(r, c) -> (r, c)>, affine_map<(r, c) -> (r, c)>], iterator_types = ["parallel", "parallel"]} ins(%bwd#4, %hidden_w : tensor<10x6xf32>, tensor<10x6xf32>) outs(%e10x6 : tensor<10x6xf32>) {
  ^bb0(%g: f32, %w: f32, %unused: f32):
    %lr = arith.constant 0.25 : f32
    %scaled = arith.mulf %g, %lr : f32
    %w2 = arith.subf %w, %scaled : f32
    linalg.yield %w2 : f32
  } -> tensor<10x6xf32>
  %new_out_w = linalg.generic {indexing_maps = [affine_map<(r, c) -> (r, c)>, affine_map<(r, c) -> (r, c)>, affine_map<(r, c) -> (r, c)>], iterator_types = ["parallel", "parallel"]} ins(%out_w, %bwd#0 : tensor<6x3xf32>, tensor<6x3xf32>) outs(%e6x3 : tensor<6x3xf32>) {
  ^bb0(%w: f32, %g: f32, %unused: f32):
    %lr = arith.constant 0.25 : f32
    %scaled = arith.mulf %lr, %g : f32
    %w2 = arith.subf %w, %scaled : f32
    linalg.yield %w2 : f32
  } -> tensor<6x3xf32>
  %nothing = arith.constant dense<0> : tensor<i32>
  %lost_hidden = linalg.generic {indexing_maps = [affine_map<(a, b, c) -> (a, b, c)>, affine_map<(a, b, c) -> ()>], iterator_types = ["reduction", "reduction", "reduction"]} ins(%fwd#3 : tensor<4x2x1xi32>) outs(%nothing : tensor<i32>) {
  ^bb0(%n: i32, %acc: i32):
    %s = arith.addi %n, %acc : i32
    linalg.yield %s : i32
  } -> tensor<i32>
  %lost_out = linalg.generic {indexing_maps = [affine_map<(a, b, c) -> (a, b, c)>, affine_map<(a, b, c) -> ()>], iterator_types = ["reduction", "reduction", "reduction"]} ins(%fwd#2 : tensor<4x2x1xi32>) outs(%nothing : tensor<i32>) {
  ^bb0(%n: i32, %acc: i32):
    %s = arith.addi %acc, %n : i32
    linalg.yield %s : i32
  } -> tensor<i32>
  func.return %loss, %new_hidden_w, %new_out_w, %lost_hidden, %lost_out : tensor<f32>, tensor<10x6xf32>, tensor<6x3xf32>, tensor<i32>, tensor<i32>
}
