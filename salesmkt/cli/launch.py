"""The console script's entry point, light on purpose: a help request is answered from
:mod:`~salesmkt.cli.helpcache` when it can be, without importing typer; everything else
runs the application of :mod:`~salesmkt.cli.application`.

A command line that starts with one of :data:`CORE_COMMANDS`, the commands
:mod:`~salesmkt.cli.commands` declares itself, is run by that module's app alone: the
other command modules (benchmark, merge, trend, workshop) only register commands of
their own on it, so importing them and building their commands would change nothing of
such a run but its start-up time. Such a run holds the garbage collector back during
its start-up (:mod:`~salesmkt.cli.collector`), and typer builds that one command (with
the root's options) instead of all of them. ``validate`` followed by nothing but paths
runs without typer (:mod:`~salesmkt.cli.validate_line`). Every run but a stored help
uses one OpenBLAS thread unless the user chose otherwise
(:mod:`~salesmkt.cli.blas_threads`).
"""

from __future__ import annotations

import sys

# The commands (and command groups) of salesmkt/cli/commands.py; a test checks this
# list against that module's app.
CORE_COMMANDS = frozenset(
    {
        "compare",
        "evidence",
        "gaps",
        "questionnaires",
        "recommend",
        "report",
        "schema",
        "score",
        "validate",
    }
)


def main() -> None:
    """Console-script entry point."""
    args = sys.argv[1:]
    if args and args[-1] == "--help":  # the cache's imports (json, hashlib) only then
        from salesmkt.cli import helpcache

        if helpcache.help_request(args):
            helpcache.serve(args, _run)
            return
    _run()


def _run() -> None:
    from salesmkt.cli import blas_threads, pydantic_plugins

    blas_threads.one_thread()  # before numpy's import, when OpenBLAS reads it

    pydantic_plugins.install()  # before pydantic builds its first validator
    if sys.argv[1:2] and sys.argv[1] in CORE_COMMANDS:
        from salesmkt.cli import collector

        collector.hold()  # before the imports: see collector
        if sys.argv[1] == "validate":  # a plain line runs without typer: see validate_line
            from salesmkt.cli import validate_line

            if validate_line.run(sys.argv[2:]):
                return
        from salesmkt.cli.commands import main as run_core

        run_core(only=sys.argv[1])
        return
    from salesmkt.cli.application import main as run_application

    run_application()
