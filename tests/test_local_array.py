"""shift.piece and tile.buffer share LocalArrayType: equality, size, and rules."""

import pytest
from xdsl.dialects.builtin import IndexType, IntegerType, f16, f32, i1, i64
from xdsl.utils.exceptions import VerifyException

from t10.dialects.shift import PieceType
from t10.dialects.tile import BufferType


@pytest.mark.parametrize("array_type", [PieceType, BufferType])
def test_types_compare_by_shape_and_element_type(array_type: type[PieceType | BufferType]):
    assert array_type((2, 4), f32) == array_type((2, 4), f32)
    assert array_type((2, 4), f32) != array_type((4, 4), f32)
    assert array_type((2, 4), f32) != array_type((2, 4), f16)
    assert len({array_type((2, 4), f32), array_type((4, 4), f32)}) == 2


def test_piece_and_buffer_are_different_types():
    assert PieceType((2, 4), f32) != BufferType((2, 4), f32)


@pytest.mark.parametrize(("array_type", "noun"), [(PieceType, "piece"), (BufferType, "buffer")])
def test_rules_name_the_kind_of_array(array_type: type[PieceType | BufferType], noun: str):
    assert array_type((3, 5), f16).byte_size() == 30
    with pytest.raises(VerifyException, match=f"{noun} dimension 0 must be positive"):
        array_type((0, 5), f16)
    with pytest.raises(VerifyException, match=f"{noun} element type i4 must be a whole number"):
        array_type((3, 5), IntegerType(4))


@pytest.mark.parametrize("array_type", [PieceType, BufferType])
def test_booleans_take_a_byte_and_indices_eight(array_type: type[PieceType | BufferType]):
    assert array_type((3, 5), i1).byte_size() == 15
    assert array_type((3, 5), IndexType()).byte_size() == 120
    assert array_type((3, 5), i64).byte_size() == 120
