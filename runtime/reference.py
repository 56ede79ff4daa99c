"""The reference execution of a model: its ``func`` of linalg on host tensors, with numpy.

A simulated run is checked against :func:`run_reference` within
:func:`tolerance` of the element type. :func:`execute_ops` is the walker both
share: it runs ``func``-level and ``tile.compute``-level ops (linalg through
:mod:`t10.semantics.linalg_numpy`, ``arith.constant``, ``tensor.empty``,
``tensor.expand_shape``/``collapse_shape``/``pad``) on arrays with a leading core
axis, and the ops of a model with loops (the SNN training step of
:mod:`t10.models.snn`): ``scf.for`` with ``iter_args``, ``arith.addi``/``subi`` on
``index`` values (arrays ``(cores,)``, the same on every core where they bound a
loop), ``tensor.extract_slice``/``insert_slice`` with static or ``index``-valued
offsets (which may differ between cores), static sizes and unit strides
(rank-reducing included),
every ``snn`` op through :mod:`t10.runtime.snn_ops`, and, so that a
``tile.compute`` body can read a step counter held in a ``tensor<1xi32>`` buffer
and slice by it, ``tensor.extract`` (one element per core at ``index``
indices: an array ``(cores,)``, which may differ between cores) and
``arith.index_cast`` between integers and ``index``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from xdsl.dialects import arith, func, scf, tensor
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    AnyFloat,
    DenseIntOrFPElementsAttr,
    Float16Type,
    Float32Type,
    Float64Type,
    IndexType,
    IntegerType,
    TensorType,
    UnitAttr,
)
from xdsl.ir import Attribute, Operation, SSAValue

from t10.dialects import snn
from t10.runtime import snn_ops
from t10.semantics.linalg_numpy import (
    Array,
    UnsupportedOpError,
    constant_value,
    evaluate,
    numpy_dtype,
    to_element_type,
)

WEIGHT_ATTR = "t10.weight"
"""The argument attribute marking a function argument as a weight."""

WEIGHT_STD = 0.02
"""Standard deviation of random weights: BERT's initialiser range. A dot product
of N(0, 1) activations with such weights over 768..4096 terms stays O(1), so
``f16`` projections, softmax and layer norm neither overflow nor vanish."""

_DATA_MOVEMENT = frozenset(
    {"arith.constant", "tensor.empty", "tensor.expand_shape", "tensor.collapse_shape", "tensor.pad"}
)


def _empty(value: SSAValue) -> Array:
    """A fresh tensor: NaN for floats, so reading one before writing it shows in the result."""
    value_type = value.type
    assert isinstance(value_type, TensorType)
    dtype = numpy_dtype(value_type.get_element_type())
    fill = np.nan if np.issubdtype(dtype, np.floating) else 0
    return np.full((1, *value_type.get_shape()), fill, dtype=dtype)


def _run_data_movement(op: Operation, values: Mapping[SSAValue, Array]) -> Array:
    result = op.results[0]
    if op.name == "tensor.empty":
        return _empty(result)
    if op.name == "arith.constant":
        value = op.properties.get("value")
        if isinstance(value, DenseIntOrFPElementsAttr):
            shape = tuple(value.get_shape() or ())
            elements = np.asarray(value.get_values())
            dense = (
                np.broadcast_to(elements.reshape(-1)[0], shape) if elements.size == 1 else elements
            )
            return to_element_type(dense.reshape(1, *shape), value.get_element_type())
        return constant_value(op).reshape(1)
    source = values[op.operands[0]]
    result_type = result.type
    assert isinstance(result_type, TensorType)
    if isinstance(op, tensor.PadOp):
        return _pad(op, source, values)
    return source.reshape(source.shape[0], *result_type.get_shape())


def _pad(op: tensor.PadOp, source: Array, values: Mapping[SSAValue, Array]) -> Array:
    """``tensor.pad`` with static sizes and one value from outside its region."""
    if op.low or op.high:
        raise UnsupportedOpError("tensor.pad with dynamic sizes has no numpy semantics here")
    yielded = op.region.block.last_op
    assert yielded is not None
    padding = yielded.operands[0]
    if padding not in values:
        raise UnsupportedOpError(
            "tensor.pad yields a value computed in its region: only a value from outside "
            "(the same for every element) has numpy semantics here"
        )
    widths = [(0, 0), *zip(op.static_low.get_values(), op.static_high.get_values(), strict=True)]
    return np.pad(source, widths, constant_values=values[padding].reshape(-1)[0])


def _uniform_index(op: Operation, value: SSAValue, values: Mapping[SSAValue, Array]) -> int:
    """The ``index`` ``value`` as an int: it must be the same on every core."""
    array = values[value].reshape(-1)
    if not (array == array[0]).all():
        raise UnsupportedOpError(
            f"{op.name} reads an index that differs between cores ({sorted(set(array.tolist()))})"
        )
    return int(array[0])


def _run_index_arithmetic(op: Operation, values: Mapping[SSAValue, Array]) -> Array:
    if not all(isinstance(operand.type, IndexType) for operand in op.operands):
        raise UnsupportedOpError(f"{op.name} has numpy semantics here on index values only")
    lhs, rhs = (values[operand] for operand in op.operands)
    return np.add(lhs, rhs) if op.name == "arith.addi" else np.subtract(lhs, rhs)


def _extract(op: tensor.ExtractOp, values: Mapping[SSAValue, Array]) -> Array:
    """``tensor.extract``: each core's element at its own indices, shape ``(cores,)``."""
    source = values[op.tensor]
    shape = _shape(op.tensor)
    indices = [values[index].reshape(-1) for index in op.indices]
    for dim, (index, extent) in enumerate(zip(indices, shape, strict=True)):
        if index.size and not (index.min() >= 0 and index.max() < extent):
            raise ValueError(
                f"tensor.extract: index {sorted(set(index.tolist()))} in dimension {dim} is "
                f"outside its extent {extent}"
            )
    rows = np.arange(source.shape[0])
    return source[(rows, *(index.astype(np.intp) for index in indices))]


def _index_cast(op: arith.IndexCastOp, values: Mapping[SSAValue, Array]) -> Array:
    """``arith.index_cast``: an integer to ``index`` or back, wrapping as ``trunci`` does."""
    return to_element_type(values[op.input], op.result.type)


def _slice_offsets(
    op: tensor.ExtractSliceOp | tensor.InsertSliceOp,
    full_shape: Sequence[int],
    values: Mapping[SSAValue, Array],
) -> tuple[Array, tuple[int, ...]]:
    """The offsets of the slice an extract or insert reads or writes in a tensor of
    ``full_shape``, one row per core (a single row when every core uses the same), and the
    slice's full-rank shape. Offsets held in ``index`` values may differ between cores: a
    core's program addresses the chunk it holds."""
    if op.sizes or op.strides:
        raise UnsupportedOpError(f"{op.name} with dynamic sizes or strides is not supported")
    strides = op.static_strides.get_values()
    if any(stride != 1 for stride in strides):
        raise UnsupportedOpError(f"{op.name} with strides {list(strides)} (not all 1)")
    dynamic = iter(op.offsets)
    columns = [
        values[next(dynamic)].reshape(-1).astype(np.int64)
        if offset == DYNAMIC_INDEX
        else np.array([offset], dtype=np.int64)
        for offset in op.static_offsets.get_values()
    ]
    cores = max(len(column) for column in columns)
    offsets = np.stack([np.broadcast_to(column, (cores,)) for column in columns], axis=1)
    if (offsets == offsets[0]).all():
        offsets = offsets[:1]
    sizes = tuple(op.static_sizes.get_values())
    limits = np.array(full_shape, dtype=np.int64) - np.array(sizes, dtype=np.int64)
    outside = np.argwhere((offsets < 0) | (offsets > limits))
    if len(outside):
        core, dim = (int(index) for index in outside[0])
        raise ValueError(
            f"{op.name}: offset {int(offsets[core, dim])} and size {sizes[dim]} in dimension "
            f"{dim} leave its extent {full_shape[dim]}"
        )
    return offsets, sizes


def _box(offsets: Array, sizes: Sequence[int]) -> tuple[slice, ...]:
    return tuple(
        slice(int(offset), int(offset) + size) for offset, size in zip(offsets, sizes, strict=True)
    )


def _by_offsets(offsets: Array) -> list[tuple[Array, Array]]:
    """The distinct rows of ``offsets`` (one per core), each with the cores that use it."""
    distinct, which = np.unique(offsets, axis=0, return_inverse=True)
    which = which.reshape(-1)
    return [(row, np.flatnonzero(which == index)) for index, row in enumerate(distinct)]


def _shape(value: SSAValue) -> tuple[int, ...]:
    value_type = value.type
    assert isinstance(value_type, TensorType)
    return tuple(value_type.get_shape())


def _extract_slice(op: tensor.ExtractSliceOp, values: Mapping[SSAValue, Array]) -> Array:
    source = values[op.source]
    offsets, sizes = _slice_offsets(op, _shape(op.source), values)
    if len(offsets) == 1:
        piece = source[(slice(None), *_box(offsets[0], sizes))]
        return piece.reshape(source.shape[0], *_shape(op.result))
    source = np.broadcast_to(source, (len(offsets), *source.shape[1:]))
    result = np.empty((len(offsets), *sizes), dtype=source.dtype)
    for row, cores in _by_offsets(offsets):
        result[cores] = source[(cores, *_box(row, sizes))]
    return result.reshape(len(offsets), *_shape(op.result))


def _insert_slice(op: tensor.InsertSliceOp, values: Mapping[SSAValue, Array]) -> Array:
    source, dest = values[op.source], values[op.dest]
    offsets, sizes = _slice_offsets(op, _shape(op.dest), values)
    cores = max(len(offsets), source.shape[0], dest.shape[0])
    updated = np.array(np.broadcast_to(dest, (cores, *dest.shape[1:])))
    pieces = np.broadcast_to(source.reshape(source.shape[0], *sizes), (cores, *sizes))
    if len(offsets) == 1:
        updated[(slice(None), *_box(offsets[0], sizes))] = pieces
        return updated
    for row, taking in _by_offsets(offsets):
        updated[(taking, *_box(row, sizes))] = pieces[taking]
    return updated


def _run_for(op: scf.ForOp, values: dict[SSAValue, Array], typed_shapes: bool) -> list[Array]:
    """The results of ``scf.for``: its body run once per induction value, the yielded
    values carried into the next iteration."""
    lower, upper, step = (_uniform_index(op, bound, values) for bound in (op.lb, op.ub, op.step))
    if step < 1:
        raise ValueError(f"scf.for has step {step}: the step must be positive")
    block = op.body.block
    induction, *arguments = block.args
    terminator = block.last_op
    assert isinstance(terminator, scf.YieldOp)
    carried = [values[value] for value in op.iter_args]
    cores = max((array.shape[0] for array in carried), default=1)
    for index in range(lower, upper, step):
        values[induction] = np.full(cores, index, dtype=np.int64)
        values.update(zip(arguments, carried, strict=True))
        execute_ops(block.ops, values, typed_shapes=typed_shapes)
        carried = [values[value] for value in terminator.arguments]
    return carried


def _neurons(ids: SSAValue) -> int:
    """N of a spike list's ``#snn.spikes<N>`` encoding."""
    return snn.spike_list_shape(ids.type)[3]


def _run_snn(op: Operation, values: Mapping[SSAValue, Array]) -> Sequence[Array]:
    """An ``snn`` op through :mod:`t10.runtime.snn_ops`."""
    if isinstance(op, snn.SpikesCastOp):
        return (values[op.source],)
    if isinstance(op, snn.ThresholdCompactOp):
        _, segments, capacity, _ = snn.spike_list_shape(op.ids.type)
        return snn_ops.threshold_compact(
            values[op.potential], op.threshold_value, capacity, segments
        )
    if isinstance(op, snn.GatherAddOp):
        return (snn_ops.gather_add(values[op.weights], values[op.ids], _neurons(op.ids)),)
    if isinstance(op, snn.LifOp):
        return (
            snn_ops.lif(
                values[op.potential],
                values[op.current],
                op.alpha_value,
                op.threshold_value,
                op.gain_value,
            ),
        )
    if isinstance(op, snn.LifGradOp):
        states = (values[op.potential_grad], values[op.potential], values[op.spike_grad])
        parameters = (op.alpha_value, op.threshold_value, op.gain_value)
        if op.ids is None:
            return snn_ops.lif_grad_dense(*states, *parameters)
        return snn_ops.lif_grad_listed(*states, values[op.ids], *parameters)
    if isinstance(op, snn.ListedGradOp):
        return (
            snn_ops.listed_grad(
                values[op.current_grad], values[op.weights], values[op.ids], _neurons(op.ids)
            ),
        )
    if isinstance(op, snn.ScatterAddRowsOp):
        return (
            snn_ops.scatter_add_rows(
                values[op.weights_grad], values[op.current_grad], values[op.ids], _neurons(op.ids)
            ),
        )
    if isinstance(op, snn.PickOp):
        return (snn_ops.pick(values[op.values], values[op.ids], _neurons(op.ids)),)
    if isinstance(op, snn.SpikeCountsOp):
        return (snn_ops.spike_counts(values[op.ids], _neurons(op.ids)),)
    if isinstance(op, snn.CrossEntropyOp):
        return snn_ops.cross_entropy(values[op.counts], values[op.labels])
    raise UnsupportedOpError(f"{op.name} has no numpy semantics in the t10 runtime")


_TERMINATORS = frozenset({"func.return", "tile.yield", "scf.yield"})


def execute_ops(
    ops: Iterable[Operation], values: dict[SSAValue, Array], *, typed_shapes: bool = True
) -> None:
    """Run ``ops`` in order, reading and writing ``values`` (arrays with a core axis);
    stops before the terminator, whose operands the caller reads. Without
    ``typed_shapes`` linalg ops run on arrays smaller than their types (see
    ``linalg_numpy.evaluate``)."""
    for op in ops:
        if op.name in _DATA_MOVEMENT:
            values[op.results[0]] = _run_data_movement(op, values)
        elif op.name.startswith("linalg."):
            results = evaluate(
                op, [values[operand] for operand in op.operands], typed_shapes=typed_shapes
            )
            values.update(zip(op.results, results, strict=True))
        elif isinstance(op, scf.ForOp):
            values.update(zip(op.results, _run_for(op, values, typed_shapes), strict=True))
        elif op.name in ("arith.addi", "arith.subi"):
            values[op.results[0]] = _run_index_arithmetic(op, values)
        elif isinstance(op, tensor.ExtractSliceOp):
            values[op.result] = _extract_slice(op, values)
        elif isinstance(op, tensor.InsertSliceOp):
            values[op.result] = _insert_slice(op, values)
        elif isinstance(op, tensor.ExtractOp):
            values[op.result] = _extract(op, values)
        elif isinstance(op, arith.IndexCastOp):
            values[op.result] = _index_cast(op, values)
        elif op.name.startswith("snn."):
            values.update(zip(op.results, _run_snn(op, values), strict=True))
        elif op.name in _TERMINATORS:
            return
        else:
            raise UnsupportedOpError(f"{op.name} has no numpy semantics in the t10 runtime")


def _argument_names(function: func.FuncOp) -> list[str]:
    return [
        argument.name_hint or f"arg{index}"
        for index, argument in enumerate(function.body.block.args)
    ]


def bind_inputs(
    function: func.FuncOp, inputs: Mapping[str, Array] | Sequence[Array]
) -> dict[SSAValue, Array]:
    """``function``'s arguments bound to host tensors ``inputs`` (in argument order or by
    argument name, the SSA name: ``x`` for ``%x``), converted to their element types, with
    a leading core axis as :func:`execute_ops` reads them."""
    arguments = function.body.block.args
    names = _argument_names(function)
    if isinstance(inputs, Mapping):
        missing = [name for name in names if name not in inputs]
        if missing:
            raise ValueError(f"no input given for arguments {missing} of @{function.sym_name.data}")
        ordered = [inputs[name] for name in names]
    else:
        ordered = list(inputs)
        if len(ordered) != len(arguments):
            raise ValueError(
                f"@{function.sym_name.data} takes {len(arguments)} arguments, got {len(ordered)}"
            )
    values: dict[SSAValue, Array] = {}
    for name, argument, given in zip(names, arguments, ordered, strict=True):
        expected = argument.type
        assert isinstance(expected, TensorType)
        array = np.asarray(given)
        if array.shape != tuple(expected.get_shape()):
            raise ValueError(
                f"input {name} has shape {list(array.shape)}, but the argument is {expected}"
            )
        values[argument] = to_element_type(array, expected.get_element_type())[None]
    return values


def run_reference(
    function: func.FuncOp, inputs: Mapping[str, Array] | Sequence[Array]
) -> list[Array]:
    """The results of ``function`` on host tensors ``inputs``, given in argument order or
    by argument name (the SSA name, ``x`` for ``%x``)."""
    values = bind_inputs(function, inputs)
    block = function.body.block
    execute_ops(block.ops, values)
    terminator = block.last_op
    assert isinstance(terminator, func.ReturnOp)
    return [values[value][0] for value in terminator.arguments]


def _is_weight(function: func.FuncOp, index: int) -> bool:
    attributes = function.arg_attrs
    if attributes is None:
        return False
    return isinstance(attributes.data[index].data.get(WEIGHT_ATTR), UnitAttr)


def random_inputs(function: func.FuncOp, seed: int) -> list[Array]:
    """Reproducible random arguments for ``function``, in argument order.

    Activations are N(0, 1); weights (arguments marked ``{t10.weight}``) are
    N(0, 0.02^2), BERT's initialisation (see :data:`WEIGHT_STD`); integers are
    uniform in [-8, 8), booleans fair coins. The same seed gives the same arrays.
    """
    generator = np.random.default_rng(seed)
    arrays: list[Array] = []
    for index, argument in enumerate(function.body.block.args):
        argument_type = argument.type
        assert isinstance(argument_type, TensorType)
        shape = tuple(argument_type.get_shape())
        element_type = argument_type.get_element_type()
        if isinstance(element_type, AnyFloat):
            scale = WEIGHT_STD if _is_weight(function, index) else 1.0
            values = generator.standard_normal(shape) * scale
        elif isinstance(element_type, IntegerType) and element_type.width.data == 1:
            values = generator.integers(0, 2, shape).astype(bool)
        else:
            values = generator.integers(-8, 8, shape)
        arrays.append(to_element_type(values, element_type))
    return arrays


def tolerance(element_type: Attribute) -> tuple[float, float]:
    """(rtol, atol) for comparing a simulated result of ``element_type`` with the reference.

    - ``f16``: (2e-2, 2e-2). Both runs accumulate in f32, but a compute-shift
      schedule rounds partial sums to f16 between steps (rel. error 2^-11 ~
      5e-4 each) and sums in another order; a dozen steps and O(1) values stay
      well inside 2e-2, while a wrong block or a missed step is off by O(1).
    - ``bf16``: (5e-2, 5e-2): as f16 with 8 bits of mantissa (2^-8 per rounding).
    - ``f32``: (1e-4, 1e-5): only the summation order differs (~sqrt(K) eps).
    - ``f64``: (1e-9, 1e-12), likewise.
    - integers: (0, 0): integer arithmetic is exact and associative, wrap-around
      included.
    """
    if isinstance(element_type, Float16Type):
        return 2e-2, 2e-2
    if isinstance(element_type, Float32Type):
        return 1e-4, 1e-5
    if isinstance(element_type, Float64Type):
        return 1e-9, 1e-12
    if isinstance(element_type, AnyFloat):
        return 5e-2, 5e-2
    if isinstance(element_type, IntegerType):
        return 0.0, 0.0
    raise ValueError(f"no tolerance for element type {element_type}")
