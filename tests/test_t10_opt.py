"""The t10-opt driver: registration, locations, and errors without tracebacks."""

import sys
from pathlib import Path

import pytest
from xdsl.context import Context
from xdsl.dialects.builtin import FileLineColLoc
from xdsl.dialects.func import Func, ReturnOp

from t10.tools.t10_opt import (
    LoadError,
    LocatingParser,
    T10OptMain,
    load_extension,
    main,
    requested_loads,
)

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
    registered = set(T10OptMain(args=[]).ctx.registered_dialect_names)
    assert {"rtensor", "shift", "tile", "linalg", "func", "tensor", "arith"} <= registered


EXAMPLE_PASS = Path(__file__).parent.parent / "examples" / "passes" / "annotate_compute_steps.py"

PLANNED = """\
%r = "test.op"() {t10.plan = #rtensor.plan<op_factors = [4, 2], temporal = [[1, 2], [1, 2]]>} \
: () -> tensor<4xf32>
"""

PASS_HEADER = """\
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
"""

OWN_PASS_AND_DIALECT = (
    PASS_HEADER
    + """\
from xdsl.dialects.linalg import Linalg
from xdsl.ir import Dialect
from xdsl.irdl import IRDLOperation, irdl_op_definition

from t10.dialects.rtensor import RTensor
from t10.passes.partition import PartitionPass


class Base(ModulePass):
    pass


@dataclass(frozen=True)
class MinePass(Base):
    name = "mine"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        pass


@irdl_op_definition
class MarkOp(IRDLOperation):
    name = "mine.mark"


Mine = Dialect("mine", [MarkOp], [])
"""
)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_load_collects_what_a_file_defines(tmp_path: Path):
    # Not the imported PartitionPass, Linalg or RTensor, nor the abstract Base.
    extension = load_extension(write(tmp_path, "mine.py", OWN_PASS_AND_DIALECT))
    assert list(extension.passes) == ["mine"]
    assert extension.passes["mine"].__name__ == "MinePass"
    assert list(extension.dialects) == ["mine"]


def test_load_imports_a_module_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # The package re-exports what a submodule defines.
    package = tmp_path / "my_t10_passes"
    package.mkdir()
    (package / "__init__.py").write_text("from my_t10_passes.impl import Mine, MinePass\n")
    (package / "impl.py").write_text(OWN_PASS_AND_DIALECT)
    monkeypatch.syspath_prepend(str(tmp_path))
    extension = load_extension("my_t10_passes")
    assert (list(extension.passes), list(extension.dialects)) == (["mine"], ["mine"])


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (None, "no such file"),
        ("def broken(:\n", "SyntaxError: invalid syntax"),
        ("raise RuntimeError('no chip')\n", "RuntimeError: no chip"),
        ("STEPS = 4\n", "it defines no ModulePass subclass and no Dialect"),
        (
            PASS_HEADER + "@dataclass(frozen=True)\nclass Unnamed(ModulePass):\n"
            "    def apply(self, ctx: Context, op: ModuleOp) -> None:\n        pass\n",
            "pass class Unnamed has no `name`",
        ),
    ],
)
def test_load_failure_names_the_reason(tmp_path: Path, source: str | None, reason: str):
    target = str(tmp_path / "extension.py")
    if source is not None:
        write(tmp_path, "extension.py", source)
    with pytest.raises(LoadError) as failure:
        load_extension(target)
    assert str(failure.value).startswith(f"cannot load {target}: {reason}")


def test_failed_file_import_leaves_no_module_behind(tmp_path: Path):
    with pytest.raises(LoadError):
        load_extension(write(tmp_path, "broken_ext.py", "raise RuntimeError('no chip')\n"))
    assert "_t10_loaded_broken_ext" not in sys.modules


def test_missing_module_name():
    with pytest.raises(LoadError) as failure:
        load_extension("no_such_pkg.passes")
    assert str(failure.value) == (
        "cannot load no_such_pkg.passes: ModuleNotFoundError: No module named 'no_such_pkg'"
    )


def test_requested_loads_in_order_once():
    args = ["in.mlir", "--load", "a.py", "-p", "x", "--load=pkg.passes", "--load", "a.py"]
    assert requested_loads(args) == ["a.py", "pkg.passes"]


def test_malformed_load_is_left_to_the_full_parser(capsys: pytest.CaptureFixture[str]):
    assert requested_loads(["in.mlir", "--load"]) == []
    with pytest.raises(SystemExit):
        main(["in.mlir", "--load"])
    assert "argument --load: expected one argument" in capsys.readouterr().err


def test_loaded_pass_runs_with_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    source = write(tmp_path, "planned.mlir", PLANNED)
    pipeline = "annotate-compute-steps{attribute=steps}"
    assert main([source, "--load", str(EXAMPLE_PASS), "-p", pipeline]) == 0
    assert "steps = 2 : i64" in capsys.readouterr().out


def test_loaded_pass_and_dialect_are_registered(tmp_path: Path):
    tool = T10OptMain(args=["--load", write(tmp_path, "mine.py", OWN_PASS_AND_DIALECT)])
    assert "mine" in tool.available_passes
    assert "mine" in tool.ctx.registered_dialect_names


def test_same_target_twice_loads_once(tmp_path: Path):
    target = write(tmp_path, "mine.py", OWN_PASS_AND_DIALECT)
    assert "mine" in T10OptMain(args=["--load", target, "--load", target]).available_passes


def test_pass_name_clash(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    first = write(tmp_path, "first.py", OWN_PASS_AND_DIALECT)
    second = write(
        tmp_path, "second.py", OWN_PASS_AND_DIALECT.replace('Dialect("mine"', 'Dialect("other"')
    )
    assert main(["--load", first, "--load", second]) == 1
    assert capsys.readouterr().err == (
        f"t10-opt: error: cannot load {second}: pass 'mine' is already registered\n"
    )


def test_traceback_on_request(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("T10_TRACEBACK", "1")
    with pytest.raises(LoadError) as failure:
        main(["--load", write(tmp_path, "boom.py", "raise RuntimeError('no chip')\n")])
    assert isinstance(failure.value.__cause__, RuntimeError)
