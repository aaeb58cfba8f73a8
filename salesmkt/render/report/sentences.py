"""The report's sentences that stand alone: verdict and effect words, the overall method,
the score finding, the total gap, whether the data back a gap, the consultant's notes.

Vocabulary: as :mod:`salesmkt.render.report.build`, whose section builders call these;
every fixed word is in the reader's language (:func:`salesmkt.l10n._`), every figure
worded through :mod:`salesmkt.wording`.
"""

from __future__ import annotations

from pathlib import Path

from salesmkt.l10n import N_, _, number
from salesmkt.model.assessment import Assessment, ItemResult
from salesmkt.render.report.words import sentence
from salesmkt.wording import effect_words, fmt_ci, fmt_gap, fmt_mean, fmt_p, fmt_pct

VERDICT_WORDS = {
    "stay": N_("Stay at this stage"),
    "move_up": N_("Move up a stage"),
    "mixed": N_("The situation points both ways"),
    "unknown": N_("Stay or move up: not yet decided"),
    "top": N_("Already at the top stage"),
}
TITLE_WORDS = N_("Sales & Marketing alignment: workshop report")  # = view.DEFAULT_TITLE
#: An action's horizon as its tag shows it (English keeps the rules' own word).
ANY_STAGE = N_("any")  # a rule for every transition
HORIZONS = {"now": N_("now"), "quarter": N_("quarter"), "year": N_("year")}
#: An effect-size band as the item tables show it, before its δ.
EFFECT_BANDS = {
    "negligible": N_("negligible"),
    "small": N_("small"),
    "medium": N_("medium"),
    "large": N_("large"),
}


def overall_method(a: Assessment, first: str, second: str) -> str:
    """How the organisation's score weighs the groups, with its share favourable."""
    overall = a.overall
    method = ""
    if overall.method == "equal-weight" and overall.pooled_mean is not None:
        method = _(
            "{first} and {second} weigh equally; pooled mean of all respondents {mean}"
        ).format(first=first, second=second, mean=fmt_mean(overall.pooled_mean, 1))
    elif overall.method == "pooled":
        method = _("every respondent weighs equally")
    if overall.favourable is not None and method:
        method = _("{method}; {share} of the answers shown are favourable").format(
            method=method, share=fmt_pct(overall.favourable)
        )
    return method


def score_finding(a: Assessment) -> str:
    """The organisation's score and stage in one sentence (the first key finding)."""
    overall, stage = a.overall, a.overall.stage
    if overall.score is None or stage is None:
        return ""
    highest = max((float(row.max) for row in a.stages if row.max is not None), default=None)
    score = fmt_mean(overall.score, 1)
    if highest is None:
        return _("The organisation scores {score}: {stage}.").format(score=score, stage=stage.label)
    return _("The organisation scores {score} out of {highest}: {stage}.").format(
        score=score, highest=number(f"{highest:g}"), stage=stage.label
    )


def total_gap(a: Assessment, first: str, second: str) -> str | None:
    tg = a.total_gap
    if tg is None or tg.gap is None:
        return None
    bits = [_("95% CI {ci}").format(ci=fmt_ci(tg.ci, 1))]
    if tg.welch_t is not None:
        bits.append(
            _("Welch's t = {t}, p = {p}").format(t=fmt_mean(tg.welch_t, 2), p=fmt_p(tg.welch_p))
        )
    if tg.cliffs_delta is not None:
        bits.append(
            _("Cliff's δ = {delta}, {effect}").format(
                delta=fmt_gap(tg.cliffs_delta, 2), effect=effect_words(tg.effect_size)
            )
        )
    if tg.hedges_g is not None:
        bits.append(_("Hedges' g = {g}").format(g=fmt_gap(tg.hedges_g, 2)))
    text = (
        _("On the total, {first} scores {points} points higher than {second} ({details}).")
        if tg.gap >= 0
        else _("On the total, {first} scores {points} points lower than {second} ({details}).")
    )
    return text.format(
        first=first,
        second=second,
        points=fmt_mean(abs(tg.gap), 1),
        details="; ".join(bits),
    )


def support(item: ItemResult) -> str:
    """Whether the data back the gap, in words."""
    if item.gap is None:
        return item.not_estimable or _("not estimable")
    if item.backed is None:
        return _("not tested")
    if item.backed:
        return _("the data back it (adjusted p < 0.05)")
    return _("not backed by the data yet (adjusted p ≥ 0.05)")


def consultant_notes(a: Assessment, source_file: str | None, notes: list[str]) -> list[str]:
    """Hints for the consultant: where the data came from, what would add to the report."""
    found = []
    if source_file:
        found.append(_("Data file: {name}.").format(name=source_file))
    if a.settings.headcount:
        name = Path(a.settings.headcount).name
        found.append(_("Headcount file: {name}.").format(name=name))
    if a.advice is None:
        found.append(
            _(
                "No advice in this report: it was made from a score without the rules step. "
                "Run salesmkt report with --situation FILE (and optionally --checklist FILE, "
                "--funnel FILE) to add the stay-or-move-up verdict and the action list."
            )
        )
    found += notes
    found.append(
        _(
            "This box is for you, not the client: --no-consultant-notes leaves it out of the "
            "copy you send."
        )
    )
    return [sentence(n) for n in found]
