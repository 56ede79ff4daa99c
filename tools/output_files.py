# pyright: strict
"""Writing the files t10's commands produce: whole or not at all, and never at the cost of
another file.

Every file a command writes (``t10-opt -o``, ``t10-run --trace``/``--outputs``,
``t10-import -o``/``--weights``, ``t10-bench --plots``) goes through :func:`write_file`,
which takes the file's whole content, made before anything is opened:

- A new path or a regular file is written to a temporary file beside it, flushed to disk
  and renamed over it only then: a failure leaves the old file as it was and no
  temporary behind. The file gets the permissions a plain ``open(path, "w")`` gives: a
  new one those the umask allows, a replaced one its own mode (and, where the user may
  set them, its owner and group).
- A symbolic link is followed: its target is written, the link stays a link.
- A path that exists and is not a regular file (a device such as ``/dev/null``, a named
  pipe) is opened and written in place, never deleted or replaced. So is a regular file
  with several hard links (every name keeps the same file) and one in a directory that
  does not let us create the temporary file but lets us write the file itself.

:func:`check_outputs` runs before a command does its work: every output's directory
exists, no output is a directory, no output is one of the command's inputs and no two
outputs are the same file, so that a typing slip costs neither a long run nor a file.
Every failure is an :class:`OutputFileError` naming the option and the path.
"""

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Sequence
from pathlib import Path


class OutputFileError(Exception):
    """A one-line reason an output cannot be written, naming its option and path:
    ``-o out/model.mlir: cannot write: No such file or directory``."""


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _cannot_write(option: str, path: Path, reason: str) -> OutputFileError:
    return OutputFileError(f"{option} {path}: cannot write: {reason}")


def _resolved(path: Path) -> Path:
    """``path`` with its symbolic links followed, as far as they lead."""
    return Path(os.path.realpath(path))


def _writes_in_place(target: Path) -> bool:
    """Whether ``target`` (links followed) exists and must be written in place rather
    than replaced: it is not a regular file, or it has other hard links."""
    try:
        status = target.stat()
    except FileNotFoundError:
        return False
    return not stat.S_ISREG(status.st_mode) or status.st_nlink > 1


def check_output(path: Path, option: str) -> None:
    """Check, before any work, that ``path`` can be the output of ``option``: its
    directory exists and it is not a directory itself."""
    target = _resolved(path)
    if target.is_dir() or str(path).endswith(os.sep):
        raise _cannot_write(option, path, os.strerror(errno.EISDIR))
    if not target.parent.is_dir():
        raise _cannot_write(option, path, os.strerror(errno.ENOENT))


def _same_file(first: Path, second: Path) -> bool:
    """Whether ``first`` and ``second`` name one regular file that exists."""
    try:
        return first.is_file() and second.is_file() and first.samefile(second)
    except OSError:
        return False


def check_outputs(
    outputs: Sequence[tuple[str, Path | None]],
    inputs: Sequence[tuple[str, Path | None]] = (),
) -> None:
    """Check the ``(option, path)`` outputs of a command against each other and against
    its ``(description, path)`` inputs, e.g. ``("the input model", model)`` (a ``None``
    path is an option not given): see the module doc. Two names for one device
    (``/dev/null`` twice) are fine."""
    given = [(option, path) for option, path in outputs if path is not None]
    for option, path in given:
        check_output(path, option)
        for description, input_path in inputs:
            if input_path is not None and _same_file(path, input_path):
                raise OutputFileError(f"{option} {path} is {description}; write elsewhere")
    for index, (option, path) in enumerate(given):
        for other_option, other_path in given[index + 1 :]:
            same_name = _resolved(path) == _resolved(other_path)
            if (same_name and not _writes_in_place(_resolved(path))) or _same_file(
                path, other_path
            ):
                raise OutputFileError(f"{option} and {other_option} name the same file {path}")


def _write_all(descriptor: int, content: bytes) -> None:
    view = memoryview(content)
    while view:
        written = os.write(descriptor, view)
        view = view[written:]


def _write_in_place(target: Path, content: bytes) -> None:
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        _write_all(descriptor, content)
    finally:
        os.close(descriptor)


def _create_temporary(target: Path) -> tuple[int, Path]:
    """A new file beside ``target``, open for writing, created with the umask's
    permissions as ``open`` would create ``target``."""
    while True:
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            descriptor = os.open(
                temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666
            )
        except FileExistsError:
            continue
        return descriptor, temporary


def _replace(target: Path, content: bytes) -> None:
    """Write ``content`` to a temporary file beside ``target`` and rename it over
    ``target``, keeping ``target``'s mode, owner and group if it exists."""
    try:
        previous = target.stat()
    except FileNotFoundError:
        previous = None
    descriptor, temporary = _create_temporary(target)
    try:
        try:
            _write_all(descriptor, content)
            if previous is not None:
                os.fchmod(descriptor, stat.S_IMODE(previous.st_mode))
                # Only root may give a file away: a plain write by another user
                # keeps the file's owner, a replacement cannot.
                with contextlib.suppress(PermissionError):
                    os.fchown(descriptor, previous.st_uid, previous.st_gid)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_file(path: Path, content: bytes | str, option: str) -> None:
    """Write ``content`` (``str`` as UTF-8) to ``path`` whole or not at all, as the module
    doc says; a failure is an :class:`OutputFileError` naming ``option`` and ``path``."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    check_output(path, option)
    target = _resolved(path)
    try:
        if _writes_in_place(target):
            _write_in_place(target, data)
            return
        try:
            _replace(target, data)
        except PermissionError as error:
            # A directory we may not add to can still hold a file we may write.
            if error.errno == errno.EACCES and target.exists() and os.access(target, os.W_OK):
                _write_in_place(target, data)
            else:
                raise
    except OSError as error:
        raise _cannot_write(option, path, _reason(error)) from error
