"""Write output files atomically, never over an input file."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterable

from modcluster.errors import InputError

__all__ = ["atomic_write_bytes", "atomic_write_text"]

StrPath = str | os.PathLike[str]


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
    the usual ``0666 & ~umask``.

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
    for guarded in protect:
        if _same_file(name, os.fspath(guarded)):
            raise InputError(f"refusing to overwrite the input file {os.fspath(guarded)}", file=name)
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
