"""The runs behind ``score``, ``gaps``, ``recommend`` and ``compare``.

Vocabulary:
- *run*: one function from a :class:`~salesmkt.intake.source.ResponseSource` and a
  :class:`~salesmkt.model.assessment.Settings` (plus, for advice, an
  :class:`AdviceRequest`) to a *view* that the renderer registry shows, and *notes*:
  one-line remarks for the person at the keyboard (never part of the output itself).
- *inputs*: every file a run reads; outputs are checked against them before the work.
- *asker*: a front end's way to ask the need-to-align statements interactively; None
  where nobody can answer (no terminal), and the advice then says the verdict is missing.

Heavy modules (pandas, scipy) are imported by the analysis stage when a run needs them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from salesmkt.analysis import saved, scoring
from salesmkt.definitions import questionnaire_load as qmod
from salesmkt.errors import SalesmktError, UsageError
from salesmkt.intake.source import ResponseSource
from salesmkt.model.assessment import Assessment, Settings
from salesmkt.pipeline.language import (
    answers_read_with,
    assessment_in_reader_language,
    rules_in_reader_language,
)

# The advice, the rules and the comparison are imported by the runs that use them:
# ``score`` has no use for their models (a fifth of its start-up on a small file).
if TYPE_CHECKING:
    from salesmkt.advice.answers import Answers
    from salesmkt.analysis.comparison import Comparison
    from salesmkt.definitions import rules as rules_mod
    from salesmkt.render.advice import AdviceView
    from salesmkt.render.gaps import GapsView

Asker = Callable[["rules_mod.RuleBook", str], "Answers | None"]


def score(source: ResponseSource, settings: Settings) -> scoring.ScoreResult:
    """Read, check and score a responses file (its labels in the reader's language)."""
    result = scoring.assess_file(source, settings)
    result.assessment = assessment_in_reader_language(result.assessment, source.questionnaire)
    return result


@dataclass
class GapsRun:
    view: GapsView
    notes: list[str] = field(default_factory=list)


def gaps(source: ResponseSource, settings: Settings) -> GapsRun:
    """The perception gaps of a responses file, or of a saved assessment as it was saved."""
    from salesmkt.render.gaps import GapsView

    if saved.looks_like_assessment(source.path):
        assessment_saved = saved.load_assessment_json(source.path)
        note = (
            f"salesmkt: {source.path} is a saved assessment: its gaps are shown as they were "
            "computed (see its settings); the statistics options do not apply"
        )
        return GapsRun(GapsView(assessment_in_reader_language(assessment_saved)), [note])
    assessment = score(source, settings).assessment
    scale = qmod.load(source.questionnaire).scale
    span = (scale.min, scale.max) if scale.min is not None and scale.max is not None else None
    return GapsRun(GapsView(assessment, span))


# -- recommend ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdviceRequest:
    """What ``recommend`` is asked: the rules, the instrument answers, the stage, the top N."""

    rules: str | None = None
    situation: Path | None = None
    checklist: Path | None = None
    funnel: Path | None = None
    stage: str | None = None
    top: int = 10
    save_answers: Path | None = None  # where to keep need-to-align answers typed in
    evidence: Path | None = None  # CRM exports or a saved evidence JSON

    def answer_files(self) -> list[Path]:
        return [p for p in (self.situation, self.checklist, self.funnel) if p is not None]


@dataclass
class AdviceRun:
    view: AdviceView
    inputs: list[Path]
    notes: list[str] = field(default_factory=list)


def advice_inputs(request: AdviceRequest, source: ResponseSource | None) -> list[Path]:
    """Every file ``recommend`` reads (checked against ``--output`` before any work)."""
    from salesmkt.definitions import rules_load

    files = source.inputs() if source is not None else []
    if request.evidence is not None:
        from salesmkt.intake.evidence.read import export_files

        files += export_files([request.evidence])
    return [*files, rules_load.resolve_rules(request.rules), *request.answer_files()]


def playbook(request: AdviceRequest) -> AdviceRun:
    """A stage's playbook: every action that serves the move up from it, no data needed."""
    from salesmkt.advice import recommend as rec
    from salesmkt.definitions import rules_load
    from salesmkt.render.advice import AdviceView

    assert request.stage is not None
    book = rules_in_reader_language(rules_load.load(request.rules))
    given_files = (
        ("--situation", request.situation),
        ("--checklist", request.checklist),
        ("--funnel", request.funnel),
    )
    for flag, given in given_files:
        if given is not None:
            raise UsageError(f"{flag} needs a responses file or assessment JSON too")
    advice = rec.playbook_advice(book, request.stage)
    view = AdviceView(advice, None, _stage_labels(book), playbook=True)
    return AdviceRun(view, advice_inputs(request, None))


def recommend(
    source: ResponseSource, settings: Settings, request: AdviceRequest, ask: Asker | None
) -> AdviceRun:
    """Stay or move up, and the actions the assessment calls for, with their evidence."""
    from salesmkt.advice import recommend as rec
    from salesmkt.definitions import rules_load
    from salesmkt.render.advice import AdviceView

    source_book = rules_load.load(request.rules)  # answer files use its words
    answers = rec.load_answer_files(
        source_book,
        situation=request.situation,
        checklist=request.checklist,
        funnel=request.funnel,
    )
    book = rules_in_reader_language(source_book)
    answers = answers_read_with(answers, book)
    assessment = saved.load_assessment_or_responses(source, settings)
    assessment = assessment_in_reader_language(assessment, source.questionnaire)
    labels = _stage_labels(book)
    if request.stage is not None and request.stage not in labels:
        raise UsageError(
            f"--stage {request.stage!r}: expected one of {', '.join(book.stage_ids())}"
        )
    notes = _ask_situation(book, assessment, request.stage, answers, ask)
    kept = answers_read_with(answers, source_book)  # the words --situation reads back
    notes += _save_answers(request, kept, advice_inputs(request, source))
    crm = None
    if request.evidence is not None:
        from salesmkt.pipeline.evidence import load_evidence

        crm = load_evidence(request.evidence)
    advice = rec.evaluate(
        book,
        assessment,
        situation=answers.get("situation"),
        checklist=answers.get("checklist"),
        funnel=answers.get("funnel"),
        stage=request.stage,
        crm=crm,
    )
    view = AdviceView(rec.shorten(advice, request.top), assessment, labels)
    return AdviceRun(view, advice_inputs(request, source), notes)


def _save_answers(
    request: AdviceRequest, answers: dict[str, Answers], inputs: list[Path]
) -> list[str]:
    """Write the need-to-align answers typed at the terminal to ``--save-answers``, in
    the format ``--situation`` reads; a note when there was nothing to save."""
    if request.save_answers is None:
        return []
    typed = answers.get("situation")
    if typed is None or request.situation is not None:
        return [f"salesmkt: nothing was asked, so nothing was saved to {request.save_answers}"]
    from salesmkt.advice.answers import to_yaml
    from salesmkt.render.outputs import write_atomic

    write_atomic(request.save_answers, to_yaml(typed), inputs=inputs)
    return [f"salesmkt: your answers were saved to {request.save_answers} (use --situation)"]


def _stage_labels(book: rules_mod.RuleBook) -> dict[str, str]:
    return {s.id: s.label for s in book.questionnaire.stages}


def _ask_situation(
    book: rules_mod.RuleBook,
    assessment: Assessment,
    stage: str | None,
    answers: dict[str, Answers],
    ask: Asker | None,
) -> list[str]:
    """Ask the need-to-align statements when they were not given and there is a move."""
    current = stage or (assessment.overall.stage.id if assessment.overall.stage else None)
    if (
        "situation" in answers
        or book.situation is None
        or current is None
        or book.next_stage(current) is None
    ):
        return []
    if ask is None:
        return [
            "salesmkt: no --situation given and stdin is not a terminal: "
            "the stay-or-move-up advice is missing"
        ]
    asked = ask(book, current)
    if asked is not None:
        answers["situation"] = asked
    return []


# -- compare --------------------------------------------------------------------------------


def compare_questionnaire(before: Path, after: Path, given: str | None) -> str:
    """The questionnaire of two waves: the one given, else the one a saved JSON names."""
    for path in (before, after):
        if not path.is_file():
            raise SalesmktError(f"{path}: no such file")
    from salesmkt.analysis.compare import saved_questionnaire

    return given or saved_questionnaire(before) or saved_questionnaire(after) or "alignment"


def compare(before: ResponseSource, after: Path, settings: Settings) -> Comparison:
    """Two waves of the same questionnaire: what changed, and is it real?"""
    from salesmkt.analysis.compare import compare_waves, load_wave

    waves = [load_wave(before.at(path), settings) for path in (before.path, after)]
    for wave in waves:  # the questionnaire's texts in the reader's language (--lang)
        wave.assessment = assessment_in_reader_language(wave.assessment, before.questionnaire)
    return compare_waves(waves[0], waves[1], seed=settings.seed, n_boot=settings.n_boot)
