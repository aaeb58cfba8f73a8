"""The command line, a front end: the only package that touches typer.

``commands`` declares the commands (``workshop_commands`` the workshop's: template, take,
room; ``benchmark_commands`` the benchmark store's),
``options`` their options (each once), ``console``
what they share (input and settings objects, format, printing) and ``boundary`` the one
place where the package's errors become one-line messages and exit codes.
``application`` gathers them into the one :data:`app`; ``launch`` is the console
script's light entry point (a repeated ``--help`` is served by ``helpcache``).

Importing this package imports no typer: :data:`app` is loaded on first use, so that the
entry point can answer a stored help without it.
"""

from __future__ import annotations

from salesmkt.cli.launch import main

TYPE_CHECKING = False  # the typing module is not imported at run time (see helpcache)
if TYPE_CHECKING:
    from typing import Any

    from salesmkt.cli.application import app


def __getattr__(name: str) -> Any:
    # The application (typer, every command module) only when it is asked for.
    if name == "app":
        from salesmkt.cli.application import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["app", "main"]
