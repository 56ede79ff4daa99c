"""``t10-opt``: xDSL's opt driver with t10's dialects and passes registered.

Every ``xdsl-opt`` flag works unchanged. Unlike ``xdsl-opt``:

- every parsed operation carries its source location (``file:line:col``), as
  in MLIR, so verifier errors and pass diagnostics can point at the input;
- a malformed input, a verifier error or a failing pass is reported as its
  diagnostic alone (location, message, the offending IR) with exit status 1,
  never as a Python traceback. Set ``T10_TRACEBACK=1`` to see the traceback of
  an error;
- the parser checks what MLIR's does and xDSL's does not: a value is used
  where its definition dominates the use, and one never defined is reported at
  its first use; a dimension fits in 64 bits, as does a shape's element count;
  input that is not UTF-8 is reported at its first bad byte;
- ``-o FILE`` is written whole or not at all (``tools/output_files.py``): only
  when every chunk was processed, through a temporary file renamed over
  ``FILE``; ``FILE`` may be the input (which is read in full first); a device
  or a pipe is written in place;
- pass options take every spelling of a number (``memory-fraction=1``,
  ``5e-1``, ``.5``), and a value that does not fit its option names the pass
  and the option;
- ``--load PATH_OR_MODULE`` (repeatable) imports a Python file or module and
  registers the passes and dialects it defines, so ``-p`` can name them.
"""

import argparse
import dataclasses
import importlib.util
import inspect
import io
import math
import os
import re
import sys
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType, NoneType, UnionType
from typing import IO, Any, TypeVar, Union, get_args, get_origin, get_type_hints

from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
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
from xdsl.ir import Dialect, Operation, OpResult, SSAValue
from xdsl.parser import Parser, UnresolvedOperand
from xdsl.passes import ModulePass, PassPipeline
from xdsl.utils.arg_spec import ArgSpec, parse_pipeline
from xdsl.utils.exceptions import (
    ArgSpecParseError,
    DiagnosticException,
    ParseError,
    VerifyException,
)
from xdsl.utils.hints import isa
from xdsl.utils.lexer import Span
from xdsl.utils.mlir_lexer import MLIRTokenKind
from xdsl.xdsl_opt_main import xDSLOptMain

from t10.dialects.linalg_ext import LinalgExtended
from t10.dialects.memref_ext import MemRefExtended
from t10.passes.diagnostics import format_location
from t10.tools.output_files import OutputFileError, check_output, write_file

SPLAT_BYTES_LIMIT = 1 << 28
"""The largest splat constant, in bytes, the parser expands (256 MiB)."""

MAX_DIMENSION = (1 << 63) - 1
"""The largest dimension and the largest element count of a shape: MLIR holds both
in 64-bit signed integers, and so do t10's planner and simulator."""


_OP_NAME = re.compile(r'(?:[%\w#:, ]*=\s*)?"?([\w.$-]+)')
"""The name of an operation at the start of its text: past its results, if any."""


class InputError(Exception):
    """An input file that cannot be read: ``model.mlir: cannot read: ...``."""


@dataclass(frozen=True)
class ForwardUse:
    """Uses of a value parsed before its definition: where the first one is, the value
    they turned out to name and the operations using it."""

    name: str
    first_use: Span[str]
    value: SSAValue
    users: tuple[Operation, ...]


class LocatingParser(Parser):
    """An xDSL parser that records each operation's source location."""

    def __init__(self, *args: object, first_line: int = 0, **kwargs: object):
        super().__init__(*args, **kwargs)  # pyright: ignore[reportArgumentType]
        self.first_line = first_line
        self._line_starts: list[int] | None = None
        self._first_forward_use: dict[str, Span[str]] = {}
        self._forward_uses: list[ForwardUse] = []

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
        try:
            module = super().parse_module(allow_implicit_module)
        except ParseError:
            # xDSL reports undefined values at the end of the input, without their uses.
            if self.forward_ssa_references:
                self._raise_undefined_value()
            raise
        self._check_forward_uses()
        return module

    def resolve_operand(self, operand: UnresolvedOperand, type: Any) -> SSAValue:
        name = operand.operand_name
        if name not in self.ssa_values:
            self._first_forward_use.setdefault(name, operand.span)
        return super().resolve_operand(operand, type)

    def _register_ssa_definition(
        self, name: str, values: Sequence[SSAValue], span: Span[str]
    ) -> None:
        forward = self.forward_ssa_references.get(name, {})
        # The placeholders' uses are their users' operands until the definition
        # replaces them.
        used = [
            (index, tuple(use.operation for use in value.uses)) for index, value in forward.items()
        ]
        super()._register_ssa_definition(name, values, span)
        first_use = self._first_forward_use.pop(name, None)
        if first_use is None:
            return
        for index, users in used:
            self._forward_uses.append(ForwardUse(name, first_use, values[index], users))

    def _raise_undefined_value(self) -> None:
        names = sorted(
            (name for name in self.forward_ssa_references if name in self._first_forward_use),
            key=lambda name: self._first_forward_use[name].start,
        )
        if not names:
            return
        others = ", ".join(f"%{name}" for name in names[1:])
        self.raise_error(
            f"%{names[0]} is used but never defined" + (f" (nor is {others})" if others else ""),
            self._first_forward_use[names[0]],
        )

    def _check_forward_uses(self) -> None:
        """A value used before its definition, in the same block or in an operation that
        comes before it, is an error at its first use, as MLIR's dominance check says.
        Only the module's body is a graph region, where order does not matter; uses in
        other blocks of a multi-block region would need the control flow graph."""
        for forward in self._forward_uses:
            if not isinstance(forward.value, OpResult):
                continue
            definer = forward.value.op
            block = definer.parent_block()
            if block is None or isinstance(block.parent_op(), ModuleOp):
                continue
            if any(block.find_ancestor_op_in_block(user) is not None for user in forward.users):
                where = format_location(definer)
                self.raise_error(
                    f"%{forward.name} is used before its definition"
                    + (f" at {where}" if where is not None else "")
                    + ": a value must be defined before the operations that use it",
                    forward.first_use,
                )

    def parse_shape_dimension(self, allow_dynamic: bool = True) -> int:
        span = self._current_token.span
        dimension = super().parse_shape_dimension(allow_dynamic)
        if dimension > MAX_DIMENSION:
            self.raise_error(
                f"dimension {dimension} does not fit in 64 bits (at most {MAX_DIMENSION})", span
            )
        return dimension

    def parse_dimension_list(self) -> list[int]:
        start = self.pos
        dimensions = super().parse_dimension_list()
        elements = math.prod(extent for extent in dimensions if extent != DYNAMIC_INDEX)
        if elements > MAX_DIMENSION:
            self.raise_error(
                f"a shape of {elements} elements does not fit in 64 bits (at most {MAX_DIMENSION})",
                start,
                self.pos,
            )
        return dimensions

    def parse_operation(self) -> Operation:
        span = self._current_token.span
        line, column = self._line_and_column(span.start)
        try:
            op = super().parse_operation()
        except (AssertionError, IndexError) as error:
            # xDSL's custom parsers of some ops build their bodies without checking the
            # operands first: linalg's elementwise named ops assert on complex numbers,
            # a linalg.fill without `ins` indexes a missing operand.
            name = _OP_NAME.match(span.input.content, span.start)
            reason = (
                "does not take its operand types (t10 computes on integers and floats)"
                if isinstance(error, AssertionError)
                else "finds fewer operands than the op takes (is `ins` or `outs` missing?)"
            )
            self.raise_error(
                f"cannot parse this {name.group(1) if name else 'operation'}: xDSL's parser "
                f"of it {reason}",
                span.start,
                self.pos,
            )
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
        if self.parse_optional_str_literal() is not None:
            self._resume_from(start)
            try:
                return super().parse_dense_int_or_fp_elements_attr(type)
            except ParseError as error:
                # xDSL reports a bad string literal after the type that follows it.
                self.raise_error(error.msg, start, start + 1)
        if self._current_token.text == "[":
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


class HeldOutput(io.StringIO):
    """The ``-o`` output, held until the run has succeeded: xDSL closes the stream it
    writes to, which would discard a plain ``StringIO``'s text."""

    text = ""

    def close(self) -> None:
        self.text = self.getvalue()
        super().close()


def utf8_text(raw: bytes, source: str, first_line: int = 0) -> str:
    """``raw`` decoded as UTF-8; otherwise a diagnostic at the first bad byte of ``source``
    (whose first line is line ``first_line + 1``)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1 + first_line
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise DiagnosticException(
            f"{source}:{line}:{column}: error: not UTF-8 text: byte 0x{raw[error.start]:02x} "
            f"({error.reason})"
        ) from error


_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_BARE_NUMBER = re.compile(rf"(?<=[=,])(\s*)({_NUMBER})(?=\s*[,}}]|\s)")


def quote_numbers(pipeline: str) -> str:
    """``pipeline`` with every bare number of an option value quoted: xDSL's lexer reads
    ``1`` as an integer, ``0.5`` as a float and fails on ``.5``, so the value is converted
    by the option's type instead (see :func:`option_value`)."""
    pieces: list[str] = []
    position = 0
    for quoted in _QUOTED.finditer(pipeline):
        pieces.append(_BARE_NUMBER.sub(r'\1"\2"', pipeline[position : quoted.start()]))
        pieces.append(quoted.group())
        position = quoted.end()
    pieces.append(_BARE_NUMBER.sub(r'\1"\2"', pipeline[position:]))
    return "".join(pieces)


class PassOptionError(ValueError):
    """A pass option whose value does not fit its type, or an option the pass lacks."""


def _union_members(hint: Any) -> tuple[Any, ...]:
    """The types ``hint`` allows: its members if it is a union, else itself."""
    return get_args(hint) if get_origin(hint) in (UnionType, Union) else (hint,)


def _describe_type(hint: Any) -> str:
    members = _union_members(hint)
    if len(members) > 1:
        return " or ".join(
            "nothing" if member is NoneType else _describe_type(member) for member in members
        )
    if get_origin(hint) is tuple:
        return f"a list of {_describe_type(get_args(hint)[0]).split(' ', 1)[-1]}s"
    names: dict[Any, str] = {
        float: "a number",
        int: "an integer",
        bool: "true or false",
        str: "a string",
    }
    return names.get(hint, str(hint))


def _scalar_value(given: Any, hint: Any) -> Any:
    """``given`` (a bare number arrives as a string: see :func:`quote_numbers`) as a
    value of type ``hint`` where it spells one."""
    if not isinstance(given, str):
        return given
    members = _union_members(hint)
    if float in members and re.fullmatch(_NUMBER, given):
        return float(given)
    if int in members and re.fullmatch(r"[+-]?\d+", given):
        return int(given)
    return given


def option_value(pass_name: str, option: str, values: tuple[Any, ...], hint: Any) -> Any:
    """The value of ``option`` of pass ``pass_name`` given as ``values``, as the pass's
    field of type ``hint`` holds it; a value of another type is a
    :class:`PassOptionError` naming the pass and the option."""
    if get_origin(hint) is tuple:
        element = get_args(hint)[0]
        converted: Any = tuple(_scalar_value(value, element) for value in values)
        if isa(converted, hint):
            return converted
    elif len(values) == 1:
        converted = _scalar_value(values[0], hint)
        if isa(converted, hint):
            return converted
    elif not values and NoneType in _union_members(hint):
        return None
    given = ",".join(str(value) for value in values) or "nothing"
    raise PassOptionError(
        f"{pass_name}: option {option} expects {_describe_type(hint)}, got {given}"
    )


def build_pass(pass_class: type[ModulePass], spec: ArgSpec) -> ModulePass:
    """The pass ``spec`` describes, each option's value converted to its field's type;
    an option the pass lacks or requires, or a value that does not fit, names the pass
    and the option."""
    hints = get_type_hints(pass_class)
    fields = [field for field in dataclasses.fields(pass_class) if field.init]
    names = {field.name for field in fields}
    options: dict[str, Any] = {}
    for option, values in spec.parameters.items():
        field_name = option.replace("-", "_")
        if field_name not in names:
            known = ", ".join(sorted(name.replace("_", "-") for name in names)) or "none"
            raise PassOptionError(f"{spec.name}: no option {option}; its options are {known}")
        options[field_name] = option_value(spec.name, option, values, hints[field_name])
    for field in fields:
        required = (
            field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
        )
        if required and field.name not in options:
            raise PassOptionError(
                f"{spec.name}: option {field.name.replace('_', '-')} is required "
                f"({_describe_type(hints[field.name])})"
            )
    return pass_class(**options)


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
        # xDSL's pipeline parser takes an option's value by how it is spelled, not by the
        # option's type: build the passes here, with xDSL's callback between them.
        pipeline_text = self.args.passes
        self.args.passes = ""
        try:
            super().setup_pipeline()
        finally:
            self.args.passes = pipeline_text
        specs = list(parse_pipeline(quote_numbers(pipeline_text)))
        unknown = [spec.name for spec in specs if spec.name not in self.available_passes]
        if unknown:
            raise ValueError(f"Unrecognized passes: {unknown}")
        self.pipeline = PassPipeline(
            tuple(build_pass(self.available_passes[spec.name](), spec) for spec in specs),
            self.pipeline.callback,
        )

    def get_input_stream(self) -> tuple[IO[bytes], str]:
        try:
            return super().get_input_stream()
        except OSError as error:
            raise InputError(
                f"{self.args.input_file}: cannot read: {error.strerror or error}"
            ) from error

    def prepare_output(self) -> IO[str]:
        if self.args.output_file is None:
            return super().prepare_output()
        self.held_output = HeldOutput()
        return self.held_output

    def run(self):
        self.held_output: HeldOutput | None = None
        if self.args.output_file is not None:
            check_output(Path(self.args.output_file), "-o")
        super().run()
        if self.held_output is not None:
            write_file(Path(str(self.args.output_file)), self.held_output.text, "-o")

    def register_all_dialects(self):
        # xDSL's universe registers its own `linalg` and `memref`; t10's extended
        # dialects take their place before anything is loaded into the context.
        super().register_all_dialects()
        self.ctx._registered_dialects["linalg"] = lambda: LinalgExtended  # pyright: ignore[reportPrivateUsage]
        self.ctx._registered_dialects["memref"] = lambda: MemRefExtended  # pyright: ignore[reportPrivateUsage]
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
        text = utf8_text(chunk.read(), self.get_input_name(), start_offset)
        parser = LocatingParser(self.ctx, text, self.get_input_name(), first_line=start_offset)
        return parser.parse_module(not self.args.no_implicit_module)

    def apply_passes(self, prog: ModuleOp):
        try:
            super().apply_passes(prog)
        except DiagnosticException as error:
            raise with_location(error, prog) from error


def main(args: Sequence[str] | None = None) -> int:
    try:
        T10OptMain(args=args).run()
    except (
        ParseError,
        DiagnosticException,
        ArgSpecParseError,
        LoadError,
        InputError,
        OutputFileError,
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
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
