"""What the commands share: the input and settings objects, the format, and printing.

Vocabulary: the *source* is the one input object (:class:`ResponseSource`), *settings*
the one settings object; a *format* is picked from ``--format``, else the ``--output``
suffix, else the terminal; :func:`show` renders a view with the registry's renderer and
prints it or writes it atomically (never over an input). *Notes* go to stderr.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from salesmkt.cli import collector
from salesmkt.errors import UsageError
from salesmkt.intake.source import ResponseSource
from salesmkt.render.registry import TERMINAL, Subject, formats, renderer

if TYPE_CHECKING:
    from salesmkt.model.assessment import Settings
    from salesmkt.render.branding import Branding
    from salesmkt.render.outputs import Output


def number(
    flag: str, value: float | None, *, low: float | None = None, high: float | None = None
) -> None:
    """Refuse a non-finite number (nan, inf) or one outside ``low``–``high`` (UsageError).

    The parser's own range checks let ``nan`` through (every comparison with it is
    false) and ``inf`` past a bare minimum; this is the one place that catches both.
    """
    if value is None:
        return
    if not math.isfinite(value):
        raise UsageError(f"{flag} {value}: expected a finite number")
    if low is not None and high is not None and not low <= value <= high:
        raise UsageError(f"{flag} {value:g}: expected a number from {low:g} to {high:g}")
    if low is not None and value < low:
        raise UsageError(f"{flag} {value:g}: expected a number of at least {low:g}")


def settings(
    *,
    min_group_size: int = 5,
    max_missing: float = 0.2,
    gap_threshold: float = 1.0,
    by: list[str] | None = None,
    **extra: Any,
) -> Settings:
    """The one settings object, after checking every number option (finite, in range)."""
    from salesmkt.model.assessment import DEFAULT_MIN_GROUP_SIZE, LOWEST_MIN_GROUP_SIZE, Settings

    if min_group_size < LOWEST_MIN_GROUP_SIZE:
        raise UsageError(
            f"--min-group-size {min_group_size}: expected at least {LOWEST_MIN_GROUP_SIZE} "
            f"(the usual anonymity threshold is {DEFAULT_MIN_GROUP_SIZE}; 3 and 4 are "
            "allowed with a warning)"
        )
    number("--max-missing", max_missing, low=0.0, high=1.0)
    number("--gap-threshold", gap_threshold, low=0.0)
    number("--midpoint", extra.get("midpoint"))
    return Settings(
        min_group_size=min_group_size,
        max_missing=max_missing,
        gap_threshold=gap_threshold,
        by=list(by or []),
        **extra,
    )


def midpoint_on_scale(midpoint: float | None, source: ResponseSource) -> None:
    """Refuse a --midpoint off the questionnaire's numeric scale (UsageError), before work.

    A saved assessment is shown as saved (the option does not apply), so it is not checked.
    """
    if midpoint is None:
        return
    from salesmkt.analysis.saved import looks_like_assessment
    from salesmkt.definitions import questionnaire_load as qmod

    if looks_like_assessment(source.path):
        return
    scale = qmod.load(source.questionnaire).scale
    if scale.min is None or scale.max is None:
        return
    if not scale.min <= midpoint <= scale.max:
        raise UsageError(
            f"--midpoint {midpoint:g}: expected a number on the questionnaire's scale, "
            f"{scale.min} to {scale.max}"
        )


def write_or_echo(text: Output, output: Path | None, inputs: list[Path]) -> None:
    """Print ``text`` (or its UTF-8 bytes, a view of them, or their
    :class:`~salesmkt.render.outputs.Pieces`), or write it atomically to ``output``
    (never over an input). Bytes go out as they are where their text would give the same
    bytes (see :func:`_bytes_as_text`), so a large CSV is neither decoded nor encoded
    again, and pieces as they are made."""
    if output is None:
        if isinstance(text, str):
            typer.echo(text, nl=not text.endswith("\n"))
        elif not isinstance(text, bytes | memoryview):
            _echo_pieces(text)
        elif _bytes_as_text(text):
            _echo_bytes(text)
        else:
            shown = str(text, "utf-8")
            typer.echo(shown, nl=not shown.endswith("\n"))
        return
    from salesmkt.render.outputs import write_atomic

    write_atomic(output, text, inputs=inputs)
    wrote(output)


def _binary_stdout() -> bool:
    """Whether stdout (as click sees it) encodes UTF-8 into a binary buffer and lines end
    in ``\n``: where UTF-8 bytes written to the buffer print what their text prints."""
    import codecs

    stream = typer.get_text_stream("stdout")
    encoding = getattr(stream, "encoding", None) or ""
    try:
        utf8 = codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        utf8 = False
    return utf8 and os.linesep == "\n" and hasattr(stream, "buffer")


def _has_escape(data: bytes | memoryview) -> bool:
    """Whether an escape character is in ``data`` (click strips escape sequences from
    text, never from bytes, when stdout is not a terminal)."""
    view = memoryview(data)
    # A piece at a time: a copy that stays in the cache, searched at memchr's speed.
    step = 1 << 18
    return any(b"\x1b" in bytes(view[a : a + step]) for a in range(0, len(view), step))


def _bytes_as_text(data: bytes | memoryview) -> bool:
    """Whether printing UTF-8 ``data`` as bytes prints what printing its text would:
    a binary stdout (:func:`_binary_stdout`) and no escape character."""
    return _binary_stdout() and not _has_escape(data)


def _echo_bytes(data: bytes | memoryview) -> None:
    """``data`` on stdout's binary buffer, then a line break unless it ends in one (as
    click prints bytes, without copying a view into bytes first)."""
    stream = typer.get_text_stream("stdout")
    stream.flush()
    binary = stream.buffer
    binary.write(data)
    if not len(data) or data[-1:] != b"\n":
        binary.write(b"\n")
    binary.flush()


def _echo_pieces(pieces: Iterable[bytes | memoryview]) -> None:
    """Pieces of UTF-8 lines printed as their whole text would print: each written to
    stdout's binary buffer as it comes, or, holding an escape character, printed as its
    text (click strips escape sequences off a terminal, and none spans a line break, so
    piece by piece strips what the whole text would lose). Joined and printed as text
    where stdout takes no bytes (see :func:`_binary_stdout`)."""
    if not _binary_stdout():
        shown = str(b"".join(pieces), "utf-8")
        typer.echo(shown, nl=not shown.endswith("\n"))
        return
    stream = typer.get_text_stream("stdout")
    stream.flush()
    binary = stream.buffer
    last = b""
    for piece in pieces:
        if not len(piece):
            continue
        if _has_escape(piece):
            binary.flush()
            typer.echo(str(piece, "utf-8"), nl=False)
        else:
            binary.write(piece)
        last = bytes(piece[-1:])
    if last != b"\n":
        binary.write(b"\n")
    binary.flush()


def wrote(output: Path, what: str = "", notes: list[str] | None = None) -> None:
    """One line on stderr: the file written, what it holds, and notes for the reader."""
    detail = f" ({what})" if what else ""
    extra = "".join(f"; {note}" for note in notes or [])
    typer.echo(f"salesmkt: wrote {output}{detail}{extra}", err=True)


def report_settings(
    min_group_size: int,
    max_missing: float,
    gap_threshold: float,
    by: list[str] | None,
    min_comment_group: int,
    headcount: Path | None,
    leaders_function: str | None,
) -> Settings:
    """The settings of ``report``: :func:`settings` with its comment threshold."""
    return settings(
        min_group_size=min_group_size,
        max_missing=max_missing,
        gap_threshold=gap_threshold,
        by=by,
        min_comment_group=min_comment_group,
        **headcount_and_leaders(headcount, leaders_function),
    )


def headcount_and_leaders(headcount: Path | None, leaders_function: str | None) -> dict[str, Any]:
    """The settings of --headcount (kept as the path's text) and --leaders-function."""
    return {
        "headcount": str(headcount) if headcount else None,
        "leaders_function": leaders_function,
    }


SUFFIX_FORMATS = {".json": "json", ".csv": "csv", ".md": "markdown", ".markdown": "markdown"}


def pick_format(fmt: StrEnum | None, output: Path | None, subject: Subject) -> str:
    """The output format: --format, else the --output suffix, else the terminal.

    The terminal view cannot be written to a file; the registry says which formats can.
    """
    allowed = formats(subject, files_only=True)
    if output is None:
        return fmt.value if fmt is not None else TERMINAL
    if fmt is not None:
        if fmt.value not in allowed:
            raise UsageError(
                f"--format {fmt.value} cannot be written to a file; use {or_list(allowed)}"
            )
        return fmt.value
    chosen = SUFFIX_FORMATS.get(output.suffix.lower())
    if chosen is None or chosen not in allowed:
        suffixes = [".md" if a == "markdown" else f".{a}" for a in allowed]
        raise UsageError(
            f"--output {output}: cannot tell the format from {output.suffix or 'no suffix'!r}; "
            f"use {or_list(suffixes)}, or give --format"
        )
    return chosen


def source(
    path: Path,
    questionnaire: str,
    mapping: Path | None,
    group_column: str | None,
    respondent_column: str | None,
    drop_invalid: bool,
    header_rows: int | None = None,
    sheet: str | None = None,
) -> ResponseSource:
    """The one input object, from the shared input options."""
    collector.settle()  # the command's imports are done; its data work starts here
    if header_rows is not None and header_rows < 1:
        raise UsageError(f"--header-rows {header_rows}: expected a number of at least 1")
    if path.is_dir() and (path / "room.sqlite").is_file():
        # A live room's folder: its submitted responses, exported beside the database,
        # are read like any responses file, with the room's own questionnaire.
        from salesmkt.room.results import export_folder

        path, questionnaire = export_folder(path)
    return ResponseSource(
        path,
        questionnaire=questionnaire,
        mapping=mapping,
        group_column=group_column,
        respondent_column=respondent_column,
        drop_invalid=drop_invalid,
        header_rows=header_rows,
        sheet=sheet,
    )


def checked_inputs(
    source: ResponseSource,
    output: Path | None,
    chosen: str,
    *,
    headcount: Path | None = None,
    evidence: Path | None = None,
) -> list[Path]:
    """Every file a scoring command reads, once ``--output`` is known to be none of them
    (and ``--evidence`` known to suit the format)."""
    evidence_format(evidence, chosen)
    inputs = [*source.inputs(), *([headcount] if headcount else []), *evidence_inputs(evidence)]
    check_output(output, inputs)
    return inputs


def check_output(output: Path | None, inputs: list[Path]) -> None:
    """Refuse an --output that is one of the inputs, before any work is done."""
    if output is not None:
        from salesmkt.render.outputs import check_output

        check_output(output, inputs=inputs)


#: Formats that programs read: their numbers keep the English decimal point.
MACHINE_FORMATS = frozenset({"json", "csv", "jsonl"})


def check_language(lang: str | None) -> None:
    """Refuse a ``--lang`` the tool does not ship (UsageError, exit 2)."""
    from salesmkt.l10n import SHIPPED, shipped_tag

    if lang is not None and lang.lower() not in {"en", "en-gb", "en-us"} and not shipped_tag(lang):
        raise UsageError(f"--lang {lang}: expected one of en, {', '.join(SHIPPED)}")


@contextmanager
def reading(lang: str | None, chosen: str) -> Iterator[None]:
    """Run and render inside in the reader's language ``lang`` (``--lang``); a language
    the tool does not ship is a usage error."""
    from salesmkt.l10n import reading_in

    check_language(lang)
    with reading_in(lang, local_numbers=chosen not in MACHINE_FORMATS):
        yield


def show(
    subject: Subject,
    chosen: str,
    view: Any,
    output: Path | None,
    inputs: list[Path],
    *,
    wide: bool = False,
) -> None:
    """Render ``view`` with the registry's renderer: on the console, or as text."""
    shown = renderer(subject, chosen)(view)
    if chosen == TERMINAL:
        print_terminal(shown, wide=wide)
    else:
        write_or_echo(shown, output, inputs)


def print_terminal(*shown: Any, wide: bool = False) -> None:
    """Print terminal views; tables fit the console's width unless ``wide`` (--wide)
    asks for every column, when lines run as long as the tables need (not cropped)."""
    from salesmkt.render.terminal_layout import full_tables

    with full_tables(wide):
        for part in shown:
            console().print(part, crop=not wide)


def notes(notes: list[str]) -> None:
    for note in notes:
        typer.echo(note, err=True)


def or_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def branding(
    client: str | None, consultant: str | None, logo: Path | None, accent: str | None
) -> Branding:
    """The report's branding: a bad --accent is a usage error, a bad --logo bad input."""
    from salesmkt.render import branding as brand

    return brand.Branding(
        client=client or "",
        consultant=consultant or "",
        accent=brand.parse_accent(accent) if accent is not None else brand.DEFAULT_ACCENT,
        logo=brand.load_logo(logo) if logo is not None else None,
    )


def report_date() -> str:
    """Today, or the date in SOURCE_DATE_EPOCH so a rebuilt report is byte-identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date().isoformat()
    return dt.date.today().isoformat()


def console() -> Any:
    """A console for the terminal views (tables never wrapped mid-cell)."""
    # rich's console is imported on use: validate and --help do not print through it.
    from rich.console import Console

    return Console(soft_wrap=False)


# -- --evidence on score and gaps: "What the data say" after the view ------------------------


def evidence_format(evidence: Path | None, chosen: str) -> None:
    """Refuse --evidence with a format that cannot hold a second section (UsageError)."""
    if evidence is not None and chosen not in (TERMINAL, "markdown"):
        raise UsageError(
            f"--evidence adds 'What the data say' to terminal or Markdown output, not "
            f"{chosen}; for JSON run 'salesmkt evidence EXPORTS --responses FILE -f json'"
        )


def evidence_inputs(evidence: Path | None) -> list[Path]:
    if evidence is None:
        return []
    from salesmkt.intake.evidence.read import export_files

    return export_files([evidence])


def show_with_claims(
    subject: Subject,
    chosen: str,
    view: Any,
    output: Path | None,
    inputs: list[Path],
    claims: Any,
    *,
    wide: bool = False,
) -> None:
    """A view followed by the section "What the data say" (terminal or Markdown)."""
    from salesmkt.render import evidence as shown_evidence

    shown = renderer(subject, chosen)(view)
    if chosen == TERMINAL:
        print_terminal(shown, shown_evidence.render_claims_terminal(claims), wide=wide)
        return
    text = shown.rstrip("\n") + "\n\n" + shown_evidence.claims_markdown(claims)
    write_or_echo(text, output, inputs)
