"""Wording of numbers and labels: the one place that says how a figure reads.

Every renderer (terminal, Markdown, CSV, HTML, charts) and the few core messages that
quote a figure word it through this module, so two formats can never disagree.

Vocabulary:
- *score*: a total, shown with one decimal unless rounding would carry it across a
  stage *edge* (39.96 would read "40.0" next to "Undefined"); then it gets as many
  decimals as it takes to stay on the right side.
- *mean*: an item or group mean; *gap*: a difference, always with its sign.
- *interval*: a confidence interval, always ``[low, high]``; the bounds of a gap or a
  change carry their sign (a bound that rounds to zero is unsigned: "-0.0" would read as
  a real negative), those of a level such as a mean score do not.
- *p*: a p-value with three decimals, or ``<0.001``.
- *quadrant*: where an item falls on the two groups' means (shared strength, shared
  pain, split view, mixed); *effect*: an effect-size band in words.
- *head count*: a group's ``n``; a withheld group's never shows its exact number, only
  ``<K`` ("fewer than K") or a dash.
- *favourable*: a share of favourable answers, as a whole percentage (``67%``).
- ``None`` (a withheld or missing figure) shows as an en dash.

Every figure is formatted once, in English, and then written with the reader's symbols
(:func:`salesmkt.l10n.number`: ``59,4`` in German, ``67 %``), so a report in any
language shows the same rounding; words go through :func:`salesmkt.l10n._`.
"""

from __future__ import annotations

from collections.abc import Sequence

from salesmkt.l10n import N_, _, list_separator, ngettext, number, whole
from salesmkt.model.assessment import Assessment, ReliabilityResult, StageBand

DASH = "–"
# Matches scoring.STAGE_DECIMALS: the stage is decided on the score rounded to 9 places.
_STAGE_DECIMALS = 9
P_FLOOR = 0.001

QUADRANT_WORDS = {
    "shared_strength": N_("shared strength"),
    "shared_pain": N_("shared pain"),
    "split": N_("split view"),
    "mixed": N_("mixed"),
}
EFFECT_WORDS = {
    "negligible": N_("negligible effect"),
    "small": N_("small effect"),
    "medium": N_("medium effect"),
    "large": N_("large effect"),
}


def tidy(value: float, decimals: int) -> float:
    """``value`` rounded, with a rounded -0.0 turned into 0.0."""
    return round(value, decimals) + 0.0


def fmt_score(value: float | None, edges: Sequence[float] = (), decimals: int = 1) -> str:
    """A score with ``decimals`` places, more if needed to keep it inside its stage."""
    if value is None:
        return DASH
    v = round(value, _STAGE_DECIMALS)
    for places in range(decimals, 7):
        text = f"{v:.{places}f}"
        shown = float(text)
        if all((shown >= e) == (v >= e) for e in edges):
            return number(text)
    return number(f"{v:.6f}")


def fmt_mean(value: float | None, decimals: int = 2) -> str:
    """A mean (or any unsigned figure) with ``decimals`` places."""
    return DASH if value is None else number(f"{tidy(value, decimals):.{decimals}f}")


def fmt_gap(value: float | None, decimals: int = 2) -> str:
    """A difference, always signed; one that rounds to zero reads ``+0.00``, never ``-0.00``."""
    return DASH if value is None else number(f"{tidy(value, decimals):+.{decimals}f}")


def _bound(value: float, decimals: int, signed: bool) -> str:
    if not signed:
        return number(f"{tidy(value, decimals):.{decimals}f}")
    text = f"{value:+.{decimals}f}"
    return number(text[1:] if float(text) == 0 else text)


def fmt_ci(ci: tuple[float, float] | None, decimals: int = 2, *, signed: bool = True) -> str:
    """A confidence interval as ``[low, high]``: signed bounds for a gap or a change,
    plain ones (``signed=False``) for a level such as a group's mean score."""
    if ci is None:
        return DASH
    low, high = _bound(ci[0], decimals, signed), _bound(ci[1], decimals, signed)
    return f"[{low}{list_separator()}{high}]"


def fmt_n(n: int | None, fewer_than: int | None = None) -> str:
    """A head count; a withheld one reads ``<K`` (fewer than K), or a dash, never exact."""
    if n is not None:
        return str(n)
    return f"<{fewer_than}" if fewer_than is not None else DASH


def n_words(n: int | None, fewer_than: int | None = None) -> str:
    """A head count in words: "9 respondents", "fewer than 5 respondents", "–"."""
    if n is not None:
        return ngettext("{n} respondent", "{n} respondents", n).format(n=n)
    if fewer_than is None:
        return DASH
    return _("fewer than {k} respondents").format(k=fewer_than)


def fmt_pct(share: float | None) -> str:
    """A share (0-1) as a whole percentage, ``67%``; None reads as a dash."""
    return DASH if share is None else number(f"{tidy(share * 100, 0):.0f}%")


def fmt_p(p: float | None) -> str:
    """A p-value: three decimals, or ``<0.001``."""
    if p is None:
        return DASH
    return number(f"<{P_FLOOR}" if p < P_FLOOR else f"{p:.3f}")


def quadrant_words(quadrant: str | None) -> str:
    """The quadrant in words, lower case (capitalise at the start of a line)."""
    return DASH if quadrant is None else _(QUADRANT_WORDS.get(quadrant, quadrant))


def effect_words(effect_size: str | None) -> str:
    """An effect-size band in words ("small effect")."""
    if effect_size is None:
        return DASH
    known = EFFECT_WORDS.get(effect_size)
    return _(known) if known else f"{effect_size} effect"


def stage_edges(stages: Sequence[StageBand]) -> list[float]:
    """The stage minimums of an assessment's scoring key (the band edges)."""
    return sorted(s.min for s in stages)


# -- funnel figures (salesmkt evidence) ---------------------------------------------------


def fmt_share(value: float | None, decimals: int = 1) -> str:
    """A share as a percentage: ``0.529`` reads ``52.9%``."""
    return DASH if value is None else number(f"{tidy(value * 100, decimals):.{decimals}f}%")


def fmt_points(value: float | None, decimals: int = 1) -> str:
    """A difference of two shares in percentage points, signed: ``-18.3 pp``; one that
    rounds to zero is unsigned (``0.0 pp``), as the bounds of an interval are."""
    if value is None:
        return DASH
    shown = tidy(value * 100, decimals)
    text = f"{shown:.{decimals}f}" if shown == 0 else f"{shown:+.{decimals}f}"
    return _("{points} pp").format(points=number(text))


def fmt_hours(value: float | None) -> str:
    """A duration in hours (one decimal), or days past 72 hours: ``30.3 h``, ``4.6 d``."""
    if value is None:
        return DASH
    if value > 72:
        return _("{days} d").format(days=number(f"{value / 24:.1f}"))
    return _("{hours} h").format(hours=number(f"{tidy(value, 1):.1f}"))


def fmt_amount(value: float | None) -> str:
    """A sum of money, whole units with thousands separators (no currency: exports mix)."""
    return DASH if value is None else whole(int(tidy(value, 0)))


def fmt_count(value: float | None) -> str:
    return DASH if value is None else whole(round(value))


def fmt_figure(kind: str, value: float | None) -> str:
    """A funnel figure of any kind (see salesmkt.definitions.metrics)."""
    if kind in ("rate", "error"):
        return fmt_share(value)
    if kind == "difference":
        return fmt_points(value)
    if kind == "hours":
        return fmt_hours(value)
    return fmt_amount(value) if kind == "amount" else fmt_count(value)


def fmt_figure_ci(kind: str, ci: tuple[float, float] | None) -> str:
    """The interval of a funnel figure, as ``[low, high]`` in the figure's own unit."""
    if ci is None:
        return DASH
    return f"[{fmt_figure(kind, ci[0])}{list_separator()}{fmt_figure(kind, ci[1])}]"


def reliability_figures(rel: ReliabilityResult) -> str:
    """'alpha 0.81 [0.70, 0.89], omega 0.83, pooled within groups, n = 40 complete'."""
    assert rel.alpha is not None
    bits = [_("alpha {alpha}").format(alpha=fmt_mean(rel.alpha, 2))]
    if rel.alpha_ci is not None:
        bits[0] += f" {fmt_ci(rel.alpha_ci, 2, signed=False)}"
    if rel.omega is not None:
        bits.append(_("omega {omega}").format(omega=fmt_mean(rel.omega, 2)))
    if rel.method == "pooled within groups":
        bits.append(_("pooled within groups"))
    bits.append(_("n = {n} complete").format(n=rel.n))
    return ", ".join(bits)


def with_favourable(mean: float | None, favourable: float | None) -> str:
    """A mean with its % favourable beside it: ``3.93 (80%)``."""
    if favourable is None:
        return fmt_mean(mean)
    return f"{fmt_mean(mean)} ({fmt_pct(favourable)})"


def settings_line(a: Assessment) -> str:
    """The thresholds the figures were made with, in one sentence (every format)."""
    s = a.settings
    fav = (
        _("; favourable = answers of {k} or more").format(k=number(f"{s.favourable_from:g}"))
        if s.favourable_from is not None
        else ""
    )
    return _(
        "Anonymity threshold {k} (groups below it are withheld); comments shown for "
        "groups of {c} or more{favourable}."
    ).format(k=s.min_group_size, c=s.min_comment_group, favourable=fav)
