"""Translations: the shipped languages are complete and consistent, translated copies keep
everything but the texts, and validate names every problem of a translation file.

The oracles are the YAML files themselves, read with plain PyYAML (not the loader under
test), and hand-written files with known faults.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.paths import QUESTIONNAIRES, ROOT
from typer.testing import CliRunner

from salesmkt.cli import app
from salesmkt.definitions import questionnaire_load, rules_load
from salesmkt.definitions.kinds import check_any_file
from salesmkt.errors import InvalidFileError, UsageError

SHIPPED_LANGUAGES = ("de", "fr", "es")
RULES = ROOT / "rules"
SOURCES = sorted(p for p in QUESTIONNAIRES.glob("*.yaml") if "." not in p.stem) + sorted(
    p for p in RULES.glob("*.yaml") if "." not in p.stem
)


def plain(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def translatable(src: dict[str, Any]) -> dict[tuple[str, ...], Any]:
    """Every text a respondent or reader sees in a source file, by (section, id, field)."""
    out: dict[tuple[str, ...], Any] = {}
    for f in ("title", "description", "instructions"):
        if src.get(f):
            out[(f,)] = src[f]
    scale = src.get("scale", {})
    for point, label in scale.get("labels", {}).items():
        out[("scale", "labels", str(point))] = label
    if scale.get("missing"):
        out[("scale", "missing")] = scale["missing"]
    for o in scale.get("options", []):
        out[("scale", "options", o["id"], "label")] = o["label"]
    for section, fields in (
        ("groups", ("label",)),
        ("dimensions", ("label", "description")),
        ("items", ("text", "short", "help")),
        ("stages", ("label", "description")),
        ("rules", ("title", "action", "why")),
    ):
        for entry in src.get(section, []):
            for f in fields:
                if entry.get(f):
                    out[(section, entry["id"], f)] = entry[f]
    return out


def lookup(doc: dict[str, Any], key: tuple[str, ...]) -> Any:
    node: Any = doc
    for part in key:
        if isinstance(node, dict):
            node = node.get(part, node.get(int(part)) if part.isdigit() else None)
        else:
            return None
    return node


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
@pytest.mark.parametrize("lang", SHIPPED_LANGUAGES)
def test_every_shipped_text_has_a_translation_in_every_shipped_language(
    source: Path, lang: str
) -> None:
    sibling = source.with_name(f"{source.stem}.{lang}.yaml")
    assert sibling.is_file(), f"{sibling.name} is missing"
    src, tr = plain(source), plain(sibling)
    assert tr["translation"] == src["id"] and tr["language"] == lang
    missing = [key for key in translatable(src) if not lookup(tr, key)]
    assert missing == [], f"{sibling.name}: no translation of {missing}"
    report = check_any_file(sibling)
    assert report.diagnostics == [], [str(d) for d in report.diagnostics]


def _texts(doc: Any) -> list[str]:
    if isinstance(doc, str):
        return [doc]
    if isinstance(doc, dict):
        return [t for k, v in doc.items() if k not in ("aliases",) for t in _texts(v)]
    if isinstance(doc, list):
        return [t for v in doc for t in _texts(v)]
    return []


def _pairs(source: Path, lang: str) -> list[tuple[str, str]]:
    """(English text, its translation) for every translatable text of one file."""
    src, tr = plain(source), plain(source.with_name(f"{source.stem}.{lang}.yaml"))
    return [
        (" ".join(_texts(en)), " ".join(_texts(lookup(tr, key))))
        for key, en in translatable(src).items()
    ]


@pytest.mark.parametrize("lang", SHIPPED_LANGUAGES)
def test_glossary_terms_are_used_consistently(lang: str) -> None:
    glossary = plain(QUESTIONNAIRES / "glossary" / f"{lang}.yaml")
    assert glossary["language"] == lang
    wrong: list[str] = []
    pairs = [pair for source in SOURCES for pair in _pairs(source, lang)]
    for term, rule in glossary["terms"].items():
        english = re.compile(r"\b(" + "|".join(map(re.escape, rule["en"])) + r")\b", re.I)
        for en, translated in pairs:
            low = translated.casefold()
            if english.search(en) and not any(u.casefold() in low for u in rule["use"]):
                wrong.append(f"{term}: {translated[:70]!r} lacks {rule['use']}")
            for avoided in rule["avoid"]:
                if re.search(r"\b" + re.escape(avoided.casefold()) + r"\b", low):
                    wrong.append(f"{term}: {translated[:70]!r} uses {avoided!r}")
    assert wrong == []


def test_every_glossary_term_occurs_in_the_sources() -> None:
    """A glossary entry whose English never occurs would check nothing."""
    english = " ".join(en for source in SOURCES for en, _ in _pairs(source, "de"))
    for term, rule in plain(QUESTIONNAIRES / "glossary" / "de.yaml")["terms"].items():
        assert re.search(r"\b(" + "|".join(map(re.escape, rule["en"])) + r")\b", english, re.I), (
            term
        )


FORMAL = {
    "de": (r"\b(du|dich|dir|dein\w*)\b", r"\bSie\b"),
    "fr": (r"\b(tu|toi|ton|ta|tes)\b", r"\bvous\b|\bvotre\b|\bvos\b"),
    "es": (r"\b(tú|tu|tus|te)\b", r"\busted\b|\bsu\b|\bsus\b|\belija\b|\bpiense\b"),
}


@pytest.mark.parametrize("lang", SHIPPED_LANGUAGES)
def test_instructions_address_the_respondent_formally(lang: str) -> None:
    informal, formal = FORMAL[lang]
    for source in SOURCES:
        tr = plain(source.with_name(f"{source.stem}.{lang}.yaml"))
        text = " ".join(_texts(tr))
        assert not re.search(informal, text), (source.name, re.search(informal, text))
        if tr.get("instructions"):
            assert re.search(formal, tr["instructions"]), source.name


# -- translated copies --------------------------------------------------------------------


def test_in_language_changes_the_texts_and_nothing_else() -> None:
    q = questionnaire_load.load("alignment")
    de = q.in_language("de")
    tr = plain(QUESTIONNAIRES / "alignment.de.yaml")
    assert de.title == tr["title"]
    assert [i.text for i in de.items] == [tr["items"][i.id]["text"] for i in q.items]
    assert de.scale.labels == {int(k): v for k, v in tr["scale"]["labels"].items()}
    assert de.item_ids == q.item_ids and de.stage_edges == q.stage_edges
    assert [i.dimension for i in de.items] == [i.dimension for i in q.items]
    assert de.language == "de" and q.language == "en"
    assert de.in_language("en") is q and q.in_language("en") is q
    assert de.in_language("fr").title == plain(QUESTIONNAIRES / "alignment.fr.yaml")["title"]
    assert q.languages == ["en", "de", "es", "fr"]


def test_unknown_language_names_the_available_ones() -> None:
    with pytest.raises(UsageError, match=r"'xx'.*en, de, es, fr"):
        questionnaire_load.load("alignment").in_language("xx")


def test_answers_and_groups_read_in_every_language() -> None:
    q = questionnaire_load.load("alignment")
    for lang, word in (("de", "Stimme eher zu"), ("fr", "Plutôt d'accord"), ("es", "De acuerdo")):
        assert q.scale.read(word) == 4.0, lang
        assert q.in_language(lang).scale.read("Agree") == 4.0
    lookup_table = q.group_lookup()
    assert lookup_table["vertrieb"] == lookup_table["ventes"] == lookup_table["ventas"] == "sales"
    funnel = questionnaire_load.load("buying-funnel")
    assert funnel.scale.read("Gemeinsam") == funnel.scale.read("Partagée") == "shared"


def test_rules_in_language() -> None:
    book = rules_load.load()
    de = book.in_language("de")
    tr = plain(RULES / "moving-up.de.yaml")
    assert de.spec.title == tr["title"]
    assert [r.title for r in de.rules] == [tr["rules"][r.id]["title"] for r in book.rules]
    assert [r.when for r in de.rules] == [r.when for r in book.rules]
    assert de.questionnaire.language == "de" and de.situation is not None
    assert de.situation.title == plain(QUESTIONNAIRES / "need-to-align.de.yaml")["title"]
    with pytest.raises(UsageError, match="available languages: en, de, es, fr"):
        book.spec.in_language("it")


# -- validate on broken translation files ---------------------------------------------------

MINI = """\
id: mini
version: "1"
language: en
title: Mini
instructions: Answer.
scale:
  min: 1
  max: 3
  labels: {1: "Low", 2: "Mid", 3: "High"}
  missing: ["N/A"]
items:
  - {id: a1, text: First statement here, short: First}
  - {id: a2, text: Second statement here, short: Second}
"""

GOOD_DE = """\
translation: mini
language: de
title: Mini
instructions: Antworten Sie.
scale:
  labels: {1: Niedrig, 2: Mittel, 3: Hoch}
  missing: ["k. A."]
items:
  a1: {text: Erste Aussage hier, short: Erste}
  a2: {text: Zweite Aussage hier, short: Zweite}
"""


def _folder(tmp_path: Path, de: str, **more: str) -> Path:
    (tmp_path / "mini.yaml").write_text(MINI, encoding="utf-8")
    (tmp_path / "mini.de.yaml").write_text(de, encoding="utf-8")
    for name, text in more.items():
        (tmp_path / f"mini.{name}.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "mini.de.yaml"


def _codes(path: Path) -> list[tuple[int, int, str, str]]:
    return [(d.line, d.column, d.code, d.message) for d in check_any_file(path).diagnostics]


def test_a_good_translation_validates_and_loads(tmp_path: Path) -> None:
    path = _folder(tmp_path, GOOD_DE)
    assert _codes(path) == []
    q = questionnaire_load.load(tmp_path / "mini.yaml")
    assert q.in_language("de").items[1].text == "Zweite Aussage hier"


def test_a_missing_text_is_named_with_its_line_and_id(tmp_path: Path) -> None:
    path = _folder(tmp_path, GOOD_DE.replace(", short: Zweite", ""))
    assert _codes(path) == [(10, 3, "translation-missing", "no translation of items 'a2': short")]
    with pytest.raises(InvalidFileError, match=r"mini\.de\.yaml"):
        questionnaire_load.load(tmp_path / "mini.yaml")


def test_a_whole_missing_item_and_an_unknown_id(tmp_path: Path) -> None:
    text = GOOD_DE.replace(
        "  a2: {text: Zweite Aussage hier, short: Zweite}\n", "  a9: {text: X}\n"
    )
    found = _codes(_folder(tmp_path, text))
    assert [(c, m.split(";")[0]) for _, _, c, m in found] == [
        ("translation-missing", "no translation of items 'a2': text"),
        ("translation-missing", "no translation of items 'a2': short"),
        ("translation-unknown-id", "items: 'a9' is not an id of the source"),
    ]
    assert found[2][:2] == (10, 3)


def test_two_items_reading_alike_collide(tmp_path: Path) -> None:
    # Trailing punctuation and case are folded, as intake folds headers.
    text = GOOD_DE.replace("Zweite Aussage hier", "erste aussage HIER.")
    found = _codes(_folder(tmp_path, text))
    assert [c for _, _, c, _ in found] == ["translation-collision"]
    assert "'a2' reads like item 'a1' in de" in found[0][3]


def test_a_translation_colliding_with_another_language(tmp_path: Path) -> None:
    text = GOOD_DE.replace("Zweite Aussage hier", "First statement here")
    found = _codes(_folder(tmp_path, text))
    assert [c for _, _, c, _ in found] == ["translation-collision"]
    assert "in en" in found[0][3]


def test_duplicate_and_conflicting_scale_labels(tmp_path: Path) -> None:
    dup = GOOD_DE.replace("3: Hoch", "3: Mittel")
    assert [c for _, _, c, _ in _codes(_folder(tmp_path, dup))] == ["translation-duplicate-label"]
    conflict = GOOD_DE.replace("1: Niedrig", "1: High")
    found = _codes(_folder(tmp_path, conflict))
    assert [c for _, _, c, _ in found] == ["translation-label-conflict"]
    assert "'high' means 1 here but 3 in en" in found[0][3]


def test_wrong_language_wrong_source_and_no_source(tmp_path: Path) -> None:
    text = GOOD_DE.replace("language: de", "language: fr").replace(
        "translation: mini", "translation: maxi"
    )
    codes = [c for _, _, c, _ in _codes(_folder(tmp_path, text))]
    assert codes == ["translation-wrong-source", "translation-language-mismatch"]
    orphan = tmp_path / "other.de.yaml"
    orphan.write_text(GOOD_DE, encoding="utf-8")
    assert [c for _, _, c, _ in _codes(orphan)] == ["translation-no-source"]


def test_validate_lists_the_shipped_translations(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    n = len(SOURCES) * (1 + len(SHIPPED_LANGUAGES))
    assert f"{n} file(s) checked: {n} valid" in result.output


def test_builtin_list_shows_no_translation_files(runner: CliRunner) -> None:
    result = runner.invoke(app, ["questionnaires"])
    assert result.exit_code == 0
    assert "alignment.de" not in result.output and "Zusammenarbeit" not in result.output


@pytest.mark.parametrize(
    "text",
    ["Sales\u00a0 Team ", "“Quoted” text?", "Ünïcode ﬁ ligature.", "Don’t know", "x :*", "  "],
)
def test_header_key_is_intakes_text_key(text: str) -> None:
    from salesmkt.definitions.translations import header_key
    from salesmkt.intake.spelling import text_key

    assert header_key(text) == text_key(text)
