"""Fill translations into a language's ``.po`` files from a YAML file (a translator's aid).

Vocabulary: the *answers file* maps each English ``msgid`` to its translation; a plural's
key is the singular and its value a list, one text per plural form of the language; a
shorter list's last text fills the forms it leaves out (French and Spanish have a third,
"many", form for millions, which reads as the plural)::

    "split view": "unterschiedliche Sicht"
    "{n} respondent": ["{n} Befragte(r)", "{n} Befragte"]

``python tools/l10n_fill.py de answers.yaml`` sets those ``msgstr`` wherever the msgid
is, in whichever ``.po`` file of that language holds it, clears their fuzzy flag and
says which keys matched no msgid. Run ``tools/l10n_msgids.py --update`` first.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

LOCALE = Path(__file__).resolve().parent.parent / "salesmkt" / "locale"


def fill(lang: str, answers: dict[str, Any]) -> list[str]:
    """Set the translations in every ``.po`` file of ``lang``; the keys not found."""
    from babel.messages.pofile import read_po, write_po

    left = dict(answers)
    for path in sorted((LOCALE / lang / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang, domain=path.stem)
        changed = False
        for m in catalog:
            key = m.id[0] if isinstance(m.id, tuple) else m.id
            if key and key in left:
                given = left.pop(key)
                m.string = _forms(given, catalog.num_plurals) if isinstance(m.id, tuple) else given
                m.flags.discard("fuzzy")
                changed = True
        if changed:
            with path.open("wb") as handle:
                write_po(handle, catalog, width=88, omit_header=False, include_lineno=False)
    return sorted(left)


def _forms(given: list[str], count: int) -> tuple[str, ...]:
    return tuple(given[min(i, len(given) - 1)] for i in range(count))


if __name__ == "__main__":
    tag, source = sys.argv[1], Path(sys.argv[2])
    missing = fill(tag, yaml.safe_load(source.read_text(encoding="utf-8")))
    for key in missing:
        print(f"no msgid {key!r} in {tag}", file=sys.stderr)
    sys.exit(1 if missing else 0)
