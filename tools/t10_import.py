# pyright: strict
"""``t10-import``: an ONNX model as upstream ``func``/``linalg`` on tensors, which t10 reads.

``t10-import model.onnx [-o model.mlir] [--weights weights.npz] [--dim NAME=SIZE ...]``

The front end is torch-mlir's, as IREE's Python package ships it (the ``onnx``
extra: ``pip install -e '.[onnx]'``): the model is imported as ``iree-import-onnx``
imports it (``onnx.checker``, then ONNX shape inference with data propagation),
then lowered in-process by the same pass pipeline as
``iree-opt --pass-pipeline='builtin.module(torch-onnx-to-torch-backend-pipeline,
torch-backend-to-linalg-on-tensors-backend-pipeline)'``, so the text is what those
two commands print, with two changes that t10 needs:

- **Weights are arguments.** Every floating-point initializer with more than one
  element becomes a graph input before importing, so it reaches the function as
  an argument marked ``{t10.weight}`` rather than as a ``dense_resource`` literal
  (whose ``{-# dialect_resources #-}`` blob xDSL cannot read) folded into the IR.
  Integer initializers (shapes, axes, indices), one-element ones (scalars such as
  an epsilon or a scale) and a ``Resize``'s ``roi``/``scales`` stay constants:
  the importer needs them to know shapes, and the lowering folds them.
  ``--weights`` writes the weights' values by argument name.
- **Values are named after ONNX nodes.** The values an op computes for an ONNX
  node are named after the node (``%fc.MatMul`` for ``/fc/MatMul``), or after its
  first output when it has no name, so ``t10-run`` reports operators by node.
- **Arguments keep the ONNX names.** Each argument is named after its ONNX input
  or initializer (``%input.1``, ``%fc.weight``), made a valid MLIR identifier
  that xDSL keeps as it is (see :func:`argument_name`). When that changed the
  name, the argument attribute ``t10.onnx_name`` holds the original, and
  ``t10-run --inputs`` accepts either name.

Errors (a missing or invalid file, a model the checker, shape inference, importer
or lowering rejects, the extra not installed) are one ``t10-import: error: ...``
line on stderr, with the tool's own first error line and the ONNX node it names,
and exit status 1. ``-o`` and ``--weights`` are written whole or not at all, as
every t10 output (``tools/output_files.py``): a temporary file beside the target,
renamed over it; a device or a pipe written in place; neither may be the model.
"""

from __future__ import annotations

import importlib
import io
import math
import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import click
import numpy as np

from t10.runtime.reference import WEIGHT_ATTR
from t10.semantics.linalg_numpy import Array
from t10.tools.output_files import OutputFileError, check_outputs, write_file

ONNX_NAME_ATTR = "t10.onnx_name"
"""The argument attribute holding the ONNX name of an argument whose MLIR name differs."""

LOWERING_PIPELINE = (
    "builtin.module(torch-onnx-to-torch-backend-pipeline,"
    "torch-backend-to-linalg-on-tensors-backend-pipeline)"
)
"""torch-mlir's lowering from the imported ONNX ops to linalg on tensors."""

INSTALL_HINT = "install the ONNX front end with pip install -e '.[onnx]'"

_FLOAT_TYPES = frozenset({1, 10, 11, 16})
"""ONNX ``TensorProto`` element types FLOAT, FLOAT16, DOUBLE and BFLOAT16."""

_SHAPE_OPERANDS = {"Resize": (1, 2)}
"""Floating-point operands, by op type, that give a shape rather than data: an
initializer there stays a constant for the importer to read."""

_INVALID_NAME_CHARACTERS = re.compile(r"[^A-Za-z0-9_$.-]")
_NUMBERED_SUFFIX = re.compile(r"_(\d+)$")


class OnnxImportError(Exception):
    """A one-line reason an ONNX model cannot be imported."""


@dataclass(frozen=True)
class ImportedArgument:
    """One argument of the imported function."""

    name: str
    """Its MLIR name, ``x`` for ``%x``."""
    onnx_name: str
    """The name of the ONNX graph input or initializer it stands for."""
    is_weight: bool
    """Whether it is an initializer (its value is in :attr:`ImportedModel.weights`)."""


@dataclass(frozen=True)
class ImportedModel:
    """An ONNX model as t10 imports it."""

    mlir: str
    """The MLIR text: one ``func.func`` of linalg on tensors."""
    arguments: tuple[ImportedArgument, ...]
    """The function's arguments, in order."""
    weights: Mapping[str, Array]
    """The initializers' values by argument name."""
    output_names: tuple[str, ...]
    """The ONNX graph outputs, in the order of the function's results."""
    onnx_model: bytes
    """The serialised ONNX model with the weights as graph inputs (their values in
    :attr:`weights`), as :func:`run_onnxruntime` runs it."""


def _frontend_module(name: str) -> Any:
    """The module ``name`` of the ``onnx`` extra; its absence is an :class:`OnnxImportError`."""
    try:
        return importlib.import_module(name)
    except ImportError as error:
        raise OnnxImportError(
            f"the ONNX front end needs {error.name or name}, which is not installed: {INSTALL_HINT}"
        ) from error


def argument_name(onnx_name: str, taken: set[str]) -> str:
    """The MLIR name of the argument standing for ``onnx_name``, not in ``taken``.

    Characters MLIR does not allow in a name become ``_``; a name starting with a
    digit gets a ``v`` in front; a ``_<digits>`` ending becomes ``-<digits>``, as
    xDSL would otherwise drop it as a printing suffix (two ONNX inputs ``x_1`` and
    ``x_2`` would both read ``x``); a name already taken gets ``-2``, ``-3``, ...
    """
    name = _INVALID_NAME_CHARACTERS.sub("_", onnx_name)
    if not name or name[0].isdigit():
        name = "v" + name
    name = _NUMBERED_SUFFIX.sub(r"-\1", name)
    unique, copy = name, 1
    while unique in taken:
        copy += 1
        unique = f"{name}-{copy}"
    return unique


def load_onnx(model_path: Path) -> Any:
    """The checked ``onnx.ModelProto`` in ``model_path``, its external data loaded."""
    onnx = _frontend_module("onnx")
    if model_path.is_dir():
        raise OnnxImportError(f"{model_path}: a directory, not an ONNX model")
    try:
        model = onnx.load(str(model_path))
    except OSError as error:
        raise OnnxImportError(f"{model_path}: cannot read: {error.strerror or error}") from error
    except Exception as error:
        # protobuf's DecodeError and onnx's external-data errors share no base class.
        raise OnnxImportError(f"{model_path}: not an ONNX model: {_first_line(error)}") from error
    try:
        onnx.checker.check_model(model)
    except onnx.checker.ValidationError as error:
        raise OnnxImportError(
            f"{model_path}: not a valid ONNX model: {_first_line(error)}"
        ) from error
    return model


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def _weight_initializers(graph: Any) -> list[Any]:
    """The initializers of ``graph`` that become weight arguments (see the module doc)."""
    shape_operands: set[str] = set()
    for node in graph.node:
        for position in _SHAPE_OPERANDS.get(node.op_type, ()):
            if position < len(node.input):
                shape_operands.add(node.input[position])
    return [
        initializer
        for initializer in graph.initializer
        if initializer.data_type in _FLOAT_TYPES
        and math.prod(int(extent) for extent in initializer.dims) > 1
        and initializer.name not in shape_operands
    ]


def _weights_as_inputs(model: Any) -> dict[str, Array]:
    """Move the weight initializers of ``model`` into its graph inputs; their values by
    ONNX name."""
    onnx = _frontend_module("onnx")
    graph = model.graph
    weights = _weight_initializers(graph)
    declared = {value.name for value in graph.input}
    values: dict[str, Array] = {}
    for initializer in weights:
        values[initializer.name] = np.asarray(onnx.numpy_helper.to_array(initializer))
        if initializer.name not in declared:
            graph.input.append(
                onnx.helper.make_tensor_value_info(
                    initializer.name, initializer.data_type, list(initializer.dims)
                )
            )
    weight_names = set(values)
    kept = [
        initializer for initializer in graph.initializer if initializer.name not in weight_names
    ]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    return values


def _infer_shapes(model: Any, model_path: Path) -> Any:
    onnx = _frontend_module("onnx")
    try:
        return onnx.shape_inference.infer_shapes(model, strict_mode=True, data_prop=True)
    except (onnx.shape_inference.InferenceError, ValueError) as error:
        raise OnnxImportError(
            f"{model_path}: ONNX shape inference fails: {_first_line(error)}"
        ) from error


def _diagnostic_line(error: Any) -> str:
    """The first error of an ``MLIRError``, as ``loc("node"): message`` (first line)."""
    diagnostics: list[Any] = list(getattr(error, "error_diagnostics", None) or [])
    if not diagnostics:
        return _first_line(error).removeprefix("Failure while executing pass pipeline:")
    first: Any = diagnostics[0]
    message: str = str(first.message).splitlines()[0]
    location: str = str(first.location)
    return message if location == "loc(unknown)" else f"{location}: {message}"


def _lower(model: Any, model_path: Path) -> Any:
    """The ``builtin.module`` of linalg on tensors that torch-mlir makes of ``model``."""
    ir = _frontend_module("iree.compiler.ir")
    passmanager = _frontend_module("iree.compiler.passmanager")
    onnx_importer = _frontend_module("iree.compiler.extras.onnx_importer")
    context = ir.Context()
    try:
        model_info = onnx_importer.ModelInfo(model)
        module = model_info.create_module(context=context).operation
        onnx_importer.NodeImporter.define_function(model_info.main_graph, module).import_all()
        module.verify()
    except ir.MLIRError as error:
        raise OnnxImportError(
            f"{model_path}: the ONNX importer rejects the model: {_diagnostic_line(error)}"
        ) from error
    except Exception as error:
        # The importer is Python code raising what it likes (its own OnnxImportError,
        # ValueError, KeyError, ...) on input it does not handle.
        raise OnnxImportError(
            f"{model_path}: the ONNX importer rejects the model: {_first_line(error)}"
        ) from error
    try:
        with context:
            passmanager.PassManager.parse(LOWERING_PIPELINE).run(module)
    except ir.MLIRError as error:
        raise OnnxImportError(
            f"{model_path}: torch-mlir cannot lower the model to linalg: {_diagnostic_line(error)}"
        ) from error
    return module


def _only_function(module: Any, model_path: Path) -> Any:
    functions = [
        operation
        for operation in module.regions[0].blocks[0].operations
        if operation.operation.name == "func.func"
    ]
    if len(functions) != 1:
        raise OnnxImportError(
            f"{model_path}: the lowering gave {len(functions)} functions, expected one"
        )
    return functions[0].operation


def value_name(node_name: str) -> str | None:
    """The SSA name of a value computed for the ONNX node ``node_name`` (``/fc/MatMul``
    gives ``%fc.MatMul``), made a name xDSL keeps as :func:`argument_name` does; None
    for a node without a name."""
    path = node_name.strip("/").replace("/", ".")
    return argument_name(path, set()) if path else None


def _name_values(function: Any, arguments: Sequence[ImportedArgument]) -> None:
    """Name the entry block's arguments after their ONNX names, and the values of the
    function's top-level ops after the ONNX nodes they were lowered from (as name
    locations, which print as SSA names); mark the weights and record changed names.
    Every other location is forgotten, so that nothing else prints with a name of its
    own."""
    ir = _frontend_module("iree.compiler.ir")
    body = function.regions[0].blocks[0]
    with function.context:
        node_names: list[tuple[Any, str | None]] = [
            (op, value_name(op.location.name_str) if isinstance(op.location, ir.NameLoc) else None)
            for op in body.operations
        ]
        unknown = ir.Location.unknown()

        def forget_location(operation: Any) -> Any:
            operation.location = unknown
            for region in operation.regions:
                for block in region.blocks:
                    for block_argument in block.arguments:
                        block_argument.set_location(unknown)
            return ir.WalkResult.ADVANCE

        function.walk(forget_location)
        for op, name in node_names:
            if name is not None:
                op.location = ir.Location.name(name)
        argument_attributes: list[Any] = []
        for block_argument, argument in zip(body.arguments, arguments, strict=True):
            block_argument.set_location(ir.Location.name(argument.name))
            entries: dict[str, Any] = {}
            if argument.is_weight:
                entries[WEIGHT_ATTR] = ir.UnitAttr.get()
            if argument.name != argument.onnx_name:
                entries[ONNX_NAME_ATTR] = ir.StringAttr.get(argument.onnx_name)
            argument_attributes.append(ir.DictAttr.get(entries))
        function.attributes["arg_attrs"] = ir.ArrayAttr.get(argument_attributes)


def _fix_dimensions(model: Any, dims: Mapping[str, int], model_path: Path) -> None:
    """Give the named (``dim_param``) dimensions of ``model``'s inputs and outputs the
    sizes in ``dims``."""
    graph = model.graph
    named: set[str] = set()
    for value in [*graph.input, *graph.output, *graph.value_info]:
        for dimension in value.type.tensor_type.shape.dim:
            if dimension.HasField("dim_param"):
                named.add(dimension.dim_param)
                if dimension.dim_param in dims:
                    dimension.dim_value = dims[dimension.dim_param]
    unknown = sorted(set(dims) - named)
    if unknown:
        raise OnnxImportError(
            f"{model_path}: no dimension is named {', '.join(map(repr, unknown))}; "
            f"the model names {', '.join(map(repr, sorted(named))) or 'none'}"
        )


def _dynamic_dimensions(model: Any) -> list[str]:
    """Each input dimension of ``model`` without a size, as ``x[0] ('N')``."""
    dynamic: list[str] = []
    for value in model.graph.input:
        for index, dimension in enumerate(value.type.tensor_type.shape.dim):
            if not dimension.HasField("dim_value"):
                name = f" ({dimension.dim_param!r})" if dimension.HasField("dim_param") else ""
                dynamic.append(f"{value.name}[{index}]{name}")
    return dynamic


@dataclass(frozen=True)
class _PreparedModel:
    model: Any
    """The ``onnx.ModelProto`` with its weights as graph inputs."""
    arguments: tuple[ImportedArgument, ...]
    weights: dict[str, Array]
    """By argument name."""


def _prepare(model_path: Path, dims: Mapping[str, int] | None) -> _PreparedModel:
    """The model at ``model_path`` as t10 imports it, before importing."""
    model = load_onnx(model_path)
    if dims:
        _fix_dimensions(model, dims, model_path)
    onnx_values = _weights_as_inputs(model)
    for node in model.graph.node:
        # The importer locates each op at its node's name, which names its values.
        if not node.name and node.output:
            node.name = node.output[0]
    initialized = {initializer.name for initializer in model.graph.initializer}
    taken: set[str] = set()
    arguments: list[ImportedArgument] = []
    for graph_input in model.graph.input:
        # An input with an initializer is a constant to the importer, not an argument.
        if graph_input.name in initialized:
            continue
        name = argument_name(graph_input.name, taken)
        taken.add(name)
        arguments.append(ImportedArgument(name, graph_input.name, graph_input.name in onnx_values))
    weights = {
        argument.name: onnx_values[argument.onnx_name]
        for argument in arguments
        if argument.is_weight
    }
    return _PreparedModel(model, tuple(arguments), weights)


def import_onnx_model(
    model_path: Path | str,
    dims: Mapping[str, int] | None = None,
    require_static: bool = False,
) -> ImportedModel:
    """Import the ONNX model at ``model_path`` (see the module doc), its named dimensions
    sized by ``dims``; with ``require_static``, an input dimension left without a size
    is an error (t10 plans static shapes)."""
    model_path = Path(model_path)
    prepared = _prepare(model_path, dims)
    if require_static and (dynamic := _dynamic_dimensions(prepared.model)):
        raise OnnxImportError(
            f"{model_path}: t10 needs static shapes, but {', '.join(dynamic)} "
            f"{'has' if len(dynamic) == 1 else 'have'} no size: give named dimensions one "
            f"with --dim NAME=SIZE"
        )
    model = _infer_shapes(prepared.model, model_path)
    module = _lower(model, model_path)
    function = _only_function(module, model_path)
    block_arguments = function.regions[0].blocks[0].arguments
    if len(block_arguments) != len(prepared.arguments):
        raise OnnxImportError(
            f"{model_path}: the lowered function takes {len(block_arguments)} arguments, "
            f"the model has {len(prepared.arguments)} inputs"
        )
    _name_values(function, prepared.arguments)
    return ImportedModel(
        mlir=module.get_asm(use_name_loc_as_prefix=True, assume_verified=True),
        arguments=prepared.arguments,
        weights=prepared.weights,
        output_names=tuple(output.name for output in model.graph.output),
        onnx_model=model.SerializeToString(),
    )


def import_onnx(model_path: Path | str, dims: Mapping[str, int] | None = None) -> str:
    """The MLIR text of the ONNX model at ``model_path``: one ``func.func`` of linalg on
    tensors, its arguments named after the ONNX inputs and initializers, the
    initializers marked ``{t10.weight}`` (their values: :func:`onnx_weights`), named
    dimensions sized by ``dims``."""
    return import_onnx_model(model_path, dims).mlir


def onnx_weights(model_path: Path | str) -> dict[str, Array]:
    """The values of the weight arguments of :func:`import_onnx`'s function, by argument
    name, read from the ONNX model at ``model_path`` without importing it."""
    return _prepare(Path(model_path), None).weights


def run_onnxruntime(imported: ImportedModel, inputs: Sequence[Array]) -> list[Array]:
    """The outputs onnxruntime computes for ``imported``'s ONNX model on ``inputs`` (the
    function's arguments in order, weights included), in result order."""
    onnx = _frontend_module("onnx")
    onnxruntime = _frontend_module("onnxruntime")
    model = onnx.load_from_string(imported.onnx_model)
    dtypes = {
        value.name: onnx.helper.tensor_dtype_to_np_dtype(value.type.tensor_type.elem_type)
        for value in model.graph.input
    }
    feeds = {
        argument.onnx_name: np.asarray(array).astype(dtypes[argument.onnx_name], copy=False)
        for argument, array in zip(imported.arguments, inputs, strict=True)
    }
    try:
        session = onnxruntime.InferenceSession(
            imported.onnx_model, providers=["CPUExecutionProvider"]
        )
        outputs = session.run(list(imported.output_names), feeds)
    except Exception as error:
        # onnxruntime's errors are pybind11 classes of its own, with no common base.
        raise OnnxImportError(f"onnxruntime cannot run the model: {_first_line(error)}") from error
    return [np.asarray(output) for output in outputs]


def npz_bytes(arrays: Mapping[str, Array]) -> bytes:
    """``arrays`` as an ``.npz`` by name."""
    archive = io.BytesIO()
    np.savez(archive, allow_pickle=False, **dict(arrays))
    return archive.getvalue()


def _parse_dims(
    _context: click.Context, _parameter: click.Parameter, values: Sequence[str]
) -> dict[str, int]:
    """``--dim NAME=SIZE`` options as sizes by name."""
    dims: dict[str, int] = {}
    for value in values:
        name, equals, size = value.partition("=")
        if not (equals and name and size.isdigit() and int(size) > 0):
            raise click.BadParameter(f"{value!r} is not NAME=SIZE with a positive SIZE")
        if name in dims and dims[name] != int(size):
            raise click.BadParameter(f"{name!r} sized twice ({dims[name]} and {size})")
        dims[name] = int(size)
    return dims


dims_option = click.option(
    "--dim",
    "dims",
    multiple=True,
    callback=_parse_dims,
    metavar="NAME=SIZE",
    help="Size of a named (dynamic) dimension of the ONNX model's inputs; repeatable.",
)
"""The ``--dim NAME=SIZE`` option of the tools that import ONNX models."""


def _fail(message: str) -> NoReturn:
    click.echo(f"t10-import: error: {message}", err=True)
    click.get_current_context().exit(1)


@click.command(name="t10-import")
@click.argument("model", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write the MLIR here (default: standard output).",
)
@click.option(
    "--weights",
    type=click.Path(path_type=Path),
    help="Write the weights (initializers) here, an .npz by argument name.",
)
@dims_option
def main(model: Path, output: Path | None, weights: Path | None, dims: dict[str, int]) -> None:
    """Import MODEL (an .onnx file) as func + linalg on tensors, through torch-mlir's
    ONNX importer and lowering (the onnx extra).

    Arguments are named after the ONNX inputs and initializers; floating-point
    initializers (weights) are arguments marked {t10.weight}, their values
    written by --weights. Exit status: 0 on success, 1 on an error."""
    try:
        check_outputs([("-o", output), ("--weights", weights)], [("the input model", model)])
        imported = import_onnx_model(model, dims)
        if output is None:
            click.echo(imported.mlir, nl=False)
        else:
            write_file(output, imported.mlir, "-o")
        if weights is not None:
            write_file(weights, npz_bytes(imported.weights), "--weights")
    except (OnnxImportError, OutputFileError) as error:
        if os.environ.get("T10_TRACEBACK"):
            raise
        _fail(str(error))


if __name__ == "__main__":
    sys.exit(main())
