"""Reading a linalg structured op's loops: its indexing maps, iterator types and extents.

Every reader of a structured op (the tile verifier, the cost model's
:func:`t10.hwmodel.work.operator_work`, the planner, the SNN lowering) reads them
here, the same way, whether the op offers linalg's structured interface or, as
xDSL's ``linalg.broadcast`` and ``linalg.reduce`` do not, only its ``dimensions``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from xdsl.dialects.builtin import AffineMapAttr, DenseArrayBase, ShapedType
from xdsl.dialects.linalg.attrs import IteratorType, IteratorTypeAttr
from xdsl.ir import Operation, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineMap


def _shape(value: SSAValue) -> tuple[int, ...]:
    value_type = value.type
    if isinstance(value_type, ShapedType):
        return tuple(value_type.get_shape())
    return ()


def _dimensions(op: Operation) -> tuple[int, ...]:
    dimensions = op.properties.get("dimensions")
    assert isinstance(dimensions, DenseArrayBase)
    return tuple(int(dim) for dim in dimensions.get_values())


def _kept(rank: int, dropped: Sequence[int]) -> AffineMap:
    """The map from ``rank`` loops to the loops not in ``dropped``."""
    return AffineMap(
        rank, 0, tuple(AffineDimExpr(loop) for loop in range(rank) if loop not in dropped)
    )


_STRUCTURED_INTERFACE = ("get_indexing_maps", "get_iterator_types", "get_static_loop_ranges")
_READ_OFF_DIMENSIONS = ("linalg.broadcast", "linalg.reduce")
"""Structured ops xDSL gives no structured interface: :func:`structure` reads them."""


def has_structure(op: Operation) -> bool:
    """Whether :func:`structure` reads ``op``'s loops (without reading them)."""
    return op.name in _READ_OFF_DIMENSIONS or all(
        callable(getattr(op, method, None)) for method in _STRUCTURED_INTERFACE
    )


def structure(
    op: Operation,
) -> tuple[tuple[AffineMap, ...], tuple[str, ...], tuple[int, ...]] | None:
    """
    The indexing maps, iterator types (``"parallel"``/``"reduction"``) and loop
    extents of a structured op, or ``None`` if ``op`` is not one. Ops offering
    linalg's structured interface answer themselves; ``linalg.broadcast`` and
    ``linalg.reduce``, which lack it in xDSL, are read off their ``dimensions``:
    a broadcast's loops are its output's dims, the input indexing those not
    broadcast; a reduce's are its inputs' dims, the inits indexing those not
    reduced.
    """
    get_maps, get_iterators, get_ranges = (
        getattr(op, method, None) for method in _STRUCTURED_INTERFACE
    )
    if callable(get_maps) and callable(get_iterators) and callable(get_ranges):
        map_attrs = cast(Sequence[AffineMapAttr], get_maps())
        iterator_attrs = cast(Sequence[IteratorTypeAttr], get_iterators())
        ranges = cast(Sequence[int], get_ranges())
        maps = tuple(attr.data for attr in map_attrs)
        iterators = tuple(
            "reduction" if attr.data == IteratorType.REDUCTION else "parallel"
            for attr in iterator_attrs
        )
        return maps, iterators, tuple(int(extent) for extent in ranges)
    if op.name == "linalg.broadcast" and len(op.operands) == 2:
        shape = _shape(op.operands[1])
        rank = len(shape)
        maps = (_kept(rank, _dimensions(op)), AffineMap.identity(rank))
        return maps, ("parallel",) * rank, shape
    if op.name == "linalg.reduce" and op.operands and op.results:
        num_inputs = len(op.operands) - len(op.results)
        shape = _shape(op.operands[0])
        rank = len(shape)
        reduced = _dimensions(op)
        maps = (AffineMap.identity(rank),) * num_inputs + (_kept(rank, reduced),) * len(op.results)
        iterators = tuple("reduction" if loop in reduced else "parallel" for loop in range(rank))
        return maps, iterators, shape
    return None
