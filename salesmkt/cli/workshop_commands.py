"""The workshop commands, on the same application as :mod:`.commands`: blank response
sheets (``template``), one person answering at the terminal (``take``) and the live room
(``room``). Like every command, each runs inside the one error boundary and imports its
heavy parts (openpyxl, the web stack) only when it runs.
"""

# No ``from __future__ import annotations`` here: typer reads these signatures, and a
# string annotation costs it a compile and an eval (0.02 s at start-up, all commands).

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from salesmkt.cli import console as out
from salesmkt.cli.boundary import boundary
from salesmkt.cli.commands import app
from salesmkt.cli.options import (
    LangOpt,
    MinGroupSizeOpt,
    ReaderLangOpt,
)
from salesmkt.errors import SalesmktError, UsageError

# -- template / take -------------------------------------
# (template, take and compare commands go here)


@app.command()
@boundary
def template(
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="The file to write; .csv, .xlsx, .md or .html decides the format.",
        ),
    ],
    questionnaire: Annotated[
        str, typer.Option("--questionnaire", "-q", help="A built-in id or a path to a YAML file.")
    ] = "alignment",
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
    lang: LangOpt = None,
) -> None:
    """Write a blank response sheet that score reads back without any mapping.

    .csv and .xlsx: row 1 is the header (group, respondent, segment, one column per
    item); the .xlsx adds drop-down lists and the statements. .md and .html: a printable
    paper form with tick boxes.
    """
    from salesmkt.definitions import questionnaire_load as qmod
    from salesmkt.definitions.builtin import resolve
    from salesmkt.workshop import template as tmod

    fmt = tmod.template_format(output)
    q = qmod.load(questionnaire)
    q = q.in_language(lang) if lang else q
    tmod.write_template(q, output, force=force, inputs=(resolve(questionnaire),))
    typer.echo(f"salesmkt: wrote {output} ({fmt} template for {q.id} {q.version})", err=True)


@app.command()
@boundary
def take(
    group: Annotated[
        str, typer.Option("--group", "-g", help="The respondent's group (id, label or alias).")
    ],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="The responses .csv to append to (created if absent)."),
    ],
    questionnaire: Annotated[
        str, typer.Option("--questionnaire", "-q", help="A built-in id or a path to a YAML file.")
    ] = "alignment",
    respondent: Annotated[
        str | None,
        typer.Option(
            "--respondent", "-r", help="The person's code (default: a new random one, shown)."
        ),
    ] = None,
    segment: Annotated[
        str, typer.Option("--segment", help="A segment value (region, unit…) for score --by.")
    ] = "",
    several: Annotated[
        bool,
        typer.Option(
            "--several",
            help="One person after another in this group, each with a new code, until q.",
        ),
    ] = False,
    lang: LangOpt = None,
) -> None:
    """One person answers the questionnaire at the terminal; the answers become one row.

    Type a number or a label per statement; b goes back, s or Enter skips, ? shows help.
    The screen is cleared at the start and the end, so the next person sees no answers.
    The row is appended under a lock and an atomic replace: other rows are never touched,
    and an interruption (Ctrl-C) leaves the file as it was.
    """
    from salesmkt.definitions import questionnaire_load as qmod
    from salesmkt.definitions.builtin import resolve
    from salesmkt.workshop import take as tmod

    q = qmod.load(questionnaire)
    q = q.in_language(lang) if lang else q
    out.check_output(output, [resolve(questionnaire)])  # appended to, never the questionnaire
    console = out.console()
    if several:
        if respondent is not None:
            raise UsageError("--respondent names one person; --several gives each a new code")
        n = tmod.run_session(
            output,
            q,
            group=group,
            segment=segment,
            ask=console.input,
            console=console,
            told=lambda saved: typer.echo(_saved_line(saved, q.language)),
        )
        typer.echo(f"{n} person(s) saved to {output}.")
        return
    try:
        saved = tmod.run(
            output,
            q,
            group=group,
            respondent=respondent,
            segment=segment,
            ask=console.input,
            console=console,
        )
    except EOFError:
        raise SalesmktError(
            "the input ended before the questionnaire was finished; nothing was saved"
        ) from None
    typer.echo(_saved_line(saved, q.language))


def _saved_line(saved: Any, lang: str) -> str:
    """What ``take`` says after one person (a :class:`~salesmkt.workshop.take.Saved`),
    in the respondent's language."""
    from salesmkt.l10n import translator

    _ = translator(lang)
    if saved is None:
        return _("Nothing was saved.")
    line = _(
        "Saved as row {row} of {path}. Your respondent code is {code}:"
        " keep it for the next survey round. Thank you! Please hand over to the next person."
    )
    return line.format(row=saved.row, path=saved.path, code=saved.respondent)


# -- the live room --------------------------------------------------------------------


@app.command()
@boundary
def room(
    questionnaire: Annotated[
        str, typer.Option("--questionnaire", "-q", help="A built-in id or a path to a YAML file.")
    ] = "alignment",
    host: Annotated[
        str | None,
        typer.Option(
            "--host",
            help="The address to listen on (127.0.0.1: this machine only) "
            "[default: the machine's LAN address].",
        ),
    ] = None,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="The port.")] = 8765,
    folder: Annotated[
        Path | None,
        typer.Option(
            "--folder",
            help="The room's folder (an existing one resumes that room) "
            "[default: a new room-DATE-TIME folder here].",
        ),
    ] = None,
    min_group_size: MinGroupSizeOpt = 5,
    max_participants: Annotated[
        int, typer.Option("--max-participants", min=1, help="The most people who may join.")
    ] = 250,
    segment: Annotated[
        list[str] | None,
        typer.Option("--segment", help="A segment people may pick (region…); repeatable."),
    ] = None,
    lang: ReaderLangOpt = None,
) -> None:
    """Run a live room: people answer on their phones, the projector shows the results.

    Prints the join address (also a QR code on the projector page), the room code and the
    projector address with its admin token. Answers are saved in the room folder as they
    are given; starting again on the same folder resumes the room. Stop with Ctrl-C.
    --lang sets the projector's language and the one participants start in.
    """
    from salesmkt.room import serve as rs

    out.check_language(lang)

    out.settings(min_group_size=min_group_size)  # the same floor as every other command
    options = rs.RoomOptions(
        questionnaire=questionnaire,
        host=host,
        port=port,
        folder=folder,
        min_group_size=min_group_size,
        max_participants=max_participants,
        segments=tuple(segment or ()),
        lang=lang,
    )
    bind = rs.address(options)
    rs.check_address(bind, port)
    prepared = rs.prepare(options)
    typer.echo(f"salesmkt room {prepared.config.code}: {prepared.questionnaire.title}")
    typer.echo(f"  folder:     {prepared.store.folder}")
    typer.echo(f"  listening:  {bind}:{port} (only this address)")
    typer.echo(f"  join:       {prepared.join_url}")
    typer.echo(f"  projector:  {rs.admin_url(prepared.join_url, prepared.config.admin_token)}")
    typer.echo("  (keep the projector address private: it holds the admin token)")
    if (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "") == "utf8":
        typer.echo(rs.terminal_qr(prepared.join_url), nl=False)
    rs.serve(prepared, bind, port)
