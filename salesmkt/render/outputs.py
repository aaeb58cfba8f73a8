"""Writing output files safely.

Vocabulary: an *output* is a file the tool creates (JSON, CSV, Markdown, HTML…); an
*input* is a file the command read (responses, questionnaire, mapping). Outputs are
written *atomically*: the data goes to a temporary file in the same directory, which
then replaces the target in one ``os.replace`` step, so a reader (or a crash) never
sees a half-written file. An output that resolves to one of the inputs is refused, so a
typo like ``-o responses.csv`` can never destroy the survey data. An output that exists
and is not a regular file (a directory, a named pipe, a device, a socket) is refused
too, rather than replaced by a file; a symlink to a regular file is followed for that
check and then replaced, as before. An output may come as *pieces* (:class:`Pieces`: its
UTF-8 bytes made a piece at a time, each a whole number of lines), so that a large one
(the per-respondent CSV) is written as it is made, never held whole.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from salesmkt.errors import OutputError


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


def _not_regular(path: Path) -> str | None:
    """What ``path`` is when it exists and is not a regular file (symlinks followed)."""
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def check_output(path: Path, *, inputs: Sequence[Path] = (), force: bool = True) -> None:
    """Raise :class:`OutputError` if writing ``path`` would hit an input or is not allowed."""
    for source in inputs:
        if _same_file(Path(path), Path(source)):
            raise OutputError(f"{path}: refusing to overwrite the input file {source}")
    kind = _not_regular(Path(path))
    if kind == "a directory":
        raise OutputError(f"{path}: is a directory, expected a file name")
    if kind is not None:
        raise OutputError(f"{path}: is {kind}, not a regular file; refusing to replace it")
    if not force and Path(path).exists():
        raise OutputError(f"{path}: already exists (use --force to overwrite)")


class Pieces:
    """An output's UTF-8 bytes as pieces to be written in order, each made when the one
    before it has been written, each a whole number of lines (ending in a line break,
    bar perhaps the last), so that the whole output is never held at once: at a million
    respondents the CSV's 85 MB, and the fresh memory its making would fault in, are a
    few megabytes reused. ``make`` gives the pieces afresh at each iteration."""

    __slots__ = ("_make",)

    def __init__(self, make: Callable[[], Iterator[bytes | memoryview]]) -> None:
        self._make = make

    def __iter__(self) -> Iterator[bytes | memoryview]:
        return self._make()

    def joined(self) -> bytes:
        """All the pieces as one ``bytes`` (for a caller that wants the whole output)."""
        return b"".join(self)


Output = str | bytes | memoryview | Pieces
"""What a renderer gives to be printed or written: text, its UTF-8 bytes (or a view of
them), or those bytes in :class:`Pieces`."""

_TEXT_CHUNK = 1 << 16
"""Characters of a text encoded and written at a time: the UTF-8 bytes of a large text
(85 MB for a million respondents' CSV) are never all held at once beside the text."""


def _write(handle: BinaryIO, data: Output) -> None:
    """``data`` into ``handle``; a text as UTF-8, a chunk at a time (a character is
    encoded on its own, so the bytes are those of the whole text encoded at once);
    pieces one after another, each as soon as it is made."""
    if isinstance(data, Pieces):
        for piece in data:
            handle.write(piece)
        return
    if not isinstance(data, str):  # bytes, or a view of them (a renderer's buffer)
        handle.write(data)
        return
    for start in range(0, len(data), _TEXT_CHUNK):
        handle.write(data[start : start + _TEXT_CHUNK].encode("utf-8"))


def write_atomic(
    path: Path, data: Output, *, inputs: Sequence[Path] = (), force: bool = True
) -> None:
    """Write ``data`` to ``path`` atomically (text is UTF-8; bytes, a view of bytes or
    :class:`Pieces` of bytes, as they are).

    Refuses (``OutputError``) when ``path`` is one of ``inputs`` or, with
    ``force=False``, when it already exists. The file keeps the permissions a newly
    created file would get (``mkstemp`` creates it 0600, which would surprise a user).
    """
    path = Path(path)
    check_output(path, inputs=inputs, force=force)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"{path}: the folder {directory} does not exist")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            _write(handle, data)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        if not force and path.exists():  # created meanwhile: still refuse
            raise OutputError(f"{path}: already exists (use --force to overwrite)")
        check_output(path, inputs=inputs, force=force)  # still a regular file (or none)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
