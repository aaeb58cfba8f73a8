"""The one error boundary: the package's errors become one-line messages and exit codes.

Vocabulary: every command runs inside :func:`boundary`. A
:class:`~salesmkt.errors.SalesmktError` prints ``salesmkt: error: MESSAGE`` (and its
*problems*, one per line, at most 200) and exits with the error's code (1 bad input, 2
usage); a closed stdout (``| head``) ends quietly and a full one (``> /dev/full``) with
one line, both exit 1; anything else is an *internal error*, still one line. ``--debug`` (``STATE``)
lets the traceback through instead.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import io
import os
import sys
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer

from salesmkt.errors import SalesmktError

P = ParamSpec("P")
R = TypeVar("R")

STATE = {"debug": False}


def visible(text: str) -> str:
    """Control characters shown, not sent (imported here, on an error only: a run that
    succeeds needs no escaping and ``validate`` would load ``html`` for nothing)."""
    from salesmkt.render.text import visible as shown

    return shown(text)


def error(message: str) -> None:
    with contextlib.suppress(OSError):  # stderr itself gone: nothing more can be said
        typer.echo(f"salesmkt: error: {visible(message)}", err=True)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the flush at exit cannot fail a second time."""
    with contextlib.suppress(OSError, ValueError, AttributeError, io.UnsupportedOperation):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _internal(exc: Exception) -> BaseException:
    """The exception to raise for an unexpected error: itself under --debug, else exit 1."""
    if STATE["debug"]:
        return exc
    error(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)")
    return typer.Exit(1)


def boundary(func: Callable[P, R]) -> Callable[P, R]:
    """Turn the package's errors into one-line messages and exit codes."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except KeyboardInterrupt:  # Ctrl-C: every output is atomic, so nothing half-written
            if STATE["debug"]:
                raise
            error("interrupted; nothing was written")
            raise typer.Exit(130) from None
        except SalesmktError as exc:
            if STATE["debug"]:
                raise
            error(str(exc))
            for line in getattr(exc, "problems", [])[:200]:
                # Problems quote cells and file text: control characters are shown, not sent.
                typer.echo(visible(str(line)), err=True)
            extra = len(getattr(exc, "problems", [])) - 200
            if extra > 0:
                typer.echo(f"… and {extra} more", err=True)
            raise typer.Exit(exc.exit_code) from None
        except BrokenPipeError:  # the reader went away (| head): stop quietly
            if STATE["debug"]:
                raise
            _silence_stdout()
            raise typer.Exit(1) from None
        except OSError as exc:
            if STATE["debug"] or exc.errno not in (errno.ENOSPC, errno.EIO):
                raise _internal(exc) from None
            _silence_stdout()  # a full disk or a dead terminal: say so in one line
            error(f"cannot write the output: {exc.strerror or exc}")
            raise typer.Exit(1) from None
        except Exception as exc:  # the last line of defence: never show a traceback
            raise _internal(exc) from None

    return wrapper
