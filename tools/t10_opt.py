"""``t10-opt``: xDSL's opt driver with t10's dialects and passes registered.

Every ``xdsl-opt`` flag works unchanged. Unlike ``xdsl-opt``:

- every parsed operation carries its source location (``file:line:col``), as
  in MLIR, so verifier errors and pass diagnostics can point at the input;
- a malformed input, a verifier error or a failing pass is reported as its
  diagnostic alone (location, message, the offending IR) with exit status 1,
  never as a Python traceback, and an ``-o`` output file is not left behind
  half-written. Set ``T10_TRACEBACK=1`` to see the traceback of an error;
- ``--load PATH_OR_MODULE`` (repeatable) imports a Python file or module and
  registers the passes and dialects it defines, so ``-p`` can name them.
"""

import argparse
import importlib.util
import inspect
import math
import os
import sys
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import IO, TypeVar

from xdsl.dialects.builtin import (
    AnyDenseElement,
    BytesAttr,
    ComplexType,
    DenseIntOrFPElementsAttr,
    FileLineColLoc,
    IntAttr,
    ModuleOp,
    RankedStructure,
    StringAttr,
    TensorType,
    UnknownLoc,
)
from xdsl.ir import Dialect, Operation
from xdsl.parser import Parser
from xdsl.passes import ModulePass
from xdsl.utils.exceptions import (
    ArgSpecParseError,
    DiagnosticException,
    ParseError,
    VerifyException,
)
from xdsl.utils.mlir_lexer import MLIRTokenKind
from xdsl.xdsl_opt_main import xDSLOptMain

from t10.dialects.linalg_ext import LinalgExtended
from t10.passes.diagnostics import format_location

SPLAT_BYTES_LIMIT = 1 << 28
"""The largest splat constant, in bytes, the parser expands (256 MiB)."""


class LocatingParser(Parser):
    """An xDSL parser that records each operation's source location."""

    def __init__(self, *args: object, first_line: int = 0, **kwargs: object):
        super().__init__(*args, **kwargs)  # pyright: ignore[reportArgumentType]
        self.first_line = first_line
        self._line_starts: list[int] | None = None

    def _line_and_column(self, position: int) -> tuple[int, int]:
        """1-based line and column of ``position``; xDSL's ``Span.get_location`` counts
        the newlines before it every time, quadratic in a large model's op count."""
        source = self._current_token.span.input
        if self._line_starts is None:
            content, newline = source.content, source.newline
            starts = [0]
            index = content.find(newline)
            while index != -1:
                starts.append(index + len(newline))
                index = content.find(newline, index + len(newline))
            self._line_starts = starts
        line = bisect_right(self._line_starts, position)
        return line, position - self._line_starts[line - 1] + 1

    def parse_module(self, allow_implicit_module: bool = True) -> ModuleOp:
        # As mlir-opt reads it, an input of comments alone is an empty module
        # (a test file's header chunk); xDSL calls it unparsable.
        if allow_implicit_module and self._current_token.kind == MLIRTokenKind.EOF:
            return ModuleOp([])
        return super().parse_module(allow_implicit_module)

    def parse_operation(self) -> Operation:
        span = self._current_token.span
        line, column = self._line_and_column(span.start)
        op = super().parse_operation()
        if isinstance(op.location, UnknownLoc):
            op.location = FileLineColLoc(
                StringAttr(span.input.name),
                IntAttr(line + span.line_offset + self.first_line),
                IntAttr(column),
            )
        return op

    def parse_dense_int_or_fp_elements_attr(
        self, type: RankedStructure[AnyDenseElement] | None
    ) -> DenseIntOrFPElementsAttr:
        # xDSL expands a splat `dense<v>` into a Python list of every element
        # first (23 s for three million of them); one packed element repeated
        # costs a copy. Beyond SPLAT_BYTES_LIMIT the constant is refused with
        # a diagnostic rather than filling the host's memory.
        start = self.pos
        self.parse_punctuation("<", " in dense attribute")
        if self.parse_optional_str_literal() is not None or self._current_token.text == "[":
            self._resume_from(start)
            return super().parse_dense_int_or_fp_elements_attr(type)
        if self.parse_optional_punctuation(">") is not None:
            self._resume_from(start)
            return super().parse_dense_int_or_fp_elements_attr(type)
        values, shape = self._parse_tensor_literal()
        self.parse_punctuation(">", " in dense attribute")
        literal_type = type
        if literal_type is None:
            self.parse_punctuation(":", " in dense attribute")
            literal_type = self._parse_dense_literal_type()
        count = math.prod(literal_type.get_shape())
        element_type = literal_type.get_element_type()
        if shape or len(values) != 1 or count <= 1 or isinstance(element_type, ComplexType):
            self._resume_from(start)
            return super().parse_dense_int_or_fp_elements_attr(type)
        one = DenseIntOrFPElementsAttr.from_list(  # pyright: ignore[reportCallIssue]
            TensorType(element_type, [1]),  # pyright: ignore[reportArgumentType]
            [values[0].to_type(self, element_type)],  # pyright: ignore[reportArgumentType]
        )
        if len(one.data.data) * count > SPLAT_BYTES_LIMIT:
            self.raise_error(
                f"dense splat of {count} elements ({len(one.data.data) * count} bytes) is "
                f"larger than t10 holds in memory ({SPLAT_BYTES_LIMIT} bytes)",
                start,
                self.pos,
            )
        return DenseIntOrFPElementsAttr(literal_type, BytesAttr(one.data.data * count))

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
    """The first operation of ``module`` whose own verifier rejects it, nested operations
    before the ones holding them, in the order xDSL verifies them (a program's verifier may
    read its ops' properties only once those verified)."""
    for op in module.walk(region_first=True):
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


class LoadError(Exception):
    """A ``--load`` target that could not be imported or registered."""

    def __init__(self, target: str, reason: str):
        super().__init__(f"cannot load {target}: {reason}")


@dataclass(frozen=True)
class Extension:
    """The passes and dialects one ``--load`` target defines, by registered name."""

    target: str
    passes: dict[str, type[ModulePass]]
    dialects: dict[str, Dialect]


def import_target(target: str) -> ModuleType:
    """The module ``target`` names: a ``.py`` file path, else an importable module name."""
    if not target.endswith(".py"):
        return importlib.import_module(target)
    path = Path(target)
    # A private name, so a file called e.g. `json.py` shadows nothing; it must
    # be in sys.modules while it runs for dataclasses to resolve its fields.
    module_name = f"_t10_loaded_{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module


def defined_within(cls: type, package: str) -> bool:
    """Whether ``cls`` is defined in module ``package`` or in one of its submodules."""
    return cls.__module__ == package or cls.__module__.startswith(f"{package}.")


def load_extension(target: str) -> Extension:
    """
    Imports ``target`` (see `import_target`) and collects, among its module-level
    names, the concrete ``ModulePass`` subclasses and the ``Dialect`` instances
    defined in it (a file) or in its top-level package (a module name): what it
    imports from t10 or xDSL is left to them.
    """
    if target.endswith(".py") and not Path(target).is_file():
        raise LoadError(target, "no such file")
    try:
        module = import_target(target)
    except Exception as error:
        first_line = next(iter(str(error).splitlines()), "")
        raise LoadError(target, f"{type(error).__name__}: {first_line}") from error
    package = module.__name__.partition(".")[0]
    passes: dict[str, type[ModulePass]] = {}
    dialects: dict[str, Dialect] = {}
    for value in vars(module).values():
        if isinstance(value, Dialect):
            constructs = [*value.operations, *value.attributes]
            if any(defined_within(construct, package) for construct in constructs):
                dialects[value.name] = value
        elif (
            inspect.isclass(value)
            and issubclass(value, ModulePass)
            and defined_within(value, package)
            and not inspect.isabstract(value)
        ):
            pass_name = getattr(value, "name", None)
            if not isinstance(pass_name, str):
                raise LoadError(target, f"pass class {value.__name__} has no `name`")
            passes[pass_name] = value
    if not passes and not dialects:
        raise LoadError(target, "it defines no ModulePass subclass and no Dialect")
    return Extension(target, passes, dialects)


def requested_loads(args: Sequence[str] | None) -> list[str]:
    """
    The ``--load`` targets among ``args``, each once, in order. Read ahead of
    the full command line because the pipeline named by ``-p`` may need them.
    """
    load_parser = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    load_parser.add_argument("--load", action="append", default=[])
    try:
        known, _ = load_parser.parse_known_args(args)
    except argparse.ArgumentError:
        # The full parser reports a malformed --load with the usage line.
        return []
    return list(dict.fromkeys(known.load))


Registered = TypeVar("Registered")


def returning(value: Registered) -> Callable[[], Registered]:
    """A factory returning ``value``, as xDSL's registries expect."""
    return lambda: value


class T10OptMain(xDSLOptMain):
    version_format = "t10-opt built from xdsl version {xdsl_version}"

    def __init__(self, args: Sequence[str] | None = None):
        self.extensions = [load_extension(target) for target in requested_loads(args)]
        super().__init__(description="t10 modular optimizer driver", args=args)

    def register_all_arguments(self, arg_parser: argparse.ArgumentParser):
        super().register_all_arguments(arg_parser)
        arg_parser.add_argument(
            "--load",
            action="append",
            default=[],
            metavar="PATH_OR_MODULE",
            help="import a Python file (ending in .py) or module and register the "
            "ModulePass subclasses and Dialect instances it defines; repeatable",
        )

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
        for extension in self.extensions:
            for dialect_name, dialect in extension.dialects.items():
                if dialect_name in self.ctx.registered_dialect_names:
                    raise LoadError(
                        extension.target, f"dialect '{dialect_name}' is already registered"
                    )
                self.ctx.register_dialect(dialect_name, returning(dialect))

    def register_all_passes(self):
        super().register_all_passes()
        for extension in self.extensions:
            for pass_name, pass_class in extension.passes.items():
                if pass_name in self.available_passes:
                    raise LoadError(extension.target, f"pass '{pass_name}' is already registered")
                self.register_pass(pass_name, returning(pass_class))

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
    except (
        ParseError,
        DiagnosticException,
        ArgSpecParseError,
        LoadError,
        ValueError,
        OSError,
    ) as error:
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
