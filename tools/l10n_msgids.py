"""The tool's fixed words, as the source marks them, and the catalogues kept in step.

Vocabulary: a *fixed word* is an English text passed to ``_(...)`` or ``N_(...)`` in a
module of ``salesmkt`` (Python calls, found with :mod:`ast`) or to ``{{ _("...") }}`` in a
Jinja template (the room's pages, the printable HTML form). Its text is the ``msgid``.

``python tools/l10n_msgids.py`` lists them; ``python tools/l10n_msgids.py --update`` adds
the new ones, untranslated, to every shipped ``.po`` file and marks the ones no longer
used as obsolete (babel's ``Catalog.update``), so a translator sees what to do.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "salesmkt"
LOCALE = PACKAGE / "locale"
_JINJA = re.compile(r"""\{\{\s*_\(\s*(["'])((?:\\.|(?!\1).)*)\1""")


def _from_python(source: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"_", "N_"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return found


def _from_jinja(source: str) -> set[str]:
    return {m.group(2).replace("\\'", "'").replace('\\"', '"') for m in _JINJA.finditer(source)}


def msgids(root: Path = PACKAGE) -> dict[str, list[str]]:
    """msgid → the files (relative to the repository) that use it."""
    found: dict[str, list[str]] = {}
    for path in sorted([*root.rglob("*.py"), *root.rglob("*.html")]):
        text = path.read_text(encoding="utf-8")
        ids = _from_jinja(text) | (_from_python(text) if path.suffix == ".py" else set())
        for msgid in ids:
            found.setdefault(msgid, []).append(str(path.relative_to(ROOT)))
    return found


def update() -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    template = Catalog(domain="salesmkt")
    for msgid, files in sorted(msgids().items()):
        template.add(msgid, locations=[(f, 0) for f in files])
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/salesmkt.po")):
        with po.open("rb") as handle:
            catalog = read_po(handle)
        catalog.update(template, no_fuzzy_matching=True)
        with po.open("wb") as handle:
            write_po(handle, catalog, width=88, omit_header=False, include_lineno=False)


if __name__ == "__main__":
    if "--update" in sys.argv[1:]:
        update()
    else:
        for msgid in sorted(msgids()):
            print(repr(msgid))
