"""The ``tile`` dialect: the per-core bulk-synchronous program of a many-core chip.

One ``tile`` op stands for the same step on every core (single program, many
cores), so the IR of a 1472-core program stays as small as that of a 16-core one.
A ``tile.program`` holds per-core SRAM buffers (``tile.alloc``), compute steps on
them (``tile.compute``), global barriers (``tile.sync``), exchange phases of
core-to-core transfers (``tile.exchange``), host input/output
(``tile.host_write``/``tile.host_read``) and counted loops (``tile.repeat``).

Cores are numbered row-major over the grid of a pattern or block attribute, so on
a grid ``[4, 2, 2]`` the core at coordinates ``(i, j, l)`` is core ``4*i + 2*j + l``.

Bulk-synchronous order, as on the IPU: compute phase, then ``tile.sync``, then
exchange phase. Every data movement (``tile.exchange``, ``tile.host_write``,
``tile.host_read``) must be separated from the latest ``tile.compute`` before it
in execution order (loop back-edges included) by a ``tile.sync``; a compute may
directly follow an exchange, whose end is itself global. A simulator may
therefore treat every maximal run of exchanges as one phase that reads the state
left by the preceding sync.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from math import gcd, prod

import numpy as np
import numpy.typing as npt
from xdsl.dialects.builtin import (
    I64,
    ArrayAttr,
    FunctionType,
    IntAttr,
    IntegerAttr,
    StringAttr,
    SymbolNameConstraint,
    TensorType,
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
from xdsl.irdl import (
    AttrSizedOperandSegments,
    IRDLOperation,
    irdl_attr_definition,
    irdl_op_definition,
    operand_def,
    prop_def,
    region_def,
    result_def,
    traits_def,
    var_operand_def,
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

from t10.dialects.local_array import LocalArrayType

SRAM_ALIGNMENT_BYTES = 8
"""Every buffer starts on an 8-byte boundary of its core's SRAM: the widest load
of an IPU-like core is 64 bits, and aligned buffers let a kernel use it."""


def _type_list(types: Iterable[Attribute]) -> str:
    """`types` as MLIR text, e.g. `[tensor<4xf32>, f16]`."""
    return "[" + ", ".join(str(attr) for attr in types) + "]"


def _int_list(values: Sequence[int]) -> ArrayAttr[IntAttr]:
    return ArrayAttr(IntAttr(value) for value in values)


def _parse_int_list(parser: AttrParser) -> list[int]:
    return parser.parse_comma_separated_list(parser.Delimiter.SQUARE, parser.parse_integer)


def _print_int_list(printer: Printer, values: Sequence[int]) -> None:
    with printer.in_square_brackets():
        printer.print_list(values, printer.print_int)


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
    A rotation along one axis of a core grid: the axis is cut into rings of
    `ring` consecutive cores, and every core sends to the core `pace` positions
    further round its ring. Over `ring` rotations every piece visits every core of
    its ring exactly once, which is what makes it a compute-shift ring.

    Example: `#tile.rotate<grid = [4, 14, 26], axis = 1, ring = 7, pace = 1>`;
    `ring` may be left out when the ring spans the whole axis.
    """

    name = "tile.rotate"

    grid: ArrayAttr[IntAttr]
    axis: IntAttr
    ring: IntAttr
    pace: IntAttr

    def __init__(self, grid: Sequence[int], axis: int, ring: int, pace: int):
        super().__init__(_int_list(grid), IntAttr(axis), IntAttr(ring), IntAttr(pace))

    def grid_shape(self) -> tuple[int, ...]:
        return tuple(extent.data for extent in self.grid.data)

    def core_count(self) -> int:
        return prod(self.grid_shape())

    def transfers(self) -> npt.NDArray[np.int64]:
        grid = self.grid_shape()
        axis, ring, pace = self.axis.data, self.ring.data, self.pace.data
        sources = _grid_coordinates(grid)
        destinations = sources.copy()
        position = sources[:, axis] % ring
        destinations[:, axis] += (position + pace) % ring - position
        linear = np.ravel_multi_index(tuple(destinations.T), grid)
        return np.stack([np.arange(len(sources), dtype=np.int64), linear], axis=1)

    def verify(self) -> None:
        grid = self.grid_shape()
        _verify_grid(grid, "rotate")
        axis, ring, pace = self.axis.data, self.ring.data, self.pace.data
        if not 0 <= axis < len(grid):
            raise VerifyException(
                f"rotate axis {axis} is outside the {len(grid)}-axis grid {list(grid)}"
            )
        if ring < 2 or grid[axis] % ring != 0:
            raise VerifyException(
                f"rotate ring {ring} must be at least 2 and divide the extent "
                f"{grid[axis]} of axis {axis}"
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
            parser.parse_keyword("axis")
            parser.parse_punctuation("=")
            axis = parser.parse_integer(allow_negative=False)
            parser.parse_punctuation(",")
            ring = grid[axis] if axis < len(grid) else 0
            if parser.parse_optional_keyword("ring") is not None:
                parser.parse_punctuation("=")
                ring = parser.parse_integer(allow_negative=False)
                parser.parse_punctuation(",")
            parser.parse_keyword("pace")
            parser.parse_punctuation("=")
            pace = parser.parse_integer(allow_negative=False)
        return (_int_list(grid), IntAttr(axis), IntAttr(ring), IntAttr(pace))

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string("grid = ")
            _print_int_list(printer, self.grid_shape())
            printer.print_string(f", axis = {self.axis.data}")
            if self.ring.data != self.grid_shape()[self.axis.data]:
                printer.print_string(f", ring = {self.ring.data}")
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


@irdl_op_definition
class ProgramOp(IRDLOperation):
    """
    A whole-chip program: its body runs on every core at once. The arguments are
    host tensors passed in, the results (`tile.return`) host tensors passed back.
    `cores` and `sram_bytes` describe the chip the program was built for, so that
    buffers and transfers can be checked against it.

    The program also checks two rules that span its body:
    - SRAM reuse: a buffer is live from its `tile.alloc` to its last use (a use
      inside a `tile.repeat` keeps it live to the end of that loop); buffers whose
      live ranges overlap must not overlap in SRAM;
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
        self._verify_sram_reuse()
        self._verify_bsp_order(self.body.block, computed_since_sync=False)

    def _verify_sram_reuse(self) -> None:
        position = {op: index for index, op in enumerate(self.body.walk())}

        def live_until(op: Operation) -> int:
            return position[op] + sum(1 for _ in op.walk()) - 1

        live_ranges: list[tuple[AllocOp, int, int]] = []
        for op in self.body.walk():
            if not isinstance(op, AllocOp):
                continue
            block = op.parent_block()
            last = position[op]
            for use in op.buffer.uses:
                user = use.operation
                while user.parent_block() is not block:
                    parent = user.parent_op()
                    assert parent is not None
                    user = parent
                last = max(last, live_until(user))
            live_ranges.append((op, position[op], last))

        for index, (first, first_start, first_end) in enumerate(live_ranges):
            for second, second_start, second_end in live_ranges[index + 1 :]:
                live_together = first_start <= second_end and second_start <= first_end
                if live_together and first.sram_overlaps(second):
                    raise VerifyException(
                        "buffers live at the same time overlap in SRAM: "
                        f"bytes [{first.offset_bytes()}, {first.end_bytes()}) and "
                        f"[{second.offset_bytes()}, {second.end_bytes()})"
                    )

    @classmethod
    def _verify_bsp_order(cls, block: Block, computed_since_sync: bool) -> bool:
        """Check the sync rule over `block`; return whether it ends after an unsynced compute."""
        for op in block.ops:
            if isinstance(op, ComputeOp):
                computed_since_sync = True
            elif isinstance(op, SyncOp):
                computed_since_sync = False
            elif isinstance(op, ExchangeOp | HostWriteOp | HostReadOp) and computed_since_sync:
                raise VerifyException(
                    f"bulk-synchronous order: {op.name} follows a tile.compute "
                    "with no tile.sync in between"
                )
            elif isinstance(op, RepeatOp):
                body = op.body.block
                computed_since_sync = cls._verify_bsp_order(body, computed_since_sync)
                if op.count.value.data > 1:
                    computed_since_sync = cls._verify_bsp_order(body, computed_since_sync)
        return computed_since_sync


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
    Places a buffer at byte `offset` of every core's SRAM. The buffer must fit in
    the SRAM of the enclosing program's chip and start on an 8-byte boundary.
    """

    name = "tile.alloc"

    offset = prop_def(IntegerAttr[I64])
    buffer = result_def(BufferType)

    traits = traits_def(HasAncestor(ProgramOp))

    assembly_format = "`offset` $offset attr-dict `:` type($buffer)"

    def __init__(self, offset: int, buffer_type: BufferType):
        super().__init__(
            properties={"offset": IntegerAttr(offset, i64)}, result_types=[buffer_type]
        )

    def offset_bytes(self) -> int:
        return self.offset.value.data

    def end_bytes(self) -> int:
        return self.offset_bytes() + _buffer_type(self.buffer).byte_size()

    def sram_overlaps(self, other: AllocOp) -> bool:
        return self.offset_bytes() < other.end_bytes() and other.offset_bytes() < self.end_bytes()

    def verify_(self) -> None:
        offset = self.offset_bytes()
        if offset < 0 or offset % SRAM_ALIGNMENT_BYTES != 0:
            raise VerifyException(
                f"buffer offset {offset} must be a non-negative multiple of "
                f"{SRAM_ALIGNMENT_BYTES} bytes"
            )
        program = enclosing_program(self)
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
    """

    name = "tile.compute"

    inputs = var_operand_def(BufferType)
    outputs = var_operand_def(BufferType)
    body = region_def("single_block")

    traits = traits_def(IsolatedFromAbove(), HasAncestor(ProgramOp))
    irdl_options = (AttrSizedOperandSegments(as_property=True),)

    assembly_format = (
        "(`ins` `(` $inputs^ `:` type($inputs) `)`)? "
        "`outs` `(` $outputs `:` type($outputs) `)` attr-dict-with-keyword $body"
    )

    def __init__(self, inputs: Sequence[SSAValue], outputs: Sequence[SSAValue], body: Region):
        super().__init__(operands=[inputs, outputs], regions=[body])

    def verify_(self) -> None:
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


@irdl_op_definition
class HostWriteOp(IRDLOperation):
    """
    Scatters a host tensor into a buffer: each core receives its block of the
    tensor under `layout`.
    """

    name = "tile.host_write"

    tensor = operand_def(TensorType)
    dest = operand_def(BufferType)
    layout = prop_def(BlockLayoutAttr)

    traits = traits_def(HasAncestor(ProgramOp))

    assembly_format = (
        "$tensor `to` $dest `by` qualified($layout) attr-dict `:` type($tensor) `to` type($dest)"
    )

    def __init__(self, tensor: SSAValue, dest: SSAValue, layout: BlockLayoutAttr):
        super().__init__(operands=[tensor, dest], properties={"layout": layout})

    def verify_(self) -> None:
        _verify_host_transfer(self, self.tensor.type, _buffer_type(self.dest), self.layout)


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
        _verify_host_transfer(self, self.tensor.type, _buffer_type(self.source), self.layout)


def _verify_host_transfer(
    op: Operation, tensor_type: Attribute, buffer_type: BufferType, layout: BlockLayoutAttr
) -> None:
    assert isinstance(tensor_type, TensorType)
    if tensor_type.get_element_type() != buffer_type.element_type:
        raise VerifyException(
            f"host tensor element type {tensor_type.get_element_type()} differs from the "
            f"buffer's {buffer_type.element_type}"
        )
    layout.verify_shapes(tensor_type.get_shape(), buffer_type.get_shape())
    _verify_cores(op, layout.core_count(), "block layout")


@irdl_op_definition
class RepeatOp(IRDLOperation):
    """Runs its body `count` times in sequence: a compute-shift loop kept rolled."""

    name = "tile.repeat"

    count = prop_def(IntegerAttr[I64])
    body = region_def("single_block")

    traits = traits_def(NoTerminator(), HasAncestor(ProgramOp))

    assembly_format = "$count attr-dict-with-keyword $body"

    def __init__(self, count: int, body: Region):
        super().__init__(properties={"count": IntegerAttr(count, i64)}, regions=[body])

    def verify_(self) -> None:
        if self.count.value.data < 1:
            raise VerifyException(f"repeat count {self.count.value.data} must be positive")


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
        HostWriteOp,
        HostReadOp,
        RepeatOp,
    ],
    [BufferType, RotatePatternAttr, TransfersPatternAttr, BlockLayoutAttr],
)
