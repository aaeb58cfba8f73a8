"""The executive summary: the one page a CEO reads, made from the worded report.

Vocabulary:
- *stage sentence*: the stage with its score and band, or that it cannot be estimated
  and why (:func:`stage_sentence`).
- *findings that matter most*: the report's key findings without the score sentence
  (the stage sentence says it) and without the advice message (the verdict says it),
  in the order the key findings rank them: a stage that cannot be estimated, an average
  that hides a split, disagreement on the stage, the perception gaps, reliability.
- *verdict*: the stay-or-move-up verdict, with its message.
- *top actions*: the first three actions, each with its owner.

The slide deck's summary slide reads the same :class:`~salesmkt.render.report.view.Summary`,
so page one of the report and the deck's summary slide say the same thing.
"""

from __future__ import annotations

from salesmkt.l10n import N_, _
from salesmkt.render.report.view import Report, Summary
from salesmkt.wording import DASH

FINDINGS = 3
ACTIONS = 3
NO_ADVICE = N_("No stay-or-move-up advice was made for this report")


def stage_sentence(r: Report) -> str:
    """The stage, and whether it could be estimated, in one sentence."""
    if r.headline_score == DASH:
        why = f" {r.headline_note}" if r.headline_note else ""
        return _("The stage cannot be estimated from these data.") + why
    if r.headline_range:
        return _("Stage: {stage}, score {score} (the {stage} band runs {band}).").format(
            stage=r.headline_stage, score=r.headline_score, band=r.headline_range
        )
    return _("Stage: {stage}, score {score}.").format(
        stage=r.headline_stage, score=r.headline_score
    )


def move_up_words(verdict: str, here: str, there: str) -> str:
    """The move-up verdict with its two stages: ``Move up a stage: from A to B``."""
    return _("{verdict}: from {here} to {there}").format(verdict=verdict, here=here, there=there)


def summary(r: Report) -> Summary:
    """Page one of the report: stage, three findings, verdict and the top three actions."""
    skip = {r.advice.message} if r.advice else set()
    skip.add(r.score_finding)
    if r.headline_note:
        skip.add(r.headline_note)
    findings = [f for f in r.key_findings if f not in skip]
    a = r.advice
    verdict = a.verdict_label if a else _(NO_ADVICE)
    if a is not None and a.verdict == "move_up" and a.next_stage:
        verdict = move_up_words(verdict, a.current_stage, a.next_stage)
    return Summary(
        stage=r.headline_stage,
        estimable=r.headline_score != DASH,
        stage_sentence=stage_sentence(r),
        findings=findings[:FINDINGS],
        verdict=verdict,
        verdict_sentence=a.message if a else "",
        actions=a.actions[:ACTIONS] if a else [],
    )
