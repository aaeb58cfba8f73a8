"""Scoring in any language: a German export scores exactly as the same answers in English,
one file may mix languages, and files in different languages merge into one assessment
with a language segment; --lang shows the questionnaire's texts in another language.

The translated files are built here from examples/workshop.csv and the translation YAML
read with plain PyYAML; the oracle is the English file's own score (and, for the merge,
a pandas query on the inputs).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import yaml
from support.paths import QUESTIONNAIRES, WORKSHOP
from typer.testing import CliRunner

from salesmkt.cli import app

GROUPS = {
    "de": {"Sales": "Vertrieb", "Leadership": "Geschäftsleitung"},
    "fr": {"Sales": "Ventes", "Leadership": "Direction"},
    "es": {"Sales": "Ventas", "Leadership": "Dirección"},
}
HEADERS = {
    "de": {"Respondent": "Teilnehmer", "Team": "Abteilung", "Comments": "Kommentar"},
    "fr": {"Respondent": "Respondent", "Team": "Équipe", "Comments": "Commentaire"},
    "es": {"Respondent": "Respondent", "Team": "Equipo", "Comments": "Comentario"},
}


def texts(lang: str) -> Any:
    return yaml.safe_load((QUESTIONNAIRES / f"alignment.{lang}.yaml").read_text("utf-8"))


def english_rows() -> list[list[str]]:
    with WORKSHOP.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def translated(rows: list[list[str]], lang: str, *, which: range | None = None) -> list[list[str]]:
    """The rows with headers, groups and answers (labels, not numbers) in ``lang``; only
    the data rows in ``which`` are translated when it is given (a mixed file)."""
    t = texts(lang)
    labels = {str(k): v for k, v in t["scale"]["labels"].items()}
    header = [
        t["items"][h]["text"] if h in t["items"] else HEADERS[lang].get(h, h) for h in rows[0]
    ]
    out = [header]
    for n, row in enumerate(rows[1:]):
        if which is not None and n not in which:
            out.append(row)
            continue
        cells = [
            labels.get(c, c) if h in t["items"] else GROUPS[lang].get(c, c) if h == "Team" else c
            for h, c in zip(rows[0], row, strict=True)
        ]
        out.append(cells)
    return out


def write_csv(path: Path, rows: list[list[str]], *, delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def score_json(runner: CliRunner, *args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["score", *args, "-f", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    doc.pop("source_file")
    return dict(doc)


def test_a_german_export_scores_exactly_as_the_english_file(
    runner: CliRunner, tmp_path: Path
) -> None:
    german = write_csv(tmp_path / "de.csv", translated(english_rows(), "de"), delimiter=";")
    text = german.read_text("utf-8")
    assert "Stimme eher zu" in text and "Vertrieb" in text and ";4;" not in text
    assert score_json(runner, str(german)) == score_json(runner, str(WORKSHOP))


def test_french_and_spanish_exports_score_as_the_english_file(
    runner: CliRunner, tmp_path: Path
) -> None:
    english = score_json(runner, str(WORKSHOP))
    for lang in ("fr", "es"):
        path = write_csv(tmp_path / f"{lang}.csv", translated(english_rows(), lang))
        assert score_json(runner, str(path)) == english, lang


def test_one_file_may_mix_languages(runner: CliRunner, tmp_path: Path) -> None:
    rows = english_rows()
    mixed = translated(rows, "de", which=range(0, 5))
    french = translated(rows, "fr", which=range(5, 10))
    mixed[6:11] = french[6:11]
    # The headers too: the first ten items in German, the rest in French.
    t_de, t_fr = texts("de")["items"], texts("fr")["items"]
    mixed[0] = [
        (t_de if int(h[1:]) <= 10 else t_fr)[h]["text"] if h in t_de else h for h in rows[0]
    ]
    path = write_csv(tmp_path / "mixed.csv", mixed)
    assert score_json(runner, str(path)) == score_json(runner, str(WORKSHOP))


def test_two_files_in_different_languages_merge_with_a_language_segment(
    runner: CliRunner, tmp_path: Path
) -> None:
    rows = english_rows()
    english = write_csv(tmp_path / "en.csv", rows[:9])
    german = write_csv(tmp_path / "de.csv", translated([rows[0], *rows[9:]], "de"))
    merged = tmp_path / "all.csv"
    result = runner.invoke(app, ["merge", str(english), str(german), "-o", str(merged)])
    assert result.exit_code == 0, result.output
    # Told from the headers: item ids say nothing, German statements say German.
    assert "language und" in result.output and "language de" in result.output
    args = ["merge", str(english), str(german), "-o", str(merged), "--force"]
    result = runner.invoke(app, [*args, "--language", "en", "--language", "de"])
    assert result.exit_code == 0, result.output
    # Merged, the answers are those of the English file: the same assessment.
    assert score_json(runner, str(merged)) == {
        **score_json(runner, str(WORKSHOP)),
        "segments": score_json(runner, str(merged))["segments"],
    }
    by = score_json(runner, str(merged), "--by", "language", "--min-group-size", "3")
    frame = pd.read_csv(WORKSHOP)
    frame["language"] = ["en"] * 8 + ["de"] * (len(frame) - 8)
    items = [c for c in frame.columns if c.startswith("q")]
    expected = frame.assign(total=frame[items].sum(axis=1)).groupby("language")["total"]
    found = {s["value"]: s for s in by["segments"] if s["by"] == "language"}
    assert {v: s["n"] for v, s in found.items()} == expected.size().to_dict()


def test_merge_refuses_one_file_and_a_wrong_language_count(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "all.csv"
    one = runner.invoke(app, ["merge", str(WORKSHOP), "-o", str(out)])
    assert one.exit_code == 2 and "at least two" in one.output
    two = runner.invoke(
        app, ["merge", str(WORKSHOP), str(WORKSHOP), "-o", str(out), "--language", "de"]
    )
    assert two.exit_code == 2 and "once per file" in two.output
    assert not out.exists()


# -- --lang where only questionnaire texts are shown ------------------------------------


def test_template_lang_de_writes_german_forms_and_workbook(
    runner: CliRunner, tmp_path: Path
) -> None:
    t = texts("de")
    md = tmp_path / "form.md"
    assert runner.invoke(app, ["template", "--lang", "de", "-o", str(md)]).exit_code == 0
    form = md.read_text("utf-8")
    assert t["title"] in form and t["items"]["q07"]["text"] in form
    assert "Stimme voll und ganz zu" in form and "Vertrieb" in form
    xlsx = tmp_path / "sheet.xlsx"
    assert runner.invoke(app, ["template", "--lang", "de", "-o", str(xlsx)]).exit_code == 0
    book = openpyxl.load_workbook(xlsx)
    statements = [row[1] for row in book["Statements"].iter_rows(values_only=True)]
    assert t["items"]["q01"]["text"] in statements
    lists = [c for row in book["Lists"].iter_rows(values_only=True) for c in row if c]
    assert "Stimme eher zu" in lists and "Weiß nicht" in lists


def test_template_csv_headers_are_ids_in_every_language(runner: CliRunner, tmp_path: Path) -> None:
    """Item ids, not texts, head a CSV template: filled copies in several languages then
    merge and score without any mapping."""
    en, de = tmp_path / "en.csv", tmp_path / "de.csv"
    assert runner.invoke(app, ["template", "-o", str(en)]).exit_code == 0
    assert runner.invoke(app, ["template", "--lang", "de", "-o", str(de)]).exit_code == 0
    assert de.read_bytes() == en.read_bytes()


def test_questionnaires_show_lang(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["questionnaires", "show", "need-to-align", "--lang", "es", "-f", "markdown"]
    )
    assert result.exit_code == 0, result.output
    es = yaml.safe_load((QUESTIONNAIRES / "need-to-align.es.yaml").read_text("utf-8"))
    assert es["items"]["n17"]["text"] in result.output


def test_an_unknown_language_is_a_usage_error_listing_the_available_ones(
    runner: CliRunner, tmp_path: Path
) -> None:
    for args in (
        ["questionnaires", "show", "alignment", "--lang", "it"],
        ["template", "--lang", "it", "-o", str(tmp_path / "t.csv")],
        ["take", "-g", "sales", "-o", str(tmp_path / "r.csv"), "--lang", "it"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert "available languages: en, de, es, fr" in result.output
    assert not (tmp_path / "t.csv").exists() and not (tmp_path / "r.csv").exists()


def test_take_lang_de_asks_in_german_and_saves_points(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "answers.csv"
    answers = "\n".join(["Stimme eher zu"] * 20) + "\ny\n"
    result = runner.invoke(
        app, ["take", "-g", "Vertrieb", "-o", str(out), "--lang", "de", "-r", "p1"], input=answers
    )
    assert result.exit_code == 0, result.output
    assert texts("de")["items"]["q01"]["text"] in " ".join(result.output.split())
    saved = pd.read_csv(io.StringIO(out.read_text("utf-8-sig")))
    assert saved.loc[0, "group"] == "sales"
    assert (saved[[f"q{i:02d}" for i in range(1, 21)]] == 4).all(axis=None)
