"""The command line: the only module that touches typer.

Each command parses its options, calls the core, renders the result and exits with a
documented code: 0 ok, 1 findings or invalid input, 2 usage error. Every command runs
inside :func:`_boundary`, the one place where the package's errors become one-line
messages (``--debug`` shows the traceback instead).

Heavy libraries (pandas, scipy, matplotlib) are imported inside the commands that need
them, so ``salesmkt --help`` and ``salesmkt validate`` start fast.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer

from salesmkt import __version__
from salesmkt.errors import SalesmktError

P = ParamSpec("P")
R = TypeVar("R")

app = typer.Typer(
    name="salesmkt",
    help="Diagnose how well Sales and Marketing work together, and how to move up a stage.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
questionnaires_app = typer.Typer(
    help="List the built-in questionnaires, or show one as a printable form.",
    invoke_without_command=True,
)
app.add_typer(questionnaires_app, name="questionnaires")

_state = {"debug": False}


def _err(message: str) -> None:
    typer.echo(f"salesmkt: error: {message}", err=True)


def _boundary(func: Callable[P, R]) -> Callable[P, R]:
    """Turn the package's errors into one-line messages and exit codes."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except SalesmktError as exc:
            if _state["debug"]:
                raise
            _err(str(exc))
            for line in getattr(exc, "problems", [])[:200]:
                typer.echo(line, err=True)
            extra = len(getattr(exc, "problems", [])) - 200
            if extra > 0:
                typer.echo(f"… and {extra} more", err=True)
            raise typer.Exit(exc.exit_code) from None
        except Exception as exc:  # the last line of defence: never show a traceback
            if _state["debug"]:
                raise
            _err(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)")
            raise typer.Exit(1) from None

    return wrapper


def _version(value: bool) -> None:
    if value:
        typer.echo(f"salesmkt {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback when something fails.")
    ] = False,
) -> None:
    """Diagnose how well Sales and Marketing work together, and how to move up a stage.

    Exit codes: 0 ok, 1 findings or invalid input, 2 usage error.
    """
    _state["debug"] = debug


# -- validate / schema / questionnaires ----------------------------------------------


class DiagFormat(StrEnum):
    auto = "auto"
    text = "text"
    json = "json"
    github = "github"


def _expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in {".yaml", ".yml"})
        else:
            files.append(path)
    return files


@app.command()
@_boundary
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Questionnaire or rules files, or folders of them. Default: the built-in ones."
        ),
    ] = None,
    fmt: Annotated[
        DiagFormat, typer.Option("--format", "-f", help="text, json, github annotations, or auto.")
    ] = DiagFormat.auto,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too.")] = False,
) -> None:
    """Check questionnaire and rules files: YAML safety, schema and meaning.

    Prints every problem as file:line:col: [level] code: message. Exit 0 when all files
    are valid, 1 when any is not.
    """
    from salesmkt.checks import check_file
    from salesmkt.diagnostics import render, resolve_format
    from salesmkt.questionnaire import builtin_paths

    files = _expand(paths) if paths else builtin_paths("questionnaires") + builtin_paths("rules")
    if not files:
        raise SalesmktError("no YAML files to validate")
    reports = [check_file(f) for f in files]
    diags = [d for r in reports for d in r.diagnostics]
    chosen = resolve_format(fmt.value)
    if chosen == "json" or diags:
        typer.echo(render(diags, chosen))
    errors = sum(d.level == "error" for d in diags)
    warnings = len(diags) - errors
    bad = sum(not r.ok for r in reports)
    typer.echo(
        f"{len(reports)} file(s) checked: {len(reports) - bad} valid, {bad} invalid; "
        f"{errors} error(s), {warnings} warning(s)",
        err=True,
    )
    if errors or (strict and warnings):
        raise typer.Exit(1)


class SchemaKind(StrEnum):
    questionnaire = "questionnaire"
    rules = "rules"


@app.command()
@_boundary
def schema(
    kind: Annotated[
        SchemaKind, typer.Argument(help="Which file format.")
    ] = SchemaKind.questionnaire,
) -> None:
    """Print the JSON Schema of a file format, for editors and other tools."""
    import json

    from salesmkt.checks import KINDS, _ensure_kinds

    _ensure_kinds()
    if kind.value not in KINDS:
        raise SalesmktError(f"no schema for {kind.value!r} yet")
    schema_doc = KINDS[kind.value].model.model_json_schema()
    schema_doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    typer.echo(json.dumps(schema_doc, indent=2, ensure_ascii=False))


@questionnaires_app.callback()
@_boundary
def questionnaires_list(ctx: typer.Context) -> None:
    """List the built-in questionnaires: id, version, title, item count."""
    if ctx.invoked_subcommand is not None:
        return
    from rich.table import Table

    from salesmkt import questionnaire as qmod

    table = Table("id", "version", "title", "items", "scale")
    for path in qmod.builtin_paths():
        q = qmod.load(path)
        s = q.scale
        scale = (
            f"{s.min}–{s.max}"
            if s.type == "numeric"
            else "choice: " + "/".join(o.id for o in s.options)
        )
        table.add_row(q.id, q.version, q.title, str(len(q.items)), scale)
    _console().print(table)


class ShowFormat(StrEnum):
    text = "text"
    markdown = "markdown"


@questionnaires_app.command("show")
@_boundary
def questionnaires_show(
    ref: Annotated[str, typer.Argument(help="A built-in id or a path to a YAML file.")],
    fmt: Annotated[ShowFormat, typer.Option("--format", "-f")] = ShowFormat.text,
) -> None:
    """Print one questionnaire as a readable, printable form."""
    from salesmkt import questionnaire as qmod
    from salesmkt.render.forms import questionnaire_markdown

    q = qmod.load(ref)
    text = questionnaire_markdown(q)
    if fmt is ShowFormat.markdown:
        typer.echo(text)
    else:
        from rich.markdown import Markdown

        _console().print(Markdown(text))


# -- score / gaps (responses in, assessment out) ------------------------------------
# (score and gaps commands go here)

# -- recommend (rules) ---------------------------------------------------------------
# (recommend command goes here)

# -- report (HTML / Markdown workshop report) -----------------------------------------
# (report command goes here)

# -- workshop workflow: template / take / compare -------------------------------------
# (template, take and compare commands go here)


@app.command()
@_boundary
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
) -> None:
    """Write a blank response sheet that score reads back without any mapping.

    .csv and .xlsx: row 1 is the header (group, respondent, segment, one column per
    item); the .xlsx adds drop-down lists and the statements. .md and .html: a printable
    paper form with tick boxes.
    """
    from salesmkt import questionnaire as qmod
    from salesmkt import template as tmod

    fmt = tmod.template_format(output)
    q = qmod.load(questionnaire)
    tmod.write_template(q, output, force=force)
    typer.echo(f"wrote {output} ({fmt} template for {q.id} {q.version})", err=True)


@app.command()
@_boundary
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
) -> None:
    """One person answers the questionnaire at the terminal; the answers become one row.

    Type a number or a label per statement; b goes back, s or Enter skips, ? shows help.
    The screen is cleared at the start and the end, so the next person sees no answers.
    The row is appended under a lock and an atomic replace: other rows are never touched,
    and an interruption (Ctrl-C) leaves the file as it was.
    """
    from salesmkt import questionnaire as qmod
    from salesmkt import take as tmod

    q = qmod.load(questionnaire)
    console = _console()
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
    if saved is None:
        typer.echo("Nothing was saved.")
        return
    typer.echo(
        f"Saved as row {saved.row} of {saved.path}. Your respondent code is {saved.respondent}:"
        " keep it for the next survey round. Thank you! Please hand over to the next person."
    )


def _console() -> Any:
    from rich.console import Console

    return Console(soft_wrap=False)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        _err("interrupted")
        sys.exit(130)
