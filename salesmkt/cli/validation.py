"""What ``salesmkt validate`` does, without typer: shared by the command
(:func:`salesmkt.cli.commands.validate`) and the plain line's path
(:mod:`salesmkt.cli.validate_line`), so that the two cannot drift apart.

Vocabulary: :func:`checked` gives one *file report* per file named (or per built-in file
when none is), raising the package's errors before anything is written;
:func:`report` writes them through an *echo* (``typer.echo``, or the plain line's
copy of it) and tells whether the run *failed*: an error, or with ``strict`` a warning
(exit code 1; else 0).
"""

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from salesmkt.errors import SalesmktError

if TYPE_CHECKING:
    from salesmkt.definitions.checks import FileReport
    from salesmkt.definitions.diagnostics import Format

# typer.echo's signature, as far as validate uses it.
Echo = Callable[..., None]


def _expand(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in {".yaml", ".yml"})
        else:
            files.append(path)
    return files


def checked(paths: Sequence[Path] | None, *, skip_foreign: bool) -> "list[FileReport]":
    """Every file checked; ``paths`` None or empty: the built-in files."""
    from salesmkt.definitions.builtin import builtin_paths, translation_paths
    from salesmkt.definitions.kinds import check_any_file

    files = _expand(paths) if paths else builtin_paths("questionnaires") + builtin_paths("rules")
    files += [] if paths else translation_paths("questionnaires") + translation_paths("rules")
    if not files:
        raise SalesmktError("no YAML files to validate")
    return [check_any_file(f, skip_foreign=skip_foreign) for f in files]


def report(every: "list[FileReport]", fmt: "Format", *, strict: bool, echo: Echo) -> bool:
    """Write the skipped files, the diagnostics and the summary; whether the run failed."""
    from salesmkt.definitions.diagnostics import render, resolve_format

    for r in every:
        if r.skipped:
            echo(f"{r.path}: skipped: not a questionnaire or rules file", err=True)
    reports = [r for r in every if not r.skipped]
    diags = [d for r in reports for d in r.diagnostics]
    chosen = resolve_format(fmt)
    if chosen == "json" or diags:
        echo(render(diags, chosen))
    errors = sum(d.level == "error" for d in diags)
    warnings = len(diags) - errors
    bad = sum(not r.ok for r in reports)
    skipped = f", {len(every) - len(reports)} skipped" if len(every) > len(reports) else ""
    echo(
        f"{len(reports)} file(s) checked: {len(reports) - bad} valid, {bad} invalid; "
        f"{errors} error(s), {warnings} warning(s){skipped}",
        err=True,
    )
    return bool(errors or (strict and warnings))
