"""The tool's fixed words in German, French and Spanish (salesmkt/locale/*.po).

The msgids are taken from the source (``_()``/``N_()`` calls and ``{{ _("…") }}`` in
templates, tools/l10n_msgids.py) and compared with each shipped catalogue read by babel
directly, so a new English text without a translation fails here. The outputs are read
back as a respondent would see them (the XLSX with openpyxl) and compared with words
written in this test and statements read straight from the translation files.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from openpyxl import load_workbook
from support.paths import ROOT
from typer.testing import CliRunner

from salesmkt.cli import app
from salesmkt.l10n import SHIPPED, translator

sys.path.insert(0, str(ROOT / "tools"))
from l10n_msgids import msgids

runner = CliRunner()
PLACEHOLDER = re.compile(r"\{\w*\}|\[/?bold\]")


def _catalogue(lang: str) -> dict[object, tuple[str, ...]]:
    """Every translated msgid of ``lang``'s .po files → its forms (one unless a plural)."""
    found: dict[object, tuple[str, ...]] = {}
    for path in sorted((ROOT / "salesmkt" / "locale" / lang / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        for m in catalog:
            forms = m.string if isinstance(m.string, tuple) else (m.string,)
            if m.id and all(forms) and not m.fuzzy:
                found[m.id] = tuple(forms)
    return found


def _few_words(msgid: str) -> bool:
    """A msgid whose words are a unit or a symbol ("{hours} h", "alpha {alpha}"), which a
    language may well write as English does."""
    words = re.findall(r"[A-Za-z]+", PLACEHOLDER.sub("", msgid))
    return len(words) <= 2 and all(len(w) <= 5 for w in words)


def _german_statement(item: str) -> str:
    data = yaml.safe_load((ROOT / "questionnaires" / "alignment.de.yaml").read_text("utf-8"))
    text: str = data["items"][item]["text"]
    return text


def test_the_source_marks_the_respondent_side_words() -> None:
    found = msgids()
    for word in ("Instructions.", "Your answer{keep}: ", "Submit", "Not on the scale"):
        assert word in found
    used = {f for files in found.values() for f in files}
    for module in ("render/forms.py", "workshop/template.py", "workshop/take.py", "room/app.py"):
        assert f"salesmkt/{module}" in used
    assert "salesmkt/room/templates/participant.html" in used


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_fixed_word_has_a_translation_with_the_same_placeholders(lang: str) -> None:
    catalogue = _catalogue(lang)
    missing = sorted(set(msgids()) - set(catalogue))
    assert not missing, f"{lang}.po lacks translations of: {missing}"
    for msgid, forms in catalogue.items():
        english = " ".join(msgid) if isinstance(msgid, tuple) else str(msgid)
        for form in forms:
            assert set(PLACEHOLDER.findall(form)) == set(PLACEHOLDER.findall(english)), msgid
        same = {"{id} version {version}", "(optional)", "total", "dimension", "Source:"}
        text = " ".join(forms)
        left = text == english and english not in same and not _few_words(english)
        assert not left, f"{lang}: {msgid!r} left in English"


def test_translator_falls_back_to_english() -> None:
    assert translator(None)("Submit") == "Submit"
    assert translator("en")("Submit") == "Submit"
    assert translator("pt-BR")("Submit") == "Submit"
    assert translator("de")("Submit") == "Absenden"
    assert translator("de-AT")("Submit") == "Absenden"
    assert translator("fr")("No such text, ever") == "No such text, ever"


def test_template_md_and_html_in_german(tmp_path: Path) -> None:
    for suffix in ("md", "html"):
        out = tmp_path / f"form.{suffix}"
        result = runner.invoke(app, ["template", "--lang", "de", "-o", str(out)])
        assert result.exit_code == 0, result.output
        text = out.read_text("utf-8")
        for word in ("Anleitung.", "Ihr Team:", "Teilnehmercode (optional):", "Vertrieb"):
            assert word in text, (suffix, word)
        assert _german_statement("q01") in text
        assert "Instructions" not in text and "Your team" not in text
    assert '<html lang="de">' in (tmp_path / "form.html").read_text("utf-8")


def test_template_xlsx_in_german_keeps_sheet_names_and_header(tmp_path: Path) -> None:
    out = tmp_path / "sheet.xlsx"
    assert runner.invoke(app, ["template", "--lang", "de", "-o", str(out)]).exit_code == 0
    book = load_workbook(out)
    assert book.sheetnames == ["Responses", "Statements", "Lists"]  # the scorer's names
    header = [c.value for c in book["Responses"][1]]
    assert header[:4] == ["group", "respondent", "segment", "q01"]
    rows = [r for r in book["Statements"].iter_rows(values_only=True) if any(r)]
    cells = {c for r in rows for c in r if c}
    assert {"Kürzel", "Aussage", "Kurzform", "Antwort", "Bedeutung"} <= cells
    assert "keine Antwort (wird nicht gewertet)" in cells
    assert _german_statement("q01") in cells
    prompts = {dv.promptTitle for dv in book["Responses"].data_validations.dataValidation}
    assert "Gruppe" in prompts


def test_take_in_german_prompts_in_german_and_stores_the_same_row(tmp_path: Path) -> None:
    rows = {}
    for lang in ("en", "de"):
        out = tmp_path / f"{lang}.csv"
        replies = ["4"] * 15 + ["2", "s", "5", "5", "1", "y"]
        result = runner.invoke(
            app,
            ["take", "-g", "sales", "-r", "P-1", "-o", str(out), "--lang", lang],
            input="\n".join(replies) + "\n",
        )
        assert result.exit_code == 0, result.output
        rows[lang] = out.read_bytes().decode("utf-8-sig").split("\r\n")[1]
        if lang == "de":
            for word in ("Aussage 1 von 20", "Ihre Antwort: ", "Ihre Antworten", "Zeile 2"):
                assert word in result.output, word
            assert "Your answer" not in result.output
            assert _german_statement("q20") in " ".join(result.output.split())  # unwrapped
    assert (
        rows["de"] == rows["en"] == "sales,P-1,," + ",".join(["4"] * 15 + ["2", "", "5", "5", "1"])
    )
