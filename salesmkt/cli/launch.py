"""The console script's entry point, light on purpose: a help request is answered from
:mod:`~salesmkt.cli.helpcache` when it can be, without importing typer; everything else
runs the application of :mod:`~salesmkt.cli.application`."""

from __future__ import annotations

import sys

from salesmkt.cli import helpcache


def main() -> None:
    """Console-script entry point."""
    args = sys.argv[1:]
    if helpcache.help_request(args):
        helpcache.serve(args, _run)
    else:
        _run()


def _run() -> None:
    from salesmkt.cli.application import main as run_application

    run_application()
