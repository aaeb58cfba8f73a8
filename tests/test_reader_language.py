"""The reader's language: the context a run writes in, numbers and dates in the reader's
way, and the questionnaire's labels swapped for its translation's, figures untouched.

Oracles: babel's own number and date formatting (a different code path from
:func:`salesmkt.l10n.number`, which rewrites an English-formatted figure), hand-written
German and French forms, the translation YAML read with plain PyYAML, and the English
JSON of the same run.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel.numbers import format_decimal, format_percent
from support.paths import QUESTIONNAIRES, WORKSHOP
from typer.testing import CliRunner

from salesmkt import l10n, wording
from salesmkt.cli import app

LANGS = ("de", "fr", "es")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("value", [59.44, 0.256, 1234.5, 3.0, 71.36, 12345.678])
def test_numbers_match_babel(lang: str, value: float) -> None:
    with l10n.reading_in(lang):
        # means, scores and gaps are never grouped (a score is at most 100)
        assert wording.fmt_mean(value, 2) == format_decimal(value, "0.00", locale=lang)
        assert wording.fmt_score(value) == format_decimal(value, "0.0", locale=lang)
        assert wording.fmt_gap(-value) == format_decimal(-value, "0.00", locale=lang)
        assert wording.fmt_amount(value * 100) == format_decimal(round(value * 100), locale=lang)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("share", [0.0, 0.318, 0.67, 1.0])
def test_percentages_match_babel(lang: str, share: float) -> None:
    with l10n.reading_in(lang):
        assert wording.fmt_pct(share) == format_percent(share, locale=lang)


def test_german_and_french_by_hand() -> None:
    with l10n.reading_in("de"):
        assert wording.fmt_ci((-0.25, 0.5)) == "[-0,25; +0,50]"
        assert wording.fmt_p(0.0004) == "<0,001"
        assert wording.fmt_amount(1234567.4) == "1.234.567"
        assert wording.n_words(1) == "1 befragte Person"
        assert wording.n_words(None, 5) == "weniger als 5 befragte Personen"
        assert l10n.long_date(dt.date(2026, 11, 30)) == "30. November 2026"
    with l10n.reading_in("fr"):
        assert wording.fmt_amount(1234567.4) == "1\u202f234\u202f567"
        assert wording.fmt_count(1234) == "1\u202f234"
        assert wording.n_words(0) == "0 répondant"  # French: 0 takes the singular
        assert wording.n_words(2) == "2 répondants"
        assert l10n.long_date(dt.date(2026, 11, 30)) == "30 novembre 2026"
    with l10n.reading_in("es"):
        assert wording.fmt_count(12345) == "12.345"


def test_english_is_the_default_and_machine_numbers_keep_the_point() -> None:
    assert wording.fmt_score(59.44) == "59.4"
    assert l10n.long_date(dt.date(2026, 11, 30)) == "30 November 2026"
    with l10n.reading_in("de", local_numbers=False):
        assert wording.fmt_score(59.44) == "59.4"
        assert wording.fmt_ci((0.1, 0.2)) == "[+0.10, +0.20]"
        assert wording.quadrant_words("split") == "geteilte Sicht"
    with l10n.reading_in("en"):
        assert wording.quadrant_words("split") == "split view"
    with l10n.reading_in("de-AT"):
        assert wording.fmt_score(59.44) == "59,4"


def test_the_language_is_set_for_the_block_only_and_per_thread() -> None:
    seen: list[str] = []
    with l10n.reading_in("de"):
        assert l10n.reader_language() == "de"
        with l10n.reading_in("fr"):
            assert l10n.reader_language() == "fr"
        assert l10n.reader_language() == "de"
        thread = threading.Thread(target=lambda: seen.append(wording.fmt_score(1.25)))
        thread.start()
        thread.join()
    assert l10n.reader_language() is None
    assert seen == ["1.2"]  # a new thread starts in English (its own context)


def _split(doc: Any, path: str = "") -> tuple[dict[str, Any], dict[str, Any]]:
    """(texts, everything else) of a JSON document, keyed by path: a text is any string
    but an id (labels, titles and the core's sentences follow the language)."""
    texts: dict[str, Any] = {}
    rest: dict[str, Any] = {}
    if isinstance(doc, dict):
        items = doc.items()
    elif isinstance(doc, list):
        items = ((str(i), v) for i, v in enumerate(doc))
    else:
        rest[path] = doc
        return texts, rest
    for key, value in items:
        here = f"{path}/{key}"
        if isinstance(value, str) and key != "id" and not key.endswith("_id"):
            texts[here] = value
            continue
        t, r = _split(value, here)
        texts |= t
        rest |= r
    return texts, rest


def _json(runner: CliRunner, *extra: str) -> Any:
    result = runner.invoke(app, ["score", str(WORKSHOP), "-f", "json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("lang", LANGS)
def test_score_in_another_language_changes_only_the_questionnaires_words(
    runner: CliRunner, lang: str
) -> None:
    english, translated = _json(runner), _json(runner, "--lang", lang)
    en_texts, en_rest = _split(english)
    tr_texts, tr_rest = _split(translated)
    assert tr_rest == en_rest  # every figure, id and flag; numbers stay JSON numbers
    assert en_texts.keys() == tr_texts.keys()
    source = yaml.safe_load((QUESTIONNAIRES / f"alignment.{lang}.yaml").read_text("utf-8"))
    for item in translated["items"]:
        assert item["text"] == source["items"][item["id"]]["text"]
    stages = {s["id"]: s["label"] for s in translated["stages"]}
    assert stages == {k: v["label"] for k, v in source["stages"].items()}
    assert translated["overall"]["stage"]["label"] == stages[english["overall"]["stage"]["id"]]
    assert translated["questionnaire"]["title"] == source["title"]
    assert tr_texts != en_texts


def test_german_terminal_view_has_decimal_commas(runner: CliRunner) -> None:
    english = _json(runner)
    result = runner.invoke(app, ["score", str(WORKSHOP), "--lang", "de"])
    assert result.exit_code == 0, result.output
    score = english["overall"]["score"]
    assert format_decimal(score, "0.0", locale="de") in result.stdout
    assert f"{score:.1f}" not in result.stdout


@pytest.mark.parametrize("tag", ["xx", "pt", "klingon"])
def test_a_language_not_shipped_is_a_usage_error(runner: CliRunner, tag: str) -> None:
    result = runner.invoke(app, ["score", str(WORKSHOP), "--lang", tag])
    assert result.exit_code == 2
    assert f"--lang {tag}: expected one of en, de, fr, es" in result.output
    assert "Traceback" not in result.output


def test_a_dropped_bar_column_is_named_as_bars_not_by_its_axis(runner: CliRunner) -> None:
    result = runner.invoke(app, ["score", str(WORKSHOP), "--lang", "de"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "Bei dieser Breite nicht gezeigt: Balken (" in result.stdout
    assert "nicht gezeigt: 20" not in result.stdout


def test_the_trend_chart_follows_the_language(runner: CliRunner, tmp_path: Path) -> None:
    chart = tmp_path / "t.svg"
    waves = [str(WORKSHOP.parent / f"wave{k}.csv") for k in (1, 2)]
    result = runner.invoke(app, ["trend", *waves, "--lang", "de", "--chart", str(chart)])
    assert result.exit_code == 0, result.output
    english = runner.invoke(app, ["score", waves[0], "-f", "json"])
    first = json.loads(english.stdout)["overall"]["score"]
    svg = chart.read_text("utf-8")
    assert "Punktwert je Welle und Gruppe" in svg
    assert format_decimal(first, "0.0", locale="de") in svg
    assert "score by wave" not in svg
