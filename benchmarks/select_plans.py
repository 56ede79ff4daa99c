"""Benchmark of whole-model plan selection on BERT encoders (not a test).

Builds each encoder with ``t10.models.bert``, then times, side by side in one
run: parsing the MLIR, ``t10-partition`` (plan search for every operator;
identical operators are searched once) and ``t10-select-plans`` (the whole
function's choice). Prints the chosen plans' total cycles against the lower
bound of every operator at its fastest plan with unlimited memory and free
relayouts, and the peak bytes per core.

    .venv/bin/python benchmarks/select_plans.py [--chip ipu-mk2] [--layers 24]
"""

from __future__ import annotations

import argparse
import time

from xdsl.dialects.builtin import DictionaryAttr, IntegerAttr, ModuleOp
from xdsl.dialects.func import FuncOp

from t10.hwmodel.chip import load_chip
from t10.models.bert import BERT_BASE, BERT_LARGE, BertConfig, bert_encoder
from t10.passes.model_graph import ModelGraph
from t10.passes.partition import PartitionPass
from t10.passes.select_plans import SELECTION_ATTR, SelectPlansPass
from t10.tools.t10_opt import LocatingParser, T10OptMain


def _selection(module: ModuleOp) -> dict[str, int]:
    function = next(op for op in module.walk() if isinstance(op, FuncOp))
    totals = function.attributes[SELECTION_ATTR]
    assert isinstance(totals, DictionaryAttr)
    return {
        key: value.value.data
        for key, value in totals.data.items()
        if isinstance(value, IntegerAttr)
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chip", default="ipu-mk2")
    parser.add_argument("--layers", type=int, default=None, help="override every model's layers")
    arguments = parser.parse_args()
    chip = load_chip(arguments.chip)
    context = T10OptMain(args=[]).ctx
    models = [("BERT-base", BERT_BASE), ("BERT-large", BERT_LARGE)]
    print(f"chip {chip.name}")
    print(
        f"{'model':<12}{'layers':>7}{'operators':>10}{'parse s':>9}{'partition s':>12}"
        f"{'select s':>9}{'cycles':>11}{'lower bound':>12}{'peak KiB':>9}"
    )
    for name, preset in models:
        config = BertConfig(
            layers=arguments.layers or preset.layers,
            batch=preset.batch,
            seq=preset.seq,
            hidden=preset.hidden,
            heads=preset.heads,
            ffn=preset.ffn,
            dtype=preset.dtype,
        )
        text = bert_encoder(config)
        start = time.perf_counter()
        module = LocatingParser(context, text, f"{name}.mlir").parse_module()
        parsed = time.perf_counter()
        PartitionPass(chip=arguments.chip).apply(context, module)
        partitioned = time.perf_counter()
        SelectPlansPass(chip=arguments.chip).apply(context, module)
        selected = time.perf_counter()
        function = next(op for op in module.walk() if isinstance(op, FuncOp))
        operators = len(ModelGraph.build(function).operators)
        totals = _selection(module)
        print(
            f"{name:<12}{config.layers:>7}{operators:>10}{parsed - start:>9.2f}"
            f"{partitioned - parsed:>12.2f}{selected - partitioned:>9.2f}"
            f"{totals['cycles']:>11}{totals['fastest_cycles']:>12}"
            f"{totals['peak_bytes_per_core'] / 1024:>9.1f}"
        )


if __name__ == "__main__":
    main()
