"""One person answers a questionnaire at the terminal; the answers become one CSV row.

Vocabulary:
- *interview*: the dialogue, one statement at a time. Each reply is *parsed* into an
  answer (a scale number, a point label or a choice option), a *missing* code (``N/A``…),
  a *skip* (empty reply or ``s``: a blank cell), *back* (``b``: the previous statement)
  or *help* (``?``). Unparseable replies are asked again, never guessed.
- *ask*: the injectable input function (prompt → reply). The CLI passes the rich
  console's ``input``; tests pass a scripted list of replies.
- *response*: what one person said: group id, respondent code, segment and one cell per
  item, ready to append.
- *target*: the responses CSV the row is appended to. Appending takes an exclusive lock
  (filelock on ``.NAME.lock`` beside the file, removed again on release) and writes the
  old bytes plus the new row to a temporary file that then replaces the target in one
  ``os.replace``, so other rows are never touched and a crash leaves the file as it was.
  The file keeps its encoding, byte-order mark, delimiter and line endings.
- *wipe*: clearing the screen (and, on terminals that support it, the scrollback) at the
  start and at the end, so the next person at a shared laptop sees no earlier answers.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from salesmkt.definitions.questionnaire import Questionnaire, normalise
from salesmkt.errors import ResponseDataError, UsageError
from salesmkt.l10n import N_, translator
from salesmkt.render.text import neutralise_cell, visible

if TYPE_CHECKING:
    from rich.console import Console

Ask = Callable[[str], str]
ReplyKind = Literal["answer", "missing", "skip", "empty", "back", "help", "invalid"]

#: Characters of generated respondent codes: no 0/O or 1/I/L, which people misread.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_PREFIX = "R-"
CODE_LENGTH = 6

_SKIP = {"s", "skip"}
_BACK = {"b", "back"}
_HELP = {"?", "h", "help"}
_YES = {"y", "yes"}
_NO = {"n", "no"}


def new_respondent_code() -> str:
    """A fresh random code such as ``R-7KQ2MX`` (about 887 million possibilities)."""
    return CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def resolve_group(q: Questionnaire, text: str) -> str:
    """The group id for ``--group`` (id, label or alias, any case); UsageError otherwise.

    A questionnaire without groups takes any non-empty text as the group.
    """
    value = text.strip()
    if not q.groups:
        if not value:
            raise UsageError("--group must not be empty")
        return value
    found = q.group_lookup().get(normalise(value))
    if found is None:
        known = ", ".join(g.id for g in q.groups)
        raise UsageError(f"--group {text!r} is not a group of {q.id}; choose one of: {known}")
    return found


# -- parsing replies ----------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    kind: ReplyKind
    cell: str = ""
    """What goes in the CSV cell (answers and missing codes only)."""
    shown: str = ""
    """How the summary shows it."""


def parse_reply(q: Questionnaire, text: str) -> Reply:
    """Interpret one typed reply to a statement."""
    raw = text.strip()
    key = normalise(raw)
    if not key:
        return Reply("empty")
    if key in _SKIP:
        return Reply("skip")
    if key in _BACK:
        return Reply("back")
    if key in _HELP:
        return Reply("help")
    s = q.scale
    for code in (w.text for w in s.spellings() if w.kind == "missing"):
        if normalise(code) == key:
            return Reply("missing", cell=code, shown=code)
    # At the keyboard an option may also be typed by its number, a point with a comma.
    read = s.read(raw)
    if s.type == "choice":
        numbered = {str(n): o.id for n, o in enumerate(s.options, start=1)}
        chosen = read if isinstance(read, str) else numbered.get(key)
        name = next((o.label for o in s.options if o.id == chosen), "")
        return Reply("answer", cell=chosen, shown=name) if chosen else Reply("invalid")
    if read is None and "," in key:
        read = s.read(key.replace(",", "."))
    if not isinstance(read, float) or not read.is_integer():
        return Reply("invalid")
    value = int(read)
    label = s.labels.get(value)
    return Reply("answer", cell=str(value), shown=f"{value} {label}" if label else str(value))


SUGGEST_FROM = 75
"""Similarity (rapidfuzz's ratio, 0–100) from which a mistyped word gets a "did you mean"."""

SUGGEST_MARGIN = 10
"""How much closer the best spelling must be than the next one: never guess between two."""


def suggest(q: Questionnaire, text: str) -> Reply | None:
    """The answer a mistyped word most likely meant ("Stongly agre" → Strongly agree),
    to be confirmed by the person; None when nothing is close, or two are about as close.
    Numbers are never guessed: "44" is not a typo of 4 anyone can tell."""
    from rapidfuzz import fuzz

    key = normalise(text)
    if not key or key.replace(".", "").replace(",", "").isdigit():
        return None
    words = [w for w in q.scale.spellings() if w.kind != "point"]
    scored = sorted(((fuzz.ratio(key, normalise(w.text)), w.text) for w in words), reverse=True)
    if not scored or scored[0][0] < SUGGEST_FROM:
        return None
    reply = parse_reply(q, scored[0][1])
    close = [text for score, text in scored[1:] if score > scored[0][0] - SUGGEST_MARGIN]
    if any(parse_reply(q, text) != reply for text in close):
        return None  # two different answers about as close: ask again instead
    return reply if reply.kind in ("answer", "missing") else None


def scale_hint(q: Questionnaire) -> str:
    s = q.scale
    if s.type == "choice":
        points = " · ".join(f"{n} {o.label}" for n, o in enumerate(s.options, start=1))
    else:
        points = " · ".join(f"{v} {s.labels[v]}" if v in s.labels else str(v) for v in s.points)
    missing = f" · {' / '.join(s.missing)}" if s.missing else ""
    return points + missing


# -- the interview ------------------------------------------------------------------


@dataclass
class Response:
    group: str
    respondent: str
    segment: str = ""
    answers: dict[str, str] = field(default_factory=dict)
    code_generated: bool = False

    def cells(self) -> dict[str, str]:
        """Column name → cell text (user text neutralised against formula injection)."""
        row = {
            "group": self.group,
            "respondent": str(neutralise_cell(self.respondent)),
            "segment": str(neutralise_cell(self.segment)),
        }
        row.update(self.answers)
        return row


def wipe(console: Console) -> None:
    """Clear the screen and, where the terminal supports it, its scrollback."""
    console.clear()
    if console.is_terminal:
        console.file.write("\x1b[3J")  # xterm "erase saved lines": scrolling up shows nothing
        console.file.flush()


def interview(
    q: Questionnaire,
    *,
    group: str,
    respondent: str,
    segment: str = "",
    ask: Ask,
    console: Console,
    code_generated: bool = False,
) -> Response | None:
    """Ask every statement, show a summary, confirm; ``None`` when the person discards.

    ``KeyboardInterrupt`` and ``EOFError`` from ``ask`` propagate (nothing is saved);
    the screen is wiped first so no answers stay visible.
    """
    try:
        wipe(console)
        return _Interview(q, ask, console).run(group, respondent, segment, code_generated)
    except BaseException:
        wipe(console)
        raise


def _safe(text: object) -> str:
    """File or typed text inside a markup string: control characters shown, markup escaped."""
    from rich.markup import escape

    return escape(visible(text))


class _Interview:
    def __init__(self, q: Questionnaire, ask: Ask, console: Console) -> None:
        self.q = q
        self.ask = ask
        self.console = console
        self.replies: list[Reply | None] = [None] * len(q.items)
        self.last = ""  # the reply as typed, for a "did you mean"
        self._ = translator(q.language)  # the fixed words; the keys (y, n, b, s, ?) stay

    def run(self, group: str, respondent: str, segment: str, generated: bool) -> Response | None:
        q, c, _ = self.q, self.console, self._
        c.print(f"[bold]{_safe(q.title)}[/bold]  ({_safe(q.id)} {_safe(q.version)})")
        if q.instructions:
            c.print(_safe(q.instructions))
        c.print(f"{_('Answers:')} {_safe(scale_hint(self.q))}")
        c.print(_(_COMMANDS))
        i = 0
        while i < len(q.items):
            step = self._item(i, editing=False)
            i = max(i - 1, 0) if step == "back" else i + 1
        while True:
            self._summary()
            reply = normalise(self.ask(_(_CONFIRM)))
            if reply in _YES:
                answers = {
                    it.id: (r.cell if r else "")
                    for it, r in zip(q.items, self.replies, strict=True)
                }
                return Response(group, respondent, segment, answers, generated)
            if reply in _NO:
                if normalise(self.ask(_("Discard all your answers? (y/n): "))) in _YES:
                    return None
                continue
            target = len(q.items) if reply in _BACK else _int_or_none(reply)
            if target is not None and 1 <= target <= len(q.items):
                self._item(target - 1, editing=True)
            else:
                c.print(
                    _("Please type y to save, n to discard, or a statement number to change it.")
                )

    def _item(self, i: int, *, editing: bool) -> str:
        """Ask statement ``i`` until it gets an answer, a skip or (not editing) back."""
        q, c, _ = self.q, self.console, self._
        item = q.items[i]
        c.rule(_("Statement {n} of {total}").format(n=i + 1, total=len(q.items)))
        c.print(f"[bold]{_safe(item.text)}[/bold]")
        while True:
            current = self.replies[i]
            shown = _safe(current.shown) if current and current.shown else _("blank")
            keep = " " + _("(Enter keeps {answer})").format(answer=shown) if current else ""
            self.last = self.ask(_("Your answer{keep}: ").format(keep=keep))
            reply = parse_reply(q, self.last)
            if reply.kind == "help":
                if item.help:
                    c.print(_safe(item.help))
                c.print(f"{_('Answers:')} {_safe(scale_hint(q))}")
                c.print(_(_COMMANDS))
                continue
            if reply.kind == "invalid":
                meant = suggest(q, self.last)
                if meant is not None and self._confirm(
                    _("Did you mean {answer}?").format(answer=_safe(meant.shown))
                ):
                    self.replies[i] = meant
                    return "done"
                hint = _safe(scale_hint(q))
                c.print(
                    _("Not an answer. Type one of: {answers}; or s, b, ?.").format(answers=hint)
                )
                continue
            if reply.kind == "back":
                if editing:
                    return "done"
                if i == 0:
                    c.print(_("This is the first statement."))
                    continue
                return "back"
            if reply.kind == "empty" and current is not None:
                return "done"
            self.replies[i] = reply if reply.kind in ("answer", "missing") else Reply("skip")
            return "done"

    def _confirm(self, question: str) -> bool:
        """A yes/no question; anything but yes is no (the statement is asked again)."""
        return normalise(self.ask(f"{question} (y/n): ")) in _YES

    def _summary(self) -> None:
        from rich.table import Table

        _ = self._
        table = Table("#", _("statement"), _("your answer"), title=_("Your answers"))
        answered = 0
        for n, (item, reply) in enumerate(zip(self.q.items, self.replies, strict=True), start=1):
            if reply is None or reply.kind == "skip":
                shown = f"[dim]{_('(skipped)')}[/dim]"
            else:
                shown = _safe(reply.shown)
                answered += reply.kind == "answer"
            table.add_row(str(n), _safe(item.label), shown)
        self.console.print(table)
        done = _("{n} of {total} statements answered.")
        self.console.print(done.format(n=answered, total=len(self.q.items)))


_COMMANDS = N_(
    "Type a number or a label. [bold]b[/bold] goes back, [bold]s[/bold] or Enter skips,"
    " [bold]?[/bold] shows help."
)
_CONFIRM = N_("Save these answers? (y = save, n = discard, a statement number = change it): ")


def _int_or_none(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


# -- appending to the responses file ------------------------------------------------


@dataclass(frozen=True)
class CsvShape:
    """How an existing CSV file is written, so an appended row looks like the others."""

    encoding: str
    bom: bytes
    newline: str
    delimiter: str
    header: list[str]


_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _decode(data: bytes) -> tuple[str, str, bytes]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding), encoding, bom
    try:
        return data.decode("utf-8"), "utf-8", b""
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252", b""
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1", b""


def sniff(data: bytes, path: Path) -> tuple[CsvShape, str]:
    """The shape of an existing CSV and its decoded text (ResponseDataError if unusable)."""
    text, encoding, bom = _decode(data)
    cut = min((k for k in (text.find("\r"), text.find("\n")) if k >= 0), default=-1)
    if cut < 0:
        newline, first = "\r\n", text
    else:
        newline = "\r\n" if text.startswith("\r\n", cut) else text[cut]
        first = text[:cut]
    if not first.strip():
        raise ResponseDataError(f"{path}:1: the first line is empty; expected the header row")
    delimiter = max(",;\t|", key=first.count)
    header = next(csv.reader([first], delimiter=delimiter))
    return CsvShape(encoding, bom, newline, delimiter, header), text


def _column_index(q: Questionnaire, header: list[str], path: Path) -> dict[str, int]:
    """Where each cell of a new row goes: item ids, ``group``, ``respondent``, ``segment``.

    Item columns must be named by their ids (as the template names them). The group and
    respondent columns may carry any header the responses reader recognises (``Team``,
    ``Respondent ID``…), so rows appended to an existing export land where ``score``
    looks for them.
    """
    from salesmkt.intake.responses import GROUP_COLUMN_NAMES, RESPONDENT_COLUMN_NAMES

    keys = [_TRAILING_PUNCT.sub("", normalise(h.lstrip("\ufeff"))) for h in header]
    index: dict[str, int] = {}
    for item in q.item_ids:
        if item in keys:
            index[item] = keys.index(item)
    group = [k for k, key in enumerate(keys) if key in GROUP_COLUMN_NAMES]
    if group:
        index["group"] = group[0]
    spaced = [re.sub(r"[_\-]+", " ", key) for key in keys]
    ranked = [
        (RESPONDENT_COLUMN_NAMES.index(key), k)
        for k, key in enumerate(spaced)
        if key in RESPONDENT_COLUMN_NAMES
    ]
    if ranked:
        index["respondent"] = min(ranked)[1]
    if "segment" in keys:
        index["segment"] = keys.index("segment")
    missing = [i for i in q.item_ids if i not in index]
    if "group" not in index or missing:
        lacks = (["group"] if "group" not in index else []) + missing
        shown = ", ".join(lacks[:8]) + (f" and {len(lacks) - 8} more" if len(lacks) > 8 else "")
        raise ResponseDataError(
            f"{path}:1: the header does not match {q.id} {q.version}: no column {shown}; "
            f"expected the columns {', '.join(_expected(q))} (salesmkt template writes them)"
        )
    return index


_TRAILING_PUNCT = re.compile(r"[\s.:?!*]+$")


def _expected(q: Questionnaire) -> list[str]:
    from salesmkt.workshop.template import columns

    cols = columns(q)
    return cols if len(cols) <= 6 else [*cols[:4], "…", cols[-1]]


def _codes_in(text: str, shape: CsvShape, column: int) -> dict[str, int]:
    """Respondent code → spreadsheet row number, for the rows below the header."""
    codes: dict[str, int] = {}
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=shape.delimiter)
    next(reader, None)
    for row in reader:
        if column < len(row) and row[column].strip():
            codes.setdefault(normalise(row[column]), reader.line_num)
    return codes


def check_target(
    path: Path, q: Questionnaire, respondent: str | None = None, segment: str = ""
) -> None:
    """Fail before the interview if the file cannot take the row (wrong header, taken code)."""
    path = Path(path)
    if path.is_dir():
        raise ResponseDataError(f"{path}: is a folder; expected a CSV file name")
    if path.suffix.lower() != ".csv":
        raise UsageError(f"{path}: take appends to a .csv file")
    if not path.exists():
        if not path.parent.is_dir() and str(path.parent):
            raise ResponseDataError(f"{path}: the folder {path.parent} does not exist")
        return
    data = path.read_bytes()
    if not data:
        return
    shape, text = sniff(data, path)
    index = _column_index(q, shape.header, path)
    if respondent and "respondent" in index:
        row = _codes_in(text, shape, index["respondent"]).get(normalise(respondent))
        if row is not None:
            raise ResponseDataError(
                f"{path}:{row}: the respondent code {respondent!r} is already in the file; "
                "each person answers once per wave (give another --respondent)"
            )
    if respondent and "respondent" not in index:
        raise ResponseDataError(f"{path}:1: the file has no respondent column for --respondent")
    if segment and "segment" not in index:
        raise ResponseDataError(f"{path}:1: the file has no segment column for --segment")


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``.NAME.lock`` beside ``path`` (other ``take`` runs wait),
    taken with filelock and removed again before it is released, so a clean exit leaves
    no lock file. Removing it while still held is safe: a run that was waiting on the
    removed file finds it unlinked once it gets the lock, and filelock retries on the
    new one (a stale file after a crash is harmless: the lock dies with the process)."""
    from filelock import FileLock

    lock_path = path.with_name(f".{path.name}.lock")
    lock = FileLock(lock_path)
    try:
        lock.acquire()
    except OSError as exc:
        raise ResponseDataError(f"{lock_path}: cannot take the lock: {exc.strerror}") from None
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            lock_path.unlink()
        lock.release()


def append_response(path: Path, q: Questionnaire, response: Response) -> int:
    """Append one row to ``path`` (created from the template if absent); its row number.

    The old content is kept byte for byte; the new row follows the file's encoding,
    delimiter and line endings. Columns the response has no value for stay blank.
    """
    from salesmkt.render.outputs import write_atomic
    from salesmkt.workshop.template import csv_text

    target = Path(os.path.realpath(path))
    with locked(target):
        data = target.read_bytes() if target.exists() else b""
        if not data:
            data = csv_text(q).encode("utf-8")
        shape, text = sniff(data, Path(path))
        index = _column_index(q, shape.header, Path(path))
        cells = response.cells()
        if "respondent" in index:
            codes = _codes_in(text, shape, index["respondent"])
            while response.code_generated and normalise(response.respondent) in codes:
                response.respondent = new_respondent_code()
                cells = response.cells()
            taken = codes.get(normalise(response.respondent))
            if response.respondent and taken is not None:
                raise ResponseDataError(
                    f"{path}:{taken}: the respondent code {response.respondent!r} is already "
                    "in the file; nothing was saved"
                )
        for name in ("respondent", "segment"):
            if (
                cells[name]
                and name not in index
                and not (name == "respondent" and response.code_generated)
            ):
                raise ResponseDataError(f"{path}:1: the file has no {name} column")
        row = [""] * len(shape.header)
        for name, k in index.items():
            row[k] = cells.get(name, "")
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=shape.delimiter, lineterminator=shape.newline).writerow(row)
        line = buffer.getvalue()
        if text and not text.endswith(("\n", "\r")):
            line = shape.newline + line
        try:
            payload = line.encode(shape.encoding)
        except UnicodeEncodeError as exc:
            bad = exc.object[exc.start : exc.end]
            raise ResponseDataError(
                f"{path}: the file is encoded as {shape.encoding}, which cannot hold {bad!r}; "
                "nothing was saved (re-save the file as UTF-8, or type the text differently)"
            ) from None
        mode = target.stat().st_mode if target.exists() else None
        write_atomic(target, data + payload)
        if mode is not None:
            with contextlib.suppress(OSError):
                os.chmod(target, mode & 0o7777)
        rows = sum(
            1 for _ in csv.reader(io.StringIO(text + line, newline=""), delimiter=shape.delimiter)
        )
    return rows


@dataclass(frozen=True)
class Saved:
    """What ``take`` did: the row number written (header = row 1) and the code used."""

    path: Path
    row: int
    respondent: str


def run(
    path: Path,
    q: Questionnaire,
    *,
    group: str,
    respondent: str | None = None,
    segment: str = "",
    ask: Ask,
    console: Console,
) -> Saved | None:
    """The whole ``take`` command: check the file, interview, append; None if discarded.

    The file is checked before the first question (so nobody answers twenty statements
    for nothing) and again under the lock when the row is written. Nothing touches the
    file until the person confirms, so an interruption leaves it as it was.
    """
    group_id = resolve_group(q, group)
    check_target(path, q, respondent, segment)
    code = respondent.strip() if respondent else new_respondent_code()
    response = interview(
        q,
        group=group_id,
        respondent=code,
        segment=segment,
        ask=ask,
        console=console,
        code_generated=not respondent,
    )
    if response is None:
        wipe(console)
        return None
    row = append_response(path, q, response)
    wipe(console)
    return Saved(Path(path), row, response.respondent)


NEXT_PROMPT = N_("Next person in this group? (Enter = start, q = stop): ")


def run_session(
    path: Path,
    q: Questionnaire,
    *,
    group: str,
    segment: str = "",
    ask: Ask,
    console: Console,
    told: Callable[[Saved | None], None],
) -> int:
    """One person after another in the same group (set once by the consultant), each
    with a new respondent code, until ``q`` at the prompt between two people or the end
    of the input there; ``told`` hears of each person. Returns how many were saved."""
    saved = 0
    while True:
        try:
            done = run(path, q, group=group, segment=segment, ask=ask, console=console)
        except EOFError:
            raise ResponseDataError(
                "the input ended before the questionnaire was finished; this person's answers "
                f"were not saved ({saved} saved before)"
            ) from None
        told(done)
        saved += done is not None
        try:
            if normalise(ask(translator(q.language)(NEXT_PROMPT))) in {"q", "quit", "stop"}:
                return saved
        except EOFError:
            return saved


__all__ = [
    "CODE_ALPHABET",
    "Ask",
    "CsvShape",
    "Reply",
    "Response",
    "Saved",
    "append_response",
    "check_target",
    "interview",
    "locked",
    "new_respondent_code",
    "parse_reply",
    "resolve_group",
    "run",
    "run_session",
    "scale_hint",
    "sniff",
    "suggest",
    "wipe",
]
