"""The command line, a front end: the only package that touches typer.

``commands`` declares the commands (``workshop_commands`` the workshop's: template, take,
room; ``benchmark_commands`` the benchmark store's),
``options`` their options (each once), ``console``
what they share (input and settings objects, format, printing) and ``boundary`` the one
place where the package's errors become one-line messages and exit codes.
"""

# Imported for its effect: it registers template, take and room on the application.
from salesmkt.cli import benchmark_commands, merge_commands, workshop_commands  # noqa: F401
from salesmkt.cli.commands import app, main

__all__ = ["app", "main"]
