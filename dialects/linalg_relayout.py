# pyright: strict
"""Upstream linalg's ops that move data between layouts rather than compute over
loops: ``linalg.pack``/``linalg.unpack`` (LinalgRelayoutOps.td) and the three
Winograd convolution transforms.

They read and print upstream's syntax and are verified by upstream's rules, with
its messages. None of them is a structured op (no indexing maps, no scalar body):
the planner says so, with the op's location, rather than planning them. They are
registered with the rest of t10's ``linalg`` in ``linalg_ext``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Self, cast

from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    DenseArrayBase,
    IndexType,
    IntegerAttr,
    MemRefType,
    ShapedType,
    TensorType,
    i32,
    i64,
)
from xdsl.dialects.utils.dynamic_index_list import (
    parse_dynamic_index_list_without_types,
    print_dynamic_index_list,
)
from xdsl.ir import Attribute, SSAValue
from xdsl.irdl import (
    AttrSizedOperandSegments,
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    opt_operand_def,
    opt_prop_def,
    opt_result_def,
    prop_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.hints import isa

Shape = Sequence[int]


def is_dynamic(size: int) -> bool:
    return size < 0


def ceil_div(size: int, tile: int) -> int:
    return -(-size // tile)


def compatible_shapes(expected: Shape, actual: Shape) -> bool:
    """Same rank, and each dimension equal or unknown on one side."""
    return len(expected) == len(actual) and all(
        is_dynamic(want) or is_dynamic(have) or want == have
        for want, have in zip(expected, actual, strict=True)
    )


def shape_of(value: SSAValue) -> list[int]:
    return list(cast(ShapedType, value.type).get_shape())


def shaped_type_with(template: Attribute, shape: Shape) -> str:
    """``template``'s kind and element type with ``shape``, as upstream prints it."""
    element = cast(TensorType[Attribute] | MemRefType[Attribute], template).get_element_type()
    kind = "memref" if isinstance(template, MemRefType) else "tensor"
    dims = "".join(f"{'?' if is_dynamic(size) else size}x" for size in shape)
    return f"{kind}<{dims}{element}>"


def element_type_of(value: SSAValue) -> Attribute:
    return cast(TensorType[Attribute] | MemRefType[Attribute], value.type).get_element_type()


def parse_dense_i64(parser: Parser, keyword: str) -> DenseArrayBase | None:
    """``keyword = [1, 2]``, or None when ``keyword`` is absent."""
    if not parser.parse_optional_keyword(keyword):
        return None
    parser.parse_punctuation("=")
    values = parser.parse_comma_separated_list(
        parser.Delimiter.SQUARE, lambda: parser.parse_integer(allow_boolean=False)
    )
    return DenseArrayBase.from_list(i64, values)


def print_dense_i64(printer: Printer, keyword: str, values: Sequence[int]) -> None:
    printer.print_string(f" {keyword} = [{', '.join(str(value) for value in values)}]")


class RelayoutOperation(IRDLOperation):
    """What ``linalg.pack`` and ``linalg.unpack`` share: a source whose tiles of
    ``inner_dims_pos`` dimensions (``inner_tiles`` long, static or SSA values)
    move to trailing dimensions of a packed layout, the outer dimensions
    permuted by ``outer_dims_perm``; a destination of the other layout, which a
    tensor result replaces."""

    source = operand_def(TensorType | MemRefType)
    dest = operand_def(TensorType | MemRefType)
    inner_tiles = var_operand_def(IndexType)

    outer_dims_perm = opt_prop_def(DenseArrayBase.constr(i64))
    inner_dims_pos = prop_def(DenseArrayBase.constr(i64))
    static_inner_tiles = prop_def(DenseArrayBase.constr(i64))
    result = opt_result_def(TensorType)

    traits = traits_def(Pure())

    PACKS: ClassVar[bool]
    """Whether the source is the unpacked side (pack) or the packed one (unpack)."""

    def unpacked_and_packed(self) -> tuple[SSAValue, SSAValue]:
        return (self.source, self.dest) if self.PACKS else (self.dest, self.source)

    def outer_permutation(self) -> list[int]:
        return [] if self.outer_dims_perm is None else list(self.outer_dims_perm.get_values())

    def static_tiles(self) -> list[int]:
        return list(self.static_inner_tiles.get_values())

    def packed_shape(self, unpacked: Shape) -> list[int]:
        """The packed layout of an ``unpacked`` shape: tiled dimensions divided
        (rounded up) by their tiles, outer dimensions permuted, tiles appended."""
        outer = list(unpacked)
        for position, tile in zip(
            self.inner_dims_pos.get_values(), self.static_tiles(), strict=True
        ):
            if is_dynamic(outer[position]) or is_dynamic(tile):
                outer[position] = DYNAMIC_INDEX
            else:
                outer[position] = ceil_div(outer[position], tile)
        permutation = self.outer_permutation()
        if permutation:
            outer = [outer[source] for source in permutation]
        return [*outer, *self.static_tiles()]

    def verify_(self) -> None:
        unpacked, packed = self.unpacked_and_packed()
        if isinstance(self.source.type, TensorType) != isinstance(self.dest.type, TensorType):
            raise VerifyException("expected source and dest to be both tensors or both memrefs")
        dest_type: Attribute = self.dest.type
        if isinstance(dest_type, TensorType):
            if self.result is None or self.result.type != dest_type:
                raise VerifyException(f"expected one result of the dest type {dest_type}")
        elif self.result is not None:
            raise VerifyException("expected no result when the dest is a memref")
        unpacked_shape = shape_of(unpacked)
        packed_shape = shape_of(packed)
        positions = list(self.inner_dims_pos.get_values())
        if len(set(positions)) != len(positions) or any(
            not 0 <= position < len(unpacked_shape) for position in positions
        ):
            raise VerifyException("invalid inner_dims_pos vector")
        permutation = self.outer_permutation()
        if permutation and len(permutation) != len(unpacked_shape):
            raise VerifyException("outer_dims_perm must be a permutation or empty")
        if permutation and sorted(permutation) != list(range(len(unpacked_shape))):
            raise VerifyException("invalid outer_dims_perm vector")
        tiles = self.static_tiles()
        if len(tiles) != len(positions):
            raise VerifyException("tiling factors must equal the number of dimensions to tile")
        if tiles.count(DYNAMIC_INDEX) != len(self.inner_tiles):
            raise VerifyException(
                f"expected {tiles.count(DYNAMIC_INDEX)} dynamic tile sizes, got "
                f"{len(self.inner_tiles)}"
            )
        if len(packed_shape) != len(unpacked_shape) + len(tiles):
            raise VerifyException(
                f"packed rank != (unpacked rank + num tiling factors), got "
                f"{len(packed_shape)} != {len(unpacked_shape) + len(tiles)}"
            )
        if 0 in tiles:
            raise VerifyException("invalid zero tile factor")
        inner_dims = packed_shape[len(unpacked_shape) :]
        for index, (tile, size) in enumerate(zip(tiles, inner_dims, strict=True)):
            if is_dynamic(size):
                continue
            if is_dynamic(tile):
                raise VerifyException(
                    f"mismatch in inner tile sizes specified at index {index}: got static "
                    f"shape {size} but dynamic tile size"
                )
            if tile != size:
                raise VerifyException(
                    f"mismatch in inner tile sizes specified and shaped of tiled dimension in "
                    f"the packed type at index {index}: got {size} != {tile}"
                )
        expected = self.packed_shape(unpacked_shape)
        if not compatible_shapes(expected, packed_shape):
            raise VerifyException(
                f"expected '{shaped_type_with(packed.type, expected)}' for the packed domain "
                f"value, got '{packed.type}'"
            )

    @classmethod
    def parse_padding(cls, parser: Parser) -> SSAValue | None:
        """What comes between the source and ``outer_dims_perm``: nothing by default."""
        return None

    def print_padding(self, printer: Printer) -> None:
        return

    @classmethod
    def parse(cls, parser: Parser) -> Self:
        start = parser.pos
        source = parser.parse_unresolved_operand()
        padding_value = cls.parse_padding(parser)
        outer_dims_perm = parse_dense_i64(parser, "outer_dims_perm")
        inner_dims_pos = parse_dense_i64(parser, "inner_dims_pos")
        if inner_dims_pos is None:
            parser.raise_error("expected 'inner_dims_pos = [...]'")
        parser.parse_keyword("inner_tiles")
        parser.parse_punctuation("=")
        tile_values, static_tiles = parse_dynamic_index_list_without_types(parser, DYNAMIC_INDEX)
        parser.parse_keyword("into")
        dest = parser.parse_unresolved_operand()
        attributes = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        source_type = parser.parse_type()
        parser.parse_punctuation("->")
        dest_type = parser.parse_type()
        for operand_type in (source_type, dest_type):
            if not isinstance(operand_type, TensorType | MemRefType):
                parser.raise_error(
                    f"'{cls.name}' relayouts tensors or memrefs, not {operand_type}",
                    start,
                    parser.pos,
                )
        properties: dict[str, Attribute] = {
            "inner_dims_pos": inner_dims_pos,
            "static_inner_tiles": DenseArrayBase.from_list(i64, static_tiles),
        }
        if outer_dims_perm is not None:
            properties["outer_dims_perm"] = outer_dims_perm
        padding = () if padding_value is None else (padding_value,)
        operands = [
            parser.resolve_operand(source, source_type),
            parser.resolve_operand(dest, dest_type),
            *((padding,) if cls.PACKS else ()),
            [parser.resolve_operand(value, IndexType()) for value in tile_values],
        ]
        return cls.build(
            operands=operands,
            result_types=([dest_type] if isa(dest_type, TensorType) else [],),
            properties=properties,
            attributes={k: v for k, v in attributes.items() if k != "operandSegmentSizes"},
        )

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_ssa_value(self.source)
        self.print_padding(printer)
        permutation = self.outer_permutation()
        if permutation:
            print_dense_i64(printer, "outer_dims_perm", permutation)
        print_dense_i64(printer, "inner_dims_pos", list(self.inner_dims_pos.get_values()))
        printer.print_string(" inner_tiles = ")
        print_dynamic_index_list(printer, DYNAMIC_INDEX, self.inner_tiles, self.static_tiles())
        printer.print_string(" into ")
        printer.print_ssa_value(self.dest)
        shown = {k: v for k, v in self.attributes.items() if k != "operandSegmentSizes"}
        if shown:
            printer.print_string(" ")
            printer.print_attr_dict(shown)
        printer.print_string(" : ")
        printer.print_attribute(self.source.type)
        printer.print_string(" -> ")
        printer.print_attribute(self.dest.type)


@irdl_op_definition
class PackOp(RelayoutOperation):
    """Tiles a source of rank n into a destination of rank n + k: the k source
    dimensions of ``inner_dims_pos`` are cut into tiles of ``inner_tiles``, which
    become the trailing dimensions, after the outer dimensions (permuted by
    ``outer_dims_perm``). ``padding_value`` fills the last, partial tile of a
    dimension its tile does not divide; without it every tile must be full.
    """

    name = "linalg.pack"

    # Redefined to put the padding value before the tiles, as upstream orders them.
    source = operand_def(TensorType | MemRefType)
    dest = operand_def(TensorType | MemRefType)
    padding_value = opt_operand_def()
    inner_tiles = var_operand_def(IndexType)

    irdl_options = (AttrSizedOperandSegments(as_property=True),)

    PACKS: ClassVar[bool] = True

    def verify_(self) -> None:
        super().verify_()
        element_type = element_type_of(self.source)
        if self.padding_value is not None:
            if self.padding_value.type != element_type:
                raise VerifyException(
                    f"expected padding_value has '{element_type}' but got: "
                    f"'{self.padding_value.type}'"
                )
            return
        if self.needs_padding():
            raise VerifyException(
                "invalid tile factor or output size provided. Only full tiles are "
                "supported when padding_value is not set"
            )

    def needs_padding(self) -> bool:
        """Whether the shapes show a partial tile: a static source dimension that
        its static tile, or its static count of tiles, does not divide."""
        source_shape = shape_of(self.source)
        outer = shape_of(self.dest)[: len(source_shape)]
        permutation = self.outer_permutation()
        if permutation:
            unpermuted = [0] * len(outer)
            for position, source_position in enumerate(permutation):
                unpermuted[source_position] = outer[position]
            outer = unpermuted
        for position, tile in zip(
            self.inner_dims_pos.get_values(), self.static_tiles(), strict=True
        ):
            size = source_shape[position]
            if is_dynamic(size):
                continue
            divisor = outer[position] if is_dynamic(tile) else tile
            if not is_dynamic(divisor) and divisor > 0 and size % divisor:
                return True
        return False

    @classmethod
    def parse_padding(cls, parser: Parser) -> SSAValue | None:
        if not parser.parse_optional_keyword("padding_value"):
            return None
        parser.parse_punctuation("(")
        value = parser.parse_unresolved_operand()
        parser.parse_punctuation(":")
        value_type = parser.parse_type()
        parser.parse_punctuation(")")
        return parser.resolve_operand(value, value_type)

    def print_padding(self, printer: Printer) -> None:
        if self.padding_value is None:
            return
        printer.print_string(" padding_value(")
        printer.print_ssa_value(self.padding_value)
        printer.print_string(" : ")
        printer.print_attribute(self.padding_value.type)
        printer.print_string(")")


@irdl_op_definition
class UnPackOp(RelayoutOperation):
    """The inverse of ``linalg.pack``: reassembles a packed source of rank n + k
    into a destination of rank n, dropping what padding the last tiles held.
    """

    name = "linalg.unpack"

    PACKS: ClassVar[bool] = False


# Winograd F(m, r): output tiles of m x m from a filter of r x r, through
# transformed tiles of (m + r - 1) x (m + r - 1). Upstream's enum, by name and
# by the i32 its generic form holds.
WINOGRAD_FMRS: dict[str, tuple[int, int]] = {"F_2_3": (2, 3), "F_4_3": (4, 3), "F_2_5": (2, 5)}


class WinogradOperation(IRDLOperation):
    """What the three Winograd transforms share: ``fmr(F_m_r)``, one input, one
    output of the same element type, and the output's type as result.

    ``linalg.winograd_<kind>_transform [{attrs}] fmr(F_4_3) ins(%x : T)
    outs(%y : U) -> U``, as upstream's declarative format writes it.
    """

    input = operand_def(TensorType)
    output = operand_def(TensorType)
    fmr = prop_def(IntegerAttr[i32])
    result = result_def(TensorType)

    traits = traits_def(Pure())

    INPUT_RANK: ClassVar[int]
    OUTPUT_RANK: ClassVar[int]

    def fmr_name(self) -> str:
        return list(WINOGRAD_FMRS)[self.fmr.value.data]

    def m_and_r(self) -> tuple[int, int]:
        return WINOGRAD_FMRS[self.fmr_name()]

    def expected_output_shape(self, input_shape: Shape, output_shape: Shape) -> list[int]:
        raise NotImplementedError

    def verify_(self) -> None:
        if not 0 <= self.fmr.value.data < len(WINOGRAD_FMRS):
            raise VerifyException(
                f"fmr {self.fmr.value.data} is none of upstream's "
                f"{', '.join(f'{index} ({name})' for index, name in enumerate(WINOGRAD_FMRS))}"
            )
        for index, (operand, rank) in enumerate(
            ((self.input, self.INPUT_RANK), (self.output, self.OUTPUT_RANK))
        ):
            if len(shape_of(operand)) != rank:
                raise VerifyException(
                    f"operand #{index} must be {rank}D tensor of any non-token type values, "
                    f"but got '{operand.type}'"
                )
        if element_type_of(self.input) != element_type_of(self.output):
            raise VerifyException("expected the input and the output to have one element type")
        if self.result.type != self.output.type:
            raise VerifyException(
                f"expected type of operand #1 ('{self.output.type}') to match type of "
                f"corresponding result ('{self.result.type}')"
            )
        expected = self.expected_output_shape(shape_of(self.input), shape_of(self.output))
        if not compatible_shapes(expected, shape_of(self.output)):
            raise VerifyException("the output shape is not expected")

    @classmethod
    def parse(cls, parser: Parser) -> Self:
        attributes = parser.parse_optional_attr_dict()
        parser.parse_keyword("fmr")
        parser.parse_punctuation("(")
        start = parser.pos
        fmr_name = parser.parse_identifier()
        if fmr_name not in WINOGRAD_FMRS:
            parser.raise_error(
                f"expected one of {', '.join(WINOGRAD_FMRS)} for 'fmr', got {fmr_name}",
                start,
                parser.pos,
            )
        parser.parse_punctuation(")")
        operands: list[SSAValue] = []
        for keyword in ("ins", "outs"):
            parser.parse_keyword(keyword)
            parser.parse_punctuation("(")
            value = parser.parse_unresolved_operand()
            parser.parse_punctuation(":")
            operands.append(parser.resolve_operand(value, parser.parse_type()))
            parser.parse_punctuation(")")
        parser.parse_punctuation("->")
        result_type = parser.parse_type()
        return cls.build(
            operands=operands,
            result_types=(result_type,),
            properties={"fmr": IntegerAttr(list(WINOGRAD_FMRS).index(fmr_name), i32)},
            attributes=attributes,
        )

    def print(self, printer: Printer) -> None:
        if self.attributes:
            printer.print_string(" ")
            printer.print_attr_dict(self.attributes)
        printer.print_string(f" fmr({self.fmr_name()})")
        for keyword, operand in (("ins", self.input), ("outs", self.output)):
            printer.print_string(f" {keyword}(")
            printer.print_ssa_value(operand)
            printer.print_string(" : ")
            printer.print_attribute(operand.type)
            printer.print_string(")")
        printer.print_string(" -> ")
        printer.print_attribute(self.result.type)


@irdl_op_definition
class WinogradFilterTransformOp(WinogradOperation):
    """Transforms a filter (F, KH, KW, C) into (alphaH, alphaW, C, F), ``G g G^T``
    per filter: alpha is m + r - 1 along a dimension of r taps, 1 along one of 1
    tap (a 1-D convolution)."""

    name = "linalg.winograd_filter_transform"

    INPUT_RANK: ClassVar[int] = 4
    OUTPUT_RANK: ClassVar[int] = 4

    def expected_output_shape(self, input_shape: Shape, output_shape: Shape) -> list[int]:
        m, r = self.m_and_r()
        filters, height, width, channels = input_shape
        for side, size in (("height", height), ("width", width)):
            if size not in (r, 1):
                raise VerifyException(f"expect filter {side} either equals to r or 1")
        if height == 1 and width == 1:
            raise VerifyException("expect either filter height or width equals to r")
        alpha = m + r - 1
        return [alpha if height == r else 1, alpha if width == r else 1, channels, filters]


@irdl_op_definition
class WinogradInputTransformOp(WinogradOperation):
    """Transforms an input (N, H, W, C) into (alphaH, alphaW, tileH, tileW, N, C),
    ``B^T d B`` per input tile; a dimension the output gives an alpha of 1 is not
    transformed (a 1-D convolution)."""

    name = "linalg.winograd_input_transform"

    INPUT_RANK: ClassVar[int] = 4
    OUTPUT_RANK: ClassVar[int] = 6

    def expected_output_shape(self, input_shape: Shape, output_shape: Shape) -> list[int]:
        m, r = self.m_and_r()
        alpha = m + r - 1
        batch, height, width, channels = input_shape
        alphas: list[int] = []
        tiles: list[int] = []
        for size, output_alpha in ((height, output_shape[0]), (width, output_shape[1])):
            if is_dynamic(size):
                alphas.append(alpha)
                tiles.append(DYNAMIC_INDEX)
            elif output_alpha != 1:
                alphas.append(alpha)
                tiles.append((size - (r - 1)) // m)
            else:
                alphas.append(1)
                tiles.append(size)
        return [*alphas, *tiles, batch, channels]


@irdl_op_definition
class WinogradOutputTransformOp(WinogradOperation):
    """Transforms (alphaH, alphaW, tileH, tileW, N, F) into an output (N, H, W, F),
    ``A^T m A`` per tile, each tile giving m x m outputs; an alpha of 1 leaves its
    dimension untransformed (a 1-D convolution)."""

    name = "linalg.winograd_output_transform"

    INPUT_RANK: ClassVar[int] = 6
    OUTPUT_RANK: ClassVar[int] = 4

    def expected_output_shape(self, input_shape: Shape, output_shape: Shape) -> list[int]:
        m, r = self.m_and_r()
        alpha = m + r - 1
        alpha_h, alpha_w, tiles_h, tiles_w, batch, filters = input_shape
        sizes: list[int] = []
        for side, input_alpha, tiles in (
            ("height", alpha_h, tiles_h),
            ("width", alpha_w, tiles_w),
        ):
            if not is_dynamic(input_alpha) and input_alpha not in (alpha, 1):
                raise VerifyException(f"expect input {side} equals to input tile size")
            if is_dynamic(tiles):
                sizes.append(DYNAMIC_INDEX)
            else:
                sizes.append(tiles * m if input_alpha != 1 else tiles)
        return [batch, *sizes, filters]


RELAYOUT_OPS = (
    PackOp,
    UnPackOp,
    WinogradFilterTransformOp,
    WinogradInputTransformOp,
    WinogradOutputTransformOp,
)
