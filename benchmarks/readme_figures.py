"""Check that what the README quotes from commands is what those commands print now.

Every ```console block of the README (``$ command`` lines, each followed by the output
it quotes) carries a marker, an HTML comment right before it, which GitHub does not
show::

    <!-- readme-check: CLASS [REASON]
    varies: REGEX
    not-run: N[,M...] REASON
    needs: PATH
    timeout: SECONDS
    setup:
    SHELL LINES, to the end of the comment
    -->

- ``CLASS`` is ``cheap`` (checked by ``tests/test_readme_figures.py``), ``benchmark``
  (minutes; checked with ``--all``) or ``illustrative`` (never run: its REASON says why,
  and the report lists it).
- ``varies: REGEX`` (repeatable): what differs from run to run (wall-clock seconds). In
  the quoted and the printed output alike, each match of REGEX (or, if it has groups,
  each group) is masked before comparing.
- ``not-run: N REASON``: the block's Nth command (from 1) is not run; its output is not
  quoted (``t10-chip show`` beside a quoted ``t10-chip list``). The report lists it.
- ``needs: PATH``: the block runs only if PATH exists (upstream's test files); otherwise
  the report lists it as not run, naming PATH.
- ``timeout``: seconds before the block is stopped (cheap 300, benchmark 7200).
- ``setup:``: shell lines run first, in the block's directory (the files a block uses,
  such as ``matmul.mlir``, written there).

Figures quoted in prose are checked by a marker holding commands of its own, right
before the paragraph that quotes them::

    <!-- readme-check: cheap
    $ t10-run examples/bert_base_layer.mlir --chip ipu-mk2 --pipeline vgm
    figure 116,185: \\((\\d+) cycles;
    -->

Each ``figure TEXT: REGEX`` line belongs to the command above it: TEXT must appear in
the paragraph, and REGEX's first group in the command's output must read the same
(commas aside).

Each block runs in a directory of its own that links the repository's top-level entries
(so ``examples/…`` and ``.venv/bin/python`` resolve) with this Python's ``bin`` first on
``PATH``; its commands run one after another in one shell, stdout and stderr together.
The quoted output must equal the printed one line by line, numbers exactly, with runs of
blanks read as one and absolute paths as their last component (``/work/main/examples/a
.mlir`` reads ``a.mlir``). A quoted line ``...`` (or ``…``) stands for any number of
printed lines, and a quoted line ending in `` ...`` for any line that starts with what
precedes it.

Exit status: 0 if everything run matches, 1 on a mismatch, 2 on a markup error (a block
without a marker, an unknown directive).
"""


# pyright: strict

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CLASSES = ("cheap", "benchmark", "illustrative")
TIMEOUTS = {"cheap": 300.0, "benchmark": 7200.0}
MARKER = "<!-- readme-check:"
GAPS = ("...", "…")
# An absolute path outside a word (``samples/s`` is none), up to its last component.
ABSOLUTE_PATH = re.compile(r"(?<![\w.~/-])/(?:[\w.+~-]+/)+")
MASK = "<varies>"
NUMBER = re.compile(r"\d[\d,.]*")
SEPARATOR = "@@readme-check command {}@@"


@dataclass(frozen=True)
class Quoted:
    """One line of output the README quotes, at its README line."""

    text: str
    line: int


@dataclass(frozen=True)
class Figure:
    """A figure the README quotes in prose, and the pattern finding it in an output."""

    text: str
    pattern: re.Pattern[str]
    line: int


@dataclass
class Command:
    """One ``$ command`` of a check and the output the README quotes for it."""

    text: str
    line: int
    quoted: list[Quoted] = field(default_factory=list[Quoted])
    figures: list[Figure] = field(default_factory=list[Figure])
    not_run: str | None = None
    """Why the command is not run, if it is not."""


@dataclass
class Check:
    """A marked console block, or a marker checking figures of the paragraph after it."""

    line: int
    """The README line of its marker."""
    kind: str
    reason: str = ""
    """Why an illustrative check is never run."""
    commands: list[Command] = field(default_factory=list[Command])
    varies: list[re.Pattern[str]] = field(default_factory=list[re.Pattern[str]])
    needs: list[str] = field(default_factory=list[str])
    setup: str = ""
    timeout: float | None = None
    prose: bool = False
    """Its commands are the marker's own, and only their figures are compared."""

    @property
    def run_commands(self) -> list[Command]:
        return [command for command in self.commands if command.not_run is None]

    @property
    def title(self) -> str:
        return "; ".join(command.text for command in self.run_commands) or (
            self.commands[0].text if self.commands else "(no command)"
        )

    def covers(self, line: int) -> bool:
        """Whether README line ``line`` is its marker or in its block."""
        last = max(
            [self.line]
            + [command.line for command in self.commands]
            + [quoted.line for command in self.commands for quoted in command.quoted]
        )
        return self.line <= line <= last + 1


@dataclass(frozen=True)
class Outcome:
    """What running one check found."""

    check: Check
    problems: list[str]
    """One entry per mismatch, each naming its README line."""
    seconds: float
    skipped: str | None = None
    """Why it did not run, if it did not (a ``needs`` path that is missing)."""


class MarkupError(Exception):
    """The README's markup cannot be read; the message names the line."""


def _pattern(text: str, line: int) -> re.Pattern[str]:
    try:
        return re.compile(text)
    except re.error as error:
        raise MarkupError(f"README.md:{line}: bad pattern {text!r}: {error}") from error


def _marker(lines: Sequence[str], start: int) -> tuple[Check, dict[int, str], int]:
    """The check of the marker opening at ``lines[start]``, the commands it marks as not
    run (by number from 1, with the reason) and the index of the line after it."""
    number = start + 1
    head = lines[start][len(MARKER) :]
    body: list[tuple[int, str]] = []
    end = start
    if "-->" in head:
        head = head[: head.index("-->")]
    else:
        end = start + 1
        while end < len(lines) and "-->" not in lines[end]:
            body.append((end + 1, lines[end]))
            end += 1
        if end == len(lines):
            raise MarkupError(f"README.md:{number}: the readme-check marker is never closed")
        if lines[end].strip() != "-->":
            raise MarkupError(f"README.md:{end + 1}: put a marker's closing --> on its own line")
    kind, _, reason = head.strip().partition(" ")
    if kind not in CLASSES:
        raise MarkupError(
            f"README.md:{number}: unknown class {kind!r}; classes are {', '.join(CLASSES)}"
        )
    if kind == "illustrative" and not reason.strip():
        raise MarkupError(f"README.md:{number}: an illustrative block needs its reason")
    check = Check(number, kind, reason.strip())
    not_run: dict[int, str] = {}
    for position, (line, text) in enumerate(body):
        if text.strip() == "setup:":
            check.setup = "".join(rest + "\n" for _, rest in body[position + 1 :])
            break
        if not text.strip():
            continue
        if text.startswith("$ "):
            check.commands.append(Command(text[2:].strip(), line))
            check.prose = True
            continue
        key, separator, value = text.partition(":")
        key, value = key.strip(), value.strip()
        if key.startswith("figure ") and separator:
            if not check.commands:
                raise MarkupError(f"README.md:{line}: a figure comes before any $ command")
            pattern = _pattern(value, line)
            if pattern.groups < 1:
                raise MarkupError(f"README.md:{line}: a figure's pattern needs a group")
            check.commands[-1].figures.append(Figure(key[len("figure ") :].strip(), pattern, line))
        elif key == "varies" and separator:
            check.varies.append(_pattern(value, line))
        elif key == "needs" and separator:
            check.needs.append(value)
        elif key == "timeout" and separator:
            try:
                check.timeout = float(value)
            except ValueError:
                raise MarkupError(
                    f"README.md:{line}: timeout expects seconds, got {value!r}"
                ) from None
        elif key == "not-run" and separator:
            numbers, _, why = value.partition(" ")
            if not why.strip() or not re.fullmatch(r"\d+(,\d+)*", numbers):
                raise MarkupError(
                    f"README.md:{line}: expected 'not-run: N[,M...] REASON', got {text.strip()!r}"
                )
            not_run.update((int(index), why.strip()) for index in numbers.split(","))
        else:
            raise MarkupError(
                f"README.md:{line}: unknown directive {text.strip()!r}; directives are "
                "varies:, not-run:, needs:, timeout:, setup:, $ COMMAND and figure TEXT:"
            )
    return check, not_run, end + 1


def _console_block(lines: Sequence[str], start: int, check: Check) -> int:
    """Read the console block whose fence is ``lines[start]`` into ``check``'s commands;
    the index of the line after its closing fence."""
    index = start + 1
    while index < len(lines) and not lines[index].startswith("```"):
        text = lines[index]
        if text.startswith("$ "):
            check.commands.append(Command(text[2:].strip(), index + 1))
        elif not check.commands:
            raise MarkupError(f"README.md:{index + 1}: output before any $ command")
        else:
            check.commands[-1].quoted.append(Quoted(text, index + 1))
        index += 1
    if index == len(lines):
        raise MarkupError(f"README.md:{start + 1}: the console block is never closed")
    return index + 1


def _paragraph(lines: Sequence[str], start: int) -> str:
    """The lines from ``start`` to the next blank line, joined by spaces."""
    end = start
    while end < len(lines) and lines[end].strip():
        end += 1
    return " ".join(lines[start:end])


def parse(text: str) -> tuple[list[Check], list[str]]:
    """The README's checks, in order, and its markup errors."""
    lines = text.splitlines()
    checks: list[Check] = []
    errors: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        try:
            if line.startswith(MARKER):
                check, not_run, index = _marker(lines, index)
                if check.prose:
                    _attach_prose(check, not_run, lines, index)
                else:
                    index = _attach_block(check, not_run, lines, index)
                checks.append(check)
                continue
            if line.strip() == "```console":
                raise MarkupError(
                    f"README.md:{index + 1}: a console block without a readme-check marker"
                )
        except MarkupError as error:
            errors.append(str(error))
        if line.startswith("```"):
            # Skip the fenced block, so that nothing inside it is read as markup.
            index += 1
            while index < len(lines) and not lines[index].startswith("```"):
                index += 1
        index += 1
    return checks, errors


def _attach_prose(check: Check, not_run: dict[int, str], lines: Sequence[str], index: int) -> None:
    if not_run:
        raise MarkupError(f"README.md:{check.line}: not-run applies to a console block's commands")
    paragraph = _paragraph(lines, index)
    for command in check.commands:
        if not command.figures:
            raise MarkupError(f"README.md:{command.line}: a prose check's command needs a figure")
        for figure in command.figures:
            if figure.text not in paragraph:
                raise MarkupError(
                    f"README.md:{figure.line}: the paragraph after the marker does not quote "
                    f"{figure.text!r}"
                )


def _attach_block(check: Check, not_run: dict[int, str], lines: Sequence[str], index: int) -> int:
    fence = index
    while fence < len(lines) and not lines[fence].strip():
        fence += 1
    if fence == len(lines) or lines[fence].strip() != "```console":
        raise MarkupError(
            f"README.md:{check.line}: the marker is followed by neither a console block nor "
            "commands of its own"
        )
    after = _console_block(lines, fence, check)
    for number, why in not_run.items():
        if not 1 <= number <= len(check.commands):
            raise MarkupError(
                f"README.md:{check.line}: not-run {number}: the block has "
                f"{len(check.commands)} commands"
            )
        check.commands[number - 1].not_run = why
    return after


def normalise(text: str, varies: Iterable[re.Pattern[str]]) -> str:
    """``text`` as compared: what varies masked, absolute paths cut to their last
    component, runs of blanks read as one."""
    for pattern in varies:
        text = _mask(pattern, text)
    text = ABSOLUTE_PATH.sub("", text)
    return " ".join(text.split())


def _mask(pattern: re.Pattern[str], text: str) -> str:
    def masked(match: re.Match[str]) -> str:
        if not pattern.groups:
            return MASK
        whole = match.group(0)
        start = match.start()
        pieces: list[str] = []
        cursor = 0
        for group in range(1, pattern.groups + 1):
            if match.start(group) < 0:
                continue
            pieces.append(whole[cursor : match.start(group) - start] + MASK)
            cursor = match.end(group) - start
        return "".join(pieces) + whole[cursor:]

    return pattern.sub(masked, text)


def line_matches(quoted: str, printed: str, varies: Sequence[re.Pattern[str]]) -> bool:
    """Whether a printed line is what a quoted line says (``quoted`` may end in `` ...``:
    then any line starting with what precedes it)."""
    want = normalise(quoted, varies)
    got = normalise(printed, varies)
    for gap in GAPS:
        if want.endswith(" " + gap):
            prefix = want[: -len(gap)].rstrip()
            return got == prefix or got.startswith(prefix + " ")
    return want == got


def _is_gap(quoted: Quoted) -> bool:
    return quoted.text.strip() in GAPS


def _trim(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def compare(command: Command, printed: list[str], varies: Sequence[re.Pattern[str]]) -> list[str]:
    """Where ``printed`` differs from what the README quotes of ``command``'s output."""
    quoted = list(command.quoted)
    while quoted and not quoted[-1].text.strip():
        quoted.pop()
    printed = _trim(printed)
    segments: list[list[Quoted]] = [[]]
    for line in quoted:
        if _is_gap(line):
            segments.append([])
        else:
            segments[-1].append(line)
    open_start = bool(quoted) and _is_gap(quoted[0])
    open_end = bool(quoted) and _is_gap(quoted[-1])
    problems: list[str] = []
    cursor = 0
    for position, segment in enumerate(segments):
        if not segment:
            continue
        first = position == 0 and not open_start
        last = position == len(segments) - 1 and not open_end
        if first:
            anchor: int | None = 0
        elif last:
            anchor = len(printed) - len(segment)
        else:
            anchor = _find(segment, printed, cursor, varies)
        if anchor is None or anchor < cursor:
            problems.append(
                f"README.md:{segment[0].line}: not printed (with the {len(segment) - 1} quoted "
                f"lines after it): {segment[0].text.strip()}"
            )
            continue
        for offset, line in enumerate(segment):
            at = anchor + offset
            if at >= len(printed):
                problems.append(
                    f"README.md:{line.line}: the output ends before this quoted line: "
                    f"{line.text.strip()}"
                )
                break
            if not line_matches(line.text, printed[at], varies):
                problems.append(
                    f"README.md:{line.line}:\n      quoted: {line.text.strip()}\n"
                    f"      prints: {printed[at].strip()}"
                )
        cursor = anchor + len(segment)
    if not open_end and cursor < len(printed):
        where = quoted[-1].line if quoted else command.line
        problems.append(
            f"README.md:{where}: the output goes on for {len(printed) - cursor} lines the README "
            f"does not quote: {printed[cursor].strip()}"
        )
    for figure in command.figures:
        problems.extend(_figure_problems(figure, command, printed))
    return problems


def _find(
    segment: Sequence[Quoted], printed: Sequence[str], start: int, varies: Sequence[re.Pattern[str]]
) -> int | None:
    """Where ``segment`` is printed from ``start`` on: the first place it matches whole,
    else the first place its first line matches, numbers aside, else None."""
    width = len(segment)
    places = range(start, len(printed) - width + 1)
    for at in places:
        if all(line_matches(q.text, printed[at + k], varies) for k, q in enumerate(segment)):
            return at
    numbers = [*varies, NUMBER]
    for at in places:
        if line_matches(segment[0].text, printed[at], numbers):
            return at
    return None


def _digits(text: str) -> str:
    return re.sub(r"[,\s\u202f\u2009]", "", text)


def _figure_problems(figure: Figure, command: Command, printed: Sequence[str]) -> list[str]:
    found = figure.pattern.search("\n".join(printed))
    if found is None:
        return [
            f"README.md:{figure.line}: `{command.text}` prints nothing matching "
            f"{figure.pattern.pattern!r} (the README quotes {figure.text})"
        ]
    if _digits(found.group(1)) != _digits(figure.text):
        return [
            f"README.md:{figure.line}: the README quotes {figure.text}; `{command.text}` "
            f"prints {found.group(1)}"
        ]
    return []


def script(commands: Sequence[Command]) -> str:
    """A bash script running ``commands`` in order, each one's output after a separator
    line, each seeing the previous one's exit status in ``$?``."""
    lines = ["status=0"]
    for index, command in enumerate(commands):
        lines += [
            f"printf '\\n%s\\n' '{SEPARATOR.format(index)}'",
            "(exit $status)",
            command.text,
            "status=$?",
        ]
    return "\n".join(lines) + "\n"


def split_outputs(output: str, count: int) -> list[list[str]]:
    """Each command's output lines from the output of :func:`script`."""
    outputs: list[list[str]] = [[] for _ in range(count)]
    current: list[str] | None = None
    separators = {SEPARATOR.format(index): index for index in range(count)}
    for line in output.splitlines():
        if line in separators:
            current = outputs[separators[line]]
        elif current is not None:
            current.append(line)
    return outputs


def _environment() -> dict[str, str]:
    environment = {
        name: value for name, value in os.environ.items() if name not in ("T10_TRACEBACK",)
    }
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment.get('PATH', '')}"
    return environment


def _run_shell(text: str, directory: Path, timeout: float) -> tuple[str, int | None]:
    """Run ``text`` with bash in ``directory``: its output (stdout and stderr together)
    and its exit status, None if it ran past ``timeout`` seconds and was stopped."""
    with subprocess.Popen(
        ["bash", "-c", text],
        cwd=directory,
        env=_environment(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    ) as process:
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            # The whole session: the commands bash started hold the pipe open too.
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            return output.decode(errors="replace"), None
    return output.decode(errors="replace"), process.returncode


@dataclass
class _Shared:
    """A prose check's command, run once for every check that runs it after the same setup."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    result: tuple[str, int | None] | None = None


_shared_lock = threading.Lock()
_shared: dict[tuple[str, str], _Shared] = {}


def _shared_run(
    setup: str, command: str, directory: Path, timeout: float
) -> tuple[str, int | None]:
    """:func:`_run_shell` of ``command``, or its output for an earlier check with the same
    setup (prose checks quote the same run in several places)."""
    with _shared_lock:
        entry = _shared.setdefault((setup, command), _Shared())
    with entry.lock:
        if entry.result is None:
            entry.result = _run_shell(command, directory, timeout)
        return entry.result


def run_check(check: Check, root: Path = ROOT) -> Outcome:
    """Run ``check``'s commands in a directory of their own and compare."""
    missing = [path for path in check.needs if not Path(path).exists()]
    if missing:
        return Outcome(check, [], 0.0, skipped=f"needs {', '.join(missing)}")
    start = time.perf_counter()
    timeout = check.timeout or TIMEOUTS[check.kind]
    commands = check.run_commands
    with tempfile.TemporaryDirectory(prefix="t10-readme-") as name:
        directory = Path(name)
        for entry in root.iterdir():
            if entry.name != ".git":
                (directory / entry.name).symlink_to(entry)
        if check.setup:
            output, status = _run_shell("set -e\n" + check.setup, directory, timeout)
            if status != 0:
                return Outcome(
                    check,
                    [f"README.md:{check.line}: the setup failed (status {status}):\n{output}"],
                    time.perf_counter() - start,
                )
        if check.prose:
            runs = [_shared_run(check.setup, c.text, directory, timeout) for c in commands]
            finished = all(status is not None for _, status in runs)
            outputs = [output.splitlines() for output, _ in runs]
        else:
            output, status = _run_shell(script(commands), directory, timeout)
            finished = status is not None
            outputs = split_outputs(output, len(commands))
    seconds = time.perf_counter() - start
    if not finished:
        return Outcome(check, [f"README.md:{check.line}: stopped after {timeout:g} s"], seconds)
    problems: list[str] = []
    for command, printed in zip(commands, outputs, strict=True):
        if check.prose:
            for figure in command.figures:
                problems.extend(_figure_problems(figure, command, printed))
        else:
            problems.extend(compare(command, printed, check.varies))
    return Outcome(check, problems, seconds)


def select(checks: Sequence[Check], every: bool, lines: Sequence[int]) -> list[Check]:
    """The checks to run: those covering ``lines`` if any are given, else the cheap ones
    and, with ``every``, the benchmarks."""
    if lines:
        return [
            check
            for check in checks
            if check.kind != "illustrative" and any(check.covers(line) for line in lines)
        ]
    kinds = ("cheap", "benchmark") if every else ("cheap",)
    return [check for check in checks if check.kind in kinds]


def not_run_lines(checks: Sequence[Check], every: bool) -> list[str]:
    """What is never run, and why: illustrative blocks, commands marked not-run, and
    (without ``every``) the benchmarks."""
    lines: list[str] = []
    for check in checks:
        if check.kind == "illustrative":
            lines.append(f"  README.md:{check.line} illustrative ({check.reason}): {check.title}")
        for command in check.commands:
            if command.not_run is not None:
                lines.append(
                    f"  README.md:{command.line} not run ({command.not_run}): {command.text}"
                )
        if check.kind == "benchmark" and not every:
            lines.append(f"  README.md:{check.line} benchmark (run with --all): {check.title}")
    return lines


def main(arguments: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run the commands the README quotes and compare their output with it."
    )
    parser.add_argument("--all", action="store_true", help="also run the benchmark blocks")
    parser.add_argument(
        "--line",
        type=int,
        action="append",
        default=[],
        help="run only the check whose marker or block holds this README line (repeatable)",
    )
    parser.add_argument("--list", action="store_true", help="list the checks and run nothing")
    parser.add_argument("--jobs", type=int, default=1, help="checks run at once (default 1)")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md", help="the README")
    options = parser.parse_args(arguments)
    if options.jobs < 1:
        parser.error("--jobs takes a positive number")
    checks, errors = parse(options.readme.read_text())
    if errors:
        print("\n".join(errors))
        return 2
    if options.list:
        for check in checks:
            print(f"README.md:{check.line} {check.kind:12} {check.title}")
        return 0
    selected = select(checks, options.all, options.line)
    mismatches = 0
    skipped: list[str] = []
    with ThreadPoolExecutor(max_workers=options.jobs) as pool:
        for outcome in pool.map(run_check, selected):
            check = outcome.check
            if outcome.skipped is not None:
                skipped.append(
                    f"  README.md:{check.line} not run ({outcome.skipped}): {check.title}"
                )
                continue
            status = "MISMATCH" if outcome.problems else "ok"
            mismatches += bool(outcome.problems)
            print(f"README.md:{check.line} {status} ({outcome.seconds:.1f} s): {check.title}")
            for problem in outcome.problems:
                print(f"  {problem}")
            sys.stdout.flush()
    never = not_run_lines(checks, options.all or bool(options.line))
    if never or skipped:
        print("not run:")
        print("\n".join(never + skipped))
    ran = len(selected) - len(skipped)
    print(f"{ran - mismatches} of {ran} checks match the README, {mismatches} differ")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
