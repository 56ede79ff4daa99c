"""A function's operators as a graph, and where its tensors wait between operators.

``t10-select-plans`` and ``t10-insert-shifts`` read a function the same way:

- its **operators** are the structured ops of its body, in program order,
  except *initialisers*: a ``linalg.fill`` of a scalar whose results only
  operators read, as the ``outs`` they initialise or as ``ins`` (a ReLU's
  zeros). An initialiser moves no data: each core fills its part of the
  operand where the reading operator's plan puts it, so it belongs to each
  operator that reads it. A fill something else reads (``func.return``) is an
  operator like any other;
- an edge runs from an operator to each operator that reads one of its
  results (a networkx multigraph, one edge per value and reading operand);
- **weights** are the function arguments marked ``{t10.weight}``: they stay on
  the chip between runs, in their *idle layout*;
- a value is **parked** when it must wait on the chip while other operators
  run: a weight, or an operator's result that an operator other than the next
  one in program order reads. A parked value is kept in its idle layout, the
  most compact one (DESIGN §4): each operator expands what it reads into its
  own execution layout and the value's idle copy stays compact in between.

A ``tensor.pad`` is not an operator: an operator reading a padded tensor reads
the pad's source (``source``), and the padding happens in the data movement
that brings the source into the reader's layout (``rtensor.pad``).

With ``t10.park_all`` on the function (the ``vgm`` baseline, "virtual global
memory"), every operator result another operator reads is parked: operators
load what they read from the idle copies and store what they compute back to
them, as compilers that treat the cores' memories as one global memory do.

The idle layout spreads a tensor over as many cores as keep every core's
piece non-empty, splitting its dims so that the per-core piece is as small
as possible, with no replication: it is the least memory a tensor can take
per core.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import networkx as nx
from xdsl.dialects import tensor
from xdsl.dialects.builtin import TensorType, UnitAttr
from xdsl.dialects.func import FuncOp
from xdsl.ir import Attribute, BlockArgument, Operation, OpResult, SSAValue
from xdsl.ir.affine import AffineMap

from t10.dialects.rtensor import DistributedTensorType, LayoutAttr
from t10.passes.partition import is_structured

WEIGHT_ATTR = "t10.weight"
"""Function argument attribute marking a weight: resident on the chip between runs."""

PARK_ALL_ATTR = "t10.park_all"
"""Function attribute: every result an operator reads waits in its idle layout."""


def _piece_extents(extent: int, cores: int) -> dict[int, int]:
    """Per reachable piece extent along one dim, the fewest parts that give it."""
    parts_for_piece: dict[int, int] = {}
    for parts in range(1, min(extent, cores) + 1):
        piece = math.ceil(extent / parts)
        # More parts than ceil(extent / piece) would leave a part all padding.
        if piece not in parts_for_piece and (parts - 1) * piece < extent:
            parts_for_piece[piece] = parts
    return parts_for_piece


@cache
def idle_grid(shape: tuple[int, ...], cores: int) -> tuple[int, ...]:
    """
    Parts per dim of the idle layout of a tensor of ``shape`` on ``cores``
    cores: the smallest per-core piece, then the fewest cores for it, then the
    outer dims split most (so pieces stay contiguous rows).
    """
    options = [sorted(_piece_extents(extent, cores).items()) for extent in shape]
    best: tuple[tuple[int, int, tuple[int, ...]], tuple[int, ...]] | None = None
    for choice in itertools.product(*options):
        parts = tuple(part for _, part in choice)
        used = math.prod(parts)
        if used > cores:
            continue
        key = (math.prod(piece for piece, _ in choice), used, tuple(-part for part in parts))
        if best is None or key < best[0]:
            best = (key, parts)
    assert best is not None, "one part per dim always fits"
    return best[1]


def idle_layout(shape: Sequence[int], cores: int) -> LayoutAttr:
    """The idle layout of a tensor of ``shape``: its dims split over a grid of cores."""
    grid = idle_grid(tuple(shape), cores)
    return LayoutAttr(grid, AffineMap.identity(len(grid)))


def idle_type(tensor: TensorType[Attribute], cores: int) -> DistributedTensorType:
    """``tensor`` as a distributed tensor in its idle layout."""
    shape = tuple(tensor.get_shape())
    return DistributedTensorType(shape, tensor.get_element_type(), idle_layout(shape, cores))


def idle_bytes_per_core(shape: Sequence[int], element_bytes: int, cores: int) -> int:
    """Bytes of its idle piece on each core holding one, for a tensor of ``shape``."""
    grid = idle_grid(tuple(shape), cores)
    return element_bytes * math.prod(
        math.ceil(extent / parts) for extent, parts in zip(shape, grid, strict=True)
    )


def _is_output_operand(op: Operation, operand: int) -> bool:
    outputs = getattr(op, "outputs", ())
    return operand >= len(op.operands) - (len(outputs) if outputs else 1)


def is_initialiser(op: Operation) -> bool:
    """Whether ``op`` is a ``linalg.fill`` of a scalar whose results only operators read
    (as ``outs`` to initialise, or as ``ins`` like any other data)."""
    if op.name != "linalg.fill" or any(
        isinstance(value.type, TensorType) and not _is_output_operand(op, operand)
        for operand, value in enumerate(op.operands)
    ):
        return False
    uses = [use for result in op.results for use in result.uses]
    return bool(uses) and all(
        is_structured(use.operation) and not is_initialiser(use.operation) for use in uses
    )


def source(value: SSAValue) -> SSAValue:
    """``value`` with the ``tensor.pad``s that produce it looked through."""
    while isinstance(value, OpResult) and isinstance(value.op, tensor.PadOp):
        value = value.op.source
    return value


def pad_offset(value: SSAValue) -> tuple[int, ...]:
    """Where ``source(value)``'s element 0 sits in ``value``: the low paddings of the
    pads producing ``value``, summed (all zeros without pads)."""
    value_type = value.type
    offset = [0] * (len(value_type.get_shape()) if isinstance(value_type, TensorType) else 0)
    while isinstance(value, OpResult) and isinstance(value.op, tensor.PadOp):
        lows = value.op.static_low.get_values()
        offset = [total + low for total, low in zip(offset, lows, strict=True)]
        value = value.op.source
    return tuple(offset)


def is_weight(value: SSAValue) -> bool:
    """Whether ``value`` is a function argument marked ``{t10.weight}``."""
    if not isinstance(value, BlockArgument):
        return False
    function = value.block.parent_op()
    if not isinstance(function, FuncOp) or function.arg_attrs is None:
        return False
    attributes = function.arg_attrs.data[value.index].data
    return isinstance(attributes.get(WEIGHT_ATTR), UnitAttr)


@dataclass(frozen=True)
class Use:
    """One operand of an operator reading a value."""

    operator: int
    """The reader's index in program order."""
    operand: int
    """Which of the reader's operands it is."""


@dataclass
class ModelGraph:
    """The operators of one function and the values flowing between them."""

    function: FuncOp
    operators: tuple[Operation, ...]
    """The structured ops of the function's body, in program order."""
    graph: nx.MultiDiGraph
    """Nodes are operator indices; an edge (producer, consumer) per value and reading operand,
    with the edge data ``value`` and ``operand``."""
    index: dict[Operation, int]
    park_all: bool
    """Whether every result that an operator reads is parked (``t10.park_all``)."""

    @staticmethod
    def build(function: FuncOp, park_all: bool | None = None) -> ModelGraph:
        """The graph of ``function``, parking all results if ``park_all`` (by default,
        if the function carries ``t10.park_all``)."""
        if park_all is None:
            park_all = isinstance(function.attributes.get(PARK_ALL_ATTR), UnitAttr)
        operators = tuple(
            op for op in function.body.walk() if is_structured(op) and not is_initialiser(op)
        )
        index = {op: position for position, op in enumerate(operators)}
        graph = nx.MultiDiGraph()
        graph.add_nodes_from(range(len(operators)))
        for consumer, op in enumerate(operators):
            for operand, read in enumerate(op.operands):
                value = source(read)
                if isinstance(value, OpResult) and value.op in index:
                    graph.add_edge(index[value.op], consumer, value=value, operand=operand)
        return ModelGraph(function, operators, graph, index, park_all)

    def initialiser(self, value: SSAValue) -> Operation | None:
        """The initialiser computing ``value``, if one does."""
        if isinstance(value, OpResult) and is_initialiser(value.op):
            return value.op
        return None

    def producer(self, value: SSAValue) -> int | None:
        """The index of the operator computing ``value`` (padded or not), if one does."""
        value = source(value)
        if isinstance(value, OpResult):
            return self.index.get(value.op)
        return None

    def uses(self, value: SSAValue) -> list[Use]:
        """The operator operands reading ``value``, padded or not, in program order."""
        found: list[Use] = []
        for use in value.uses:
            if isinstance(use.operation, tensor.PadOp):
                found.extend(self.uses(use.operation.result))
            elif use.operation in self.index:
                found.append(Use(self.index[use.operation], use.index))
        return sorted(found, key=lambda use: (use.operator, use.operand))

    def is_weight(self, value: SSAValue) -> bool:
        return is_weight(value)

    def is_parked(self, value: SSAValue) -> bool:
        """Whether ``value`` waits on the chip in its idle layout while other operators run."""
        if not isinstance(value.type, TensorType):
            return False
        if is_weight(value):
            return True
        producer = self.producer(value)
        if producer is None:
            return False
        return any(self.park_all or use.operator != producer + 1 for use in self.uses(value))

    def reads_idle_copy(self, value: SSAValue, use: Use) -> bool:
        """Whether ``use`` reads the parked idle copy of ``value`` (not the producer's layout)."""
        if is_weight(value):
            return True
        producer = self.producer(value)
        return producer is not None and (self.park_all or use.operator != producer + 1)

    def parked_values(self) -> list[SSAValue]:
        """Every parked value: weights, then operator results in program order."""
        arguments = [value for value in self.function.body.block.args if is_weight(value)]
        results = [
            result for op in self.operators for result in op.results if self.is_parked(result)
        ]
        return [*arguments, *results]

    def resident_span(self, value: SSAValue) -> range:
        """
        The operators during which the idle copy of parked ``value`` occupies
        memory: every operator for a weight (it stays between runs); for a
        result, those after its producer and before its last reader (the last
        reader expands it into its own layout, which its plan's bytes count).
        """
        if is_weight(value):
            return range(len(self.operators))
        producer = self.producer(value)
        assert producer is not None
        last_reader = max(use.operator for use in self.uses(value))
        return range(producer + 1, last_reader)
