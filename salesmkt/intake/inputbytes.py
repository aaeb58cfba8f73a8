"""Reading a named input file's bytes, with the one-line messages every reader shares.

Vocabulary:
- *input file*: a file the user named (a saved assessment, a headcount, a CRM export);
  a missing or unreadable one is bad input, reported as ``PATH: no such file`` or
  ``PATH: cannot read: REASON`` with the caller's error class and an optional *hint*
  naming the option that took the path (``" (--headcount)"``).
"""

from __future__ import annotations

from pathlib import Path

from salesmkt.errors import NotFoundError, SalesmktError


def read_input_bytes(
    path: Path,
    *,
    error: type[SalesmktError] = NotFoundError,
    hint: str = "",
    limit: int | None = None,
) -> bytes:
    """The file's bytes (only its first ``limit`` bytes when given), or one clear error.

    A folder, a permission problem or a vanished file surface as ``error`` with the
    system's own reason, never as a traceback.
    """
    try:
        with path.open("rb") as handle:
            return handle.read() if limit is None else handle.read(limit)
    except FileNotFoundError:
        raise error(f"{path}: no such file{hint}") from None
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc.strerror or exc}{hint}") from None
