"""The one error boundary: the package's errors become one-line messages and exit codes.

Vocabulary: every command runs inside :func:`boundary`. A
:class:`~salesmkt.errors.SalesmktError` prints ``salesmkt: error: MESSAGE`` (and its
*problems*, one per line, at most 200) and exits with the error's code (1 bad input, 2
usage); anything else is an *internal error*, still one line. ``--debug`` (``STATE``)
lets the traceback through instead.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer

from salesmkt.errors import SalesmktError

P = ParamSpec("P")
R = TypeVar("R")

STATE = {"debug": False}


def error(message: str) -> None:
    typer.echo(f"salesmkt: error: {message}", err=True)


def boundary(func: Callable[P, R]) -> Callable[P, R]:
    """Turn the package's errors into one-line messages and exit codes."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except SalesmktError as exc:
            if STATE["debug"]:
                raise
            error(str(exc))
            for line in getattr(exc, "problems", [])[:200]:
                typer.echo(line, err=True)
            extra = len(getattr(exc, "problems", [])) - 200
            if extra > 0:
                typer.echo(f"… and {extra} more", err=True)
            raise typer.Exit(exc.exit_code) from None
        except Exception as exc:  # the last line of defence: never show a traceback
            if STATE["debug"]:
                raise
            error(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)")
            raise typer.Exit(1) from None

    return wrapper
