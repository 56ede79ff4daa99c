"""``t10-opt``: xDSL's opt driver with t10's dialects and passes registered.

Every ``xdsl-opt`` flag works unchanged. Unlike ``xdsl-opt``:

- every parsed operation carries its source location (``file:line:col``), as
  in MLIR, so verifier errors and pass diagnostics can point at the input;
- a malformed input, a verifier error or a failing pass is reported as its
  diagnostic alone (location, message, the offending IR) with exit status 1,
  never as a Python traceback, and an ``-o`` output file is not left behind
  half-written. Set ``T10_TRACEBACK=1`` to see the traceback of an error.
"""

import os
import sys
from collections.abc import Sequence
from typing import IO

from xdsl.dialects.builtin import FileLineColLoc, IntAttr, ModuleOp, StringAttr, UnknownLoc
from xdsl.ir import Operation
from xdsl.parser import Parser
from xdsl.utils.exceptions import (
    ArgSpecParseError,
    DiagnosticException,
    ParseError,
    VerifyException,
)
from xdsl.xdsl_opt_main import xDSLOptMain

from t10.dialects.linalg_ext import LinalgExtended
from t10.passes.diagnostics import format_location


class LocatingParser(Parser):
    """An xDSL parser that records each operation's source location."""

    def __init__(self, *args: object, first_line: int = 0, **kwargs: object):
        super().__init__(*args, **kwargs)  # pyright: ignore[reportArgumentType]
        self.first_line = first_line

    def parse_operation(self) -> Operation:
        where = self._current_token.span.get_location()
        op = super().parse_operation()
        if isinstance(op.location, UnknownLoc):
            op.location = FileLineColLoc(
                StringAttr(where.file),
                IntAttr(where.line + self.first_line),
                IntAttr(where.col),
            )
        return op

    def _parse_dialect_type_or_attribute_body(
        self,
        attr_name: str,
        is_type: bool,
        is_opaque: bool,
        starting_opaque_pos: int | None,
    ):
        # A type or attribute verifies while it is built, before any operation
        # holds it: turn its verifier error into a parse error at its text.
        start = self.pos
        try:
            return super()._parse_dialect_type_or_attribute_body(
                attr_name, is_type, is_opaque, starting_opaque_pos
            )
        except VerifyException as error:
            self.raise_error(f"{attr_name}: {error}", start, self.pos)


def failing_operation(module: ModuleOp) -> Operation | None:
    """The first operation of ``module`` whose own verifier rejects it."""
    for op in module.walk():
        try:
            op.verify(verify_nested_ops=False)
        except DiagnosticException:
            return op
    return None


def with_location(error: DiagnosticException, module: ModuleOp) -> DiagnosticException:
    """``error`` with the location of the operation that caused it prefixed."""
    op = failing_operation(module)
    where = None if op is None else format_location(op)
    if where is None:
        return error
    located = type(error)(f"{where}: error: {error}")
    for note in getattr(error, "__notes__", []):
        located.add_note(note)
    return located


class T10OptMain(xDSLOptMain):
    version_format = "t10-opt built from xdsl version {xdsl_version}"

    def __init__(self, args: Sequence[str] | None = None):
        super().__init__(description="t10 modular optimizer driver", args=args)

    def setup_pipeline(self):
        # As with mlir-opt's -verify-diagnostics, a parse error is one more
        # diagnostic to report: the remaining chunks of a split file still run.
        if self.args.verify_diagnostics:
            self.args.parsing_diagnostics = True
        super().setup_pipeline()

    def register_all_dialects(self):
        # xDSL's universe registers its own `linalg`; t10's extended dialect
        # takes its place before anything is loaded into the context.
        super().register_all_dialects()
        self.ctx._registered_dialects["linalg"] = lambda: LinalgExtended  # pyright: ignore[reportPrivateUsage]

    def parse_chunk(
        self, chunk: IO[bytes], file_extension: str, start_offset: int = 0
    ) -> ModuleOp | None:
        if file_extension != "mlir":
            return super().parse_chunk(chunk, file_extension, start_offset)
        parser = LocatingParser(
            self.ctx, chunk.read(), self.get_input_name(), first_line=start_offset
        )
        return parser.parse_module(not self.args.no_implicit_module)

    def apply_passes(self, prog: ModuleOp):
        try:
            super().apply_passes(prog)
        except DiagnosticException as error:
            raise with_location(error, prog) from error


def main(args: Sequence[str] | None = None) -> int:
    tool: T10OptMain | None = None
    try:
        tool = T10OptMain(args=args)
        tool.run()
    except (ParseError, DiagnosticException, ArgSpecParseError, ValueError, OSError) as error:
        if os.environ.get("T10_TRACEBACK"):
            raise
        if isinstance(error, ParseError | DiagnosticException):
            print(error, file=sys.stderr)
            for note in getattr(error, "__notes__", []):
                print(note, file=sys.stderr)
        else:
            print(f"t10-opt: error: {error}", file=sys.stderr)
        if tool is not None and tool.args.output_file and os.path.exists(tool.args.output_file):
            os.remove(tool.args.output_file)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
