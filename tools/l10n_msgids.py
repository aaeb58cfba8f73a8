"""The tool's fixed words, as the source marks them, and the catalogues kept in step.

Vocabulary: a *fixed word* is an English text passed to ``_(...)``, ``N_(...)`` or
``ngettext(singular, plural, n)`` in a module of ``salesmkt`` (Python calls, found with
:mod:`ast`) or to ``{{ _("...") }}`` in a Jinja template (the room's pages, the printable
HTML form). Its text is the ``msgid`` (a plural's is the pair). A *domain* is one ``.po``
file of a language: the words a respondent sees stay in ``salesmkt.po``; new words go
to the file of the first module that uses them (:data:`DOMAINS`), so each file stays a
translator's size and a subject's words stay together.

``python tools/l10n_msgids.py`` lists them; ``python tools/l10n_msgids.py --update`` adds
the new ones, untranslated, to the right ``.po`` file of every shipped language and marks
the ones no longer used anywhere as obsolete (babel's ``Catalog.update``), so a
translator sees what to do.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "salesmkt"
LOCALE = PACKAGE / "locale"
SHIPPED = ("de", "fr", "es")
_JINJA = re.compile(r"""\{\{\s*_\(\s*(["'])((?:\\.|(?!\1).)*)\1""")

MsgId = str | tuple[str, str]

#: Where a new word goes, by the first module (path prefix) that uses it.
DOMAINS: tuple[tuple[str, str], ...] = (
    ("salesmkt/room/", "room"),
    ("salesmkt/render/report/", "report"),
    ("salesmkt/render/deck/", "report"),
    ("salesmkt/pipeline/report", "report"),
    ("salesmkt/render/charts.py", "report"),
    ("salesmkt/render/trend_chart.py", "report"),
    ("salesmkt/render/compare.py", "waves"),
    ("salesmkt/render/trend.py", "waves"),
    ("salesmkt/render/evidence.py", "waves"),
    ("salesmkt/render/benchmark.py", "waves"),
    ("salesmkt/analysis/compar", "waves"),
    ("salesmkt/analysis/paired", "waves"),
    ("salesmkt/analysis/wave_changes", "waves"),
    ("salesmkt/analysis/trend", "waves"),
    ("salesmkt/analysis/evidence", "waves"),
    ("salesmkt/definitions/metrics", "waves"),
    ("salesmkt/intake/evidence/", "waves"),
    ("salesmkt/benchmark/", "waves"),
    ("salesmkt/pipeline/trend", "waves"),
    ("salesmkt/pipeline/evidence", "waves"),
    ("salesmkt/render/forms.py", "salesmkt"),
    ("salesmkt/workshop/", "salesmkt"),
    ("salesmkt/cli/workshop_commands.py", "salesmkt"),
)
DEFAULT_DOMAIN = "views"


def _text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _call_msgid(node: ast.Call) -> MsgId | None:
    name = node.func.id if isinstance(node.func, ast.Name) else None
    if name in {"_", "N_"} and node.args:
        return _text(node.args[0])
    if name == "ngettext" and len(node.args) >= 2:
        one, many = _text(node.args[0]), _text(node.args[1])
        return (one, many) if one is not None and many is not None else None
    return None


def _from_python(source: str) -> set[MsgId]:
    found: set[MsgId] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and (msgid := _call_msgid(node)) is not None:
            found.add(msgid)
    return found


def _from_jinja(source: str) -> set[MsgId]:
    return {m.group(2).replace("\\'", "'").replace('\\"', '"') for m in _JINJA.finditer(source)}


def msgids(root: Path = PACKAGE) -> dict[MsgId, list[str]]:
    """msgid → the files (relative to the repository) that use it."""
    found: dict[MsgId, list[str]] = {}
    for path in sorted([*root.rglob("*.py"), *root.rglob("*.html")]):
        text = path.read_text(encoding="utf-8")
        ids = _from_jinja(text) | (_from_python(text) if path.suffix == ".py" else set())
        for msgid in ids:
            found.setdefault(msgid, []).append(str(path.relative_to(ROOT)))
    return found


def domain_of(files: list[str]) -> str:
    """The ``.po`` file a new word goes to: that of the first module using it."""
    for prefix, domain in DOMAINS:
        if files[0].startswith(prefix):
            return domain
    return DEFAULT_DOMAIN


def _read(path: Path, lang: str) -> Any:
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=path.stem)


def _placed(lang: str) -> dict[MsgId, list[str]]:
    """msgid → the domains whose files already hold it (translated or not); a word two
    subjects share may sit in both files, each kept as its translator wrote it."""
    placed: dict[MsgId, list[str]] = {}
    for path in sorted((LOCALE / lang / "LC_MESSAGES").glob("*.po")):
        for m in _read(path, lang):
            if m.id:
                placed.setdefault(m.id, []).append(path.stem)
    return placed


def _new_catalogue(lang: str, domain: str) -> Any:
    from babel.messages.catalog import Catalog

    return Catalog(
        locale=lang,
        domain=domain,
        project="salesmkt",
        header_comment=(
            f"# {lang} for salesmkt's fixed words ({domain}.po). Keep {{placeholders}},\n"
            "# [bold]…[/bold] and **…** as they are. Check: pytest tests/test_l10n.py"
        ),
    )


def update() -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    found = msgids()
    for lang in SHIPPED:
        placed = _placed(lang)
        templates: dict[str, Any] = {}
        for msgid, files in sorted(found.items(), key=lambda kv: str(kv[0])):
            for domain in placed.get(msgid) or [domain_of(files)]:
                template = templates.setdefault(domain, Catalog(domain=domain))
                template.add(msgid, locations=[(f, 0) for f in files])
        for domain, template in templates.items():
            path = LOCALE / lang / "LC_MESSAGES" / f"{domain}.po"
            catalog = _read(path, lang) if path.exists() else _new_catalogue(lang, domain)
            template.creation_date = catalog.creation_date  # no date-only diffs
            catalog.update(template, no_fuzzy_matching=True)
            with path.open("wb") as handle:
                write_po(handle, catalog, width=88, omit_header=False, include_lineno=False)


if __name__ == "__main__":
    if "--update" in sys.argv[1:]:
        update()
    else:
        for msgid in sorted(msgids(), key=str):
            print(repr(msgid))
