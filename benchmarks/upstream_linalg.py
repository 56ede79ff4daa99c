"""How much of upstream MLIR's linalg test text t10 reads, prints and reads back.

Each ``.mlir`` file given (directories are searched for ``*.mlir``) is split on
``// -----`` lines, as ``mlir-opt --split-input-file`` splits it. Upstream's
``iree-opt`` (an ``mlir-opt`` of LLVM 24, from the ``onnx`` extra) says which
chunks it accepts. Each chunk is then parsed and verified by t10 in this
process, through the context ``t10-opt`` builds, printed in custom and in
generic form, and both printings are parsed again by t10 (a round trip holds
when each reprints to the custom text first printed) and by ``iree-opt``.

    .venv/bin/python benchmarks/upstream_linalg.py /tmp/upstream-linalg [--json] [--list-failures]

Per file and in total it reports: chunks upstream accepts, of those the ones
t10 parses, round-trips, and whose printing upstream parses back; Python
tracebacks (any exception other than a parse or verifier diagnostic: there
must be none); and chunks upstream rejects that t10 accepts. ``iree-opt`` runs
once per file and form, on all chunks at once, since each start costs most of
a second.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

SPLIT_MARKER = re.compile(r"^// -----", re.MULTILINE)
DIAGNOSTIC_LINE = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):\d+: error: ", re.MULTILINE)


@dataclass
class Chunk:
    """One ``// -----`` piece of a test file and what each tool made of it."""

    file: str
    index: int
    first_line: int
    text: str
    upstream_accepts: bool = False
    upstream_error: str = ""
    t10_parses: bool = False
    t10_error: str = ""
    traceback: str = ""
    round_trips: bool = False
    round_trip_error: str = ""
    custom_text: str = ""
    generic_text: str = ""
    upstream_reads_custom: bool = False
    upstream_reads_generic: bool = False
    upstream_print_error: str = ""


@dataclass
class Totals:
    chunks: int = 0
    upstream_accepts: int = 0
    t10_parses: int = 0
    round_trips: int = 0
    upstream_reads_printed: int = 0
    tracebacks: int = 0
    upstream_rejects_t10_accepts: int = 0
    rejected_chunks_accepted: list[str] = field(default_factory=list[str])

    def add(self, chunk: Chunk) -> None:
        self.chunks += 1
        self.tracebacks += bool(chunk.traceback)
        if chunk.upstream_accepts:
            self.upstream_accepts += 1
            self.t10_parses += chunk.t10_parses
            self.round_trips += chunk.round_trips
            self.upstream_reads_printed += (
                chunk.upstream_reads_custom and chunk.upstream_reads_generic
            )
        elif chunk.t10_parses:
            self.upstream_rejects_t10_accepts += 1
            self.rejected_chunks_accepted.append(chunk_name(chunk))


def chunk_name(chunk: Chunk) -> str:
    return f"{chunk.file}:{chunk.first_line} (chunk {chunk.index})"


def split_chunks(path: Path) -> list[Chunk]:
    """The chunks of ``path`` with the 1-based line each starts on."""
    content = path.read_text()
    chunks: list[Chunk] = []
    start = 0
    for index, marker in enumerate([*SPLIT_MARKER.finditer(content), None]):
        end = len(content) if marker is None else marker.start()
        text = content[start:end]
        first_line = content.count("\n", 0, start) + 1
        chunks.append(Chunk(path.name, index, first_line, text))
        if marker is not None:
            line_end = content.find("\n", marker.end())
            start = len(content) if line_end == -1 else line_end + 1
    return chunks


def upstream_errors(iree_opt: str, texts: Sequence[str]) -> list[str]:
    """For each text, the first error ``iree-opt`` reports on it ('' if none).

    All texts go to one ``--split-input-file`` run; an error is attributed to
    the text holding the line it points at.
    """
    starts: list[int] = []
    line = 1
    pieces: list[str] = []
    for text in texts:
        body = text if text.endswith("\n") else text + "\n"
        starts.append(line)
        pieces.append(body)
        line += body.count("\n") + 1
    with tempfile.NamedTemporaryFile("w", suffix=".mlir", delete=False) as handle:
        handle.write("// -----\n".join(pieces))
        name = handle.name
    try:
        completed = subprocess.run(
            [iree_opt, "--split-input-file", name, "-o", os.devnull],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        os.unlink(name)
    errors = [""] * len(texts)
    for match in DIAGNOSTIC_LINE.finditer(completed.stderr):
        error_line = int(match.group("line"))
        owner = max(i for i, start in enumerate(starts) if start <= error_line)
        if not errors[owner]:
            end = completed.stderr.find("\n", match.end())
            errors[owner] = completed.stderr[match.end() : end if end != -1 else None]
    if completed.returncode != 0 and not any(errors):
        first_line = next(iter(completed.stderr.splitlines()), "iree-opt failed")
        errors = [first_line] * len(texts)
    return errors


def t10_context():
    from t10.tools.t10_opt import T10OptMain

    return T10OptMain(args=[]).ctx


def print_module(module: object, generic: bool) -> str:
    from io import StringIO

    from xdsl.printer import Printer

    stream = StringIO()
    Printer(stream=stream, print_generic_format=generic).print_op(module)  # pyright: ignore[reportArgumentType]
    return stream.getvalue() + "\n"


def first_line_of(error: BaseException) -> str:
    """The message of a diagnostic, without the source line and caret xDSL prints."""
    lines = [line.strip() for line in str(error).splitlines()]
    messages = [line for line in lines if line and not set(line) <= {"^", "~"}]
    after_caret = [
        line for before, line in itertools.pairwise(lines) if before and set(before) <= {"^"}
    ]
    return (after_caret or messages or [type(error).__name__])[0]


def run_t10(chunk: Chunk, context: object) -> None:
    """Parses, verifies and prints ``chunk`` with t10, then reparses both printings."""
    from xdsl.utils.exceptions import DiagnosticException, ParseError

    from t10.tools.t10_opt import LocatingParser

    def parse(text: str, name: str):
        module = LocatingParser(context, text, name).parse_module()  # pyright: ignore[reportArgumentType]
        module.verify()
        return module

    try:
        module = parse(chunk.text, chunk.file)
        chunk.t10_parses = True
        chunk.custom_text = print_module(module, generic=False)
        chunk.generic_text = print_module(module, generic=True)
    except (ParseError, DiagnosticException) as error:
        chunk.t10_error = first_line_of(error)
        return
    except Exception as error:
        chunk.t10_error = f"{type(error).__name__}: {error}"
        chunk.traceback = traceback.format_exc()
        return
    for form, text in (("custom", chunk.custom_text), ("generic", chunk.generic_text)):
        try:
            reprinted = print_module(parse(text, f"{chunk.file}.{form}"), generic=False)
        except (ParseError, DiagnosticException) as error:
            chunk.round_trip_error = f"{form} form does not reparse: {first_line_of(error)}"
            return
        except Exception as error:
            chunk.round_trip_error = f"{form} form: {type(error).__name__}: {error}"
            chunk.traceback = traceback.format_exc()
            return
        if reprinted != chunk.custom_text:
            chunk.round_trip_error = f"{form} form reprints differently"
            return
    chunk.round_trips = True


def measure(paths: Sequence[Path], iree_opt: str) -> dict[str, list[Chunk]]:
    context = t10_context()
    results: dict[str, list[Chunk]] = {}
    for path in paths:
        chunks = split_chunks(path)
        for chunk, error in zip(
            chunks, upstream_errors(iree_opt, [c.text for c in chunks]), strict=True
        ):
            chunk.upstream_accepts = not error
            chunk.upstream_error = error
        for chunk in chunks:
            run_t10(chunk, context)
        printed = [c for c in chunks if c.upstream_accepts and c.t10_parses]
        custom_errors = upstream_errors(iree_opt, [c.custom_text for c in printed])
        generic_errors = upstream_errors(iree_opt, [c.generic_text for c in printed])
        for chunk, custom_error, generic_error in zip(
            printed, custom_errors, generic_errors, strict=True
        ):
            chunk.upstream_reads_custom = not custom_error
            chunk.upstream_reads_generic = not generic_error
            if custom_error:
                chunk.upstream_print_error = f"custom form: {custom_error}"
            elif generic_error:
                chunk.upstream_print_error = f"generic form: {generic_error}"
        results[str(path)] = chunks
    return results


def failures(chunks: Sequence[Chunk]) -> list[tuple[str, str]]:
    """Each failing chunk with the first line of what went wrong."""
    found: list[tuple[str, str]] = []
    for chunk in chunks:
        if chunk.traceback:
            found.append(
                (chunk_name(chunk), f"traceback: {chunk.t10_error or chunk.round_trip_error}")
            )
        elif not chunk.upstream_accepts:
            if chunk.t10_parses:
                found.append(
                    (chunk_name(chunk), f"upstream rejects ({chunk.upstream_error}), t10 accepts")
                )
        elif not chunk.t10_parses:
            found.append((chunk_name(chunk), f"t10 does not parse: {chunk.t10_error}"))
        elif not chunk.round_trips:
            found.append((chunk_name(chunk), f"no round trip: {chunk.round_trip_error}"))
        elif chunk.upstream_print_error:
            found.append(
                (chunk_name(chunk), f"upstream rejects t10's {chunk.upstream_print_error}")
            )
    return found


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "-"


def report(results: dict[str, list[Chunk]], list_failures: bool) -> str:
    lines: list[str] = []
    header = (
        f"{'file':<32} {'chunks':>6} {'upstream':>8} {'parsed':>7} {'round':>6} "
        f"{'reread':>7} {'tb':>3} {'rej/acc':>7}"
    )
    lines.append(header)
    total = Totals()
    for path, chunks in results.items():
        file_totals = Totals()
        for chunk in chunks:
            file_totals.add(chunk)
            total.add(chunk)
        lines.append(row(Path(path).name, file_totals))
    lines.append(row("total", total))
    lines.append("")
    lines.append(
        f"t10 parses {total.t10_parses} of the {total.upstream_accepts} chunks upstream "
        f"accepts ({percent(total.t10_parses, total.upstream_accepts)}); "
        f"{total.round_trips} round-trip "
        f"({percent(total.round_trips, total.upstream_accepts)}); upstream reads back t10's "
        f"printing of {total.upstream_reads_printed}; tracebacks: {total.tracebacks}."
    )
    if total.rejected_chunks_accepted:
        lines.append("Chunks upstream rejects but t10 accepts:")
        lines.extend(f"  {name}" for name in total.rejected_chunks_accepted)
    if list_failures:
        lines.append("")
        lines.append("Failing chunks:")
        for chunks in results.values():
            lines.extend(f"  {name}: {reason}" for name, reason in failures(chunks))
    return "\n".join(lines)


def row(name: str, totals: Totals) -> str:
    return (
        f"{name:<32} {totals.chunks:>6} {totals.upstream_accepts:>8} {totals.t10_parses:>7} "
        f"{totals.round_trips:>6} {totals.upstream_reads_printed:>7} {totals.tracebacks:>3} "
        f"{totals.upstream_rejects_t10_accepts:>7}"
    )


def as_json(results: dict[str, list[Chunk]]) -> str:
    files: dict[str, object] = {}
    total = Totals()
    for path, chunks in results.items():
        file_totals = Totals()
        for chunk in chunks:
            file_totals.add(chunk)
            total.add(chunk)
        files[path] = {
            "totals": asdict(file_totals),
            "failures": [{"chunk": name, "reason": reason} for name, reason in failures(chunks)],
        }
    return json.dumps({"files": files, "total": asdict(total)}, indent=2)


def input_files(arguments: Sequence[str]) -> list[Path]:
    paths: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            paths.extend(sorted(path.rglob("*.mlir")))
        elif path.is_file():
            paths.append(path)
        else:
            raise FileNotFoundError(f"no such file or directory: {argument}")
    return paths


def find_iree_opt(given: str | None) -> str | None:
    if given:
        return given if Path(given).is_file() else shutil.which(given)
    beside_python = Path(sys.executable).parent / "iree-opt"
    return str(beside_python) if beside_python.is_file() else shutil.which("iree-opt")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Parse, print and reparse upstream linalg test chunks with t10 and iree-opt."
    )
    parser.add_argument("paths", nargs="+", help=".mlir files or directories holding them")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--list-failures", action="store_true", help="name each failing chunk and its first error"
    )
    parser.add_argument("--iree-opt", help="the upstream mlir-opt to compare with")
    arguments = parser.parse_args(argv)
    iree_opt = find_iree_opt(arguments.iree_opt)
    if iree_opt is None:
        print(
            "skipped: iree-opt not found (install the onnx extra: pip install -e '.[onnx]')",
            file=sys.stderr,
        )
        return 0
    try:
        paths = input_files(arguments.paths)
    except FileNotFoundError as error:
        print(f"upstream_linalg: error: {error}", file=sys.stderr)
        return 1
    results = measure(paths, iree_opt)
    print(as_json(results) if arguments.json else report(results, arguments.list_failures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
