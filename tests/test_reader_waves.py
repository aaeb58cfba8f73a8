"""compare, trend, evidence and benchmark show in the reader's language (``--lang``).

Oracles: the figures come from the same command's JSON (numbers with a decimal point,
no terminal or Markdown renderer involved) written here by hand with a decimal comma;
the German stage and group labels are read from questionnaires/alignment.de.yaml; the
English words a German view must not show are listed here; the width is counted here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.benchmark import synthetic_rows, write_csv
from support.paths import ROOT
from typer.testing import CliRunner

from salesmkt.cli import app

WAVES = ["examples/wave1.csv", "examples/wave2.csv"]
THREE = [*WAVES, "examples/wave3.csv"]
#: Words that betray an English sentence or heading left untranslated.
ENGLISH = (
    " the ",
    " and ",
    " of ",
    " with ",
    "Group",
    "Score",
    "respondents",
    "withheld",
    "before",
    "after",
    "change",
    "Stage",
    "Overall",
    "Notes",
    "note",
    "wave ",
    "scored",
    "beyond noise",
)


def _run(runner: CliRunner, args: list[str], width: int = 80) -> str:
    result = runner.invoke(app, args, env={"COLUMNS": str(width), "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return result.stdout


def _json(runner: CliRunner, args: list[str]) -> Any:
    return json.loads(_run(runner, [*args, "--format", "json"], 120))


def _comma(number: str) -> str:
    return number.replace(".", ",")


def _german() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(
        (ROOT / "questionnaires" / "alignment.de.yaml").read_text("utf-8")
    )
    return data


def _stage_de(stage_id: str) -> str:
    label: str = _german()["stages"][stage_id]["label"]
    return label


def _no_english(text: str) -> None:
    left = [word for word in ENGLISH if word in text]
    assert not left, left


def _fits(text: str, width: int = 80) -> None:
    assert max(len(line) for line in text.splitlines()) <= width


def test_compare_in_german(runner: CliRunner) -> None:
    data = _json(runner, ["compare", *WAVES])  # the English JSON: the oracle's numbers
    overall = next(t for t in data["totals"] if t["scope"] == "overall")
    stage = next(s for s in data["stages"] if s["scope"] == "overall")
    before, after = f"{overall['before']:.1f}", f"{overall['after']:.1f}"
    change = f"{overall['change']:+.1f}"
    for fmt in ([], ["-f", "markdown"]):
        # (Markdown escapes brackets: the backslashes go for the comparison)
        text = _run(runner, ["compare", *WAVES, "--lang", "de", *fmt]).replace("\\", "")
        assert "Fortschritt zwischen zwei Befragungswellen" in text
        assert f"Gesamtwert {_comma(before)} → {_comma(after)} ({_comma(change)})" in text
        first, last = _stage_de(stage["before"]["id"]), _stage_de(stage["after"]["id"])
        assert f"Stufe {first} → {last}" in text
        assert _german()["groups"]["sales"]["label"] in text
        assert f"{before} " not in text  # no figure left with a decimal point
        _no_english(text)
    _fits(_run(runner, ["compare", *WAVES, "--lang", "de"]))


def test_compare_json_keeps_the_decimal_point_and_english_keys(runner: CliRunner) -> None:
    english = _json(runner, ["compare", *WAVES])
    german = _json(runner, ["compare", *WAVES, "--lang", "de"])
    assert german.keys() == english.keys()
    assert german["totals"][0]["change"] == english["totals"][0]["change"]
    assert german["totals"][0]["label"] == "Gesamtwert"  # texts follow --lang


def test_trend_in_german(runner: CliRunner) -> None:
    data = _json(runner, ["trend", *THREE])
    overall = next(s for s in data["series"] if s["scope"] == "overall")
    scores = [f"{p['value']:.1f}" for p in overall["points"]]
    for fmt in ([], ["-f", "markdown"]):
        text = _run(runner, ["trend", *THREE, "--lang", "de", *fmt])
        assert "Entwicklung über die Befragungswellen" in text
        for score in scores:
            assert _comma(score) in text and score not in text
        first_stage = _stage_de(overall["points"][0]["stage"]["id"])
        assert f"Gesamt: {first_stage} {_comma(scores[0])}" in text
        assert "zurückgehalten" in text  # one leader: withheld in every wave
        _no_english(text)
    _fits(_run(runner, ["trend", *THREE, "--lang", "de"]))


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_trend_steps_fit_80_columns_without_cutting_a_label(runner: CliRunner, lang: str) -> None:
    text = _run(runner, ["trend", *THREE, "--lang", lang])
    _fits(text)
    labels = {"fr": "Direction", "es": "Dirección"}
    assert any(line.split()[:1] == [labels[lang]] for line in text.splitlines())


def test_evidence_in_german(runner: CliRunner) -> None:
    data = _json(runner, ["evidence", "examples/crm"])
    accepted = next(f for f in data["overall"] if f["metric"] == "mql_acceptance_rate")
    text = _run(runner, ["evidence", "examples/crm", "--lang", "de"])
    share = _comma(f"{accepted['value'] * 100:.1f}") + "\u00a0%"
    assert share in text
    count = f"{accepted['denominator']:,}".replace(",", ".")
    assert f"{accepted['numerator']} von {count}" in text
    for heading in ("Was die Funnel-Daten zeigen", "Gelesene Dateien", "Funnel-Kennzahlen"):
        assert heading in text
    # (the metrics' names, verdicts and reasons: tests/test_reader_evidence.py)
    for english in ("What the funnel data show", "Files read", "read as", "records", " scored"):
        assert english not in text, english
    _fits(text)
    md = _run(runner, ["evidence", "examples/crm", "--lang", "de", "-f", "markdown"])
    assert "| Kennzahl | Wert | 95-%-KI | n | Hinweis |" in md


def _store(runner: CliRunner, tmp_path: Path) -> tuple[str, Path]:
    url = f"sqlite:///{tmp_path / 'bench.sqlite'}"
    files = []
    for i in range(11):
        rows = synthetic_rows(300 + i, {"sales": 6, "marketing": 5}, client=f"k{i}")
        files.append(write_csv(rows, tmp_path / f"client{i}.csv"))
        args = ["benchmark", "add", str(files[-1]), "--client", f"c{i}", "--consent"]
        result = runner.invoke(app, [*args, "--store", url, "--date", "2026-10-01"])
        assert result.exit_code == 0, result.output
    return url, files[0]


def test_benchmark_show_in_german(runner: CliRunner, tmp_path: Path) -> None:
    url, mine = _store(runner, tmp_path)
    show = ["benchmark", "show", str(mine), "--client", "c0", "--store", url, "--as-of"]
    show.append("2026-11-01")
    placed = json.loads(_run(runner, [*show, "-f", "json"], 120))
    total = next(c for c in placed["cells"] if c["scope"] == "sales" and c["metric"] == "total")
    text = _run(runner, [*show, "--lang", "de"])
    row = next(line for line in text.splitlines() if line.strip().startswith("Gesamtwert"))
    assert _comma(f"{total['median']:.1f}") in row.split()
    assert "Median" in text and "Rang" in text and "Regeln: interne Aussage" in text
    # The questionnaire's labels come from its German translation, clipped to 30 columns.
    german = _german()
    lines = [line.strip() for line in text.splitlines()]
    assert f"{german['groups']['sales']['label']}: 10 Vergleichsorganisationen" in lines
    for dim in german["dimensions"].values():
        assert any(line.startswith(dim["label"][:29]) for line in lines), dim["label"]
    for item_id, item in german["items"].items():
        assert any(line.startswith(f"{item_id} {item['short']}"[:29]) for line in lines)
    from salesmkt.definitions import questionnaire_load

    q = questionnaire_load.load("alignment")
    english = [d.label for d in q.dimensions] + [f"{i.id} {i.short}" for i in q.items]
    assert not [label for label in english if label[:20] in text]
    _no_english(text)
    _fits(text)
    md = _run(runner, [*show, "--lang", "de", "-f", "markdown"])
    assert "Verglichene Organisationen:" in md and "| | Kunde | P25 | Median |" in md
