"""Benchmark of the per-operator plan search on large operators (not a test).

Plans each operator below on a chip (ipu-mk2 by default) and prints, per
operator, the candidates the search enumerates (``enumerated``: every valid
plan, most of them ruled out by bounds without being built), the plans it prices
in full (``priced``), the search time, and the frontier's two extremes, next to
the published T10 planner's figures (where it priced every plan it enumerated)
where there are some.
Each operator is searched once, from a cold cache; the time includes writing
the operator as linalg and parsing it.

Besides the operators ``t10-plan --op`` names, the 5-loop head-split
contractions of BERT-large at batch 8 (``python -m t10.models.bert --batch 8
--hidden 1024 --heads 16``) are written as ``linalg.generic``: the Q/K/V
projection ``out[b,h,s,d] = sum_e x[b,s,e] * w[e,h,d]`` and the output
projection ``out[b,s,o] = sum_{h,d} ctx[b,h,s,d] * w[h,d,o]``.

    .venv/bin/python benchmarks/plan_search.py [--chip ipu-mk2] [--only matmul]
"""

from __future__ import annotations

import argparse
import math
import time
from dataclasses import dataclass

from xdsl.parser import Parser

from t10.hwmodel.chip import Chip, load_chip
from t10.passes.iteration_space import IterationSpace
from t10.passes.partition import plan_op, structured_ops
from t10.passes.plan_search import Plan, SearchResult
from t10.tools.t10_opt import T10OptMain
from t10.tools.t10_plan import OPERATORS as OPERATOR_KINDS
from t10.tools.t10_plan import plan_named_operator

# (op, dims, what the published T10 planner did for it on one thread: plans
# evaluated, seconds, smallest plan (KiB/core, cycles), fastest plan (KiB, cycles)).
Published = tuple[int, float, tuple[float, int], tuple[float, int]]

PUBLISHED: dict[tuple[str, tuple[int, ...]], Published] = {
    ("matmul", (128, 5120, 15360)): (293_482, 261.0, (111.6, 2_115_329), (482.3, 157_968)),
}

COMPARISON_TOLERANCE = 0.05
"""How close each end of the frontier must come to the published T10's (issue 19)."""

OPERATORS: list[tuple[str, tuple[int, ...]]] = [
    ("matmul", (128, 5120, 15360)),
    ("matmul", (1024, 4096, 1024)),
    ("matmul", (2048, 1024, 4096)),
    ("matmul", (8192, 8192, 8192)),
    ("batch_matmul", (96, 128, 64, 128)),
    ("batch_matmul", (16, 512, 512, 64)),
    ("conv2d", (1, 3, 230, 230, 64, 7, 7)),
    ("conv2d", (8, 64, 58, 58, 64, 3, 3)),
    ("conv2d", (32, 256, 16, 16, 256, 3, 3)),
]

GENERIC = "generic"
"""What ``--only`` calls the contractions written as ``linalg.generic``."""


@dataclass(frozen=True)
class Contraction:
    """``out[output] = sum lhs[lhs] * rhs[rhs]``, each letter a loop; the loops not in
    ``output`` are reductions."""

    loops: dict[str, int]
    """Each loop's extent, in the op's loop order."""
    lhs: str
    rhs: str
    output: str

    @property
    def name(self) -> str:
        return f"{self.lhs},{self.rhs}->{self.output} {'x'.join(map(str, self.loops.values()))}"

    def linalg(self) -> str:
        """A function applying the contraction as a ``linalg.generic`` on f16 tensors."""
        loop_list = ", ".join(self.loops)
        maps = ", ".join(
            f"affine_map<({loop_list}) -> ({', '.join(indices)})>"
            for indices in (self.lhs, self.rhs, self.output)
        )
        iterators = ", ".join(
            '"parallel"' if loop in self.output else '"reduction"' for loop in self.loops
        )
        lhs, rhs, out = (
            f"tensor<{'x'.join(str(self.loops[loop]) for loop in indices)}xf16>"
            for indices in (self.lhs, self.rhs, self.output)
        )
        return (
            f"func.func @operator(%lhs: {lhs}, %rhs: {rhs}, %out: {out}) -> {out} {{\n"
            f"  %result = linalg.generic {{indexing_maps = [{maps}], iterator_types = "
            f"[{iterators}]}} ins(%lhs, %rhs : {lhs}, {rhs}) outs(%out : {out}) {{\n"
            "  ^bb0(%a: f16, %b: f16, %acc: f16):\n"
            "    %product = arith.mulf %a, %b : f16\n"
            "    %sum = arith.addf %acc, %product : f16\n"
            "    linalg.yield %sum : f16\n"
            f"  }} -> {out}\n"
            f"  func.return %result : {out}\n"
            "}\n"
        )

    def plan(self, chip: Chip) -> SearchResult:
        module = Parser(T10OptMain(args=[]).ctx, self.linalg(), self.name).parse_module()
        module.verify()
        (structured,) = structured_ops(module)
        return plan_op(structured, chip)


CONTRACTIONS: list[Contraction] = [
    Contraction({"b": 8, "h": 16, "s": 128, "d": 64, "e": 1024}, "bse", "ehd", "bhsd"),
    Contraction({"b": 8, "s": 128, "o": 1024, "h": 16, "d": 64}, "bhsd", "hdo", "bso"),
]


IDLE_MARK = "*"
"""Follows the KiB of a plan that leaves some cores' range along a loop entirely padding."""


def kib(plan: Plan, space: IterationSpace) -> str:
    idle = any(
        factor > math.ceil(extent / math.ceil(extent / factor))
        for factor, extent in zip(plan.op_factors, space.loop_extents, strict=True)
    )
    return f"{plan.bytes_per_core / 1024:.1f}{IDLE_MARK if idle else ' '}"


def print_row(name: str, result: SearchResult, seconds: float) -> None:
    smallest, fastest = result.smallest, result.fastest
    print(
        f"{name:<40} {result.plans_evaluated:>10,} {result.plans_priced:>8,} {seconds:>8.2f}  "
        f"{kib(smallest, result.space):>13} {smallest.cycles:>10,}  "
        f"{kib(fastest, result.space):>12} {fastest.cycles:>9,}"
    )


def within(ratio: float) -> str:
    """``ratio`` (ours / T10's) as a signed percentage, and whether it is within 5 %."""
    verdict = "within 5 %" if abs(ratio - 1) <= COMPARISON_TOLERANCE else "NOT within 5 %"
    return f"{(ratio - 1) * 100:+.1f} % ({verdict})"


def print_comparison(result: SearchResult, seconds: float, published: Published) -> None:
    """The published T10 row, then how the frontier's ends compare with it."""
    plans, published_seconds, (small_kib, small_cycles), (fast_kib, fast_cycles) = published
    smallest, fastest = result.smallest, result.fastest
    print(
        f"{'  published T10':<40} {plans:>10,} {plans:>8,} {published_seconds:>8.2f}  "
        f"{small_kib:>12.1f}  {small_cycles:>10,}  {fast_kib:>11.1f}  {fast_cycles:>9,}"
    )
    print(f"  t10 against T10: search {published_seconds / seconds:.0f}x faster")
    print(
        "    smallest plan: memory "
        f"{within(smallest.bytes_per_core / 1024 / small_kib)}, cycles "
        f"{smallest.cycles / small_cycles:.2f}x T10's"
    )
    print(
        "    fastest plan:  cycles "
        f"{within(fastest.cycles / fast_cycles)}, memory "
        f"{fastest.bytes_per_core / 1024 / fast_kib:.3f}x T10's"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--chip", default="ipu-mk2")
    parser.add_argument(
        "--only",
        choices=[*sorted(OPERATOR_KINDS), GENERIC],
        help="benchmark one kind of operator",
    )
    args = parser.parse_args()
    chip = load_chip(args.chip)
    print(f"chip {chip.name}: {chip.cores} cores x {chip.sram_kib_per_core} KiB")
    header = (
        f"{'operator':<40} {'enumerated':>10} {'priced':>8} {'seconds':>8}  "
        f"{'smallest KiB':>13} {'cycles':>10}  {'fastest KiB':>12} {'cycles':>9}"
    )
    print(header)
    for op, dims in OPERATORS:
        if args.only and op != args.only:
            continue
        start = time.perf_counter()
        result = plan_named_operator(op, ",".join(map(str, dims)), "f16", chip).result
        seconds = time.perf_counter() - start
        print_row(f"{op} {'x'.join(map(str, dims))}", result, seconds)
        published = PUBLISHED.get((op, dims))
        if published and chip.name == "ipu-mk2":
            print_comparison(result, seconds, published)
    for contraction in CONTRACTIONS:
        if args.only and args.only != GENERIC:
            continue
        start = time.perf_counter()
        result = contraction.plan(chip)
        seconds = time.perf_counter() - start
        print_row(f"{GENERIC} {contraction.name}", result, seconds)
    print(
        f"{IDLE_MARK} the plan leaves some cores' range along a loop entirely padding: those "
        "cores compute nothing and pass rotating pieces on"
    )


if __name__ == "__main__":
    main()
