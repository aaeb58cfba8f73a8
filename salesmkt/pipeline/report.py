"""The report run: from a responses file (or a saved assessment) to the written report.

Vocabulary:
- *request*: a :class:`ReportRequest`, everything the report command was asked for
  beside the response source and the settings: the output file (its suffix picks the
  format), the advice inputs (rules, situation, checklist, funnel), the charts folder,
  the comment options, the title, the baseline wave, ``force`` and the generated date.
- *inputs*: a :class:`ReportInputs`, the assessment to report on with what the report
  needs beside it (its questionnaire, the comments, the per-respondent totals).
- *run*: :func:`run_report` conducts every step (check the outputs, load, advise, draw,
  write the chart files, compare with the baseline, word, render, write) and returns a
  :class:`ReportRun`, what a front end tells the person at the keyboard.

Every file is written atomically through :mod:`salesmkt.render.outputs` and never over an
input; the outputs are checked before any work is done. Nothing here prints or exits.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from salesmkt.advice import recommend
from salesmkt.analysis import saved, scoring
from salesmkt.definitions import questionnaire_load as qmod
from salesmkt.definitions import rules_load
from salesmkt.errors import OutputError, SalesmktError
from salesmkt.l10n import long_date, reader_language
from salesmkt.model.assessment import Assessment, Settings
from salesmkt.pipeline import report_sections
from salesmkt.pipeline.language import (
    answers_read_with,
    assessment_in_reader_language,
    rules_in_reader_language,
)
from salesmkt.pipeline.report_sections import BenchmarkAsk as BenchmarkAsk  # for the CLI
from salesmkt.render import outputs
from salesmkt.render.branding import Branding
from salesmkt.render.charts import make_charts
from salesmkt.render.report.build import build_report
from salesmkt.render.report.formats import (
    check_branding,
    draws_charts,
    render_report,
    report_format,
)
from salesmkt.render.report.view import (
    DEFAULT_MIN_COMMENT_GROUP,
    Comment,
    ExtraSection,
    Report,
    ReportOptions,
)

if TYPE_CHECKING:
    import pandas as pd

    from salesmkt.analysis.comparison import Comparison
    from salesmkt.benchmark.placement import Placement
    from salesmkt.definitions.questionnaire import Questionnaire
    from salesmkt.definitions.rules import RuleBook
    from salesmkt.intake.responses import ResponseTable
    from salesmkt.intake.source import ResponseSource
    from salesmkt.model.evidence import EvidenceResult
    from salesmkt.model.trend import Trend
    from salesmkt.render.charts import Chart
    from salesmkt.render.deck.slides import DeckInputs

CHART_SUFFIXES = (".svg", ".png")


@dataclass(frozen=True)
class ReportRequest:
    """What to report and where, beside the response source and the settings."""

    output: Path
    rules: str | Path | None = None
    situation: Path | None = None
    checklist: Path | None = None
    funnel: Path | None = None
    charts_dir: Path | None = None
    min_comment_group: int = DEFAULT_MIN_COMMENT_GROUP
    show_comments: bool = True
    title: str | None = None
    baseline: Path | None = None
    force: bool = False
    generated: str | None = None
    evidence: Path | None = None  # CRM exports or a saved evidence JSON: "What the data say"
    fmt: str | None = None  # --format; None: the output's suffix decides
    branding: Branding = field(default_factory=Branding)
    top: int = 10  # actions shown in full, as recommend --top (0: all)
    consultant_notes: bool = True  # --no-consultant-notes: False
    heatmap_items: bool = False  # --heatmap-items: statements in the segments heatmap
    extra_sections: tuple[ExtraSection, ...] = ()  # made elsewhere, given as they are
    trend_from: tuple[Path, ...] = ()  # --trend-from: earlier waves, oldest first
    benchmark: BenchmarkAsk | None = None  # --benchmark-client (and --store)

    @property
    def advice_files(self) -> list[Path]:
        return [p for p in (self.situation, self.checklist, self.funnel) if p is not None]

    @property
    def advice_asked(self) -> bool:
        """Whether any advice input was given explicitly."""
        return self.rules is not None or bool(self.advice_files)

    def options(self) -> ReportOptions:
        return ReportOptions(
            min_comment_group=self.min_comment_group,
            show_comments=self.show_comments,
            generated=reader_date(self.generated),
            consultant_notes=self.consultant_notes,
            top=self.top,
            heatmap_items=self.heatmap_items,
            **({"title": self.title} if self.title else {}),
        )


@dataclass(frozen=True)
class ReportRun:
    """What was written: the format, its size in bytes, and notes for the reader."""

    output: Path
    format: str
    size: int
    notes: list[str] = field(default_factory=list)


@dataclass
class ReportInputs:
    """The assessment to report on, with what the report needs beside it."""

    assessment: Assessment
    questionnaire: Questionnaire | None
    comments: list[Comment]
    from_json: bool
    scored: scoring.ScoreResult | None = None  # the scoring, for its per-respondent table
    table: ResponseTable | None = None  # the checked responses, for a benchmark

    @property
    def respondents(self) -> pd.DataFrame | None:
        """The per-respondent totals (for ``--baseline``), built when first read: only a
        comparison needs them, and their DataFrame brings pandas."""
        return None if self.scored is None else self.scored.respondents


# -- the run -----------------------------------------------------------------------------


def run_report(source: ResponseSource, settings: Settings, request: ReportRequest) -> ReportRun:
    """Make the report ``request`` asks for from ``source``, and write it (and its charts)."""
    fmt = report_format(request.output, request.fmt)
    inputs = _input_files(source, request)
    if settings.headcount:  # the headcount file is read too: never written over
        inputs.append(Path(settings.headcount))
    outputs.check_output(request.output, inputs=inputs, force=request.force)  # fail early
    branding_notes = check_branding(fmt, request.branding)
    loaded = in_reader_language(load_inputs(source, settings), source.questionnaire)
    crm = _load_evidence(request.evidence)
    book = None  # the rules the advice was made with, read once
    if loaded.assessment.advice is None or request.advice_asked or crm is not None:
        book = advise(
            loaded.assessment,
            rules=request.rules,
            situation=request.situation,
            checklist=request.checklist,
            funnel=request.funnel,
            crm=crm,
        )
    charts = []
    if draws_charts(fmt) or request.charts_dir is not None:
        charts = make_charts(
            loaded.assessment,
            questionnaire=loaded.questionnaire,
            png=request.charts_dir is not None,
        )
    links = _write_charts(charts, request, inputs)
    comparison = None
    if request.baseline is not None:
        comparison = compare_baseline(
            loaded, source.at(request.baseline), source=source.path, settings=settings
        )
    extras = _extras(source, settings, request, loaded)
    report = build_report(
        loaded.assessment,
        questionnaire=loaded.questionnaire,
        comments=loaded.comments,
        options=request.options(),
        comparison=comparison,
        branding=request.branding,
        covers=rule_covers(loaded.assessment, request.rules, book),
        extra_sections=extras.sections,
    )
    if crm is not None:
        _add_evidence(report, crm, loaded)
    data = render_report(fmt, report, charts, links, lambda: _deck(report, loaded, request, extras))
    outputs.write_atomic(request.output, data, inputs=inputs, force=request.force)
    size = len(data.encode("utf-8") if isinstance(data, str) else data)
    return ReportRun(
        request.output, fmt, size, _notes(loaded, request, charts, fmt) + branding_notes
    )


@dataclass
class _Extras:
    """The report's optional sections, with the trend and placement the deck draws."""

    sections: tuple[ExtraSection, ...] = ()
    trend: Trend | None = None
    placement: Placement | None = None


def _deck(
    report: Report, loaded: ReportInputs, request: ReportRequest, extras: _Extras
) -> DeckInputs:
    """What a slide deck draws beside the worded view (its modules load only for a deck)."""
    from salesmkt.render.deck.slides import DeckInputs

    return DeckInputs(
        report,
        loaded.assessment,
        request.branding,
        request.top,
        trend=extras.trend,
        benchmark=extras.placement,
    )


def _extras(
    source: ResponseSource, settings: Settings, request: ReportRequest, loaded: ReportInputs
) -> _Extras:
    """The sections given as they are, then the trend and the benchmark when asked for."""
    made = _Extras(request.extra_sections)
    if request.trend_from:
        section, made.trend = report_sections.trend_section(source, settings, request.trend_from)
        made.sections += (section,)
    if request.benchmark is not None:
        section, made.placement = report_sections.benchmark_section(loaded.table, request.benchmark)
        made.sections += (section,)
    return made


def rule_covers(
    assessment: Assessment, rules: str | Path | None, book: RuleBook | None = None
) -> dict[str, list[str]]:
    """Rule id → its ``covers`` keys, from the rules file the advice was made with.

    The keys say which published actions a rule carries out, so the report can cite the
    source of each action. A rules file that cannot be read again, or is not the one the
    advice names, gives no keys: the report then cites from the actions' own words.
    ``book``: the rules file as the advice read it (not read again).
    """
    advice = assessment.advice
    if advice is None or advice.rules is None:
        return {}
    try:
        book = book if book is not None else rules_load.load(rules)
    except SalesmktError:
        return {}
    if (book.spec.id, book.spec.version) != (advice.rules.id, advice.rules.version):
        return {}
    return {r.id: list(r.covers) for r in book.spec.rules}


def _load_evidence(path: Path | None) -> EvidenceResult | None:
    """The CRM evidence of --evidence: exports or a saved evidence JSON (None: not given)."""
    if path is None:
        return None
    from salesmkt.pipeline.evidence import load_evidence

    return load_evidence(path)


def _add_evidence(report: Report, crm: EvidenceResult, loaded: ReportInputs) -> None:
    """Fill in the section "What the data say" from the CRM evidence."""
    from salesmkt.analysis.evidence_claims import claim_verdicts
    from salesmkt.render.report.evidence import claim_rows

    questionnaire = loaded.questionnaire or qmod.load(loaded.assessment.questionnaire.id)
    report.evidence = claim_rows(claim_verdicts(questionnaire, loaded.assessment, crm))


def _input_files(source: ResponseSource, request: ReportRequest) -> list[Path]:
    """Every file the run reads: no output may be one of them."""
    found = source.inputs() + request.advice_files
    if request.evidence is not None:
        from salesmkt.intake.evidence.read import export_files

        found += export_files([request.evidence])
    if request.baseline is not None:
        found.append(request.baseline)
    found += request.trend_from
    if request.rules is not None:
        found.append(rules_load.resolve_rules(request.rules))
    return found


def _write_charts(
    charts: Sequence[Chart], request: ReportRequest, inputs: Sequence[Path]
) -> dict[str, str]:
    """Write the chart files if a folder was asked for; their paths relative to the report."""
    directory = request.charts_dir
    if directory is None:
        return {}
    for chart in charts:  # all checked before the first is written
        for suffix in CHART_SUFFIXES:
            path = directory / f"{chart.name}{suffix}"
            outputs.check_output(path, inputs=inputs, force=request.force)
    written = write_chart_files(charts, directory, inputs=inputs)
    base = request.output.parent.resolve()
    return {
        name: Path(os.path.relpath(path.resolve(), base)).as_posix()
        for name, path in written.items()
    }


def _notes(
    loaded: ReportInputs, request: ReportRequest, charts: Sequence[Chart], fmt: str
) -> list[str]:
    notes = []
    if loaded.from_json and request.show_comments and draws_charts(fmt):
        notes.append("no comments (an assessment JSON carries none; give the responses file)")
    if request.charts_dir is not None:
        notes.append(f"{len(charts)} chart(s) in {request.charts_dir}")
    return notes


# -- the steps ---------------------------------------------------------------------------


def reader_date(iso: str | None) -> str | None:
    """The generated date as the reader's language writes it (``30. November 2026``); an
    English report keeps the ISO date it always showed."""
    if iso is None or reader_language() is None:
        return iso
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso  # a date given as free text stays as given
    return long_date(day)


def in_reader_language(loaded: ReportInputs, questionnaire: str | Path | None) -> ReportInputs:
    """``loaded`` with the questionnaire's texts (labels, items, stage descriptions) in the
    reader's language, where the questionnaire has that translation."""
    lang = reader_language()
    if lang is None:
        return loaded
    loaded.assessment = assessment_in_reader_language(loaded.assessment, questionnaire)
    q = loaded.questionnaire
    if q is not None and lang in q.languages and q.language != lang:
        loaded.questionnaire = q.in_language(lang)
    return loaded


def comments_from_table(table: ResponseTable) -> list[Comment]:
    """Every non-empty free-text cell of a responses table, with its respondent's group.

    Only respondents that passed the data-quality gate are in the table, so an excluded
    respondent's comment is never shown. Cells without a letter or digit ("-", "…")
    are not comments.
    """
    from salesmkt.intake.responses import column_values, has_comments

    found: list[Comment] = []
    if not has_comments(table):  # nothing to read (and no pandas frame to build)
        return found
    labels = column_values(table, "group")
    assert labels is not None
    groups = [str(g) for g in labels.tolist()]
    for column in table.comments.columns:
        for group, value in zip(groups, table.comments[column].tolist(), strict=True):
            if not isinstance(value, str):
                continue
            text = value.strip()
            if any(ch.isalnum() for ch in text):
                found.append(Comment(group, text))
    return found


def load_inputs(source: ResponseSource, settings: Settings) -> ReportInputs:
    """Score a responses file (keeping its comments) or read a saved assessment JSON.

    ``questionnaire`` (an id or path) defaults to ``alignment`` for a responses file. An
    assessment JSON carries no comments (it is figures only); its questionnaire (the one
    given, or else the built-in one of that id) is used for the stage texts when id and
    version match.
    """
    if saved.looks_like_assessment(source.path):
        assessment = saved.load_assessment_json(source.path)
        q = _matching_questionnaire(assessment, source.questionnaire)
        return ReportInputs(assessment, q, [], from_json=True)
    result = scoring.assess_file(source, settings)
    return ReportInputs(
        result.assessment,
        result.table.questionnaire,
        comments_from_table(result.table),
        from_json=False,
        scored=result,
        table=result.table,
    )


def _matching_questionnaire(assessment: Assessment, given: str | None) -> Questionnaire | None:
    """The questionnaire given, or else the built-in one, when id and version match."""
    ref = assessment.questionnaire
    for name in dict.fromkeys(n for n in (given, ref.id) if n):
        try:
            candidate = qmod.load(name)
        except SalesmktError:
            continue
        if (candidate.id, candidate.version) == (ref.id, ref.version):
            return candidate
    return None


def advise(
    assessment: Assessment,
    *,
    rules: str | Path | None = None,
    situation: Path | None = None,
    checklist: Path | None = None,
    funnel: Path | None = None,
    crm: EvidenceResult | None = None,
) -> RuleBook | None:
    """Fill ``assessment.advice`` from a rules file and the optional instrument answers
    (and the CRM evidence that ``evidence`` conditions read); the rules file it read, or
    None when no advice was made.

    With nothing given, the shipped rules are used when they are written for this
    questionnaire; otherwise the report simply has no advice. Anything given explicitly
    must work, or the error says why.
    """
    explicit = any(p is not None for p in (rules, situation, checklist, funnel))
    source = rules_load.load(rules)
    if source.questionnaire.id != assessment.questionnaire.id and not explicit:
        return None
    # The answer files are read as written (their labels in any language the rules know);
    # the advice is worded from the rules in the reader's language.
    answers = recommend.load_answer_files(
        source, situation=situation, checklist=checklist, funnel=funnel
    )
    book = rules_in_reader_language(source)
    answers = answers_read_with(answers, book)  # evidence quotes items in the reader's words
    assessment.advice = recommend.evaluate(
        book,
        assessment,
        situation=answers.get("situation"),
        checklist=answers.get("checklist"),
        funnel=answers.get("funnel"),
        crm=crm,
    )
    return source


def compare_baseline(
    current: ReportInputs, baseline: ResponseSource, *, source: Path, settings: Settings
) -> Comparison:
    """The comparison of a baseline wave (before) with the reported one (after)."""
    from salesmkt.analysis.compare import compare_waves, load_wave
    from salesmkt.analysis.comparison import Wave

    before = load_wave(baseline, settings)
    after = Wave(current.assessment, current.respondents, str(source))
    return compare_waves(before, after, seed=settings.seed, n_boot=settings.n_boot)


def write_chart_files(
    charts: Sequence[Chart], directory: Path, *, inputs: Sequence[Path] = ()
) -> dict[str, Path]:
    """Write each chart as ``NAME.svg`` (and ``NAME.png`` if drawn) into ``directory``."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{directory}: cannot create the folder: {exc.strerror}") from None
    written: dict[str, Path] = {}
    for chart in charts:
        svg_path = directory / f"{chart.name}.svg"
        outputs.write_atomic(svg_path, chart.svg, inputs=inputs)
        written[chart.name] = svg_path
        if chart.png is not None:
            outputs.write_atomic(directory / f"{chart.name}.png", chart.png, inputs=inputs)
    return written
