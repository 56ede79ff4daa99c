"""``t10-canonicalize`` rules on one structured op: what it reads and writes, and its loops.

Each rule takes any structured op, decides from its maps and scalar body whether
it applies, and only then rewrites the op as a ``linalg.generic`` (a named op
stays named unless a rule changes it). A rule returns whether it changed the IR.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from xdsl.dialects import arith, tensor
from xdsl.dialects.builtin import (
    AnyFloat,
    FloatAttr,
    IndexType,
    IntegerAttr,
    IntegerType,
    TensorType,
)
from xdsl.dialects.linalg import ops as linalg
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.ir.affine import AffineConstantExpr, AffineDimExpr, AffineExpr, AffineMap
from xdsl.rewriter import Rewriter
from xdsl.traits import is_side_effect_free

from t10.passes.canonicalize_ir import (
    build_generic,
    dense_constant,
    element_type,
    generalize,
    generic_parts,
    indexing_maps,
    insert_before,
    iterator_types,
    loop_extents,
    reassociation,
    tensor_shape,
)


def scalar_body(op: Operation) -> Block | None:
    """The scalar body ``op`` has as a generic (for reading only), or None."""
    if isinstance(op, linalg.GenericOp):
        return op.body.block
    parts = generic_parts(op)
    return None if parts is None else parts[2].block


def inputs_of(op: Operation) -> list[SSAValue]:
    return list(op.operands[: len(op.operands) - len(op.results)])


def outputs_of(op: Operation) -> list[SSAValue]:
    return list(op.operands[len(op.operands) - len(op.results) :])


def replace_generic(
    old: linalg.GenericOp,
    inputs: Sequence[SSAValue],
    outputs: Sequence[SSAValue],
    maps: Sequence[AffineMap],
    iterators: Sequence[str],
    kept_results: Sequence[int],
) -> linalg.GenericOp:
    """A generic with ``old``'s body and the given operands replacing ``old``; result ``i``
    of the new op stands for result ``kept_results[i]`` of ``old`` (the others are unused)."""
    body = old.detach_region(old.body)
    new = build_generic(old, inputs, outputs, body, maps, iterators)
    for new_index, old_index in enumerate(kept_results):
        old.results[old_index].replace_all_uses_with(new.results[new_index])
    Rewriter.erase_op(old)
    return new


def _empty_like(at: Operation, value: SSAValue) -> SSAValue:
    empty = tensor.EmptyOp([], value.type)
    insert_before(at, [empty])
    return empty.tensor


def erase_dead_body_ops(block: Block) -> bool:
    """Erase the side-effect-free ops of ``block`` whose results nothing reads."""
    changed = False
    again = True
    while again:
        again = False
        for op in reversed(list(block.ops)):
            if op is block.last_op or any(result.uses for result in op.results):
                continue
            # xDSL does not mark linalg.index pure; it only reads the loop position.
            if is_side_effect_free(op) or isinstance(op, linalg.IndexOp):
                Rewriter.erase_op(op)
                changed = again = True
    return changed


def _needed_ops(block: Block, roots: Sequence[SSAValue]) -> set[Operation]:
    """The ops of ``block`` that the values ``roots`` depend on."""
    needed: set[Operation] = set()
    pending = [root.owner for root in roots if isinstance(root.owner, Operation)]
    while pending:
        op = pending.pop()
        if op in needed or op.parent_block() is not block:
            continue
        needed.add(op)
        pending.extend(
            operand.owner for operand in op.operands if isinstance(operand.owner, Operation)
        )
    return needed


def drop_unused_results(op: Operation) -> bool:
    """Results nothing reads go, with their ``outs`` and what the body computes only for
    them (softmax's arg-max index beside its max), when the other results do not read
    that ``outs`` element."""
    body = scalar_body(op)
    if body is None or len(op.results) < 2:
        return False
    terminator = body.last_op
    assert terminator is not None
    num_inputs = len(inputs_of(op))
    droppable: list[int] = []
    for index, result in enumerate(op.results):
        if result.uses or len(droppable) == len(op.results) - 1:
            continue
        kept = [value for other, value in enumerate(terminator.operands) if other != index]
        needed = _needed_ops(body, kept)
        out_argument = body.args[num_inputs + index]
        if out_argument in kept or any(use.operation in needed for use in out_argument.uses):
            continue
        droppable.append(index)
    if not droppable:
        return False
    generic = generalize(op)
    assert generic is not None
    block = generic.body.block
    old_terminator = block.last_op
    assert old_terminator is not None
    kept_results = [index for index in range(len(generic.results)) if index not in droppable]
    yielded = [old_terminator.operands[index] for index in kept_results]
    Rewriter.replace_op(old_terminator, linalg.YieldOp(*yielded))
    erase_dead_body_ops(block)
    for index in reversed(droppable):
        block.erase_arg(block.args[num_inputs + index])
    maps = indexing_maps(generic)
    outputs = outputs_of(generic)
    replace_generic(
        generic,
        inputs_of(generic),
        [outputs[index] for index in kept_results],
        maps[:num_inputs] + [maps[num_inputs + index] for index in kept_results],
        iterator_types(generic),
        kept_results,
    )
    return True


def _covered_loops(maps: Sequence[AffineMap]) -> set[int]:
    return {
        expr.position
        for indexing_map in maps
        for expr in indexing_map.results
        if isinstance(expr, AffineDimExpr)
    }


def drop_unread_inputs(op: Operation) -> bool:
    """Inputs the body does not read go (a second read of the same value through the
    same map reads the first), unless only their shape bounds a loop (a pooling window)."""
    body = scalar_body(op)
    if body is None:
        return False
    inputs = inputs_of(op)
    maps = indexing_maps(op)
    duplicates: dict[int, int] = {}
    for later in range(len(inputs)):
        for earlier in range(later):
            if earlier in duplicates:
                continue
            if inputs[earlier] is inputs[later] and maps[earlier] == maps[later]:
                duplicates[later] = earlier
                break
    all_loops = set(range(maps[0].num_dims))
    dropped: list[int] = []
    for index in range(len(inputs)):
        if body.args[index].uses and index not in duplicates:
            continue
        remaining = [m for position, m in enumerate(maps) if position not in (*dropped, index)]
        if _covered_loops(remaining) >= all_loops:
            dropped.append(index)
    if not dropped:
        return False
    generic = generalize(op)
    assert generic is not None
    block = generic.body.block
    for index in dropped:
        if index in duplicates:
            block.args[index].replace_all_uses_with(block.args[duplicates[index]])
    for index in sorted(dropped, reverse=True):
        block.erase_arg(block.args[index])
    kept = [index for index in range(len(inputs)) if index not in dropped]
    maps = indexing_maps(generic)
    replace_generic(
        generic,
        [inputs[index] for index in kept],
        outputs_of(generic),
        [maps[index] for index in kept] + maps[len(inputs) :],
        iterator_types(generic),
        list(range(len(generic.results))),
    )
    return True


def _scalar_constant(at: Operation, value: float | int, element: Attribute) -> SSAValue:
    if isinstance(element, AnyFloat):
        attr: Attribute = FloatAttr(float(value), element)
    else:
        assert isinstance(element, IntegerType | IndexType)
        attr = IntegerAttr(int(value), element)
    constant = arith.ConstantOp(attr)
    insert_before(at, [constant])
    return constant.result


def _uniform_scalar(value: SSAValue) -> SSAValue | float | int | None:
    """The one element every element of ``value`` equals, if known: a ``linalg.fill``'s
    value (an ``arith.constant``) or a splat constant's element."""
    owner = value.owner
    if isinstance(owner, linalg.FillOp):
        scalar = owner.inputs[0]
        if isinstance(scalar.owner, arith.ConstantOp) and scalar.type == element_type(value):
            return scalar
        return None
    constant = dense_constant(value)
    if constant is not None and constant.splat and constant.values.size:
        return constant.values.reshape(-1)[0].item()
    return None


def inline_uniform_inputs(op: Operation) -> bool:
    """An input every element of which is one scalar (a fill, a splat constant) is read
    as that scalar inside the body instead: no tensor of it needs to exist."""
    body = scalar_body(op)
    if body is None:
        return False
    inputs = inputs_of(op)
    uniform = {
        index: scalar
        for index, value in enumerate(inputs)
        if isinstance(value.type, TensorType)
        and body.args[index].uses
        and (scalar := _uniform_scalar(value)) is not None
    }
    if not uniform:
        return False
    generic = generalize(op)
    assert generic is not None
    block = generic.body.block
    for index, scalar in uniform.items():
        if not isinstance(scalar, SSAValue):
            scalar = _scalar_constant(generic, scalar, element_type(inputs[index]))
        block.args[index].replace_all_uses_with(scalar)
    return True


def outputs_as_inputs(op: Operation) -> bool:
    """An all-parallel op's ``outs`` holding data: read through the body, it becomes an
    input; not read, it is replaced by a ``tensor.empty``. Either way the op writes a
    fresh tensor, as the planner expects of an operator."""
    body = scalar_body(op)
    if body is None or any(kind != "parallel" for kind in iterator_types(op)):
        return False
    num_inputs = len(inputs_of(op))
    outputs = outputs_of(op)
    to_replace = [
        index for index, value in enumerate(outputs) if not isinstance(value.owner, tensor.EmptyOp)
    ]
    if not to_replace:
        return False
    generic = generalize(op)
    assert generic is not None
    block = generic.body.block
    maps = indexing_maps(generic)
    inputs = inputs_of(generic)
    input_maps = maps[:num_inputs]
    new_outputs = list(outputs)
    for index in to_replace:
        out_argument = block.args[num_inputs + index]
        if out_argument.uses:
            read = block.insert_arg(out_argument.type, len(inputs))
            out_argument.replace_all_uses_with(read)
            inputs.append(outputs[index])
            input_maps.append(maps[num_inputs + index])
        new_outputs[index] = _empty_like(generic, outputs[index])
    replace_generic(
        generic,
        inputs,
        new_outputs,
        input_maps + maps[num_inputs:],
        iterator_types(generic),
        list(range(len(generic.results))),
    )
    return True


_COMBINER_IDENTITY: dict[str, float | int] = {
    "arith.addf": 0.0,
    "arith.addi": 0,
    "arith.mulf": 1.0,
    "arith.muli": 1,
    "arith.maximumf": float("-inf"),
    "arith.maxnumf": float("-inf"),
    "arith.minimumf": float("inf"),
    "arith.minnumf": float("inf"),
}
"""Combiners a reduction may fold its init into afterwards, with their identity."""


def split_data_init(op: Operation) -> bool:
    """A reduction accumulating into a copy (a convolution into its broadcast bias) starts
    from the combiner's identity instead, and a separate elementwise op combines its
    result with the copied data, read through the composed map: the copy is never made.
    A reduction accumulating into other data (an argument, an operator's result) keeps it:
    the pipeline distributes that like any output."""
    body = scalar_body(op)
    if (
        body is None
        or len(op.results) != 1
        or "reduction" not in iterator_types(op)
        or isinstance(outputs_of(op)[0].owner, linalg.FillOp)
        or _copy_source(outputs_of(op)[0]) is None
    ):
        return False
    terminator = body.last_op
    assert terminator is not None
    out_argument = body.args[-1]
    combine = terminator.operands[0].owner
    if (
        not isinstance(combine, Operation)
        or combine.name not in _COMBINER_IDENTITY
        or out_argument not in combine.operands
        or sum(1 for _ in out_argument.uses) != 1
    ):
        return False
    init = outputs_of(op)[0]
    element = element_type(init)
    generic = generalize(op)
    assert generic is not None
    identity = _scalar_constant(generic, _COMBINER_IDENTITY[combine.name], element)
    fill = linalg.FillOp((identity,), (_empty_like(generic, init),), (init.type,))
    insert_before(generic, [fill])
    partial = replace_generic(
        generic,
        inputs_of(generic),
        [fill.results[0]],
        indexing_maps(generic),
        iterator_types(generic),
        [0],
    )
    rank = len(tensor_shape(init))
    combined_body = Block(arg_types=[element, element, element])
    combined = combine.clone(
        value_mapper={
            combine.operands[0]: combined_body.args[0],
            combine.operands[1]: combined_body.args[1],
        }
    )
    combined_body.add_ops([combined, linalg.YieldOp(combined.results[0])])
    later = partial.next_op
    assert later is not None
    users = list(partial.results[0].uses)
    total = build_generic(
        later,
        [partial.results[0], init],
        [_empty_like(later, init)],
        Region(combined_body),
        [AffineMap.identity(rank)] * 3,
        ["parallel"] * rank,
    )
    total.attributes.clear()
    for use in users:
        use.operation.operands[use.index] = total.results[0]
    return True


def _read_inputs_from(op: Operation, rewrites: Mapping[int, tuple[SSAValue, AffineMap]]) -> None:
    """Replace ``op`` by a generic that reads each rewritten input from its new source
    through its new map, and everything else as ``op`` does."""
    generic = generalize(op)
    assert generic is not None
    inputs = inputs_of(generic)
    maps = indexing_maps(generic)
    for index, (source, new_map) in rewrites.items():
        inputs[index] = source
        maps[index] = new_map
    replace_generic(
        generic,
        inputs,
        outputs_of(generic),
        maps,
        iterator_types(generic),
        list(range(len(generic.results))),
    )


def _copy_source(value: SSAValue) -> tuple[SSAValue, AffineMap] | None:
    """When ``value`` is a copy of another tensor (a transpose, a broadcast, a generic
    yielding its one input), that tensor and the map from ``value``'s indices to its
    indices."""
    producer = value.owner
    if not isinstance(producer, Operation) or len(producer.results) != 1:
        return None
    body = scalar_body(producer)
    if body is None or len(inputs_of(producer)) != 1:
        return None
    if any(kind != "parallel" for kind in iterator_types(producer)):
        return None
    terminator = body.last_op
    if terminator is None or terminator.operands[0] is not body.args[0]:
        return None
    input_map, output_map = indexing_maps(producer)
    inverse = output_map.inverse_permutation()
    # A copy reading through a linearised index (a materialised reshape) stays an op:
    # composed, it would give its readers maps that are not projected permutations.
    if inverse is None or not input_map.is_projected_permutation(allow_zero_in_results=True):
        return None
    return inputs_of(producer)[0], input_map.compose(inverse)


def compose_copies(op: Operation) -> bool:
    """An input that copies another tensor (transpose, broadcast, copying generic) is read
    from that tensor through the composed map: the copy is never made."""
    if scalar_body(op) is None:
        return False
    inputs = inputs_of(op)
    sources = {
        index: source for index, value in enumerate(inputs) if (source := _copy_source(value))
    }
    if not sources:
        return False
    maps = indexing_maps(op)
    _read_inputs_from(
        op,
        {
            index: (source, source_map.compose(maps[index]))
            for index, (source, source_map) in sources.items()
        },
    )
    return True


def drop_unit_loops(op: Operation) -> bool:
    """Loops of extent 1 that no output indexes go: their index becomes 0 in every map
    and in the body."""
    body = scalar_body(op)
    extents = loop_extents(op) if body is not None else None
    if extents is None or 1 not in extents:
        return False
    written = {
        expr.position
        for indexing_map in indexing_maps(op)[len(inputs_of(op)) :]
        for expr in indexing_map.results
        if isinstance(expr, AffineDimExpr)
    }
    kept = [loop for loop, extent in enumerate(extents) if extent != 1 or loop in written]
    if len(kept) == len(extents):
        return False
    generic = generalize(op)
    assert generic is not None
    renumbered = {loop: position for position, loop in enumerate(kept)}
    replacements: list[AffineExpr] = [
        AffineExpr.dimension(renumbered[loop]) if loop in renumbered else AffineExpr.constant(0)
        for loop in range(len(extents))
    ]
    maps = [
        indexing_map.replace_dims_and_symbols(replacements, [], len(kept), 0)
        for indexing_map in indexing_maps(generic)
    ]
    block = generic.body.block
    for index_op in [inner for inner in block.ops if isinstance(inner, linalg.IndexOp)]:
        loop = index_op.dim.value.data
        if loop in renumbered:
            Rewriter.replace_op(index_op, linalg.IndexOp(renumbered[loop]))
        else:
            Rewriter.replace_op(index_op, arith.ConstantOp(IntegerAttr(0, IndexType())))
    iterators = iterator_types(generic)
    replace_generic(
        generic,
        inputs_of(generic),
        outputs_of(generic),
        maps,
        [iterators[loop] for loop in kept],
        list(range(len(generic.results))),
    )
    return True


def _unit_reshape(value: SSAValue) -> tuple[SSAValue, list[list[int]], bool] | None:
    """``(source, groups, collapses)`` when ``value`` reshapes ``source`` only by adding or
    removing dims of extent 1."""
    owner = value.owner
    if not isinstance(owner, tensor.ExpandShapeOp | tensor.CollapseShapeOp):
        return None
    collapses = isinstance(owner, tensor.CollapseShapeOp)
    expanded = tensor_shape(owner.src if collapses else value)
    groups = reassociation(owner)
    if any(sum(expanded[dim] != 1 for dim in group) > 1 for group in groups):
        return None
    return owner.src, groups, collapses


def _carrier(group: Sequence[int], shape: Sequence[int]) -> int:
    """The dim of a group that holds its extent: its one dim of extent above 1, else its last."""
    return next((dim for dim in group if shape[dim] != 1), group[-1])


def absorb_unit_reshapes(op: Operation) -> bool:
    """An input that only adds or removes unit dims of another tensor reads that tensor,
    index 0 standing for each unit dim in the map (upstream's drop-unit-dims, kept in
    the maps rather than in reshapes the planner would have to move)."""
    if scalar_body(op) is None:
        return False
    inputs = inputs_of(op)
    maps = indexing_maps(op)
    rewrites: dict[int, tuple[SSAValue, AffineMap]] = {}
    for index, value in enumerate(inputs):
        reshape = _unit_reshape(value)
        if reshape is None:
            continue
        source, groups, collapses = reshape
        old = maps[index]
        results: list[AffineExpr] = []
        if collapses:
            source_shape = tensor_shape(source)
            for group, expr in zip(groups, old.results, strict=True):
                carrier = _carrier(group, source_shape)
                results.extend(expr if dim == carrier else AffineExpr.constant(0) for dim in group)
        else:
            value_shape = tensor_shape(value)
            for group in groups:
                carrier = _carrier(group, value_shape)
                results.append(old.results[carrier])
            dropped = [
                old.results[dim]
                for group in groups
                for dim in group
                if dim != _carrier(group, value_shape)
            ]
            new_map = AffineMap(old.num_dims, 0, tuple(results))
            others = [m for position, m in enumerate(maps) if position != index]
            bounded = _covered_loops([*others, new_map])
            if any(
                isinstance(expr, AffineDimExpr) and expr.position not in bounded for expr in dropped
            ):
                continue
        rewrites[index] = (source, AffineMap(old.num_dims, 0, tuple(results)))
    if not rewrites:
        return False
    _read_inputs_from(op, rewrites)
    return True


def unit_output_loops(op: Operation) -> bool:
    """An output written through index 0 (a reduction keeping its reduced dim as a unit
    dim) is written through a loop of extent 1 instead: every output map is then a
    projected permutation of the loops, as the planner and the runtime require."""
    if scalar_body(op) is None:
        return False
    maps = indexing_maps(op)
    num_inputs = len(inputs_of(op))
    zeros = sum(
        not isinstance(expr, AffineDimExpr)
        for indexing_map in maps[num_inputs:]
        for expr in indexing_map.results
    )
    if not zeros or any(
        not isinstance(expr, AffineDimExpr | AffineConstantExpr)
        for indexing_map in maps[num_inputs:]
        for expr in indexing_map.results
    ):
        return False
    generic = generalize(op)
    assert generic is not None
    num_loops = maps[0].num_dims
    next_loop = num_loops
    new_maps = [
        AffineMap(num_loops + zeros, 0, indexing_map.results) for indexing_map in maps[:num_inputs]
    ]
    for indexing_map in maps[num_inputs:]:
        results: list[AffineExpr] = []
        for expr in indexing_map.results:
            if isinstance(expr, AffineDimExpr):
                results.append(expr)
            else:
                results.append(AffineExpr.dimension(next_loop))
                next_loop += 1
        new_maps.append(AffineMap(num_loops + zeros, 0, tuple(results)))
    replace_generic(
        generic,
        inputs_of(generic),
        outputs_of(generic),
        new_maps,
        [*iterator_types(generic), *(["parallel"] * zeros)],
        list(range(len(generic.results))),
    )
    return True
