"""The command line the model builders share: checks, argument types and writing the text."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from pathlib import Path


def check_sizes(sizes: Mapping[str, int]) -> None:
    """A ValueError naming the first of ``sizes`` below 1."""
    for name, size in sizes.items():
        if size < 1:
            raise ValueError(f"{name} must be at least 1, got {size}")


def int_list(what: str) -> Callable[[str], tuple[int, ...]]:
    """An argparse type reading a comma-separated list of ``what``."""

    def parse(text: str) -> tuple[int, ...]:
        try:
            return tuple(int(part) for part in text.split(","))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a comma-separated list of {what}"
            ) from None

    return parse


def write_model(prog: str, build: Callable[[], str], output: str) -> int:
    """Write the text ``build`` returns to ``output`` (``-``: stdout) and return 0, or
    print the ValueError a bad configuration raises as ``prog: error: ...`` and return 2."""
    try:
        text = build()
    except ValueError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return 2
    if output == "-":
        sys.stdout.write(text)
    else:
        Path(output).write_text(text)
    return 0
