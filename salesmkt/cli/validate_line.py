"""``salesmkt validate`` run without typer when its line can mean only one thing.

Why: typer and what it imports (its click, shellingham, subprocess, shutil with the
compression modules, difflib…) are about 120 M instructions, a tenth of a ``validate``
of the built-in files (``docs/performance-rounds.md``, eleventh round), and the pre-commit hook
runs ``validate --skip-foreign FILES`` on every commit.

Vocabulary: a *plain line* is ``validate`` followed by nothing but paths and the flag
``--skip-foreign`` (the hook's line): no other argument that starts with ``-`` (an
option, ``--``, or ``-`` itself) and none empty, every path
that exists readable (typer refuses an unreadable one as a usage error), and both
standard streams text streams that click would write to as they are (not ASCII: click
wraps those in UTF-8). Such a line has one meaning, the command's defaults but for the
flag: ``--format auto``, not ``--strict``. :func:`run` checks and reports it
with the command's own body (:mod:`~salesmkt.cli.validation`), writes through
:func:`echo`, a copy of what ``typer.echo`` does with text, and hands any exception to
the command's error boundary (:mod:`~salesmkt.cli.boundary`, which imports typer then),
so that messages and exit codes are the command's. Any other line runs through typer,
as before.
"""

import io
import os
import sys
from pathlib import Path
from typing import Any, NoReturn, TextIO

from salesmkt.cli import validation

# click's pattern for the ANSI style codes it strips from output that is not a terminal.
_ANSI = r"\033\[[;?0-9]*[a-zA-Z]"


def _as_click_writes(stream: object) -> bool:
    """Whether click's echo writes to this stream as it is."""
    if not isinstance(stream, io.TextIOWrapper):
        return False
    import codecs

    try:
        return codecs.lookup(stream.encoding).name != "ascii"
    except LookupError:  # click then keeps the stream too, but be plain about it
        return False


def _readable_or_missing(arg: str) -> bool:
    """typer's check of a path argument: a path that exists must be readable."""
    try:
        os.stat(arg)
    except (OSError, ValueError):
        return True
    return os.access(arg, os.R_OK)


# The one option a plain line may hold, anywhere among the paths (click takes a flag
# wherever it stands before a ``--``, and a repeated flag is still set).
SKIP_FOREIGN = "--skip-foreign"


def _paths(args: list[str]) -> list[str]:
    return [a for a in args if a != SKIP_FOREIGN]


def plain(args: list[str]) -> bool:
    """Whether ``validate ARGS`` is a plain line (see the module's docstring)."""
    return (
        all(a and not a.startswith("-") and _readable_or_missing(a) for a in _paths(args))
        and _as_click_writes(sys.stdout)
        and _as_click_writes(sys.stderr)
    )


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except Exception:  # click's isatty: a stream that cannot tell is not a terminal
        return False


def echo(message: Any = None, *, err: bool = False) -> None:
    """``typer.echo(message, err=err)`` for a text message: a newline added, ANSI style
    codes stripped unless the stream is a terminal, written and flushed."""
    stream = sys.stderr if err else sys.stdout
    out = ("" if message is None else str(message)) + "\n"
    if "\033" in out and not _isatty(stream):
        import re

        out = re.sub(_ANSI, "", out)
    stream.write(out)
    stream.flush()


def _through_boundary(exc: BaseException) -> NoReturn:
    """Exit with the messages and the code the command's boundary gives for ``exc``."""
    import typer

    from salesmkt.cli.boundary import boundary

    def again() -> None:
        raise exc

    try:
        boundary(again)()
    except typer.Exit as done:  # what click's main turns into the process's exit code
        raise SystemExit(done.exit_code) from None
    raise AssertionError("unreachable: the boundary re-raises or exits")  # pragma: no cover


def run(args: list[str]) -> bool:
    """Run ``validate ARGS`` if it is a plain line (exiting with 1 when it fails): whether
    it ran."""
    if not plain(args):
        return False
    try:
        paths = [Path(a) for a in _paths(args)] or None
        every = validation.checked(paths, skip_foreign=SKIP_FOREIGN in args)
        failed = validation.report(every, "auto", strict=False, echo=echo)
    except (Exception, KeyboardInterrupt) as exc:
        _through_boundary(exc)
    if failed:
        sys.exit(1)
    return True
