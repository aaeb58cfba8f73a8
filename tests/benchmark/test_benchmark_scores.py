"""Scores from stored answer counts equal the figures of ``salesmkt score``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from support.benchmark import synthetic_rows, write_csv
from typer.testing import CliRunner

from salesmkt.benchmark.aggregates import Metadata, read_contribution
from salesmkt.benchmark.scores import count_array, metrics, overall_metrics
from salesmkt.cli import app
from salesmkt.intake.source import ResponseSource


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_tally_scores_equal_the_score_command(seed: int, tmp_path: Path, runner: CliRunner) -> None:
    rows = synthetic_rows(seed, {"sales": 12, "marketing": 7, "leadership": 5})
    path = write_csv(rows, tmp_path / "wave.csv")
    result = runner.invoke(app, ["score", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    scored = json.loads(result.stdout)
    table, c = read_contribution(ResponseSource(path), "c", None, Metadata(), 0.2)
    q = table.questionnaire
    figures = {t.group: metrics(count_array(t, q), q) for t in c.tallies}
    for group in scored["groups"]:
        mine = figures[group["id"]]
        assert float(mine["total"]) == pytest.approx(group["mean"], abs=1e-9)
        for dim, value in group["dimension_means"].items():
            assert float(mine[f"dimension:{dim}"]) == pytest.approx(value, abs=1e-9)
        for item, value in group["item_means"].items():
            assert float(mine[f"item:{item}"]) == pytest.approx(value, abs=1e-9)
    overall = overall_metrics(figures["sales"], figures["marketing"])["total"]
    assert float(overall) == pytest.approx(scored["overall"]["score"], abs=1e-9)
    # and by hand: the total of a group is the mean of its respondents' sums
    sales = rows[rows.group == "sales"].filter(like="q").sum(axis=1).mean()
    assert float(figures["sales"]["total"]) == pytest.approx(sales, abs=1e-9)


def test_the_tally_never_holds_a_row(tmp_path: Path) -> None:
    rows = synthetic_rows(5, {"sales": 6, "marketing": 6})
    path = write_csv(rows, tmp_path / "wave.csv")
    _, c = read_contribution(ResponseSource(path), "c", None, Metadata(), 0.2)
    for t in c.tallies:
        part = rows[rows.group == t.group]
        assert t.respondents == len(part)
        for item, counts in t.counts.items():
            assert list(counts) == [int((part[item] == v).sum()) for v in range(1, 6)]
    assert np.all([len(v) == 5 for t in c.tallies for v in t.counts.values()])
