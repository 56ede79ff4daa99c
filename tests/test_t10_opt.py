"""The t10-opt driver: registration, locations, and errors without tracebacks."""

from pathlib import Path

import pytest
from xdsl.context import Context
from xdsl.dialects.builtin import FileLineColLoc
from xdsl.dialects.func import Func, ReturnOp

from t10.tools.t10_opt import LocatingParser, main

GOOD = """\
func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  func.return %a : tensor<4xf32>
}
"""

WRONG_RESULT_TYPE = GOOD.replace("-> tensor<4xf32> {", "-> tensor<4xf16> {")


def test_parser_records_file_line_and_column():
    ctx = Context()
    ctx.load_dialect(Func)
    module = LocatingParser(ctx, GOOD, "model.mlir", first_line=10).parse_module()
    ret = next(op for op in module.walk() if isinstance(op, ReturnOp))
    assert isinstance(ret.location, FileLineColLoc)
    assert (ret.location.filename.data, ret.location.line.data, ret.location.column.data) == (
        "model.mlir",
        12,
        3,
    )


def test_round_trip_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    source = tmp_path / "good.mlir"
    source.write_text(GOOD)
    assert main([str(source)]) == 0
    assert "func.return %a : tensor<4xf32>" in capsys.readouterr().out


def test_verifier_error_is_located_and_exits_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    source = tmp_path / "bad.mlir"
    source.write_text(WRONG_RESULT_TYPE)
    assert main([str(source)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{source}:2:3: error: Expected arguments to have the same types")
    assert "Traceback" not in err


def test_failed_run_leaves_no_output_file(tmp_path: Path):
    source = tmp_path / "bad.mlir"
    source.write_text(WRONG_RESULT_TYPE)
    output = tmp_path / "out.mlir"
    assert main([str(source), "-o", str(output)]) == 1
    assert not output.exists()


def test_missing_input_file(capsys: pytest.CaptureFixture[str]):
    assert main(["/no/such/file.mlir"]) == 1
    assert "t10-opt: error:" in capsys.readouterr().err


def test_t10_dialects_are_registered():
    from t10.tools.t10_opt import T10OptMain

    registered = set(T10OptMain(args=[]).ctx.registered_dialect_names)
    assert {"rtensor", "shift", "tile", "linalg", "func", "tensor", "arith"} <= registered
