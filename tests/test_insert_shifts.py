"""The loop nest t10-insert-shifts builds from a plan's temporal factors."""

from t10.passes.insert_shifts import LoopLevel, loop_levels


def test_chain_one_two_four_peels_two_levels():
    # Loop 0: operand 0 is not cut, 1 in 2 pieces, 2 in 4: levels 2 then 2.
    levels = loop_levels([[1], [2], [4]], [0])
    assert levels == (LoopLevel(0, 2, (1,)), LoopLevel(0, 2, (2,)))


def test_operands_sharing_a_factor_rotate_at_the_same_level():
    levels = loop_levels([[3, 1], [3, 1], [1, 1]], [0])
    assert levels == (LoopLevel(0, 3, (0, 1)),)


def test_two_loops_nest_in_loop_order():
    temporal = [[2, 1, 1], [1, 1, 4], [2, 1, 8]]
    levels = loop_levels(temporal, [2, 0])
    assert levels == (
        LoopLevel(2, 4, (1,)),
        LoopLevel(2, 2, (2,)),
        LoopLevel(0, 2, (0, 2)),
    )
    # The levels over each loop multiply to its number of compute steps.
    assert [level.count for level in levels if level.loop == 2] == [4, 2]


def test_no_stepped_loop_means_no_level():
    assert loop_levels([[1, 1], [1, 1]], []) == ()
