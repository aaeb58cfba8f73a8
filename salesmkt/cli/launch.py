"""The console script's entry point, light on purpose: a help request is answered from
:mod:`~salesmkt.cli.helpcache` when it can be, without importing typer; everything else
runs the application of :mod:`~salesmkt.cli.application`."""

from __future__ import annotations

import sys


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
    from salesmkt.cli.application import main as run_application

    run_application()
