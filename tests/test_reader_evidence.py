"""``evidence`` (and ``score --evidence``) in the reader's language: metric names, claims'
views, verdicts and reasons.

Oracles: the German words are read here with babel straight from the shipped ``.po``
files (never from salesmkt's own translator); the figures come from the English run's
JSON and are written here with babel's German decimal format; the German group and
statement labels come from questionnaires/alignment.de.yaml; the English words a German
view must not show are listed here; the width is counted here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from support.paths import ROOT
from typer.testing import CliRunner

from salesmkt.cli import app
from salesmkt.definitions.metrics import CATALOGUE

CRM = "examples/crm"
RESPONSES = "examples/workshop.csv"
NBSP = "\u00a0"
#: English words of the metrics, views, verdicts and reasons a German view must not show.
ENGLISH = (
    " the ",
    " and ",
    " of ",
    " with ",
    "agrees",
    "undecided",
    "clearly",
    "data support",
    "funnel data",
    "statement",
    "Win rate",
    "Leakage",
    "Forecast error",
    "Time to first touch",
    "sourced",
    "acceptance",
    "conversion",
    "rejection",
    "recycled",
    "dispositioned",
    "Closed-won",
    "Open pipeline",
    "not enough data",
    "respondents",
    "Score",
)


def _run(runner: CliRunner, args: list[str], width: int = 80) -> str:
    result = runner.invoke(app, args, env={"COLUMNS": str(width), "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return result.stdout


def _po(lang: str) -> dict[str, str]:
    """msgid → msgstr of every shipped .po file of ``lang`` (plurals left out)."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "salesmkt" / "locale" / lang / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            for m in read_po(handle, locale=lang):
                if isinstance(m.id, str) and m.id and isinstance(m.string, str) and m.string:
                    found.setdefault(m.id, m.string)
    return found


def _translation(lang: str) -> dict[str, Any]:
    path = ROOT / "questionnaires" / f"alignment.{lang}.yaml"
    data: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    return data


def _de(value: float, decimals: int = 1) -> str:
    return str(format_decimal(value, format="0." + "0" * decimals, locale="de"))


def _figure_de(kind: str, value: float) -> str:
    """A figure as the German reader sees it, written here from the JSON's number."""
    if kind in ("rate", "error"):
        return _de(value * 100) + NBSP + "%"
    if kind == "difference":
        return _de(value * 100) + " Pp."
    if kind == "hours":  # days past 72 hours
        return _de(value / 24) + " T." if value > 72 else _de(value) + " Std."
    return str(format_decimal(round(value), locale="de"))  # counts and amounts: whole


def _flat(text: str) -> str:
    """The text with its wrapped lines joined (a reason may wrap at 80 columns)."""
    return " ".join(line.strip() for line in text.splitlines())


def _no_english(text: str) -> None:
    left = [word for word in ENGLISH if word in text]
    assert not left, left


def _fits(text: str, width: int = 80) -> None:
    assert max(len(line) for line in text.splitlines()) <= width


@pytest.fixture(scope="module")
def english() -> Any:
    result = CliRunner().invoke(app, ["evidence", CRM, "--responses", RESPONSES, "-f", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _verdict_de(claim: dict[str, Any], po: dict[str, str], groups: dict[str, Any]) -> str:
    """The German verdict of an English claim, from its English verdict and views."""
    english = claim["verdict"]
    if english.startswith("the data support") and english.endswith(" view"):
        side = "agrees" if claim["data_say"] == "supports" else "disagrees"
        group = next(v["group"] for v in claim["views"] if v["view"] == side)
        label = groups[group]["label"]
        return po["the data support the view of {group}"].format(group=label)
    return po[english]


def _reason_de(claim: dict[str, Any], po: dict[str, str]) -> str:
    side, threshold = claim["supports_if"].split()
    shown = _figure_de(claim["figure"]["kind"], float(threshold))
    verb = "above" if side == "above" else "below"
    key = {
        "supports": f"clearly {verb} {{threshold}}: the funnel data are consistent with "
        "the statement",
        "contradicts": f"clearly not {verb} {{threshold}}: the funnel data are at odds with "
        "the statement",
    }[claim["data_say"]]
    return po[key].format(threshold=shown)


def test_evidence_claims_in_german(runner: CliRunner, english: Any) -> None:
    po, de = _po("de"), _translation("de")
    text = _run(runner, ["evidence", CRM, "--responses", RESPONSES, "--lang", "de"])
    flat = _flat(text)
    assert english["claims"], "the example links statements to metrics"
    for claim in english["claims"]:
        assert f"{claim['item']} {de['items'][claim['item']]['short']}" in text
        for v in claim["views"]:
            said = f"{de['groups'][v['group']]['label']} {po[v['view']]} ({_de(v['mean'], 2)})"
            assert said in text, said
        assert _verdict_de(claim, po, de["groups"]) in flat
        figure = claim["figure"]
        name = po[CATALOGUE[figure["metric"]].label]
        shown = f"{claim['item']}: {name}: {_figure_de(figure['kind'], figure['value'])}"
        assert shown in flat, shown
        assert _reason_de(claim, po) in flat
    _no_english(text)
    _fits(text)


def test_evidence_figures_in_german(runner: CliRunner, english: Any) -> None:
    po = _po("de")
    text = _run(runner, ["evidence", CRM, "--lang", "de", "--wide"], 200)
    for figure in english["overall"]:
        name = po[CATALOGUE[figure["metric"]].label]
        row = next(line for line in text.splitlines() if line.strip().startswith(name + " "))
        assert _figure_de(figure["kind"], figure["value"]) in row, row
        assert CATALOGUE[figure["metric"]].label not in text.replace(name, "")
    origins = {po[o] for o in ("marketing", "sales", "other")}
    assert origins == {"Marketing", "Vertrieb", "sonstige"}
    for origin in origins:
        assert re.search(rf"^\s+{origin}\s+\d", text, re.MULTILINE), origin
    _no_english(text)
    _fits(_run(runner, ["evidence", CRM, "--lang", "de"]))


def test_evidence_markdown_in_german(runner: CliRunner, english: Any) -> None:
    po = _po("de")
    md = _run(runner, ["evidence", CRM, "--responses", RESPONSES, "--lang", "de", "-f", "markdown"])
    md = md.replace("\\", "")  # Markdown escapes brackets and parentheses
    for figure in english["overall"]:
        name = po[CATALOGUE[figure["metric"]].label]
        assert f"| {name} | {_figure_de(figure['kind'], figure['value'])} |" in md
    for claim in english["claims"]:
        assert _reason_de(claim, po) in md
    _no_english(md)


def test_score_evidence_shows_the_same_german_claims(runner: CliRunner, english: Any) -> None:
    po, de = _po("de"), _translation("de")
    text = _flat(_run(runner, ["score", RESPONSES, "--evidence", CRM, "--lang", "de"]))
    for claim in english["claims"]:
        assert _verdict_de(claim, po, de["groups"]) in text
        assert _reason_de(claim, po) in text


def test_a_saved_english_json_reads_in_german(
    runner: CliRunner, english: Any, tmp_path: Path
) -> None:
    """The claims are judged again in the reader's language; the names come from the
    catalogue by metric id, not from the labels saved in English."""
    po = _po("de")
    saved = tmp_path / "evidence.json"
    saved.write_text(json.dumps(english), "utf-8")
    text = _flat(_run(runner, ["score", RESPONSES, "--evidence", str(saved), "--lang", "de"]))
    for claim in english["claims"]:
        assert po[CATALOGUE[claim["metric"]].label] in text
        assert claim["figure"]["label"] not in text


def test_json_in_german_keeps_keys_numbers_and_codes(runner: CliRunner, english: Any) -> None:
    po = _po("de")
    args = ["evidence", CRM, "--responses", RESPONSES, "--lang", "de", "-f", "json"]
    german = json.loads(_run(runner, args, 120))
    assert german.keys() == english.keys()
    for mine, theirs in zip(german["overall"], english["overall"], strict=True):
        assert (mine["metric"], mine["value"]) == (theirs["metric"], theirs["value"])
        assert mine["label"] == po[theirs["label"]]  # texts follow --lang
    for mine, theirs in zip(german["claims"], english["claims"], strict=True):
        assert mine["data_say"] == theirs["data_say"]
        assert [v["view"] for v in mine["views"]] == [v["view"] for v in theirs["views"]]


def test_english_verdicts_keep_the_possessive(english: Any) -> None:
    verdicts = {c["verdict"] for c in english["claims"]}
    assert "the data support Sales' view" in verdicts
    assert "the data support Marketing's view" in verdicts


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_evidence_in_french_and_spanish(runner: CliRunner, english: Any, lang: str) -> None:
    po = _po(lang)
    text = _run(runner, ["evidence", CRM, "--responses", RESPONSES, "--lang", lang])
    for claim in english["claims"]:
        assert po[CATALOGUE[claim["metric"]].label] in _flat(text)
    for word in ("agrees", "clearly", "data support", "Win rate", "Leakage"):
        assert word not in text, word
    _fits(text)


def test_a_note_on_the_exports_in_german(tmp_path: Path) -> None:
    """A converted lead whose opportunity is missing: the note in German, located."""
    from test_evidence_input import LEADS_HEAD, OPPS_HEAD

    from salesmkt.definitions.crm_load import builtin_mappings
    from salesmkt.intake.evidence.combine import read_exports
    from salesmkt.l10n import reading_in

    leads = tmp_path / "leads.csv"
    leads.write_text(LEADS_HEAD + "L1,Web,Closed - Converted,2026-01-05,true,O9\n", "utf-8")
    opps = tmp_path / "opps.csv"
    opps.write_text(OPPS_HEAD + "O1,Prospecting,false,false,10,2026-02-01,2026-01-10,Web,\n")
    with reading_in("de"):
        data = read_exports([leads, opps], builtin_mappings())
    key = (
        "{where}: {n} converted lead(s) name an opportunity that is not in the "
        "opportunities export (first: {first}); they still count as converted"
    )
    assert data.notes == [_po("de")[key].format(where=f"{leads}:2", n=1, first="'O9'")]
