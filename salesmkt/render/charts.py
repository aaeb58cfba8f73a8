"""Charts for the workshop report, drawn with matplotlib from the assessment alone.

Vocabulary:
- *chart*: one figure, kept as a standalone SVG document (for ``--charts DIR`` and slides)
  and, on request, PNG bytes. :meth:`Chart.inline_svg` is the same drawing made fit to sit
  inside an HTML page: no XML prolog or DOCTYPE, no comments or metadata, no namespace
  URLs, and element ids prefixed with the chart's name so two charts on one page never
  share an id.
- *gap chart*: one diverging horizontal bar per item, first compared group minus second,
  sorted by gap and coloured by quadrant, with the flag threshold as dashed lines. It
  draws at most :data:`GAP_CHART_MAX_ITEMS` bars (the flagged items first, then the
  largest gaps); a caption note says how many it leaves out, and the tables list them all.
- *band chart*: each group's score, and the overall score, on the total scale with the
  stage bands shaded.
- *dimension profile*: the two compared groups' mean per dimension, as a dot plot.

matplotlib is imported inside the functions (``salesmkt --help`` must stay fast) and is
driven through :class:`matplotlib.figure.Figure` only, never ``pyplot``, so no GUI
backend and no global figure state are involved. Text stays text
(``svg.fonttype = 'none'``): a screen reader reads it, a search finds it and it stays
sharp at any zoom; the page asks for DejaVu Sans (the font matplotlib measured with)
and falls back to the system's sans-serif. Inlined, each chart carries a ``<title>``
and a ``<desc>`` and points to a table of its figures. Every label comes from the model;
``$`` is escaped so matplotlib never reads a label as mathtext. Figures and quadrant
names are worded through :mod:`salesmkt.wording`, as in every other output.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from salesmkt.l10n import N_, _, number, reader_language
from salesmkt.model.assessment import Assessment, DimensionResult, GroupResult, ItemResult
from salesmkt.render.text import visible
from salesmkt.wording import fmt_gap, fmt_mean, fmt_n, quadrant_words

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from salesmkt.definitions.questionnaire import Questionnaire

# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
QUADRANT_COLOURS: dict[str, str] = {
    "shared_strength": "#009E73",
    "shared_pain": "#D55E00",
    "split": "#0072B2",
    "mixed": "#999999",
}
_NO_QUADRANT = "#BBBBBB"
GROUP_COLOURS = ["#0072B2", "#E69F00", "#CC79A7", "#56B4E9", "#009E73", "#F0E442"]
BAND_COLOURS = ["#F4D9D0", "#F7EBCB", "#DCEBD9", "#CFE3F1", "#E3DDF0", "#EEEEEE"]
INK = "#222222"
MUTED = "#666666"

_RC: dict[str, Any] = {
    "svg.fonttype": "none",  # text stays text: selectable, searchable, read aloud
    "svg.hashsalt": "salesmkt",  # fixed ids: the same assessment gives the same SVG
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.edgecolor": "#BBBBBB",
    "axes.labelcolor": INK,
    "xtick.color": MUTED,
    "ytick.color": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "text.usetex": False,
}


@dataclass
class Chart:
    """One rendered chart: its file name stem, a caption, and the drawing."""

    name: str
    title: str
    svg: str
    png: bytes | None = None
    description: str = ""
    notes: list[str] = field(default_factory=list)

    def inline_svg(self) -> str:
        """The SVG made safe and unique for inlining in an HTML page."""
        return inline_svg(
            self.svg, prefix=self.name, label=self.title, description=self.description
        )


def mpl_text(text: object) -> str:
    """A label as matplotlib must see it: controls visible, ``$`` escaped (no mathtext)."""
    return visible(text).replace("\\", "\\\\").replace("$", r"\$")


def local_ticks(axis: Any) -> None:
    """The axis's numbers with the reader's decimal sign (``0,5``); English keeps
    matplotlib's own."""
    if reader_language() is None:
        return
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda x, _pos: number(f"{x:g}").replace("-", "\u2212")))


_PROLOG = re.compile(r"<\?xml[^>]*\?>\s*|<!DOCTYPE[^>]*>\s*", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->\s*", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_XMLNS = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')
_ID = re.compile(r'\bid="([^"]+)"')
_ID_VALUE = re.compile(r'(?<=id=")([^"]+)(?=")')
_HREF_REF = re.compile(r'(?<=href="#)([^"]+)(?=")')
_URL_REF = re.compile(r"(?<=url\(#)([^)]+)(?=\))")
# Anything that could run or fetch: never produced by matplotlib, refused if it ever is.
_ACTIVE = re.compile(r'<script|<foreignObject|\son\w+\s*=|href="(?!#)', re.IGNORECASE)


def inline_svg(svg: str, *, prefix: str, label: str = "", description: str = "") -> str:
    """Strip what an inline SVG must not carry and make its ids unique to ``prefix``.

    The HTML parser puts ``<svg>`` in the SVG namespace by itself, so the ``xmlns``
    declarations (URLs) are dropped, and ``xlink:href`` becomes SVG 2's plain ``href``.
    """
    out = _PROLOG.sub("", svg)
    out = _COMMENT.sub("", out)
    out = _METADATA.sub("", out)
    out = _XMLNS.sub("", out)
    out = out.replace("xlink:href=", "href=")
    ids = set(_ID.findall(out))
    safe = re.sub(r"[^A-Za-z0-9_-]", "-", prefix)

    def rename(match: re.Match[str]) -> str:
        return f"{safe}-{match.group(1)}"

    if ids:
        # One pass per kind of reference, each a set lookup: linear in the SVG's size
        # (an alternation of every id would be ids × length).
        out = _ID_VALUE.sub(lambda m: rename(m) if m.group(1) in ids else m.group(0), out)
        out = _HREF_REF.sub(lambda m: rename(m) if m.group(1) in ids else m.group(0), out)
        out = _URL_REF.sub(lambda m: rename(m) if m.group(1) in ids else m.group(0), out)
    if _ACTIVE.search(out):
        raise ValueError(f"chart {prefix!r}: unexpected active content in the SVG")
    from html import escape

    attrs = f' role="img" aria-label="{escape(visible(label), quote=True)}"' if label else ""
    out = out.replace("<svg", f'<svg class="chart-svg"{attrs}', 1)
    head = "".join(
        f"<{tag}>{escape(visible(text), quote=False)}</{tag}>"
        for tag, text in (("title", label), ("desc", description))
        if text
    )
    if head:  # right after the opening tag: the first children, as SVG asks
        end = out.index(">", out.index("<svg")) + 1
        out = out[:end] + head + out[end:]
    return out.strip()


@contextmanager
def _style() -> Iterator[None]:
    import matplotlib

    with matplotlib.rc_context(cast(Any, _RC)):
        yield


def _render(fig: Figure, *, png: bool, dpi: int = 200) -> tuple[str, bytes | None]:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    png_bytes: bytes | None = None
    if png:
        raw = io.BytesIO()
        fig.savefig(raw, format="png", dpi=dpi, facecolor="white")
        png_bytes = raw.getvalue()
    return _COMMENT.sub("", buf.getvalue()), png_bytes


def _group_label(assessment: Assessment, group_id: str) -> str:
    group = assessment.group(group_id)
    return group.label if group is not None else group_id


def _stage_bands(assessment: Assessment) -> list[tuple[float, float, str]]:
    """(low, high, label) per stage; each band runs to the next stage's minimum."""
    rows: list[tuple[float, float | None, str]] = []
    for stage in assessment.stages:
        high = float(stage.max) if stage.max is not None else None
        rows.append((stage.min, high, stage.label or stage.id))
    rows.sort(key=lambda r: r[0])
    bands: list[tuple[float, float, str]] = []
    for index, (low, high, label) in enumerate(rows):
        nxt = rows[index + 1][0] if index + 1 < len(rows) else None
        top = nxt if nxt is not None else (high if high is not None else low)
        bands.append((low, top, label))
    return bands


# -- the perception-gap chart --------------------------------------------------------


def _gap_ends(items: Sequence[ItemResult]) -> list[float]:
    """Where each bar's drawing ends: the gap, or its interval's outer bound."""
    ends = []
    for item in items:
        lo, hi = item.ci if item.ci is not None else (item.gap or 0.0, item.gap or 0.0)
        gap = item.gap or 0.0
        ends.append(max(gap, hi) if gap >= 0 else min(gap, lo))
    return ends


def _gap_bars(ax: Any, items: Sequence[ItemResult], span: float) -> None:
    """One bar per item (light unless flagged), its interval and its gap as a label."""
    ys = list(range(len(items)))
    for y, item in zip(ys, items, strict=True):
        colour = QUADRANT_COLOURS.get(item.quadrant or "", _NO_QUADRANT)
        alpha = 1.0 if item.flagged else 0.55
        ax.barh(y, float(item.gap or 0.0), color=colour, alpha=alpha, height=0.7, zorder=2)
    for y, item in zip(ys, items, strict=True):
        if item.ci is not None:
            ax.plot(list(item.ci), [y, y], color=INK, linewidth=0.8, zorder=3)
    for y, item, end in zip(ys, items, _gap_ends(items), strict=True):
        gap = float(item.gap or 0.0)
        ax.text(
            end + (0.025 * span if gap >= 0 else -0.025 * span),
            y,
            fmt_gap(gap, 1).replace("-", "\u2212"),
            ha="left" if gap >= 0 else "right",
            va="center",
            fontsize=7.5,
            color=MUTED,
            zorder=4,
        )
    labels = [
        mpl_text(f"{i.id}  {i.short or i.text[:40]}") + ("  \u25cf" if i.flagged else "")
        for i in items
    ]
    ax.set_yticks(ys, labels)


def _gap_axes(ax: Any, n: int, span: float, threshold: float, first: str, second: str) -> None:
    """Threshold lines, zero line, limits, grid and the two 'rates higher' captions."""
    for x in (-threshold, threshold):
        ax.axvline(x, color="#777777", linestyle=(0, (4, 3)), linewidth=1.0, zorder=1)
    ax.text(
        threshold,
        -0.65,
        " " + _("flag at ±{threshold}").format(threshold=number(f"{threshold:g}")),
        ha="left",
        va="bottom",
        fontsize=7,
        color=MUTED,
    )
    ax.axvline(0, color=INK, linewidth=0.9, zorder=3)
    ax.set_xlim(-span, span)
    ax.set_ylim(-0.7, n - 0.3)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="#EEEEEE", zorder=0)
    label = _("Gap in scale points: {first} mean − {second} mean")
    ax.set_xlabel(mpl_text(label.format(first=first, second=second)), labelpad=6)
    local_ticks(ax.xaxis)
    for x, ha, text in (
        (0.0, "left", "\u2190 " + _("{group} rates higher").format(group=second)),
        (1.0, "right", _("{group} rates higher").format(group=first) + " \u2192"),
    ):
        ax.text(
            x,
            1.0,
            mpl_text(text),
            transform=ax.transAxes,
            ha=ha,
            va="bottom",
            fontsize=8,
            color=MUTED,
        )


def _quadrant_legend(fig: Figure, items: Sequence[ItemResult]) -> None:
    """A legend of the quadrants present, worded as everywhere else ("Split view")."""
    from matplotlib.patches import Patch

    present = [q for q in QUADRANT_COLOURS if any(i.quadrant == q for i in items)]
    # Split views are flagged (drawn solid), the others never are (drawn light):
    # the legend swatches match the bars.
    handles = [
        Patch(
            color=QUADRANT_COLOURS[q],
            alpha=1.0 if q == "split" else 0.55,
            label=quadrant_words(q).capitalize(),
        )
        for q in present
    ]
    if handles:
        fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), frameon=False)


GAP_CHART_MAX_ITEMS = 40
"""The most bars the gap chart draws; beyond it, the flagged and then the largest gaps."""


def _gap_chart_items(items: Sequence[ItemResult]) -> list[ItemResult]:
    """At most :data:`GAP_CHART_MAX_ITEMS` items: flagged first, then by largest |gap|."""
    if len(items) <= GAP_CHART_MAX_ITEMS:
        return list(items)
    ranked = sorted(items, key=lambda i: (not i.flagged, -abs(i.gap or 0.0), i.id))
    return ranked[:GAP_CHART_MAX_ITEMS]


def gap_chart(assessment: Assessment, *, png: bool = False) -> Chart | None:
    """Diverging bars of the item gaps; ``None`` when no item gap could be computed."""
    if len(assessment.compare) < 2:
        return None
    estimable = [i for i in assessment.items if i.gap is not None]
    if not estimable:
        return None
    items = _gap_chart_items(estimable)
    left_out = len(estimable) - len(items)
    items.sort(key=lambda i: (i.gap or 0.0, i.id))  # ascending: largest ends on top
    first = _group_label(assessment, assessment.compare[0])
    second = _group_label(assessment, assessment.compare[1])
    threshold = assessment.settings.gap_threshold
    span = max([abs(e) for e in _gap_ends(items)] + [threshold * 1.25]) * 1.22
    with _style():
        from matplotlib.figure import Figure

        fig = Figure(figsize=(7.6, 1.6 + 0.3 * len(items)), layout="constrained")
        ax = fig.add_subplot()
        _gap_bars(ax, items, span)
        _gap_axes(ax, len(items), span, threshold, first, second)
        _quadrant_legend(fig, items)
        svg, png_bytes = _render(fig, png=png)
    missing = [i.id for i in assessment.items if i.gap is None]
    notes = (
        [_("Not estimable, so not shown: {items}.").format(items=", ".join(missing))]
        if missing
        else []
    )
    if left_out:
        notes.append(
            _(
                "Only the {n} largest gaps (flagged ones first) are drawn; "
                "{more} more items are not drawn. The tables list them all."
            ).format(n=len(items), more=number(f"{left_out:,}"))
        )
    return Chart(
        name="gap-chart",
        title=_("Perception gaps per item: {first} minus {second}").format(
            first=first, second=second
        ),
        svg=svg,
        png=png_bytes,
        description=_(
            "Bars to the right: {first} rates the statement higher; to the left: {second} "
            "does. Dashed lines mark the ±{threshold}-point flag threshold; thin black "
            "lines are 95% confidence intervals; ● marks a flagged gap."
        ).format(first=first, second=second, threshold=number(f"{threshold:g}")),
        notes=notes,
    )


# -- the band chart ------------------------------------------------------------------

BandRow = tuple[str, float | None, tuple[float, float] | None, str]


def _band_rows(assessment: Assessment) -> list[BandRow]:
    """Overall first on top, then each group, bottom-up as matplotlib counts rows."""
    overall = _(OVERALL)
    rows: list[BandRow] = [(overall, assessment.overall.score, assessment.overall.ci, INK)]
    for index, group in enumerate(assessment.groups):
        rows.append(_band_row(group, GROUP_COLOURS[index % len(GROUP_COLOURS)]))
    rows.reverse()  # overall at the top
    return rows


def _shade_bands(ax: Any, bands: Sequence[tuple[float, float, str]], top: float) -> None:
    for index, (low, high, label) in enumerate(bands):
        ax.axvspan(low, high, color=BAND_COLOURS[index % len(BAND_COLOURS)], zorder=0)
        ax.text(
            (low + high) / 2,
            top,
            mpl_text(label),
            ha="center",
            va="bottom",
            fontsize=8.5,
            color=INK,
            fontweight="bold",
        )


def _band_points(ax: Any, rows: Sequence[BandRow], lo: float, hi: float) -> None:
    for y, (label, score, ci, colour) in enumerate(rows):
        if score is None:
            ax.text(
                lo + (hi - lo) * 0.01,
                y,
                _("figures withheld (group too small)"),
                va="center",
                fontsize=8,
                color=MUTED,
                style="italic",
            )
            continue
        if ci is not None:
            ax.plot(list(ci), [y, y], color=colour, linewidth=2.0, alpha=0.6, zorder=2)
        marker = "D" if label == _(OVERALL) else "o"
        ax.plot([score], [y], marker=marker, color=colour, markersize=8, zorder=3)
        ax.text(
            score,
            y + 0.22,
            fmt_mean(score, 1),
            ha="center",
            va="bottom",
            fontsize=8,
            color=INK,
            zorder=4,
        )


def band_chart(assessment: Assessment, *, png: bool = False) -> Chart | None:
    """Each group's score and the overall score against the shaded stage bands."""
    bands = _stage_bands(assessment)
    if not bands:
        return None
    lo, hi = bands[0][0], bands[-1][1]
    rows = _band_rows(assessment)
    with _style():
        from matplotlib.figure import Figure

        fig = Figure(figsize=(7.6, 1.3 + 0.42 * len(rows)), layout="constrained")
        ax = fig.add_subplot()
        _shade_bands(ax, bands, len(rows) - 0.35)
        _band_points(ax, rows, lo, hi)
        ax.set_yticks(list(range(len(rows))), [mpl_text(r[0]) for r in rows])
        ax.tick_params(axis="y", length=0)
        ax.set_xlim(lo, hi)
        ax.set_ylim(-0.6, len(rows) + 0.1)
        ax.set_xticks([b[0] for b in bands] + [hi])
        ax.set_xlabel(_("Total score (the stage bands of the scoring key)"))
        ax.spines["left"].set_visible(False)
        svg, png_bytes = _render(fig, png=png)
    return Chart(
        name="band-chart",
        title=_("Scores on the stage scale"),
        svg=svg,
        png=png_bytes,
        description=(
            _(
                "Each dot is a group's mean total, the diamond the overall score; the line "
                "through it is its 95% confidence interval. Shading shows the stage bands."
            )
            if any(r[2] is not None for r in rows)
            else _(
                "Each dot is a group's mean total, the diamond the overall score. Shading "
                "shows the stage bands."
            )
        ),
    )


OVERALL = N_("Overall")  # the band chart's top row


def _with_size(group: GroupResult) -> str:
    """'Sales (n = 9)', or 'Leadership (fewer than 5)': a withheld size is never shown."""
    if group.n is None:
        below = group.n_fewer_than
        return (
            _("{group} (fewer than {n})").format(group=group.label, n=below)
            if below
            else _("{group} (withheld)").format(group=group.label)
        )
    return f"{group.label} (n = {fmt_n(group.n, group.n_fewer_than)})"


def _band_row(group: GroupResult, colour: str) -> BandRow:
    label = _with_size(group)
    if group.suppressed:
        return (label, None, None, colour)
    return (label, group.mean, group.ci, colour)


# -- the dimension profile -----------------------------------------------------------


def _profile_dots(
    ax: Any, shown: Sequence[GroupResult], ordered: Sequence[DimensionResult]
) -> None:
    """A grey line between the two groups' means per dimension, then each group's dots."""
    ys = list(range(len(ordered)))
    for y, dim in zip(ys, ordered, strict=True):
        points = [g.dimension_means.get(dim.id) for g in shown]
        present = [p for p in points if p is not None]
        if len(present) == 2:
            ax.plot(present, [y, y], color="#CCCCCC", linewidth=3, zorder=1)
    for index, group in enumerate(shown):
        xs: list[float] = []
        yv: list[int] = []
        for y, dim in zip(ys, ordered, strict=True):
            value = group.dimension_means.get(dim.id)
            if value is not None:
                xs.append(value)
                yv.append(y)
        ax.scatter(
            xs,
            yv,
            s=55,
            color=GROUP_COLOURS[index % len(GROUP_COLOURS)],
            label=mpl_text(_with_size(group)),
            zorder=3,
            marker="o" if index == 0 else "s",
        )


def dimension_profile(
    assessment: Assessment, *, png: bool = False, scale: Sequence[float] | None = None
) -> Chart | None:
    """The compared groups' dimension means as a dot plot (one row per dimension)."""
    groups = [assessment.group(g) for g in assessment.compare[:2]]
    shown = [g for g in groups if g is not None and not g.suppressed]
    dims = assessment.dimensions
    if not shown or not dims:
        return None
    values = [v for g in shown for d in dims if (v := g.dimension_means.get(d.id)) is not None]
    if not values:
        return None
    lo, hi = (scale[0], scale[1]) if scale else (min(1.0, min(values)), max(5.0, max(values)))
    with _style():
        from matplotlib.figure import Figure

        height = 1.4 + 0.38 * len(dims)
        fig = Figure(figsize=(7.6, height), layout="constrained")
        ax = fig.add_subplot()
        ordered = list(reversed(dims))
        ys = list(range(len(ordered)))
        _profile_dots(ax, shown, ordered)
        midpoint = assessment.settings.midpoint
        mid = midpoint if midpoint is not None else (lo + hi) / 2
        ax.axvline(mid, color="#777777", linestyle=(0, (4, 3)), linewidth=1.0, zorder=2)
        ax.set_yticks(ys, [mpl_text(d.label) for d in ordered])
        ax.tick_params(axis="y", length=0)
        ax.set_xlim(lo - 0.1, hi + 0.1)
        ax.set_ylim(-0.6, len(ordered) - 0.4)
        ax.grid(axis="x", color="#EEEEEE", zorder=0)
        ax.set_xlabel(_("Mean item score per dimension"))
        local_ticks(ax.xaxis)
        fig.legend(loc="outside upper center", ncol=len(shown), frameon=False)
        svg, png_bytes = _render(fig, png=png)
    names = shown[0].label
    if len(shown) > 1:
        names = _("{first} and {second}").format(first=shown[0].label, second=shown[1].label)
    return Chart(
        name="dimension-profile",
        title=_("Dimension profile: {names}").format(names=names),
        svg=svg,
        png=png_bytes,
        description=_(
            "Mean item score per dimension for each compared group; a long grey line "
            "between the markers is a large difference. The dashed line is the scale's "
            "midpoint."
        ),
    )


def all_charts(
    assessment: Assessment, *, png: bool = False, scale: Sequence[float] | None = None
) -> list[Chart]:
    """Every chart the assessment supports, in report order."""
    made = [
        band_chart(assessment, png=png),
        gap_chart(assessment, png=png),
        dimension_profile(assessment, png=png, scale=scale),
    ]
    return [c for c in made if c is not None]


def make_charts(
    assessment: Assessment, *, questionnaire: Questionnaire | None = None, png: bool = False
) -> list[Chart]:
    """The report's charts; the questionnaire's answer scale bounds the dimension profile."""
    scale: tuple[float, float] | None = None
    if (
        questionnaire is not None
        and questionnaire.scale.min is not None
        and questionnaire.scale.max is not None
    ):
        scale = (float(questionnaire.scale.min), float(questionnaire.scale.max))
    return all_charts(assessment, png=png, scale=scale)
