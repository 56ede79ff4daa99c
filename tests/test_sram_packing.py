"""Packing buffers into a core's SRAM over their live ranges (passes/sram_packing.py)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xdsl.utils.exceptions import PassFailedException

from t10.dialects import tile
from t10.hwmodel.chip import load_chip
from t10.passes import sram_packing
from t10.passes.lower_to_tile import _assign_offsets  # pyright: ignore[reportPrivateUsage]
from t10.passes.sram_packing import live_bytes_peak, pack
from t10.tools.t10_opt import LocatingParser, T10OptMain

CTX = T10OptMain(args=[]).ctx


def _arrays(*rows: list[int]) -> tuple[np.ndarray, ...]:
    return tuple(np.array(row, dtype=np.int64) for row in rows)


def _overlapping_pairs(
    offsets: np.ndarray, sizes: np.ndarray, firsts: np.ndarray, lasts: np.ndarray
) -> list[tuple[int, int]]:
    return [
        (i, j)
        for i in range(len(sizes))
        for j in range(i + 1, len(sizes))
        if firsts[i] <= lasts[j]
        and firsts[j] <= lasts[i]
        and offsets[i] < offsets[j] + sizes[j]
        and offsets[j] < offsets[i] + sizes[i]
    ]


def test_the_live_byte_peak_names_the_buffer_made_at_it():
    sizes, firsts, lasts = _arrays([4, 2, 3, 5], [0, 1, 3, 4], [2, 5, 4, 6])
    peak = live_bytes_peak(sizes, firsts, lasts)
    # At position 4 buffers 1, 2 and 3 live: 2 + 3 + 5.
    assert (peak.peak, peak.at_buffer) == (10, 3)


def test_largest_first_packs_what_program_order_fragments():
    # a and b live together; a dies and c, twice as large, joins b: first-fit in
    # program order leaves a's byte free below b, too small for c.
    sizes, firsts, lasts = _arrays([1, 1, 2], [0, 0, 2], [1, 3, 3])
    assert live_bytes_peak(sizes, firsts, lasts).peak == 3
    assert pack(sizes, firsts, lasts, capacity=4).offsets.tolist() == [0, 1, 2]
    packing = pack(sizes, firsts, lasts, capacity=3)
    assert packing.span == 3
    assert _overlapping_pairs(packing.offsets, sizes, firsts, lasts) == []


def test_perturbed_orders_pack_what_the_greedy_orders_do_not(monkeypatch: pytest.MonkeyPatch):
    # Found by random search: program order, largest-first and most
    # byte-positions first span 13, 12 and 12 bytes; 11 are live at most.
    sizes, firsts, lasts = _arrays([3, 4, 3, 2, 3, 3], [2, 3, 5, 6, 7, 7], [2, 5, 8, 9, 12, 10])
    assert live_bytes_peak(sizes, firsts, lasts).peak == 11
    packing = pack(sizes, firsts, lasts, capacity=11)
    assert packing.span == 11
    assert _overlapping_pairs(packing.offsets, sizes, firsts, lasts) == []
    monkeypatch.setattr(sram_packing, "PERTURBED_TRIES", 0)
    assert pack(sizes, firsts, lasts, capacity=11).span == 12


def test_without_a_fitting_packing_the_tightest_found_is_returned(
    monkeypatch: pytest.MonkeyPatch,
):
    # 4 bytes suffice (a at 0, b at 1, c at 3, d at 0) but every order tried puts
    # the small buffers above the large ones.
    sizes, firsts, lasts = _arrays([1, 3, 1, 3], [0, 0, 4, 7], [4, 2, 7, 10])
    assert live_bytes_peak(sizes, firsts, lasts).peak == 4
    packing = pack(sizes, firsts, lasts, capacity=4)
    assert packing.span == 5
    assert _overlapping_pairs(packing.offsets, sizes, firsts, lasts) == []
    # Found by random search: the three greedy orders span 11 bytes, one perturbed order
    # 10, and 9 are live at most. Nothing fits 9: the tightest, 10, is returned, the
    # same each time (the perturbations are seeded), and 11 without perturbed orders.
    sizes, firsts, lasts = _arrays(
        [2, 5, 2, 1, 3, 4, 3], [3, 0, 6, 7, 0, 3, 2], [4, 0, 10, 11, 2, 4, 6]
    )
    assert live_bytes_peak(sizes, firsts, lasts).peak == 9
    packing = pack(sizes, firsts, lasts, capacity=9)
    assert packing.span == 10
    assert _overlapping_pairs(packing.offsets, sizes, firsts, lasts) == []
    assert pack(sizes, firsts, lasts, capacity=9).offsets.tolist() == packing.offsets.tolist()
    monkeypatch.setattr(sram_packing, "PERTURBED_TRIES", 0)
    assert pack(sizes, firsts, lasts, capacity=9).span == 11


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 64), st.integers(0, 30), st.integers(0, 10)),
        min_size=1,
        max_size=25,
    ),
    st.integers(0, 40),
)
def test_packings_never_overlap_live_buffers(buffers: list[tuple[int, int, int]], slack: int):
    sizes, firsts, lasts = _arrays(
        [size for size, _, _ in buffers],
        [first for _, first, _ in buffers],
        [first + length for _, first, length in buffers],
    )
    bound = live_bytes_peak(sizes, firsts, lasts).peak
    packing = pack(sizes, firsts, lasts, capacity=bound + slack)
    assert _overlapping_pairs(packing.offsets, sizes, firsts, lasts) == []
    assert packing.span == int((packing.offsets + sizes).max())
    assert packing.span >= bound
    assert (packing.offsets >= 0).all()


def _program(text: str) -> tile.ProgramOp:
    module = LocatingParser(CTX, text, "test.mlir").parse_module()
    (program,) = (op for op in module.walk() if isinstance(op, tile.ProgramOp))
    return program


# Four buffers shaped as in the test above (a, b, c, d of 8, 24, 8 and 24 bytes):
# 32 bytes are live at most, but no order the packer tries fits them in 32.
FRAGMENTING = """
tile.program @fragmenting(%x: tensor<6xf32>) -> (tensor<6xf32>, tensor<2xf32>) cores 1 sram_bytes {sram} {
  %a = tile.alloc offset 0 : !tile.buffer<2xf32>
  %b = tile.alloc offset 0 : !tile.buffer<6xf32>
  tile.host_write %x to %b by #tile.block<grid = [1], split = [[]]> : tensor<6xf32> to !tile.buffer<6xf32>
  %c = tile.alloc offset 0 : !tile.buffer<2xf32>
  tile.exchange %a to %c by #tile.transfers<[[0, 0]]> : !tile.buffer<2xf32> to !tile.buffer<2xf32>
  %d = tile.alloc offset 0 {t10.op = "late"} : !tile.buffer<6xf32>
  tile.host_write %x to %d by #tile.block<grid = [1], split = [[]]> : tensor<6xf32> to !tile.buffer<6xf32>
  %z = tile.host_read %c by #tile.block<grid = [1], split = [[]]> : !tile.buffer<2xf32> to tensor<2xf32>
  %y = tile.host_read %d by #tile.block<grid = [1], split = [[]]> : !tile.buffer<6xf32> to tensor<6xf32>
  tile.return %y, %z : tensor<6xf32>, tensor<2xf32>
}
"""  # noqa: E501


SMALL = load_chip("small-16")
"""Its programs below exchange nothing, so no exchange code takes SRAM."""


def test_offsets_are_assigned_to_fit_and_verify():
    program = _program(FRAGMENTING.replace("{sram}", "40"))
    _assign_offsets(program, SMALL)
    program.verify()
    offsets = [op.offset.value.data for op in program.walk() if isinstance(op, tile.AllocOp)]
    assert offsets == [0, 8, 8, 16]


def test_buffers_that_fragment_sram_are_an_error_naming_both_figures():
    program = _program(FRAGMENTING.replace("{sram}", "32"))
    with pytest.raises(PassFailedException) as error:
        _assign_offsets(program, SMALL)
    assert str(error.value) == (
        "error: the buffers do not pack into SRAM: at most 32 bytes are live on each core at "
        "once and SRAM holds 32, but the tightest packing found spans 40 (holes between "
        "buffers of other lifetimes); it ends with %d for late"
    )


def test_buffers_live_together_beyond_sram_name_the_one_that_overflows():
    program = _program(FRAGMENTING.replace("{sram}", "24"))
    with pytest.raises(PassFailedException, match=r"buffer %b \(24 bytes\) does not fit: 8 bytes"):
        _assign_offsets(program, SMALL)
