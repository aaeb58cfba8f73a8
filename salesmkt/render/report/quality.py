"""The report's quality sections: how far the figures can be trusted, and the data quality.

Vocabulary:
- *trust*: the measurement quality, one sentence per scope: the reliability of the total
  (Cronbach's alpha with its Feldt interval, worded with George & Mallery's bands and
  judged against the reliability floor, and McDonald's omega; pooled within the groups)
  then one sentence per dimension, and the agreement within each group (r*wg(J) worded
  with LeBreton & Senter's bands, r_wg(J) and AD_M), then ICC(1)/ICC(2).
- *data quality*: how many responses were read, scored and excluded (and why), what was
  withheld for anonymity, the warnings, and the ``--by`` breakdown.
- *shown*: a suppressed group's figures are never shown, its sentences included.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Set
from typing import TypedDict

from salesmkt.l10n import N_, _, list_separator, ngettext, number, reader_language
from salesmkt.model.assessment import (
    AggregationResult,
    AgreementResult,
    Assessment,
    ReliabilityResult,
    SegmentResult,
)
from salesmkt.render.report.view import MAX_LISTED, SegmentRow
from salesmkt.render.report.words import RELIABILITY_FLOOR, Names, sentence
from salesmkt.wording import DASH, fmt_mean, fmt_n, reliability_figures

# George & Mallery's bands for Cronbach's alpha; "acceptable" starts at the floor.
_ALPHA_BANDS = (
    (0.9, N_("excellent")),
    (0.8, N_("good")),
    (RELIABILITY_FLOOR, N_("acceptable")),
    (0.6, N_("questionable")),
)
# LeBreton & Senter (2008)'s bands for r_wg: (upper bound, words).
_RWG_BANDS = (
    (0.30, N_("no real agreement")),
    (0.50, N_("weak agreement")),
    (0.70, N_("moderate agreement")),
    (0.90, N_("strong agreement")),
)


def alpha_words(alpha: float) -> str:
    return _(next((words for low, words in _ALPHA_BANDS if alpha >= low), N_("poor")))


def rwg_words(rwg: float) -> str:
    return _(
        next((words for high, words in _RWG_BANDS if rwg <= high), N_("very strong agreement"))
    )


# -- how far the figures can be trusted --------------------------------------------------


class TrustFields(TypedDict):
    reliability: list[str]
    agreement: list[str]


def shown_reliability(assessment: Assessment, hidden: Set[str]) -> list[ReliabilityResult]:
    """The reliability results whose scope is not a suppressed group."""
    return [r for r in assessment.reliability if r.scope not in hidden]


def trust_fields(assessment: Assessment, names: Names, hidden: Set[str]) -> TrustFields:
    return TrustFields(
        reliability=[_reliability_sentence(r, names) for r in shown_reliability(assessment, hidden)]
        + _dimension_sentences(assessment),
        agreement=[
            _agreement_sentence(a, names) for a in assessment.agreement if a.group not in hidden
        ]
        + _aggregation_sentences(assessment.aggregation),
    )


def _dimension_sentences(assessment: Assessment) -> list[str]:
    """One sentence per dimension: its alpha pooled within the groups."""
    labels = {d.id: d.label for d in assessment.dimensions}
    out = []
    for rel in assessment.reliability_dimensions:
        if rel.scope != "pooled" or rel.dimension is None:
            continue
        label = labels.get(rel.dimension, rel.dimension)
        if rel.alpha is None:
            why = (rel.not_estimable or _("not enough data")).removeprefix("not estimable: ")
            out.append(
                _("Dimension {label}: reliability could not be estimated ({why}).").format(
                    label=label, why=why
                )
            )
        elif rel.below_floor:
            out.append(
                _("Dimension {label}: {figures}; below {floor}.").format(
                    label=label,
                    figures=reliability_figures(rel),
                    floor=number(f"{RELIABILITY_FLOOR:.2f}"),
                )
            )
        else:
            out.append(
                _("Dimension {label}: {figures}.").format(
                    label=label, figures=reliability_figures(rel)
                )
            )
    return out


def _aggregation_sentences(agg: AggregationResult | None) -> list[str]:
    if agg is None:
        return []
    if agg.icc1 is None or agg.icc2 is None:
        why = (agg.not_estimable or _("not enough data")).removeprefix("not estimable: ")
        return [
            _("ICC across the {n} groups: not estimable ({why}).").format(n=agg.groups, why=why)
        ]
    text = _(
        "ICC(1) = {icc1}, ICC(2) = {icc2} across the "
        "{groups} groups (n = {n}): ICC(1) is the share of the spread in totals "
        "that lies between groups, ICC(2) how reliably a group's mean stands for it."
    ).format(icc1=fmt_mean(agg.icc1, 2), icc2=fmt_mean(agg.icc2, 2), groups=agg.groups, n=agg.n)
    if agg.note:
        text += f" {agg.note}."
    return [text]


def _reliability_sentence(rel: ReliabilityResult, names: Names) -> str:
    who = names(rel.scope)
    if rel.alpha is None:
        reason = rel.not_estimable or _("not enough data")
        return _("{who} (n = {n}): reliability could not be estimated ({reason}).").format(
            who=who, n=rel.n, reason=reason
        )
    words = alpha_words(rel.alpha)
    if rel.warning:  # the statistics' own wording names the figure and the likely cause
        return f"{who} ({reliability_figures(rel)}): {words}. {rel.warning}"
    text = f"{who} ({reliability_figures(rel)}): {words}: "
    if not rel.below_floor:
        return text + _("the statements hang together well enough to add them up into one score.")
    return text + _(
        "the total is not a reliable measure for these respondents. Read the stage as a "
        "rough indication."
    )


def _agreement_sentence(agr: AgreementResult, names: Names) -> str:
    who = names(agr.group)
    if agr.rwg_j is None and agr.ad_m is None:
        reason = agr.not_estimable or _("not enough data")
        return _("{who} (n = {n}): agreement could not be estimated ({reason}).").format(
            who=who, n=agr.n, reason=reason
        )
    parts = []
    if agr.rwg_star_j is not None:
        parts.append(f"r*wg(J) = {fmt_mean(agr.rwg_star_j, 2)}")
    if agr.rwg_star_j_skewed is not None:
        parts.append(
            _("{value} against a slightly skewed null").format(
                value=fmt_mean(agr.rwg_star_j_skewed, 2)
            )
        )
    if agr.rwg_j is not None:
        parts.append(f"r_wg(J) = {fmt_mean(agr.rwg_j, 2)}")
    if agr.ad_m is not None:
        parts.append(f"AD_M = {fmt_mean(agr.ad_m, 2)}")
    text = _("{who} (n = {n}): {agreement} within the group ({figures}).").format(
        who=who, n=agr.n, agreement=agreement_words(agr), figures=list_separator().join(parts)
    )
    if agr.note:
        # The analysis joins its notes with "; ": each is shown as its own sentence.
        text += " " + " ".join(sentence(n) for n in agr.note.split("; ") if n.strip())
    elif agr.low:
        text += " " + _("Its members answer very differently, so its mean may hide a split team.")
    return text


def agreement_words(agr: AgreementResult) -> str:
    """The agreement in words: never "strong" for a group flagged as low (AD_M can flag a
    group whose r*wg(J) alone reads strong; the report then says low, as the flag does)."""
    if agr.rwg_star_j is not None and (agr.rwg_below_floor or not agr.low):
        return rwg_words(agr.rwg_star_j)
    return _("low agreement") if agr.low else _("agreement measured by AD_M")


# -- data quality ------------------------------------------------------------------------


class DataQualityFields(TypedDict):
    respondents: str
    excluded: list[str]
    excluded_more: int
    suppressed: list[str]
    warnings: list[str]
    warnings_more: int
    segments: list[SegmentRow]


def data_quality_fields(assessment: Assessment, names: Names) -> DataQualityFields:
    a = assessment
    resp = a.respondents
    respondents = _respondents_sentence(assessment)
    codes = {e.respondent for e in resp.excluded} | {w.respondent for w in a.warnings}
    excluded = [
        (_("Row {row} ({group}): {reason}") if e.group else _("Row {row}: {reason}")).format(
            row=e.row, group=names(e.group), reason=without_codes(e.reason, codes)
        )
        for e in resp.excluded[:MAX_LISTED]
    ]
    return DataQualityFields(
        respondents=respondents,
        excluded=excluded,
        excluded_more=max(0, len(resp.excluded) - MAX_LISTED),
        suppressed=list(a.suppressed),
        warnings=[without_codes(w.message, codes) for w in a.warnings[:MAX_LISTED]],
        warnings_more=max(0, len(a.warnings) - MAX_LISTED),
        segments=[_segment_row(s) for s in a.segments],
    )


def _respondents_sentence(a: Assessment) -> str:
    """How many responses were read, scored, prorated and excluded."""
    resp = a.respondents
    read = ngettext("{n} response read", "{n} responses read", resp.total).format(n=resp.total)
    if reader_language() is None:  # English as it always read
        read = f"{resp.total} response(s) read"
    if resp.prorated:
        return _(
            "{read}, {scored} scored ({prorated} with some answers missing, prorated), "
            "{excluded} excluded."
        ).format(read=read, scored=resp.scored, prorated=resp.prorated, excluded=len(resp.excluded))
    return _("{read}, {scored} scored, {excluded} excluded.").format(
        read=read, scored=resp.scored, excluded=len(resp.excluded)
    )


def without_codes(text: str, codes: Iterable[str | None]) -> str:
    """``text`` with every respondent code in ``codes`` taken out: the report never
    shows a respondent code (rows are named by their number only)."""
    for code in sorted((c.strip() for c in codes if c and c.strip()), key=len, reverse=True):
        text = text.replace(f" (respondent {code})", "").replace(f"'{code}'", "'…'")
        text = re.sub(rf"(?<![\w-]){re.escape(code)}(?![\w-])", "…", text)
    return text


def _segment_row(seg: SegmentResult) -> SegmentRow:
    if seg.suppressed:
        return SegmentRow(
            seg.by,
            seg.value,
            fmt_n(seg.n, seg.n_fewer_than),
            True,
            _("withheld"),
            _("withheld"),
            "",
        )
    parts = [
        f"{g.label} {fmt_mean(g.mean, 1)} (n = {g.n})"
        if not g.suppressed
        else (
            _("{group} (withheld, n < {n})").format(group=g.label, n=g.n_fewer_than)
            if g.n_fewer_than
            else _("{group} (withheld)").format(group=g.label)
        )
        for g in seg.groups
    ]
    return SegmentRow(
        by=seg.by,
        value=seg.value,
        n=fmt_n(seg.n, seg.n_fewer_than),
        suppressed=False,
        overall=fmt_mean(seg.overall.score, 1),
        stage=seg.overall.stage.label if seg.overall.stage else DASH,
        groups="; ".join(parts),
    )
