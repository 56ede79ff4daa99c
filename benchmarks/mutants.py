# pyright: strict
"""Mutation testing of t10 (not a test, not part of CI): do the tests catch a wrong compiler?

Each mutant of ``benchmarks/mutants.toml`` is one plausible bug: an exact snippet of
a source file (it must occur exactly once, so the list cannot rot silently) and its
replacement. Every mutant is planted, one at a time, in a temporary copy of the
working tree (or of a commit, ``--rev``), and the test suite runs against that copy:

1. the tests the mutant names (those most likely to catch it), in its order;
2. the rest of pytest's files, ``-x``;
3. the rest of lit's tests, stopping at the first failure.

The first failing test kills the mutant; a mutant no test fails survives (and costs
a full run of the suite). A failing test only counts once it has passed on an
unmutated copy of the same tree: a test that fails without the mutant is set aside
(deselected from every later run, with its parametrised cases that fail too) and the
mutant's run goes on without it, from the file it was in. A run whose tests hang past
``--timeout`` is reported as ``timeout``, neither killed nor survived.

The copy's code is what the tests import: the project is installed editable from the
repository, with a finder that ``sys.meta_path`` consults after the path, so the copy
on ``PYTHONPATH`` wins. Its ``t10/`` folder gets links to the folders pyproject maps
into ``t10`` (``t10/passes -> ../passes``, ...), so ``t10.passes`` resolves inside the
copy however ``t10`` itself is found; lit's configuration of the copy passes
``PYTHONPATH`` on to the ``t10-opt``/``t10-run`` it runs (lit passes no environment
by default). Each copy is checked to import ``t10`` from itself, and the ``sanity-*``
mutants (an import of a core module raising) must be killed, one through pytest and
one through lit, or the run fails.

    .venv/bin/python benchmarks/mutants.py [--only NAME ...] [--list] [--jobs N] [--json]
    .venv/bin/python benchmarks/mutants.py --unmutated [--full] [--only NAME ...]

``--list`` checks every snippet against the working tree without running anything;
``--unmutated`` plants nothing and runs the selected mutants' named tests (the whole
suite with ``--full``) on the copy, which must pass them.

Exit status: 0 when every mutant run was killed, 1 when some survived or timed out,
2 when the list is wrong (a snippet not found or found twice), a sanity mutant
survived or the machinery failed (e.g. a test file the list names does not exist).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import tomllib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
MUTANTS = Path(__file__).resolve().parent / "mutants.toml"
PYTHON = Path(sys.executable)
BIN = PYTHON.parent

IGNORED = (
    *(".venv", ".git", "__pycache__", "*.egg-info", "build", ".pytest_cache"),
    *(".ruff_cache", ".hypothesis", "Output", ".mypy_cache"),
)
"""Not copied: the environment, the history and what runs leave behind."""

SANITY_PREFIX = "sanity-"


class ListError(Exception):
    """The mutant list does not fit the tree: a snippet missing or found twice, a name
    unknown, a test path that does not exist."""


class MachineryError(Exception):
    """A copy that does not import itself, or a test run that could not start."""


@dataclass(frozen=True)
class Mutant:
    """One planted bug."""

    name: str
    file: str
    """Relative to the repository's root."""
    original: str
    """Exact text that must occur once in ``file``."""
    replacement: str
    why: str
    """Why the bug is plausible: what a programmer would have meant."""
    tests: tuple[str, ...]
    """Run first, in this order: ``tests/test_x.py`` files and ``filecheck/...`` paths."""

    @property
    def is_sanity(self) -> bool:
        return self.name.startswith(SANITY_PREFIX)


@dataclass
class Outcome:
    """What the suite made of one mutant."""

    name: str
    status: str
    """``killed``, ``survived``, ``timeout`` or ``error`` (the list or the machinery)."""
    killed_by: str = ""
    """The first failing test (``tests/f.py::test`` or ``lit: path``) that passes unmutated."""
    stage: str = ""
    """Where it was caught: ``named`` (the mutant's own tests) or ``rest``."""
    seconds: float = 0.0
    detail: str = ""
    set_aside: list[str] = field(default_factory=lambda: list[str]())
    """Tests that failed on this mutant but fail unmutated too."""


def load_mutants(path: Path) -> list[Mutant]:
    """The mutants listed in ``path`` (``[[mutant]]`` tables)."""
    data = tomllib.loads(path.read_text())
    mutants: list[Mutant] = []
    for entry in data.get("mutant", []):
        missing = [
            key
            for key in ("name", "file", "original", "replacement", "why", "tests")
            if key not in entry
        ]
        if missing:
            raise ListError(f"{path}: mutant {entry.get('name', '?')}: no {', '.join(missing)}")
        mutants.append(
            Mutant(
                name=entry["name"],
                file=entry["file"],
                original=entry["original"],
                replacement=entry["replacement"],
                why=" ".join(entry["why"].split()),
                tests=tuple(entry["tests"]),
            )
        )
    names = [mutant.name for mutant in mutants]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ListError(f"{path}: mutant names used twice: {', '.join(repeated)}")
    return mutants


def snippet_problem(tree: Path, mutant: Mutant) -> str | None:
    """Why ``mutant`` cannot be planted in ``tree`` (None: it can)."""
    source = tree / mutant.file
    if not source.is_file():
        return f"mutant {mutant.name}: no file {mutant.file}"
    if mutant.original == mutant.replacement:
        return f"mutant {mutant.name}: its replacement is its original"
    count = source.read_text().count(mutant.original)
    if count == 0:
        return f"mutant {mutant.name}: snippet not found in {mutant.file}"
    if count > 1:
        return f"mutant {mutant.name}: snippet found {count} times in {mutant.file}"
    for test in mutant.tests:
        if not (tree / test).exists():
            return f"mutant {mutant.name}: no test path {test}"
    return None


def plant(tree: Path, mutant: Mutant) -> None:
    source = tree / mutant.file
    source.write_text(source.read_text().replace(mutant.original, mutant.replacement))


################################################################################
# Copies of the tree                                                           #
################################################################################


def _package_dirs(tree: Path) -> dict[str, str]:
    """pyproject's ``[tool.setuptools.package-dir]``: package name -> folder."""
    project = tomllib.loads((tree / "pyproject.toml").read_text())
    return project["tool"]["setuptools"]["package-dir"]


def make_copy(destination: Path, rev: str | None) -> Path:
    """A copy of the working tree (or of commit ``rev``) in ``destination``, its ``t10``
    package resolving inside it; returns the copy's root."""
    tree = destination / "tree"
    if rev is None:
        shutil.copytree(REPOSITORY, tree, symlinks=True, ignore=shutil.ignore_patterns(*IGNORED))
    else:
        archive = subprocess.run(
            ["git", "-C", str(REPOSITORY), "archive", "--format=tar", rev],
            capture_output=True,
            check=False,
        )
        if archive.returncode != 0:
            raise MachineryError(f"git archive {rev}: {archive.stderr.decode().strip()}")
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tree, filter="tar")
    package_dirs = _package_dirs(tree)
    root = tree / package_dirs["t10"]
    for package, folder in package_dirs.items():
        parent, _, leaf = package.rpartition(".")
        if not parent:
            continue
        # A subpackage that sits inside its parent's folder (hwmodel/presets) needs no link.
        where = tree / package_dirs[parent] if parent in package_dirs else root
        link = where / leaf
        if link.resolve() != (tree / folder).resolve():
            link.symlink_to(os.path.relpath(tree / folder, where), target_is_directory=True)
    # lit hands its tests a fixed environment: give the copy's tools its PYTHONPATH.
    with (tree / "filecheck" / "lit.cfg").open("a") as lit_config:
        lit_config.write(f'\nconfig.environment["PYTHONPATH"] = {str(tree)!r}\n')
    return tree


def environment(tree: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(tree)
    env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
    env.pop("PYTHONSAFEPATH", None)
    return env


def check_imports_itself(tree: Path) -> None:
    """Raise unless ``t10`` and its mapped subpackages import from ``tree``."""
    probe = (
        "import importlib.util, sys\n"
        "for name in sys.argv[1:]:\n"
        "    print(importlib.util.find_spec(name).origin)\n"
    )
    names = [name for name in _package_dirs(tree) if name.count(".") <= 1]
    found = subprocess.run(
        [str(PYTHON), "-c", probe, *names],
        capture_output=True,
        text=True,
        cwd=tree,
        env=environment(tree),
        check=False,
    )
    origins = found.stdout.split()
    if found.returncode != 0 or len(origins) != len(names):
        raise MachineryError(f"cannot find t10 in the copy {tree}: {found.stderr.strip()}")
    strays = [
        f"{name} from {origin}"
        for name, origin in zip(names, origins, strict=True)
        if not Path(origin).is_relative_to(tree)
    ]
    if strays:
        raise MachineryError(f"the copy {tree} imports {', '.join(strays)}")


################################################################################
# Test runs                                                                    #
################################################################################


@dataclass
class Run:
    """One pytest or lit run."""

    failed: list[str]
    """Failing tests, in the order reported."""
    timed_out: bool = False
    crashed: str = ""
    """Why the run failed when it names no failing test (a crash)."""
    output: str = ""


def _run(command: list[str], tree: Path, timeout: float) -> tuple[int | None, str]:
    """Run ``command`` in ``tree``; (exit status or None on timeout, output)."""
    process = subprocess.Popen(
        command,
        cwd=tree,
        env=environment(tree),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        return None, output
    return process.returncode, output


_PYTEST_FAILURE = re.compile(r"^(?:FAILED|ERROR) (.+?)(?: - .*)?$", re.MULTILINE)
_LIT_FAILURE = re.compile(r"^\s*(?:FAIL|XPASS|UNRESOLVED|TIMEOUT): \S+ :: (\S+)", re.MULTILINE)
_LIT_LISTED = re.compile(r"^\s+\S+ :: (\S+)$", re.MULTILINE)


def run_pytest(
    tree: Path,
    files: Sequence[str],
    deselected: Sequence[str],
    timeout: float,
    collect_only: bool = False,
    stop_first: bool = True,
) -> Run:
    basetemp = tempfile.mkdtemp(prefix="pytest-", dir=tree.parent)
    command = [str(BIN / "pytest"), "-q", "-p", "no:cacheprovider", f"--basetemp={basetemp}"]
    command += ["-x"] if stop_first else []
    command += ["--collect-only"] if collect_only else []
    command += [f"--deselect={test}" for test in deselected]
    status, output = _run([*command, *files], tree, timeout)
    if status is None:
        return Run([], timed_out=True, output=output)
    failed = _PYTEST_FAILURE.findall(output)
    if status in (0, 5) and not failed:
        return Run([], output=output)
    if status == 4:
        raise MachineryError(f"pytest exited {status} in {tree}:\n{output[-3000:]}")
    if failed:
        return Run(failed, output=output)
    # Killed by a signal (a crash in numpy) or an internal error: no test to name.
    last = next((line for line in reversed(output.splitlines()) if line.strip()), "")
    return Run([], crashed=f"pytest exited {status} naming no test: {last.strip()}", output=output)


def _lit_path(test: str) -> str:
    """``filecheck/a/b.mlir`` as lit names it below its suite: ``a/b.mlir``."""
    return test.removeprefix("filecheck/").removeprefix("filecheck")


def run_lit(
    tree: Path,
    paths: Sequence[str],
    excluded: Sequence[str],
    only: str | None,
    timeout: float,
) -> Run:
    command = [str(BIN / "lit"), "-q", "--max-failures=1", "--skip-test-time-recording"]
    command.append("--allow-empty-runs")
    if excluded:
        names = "|".join(re.escape(_lit_path(test)) for test in excluded)
        command.append(f"--filter-out= :: ({names})(/|$)")
    if only is not None:
        command.append(f"--filter= :: {re.escape(only)}$")
    status, output = _run([*command, *paths], tree, timeout)
    if status is None:
        return Run([], timed_out=True, output=output)
    if status == 0:
        return Run([], output=output)
    failed = _LIT_FAILURE.findall(output)
    if not failed:
        # lit -q lists the failures under a heading; without one the run itself failed.
        if "Failed Tests" not in output:
            raise MachineryError(f"lit exited {status} in {tree}:\n{output[-3000:]}")
        failed = _LIT_LISTED.findall(output.split("Failed Tests", 1)[1])
    return Run([f"lit: {test}" for test in failed], output=output)


def all_pytest_files(tree: Path) -> list[str]:
    return sorted(str(path.relative_to(tree)) for path in (tree / "tests").glob("test_*.py"))


################################################################################
# The unmutated copy                                                           #
################################################################################


class Unmutated:
    """An unmutated copy of the tree: which failing tests pass without the mutant."""

    def __init__(self, tree: Path, timeout: float):
        self.tree = tree
        self.timeout = timeout
        self.passes: dict[str, bool] = {}
        self.broken: list[str] = []
        """Tests that fail unmutated: set aside in every run."""
        self._lock = threading.Lock()

    def passes_unmutated(self, test: str) -> bool:
        with self._lock:
            if test not in self.passes:
                for failing in self._failing(test):
                    self.passes[failing] = False
                    self.broken.append(failing)
                self.passes.setdefault(test, True)
            return self.passes[test]

    def _failing(self, test: str) -> list[str]:
        """The tests that fail unmutated among ``test`` and, for one case of a
        parametrised test, its other cases (they tend to fail together: setting them all
        aside at once spares a run of the suite per case)."""
        if test.startswith("lit: "):
            path = test.removeprefix("lit: ")
            run = run_lit(self.tree, ["filecheck"], [], path, self.timeout)
        elif "::" in test:
            function = test.split("[", 1)[0]
            run = run_pytest(self.tree, [function], [], self.timeout, stop_first=False)
        else:
            # A file that failed to collect (an import error): collecting it suffices.
            run = run_pytest(self.tree, [test], [], self.timeout, collect_only=True)
        return [test] if run.timed_out or run.crashed else run.failed


################################################################################
# One mutant                                                                   #
################################################################################


def _stages(tree: Path, mutant: Mutant) -> list[tuple[str, str, list[str]]]:
    """(stage, pytest or lit, paths) in running order: the mutant's own tests grouped by
    tool in its order, then the rest of each suite."""
    stages: list[tuple[str, str, list[str]]] = []
    for test in mutant.tests:
        tool = "lit" if test.startswith("filecheck") else "pytest"
        if stages and stages[-1][1] == tool:
            stages[-1][2].append(test)
        else:
            stages.append(("named", tool, [test]))
    named = set(mutant.tests)
    rest = [path for path in all_pytest_files(tree) if path not in named]
    stages.append(("rest", "pytest", rest))
    stages.append(("rest", "lit", ["filecheck"]))
    return stages


def _failures(
    tree: Path, tool: str, paths: list[str], mutant: Mutant, unmutated: Unmutated, timeout: float
) -> Run:
    set_aside = list(unmutated.broken)
    if tool == "pytest":
        return run_pytest(tree, paths, [test for test in set_aside if "::" in test], timeout)
    lit_named = [test for test in mutant.tests if test.startswith("filecheck")]
    # The rest of lit: everything the named stage has not run yet.
    excluded = lit_named if paths == ["filecheck"] else []
    excluded += [test.removeprefix("lit: ") for test in set_aside if test.startswith("lit: ")]
    return run_lit(tree, paths, excluded, None, timeout)


def run_mutant(
    mutant: Mutant, rev: str | None, unmutated: Unmutated, timeout: float, keep: bool
) -> Outcome:
    started = time.perf_counter()
    workspace = Path(tempfile.mkdtemp(prefix=f"t10-mutant-{mutant.name}-"))
    outcome = Outcome(mutant.name, "survived")
    try:
        tree = make_copy(workspace, rev)
        problem = snippet_problem(tree, mutant)
        if problem is not None:
            return Outcome(mutant.name, "error", detail=problem)
        check_imports_itself(tree)
        plant(tree, mutant)
        for stage, tool, paths in _stages(tree, mutant):
            while True:
                run = _failures(tree, tool, paths, mutant, unmutated, timeout)
                if run.timed_out:
                    outcome.status, outcome.stage = "timeout", stage
                    outcome.detail = f"{tool} {' '.join(paths[:3])} ran over {timeout:.0f} s"
                    return outcome
                if run.crashed:
                    outcome.status, outcome.killed_by, outcome.stage = "killed", run.crashed, stage
                    return outcome
                if not run.failed:
                    break
                killers = [test for test in run.failed if unmutated.passes_unmutated(test)]
                if killers:
                    outcome.status, outcome.killed_by, outcome.stage = "killed", killers[0], stage
                    return outcome
                # Every failure also fails unmutated: run again without them, from the
                # file that failed (pytest ran the files before it whole, and they passed).
                outcome.set_aside += run.failed
                failed_file = run.failed[0].split("::")[0]
                if tool == "pytest" and failed_file in paths:
                    paths = paths[paths.index(failed_file) :]
    except MachineryError as error:
        return Outcome(mutant.name, "error", detail=str(error))
    finally:
        outcome.seconds = time.perf_counter() - started
        if keep:
            print(f"mutant {mutant.name}: copy kept in {workspace}", file=sys.stderr)
        else:
            shutil.rmtree(workspace, ignore_errors=True)
    return outcome


def run_unmutated(tree: Path, mutants: Sequence[Mutant], full: bool, timeout: float) -> list[str]:
    """The failing tests (or runs over ``timeout``) among the named tests of ``mutants``
    (and the rest of the suite with ``full``) on the unmutated ``tree``; every test runs,
    failing or not."""
    named = list(dict.fromkeys(test for mutant in mutants for test in mutant.tests))
    pytest_files = [test for test in named if not test.startswith("filecheck")]
    lit_paths = [test for test in named if test.startswith("filecheck")]
    if full:
        pytest_files, lit_paths = all_pytest_files(tree), ["filecheck"]
    failures: list[str] = []
    while pytest_files:
        run = run_pytest(tree, pytest_files, [t for t in failures if "::" in t], timeout)
        if run.timed_out:
            return [*failures, f"pytest over {timeout:.0f} s"]
        if run.crashed:
            return [*failures, run.crashed]
        if not run.failed or set(run.failed) <= set(failures):
            break
        failures += [test for test in run.failed if test not in failures]
    while lit_paths:
        excluded = [test.removeprefix("lit: ") for test in failures if test.startswith("lit: ")]
        run = run_lit(tree, lit_paths, excluded, None, timeout)
        if run.timed_out:
            return [*failures, f"lit over {timeout:.0f} s"]
        if not run.failed or set(run.failed) <= set(failures):
            break
        failures += [test for test in run.failed if test not in failures]
    return failures


################################################################################
# Command line                                                                 #
################################################################################


def _select(mutants: list[Mutant], names: Sequence[str] | None) -> list[Mutant]:
    if not names:
        return mutants
    known = {mutant.name: mutant for mutant in mutants}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ListError(f"no mutant named {', '.join(unknown)} (see --list)")
    return [known[name] for name in names]


def _print_list(mutants: list[Mutant]) -> int:
    status = 0
    width = max((len(mutant.name) for mutant in mutants), default=10)
    for mutant in mutants:
        problem = snippet_problem(REPOSITORY, mutant)
        if problem is not None:
            status = 2
        print(f"{mutant.name:{width}}  {mutant.file:30} {problem or 'ok'}")
        print(f"{'':{width}}  {mutant.why}")
    return status


def _print_report(outcomes: list[Outcome], seconds: float) -> None:
    width = max((len(outcome.name) for outcome in outcomes), default=10)
    for outcome in outcomes:
        where = outcome.killed_by or outcome.detail
        stage = f"({outcome.stage})" if outcome.stage else ""
        timing = f"{outcome.seconds:7.0f} s"
        print(f"{outcome.name:{width}}  {outcome.status:8} {timing}  {stage:7} {where}")
        if outcome.set_aside:
            print(f"{'':{width}}  set aside (fail unmutated): {', '.join(outcome.set_aside)}")
    counts = {
        status: sum(1 for outcome in outcomes if outcome.status == status)
        for status in ("killed", "survived", "timeout", "error")
    }
    summary = ", ".join(f"{count} {status}" for status, count in counts.items() if count)
    print(f"{len(outcomes)} mutants: {summary} ({seconds:.0f} s)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Plant each bug of benchmarks/mutants.toml in a copy of the tree, run "
        "pytest and lit against it, and report which mutants survive."
    )
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these mutants")
    parser.add_argument("--list", action="store_true", help="list the mutants and check them")
    parser.add_argument("--jobs", type=int, default=1, help="mutants run at once (default 1)")
    parser.add_argument("--json", action="store_true", help="print the outcomes as JSON")
    parser.add_argument("--rev", help="copy this commit instead of the working tree")
    parser.add_argument("--mutants", type=Path, default=MUTANTS, help="the mutant list")
    parser.add_argument(
        "--timeout", type=float, default=1800.0, help="seconds one test run may take (1800)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the mutated copies")
    parser.add_argument(
        "--unmutated",
        action="store_true",
        help="plant nothing: run the selected mutants' named tests on the unmutated copy, "
        "which must pass them (exit 0), to check the machinery",
    )
    parser.add_argument("--full", action="store_true", help="with --unmutated, run the whole suite")
    arguments = parser.parse_args(argv)
    if arguments.jobs < 1:
        parser.error(f"--jobs {arguments.jobs}: at least 1")

    try:
        selected = _select(load_mutants(arguments.mutants), arguments.only)
    except (ListError, tomllib.TOMLDecodeError, OSError) as error:
        print(f"mutants: error: {error}", file=sys.stderr)
        return 2
    if arguments.list:
        return _print_list(selected)

    started = time.perf_counter()
    workspace = Path(tempfile.mkdtemp(prefix="t10-mutants-unmutated-"))
    try:
        unmutated_tree = make_copy(workspace, arguments.rev)
        check_imports_itself(unmutated_tree)
        if arguments.unmutated:
            failures = run_unmutated(unmutated_tree, selected, arguments.full, arguments.timeout)
            seconds = time.perf_counter() - started
            for failure in failures:
                print(f"unmutated: failed {failure}")
            print(f"unmutated copy: {len(failures)} failing ({seconds:.0f} s)")
            return 1 if failures else 0
        unmutated = Unmutated(unmutated_tree, arguments.timeout)

        def run(mutant: Mutant) -> Outcome:
            outcome = run_mutant(
                mutant, arguments.rev, unmutated, arguments.timeout, arguments.keep
            )
            # A full list takes hours: say each outcome as soon as it is known.
            print(
                f"mutants: {outcome.name}: {outcome.status} after {outcome.seconds:.0f} s"
                + (
                    f": {outcome.killed_by or outcome.detail}"
                    if outcome.status != "survived"
                    else ""
                ),
                file=sys.stderr,
                flush=True,
            )
            return outcome

        with ThreadPoolExecutor(max_workers=arguments.jobs) as pool:
            outcomes = list(pool.map(run, selected))
    except MachineryError as error:
        print(f"mutants: error: {error}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(workspace, ignore_errors=True)

    if arguments.json:
        print(json.dumps([asdict(outcome) for outcome in outcomes], indent=2))
    else:
        _print_report(outcomes, time.perf_counter() - started)
    sane = all(
        outcome.status == "killed"
        for mutant, outcome in zip(selected, outcomes, strict=True)
        if mutant.is_sanity
    )
    if not sane:
        print(
            "mutants: error: a sanity mutant was not killed: the tests do not run the copy",
            file=sys.stderr,
        )
    if not sane or any(outcome.status == "error" for outcome in outcomes):
        return 2
    return 0 if all(outcome.status == "killed" for outcome in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
