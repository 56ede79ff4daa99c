# pyright: strict
"""xDSL's ``memref`` dialect with the upstream op it lacks that linalg IR uses:
``memref.transpose``, a view of a memref with its dimensions permuted.

Registered by ``t10-opt`` in place of xDSL's ``memref``; every other op is xDSL's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

from xdsl.dialects.builtin import (
    AffineMapAttr,
    MemRefType,
    StridedLayoutAttr,
)
from xdsl.dialects.memref import MemRef
from xdsl.ir import Attribute, Dialect, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineMap
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import NoMemoryEffect
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.hints import isa


def permutation_of(affine_map: AffineMap) -> list[int] | None:
    """The dimension each result of ``affine_map`` reads, if it is a permutation."""
    positions = [
        result.position for result in affine_map.results if isinstance(result, AffineDimExpr)
    ]
    if (
        affine_map.num_symbols
        or len(positions) != len(affine_map.results)
        or sorted(positions) != list(range(affine_map.num_dims))
    ):
        return None
    return positions


def strided_form(memref: MemRefType) -> tuple[list[int], list[int | None], int | None]:
    """Shape, strides and offset of ``memref`` (an identity layout made explicit)."""
    strides = memref.get_strides()
    if strides is None:
        raise VerifyException(f"{memref} has a layout that is not strided")
    return list(memref.get_shape()), list(strides), memref.get_offset()


def transposed_type(memref: MemRefType, permutation: Sequence[int]) -> MemRefType:
    """``memref`` viewed with dimension ``permutation[i]`` as dimension ``i``: sizes and
    strides permuted, the offset kept, as upstream's ``inferTransposeResultType``."""
    shape, strides, offset = strided_form(memref)
    permuted_strides = [strides[source] for source in permutation]
    layout = StridedLayoutAttr(permuted_strides, offset)
    return MemRefType(
        memref.element_type,
        [shape[source] for source in permutation],
        layout,
        memref.memory_space,
    )


def same_strided_view(first: MemRefType, second: MemRefType) -> bool:
    """Whether two memref types describe the same view (an identity layout and the
    strided layout it stands for are one view, as upstream canonicalises them)."""
    return (
        first.element_type == second.element_type
        and first.memory_space == second.memory_space
        and strided_form(first) == strided_form(second)
    )


@irdl_op_definition
class TransposeOp(IRDLOperation):
    """A view of ``in`` whose dimension ``i`` is ``in``'s dimension ``permutation(i)``:
    no data moves, the strides are permuted.

    ``memref.transpose %m (d0, d1) -> (d1, d0) : memref<AxB...> to memref<BxA...>``.
    """

    name = "memref.transpose"

    source = operand_def(MemRefType)
    permutation = prop_def(AffineMapAttr)
    result = result_def(MemRefType)

    traits = traits_def(NoMemoryEffect())

    def __init__(self, source: SSAValue, permutation: AffineMap, result_type: Attribute):
        super().__init__(
            operands=(source,),
            result_types=(result_type,),
            properties={"permutation": AffineMapAttr(permutation)},
        )

    def verify_(self) -> None:
        source_type = self.source.type
        result_type = self.result.type
        assert isa(source_type, MemRefType) and isa(result_type, MemRefType)
        permutation = permutation_of(self.permutation.data)
        if permutation is None:
            raise VerifyException("expected a permutation map")
        if len(permutation) != len(source_type.get_shape()):
            raise VerifyException("expected a permutation map of same rank as the input")
        expected = transposed_type(source_type, permutation)
        if not same_strided_view(result_type, expected):
            raise VerifyException(
                f"result type {result_type} is not equivalent to the canonical transposed "
                f"input type {expected}"
            )

    @classmethod
    def parse(cls, parser: Parser) -> Self:
        source = parser.parse_unresolved_operand()
        permutation = parser.parse_affine_map()
        attributes = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        source_type = parser.parse_type()
        parser.parse_keyword("to")
        result_type = parser.parse_type()
        transpose = cls(parser.resolve_operand(source, source_type), permutation, result_type)
        transpose.attributes |= attributes
        return transpose

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_ssa_value(self.source)
        printer.print_string(f" {self.permutation.data}")
        if self.attributes:
            printer.print_string(" ")
            printer.print_attr_dict(self.attributes)
        printer.print_string(" : ")
        printer.print_attribute(self.source.type)
        printer.print_string(" to ")
        printer.print_attribute(self.result.type)


MemRefExtended = Dialect("memref", [*MemRef.operations, TransposeOp], [*MemRef.attributes])
