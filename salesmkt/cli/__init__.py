"""The command line, a front end: the only package that touches typer.

``commands`` declares the commands (``workshop_commands`` the workshop's: template, take,
room; ``benchmark_commands`` the benchmark store's),
``options`` their options (each once), ``console``
what they share (input and settings objects, format, printing) and ``boundary`` the one
place where the package's errors become one-line messages and exit codes.
"""

# Imported for their effect: they register template, take and room, trend (two or more
# waves), merge and the benchmark store's commands on the application.
from salesmkt.cli import (  # noqa: F401
    benchmark_commands,
    merge_commands,
    trend_commands,
    workshop_commands,
)
from salesmkt.cli.commands import app, main

__all__ = ["app", "main"]
