"""The ``tile`` dialect: the per-core bulk-synchronous program of a many-core chip.

One ``tile`` op stands for the same step on every core (single program, many
cores), so the IR of a 1472-core program stays as small as that of a 16-core one.
A ``tile.program`` holds per-core SRAM buffers (``tile.alloc``), compute steps on
them (``tile.compute``), global barriers (``tile.sync``), exchange phases of
core-to-core transfers (``tile.exchange``, and ``tile.fanin`` gathering pieces
from many senders into slots), host input/output
(``tile.host_write``/``tile.host_read``) and counted loops (``tile.repeat``).

Core groups (MIMD): a ``tile.alloc`` or ``tile.compute`` with ``cores [first,
count]`` exists or runs on cores ``first .. first + count - 1`` only, so groups
of cores hold different buffers (disjoint groups may use the same SRAM
addresses) and run different kernels in the same compute phase. Host
transfers of a buffer on a range number its cores from the range's first;
exchanges name absolute cores.

Cores are numbered row-major over the grid of a pattern or block attribute, so on
a grid ``[4, 2, 2]`` the core at coordinates ``(i, j, l)`` is core ``4*i + 2*j + l``.

Bulk-synchronous order, as on the IPU: compute phase, then ``tile.sync``, then
exchange phase. Every data movement (``tile.exchange``, ``tile.fanin``, ``tile.host_write``,
``tile.host_read``, ``tile.host_gather``, ``tile.relayout``,
``tile.reduce_scatter``) must be separated from the latest ``tile.compute``
before it in execution order (loop back-edges included) by a ``tile.sync``,
except a ``tile.reduce_scatter``, which starts every round with a global sync of
its own; it counts as a compute for what follows, since it ends combining what
its last round received. A ``tile.relayout`` in which no core receives from
another (each core rearranges what it holds) is on-core work and needs no sync. A
compute may directly follow an exchange, whose end is itself global. A simulator
may therefore treat every maximal run of exchanges as one phase that reads the state
left by the preceding sync.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from math import gcd, prod

import numpy as np
import numpy.typing as npt
from xdsl.dialects.builtin import (
    I64,
    AffineMapAttr,
    ArrayAttr,
    DenseArrayBase,
    FloatAttr,
    FunctionType,
    IntAttr,
    IntegerAttr,
    NoneAttr,
    StringAttr,
    SymbolNameConstraint,
    TensorType,
    UnitAttr,
    i32,
    i64,
)
from xdsl.dialects.utils import AbstractYieldOperation
from xdsl.ir import (
    Attribute,
    Block,
    Dialect,
    Operation,
    ParametrizedAttribute,
    Region,
    SSAValue,
)
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
)
from xdsl.irdl import (
    AttrSizedOperandSegments,
    IRDLOperation,
    irdl_attr_definition,
    irdl_op_definition,
    operand_def,
    opt_operand_def,
    opt_prop_def,
    prop_def,
    region_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.irdl.declarative_assembly_format import (
    AttributeVariable,
    CustomDirective,
    ParsingState,
    PrintingState,
    irdl_custom_directive,
)
from xdsl.parser import AttrParser, Parser
from xdsl.printer import Printer
from xdsl.traits import (
    HasAncestor,
    HasParent,
    IsolatedFromAbove,
    IsTerminator,
    NoTerminator,
    SymbolOpInterface,
)
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.hints import isa

from t10.dialects.local_array import LocalArrayType
from t10.dialects.structured import structure

SRAM_ALIGNMENT_BYTES = 8
"""Every buffer starts on an 8-byte boundary of its core's SRAM: the widest load
of an IPU-like core is 64 bits, and aligned buffers let a kernel use it."""


def _type_list(types: Iterable[Attribute]) -> str:
    """`types` as MLIR text, e.g. `[tensor<4xf32>, f16]`."""
    return "[" + ", ".join(str(attr) for attr in types) + "]"


def _int_list(values: Sequence[int]) -> ArrayAttr[IntAttr]:
    return _shared_int_list(tuple(values))


@lru_cache(maxsize=65536)
def _shared_int_list(values: tuple[int, ...]) -> ArrayAttr[IntAttr]:
    """One attribute per integer list: attributes are immutable, and a large program
    repeats the same extents, grids and offsets thousands of times."""
    return ArrayAttr(IntAttr(value) for value in values)


def _parse_int_list(parser: AttrParser) -> list[int]:
    return parser.parse_comma_separated_list(parser.Delimiter.SQUARE, parser.parse_integer)


def _print_int_list(printer: Printer, values: Sequence[int]) -> None:
    with printer.in_square_brackets():
        printer.print_list(values, printer.print_int)


def _parse_affine_map(parser: AttrParser) -> AffineMap:
    """An affine map; xDSL's parser raises NotImplementedError on a product of two
    dimensions, which would escape as a traceback instead of a located error."""
    start = parser.pos
    try:
        return parser.parse_affine_map()
    except NotImplementedError as error:
        parser.raise_error(f"not an affine map: {error}", start, parser.pos)


def _verify_grid(grid: Sequence[int], attr_name: str) -> None:
    if not grid:
        raise VerifyException(f"{attr_name} grid must have at least one axis")
    for axis, extent in enumerate(grid):
        if extent < 1:
            raise VerifyException(
                f"{attr_name} grid extent {extent} on axis {axis} must be positive"
            )


def _grid_coordinates(grid: Sequence[int]) -> npt.NDArray[np.int64]:
    """Coordinates of every core of ``grid``, row-major: shape (cores, rank)."""
    return np.indices(grid, dtype=np.int64).reshape(len(grid), -1).T


def rotation_transfers(
    grid: Sequence[int], axes: Sequence[int], ring: int, pace: int, stride: int
) -> npt.NDArray[np.int64]:
    """The (sender, receiver) core pairs of a rotation round rings of ``ring`` cores over
    ``axes`` of ``grid`` (see ``RotatePatternAttr``), one row per sending core."""
    sources = _grid_coordinates(grid)
    axis_list = list(axes)
    extents = [grid[axis] for axis in axis_list]
    number = np.ravel_multi_index(tuple(sources[:, axis_list[::-1]].T), extents[::-1])
    position = number // stride % ring
    number = number + ((position + pace) % ring - position) * stride
    destinations = sources.copy()
    destinations[:, axis_list[::-1]] = np.stack(np.unravel_index(number, extents[::-1]), axis=1)
    linear = np.ravel_multi_index(tuple(destinations.T), grid)
    return np.stack([np.arange(len(sources), dtype=np.int64), linear], axis=1)


################################################################################
# Types and attributes                                                         #
################################################################################


@irdl_attr_definition
class BufferType(LocalArrayType):
    """
    A buffer in the local SRAM of each core: the same shape, element type and
    offset on every core, with per-core contents.

    Example: `!tile.buffer<8x184xf16>`.
    """

    name = "tile.buffer"

    shape: ArrayAttr[IntAttr]
    element_type: Attribute

    NOUN = "buffer"

    def __init__(self, shape: Sequence[int], element_type: Attribute):
        # Declared again so type checkers see it past the dataclass transform.
        super().__init__(shape, element_type)


class ExchangePatternAttr(ParametrizedAttribute, ABC):
    """A static set of core-to-core transfers making up one exchange."""

    @abstractmethod
    def transfers(self) -> npt.NDArray[np.int64]:
        """The (source core, destination core) pairs, shape (transfers, 2)."""

    @abstractmethod
    def core_count(self) -> int:
        """How many cores the pattern needs: one more than its largest core id."""


@irdl_attr_definition
class RotatePatternAttr(ExchangePatternAttr):
    """
    A rotation round rings of cores. The coordinates of `axes` are read as one
    mixed-radix number (the first axis least significant), whose digits from
    place value `stride` up to `stride * ring` number a core's position in its
    ring; every core sends to the core `pace` positions further round its ring,
    all other coordinates unchanged. With one axis and stride 1 the axis is cut
    into rings of `ring` consecutive cores. Over `ring` rotations every piece
    visits every core of its ring exactly once, which is what makes it a
    compute-shift ring. Several rings of one operand, or one ring laid across
    several axes, are how a plan that rotates an operand on two loops, or in
    rings longer than any one axis, is laid on the grid.

    Examples: `#tile.rotate<grid = [4, 14, 26], axis = 1, ring = 7, pace = 1>`;
    `#tile.rotate<grid = [2, 2, 4], axes = [0, 2], ring = 4, stride = 2, pace = 1>`.
    `ring` may be left out when the ring spans all of its axes, `stride` when it is 1.
    """

    name = "tile.rotate"

    grid: ArrayAttr[IntAttr]
    axes: ArrayAttr[IntAttr]
    ring: IntAttr
    pace: IntAttr
    stride: IntAttr

    def __init__(
        self,
        grid: Sequence[int],
        axis: int | Sequence[int],
        ring: int,
        pace: int,
        stride: int = 1,
    ):
        axes = [axis] if isinstance(axis, int) else list(axis)
        super().__init__(
            _int_list(grid), _int_list(axes), IntAttr(ring), IntAttr(pace), IntAttr(stride)
        )

    def grid_shape(self) -> tuple[int, ...]:
        return tuple(extent.data for extent in self.grid.data)

    def ring_axes(self) -> tuple[int, ...]:
        return tuple(axis.data for axis in self.axes.data)

    def core_count(self) -> int:
        return prod(self.grid_shape())

    def _span(self) -> int:
        """How many cores one number over `axes` counts: the product of their extents."""
        grid = self.grid_shape()
        return prod(grid[axis] for axis in self.ring_axes())

    def transfers(self) -> npt.NDArray[np.int64]:
        return rotation_transfers(
            self.grid_shape(), self.ring_axes(), self.ring.data, self.pace.data, self.stride.data
        )

    def verify(self) -> None:
        grid = self.grid_shape()
        _verify_grid(grid, "rotate")
        axes = self.ring_axes()
        ring, pace, stride = self.ring.data, self.pace.data, self.stride.data
        for axis in axes:
            if not 0 <= axis < len(grid):
                raise VerifyException(
                    f"rotate axis {axis} is outside the {len(grid)}-axis grid {list(grid)}"
                )
        if not axes or len(set(axes)) != len(axes):
            raise VerifyException(f"rotate axes {list(axes)} must be distinct, and at least one")
        span = self._span()
        if stride < 1 or ring < 2 or span % (ring * stride) != 0:
            raise VerifyException(
                f"rotate ring {ring} must be at least 2 and, times the stride {stride}, divide "
                f"the {span} cores of axes {list(axes)}"
            )
        if not 0 < pace < ring or gcd(pace, ring) != 1:
            raise VerifyException(
                f"rotate pace {pace} must lie in [1, ring {ring}) and be coprime with "
                "the ring, so that every piece visits every core of its ring"
            )

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            parser.parse_keyword("grid")
            parser.parse_punctuation("=")
            grid = _parse_int_list(parser)
            parser.parse_punctuation(",")
            if parser.parse_optional_keyword("axes") is not None:
                parser.parse_punctuation("=")
                axes = _parse_int_list(parser)
            else:
                parser.parse_keyword("axis")
                parser.parse_punctuation("=")
                axes = [parser.parse_integer(allow_negative=False)]
            parser.parse_punctuation(",")
            ring: int | None = None
            stride = 1
            if parser.parse_optional_keyword("ring") is not None:
                parser.parse_punctuation("=")
                ring = parser.parse_integer(allow_negative=False)
                parser.parse_punctuation(",")
            if parser.parse_optional_keyword("stride") is not None:
                parser.parse_punctuation("=")
                stride = parser.parse_integer(allow_negative=False)
                parser.parse_punctuation(",")
            parser.parse_keyword("pace")
            parser.parse_punctuation("=")
            pace = parser.parse_integer(allow_negative=False)
        if ring is None:
            span = prod(grid[axis] if 0 <= axis < len(grid) else 0 for axis in axes)
            ring = span // max(stride, 1)
        return (_int_list(grid), _int_list(axes), IntAttr(ring), IntAttr(pace), IntAttr(stride))

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string("grid = ")
            _print_int_list(printer, self.grid_shape())
            axes = self.ring_axes()
            if len(axes) == 1:
                printer.print_string(f", axis = {axes[0]}")
            else:
                printer.print_string(", axes = ")
                _print_int_list(printer, axes)
            if self.ring.data * self.stride.data != self._span():
                printer.print_string(f", ring = {self.ring.data}")
            if self.stride.data != 1:
                printer.print_string(f", stride = {self.stride.data}")
            printer.print_string(f", pace = {self.pace.data}")


@irdl_attr_definition
class TransfersPatternAttr(ExchangePatternAttr):
    """
    An explicit list of `[source core, destination core]` transfers, for
    exchanges no rotation describes (relayouts, reductions across cores). A core
    may send to several cores but receives at most once per exchange, since every
    transfer writes the whole destination buffer.

    Example: `#tile.transfers<[[0, 1], [1, 0], [2, 2]]>`.
    """

    name = "tile.transfers"

    pairs: ArrayAttr[ArrayAttr[IntAttr]]

    def __init__(self, pairs: Sequence[tuple[int, int]]):
        super().__init__(ArrayAttr(_int_list(pair) for pair in pairs))

    def transfers(self) -> npt.NDArray[np.int64]:
        return np.array(
            [[core.data for core in pair.data] for pair in self.pairs.data], dtype=np.int64
        ).reshape(-1, 2)

    def core_count(self) -> int:
        return int(self.transfers().max(initial=-1)) + 1

    def verify(self) -> None:
        if not self.pairs.data:
            raise VerifyException("transfers pattern must hold at least one transfer")
        receivers: set[int] = set()
        for pair in self.pairs.data:
            cores = [core.data for core in pair.data]
            if len(cores) != 2 or min(cores) < 0:
                raise VerifyException(
                    f"transfer {cores} must be a pair [source, destination] of core ids >= 0"
                )
            if cores[1] in receivers:
                raise VerifyException(
                    f"core {cores[1]} receives more than once in one transfers pattern"
                )
            receivers.add(cores[1])

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            pairs = parser.parse_comma_separated_list(
                parser.Delimiter.SQUARE, lambda: _parse_int_list(parser)
            )
        return (ArrayAttr(_int_list(pair) for pair in pairs),)

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets(), printer.in_square_brackets():
            printer.print_list(
                self.pairs.data,
                lambda pair: _print_int_list(printer, [core.data for core in pair.data]),
            )


@irdl_attr_definition
class BlockLayoutAttr(ParametrizedAttribute):
    """
    How a host tensor is cut into one block per core of a grid.

    `split` holds, per tensor dimension, the grid axes that cut it, major first:
    the dimension is cut into the product of their extents, and a core's block
    index along it is the mixed-radix number of its coordinates on those axes.
    An axis written `a + b + ...` is skewed: its digit is
    `(coordinate a + coordinate b + ...) mod extent of a`, the generalised Cannon
    placement that lines rotating pieces up. Grid axes cutting no dimension
    replicate the tensor; reading it back takes the copy of the lowest-numbered
    core holding each block.

    Example: `#tile.block<grid = [4, 2, 2], split = [[0], [1, 2 + 0]]>`: dimension
    0 in 4 blocks by axis 0, dimension 1 in 4 blocks by axis 1 then axis 2 skewed
    by axis 0.
    """

    name = "tile.block"

    grid: ArrayAttr[IntAttr]
    split: ArrayAttr[ArrayAttr[ArrayAttr[IntAttr]]]

    def __init__(self, grid: Sequence[int], split: Sequence[Sequence[Sequence[int]]]):
        super().__init__(
            _int_list(grid),
            ArrayAttr(ArrayAttr(_int_list(digit) for digit in digits) for digits in split),
        )

    def grid_shape(self) -> tuple[int, ...]:
        return tuple(extent.data for extent in self.grid.data)

    def core_count(self) -> int:
        return prod(self.grid_shape())

    def split_axes(self) -> list[list[list[int]]]:
        """Per tensor dimension, its digits; each digit is [axis, skew axes...]."""
        return [
            [[axis.data for axis in digit.data] for digit in digits.data]
            for digits in self.split.data
        ]

    def block_counts(self) -> tuple[int, ...]:
        """How many blocks each tensor dimension is cut into."""
        grid = self.grid_shape()
        return tuple(prod(grid[digit[0]] for digit in digits) for digits in self.split_axes())

    def block_shape(self, tensor_shape: Sequence[int]) -> tuple[int, ...]:
        return tuple(
            size // count for size, count in zip(tensor_shape, self.block_counts(), strict=True)
        )

    def block_indices(self) -> npt.NDArray[np.int64]:
        """Every core's block index per tensor dimension: shape (cores, rank)."""
        grid = self.grid_shape()
        coordinates = _grid_coordinates(grid)
        indices = np.zeros((len(coordinates), len(self.split.data)), dtype=np.int64)
        for dimension, digits in enumerate(self.split_axes()):
            for axis, *skew_axes in digits:
                digit = coordinates[:, axis] + coordinates[:, skew_axes].sum(axis=1)
                indices[:, dimension] = indices[:, dimension] * grid[axis] + digit % grid[axis]
        return indices

    def block_origins(self, tensor_shape: Sequence[int]) -> npt.NDArray[np.int64]:
        """Every core's block origin in the host tensor: shape (cores, rank)."""
        return self.block_indices() * np.array(self.block_shape(tensor_shape), dtype=np.int64)

    def verify_shapes(self, tensor_shape: Sequence[int], buffer_shape: Sequence[int]) -> None:
        """Check that `buffer_shape` is exactly one block of `tensor_shape`."""
        counts = self.block_counts()
        if len(tensor_shape) != len(counts) or len(buffer_shape) != len(counts):
            raise VerifyException(
                f"block layout splits {len(counts)} dimensions but the tensor has "
                f"{len(tensor_shape)} and the buffer {len(buffer_shape)}"
            )
        for dimension, (size, count, block) in enumerate(
            zip(tensor_shape, counts, buffer_shape, strict=True)
        ):
            if size % count != 0 or size // count != block:
                raise VerifyException(
                    f"tensor dimension {dimension} of size {size} cut into {count} blocks "
                    f"does not give the buffer's extent {block}"
                )

    def verify(self) -> None:
        grid = self.grid_shape()
        _verify_grid(grid, "block")
        cutting_axes: set[int] = set()
        for digits in self.split_axes():
            for digit in digits:
                for axis in digit:
                    if not 0 <= axis < len(grid):
                        raise VerifyException(
                            f"block axis {axis} is outside the {len(grid)}-axis grid {list(grid)}"
                        )
                if digit[0] in cutting_axes or digit[0] in digit[1:]:
                    raise VerifyException(
                        f"block axis {digit[0]} cuts more than once or skews itself"
                    )
                cutting_axes.add(digit[0])

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        def parse_digit() -> list[int]:
            digit = [parser.parse_integer(allow_negative=False)]
            while parser.parse_optional_punctuation("+") is not None:
                digit.append(parser.parse_integer(allow_negative=False))
            return digit

        with parser.in_angle_brackets():
            parser.parse_keyword("grid")
            parser.parse_punctuation("=")
            grid = _parse_int_list(parser)
            parser.parse_punctuation(",")
            parser.parse_keyword("split")
            parser.parse_punctuation("=")
            split = parser.parse_comma_separated_list(
                parser.Delimiter.SQUARE,
                lambda: parser.parse_comma_separated_list(parser.Delimiter.SQUARE, parse_digit),
            )
        return (
            _int_list(grid),
            ArrayAttr(ArrayAttr(_int_list(digit) for digit in digits) for digits in split),
        )

    def print_parameters(self, printer: Printer) -> None:
        def print_digit(digit: list[int]) -> None:
            printer.print_list(digit, printer.print_int, " + ")

        def print_digits(digits: list[list[int]]) -> None:
            with printer.in_square_brackets():
                printer.print_list(digits, print_digit)

        with printer.in_angle_brackets():
            printer.print_string("grid = ")
            _print_int_list(printer, self.grid_shape())
            printer.print_string(", split = ")
            with printer.in_square_brackets():
                printer.print_list(self.split_axes(), print_digits)


def _verify_box_map(indexing_map: AffineMap) -> None:
    """A placement's map must send a box of loops to a box of the tensor: each result
    a sum of non-negative multiples of loops plus a constant, no symbols."""
    if indexing_map.num_symbols:
        raise VerifyException(f"place map {indexing_map} must not have symbols")
    for result in indexing_map.results:
        for node in result.dfs():
            if isinstance(node, AffineBinaryOpExpr) and node.kind not in (
                AffineBinaryOpKind.Add,
                AffineBinaryOpKind.Mul,
            ):
                raise VerifyException(
                    f"place map {indexing_map} must be linear: {result} uses "
                    f"{node.kind.get_token()}"
                )
        if not result.is_pure_affine():
            raise VerifyException(f"place map {indexing_map} must be affine: {result} is not")
    coefficients, _ = _linear_terms(indexing_map)
    if (coefficients < 0).any():
        raise VerifyException(
            f"place map {indexing_map} must not count any loop backwards: a buffer holds "
            "a box of the tensor"
        )


def _divides_by_positive_constants(expr: AffineExpr) -> bool:
    """Whether ``expr`` is affine and floor-divides or takes remainders by positive
    constants only, where numpy's ``//`` and ``%`` (:func:`_eval_on_cores`) agree with
    affine ``floordiv`` and ``mod``."""
    return expr.is_pure_affine() and not any(
        isinstance(node, AffineBinaryOpExpr)
        and node.kind in (AffineBinaryOpKind.FloorDiv, AffineBinaryOpKind.Mod)
        and not (isinstance(node.rhs, AffineConstantExpr) and node.rhs.value > 0)
        for node in expr.dfs()
    )


def _linear_terms(indexing_map: AffineMap) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(dims, loops) coefficients and (dims,) constants of an affine map's results."""
    loops = indexing_map.num_dims
    constants = np.asarray(indexing_map.eval([0] * loops, []), dtype=np.int64)
    coefficients = np.zeros((len(constants), loops), dtype=np.int64)
    for loop in range(loops):
        unit = [int(other == loop) for other in range(loops)]
        coefficients[:, loop] = np.asarray(indexing_map.eval(unit, []), dtype=np.int64) - constants
    return coefficients, constants


def _eval_on_cores(expr: AffineExpr, coordinates: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """``expr`` of grid coordinates at every core at once: shape (cores,)."""
    if isinstance(expr, AffineConstantExpr):
        return np.full(len(coordinates), expr.value, dtype=np.int64)
    if isinstance(expr, AffineDimExpr):
        return coordinates[:, expr.position]
    assert isinstance(expr, AffineBinaryOpExpr), f"no symbols in a verified skew: {expr}"
    lhs = _eval_on_cores(expr.lhs, coordinates)
    rhs = _eval_on_cores(expr.rhs, coordinates)
    match expr.kind:
        case AffineBinaryOpKind.Add:
            return lhs + rhs
        case AffineBinaryOpKind.Mul:
            return lhs * rhs
        case AffineBinaryOpKind.Mod:
            return lhs % rhs
        case AffineBinaryOpKind.FloorDiv:
            return lhs // rhs
        case AffineBinaryOpKind.CeilDiv:
            return -(-lhs // rhs)


def _field(parser: AttrParser, name: str) -> None:
    """Reads ``name =`` before a field of an attribute's parameters."""
    parser.parse_keyword(name)
    parser.parse_punctuation("=")


@irdl_attr_definition
class PlaceAttr(ParametrizedAttribute):
    """
    Which part of a tensor every core's buffer holds, in the loop space of the
    operator that reads or writes it. The operator's loops of `extents` are
    split over the cores of `grid` (row-major, one grid axis per loop), so the
    core at coordinates `g` owns positions ``[g[d] * R[d], min((g[d] + 1) * R[d],
    extents[d]))`` of loop `d`, ``R = ceil(extents / grid)``. That range is cut
    into `steps[d]` step slices of ``S = ceil(R / steps)`` positions; the buffer
    holds slice ``(skew(g)[d] + at[d]) mod steps[d]``, where `skew` is an affine
    map from grid coordinates to one step offset per loop, so cores can start a
    compute-shift ring skewed (``floordiv`` picks the digit of an axis a ring
    runs along when several rings share the axis). With `chunks`, the slice is
    further cut `chunks[d]` ways and the cores holding the same slice (the
    copies a reduce-scatter combines) take one chunk each, in core order. The
    buffer's tensor shape is the image of the box under `map` (a window's halo
    included); positions beyond the slice, the core's range or the tensor are
    padding, never read by a compute and never moved.

    `#tile.place<map = (m, n, k) -> (m, k), extents = [128, 96, 64],
    grid = [4, 2, 2], steps = [2, 1, 1], skew = (d0, d1, d2) -> (d1 + d2, 0, 0)>`;
    `steps`, `skew`, `at` and `chunks` are left out when trivial.
    """

    name = "tile.place"

    map: AffineMapAttr
    extents: ArrayAttr[IntAttr]
    grid: ArrayAttr[IntAttr]
    steps: ArrayAttr[IntAttr]
    skew: AffineMapAttr
    at: ArrayAttr[IntAttr]
    chunks: ArrayAttr[IntAttr]

    def __init__(
        self,
        indexing_map: AffineMap,
        extents: Sequence[int],
        grid: Sequence[int],
        steps: Sequence[int] | None = None,
        skew: AffineMap | None = None,
        at: Sequence[int] | None = None,
        chunks: Sequence[int] | None = None,
    ):
        loops = indexing_map.num_dims
        ones = [1] * loops
        zeros = [0] * loops
        super().__init__(
            AffineMapAttr(indexing_map),
            _int_list(extents),
            _int_list(grid),
            _int_list(ones if steps is None else steps),
            AffineMapAttr(skew or AffineMap(len(grid), 0, tuple(map(AffineExpr.constant, zeros)))),
            _int_list(zeros if at is None else at),
            _int_list(ones if chunks is None else chunks),
        )

    def _ints(self, field: ArrayAttr[IntAttr]) -> tuple[int, ...]:
        return tuple(value.data for value in field.data)

    def loop_extents(self) -> tuple[int, ...]:
        return self._ints(self.extents)

    def grid_shape(self) -> tuple[int, ...]:
        return self._ints(self.grid)

    def step_counts(self) -> tuple[int, ...]:
        return self._ints(self.steps)

    def skew_map(self) -> AffineMap:
        return self.skew.data

    def step_offsets(self) -> tuple[int, ...]:
        return self._ints(self.at)

    def chunk_counts(self) -> tuple[int, ...]:
        return self._ints(self.chunks)

    def core_count(self) -> int:
        return prod(self.grid_shape())

    @staticmethod
    def get(
        indexing_map: AffineMap,
        extents: Sequence[int],
        grid: Sequence[int],
        steps: Sequence[int] | None = None,
        skew: AffineMap | None = None,
        at: Sequence[int] | None = None,
        chunks: Sequence[int] | None = None,
    ) -> PlaceAttr:
        """The placement of these fields, built once: building one verifies it, and a
        large program places the same boxes thousands of times."""
        return _shared_place(
            indexing_map,
            tuple(extents),
            tuple(grid),
            None if steps is None else tuple(steps),
            skew,
            None if at is None else tuple(at),
            None if chunks is None else tuple(chunks),
        )

    def with_offsets(self, at: Sequence[int]) -> PlaceAttr:
        """The same placement with step offsets ``at``."""
        return PlaceAttr.get(
            self.map.data,
            self.loop_extents(),
            self.grid_shape(),
            self.step_counts(),
            self.skew_map(),
            at,
            self.chunk_counts(),
        )

    def with_chunks(self, chunks: Sequence[int]) -> PlaceAttr:
        """The same placement cut into ``chunks`` per loop."""
        return PlaceAttr.get(
            self.map.data,
            self.loop_extents(),
            self.grid_shape(),
            self.step_counts(),
            self.skew_map(),
            self.step_offsets(),
            chunks,
        )

    def _slice_sizes(self) -> npt.NDArray[np.int64]:
        extents = np.asarray(self.loop_extents(), dtype=np.int64)
        ranges = -(-extents // np.asarray(self.grid_shape(), dtype=np.int64))
        return -(-ranges // np.asarray(self.step_counts(), dtype=np.int64))

    def box_extents(self) -> tuple[int, ...]:
        """Positions of each loop one buffer spans (padding included)."""
        chunks = np.asarray(self.chunk_counts(), dtype=np.int64)
        return tuple(int(size) for size in -(-self._slice_sizes() // chunks))

    def buffer_shape(self) -> tuple[int, ...]:
        """The buffer's shape: the image of a box of `box_extents` under `map`."""
        return _buffer_shape(self)

    def skew_offsets(self) -> npt.NDArray[np.int64]:
        """Per core and loop, the skew's step offset (before `at` and the modulo)."""
        coordinates = _grid_coordinates(self.grid_shape())
        offsets = np.zeros((len(coordinates), len(self.skew_map().results)), dtype=np.int64)
        for loop, result in enumerate(self.skew_map().results):
            offsets[:, loop] = _eval_on_cores(result, coordinates)
        return offsets

    def loop_boxes(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Per core and loop: the first position its buffer holds and how many are valid
        (read-only arrays, shared by every caller)."""
        return _loop_boxes(self)

    def _chunk_digits(self, start: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Per core, which chunk of its slice it takes along each loop: its rank among
        the cores holding the same slice, in mixed radix over `chunks`."""
        used = sorted(self.map.data.used_dims())
        _, group = np.unique(start[:, used], axis=0, return_inverse=True)
        group = group.reshape(-1)
        order = np.argsort(group, kind="stable")
        first = np.searchsorted(group[order], group[order])
        rank = np.empty_like(group)
        rank[order] = np.arange(len(group)) - first
        chunks = self.chunk_counts()
        if rank.max(initial=0) >= prod(chunks) or np.any(np.bincount(group) != prod(chunks)):
            raise ValueError(
                f"chunks {list(chunks)} do not cut the slices of {self}: each slice must be "
                f"held by exactly {prod(chunks)} cores"
            )
        return np.stack(np.unravel_index(rank, chunks), axis=1).astype(np.int64)

    def tensor_boxes(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Per core and tensor dim: the index the buffer's first element stands for and
        how many of the buffer's elements along the dim are valid."""
        coefficients, constants = _linear_terms(self.map.data)
        start, valid = self.loop_boxes()
        origin = start @ coefficients.T + constants
        used = np.asarray(
            [loop in self.map.data.used_dims() for loop in range(len(self.loop_extents()))]
        )
        empty = (valid[:, used] == 0).any(axis=1) if used.any() else np.zeros(len(valid), bool)
        extents = np.maximum(valid - 1, 0) @ coefficients.T + 1
        extents[empty] = 0
        return origin, extents

    def verify(self) -> None:
        loops = self.map.data.num_dims
        grid = self.grid_shape()
        _verify_grid(grid, "place")
        fields = {
            "extents": self.loop_extents(),
            "grid": grid,
            "steps": self.step_counts(),
            "at": self.step_offsets(),
            "chunks": self.chunk_counts(),
        }
        for field, values in fields.items():
            if len(values) != loops:
                raise VerifyException(
                    f"place {field} {list(values)} must have one entry per loop of {self.map.data}"
                )
        if any(value < 1 for value in (*fields["extents"], *fields["steps"], *fields["chunks"])):
            raise VerifyException("place extents, steps and chunks must be positive")
        _verify_box_map(self.map.data)
        skew = self.skew_map()
        if skew.num_dims != len(grid) or skew.num_symbols or len(skew.results) != loops:
            raise VerifyException(
                f"place skew {skew} must map the {len(grid)} grid coordinates, with no "
                f"symbols, to one step offset for each of the {loops} loops"
            )
        for result in skew.results:
            if not _divides_by_positive_constants(result):
                raise VerifyException(
                    f"place skew {skew}: {result} must be affine and divide or take "
                    "remainders by positive constants only"
                )

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            _field(parser, "map")
            indexing_map = _parse_affine_map(parser)
            parser.parse_punctuation(",")
            _field(parser, "extents")
            extents = _parse_int_list(parser)
            parser.parse_punctuation(",")
            _field(parser, "grid")
            grid = _parse_int_list(parser)
            steps: list[int] | None = None
            at: list[int] | None = None
            chunks: list[int] | None = None
            skew: AffineMap | None = None
            while parser.parse_optional_punctuation(",") is not None:
                name = parser.parse_identifier()
                parser.parse_punctuation("=")
                if name == "skew":
                    skew = _parse_affine_map(parser)
                elif name == "steps":
                    steps = _parse_int_list(parser)
                elif name == "at":
                    at = _parse_int_list(parser)
                elif name == "chunks":
                    chunks = _parse_int_list(parser)
                else:
                    parser.raise_error(f"unknown place field '{name}'")
        place = cls(indexing_map, extents, grid, steps, skew, at, chunks)
        return (
            place.map,
            place.extents,
            place.grid,
            place.steps,
            place.skew,
            place.at,
            place.chunks,
        )

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string(f"map = {self.map.data}, extents = ")
            _print_int_list(printer, self.loop_extents())
            printer.print_string(", grid = ")
            _print_int_list(printer, self.grid_shape())
            for name, values, trivial in (
                ("steps", self.step_counts(), 1),
                ("at", self.step_offsets(), 0),
                ("chunks", self.chunk_counts(), 1),
            ):
                if any(value != trivial for value in values):
                    printer.print_string(f", {name} = ")
                    _print_int_list(printer, values)
            skew = self.skew_map()
            if any(result != AffineExpr.constant(0) for result in skew.results):
                printer.print_string(f", skew = {skew}")


@lru_cache(maxsize=65536)
def _buffer_shape(place: PlaceAttr) -> tuple[int, ...]:
    coefficients, _ = _linear_terms(place.map.data)
    spans = np.asarray(place.box_extents(), dtype=np.int64) - 1
    return tuple(int(size) for size in coefficients @ spans + 1)


@lru_cache(maxsize=4096)
def _loop_boxes(place: PlaceAttr) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """`PlaceAttr.loop_boxes`, computed once per placement: a large program places many
    buffers alike, and the lowering, the verifier and the simulator all read them."""
    grid = place.grid_shape()
    extents = np.asarray(place.loop_extents(), dtype=np.int64)
    steps = np.asarray(place.step_counts(), dtype=np.int64)
    coordinates = _grid_coordinates(grid)
    ranges = -(-extents // np.asarray(grid, dtype=np.int64))
    sizes = place._slice_sizes()
    slices = (place.skew_offsets() + np.asarray(place.step_offsets(), dtype=np.int64)) % steps
    start = coordinates * ranges + slices * sizes
    limit = np.minimum(np.minimum((coordinates + 1) * ranges, extents), start + sizes)
    chunks = place.chunk_counts()
    box = np.asarray(place.box_extents(), dtype=np.int64)
    if prod(chunks) > 1:
        start = start + place._chunk_digits(start) * box
    valid = np.clip(limit - start, 0, box)
    start.flags.writeable = False
    valid.flags.writeable = False
    return start, valid


@lru_cache(maxsize=65536)
def _shared_place(
    indexing_map: AffineMap,
    extents: tuple[int, ...],
    grid: tuple[int, ...],
    steps: tuple[int, ...] | None,
    skew: AffineMap | None,
    at: tuple[int, ...] | None,
    chunks: tuple[int, ...] | None,
) -> PlaceAttr:
    return PlaceAttr(indexing_map, extents, grid, steps, skew, at, chunks)


@dataclass(frozen=True)
class FanInTransfers:
    """The transfers of a `#tile.fanin`, one entry per transfer (valid slots only)."""

    receivers: npt.NDArray[np.int64]
    """The receiving core's index within the receivers, ``d0``."""
    slots: npt.NDArray[np.int64]
    """The destination slot, ``d1`` (an index of the destination's slot axis)."""
    senders: npt.NDArray[np.int64]
    """The absolute core sending it."""
    source_slots: npt.NDArray[np.int64] | None
    """Which slice of the source it sends; ``None``: the whole source."""


@irdl_attr_definition
class FanInAttr(ParametrizedAttribute):
    """
    A static many-to-one exchange into slots: each of the `receivers` cores
    `[first, count]` receives `slots` pieces. With `d0` the receiver's index in
    `[0, count)` (core `first + d0`) and `d1` a slot in `[0, slots)`, `sender`
    gives the absolute core that sends slot `d1` of receiver `d0`;
    `source_slot`, if given, which slice of the sender's source buffer it sends
    (else the whole buffer); `valid`, if given, whether the transfer happens
    at all (where its value is >= 0; other slots keep their contents). Each
    map has two dims, no symbols and one result, affine with floordiv and mod
    by positive constants (negative coefficients are allowed: `50 - d1`).
    `slot_axis` (default 0) is the axis of the destination that holds the
    slots, and the axis of the source that `source_slot` indexes: a consumer
    reading `[B, slots, C]` receives its pieces in place, with no transpose.
    Spike lists of a layer broadcast to the next layer's cores are one fan-in.

    Example: `#tile.fanin<receivers = [16, 816], slots = 51,
    sender = (d0, d1) -> (d0 floordiv 51 * 51 + d1 + 1000),
    source_slot = (d0, d1) -> (d0 mod 3), valid = (d0, d1) -> (50 - d1), slot_axis = 1>`;
    `source_slot`, `valid` and `slot_axis` are left out when not used (axis 0).
    """

    name = "tile.fanin"

    receivers: ArrayAttr[IntAttr]
    slots: IntAttr
    sender: AffineMapAttr
    source_slot: AffineMapAttr | NoneAttr
    valid: AffineMapAttr | NoneAttr
    axis: IntAttr
    """The slot axis, `slot_axis` in the text (named apart from its accessor)."""

    def __init__(
        self,
        receivers: CoreRange,
        slots: int,
        sender: AffineMap,
        source_slot: AffineMap | None = None,
        valid: AffineMap | None = None,
        slot_axis: int = 0,
    ):
        super().__init__(
            _int_list(receivers),
            IntAttr(slots),
            AffineMapAttr(sender),
            NoneAttr() if source_slot is None else AffineMapAttr(source_slot),
            NoneAttr() if valid is None else AffineMapAttr(valid),
            IntAttr(slot_axis),
        )

    def receiver_range(self) -> CoreRange:
        first, count = (value.data for value in self.receivers.data)
        return first, count

    def slot_count(self) -> int:
        return self.slots.data

    def sender_map(self) -> AffineMap:
        return self.sender.data

    def source_slot_map(self) -> AffineMap | None:
        return self.source_slot.data if isinstance(self.source_slot, AffineMapAttr) else None

    def valid_map(self) -> AffineMap | None:
        return self.valid.data if isinstance(self.valid, AffineMapAttr) else None

    def slot_axis(self) -> int:
        return self.axis.data

    def transfers(self) -> FanInTransfers:
        """Every transfer, the maps evaluated over all (receiver, slot) at once; cached
        per attribute."""
        return _fanin_transfers(self)

    def verify(self) -> None:
        receivers = [value.data for value in self.receivers.data]
        if len(receivers) != 2 or receivers[0] < 0 or receivers[1] < 1:
            raise VerifyException(
                f"fanin receivers {receivers} must be [first core >= 0, count >= 1]"
            )
        if self.slot_count() < 1:
            raise VerifyException(f"fanin slots {self.slot_count()} must be at least one")
        if self.slot_axis() < 0:
            raise VerifyException(f"fanin slot_axis {self.slot_axis()} must be >= 0")
        for role, indexing_map in (
            ("sender", self.sender_map()),
            ("source_slot", self.source_slot_map()),
            ("valid", self.valid_map()),
        ):
            if indexing_map is None:
                continue
            if (
                indexing_map.num_dims != 2
                or indexing_map.num_symbols
                or len(indexing_map.results) != 1
            ):
                raise VerifyException(
                    f"fanin {role} map {indexing_map} must map (receiver, slot), with no "
                    "symbols, to one result"
                )
            if not _divides_by_positive_constants(indexing_map.results[0]):
                raise VerifyException(
                    f"fanin {role} map {indexing_map} must be affine and divide or take "
                    "remainders by positive constants only"
                )

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            _field(parser, "receivers")
            receivers = _parse_int_list(parser)
            parser.parse_punctuation(",")
            _field(parser, "slots")
            slots = parser.parse_integer(allow_negative=False)
            parser.parse_punctuation(",")
            _field(parser, "sender")
            sender = _parse_affine_map(parser)
            optional: dict[str, AffineMap] = {}
            slot_axis: int | None = None
            while parser.parse_optional_punctuation(",") is not None:
                start = parser.pos
                name = parser.parse_identifier()
                if (
                    name not in ("source_slot", "valid", "slot_axis")
                    or name in optional
                    or (name == "slot_axis" and slot_axis is not None)
                ):
                    parser.raise_error(
                        f"expected 'source_slot', 'valid' or 'slot_axis' once each, got '{name}'",
                        start,
                        parser.pos,
                    )
                parser.parse_punctuation("=")
                if name == "slot_axis":
                    slot_axis = parser.parse_integer(allow_boolean=False)
                else:
                    optional[name] = _parse_affine_map(parser)
        return (
            _int_list(receivers),
            IntAttr(slots),
            AffineMapAttr(sender),
            AffineMapAttr(optional["source_slot"]) if "source_slot" in optional else NoneAttr(),
            AffineMapAttr(optional["valid"]) if "valid" in optional else NoneAttr(),
            IntAttr(slot_axis or 0),
        )

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string("receivers = ")
            _print_int_list(printer, self.receiver_range())
            printer.print_string(f", slots = {self.slot_count()}, sender = {self.sender_map()}")
            for name, indexing_map in (
                ("source_slot", self.source_slot_map()),
                ("valid", self.valid_map()),
            ):
                if indexing_map is not None:
                    printer.print_string(f", {name} = {indexing_map}")
            if self.slot_axis():
                printer.print_string(f", slot_axis = {self.slot_axis()}")


@lru_cache(maxsize=256)
def _fanin_transfers(fanin: FanInAttr) -> FanInTransfers:
    _, count = fanin.receiver_range()
    points = _grid_coordinates((count, fanin.slot_count()))
    valid_map = fanin.valid_map()
    if valid_map is not None:
        points = points[_eval_on_cores(valid_map.results[0], points) >= 0]
    source_slot_map = fanin.source_slot_map()
    transfers = FanInTransfers(
        points[:, 0],
        points[:, 1],
        _eval_on_cores(fanin.sender_map().results[0], points),
        None if source_slot_map is None else _eval_on_cores(source_slot_map.results[0], points),
    )
    for array in (transfers.receivers, transfers.slots, transfers.senders, transfers.source_slots):
        if array is not None:
            array.flags.writeable = False
    return transfers


################################################################################
# Operations                                                                   #
################################################################################


def enclosing_program(op: Operation) -> ProgramOp | None:
    """The `tile.program` that `op` is nested in."""
    parent = op.parent_op()
    while parent is not None and not isinstance(parent, ProgramOp):
        parent = parent.parent_op()
    return parent


def _verify_cores(op: Operation, needed: int, what: str) -> None:
    program = enclosing_program(op)
    if program is not None and needed > program.cores.value.data:
        raise VerifyException(
            f"{what} needs {needed} cores but the program has {program.cores.value.data}"
        )


def _buffer_type(value: SSAValue) -> BufferType:
    assert isinstance(value.type, BufferType)
    return value.type


CoreRange = tuple[int, int]
"""Consecutive cores ``(first, count)``: cores ``first .. first + count - 1``."""


def _core_range(cores: DenseArrayBase[I64] | None) -> CoreRange | None:
    if cores is None:
        return None
    values = cores.get_values()
    assert len(values) == 2, "a verified core range holds two integers"
    return int(values[0]), int(values[1])


def buffer_cores(buffer: SSAValue) -> CoreRange | None:
    """The cores `buffer` exists on: its `tile.alloc`'s range; ``None``: every core."""
    owner = buffer.owner
    return owner.core_range() if isinstance(owner, AllocOp) else None


def cores_intersect(first: CoreRange | None, second: CoreRange | None) -> bool:
    """Whether two core ranges share a core (``None`` is every core)."""
    if first is None or second is None:
        return True
    return first[0] < second[0] + second[1] and second[0] < first[0] + first[1]


def _clipped_boxes(
    place: PlaceAttr, shape: tuple[int, ...]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The tensor boxes ``[low, high)`` of the cores of ``place`` that hold an element of
    the ``shape`` tensor, cut at its bounds (a place may cover more than the tensor)."""
    origin, extents = place.tensor_boxes()
    bounds = np.asarray(shape, dtype=np.int64)
    low = np.clip(origin, 0, bounds)
    high = np.clip(origin + extents, 0, bounds)
    held = (high > low).all(axis=1) & (extents > 0).all(axis=1)
    return low[held], high[held]


def _corner_sums(
    table: npt.NDArray[np.int64], low: npt.NDArray[np.int64], high: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Per box ``[low, high)``, the sum of the elements it covers, read off the summed-area
    ``table`` (one more entry per dim, a leading zero) by inclusion-exclusion of its corners."""
    total = np.zeros(len(low), dtype=np.int64)
    for corner in np.ndindex(*(2,) * low.shape[1]):
        at = np.where(np.asarray(corner, dtype=bool), low, high)
        total += (-1) ** sum(corner) * table[tuple(at.T)]
    return total


def _holders(places: tuple[PlaceAttr, ...], shape: tuple[int, ...]) -> npt.NDArray[np.int32]:
    """Per element of the ``shape`` tensor, how many cores' boxes under ``places`` hold
    it: the boxes' corners marked +1/-1 in a difference array, summed along every dim.
    Not cached: it is as large as the tensor (a decoder's attention scores at batch 4 and
    sequence 1024 take 512 MiB)."""
    if not shape:
        return np.asarray(
            sum(len(_clipped_boxes(place, shape)[0]) for place in places), dtype=np.int32
        )
    difference = np.zeros([extent + 1 for extent in shape], dtype=np.int32)
    for place in places:
        low, high = _clipped_boxes(place, shape)
        for corner in np.ndindex(*(2,) * len(shape)):
            at = np.where(np.asarray(corner, dtype=bool), high, low)
            np.add.at(difference, tuple(at.T), (-1) ** sum(corner))
    for axis in range(len(shape)):
        np.cumsum(difference, axis=axis, out=difference)
    return difference[tuple(slice(0, extent) for extent in shape)]


def first_unheld(places: Sequence[PlaceAttr], shape: Sequence[int]) -> tuple[int, ...] | None:
    """The first element (in row-major order) of the ``shape`` tensor that no core holds
    under ``places``, if any."""
    return _first_unheld(tuple(places), tuple(shape))


@lru_cache(maxsize=4096)
def _first_unheld(places: tuple[PlaceAttr, ...], shape: tuple[int, ...]) -> tuple[int, ...] | None:
    unheld = _holders(places, shape) == 0
    if not unheld.any():
        return None
    return tuple(int(index) for index in np.unravel_index(int(np.argmax(unheld)), shape))


@lru_cache(maxsize=256)
def received_elements(
    source_places: tuple[PlaceAttr, ...], dest_places: tuple[PlaceAttr, ...]
) -> tuple[npt.NDArray[np.int64], ...]:
    """Per destination place, per core of it: the valid elements of the core's box that
    none of the core's own source boxes holds, which a ``tile.relayout`` brings in from
    other cores. A core's buffers of one tensor hold disjoint slices, so what it holds of
    a box is the sum of the box's overlaps with them. Cached: the lowering, the verifier
    and the simulator all ask it of the same relayouts."""
    sources = [place.tensor_boxes() for place in source_places]
    received: list[npt.NDArray[np.int64]] = []
    for place in dest_places:
        origin, extents = place.tensor_boxes()
        count = len(origin)
        held = np.zeros(count, dtype=np.int64)
        for source_origin, source_extents in sources:
            common = min(count, len(source_origin))
            low = np.maximum(origin[:common], source_origin[:common])
            high = np.minimum(
                (origin + extents)[:common], (source_origin + source_extents)[:common]
            )
            held[:common] += np.prod(np.maximum(high - low, 0), axis=1)
        missing = np.maximum(np.prod(extents, axis=1) - held, 0)
        missing.flags.writeable = False
        received.append(missing)
    return tuple(received)


def moves_between_cores(relayout: RelayoutOp) -> bool:
    """Whether some core receives an element from another in ``relayout`` (if not, every
    core rearranges what it holds: on-core work, no exchange)."""
    return any(
        bool(missing.any())
        for missing in received_elements(relayout.source_places.data, relayout.dest_places.data)
    )


_CORES_PER_CHUNK = 256


@lru_cache(maxsize=4096)
def relayout_messages(
    source_places: tuple[PlaceAttr, ...], dest_places: tuple[PlaceAttr, ...], cores: int
) -> npt.NDArray[np.int64]:
    """Per core, the messages a ``tile.relayout`` brings it: one from each distinct source
    box (copies of one box held by several cores are one message) that overlaps one of
    its destination boxes and that it does not hold itself. Cached: the lowering and the
    simulator both ask it."""
    held_boxes = [place.tensor_boxes() for place in source_places]
    messages = np.zeros(cores, dtype=np.int64)
    if not held_boxes:
        return messages
    origin_all = np.concatenate([origin for origin, _ in held_boxes])
    extents_all = np.concatenate([extents for _, extents in held_boxes])
    holder = np.concatenate([np.arange(len(origin)) for origin, _ in held_boxes])
    nonempty = (extents_all > 0).all(axis=1)
    boxes = np.unique(np.concatenate([origin_all, extents_all], axis=1)[nonempty], axis=0)
    dims = origin_all.shape[1]
    # Block layouts hold every combination of per-dim intervals: the boxes overlapping a
    # destination box are then the product of the intervals overlapping it along each dim.
    intervals = [np.unique(boxes[:, [dim, dims + dim]], axis=0) for dim in range(dims)]
    if len(boxes) != prod(len(spans) for spans in intervals):
        return _relayout_messages_by_box(boxes, holder, origin_all, extents_all, dest_places, cores)
    for place in dest_places:
        origin, extents = place.tensor_boxes()
        count = np.ones(len(origin), dtype=np.int64)
        for dim, spans in enumerate(intervals):
            low = np.maximum(origin[:, dim, None], spans[None, :, 0])
            high = np.minimum((origin + extents)[:, dim, None], (spans[:, 0] + spans[:, 1])[None])
            count *= (high > low).sum(axis=1)
        count[(extents == 0).any(axis=1)] = 0
        # Less the distinct boxes the core holds itself that overlap this destination box.
        own = np.zeros(len(origin), dtype=np.int64)
        seen: list[npt.NDArray[np.int64]] = []
        for held_origin, held_extents in held_boxes:
            common = min(len(origin), len(held_origin))
            low = np.maximum(origin[:common], held_origin[:common])
            high = np.minimum((origin + extents)[:common], (held_origin + held_extents)[:common])
            overlapping = (high > low).all(axis=1) & (held_extents[:common] > 0).all(axis=1)
            box = np.concatenate([held_origin[:common], held_extents[:common]], axis=1)
            repeated = np.zeros(common, dtype=bool)
            for earlier in seen:
                repeated |= (earlier[:common] == box).all(axis=1)
            own[:common] += overlapping & ~repeated
            seen.append(box)
        messages[: len(origin)] += count - own
    messages.flags.writeable = False
    return messages


def _relayout_messages_by_box(
    boxes: npt.NDArray[np.int64],
    holder: npt.NDArray[np.int64],
    origin_all: npt.NDArray[np.int64],
    extents_all: npt.NDArray[np.int64],
    dest_places: tuple[PlaceAttr, ...],
    cores: int,
) -> npt.NDArray[np.int64]:
    """:func:`relayout_messages` for source boxes of any shape: every destination box
    against every distinct source box."""
    dims = origin_all.shape[1]
    box_origin, box_end = boxes[:, :dims], boxes[:, :dims] + boxes[:, dims:]
    owned = np.zeros((cores, len(boxes)), dtype=bool)
    keyed = np.concatenate([origin_all, extents_all], axis=1)
    kept = (extents_all > 0).all(axis=1) & (holder < cores)
    positions = {tuple(row): index for index, row in enumerate(boxes.tolist())}
    for row, core in zip(keyed[kept].tolist(), holder[kept].tolist(), strict=True):
        owned[core, positions[tuple(row)]] = True
    messages = np.zeros(cores, dtype=np.int64)
    for place in dest_places:
        origin, extents = place.tensor_boxes()
        # A few hundred destination cores at a time bound the (cores, boxes, dims) arrays.
        for start in range(0, len(origin), _CORES_PER_CHUNK):
            chunk = slice(start, start + _CORES_PER_CHUNK)
            low = np.maximum(origin[chunk, None, :], box_origin[None])
            high = np.minimum((origin + extents)[chunk, None, :], box_end[None])
            needed = (high > low).all(axis=2) & ~owned[start : start + len(low)]
            needed[(extents[chunk] == 0).any(axis=1)] = False
            messages[start : start + len(low)] += needed.sum(axis=1)
    messages.flags.writeable = False
    return messages


def exchange_messages(program: ProgramOp) -> npt.NDArray[np.int64]:
    """Per core, the messages it receives over every op of ``program`` that moves data
    between cores, each op counted once where it stands (a loop body once, however often
    it runs): what its exchange code holds, one instruction per message."""
    cores = program.cores.value.data
    messages = np.zeros(cores, dtype=np.int64)
    for op in program.body.walk():
        if isinstance(op, ExchangeOp):
            pairs = op.transfers()
            moved = pairs[pairs[:, 0] != pairs[:, 1]]
            np.add.at(messages, moved[:, 1], 1)
        elif isinstance(op, FanInOp):
            transfers = op.pattern.transfers()
            first, _ = op.pattern.receiver_range()
            receivers = transfers.receivers + first
            np.add.at(messages, receivers[transfers.senders != receivers], 1)
        elif isinstance(op, RelayoutOp):
            messages += relayout_messages(
                tuple(op.source_places.data), tuple(op.dest_places.data), cores
            )
        elif isinstance(op, ReduceScatterOp):
            for _, source_place, _, _ in op.pairs():
                messages[: source_place.core_count()] += op.copies() - 1
    return messages


def lacking_destinations(
    places: Sequence[PlaceAttr], shape: Sequence[int], dest_places: Sequence[PlaceAttr]
) -> tuple[int, ...]:
    """The positions of ``dest_places`` under which some core needs an element of the
    ``shape`` tensor that no core holds under ``places``."""
    shape = tuple(shape)
    unheld = (_holders(tuple(places), shape) == 0).astype(np.int64)
    if not unheld.any():
        return ()
    if not shape:
        return tuple(range(len(dest_places)))
    table = np.zeros([extent + 1 for extent in shape], dtype=np.int64)
    table[tuple(slice(1, None) for _ in shape)] = unheld
    for axis in range(len(shape)):
        np.cumsum(table, axis=axis, out=table)
    return tuple(
        index
        for index, place in enumerate(dest_places)
        if (_corner_sums(table, *_clipped_boxes(place, shape)) > 0).any()
    )


def _show_cores(cores: CoreRange) -> str:
    return f"cores [{cores[0]}, {cores[0] + cores[1]})"


def _verify_core_range(op: Operation, cores: DenseArrayBase[I64], what: str) -> None:
    values = cores.get_values()
    if len(values) != 2:
        raise VerifyException(
            f"{what} cores {list(values)} must be two integers: the first core and the count"
        )
    first, count = values
    if first < 0 or count < 1:
        raise VerifyException(
            f"{what} cores [{first}, {count}] must start at a core >= 0 and count at least one"
        )
    _verify_cores(op, first + count, f"{what} cores [{first}, {count}]")


def _verify_layout_cores(op: Operation, needed: int, buffer: SSAValue, what: str) -> None:
    """A layout of a buffer on a core range numbers the range's cores from its first."""
    cores = buffer_cores(buffer)
    if cores is None:
        _verify_cores(op, needed, what)
    elif needed != cores[1]:
        raise VerifyException(
            f"{what} numbers {needed} cores but its buffer lives on the {cores[1]} "
            f"{_show_cores(cores)}"
        )


def _verify_every_core(op: Operation, buffers: Iterable[SSAValue]) -> None:
    for buffer in buffers:
        cores = buffer_cores(buffer)
        if cores is not None:
            raise VerifyException(
                f"{op.name} takes buffers on every core, not one on {_show_cores(cores)}"
            )


@irdl_custom_directive
class IntegerList(CustomDirective):
    """A `DenseArrayBase` of i64 written as a plain integer list, e.g. `[8, 6]`."""

    values: AttributeVariable

    def parse(self, parser: Parser, state: ParsingState) -> None:
        values = _parse_int_list(parser)
        self.values.set(state, DenseArrayBase.from_list(i64, values))

    def print(self, printer: Printer, state: PrintingState, op: IRDLOperation) -> None:
        state.print_whitespace(printer)
        values = self.values.get(op)
        assert isa(values, DenseArrayBase[I64])
        _print_int_list(printer, values.get_values())

    def is_present(self, op: IRDLOperation) -> bool:
        return self.values.is_present(op)

    def is_anchorable(self) -> bool:
        """An optional list anchors its optional group, as an optional property does."""
        return self.values.is_anchorable()


@dataclass(frozen=True)
class LiveRange:
    """When a buffer holds SRAM, in positions of a walk over its program's body."""

    alloc: AllocOp
    first: int
    """The position of its `tile.alloc`."""
    last: int
    """The position of the last op it is live in (the end of the program if resident)."""
    last_user: Operation
    """The op of the alloc's block after which it dies."""


def buffer_live_ranges(program: ProgramOp) -> list[LiveRange]:
    """Every buffer's live range, allocs in program order: from its `tile.alloc` to the end
    of the op of the alloc's block holding its last use (a use inside a `tile.repeat` keeps
    it live to the end of that loop), or to the end of the program if `resident`."""
    ops = list(program.body.walk())
    position = {op: index for index, op in enumerate(ops)}
    end_of_program = program.body.block.last_op

    def live_until(op: Operation) -> int:
        return position[op] + sum(1 for _ in op.walk()) - 1

    ranges: list[LiveRange] = []
    for op in ops:
        if not isinstance(op, AllocOp):
            continue
        if op.is_resident() and end_of_program is not None:
            ranges.append(LiveRange(op, position[op], len(ops) - 1, end_of_program))
            continue
        block = op.parent_block()
        last, last_user = position[op], op
        for use in op.buffer.uses:
            user = use.operation
            while user.parent_block() is not block:
                parent = user.parent_op()
                assert parent is not None
                user = parent
            end = live_until(user)
            if end > last:
                last, last_user = end, user
        ranges.append(LiveRange(op, position[op], last, last_user))
    return ranges


@irdl_op_definition
class ProgramOp(IRDLOperation):
    """
    A whole-chip program: its body runs on every core at once. The arguments are
    host tensors passed in, the results (`tile.return`) host tensors passed back.
    `cores` and `sram_bytes` describe the chip the program was built for, so that
    buffers and transfers can be checked against it.

    The program also checks two rules that span its body:
    - SRAM reuse: a buffer is live from its `tile.alloc` to its last use (a use
      inside a `tile.repeat` keeps it live to the end of that loop), a `resident`
      one to the end of the program; buffers whose live ranges overlap must not
      overlap in the SRAM of a core both live on;
    - bulk-synchronous order: a `tile.sync` separates every compute from the next
      data movement (see the dialect's description).
    """

    name = "tile.program"

    sym_name = prop_def(SymbolNameConstraint())
    function_type = prop_def(FunctionType)
    cores = prop_def(IntegerAttr[I64])
    sram_bytes = prop_def(IntegerAttr[I64])
    body = region_def("single_block")

    traits = traits_def(IsolatedFromAbove(), SymbolOpInterface())

    def __init__(
        self,
        sym_name: str,
        function_type: FunctionType,
        cores: int,
        sram_bytes: int,
        body: Region,
    ):
        super().__init__(
            properties={
                "sym_name": StringAttr(sym_name),
                "function_type": function_type,
                "cores": IntegerAttr(cores, i64),
                "sram_bytes": IntegerAttr(sram_bytes, i64),
            },
            regions=[body],
        )

    @classmethod
    def parse(cls, parser: Parser) -> ProgramOp:
        sym_name = parser.parse_symbol_name().data
        arguments = parser.parse_comma_separated_list(
            parser.Delimiter.PAREN, lambda: parser.parse_argument(expect_type=True)
        )
        result_types: Sequence[Attribute] = []
        if parser.parse_optional_punctuation("->") is not None:
            if parser.parse_optional_punctuation("(") is not None:
                result_types = (
                    parser.parse_optional_undelimited_comma_separated_list(
                        parser.parse_optional_type, parser.parse_type
                    )
                    or []
                )
                parser.parse_punctuation(")")
            else:
                result_types = [parser.parse_type()]
        parser.parse_keyword("cores")
        cores = parser.parse_integer(allow_negative=False)
        parser.parse_keyword("sram_bytes")
        sram_bytes = parser.parse_integer(allow_negative=False)
        attributes = parser.parse_optional_attr_dict_with_keyword()
        body = parser.parse_region(arguments)
        program = cls(
            sym_name,
            FunctionType.from_lists([argument.type for argument in arguments], result_types),
            cores,
            sram_bytes,
            body,
        )
        if attributes is not None:
            program.attributes |= attributes.data
        return program

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_symbol_name(self.sym_name.data)
        with printer.in_parens():
            printer.print_list(self.body.block.args, printer.print_block_argument)
        outputs = self.function_type.outputs.data
        if outputs:
            printer.print_string(" -> ")
            if len(outputs) == 1:
                printer.print_attribute(outputs[0])
            else:
                with printer.in_parens():
                    printer.print_list(outputs, printer.print_attribute)
        printer.print_string(
            f" cores {self.cores.value.data} sram_bytes {self.sram_bytes.value.data}"
        )
        printer.print_op_attributes(self.attributes, print_keyword=True)
        printer.print_string(" ")
        printer.print_region(self.body, print_entry_block_args=False)

    def verify_(self) -> None:
        if self.cores.value.data < 1:
            raise VerifyException(f"program cores {self.cores.value.data} must be positive")
        argument_types = tuple(self.body.block.arg_types)
        if argument_types != self.function_type.inputs.data:
            raise VerifyException(
                f"program arguments {_type_list(argument_types)} do not match its inputs "
                f"{_type_list(self.function_type.inputs.data)}"
            )
        for index, argument_type in enumerate(argument_types):
            if not isinstance(argument_type, TensorType):
                raise VerifyException(
                    f"program argument {index} has type {argument_type}: "
                    "program arguments are host tensors"
                )
        self._verify_tile_ops(self.body.block)
        self._verify_sram_reuse()
        self._verify_bsp_order(self.body.block, unsynced=None)

    @classmethod
    def _verify_tile_ops(cls, block: Block) -> None:
        """A program runs tile ops only: every op of its body (and of its loops' bodies)
        is one, so a chip knows how to run each."""
        for op in block.ops:
            if not isinstance(op, PROGRAM_OPS):
                raise VerifyException(
                    f"tile.program runs tile ops only, but its body holds {op.name}"
                )
            if isinstance(op, RepeatOp):
                cls._verify_tile_ops(op.body.block)

    def _verify_sram_reuse(self) -> None:
        ranges = buffer_live_ranges(self)
        allocs = [live.alloc for live in ranges]
        last = np.array([live.last for live in ranges], dtype=np.int64)
        offset = np.array([alloc.offset_bytes() for alloc in allocs], dtype=np.int64)
        end = np.array([alloc.end_bytes() for alloc in allocs], dtype=np.int64)
        every_core = (0, np.iinfo(np.int64).max)
        core_ranges = [alloc.core_range() or every_core for alloc in allocs]
        first_core = np.array([first for first, _ in core_ranges], dtype=np.int64)
        end_core = np.array([first + count for first, count in core_ranges], dtype=np.int64)
        # Ranges start in program order: each is checked against those still live. Weights
        # stay live throughout, so the check runs over arrays, not pairs of ops.
        live = np.zeros(0, dtype=np.int64)
        for second, live_range in enumerate(ranges):
            live = live[last[live] >= live_range.first]
            clashes = live[
                (offset[live] < end[second])
                & (offset[second] < end[live])
                & (first_core[live] < end_core[second])
                & (first_core[second] < end_core[live])
            ]
            if len(clashes):
                raise VerifyException(
                    "buffers live at the same time overlap in SRAM: bytes "
                    f"{allocs[clashes[0]].describe_sram()} and {allocs[second].describe_sram()}"
                )
            live = np.append(live, second)

    @classmethod
    def _verify_bsp_order(cls, block: Block, unsynced: str | None) -> str | None:
        """Check the sync rule over `block`, entered after the unsynced on-core work named
        `unsynced` (None: none); return what it ends after."""
        for op in block.ops:
            if isinstance(op, SyncOp):
                unsynced = None
            elif (
                isinstance(op, DATA_MOVEMENT_OPS)
                and unsynced is not None
                and (not isinstance(op, RelayoutOp) or moves_between_cores(op))
            ):
                raise VerifyException(
                    f"bulk-synchronous order: {op.name} follows a {unsynced} "
                    "with no tile.sync in between"
                )
            # A reduce-scatter ends combining what its last round received, on every core.
            if isinstance(op, ComputeOp | ReduceScatterOp):
                unsynced = op.name
            elif isinstance(op, RepeatOp):
                body = op.body.block
                unsynced = cls._verify_bsp_order(body, unsynced)
                if op.count.value.data > 1:
                    unsynced = cls._verify_bsp_order(body, unsynced)
        return unsynced


@irdl_op_definition
class ReturnOp(IRDLOperation):
    """Ends a `tile.program`, handing its host tensors back."""

    name = "tile.return"

    values = var_operand_def(TensorType)

    traits = traits_def(IsTerminator(), HasParent(ProgramOp))

    assembly_format = "attr-dict ($values^ `:` type($values))?"

    def __init__(self, *values: SSAValue | Operation):
        super().__init__(operands=[values])

    def verify_(self) -> None:
        program = self.parent_op()
        assert isinstance(program, ProgramOp)
        expected = program.function_type.outputs.data
        returned = tuple(value.type for value in self.values)
        if returned != expected:
            raise VerifyException(
                f"tile.return returns {_type_list(returned)} but the program returns "
                f"{_type_list(expected)}"
            )


@irdl_op_definition
class AllocOp(IRDLOperation):
    """
    Places a buffer at byte `offset` of every core's SRAM, or with `cores [first,
    count]` of cores `first .. first + count - 1` only (a group of cores running
    its own kernels; buffers of disjoint groups may share addresses). The buffer
    must fit in the SRAM of the enclosing program's chip and start on an 8-byte
    boundary; the range must lie within the program's cores. A buffer is live
    from its alloc to its last use, or with `resident` to the end of the program:
    the model's weights, loaded once and kept on the chip between runs (a
    resident buffer is allocated in the program's body, not in a loop).

    Examples: `%p = tile.alloc offset 0 : !tile.buffer<2x4xf32>`;
    `%w = tile.alloc offset 0 cores [16, 816] : !tile.buffer<2312x29xf32>`;
    `%wq = tile.alloc offset 0 resident : !tile.buffer<16x64xf16>`.
    """

    name = "tile.alloc"

    offset = prop_def(IntegerAttr[I64])
    cores = opt_prop_def(DenseArrayBase[I64])
    resident = opt_prop_def(UnitAttr)
    buffer = result_def(BufferType)

    traits = traits_def(HasAncestor(ProgramOp))

    custom_directives = (IntegerList,)
    assembly_format = (
        "`offset` $offset (`cores` custom<IntegerList>($cores)^)? (`resident` $resident^)? "
        "attr-dict `:` type($buffer)"
    )

    def __init__(
        self,
        offset: int,
        buffer_type: BufferType,
        cores: CoreRange | None = None,
        resident: bool = False,
    ):
        super().__init__(
            properties={
                "offset": IntegerAttr(offset, i64),
                "cores": None if cores is None else DenseArrayBase.from_list(i64, cores),
                "resident": UnitAttr() if resident else None,
            },
            result_types=[buffer_type],
        )

    def is_resident(self) -> bool:
        """Whether the buffer stays live to the end of the program."""
        return self.resident is not None

    def offset_bytes(self) -> int:
        return self.offset.value.data

    def end_bytes(self) -> int:
        return self.offset_bytes() + _buffer_type(self.buffer).byte_size()

    def core_range(self) -> CoreRange | None:
        """The cores the buffer exists on; ``None``: every core."""
        return _core_range(self.cores)

    def describe_sram(self) -> str:
        """Where the buffer lives, e.g. `[0, 8)` or `[0, 8) of cores [4, 12)`."""
        cores = self.core_range()
        where = "" if cores is None else f" of {_show_cores(cores)}"
        return f"[{self.offset_bytes()}, {self.end_bytes()}){where}"

    def sram_overlaps(self, other: AllocOp) -> bool:
        """Whether the two buffers share bytes of some core's SRAM: their byte ranges
        overlap and their core ranges intersect."""
        return (
            self.offset_bytes() < other.end_bytes()
            and other.offset_bytes() < self.end_bytes()
            and cores_intersect(self.core_range(), other.core_range())
        )

    def verify_(self) -> None:
        if self.cores is not None:
            _verify_core_range(self, self.cores, "buffer")
        offset = self.offset_bytes()
        if offset < 0 or offset % SRAM_ALIGNMENT_BYTES != 0:
            raise VerifyException(
                f"buffer offset {offset} must be a non-negative multiple of "
                f"{SRAM_ALIGNMENT_BYTES} bytes"
            )
        program = enclosing_program(self)
        parent = self.parent_op()
        if self.is_resident() and program is not None and parent is not program:
            where = "a detached block" if parent is None else parent.name
            raise VerifyException(
                f"a resident buffer is allocated in the program's body, not inside {where}"
            )
        if program is not None and self.end_bytes() > program.sram_bytes.value.data:
            raise VerifyException(
                f"buffer at offset {offset} of {_buffer_type(self.buffer).byte_size()} bytes "
                f"ends at {self.end_bytes()}, beyond the {program.sram_bytes.value.data} "
                "bytes of SRAM per core"
            )


@irdl_op_definition
class ComputeOp(IRDLOperation):
    """
    Runs its body on every core at once. The body sees the current contents of
    the `ins` and then the `outs` buffers as tensors of the same shape (typically
    feeding one linalg op), and yields the new contents of the `outs` buffers.

    With `on #tile.place<...>` (a placement of the body op's loops, identity
    map) each core runs the body on the valid part of its box of loops only:
    the buffers are the step slices of a planned operator, and positions past
    a core's range or past the tensor are padding that must neither be read
    (a padded max or softmax would be wrong) nor written.

    With `cores [first, count]` the body runs on those cores only (one group of
    a program whose groups run different kernels at once); every buffer it
    takes lives on every core or on exactly that range. `cores` and `on` are
    not used together.

    Example: `tile.compute ins(%w, %ids : ...) outs(%cur : ...) cores [16, 816] { ... }`.
    """

    name = "tile.compute"

    inputs = var_operand_def(BufferType)
    outputs = var_operand_def(BufferType)
    cores = opt_prop_def(DenseArrayBase[I64])
    steps = opt_prop_def(PlaceAttr)
    body = region_def("single_block")

    traits = traits_def(IsolatedFromAbove(), HasAncestor(ProgramOp))
    irdl_options = (AttrSizedOperandSegments(as_property=True),)

    custom_directives = (IntegerList,)
    assembly_format = (
        "(`ins` `(` $inputs^ `:` type($inputs) `)`)? "
        "`outs` `(` $outputs `:` type($outputs) `)` (`cores` custom<IntegerList>($cores)^)? "
        "(`on` qualified($steps)^)? attr-dict-with-keyword $body"
    )

    def __init__(
        self,
        inputs: Sequence[SSAValue],
        outputs: Sequence[SSAValue],
        body: Region,
        steps: PlaceAttr | None = None,
        cores: CoreRange | None = None,
    ):
        super().__init__(
            operands=[inputs, outputs],
            regions=[body],
            properties={
                "steps": steps,
                "cores": None if cores is None else DenseArrayBase.from_list(i64, cores),
            },
        )

    def core_range(self) -> CoreRange | None:
        """The cores the body runs on; ``None``: every core."""
        return _core_range(self.cores)

    def _verify_buffer_cores(self) -> None:
        if self.cores is not None:
            if self.steps is not None:
                raise VerifyException(
                    "tile.compute runs either on a core range or on a placement's boxes, not both"
                )
            _verify_core_range(self, self.cores, "tile.compute")
        cores = self.core_range()
        program = enclosing_program(self)
        every_core = None if program is None else (0, program.cores.value.data)
        for index, buffer in enumerate((*self.inputs, *self.outputs)):
            held = buffer_cores(buffer)
            if held is None or held == cores or (cores is None and held == every_core):
                continue
            runs_on = "every core" if cores is None else _show_cores(cores)
            raise VerifyException(
                f"tile.compute on {runs_on} takes buffer operand {index} on "
                f"{_show_cores(held)}: a buffer must live on every core or on exactly the "
                "compute's cores"
            )

    def verify_(self) -> None:
        self._verify_buffer_cores()
        buffers = (*self.inputs, *self.outputs)
        expected = tuple(_buffer_type(buffer).tensor_type() for buffer in buffers)
        arguments = tuple(self.body.block.arg_types)
        if arguments != expected:
            raise VerifyException(
                f"tile.compute body arguments {_type_list(arguments)} must be the buffers' "
                f"tensors {_type_list(expected)}"
            )
        terminator = self.body.block.last_op
        if isinstance(terminator, YieldOp):
            yielded = tuple(value.type for value in terminator.arguments)
            if yielded != expected[len(self.inputs) :]:
                raise VerifyException(
                    f"tile.compute yields {_type_list(yielded)} but its outs buffers hold "
                    f"{_type_list(expected[len(self.inputs) :])}"
                )
        steps = self.steps
        if steps is not None:
            loops = steps.map.data.num_dims
            if steps.map.data != AffineMap.identity(loops):
                raise VerifyException(
                    f"tile.compute steps map {steps.map.data} must be the identity on its loops"
                )
            _verify_cores(self, steps.core_count(), "tile.compute steps")
            step_operator(self)

    def step_operator(self) -> Operation:
        """The linalg op a compute with ``steps`` runs on each core's valid box."""
        return step_operator(self)


def step_operator(compute: ComputeOp) -> Operation:
    """
    The one linalg op of a ``tile.compute`` with ``steps``: the body must hold it,
    its tensor operands must be the block arguments in order (each core's valid
    part of a buffer is found from the op's indexing maps, operand by operand),
    its other operands constants of the body, and its loops those ``steps``
    places. Raises a VerifyException naming the rule otherwise.
    """
    block = compute.body.block
    structured = [inner for inner in block.ops if inner.name.startswith("linalg.")]
    rule = (
        "a tile.compute with steps must hold one linalg op whose tensor operands are its "
        "block arguments in order and whose other operands are constants of its body"
    )
    if len(structured) != 1:
        raise VerifyException(f"{rule}: it holds {len(structured)} linalg ops")
    op = structured[0]
    tensors = tuple(value for value in op.operands if isinstance(value.type, TensorType))
    if tensors != tuple(block.args):
        raise VerifyException(f"{rule}: {op.name} reads other tensors or in another order")
    for value in op.operands:
        if isinstance(value.type, TensorType):
            continue
        owner = value.owner
        if not (
            isinstance(owner, Operation)
            and owner.name == "arith.constant"
            and owner.parent_block() is block
        ):
            raise VerifyException(f"{rule}: {op.name} reads a scalar that is not one")
    found = structure(op)
    if found is None:
        raise VerifyException(f"{rule}: {op.name} has no loops and indexing maps")
    loops = len(found[2])
    steps = compute.steps
    assert steps is not None
    if loops != len(steps.loop_extents()):
        raise VerifyException(
            f"tile.compute steps place {len(steps.loop_extents())} loops but {op.name} has {loops}"
        )
    return op


@irdl_op_definition
class YieldOp(AbstractYieldOperation[Attribute]):
    """Ends a `tile.compute` body with the new contents of its `outs` buffers."""

    name = "tile.yield"

    traits = traits_def(IsTerminator(), HasParent(ComputeOp))


@irdl_op_definition
class SyncOp(IRDLOperation):
    """A barrier across all cores, ending a compute phase."""

    name = "tile.sync"

    traits = traits_def(HasAncestor(ProgramOp))

    assembly_format = "attr-dict"

    def __init__(self):
        super().__init__()


@irdl_op_definition
class ExchangeOp(IRDLOperation):
    """
    Copies the `source` buffer of each sending core into the `dest` buffer of its
    receiving core, for every transfer of `pattern`. Each sender sends the same
    number of bytes. Source and destination are different buffers: a core cannot
    receive into the buffer it is sending from during the same exchange, so a
    rotating piece is double-buffered.
    """

    name = "tile.exchange"

    source = operand_def(BufferType)
    dest = operand_def(BufferType)
    pattern = prop_def(RotatePatternAttr | TransfersPatternAttr)

    traits = traits_def(HasAncestor(ProgramOp))

    assembly_format = (
        "$source `to` $dest `by` qualified($pattern) attr-dict `:` type($source) `to` type($dest)"
    )

    def __init__(
        self, source: SSAValue, dest: SSAValue, pattern: RotatePatternAttr | TransfersPatternAttr
    ):
        super().__init__(operands=[source, dest], properties={"pattern": pattern})

    def bytes_per_core(self) -> int:
        """Bytes each sending core sends in one transfer."""
        return _buffer_type(self.source).byte_size()

    def transfers(self) -> npt.NDArray[np.int64]:
        pattern = self.pattern
        assert isinstance(pattern, ExchangePatternAttr)
        return pattern.transfers()

    def verify_(self) -> None:
        source_bytes = _buffer_type(self.source).byte_size()
        dest_bytes = _buffer_type(self.dest).byte_size()
        if source_bytes != dest_bytes:
            raise VerifyException(
                f"exchange source of {source_bytes} bytes does not fit a destination "
                f"of {dest_bytes} bytes"
            )
        if self.source == self.dest:
            raise VerifyException(
                "exchange source and destination must be different buffers: "
                "a core cannot receive into the buffer it is sending"
            )
        pattern = self.pattern
        assert isinstance(pattern, ExchangePatternAttr)
        _verify_cores(self, pattern.core_count(), "exchange pattern")
        source_cores, dest_cores = buffer_cores(self.source), buffer_cores(self.dest)
        if source_cores is None and dest_cores is None:
            return
        transfers = pattern.transfers()
        for role, cores, column in (
            ("sender", source_cores, 0),
            ("receiver", dest_cores, 1),
        ):
            if cores is None:
                continue
            outside = transfers[
                (transfers[:, column] < cores[0]) | (transfers[:, column] >= sum(cores))
            ]
            if len(outside):
                raise VerifyException(
                    f"exchange {role} core {int(outside[0, column])} does not hold its "
                    f"buffer, which lives on {_show_cores(cores)}"
                )


@irdl_op_definition
class FanInOp(IRDLOperation):
    """
    A static many-to-one exchange: every receiver of `pattern` gathers, into
    the slots of its `dest` buffer, the `source` buffers (or, with
    `source_slot`, one slice of them) of the cores the pattern names;
    `dest[r, s] = source on core sender(r, s) [source_slot(r, s)]`, the slot
    `s` and the source slice taken along axis `K = slot_axis` (default 0).
    `dest` is the source shape with a `slots` axis inserted at `K`, or with
    `source_slot` the source is `piece[:K] + [S'] + piece[K:]` and `dest`
    `piece[:K] + [slots] + piece[K:]`. Core ids are absolute; a buffer on a core range
    is indexed from its first core. Like `tile.exchange`, a data movement: a
    receiver is served one sender at a time where the chip serialises them.

    Example: `tile.fanin %ids to %all by #tile.fanin<receivers = [4, 8], slots = 4,
    sender = (d0, d1) -> (d1)> : !tile.buffer<2x3xi32> to !tile.buffer<4x2x3xi32>`.
    """

    name = "tile.fanin"

    source = operand_def(BufferType)
    dest = operand_def(BufferType)
    pattern = prop_def(FanInAttr)

    traits = traits_def(HasAncestor(ProgramOp))

    assembly_format = (
        "$source `to` $dest `by` qualified($pattern) attr-dict `:` type($source) `to` type($dest)"
    )

    def __init__(self, source: SSAValue, dest: SSAValue, pattern: FanInAttr):
        super().__init__(operands=[source, dest], properties={"pattern": pattern})

    def piece_bytes(self) -> int:
        """Bytes of one transfer: one slot of the destination."""
        return _buffer_type(self.dest).byte_size() // self.pattern.slot_count()

    def verify_(self) -> None:
        source_type, dest_type = _buffer_type(self.source), _buffer_type(self.dest)
        if source_type.element_type != dest_type.element_type:
            raise VerifyException(
                f"fanin source element type {source_type.element_type} differs from the "
                f"destination's {dest_type.element_type}"
            )
        if self.source == self.dest:
            raise VerifyException("fanin source and destination must be different buffers")
        pattern = self.pattern
        source_shape = list(source_type.get_shape())
        axis, slots = pattern.slot_axis(), pattern.slot_count()
        sliced = pattern.source_slot_map() is not None
        if sliced and axis >= len(source_shape):
            raise VerifyException(
                f"fanin slot_axis {axis} must be less than the rank {len(source_shape)} of "
                "the source it slices"
            )
        if not sliced and axis > len(source_shape):
            raise VerifyException(
                f"fanin slot_axis {axis} must be at most the rank {len(source_shape)} of the source"
            )
        if sliced:
            expected = [*source_shape[:axis], slots, *source_shape[axis + 1 :]]
            form = f"the source shape with its axis {axis} replaced by {slots} slots"
        else:
            expected = [*source_shape[:axis], slots, *source_shape[axis:]]
            form = f"the source shape with {slots} slots at axis {axis}"
        if list(dest_type.get_shape()) != expected:
            raise VerifyException(
                f"fanin destination shape {list(dest_type.get_shape())} must be {form} = {expected}"
            )
        first, count = pattern.receiver_range()
        _verify_cores(self, first + count, f"fanin receivers [{first}, {count}]")
        dest_cores = buffer_cores(self.dest)
        if dest_cores is not None and not (
            dest_cores[0] <= first and first + count <= sum(dest_cores)
        ):
            raise VerifyException(
                f"fanin receivers {_show_cores((first, count))} are not all on the "
                f"destination's {_show_cores(dest_cores)}"
            )
        self._verify_transfers(source_shape[axis] if sliced else None)

    def _verify_transfers(self, source_slots: int | None) -> None:
        transfers = self.pattern.transfers()
        holders = buffer_cores(self.source)
        program = enclosing_program(self)
        if holders is None and program is not None:
            holders = (0, program.cores.value.data)
        senders = transfers.senders
        if holders is not None:
            outside = senders[(senders < holders[0]) | (senders >= sum(holders))]
            if len(outside):
                raise VerifyException(
                    f"fanin sender core {int(outside[0])} does not hold the source, which "
                    f"lives on {_show_cores(holders)}"
                )
        if source_slots is not None and transfers.source_slots is not None:
            slots = transfers.source_slots
            wrong = slots[(slots < 0) | (slots >= source_slots)]
            if len(wrong):
                raise VerifyException(
                    f"fanin source slot {int(wrong[0])} is outside the source's "
                    f"{source_slots} slices along axis {self.pattern.slot_axis()}"
                )


@irdl_op_definition
class HostWriteOp(IRDLOperation):
    """
    Scatters a host tensor into a buffer: each core receives its block of the
    tensor under a `#tile.block` layout, or the valid elements its buffer holds
    under a `#tile.place` (padding set to zero).
    """

    name = "tile.host_write"

    tensor = operand_def(TensorType)
    dest = operand_def(BufferType)
    layout = prop_def(BlockLayoutAttr | PlaceAttr)

    traits = traits_def(HasAncestor(ProgramOp))

    assembly_format = (
        "$tensor `to` $dest `by` qualified($layout) attr-dict `:` type($tensor) `to` type($dest)"
    )

    def __init__(self, tensor: SSAValue, dest: SSAValue, layout: BlockLayoutAttr | PlaceAttr):
        super().__init__(operands=[tensor, dest], properties={"layout": layout})

    def verify_(self) -> None:
        layout = self.layout
        if isinstance(layout, PlaceAttr):
            tensor_type = self.tensor.type
            assert isinstance(tensor_type, TensorType)
            buffer_type = _buffer_type(self.dest)
            _verify_element_types(tensor_type, buffer_type)
            _verify_place(
                self, layout, buffer_type, "host_write", tensor_type.get_num_dims(), self.dest
            )
            return
        assert isinstance(layout, BlockLayoutAttr)
        _verify_host_transfer(self, self.tensor.type, self.dest, layout)


@irdl_op_definition
class HostReadOp(IRDLOperation):
    """
    Gathers a host tensor from a buffer: each block of the tensor comes from the
    lowest-numbered core holding it under `layout`.
    """

    name = "tile.host_read"

    source = operand_def(BufferType)
    layout = prop_def(BlockLayoutAttr)
    tensor = result_def(TensorType)

    traits = traits_def(HasAncestor(ProgramOp))

    assembly_format = (
        "$source `by` qualified($layout) attr-dict `:` type($source) `to` type($tensor)"
    )

    def __init__(self, source: SSAValue, layout: BlockLayoutAttr, tensor_type: TensorType):
        super().__init__(
            operands=[source], properties={"layout": layout}, result_types=[tensor_type]
        )

    def verify_(self) -> None:
        _verify_host_transfer(self, self.tensor.type, self.source, self.layout)
        counts = self.layout.block_counts()
        held = np.zeros(counts, dtype=bool)
        held[tuple(self.layout.block_indices().T)] = True
        missing = np.argwhere(~held)
        if len(missing):
            raise VerifyException(
                f"tile.host_read: block {[int(index) for index in missing[0]]} of the "
                f"{list(counts)} blocks is on no core: every block of the tensor read must "
                "be held by some core"
            )


def _verify_element_types(tensor_type: TensorType, buffer_type: BufferType) -> None:
    if tensor_type.get_element_type() != buffer_type.element_type:
        raise VerifyException(
            f"host tensor element type {tensor_type.get_element_type()} differs from the "
            f"buffer's {buffer_type.element_type}"
        )


def _verify_host_transfer(
    op: Operation, tensor_type: Attribute, buffer: SSAValue, layout: BlockLayoutAttr
) -> None:
    assert isinstance(tensor_type, TensorType)
    buffer_type = _buffer_type(buffer)
    _verify_element_types(tensor_type, buffer_type)
    layout.verify_shapes(tensor_type.get_shape(), buffer_type.get_shape())
    _verify_layout_cores(op, layout.core_count(), buffer, "block layout")


def _verify_place(
    op: Operation,
    place: PlaceAttr,
    buffer_type: BufferType,
    what: str,
    rank: int | None = None,
    buffer: SSAValue | None = None,
) -> None:
    if place.buffer_shape() != tuple(buffer_type.get_shape()):
        raise VerifyException(
            f"{what} places a buffer of shape {list(place.buffer_shape())}, not "
            f"{list(buffer_type.get_shape())}"
        )
    if rank is not None and len(place.map.data.results) != rank:
        raise VerifyException(
            f"{what} map {place.map.data} gives {len(place.map.data.results)} dims, the "
            f"tensor has {rank}"
        )
    if buffer is None:
        _verify_cores(op, place.core_count(), what)
    else:
        _verify_layout_cores(op, place.core_count(), buffer, what)


def _verify_places(
    op: Operation,
    buffers: Sequence[SSAValue],
    places: ArrayAttr[PlaceAttr],
    what: str,
    rank: int,
) -> None:
    if len(buffers) != len(places.data):
        raise VerifyException(f"{what}: {len(buffers)} buffers but {len(places.data)} placements")
    for index, (buffer, place) in enumerate(zip(buffers, places.data, strict=True)):
        _verify_place(op, place, _buffer_type(buffer), f"{what} placement {index}", rank, buffer)


@irdl_op_definition
class HostGatherOp(IRDLOperation):
    """
    Gathers a host tensor from buffers placed by `places`: every element comes
    from some core whose buffer holds it validly (padding is never read). Every
    element of the tensor must be held somewhere. A place of a buffer on a core
    range numbers the range's cores from its first.
    """

    name = "tile.host_gather"

    sources = var_operand_def(BufferType)
    places = prop_def(ArrayAttr[PlaceAttr])
    tensor = result_def(TensorType)

    traits = traits_def(HasAncestor(ProgramOp))

    assembly_format = "$sources `by` $places attr-dict `:` type($sources) `to` type($tensor)"

    def __init__(
        self, sources: Sequence[SSAValue], places: Sequence[PlaceAttr], tensor_type: TensorType
    ):
        super().__init__(
            operands=[sources], properties={"places": ArrayAttr(places)}, result_types=[tensor_type]
        )

    def verify_(self) -> None:
        tensor_type = self.tensor.type
        assert isinstance(tensor_type, TensorType)
        for source in self.sources:
            _verify_element_types(tensor_type, _buffer_type(source))
        _verify_places(self, self.sources, self.places, "host_gather", tensor_type.get_num_dims())
        shape = tuple(tensor_type.get_shape())
        missing = first_unheld(self.places.data, shape)
        if missing is not None:
            raise VerifyException(
                f"tile.host_gather: element {list(missing)} of the {list(shape)} tensor is on "
                "no core: every element gathered must be held validly by some core"
            )


@irdl_op_definition
class RelayoutOp(IRDLOperation):
    """
    Moves one tensor from the `sources` buffers (placed by `source_places`)
    into the `dests` buffers (placed by `dest_places`): each core fills every
    valid element of its destinations with the element's value from a source
    buffer holding it, its own if it holds it, else another core's, so only
    what a core lacks crosses the network. The tensor's elements are read as
    if every holder had the same value (no partial sums). With `padding`,
    elements no source holds take that value (a padded tensor: the sources'
    places put the unpadded one inside it); without, every element a
    destination needs must be held somewhere. One exchange phase: its time is
    the busiest receiver's bytes, one sender at a time.
    """

    name = "tile.relayout"

    sources = var_operand_def(BufferType)
    dests = var_operand_def(BufferType)
    source_places = prop_def(ArrayAttr[PlaceAttr])
    dest_places = prop_def(ArrayAttr[PlaceAttr])
    shape = prop_def(DenseArrayBase[I64])
    padding = opt_prop_def(FloatAttr | IntegerAttr)

    traits = traits_def(HasAncestor(ProgramOp))
    irdl_options = (AttrSizedOperandSegments(as_property=True),)

    custom_directives = (IntegerList,)
    assembly_format = (
        "$sources `by` $source_places `to` $dests `by` $dest_places "
        "`of` custom<IntegerList>($shape) (`padding` $padding^)? attr-dict `:` type($sources) "
        "`to` type($dests)"
    )

    def __init__(
        self,
        sources: Sequence[SSAValue],
        source_places: Sequence[PlaceAttr],
        dests: Sequence[SSAValue],
        dest_places: Sequence[PlaceAttr],
        shape: Sequence[int],
        padding: FloatAttr | IntegerAttr | None = None,
    ):
        super().__init__(
            operands=[sources, dests],
            properties={
                "source_places": ArrayAttr(source_places),
                "dest_places": ArrayAttr(dest_places),
                "shape": DenseArrayBase.from_list(i64, shape),
                "padding": padding,
            },
        )

    def tensor_shape(self) -> tuple[int, ...]:
        return self.shape.get_values()

    def verify_(self) -> None:
        rank = len(self.tensor_shape())
        _verify_every_core(self, (*self.sources, *self.dests))
        _verify_places(self, self.sources, self.source_places, "relayout source", rank)
        _verify_places(self, self.dests, self.dest_places, "relayout destination", rank)
        if set(self.sources) & set(self.dests):
            raise VerifyException("a relayout cannot write a buffer it reads")
        buffers = (*self.sources, *self.dests)
        element_types = list(dict.fromkeys(_buffer_type(buffer).element_type for buffer in buffers))
        if len(element_types) > 1:
            raise VerifyException(
                f"a relayout moves one tensor but its buffers hold element types "
                f"{_type_list(element_types)}"
            )
        if self.padding is not None and self.padding.type != element_types[0]:
            raise VerifyException(
                f"relayout padding {self.padding} must be of the buffers' element type "
                f"{element_types[0]}"
            )
        if self.padding is None:
            lacking = lacking_destinations(
                self.source_places.data, self.tensor_shape(), self.dest_places.data
            )
            if lacking:
                raise VerifyException(
                    f"tile.relayout: destination {lacking[0]} needs elements of the "
                    f"{list(self.tensor_shape())} tensor that no source holds: without "
                    "padding every element a destination needs must be held somewhere"
                )


REDUCE_COMBINERS = ("add", "mul", "max", "min")
"""How a reduce-scatter may combine copies: the scalar reductions linalg bodies use."""


@irdl_op_definition
class ReduceScatterOp(IRDLOperation):
    """
    Combines the copies of a partial result and scatters the combined result,
    for every buffer of `sources` at once (the step slices of one operator's
    output): the cores whose source holds the same slice under its
    `source_places` entry (its copies, ``p`` of them) form a ring, and in
    ``p - 1`` rounds, each a sync, one exchange carrying a chunk of every
    source and one `combiner` launch over them, leave each of them with its
    chunk of every combined slice in the matching `dests` buffer, placed by its
    `dest_places` entry (the source placement with `chunks`). Every
    destination is cut into the same chunks, so the rings and rounds are
    shared.

    Example: `tile.reduce_scatter %c0, %c1 by [#p0, #p1] to %d0, %d1 by
    [#q0, #q1] combine "add" : !tile.buffer<8x4xf16>, !tile.buffer<8x4xf16> to
    !tile.buffer<4x4xf16>, !tile.buffer<4x4xf16>`.
    """

    name = "tile.reduce_scatter"

    sources = var_operand_def(BufferType)
    dests = var_operand_def(BufferType)
    source_places = prop_def(ArrayAttr[PlaceAttr])
    dest_places = prop_def(ArrayAttr[PlaceAttr])
    combiner = prop_def(StringAttr)

    traits = traits_def(HasAncestor(ProgramOp))
    irdl_options = (AttrSizedOperandSegments(as_property=True),)

    assembly_format = (
        "$sources `by` $source_places `to` $dests `by` $dest_places "
        "`combine` $combiner attr-dict `:` type($sources) `to` type($dests)"
    )

    def __init__(
        self,
        sources: Sequence[SSAValue],
        source_places: Sequence[PlaceAttr],
        dests: Sequence[SSAValue],
        dest_places: Sequence[PlaceAttr],
        combiner: str,
    ):
        super().__init__(
            operands=[sources, dests],
            properties={
                "source_places": ArrayAttr(source_places),
                "dest_places": ArrayAttr(dest_places),
                "combiner": StringAttr(combiner),
            },
        )

    def pairs(self) -> list[tuple[SSAValue, PlaceAttr, SSAValue, PlaceAttr]]:
        """Per buffer: its source, the source's placement, its destination and the
        destination's placement."""
        return list(
            zip(
                self.sources,
                self.source_places.data,
                self.dests,
                self.dest_places.data,
                strict=True,
            )
        )

    def copies(self) -> int:
        """How many copies each chunk combines."""
        return prod(self.dest_places.data[0].chunk_counts())

    def verify_(self) -> None:
        if self.combiner.data not in REDUCE_COMBINERS:
            raise VerifyException(
                f"combiner '{self.combiner.data}' is not one of {list(REDUCE_COMBINERS)}"
            )
        if not self.sources:
            raise VerifyException("reduce_scatter needs at least one source buffer")
        counts = {
            "sources": len(self.sources),
            "source placements": len(self.source_places.data),
            "destinations": len(self.dests),
            "destination placements": len(self.dest_places.data),
        }
        if len(set(counts.values())) > 1:
            raise VerifyException(
                "reduce_scatter pairs each source with one destination and one placement "
                f"each, but has {', '.join(f'{count} {what}' for what, count in counts.items())}"
            )
        _verify_every_core(self, (*self.sources, *self.dests))
        chunks = self.dest_places.data[0].chunk_counts()
        for index, (source, source_place, dest, dest_place) in enumerate(self.pairs()):
            _verify_place(
                self, source_place, _buffer_type(source), f"reduce_scatter source {index}"
            )
            _verify_place(
                self, dest_place, _buffer_type(dest), f"reduce_scatter destination {index}"
            )
            if dest_place.with_chunks([1] * len(dest_place.chunk_counts())) != source_place:
                raise VerifyException(
                    f"reduce_scatter destination {index} placement must be the source "
                    "placement cut into chunks"
                )
            if dest_place.chunk_counts() != chunks:
                raise VerifyException(
                    f"reduce_scatter destinations share their rings: destination {index} is "
                    f"cut into chunks {list(dest_place.chunk_counts())}, destination 0 into "
                    f"{list(chunks)}"
                )
        if set(self.sources) & set(self.dests):
            raise VerifyException("a reduce_scatter cannot write a buffer it reads")


@irdl_op_definition
class RepeatOp(IRDLOperation):
    """
    Runs its body `count` times in sequence: a compute-shift loop kept rolled.

    With `counter %c from S step K`, the `!tile.buffer<1xi32>` `%c` holds
    `S + i * K` on every core holding it while iteration `i` (from 0) runs, so
    bodies can read the step (e.g. as a slice offset into a history); it keeps
    the last value after the loop. Setting it is loop bookkeeping: no cycles.

    Examples: `tile.repeat 3 { ... }`;
    `tile.repeat 99 counter %step from 1 step 1 { ... }`.
    """

    name = "tile.repeat"

    count = prop_def(IntegerAttr[I64])
    counter = opt_operand_def(BufferType((1,), i32))
    counter_start = opt_prop_def(IntegerAttr[I64])
    counter_step = opt_prop_def(IntegerAttr[I64])
    body = region_def("single_block")

    traits = traits_def(NoTerminator(), HasAncestor(ProgramOp))

    assembly_format = (
        "$count (`counter` $counter^ `from` $counter_start `step` $counter_step)? "
        "attr-dict-with-keyword $body"
    )

    def __init__(self, count: int, body: Region, counter: tuple[SSAValue, int, int] | None = None):
        buffer, start, step = (None, None, None) if counter is None else counter
        super().__init__(
            operands=[[] if buffer is None else [buffer]],
            properties={
                "count": IntegerAttr(count, i64),
                "counter_start": None if start is None else IntegerAttr(start, i64),
                "counter_step": None if step is None else IntegerAttr(step, i64),
            },
            regions=[body],
        )

    def counter_values(self) -> tuple[int, int] | None:
        """The counter's value in the first iteration and its step; ``None``: no counter."""
        if self.counter_start is None or self.counter_step is None:
            return None
        return self.counter_start.value.data, self.counter_step.value.data

    def verify_(self) -> None:
        if self.count.value.data < 1:
            raise VerifyException(f"repeat count {self.count.value.data} must be positive")
        given = (
            self.counter is not None,
            self.counter_start is not None,
            self.counter_step is not None,
        )
        if any(given) and not all(given):
            raise VerifyException("repeat counter needs its buffer, its start and its step")


DATA_MOVEMENT_OPS = (
    ExchangeOp,
    FanInOp,
    HostWriteOp,
    HostReadOp,
    HostGatherOp,
    RelayoutOp,
)
"""Ops that move data between cores or to and from the host: each reads buffers other
cores may still be computing, so a `tile.sync` must separate it from any compute before
it (a `tile.reduce_scatter` moves data too, but syncs every round itself)."""

PROGRAM_OPS = (
    AllocOp,
    ComputeOp,
    SyncOp,
    RepeatOp,
    ReturnOp,
    ReduceScatterOp,
    *DATA_MOVEMENT_OPS,
)
"""The ops a `tile.program`'s body (and its loops' bodies) may hold."""

Tile = Dialect(
    "tile",
    [
        ProgramOp,
        ReturnOp,
        AllocOp,
        ComputeOp,
        YieldOp,
        SyncOp,
        ExchangeOp,
        FanInOp,
        HostWriteOp,
        HostReadOp,
        HostGatherOp,
        RelayoutOp,
        ReduceScatterOp,
        RepeatOp,
    ],
    [BufferType, RotatePatternAttr, TransfersPatternAttr, FanInAttr, BlockLayoutAttr, PlaceAttr],
)
