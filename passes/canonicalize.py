"""``t10-canonicalize``: make front-end IR plannable, the first stage of ``t10-compile``.

Front ends (torch-mlir's ONNX lowering, upstream tools, hand-written IR) emit
what the planner does not distribute: reshapes, transposes and broadcasts
between operators, constants read as tensors, fills read as data, results
nobody reads, unit dims. The planner distributes *operators* (structured ops)
whose operands are function arguments, other operators' results,
``tensor.empty``, or ``linalg.fill``s used as ``outs``. This pass rewrites a
function into that form without changing what it computes, in rounds until
nothing changes:

- **unused results and operands** (upstream's ``EraseUnusedOperandsAndResults``):
  a result nothing reads goes with its ``outs`` and the body computing only it
  (softmax's ``i64`` arg-max index); an input the body does not read goes,
  unless it alone bounds a loop (a pooling window); a repeated input is read
  once; the body's dead ops go; an operator nothing reads goes;
- **scalars** (``InlineScalarOperands``): an input that is a fill or a splat
  constant is read as its scalar inside the body;
- **outputs holding data**: an all-parallel operator reading its ``outs`` reads
  them as an input and writes a ``tensor.empty``; a reduction accumulating into
  data (a convolution into its broadcast bias) starts from the combiner's
  identity and a new elementwise op combines the data in afterwards;
- **copies** (transposes, broadcasts, generics yielding their input): read
  through the composed map by their consumers, never materialised;
- **reshapes** (``DropUnitDims``, fusion by expansion): see
  :mod:`t10.passes.canonicalize_reshape`; unit dims become index 0 in maps, and
  loops of extent 1 disappear;
- **constants**: operators of constants are folded at compile time; dense
  constants still read become weight arguments carrying their value (see
  :mod:`t10.passes.canonicalize_constants` for the ``t10.value`` convention).

Named ops stay named unless a rule rewrites them; then they become
``linalg.generic`` with the same maps and body. What is left that the planner
cannot distribute (a reshape of a function argument or of a result, a reshape
inside a sliding window, an op of another dialect between operators) is
reported at its location, naming the op and the reason. The pass is
idempotent, and its output is upstream MLIR that ``mlir-opt`` reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith, func, tensor
from xdsl.dialects.builtin import ModuleOp, TensorType
from xdsl.dialects.linalg import ops as linalg
from xdsl.ir import BlockArgument, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter
from xdsl.transforms.common_subexpression_elimination import cse
from xdsl.utils.exceptions import PassFailedException

from t10.passes.canonicalize_constants import (
    fold_constant_operator,
    hoist_dense_constants,
    splat_outputs_as_fills,
)
from t10.passes.canonicalize_generic import (
    absorb_unit_reshapes,
    compose_copies,
    drop_unit_loops,
    drop_unread_inputs,
    drop_unused_results,
    erase_dead_body_ops,
    inline_uniform_inputs,
    inputs_of,
    outputs_as_inputs,
    scalar_body,
    split_data_init,
    unit_output_loops,
)
from t10.passes.canonicalize_reshape import (
    bubble_expand,
    fold_reshape,
    materialise_argument_expand,
    sink_collapse,
)
from t10.passes.diagnostics import format_location
from t10.passes.partition import is_structured

MAX_ROUNDS = 200
"""Rounds of rewriting before the pass gives up: each round makes every rule's measure
(operands, reshapes, loops split) strictly progress, so real models need a handful."""

_OPERATOR_RULES: tuple[Callable[[Operation], bool], ...] = (
    fold_constant_operator,
    drop_unused_results,
    inline_uniform_inputs,
    drop_unread_inputs,
    outputs_as_inputs,
    splat_outputs_as_fills,
    split_data_init,
    compose_copies,
    absorb_unit_reshapes,
    sink_collapse,
    drop_unit_loops,
    unit_output_loops,
)
"""Rules on one structured op, tried in order; the first that applies rewrites it."""


def _fail(op: Operation, message: str) -> PassFailedException:
    where = format_location(op)
    text = f"t10-canonicalize: {message}"
    return PassFailedException(f"{where}: error: {text}" if where is not None else text)


def _erase_unread_operators(block_ops: list[Operation]) -> bool:
    """Structured ops and pure tensor ops whose results nothing reads (tensor semantics make
    them free of side effects)."""
    changed = False
    for op in reversed(block_ops):
        if op.parent_block() is None or not op.results:
            continue
        if any(result.uses for result in op.results):
            continue
        if is_structured(op) or isinstance(
            op,
            tensor.EmptyOp
            | tensor.ExpandShapeOp
            | tensor.CollapseShapeOp
            | arith.ConstantOp
            | linalg.BroadcastOp,
        ):
            Rewriter.erase_op(op)
            changed = True
    return changed


def _rewrite_once(function: func.FuncOp) -> bool:
    changed = False
    for op in list(function.body.block.ops):
        if op.parent_block() is None:
            continue
        if isinstance(op, tensor.ExpandShapeOp | tensor.CollapseShapeOp):
            if fold_reshape(op) or (
                isinstance(op, tensor.ExpandShapeOp)
                and (bubble_expand(op) or materialise_argument_expand(op))
            ):
                changed = True
            continue
        if isinstance(op, linalg.FillOp) or (
            not is_structured(op) and not isinstance(op, linalg.BroadcastOp)
        ):
            continue
        body = scalar_body(op)
        if body is not None and isinstance(op, linalg.GenericOp):
            changed |= erase_dead_body_ops(body)
        for rule in _OPERATOR_RULES:
            if rule(op):
                changed = True
                break
    changed |= _erase_unread_operators(list(function.body.block.ops))
    return changed


def canonicalize_function(function: func.FuncOp) -> None:
    """Rewrite ``function`` into plannable form, or raise a located error saying what
    cannot be."""
    for _ in range(MAX_ROUNDS):
        if not _rewrite_once(function):
            break
        cse(function)
    else:
        raise _fail(function, f"rewriting did not settle after {MAX_ROUNDS} rounds")
    hoist_dense_constants(function)
    cse(function)
    check_plannable(function)


def _is_distributable_source(value: SSAValue) -> bool:
    if isinstance(value, BlockArgument):
        return True
    owner = value.owner
    return isinstance(owner, Operation) and (
        is_structured(owner) or isinstance(owner, tensor.EmptyOp | tensor.PadOp)
    )


def _reshape_reason(op: tensor.ExpandShapeOp | tensor.CollapseShapeOp) -> str:
    source = op.src
    if isinstance(source, BlockArgument):
        return (
            f"it reshapes function argument {source.index} ({source.type}), which the host "
            "writes as typed: give the argument the shape its readers use"
        )
    readers = [use.operation for use in op.result.uses]
    if any(isinstance(reader, func.ReturnOp) for reader in readers):
        return (
            "it reshapes a result the function returns: return the operator's own shape "
            "and reshape on the host"
        )
    if isinstance(source.owner, Operation) and is_structured(source.owner):
        return (
            f"the loops of {source.owner.name} that index the reshaped dims are read "
            "inside a sliding window or already split, so they cannot be split to match"
        )
    producer = source.owner.name if isinstance(source.owner, Operation) else "a block argument"
    return f"its source comes from {producer}"


def check_plannable(function: func.FuncOp) -> None:
    """Raise a located error for the first thing left that the planner cannot distribute."""
    for op in function.body.block.ops:
        if isinstance(op, tensor.ExpandShapeOp | tensor.CollapseShapeOp):
            raise _fail(op, f"cannot fold {op.name} into an operator: {_reshape_reason(op)}")
        if not is_structured(op):
            continue
        for position, value in enumerate(op.operands):
            if not isinstance(value.type, TensorType):
                continue
            if _is_distributable_source(value) or (
                isinstance(value.owner, linalg.FillOp) and position >= len(inputs_of(op))
            ):
                continue
            owner = value.owner
            producer = owner.name if isinstance(owner, Operation) else "a block argument"
            raise _fail(
                op,
                f"operand {position} of {op.name} comes from {producer}, which the "
                "planner cannot distribute and no rule folds into the operator",
            )


@dataclass(frozen=True)
class CanonicalizePass(ModulePass):
    """
    Rewrite every function into the form the planner distributes: operators
    reading function arguments, other operators' results, ``tensor.empty`` and
    fills, with no reshapes, copies, constant tensors or unused results between
    them; report with a location what cannot be.
    """

    name = "t10-canonicalize"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for function in [inner for inner in op.walk() if isinstance(inner, func.FuncOp)]:
            if function.body.blocks:
                canonicalize_function(function)
