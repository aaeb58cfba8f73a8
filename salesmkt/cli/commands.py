"""The commands: each builds one input object and one settings object, calls a pipeline
run, shows the view with the registry's renderer and exits with a documented code: 0 ok,
1 findings or invalid input, 2 usage error. Every command runs inside
:func:`~salesmkt.cli.boundary.boundary`.

Heavy libraries (pandas, scipy, matplotlib) are imported inside the commands that need
them (through the pipeline), so ``salesmkt --help`` and ``salesmkt validate`` start fast.
"""

# No ``from __future__ import annotations`` here: typer reads these signatures, and a
# string annotation costs it a compile and an eval (0.02 s at start-up, all commands).

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from salesmkt import __version__
from salesmkt.cli.boundary import STATE, boundary, error
from salesmkt.cli.options import (
    AccentOpt,
    AdjustMethod,
    AdjustOpt,
    AdviceFileArg,
    AfterArg,
    BaselineOpt,
    BeforeArg,
    BenchmarkClientOpt,
    ByOpt,
    ChartsOpt,
    ChecklistOpt,
    ClientOpt,
    CompareSeedOpt,
    ConsultantOpt,
    CrmMapOpt,
    DateFormatOpt,
    DiagFormat,
    DropInvalidOpt,
    EvidenceOpt,
    EvidenceResponsesOpt,
    ExportsArg,
    ForceReportOpt,
    FunnelOpt,
    GapsFormatOpt,
    GapsSeedOpt,
    GapThresholdOpt,
    GroupColumnOpt,
    HeadcountOpt,
    HeaderRowsOpt,
    HeatmapItemsOpt,
    LangOpt,
    LeadersFunctionOpt,
    LogoOpt,
    MapOpt,
    MaxMissingOpt,
    MidpointOpt,
    MinCommentGroupOpt,
    MinGroupSizeOpt,
    MinNOpt,
    NBootOpt,
    NoCommentsOpt,
    NoConsultantNotesOpt,
    QuestionnaireOpt,
    ReaderLangOpt,
    ReportFileArg,
    ReportFormatOpt,
    ReportOutputOpt,
    RespondentColumnOpt,
    ResponsesArg,
    RulesOpt,
    SaveAnswersOpt,
    SchemaKind,
    ScoreFormatOpt,
    SheetOpt,
    ShowFormat,
    SituationOpt,
    SlaOpt,
    StageOpt,
    StoreOpt,
    TableOutputOpt,
    TextFormatOpt,
    TextOutputOpt,
    TitleOpt,
    TopOpt,
    TrendFromOpt,
    WaveQuestionnaireOpt,
    WideOpt,
)
from salesmkt.errors import UsageError

if TYPE_CHECKING:
    from salesmkt.cli import console as out
else:
    from salesmkt.cli.lazy import LazyModule

    # The input and output helpers (with the input object and the renderer registry) on
    # a command's first use of them: validate, schema and --help use none (2-3 ms).
    out = LazyModule("salesmkt.cli.console")

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
    STATE["debug"] = debug


# -- validate / schema / questionnaires ----------------------------------------------


@app.command()
@boundary
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
    skip_foreign: Annotated[
        bool,
        typer.Option(
            "--skip-foreign",
            help="Skip, with a note, YAML files with no top-level 'items' or 'rules' key "
            "(for the pre-commit hook).",
        ),
    ] = False,
) -> None:
    """Check questionnaire and rules files: YAML safety, schema and meaning.

    Prints every problem as file:line:col: [level] code: message. Exit 0 when all files
    are valid, 1 when any is not.
    """
    # The body is shared with the plain line's path, which runs without typer (launch).
    from salesmkt.cli import validation

    every = validation.checked(paths, skip_foreign=skip_foreign)
    if validation.report(every, fmt.value, strict=strict, echo=typer.echo):
        raise typer.Exit(1)


@app.command()
@boundary
def schema(
    kind: Annotated[
        SchemaKind, typer.Argument(help="questionnaire, rules, or assessment (score's JSON).")
    ] = SchemaKind.questionnaire,
) -> None:
    """Print the JSON Schema of a file format, for editors and other tools."""
    from salesmkt.definitions.schemas import schema_text

    typer.echo(schema_text(kind.value))


@questionnaires_app.callback()
@boundary
def questionnaires_list(ctx: typer.Context) -> None:
    """List the built-in questionnaires: id, version, title, item count."""
    if ctx.invoked_subcommand is not None:
        return
    from rich import box

    from salesmkt.definitions import questionnaire_load as qmod
    from salesmkt.definitions.builtin import builtin_paths
    from salesmkt.render.terminal_layout import Col, FittedTable

    cols = [Col("id", key=True), Col("version"), Col("title", wrap=True, min_width=20)]
    cols += [Col("items", justify="right"), Col("scale", wrap=True, min_width=12)]
    rows: list[list[str]] = []
    for path in builtin_paths():
        q = qmod.load(path)
        s = q.scale
        scale = (
            f"{s.min}–{s.max}"
            if s.type == "numeric"
            else "choice: " + ", ".join(o.id for o in s.options)
        )
        rows.append([q.id, q.version, q.title, str(len(q.items)), scale])
    options = {"box": box.SIMPLE_HEAD, "show_edge": False, "pad_edge": False}
    out.print_terminal(FittedTable(cols, rows, table_options=options))


@questionnaires_app.command("show")
@boundary
def questionnaires_show(
    ref: Annotated[str, typer.Argument(help="A built-in id or a path to a YAML file.")],
    fmt: Annotated[ShowFormat, typer.Option("--format", "-f")] = ShowFormat.text,
    lang: LangOpt = None,
) -> None:
    """Print one questionnaire as a readable, printable form."""
    from salesmkt.definitions import questionnaire_load as qmod
    from salesmkt.render.forms import questionnaire_markdown

    q = qmod.load(ref)
    q = q.in_language(lang) if lang else q
    text = questionnaire_markdown(q)
    if fmt is ShowFormat.markdown:
        typer.echo(text)
    else:
        from rich.markdown import Markdown

        out.console().print(Markdown(text))


# -- score / gaps (responses in, assessment out) ------------------------------------
# (score and gaps commands go here)


# Input options shared by every command that reads a responses file (score, gaps,
# recommend, report): declare them with these aliases and build a ResponseInput.
@app.command()
@boundary
def score(
    file: ResponsesArg,
    questionnaire: QuestionnaireOpt = "alignment",
    mapping: MapOpt = None,
    group_column: GroupColumnOpt = None,
    respondent_column: RespondentColumnOpt = None,
    drop_invalid: DropInvalidOpt = False,
    header_rows: HeaderRowsOpt = None,
    sheet: SheetOpt = None,
    max_missing: MaxMissingOpt = 0.2,
    min_group_size: MinGroupSizeOpt = 5,
    by: ByOpt = None,
    gap_threshold: GapThresholdOpt = 1.0,
    headcount: HeadcountOpt = None,
    leaders_function: LeadersFunctionOpt = None,
    evidence: EvidenceOpt = None,
    fmt: ScoreFormatOpt = None,
    output: TableOutputOpt = None,
    wide: WideOpt = False,
    lang: ReaderLangOpt = None,
) -> None:
    """Score a responses file: data-quality gate, group figures, overall stage, gaps.

    Exit 0 when scored (warnings included), 1 when the data-quality gate fails (every
    problem is listed as file:row:column: message), 2 on a usage error.
    """
    from salesmkt.pipeline import runs  # numpy and pydantic: not at start-up

    chosen = out.pick_format(fmt, output, "score")
    reading = (file, questionnaire, mapping, group_column, respondent_column)
    source = out.source(*reading, drop_invalid, header_rows, sheet)
    inputs = out.checked_inputs(source, output, chosen, headcount=headcount, evidence=evidence)
    settings = out.settings(
        min_group_size=min_group_size,
        max_missing=max_missing,
        gap_threshold=gap_threshold,
        by=by,
        **out.headcount_and_leaders(headcount, leaders_function),
    )
    with out.reading(lang, chosen):
        result = runs.score(source, settings)
        if evidence is None:
            out.show("score", chosen, result, output, inputs, wide=wide)
            return
        from salesmkt.pipeline.evidence import claims_for

        claims = claims_for(evidence, result.assessment, source.questionnaire)
        out.show_with_claims("score", chosen, result, output, inputs, claims, wide=wide)


@app.command()
@boundary
def gaps(
    file: ResponsesArg,
    questionnaire: QuestionnaireOpt = "alignment",
    mapping: MapOpt = None,
    group_column: GroupColumnOpt = None,
    respondent_column: RespondentColumnOpt = None,
    drop_invalid: DropInvalidOpt = False,
    header_rows: HeaderRowsOpt = None,
    sheet: SheetOpt = None,
    max_missing: MaxMissingOpt = 0.2,
    min_group_size: MinGroupSizeOpt = 5,
    gap_threshold: GapThresholdOpt = 1.0,
    adjust: AdjustOpt = AdjustMethod.bh,
    midpoint: MidpointOpt = None,
    seed: GapsSeedOpt = 2006,
    headcount: HeadcountOpt = None,
    leaders_function: LeadersFunctionOpt = None,
    evidence: EvidenceOpt = None,
    fmt: GapsFormatOpt = None,
    output: TableOutputOpt = None,
    wide: WideOpt = False,
    lang: ReaderLangOpt = None,
) -> None:
    """Perception gaps between the compared groups, item by item, largest first.

    FILE is a responses file, or an assessment JSON saved by 'score' (shown as saved).

    Each item shows both means, the gap with its 95% Welch interval, a diverging bar,
    the quadrant, the effect size in words, the adjusted p-value and whether the data
    back the gap (adjusted p < 0.05); then dimensions, the total, borderline stages, reliability and
    agreement. Exit 0 when computed, 1 when the data-quality gate fails, 2 on a usage
    error.
    """
    from salesmkt.pipeline import runs  # numpy and pydantic: not at start-up

    chosen = out.pick_format(fmt, output, "gaps")
    reading = (file, questionnaire, mapping, group_column, respondent_column)
    source = out.source(*reading, drop_invalid, header_rows, sheet)
    inputs = out.checked_inputs(source, output, chosen, headcount=headcount, evidence=evidence)
    settings = out.settings(
        min_group_size=min_group_size,
        max_missing=max_missing,
        gap_threshold=gap_threshold,
        adjust=adjust.value,
        midpoint=midpoint,
        seed=seed,
        **out.headcount_and_leaders(headcount, leaders_function),
    )
    out.midpoint_on_scale(midpoint, source)
    with out.reading(lang, chosen):
        run = runs.gaps(source, settings)
        out.notes(run.notes)
        if evidence is None:
            out.show("gaps", chosen, run.view, output, inputs, wide=wide)
            return
        from salesmkt.pipeline.evidence import claims_for

        claims = claims_for(evidence, run.view.assessment, source.questionnaire)
        out.show_with_claims("gaps", chosen, run.view, output, inputs, claims, wide=wide)


# -- recommend (rules) ---------------------------------------------------------------
# (recommend command goes here)


def _stdin_is_tty() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):  # closed or replaced stdin
        return False


@app.command()
@boundary
def recommend(
    file: AdviceFileArg = None,
    stage: StageOpt = None,
    rules: RulesOpt = None,
    situation: SituationOpt = None,
    checklist: ChecklistOpt = None,
    funnel: FunnelOpt = None,
    save_answers: SaveAnswersOpt = None,
    top: TopOpt = 10,
    evidence: EvidenceOpt = None,
    questionnaire: QuestionnaireOpt = "alignment",
    mapping: MapOpt = None,
    group_column: GroupColumnOpt = None,
    respondent_column: RespondentColumnOpt = None,
    drop_invalid: DropInvalidOpt = False,
    header_rows: HeaderRowsOpt = None,
    sheet: SheetOpt = None,
    max_missing: MaxMissingOpt = 0.2,
    min_group_size: MinGroupSizeOpt = 5,
    gap_threshold: GapThresholdOpt = 1.0,
    fmt: TextFormatOpt = None,
    output: TextOutputOpt = None,
    wide: WideOpt = False,
    lang: ReaderLangOpt = None,
) -> None:
    """Say whether to move up a stage, then the actions that the results call for.

    Each action shows the evidence that fired it. Without --situation, the need-to-align
    questions are asked at the terminal; when stdin is not a terminal the stay-or-move-up
    advice is left out (and said to be missing). JSON output is the assessment with its
    'advice' filled in, for 'report'. Exit 0 on success, 1 on invalid input, 2 on a
    usage error.
    """
    from salesmkt.pipeline import runs  # numpy and pydantic: not at start-up

    chosen = out.pick_format(fmt, output, "advice")
    request = runs.AdviceRequest(
        rules,
        situation,
        checklist,
        funnel,
        stage,
        top,
        save_answers=save_answers,
        evidence=evidence,
    )
    if save_answers is not None and (situation is not None or file is None):
        raise UsageError(
            "--save-answers keeps the answers typed at the terminal; with --situation or "
            "without FILE nothing is asked"
        )
    if file is None and stage is None:
        raise UsageError(
            "give a responses file or assessment JSON, or --stage STAGE for the playbook"
        )
    with out.reading(lang, chosen):
        if file is None:
            run = runs.playbook(request)
        else:
            reading = (file, questionnaire, mapping, group_column, respondent_column)
            source = out.source(*reading, drop_invalid, header_rows, sheet)
            out.check_output(output, runs.advice_inputs(request, source))
            out.check_output(save_answers, runs.advice_inputs(request, source))  # before asking
            settings = out.settings(
                min_group_size=min_group_size, max_missing=max_missing, gap_threshold=gap_threshold
            )
            from salesmkt.workshop.ask import ask_situation

            run = runs.recommend(
                source, settings, request, ask_situation if _stdin_is_tty() else None
            )
        out.notes(run.notes)
        out.show("advice", chosen, run.view, output, run.inputs, wide=wide)


# -- report (HTML / Markdown workshop report) -----------------------------------------
# (report command goes here)


@app.command()
@boundary
def report(
    file: ReportFileArg,
    output: ReportOutputOpt,
    questionnaire: QuestionnaireOpt = "alignment",
    mapping: MapOpt = None,
    group_column: GroupColumnOpt = None,
    respondent_column: RespondentColumnOpt = None,
    drop_invalid: DropInvalidOpt = False,
    header_rows: HeaderRowsOpt = None,
    sheet: SheetOpt = None,
    max_missing: MaxMissingOpt = 0.2,
    min_group_size: MinGroupSizeOpt = 5,
    by: ByOpt = None,
    gap_threshold: GapThresholdOpt = 1.0,
    rules: RulesOpt = None,
    situation: SituationOpt = None,
    checklist: ChecklistOpt = None,
    funnel: FunnelOpt = None,
    charts_dir: ChartsOpt = None,
    min_comment_group: MinCommentGroupOpt = 10,
    no_comments: NoCommentsOpt = False,
    title: TitleOpt = None,
    baseline: BaselineOpt = None,
    headcount: HeadcountOpt = None,
    leaders_function: LeadersFunctionOpt = None,
    evidence: EvidenceOpt = None,
    force: ForceReportOpt = False,
    fmt: ReportFormatOpt = None,
    top: TopOpt = 10,
    client: ClientOpt = None,
    consultant: ConsultantOpt = None,
    logo: LogoOpt = None,
    accent: AccentOpt = None,
    no_consultant_notes: NoConsultantNotesOpt = False,
    heatmap_items: HeatmapItemsOpt = False,
    trend_from: TrendFromOpt = None,
    benchmark_client: BenchmarkClientOpt = None,
    store: StoreOpt = None,
    lang: ReaderLangOpt = None,
) -> None:
    """Write the workshop report: one self-contained HTML page, Markdown, or a slide deck.

    The page loads nothing from the network and prints cleanly to A4; a .pptx deck has
    native, editable charts. Comments appear only for groups of --min-comment-group.

    Exit 0 when written, 1 on invalid input or a refused output, 2 on a usage error.
    """
    from salesmkt.pipeline.report import BenchmarkAsk, ReportRequest, run_report

    reading = (file, questionnaire, mapping, group_column, respondent_column)
    source = out.source(*reading, drop_invalid, header_rows, sheet)
    numbers = (min_group_size, max_missing, gap_threshold, by, min_comment_group)
    settings = out.report_settings(*numbers, headcount, leaders_function)
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
        generated=out.report_date(),
        evidence=evidence,
        fmt=fmt.value if fmt is not None else None,
        branding=out.branding(client, consultant, logo, accent),
        top=top,
        consultant_notes=not no_consultant_notes,
        heatmap_items=heatmap_items,
        trend_from=tuple(trend_from or ()),
        benchmark=BenchmarkAsk(benchmark_client, store) if benchmark_client else None,
    )  # --store alone asks for nothing: it says where --benchmark-client looks
    with out.reading(lang, fmt.value if fmt is not None else "html"):
        run = run_report(source, settings, request)
    out.wrote(output, f"{run.format}, {run.size:,} bytes", run.notes)


# -- compare (two waves) ---------------------------------------------------------------


@app.command()
@boundary
def compare(
    before: BeforeArg,
    after: AfterArg,
    questionnaire: WaveQuestionnaireOpt = None,
    mapping: MapOpt = None,
    group_column: GroupColumnOpt = None,
    respondent_column: RespondentColumnOpt = None,
    drop_invalid: DropInvalidOpt = False,
    header_rows: HeaderRowsOpt = None,
    sheet: SheetOpt = None,
    max_missing: MaxMissingOpt = 0.2,
    min_group_size: MinGroupSizeOpt = 5,
    gap_threshold: GapThresholdOpt = 1.0,
    seed: CompareSeedOpt = 2006,
    n_boot: NBootOpt = 2000,
    fmt: TextFormatOpt = None,
    output: TextOutputOpt = None,
    wide: WideOpt = False,
    lang: ReaderLangOpt = None,
) -> None:
    """Compare two survey waves of the same questionnaire: stages, scores, gaps, items.

    Both files carrying respondent codes (two or more in common): paired changes with the
    Wilcoxon signed-rank test. Otherwise the waves are independent samples (Mann–Whitney).
    A saved score JSON gives the changes without intervals or tests. Exit 0 when
    compared, 1 when the files cannot be compared (another questionnaire, version or
    items), 2 on a usage error.
    """
    from salesmkt.pipeline import runs  # numpy and pydantic: not at start-up

    chosen = out.pick_format(fmt, output, "compare")
    ref = runs.compare_questionnaire(before, after, questionnaire)
    source = out.source(
        before,
        ref,
        mapping,
        group_column,
        respondent_column,
        drop_invalid,
        header_rows,
        sheet,
    )
    inputs = [*source.inputs(), after]
    out.check_output(output, inputs)
    settings = out.settings(
        min_group_size=min_group_size,
        max_missing=max_missing,
        gap_threshold=gap_threshold,
        seed=seed,
        n_boot=n_boot,
    )
    with out.reading(lang, chosen):
        result = runs.compare(source, after, settings)
        out.show("compare", chosen, result, output, inputs, wide=wide)


# -- evidence (CRM exports against the survey's claims) -------------------------------


@app.command()
@boundary
def evidence(
    paths: ExportsArg,
    crm_map: CrmMapOpt = None,
    sla: SlaOpt = "24h",
    min_n: MinNOpt = 30,
    date_format: DateFormatOpt = None,
    responses: EvidenceResponsesOpt = None,
    questionnaire: QuestionnaireOpt = "alignment",
    min_group_size: MinGroupSizeOpt = 5,
    fmt: TextFormatOpt = None,
    output: TextOutputOpt = None,
    wide: WideOpt = False,
    lang: ReaderLangOpt = None,
) -> None:
    """Funnel figures from CRM exports, and what they say about the survey's claims.

    Reads Salesforce (Leads, Opportunities, Tasks) and HubSpot (contacts, deals) exports
    and a forecast sheet, recognised by their headers. Every unreadable cell is listed as
    file:row:column. With --responses, each statement linked to a metric gets a verdict.
    Exit 0 when computed, 1 when an export or mapping cannot be read, 2 on a usage error.
    """
    from salesmkt.pipeline import evidence as run_mod  # pandas: not at start-up

    chosen = out.pick_format(fmt, output, "evidence")
    source = None
    if responses is not None:
        source = out.source(responses, questionnaire, None, None, None, False)
    request = run_mod.EvidenceRequest(
        paths=paths,
        maps=list(crm_map or []),
        sla_hours=run_mod.parse_sla(sla),
        min_n=min_n,
        date_format=date_format,
        responses=source,
        settings=out.settings(min_group_size=min_group_size),
    )
    inputs = request.inputs()
    out.check_output(output, inputs)
    with out.reading(lang, chosen):
        out.show("evidence", chosen, run_mod.run(request), output, inputs, wide=wide)


def _one_command(name: str) -> typer.Typer:
    """The app with only the command (or group) ``name`` and the root's options: typer
    builds a click command for every registered command at each run, and a command line
    that names one of them uses no other (each run of the others costs 5-8 ms)."""
    from copy import copy

    from typer.main import get_command_name

    one = copy(app)
    one.registered_commands = [
        c
        for c in app.registered_commands
        if (c.name or (c.callback and get_command_name(c.callback.__name__))) == name
    ]
    one.registered_groups = [g for g in app.registered_groups if g.name == name]
    return one if one.registered_commands or one.registered_groups else app


def main(only: str | None = None) -> None:
    """Console-script entry point; ``only``: the command the line names (see launch)."""
    try:
        (_one_command(only) if only else app)()
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        error("interrupted")
        sys.exit(130)
