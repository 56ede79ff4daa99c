"""``t10-canonicalize`` rules for constants: folding operators of constants, and dense
constants becoming weights.

An operator all of whose inputs are constants (a batch norm's ``var + eps`` and
``rsqrt``, a transposed weight) is computed at compile time with the numpy
semantics the reference uses (:func:`t10.semantics.linalg_numpy.evaluate`), unless
its result would be larger than its inputs (a broadcast, which the consumers
read through their maps instead).

A dense constant that an operator still reads becomes a **weight argument**:
appended to the function's arguments with the argument attributes
``{t10.weight, t10.value = dense<...>}``. ``t10.weight`` keeps it resident on the
chip, as any weight; ``t10.value`` carries its value, so that whoever runs the
function (``t10-run``, :func:`constant_arguments`) passes exactly that tensor
for the argument. The arguments the function had keep their positions.
"""

from __future__ import annotations

from typing import cast

import numpy as np
from xdsl.dialects import arith, func, tensor
from xdsl.dialects.builtin import (
    AnyFloat,
    ArrayAttr,
    DenseIntOrFPElementsAttr,
    DictionaryAttr,
    FloatAttr,
    FunctionType,
    IntegerAttr,
    IntegerType,
    TensorType,
    UnitAttr,
)
from xdsl.dialects.linalg import ops as linalg
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.rewriter import Rewriter

from t10.passes.canonicalize_generic import inputs_of, outputs_of
from t10.passes.canonicalize_ir import (
    Array,
    dense_attr,
    dense_constant,
    element_type,
    insert_before,
    tensor_shape,
)
from t10.passes.partition import is_structured
from t10.semantics.linalg_numpy import UnsupportedOpError, evaluate, numpy_dtype

WEIGHT_ATTR = "t10.weight"
VALUE_ATTR = "t10.value"
"""Argument attribute: the dense value a hoisted constant weight always has."""

MAX_FOLDED_ELEMENTS = 1 << 22
"""The largest result an operator without constant inputs (an iota, a mask) is folded to."""


def _constant_operand(value: SSAValue) -> Array | None:
    """The array an operand holds when it is known at compile time."""
    constant = dense_constant(value)
    if constant is not None:
        return np.ascontiguousarray(constant.values)
    owner = value.owner
    if isinstance(owner, linalg.FillOp):
        scalar = owner.inputs[0].owner
        if isinstance(scalar, arith.ConstantOp):
            fill = dense_constant_scalar(scalar)
            if fill is not None:
                return np.full(tensor_shape(value), fill, dtype=numpy_dtype(element_type(value)))
    if isinstance(owner, tensor.EmptyOp):
        dtype = numpy_dtype(element_type(value))
        return np.zeros(tensor_shape(value), dtype=dtype)
    return None


def dense_constant_scalar(op: arith.ConstantOp) -> float | int | None:
    value = op.value
    data = getattr(value, "value", None)
    inner = getattr(data, "data", None)
    return inner if isinstance(inner, float | int) else None


def fold_constant_operator(op: Operation) -> bool:
    """Compute a structured op whose inputs are all constants, when its results are no
    larger than its largest input."""
    if not is_structured(op) or not op.results:
        return False
    inputs = inputs_of(op)
    if any(dense_constant(value) is None for value in inputs if isinstance(value.type, TensorType)):
        return False
    arrays = [
        _constant_operand(value) for value in op.operands if isinstance(value.type, TensorType)
    ]
    if any(array is None for array in arrays) or len(arrays) != len(op.operands):
        return False
    largest_input = max((dense_size(value) for value in inputs), default=MAX_FOLDED_ELEMENTS)
    if any(dense_size(result) > largest_input for result in op.results):
        return False
    try:
        results = evaluate(op, [array for array in arrays if array is not None], core_axis=False)
    except (UnsupportedOpError, ValueError, FloatingPointError):
        return False
    attrs = [
        dense_attr(np.asarray(array).reshape(tensor_shape(result)), element_type(result))
        for array, result in zip(results, op.results, strict=True)
    ]
    if any(attr is None for attr in attrs):
        return False
    for attr, result in zip(attrs, op.results, strict=True):
        assert attr is not None
        folded = arith.ConstantOp(attr)
        insert_before(op, [folded])
        result.replace_all_uses_with(folded.result)
    Rewriter.erase_op(op)
    return True


def dense_size(value: SSAValue) -> int:
    return int(np.prod(tensor_shape(value))) if isinstance(value.type, TensorType) else 1


def splat_outputs_as_fills(op: Operation) -> bool:
    """A splat constant an operator accumulates into becomes a ``linalg.fill`` of its
    element on a ``tensor.empty``: an initialiser the planner writes on every core."""
    if not is_structured(op) or not op.results:
        return False
    changed = False
    num_inputs = len(inputs_of(op))
    for index, value in enumerate(outputs_of(op)):
        constant = dense_constant(value)
        if constant is None or not constant.splat or not constant.values.size:
            continue
        element = element_type(value)
        scalar = _scalar_constant_op(constant.values.reshape(-1)[0].item(), element)
        empty = tensor.EmptyOp([], value.type)
        fill = linalg.FillOp((scalar.result,), (empty.tensor,), (value.type,))
        insert_before(op, [scalar, empty, fill])
        op.operands[num_inputs + index] = fill.results[0]
        changed = True
    return changed


def _scalar_constant_op(value: float | int, element: Attribute) -> arith.ConstantOp:
    if isinstance(element, AnyFloat):
        return arith.ConstantOp(FloatAttr(float(value), element))
    assert isinstance(element, IntegerType)
    return arith.ConstantOp(IntegerAttr(int(value), element))


def hoist_dense_constants(function: func.FuncOp) -> int:
    """Make every dense constant that a structured op reads or the function returns a
    weight argument carrying its value; returns how many arguments were added."""
    block = function.body.block
    hoisted: dict[Attribute, SSAValue] = {}
    for op in list(block.ops):
        if not isinstance(op, arith.ConstantOp) or not isinstance(op.result.type, TensorType):
            continue
        if not isinstance(op.value, DenseIntOrFPElementsAttr):
            continue
        if not any(
            is_structured(use.operation) or isinstance(use.operation, func.ReturnOp)
            for use in op.result.uses
        ):
            continue
        argument = hoisted.get(op.value)
        if argument is None:
            argument = _append_weight_argument(function, op.value, f"const{len(hoisted)}")
            hoisted[op.value] = argument
        op.result.replace_all_uses_with(argument)
        Rewriter.erase_op(op)
    return len(hoisted)


def _append_weight_argument(
    function: func.FuncOp, value: DenseIntOrFPElementsAttr, name: str
) -> SSAValue:
    block = function.body.block
    argument = block.insert_arg(value.type, len(block.args))
    argument.name_hint = name
    function_type = function.function_type
    function.function_type = FunctionType.from_lists(
        [*function_type.inputs.data, value.type], function_type.outputs.data
    )
    existing = (
        list(function.arg_attrs.data)
        if function.arg_attrs is not None
        else [DictionaryAttr({}) for _ in range(len(block.args) - 1)]
    )
    existing.append(DictionaryAttr({WEIGHT_ATTR: UnitAttr(), VALUE_ATTR: value}))
    function.arg_attrs = ArrayAttr(existing)
    return argument


class ConstantArgumentError(ValueError):
    """An argument whose ``t10.value`` is not a value of the argument's own type."""


def constant_arguments(function: func.FuncOp) -> dict[int, Array]:
    """The values of the function's arguments that carry ``t10.value``, by position, in
    their element types (what a caller must pass for them). A carried value must be
    dense elements of the argument's type, in an element type this pass folds
    (:class:`ConstantArgumentError` otherwise): a hand-edited one could be anything."""
    values: dict[int, Array] = {}
    if function.arg_attrs is None:
        return values
    for index, attributes in enumerate(function.arg_attrs.data):
        value = cast(DictionaryAttr, attributes).data.get(VALUE_ATTR)
        if value is None:
            continue
        argument = function.body.block.args[index]
        where = f"@{function.sym_name.data}: argument %{argument.name_hint or index}"
        if not isinstance(value, DenseIntOrFPElementsAttr) or value.type != argument.type:
            raise ConstantArgumentError(
                f"{where} carries {VALUE_ATTR} = {value}, which is not dense elements of "
                f"its type {argument.type}"
            )
        dense = dense_constant(arith.ConstantOp(value).result)
        if dense is None:
            raise ConstantArgumentError(
                f"{where} carries a {VALUE_ATTR} of {argument.type}, an element type t10 "
                "does not read constants of"
            )
        values[index] = np.array(dense.values)
    return values
