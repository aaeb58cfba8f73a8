"""Every command's terminal view at 80, 100 and 120 columns, as a projector shows it.

Each view is rendered through the CLI with COLUMNS set (the width rich's console takes)
and checked for: no line wider than the terminal, no "…" anywhere, and every id, figure
and flag present whole, i.e. as one whitespace-separated token, never cut or split
across lines. The expected ids and figures come from the JSON output of the same command
(an independent path: no terminal renderer involved), formatted here by hand.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.paths import ROOT
from typer.testing import CliRunner

from salesmkt.cli import app

WIDTHS = (80, 100, 120)
WORKSHOP = "examples/workshop.csv"
ADVICE = ["--situation", "examples/situation.yaml", "--funnel", "examples/funnel.yaml"]
WAVES = ["examples/wave1.csv", "examples/wave2.csv"]
CRM = "examples/crm"
# Punctuation around a figure in running text or a cell: "(38%)", "[+1.8,", "4.22);".
_EDGES = "()[],;:*\"'“”"


def _run(runner: CliRunner, args: list[str], width: int) -> str:
    result = runner.invoke(app, args, env={"COLUMNS": str(width), "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return result.stdout


_JSON: dict[tuple[str, ...], Any] = {}


def _json(runner: CliRunner, args: list[str]) -> Any:
    """The command's JSON (the same at every width: computed once per command line)."""
    key = tuple(args)
    if key not in _JSON:
        _JSON[key] = json.loads(_run(runner, [*args, "--format", "json"], 120))
    return _JSON[key]


def _cells(line: str) -> int:
    """The terminal cells a line takes (wide East Asian characters count two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def _tokens(text: str) -> set[str]:
    return {t.strip(_EDGES) for t in text.split()} - {""}


def _readable(text: str, width: int) -> set[str]:
    """The view's tokens, once it is known to fit ``width`` without a cut."""
    for n, line in enumerate(text.splitlines(), start=1):
        assert _cells(line) <= width, f"line {n} is {_cells(line)} wide: {line!r}"
    assert "…" not in text, "a cell or line was cut with '…'"
    return _tokens(text)


def _missing(want: set[str], got: set[str]) -> list[str]:
    return sorted(want - got)


def _mean(v: float | None) -> str:
    return "–" if v is None else f"{v:.2f}"


def _signed(v: float | None) -> str:
    return "–" if v is None else f"{v:+.2f}".replace("-0.00", "+0.00")


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{round(v * 100):.0f}%"


def _p(v: float | None) -> str:
    return "–" if v is None else ("<0.001" if v < 0.001 else f"{v:.3f}")


# -- score ---------------------------------------------------------------------------------


def _score_figures(a: dict[str, Any]) -> set[str]:
    want = {i["id"] for i in a["items"]}
    for g in a["groups"]:
        if g["suppressed"]:
            want |= {f"<{g['n_fewer_than']}", "withheld"}
            continue
        want |= {str(g["n"]), f"{g['mean']:.1f}", _pct(g["favourable"])}
        for i in a["items"]:
            want |= {_mean(i["means_by_group"][g["id"]]), _pct(i["favourable_by_group"][g["id"]])}
    for i in a["items"]:
        want |= {_mean(i["mean"]), _pct(i["favourable"])}
    for d in a["dimensions"]:
        want |= {_mean(d["mean"]), _pct(d["favourable"])}
    want.add(f"{a['overall']['score']:.1f}")
    return want


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("extra", [[], ["--by", "Region"]], ids=["plain", "by-region"])
def test_score_is_whole_at_every_width(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, width: int, extra: list[str]
) -> None:
    monkeypatch.chdir(ROOT)
    args = ["score", WORKSHOP, *extra]
    got = _readable(_run(runner, args, width), width)
    a = _json(runner, args)
    assert not _missing(_score_figures(a), got)
    for s in a["segments"]:
        assert s["value"] in got
        assert (str(s["n"]) if s["n"] is not None else f"<{s['n_fewer_than']}") in got


# -- gaps ----------------------------------------------------------------------------------


def _gap_figures(a: dict[str, Any]) -> set[str]:
    first, second = a["compare"]
    want: set[str] = set()
    for t in [*a["items"], *a["dimensions"]]:
        want |= {_mean(t["means_by_group"][first]), _mean(t["means_by_group"][second])}
        want |= {_signed(t["gap"]), _p(t["p_adjusted"])}
    return want | {i["id"] for i in a["items"]}


def _backed_flags(a: dict[str, Any]) -> tuple[int, int]:
    rows = [*a["items"], *a["dimensions"]]
    return sum(1 for t in rows if t["backed"]), sum(1 for t in rows if t["backed"] is False)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("extra", [[], ["--evidence", CRM]], ids=["plain", "evidence"])
def test_gaps_is_whole_at_every_width(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, width: int, extra: list[str]
) -> None:
    monkeypatch.chdir(ROOT)
    text = _run(runner, ["gaps", WORKSHOP, *extra], width)
    got = _readable(text, width)
    a = _json(runner, ["gaps", WORKSHOP])
    assert not _missing(_gap_figures(a), got)
    words = text.split()
    yes, no = _backed_flags(a)
    # Every backed verdict shows (the total line adds one "yes" of its own).
    assert words.count("yes") >= yes and words.count("no") >= no
    if extra:
        assert "What the data say" in text


def test_gaps_drops_columns_with_a_note_and_wide_shows_them(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    narrow = _run(runner, ["gaps", WORKSHOP], 80)
    wide = _run(runner, ["gaps", WORKSHOP, "--wide"], 80)
    assert "Not shown at this width: 95% CI, Quadrant, Effect" in narrow
    assert "--wide" in narrow
    assert "Not shown at this width" not in wide
    header = next(line for line in wide.splitlines() if line.startswith("Item "))
    for name in ("Sales", "Marketing", "Gap", "95% CI", "Quadrant", "Effect", "p adj.", "Backed"):
        assert name in header, name
    a = _json(runner, ["gaps", WORKSHOP])
    got = _tokens(wide)
    for i in a["items"]:
        low, high = i["ci"]
        assert {_signed(low), _signed(high)} <= got, i["id"]
        # One row per item, on one line, in the full table.
        row = next(line for line in wide.splitlines() if line.startswith(i["id"] + " "))
        assert _signed(i["gap"]) in row and _p(i["p_adjusted"]) in row
    assert max(_cells(line) for line in wide.splitlines()) > 80


# -- recommend -----------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("extra", [[], ["--top", "0"]], ids=["default", "all"])
def test_recommend_is_whole_at_every_width(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, width: int, extra: list[str]
) -> None:
    monkeypatch.chdir(ROOT)
    args = ["recommend", WORKSHOP, *ADVICE, *extra]
    text = _run(runner, args, width)
    got = _readable(text, width)
    advice = _json(runner, args)["advice"]
    for action in advice["actions"]:
        assert action["rule"] in got, action["rule"]
        assert _tokens(action["title"]) <= got, action["title"]
    assert "In short: Move up" in " ".join(text.split())


def test_recommend_first_screen_holds_the_verdict_and_top_actions(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An 80x24 projector: the verdict and the first actions before any scrolling."""
    monkeypatch.chdir(ROOT)
    args = ["recommend", WORKSHOP, *ADVICE]
    screen = "\n".join(_run(runner, args, 80).splitlines()[:24])
    advice = _json(runner, args)["advice"]
    assert advice["stay_or_move"]["verdict"] == "move_up"
    assert "Move up." in screen
    for action in advice["actions"][:3]:
        start = " ".join(action["title"].split()[:3])
        assert start in screen, start


# -- compare, evidence, questionnaires --------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_compare_is_whole_at_every_width(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    monkeypatch.chdir(ROOT)
    got = _readable(_run(runner, ["compare", *WAVES], width), width)
    c = _json(runner, ["compare", *WAVES])
    want = {m["id"] for m in c["movers"]} | {_signed(m["change"]) for m in c["movers"]}
    for t in c["totals"]:
        if t["change"] is not None:
            want |= {f"{t['before']:.1f}", f"{t['after']:.1f}", f"{t['change']:+.1f}"}
    for p in c["paired"]:
        want |= {str(p["n"]), _p(p["p_value"]), f"{p['improved']}/{p['unchanged']}/{p['worsened']}"}
    assert not _missing(want, got)


@pytest.mark.parametrize("width", WIDTHS)
def test_evidence_is_whole_at_every_width(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    monkeypatch.chdir(ROOT)
    args = ["evidence", CRM, "--responses", WORKSHOP]
    got = _readable(_run(runner, args, width), width)
    r = _json(runner, args)
    want = {c["item"] for c in r["claims"]}
    for f in r["overall"]:
        if f["kind"] == "rate" and f["value"] is not None:
            want.add(f"{f['value'] * 100:.1f}%")
        if f["numerator"] is not None and f["kind"] == "rate":
            want |= {f"{f['numerator']:,}", f"{f['denominator']:,}"}
    for b in r["breakdowns"]:
        found = {f["metric"]: f for f in b["figures"]}
        if "lead_volume" in found:
            want.add(f"{int(found['lead_volume']['value']):,}")
            leak = found["leakage_rate"]["value"]
            want.add("–" if leak is None else f"{leak * 100:.1f}%")
    assert not _missing(want, got)


@pytest.mark.parametrize("width", WIDTHS)
def test_questionnaires_list_is_whole(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    monkeypatch.chdir(ROOT)
    got = _readable(_run(runner, ["questionnaires"], width), width)
    for path in sorted((ROOT / "questionnaires").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "translation" in data:  # NAME.LANG.yaml: a translation, not an instrument
            continue
        assert {data["id"], str(len(data["items"]))} <= got


# -- long statements and long group names ------------------------------------------------------


@pytest.fixture
def long_questionnaire(tmp_path: Path) -> Path:
    """The built-in questionnaire with long group names, no short labels and long
    statements and dimension names, as a client's own instrument may have."""
    data = yaml.safe_load((ROOT / "questionnaires" / "alignment.yaml").read_text("utf-8"))
    data["groups"][0]["label"] = "Regional Field Sales and Key Account Management"
    data["groups"][1]["label"] = "Product Marketing and Demand Generation"
    for item in data["items"]:
        item.pop("short", None)
        item["text"] += " This holds in every region, business unit and product line we sell."
    for d in data["dimensions"]:
        d["label"] += " across both functions over the planning cycle"
    path = tmp_path / "long.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


@pytest.mark.parametrize("width", WIDTHS)
def test_long_statements_and_group_names_stay_whole(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, width: int, long_questionnaire: Path
) -> None:
    monkeypatch.chdir(ROOT)
    for command, figures in (("score", _score_figures), ("gaps", _gap_figures)):
        args = [command, WORKSHOP, "-q", str(long_questionnaire)]
        text = _run(runner, args, width)
        got = _readable(text, width)
        a = _json(runner, args)
        assert not _missing(figures(a), got), command
        for g in a["groups"]:
            assert set(g["label"].split()) <= got
        flat = " ".join(text.split())
        for i in a["items"]:
            assert re.search(re.escape(i["id"]) + r"\s", text), i["id"]
            # the whole statement is there, wrapped but never cut
            if command == "gaps":
                assert " ".join(i["text"].split()[:6]) in flat
