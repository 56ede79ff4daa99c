"""``t10-plan``: the Pareto frontier of plans of one operator, or of every operator in a file.

- ``t10-plan --op matmul --dims 128,5120,15360 [--dtype f16] [--chip ipu-mk2] [--json]``
  plans one operator, written as upstream linalg from its name and sizes:

  ============  ==========================  =================================
  ``--op``      ``--dims``                  loops (in the op's loop order)
  ============  ==========================  =================================
  matmul        M,K,N                       m, n, k
  batch_matmul  B,M,K,N                     b, m, n, k
  conv2d        N,C,H,W,F,KH,KW             n, f, oh, ow, c, kh, kw
  elementwise   the tensor's dims           d0, d1, ... (a ``linalg.generic`` add)
  softmax       the tensor's dims           d0, d1, ... (the last one normalised)
  ============  ==========================  =================================

  (``conv2d`` is ``linalg.conv_2d_nchw_fchw`` with stride and dilation 1.)
- ``t10-plan model.mlir [--chip ...] [--json]`` plans every structured operator
  of an MLIR file, naming each ``linalg.matmul@LINE:COL`` by its location.

The human form prints, per operator, its loops, op class and search effort,
then the frontier from the smallest plan to the fastest. ``--json`` prints
one object: ``{"chip", "ops": [{"name", "op_class", "loops": {name: extent},
"plans_evaluated", "plans_priced", "search_seconds", "frontier": [plan, ...]}]}``, each plan
as ``Plan.to_json`` gives it plus its time in microseconds (``time_us``), the
frontier sorted by bytes per core.

Any error (bad option, unknown chip, unreadable or malformed file, an operator
that cannot be planned) is one ``t10-plan: error: ...`` message on stderr,
with exit status 1 and no traceback.
"""

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import click
from xdsl.context import Context
from xdsl.dialects.builtin import FileLineColLoc
from xdsl.ir import Operation
from xdsl.utils.exceptions import DiagnosticException, ParseError

from t10.hwmodel.chip import Chip, ChipFileError, load_chip
from t10.passes.diagnostics import format_location
from t10.passes.iteration_space import PlanningError
from t10.passes.partition import plan_op, structured_ops
from t10.passes.plan_search import Plan, SearchResult
from t10.tools.t10_opt import MAX_DIMENSION, LocatingParser, T10OptMain, utf8_text, with_location


class PlanCommandError(Exception):
    """A one-line reason ``t10-plan`` stops."""


def _tensor_type(shape: Sequence[int], dtype: str) -> str:
    return f"tensor<{'x'.join(str(extent) for extent in shape)}x{dtype}>"


def _operator_function(
    head: str,
    inputs: Sequence[Sequence[int]],
    output: Sequence[int],
    dtype: str,
    body: str = "",
) -> str:
    """
    A function applying one destination-style operator, ``head ins(...)
    outs(...) body -> type``, to its arguments: the inputs, then the output.
    """
    input_types = [_tensor_type(shape, dtype) for shape in inputs]
    output_type = _tensor_type(output, dtype)
    input_names = [f"%in{position}" for position in range(len(inputs))]
    arguments = ", ".join(
        f"{name}: {tensor_type}" for name, tensor_type in zip(input_names, input_types, strict=True)
    )
    return (
        f"func.func @operator({arguments}, %out: {output_type}) -> {output_type} {{\n"
        f"  %result = {head} ins({', '.join(input_names)} : {', '.join(input_types)}) "
        f"outs(%out : {output_type}){body} -> {output_type}\n"
        f"  func.return %result : {output_type}\n"
        "}\n"
    )


def _matmul(dims: Sequence[int], dtype: str) -> str:
    m, k, n = dims
    return _operator_function("linalg.matmul", [(m, k), (k, n)], (m, n), dtype)


def _batch_matmul(dims: Sequence[int], dtype: str) -> str:
    b, m, k, n = dims
    return _operator_function("linalg.batch_matmul", [(b, m, k), (b, k, n)], (b, m, n), dtype)


def _conv2d(dims: Sequence[int], dtype: str) -> str:
    batch, channels, height, width, filters, kernel_height, kernel_width = dims
    if kernel_height > height or kernel_width > width:
        raise PlanCommandError(
            f"--dims: the {kernel_height}x{kernel_width} kernel is larger than the "
            f"{height}x{width} image"
        )
    return _operator_function(
        "linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, "
        "strides = dense<1> : tensor<2xi64>}",
        [(batch, channels, height, width), (filters, channels, kernel_height, kernel_width)],
        (batch, filters, height - kernel_height + 1, width - kernel_width + 1),
        dtype,
    )


def _elementwise(dims: Sequence[int], dtype: str) -> str:
    loops = ", ".join(f"d{loop}" for loop in range(len(dims)))
    identity = f"affine_map<({loops}) -> ({loops})>"
    parallel = ", ".join(['"parallel"'] * len(dims))
    add = "arith.addi" if re.fullmatch(r"[su]?i\d+", dtype) else "arith.addf"
    body = (
        f" {{\n  ^bb0(%lhs: {dtype}, %rhs: {dtype}, %acc: {dtype}):\n"
        f"    %sum = {add} %lhs, %rhs : {dtype}\n"
        f"    linalg.yield %sum : {dtype}\n  }}"
    )
    return _operator_function(
        f"linalg.generic {{indexing_maps = [{identity}, {identity}, {identity}], "
        f"iterator_types = [{parallel}]}}",
        [dims, dims],
        dims,
        dtype,
        body,
    )


def _softmax(dims: Sequence[int], dtype: str) -> str:
    return _operator_function(f"linalg.softmax dimension({len(dims) - 1})", [dims], dims, dtype)


@dataclass(frozen=True)
class OperatorKind:
    """An operator ``--op`` names: how its ``--dims`` read and how to write it as linalg."""

    dims: tuple[str, ...] | None
    """Names of the ``--dims`` it takes, in order; None for a tensor's dims, any rank."""
    loops: tuple[str, ...] | None
    """Names of its loops in the op's loop order; None for d0, d1, ..."""
    build: Callable[[Sequence[int], str], str]
    """The MLIR text of a function applying it to sizes ``dims`` of a dtype."""


OPERATORS: dict[str, OperatorKind] = {
    "matmul": OperatorKind(("M", "K", "N"), ("m", "n", "k"), _matmul),
    "batch_matmul": OperatorKind(("B", "M", "K", "N"), ("b", "m", "n", "k"), _batch_matmul),
    "conv2d": OperatorKind(
        ("N", "C", "H", "W", "F", "KH", "KW"), ("n", "f", "oh", "ow", "c", "kh", "kw"), _conv2d
    ),
    "elementwise": OperatorKind(None, None, _elementwise),
    "softmax": OperatorKind(None, None, _softmax),
}


def parse_dims(text: str, op: str) -> list[int]:
    """The sizes ``--dims`` gives (comma-separated positive integers) for operator ``op``."""
    dims: list[int] = []
    for field in text.split(","):
        if not re.fullmatch(r"\s*\d+\s*", field) or int(field) == 0:
            raise PlanCommandError(f"--dims: '{field.strip()}' is not a positive integer")
        if int(field) > MAX_DIMENSION:
            raise PlanCommandError(
                f"--dims: {int(field)} does not fit in 64 bits (at most {MAX_DIMENSION})"
            )
        dims.append(int(field))
    expected = OPERATORS[op].dims
    if expected is None and math.prod(dims) > MAX_DIMENSION:
        raise PlanCommandError(
            f"--dims: a tensor of {'x'.join(map(str, dims))} = {math.prod(dims)} elements does "
            f"not fit in 64 bits (at most {MAX_DIMENSION})"
        )
    if expected is not None and len(dims) != len(expected):
        raise PlanCommandError(
            f"--dims: {op} takes {len(expected)} dims {','.join(expected)}, got {len(dims)} "
            f"({text})"
        )
    return dims


@dataclass(frozen=True)
class PlannedOperator:
    """One operator's name, loop names and search result."""

    name: str
    loop_names: tuple[str, ...]
    result: SearchResult


def _context() -> Context:
    """A context holding every dialect ``t10-opt`` reads."""
    return T10OptMain(args=[]).ctx


def _plan(
    op: Operation, chip: Chip, name: str, loop_names: Sequence[str] | None
) -> PlannedOperator:
    try:
        result = plan_op(op, chip)
    except PlanningError as error:
        where = format_location(op)
        raise PlanCommandError(f"{where}: {error}" if where is not None else str(error)) from error
    if loop_names is None:
        loop_names = [f"d{loop}" for loop in range(result.space.num_loops)]
    return PlannedOperator(name, tuple(loop_names), result)


def plan_named_operator(op: str, dims: str, dtype: str, chip: Chip) -> PlannedOperator:
    """
    The frontier of the operator ``--op`` names, of sizes ``dims`` (the text
    of ``--dims``) and element type ``dtype``.
    """
    if op not in OPERATORS:
        raise PlanCommandError(
            f"--op: unknown operator '{op}'; operators are {', '.join(OPERATORS)}"
        )
    if dtype not in chip.dtypes:
        raise PlanCommandError(
            f"--dtype: chip '{chip.name}' has no element type '{dtype}'; "
            f"it has {', '.join(chip.dtypes)}"
        )
    kind = OPERATORS[op]
    text = kind.build(parse_dims(dims, op), dtype)
    try:
        module = LocatingParser(_context(), text, f"<{op}>").parse_module()
        module.verify()
    except (ParseError, DiagnosticException) as error:
        raise PlanCommandError(f"{op} of {dtype} cannot be written as linalg: {error}") from error
    (structured,) = structured_ops(module)
    return _plan(structured, chip, structured.name, kind.loops)


def _operator_name(op: Operation) -> str:
    location = op.location
    if isinstance(location, FileLineColLoc):
        return f"{op.name}@{location.line.data}:{location.column.data}"
    return op.name


def plan_file(path: Path, chip: Chip) -> list[PlannedOperator]:
    """The frontier of every structured operator in the MLIR file at ``path``."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise PlanCommandError(f"{path}: cannot read: {error.strerror}") from error
    try:
        module = LocatingParser(_context(), utf8_text(raw, str(path)), str(path)).parse_module()
    except ParseError as error:
        raise PlanCommandError(str(error).rstrip()) from error
    except DiagnosticException as error:
        raise PlanCommandError(str(error)) from error
    try:
        module.verify()
    except DiagnosticException as error:
        raise PlanCommandError(str(with_location(error, module))) from error
    operators = [_plan(op, chip, _operator_name(op), None) for op in structured_ops(module)]
    if not operators:
        raise PlanCommandError(f"{path}: no structured operator to plan")
    return operators


def plan_json(plan: Plan, chip: Chip) -> dict[str, object]:
    return plan.to_json() | {"time_us": chip.cycles_to_us(plan.cycles)}


def frontier_json(operators: Sequence[PlannedOperator], chip: Chip) -> dict[str, object]:
    """The ``--json`` document of the frontiers of ``operators``."""
    return {
        "chip": chip.name,
        "ops": [
            {
                "name": operator.name,
                "op_class": operator.result.space.op_class.value,
                "loops": dict(
                    zip(operator.loop_names, operator.result.space.loop_extents, strict=True)
                ),
                "plans_evaluated": operator.result.plans_evaluated,
                "plans_priced": operator.result.plans_priced,
                "search_seconds": operator.result.search_seconds,
                "frontier": [plan_json(plan, chip) for plan in operator.result.frontier],
            }
            for operator in operators
        ],
    }


def _int_list(values: Sequence[int]) -> str:
    return f"[{', '.join(str(value) for value in values)}]"


_COLUMNS = (
    "KiB/core",
    "cycles",
    "µs",
    "compute",
    "shift",
    "sync",
    "reduce",
    "op_factors",
    "temporal factors (per operand)",
    "",
)
_LEFT_ALIGNED = frozenset({"op_factors", "temporal factors (per operand)", ""})


def describe_operator(operator: PlannedOperator, chip: Chip) -> list[str]:
    """A header and the frontier table of one operator, as lines."""
    result = operator.result
    loops = " ".join(
        f"{name}={extent}"
        for name, extent in zip(operator.loop_names, result.space.loop_extents, strict=True)
    )
    lines = [
        f"{operator.name}: loops {loops} ({result.space.op_class.value}, "
        f"{result.space.element_type}) on {chip.name}",
        f"{result.plans_evaluated} plans evaluated ({result.plans_priced} priced) in "
        f"{result.search_seconds:.2f} s, "
        f"{len(result.frontier)} on the frontier",
        "",
    ]
    rows = [
        (
            f"{plan.bytes_per_core / 1024:.1f}",
            str(plan.cycles),
            f"{chip.cycles_to_us(plan.cycles):.1f}",
            str(plan.compute_cycles),
            str(plan.shift_cycles),
            str(plan.sync_cycles),
            str(plan.reduce_cycles),
            _int_list(plan.op_factors),
            f"[{', '.join(_int_list(row) for row in plan.temporal_factors)}]",
            _marker(plan, result),
        )
        for plan in result.frontier
    ]
    widths = [
        max(len(cell) for cell in (column, *(row[index] for row in rows)))
        for index, column in enumerate(_COLUMNS)
    ]

    def line(cells: Sequence[str]) -> str:
        return (
            "  "
            + "  ".join(
                cell.ljust(width) if column in _LEFT_ALIGNED else cell.rjust(width)
                for cell, width, column in zip(cells, widths, _COLUMNS, strict=True)
            ).rstrip()
        )

    return lines + [line(_COLUMNS)] + [line(row) for row in rows]


def _marker(plan: Plan, result: SearchResult) -> str:
    marks = [
        mark
        for mark, marked in (("smallest", result.smallest), ("fastest", result.fastest))
        if plan is marked
    ]
    return ", ".join(marks)


def _fail(message: str) -> NoReturn:
    click.echo(f"t10-plan: error: {message}", err=True)
    click.get_current_context().exit(1)


@click.command(name="t10-plan")
@click.argument("file", required=False, type=click.Path(path_type=Path))
@click.option("--op", "op", help=f"Operator to plan: {', '.join(OPERATORS)}.")
@click.option("--dims", help="Its sizes, comma-separated (matmul: M,K,N; see the module doc).")
@click.option("--dtype", help="Its element type (default f16).")
@click.option("--chip", default="ipu-mk2", show_default=True, help="Preset name or chip file.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def main(
    file: Path | None,
    op: str | None,
    dims: str | None,
    dtype: str | None,
    chip: str,
    as_json: bool,
) -> None:
    """Print the Pareto frontier of plans (bytes per core against cycles) of
    one operator (--op, --dims, --dtype) or of every structured operator in
    the MLIR file FILE."""
    try:
        if file is not None and (op, dims, dtype) != (None, None, None):
            raise PlanCommandError("give either FILE or --op/--dims/--dtype, not both")
        loaded_chip = load_chip(chip)
        if file is not None:
            operators = plan_file(file, loaded_chip)
        elif op is not None and dims is not None:
            operators = [plan_named_operator(op, dims, dtype or "f16", loaded_chip)]
        else:
            raise PlanCommandError("give FILE, or --op and --dims")
    except (PlanCommandError, ChipFileError) as error:
        _fail(str(error))
    if as_json:
        click.echo(json.dumps(frontier_json(operators, loaded_chip), indent=2))
        return
    blocks = ["\n".join(describe_operator(operator, loaded_chip)) for operator in operators]
    click.echo("\n\n".join(blocks))
