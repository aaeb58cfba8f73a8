"""The command line: the only module that touches typer.

Each command parses its options, calls the core, renders the result and exits with a
documented code: 0 ok, 1 findings or invalid input, 2 usage error. Every command runs
inside :func:`_boundary`, the one place where the package's errors become one-line
messages (``--debug`` shows the traceback instead).

Heavy libraries (pandas, scipy, matplotlib) are imported inside the commands that need
them, so ``salesmkt --help`` and ``salesmkt validate`` start fast.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer

from salesmkt import __version__
from salesmkt.errors import SalesmktError, UsageError
from salesmkt.intake.source import ResponseSource
from salesmkt.render.registry import TERMINAL, Subject, formats, renderer

P = ParamSpec("P")
R = TypeVar("R")

app = typer.Typer(
    name="salesmkt",
    help="Diagnose how well Sales and Marketing work together, and how to move up a stage.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
)
questionnaires_app = typer.Typer(
    help="List the built-in questionnaires, or show one as a printable form.",
    invoke_without_command=True,
)
app.add_typer(questionnaires_app, name="questionnaires")

_state = {"debug": False}


def _err(message: str) -> None:
    typer.echo(f"salesmkt: error: {message}", err=True)


def _boundary(func: Callable[P, R]) -> Callable[P, R]:
    """Turn the package's errors into one-line messages and exit codes."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except SalesmktError as exc:
            if _state["debug"]:
                raise
            _err(str(exc))
            for line in getattr(exc, "problems", [])[:200]:
                typer.echo(line, err=True)
            extra = len(getattr(exc, "problems", [])) - 200
            if extra > 0:
                typer.echo(f"… and {extra} more", err=True)
            raise typer.Exit(exc.exit_code) from None
        except Exception as exc:  # the last line of defence: never show a traceback
            if _state["debug"]:
                raise
            _err(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)")
            raise typer.Exit(1) from None

    return wrapper


def _version(value: bool) -> None:
    if value:
        typer.echo(f"salesmkt {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback when something fails.")
    ] = False,
) -> None:
    """Diagnose how well Sales and Marketing work together, and how to move up a stage.

    Exit codes: 0 ok, 1 findings or invalid input, 2 usage error.
    """
    _state["debug"] = debug


# -- validate / schema / questionnaires ----------------------------------------------


class DiagFormat(StrEnum):
    auto = "auto"
    text = "text"
    json = "json"
    github = "github"


def _expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in {".yaml", ".yml"})
        else:
            files.append(path)
    return files


@app.command()
@_boundary
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Questionnaire or rules files, or folders of them. Default: the built-in ones."
        ),
    ] = None,
    fmt: Annotated[
        DiagFormat, typer.Option("--format", "-f", help="text, json, github annotations, or auto.")
    ] = DiagFormat.auto,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too.")] = False,
) -> None:
    """Check questionnaire and rules files: YAML safety, schema and meaning.

    Prints every problem as file:line:col: [level] code: message. Exit 0 when all files
    are valid, 1 when any is not.
    """
    from salesmkt.definitions.builtin import builtin_paths
    from salesmkt.definitions.diagnostics import render, resolve_format
    from salesmkt.definitions.kinds import check_any_file

    files = _expand(paths) if paths else builtin_paths("questionnaires") + builtin_paths("rules")
    if not files:
        raise SalesmktError("no YAML files to validate")
    reports = [check_any_file(f) for f in files]
    diags = [d for r in reports for d in r.diagnostics]
    chosen = resolve_format(fmt.value)
    if chosen == "json" or diags:
        typer.echo(render(diags, chosen))
    errors = sum(d.level == "error" for d in diags)
    warnings = len(diags) - errors
    bad = sum(not r.ok for r in reports)
    typer.echo(
        f"{len(reports)} file(s) checked: {len(reports) - bad} valid, {bad} invalid; "
        f"{errors} error(s), {warnings} warning(s)",
        err=True,
    )
    if errors or (strict and warnings):
        raise typer.Exit(1)


class SchemaKind(StrEnum):
    questionnaire = "questionnaire"
    rules = "rules"
    assessment = "assessment"


@app.command()
@_boundary
def schema(
    kind: Annotated[
        SchemaKind, typer.Argument(help="questionnaire, rules, or assessment (score's JSON).")
    ] = SchemaKind.questionnaire,
) -> None:
    """Print the JSON Schema of a file format, for editors and other tools."""
    from salesmkt.definitions.schemas import schema_text

    typer.echo(schema_text(kind.value))


@questionnaires_app.callback()
@_boundary
def questionnaires_list(ctx: typer.Context) -> None:
    """List the built-in questionnaires: id, version, title, item count."""
    if ctx.invoked_subcommand is not None:
        return
    from rich.table import Table

    from salesmkt.definitions import questionnaire_load as qmod
    from salesmkt.definitions.builtin import builtin_paths

    table = Table("id", "version", "title", "items", "scale")
    for path in builtin_paths():
        q = qmod.load(path)
        s = q.scale
        scale = (
            f"{s.min}–{s.max}"
            if s.type == "numeric"
            else "choice: " + "/".join(o.id for o in s.options)
        )
        table.add_row(q.id, q.version, q.title, str(len(q.items)), scale)
    _console().print(table)


class ShowFormat(StrEnum):
    text = "text"
    markdown = "markdown"


@questionnaires_app.command("show")
@_boundary
def questionnaires_show(
    ref: Annotated[str, typer.Argument(help="A built-in id or a path to a YAML file.")],
    fmt: Annotated[ShowFormat, typer.Option("--format", "-f")] = ShowFormat.text,
) -> None:
    """Print one questionnaire as a readable, printable form."""
    from salesmkt.definitions import questionnaire_load as qmod
    from salesmkt.render.forms import questionnaire_markdown

    q = qmod.load(ref)
    text = questionnaire_markdown(q)
    if fmt is ShowFormat.markdown:
        typer.echo(text)
    else:
        from rich.markdown import Markdown

        _console().print(Markdown(text))


# -- score / gaps (responses in, assessment out) ------------------------------------
# (score and gaps commands go here)

if TYPE_CHECKING:
    from salesmkt.model.assessment import Settings

# Input options shared by every command that reads a responses file (score, gaps,
# recommend, report): declare them with these aliases and build a ResponseInput.
ResponsesArg = Annotated[
    Path,
    typer.Argument(
        help="Responses file: CSV, TSV, text (any encoding) or .xlsx.", show_default=False
    ),
]
QuestionnaireOpt = Annotated[
    str,
    typer.Option("--questionnaire", "-q", help="Built-in questionnaire id or a YAML file."),
]
MapOpt = Annotated[
    Path | None,
    typer.Option("--map", help="YAML mapping of item ids (and 'group') to column headers."),
]
GroupColumnOpt = Annotated[
    str | None,
    typer.Option("--group-column", help="The column that holds each respondent's group."),
]
RespondentColumnOpt = Annotated[
    str | None, typer.Option("--respondent-column", help="The column that holds respondent codes.")
]
DropInvalidOpt = Annotated[
    bool,
    typer.Option(
        "--drop-invalid",
        help="Exclude respondents with invalid data (each named, with why) instead of failing.",
    ),
]
MaxMissingOpt = Annotated[
    float,
    typer.Option(
        "--max-missing",
        min=0.0,
        max=1.0,
        help="Largest share of items a respondent may leave unanswered and still be scored.",
    ),
]
MinGroupSizeOpt = Annotated[
    int,
    typer.Option(
        "--min-group-size",
        min=1,
        help="Anonymity threshold: groups and segments smaller than this show only their n.",
    ),
]
ByOpt = Annotated[
    list[str] | None,
    typer.Option("--by", help="Break every figure down by this column (repeatable)."),
]
GapThresholdOpt = Annotated[
    float,
    typer.Option(
        "--gap-threshold", min=0.0, help="Flag items whose group means differ by this much."
    ),
]


# The advice inputs, shared by recommend and report.
RulesOpt = Annotated[
    str | None,
    typer.Option("--rules", help="Rules file: a path or a shipped id (default: moving-up)."),
]
SituationOpt = Annotated[
    Path | None,
    typer.Option("--situation", help="need-to-align answers (YAML, CSV or XLSX): stay or move up?"),
]
ChecklistOpt = Annotated[
    Path | None,
    typer.Option("--checklist", help="integration-checklist answers (YAML, CSV or XLSX)."),
]
FunnelOpt = Annotated[
    Path | None,
    typer.Option(
        "--funnel", help="buying-funnel answers (YAML, CSV or XLSX; several respondents ok)."
    ),
]


# The output formats each subject offers (the renderer registry has the same lists; a test
# keeps them equal).
class ScoreFormat(StrEnum):
    terminal = "terminal"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class TextFormat(StrEnum):
    terminal = "terminal"
    json = "json"
    markdown = "markdown"


class AdjustMethod(StrEnum):
    holm = "holm"
    bh = "bh"
    none = "none"


ScoreFormatOpt = Annotated[
    ScoreFormat | None,
    typer.Option(
        "--format", "-f", help="terminal (default), json, csv (per respondent) or markdown."
    ),
]
GapsFormatOpt = Annotated[
    ScoreFormat | None,
    typer.Option("--format", "-f", help="terminal (default), json, csv or markdown."),
]
TextFormatOpt = Annotated[
    TextFormat | None,
    typer.Option("--format", "-f", help="terminal (default), json or markdown."),
]
TableOutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file (.json, .csv or .md); atomic."),
]
TextOutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file (.json or .md); atomic."),
]
AdjustOpt = Annotated[
    AdjustMethod,
    typer.Option("--adjust", help="p-value adjustment across items: holm, bh or none."),
]
MidpointOpt = Annotated[
    float | None,
    typer.Option("--midpoint", help="Quadrant midpoint on the answer scale [default: its middle]."),
]
GapsSeedOpt = Annotated[
    int, typer.Option("--seed", help="Seed of the bootstrap intervals (same seed, same CI).")
]
CompareSeedOpt = Annotated[int, typer.Option("--seed", help="Seed of the bootstrap intervals.")]
NBootOpt = Annotated[
    int, typer.Option("--n-boot", min=100, help="Bootstrap resamples per interval.")
]
AdviceFileArg = Annotated[
    Path | None,
    typer.Argument(
        help="Responses file (scored on the fly) or an assessment JSON from "
        "'score --format json'. Leave out with --stage to print the playbook.",
        show_default=False,
    ),
]
StageOpt = Annotated[
    str | None,
    typer.Option(
        "--stage",
        help="The stage to move up from (undefined, defined, aligned). Without FILE: "
        "print that stage's playbook; with FILE: plan from this stage instead of the "
        "scored one.",
    ),
]
TopOpt = Annotated[
    int,
    typer.Option(
        "--top", min=0, help="Show the N highest-priority actions (0: all); the rest are counted."
    ),
]
BeforeArg = Annotated[
    Path,
    typer.Argument(help="The earlier wave: a responses file or a score JSON.", show_default=False),
]
AfterArg = Annotated[
    Path,
    typer.Argument(help="The later wave: a responses file or a score JSON.", show_default=False),
]
WaveQuestionnaireOpt = Annotated[
    str | None,
    typer.Option(
        "--questionnaire",
        "-q",
        help="Built-in id or YAML file (default: the one a JSON wave names, else alignment).",
    ),
]


def _settings(
    *,
    min_group_size: int = 3,
    max_missing: float = 0.2,
    gap_threshold: float = 1.0,
    by: list[str] | None = None,
    **extra: Any,
) -> Settings:
    from salesmkt.model.assessment import Settings

    return Settings(
        min_group_size=min_group_size,
        max_missing=max_missing,
        gap_threshold=gap_threshold,
        by=list(by or []),
        **extra,
    )


def _write_or_echo(text: str, output: Path | None, inputs: list[Path]) -> None:
    """Print ``text``, or write it atomically to ``output`` (never over an input)."""
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
        return
    from salesmkt.render.outputs import write_atomic

    write_atomic(output, text, inputs=inputs)
    typer.echo(f"salesmkt: wrote {output}", err=True)


_SUFFIX_FORMATS = {".json": "json", ".csv": "csv", ".md": "markdown", ".markdown": "markdown"}


def _pick_format(fmt: StrEnum | None, output: Path | None, subject: Subject) -> str:
    """The output format: --format, else the --output suffix, else the terminal.

    The terminal view cannot be written to a file; the registry says which formats can.
    """
    allowed = formats(subject, files_only=True)
    if output is None:
        return fmt.value if fmt is not None else TERMINAL
    if fmt is not None:
        if fmt.value not in allowed:
            raise UsageError(
                f"--format {fmt.value} cannot be written to a file; use {_or(allowed)}"
            )
        return fmt.value
    chosen = _SUFFIX_FORMATS.get(output.suffix.lower())
    if chosen is None or chosen not in allowed:
        suffixes = [".md" if a == "markdown" else f".{a}" for a in allowed]
        raise UsageError(
            f"--output {output}: cannot tell the format from {output.suffix or 'no suffix'!r}; "
            f"use {_or(suffixes)}, or give --format"
        )
    return chosen


def _source(
    path: Path,
    questionnaire: str,
    mapping: Path | None,
    group_column: str | None,
    respondent_column: str | None,
    drop_invalid: bool,
) -> ResponseSource:
    """The one input object, from the shared input options."""
    return ResponseSource(
        path,
        questionnaire=questionnaire,
        mapping=mapping,
        group_column=group_column,
        respondent_column=respondent_column,
        drop_invalid=drop_invalid,
    )


def _check_output(output: Path | None, inputs: list[Path]) -> None:
    """Refuse an --output that is one of the inputs, before any work is done."""
    if output is not None:
        from salesmkt.render.outputs import check_output

        check_output(output, inputs=inputs)


def _show(
    subject: Subject, chosen: str, view: Any, output: Path | None, inputs: list[Path]
) -> None:
    """Render ``view`` with the registry's renderer: on the console, or as text."""
    shown = renderer(subject, chosen)(view)
    if chosen == TERMINAL:
        _console().print(shown)
    else:
        _write_or_echo(shown, output, inputs)


def _notes(notes: list[str]) -> None:
    for note in notes:
        typer.echo(note, err=True)


def _or(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


@app.command()
@_boundary
def score(
    file: ResponsesArg,
    questionnaire: QuestionnaireOpt = "alignment",
    mapping: MapOpt = None,
    group_column: GroupColumnOpt = None,
    respondent_column: RespondentColumnOpt = None,
    drop_invalid: DropInvalidOpt = False,
    max_missing: MaxMissingOpt = 0.2,
    min_group_size: MinGroupSizeOpt = 3,
    by: ByOpt = None,
    gap_threshold: GapThresholdOpt = 1.0,
    fmt: ScoreFormatOpt = None,
    output: TableOutputOpt = None,
) -> None:
    """Score a responses file: data-quality gate, group figures, overall stage, gaps.

    Exit 0 when scored (warnings included), 1 when the data-quality gate fails (every
    problem is listed as file:row:column: message), 2 on a usage error.
    """
    from salesmkt.pipeline import runs  # numpy and pydantic: not at start-up

    chosen = _pick_format(fmt, output, "score")
    source = _source(file, questionnaire, mapping, group_column, respondent_column, drop_invalid)
    _check_output(output, source.inputs())
    settings = _settings(
        min_group_size=min_group_size, max_missing=max_missing, gap_threshold=gap_threshold, by=by
    )
    _show("score", chosen, runs.score(source, settings), output, source.inputs())


@app.command()
@_boundary
def gaps(
    file: ResponsesArg,
    questionnaire: QuestionnaireOpt = "alignment",
    mapping: MapOpt = None,
    group_column: GroupColumnOpt = None,
    respondent_column: RespondentColumnOpt = None,
    drop_invalid: DropInvalidOpt = False,
    max_missing: MaxMissingOpt = 0.2,
    min_group_size: MinGroupSizeOpt = 3,
    gap_threshold: GapThresholdOpt = 1.0,
    adjust: AdjustOpt = AdjustMethod.holm,
    midpoint: MidpointOpt = None,
    seed: GapsSeedOpt = 2006,
    fmt: GapsFormatOpt = None,
    output: TableOutputOpt = None,
) -> None:
    """Perception gaps between the compared groups, item by item, largest first.

    FILE is a responses file, or an assessment JSON saved by 'score' (shown as saved).

    Each item shows both means, the gap with its 95% bootstrap interval, a diverging bar,
    the quadrant, the effect size in words, the adjusted p-value and whether the data
    back the gap; then dimensions, the total, borderline stages, reliability and
    agreement. Exit 0 when computed, 1 when the data-quality gate fails, 2 on a usage
    error.
    """
    from salesmkt.pipeline import runs  # numpy and pydantic: not at start-up

    chosen = _pick_format(fmt, output, "gaps")
    source = _source(file, questionnaire, mapping, group_column, respondent_column, drop_invalid)
    _check_output(output, source.inputs())
    settings = _settings(
        min_group_size=min_group_size,
        max_missing=max_missing,
        gap_threshold=gap_threshold,
        adjust=adjust.value,
        midpoint=midpoint,
        seed=seed,
    )
    run = runs.gaps(source, settings)
    _notes(run.notes)
    _show("gaps", chosen, run.view, output, source.inputs())


# -- recommend (rules) ---------------------------------------------------------------
# (recommend command goes here)


def _stdin_is_tty() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):  # closed or replaced stdin
        return False


@app.command()
@_boundary
def recommend(
    file: AdviceFileArg = None,
    stage: StageOpt = None,
    rules: RulesOpt = None,
    situation: SituationOpt = None,
    checklist: ChecklistOpt = None,
    funnel: FunnelOpt = None,
    top: TopOpt = 10,
    questionnaire: QuestionnaireOpt = "alignment",
    mapping: MapOpt = None,
    group_column: GroupColumnOpt = None,
    respondent_column: RespondentColumnOpt = None,
    drop_invalid: DropInvalidOpt = False,
    max_missing: MaxMissingOpt = 0.2,
    min_group_size: MinGroupSizeOpt = 3,
    gap_threshold: GapThresholdOpt = 1.0,
    fmt: TextFormatOpt = None,
    output: TextOutputOpt = None,
) -> None:
    """Say whether to move up a stage, then the actions that the results call for.

    Each action shows the evidence that fired it. Without --situation, the need-to-align
    questions are asked at the terminal; when stdin is not a terminal the stay-or-move-up
    advice is left out (and said to be missing). JSON output is the assessment with its
    'advice' filled in, for 'report'. Exit 0 on success, 1 on invalid input, 2 on a
    usage error.
    """
    from salesmkt.pipeline import runs  # numpy and pydantic: not at start-up

    chosen = _pick_format(fmt, output, "advice")
    request = runs.AdviceRequest(rules, situation, checklist, funnel, stage, top)
    if file is None:
        if stage is None:
            raise UsageError(
                "give a responses file or assessment JSON, or --stage STAGE for the playbook"
            )
        run = runs.playbook(request)
    else:
        source = _source(
            file, questionnaire, mapping, group_column, respondent_column, drop_invalid
        )
        _check_output(output, runs.advice_inputs(request, source))
        settings = _settings(
            min_group_size=min_group_size, max_missing=max_missing, gap_threshold=gap_threshold
        )
        from salesmkt.workshop.ask import ask_situation

        run = runs.recommend(source, settings, request, ask_situation if _stdin_is_tty() else None)
    _notes(run.notes)
    _show("advice", chosen, run.view, output, run.inputs)


# -- report (HTML / Markdown workshop report) -----------------------------------------
# (report command goes here)


def _report_date() -> str:
    """Today, or the date in SOURCE_DATE_EPOCH so a rebuilt report is byte-identical."""
    import datetime as dt
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date().isoformat()
    return dt.date.today().isoformat()


@app.command()
@_boundary
def report(
    file: Annotated[
        Path,
        typer.Argument(
            help="Responses file (CSV, TSV, text or .xlsx) or an assessment JSON from "
            "'score --format json' or 'recommend --format json'.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="The report: .html (one self-contained page) or .md; atomic."
        ),
    ],
    questionnaire: QuestionnaireOpt = "alignment",
    mapping: MapOpt = None,
    group_column: GroupColumnOpt = None,
    respondent_column: RespondentColumnOpt = None,
    drop_invalid: DropInvalidOpt = False,
    max_missing: MaxMissingOpt = 0.2,
    min_group_size: MinGroupSizeOpt = 3,
    by: ByOpt = None,
    gap_threshold: GapThresholdOpt = 1.0,
    rules: RulesOpt = None,
    situation: SituationOpt = None,
    checklist: ChecklistOpt = None,
    funnel: FunnelOpt = None,
    charts_dir: Annotated[
        Path | None,
        typer.Option("--charts", help="Also write each chart as PNG and SVG into this folder."),
    ] = None,
    min_comment_group: Annotated[
        int,
        typer.Option(
            "--min-comment-group", min=1, help="Show comments only for groups at least this big."
        ),
    ] = 5,
    no_comments: Annotated[
        bool, typer.Option("--no-comments", help="Leave the free-text comments out.")
    ] = False,
    title: Annotated[
        str | None, typer.Option("--title", help="The report's title (e.g. the client's name).")
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            help="An earlier wave (responses or assessment JSON): adds the progress since it.",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing report (and chart files).")
    ] = False,
) -> None:
    """Write the workshop report: one self-contained HTML page, or Markdown.

    The page loads nothing from the network and prints cleanly to A4.

    Comments appear only for groups of at least --min-comment-group people.

    Exit 0 when written, 1 on invalid input or a refused output, 2 on a usage error.
    """
    from salesmkt.pipeline.report import ReportRequest, run_report

    source = ResponseSource(
        file,
        questionnaire=questionnaire,
        mapping=mapping,
        group_column=group_column,
        respondent_column=respondent_column,
        drop_invalid=drop_invalid,
    )
    settings = _settings(
        min_group_size=min_group_size, max_missing=max_missing, gap_threshold=gap_threshold, by=by
    )
    request = ReportRequest(
        output=output,
        rules=rules,
        situation=situation,
        checklist=checklist,
        funnel=funnel,
        charts_dir=charts_dir,
        min_comment_group=min_comment_group,
        show_comments=not no_comments,
        title=title,
        baseline=baseline,
        force=force,
        generated=_report_date(),
    )
    run = run_report(source, settings, request)
    extra = "".join(f"; {note}" for note in run.notes)
    typer.echo(f"salesmkt: wrote {output} ({run.format}, {run.size:,} bytes){extra}", err=True)


# -- workshop workflow: template / take / compare -------------------------------------
# (template, take and compare commands go here)


@app.command()
@_boundary
def template(
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="The file to write; .csv, .xlsx, .md or .html decides the format.",
        ),
    ],
    questionnaire: Annotated[
        str, typer.Option("--questionnaire", "-q", help="A built-in id or a path to a YAML file.")
    ] = "alignment",
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write a blank response sheet that score reads back without any mapping.

    .csv and .xlsx: row 1 is the header (group, respondent, segment, one column per
    item); the .xlsx adds drop-down lists and the statements. .md and .html: a printable
    paper form with tick boxes.
    """
    from salesmkt.definitions import questionnaire_load as qmod
    from salesmkt.workshop import template as tmod

    fmt = tmod.template_format(output)
    q = qmod.load(questionnaire)
    tmod.write_template(q, output, force=force)
    typer.echo(f"salesmkt: wrote {output} ({fmt} template for {q.id} {q.version})", err=True)


@app.command()
@_boundary
def take(
    group: Annotated[
        str, typer.Option("--group", "-g", help="The respondent's group (id, label or alias).")
    ],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="The responses .csv to append to (created if absent)."),
    ],
    questionnaire: Annotated[
        str, typer.Option("--questionnaire", "-q", help="A built-in id or a path to a YAML file.")
    ] = "alignment",
    respondent: Annotated[
        str | None,
        typer.Option(
            "--respondent", "-r", help="The person's code (default: a new random one, shown)."
        ),
    ] = None,
    segment: Annotated[
        str, typer.Option("--segment", help="A segment value (region, unit…) for score --by.")
    ] = "",
) -> None:
    """One person answers the questionnaire at the terminal; the answers become one row.

    Type a number or a label per statement; b goes back, s or Enter skips, ? shows help.
    The screen is cleared at the start and the end, so the next person sees no answers.
    The row is appended under a lock and an atomic replace: other rows are never touched,
    and an interruption (Ctrl-C) leaves the file as it was.
    """
    from salesmkt.definitions import questionnaire_load as qmod
    from salesmkt.workshop import take as tmod

    q = qmod.load(questionnaire)
    console = _console()
    try:
        saved = tmod.run(
            output,
            q,
            group=group,
            respondent=respondent,
            segment=segment,
            ask=console.input,
            console=console,
        )
    except EOFError:
        raise SalesmktError(
            "the input ended before the questionnaire was finished; nothing was saved"
        ) from None
    if saved is None:
        typer.echo("Nothing was saved.")
        return
    typer.echo(
        f"Saved as row {saved.row} of {saved.path}. Your respondent code is {saved.respondent}:"
        " keep it for the next survey round. Thank you! Please hand over to the next person."
    )


@app.command()
@_boundary
def compare(
    before: BeforeArg,
    after: AfterArg,
    questionnaire: WaveQuestionnaireOpt = None,
    mapping: MapOpt = None,
    group_column: GroupColumnOpt = None,
    respondent_column: RespondentColumnOpt = None,
    drop_invalid: DropInvalidOpt = False,
    max_missing: MaxMissingOpt = 0.2,
    min_group_size: MinGroupSizeOpt = 3,
    gap_threshold: GapThresholdOpt = 1.0,
    seed: CompareSeedOpt = 2006,
    n_boot: NBootOpt = 2000,
    fmt: TextFormatOpt = None,
    output: TextOutputOpt = None,
) -> None:
    """Compare two survey waves of the same questionnaire: stages, scores, gaps, items.

    Both files carrying respondent codes (two or more in common): paired changes with the
    Wilcoxon signed-rank test. Otherwise the waves are independent samples (Mann–Whitney).
    A saved score JSON gives the changes without intervals or tests. Exit 0 when
    compared, 1 when the files cannot be compared (another questionnaire, version or
    items), 2 on a usage error.
    """
    from salesmkt.pipeline import runs  # numpy and pydantic: not at start-up

    chosen = _pick_format(fmt, output, "compare")
    ref = runs.compare_questionnaire(before, after, questionnaire)
    source = _source(before, ref, mapping, group_column, respondent_column, drop_invalid)
    inputs = [*source.inputs(), after]
    _check_output(output, inputs)
    settings = _settings(
        min_group_size=min_group_size,
        max_missing=max_missing,
        gap_threshold=gap_threshold,
        seed=seed,
        n_boot=n_boot,
    )
    _show("compare", chosen, runs.compare(source, after, settings), output, inputs)


def _console() -> Any:
    from rich.console import Console

    return Console(soft_wrap=False)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        _err("interrupted")
        sys.exit(130)
