"""``t10-run``: compile a model, run it on the simulated chip and check it against numpy.

``t10-run model.mlir [--chip ipu-mk2] [--pipeline t10|replicate] [--function NAME]
[--memory-fraction F] [--inputs data.npz] [--seed N] [--trace trace.json] [--json]
[--outputs results.npz] [--expected outputs.npz]``

``t10-run model.onnx [--reference numpy|onnxruntime] [--dim NAME=SIZE ...] ...``
imports the ONNX model as ``t10-import`` does (``tools/t10_import.py``: arguments
named after the ONNX inputs and initializers, which are weights) and runs it
with the model's weights; ``--inputs`` names an argument by its ONNX name too.
With ``--reference onnxruntime`` the expected outputs are onnxruntime's, running
the ONNX model on the same inputs, rather than the numpy reference's.

1. Compiles one function of ``model.mlir`` (func + linalg) with the pipeline
   (``t10``, or the vendor-library baseline ``replicate``: see
   ``passes/compile.py``): ``t10-compile{to-tile=false}`` gives each operator's plan and
   predicted cost (``t10.plan_cost``), ``t10-lower-to-tile`` its program.
2. Simulates the ``tile.program`` on the chip, on inputs read by argument name
   from ``--inputs`` (``x`` for ``%x``), the others random
   (``runtime.reference.random_inputs`` with ``--seed``). Inputs are made only
   once the function compiled, so a model the chip cannot hold costs no memory;
   a given input must hold its argument's values exactly: complex values, a
   fraction or an out-of-range value for an integer type, or a value beyond a
   float type's range (which would become infinite) is an error naming the
   first such element.
3. Runs the numpy reference of the same function on the same inputs with a
   forward error analysis of every value (``runtime/error_bound.py``): from
   element types, reduction lengths, magnitudes and the program's most compute
   steps per operator (each may round a partial sum), how far a correct run
   may lie from the reference, per element. Every output must lie within that
   bound of the expected one (a NaN anywhere is a mismatch): the reference's,
   onnxruntime's, or with ``--expected outputs.npz`` outputs computed
   elsewhere (``result0``, ``result1``, ... in result order), checked against
   the same bounds: an external run is taken to be no less accurate than a
   correct run of this program.

``--outputs results.npz`` writes the simulated outputs as ``result0``,
``result1``, ... whenever the simulation completes (like ``--trace``). Both are
written as every t10 output is (``tools/output_files.py``): whole or not at all,
a device or a pipe in place, a symlink's target; they are checked before any
work, and may be neither an input nor each other.

The report gives, per operator (named by its result, ``h`` for ``%h``), its
plan, the simulated cycles split into compute, shift (exchange phases) and
sync, the predicted cycles and bytes per core; a row for work done between
operators (outside every operator's ops, e.g. gathering the outputs); then the
totals. An operator's simulated cycles include the relayouts and fills that
bring its operands in, so its predicted cycles are the plan's cycles plus the
initialisation and relayout cycles charged to it: the figures compare one to
one. Each output's line gives its largest error over its bound, and that error
and bound where it is reached; near 1 the three figures take as many digits as
show on which side of the bound the error lies. ``--json`` prints the report as
one JSON object instead (``null`` for a non-finite error). ``--trace`` writes
the run's Chrome trace, cores with identical timelines sharing a track, whenever
the simulation completes (a mismatching run's trace included).

Exit status: 0 when every output matches, 1 when one does not (the report is
still printed), 2 for bad input or a model the pipeline cannot compile or the
chip cannot run: one ``t10-run: error: ...`` message on stderr, no traceback
(set ``T10_TRACEBACK=1`` to see it).
"""

import io
import json
import math
import os
import sys
import time
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, cast

import click
import numpy as np
from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import (
    BFloat16Type,
    DictionaryAttr,
    IntegerAttr,
    ModuleOp,
    StringAttr,
    TensorType,
)
from xdsl.ir import Attribute
from xdsl.utils.exceptions import DiagnosticException, ParseError

from t10.dialects import shift, tile
from t10.dialects.rtensor import OpPlanAttr
from t10.hwmodel.chip import Chip, ChipFileError, load_chip
from t10.passes.canonicalize_constants import ConstantArgumentError, constant_arguments
from t10.passes.compile import PIPELINES, CompilePass
from t10.passes.diagnostics import format_location
from t10.passes.lower_to_tile import LowerToTilePass
from t10.passes.select_plans import PLAN_COST_ATTR, SELECTION_ATTR
from t10.runtime.error_bound import Expected, reference_with_bounds
from t10.runtime.error_bound import compare as compare_outputs
from t10.runtime.reference import random_inputs
from t10.runtime.simulator import Phase, SimulationError, SimulationResult, simulate
from t10.runtime.trace import chrome_trace
from t10.semantics.linalg_numpy import Array, UnsupportedOpError, numpy_dtype, to_element_type
from t10.tools.output_files import OutputFileError, check_outputs, write_file
from t10.tools.t10_import import (
    ONNX_NAME_ATTR,
    ImportedModel,
    OnnxImportError,
    dims_option,
    import_onnx_model,
    run_onnxruntime,
)
from t10.tools.t10_opt import LocatingParser, T10OptMain, utf8_text, with_location


class RunError(Exception):
    """A one-line reason ``t10-run`` cannot run the model."""


REFERENCES = ("numpy", "onnxruntime")
"""What may compute the outputs a run is checked against (see :func:`run`)."""


@dataclass(frozen=True)
class PhaseTotals:
    """Simulated cycles of a set of phases, by kind."""

    compute_cycles: float = 0.0
    shift_cycles: float = 0.0
    """Exchange phases: rotations, relayouts, reduce-scatters' transfers."""
    sync_cycles: float = 0.0

    @property
    def cycles(self) -> float:
        return self.compute_cycles + self.shift_cycles + self.sync_cycles

    def plus(self, phase: Phase) -> "PhaseTotals":
        return PhaseTotals(
            self.compute_cycles + (phase.cycles if phase.kind == "compute" else 0.0),
            self.shift_cycles + (phase.cycles if phase.kind == "exchange" else 0.0),
            self.sync_cycles + (phase.cycles if phase.kind == "sync" else 0.0),
        )


@dataclass(frozen=True)
class Operator:
    """One operator as the pipeline planned it."""

    name: str
    """Its name in the program (``t10.op``): the name of its result."""
    plan: OpPlanAttr
    cost: Mapping[str, int]
    """Its ``t10.plan_cost``: the cost model's prediction."""

    @property
    def predicted_cycles(self) -> int:
        """Predicted cycles of everything the program runs for it (see the module doc)."""
        return (
            self.cost["cycles"] + self.cost["initialisation_cycles"] + self.cost["relayout_cycles"]
        )


@dataclass(frozen=True)
class OutputCheck:
    """How one simulated output compares with the expected one, within its error bound
    (``runtime.error_bound``)."""

    element_type: Attribute
    match: bool
    max_abs_error: float
    max_error_ratio: float
    """The largest ``|simulated - expected| / bound`` over the output: at most 1 if it
    matches."""
    worst_index: tuple[int, ...]
    """Where that ratio is reached."""
    worst_error: float
    worst_bound: float


@dataclass(frozen=True)
class RunReport:
    """Everything a run measured."""

    chip: Chip
    pipeline: str
    function: str
    operators: list[Operator]
    per_operator: dict[str, PhaseTotals]
    between_operators: PhaseTotals
    predicted_cycles: int
    result: SimulationResult
    outputs: list[OutputCheck]
    compile_seconds: float
    simulate_seconds: float
    reference_seconds: float
    reference: str = "numpy"
    """What computed the expected outputs: ``numpy`` (the reference run of the
    function) or ``onnxruntime`` (the ONNX model the function was imported from), or
    the ``--expected`` file."""
    reduction_steps: int = 1
    """The bound's rounding steps per reduction: the program's most compute steps."""

    @property
    def match(self) -> bool:
        return all(output.match for output in self.outputs)

    @property
    def max_abs_error(self) -> float:
        # np.max, unlike max(), keeps a NaN wherever it stands.
        return float(np.max([output.max_abs_error for output in self.outputs], initial=0.0))

    @property
    def max_error_ratio(self) -> float:
        return float(np.max([output.max_error_ratio for output in self.outputs], initial=0.0))


def read_module(ctx: Context, path: Path) -> ModuleOp:
    """The verified module in the MLIR file at ``path``, its ops located in that file."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise RunError(f"{path}: cannot read: {error.strerror}") from error
    return parse_module(ctx, utf8_text(raw, str(path)), str(path))


def parse_module(ctx: Context, text: str, source: str) -> ModuleOp:
    """The verified module in MLIR ``text``, its ops located in ``source``."""
    module = LocatingParser(ctx, text, source).parse_module()
    try:
        module.verify()
    except DiagnosticException as error:
        raise with_location(error, module) from error
    return module


def is_onnx_model(path: Path) -> bool:
    """Whether ``t10-run`` reads ``path`` as an ONNX model (by its ``.onnx`` suffix)."""
    return path.suffix.lower() == ".onnx"


def import_model(
    ctx: Context, path: Path, dims: Mapping[str, int] | None = None
) -> tuple[ModuleOp, ImportedModel]:
    """The module ``t10-import`` makes of the ONNX model at ``path`` (named dimensions
    sized by ``dims``; every input dimension must have a size), with the model as
    imported (weights, names). Its ops are located in the imported text, which
    ``t10-import`` prints."""
    try:
        imported = import_onnx_model(path, dims, require_static=True)
    except OnnxImportError as error:
        raise RunError(str(error)) from error
    return parse_module(ctx, imported.mlir, f"{path} (as t10-import prints it)"), imported


def select_function(module: ModuleOp, name: str | None, source: str = "the file") -> func.FuncOp:
    """The function of ``module`` named ``name``, or its only one; every argument and
    result a tensor. ``source`` names the module in errors."""
    functions = [
        op for op in module.walk() if isinstance(op, func.FuncOp) and not op.is_declaration
    ]
    names = ", ".join(f"@{function.sym_name.data}" for function in functions)
    if name is not None:
        chosen = [function for function in functions if function.sym_name.data == name]
        if not chosen:
            raise RunError(f"no function @{name}; {source} defines {names or 'none'}")
        function = chosen[0]
    elif len(functions) == 1:
        function = functions[0]
    elif functions:
        raise RunError(
            f"{source} defines {len(functions)} functions ({names}): pick one with --function"
        )
    else:
        raise RunError(f"{source} defines no function")
    for kind, types in (
        ("argument", function.function_type.inputs.data),
        ("result", function.function_type.outputs.data),
    ):
        for index, value_type in enumerate(types):
            if not isinstance(value_type, TensorType):
                raise RunError(
                    f"@{function.sym_name.data}: {kind} {index} is {value_type}, not a tensor"
                )
    return function


def argument_names(function: func.FuncOp) -> list[str]:
    """Names of the arguments as inputs know them: ``x`` for ``%x``, ``arg2`` if unnamed."""
    return [
        argument.name_hint or f"arg{index}"
        for index, argument in enumerate(function.body.block.args)
    ]


def _read_npz(path: Path, flag: str = "--inputs") -> dict[str, Array]:
    try:
        loaded = np.load(path, allow_pickle=False)
    except OSError as error:
        raise RunError(f"{flag} {path}: cannot read: {error.strerror or error}") from error
    except (ValueError, EOFError) as error:
        # numpy found neither a zip nor an .npy header and refused to unpickle.
        raise RunError(f"{flag} {path}: not an .npz archive of named arrays") from error
    except zipfile.BadZipFile as error:
        raise RunError(f"{flag} {path}: a damaged .npz archive: {error}") from error
    if not isinstance(loaded, np.lib.npyio.NpzFile):
        raise RunError(f"{flag} {path}: an .npy array, not an .npz archive of named arrays")
    with loaded:
        arrays: dict[str, Array] = {}
        for name in loaded.files:
            try:
                member = loaded[name]
            except (ValueError, OSError, EOFError, zipfile.BadZipFile) as error:
                raise RunError(f"{flag} {path}: cannot read '{name}': {error}") from error
            # numpy hands back the raw bytes of a member that is no .npy file.
            if not isinstance(member, np.ndarray):
                raise RunError(f"{flag} {path}: member '{name}' is not an .npy array")
            arrays[name] = member
        return arrays


def onnx_names(function: func.FuncOp) -> list[str | None]:
    """Each argument's ONNX name where ``t10-import`` had to change it (``t10.onnx_name``)."""
    names: list[str | None] = [None] * len(function.body.block.args)
    if function.arg_attrs is None:
        return names
    for index, attributes in enumerate(function.arg_attrs.data):
        onnx_name = attributes.data.get(ONNX_NAME_ATTR)
        if isinstance(onnx_name, StringAttr):
            names[index] = onnx_name.data
    return names


BF16_MAX = (2 - 2**-7) * 2.0**127
"""The largest finite bf16 (held in a float32, whose own largest is larger)."""


def _first_index(mask: Array) -> list[int]:
    return [int(index) for index in np.argwhere(mask)[0]]


def _as_argument_type(array: Array, argument_type: TensorType[Attribute], what: str) -> Array:
    """``array`` converted to the element type of ``argument_type``, if that keeps every
    value: not for complex values, non-integers or out-of-range values for an integer
    type, values beyond a float type's range (they would become infinite) or other
    values than 0 and 1 for ``i1``. ``what`` names the array in the error."""
    element_type = argument_type.get_element_type()
    if array.dtype.kind == "c":
        raise RunError(
            f"{what} holds complex values ({array.dtype}), but {argument_type} holds "
            f"{element_type}: the imaginary parts would be lost"
        )
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_):
        raise RunError(f"{what} holds {array.dtype}, not numbers")
    dtype = numpy_dtype(element_type)
    if dtype.kind in "biu" and array.dtype.kind == "f":
        fractional = ~np.isfinite(array) | (np.trunc(array) != array)
        if fractional.any():
            where = _first_index(fractional)
            raise RunError(
                f"{what} holds {array[tuple(where)]} at {where}, but {argument_type} holds "
                f"integers ({element_type})"
            )
    if dtype == np.bool_:
        outside = (array != 0) & (array != 1)
        if outside.any():
            where = _first_index(outside)
            raise RunError(
                f"{what} holds {array[tuple(where)]} at {where}, but {argument_type} holds "
                f"booleans (i1): 0 or 1"
            )
    elif dtype.kind in "iu" and array.size:
        limits = np.iinfo(dtype.name)
        outside = (array < limits.min) | (array > limits.max)
        if outside.any():
            where = _first_index(outside)
            raise RunError(
                f"{what} holds {array[tuple(where)]} at {where}, beyond the range of "
                f"{element_type} [{limits.min}, {limits.max}]: it would wrap around"
            )
    with np.errstate(over="ignore", invalid="ignore"):
        converted = to_element_type(array, element_type)
    if dtype.kind == "f":
        overflowing = np.isfinite(array) & ~np.isfinite(converted)
        if overflowing.any():
            where = _first_index(overflowing)
            largest = (
                BF16_MAX
                if isinstance(element_type, BFloat16Type)
                else float(np.finfo(converted.dtype).max)
            )
            raise RunError(
                f"{what} holds {array[tuple(where)]} at {where}, beyond the range of "
                f"{element_type} (±{largest:g}): it would become infinite"
            )
    return converted


def given_inputs(function: func.FuncOp, npz: Path) -> dict[int, Array]:
    """The inputs the .npz at ``npz`` gives, by argument index: named by argument name or,
    for an imported ONNX model, by ONNX name; each of its argument's shape and converted
    to its element type without changing a value (see :func:`_as_argument_type`)."""
    names = argument_names(function)
    given = _read_npz(npz)
    index_of = {name: index for index, name in enumerate(names)}
    for index, onnx_name in enumerate(onnx_names(function)):
        if onnx_name is not None:
            index_of.setdefault(onnx_name, index)
    unknown = [name for name in given if name not in index_of]
    if unknown:
        known = [
            name if onnx_name is None else f"{name} (ONNX {onnx_name!r})"
            for name, onnx_name in zip(names, onnx_names(function), strict=True)
        ]
        raise RunError(
            f"--inputs {npz}: @{function.sym_name.data} has no argument named "
            f"{', '.join(repr(name) for name in unknown)}; its arguments are {', '.join(known)}"
        )
    given_for: dict[int, str] = {}
    inputs: dict[int, Array] = {}
    for name, array in given.items():
        index = index_of[name]
        if index in given_for:
            raise RunError(
                f"--inputs {npz}: '{given_for[index]}' and '{name}' both name %{names[index]}"
            )
        given_for[index] = name
        argument_type = function.body.block.args[index].type
        assert isinstance(argument_type, TensorType)
        if array.shape != tuple(argument_type.get_shape()):
            raise RunError(
                f"--inputs {npz}: '{name}' has shape ({', '.join(map(str, array.shape))}), "
                f"but %{names[index]} is {argument_type}"
            )
        inputs[index] = _as_argument_type(
            array, cast(TensorType[Attribute], argument_type), f"--inputs {npz}: '{name}'"
        )
    return inputs


def load_inputs(
    function: func.FuncOp,
    given: Mapping[int, Array],
    seed: int,
    weights: Mapping[str, Array] | None = None,
) -> list[Array]:
    """The function's inputs in argument order: those ``given`` by argument index (see
    :func:`given_inputs`), then those in ``weights`` (by argument name), then the values
    constant arguments carry (``t10.value``, which ``t10-canonicalize`` gives the
    constants it hoists), the others random."""
    names = argument_names(function)
    inputs = random_inputs(function, seed)
    try:
        carried = constant_arguments(function)
    except ConstantArgumentError as error:
        raise RunError(str(error)) from error
    for index, value in carried.items():
        inputs[index] = value
    for index, name in enumerate(names):
        if weights is not None and name in weights:
            inputs[index] = weights[name]
    for index, array in given.items():
        inputs[index] = array
    return inputs


def _name_operators(schedules: Sequence[shift.ScheduleOp]) -> None:
    """Give every operator a distinct result name: the program's ``t10.op`` takes it, and
    the report tells operators apart by it."""
    taken: set[str] = set()
    for schedule in schedules:
        base = schedule.results[0].name_hint or "op"
        name, copy = base, 1
        while name in taken:
            copy += 1
            # `_<n>` would be dropped by xDSL as a printing suffix.
            name = f"{base}.{copy}"
        schedule.results[0].name_hint = name
        taken.add(name)


def _int_dict(attribute: Attribute) -> dict[str, int]:
    assert isinstance(attribute, DictionaryAttr)
    values: dict[str, int] = {}
    for key, value in attribute.data.items():
        assert isinstance(value, IntegerAttr)
        values[key] = value.value.data
    return values


@dataclass(frozen=True)
class Compiled:
    """What compiling one function gave."""

    program: tile.ProgramOp
    operators: list[Operator]
    predicted_cycles: int
    seconds: float


def compile_function(
    ctx: Context,
    module: ModuleOp,
    function: func.FuncOp,
    chip: str,
    memory_fraction: float,
    pipeline: str = "t10",
) -> Compiled:
    """Compile ``function`` of ``module`` (which loses its other functions) with
    ``pipeline``, reading each operator's plan and cost on the way."""
    for call in function.walk():
        if isinstance(call, func.CallOp):
            where = format_location(call)
            raise RunError(
                f"{where + ': error: ' if where else ''}{call.name} calls "
                f"@{call.callee.string_value()}: t10 compiles one function, "
                f"@{function.sym_name.data}, and cannot follow calls; inline the callee first"
            )
    for other in list(module.walk()):
        if isinstance(other, func.FuncOp) and other is not function:
            other.detach()
            other.erase()
    start = time.perf_counter()
    CompilePass(chip=chip, memory_fraction=memory_fraction, to_tile=False, pipeline=pipeline).apply(
        ctx, module
    )
    schedules = [op for op in function.walk() if isinstance(op, shift.ScheduleOp)]
    _name_operators(schedules)
    operators = [
        Operator(
            schedule.results[0].name_hint or "",
            schedule.plan,
            _int_dict(schedule.attributes[PLAN_COST_ATTR]),
        )
        for schedule in schedules
    ]
    predicted_cycles = _int_dict(function.attributes[SELECTION_ATTR])["cycles"]
    name = function.sym_name.data
    LowerToTilePass().apply(ctx, module)
    module.verify()
    seconds = time.perf_counter() - start
    (program,) = (
        op for op in module.walk() if isinstance(op, tile.ProgramOp) and op.sym_name.data == name
    )
    return Compiled(program, operators, predicted_cycles, seconds)


def _simulate(
    program: tile.ProgramOp,
    chip: Chip,
    inputs: list[Array],
    operator_names: Sequence[str],
    show_progress: bool,
) -> SimulationResult:
    """Simulate ``program``; with ``show_progress``, a progress bar over its operators
    when stderr is a terminal."""
    if not (show_progress and operator_names and sys.stderr.isatty()):
        return simulate(program, chip, inputs)
    position = {name: index for index, name in enumerate(operator_names)}
    with click.progressbar(
        operator_names, label="simulating", file=sys.stderr, item_show_func=lambda name: name
    ) as bar:

        def advance(phase: Phase) -> None:
            # The first phase of an operator means every one before it has run.
            reached = position.get(phase.operator)
            if reached is not None and reached > bar.pos:
                bar.update(reached - bar.pos, phase.operator)

        result = simulate(program, chip, inputs, advance)
        bar.update(len(operator_names) - bar.pos)
    return result


def compare(simulated: Array, expected: Expected, element_type: Attribute) -> OutputCheck:
    """``simulated`` against ``expected`` within its error bound."""
    check = compare_outputs(simulated, expected)
    return OutputCheck(
        element_type,
        check.match,
        check.max_abs_error,
        check.max_error_ratio,
        check.worst_index,
        check.worst_error,
        check.worst_bound,
    )


def read_expected(path: Path, function: func.FuncOp) -> list[Array]:
    """The ``result0``, ``result1``, ... arrays of the .npz at ``path``, one per result of
    ``function``, each of its result's shape and element type."""
    given = _read_npz(path, "--expected")
    result_types = function.function_type.outputs.data
    names = [f"result{index}" for index in range(len(result_types))]
    missing = [name for name in names if name not in given]
    extra = sorted(name for name in given if name not in names)
    if missing or extra:
        problems = [f"no {', '.join(repr(name) for name in missing)}"] if missing else []
        problems += [f"an unknown {', '.join(repr(name) for name in extra)}"] if extra else []
        raise RunError(
            f"--expected {path}: has {' and '.join(problems)}; @{function.sym_name.data} has "
            f"{len(names)} results, expected as {', '.join(names) or 'nothing'}"
        )
    arrays: list[Array] = []
    for index, (name, result_type) in enumerate(zip(names, result_types, strict=True)):
        assert isinstance(result_type, TensorType)
        array = given[name]
        if array.shape != tuple(result_type.get_shape()):
            raise RunError(
                f"--expected {path}: '{name}' has shape ({', '.join(map(str, array.shape))}), "
                f"but result {index} of @{function.sym_name.data} is {result_type}"
            )
        dtype = numpy_dtype(result_type.get_element_type())
        if array.dtype != dtype:
            raise RunError(
                f"--expected {path}: '{name}' holds {array.dtype}, but result {index} of "
                f"@{function.sym_name.data} is {result_type} (held as {dtype})"
            )
        arrays.append(array)
    return arrays


def npz_bytes(outputs: Sequence[Array]) -> bytes:
    """``outputs`` as an .npz of the members ``result0.npy``, ``result1.npy``, ..., as
    ``np.savez`` writes them (zip64, so that any size fits)."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as members:
        for index, output in enumerate(outputs):
            with members.open(f"result{index}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asarray(output), allow_pickle=False)
    return archive.getvalue()


def write_outputs(path: Path, outputs: Sequence[Array]) -> None:
    """Write ``outputs`` to the .npz at ``path`` as ``result0``, ``result1``, ..., whole or
    not at all (see ``tools/output_files.py``)."""
    write_file(path, npz_bytes(outputs), "--outputs")


def phase_totals(result: SimulationResult) -> dict[str, PhaseTotals]:
    """Simulated cycles per operator name, ``""`` holding work outside every operator."""
    totals: dict[str, PhaseTotals] = {}
    for phase in result.trace:
        totals[phase.operator] = totals.get(phase.operator, PhaseTotals()).plus(phase)
    return totals


def write_trace(path: Path, result: SimulationResult, chip: Chip) -> None:
    """Write the Chrome trace of ``result`` to ``path``, cores with identical timelines
    sharing a track, whole or not at all (see ``tools/output_files.py``)."""
    document = chrome_trace(result, chip, group_identical_cores=True)
    write_file(path, json.dumps(document, separators=(",", ":")), "--trace")


def run(
    path: Path,
    chip_name: str,
    pipeline: str,
    function_name: str | None,
    memory_fraction: float,
    npz: Path | None,
    seed: int,
    show_progress: bool,
    reference_name: str = "numpy",
    dims: Mapping[str, int] | None = None,
    expected_npz: Path | None = None,
) -> RunReport:
    """Compile, simulate and check one function of the model at ``path``: MLIR, or an ONNX
    model (``.onnx``) imported as ``t10-import`` does, its weights read from the model.
    The expected outputs come from the numpy run of the function or, for an ONNX model
    and ``reference_name="onnxruntime"``, from onnxruntime running the model, or from
    ``expected_npz`` (see :func:`read_expected`); each within the error bound the numpy
    reference computes."""
    if reference_name not in REFERENCES:
        raise RunError(
            f"unknown reference {reference_name!r}; choose one of {', '.join(REFERENCES)}"
        )
    chip = load_chip(chip_name)
    ctx = T10OptMain(args=[]).ctx
    imported: ImportedModel | None = None
    if is_onnx_model(path):
        module, imported = import_model(ctx, path, dims)
    elif dims:
        raise RunError(f"--dim sizes the dimensions of an ONNX model's inputs, not of {path}")
    elif reference_name == "onnxruntime":
        raise RunError(
            f"--reference onnxruntime runs the ONNX model a function was imported from: "
            f"give the .onnx file, not {path}"
        )
    else:
        module = read_module(ctx, path)
    function = select_function(module, function_name, str(path))
    if expected_npz is not None and reference_name != "numpy":
        raise RunError(
            f"--expected and --reference {reference_name} both give the expected outputs"
        )
    external = read_expected(expected_npz, function) if expected_npz is not None else None
    given = given_inputs(function, npz) if npz is not None else {}
    reference_function = function.clone()

    # Compiled first: a model the chip cannot hold gets its diagnostic before any
    # input is made for it.
    compiled = compile_function(ctx, module, function, chip_name, memory_fraction, pipeline)
    inputs = load_inputs(reference_function, given, seed, imported.weights if imported else None)
    operator_names = [operator.name for operator in compiled.operators]
    # t10-canonicalize appends the constants operators read as weight arguments that
    # carry their values (t10.value).
    hoisted = constant_arguments(function)
    program_inputs = [
        *inputs,
        *(hoisted[index] for index in range(len(inputs), len(function.body.block.args))),
    ]
    start = time.perf_counter()
    result = _simulate(compiled.program, chip, program_inputs, operator_names, show_progress)
    simulate_seconds = time.perf_counter() - start

    start = time.perf_counter()
    # Every compute step of an operator may round its partial sums to the output type.
    reduction_steps = max(
        (operator.plan.compute_steps() for operator in compiled.operators), default=1
    )
    expected = reference_with_bounds(reference_function, inputs, reduction_steps)
    if imported is not None and reference_name == "onnxruntime":
        external = _onnxruntime_outputs(imported, inputs, reference_function)
    if external is not None:
        # No magnitudes come with outputs from elsewhere: the reference's bounds apply.
        expected = [
            Expected(array, reference.bound)
            for array, reference in zip(external, expected, strict=True)
        ]
    reference_seconds = time.perf_counter() - start

    output_types = reference_function.function_type.outputs.data
    outputs: list[OutputCheck] = []
    for simulated, wanted, output_type in zip(result.outputs, expected, output_types, strict=True):
        assert isinstance(output_type, TensorType)
        outputs.append(compare(simulated, wanted, output_type.get_element_type()))
    totals = phase_totals(result)
    return RunReport(
        chip=chip,
        pipeline=pipeline,
        function=reference_function.sym_name.data,
        operators=compiled.operators,
        per_operator={name: totals.get(name, PhaseTotals()) for name in operator_names},
        between_operators=totals.get("", PhaseTotals()),
        predicted_cycles=compiled.predicted_cycles,
        result=result,
        outputs=outputs,
        compile_seconds=compiled.seconds,
        simulate_seconds=simulate_seconds,
        reference_seconds=reference_seconds,
        reference=str(expected_npz) if expected_npz is not None else reference_name,
        reduction_steps=reduction_steps,
    )


def _onnxruntime_outputs(
    imported: ImportedModel, inputs: Sequence[Array], function: func.FuncOp
) -> list[Array]:
    """onnxruntime's outputs of ``imported`` on ``inputs``, each the shape of the
    corresponding result of ``function``."""
    try:
        outputs = run_onnxruntime(imported, inputs)
    except OnnxImportError as error:
        raise RunError(str(error)) from error
    result_types = function.function_type.outputs.data
    if len(outputs) != len(result_types):
        raise RunError(
            f"onnxruntime gives {len(outputs)} outputs, @{function.sym_name.data} "
            f"{len(result_types)} results"
        )
    for index, (output, result_type) in enumerate(zip(outputs, result_types, strict=True)):
        assert isinstance(result_type, TensorType)
        if output.shape != tuple(result_type.get_shape()):
            raise RunError(
                f"onnxruntime's output {index} ('{imported.output_names[index]}') has shape "
                f"({', '.join(map(str, output.shape))}), but result {index} of "
                f"@{function.sym_name.data} is {result_type}"
            )
    return outputs


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _cycles_json(totals: PhaseTotals) -> dict[str, float]:
    return {
        "cycles": round(totals.cycles, 3),
        "compute_cycles": round(totals.compute_cycles, 3),
        "shift_cycles": round(totals.shift_cycles, 3),
        "sync_cycles": round(totals.sync_cycles, 3),
    }


def _plan_json(plan: OpPlanAttr) -> dict[str, Any]:
    operands = range(len(plan.temporal.data))
    return {
        "op_factors": list(plan.loop_factors()),
        "temporal_factors": [list(plan.operand_temporal(operand)) for operand in operands],
        "pace": [list(plan.operand_pace(operand)) for operand in operands],
    }


def report_json(report: RunReport) -> dict[str, Any]:
    """The ``--json`` document of ``report``."""
    result = report.result
    return {
        "chip": report.chip.name,
        "pipeline": report.pipeline,
        "function": report.function,
        "reference": report.reference,
        "match": report.match,
        "max_abs_error": _finite_or_none(report.max_abs_error),
        "max_error_ratio": _finite_or_none(report.max_error_ratio),
        "reduction_steps": report.reduction_steps,
        "outputs": [
            {
                "element_type": str(output.element_type),
                "match": output.match,
                "max_abs_error": _finite_or_none(output.max_abs_error),
                "max_error_ratio": _finite_or_none(output.max_error_ratio),
                "worst_index": list(output.worst_index),
                "worst_error": _finite_or_none(output.worst_error),
                "worst_bound": _finite_or_none(output.worst_bound),
            }
            for output in report.outputs
        ],
        "cycles": round(result.cycles),
        "predicted_cycles": report.predicted_cycles,
        "time_us": report.chip.cycles_to_us(result.cycles),
        "peak_bytes_per_core": result.peak_bytes_per_core,
        "sram_bytes_per_core": report.chip.sram_bytes,
        "compile_seconds": report.compile_seconds,
        "simulate_seconds": report.simulate_seconds,
        "reference_seconds": report.reference_seconds,
        "ops": [
            {"name": operator.name, "plan": _plan_json(operator.plan)}
            | _cycles_json(report.per_operator[operator.name])
            | {
                "bytes_per_core": operator.cost["bytes_per_core"],
                "predicted_cycles": operator.predicted_cycles,
            }
            for operator in report.operators
        ],
        "between_operators": _cycles_json(report.between_operators),
    }


def describe_plan(plan: OpPlanAttr) -> str:
    """``plan`` in one word: ``4x86x4 t=1x1x2,1x1x2,1x1x1`` (op_factors, then each
    operand's temporal factors), with `` rp=...`` (paces) unless all 1."""

    def rows(values: Sequence[Sequence[int]]) -> str:
        return ",".join("x".join(str(value) for value in row) for row in values)

    operands = range(len(plan.temporal.data))
    text = "x".join(str(factor) for factor in plan.loop_factors())
    text += " t=" + rows([plan.operand_temporal(operand) for operand in operands])
    paces = [plan.operand_pace(operand) for operand in operands]
    if any(pace != 1 for row in paces for pace in row):
        text += " rp=" + rows(paces)
    return text


_COLUMNS = ("op", "plan", "cycles", "compute", "shift", "sync", "predicted", "bytes/core")
_LEFT_ALIGNED = frozenset({"op", "plan"})


def _cycle_cells(totals: PhaseTotals) -> list[str]:
    return [
        f"{cycles:.0f}"
        for cycles in (
            totals.cycles,
            totals.compute_cycles,
            totals.shift_cycles,
            totals.sync_cycles,
        )
    ]


def _error_text(error: float, digits: int = 3) -> str:
    return f"{error:.{digits}g}"


def _side_of_one(value: float) -> int:
    return (value > 1.0) - (value < 1.0)


def _ratio_digits(ratio: float) -> int:
    """Significant digits that print ``ratio`` (an error over its bound) on its side of 1:
    three, or more near the edge, where three would show a mismatch of 1.0004 and a
    match of 0.9996 both as 1."""
    digits = 3
    # Seventeen digits print any double exactly, so the loop ends.
    while math.isfinite(ratio) and _side_of_one(float(_error_text(ratio, digits))) != (
        _side_of_one(ratio)
    ):
        digits += 1
    return digits


def report_lines(report: RunReport) -> list[str]:
    """The human-readable report: the operator table, then the totals."""
    chip = report.chip
    result = report.result
    rows: list[list[str]] = [
        [
            operator.name,
            describe_plan(operator.plan),
            *_cycle_cells(report.per_operator[operator.name]),
            str(operator.predicted_cycles),
            str(operator.cost["bytes_per_core"]),
        ]
        for operator in report.operators
    ]
    rows.append(["(between operators)", "", *_cycle_cells(report.between_operators), "", ""])
    simulated = PhaseTotals(result.compute_cycles, result.exchange_cycles, result.sync_cycles)
    rows.append(["total", "", *_cycle_cells(simulated), str(report.predicted_cycles), ""])
    widths = [
        max(len(cell) for cell in (column, *(row[index] for row in rows)))
        for index, column in enumerate(_COLUMNS)
    ]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(width) if column in _LEFT_ALIGNED else cell.rjust(width)
            for cell, width, column in zip(cells, widths, _COLUMNS, strict=True)
        ).rstrip()

    lines = [
        f"t10-run: @{report.function} on {chip.name} ({chip.cores} cores, "
        f"{chip.clock_hz / 1e9:g} GHz), pipeline {report.pipeline}",
        "",
        line(_COLUMNS),
        *(line(row) for row in rows),
        "",
        f"time: {chip.cycles_to_us(result.cycles):.2f} µs ({result.cycles:.0f} cycles; "
        f"predicted {report.predicted_cycles})",
        f"peak bytes per core: {result.peak_bytes_per_core} of {chip.sram_bytes}",
        f"match: {'yes' if report.match else 'no'} "
        f"(max abs error {_error_text(report.max_abs_error)}, "
        f"{_error_text(report.max_error_ratio, _ratio_digits(report.max_error_ratio))} "
        "of the error bound at most; "
        f"{report.reduction_steps} rounding step{'s' if report.reduction_steps > 1 else ''} "
        "per reduction)",
    ]
    for index, output in enumerate(report.outputs):
        digits = _ratio_digits(output.max_error_ratio)
        lines.append(
            f"  output {index} ({output.element_type}): {'yes' if output.match else 'no'}, "
            f"max abs error {_error_text(output.max_abs_error)}, "
            f"worst {_error_text(output.max_error_ratio, digits)} of the bound "
            f"({_error_text(output.worst_error, digits)} against "
            f"{_error_text(output.worst_bound, digits)} at {list(output.worst_index)})"
        )
    if report.reference == "onnxruntime":
        lines.append(f"reference: {report.reference} (the ONNX model on the same inputs)")
    elif report.reference != "numpy":
        lines.append(f"expected: {report.reference} (within the numpy reference's bounds)")
    lines.append(
        f"seconds: compile {report.compile_seconds:.2f}, simulate "
        f"{report.simulate_seconds:.2f}, reference {report.reference_seconds:.2f}"
    )
    return lines


def _fail(message: str) -> NoReturn:
    click.echo(f"t10-run: error: {message}", err=True)
    click.get_current_context().exit(2)


@click.command(name="t10-run")
@click.argument("model", type=click.Path(path_type=Path))
@click.option("--chip", default="ipu-mk2", show_default=True, help="Preset name or chip file.")
@click.option(
    "--pipeline",
    type=click.Choice(PIPELINES),
    default="t10",
    show_default=True,
    help="Compilation pipeline.",
)
@click.option("--function", "function_name", help="Function to run (default: the only one).")
@click.option(
    "--memory-fraction",
    type=click.FloatRange(0.0, 1.0, min_open=True),
    default=1.0,
    show_default=True,
    help="Share of each core's SRAM the plans may use.",
)
@click.option(
    "--inputs",
    "npz",
    type=click.Path(path_type=Path),
    help="An .npz of inputs by argument name (x for %x) or ONNX input name; the others "
    "are random (an ONNX model's weights are its own).",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Seed of the random inputs (a non-negative integer).",
)
@click.option(
    "--reference",
    type=click.Choice(REFERENCES),
    default="numpy",
    show_default=True,
    help="What computes the expected outputs: numpy runs the function; onnxruntime "
    "runs the ONNX model (MODEL must be .onnx).",
)
@dims_option
@click.option(
    "--trace",
    type=click.Path(path_type=Path),
    help="Write a Chrome trace of the run here (open it in https://ui.perfetto.dev).",
)
@click.option(
    "--outputs",
    "outputs_npz",
    type=click.Path(path_type=Path),
    help="Write the simulated outputs here as an .npz of result0, result1, ...",
)
@click.option(
    "--expected",
    "expected_npz",
    type=click.Path(path_type=Path),
    help="Check against the outputs in this .npz (result0, result1, ...) instead of the "
    "reference's, within the reference's error bounds.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def main(
    model: Path,
    chip: str,
    pipeline: str,
    function_name: str | None,
    memory_fraction: float,
    npz: Path | None,
    seed: int,
    reference: str,
    dims: dict[str, int],
    trace: Path | None,
    outputs_npz: Path | None,
    expected_npz: Path | None,
    as_json: bool,
) -> None:
    """Compile MODEL (func + linalg MLIR) for a chip, run it on the simulated
    chip and check its outputs against a numpy run of the same function, within
    bounds from an error analysis of that run.

    Prints per operator its plan, simulated cycles (compute, shift, sync),
    predicted cycles and bytes per core, then the totals. Exit status: 0 if the
    outputs match, 1 if not, 2 on an error."""
    try:
        check_outputs(
            [("--trace", trace), ("--outputs", outputs_npz)],
            [
                ("the input model", model),
                ("the --inputs file", npz),
                ("the --expected file", expected_npz),
                ("the chip file", Path(chip)),
            ],
        )
        report = run(
            model,
            chip,
            pipeline,
            function_name,
            memory_fraction,
            npz,
            seed,
            not as_json,
            reference,
            dims,
            expected_npz,
        )
        if trace is not None:
            write_trace(trace, report.result, report.chip)
        if outputs_npz is not None:
            write_outputs(outputs_npz, report.result.outputs)
    except (
        RunError,
        ChipFileError,
        ParseError,
        DiagnosticException,
        SimulationError,
        UnsupportedOpError,
        OutputFileError,
    ) as error:
        if os.environ.get("T10_TRACEBACK"):
            raise
        # Messages without a location start with their own "error: ".
        _fail(str(error).rstrip().removeprefix("error: "))
    if as_json:
        click.echo(json.dumps(report_json(report), indent=2))
    else:
        click.echo("\n".join(report_lines(report)))
    if not report.match:
        click.get_current_context().exit(1)
