"""``t10-canonicalize`` rules for ``tensor.expand_shape``/``collapse_shape``.

A reshape of a row-major tensor moves no data on a host, but the planner
distributes tensors by their dims, so a reshape between two operators would
be a relayout. Instead, reshapes are folded into the operators' iteration
spaces (upstream's fusion by expansion, ``ElementwiseOpFusion.cpp``):

- an ``expand_shape`` of an operator's result splits the loop that indexes
  each expanded dim into one loop per factor, so the operator writes the
  expanded shape itself; its other operands indexed by that loop are expanded
  likewise (the reshape moves up to their producers), and readers of the old
  shape read a ``collapse_shape`` of the new result;
- a ``collapse_shape`` read by an operator splits the loop indexing each
  collapsed dim the same way, so the operator reads the uncollapsed tensor (the
  reshape moves down to the readers of its results).

Unit dims are never made loops: they become index 0 in the maps (see
``canonicalize_generic.absorb_unit_reshapes``). A loop read inside a sliding
window (``h + kh``) cannot be split; a reshape there stays and the pass says so.
Two reshapes in a row become one (or none); reshapes of constants, of
``tensor.empty`` and of fills are folded into new ones.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects import arith, tensor
from xdsl.dialects.builtin import TensorType
from xdsl.dialects.linalg import ops as linalg
from xdsl.ir import Block, BlockArgument, Operation, OpResult, Region, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineExpr, AffineMap
from xdsl.rewriter import Rewriter

from t10.passes.canonicalize_generic import (
    inputs_of,
    scalar_body,
)
from t10.passes.canonicalize_ir import (
    bare_loops_only,
    build_generic,
    collapse_shape,
    dense_attr,
    dense_constant,
    element_type,
    expand_shape,
    generalize,
    indexing_maps,
    insert_before,
    iterator_types,
    loop_extents,
    reassociation,
    tensor_shape,
)

Reshape = tensor.ExpandShapeOp | tensor.CollapseShapeOp


def expansion_groups(collapsed: Sequence[int], expanded: Sequence[int]) -> list[list[int]] | None:
    """The reassociation grouping consecutive dims of ``expanded`` into each dim of
    ``collapsed`` (a unit dim joining the group before it when it may), or None."""
    groups: list[list[int]] = []
    position = 0
    for index, extent in enumerate(collapsed):
        group: list[int] = []
        size = 1
        while position < len(expanded) and (not group or size < extent):
            size *= expanded[position]
            group.append(position)
            position += 1
        if size != extent or not group:
            return None
        still_needed = len(collapsed) - index - 1
        while (
            position < len(expanded)
            and expanded[position] == 1
            and len(expanded) - position - 1 >= still_needed
        ):
            group.append(position)
            position += 1
        groups.append(group)
    if position != len(expanded):
        return None
    return groups


def reshaped(at: Operation, value: SSAValue, shape: Sequence[int]) -> SSAValue | None:
    """``value`` reshaped to ``shape`` by one ``expand_shape`` or ``collapse_shape`` inserted
    before ``at`` (``value`` itself for its own shape), or None if neither can."""
    current = tensor_shape(value)
    if tuple(current) == tuple(shape):
        return value
    if len(current) <= len(shape):
        groups = expansion_groups(current, shape)
        if groups is not None:
            return expand_shape(at, value, groups, shape)
    groups = expansion_groups(shape, current)
    if groups is not None:
        return collapse_shape(at, value, groups, shape)
    return None


def _non_unit(extents: Sequence[int]) -> list[int]:
    return [extent for extent in extents if extent != 1]


def split_loops(op: Operation, splits: dict[int, list[int]]) -> Operation:
    """Split each loop ``d`` of ``splits`` into one loop per factor (outermost first), so
    that every operand indexed by ``d`` is read or written expanded; the old results are
    replaced by ``collapse_shape``s of the new ones. Every split loop must be indexed
    only by bare dims (``bare_loops_only``)."""
    generic = generalize(op)
    assert generic is not None
    num_loops = len(iterator_types(generic))
    new_positions: list[list[int]] = []
    next_loop = 0
    for loop in range(num_loops):
        width = len(splits.get(loop, [0]))
        new_positions.append(list(range(next_loop, next_loop + width)))
        next_loop += width
    operands = list(generic.operands)
    new_operands: list[SSAValue] = []
    new_maps: list[AffineMap] = []
    groups_per_operand: list[list[list[int]]] = []
    for value, indexing_map in zip(operands, indexing_maps(generic), strict=True):
        shape = tensor_shape(value) if isinstance(value.type, TensorType) else ()
        results: list[AffineExpr] = []
        new_shape: list[int] = []
        groups: list[list[int]] = []
        for dim, expr in enumerate(indexing_map.results):
            if isinstance(expr, AffineDimExpr) and expr.position in splits:
                factors = splits[expr.position]
                groups.append(list(range(len(new_shape), len(new_shape) + len(factors))))
                new_shape.extend(factors)
                results.extend(AffineExpr.dimension(loop) for loop in new_positions[expr.position])
                continue
            replacements = [AffineExpr.dimension(positions[0]) for positions in new_positions]
            results.append(expr.replace_dims_and_symbols(replacements, []))
            groups.append([len(new_shape)])
            new_shape.append(shape[dim])
        new_maps.append(AffineMap(next_loop, 0, tuple(results)))
        groups_per_operand.append(groups)
        if tuple(new_shape) == tuple(shape):
            new_operands.append(value)
        else:
            new_operands.append(expand_shape(generic, value, groups, new_shape))
    block = generic.body.block
    for index_op in [inner for inner in block.ops if isinstance(inner, linalg.IndexOp)]:
        loop = index_op.dim.value.data
        positions = new_positions[loop]
        if len(positions) == 1:
            Rewriter.replace_op(index_op, linalg.IndexOp(positions[0]))
            continue
        linear = _linearised_index(index_op, positions, splits[loop])
        index_op.results[0].replace_all_uses_with(linear)
        Rewriter.erase_op(index_op)
    iterators = iterator_types(generic)
    new_iterators = [iterators[loop] for loop in range(num_loops) for _ in new_positions[loop]]
    num_inputs = len(inputs_of(generic))
    body = generic.detach_region(generic.body)
    new = build_generic(
        generic,
        new_operands[:num_inputs],
        new_operands[num_inputs:],
        body,
        new_maps,
        new_iterators,
    )
    after = new.next_op
    assert after is not None
    for index, (old, result) in enumerate(zip(generic.results, new.results, strict=True)):
        old_type = old.type
        assert isinstance(old_type, TensorType)
        if result.type == old_type:
            old.replace_all_uses_with(result)
            continue
        restored = collapse_shape(
            after, result, groups_per_operand[num_inputs + index], old_type.get_shape()
        )
        old.replace_all_uses_with(restored)
    Rewriter.erase_op(generic)
    return new


def _linearised_index(
    index_op: linalg.IndexOp, positions: Sequence[int], factors: Sequence[int]
) -> SSAValue:
    """The old loop's index from the indices of the loops it was split into."""
    ops: list[Operation] = []
    total: SSAValue | None = None
    for position, factor in zip(positions, factors, strict=True):
        index = linalg.IndexOp(position)
        ops.append(index)
        if total is None:
            total = index.result
            continue
        scale = arith.ConstantOp.from_int_and_width(factor, index.result.type)
        scaled = arith.MuliOp(total, scale.result)
        summed = arith.AddiOp(scaled.result, index.result)
        ops.extend([scale, scaled, summed])
        total = summed.result
    assert total is not None
    insert_before(index_op, ops)
    return total


def _splits_for(
    op: Operation, indexing_map: AffineMap, groups: Sequence[Sequence[int]], expanded: Sequence[int]
) -> dict[int, list[int]] | None:
    """The loop splits that make ``op`` index the expanded side of a reshape through
    ``indexing_map`` (which indexes its collapsed side), or None if a loop cannot split."""
    splits: dict[int, list[int]] = {}
    for group, expr in zip(groups, indexing_map.results, strict=True):
        factors = _non_unit([expanded[dim] for dim in group])
        if len(factors) < 2:
            continue
        if not isinstance(expr, AffineDimExpr) or not bare_loops_only(op, expr.position):
            return None
        if expr.position in splits:
            return None
        splits[expr.position] = factors
    return splits or None


def bubble_expand(op: tensor.ExpandShapeOp) -> bool:
    """An ``expand_shape`` of an operator's result: the operator writes the expanded shape."""
    source = op.src
    producer = source.owner
    if not isinstance(source, OpResult) or not isinstance(producer, Operation):
        return False
    if scalar_body(producer) is None or loop_extents(producer) is None:
        return False
    output_map = indexing_maps(producer)[len(inputs_of(producer)) + source.index]
    splits = _splits_for(producer, output_map, reassociation(op), tensor_shape(op.result))
    if splits is None:
        return False
    split_loops(producer, splits)
    return True


def sink_collapse(op: Operation) -> bool:
    """An operator reading a ``collapse_shape``: it reads the uncollapsed tensor."""
    if scalar_body(op) is None or loop_extents(op) is None:
        return False
    maps = indexing_maps(op)
    inputs = inputs_of(op)
    for value, indexing_map in zip(inputs, maps[: len(inputs)], strict=True):
        collapse = value.owner
        if not isinstance(collapse, tensor.CollapseShapeOp):
            continue
        splits = _splits_for(op, indexing_map, reassociation(collapse), tensor_shape(collapse.src))
        if splits is not None:
            split_loops(op, splits)
            return True
    return False


def fold_reshape(op: Reshape) -> bool:
    """A reshape of a reshape, constant, ``tensor.empty`` or fill, or to its own shape,
    is folded away."""
    source = op.src
    shape = tensor_shape(op.result)
    producer = source.owner
    replacement: SSAValue | None = None
    if tuple(tensor_shape(source)) == tuple(shape):
        replacement = source
    elif isinstance(producer, tensor.ExpandShapeOp | tensor.CollapseShapeOp):
        replacement = reshaped(op, producer.src, shape)
        if replacement is producer.src and tuple(tensor_shape(producer.src)) != tuple(shape):
            replacement = None
    elif isinstance(producer, tensor.EmptyOp):
        empty = tensor.EmptyOp([], op.result.type)
        insert_before(op, [empty])
        replacement = empty.tensor
    elif isinstance(producer, linalg.FillOp):
        empty = tensor.EmptyOp([], op.result.type)
        fill = linalg.FillOp((producer.inputs[0],), (empty.tensor,), (op.result.type,))
        insert_before(op, [empty, fill])
        replacement = fill.results[0]
    else:
        constant = dense_constant(source)
        if constant is not None:
            attr = dense_attr(constant.values.reshape(shape), element_type(source))
            if attr is not None:
                folded = arith.ConstantOp(attr)
                insert_before(op, [folded])
                replacement = folded.result
    if replacement is None:
        return False
    op.result.replace_all_uses_with(replacement)
    Rewriter.erase_op(op)
    return True


def materialise_argument_expand(op: tensor.ExpandShapeOp) -> bool:
    """An ``expand_shape`` of a function argument (a weight split into attention heads)
    cannot move further up, and the argument keeps its type: it becomes a copying
    ``linalg.generic`` over the expanded shape that reads the argument at the
    linearised index (``w[k, h * 8 + d]``), data movement the planner distributes like
    any operator, so its readers keep plain maps."""
    source = op.src
    if not isinstance(source, BlockArgument):
        return False
    expanded = tensor_shape(op.result)
    groups = reassociation(op)
    if all(len(_non_unit([expanded[dim] for dim in group])) < 2 for group in groups):
        return False
    results: list[AffineExpr] = []
    for group in groups:
        linear: AffineExpr = AffineExpr.constant(0)
        for dim in group:
            linear = linear * expanded[dim] + AffineExpr.dimension(dim)
        results.append(linear)
    rank = len(expanded)
    element = element_type(source)
    body = Block(arg_types=[element, element])
    body.add_op(linalg.YieldOp(body.args[0]))
    empty = tensor.EmptyOp([], op.result.type)
    insert_before(op, [empty])
    copy = build_generic(
        op,
        [source],
        [empty.tensor],
        Region(body),
        [AffineMap(rank, 0, tuple(results)), AffineMap.identity(rank)],
        ["parallel"] * rank,
    )
    op.result.replace_all_uses_with(copy.results[0])
    Rewriter.erase_op(op)
    return True
