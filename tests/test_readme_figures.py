"""The README's quoted command output is what the commands print now
(``benchmarks/readme_figures.py``), and the checker itself finds what has drifted."""

# pyright: strict

import importlib.util
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_checker() -> ModuleType:
    path = ROOT / "benchmarks" / "readme_figures.py"
    spec = importlib.util.spec_from_file_location("readme_figures", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the class is built.
    sys.modules["readme_figures"] = module
    spec.loader.exec_module(module)
    return module


checker: Any = _load_checker()


def _command(output: str, first_line: int = 2) -> Any:
    """A command quoting ``output``, its first line at README line ``first_line``."""
    command = checker.Command("tool", first_line - 1)
    for offset, text in enumerate(output.splitlines()):
        command.quoted.append(checker.Quoted(text, first_line + offset))
    return command


def _compare(quoted: str, printed: str, *varies: str) -> list[str]:
    patterns = [re.compile(pattern) for pattern in varies]
    return checker.compare(_command(quoted), printed.splitlines(), patterns)


TABLE = """\
op      cycles  predicted
conv0     6868       6986
total    34295      34418
seconds: compile 0.99, simulate 0.15"""


def test_identical_output_matches_and_blanks_are_read_as_one() -> None:
    assert _compare(TABLE, TABLE) == []
    assert _compare(TABLE, TABLE.replace("    6868", "  6868")) == []


def test_a_changed_number_is_reported_at_its_readme_line() -> None:
    (problem,) = _compare(TABLE, TABLE.replace("34295", "34296"), r"^seconds: (.*)")
    assert problem.startswith("README.md:4:")
    assert "quoted: total    34295      34418" in problem
    assert "prints: total    34296      34418" in problem


def test_what_varies_is_masked_and_nothing_else() -> None:
    later = TABLE.replace("0.99", "1.37").replace("0.15", "0.2")
    assert _compare(TABLE, later, r"^seconds: (.*)") == []
    assert len(_compare(TABLE, later)) == 1
    # Only the groups are masked: the rest of a varying line is still compared.
    partly = r"compile (\S+),"
    assert _compare(TABLE, TABLE.replace("0.99", "2.5"), partly) == []
    assert len(_compare(TABLE, TABLE.replace("0.15", "0.2"), partly)) == 1


def test_absolute_paths_read_as_their_last_component() -> None:
    quoted = "/work/main/examples/opt.mlir:231:5: error: no plan fits"
    assert _compare(quoted, "/tmp/t10-readme-x1/examples/opt.mlir:231:5: error: no plan fits") == []
    assert len(_compare(quoted, "/tmp/examples/gpt.mlir:231:5: error: no plan fits")) == 1
    assert _compare("samples/s 12", "samples/s 12") == []


def test_an_ellipsis_line_stands_for_any_lines() -> None:
    quoted = "head\n...\ntotal 5\n…"
    assert _compare(quoted, "head\na\nb\ntotal 5\nseconds") == []
    assert _compare(quoted, "head\ntotal 5") == []
    (problem,) = _compare(quoted, "head\na\ntotal 6\nseconds")
    assert problem.startswith("README.md:4:") and "prints: total 6" in problem


def test_a_line_ending_in_an_ellipsis_is_a_prefix() -> None:
    quoted = "activity  cap  sparse  ...\n     0.1  0.2  13,528  ..."
    assert _compare(quoted, "activity  cap  sparse  dense\n     0.1  0.2  13,528  8,722") == []
    assert len(_compare(quoted, "activity  cap  sparse  dense\n     0.1  0.2  13,5289  8")) == 1


def test_missing_and_extra_lines_are_reported() -> None:
    (missing,) = _compare("a\nb\nc", "a\nb")
    assert missing.startswith("README.md:4:") and "ends before" in missing
    (extra,) = _compare("a\nb", "a\nb\nc")
    assert "goes on for 1 lines" in extra and extra.endswith(": c")
    (unquoted,) = _compare("", "something")
    assert "goes on" in unquoted


README_TEMPLATE = """\
# A README

<!-- readme-check: cheap
varies: in (\\S+) s
-->
```console
$ printf 'fast: 1234 cycles in 0.5 s\\n'
fast: {figure} cycles in 9.9 s
$ (exit 3)
$ echo $?
3
```

<!-- readme-check: cheap
$ printf 'time: 8 us (110195 cycles; predicted 1)\\n'
figure {prose}: \\((\\d+) cycles;
-->
The layer takes {prose} cycles.
"""


def _readme(tmp_path: Path, figure: str = "1234", prose: str = "110,195") -> Path:
    path = tmp_path / "README.md"
    path.write_text(README_TEMPLATE.format(figure=figure, prose=prose))
    return path


def _main(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str]:
    status = checker.main(list(arguments))
    return status, capsys.readouterr().out


def test_a_readme_that_matches_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = _main(capsys, "--readme", str(_readme(tmp_path)))
    assert status == 0, out
    assert "2 of 2 checks match the README, 0 differ" in out


def test_a_drifted_block_figure_fails_naming_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = _main(capsys, "--readme", str(_readme(tmp_path, figure="1235")))
    assert status == 1
    assert "README.md:3 MISMATCH" in out
    assert "README.md:8:" in out and "prints: fast: 1234 cycles" in out


def test_a_drifted_prose_figure_fails_naming_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = _main(capsys, "--readme", str(_readme(tmp_path, prose="116,185")))
    assert status == 1
    assert "README.md:16: the README quotes 116,185;" in out
    assert "prints 110195" in out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("```console\n$ true\n```\n", "README.md:1: a console block without a readme-check marker"),
        ("<!-- readme-check: quick -->\n```console\n$ true\n```\n", "unknown class 'quick'"),
        ("<!-- readme-check: illustrative -->\n```console\n$ true\n```\n", "needs its reason"),
        ("<!-- readme-check: cheap\nvaries (x)\n-->\n```console\n$ true\n```\n", "README.md:2:"),
        (
            "<!-- readme-check: cheap\nnot-run: 2 not quoted\n-->\n```console\n$ true\n```\n",
            "not-run 2: the block has 1 commands",
        ),
        ("<!-- readme-check: cheap\n$ true\nfigure 12: (\\d+)\n-->\nNo figure.\n", "quote '12'"),
        ("<!-- readme-check: cheap -->\nSome prose.\n", "neither a console block"),
        ("<!-- readme-check: cheap\n", "never closed"),
    ],
)
def test_markup_errors_name_their_line(
    text: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "README.md"
    path.write_text(text)
    status, out = _main(capsys, "--readme", str(path))
    assert status == 2
    assert message in out


def test_every_console_block_of_the_readme_is_marked() -> None:
    text = (ROOT / "README.md").read_text()
    checks, errors = checker.parse(text)
    assert errors == []
    blocks = [check for check in checks if not check.prose]
    assert len(blocks) == text.count("\n```console\n")
    assert all(check.commands for check in checks)


def test_what_is_not_run_is_listed() -> None:
    checks, _ = checker.parse((ROOT / "README.md").read_text())
    listed = "\n".join(checker.not_run_lines(checks, False))
    for check in checks:
        if check.kind in ("benchmark", "illustrative"):
            assert f"README.md:{check.line} " in listed
        for command in check.commands:
            if command.not_run is not None:
                assert f"README.md:{command.line} not run" in listed


def test_the_readme_s_cheap_blocks_print_what_it_quotes() -> None:
    checks, errors = checker.parse((ROOT / "README.md").read_text())
    assert errors == []
    cheap = checker.select(checks, False, [])
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(checker.run_check, cheap))
    problems = [problem for outcome in outcomes for problem in outcome.problems]
    assert not problems, (
        "the README quotes output its commands no longer print:\n"
        + "\n".join(problems)
        + "\nIf the change is deliberate, update the README with what the commands print "
        "(`python benchmarks/readme_figures.py --line N` reruns one block)."
    )
