"""The segments heatmap of ``--by``: dimensions (and statements) × segments.

Vocabulary:
- *cell*: one dimension (or statement) in one segment: the mean of the compared groups'
  means there (each function weighs equally, as in the overall score; where one group
  is withheld in that segment, the other alone, and the column says so) and its
  difference from the same group(s) in the whole organisation (:func:`segment_cell`).
- *shade*: the difference clipped to -1..+1 scale points; the page colours above and
  below the organisation in two hues, and the signed difference and the words "above"
  and "below" say the same, so colour is never the only carrier.
- *withheld*: a segment (or every compared group in it) below the anonymity minimum;
  its cells say "withheld" and never hold a figure.

The slide deck's segment slides read :func:`segment_cell` too, so both show the same
figures.
"""

from __future__ import annotations

from collections.abc import Sequence

from salesmkt.l10n import N_, _
from salesmkt.model.assessment import Assessment, GroupResult, SegmentResult
from salesmkt.render.report.view import HeatCell, Heatmap, HeatRow
from salesmkt.render.report.words import and_list
from salesmkt.wording import DASH, fmt_gap, fmt_mean

NEUTRAL = 0.05  # a difference under this reads as "level with" the organisation
WITHHELD = N_("withheld")


def _mean(values: Sequence[float | None]) -> float | None:
    """The plain mean; None when any value is missing (a cell is never half-computed)."""
    if not values or any(v is None for v in values):
        return None
    present = [v for v in values if v is not None]
    return sum(present) / len(present)


def shown_groups(seg: SegmentResult, compare: Sequence[str]) -> list[GroupResult]:
    """The compared groups the segment shows (a withheld group has no figure)."""
    groups = {g.id: g for g in seg.groups}
    return [g for c in compare if (g := groups.get(c)) is not None and not g.suppressed]


def _organisation(a: Assessment, kind: str, key: str, groups: Sequence[str]) -> float | None:
    source = a.dimension(key) if kind == "dimension" else a.item(key)
    if source is None:
        return None
    return _mean([source.means_by_group.get(g) for g in groups])


def segment_cell(a: Assessment, seg: SegmentResult, kind: str, key: str) -> HeatCell:
    """One dimension (``kind="dimension"``) or statement (``"item"``) in one segment."""
    shown = shown_groups(seg, a.compare[:2])
    if seg.suppressed or not shown:
        return HeatCell(_(WITHHELD), withheld=True)
    means = [g.dimension_means if kind == "dimension" else g.item_means for g in shown]
    value = _mean([m.get(key) for m in means])
    if value is None:
        return HeatCell(DASH)
    reference = _organisation(a, kind, key, [g.id for g in shown])
    if reference is None:
        return HeatCell(fmt_mean(value, 2))
    diff = value - reference
    direction = "" if abs(diff) < NEUTRAL else ("above" if diff > 0 else "below")
    return HeatCell(
        fmt_mean(value, 2), fmt_gap(diff, 2), max(-1.0, min(1.0, diff)), False, direction
    )


def segment_label(seg: SegmentResult, a: Assessment, several: bool) -> str:
    """'EMEA (n = 12)', with the column's name when several --by columns are shown."""
    label = f"{seg.by}: {seg.value}" if several else seg.value
    if seg.n is None:
        return _("{label} (fewer than {n})").format(label=label, n=seg.n_fewer_than)
    shown = shown_groups(seg, a.compare[:2])
    if not seg.suppressed and 0 < len(shown) < len(a.compare[:2]):
        only = and_list([g.label for g in shown])
        return _("{label} (n = {n}, {groups} only)").format(label=label, n=seg.n, groups=only)
    return f"{label} (n = {seg.n})"


def heatmap(a: Assessment, first: str, second: str, items: bool = False) -> Heatmap | None:
    """The heatmap of the segments; None without ``--by`` or without two compared groups."""
    if not a.segments or len(a.compare) < 2:
        return None
    several = len({s.by for s in a.segments}) > 1
    rows: list[HeatRow] = []
    both = list(a.compare[:2])
    for dim in a.dimensions:
        reference = fmt_mean(_organisation(a, "dimension", dim.id, both), 2)
        cells = [segment_cell(a, s, "dimension", dim.id) for s in a.segments]
        rows.append(HeatRow(dim.label, "dimension", cells, reference))
        if items:
            for item in a.items:
                if item.dimension == dim.id:
                    rows.append(_item_row(a, item.id, item.short or item.text, both))
    if items:
        rows += [
            _item_row(a, i.id, i.short or i.text, both)
            for i in a.items
            if i.dimension is None or a.dimension(i.dimension) is None
        ]
    by = and_list(list(dict.fromkeys(s.by for s in a.segments)))
    return Heatmap(
        by=by,
        segments=[segment_label(s, a, several) for s in a.segments],
        rows=rows,
        key=heat_key(first, second),
        notes=[],
    )


def _item_row(a: Assessment, key: str, label: str, both: list[str]) -> HeatRow:
    reference = fmt_mean(_organisation(a, "item", key, both), 2)
    cells = [segment_cell(a, s, "item", key) for s in a.segments]
    return HeatRow(f"{key} {label}", "item", cells, reference)


def heat_key(first: str, second: str) -> str:
    return _(
        "Each cell: the mean score (1 to 5) in that segment, with its difference from the "
        "same group(s) in the whole organisation ({first} and {second} weigh equally; "
        "where one is withheld, the other alone). Above the organisation: shaded blue and "
        "marked ▲; below: shaded orange and marked ▼. Withheld: too few respondents to "
        "show."
    ).format(first=first, second=second)
