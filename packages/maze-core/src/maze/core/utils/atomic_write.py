"""Atomic file writes: a temp file in the target's directory, fsync, then ``os.replace`` — the one helper of Maze.

Readers never see a partial file, and a failed write never destroys the previous good one::

    with atomic_write("run/state_dict.pt") as f:      # binary file object
        torch.save(state, f)
    atomic_write_json("run/spaces_config.json", data)  # or atomic_write_bytes / atomic_write_text

* The temp file ``.<name>.tmp-<pid>-<random>`` lives next to the target; it is created with
  ``os.open(..., O_CREAT | O_EXCL, 0o666)``, so the process umask gives the target the same permissions as a plain
  ``open(path, "w")`` would (no ``0600`` files, no umask changes).
* The file and then its directory are fsynced, so a crash right after the rename keeps the new content.
* On *any* error — also ``KeyboardInterrupt`` — the temp file is removed and the previous target is kept.
  An ``OSError`` while writing (also one that a serializer such as ``torch.save`` turns into another exception) is
  raised as one :class:`AtomicWriteError`: ``no space left on device while writing <path>`` for ``ENOSPC``, with the
  original error as ``__cause__``.
* Temp files a killed process left behind are removed when the next process writes into the directory (its first
  atomic write there cleans the directory once), when the same target is written again, and by
  :func:`remove_stale_temp_files` (call it where a run dir is reused).
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import re
import secrets
import time
from collections.abc import Iterator
from typing import IO, Any

#: temp files older than this (seconds since their last write) are stale even when their pid is alive (pid reuse)
STALE_TEMP_AGE_S = 3600.0

#: directories this process has already cleaned of stale temp files (one scan per directory and process)
_SCANNED_DIRECTORIES: set[str] = set()

_TEMP_RE = re.compile(r"^\.(?P<name>.+)\.tmp-(?P<pid>\d+)-(?P<token>[0-9a-f]{8})$")

_MESSAGES = {
    errno.ENOSPC: "no space left on device",
    getattr(errno, "EDQUOT", -1): "disk quota exceeded",
    errno.EFBIG: "file too large for the file system (or the process's file size limit)",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
}


class AtomicWriteError(OSError):
    """Writing a file atomically failed; the previous file (if any) is unchanged and no temp file is left.

    Create it with :meth:`from_os_error`; the message reads ``<reason> while writing <path>``.

    :param message: the message.
    :param path: the target file.
    :param error_number: the ``errno`` of the error that made the write fail.
    """

    def __init__(self, message: str, path: str = "", error_number: int | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.errno = error_number

    @classmethod
    def from_os_error(cls, path: str, cause: OSError) -> AtomicWriteError:
        """``no space left on device while writing <path>`` for ``ENOSPC``, and the like for other errors."""
        reason = _MESSAGES.get(cause.errno or 0) or (cause.strerror or str(cause) or type(cause).__name__).lower()
        return cls(f"{reason} while writing {path}", path, cause.errno)

    def __reduce__(self) -> tuple[Any, ...]:  # picklable across worker processes
        return type(self), (str(self), self.path, self.errno)


def temp_file_prefix(path: str | os.PathLike) -> str:
    """The name prefix of the temp files of ``path`` (``.state_dict.pt.tmp-``)."""
    return f".{os.path.basename(os.fspath(path))}.tmp-"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists, owned by someone else (or cannot tell): keep its file
    return True


def _is_stale(full_path: str, pid: int, now: float) -> bool:
    if pid == os.getpid():
        return False
    try:
        age = now - os.stat(full_path).st_mtime
    except FileNotFoundError:
        return False
    return not _pid_alive(pid) or age > STALE_TEMP_AGE_S


def remove_stale_temp_files(path: str | os.PathLike) -> list[str]:
    """Remove temp files that interrupted atomic writes left behind.

    A temp file is stale when the process that created it is gone (or it was not written for
    :data:`STALE_TEMP_AGE_S`); temp files of running writers are kept.

    :param path: a directory (every stale temp file in it, not recursive) or a target file (only its temp files).
    :return: the removed files.
    """
    path = os.path.abspath(os.fspath(path))
    if os.path.isdir(path):
        directory, target = path, None
    else:
        directory, target = os.path.dirname(path), os.path.basename(path)
    try:
        names = os.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return []
    removed = []
    now = time.time()
    for name in names:
        match = _TEMP_RE.match(name)
        if match is None or (target is not None and match.group("name") != target):
            continue
        full = os.path.join(directory, name)
        if _is_stale(full, int(match.group("pid")), now):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(full)
                removed.append(full)
    return removed


class _RecordingWriter(io.BufferedWriter):
    """Buffered writer of the temp file that remembers the first ``OSError`` of a write (``torch.save`` reports a
    failed write as an unrelated ``RuntimeError``; the atomic write reports the ``OSError`` instead)."""

    write_error: OSError | None = None

    def _record(self, exc: OSError) -> None:
        if self.write_error is None:
            self.write_error = exc

    def write(self, data: Any) -> int:
        try:
            return super().write(data)
        except OSError as exc:
            self._record(exc)
            raise

    def flush(self) -> None:
        try:
            super().flush()
        except OSError as exc:
            self._record(exc)
            raise


def _open_raw(fd: int) -> io.RawIOBase:
    """The raw file object of the temp file (the operating system's write path; fault-injection tests replace it)."""
    return io.FileIO(fd, "wb", closefd=True)


def _fsync_directory(directory: str) -> None:
    try:
        dir_fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # platforms without directory handles (Windows)
    try:
        with contextlib.suppress(OSError):  # some file systems do not support fsync of directories
            os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, binary: bool = True, encoding: str = "utf-8") -> Iterator[IO[Any]]:
    """Write ``path`` atomically: yield a file object; its content replaces ``path`` when the block ends normally.

    :param path: the target file (its directory is created if missing).
    :param binary: yield a binary file object (``torch.save``, ``zipfile``, ``numpy.save``); ``False``: text.
    :param encoding: encoding of text mode.
    :raises AtomicWriteError: naming ``path`` when writing fails with an ``OSError`` (``ENOSPC``: "no space left on
        device while writing <path>"); other exceptions of the block propagate unchanged. In every case the temp
        file is removed and the previous ``path`` is untouched.
    """
    path = os.path.abspath(os.fspath(path))
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    if directory not in _SCANNED_DIRECTORIES:  # first write of this process here: drop what killed writers left
        remove_stale_temp_files(directory)
        _SCANNED_DIRECTORIES.add(directory)
    elif os.path.exists(path):  # a rewritten file (checkpoint, statistics): its temps of writers killed meanwhile
        remove_stale_temp_files(path)
    tmp = os.path.join(directory, f"{temp_file_prefix(path)}{os.getpid()}-{secrets.token_hex(4)}")
    writer: _RecordingWriter | None = None
    created = False
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        created = True
        try:
            writer = _RecordingWriter(_open_raw(fd))
        except BaseException:
            os.close(fd)
            raise
        with writer:
            handle: IO[Any] = writer if binary else io.TextIOWrapper(writer, encoding=encoding, write_through=False)
            try:
                yield handle
                handle.flush()
                os.fsync(writer.fileno())
            finally:
                if not binary:
                    handle.detach()  # type: ignore[attr-defined]  # the writer is closed by the ``with`` above
        os.replace(tmp, path)
        _fsync_directory(directory)
    except BaseException as exc:
        if created:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, AtomicWriteError) or not isinstance(exc, Exception):
            raise  # KeyboardInterrupt, SystemExit: cleaned up, propagated as they are
        cause = writer.write_error if writer is not None and writer.write_error is not None else exc
        if isinstance(cause, OSError):
            raise AtomicWriteError.from_os_error(path, cause) from cause
        raise


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> str:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_write`); returns the absolute path."""
    with atomic_write(path, binary=True) as f:
        f.write(data)
    return os.path.abspath(os.fspath(path))


def atomic_write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> str:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_write`); returns the absolute path."""
    with atomic_write(path, binary=False, encoding=encoding) as f:
        f.write(text)
    return os.path.abspath(os.fspath(path))


def atomic_write_json(path: str | os.PathLike, obj: Any, **json_kwargs: Any) -> str:
    """Write ``obj`` as JSON to ``path`` atomically (``json_kwargs`` go to :func:`json.dump`); returns the absolute path.

    The JSON text is built before the file is opened, so an object that cannot be serialized leaves nothing behind.
    """
    return atomic_write_text(path, json.dumps(obj, **json_kwargs))
