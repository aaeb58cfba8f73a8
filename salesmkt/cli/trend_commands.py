"""The ``trend`` command, on the same application as :mod:`.commands`: two or more survey
waves in order, with the steps that are larger than their noise. Like every command it
runs inside the one error boundary and imports the analysis only when it runs.
"""

# No ``from __future__ import annotations`` here: typer reads these signatures, and a
# string annotation costs it a compile and an eval (0.02 s at start-up, all commands).

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from salesmkt.cli import console as out
from salesmkt.cli.boundary import boundary
from salesmkt.cli.commands import app
from salesmkt.cli.options import (
    ByOpt,
    DropInvalidOpt,
    GapsFormatOpt,
    GroupColumnOpt,
    HeaderRowsOpt,
    MapOpt,
    MaxMissingOpt,
    MinGroupSizeOpt,
    ReaderLangOpt,
    RespondentColumnOpt,
    SheetOpt,
    TableOutputOpt,
    WaveQuestionnaireOpt,
)


class StepAdjust(StrEnum):
    holm = "holm"
    bh = "bh"
    none = "none"


WavesArg = Annotated[
    list[Path],
    typer.Argument(
        help="Two or more waves in order, oldest first: responses files or score JSONs.",
        show_default=False,
    ),
]
WaveLabelOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--wave",
        metavar="LABEL",
        help="A wave's label, repeated once per file in order [default: each file's stem].",
    ),
]
StepAdjustOpt = Annotated[
    StepAdjust,
    typer.Option(
        "--adjust",
        help="p-value adjustment across each line's steps: holm, bh (Benjamini-Hochberg) or none.",
    ),
]
ChartOpt = Annotated[
    Path | None,
    typer.Option("--chart", metavar="FILE", help="Also write the trend chart as SVG; atomic."),
]


@app.command()
@boundary
def trend(
    files: WavesArg,
    wave: WaveLabelOpt = None,
    questionnaire: WaveQuestionnaireOpt = None,
    mapping: MapOpt = None,
    group_column: GroupColumnOpt = None,
    respondent_column: RespondentColumnOpt = None,
    drop_invalid: DropInvalidOpt = False,
    header_rows: HeaderRowsOpt = None,
    sheet: SheetOpt = None,
    max_missing: MaxMissingOpt = 0.2,
    min_group_size: MinGroupSizeOpt = 5,
    by: ByOpt = None,
    adjust: StepAdjustOpt = StepAdjust.holm,
    fmt: GapsFormatOpt = None,
    output: TableOutputOpt = None,
    chart: ChartOpt = None,
    lang: ReaderLangOpt = None,
) -> None:
    """The trend across two or more survey waves of one questionnaire, in the order given.

    For every wave: the overall score and each group's mean total with 95% intervals and
    stages, the Sales - Marketing gap and the dimension lines; for each step (and first to
    last) whether the change is larger than its noise. Exit 0 when computed, 1 when the
    files cannot be compared or read, 2 on a usage error (fewer than two files).
    """
    from salesmkt.pipeline import trend as run  # pandas and scipy: not at start-up

    chosen = out.pick_format(fmt, output, "trend")
    ref = run.trend_questionnaire(files, questionnaire)
    labels = run.wave_labels(files, wave)
    reading = (mapping, group_column, respondent_column, drop_invalid, header_rows, sheet)
    source = out.source(files[0], ref, *reading)
    inputs = [*source.inputs(), *files[1:]]
    out.check_output(output, inputs)
    out.check_output(chart, inputs)
    settings = out.settings(min_group_size=min_group_size, max_missing=max_missing, by=by)
    with out.reading(lang, chosen):
        result = run.trend(source, files, labels, settings, adjust.value)
        out.show("trend", chosen, result, output, inputs)
    if chart is not None:
        from salesmkt.render.outputs import write_atomic
        from salesmkt.render.trend_chart import trend_svg

        with out.reading(lang, "svg"):  # a chart is for people, whatever --format says
            svg = trend_svg(result)
        write_atomic(chart, svg, inputs=inputs)
        typer.echo(f"salesmkt: wrote {chart}", err=True)
