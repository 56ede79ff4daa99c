"""Helpers shared by the tests of t10's upstream linalg: parse with t10-opt's context, print in
custom or generic form, and ask upstream's iree-opt (the onnx extra) about the printing."""

from __future__ import annotations

import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

from xdsl.dialects.builtin import ModuleOp
from xdsl.printer import Printer

from t10.tools.t10_opt import LocatingParser, T10OptMain

IREE_OPT = Path(sys.executable).parent / "iree-opt"
CTX = T10OptMain(args=[]).ctx


def parse(text: str) -> ModuleOp:
    module = LocatingParser(CTX, text, "test.mlir").parse_module()
    module.verify()
    return module


def printed(module: ModuleOp, generic: bool = False) -> str:
    stream = StringIO()
    Printer(stream=stream, print_generic_format=generic).print_op(module)
    return stream.getvalue()


def anonymised(text: str) -> str:
    """``text`` with its values renamed ``%v0``, ``%v1``, ... in order of appearance."""
    names: dict[str, str] = {}
    return re.sub(r"%[\w.$-]+", lambda name: names.setdefault(name[0], f"%v{len(names)}"), text)


def assert_round_trips(text: str) -> None:
    """The custom printing of ``text`` reads back to itself, and so does its generic one."""
    custom = printed(parse(text))
    assert printed(parse(custom)) == custom
    assert printed(parse(printed(parse(custom), generic=True))) == custom


def assert_upstream_parses(text: str, generic: bool) -> None:
    """iree-opt reads t10's custom (or generic) printing of ``text``."""
    completed = subprocess.run(
        [str(IREE_OPT), "-", "-o", "/dev/null"],
        input=printed(parse(text), generic),
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr
