"""Drawing the slides with python-pptx: text boxes that fit, native charts, shaded tables.

Vocabulary:
- *page*: a 16:9 slide (13.33 × 7.5 inches); every slide uses the blank layout and
  draws its own title, accent rule, body, chart or table, so nothing depends on a theme.
- *layout*: :func:`layout` turns the content slides into the slides drawn: a body that
  does not fit its box at the smallest size spills onto more slides of the same title,
  numbered "(1 of 2)"; beside a chart or table it is shortened instead (the speaker
  notes keep every word).
- *shown text*: :func:`shown`, what any file-supplied string becomes before it is
  written: control characters made visible (:func:`salesmkt.render.text.visible`) and
  the few characters XML cannot hold replaced, so hostile text cannot break the file.
- *accent*: the branding colour of the title rule, the chart bars and the table shades.

python-pptx is imported inside the functions that use it (``salesmkt --help`` stays
fast); :func:`render_deck` is the one entry point.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, cast

from salesmkt.l10n import _, reader_language
from salesmkt.render.branding import Logo, raster_logo
from salesmkt.render.deck.extra_slides import extra_slides
from salesmkt.render.deck.fit import INDENT, LINE_HEIGHT, SPACE_BEFORE, Para, fit_size, paginate
from salesmkt.render.deck.slides import ChartSpec, DeckInputs, Slide, TableSpec, deck_slides
from salesmkt.render.text import visible

# python-pptx's own annotations are partial (untyped calls, Optional returns); the
# objects it hands back are used as ``Any`` here rather than cast at every call.
PptxSlide = Any
TextFrame = Any

FONT = "Arial"
INK = "222222"
MUTED = "555555"
BELOW = "D55E00"  # Okabe–Ito orange: below the organisation in the heatmap
WIDTH, HEIGHT = 13.333, 7.5  # inches
MARGIN = 0.6
BODY_TOP, BODY_BOTTOM = 1.5, 7.05
CHART_BOTTOM = 5.75
INSET = 0.08  # inches of padding inside every text box
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def shown(text: object) -> str:
    """File-supplied text as it may be written into the deck (visible, XML-safe)."""
    flat = str(text).replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    return _NOT_XML.sub("\ufffd", visible(flat, keep="")).strip()


# -- layout: fitting text, spilling over -------------------------------------------------


def _pt(inches: float) -> float:
    return inches * 72


def body_box(slide: Slide) -> tuple[float, float, float, float]:
    """(left, top, width, height) in inches of the slide's body text."""
    if slide.chart is None and slide.table is None:
        return MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, BODY_BOTTOM - BODY_TOP
    return MARGIN, CHART_BOTTOM + 0.1, WIDTH - 2 * MARGIN, BODY_BOTTOM - CHART_BOTTOM - 0.1


def _inner(box: tuple[float, float, float, float]) -> tuple[float, float]:
    """The width and height in points that text may use inside a box."""
    return _pt(box[2] - 2 * INSET), _pt(box[3] - 2 * INSET)


# (largest, smallest) point sizes; a text slide that does not fit at its smallest size
# spills onto more slides rather than shrinking to unreadable.
SIZES = {"text": (20.0, 14.0), "caption": (15.0, 10.0)}


def layout(slides: Sequence[Slide]) -> list[Slide]:
    """The slides as drawn: long bodies spill onto numbered slides of the same title."""
    out: list[Slide] = []
    for slide in slides:
        clean = [Para(shown(p.text), p.bold, p.level, p.scale) for p in slide.body]
        slide = replace(slide, body=clean)
        width, height = _inner(body_box(slide))
        largest, smallest = SIZES[
            "text" if slide.chart is None and slide.table is None else "caption"
        ]
        if slide.kind == "title" or fit_size(clean, width, height, largest, smallest):
            out.append(slide)
            continue
        pages = paginate(clean, width, height, smallest)
        if slide.chart is not None or slide.table is not None:
            out.append(replace(slide, body=pages[0]))
            continue
        for number, page in enumerate(pages, 1):
            title = (
                f"{slide.title} (" + _("{n} of {total}").format(n=number, total=len(pages)) + ")"
            )
            continued = _("Continued from {title}.").format(title=slide.title)
            notes = slide.notes if number == 1 else [continued]
            out.append(replace(slide, title=title, body=page, notes=notes, size=smallest))
    return out


# -- drawing -----------------------------------------------------------------------------


def _rgb(hex_colour: str) -> Any:
    from pptx.dml.color import RGBColor

    channels = bytes.fromhex(hex_colour.lstrip("#"))
    return cast(Any, RGBColor)(channels[0], channels[1], channels[2])


def mix(colour: str, other: str, share: float) -> str:
    """``colour`` moved ``share`` of the way to ``other`` (both ``RRGGBB``)."""
    a = [int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    b = [int(other.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    return "".join(f"{round(x + (y - x) * share):02X}" for x, y in zip(a, b, strict=True))


def ink_on(fill: str) -> str:
    """Black or white text, whichever reads better on ``fill`` (relative luminance)."""
    r, g, b = (int(fill.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return INK if luminance > 0.45 else "FFFFFF"


def _frame(slide: PptxSlide, box: tuple[float, float, float, float]) -> TextFrame:
    from pptx.enum.text import MSO_AUTO_SIZE
    from pptx.util import Inches

    shape = slide.shapes.add_textbox(*(Inches(v) for v in box))
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    for side in ("margin_left", "margin_right", "margin_top", "margin_bottom"):
        setattr(frame, side, Inches(INSET))
    return frame


def write_paras(frame: TextFrame, paras: Sequence[Para], size: float, colour: str = INK) -> None:
    """The paragraphs into a text frame at ``size`` points, as :mod:`fit` measured them."""
    from pptx.util import Pt

    for index, para in enumerate(paras):
        p = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        p.line_spacing = LINE_HEIGHT * 0.83  # PowerPoint's "1.0" is ~1.2 × the size
        p.space_before = Pt(0 if index == 0 else SPACE_BEFORE * size)
        if para.level:
            p._p.get_or_add_pPr().set("marL", str(Pt(INDENT * para.level)))
        run = p.add_run()
        run.text = para.text
        font = run.font
        font.size = Pt(size * para.scale)
        font.bold = para.bold
        font.name = FONT
        font.color.rgb = _rgb(colour)


def fitted_text(
    slide: PptxSlide,
    box: tuple[float, float, float, float],
    paras: Sequence[Para],
    sizes: tuple[float, float],
    colour: str = INK,
) -> float:
    """A text box with ``paras`` at the largest size that fits (shortened if none does)."""
    width, height = _inner(box)
    size = fit_size(paras, width, height, *sizes)
    if size is None:
        size = sizes[1]
        paras = paginate(paras, width, height, size)[0]
    write_paras(_frame(slide, box), paras, size, colour)
    return size


def _title(slide: PptxSlide, text: str, accent: str, right: float) -> None:
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.util import Inches

    box = (MARGIN, 0.3, WIDTH - MARGIN - right, 0.95)
    fitted_text(slide, box, [Para(shown(text), bold=True)], (28.0, 14.0))
    rule = slide.shapes.add_shape(
        MSO_SHAPE.RECTANGLE, Inches(MARGIN), Inches(1.3), Inches(WIDTH - 2 * MARGIN), Inches(0.05)
    )
    rule.fill.solid()
    rule.fill.fore_color.rgb = _rgb(accent)
    rule.line.fill.background()


def _notes(slide: PptxSlide, notes: Sequence[str]) -> None:
    text = "\n".join(shown(n) for n in notes if n)
    slide.notes_slide.notes_text_frame.text = text


def _chart(slide: PptxSlide, spec: ChartSpec, accent: str) -> None:
    """A native horizontal bar chart: editable in PowerPoint, its data in the file."""
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
    from pptx.util import Inches, Pt

    data: Any = cast(Any, CategoryChartData)(number_format=spec.number_format)
    data.categories = [shown(c) for c in spec.categories]
    for series in spec.series:
        data.add_series(shown(series.name), series.values, spec.number_format)
    box = (MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, CHART_BOTTOM - BODY_TOP)
    kind = XL_CHART_TYPE.LINE_MARKERS if spec.kind == "line" else XL_CHART_TYPE.BAR_CLUSTERED
    frame: Any = slide.shapes.add_chart(kind, *(Inches(v) for v in box), data)
    chart = frame.chart
    chart.has_title = False  # the slide's title says it
    chart.font.size = Pt(_chart_font(len(spec.categories) * len(spec.series)))
    chart.font.name = FONT
    chart.has_legend = len(spec.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
    _value_axis(chart, spec)
    if spec.kind == "line":
        _lines(chart, spec, accent)
        return
    categories = chart.category_axis
    categories.reverse_order = True  # the first category on top, as it reads
    categories.tick_label_position = XL_TICK_LABEL_POSITION.LOW  # clear of negative bars
    _bars(chart, spec, accent)


def _chart_font(bars: int) -> float:
    """Smaller type when many bars share the chart's height."""
    return 14.0 if bars <= 8 else 12.0 if bars <= 14 else 11.0 if bars <= 20 else 10.0


def _value_axis(chart: Any, spec: ChartSpec) -> None:
    axis = chart.value_axis
    low, high = spec.axis
    if low is not None:
        axis.minimum_scale = low
    if high is not None:
        axis.maximum_scale = high
    if spec.major_unit is not None:
        axis.major_unit = spec.major_unit
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = _rgb("DDDDDD")
    axis.tick_labels.number_format = spec.axis_format or spec.number_format
    axis.tick_labels.number_format_is_linked = False


def _bars(chart: Any, spec: ChartSpec, accent: str) -> None:
    """Accent bars (the second series darker); light ones where a chart de-emphasises."""
    plot = chart.plots[0]
    plot.gap_width = 50
    plot.overlap = -10 if len(spec.series) > 1 else 0
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = spec.number_format
    labels.number_format_is_linked = False
    labels.font.color.rgb = _rgb(INK)
    colours = [accent.lstrip("#"), mix(accent, "000000", 0.45)]
    for index, series in enumerate(plot.series):
        series.invert_if_negative = False
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = _rgb(colours[index % 2])
    if spec.emphasis and not all(spec.emphasis):
        light = mix(accent, "FFFFFF", 0.55)
        for index, strong in enumerate(spec.emphasis):
            if not strong:
                point = plot.series[0].points[index]
                point.format.fill.solid()
                point.format.fill.fore_color.rgb = _rgb(light)


def _lines(chart: Any, spec: ChartSpec, accent: str) -> None:
    """The first line (the organisation) in the accent, thick; the others darker or grey
    and dashed, so colour is not the only thing that tells them apart."""
    from pptx.enum.dml import MSO_LINE_DASH_STYLE
    from pptx.util import Pt

    plot = chart.plots[0]
    # Only the organisation's line carries its figures: the groups' labels would sit on
    # top of each other where the lines meet; their figures are in the speaker notes.
    labels = plot.series[0].data_labels
    labels.show_value = True
    labels.number_format = spec.number_format
    labels.number_format_is_linked = False
    colours = [accent.lstrip("#"), mix(accent, "000000", 0.45), "7F7F7F", "B0B0B0"]
    dashes = [MSO_LINE_DASH_STYLE.SOLID, MSO_LINE_DASH_STYLE.DASH, MSO_LINE_DASH_STYLE.ROUND_DOT]
    for index, series in enumerate(plot.series):
        line = series.format.line
        line.color.rgb = _rgb(colours[index % len(colours)])
        line.width = Pt(3.5 if index == 0 else 2.25)
        line.dash_style = dashes[index % len(dashes)]
        series.smooth = False


def _shade(value: float | None, accent: str) -> str | None:
    if value is None:
        return None
    target = accent.lstrip("#") if value >= 0 else BELOW
    return mix("FFFFFF", target, 0.15 + 0.6 * abs(value))


def _table(slide: PptxSlide, spec: TableSpec, accent: str) -> None:
    """A native table; each cell's text fits its cell, shaded cells say their value too."""
    from pptx.util import Inches

    rows, cols = len(spec.rows) + 1, len(spec.header)
    width = WIDTH - 2 * MARGIN
    widths = _column_widths(cols, width)
    height = CHART_BOTTOM - BODY_TOP
    shape = slide.shapes.add_table(
        rows, cols, Inches(MARGIN), Inches(BODY_TOP), Inches(width), Inches(height)
    )
    table = shape.table
    for index, w in enumerate(widths):
        table.columns[index].width = Inches(w)
    row_height = min(0.7, height / rows)
    for r in range(rows):
        table.rows[r].height = Inches(row_height)
    head = _common_size([spec.header], widths, row_height, bold=True)
    body = _common_size(spec.rows, widths, row_height, bold=False)
    for c, text in enumerate(spec.header):
        _cell(table.cell(0, c), text, (widths[c], row_height, head), accent.lstrip("#"), True)
    for r, (row, shades) in enumerate(zip(spec.rows, spec.shades, strict=True), 1):
        for c, (text, value) in enumerate(zip(row, shades, strict=True)):
            fill = _shade(value, accent) or ("F2F2F2" if text == _("withheld") else "FFFFFF")
            _cell(table.cell(r, c), text, (widths[c], row_height, body), fill)


TABLE_SIZES = (14.0, 8.0)


def _cell_inner(width: float, height: float) -> tuple[float, float]:
    return _pt(width - INSET), _pt(height - INSET)


def _common_size(
    rows: Sequence[Sequence[str]], widths: Sequence[float], height: float, *, bold: bool
) -> float:
    """The largest size at which every cell of ``rows`` fits (one size reads as a table)."""
    sizes = [
        fit_size([Para(shown(text), bold=bold)], *_cell_inner(w, height), *TABLE_SIZES)
        or TABLE_SIZES[1]
        for row in rows
        for text, w in zip(row, widths, strict=True)
    ]
    return min(sizes, default=TABLE_SIZES[0])


def _column_widths(cols: int, width: float) -> list[float]:
    """The segment column wide, n narrow, the figures sharing the rest."""
    if cols <= 3:
        return [width / cols] * cols
    first, n = 2.3, 0.6
    rest = (width - first - n) / (cols - 2)
    return [first, n] + [rest] * (cols - 2)


def _cell(
    cell: Any, text: str, box: tuple[float, float, float], fill: str, bold: bool = False
) -> None:
    """One table cell: (width, height, size) as measured; shortened if it cannot fit."""
    from pptx.enum.text import MSO_ANCHOR
    from pptx.util import Inches

    width, height, size = box
    cell.fill.solid()
    cell.fill.fore_color.rgb = _rgb(fill)
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    for side in ("margin_left", "margin_right", "margin_top", "margin_bottom"):
        setattr(cell, side, Inches(INSET / 2))
    paras = [Para(shown(text), bold=bold)]
    inner_w, inner_h = _cell_inner(width, height)
    if fit_size(paras, inner_w, inner_h, size, size) is None:
        paras = paginate(paras, inner_w, inner_h, size)[0]
    cell.text_frame.word_wrap = True
    write_paras(cell.text_frame, paras, size, ink_on(fill))


# -- the slides --------------------------------------------------------------------------


def _logo(slide: PptxSlide, logo: Logo, box: tuple[float, float, float, float]) -> None:
    """The logo inside ``box`` (inches), its aspect ratio kept, aligned top right."""
    from pptx.util import Inches

    left, top, width, height = box
    ratio = logo.width / logo.height if logo.height else 1.0
    w, h = (width, width / ratio) if width / ratio <= height else (height * ratio, height)
    slide.shapes.add_picture(
        io.BytesIO(logo.data), Inches(left + width - w), Inches(top), Inches(w), Inches(h)
    )


def _title_slide(slide: PptxSlide, spec: Slide, accent: str, logo: Logo | None) -> None:
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.util import Inches

    bar = slide.shapes.add_shape(
        MSO_SHAPE.RECTANGLE, Inches(0), Inches(0), Inches(0.35), Inches(HEIGHT)
    )
    bar.fill.solid()
    bar.fill.fore_color.rgb = _rgb(accent)
    bar.line.fill.background()
    if logo is not None:
        _logo(slide, logo, (WIDTH - MARGIN - 3.0, 0.5, 3.0, 1.4))
    title = [Para(shown(spec.title), bold=True)]
    fitted_text(slide, (1.0, 2.0, WIDTH - 2.0, 2.0), title, (40.0, 20.0))
    fitted_text(slide, (1.0, 4.2, WIDTH - 2.0, 2.6), spec.body, (22.0, 12.0), MUTED)


def _content_slide(slide: PptxSlide, spec: Slide, accent: str, logo: Logo | None) -> None:
    right = 0.0
    if logo is not None:
        right = 1.4
        _logo(slide, logo, (WIDTH - MARGIN - 1.2, 0.35, 1.2, 0.8))
    _title(slide, spec.title, accent, right)
    if spec.chart is not None:
        _chart(slide, spec.chart, accent)
    if spec.table is not None:
        _table(slide, spec.table, accent)
    if spec.body:
        sizes = SIZES["text" if spec.chart is None and spec.table is None else "caption"]
        if spec.size is not None:  # one of several pages: all at the same size
            sizes = (spec.size, spec.size)
        fitted_text(slide, body_box(spec), spec.body, sizes)


def render_deck(inputs: DeckInputs) -> bytes:
    """The deck as .pptx bytes: every slide of :func:`deck_slides`, laid out and drawn."""
    from pptx import Presentation
    from pptx.util import Inches

    logo = raster_logo(inputs.branding)
    accent = inputs.branding.accent
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(WIDTH), Inches(HEIGHT)
    blank = deck.slide_layouts[6]
    for spec in layout(deck_slides(inputs, extra_slides(inputs))):
        slide = deck.slides.add_slide(blank)
        draw = _title_slide if spec.kind == "title" else _content_slide
        draw(slide, spec, accent, logo)
        _notes(slide, spec.notes)
    _properties(deck, inputs)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _properties(deck: Any, inputs: DeckInputs) -> None:
    """The file's properties (a file manager shows them); the format caps each at 255."""
    props = deck.core_properties
    props.title = shown(inputs.report.title)[:255]
    props.author = shown(inputs.branding.consultant or "salesmkt")[:255]
    props.subject = shown(inputs.branding.client)[:255]
    props.comments = ""
    props.language = reader_language() or "en"
    props.keywords = ""
