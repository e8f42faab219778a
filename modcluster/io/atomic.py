"""Write output files atomically, never over an input file, never over a special file.

An output path is one of three things:

- a regular file, a path that does not exist yet, or a symbolic link to
  either: written atomically (a temporary file renamed into place);
- ``/dev/stdout``, ``/dev/stderr`` (or ``/dev/fd/1``, ``/proc/self/fd/1`` ...)
  or ``/dev/null``: written through, the device itself left alone;
- anything else (a character or block device such as ``/dev/full``, a FIFO, a
  socket, a directory): refused with :class:`~modcluster.errors.InputError`,
  before anything is solved when the command checks its outputs first
  (:func:`check_output`, :func:`check_outputs`).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import sys
from collections.abc import Iterable, Mapping

from modcluster.errors import InputError

__all__ = ["atomic_write_bytes", "atomic_write_text", "check_output", "check_outputs", "stream_of"]

StrPath = str | os.PathLike[str]

#: Paths written through to a standard stream rather than replaced: the stream's file descriptor.
_STREAMS = {
    "/dev/stdout": 1,
    "/dev/fd/1": 1,
    "/proc/self/fd/1": 1,
    "/dev/stderr": 2,
    "/dev/fd/2": 2,
    "/proc/self/fd/2": 2,
}
#: What ``stream_of`` answers for /dev/null: everything written is dropped.
NULL = 0


def stream_of(path: StrPath) -> int | None:
    """Whether ``path`` is written through: 1 (stdout), 2 (stderr), :data:`NULL` (/dev/null), else ``None``.

    >>> stream_of("/dev/stdout"), stream_of("/dev/null"), stream_of("out.json") is None
    (1, 0, True)
    """
    name = os.path.abspath(os.fspath(path))
    if name in _STREAMS:
        return _STREAMS[name]
    if name == os.devnull or (os.name == "posix" and os.path.realpath(name) == os.devnull):
        return NULL
    return None


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"  # pragma: no cover - doors, ports ...


def check_output(path: StrPath, *, protect: Iterable[StrPath] = ()) -> None:
    """Refuse an output path that must not be replaced: an input file, or anything but a regular file.

    A path that does not exist yet, a regular file, a symbolic link to one, and
    the write-through paths of :func:`stream_of` are accepted.

    Raises:
        InputError: ``path`` is one of ``protect``, or exists and is not a regular file
            (a device, a FIFO, a socket, a directory), or cannot be looked at.
    """
    name = os.fspath(path)
    for guarded in protect:
        if _same_file(name, os.fspath(guarded)):
            raise InputError(f"refusing to overwrite the input file {os.fspath(guarded)}", file=name)
    if stream_of(name) is not None:
        return
    try:
        mode = os.stat(name).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise InputError(f"cannot write the file: {exc.strerror or exc}", file=name) from None
    if not stat.S_ISREG(mode):
        raise InputError(
            f"is {_kind(mode)}, not a regular file: refusing to replace it "
            "(write to a regular file, /dev/stdout or /dev/null)",
            file=name,
        )


def check_outputs(outputs: Mapping[str, StrPath | None], *, protect: Iterable[StrPath] = ()) -> None:
    """Check every output of one command: each acceptable (:func:`check_output`), no two of them one file.

    Args:
        outputs: Each output by the flag that names it (``{"--out": ..., "--csv": ...}``); ``None``: not given.
        protect: The command's input files.

    Raises:
        InputError: An output is refused, or two outputs name one file (also through a
            link or another spelling of the path). /dev/null may be named twice.
    """
    given = [(flag, os.fspath(path)) for flag, path in outputs.items() if path is not None]
    guarded = list(protect)
    for index, (flag, name) in enumerate(given):
        check_output(name, protect=guarded)
        for other_flag, other in given[:index]:
            if stream_of(name) == NULL and stream_of(other) == NULL:
                continue
            same_stream = stream_of(name) is not None and stream_of(name) == stream_of(other)
            if same_stream or _same_file(name, other):
                raise InputError(f"{other_flag} and {flag} name the same file: give each output its own", file=name)


def _write_through(fd: int, data: bytes) -> None:
    """Write to stdout or stderr (through Python's stream, so the order of output is kept) or drop it."""
    if fd == NULL:
        return
    stream = sys.stdout if fd == 1 else sys.stderr
    stream.flush()
    buffer = getattr(stream, "buffer", None)
    try:
        if buffer is not None:
            buffer.write(data)
            buffer.flush()
        else:  # pragma: no cover - a text-only replacement stream
            stream.write(data.decode("utf-8", "replace"))
            stream.flush()
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", file=_NAMES[fd]) from None


_NAMES = {1: "/dev/stdout", 2: "/dev/stderr"}


def _same_file(a: str, b: str) -> bool:
    try:
        if os.path.exists(a) and os.path.exists(b):
            return os.path.samefile(a, b)
    except OSError:  # pragma: no cover - raced away
        pass
    return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def atomic_write_text(
    path: StrPath,
    text: str,
    *,
    protect: Iterable[StrPath] = (),
    encoding: str = "utf-8",
) -> None:
    r"""Write ``text`` to ``path`` so that readers see the old file or the new one, never a part.

    The text goes to a temporary file in the same directory, is flushed to disk
    and then renamed over ``path``. A symbolic link at ``path`` is followed (its
    target is replaced). An existing file keeps its permissions; a new one gets
    the usual ``0666 & ~umask``. ``/dev/stdout``, ``/dev/stderr`` and
    ``/dev/null`` are written through; any other path that exists and is not a
    regular file (a device, a FIFO, a directory) is refused, never replaced.

    Args:
        path: Where to write.
        text: What to write (no newline translation).
        protect: Input files that must not be overwritten (e.g. the catalog read).
        encoding: Text encoding.

    Raises:
        InputError: ``path`` is one of ``protect``, or cannot be written.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "out.json"
    >>> atomic_write_text(out, "{}\n"); out.read_text()
    '{}\n'
    """
    atomic_write_bytes(path, text.encode(encoding), protect=protect)


def atomic_write_bytes(path: StrPath, data: bytes, *, protect: Iterable[StrPath] = ()) -> None:
    """Write ``data`` to ``path`` atomically, as :func:`atomic_write_text` does for text.

    Raises:
        InputError: ``path`` is one of ``protect``, or cannot be written.
    """
    name = os.fspath(path)
    check_output(name, protect=protect)
    through = stream_of(name)
    if through is not None:
        _write_through(through, data)
        return
    target = os.path.realpath(name) if os.path.islink(name) else name
    directory = os.path.dirname(os.path.abspath(target))
    temp = os.path.join(directory, f".{os.path.basename(target)}.{secrets.token_hex(6)}.tmp")
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mode = None
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as exc:
        raise InputError(f"cannot write the file: {exc.strerror or exc}", file=name) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        with contextlib.suppress(FileNotFoundError):  # replaced meanwhile by a special file: leave it be
            if not stat.S_ISREG(os.stat(target).st_mode):
                raise InputError(f"is {_kind(os.stat(target).st_mode)}, not a regular file", file=name)
        os.replace(temp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise InputError(f"cannot write the file: {exc.strerror or exc}", file=name) from None
        raise
    _sync_directory(directory)


def _sync_directory(directory: str) -> None:
    """Flush the rename to disk where the platform allows it (best effort)."""
    if not hasattr(os, "O_DIRECTORY"):  # pragma: no cover - Windows
        return
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:  # pragma: no cover
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse
        pass
    finally:
        os.close(fd)
