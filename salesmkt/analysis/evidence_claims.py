"""Claims against evidence: what each group says, what the data show, and the verdict.

Vocabulary:
- *claim*: a questionnaire item with an ``evidence:`` entry (metric, ``supports_if``
  above/below, threshold).
- *view*: a compared group's mean on the item against the scale's midpoint: above it
  the group *agrees* with the statement, below it *disagrees*, on it is *undecided*;
  *unknown* when the group's mean is withheld (too few people) or missing.
- *the data say*: ``supports`` when the metric's whole 95% interval lies on the
  statement's side of the threshold, ``contradicts`` when wholly on the other side,
  ``inconclusive`` when the interval straddles it, ``not_enough`` when there is no
  figure or it rests on a small denominator.
- *verdict*: the group(s) whose view matches what the data say: "the data support
  Sales' view" (or Marketing's), "the data support both views" when the two agree,
  "the data support neither" when both views are known and neither matches, and "not
  enough data" otherwise. It is evidence from the funnel, not proof of intent: a slow
  follow-up says when leads were touched, not why.

The verdicts, the reasons and the views' words are in the reader's language
(:mod:`salesmkt.l10n`), made inside the run; ``data_say`` and a view's ``view`` stay
English keys for programs.
"""

from __future__ import annotations

from salesmkt.definitions.metrics import metric_name
from salesmkt.definitions.questionnaire import Item, Questionnaire
from salesmkt.l10n import N_, _, reader_language
from salesmkt.model.assessment import Assessment
from salesmkt.model.evidence import ClaimVerdict, DataSay, EvidenceResult, Figure, GroupView
from salesmkt.wording import fmt_figure, fmt_figure_ci, fmt_mean

NOT_ENOUGH = N_("not enough data")
NEITHER = N_("the data support neither")
BOTH = N_("the data support both views")
#: One group's view supported. English says it with the possessive (Sales' view,
#: Marketing's view), which no placeholder can carry: the other languages say "the view
#: of {group}" (see :func:`supports_one`).
SUPPORTS_ONE = N_("the data support the view of {group}")
VIEW_WORDS = {
    "agrees": N_("agrees"),
    "disagrees": N_("disagrees"),
    "undecided": N_("undecided"),
    "unknown": N_("unknown"),
}
#: The reason, by what the data say and the side of the threshold the statement needs.
REASONS = {
    ("supports", "above"): N_(
        "clearly above {threshold}: the funnel data are consistent with the statement"
    ),
    ("supports", "below"): N_(
        "clearly below {threshold}: the funnel data are consistent with the statement"
    ),
    ("contradicts", "above"): N_(
        "clearly not above {threshold}: the funnel data are at odds with the statement"
    ),
    ("contradicts", "below"): N_(
        "clearly not below {threshold}: the funnel data are at odds with the statement"
    ),
}


def possessive(label: str) -> str:
    """Sales → Sales', Marketing → Marketing's."""
    return f"{label}'" if label.endswith("s") else f"{label}'s"


def data_say(figure: Figure | None, supports_if: str, threshold: float) -> DataSay:
    if figure is None or figure.value is None or figure.ci is None or figure.small:
        return "not_enough"
    low, high = figure.ci
    above, below = low > threshold, high < threshold
    if not (above or below):
        return "inconclusive"
    return "supports" if above == (supports_if == "above") else "contradicts"


def views(q: Questionnaire, assessment: Assessment, item: Item) -> list[GroupView]:
    result = next((i for i in assessment.items if i.id == item.id), None)
    out = []
    midpoint = q.scale.midpoint
    for gid in q.compare:
        mean = result.means_by_group.get(gid) if result else None
        n = result.n_by_group.get(gid, 0) if result else 0
        view = "unknown"
        if mean is not None:
            view = "agrees" if mean > midpoint else "disagrees" if mean < midpoint else "undecided"
        out.append(GroupView(group=gid, label=q.group(gid).label, mean=mean, n=n, view=view))
    return out


def supports_one(label: str) -> str:
    """The verdict "the data support Sales' view", in the reader's language."""
    if reader_language() is None:
        return f"the data support {possessive(label)} view"
    return _(SUPPORTS_ONE).format(group=label)


def verdict(said: DataSay, group_views: list[GroupView]) -> str:
    if said in ("not_enough", "inconclusive"):
        return _(NOT_ENOUGH)
    side = "agrees" if said == "supports" else "disagrees"
    matching = [v for v in group_views if v.view == side]
    if len(matching) == len(group_views) and len(matching) > 1:
        return _(BOTH)
    if matching:
        return supports_one(matching[0].label)
    if any(v.view == "unknown" for v in group_views):
        return _(NOT_ENOUGH)
    return _(NEITHER)


def _why(item: Item, figure: Figure | None, said: DataSay) -> str:
    ev = item.evidence
    assert ev is not None
    if figure is None or figure.value is None:
        why = figure.note if figure and figure.note else _("no data")
        return _("no {metric} figure: {why}").format(metric=ev.metric, why=why)
    shown = f"{metric_name(figure.metric, figure.label)}: {fmt_figure(figure.kind, figure.value)} "
    shown += fmt_figure_ci(figure.kind, figure.ci)
    threshold = fmt_figure(figure.kind, ev.threshold)
    if said in ("supports", "contradicts"):
        words = _(REASONS[(said, ev.supports_if)]).format(threshold=threshold)
    elif said == "inconclusive":
        words = _("the interval straddles {threshold}").format(threshold=threshold)
    else:
        words = _("too few records to judge (flagged small)")
    return f"{shown}; {words}"


def claim_verdicts(
    q: Questionnaire, assessment: Assessment, result: EvidenceResult
) -> list[ClaimVerdict]:
    """One verdict per item with an evidence entry, in the questionnaire's order."""
    out = []
    for item in q.items:
        ev = item.evidence
        if ev is None:
            continue
        figure = result.figure(ev.metric)
        said = data_say(figure, ev.supports_if, ev.threshold)
        group_views = views(q, assessment, item)
        out.append(
            ClaimVerdict(
                item=item.id,
                statement=item.text,
                short=item.short,
                metric=ev.metric,
                supports_if=f"{ev.supports_if} {ev.threshold:g}",
                views=group_views,
                figure=figure,
                data_say=said,
                verdict=verdict(said, group_views),
                why=_why(item, figure, said),
            )
        )
    return out


def mean_words(v: GroupView) -> str:
    """How a group's view reads: ``agrees (4.22)``, in the reader's language."""
    word = _(VIEW_WORDS[v.view])
    return word if v.mean is None else f"{word} ({fmt_mean(v.mean)})"
