"""Benchmark of the per-operator plan search on large operators (not a test).

Plans each operator below on a chip (ipu-mk2 by default) and prints, per
operator, the candidates the search enumerates (``enumerated``: every valid
plan, most of them ruled out by bounds without being built), the plans it prices
in full (``priced``), the search time, and the frontier's two extremes, next to
the published T10 planner's figures (where it priced every plan it enumerated)
where there are some.
Each operator is searched once, from a cold cache; the time includes writing
the operator as linalg and parsing it.

    .venv/bin/python benchmarks/plan_search.py [--chip ipu-mk2] [--only matmul]
"""

from __future__ import annotations

import argparse
import time

from t10.hwmodel.chip import load_chip
from t10.tools.t10_plan import OPERATORS as OPERATOR_KINDS
from t10.tools.t10_plan import plan_named_operator

# (op, dims, what the published T10 planner did for it on one thread: plans
# evaluated, seconds, smallest plan (KiB/core, cycles), fastest plan (KiB, cycles)).
PUBLISHED: dict[
    tuple[str, tuple[int, ...]], tuple[int, float, tuple[float, int], tuple[float, int]]
] = {
    ("matmul", (128, 5120, 15360)): (293_482, 261.0, (111.6, 2_115_329), (482.3, 157_968)),
}

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


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--chip", default="ipu-mk2")
    parser.add_argument(
        "--only", choices=sorted(OPERATOR_KINDS), help="benchmark one kind of operator"
    )
    args = parser.parse_args()
    chip = load_chip(args.chip)
    print(f"chip {chip.name}: {chip.cores} cores x {chip.sram_kib_per_core} KiB")
    header = (
        f"{'operator':<34} {'enumerated':>10} {'priced':>8} {'seconds':>8}  "
        f"{'smallest KiB':>12} {'cycles':>10}  {'fastest KiB':>11} {'cycles':>9}"
    )
    print(header)
    for op, dims in OPERATORS:
        if args.only and op != args.only:
            continue
        start = time.perf_counter()
        result = plan_named_operator(op, ",".join(map(str, dims)), "f16", chip).result
        seconds = time.perf_counter() - start
        smallest, fastest = result.smallest, result.fastest
        name = f"{op} {'x'.join(map(str, dims))}"
        print(
            f"{name:<34} {result.plans_evaluated:>10,} {result.plans_priced:>8,} {seconds:>8.2f}  "
            f"{smallest.bytes_per_core / 1024:>12.1f} {smallest.cycles:>10,}  "
            f"{fastest.bytes_per_core / 1024:>11.1f} {fastest.cycles:>9,}"
        )
        published = PUBLISHED.get((op, dims))
        if published and chip.name == "ipu-mk2":
            plans, published_seconds, (small_kib, small_cycles), (fast_kib, fast_cycles) = published
            print(
                f"{'  published T10':<34} {plans:>10,} {plans:>8,} {published_seconds:>8.2f}  "
                f"{small_kib:>12.1f} {small_cycles:>10,}  {fast_kib:>11.1f} {fast_cycles:>9,}"
            )
            print(
                f"{'  ratio (T10 / ours)':<54} {published_seconds / seconds:>7.0f}x  "
                f"{small_kib * 1024 / smallest.bytes_per_core:>12.3f} "
                f"{small_cycles / smallest.cycles:>10.2f}  "
                f"{fast_kib * 1024 / fastest.bytes_per_core:>11.3f} "
                f"{fast_cycles / fastest.cycles:>9.3f}"
            )


if __name__ == "__main__":
    main()
