"""Tables that fit the terminal they are printed on, at 80 columns and up.

Vocabulary:
- a *fitted table* (:class:`FittedTable`) is described once (its columns and rows) and
  laid out when printed, by the width the console gives it: the *full* table when it
  fits; else the table without its *optional* columns, dropped in their order, with a
  one-line note naming them and how to see them; else *stacked*: one block per row, the
  row's *key* cells on its first line and every other cell as a ``label: value`` *pair*,
  pairs packed onto indented lines and never split.
- a cell is *whole* when it is never wrapped or cut: ids, figures and flags. Only a
  *wrap* column (statement text, labels) wraps, at word boundaries, and never narrower
  than its ``min_width``. A figure column's header may wrap at its spaces.
- *wide*: ``--wide`` asks for every full table whatever the width; the CLI prints
  inside :func:`full_tables` (and without cropping), so lines run as long as the
  tables need.

Why not let rich decide: rich shrinks columns that do not fit and cuts their cells with
"…", which drops ids and figures on a projector. Here every column width is computed
(whole cells first) and handed to rich as a fixed width.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Literal

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from salesmkt.l10n import N_, _
from salesmkt.render.text import plain

HINT = N_("--wide or --format markdown")
STACK_INDENT = 2
READABLE = 36  # a text column's width before headers over figures may widen
SHORT_HEADER = 8  # a header this short never wraps
MAX_LINES = 4  # more lines a row than this, and the table gives way to blocks
_PAIR_GAP = "   "
_BIG = 10_000
_WIDE: ContextVar[bool] = ContextVar("salesmkt_full_tables", default=False)


@contextmanager
def full_tables(on: bool = True) -> Iterator[None]:
    """Within this block every fitted table is printed whole (``--wide``)."""
    token = _WIDE.set(on)
    try:
        yield
    finally:
        _WIDE.reset(token)


@dataclass(frozen=True)
class Col:
    """One column: ``wrap`` for text that may wrap, ``drop`` > 0 for an optional column
    (the highest is dropped first), ``key`` for the stacked block's first line, and
    ``stack_label`` for its label there (the header by default; "" for none);
    ``split_header=False`` keeps a header (an axis) on one line."""

    header: str | Text
    justify: Literal["left", "right", "center"] = "left"
    wrap: bool = False
    min_width: int = 16
    drop: int = 0
    key: bool = False
    stack_label: str | None = None
    split_header: bool = True


Cell = str | Text


def _text(cell: Cell) -> Text:
    return cell if isinstance(cell, Text) else plain(cell)


def _width(text: Text) -> int:
    return max((cell_len(line) for line in text.plain.split("\n")), default=0)


def _longest_word(text: Text) -> int:
    return max((cell_len(w) for w in text.plain.split()), default=0)


@dataclass
class FittedTable:
    """A table laid out by the console's width (see the module's vocabulary)."""

    cols: Sequence[Col]
    rows: Sequence[Sequence[Cell]]
    title: str | Text | None = None
    caption: str | None = None
    table_options: dict[str, Any] = field(default_factory=dict)
    hint: str = HINT
    sections: Sequence[int] = ()  # a rule after these row indexes (e.g. before a total)

    # -- widths ------------------------------------------------------------------------

    def _cells(self, k: int) -> list[Text]:
        return [_text(row[k]) for row in self.rows]

    def _natural(self, k: int) -> int:
        header = _width(_text(self.cols[k].header))
        return max([header, *(_width(c) for c in self._cells(k))])

    def _least(self, k: int) -> int:
        """The narrowest column ``k`` may get with every whole cell whole."""
        col = self.cols[k]
        natural = self._natural(k)
        if col.wrap:
            words = max([_longest_word(c) for c in self._cells(k)] or [0])
            return max(min(natural, col.min_width), words, _longest_word(_text(col.header)))
        cells = max((_width(c) for c in self._cells(k)), default=0)
        header = _text(col.header)
        split = col.split_header and _width(header) > SHORT_HEADER
        return max(cells, _longest_word(header) if split else _width(header), 1)

    def _table(self, shown: Sequence[int], widths: Sequence[int]) -> Table:
        options: dict[str, Any] = {"title_justify": "left", "expand": False}
        options.update(self.table_options)
        table = Table(title=self.title, caption=self.caption, **options)
        for k, w in zip(shown, widths, strict=True):
            col = self.cols[k]
            table.add_column(_text(col.header), justify=col.justify, width=w)
        for n, row in enumerate(self.rows):
            table.add_row(*(_text(row[k]) for k in shown))
            if n in self.sections:
                table.add_section()
        return table

    def _widths(
        self, console: Console, options: ConsoleOptions, shown: Sequence[int], room: int
    ) -> list[int] | None:
        """Widths of the ``shown`` columns in ``room`` cells, or None if they cannot fit
        (or a text cell would wrap onto more than :data:`MAX_LINES` lines)."""
        least = [self._least(k) for k in shown]
        wide = options.update_width(_BIG)
        need = Measurement.get(console, wide, self._table(shown, least)).maximum
        if need > room:
            return None
        natural = [self._natural(k) for k in shown]
        wraps = [i for i, k in enumerate(shown) if self.cols[k].wrap]
        whole = [i for i, k in enumerate(shown) if not self.cols[k].wrap]
        # Text first gets a readable width, then headers over figures go on one line,
        # then the text gets the rest.
        readable = [
            min(n, max(w, READABLE)) if i in wraps else w
            for i, (w, n) in enumerate(zip(least, natural, strict=True))
        ]
        widths = _grow(least, readable, room - need, wraps)
        widths = _grow(widths, natural, room - need - sum(widths) + sum(least), whole + wraps)
        if any(self._lines(console, shown[i], widths[i]) > MAX_LINES for i in wraps):
            return None
        return widths

    def _lines(self, console: Console, k: int, width: int) -> int:
        return max((len(c.wrap(console, width)) for c in self._cells(k)), default=0)

    def _tight(self, console: Console, shown: Sequence[int], widths: Sequence[int]) -> bool:
        """More than a quarter of the rows wrap: dropping a column reads better."""
        wrapped = set()
        for k, w in zip(shown, widths, strict=True):
            if self.cols[k].wrap:
                cells = self._cells(k)
                wrapped |= {n for n, c in enumerate(cells) if len(c.wrap(console, w)) > 1}
        return len(wrapped) * 4 > len(self.rows)

    def _layout(
        self, console: Console, options: ConsoleOptions, shown: Sequence[int], room: int
    ) -> Table | None:
        widths = self._widths(console, options, shown, room)
        return None if widths is None else self._table(shown, widths)

    def full_width(self, console: Console, options: ConsoleOptions) -> int:
        shown = range(len(self.cols))
        natural = [self._natural(k) for k in shown]
        return Measurement.get(
            console, options.update_width(_BIG), self._table(shown, natural)
        ).maximum

    # -- rich protocol -----------------------------------------------------------------

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(min(options.max_width, 20), self.full_width(console, options))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if _WIDE.get():
            # Rendered at its own width: the CLI prints without cropping (--wide).
            width = max(options.max_width, self.full_width(console, options))
            shown = list(range(len(self.cols)))
            yield from console.render(
                self._layout(console, options, shown, width) or "", options.update_width(width)
            )
            return
        room = options.max_width
        fallback: tuple[list[int], list[int]] | None = None
        for shown in self._choices():
            widths = self._widths(console, options, shown, room)
            if widths is None:
                continue
            if self._tight(console, shown, widths):
                fallback = fallback or (shown, widths)
                continue
            yield from self._with_note(shown, widths)
            return
        if fallback is not None:
            yield from self._with_note(*fallback)
            return
        yield from self._stacked(room)

    def _with_note(self, shown: list[int], widths: list[int]) -> Iterator[RenderableType]:
        yield self._table(shown, widths)
        left = [self.cols[k] for k in range(len(self.cols)) if k not in shown]
        if left:
            yield self._dropped_note(left)

    def _choices(self) -> Iterator[list[int]]:
        levels = sorted({c.drop for c in self.cols if c.drop > 0}, reverse=True)
        yield list(range(len(self.cols)))
        for level in levels:
            yield [k for k, c in enumerate(self.cols) if c.drop == 0 or c.drop < level]

    def _dropped_note(self, left: Sequence[Col]) -> Text:
        # a column without a label of its own (a bar, whose header is an axis) is "bars"
        names = ", ".join(
            _("bars") if c.stack_label == "" else _text(c.header).plain.strip() or _("bars")
            for c in left
        )
        note = _("Not shown at this width: {columns} (see {hint}).")
        return plain(note.format(columns=names, hint=_(self.hint)), style="dim")

    # -- stacked -----------------------------------------------------------------------

    def _stacked(self, room: int) -> Iterator[RenderableType]:
        if self.title is not None:
            title = _text(self.title).copy()
            title.stylize("bold")
            yield title
        inner = max(1, room - STACK_INDENT)
        for n, row in enumerate(self.rows):
            if n:
                yield Text()  # a blank line between blocks: each reads as one
            key = Text()
            for k, col in enumerate(self.cols):
                if col.key and _text(row[k]).plain:
                    if key.plain:
                        key.append(" ")
                    key.append_text(_text(row[k]))
            yield key
            for line in _pack(
                [self._pair(k, row[k]) for k, c in enumerate(self.cols) if not c.key], inner
            ):
                line.pad_left(STACK_INDENT)
                yield line
        if self.caption:
            yield plain(self.caption, style="dim")
        yield Text()  # as a table ends on its bottom edge, the blocks end on a blank line

    def _pair(self, k: int, cell: Cell) -> Text:
        col = self.cols[k]
        label = col.stack_label if col.stack_label is not None else _text(col.header).plain
        pair = plain(f"{label}: " if label else "", style="dim")
        pair.append_text(_text(cell))
        return pair


def _grow(least: list[int], natural: list[int], spare: int, order: Sequence[int]) -> list[int]:
    """Hand ``spare`` cells to the columns below their natural width, in ``order``."""
    widths = list(least)
    for k in order:
        extra = min(spare, natural[k] - widths[k])
        if extra > 0:
            widths[k] += extra
            spare -= extra
    return widths


def _pack(pairs: Sequence[Text], width: int) -> list[Text]:
    """The pairs on as few lines as fit ``width``; a pair is never split."""
    lines: list[Text] = []
    line = Text()
    for pair in (p for p in pairs if p.plain.strip()):
        if line.plain and cell_len(line.plain) + len(_PAIR_GAP) + cell_len(pair.plain) > width:
            lines.append(line)
            line = Text()
        if line.plain:
            line.append(_PAIR_GAP)
        line.append_text(pair)
    if line.plain:
        lines.append(line)
    return lines
