"""``salesmkt merge``: several responses files (one per language, say) into one.

The work is :func:`salesmkt.pipeline.merge.merge` (typer-free); this module only declares
the command and its options.
"""

# No ``from __future__ import annotations`` here: typer reads these signatures, and a
# string annotation costs it a compile and an eval (0.02 s at start-up, all commands).

from pathlib import Path
from typing import Annotated

import typer

from salesmkt.cli import console as out
from salesmkt.cli.boundary import boundary
from salesmkt.cli.commands import app
from salesmkt.cli.options import DropInvalidOpt, QuestionnaireOpt


@app.command()
@boundary
def merge(
    files: Annotated[
        list[Path],
        typer.Argument(help="Two or more responses files (CSV, TSV, text or .xlsx)."),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="The merged .csv to write.")],
    questionnaire: QuestionnaireOpt = "alignment",
    language: Annotated[
        list[str] | None,
        typer.Option(
            "--language",
            help="Each file's language tag, once per file in order (default: told from "
            "the item headers, 'und' when they are item ids).",
        ),
    ] = None,
    drop_invalid: DropInvalidOpt = False,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Merge responses files, in any of the questionnaire's languages, into one CSV.

    Every file is read and checked as score reads it; the merged file holds each
    respondent's group, a language column (for score --by language), every segment and
    comment column, and the points answered per item id.
    """
    from salesmkt.pipeline.merge import merge as run

    sources = [out.source(f, questionnaire, None, None, None, drop_invalid) for f in files]
    done = run(sources, output, languages=language or None, force=force)
    for path, lang, n in done.parts:
        typer.echo(f"{path}: {n} respondent(s), language {lang}", err=True)
    out.wrote(output)
