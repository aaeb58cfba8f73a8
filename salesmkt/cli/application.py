"""The whole application: the commands of :mod:`~salesmkt.cli.commands` and those the
other command modules register on it, imported for that effect."""

from salesmkt.cli import (  # noqa: F401
    benchmark_commands,
    merge_commands,
    trend_commands,
    workshop_commands,
)
from salesmkt.cli.commands import app, main

__all__ = ["app", "main"]
