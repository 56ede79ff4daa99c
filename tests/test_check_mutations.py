"""The numeric check of ``t10-run`` (``runtime/error_bound.py``) catches wrong tile programs.

A matmul planned on ``small-16`` with a quarter of its SRAM rotates its operands and
its partial sums between compute steps. The uncorrupted program matches its
reference; each corruption of the *program* (not of its answer) must not: a rotation
sent along the wrong ring or by the wrong offset, a block of an operand loaded from
the wrong place, a step computing on the wrong piece, a step whose partial sums
subtract, a step left out.
"""

import re
from collections.abc import Callable

import pytest
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp

from t10.dialects import tile
from t10.hwmodel.chip import load_chip
from t10.passes.compile import CompilePass
from t10.runtime.error_bound import compare, reference_with_bounds
from t10.runtime.reference import random_inputs
from t10.runtime.simulator import simulate
from t10.tools.t10_opt import LocatingParser, T10OptMain

CTX = T10OptMain(args=[]).ctx
CHIP = "small-16"

MATMUL = """\
func.func @mm(%a: tensor<64x512x{t}>, %b: tensor<512x64x{t}>, %c: tensor<64x64x{t}>)
    -> tensor<64x64x{t}> {{
  %r = linalg.matmul ins(%a, %b : tensor<64x512x{t}>, tensor<512x64x{t}>)
                     outs(%c : tensor<64x64x{t}>) -> tensor<64x64x{t}>
  func.return %r : tensor<64x64x{t}>
}}
"""


def parse(text: str) -> ModuleOp:
    module = LocatingParser(CTX, text).parse_module()
    module.verify()
    return module


def compiled_program(element_type: str) -> str:
    module = parse(MATMUL.format(t=element_type))
    CompilePass(chip=CHIP, memory_fraction=MEMORY_FRACTIONS[element_type]).apply(CTX, module)
    return str(module)


def check(program_text: str, element_type: str, steps: int) -> bool:
    """Whether the program's simulated output matches the reference within its bound."""
    function = next(
        op for op in parse(MATMUL.format(t=element_type)).walk() if isinstance(op, func.FuncOp)
    )
    inputs = random_inputs(function, 0)
    (expected,) = reference_with_bounds(function, inputs, steps)
    program = next(op for op in parse(program_text).walk() if isinstance(op, tile.ProgramOp))
    (simulated,) = simulate(program, load_chip(CHIP), inputs).outputs
    return compare(simulated, expected).match


def replace_first(pattern: str, replacement: str) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        mutated, count = re.subn(pattern, replacement, text, count=1)
        assert count == 1, f"no {pattern!r} in the program"
        return mutated

    return mutate


def drop_second_step(text: str) -> str:
    """The program without its second ``tile.compute ... on`` step (and its region)."""
    starts = [match.start() for match in re.finditer(r"\n *tile\.compute ins\(", text)]
    start = starts[1]
    end = text.index("\n    }", start) + len("\n    }")
    return text[:start] + text[end:]


SUBTRACT_ONE_STEP = replace_first(r"arith\.addf (%\w+), (%\w+) : ", r"arith.subf \1, \2 : ")

MUTATIONS: dict[str, dict[str, Callable[[str], str]]] = {
    # Half the SRAM: A rotates round rings of two along k, partial sums along n.
    "f32": {
        "rotation along another axis": replace_first(
            r"axis = 2, ring = 2, stride = 2, pace = 1", "axis = 1, ring = 2, pace = 1"
        ),
        "rotation by another offset": replace_first(
            r"ring = 2, stride = 2, pace = 1", "ring = 2, pace = 1"
        ),
        "block loaded from another place": replace_first(r"at = \[1, 0, 0\]", "at = [0, 0, 0]"),
        "step on the wrong piece": replace_first(
            r"ins\(%a_dist, %b_dist_1 ", "ins(%a_dist, %b_dist "
        ),
        "partial sums subtracted in one step": SUBTRACT_ONE_STEP,
        "a step left out": drop_second_step,
    },
    # A quarter of the SRAM: A rotates round rings of four cores along n.
    "f16": {
        "rotation along another axis": replace_first(
            r"grid = \[1, 4, 4\], axis = 1, pace = 1", "grid = [1, 4, 4], axis = 2, pace = 1"
        ),
        "rotation by another offset": replace_first(
            r"grid = \[1, 4, 4\], axis = 1, pace = 1", "grid = [1, 4, 4], axis = 1, pace = 3"
        ),
        "block loaded from another place": replace_first(r"at = \[0, 0, 1\]", "at = [0, 0, 2]"),
        "step on the wrong piece": replace_first(
            r"ins\(%a_dist, %b_dist_2 ", "ins(%a_dist, %b_dist "
        ),
        "partial sums subtracted in one step": SUBTRACT_ONE_STEP,
        "a step left out": drop_second_step,
    },
}
MEMORY_FRACTIONS = {"f32": 0.5, "f16": 0.25}
CASES = [(element_type, name) for element_type in MUTATIONS for name in MUTATIONS[element_type]]


@pytest.fixture(scope="module")
def programs() -> dict[str, str]:
    return {element_type: compiled_program(element_type) for element_type in MUTATIONS}


@pytest.mark.parametrize("element_type", sorted(MUTATIONS))
def test_the_program_rotates_and_matches(programs: dict[str, str], element_type: str):
    text = programs[element_type]
    assert "#tile.rotate<" in text
    steps = text.count("tile.compute ins(")
    assert steps > 1
    assert check(text, element_type, steps)


@pytest.mark.parametrize(("element_type", "mutation"), CASES)
def test_a_corrupted_program_does_not_match(
    programs: dict[str, str], element_type: str, mutation: str
):
    text = programs[element_type]
    mutated = MUTATIONS[element_type][mutation](text)
    assert mutated != text
    steps = text.count("tile.compute ins(")
    assert not check(mutated, element_type, steps)
