"""``t10-plan``: frontiers as a table or JSON, for a named operator or a file; one-line errors."""

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from t10.tools.t10_plan import main


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def plan_json(*args: str) -> dict[str, Any]:
    result = run(*args, "--chip", "small-16", "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_json_schema_of_a_matmul():
    document = plan_json("--op", "matmul", "--dims", "64,128,96")
    assert document["chip"] == "small-16"
    (op,) = document["ops"]
    assert op["name"] == "linalg.matmul"
    assert op["op_class"] == "contraction"
    # --dims are M,K,N; the loops are in the op's order (m, n, k).
    assert op["loops"] == {"m": 64, "n": 96, "k": 128}
    assert isinstance(op["plans_evaluated"], int) and op["plans_evaluated"] > 0
    assert isinstance(op["search_seconds"], float)
    frontier = op["frontier"]
    assert frontier
    for plan in frontier:
        assert len(plan["op_factors"]) == 3
        assert len(plan["temporal_factors"]) == 3
        assert all(len(row) == 3 for row in plan["temporal_factors"])
        assert all(isinstance(plan[key], int) for key in ("bytes_per_core", "cycles"))
        assert plan["bytes_per_core"] <= 64 * 1024
    costs = [(plan["bytes_per_core"], plan["cycles"]) for plan in frontier]
    assert costs == sorted(costs)
    # A Pareto frontier: each plan holding more bytes is faster.
    assert all(later[1] < earlier[1] for earlier, later in itertools.pairwise(costs))
    assert frontier[0]["op_factors"] == [1, 1, 16]
    assert frontier[-1]["op_factors"] == [4, 2, 2]


@pytest.mark.parametrize(
    ("op", "dims", "loops", "op_class"),
    [
        ("batch_matmul", "4,32,64,48", {"b": 4, "m": 32, "n": 48, "k": 64}, "contraction"),
        (
            "conv2d",
            "2,8,18,18,16,3,3",
            {"n": 2, "f": 16, "oh": 16, "ow": 16, "c": 8, "kh": 3, "kw": 3},
            "convolution",
        ),
        ("elementwise", "64,256", {"d0": 64, "d1": 256}, "elementwise"),
        ("softmax", "8,64,128", {"d0": 8, "d1": 64, "d2": 128}, "reduction"),
    ],
)
def test_every_named_operator(op: str, dims: str, loops: dict[str, int], op_class: str):
    (planned,) = plan_json("--op", op, "--dims", dims)["ops"]
    assert planned["loops"] == loops
    assert planned["op_class"] == op_class
    assert all(len(plan["op_factors"]) == len(loops) for plan in planned["frontier"])


def test_integer_elementwise():
    (planned,) = plan_json("--op", "elementwise", "--dims", "64,64", "--dtype", "i32")["ops"]
    assert planned["op_class"] == "elementwise"


MODEL = """\
func.func @two(%a: tensor<64x128xf16>, %b: tensor<128x96xf16>, %c: tensor<64x96xf16>,
               %d: tensor<64x96xf16>) -> tensor<64x96xf16> {
  %r = linalg.matmul ins(%a, %b : tensor<64x128xf16>, tensor<128x96xf16>)
                     outs(%c : tensor<64x96xf16>) -> tensor<64x96xf16>
  %s = linalg.add ins(%r, %d : tensor<64x96xf16>, tensor<64x96xf16>)
                  outs(%c : tensor<64x96xf16>) -> tensor<64x96xf16>
  func.return %s : tensor<64x96xf16>
}
"""


def test_file_plans_every_structured_op_named_by_location(tmp_path: Path):
    path = tmp_path / "model.mlir"
    path.write_text(MODEL)
    document = plan_json(str(path))
    assert [op["name"] for op in document["ops"]] == ["linalg.matmul@3:3", "linalg.add@5:3"]
    assert document["ops"][0]["loops"] == {"d0": 64, "d1": 96, "d2": 128}
    assert document["ops"][1]["op_class"] == "elementwise"


def test_human_table_marks_smallest_and_fastest():
    result = run("--op", "matmul", "--dims", "64,128,96", "--chip", "small-16")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "linalg.matmul: loops m=64 n=96 k=128 (contraction, f16) on small-16"
    assert lines[1].endswith("s, 8 on the frontier")
    assert lines[3].split()[:7] == [
        "KiB/core",
        "cycles",
        "µs",
        "compute",
        "shift",
        "sync",
        "reduce",
    ]
    rows = lines[4:]
    assert len(rows) == 8
    # 4096 bytes, 22602 cycles at 1.325 GHz.
    assert rows[0].split()[:3] == ["4.0", "22602", "17.1"]
    assert rows[0].endswith("[1, 1, 16]  [[1, 1, 1], [1, 1, 1], [4, 4, 1]]  smallest")
    assert rows[-1].endswith("fastest")
    assert not any(row.endswith(("smallest", "fastest")) for row in rows[1:-1])


def test_one_plan_is_both_smallest_and_fastest():
    result = run("--op", "softmax", "--dims", "8,64,128", "--chip", "small-16")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1].endswith("smallest, fastest")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--op", "matmul", "--dims", "64,128"], "--dims: matmul takes 3 dims M,K,N, got 2"),
        (["--op", "matmul", "--dims", "64,x,96"], "--dims: 'x' is not a positive integer"),
        (["--op", "matmul", "--dims", "64,0,96"], "--dims: '0' is not a positive integer"),
        (["--op", "conv2d", "--dims", "1,1,2,2,1,3,3"], "3x3 kernel is larger than the 2x2"),
        (["--op", "gemm", "--dims", "1,2,3"], "--op: unknown operator 'gemm'; operators are"),
        (["--op", "matmul", "--dims", "8,8,8", "--chip", "ipu-mk3"], "unknown chip preset"),
        (["--op", "matmul", "--dims", "8,8,8", "--dtype", "f64"], "no element type 'f64'"),
        (["--op", "matmul", "--dims", "8,8,8", "--dtype", "i4"], "no element type 'i4'"),
        (
            ["--op", "matmul", "--dims", "4096,4096,4096"],
            "cannot plan linalg.matmul: no plan fits: the smallest needs 8388608 bytes per core",
        ),
        (["--op", "matmul"], "give FILE, or --op and --dims"),
        (["no-such.mlir"], "no-such.mlir: cannot read: No such file or directory"),
        (["no-such.mlir", "--op", "matmul"], "give either FILE or --op/--dims/--dtype"),
    ],
)
def test_errors_are_one_line(args: list[str], message: str):
    result = run(*args, "--chip", "small-16") if "--chip" not in args else run(*args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("t10-plan: error: ")
    assert result.stderr.count("\n") == 1
    assert message in result.stderr


def test_file_errors(tmp_path: Path):
    malformed = tmp_path / "malformed.mlir"
    malformed.write_text("func.func @f(%a: tensor<4xf32>) {\n  func.return %a : tensor<4xf31>\n}\n")
    result = run(str(malformed))
    assert result.exit_code == 1
    # The parser's located diagnostic: position, source line, caret, message.
    assert result.stderr.startswith(f"t10-plan: error: {malformed}:2:29\n")
    assert "Expected shape type." in result.stderr

    too_big = tmp_path / "big.mlir"
    big = "tensor<4096x4096xf16>"
    too_big.write_text(
        f"func.func @f(%a: {big}, %b: {big}) -> {big} {{\n"
        f"  %r = linalg.matmul ins(%a, %b : {big}, {big}) outs(%a : {big}) -> {big}\n"
        f"  func.return %r : {big}\n}}\n"
    )
    result = run(str(too_big), "--chip", "small-16")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"t10-plan: error: {too_big}:2:3: cannot plan linalg.matmul: no plan fits"
    )

    empty = tmp_path / "empty.mlir"
    empty.write_text("func.func @f() {\n  func.return\n}\n")
    result = run(str(empty))
    assert result.exit_code == 1
    assert result.stderr == f"t10-plan: error: {empty}: no structured operator to plan\n"
