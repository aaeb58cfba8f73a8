"""The command line, a front end: the only package that touches typer.

``commands`` declares the commands, ``options`` their options (each once), ``console``
what they share (input and settings objects, format, printing) and ``boundary`` the one
place where the package's errors become one-line messages and exit codes.
"""

from salesmkt.cli.commands import app, main

__all__ = ["app", "main"]
