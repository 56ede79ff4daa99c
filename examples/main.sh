#!/usr/bin/env bash
# The main job: read real models in upstream linalg, show the chip they run on,
# search every operator's plans, verify hand-written distributed plans at the
# rtensor, shift and tile levels, compile a BERT-base encoder layer into
# compute-shift schedules, then compile, simulate and check it and a small CNN
# against numpy with t10-run (per-operator report; exit status 1 on a mismatch), run
# an ONNX encoder layer through the front end against onnxruntime, and train a
# spiking network one step.
set -euo pipefail
cd "$(dirname "$0")"

step() { printf '\n== %s\n' "$*"; }

step "The default chip"
t10-chip show ipu-mk2

step "A two-layer MLP in upstream MLIR linalg, parsed, verified and printed back"
t10-opt mlp.mlir

step "Every operator's Pareto frontier of plans on the chip"
t10-plan mlp.mlir --chip ipu-mk2

step "A matmul distributed by a compute-shift plan (rtensor), verified"
t10-opt matmul_plan.mlir >/dev/null && echo "matmul_plan.mlir: plan verifies"

step "The same plan as an explicit rotation schedule (shift) and per-core program (tile)"
t10-opt matmul_shift.mlir >/dev/null && echo "shift schedule verifies"
t10-opt matmul_tile.mlir >/dev/null && echo "tile program verifies"

step "A plan that breaks the rules is rejected with a located diagnostic"
sed 's/temporal = \[2, 1, 1\]>$/temporal = [4, 1, 1]>/' matmul_plan.mlir > "${TMPDIR:-/tmp}/t10-bad-plan.mlir"
if t10-opt "${TMPDIR:-/tmp}/t10-bad-plan.mlir" >/dev/null; then
    echo "error: the broken plan was accepted" >&2
    exit 1
fi

step "A BERT-base encoder layer (batch 1, seq 128, fp16) compiled to compute-shift schedules"
out="${TMPDIR:-/tmp}/t10-bert-base-layer.shift.mlir"
t10-opt bert_base_layer.mlir -p 't10-compile{chip=ipu-mk2 summary=true to-tile=false}' -o "$out"
echo "$(grep -c 'shift.schedule' "$out") schedules and $(grep -c 'rtensor.relayout' "$out") relayouts written to $out"

step "The same layer compiled to tile IR, simulated and checked against numpy"
t10-run bert_base_layer.mlir --chip ipu-mk2

step "A small CNN (conv, ReLU, max pooling, classifier; fp32) on the 16-core test chip"
t10-run small_cnn.mlir --chip small-16

step "An ONNX transformer encoder layer nobody here wrote as linalg: imported by torch-mlir, canonicalised, simulated, checked against onnxruntime"
onnx_model="${TMPDIR:-/tmp}/t10-encoder.onnx"
python -m t10.models.onnx_models encoder -o "$onnx_model"
t10-run "$onnx_model" --chip small-16 --reference onnxruntime

step "A spiking network's training step (forward, BPTT, SGD) compiled sparse and dense, simulated and checked"
t10-bench snn --sizes 200,100,10 --timesteps 20 --batch 8 --activity 0.05,0.2 --chip small-16
