"""What ``shift.piece`` and ``tile.buffer`` share: an array in every core's SRAM.

Both types are one shape and element type on every core, with per-core
contents, written ``<16x32xf16>``. Each subclass declares the two parameters
itself (``shape``, ``element_type``): xDSL compares and hashes attributes by the
parameters their own decorated class declares.
"""

from collections.abc import Sequence
from math import prod
from typing import ClassVar

from xdsl.dialects.builtin import ArrayAttr, FixedBitwidthType, IndexType, IntAttr, TensorType
from xdsl.ir import Attribute, ParametrizedAttribute, TypeAttribute
from xdsl.parser import AttrParser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException

INDEX_BYTES = 8
"""Bytes of an ``index`` element: MLIR's default data layout gives index 64 bits."""


def stored_element_bytes(element_type: Attribute) -> int | None:
    """Bytes one element of ``element_type`` takes in SRAM: its width in whole bytes, an
    ``i1`` one byte (as a bool is held), an ``index`` :data:`INDEX_BYTES`; ``None`` for a
    type of some other width."""
    if isinstance(element_type, IndexType):
        return INDEX_BYTES
    if not isinstance(element_type, FixedBitwidthType):
        return None
    width = element_type.bitwidth
    if width == 1:
        return 1
    return width // 8 if width % 8 == 0 else None


class LocalArrayType(ParametrizedAttribute, TypeAttribute):
    """An array of the same shape and element type in each core's SRAM."""

    shape: ArrayAttr[IntAttr]
    element_type: Attribute

    NOUN: ClassVar[str]
    """What one such array is called in diagnostics ("piece", "buffer")."""

    def __init__(self, shape: Sequence[int], element_type: Attribute):
        super().__init__(ArrayAttr(IntAttr(dim) for dim in shape), element_type)

    def get_shape(self) -> tuple[int, ...]:
        return tuple(dim.data for dim in self.shape.data)

    def get_element_type(self) -> Attribute:
        return self.element_type

    def byte_size(self) -> int:
        """Bytes the array occupies on each core."""
        element_bytes = stored_element_bytes(self.element_type)
        assert element_bytes is not None
        return prod(self.get_shape()) * element_bytes

    def tensor_type(self) -> TensorType:
        """The tensor type a compute body sees for this array."""
        return TensorType(self.element_type, self.get_shape())

    def verify(self) -> None:
        for dim in self.get_shape():
            if dim < 1:
                raise VerifyException(f"{self.NOUN} dimension {dim} must be positive")
        if stored_element_bytes(self.element_type) is None:
            raise VerifyException(
                f"{self.NOUN} element type {self.element_type} must be a whole number of "
                "bytes, an i1 or an index"
            )

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            shape, element_type = parser.parse_ranked_shape()
        return (ArrayAttr(IntAttr(dim) for dim in shape), element_type)

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            if self.get_shape():
                printer.print_dimension_list(self.get_shape())
                printer.print_string("x")
            printer.print_attribute(self.element_type)
