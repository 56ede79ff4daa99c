# pyright: strict
"""Bad input, as a careless or hostile user gives it, to every command: each case
asserts the exit status, that no Python traceback escapes, and that the message names
the cause (with ``file:line:col`` where the input has one). A few cases are good input
that earlier versions got wrong (an output file named like its input, a function
returning a constant): they assert the result.

The commands run in-process (``t10_opt.main``, click's ``CliRunner``) to keep the suite
fast; ``test_as_a_subprocess`` runs a few as a user's shell does.
"""

import io
import os
import re
import stat
import subprocess
import sys
from collections.abc import Sequence
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import click
import numpy as np
import pytest
from click.testing import CliRunner
from fifo_reader import fifo

from t10.tools import t10_bench, t10_bench_snn, t10_chip, t10_import, t10_opt, t10_plan, t10_run

PRESETS = Path(__file__).parent.parent / "hwmodel" / "presets"
SMALL_CHIP = (PRESETS / "small-16.toml").read_text()

CLICK_COMMANDS: dict[str, click.Command] = {
    "t10-run": t10_run.main,
    "t10-plan": t10_plan.main,
    "t10-chip": t10_chip.main,
    "t10-bench": t10_bench.suite,
    "t10-bench snn": t10_bench_snn.snn,
    "t10-import": t10_import.main,
}

T = "tensor<16x16xf32>"
MATMUL = f"""\
func.func @f(%a: {T}, %b: {T}) -> {T} {{
  %e = tensor.empty() : {T}
  %r = linalg.matmul ins(%a, %b : {T}, {T}) outs(%e : {T}) -> {T}
  func.return %r : {T}
}}
"""
"""A 16x16 matmul that every tool accepts; the cases below break it."""


def _add(shape: str, element: str = "f32") -> str:
    tensor = f"tensor<{shape}x{element}>"
    return (
        f"func.func @f(%a: {tensor}, %b: {tensor}) -> {tensor} {{\n"
        f"  %e = tensor.empty() : {tensor}\n"
        f"  %r = linalg.add ins(%a, %b : {tensor}, {tensor}) outs(%e : {tensor}) -> {tensor}\n"
        f"  func.return %r : {tensor}\n"
        "}\n"
    )


def _generic(body: str, element: str = "f32", yielded: str = "f32") -> str:
    tensor = f"tensor<16x{element}>"
    return (
        "#id = affine_map<(d0) -> (d0)>\n"
        f"func.func @f(%a: {tensor}) -> {tensor} {{\n"
        f"  %e = tensor.empty() : {tensor}\n"
        '  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} '
        f"ins(%a : {tensor}) outs(%e : {tensor}) {{\n"
        f"  ^bb0(%x: {element}, %o: {element}):\n"
        f"{body}"
        f"    linalg.yield %y : {yielded}\n"
        f"  }} -> {tensor}\n"
        f"  func.return %r : {tensor}\n"
        "}\n"
    )


def _chip(**replacements: str) -> str:
    """small-16's chip file with whole lines replaced: ``cores="cores = 0"``."""
    text = SMALL_CHIP
    for key, line in replacements.items():
        text, count = re.subn(rf"(?m)^{key} = .*$", line, text)
        assert count == 1, key
    return text


@dataclass(frozen=True)
class Case:
    """One command line and what it must give."""

    id: str
    tool: str
    args: tuple[str, ...]
    status: int
    messages: tuple[str, ...]
    """Substrings of the output (stderr, then stdout), ``{d}`` standing for the case's
    directory; ``{ERR}`` for messages that must be on stderr is implied by the status."""
    files: tuple[tuple[str, str | bytes], ...] = ()
    """Files written into the case's directory first, by name."""


def case(
    id: str,
    tool: str,
    args: Sequence[str],
    status: int,
    *messages: str,
    files: dict[str, str | bytes] | None = None,
) -> Case:
    return Case(id, tool, tuple(args), status, messages, tuple((files or {}).items()))


def opt(id: str, text: str | bytes, args: Sequence[str], status: int, *messages: str) -> Case:
    """``t10-opt model.mlir ARGS`` on ``text``."""
    return case(
        id, "t10-opt", ["{d}/model.mlir", *args], status, *messages, files={"model.mlir": text}
    )


def run(id: str, text: str | bytes, args: Sequence[str], status: int, *messages: str) -> Case:
    """``t10-run model.mlir --chip small-16 ARGS`` on ``text``."""
    return case(
        id,
        "t10-run",
        ["{d}/model.mlir", "--chip", "small-16", *args],
        status,
        *messages,
        files={"model.mlir": text},
    )


def plan(id: str, text: str | bytes, status: int, *messages: str) -> Case:
    """``t10-plan model.mlir --chip small-16`` on ``text``."""
    return case(
        id,
        "t10-plan",
        ["{d}/model.mlir", "--chip", "small-16"],
        status,
        *messages,
        files={"model.mlir": text},
    )


def chip_check(id: str, text: str | bytes, *messages: str) -> Case:
    """``t10-chip check chip.toml`` on ``text``: always an error."""
    return case(id, "t10-chip", ["check", "{d}/chip.toml"], 1, *messages, files={"chip.toml": text})


def with_chip(id: str, tool_args: Sequence[str], text: str, status: int, *messages: str) -> Case:
    """t10-run of the matmul on the chip file ``text``."""
    return case(
        id,
        "t10-run",
        ["{d}/model.mlir", "--chip", "{d}/chip.toml", *tool_args],
        status,
        *messages,
        files={"model.mlir": MATMUL, "chip.toml": text},
    )


# Broken variants of the matmul, each checked by t10-opt, t10-run and t10-plan.
_EMPTY_LINE = f"  %e = tensor.empty() : {T}\n"
_MATMUL_LINE = f"  %r = linalg.matmul ins(%a, %b : {T}, {T}) outs(%e : {T}) -> {T}\n"
USE_BEFORE_DEFINITION = MATMUL.replace(_EMPTY_LINE + _MATMUL_LINE, _MATMUL_LINE + _EMPTY_LINE)
UNDEFINED = MATMUL.replace("outs(%e", "outs(%nope")
TRUNCATED = MATMUL[: MATMUL.index("outs(")]
DUPLICATE = MATMUL.replace("%e = tensor.empty()", "%a = tensor.empty()")
WRONG_USE_TYPE = MATMUL.replace(f"outs(%e : {T})", "outs(%e : tensor<16x8xf32>)")
UNKNOWN_TYPE = MATMUL.replace(
    "func.return %r : tensor<16x16xf32>", "func.return %r : tensor<16x16xf31>"
)
WRONG_RESULT_TYPE = MATMUL.replace(f"-> {T} {{", "-> tensor<16x16xf16> {")
SHAPES_DISAGREE = MATMUL.replace("%b: tensor<16x16xf32>", "%b: tensor<8x16xf32>").replace(
    f"ins(%a, %b : {T}, {T})", f"ins(%a, %b : {T}, tensor<8x16xf32>)"
)
UNREGISTERED = MATMUL.replace(
    f"  func.return %r : {T}", f'  %z = "foo.bar"(%r) : ({T}) -> {T}\n  func.return %z : {T}'
)
NO_TERMINATOR = f"func.func @f(%a: {T}) -> {T} {{\n  %e = tensor.empty() : {T}\n}}\n"
UNBALANCED = MATMUL.rstrip().removesuffix("}")
BIG_DIMENSION = _add("9223372036854775808x4")
BIG_ELEMENT_COUNT = _add("4611686018427387904x4")
DYNAMIC = _add("?x4")
EMPTY_DIMENSION = _add("0x4")
HUGE = _add("1048576x1048576")
COMPLEX = _add("4x4", "complex<f32>")
FILL_WITHOUT_INS = f"""\
func.func @f(%a: {T}) -> {T} {{
  %zero = arith.constant 0.0 : f32
  %r = linalg.fill (%zero : f32) outs(%a : {T}) -> {T}
  func.return %r : {T}
}}
"""
COMPLEX_MATMUL = MATMUL.replace("xf32>", "xcomplex<f32>>")
YIELD_I32_INTO_F32 = _generic("    %y = arith.constant 1 : i32\n", yielded="i32")
USE_BEFORE_DEFINITION_IN_BODY = _generic(
    "    %y = arith.addf %x, %z : f32\n    %z = arith.addf %x, %x : f32\n"
)
OWN_RESULT_IN_BODY = _generic(
    "    %v = tensor.extract %r[%c0] : tensor<16xf32>\n    %y = arith.addf %x, %v : f32\n"
).replace(
    "  ^bb0(%x: f32, %o: f32):\n", "  ^bb0(%x: f32, %o: f32):\n    %c0 = arith.constant 0 : index\n"
)
BAD_ITERATOR = _generic("    %y = arith.addf %x, %x : f32\n").replace(
    '["parallel"]', '["sideways"]'
)
MAPS_MISSING = _generic("    %y = arith.addf %x, %x : f32\n").replace("[#id, #id]", "[#id]")
NOT_UTF8 = MATMUL.replace("%r = linalg", "%r\xff = linalg").encode("latin-1")
TOSA_ADD = f"""\
func.func @f(%a: {T}, %b: {T}) -> {T} {{
  %r = tosa.add %a, %b : ({T}, {T}) -> {T}
  func.return %r : {T}
}}
"""
EXTRACT_SLICE = """\
func.func @f(%a: tensor<16xf32>) -> tensor<8xf32> {
  %r = tensor.extract_slice %a[0] [8] [1] : tensor<16xf32> to tensor<8xf32>
  func.return %r : tensor<8xf32>
}
"""
TENSOR_ARITH = MATMUL.replace(
    f"  func.return %r : {T}", f"  %s = arith.addf %r, %r : {T}\n  func.return %s : {T}"
)
CALL = f"""\
func.func @g(%a: {T}) -> {T} {{
  func.return %a : {T}
}}
func.func @f(%a: {T}) -> {T} {{
  %r = func.call @g(%a) : ({T}) -> {T}
  func.return %r : {T}
}}
"""
MEMREF_ARGUMENT = "func.func @f(%a: memref<16xf32>) {\n  func.return\n}\n"
SCALAR_ARGUMENT = "func.func @f(%a: f32) -> f32 {\n  func.return %a : f32\n}\n"
TWO_FUNCTIONS = MATMUL + MATMUL.replace("@f(", "@g(")
ONLY_A_CONSTANT = """\
func.func @f() -> (tensor<4xf32>, tensor<4xi32>) {
  %c = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %d = arith.constant dense<7> : tensor<4xi32>
  func.return %c, %d : tensor<4xf32>, tensor<4xi32>
}
"""
HUGE_SPLAT = (
    "func.func @f() -> tensor<65536x65536xf32> {\n"
    "  %c = arith.constant dense<1.0> : tensor<65536x65536xf32>\n"
    "  func.return %c : tensor<65536x65536xf32>\n}\n"
)
STRING_DENSE = """\
func.func @f() -> tensor<2xf32> {
  %c = arith.constant dense<"ab"> : tensor<2xf32>
  func.return %c : tensor<2xf32>
}
"""
BAD_AFFINE_MAP = _generic("    %y = arith.addf %x, %x : f32\n").replace(
    "#id = affine_map<(d0) -> (d0)>", "#id = affine_map<(d0) -> (d1)>"
)

M = "{d}/model.mlir"

MLIR_CASES = [
    opt(
        "fill without ins",
        FILL_WITHOUT_INS,
        [],
        1,
        f"{M}:3:3",
        "cannot parse this linalg.fill: xDSL's parser of it finds fewer operands",
    ),
    # t10-opt reads, verifies and passes; every located message names model.mlir:LINE:COL.
    opt("empty file is an empty module", "", [], 0, "builtin.module"),
    opt("comment-only file is an empty module", "// nothing here\n", [], 0, "builtin.module"),
    opt("not UTF-8", NOT_UTF8, [], 1, f"{M}:3:5: error: not UTF-8 text: byte 0xff"),
    opt("truncated", TRUNCATED, [], 1, f"{M}:3:"),
    opt(
        "undefined value at its use", UNDEFINED, [], 1, f"{M}:3:", "%nope is used but never defined"
    ),
    opt(
        "use before definition",
        USE_BEFORE_DEFINITION,
        [],
        1,
        f"{M}:2:",
        f"%e is used before its definition at {M}:3:3",
    ),
    opt(
        "use before definition in a body",
        USE_BEFORE_DEFINITION_IN_BODY,
        [],
        1,
        f"{M}:6:",
        "%z is used before its definition",
    ),
    opt(
        "result used in its own body", OWN_RESULT_IN_BODY, [], 1, "%r is used before its definition"
    ),
    opt("duplicate name", DUPLICATE, [], 1, f"{M}:2:", "SSA value %a is already defined"),
    opt("use with another type", WRONG_USE_TYPE, [], 1, f"{M}:3:", "tensor<16x8xf32>"),
    opt("unknown type", UNKNOWN_TYPE, [], 1, f"{M}:4:", "Expected shape type"),
    opt("wrong result type", WRONG_RESULT_TYPE, [], 1, f"{M}:4:3: error:"),
    opt("shapes disagree", SHAPES_DISAGREE, [], 1, f"{M}:3:3: error:"),
    opt("unregistered op", UNREGISTERED, [], 1, f"{M}:4:", "foo.bar"),
    opt(
        "no terminator",
        NO_TERMINATOR,
        [],
        1,
        f"{M}:2:3: error: Operation tensor.empty terminates block",
    ),
    opt("unbalanced braces", UNBALANCED, [], 1, f"{M}:"),
    opt(
        "dimension of 2^63",
        BIG_DIMENSION,
        [],
        1,
        f"{M}:1:25",
        "dimension 9223372036854775808 does not fit in 64 bits",
    ),
    opt(
        "2^64 elements",
        BIG_ELEMENT_COUNT,
        [],
        1,
        f"{M}:1:25",
        "a shape of 18446744073709551616 elements does not fit in 64 bits",
    ),
    opt("yield i32 into f32", YIELD_I32_INTO_F32, [], 1, f"{M}:4:3: error:", "i32", "f32"),
    opt("bad iterator type", BAD_ITERATOR, [], 1, f"{M}:", "sideways"),
    opt("indexing maps missing", MAPS_MISSING, [], 1, f"{M}:4:3: error:"),
    opt("affine map of an unknown dimension", BAD_AFFINE_MAP, [], 1, f"{M}:1:"),
    opt(
        "dense string into floats",
        STRING_DENSE,
        [],
        1,
        f"{M}:2:28",
        "Shape mismatch in dense literal",
    ),
    opt(
        "splat beyond what t10 holds",
        HUGE_SPLAT,
        [],
        1,
        f"{M}:2:",
        "larger than t10 holds in memory",
    ),
    opt(
        "dynamic shape compiled",
        DYNAMIC,
        ["-p", "t10-compile{chip=small-16}"],
        1,
        f"{M}:3:3: error: cannot plan",
        "dynamic",
    ),
    opt(
        "empty dimension compiled",
        EMPTY_DIMENSION,
        ["-p", "t10-compile{chip=small-16}"],
        1,
        f"{M}:3:3: error: cannot plan",
        "empty",
    ),
    opt(
        "complex compiled",
        COMPLEX,
        ["-p", "t10-compile{chip=small-16}"],
        1,
        f"{M}:3:3",
        "cannot parse this linalg.add: xDSL's parser of it does not take its operand types",
    ),
    opt(
        "tosa compiled",
        TOSA_ADD,
        ["-p", "t10-compile{chip=small-16}"],
        1,
        f"{M}:2:3: error: tosa.add cannot be planned",
    ),
    opt(
        "huge compiled",
        HUGE,
        ["-p", "t10-compile{chip=small-16}"],
        1,
        f"{M}:3:3: error: cannot plan linalg.add: no plan fits",
    ),
    opt(
        "use before definition compiled",
        USE_BEFORE_DEFINITION,
        ["-p", "t10-compile"],
        1,
        "%e is used before its definition",
    ),
    opt(
        "a constant compiled",
        ONLY_A_CONSTANT,
        ["-p", "t10-compile{chip=small-16}"],
        0,
        "tile.program",
    ),
    # Pass options: every number spelling; a bad value names its pass and option.
    *(
        opt(
            f"memory-fraction={value}",
            MATMUL,
            ["-p", f"t10-compile{{chip=small-16 memory-fraction={value}}}"],
            0,
            "tile.program",
        )
        for value in ("1", "5e-1", ".5", "0.75", "1.", "+1", "1E0")
    ),
    *(
        opt(
            f"memory-fraction={value}",
            MATMUL,
            ["-p", f"t10-compile{{memory-fraction={value}}}"],
            1,
            *messages,
        )
        for value, messages in (
            ("abc", ("t10-compile: option memory-fraction expects a number, got abc",)),
            ("nan", ("t10-compile: option memory-fraction expects a number, got nan",)),
            ("1.5", ("memory-fraction must be in (0, 1], got 1.5",)),
            ("0", ("memory-fraction must be in (0, 1], got 0.0",)),
            ("-1", ("memory-fraction must be in (0, 1], got -1.0",)),
            ("1,2", ("t10-compile: option memory-fraction expects a number, got 1,2",)),
        )
    ),
    opt(
        "memory-fraction without a value",
        MATMUL,
        ["-p", "t10-compile{memory-fraction}"],
        1,
        "option memory-fraction expects a number, got nothing",
    ),
    opt(
        "top-k not an integer",
        MATMUL,
        ["-p", "t10-partition{top-k=2.5}"],
        1,
        "t10-partition: option top-k expects an integer, got 2.5",
    ),
    opt("top-k of 1", MATMUL, ["-p", "t10-partition{top-k=1}"], 1, "top-k must be 0"),
    opt("top-k negative", MATMUL, ["-p", "t10-partition{top-k=-3}"], 1, "top-k must be 0"),
    opt(
        "to-tile not a boolean",
        MATMUL,
        ["-p", "t10-compile{to-tile=maybe}"],
        1,
        "t10-compile: option to-tile expects true or false, got maybe",
    ),
    opt(
        "unknown option",
        MATMUL,
        ["-p", "t10-compile{chips=small-16}"],
        1,
        "t10-compile: no option chips; its options are chip, memory-fraction",
    ),
    opt("unknown pass", MATMUL, ["-p", "t10-compiel"], 1, "Unrecognized passes: ['t10-compiel']"),
    opt("unclosed option list", MATMUL, ["-p", "t10-compile{chip=small-16"], 1, "t10-opt: error:"),
    opt(
        "unknown chip",
        MATMUL,
        ["-p", "t10-compile{chip=ipu-mk9}"],
        1,
        "unknown chip preset 'ipu-mk9'",
    ),
    opt(
        "chip named by a number",
        MATMUL,
        ["-p", "t10-compile{chip=16}"],
        1,
        "unknown chip preset '16'",
    ),
    opt(
        "unknown pipeline",
        MATMUL,
        ["-p", "t10-compile{pipeline=fast}"],
        1,
        "unknown pipeline 'fast'",
    ),
    # One chip per module.
    opt(
        "compiled twice for two chips",
        MATMUL,
        ["-p", "t10-compile{chip=small-16},t10-compile{chip=ipu-mk2}"],
        1,
        "the module is planned for chip 'small-16' (t10.chip), not 'ipu-mk2'",
    ),
    opt(
        "partitioned and selected for two chips",
        MATMUL,
        ["-p", "t10-partition{chip=small-16},t10-select-plans{chip=mesh-64}"],
        1,
        "t10-select-plans: the module is planned for chip 'small-16' (t10.chip), not 'mesh-64'",
    ),
    opt(
        "same chip by name and by file",
        MATMUL,
        [
            "-p",
            f't10-partition{{chip=small-16}},t10-select-plans{{chip="{PRESETS}/small-16.toml"}}',
        ],
        0,
        "t10.selection",
    ),
    opt("insert-shifts before planning", MATMUL, ["-p", "t10-insert-shifts"], 1, "t10.chip"),
    opt("lower-to-tile before planning", MATMUL, ["-p", "t10-lower-to-tile"], 1, "t10.chip"),
    # t10-run: the same broken files, compiled before any input is made.
    run("run: empty file", "", [], 2, f"{M} defines no function"),
    run("run: comment-only file", "// nothing\n", [], 2, f"{M} defines no function"),
    run("run: not UTF-8", NOT_UTF8, [], 2, f"{M}:3:5: error: not UTF-8 text"),
    run("run: truncated", TRUNCATED, [], 2, f"{M}:3:"),
    run("run: undefined value", UNDEFINED, [], 2, f"{M}:3:", "%nope is used but never defined"),
    run(
        "run: use before definition",
        USE_BEFORE_DEFINITION,
        [],
        2,
        f"{M}:2:",
        "%e is used before its definition",
    ),
    run("run: dimension of 2^63", BIG_DIMENSION, [], 2, f"{M}:1:25", "does not fit in 64 bits"),
    run("run: dynamic shape", DYNAMIC, [], 2, f"{M}:3:3: error: cannot plan", "dynamic"),
    run("run: empty dimension", EMPTY_DIMENSION, [], 2, f"{M}:3:3: error: cannot plan"),
    run(
        "run: huge model fails before making inputs",
        HUGE,
        [],
        2,
        f"{M}:3:3: error:",
        "no plan fits",
    ),
    run("run: complex", COMPLEX, [], 2, f"{M}:3:3", "cannot parse this linalg.add"),
    opt(
        "complex matmul compiled",
        COMPLEX_MATMUL,
        ["-p", "t10-compile{chip=small-16}"],
        1,
        f"{M}:3:3: error: cannot plan linalg.matmul: chip 'small-16'",
        "has no element type 'complex<f32>'",
    ),
    run("run: complex matmul", COMPLEX_MATMUL, [], 2, f"{M}:3:3: error: cannot plan linalg.matmul"),
    run("run: yield i32 into f32", YIELD_I32_INTO_F32, [], 2, f"{M}:4:3: error:"),
    run("run: tosa.add", TOSA_ADD, [], 2, f"{M}:2:3: error: tosa.add cannot be planned"),
    run(
        "run: tensor.extract_slice",
        EXTRACT_SLICE,
        [],
        2,
        f"{M}:2:3: error: tensor.extract_slice cannot be planned",
    ),
    run(
        "run: arith on tensors",
        TENSOR_ARITH,
        [],
        2,
        f"{M}:4:3: error: arith.addf reads the result of a planned operator",
    ),
    run(
        "run: a call",
        CALL,
        ["--function", "f"],
        2,
        f"{M}:5:3: error: func.call calls @g: t10 compiles one function, @f,",
        "and cannot follow calls; inline the callee first",
    ),
    run(
        "run: memref argument",
        MEMREF_ARGUMENT,
        [],
        2,
        "@f: argument 0 is memref<16xf32>, not a tensor",
    ),
    run("run: scalar argument", SCALAR_ARGUMENT, [], 2, "@f: argument 0 is f32, not a tensor"),
    run("run: two functions", TWO_FUNCTIONS, [], 2, f"{M} defines 2 functions (@f, @g)"),
    run("run: no such function", MATMUL, ["--function", "g"], 2, f"no function @g; {M} defines @f"),
    run("run: unregistered op", UNREGISTERED, [], 2, f"{M}:4:", "foo.bar"),
    run("run: wrong result type", WRONG_RESULT_TYPE, [], 2, f"{M}:4:3: error:"),
    run("run: only a constant", ONLY_A_CONSTANT, [], 0, "match: yes"),
    # t10-plan on files.
    plan("plan: empty file", "", 1, f"{M}: no structured operator to plan"),
    plan("plan: not UTF-8", NOT_UTF8, 1, f"{M}:3:5: error: not UTF-8 text"),
    plan("plan: undefined value", UNDEFINED, 1, f"{M}:3:", "%nope is used but never defined"),
    plan(
        "plan: use before definition", USE_BEFORE_DEFINITION, 1, "%e is used before its definition"
    ),
    plan("plan: dynamic shape", DYNAMIC, 1, f"{M}:3:3: cannot plan"),
    plan("plan: huge", HUGE, 1, f"{M}:3:3: cannot plan linalg.add: no plan fits"),
    plan("plan: wrong result type", WRONG_RESULT_TYPE, 1, f"{M}:4:3: error:"),
    plan("plan: dimension of 2^63", BIG_DIMENSION, 1, f"{M}:1:25"),
    plan("plan: truncated", TRUNCATED, 1, f"{M}:3:"),
]


def _npz(**arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # pyright: ignore[reportArgumentType]
    return buffer.getvalue()


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def _zip(**members: bytes) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def inputs(id: str, model: str, data: bytes, status: int, *messages: str) -> Case:
    """t10-run of ``model`` with ``--inputs inputs.npz`` holding ``data``."""
    return case(
        id,
        "t10-run",
        ["{d}/model.mlir", "--chip", "small-16", "--inputs", "{d}/inputs.npz"],
        status,
        *messages,
        files={"model.mlir": model, "inputs.npz": data},
    )


INPUTS = "--inputs {d}/inputs.npz"
INT_MODEL = _add("16", "i8")
BOOL_MODEL = _add("16", "i1").replace("linalg.add", "linalg.max")
F16_MODEL = _add("16", "f16")
BF16_MODEL = _add("16", "bf16")

RUN_OPTION_CASES = [
    run(
        "seed -1",
        MATMUL,
        ["--seed", "-1"],
        2,
        "Invalid value for '--seed': -1 is not in the range x>=0",
    ),
    run("seed not a number", MATMUL, ["--seed", "x"], 2, "Invalid value for '--seed'"),
    run(
        "memory fraction 0",
        MATMUL,
        ["--memory-fraction", "0"],
        2,
        "Invalid value for '--memory-fraction'",
    ),
    run(
        "memory fraction 2",
        MATMUL,
        ["--memory-fraction", "2"],
        2,
        "Invalid value for '--memory-fraction'",
    ),
    run(
        "memory fraction nan",
        MATMUL,
        ["--memory-fraction", "nan"],
        2,
        "memory-fraction must be in (0, 1], got nan",
    ),
    run("unknown pipeline", MATMUL, ["--pipeline", "fast"], 2, "Invalid value for '--pipeline'"),
    run("unknown chip", MATMUL, ["--chip", "ipu-mk9"], 2, "unknown chip preset 'ipu-mk9'"),
    run(
        "onnxruntime for MLIR",
        MATMUL,
        ["--reference", "onnxruntime"],
        2,
        "--reference onnxruntime runs the ONNX model",
    ),
    run(
        "--dim for MLIR", MATMUL, ["--dim", "N=4"], 2, "--dim sizes the dimensions of an ONNX model"
    ),
    case(
        "model missing",
        "t10-run",
        ["{d}/missing.mlir"],
        2,
        "{d}/missing.mlir: cannot read: No such file or directory",
    ),
    case("model a directory", "t10-run", ["{d}"], 2, "{d}: cannot read: Is a directory"),
    run(
        "inputs missing",
        MATMUL,
        ["--inputs", "{d}/none.npz"],
        2,
        "--inputs {d}/none.npz: cannot read: No such file or directory",
    ),
    inputs(
        "inputs not numpy", MATMUL, b"hello", 2, f"{INPUTS}: not an .npz archive of named arrays"
    ),
    inputs("inputs damaged zip", MATMUL, _npz(a=np.zeros((16, 16)))[:-30], 2, f"{INPUTS}:"),
    inputs(
        "inputs an .npy",
        MATMUL,
        _npy(np.zeros(3)),
        2,
        f"{INPUTS}: an .npy array, not an .npz archive",
    ),
    inputs(
        "inputs member not .npy",
        MATMUL,
        _zip(**{"a.txt": b"hello"}),
        2,
        f"{INPUTS}: member 'a.txt' is not an .npy array",
    ),
    inputs(
        "inputs member a broken .npy",
        MATMUL,
        _zip(**{"a.npy": b"\x93NUMPY garbage"}),
        2,
        f"{INPUTS}: cannot read 'a'",
    ),
    inputs("inputs an empty member", MATMUL, _zip(**{"a.npy": b""}), 2, f"{INPUTS}:", "'a'"),
    inputs(
        "inputs unknown name",
        MATMUL,
        _npz(c=np.zeros((16, 16), np.float32)),
        2,
        f"{INPUTS}: @f has no argument named 'c'; its arguments are a, b",
    ),
    inputs(
        "inputs wrong shape",
        MATMUL,
        _npz(a=np.zeros((16, 8), np.float32)),
        2,
        f"{INPUTS}: 'a' has shape (16, 8), but %a is tensor<16x16xf32>",
    ),
    inputs(
        "inputs complex into f32",
        MATMUL,
        _npz(a=np.ones((16, 16), np.complex64)),
        2,
        f"{INPUTS}: 'a' holds complex values (complex64), but tensor<16x16xf32> holds f32",
    ),
    inputs(
        "inputs real complex into f32",
        MATMUL,
        _npz(a=np.zeros((16, 16), np.complex128)),
        2,
        "the imaginary parts would be lost",
    ),
    inputs(
        "inputs strings",
        MATMUL,
        _npz(a=np.full((16, 16), "x")),
        2,
        f"{INPUTS}: 'a' holds <U1, not numbers",
    ),
    inputs(
        "inputs beyond f16",
        F16_MODEL,
        _npz(a=np.full(16, 1e5)),
        2,
        f"{INPUTS}: 'a' holds 100000.0 at [0], beyond the range of f16 (±65504):",
        "it would become infinite",
    ),
    inputs(
        "inputs beyond f16 in float32",
        F16_MODEL,
        _npz(b=np.arange(16, dtype=np.float32) * 5000),
        2,
        "holds 70000.0 at [14], beyond the range of f16",
    ),
    inputs(
        "inputs beyond bf16", BF16_MODEL, _npz(a=np.full(16, 1e300)), 2, "beyond the range of bf16"
    ),
    inputs(
        "inputs beyond f32", MATMUL, _npz(a=np.full((16, 16), 1e300)), 2, "beyond the range of f32"
    ),
    inputs(
        "inputs fraction into i8",
        INT_MODEL,
        _npz(a=np.full(16, 0.5)),
        2,
        f"{INPUTS}: 'a' holds 0.5 at [0], but tensor<16xi8> holds integers (i8)",
    ),
    inputs("inputs nan into i8", INT_MODEL, _npz(a=np.full(16, np.nan)), 2, "holds integers (i8)"),
    inputs(
        "inputs 300 into i8",
        INT_MODEL,
        _npz(a=np.full(16, 300)),
        2,
        f"{INPUTS}: 'a' holds 300 at [0], beyond the range of i8 [-128, 127]: it would wrap around",
    ),
    inputs(
        "inputs 2 into i1", BOOL_MODEL, _npz(a=np.full(16, 2)), 2, "holds booleans (i1): 0 or 1"
    ),
    inputs("inputs integral floats into i8", INT_MODEL, _npz(a=np.full(16, 3.0)), 0, "match: yes"),
    inputs("inputs near f16's largest", F16_MODEL, _npz(a=np.full(16, 65000.0)), 0, "match: yes"),
    run(
        "expected missing",
        MATMUL,
        ["--expected", "{d}/none.npz"],
        2,
        "--expected {d}/none.npz: cannot read",
    ),
    case(
        "expected wrong member",
        "t10-run",
        ["{d}/model.mlir", "--chip", "small-16", "--expected", "{d}/out.npz"],
        2,
        "--expected {d}/out.npz: has no 'result0' and an unknown 'x'",
        files={"model.mlir": MATMUL, "out.npz": _npz(x=np.zeros(3))},
    ),
    # Outputs are checked before any work.
    run(
        "trace into a missing directory",
        HUGE,
        ["--trace", "{d}/no/trace.json"],
        2,
        "--trace {d}/no/trace.json: cannot write: No such file or directory",
    ),
    run(
        "outputs a directory",
        HUGE,
        ["--outputs", "{d}"],
        2,
        "--outputs {d}: cannot write: Is a directory",
    ),
    run(
        "trace over the model",
        HUGE,
        ["--trace", "{d}/model.mlir"],
        2,
        "--trace {d}/model.mlir is the input model; write elsewhere",
    ),
    case(
        "outputs over the inputs",
        "t10-run",
        [
            "{d}/model.mlir",
            "--chip",
            "small-16",
            "--inputs",
            "{d}/in.npz",
            "--outputs",
            "{d}/in.npz",
        ],
        2,
        "--outputs {d}/in.npz is the --inputs file; write elsewhere",
        files={"model.mlir": MATMUL, "in.npz": _npz(a=np.zeros((16, 16), np.float32))},
    ),
    run(
        "trace and outputs one file",
        MATMUL,
        ["--trace", "{d}/x", "--outputs", "{d}/x"],
        2,
        "--trace and --outputs name the same file {d}/x",
    ),
    # Chip files.
    with_chip(
        "run: 10^12 cores",
        [],
        _chip(cores="cores = 1000000000000"),
        2,
        "{d}/chip.toml: cores: expected at most 1048576, found 1000000000000",
    ),
    with_chip(
        "run: 20-digit cores",
        [],
        _chip(cores="cores = 99999999999999999999"),
        2,
        "cores: expected at most 1048576, found 99999999999999999999",
    ),
    with_chip(
        "run: zero cores",
        [],
        _chip(cores="cores = 0"),
        2,
        "cores: expected a positive integer, found 0",
    ),
]

PLAN_OPTION_CASES = [
    case(f"plan --dims {dims}", "t10-plan", ["--op", op, "--dims", dims], 1, *messages)
    for op, dims, messages in (
        (
            "matmul",
            "99999999999999999999,4,4",
            ("--dims: 99999999999999999999 does not fit in 64 bits",),
        ),
        (
            "matmul",
            "1000000000,1000000000,1000000000",
            (
                "cannot plan linalg.matmul: its iteration space",
                "(1000000000 x 1000000000 x 1000000000)",
                "more than t10 plans",
            ),
        ),
        ("matmul", "0,4,4", ("--dims: '0' is not a positive integer",)),
        ("matmul", "-1,4,4", ("--dims: '-1' is not a positive integer",)),
        ("matmul", "4,x,4", ("--dims: 'x' is not a positive integer",)),
        ("matmul", "1e3,4,4", ("--dims: '1e3' is not a positive integer",)),
        ("matmul", "4,4", ("--dims: matmul takes 3 dims M,K,N, got 2",)),
        ("matmul", "", ("--dims: '' is not a positive integer",)),
        ("conv2d", "1,1,4,4,1,5,5", ("the 5x5 kernel is larger than the 4x4 image",)),
        ("elementwise", "4611686018427387904,4", ("--dims: a tensor of 4611686018427387904x4",)),
        (
            "elementwise",
            "100000000000,100000",
            ("cannot plan linalg.generic: its iteration space",),
        ),
        ("softmax", "1000000000000000000,16", ("--dims: a tensor of 1000000000000000000x16",)),
        ("softmax", "100000000000,100000", ("cannot plan linalg.softmax: its iteration space",)),
        ("gemm", "4,4,4", ("--op: unknown operator 'gemm'",)),
    )
] + [
    case(
        "plan unknown dtype",
        "t10-plan",
        ["--op", "matmul", "--dims", "8,8,8", "--dtype", "f8"],
        1,
        "--dtype: chip 'ipu-mk2' has no element type 'f8'",
    ),
    case(
        "plan unknown chip",
        "t10-plan",
        ["--op", "matmul", "--dims", "8,8,8", "--chip", "x"],
        1,
        "unknown chip preset 'x'",
    ),
    case(
        "plan file and op",
        "t10-plan",
        ["{d}/model.mlir", "--op", "matmul"],
        1,
        "give either FILE or --op/--dims/--dtype, not both",
        files={"model.mlir": MATMUL},
    ),
    case("plan nothing", "t10-plan", [], 1, "give FILE, or --op and --dims"),
    case(
        "plan missing file",
        "t10-plan",
        ["{d}/none.mlir"],
        1,
        "{d}/none.mlir: cannot read: No such file or directory",
    ),
    case("plan a directory", "t10-plan", ["{d}"], 1, "{d}: cannot read: Is a directory"),
    case(
        "plan on a 10^12-core chip",
        "t10-plan",
        ["--op", "matmul", "--dims", "8,8,8", "--chip", "{d}/chip.toml"],
        1,
        "cores: expected at most 1048576",
        files={"chip.toml": _chip(cores="cores = 1000000000000")},
    ),
]

CHIP_CASES = [
    chip_check(
        "chip sync of 1e308 cycles",
        _chip(cycles="cycles = 1e308"),
        "sync.cycles: expected at most 1e+06, found 1e+308",
    ),
    chip_check(
        "chip exchange of 1e300 cycles per byte",
        SMALL_CHIP.replace("cycles_per_byte = 0.28", "cycles_per_byte = 1e300"),
        "exchange.cycles_per_byte: expected at most 1e+06",
    ),
    chip_check(
        "chip clock of 1e-300 Hz",
        _chip(clock_hz="clock_hz = 1e-300"),
        "clock_hz: expected at least 1000, found 1e-300",
    ),
    chip_check(
        "chip clock of 1e15 Hz",
        _chip(clock_hz="clock_hz = 1e15"),
        "clock_hz: expected at most 1e+12, found 1000000000000000.0",
    ),
    chip_check(
        "chip 10^12 cores",
        _chip(cores="cores = 1000000000000"),
        "t10-chip: error: {d}/chip.toml: cores: expected at most 1048576, found 1000000000000",
    ),
    chip_check(
        "chip 20-digit cores",
        _chip(cores="cores = 99999999999999999999"),
        "cores: expected at most 1048576, found 99999999999999999999",
    ),
    chip_check(
        "chip zero cores", _chip(cores="cores = 0"), "cores: expected a positive integer, found 0"
    ),
    chip_check(
        "chip negative cores",
        _chip(cores="cores = -16"),
        "cores: expected a positive integer, found -16",
    ),
    chip_check(
        "chip cores as a string", _chip(cores='cores = "16"'), "cores: expected a positive integer"
    ),
    chip_check(
        "chip cores a float",
        _chip(cores="cores = 16.0"),
        "cores: expected a positive integer, found 16.0",
    ),
    chip_check(
        "chip cores a boolean", _chip(cores="cores = true"), "cores: expected a positive integer"
    ),
    chip_check("chip no cores", _chip(cores="# no cores"), "cores: missing required field"),
    chip_check(
        "chip SRAM of 2^30 KiB",
        _chip(sram_kib_per_core="sram_kib_per_core = 1073741824"),
        "sram_kib_per_core: expected at most 16777216",
    ),
    chip_check(
        "chip SRAM zero",
        _chip(sram_kib_per_core="sram_kib_per_core = 0"),
        "sram_kib_per_core: expected a positive integer",
    ),
    chip_check(
        "chip SRAM a float",
        _chip(sram_kib_per_core="sram_kib_per_core = 1e30"),
        "sram_kib_per_core: expected a positive integer, found 1e+30",
    ),
    chip_check(
        "chip threads of 2^40",
        _chip(worker_threads="worker_threads = 1099511627776"),
        "worker_threads: expected at most 2147483647",
    ),
    chip_check(
        "chip clock nan", _chip(clock_hz="clock_hz = nan"), "clock_hz: expected a positive number"
    ),
    chip_check(
        "chip clock inf", _chip(clock_hz="clock_hz = inf"), "clock_hz: expected a positive number"
    ),
    chip_check(
        "chip clock negative",
        _chip(clock_hz="clock_hz = -1.0"),
        "clock_hz: expected a positive number",
    ),
    chip_check("chip unknown field", SMALL_CHIP + "\nturbo = true\n", "turbo"),
    chip_check("chip not TOML", "cores = = 4\n", "{d}/chip.toml"),
    chip_check("chip not UTF-8", b'name = "\xff"\n', "{d}/chip.toml"),
    chip_check("chip empty", "", "{d}/chip.toml", "missing required field"),
    chip_check(
        "chip mesh of the wrong size",
        _chip(kind='kind = "mesh-2d"\nrows = 3\ncols = 3\nhop_latency_cycles = 1'),
        "rows * cols == cores = 16",
    ),
    chip_check(
        "chip no element types",
        re.sub(r"(?ms)^\[element_bytes\].*?^index = 8$", "[element_bytes]", SMALL_CHIP),
        "element_bytes: expected at least one dtype",
    ),
    chip_check(
        "chip element of 0 bytes",
        _chip(f16="f16 = 0"),
        "element_bytes.f16: expected a positive integer, found 0",
    ),
    case("chip check missing", "t10-chip", ["check", "{d}/none.toml"], 1, "{d}/none.toml"),
    case("chip check a directory", "t10-chip", ["check", "{d}"], 1, "{d}"),
    case("chip show unknown", "t10-chip", ["show", "ipu-mk9"], 1, "unknown chip preset 'ipu-mk9'"),
    case(
        "chip show 10^12 cores",
        "t10-chip",
        ["show", "{d}/chip.toml"],
        1,
        "cores: expected at most 1048576",
        files={"chip.toml": _chip(cores="cores = 1000000000000")},
    ),
    case("chip no command", "t10-chip", ["frobnicate"], 2, "No such command 'frobnicate'"),
]

BENCH_CASES = [
    case(
        "bench nothing fits",
        "t10-bench",
        ["{d}/model.mlir", "--chip", "small-16", "--no-onnx"],
        2,
        "t10-bench: error: nothing was measured:",
        "no pipeline (t10, replicate, vgm) fits the model on small-16",
        files={"model.mlir": HUGE},
    ),
    case(
        "bench nothing fits, one pipeline",
        "t10-bench",
        ["{d}/model.mlir", "--chip", "small-16", "--pipelines", "t10"],
        2,
        "nothing was measured: no pipeline (t10) fits the model",
        files={"model.mlir": HUGE},
    ),
    case(
        "bench unknown pipeline",
        "t10-bench",
        ["{d}/model.mlir", "--pipelines", "t10,fast"],
        2,
        "--pipelines 't10,fast': unknown pipeline 'fast'",
        files={"model.mlir": MATMUL},
    ),
    case(
        "bench no pipeline",
        "t10-bench",
        ["{d}/model.mlir", "--pipelines", ","],
        2,
        "--pipelines ',': unknown pipeline list",
        files={"model.mlir": MATMUL},
    ),
    case(
        "bench unknown chip",
        "t10-bench",
        ["{d}/model.mlir", "--chip", "x"],
        2,
        "unknown chip preset 'x'",
        files={"model.mlir": MATMUL},
    ),
    case("bench missing model", "t10-bench", ["{d}/none.mlir"], 2, "{d}/none.mlir"),
    case(
        "bench broken model",
        "t10-bench",
        ["{d}/model.mlir", "--chip", "small-16"],
        2,
        f"{M}:3:",
        "%nope is used but never defined",
        files={"model.mlir": UNDEFINED},
    ),
    case(
        "bench model not UTF-8",
        "t10-bench",
        ["{d}/model.mlir", "--chip", "small-16"],
        2,
        f"{M}:3:5: error: not UTF-8 text",
        files={"model.mlir": NOT_UTF8},
    ),
    case(
        "bench seed -1",
        "t10-bench",
        ["{d}/model.mlir", "--seed", "-1"],
        2,
        "Invalid value for '--seed'",
        files={"model.mlir": MATMUL},
    ),
    case(
        "bench memory fraction 0",
        "t10-bench",
        ["{d}/model.mlir", "--memory-fraction", "0"],
        2,
        "Invalid value for '--memory-fraction'",
        files={"model.mlir": MATMUL},
    ),
    case(
        "bench plots into a file",
        "t10-bench",
        ["{d}/model.mlir", "--plots", "{d}/model.mlir"],
        2,
        "--plots",
        files={"model.mlir": MATMUL},
    ),
    case("bench unknown ONNX model", "t10-bench", ["onnx:resnet"], 2, "onnx:resnet"),
    case(
        "bench 10^12-core chip",
        "t10-bench",
        ["{d}/model.mlir", "--chip", "{d}/chip.toml"],
        2,
        "cores: expected at most 1048576",
        files={"model.mlir": MATMUL, "chip.toml": _chip(cores="cores = 1000000000000")},
    ),
]

SNN_BENCH_CASES = [
    case(
        f"bench snn {' '.join(args)}",
        "t10-bench snn",
        [*args, "--chip", "small-16"],
        status,
        message,
    )
    for args, status, message in (
        (["--seed", "-1"], 2, "Invalid value for '--seed': -1 is not in the range x>=0"),
        (["--batch", "99999999999"], 2, "--batch 99999999999: at most 65536"),
        (["--timesteps", "99999999999"], 2, "--timesteps 99999999999: at most 65536"),
        (["--timesteps", "1"], 2, "--timesteps 1: need at least 2"),
        (["--batch", "0"], 2, "--batch 0: need at least 1 sample"),
        (["--activity", "nan"], 2, "--activity 'nan': nan is not in (0, 1]"),
        (["--cap-factor", "inf"], 2, "--cap-factor inf: must be positive and finite"),
        (["--learning-rate", "nan"], 2, "the learning rate must be finite and >= 0, got nan"),
        (["--sizes", "0,4"], 2, "--sizes '0,4': layer 0 has 0 neurons"),
    )
]

ONNX_CASES = [
    case(
        "import missing",
        "t10-import",
        ["{d}/none.onnx"],
        1,
        "{d}/none.onnx: cannot read: No such file or directory",
    ),
    case("import a directory", "t10-import", ["{d}"], 1, "{d}: a directory, not an ONNX model"),
    case(
        "import garbage",
        "t10-import",
        ["{d}/model.onnx"],
        1,
        "{d}/model.onnx: not an ONNX model",
        files={"model.onnx": b"\x08\x01garbage\xff\xff"},
    ),
    case(
        "import empty",
        "t10-import",
        ["{d}/model.onnx"],
        1,
        "{d}/model.onnx: not a valid ONNX model",
        files={"model.onnx": b""},
    ),
    case(
        "import -o into a missing directory",
        "t10-import",
        ["{d}/model.onnx", "-o", "{d}/no/x.mlir"],
        1,
        "-o {d}/no/x.mlir: cannot write: No such file or directory",
        files={"model.onnx": b""},
    ),
    case(
        "import -o over the model",
        "t10-import",
        ["{d}/model.onnx", "-o", "{d}/model.onnx"],
        1,
        "-o {d}/model.onnx is the input model; write elsewhere",
        files={"model.onnx": b"x"},
    ),
    case(
        "import --weights a directory",
        "t10-import",
        ["{d}/model.onnx", "--weights", "{d}"],
        1,
        "--weights {d}: cannot write: Is a directory",
        files={"model.onnx": b"x"},
    ),
    case(
        "import -o and --weights one file",
        "t10-import",
        ["{d}/model.onnx", "-o", "{d}/x", "--weights", "{d}/x"],
        1,
        "-o and --weights name the same file {d}/x",
        files={"model.onnx": b"x"},
    ),
    case(
        "import bad --dim",
        "t10-import",
        ["{d}/model.onnx", "--dim", "N"],
        2,
        "'N' is not NAME=SIZE with a positive SIZE",
        files={"model.onnx": b"x"},
    ),
    case(
        "import --dim zero",
        "t10-import",
        ["{d}/model.onnx", "--dim", "N=0"],
        2,
        "is not NAME=SIZE with a positive SIZE",
        files={"model.onnx": b"x"},
    ),
    case(
        "run an ONNX model that is garbage",
        "t10-run",
        ["{d}/model.onnx"],
        2,
        "{d}/model.onnx: not an ONNX model",
        files={"model.onnx": b"\x08\x01garbage\xff\xff"},
    ),
]

OUTPUT_CASES = [
    opt(
        "-o into a missing directory",
        MATMUL,
        ["-o", "{d}/no/out.mlir"],
        1,
        "t10-opt: error: -o {d}/no/out.mlir: cannot write: No such file or directory",
    ),
    opt(
        "-o a directory",
        MATMUL,
        ["-o", "{d}"],
        1,
        "t10-opt: error: -o {d}: cannot write: Is a directory",
    ),
    case(
        "input missing",
        "t10-opt",
        ["{d}/none.mlir"],
        1,
        "t10-opt: error: {d}/none.mlir: cannot read: No such file or directory",
    ),
    case(
        "input a directory",
        "t10-opt",
        ["{d}"],
        1,
        "t10-opt: error: {d}: cannot read: Is a directory",
    ),
]

CASES = [
    *MLIR_CASES,
    *RUN_OPTION_CASES,
    *PLAN_OPTION_CASES,
    *CHIP_CASES,
    *BENCH_CASES,
    *SNN_BENCH_CASES,
    *ONNX_CASES,
    *OUTPUT_CASES,
]


@dataclass(frozen=True)
class Outcome:
    status: int
    stderr: str
    stdout: str


def invoke(tool: str, args: Sequence[str]) -> Outcome:
    """Run ``tool`` in-process on ``args``; an exception escaping it fails the test with
    its traceback."""
    if tool == "t10-opt":
        stderr, stdout = io.StringIO(), io.StringIO()
        with redirect_stderr(stderr), redirect_stdout(stdout):
            status = t10_opt.main(list(args))
        return Outcome(status, stderr.getvalue(), stdout.getvalue())
    result = CliRunner().invoke(CLICK_COMMANDS[tool], list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Outcome(result.exit_code, result.stderr, result.stdout)


def _needs_onnx(tool_case: Case) -> bool:
    return tool_case.tool == "t10-import" or any(arg.endswith(".onnx") for arg in tool_case.args)


@pytest.mark.parametrize("tool_case", CASES, ids=[tool_case.id for tool_case in CASES])
def test_bad_input(tool_case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    if _needs_onnx(tool_case):
        pytest.importorskip("onnx", reason="needs the onnx extra: pip install -e '.[onnx]'")
    monkeypatch.delenv("T10_TRACEBACK", raising=False)
    for name, content in tool_case.files:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir() if path.is_file()}
    outcome = invoke(tool_case.tool, [arg.replace("{d}", str(tmp_path)) for arg in tool_case.args])
    output = outcome.stderr + outcome.stdout
    assert "Traceback" not in output
    assert outcome.status == tool_case.status, output
    for message in tool_case.messages:
        assert message.replace("{d}", str(tmp_path)) in output
    if tool_case.status != 0:
        # A failed command neither changes nor leaves behind a file.
        after = {path.name: path.read_bytes() for path in tmp_path.iterdir() if path.is_file()}
        assert after == before


def test_enough_cases_across_every_command():
    tools = {tool_case.tool for tool_case in CASES}
    assert tools == {
        "t10-opt",
        "t10-run",
        "t10-plan",
        "t10-chip",
        "t10-bench",
        "t10-bench snn",
        "t10-import",
    }
    assert len(CASES) >= 150


def _opt(*args: str | Path) -> Outcome:
    return invoke("t10-opt", [str(arg) for arg in args])


def test_output_may_be_the_input(tmp_path: Path):
    model = tmp_path / "model.mlir"
    model.write_text(MATMUL)
    outcome = _opt(model, "-o", model, "--print-op-generic")
    assert outcome.status == 0, outcome.stderr
    assert '"linalg.matmul"' in model.read_text()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["model.mlir"]


def test_failure_keeps_the_output_as_it_was(tmp_path: Path):
    model = tmp_path / "model.mlir"
    model.write_text(UNDEFINED)
    output = tmp_path / "out.mlir"
    output.write_text("previous\n")
    assert _opt(model, "-o", output).status == 1
    assert output.read_text() == "previous\n"
    # A failing input that is also the output is not truncated either.
    assert _opt(model, "-o", model).status == 1
    assert model.read_text() == UNDEFINED
    assert sorted(path.name for path in tmp_path.iterdir()) == ["model.mlir", "out.mlir"]


def test_a_pipe_is_written_in_place_and_kept(tmp_path: Path):
    model = tmp_path / "model.mlir"
    model.write_text(MATMUL)
    with fifo(tmp_path) as pipe:
        assert _opt(model, "-o", pipe.path).status == 0
        assert "linalg.matmul" in pipe.received().decode()
        assert pipe.is_still_a_pipe()
    # On an error the pipe is neither opened nor deleted.
    model.write_text(UNDEFINED)
    with fifo(tmp_path, "second") as pipe:
        assert _opt(model, "-o", pipe.path).status == 1
        assert pipe.is_still_a_pipe()


def test_a_symlink_keeps_pointing_at_its_written_target(tmp_path: Path):
    model = tmp_path / "model.mlir"
    model.write_text(MATMUL)
    target = tmp_path / "target.mlir"
    target.write_text("old\n")
    link = tmp_path / "link.mlir"
    link.symlink_to(target)
    assert _opt(model, "-o", link).status == 0
    assert link.is_symlink() and link.resolve() == target
    assert "linalg.matmul" in target.read_text()
    # A dangling link's target is created, as a shell redirection would.
    dangling = tmp_path / "dangling.mlir"
    dangling.symlink_to(tmp_path / "new.mlir")
    assert _opt(model, "-o", dangling).status == 0
    assert dangling.is_symlink() and "linalg.matmul" in (tmp_path / "new.mlir").read_text()


def test_a_hard_linked_output_stays_linked(tmp_path: Path):
    model = tmp_path / "model.mlir"
    model.write_text(MATMUL)
    output = tmp_path / "out.mlir"
    output.write_text("old\n")
    other_name = tmp_path / "other.mlir"
    os.link(output, other_name)
    assert _opt(model, "-o", output).status == 0
    assert other_name.read_text() == output.read_text() != "old\n"


def test_permissions_are_those_of_a_plain_write(tmp_path: Path):
    model = tmp_path / "model.mlir"
    model.write_text(MATMUL)
    replaced = tmp_path / "replaced.mlir"
    replaced.write_text("old\n")
    replaced.chmod(0o640)
    assert _opt(model, "-o", replaced).status == 0
    assert stat.S_IMODE(replaced.stat().st_mode) == 0o640
    previous = os.umask(0o027)
    try:
        created = tmp_path / "created.mlir"
        assert _opt(model, "-o", created).status == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE(created.stat().st_mode) == 0o640


def test_run_writes_trace_and_outputs_through_links_and_pipes(tmp_path: Path):
    model = tmp_path / "model.mlir"
    model.write_text(_add("16x16"))
    target = tmp_path / "trace.json"
    link = tmp_path / "link.json"
    link.symlink_to(target)
    with fifo(tmp_path) as pipe:
        outcome = invoke(
            "t10-run",
            [str(model), "--chip", "small-16", "--trace", str(link), "--outputs", str(pipe.path)],
        )
        assert outcome.status == 0, outcome.stderr
        with np.load(io.BytesIO(pipe.received())) as saved:
            assert saved["result0"].shape == (16, 16)
        assert pipe.is_still_a_pipe()
    assert link.is_symlink() and target.read_text().startswith("{")


@pytest.mark.parametrize(
    ("command", "status", "message"),
    [
        (["t10-opt", "{d}/model.mlir"], 1, "{d}/model.mlir:3:"),
        (["t10-run", "{d}/model.mlir", "--chip", "small-16"], 2, "{d}/model.mlir:3:"),
        (["t10-plan", "{d}/model.mlir"], 1, "{d}/model.mlir:3:"),
        (["t10-chip", "check", "{d}/model.mlir"], 1, "{d}/model.mlir"),
    ],
)
def test_as_a_subprocess(tmp_path: Path, command: list[str], status: int, message: str):
    (tmp_path / "model.mlir").write_text(UNDEFINED)
    executable = Path(sys.executable).parent / command[0]
    arguments = [argument.replace("{d}", str(tmp_path)) for argument in command[1:]]
    environment = {key: value for key, value in os.environ.items() if key != "T10_TRACEBACK"}
    finished = subprocess.run(
        [str(executable), *arguments], capture_output=True, text=True, env=environment, timeout=120
    )
    assert finished.returncode == status
    assert "Traceback" not in finished.stderr
    assert message.replace("{d}", str(tmp_path)) in finished.stderr
