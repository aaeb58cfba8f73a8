"""Blank response sheets that ``score`` reads back without any column mapping.

Vocabulary:
- *template*: an empty responses file for one questionnaire. Its first row is the
  *header*: ``group``, ``respondent``, ``segment``, then one column per item id, in the
  questionnaire's order. Nothing else sits above or beside the data, so a filled-in
  sheet is a valid responses file as it stands.
- *respondent*: an optional code per person (never a name); the same code in two waves
  lets ``compare`` pair a person's before and after answers.
- *segment*: an optional free-text column (region, business unit…) for ``score --by``.
- *answer choices*: what a cell may hold: the scale's numbers, its point labels (or the
  options of a choice scale) and its missing-answer codes.
- *paper form*: the printable Markdown or HTML version, with tick boxes.

Formats follow the output file's suffix: ``.csv`` (UTF-8 with a byte-order mark, so
Excel shows accents correctly; CRLF line ends as spreadsheets write them), ``.xlsx``
(drop-down lists, comments and a "Statements" sheet), ``.md`` and ``.html``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.errors import UsageError
from salesmkt.l10n import Translate, translator
from salesmkt.render.forms import questionnaire_markdown
from salesmkt.render.outputs import write_atomic
from salesmkt.render.text import neutralise_cell

TemplateFormat = Literal["csv", "xlsx", "md", "html"]

#: The identification columns every template starts with, before the item columns.
ID_COLUMNS: tuple[str, str, str] = ("group", "respondent", "segment")
#: Rows of the data sheet that carry drop-down validation in an ``.xlsx`` template.
XLSX_ROWS = 500
#: The sheet names of an ``.xlsx`` template (the data sheet comes first, so a reader
#: that opens the first sheet finds the answers).
DATA_SHEET = "Responses"
STATEMENTS_SHEET = "Statements"
LISTS_SHEET = "Lists"
BOLD = Font(bold=True)

_SUFFIXES: dict[str, TemplateFormat] = {
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
}

CSV_BOM = "\ufeff"
CSV_NEWLINE = "\r\n"


def template_format(path: Path) -> TemplateFormat:
    """The template format a file name asks for (by suffix); UsageError otherwise."""
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise UsageError(
            f"{path}: cannot tell the template format from the suffix {path.suffix or '(none)'!r};"
            " use .csv, .xlsx, .md or .html"
        )
    return fmt


def columns(q: Questionnaire) -> list[str]:
    """The header of a responses file for ``q``."""
    return [*ID_COLUMNS, *q.item_ids]


def answer_choices(q: Questionnaire) -> list[int | str]:
    """Every answer a cell may hold, in the order a drop-down should list them."""
    s = q.scale
    choices: list[int | str] = []
    if s.type == "choice":
        choices += [o.label for o in s.options]
    else:
        choices += s.points
        choices += [s.labels[v] for v in s.points if v in s.labels]
    choices += list(s.missing)
    return choices


def group_choices(q: Questionnaire) -> list[str]:
    return [g.label for g in q.groups]


def scale_lines(q: Questionnaire) -> list[tuple[str, str]]:
    """(answer, meaning) pairs describing the scale, for legends."""
    s = q.scale
    if s.type == "choice":
        rows = [(o.label, ", ".join(o.aliases)) for o in s.options]
    else:
        rows = [(str(v), s.labels.get(v, "")) for v in s.points]
    _ = translator(q.language)
    rows += [(m, _("no answer (not scored)")) for m in s.missing]
    return rows


# -- CSV ----------------------------------------------------------------------------


def csv_text(q: Questionnaire) -> str:
    """The CSV template: a byte-order mark and the header line, nothing else."""
    import csv

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=CSV_NEWLINE).writerow(columns(q))
    return CSV_BOM + buffer.getvalue()


def csv_bytes(q: Questionnaire) -> bytes:
    return csv_text(q).encode("utf-8")


# -- XLSX ---------------------------------------------------------------------------


def _width(values: list[object], *, floor: int = 6, cap: int = 60) -> float:
    longest = max((len(str(v)) for v in values), default=0)
    return float(min(max(longest, floor), cap) + 3)  # +3: room for the drop-down arrow


def xlsx_bytes(q: Questionnaire, *, rows: int = XLSX_ROWS) -> bytes:
    """The Excel template: data sheet first (row 1 = header), then the statements.

    Drop-downs read their choices from a hidden "Lists" sheet rather than an inline
    list: Excel caps inline lists at 255 characters and splits them at commas, which a
    label may contain.
    """
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = DATA_SHEET
    groups, answers = group_choices(q), answer_choices(q)
    _header_row(ws, columns(q))
    _lists_sheet(wb, groups, answers)
    sizes = (len(groups), len(answers), len(columns(q)))
    _validations(ws, *sizes, rows + 1, _=translator(q.language))
    _column_notes_and_widths(ws, q, groups, answers)
    _statements_sheet(wb.create_sheet(STATEMENTS_SHEET, 1), q)
    wb.active = 0
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _safe(values: Sequence[object]) -> list[object]:
    """Every cell a template writes goes through this: text is never run as a formula."""
    return [neutralise_cell(v) for v in values]


def _header_row(ws: Worksheet, header: list[str]) -> None:
    ws.append(_safe(header))
    for cell in ws[1]:
        cell.font = BOLD
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
    ws.freeze_panes = "A2"


def _lists_sheet(wb: Workbook, groups: list[str], answers: list[int | str]) -> None:
    """Column A: the groups; column B: the answers (text cells, neutralised)."""
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    for r, value in enumerate(groups, start=1):
        lists.cell(row=r, column=1, value=neutralise_cell(value))
    for r, answer in enumerate(answers, start=1):
        lists.cell(row=r, column=2, value=neutralise_cell(answer))


def _validations(
    ws: Worksheet, n_groups: int, n_answers: int, n_columns: int, last: int, *, _: Translate
) -> None:
    sheet = quote_sheetname(LISTS_SHEET)
    if n_groups:
        dv_group = DataValidation(
            type="list",
            formula1=f"{sheet}!$A$1:$A${n_groups}",
            allow_blank=True,
            showErrorMessage=True,
            showInputMessage=True,
            errorStyle="warning",  # the reader also accepts the groups' aliases
            errorTitle=_("Unknown group"),
            error=_("Choose one of the listed groups (other spellings may not be recognised)."),
            promptTitle=_("Group"),
            prompt=_("Choose the respondent's team."),
        )
        ws.add_data_validation(dv_group)
        dv_group.add(f"A2:A{last}")
    dv_answer = DataValidation(
        type="list",
        formula1=f"{sheet}!$B$1:$B${n_answers}",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle=_("Not on the scale"),
        error=_("Choose a value from the list, or leave the cell empty."),
    )
    ws.add_data_validation(dv_answer)
    first = get_column_letter(len(ID_COLUMNS) + 1)
    dv_answer.add(f"{first}2:{get_column_letter(n_columns)}{last}")


def _column_notes_and_widths(
    ws: Worksheet, q: Questionnaire, groups: list[str], answers: list[int | str]
) -> None:
    """Each item's statement as a comment on its header; widths that fit the choices."""
    ws.column_dimensions["A"].width = _width(["group", *groups], floor=10)
    ws.column_dimensions["B"].width = _width(["respondent", "R-XXXXXX"])
    ws.column_dimensions["C"].width = _width(["segment"], floor=14)
    typed = answers if q.scale.type == "choice" else [str(v) for v in q.scale.points]
    for col, item in enumerate(q.items, start=len(ID_COLUMNS) + 1):
        cell = ws.cell(row=1, column=col)
        note = item.text + (f"\n\n{item.help}" if item.help else "")
        cell.comment = Comment(str(neutralise_cell(note)), "salesmkt", width=320, height=160)
        ws.column_dimensions[get_column_letter(col)].width = _width([item.id, *typed])


def _statements_sheet(ws: Worksheet, q: Questionnaire) -> None:
    """The statements, the answer scale and the groups, for the person filling it in."""
    ws.append(_safe([q.title]))
    ws["A1"].font = BOLD
    _ = translator(q.language)
    ws.append(_safe([_("{id} version {version}").format(id=q.id, version=q.version)]))
    if q.instructions:
        ws.append(_safe([q.instructions]))
        ws.cell(row=ws.max_row, column=1).alignment = Alignment(wrap_text=True)
    dims = {d.id: d.label for d in q.dimensions}
    _bold_row(ws, [_("id"), _("statement"), _("short"), _("dimension")], gap=True)
    for item in q.items:
        dimension = dims.get(item.dimension or "", item.dimension or "")
        ws.append(_safe([item.id, item.text, item.short, dimension]))
        ws.cell(row=ws.max_row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    _bold_row(ws, [_("answer"), _("meaning")], gap=True)
    for value, meaning in scale_lines(q):
        ws.append(_safe([value, meaning]))
    if q.groups:
        _bold_row(ws, [_("group"), _("also accepted")], gap=True)
        for g in q.groups:
            ws.append(_safe([g.label, ", ".join(g.aliases)]))
    for letter, width in zip("ABCD", (14, 90, 30, 26), strict=True):
        ws.column_dimensions[letter].width = width


def _bold_row(ws: Worksheet, values: list[str], *, gap: bool) -> None:
    if gap:
        ws.append([])
    ws.append(_safe(values))
    for cell in ws[ws.max_row]:
        cell.font = BOLD


# -- paper forms --------------------------------------------------------------------


def markdown_text(q: Questionnaire) -> str:
    """The printable Markdown form: the questionnaire with tick boxes, plus ID lines."""
    _ = translator(q.language)
    body = questionnaire_markdown(q).rstrip("\n")
    footer = [
        "",
        "---",
        "",
        _("Respondent code (optional):") + " ______________  ",
        _("Segment (optional, e.g. region):") + " ______________",
        "",
    ]
    return body + "\n" + "\n".join(footer)


_HTML = """<!DOCTYPE html>
<html lang="{{ q.language }}">
<head>
<meta charset="utf-8">
<title>{{ q.title }}</title>
<style>
  body { font-family: system-ui, "Segoe UI", Arial, sans-serif; margin: 2em; color: #111; }
  h1 { font-size: 1.4em; margin-bottom: 0.2em; }
  h2 { font-size: 1.1em; margin: 1.2em 0 0.4em; }
  .meta { color: #555; font-size: 0.9em; }
  .ids { display: flex; gap: 2em; flex-wrap: wrap; margin: 1em 0; }
  .ids span { white-space: nowrap; }
  .line { display: inline-block; min-width: 12em; border-bottom: 1px solid #333; }
  table { border-collapse: collapse; width: 100%; margin-bottom: 0.8em; }
  th, td { border: 1px solid #999; padding: 0.3em 0.4em; vertical-align: top; }
  th { background: #eef2f6; font-size: 0.8em; font-weight: 600; }
  td.box { text-align: center; width: 3.2em; font-size: 1.2em; }
  td.num { width: 2.6em; text-align: right; color: #555; font-size: 0.85em; }
  table.legend { width: auto; }
  .legend td, .legend th { font-size: 0.85em; padding-right: 1.5em; }
  .box-char { font-size: 1.2em; }
  @media print {
    body { margin: 0; font-size: 10.5pt; }
    @page { margin: 15mm; }
    tr, .ids, h2 { page-break-inside: avoid; break-inside: avoid; }
    h2 { page-break-after: avoid; break-after: avoid; }
    th { background: none; }
    a { color: inherit; text-decoration: none; }
  }
</style>
</head>
<body>
<h1>{{ q.title }}</h1>
<p class="meta">{{ _("{id} version {version}").format(id=q.id, version=q.version) }}</p>
{% if q.instructions %}
<p><strong>{{ _("Instructions.") }}</strong> {{ q.instructions }}</p>
{% endif %}
<div class="ids">
{% if q.groups %}<span><strong>{{ _("Your team:") }}</strong>
{% for g in q.groups %} <span class="box-char">☐</span> {{ g.label }}{% endfor %}</span>{% endif %}
<span><strong>{{ _("Respondent code (optional):") }}</strong>
 <span class="line">&nbsp;</span></span>
<span><strong>{{ _("Segment (optional, e.g. region):") }}</strong>
 <span class="line">&nbsp;</span></span>
</div>
<table class="legend">
<tr><th>{{ _("answer") }}</th><th>{{ _("meaning") }}</th></tr>
{% for value, meaning in legend %}<tr><td>{{ value }}</td><td>{{ meaning }}</td></tr>
{% endfor %}</table>
<p>{{
_("Tick one box per statement. (The codes on the left are the spreadsheet's column names.)")
}}</p>
{% for title, rows in sections %}
{% if title %}<h2>{{ title }}</h2>{% endif %}
<table>
<tr><th></th><th>{{ _("statement") }}</th>{% for c in heads %}<th>{{ c }}</th>{% endfor %}</tr>
{% for n, item in rows %}<tr><td class="num">{{ item.id }}</td><td>{{ item.text }}</td>
{% for c in heads %}<td class="box">☐</td>{% endfor %}</tr>
{% endfor %}</table>
{% endfor %}
{% if q.source %}<p class="meta">{{ _("Source:") }} {{ q.source }}</p>{% endif %}
</body>
</html>
"""


def html_text(q: Questionnaire) -> str:
    """The printable HTML form (every piece of text escaped by jinja2's autoescape)."""
    from jinja2 import Environment

    env = Environment(autoescape=True, keep_trailing_newline=True)
    _ = translator(q.language)
    s = q.scale
    if s.type == "choice":
        heads = [o.label for o in s.options]
    else:
        heads = [f"{v} {s.labels[v]}" if v in s.labels else str(v) for v in s.points]
    heads += list(s.missing[:1])  # one "no answer" column; the legend lists the others
    numbered = list(enumerate(q.items, start=1))
    sections: list[tuple[str, list[tuple[int, object]]]] = []
    if q.dimensions:
        for d in q.dimensions:
            rows = [(n, it) for n, it in numbered if it.dimension == d.id]
            if rows:
                sections.append((d.label, list(rows)))
        rest = [(n, it) for n, it in numbered if it.dimension is None]
        if rest:
            sections.append((_("Other"), list(rest)))
    else:
        sections.append(("", list(numbered)))
    legend = scale_lines(q)
    return env.from_string(_HTML).render(q=q, legend=legend, heads=heads, sections=sections, _=_)


# -- writing ------------------------------------------------------------------------


def render(q: Questionnaire, fmt: TemplateFormat) -> bytes:
    """The template's file content in ``fmt``."""
    if fmt == "csv":
        return csv_bytes(q)
    if fmt == "xlsx":
        return xlsx_bytes(q)
    if fmt == "md":
        return markdown_text(q).encode("utf-8")
    return html_text(q).encode("utf-8")


def write_template(
    q: Questionnaire, path: Path, *, force: bool = False, inputs: tuple[Path, ...] = ()
) -> TemplateFormat:
    """Write the template for ``q`` to ``path`` (format from the suffix), atomically.

    Refuses to replace an existing file unless ``force``: a filled-in sheet is precious.
    """
    fmt = template_format(path)
    write_atomic(path, render(q, fmt), inputs=inputs, force=force)
    return fmt
