"""The ``benchmark`` commands: a private store of clients' aggregates, and where an
assessment stands among its peers (add, list, remove, show, export, import).

Like every command, each runs inside the one error boundary and imports its heavy parts
(SQLAlchemy, pandas, numpy) only when it runs, so ``salesmkt --help`` stays light.
"""

# No ``from __future__ import annotations`` here: typer reads these signatures, and a
# string annotation costs it a compile and an eval (0.02 s at start-up, all commands).
import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from salesmkt.cli import console as out
from salesmkt.cli.boundary import boundary
from salesmkt.cli.commands import app
from salesmkt.cli.options import (
    DropInvalidOpt,
    GroupColumnOpt,
    MapOpt,
    MaxMissingOpt,
    QuestionnaireOpt,
    ReaderLangOpt,
    RespondentColumnOpt,
    ResponsesArg,
    StoreOpt,
)
from salesmkt.errors import UsageError

if TYPE_CHECKING:
    from salesmkt.benchmark.aggregates import Contribution, Metadata
    from salesmkt.intake.responses import ResponseTable

benchmark_app = typer.Typer(
    help="A private, aggregates-only store of clients' results, and peer benchmarks.",
    no_args_is_help=True,
)
app.add_typer(benchmark_app, name="benchmark")


class BenchFormat(StrEnum):
    terminal = "terminal"
    json = "json"
    markdown = "markdown"


class ListFormat(StrEnum):
    terminal = "terminal"
    json = "json"


ClientOpt = Annotated[str, typer.Option("--client", help="The client's id in the store.")]
IndustryOpt = Annotated[str | None, typer.Option("--industry", help="The client's industry.")]
SizeOpt = Annotated[str | None, typer.Option("--size", help="The client's size band.")]
RegionOpt = Annotated[str | None, typer.Option("--region", help="The client's region.")]


def _date(value: str | None, flag: str) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{flag} {value!r}: expected a date as YYYY-MM-DD") from None


def _read(
    file: Path,
    reading: tuple[str, Path | None, str | None, str | None, bool, float],
    client: str,
    wave: str | None,
    meta: "Metadata",
) -> "tuple[ResponseTable, Contribution]":
    from salesmkt.benchmark.aggregates import read_contribution

    questionnaire, mapping, group_column, respondent_column, drop_invalid, max_missing = reading
    source = out.source(file, questionnaire, mapping, group_column, respondent_column, drop_invalid)
    return read_contribution(source, client, wave, meta, max_missing)


@benchmark_app.command("add")
@boundary
def add(
    file: ResponsesArg,
    client: ClientOpt,
    consent: Annotated[
        bool,
        typer.Option("--consent", help="The client agreed to pool its aggregates (required)."),
    ] = False,
    industry: IndustryOpt = None,
    size: SizeOpt = None,
    region: RegionOpt = None,
    wave: Annotated[
        str | None, typer.Option("--wave", help="The wave's name [default: the --date].")
    ] = None,
    date: Annotated[
        str | None,
        typer.Option("--date", help="When the survey was run, YYYY-MM-DD [default: today]."),
    ] = None,
    questionnaire: QuestionnaireOpt = "alignment",
    mapping: MapOpt = None,
    group_column: GroupColumnOpt = None,
    respondent_column: RespondentColumnOpt = None,
    drop_invalid: DropInvalidOpt = False,
    max_missing: MaxMissingOpt = 0.2,
    store: StoreOpt = None,
) -> None:
    """Add one client's wave to the store: answer counts per group, never a respondent.

    Exit 0 when stored, 1 on bad input or a store problem (nothing written), 2 on a
    usage error (also without --consent).
    """
    from salesmkt.benchmark.aggregates import Metadata
    from salesmkt.benchmark.store import open_store

    if not consent:
        raise UsageError(
            f"refusing to add {client!r} without --consent: record the client's consent to "
            "pool its aggregates first"
        )
    meta = Metadata(industry, size, region, _date(date, "--date").isoformat())
    reading = (questionnaire, mapping, group_column, respondent_column, drop_invalid, max_missing)
    _, contribution = _read(file, reading, client, wave, meta)
    opened = open_store(store)
    try:
        replaced = opened.add(contribution)
    finally:
        opened.close()
    groups = ", ".join(f"{t.group} {t.respondents}" for t in contribution.tallies)
    verb = "replaced" if replaced else "added"
    typer.echo(
        f"salesmkt: {verb} {contribution.client} wave {contribution.wave} ({groups}) "
        f"in {opened.where}",
        err=True,
    )


@benchmark_app.command("list")
@boundary
def list_(
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="terminal or json.")] = (
        ListFormat.terminal
    ),
    store: StoreOpt = None,
) -> None:
    """List the stored clients and waves (respondent counts per group, metadata).

    Exit 0, or 1 on a store problem.
    """
    from salesmkt.benchmark.store import open_store
    from salesmkt.render.benchmark import listing_json, listing_terminal

    opened = open_store(store)
    try:
        rows = opened.listing()
    finally:
        opened.close()
    text = listing_json(rows) if fmt == ListFormat.json else listing_terminal(rows, opened.where)
    typer.echo(text, nl=False)


@benchmark_app.command("remove")
@boundary
def remove(client: ClientOpt, store: StoreOpt = None) -> None:
    """Remove every wave of one client (the client's right to withdraw).

    Exit 0 when removed, 1 when the client is not in the store or on a store problem.
    """
    from salesmkt.benchmark.store import open_store
    from salesmkt.errors import NotFoundError

    opened = open_store(store)
    try:
        removed = opened.remove(client)
    finally:
        opened.close()
    if not removed:
        raise NotFoundError(f"client {client!r} is not in {opened.where}")
    typer.echo(f"salesmkt: removed {removed} wave(s) of {client} from {opened.where}", err=True)


@benchmark_app.command("show")
@boundary
def show(
    file: ResponsesArg,
    client: Annotated[
        str | None,
        typer.Option("--client", help="The client's id: its own waves are left out of its peers."),
    ] = None,
    industry: IndustryOpt = None,
    size: SizeOpt = None,
    region: RegionOpt = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Reference date for the age window, YYYY-MM-DD [default: today]."
        ),
    ] = None,
    external: Annotated[
        bool, typer.Option("--external", help="A claim made outside: at least 20 organisations.")
    ] = False,
    min_orgs: Annotated[
        int, typer.Option("--min-orgs", help="Organisations per published cell (at least 10).")
    ] = 10,
    min_respondents: Annotated[
        int,
        typer.Option(
            "--min-respondents", help="Respondents per organisation and group (at least 5)."
        ),
    ] = 5,
    max_share: Annotated[
        float,
        typer.Option(
            "--max-share",
            help="Largest share of a cell's respondents from one organisation (at most 0.5).",
        ),
    ] = 0.5,
    max_age_months: Annotated[
        int, typer.Option("--max-age-months", help="Oldest data used, in months (at most 24).")
    ] = 24,
    questionnaire: QuestionnaireOpt = "alignment",
    mapping: MapOpt = None,
    group_column: GroupColumnOpt = None,
    respondent_column: RespondentColumnOpt = None,
    drop_invalid: DropInvalidOpt = False,
    max_missing: MaxMissingOpt = 0.2,
    fmt: Annotated[
        BenchFormat, typer.Option("--format", "-f", help="terminal, json or markdown.")
    ] = BenchFormat.terminal,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead.")
    ] = None,
    store: StoreOpt = None,
    lang: ReaderLangOpt = None,
) -> None:
    """Where this assessment stands among its admitted peers.

    Exit 0 (cells without a benchmark included), 1 on bad input or a store problem, 2 on
    a usage error (also for admission rules made looser than the defaults).
    """
    from salesmkt.benchmark.admission import Rules
    from salesmkt.benchmark.aggregates import Metadata
    from salesmkt.benchmark.run import benchmark_for
    from salesmkt.render import benchmark as shown

    rules = Rules(min_orgs, external, min_respondents, max_share, max_age_months).checked()
    when = _date(as_of, "--as-of")
    meta = Metadata(industry, size, region, when.isoformat())
    reading = (questionnaire, mapping, group_column, respondent_column, drop_invalid, max_missing)
    render = {
        BenchFormat.terminal: shown.benchmark_terminal,
        BenchFormat.json: shown.benchmark_json,
        BenchFormat.markdown: shown.benchmark_markdown,
    }[fmt]
    with out.reading(lang, fmt.value):
        table, _ = _read(file, reading, client or "this client", None, meta)
        result = benchmark_for(table, store, client=client, meta=meta, rules=rules, as_of=when)
        out.write_or_echo(render(result), output, [file])


@benchmark_app.command("export")
@boundary
def export(
    file: Annotated[Path, typer.Argument(help="The JSON-lines file to write.", show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
    store: StoreOpt = None,
) -> None:
    """Write the whole store to one JSON-lines file (to merge stores without a server).

    Exit 0 when written, 1 on a store or output problem.
    """
    from salesmkt.benchmark.store import open_store
    from salesmkt.render.outputs import write_atomic

    opened = open_store(store)
    try:
        text = opened.export_text()
    finally:
        opened.close()
    write_atomic(file, text, force=force)
    typer.echo(f"salesmkt: wrote {file} ({text.count(chr(10)) - 1} wave(s))", err=True)


@benchmark_app.command("import")
@boundary
def import_(
    file: Annotated[
        Path, typer.Argument(help="A file written by 'benchmark export'.", show_default=False)
    ],
    store: StoreOpt = None,
) -> None:
    """Merge an exported store into this one, in one transaction.

    Exit 0 when merged, 1 when the file is not an export, a wave conflicts with a stored
    one (nothing is imported), or on a store problem.
    """
    from salesmkt.benchmark.store import open_store
    from salesmkt.errors import NotFoundError

    if not file.is_file():
        raise NotFoundError(f"{file}: no such file")
    text = file.read_text(encoding="utf-8", errors="replace")
    opened = open_store(store)
    try:
        added, same = opened.import_text(text, str(file))
    finally:
        opened.close()
    typer.echo(
        f"salesmkt: imported {added} wave(s), {same} already present, into {opened.where}", err=True
    )
