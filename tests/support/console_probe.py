"""A script that runs salesmkt's console entry point in a fresh interpreter and, however
the command ends, prints one more line on stderr about the process (what it imported,
what it compiled), for the start-up tests."""

from __future__ import annotations


def console_probe(report: str) -> str:
    """The script's text: ``main()`` as the console script calls it, then ``report`` (one
    Python statement, which prints to stderr) in a ``finally``."""
    return (
        "import sys\n"
        "sys.argv[0] = 'salesmkt'\n"
        "from salesmkt.cli import main\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        f"    {report}\n"
    )
