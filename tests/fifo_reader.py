# pyright: strict
"""A named pipe with a reader, standing in for a device file in tests of output files:
a tool that deleted or replaced its output would show it on a pipe without ever
touching the machine's real ``/dev/null``."""

import os
import stat
import threading
from collections.abc import Generator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Fifo:
    """A named pipe at ``path`` and what its reader received."""

    path: Path
    chunks: list[bytes] = field(default_factory=list[bytes])
    reader: threading.Thread | None = None

    def received(self) -> bytes:
        """Everything written to the pipe, once the writer closed it."""
        if self.reader is not None:
            self.reader.join(timeout=30)
        return b"".join(self.chunks)

    def is_still_a_pipe(self) -> bool:
        return stat.S_ISFIFO(os.lstat(self.path).st_mode)


@contextmanager
def fifo(directory: Path, name: str = "pipe") -> Generator[Fifo]:
    """A named pipe in ``directory`` read in the background until its writer closes it.
    If nothing opened it for writing, the reader is released on exit."""
    pipe = Fifo(directory / name)
    os.mkfifo(pipe.path)

    def read() -> None:
        with open(pipe.path, "rb") as stream:
            pipe.chunks.append(stream.read())

    pipe.reader = threading.Thread(target=read, daemon=True)
    pipe.reader.start()
    try:
        yield pipe
    finally:
        if pipe.reader.is_alive():
            # A reader blocked in open() returns once a writer opens and closes the pipe.
            with suppress(OSError):
                os.close(os.open(pipe.path, os.O_WRONLY | os.O_NONBLOCK))
            pipe.reader.join(timeout=30)
