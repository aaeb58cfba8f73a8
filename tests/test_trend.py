"""``salesmkt trend``: two or more waves, every figure checked against an oracle.

The oracles are written here: per-wave group means and their Student t intervals from
pandas and ``scipy.stats.t``; the gap's Welch interval from ``scipy.stats.ttest_ind``;
each group's step from ``ttest_ind(after, before, equal_var=False)``; the overall
score's and the gap's steps from the Welch–Satterthwaite formula worked out in numpy;
the adjustment from ``statsmodels.stats.multipletests``. The synthetic waves
(:func:`_three_waves`) have a known large step (every answer two points up) and a
known null step (the same answers again, under new codes).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from defusedxml import ElementTree
from rich.console import Console
from scipy.stats import t as t_dist
from scipy.stats import ttest_ind
from statsmodels.stats.multitest import multipletests
from support.paths import EXAMPLES
from support.workshop import write_csv, write_mini
from typer.testing import CliRunner

from salesmkt.analysis.trend import step_pairs
from salesmkt.cli import app
from salesmkt.cli.options import ScoreFormat
from salesmkt.model.trend import Trend
from salesmkt.render import registry
from salesmkt.render.trend import trend_section_html, trend_section_markdown, trend_terminal
from salesmkt.render.trend_chart import trend_svg

ITEMS = [f"q{k:02d}" for k in range(1, 21)]
HEADER = ["Respondent", "Team", *ITEMS]
# The example files' team names and the group each is an alias of (questionnaire YAML).
TEAMS = {
    "Sales": "sales",
    "Field Sales": "sales",
    "Inside Sales": "sales",
    "Key Account Management": "sales",
    "Marketing": "marketing",
    "Product Marketing": "marketing",
    "Demand Generation": "marketing",
    "Leadership": "leadership",
}
WAVES = [EXAMPLES / "wave1.csv", EXAMPLES / "wave2.csv", EXAMPLES / "wave3.csv"]


def invoke(runner: CliRunner, *args: str) -> Any:
    return runner.invoke(app, ["trend", *args])


def trend_json(runner: CliRunner, *args: str) -> Trend:
    result = invoke(runner, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return Trend.model_validate_json(result.stdout)


def totals(path: Path) -> pd.DataFrame:
    """Each respondent's group and total, the oracle's way (no prorating: complete rows)."""
    frame = pd.read_csv(path)
    items = frame[ITEMS].apply(pd.to_numeric, errors="coerce")
    group = frame["Team"].map(TEAMS)
    assert group.notna().all(), "a team the oracle does not know"
    # A skipped answer is prorated: the mean of the answered items times their number.
    total = items.mean(axis=1) * len(ITEMS)
    return pd.DataFrame({"group": group, "total": total})


def student(x: np.ndarray) -> tuple[float, float]:
    lo, hi = t_dist.interval(0.95, len(x) - 1, loc=x.mean(), scale=x.std(ddof=1) / np.sqrt(len(x)))
    return float(lo), float(hi)


def welch_combination(samples: list[np.ndarray], weights: list[float]) -> tuple[float, Any, float]:
    """Estimate, 95% interval and two-sided p of Σ w·mean, by the textbook formula."""
    parts = [w * w * x.var(ddof=1) / len(x) for x, w in zip(samples, weights, strict=True)]
    se = np.sqrt(sum(parts))
    df = sum(parts) ** 2 / sum(p * p / (len(x) - 1) for p, x in zip(parts, samples, strict=True))
    est = sum(w * x.mean() for x, w in zip(samples, weights, strict=True))
    q = t_dist.ppf(0.975, df)
    p = 2 * t_dist.sf(abs(est / se), df)
    return est, (est - q * se, est + q * se), p


# -- the example waves against the oracles ----------------------------------------------


def test_example_waves_match_pandas_and_scipy(runner: CliRunner) -> None:
    t = trend_json(runner, *map(str, WAVES))
    frames = [totals(p) for p in WAVES]
    assert [w.label for w in t.waves] == ["wave1", "wave2", "wave3"]
    for k, frame in enumerate(frames):
        s = frame.loc[frame.group == "sales", "total"].to_numpy()
        m = frame.loc[frame.group == "marketing", "total"].to_numpy()
        sales, marketing = t.get("sales"), t.get("marketing")
        assert sales and marketing
        assert sales.points[k].value == pytest.approx(s.mean())
        assert sales.points[k].ci == pytest.approx(student(s))
        assert marketing.points[k].ci == pytest.approx(student(m))
        overall = t.get("overall")
        assert overall and overall.points[k].value == pytest.approx((s.mean() + m.mean()) / 2)
        _, ci, _ = welch_combination([s, m], [0.5, 0.5])
        assert overall.points[k].ci == pytest.approx(ci)
        gap = t.get("gap")
        assert gap and gap.points[k].value == pytest.approx(s.mean() - m.mean())
        welch = ttest_ind(s, m, equal_var=False).confidence_interval()
        assert gap.points[k].ci == pytest.approx((welch.low, welch.high))


def test_example_steps_match_scipy_and_statsmodels(runner: CliRunner) -> None:
    t = trend_json(runner, *map(str, WAVES))
    frames = [totals(p) for p in WAVES]

    def of(k: int, g: str) -> np.ndarray:
        return frames[k].loc[frames[k].group == g, "total"].to_numpy()

    sales = t.get("sales")
    assert sales is not None
    raw = []
    for step, (i, j) in zip(sales.steps, step_pairs(3), strict=True):
        test = ttest_ind(of(j, "sales"), of(i, "sales"), equal_var=False)
        assert step.p_value == pytest.approx(test.pvalue)
        ci = test.confidence_interval()
        assert step.ci == pytest.approx((ci.low, ci.high))
        raw.append(test.pvalue)
    holm = multipletests(raw, method="holm")[1]
    assert [s.p_adjusted for s in sales.steps] == pytest.approx(list(holm))
    assert [s.larger_than_noise for s in sales.steps] == [bool(p < 0.05) for p in holm]
    overall, gap = t.get("overall"), t.get("gap")
    assert overall is not None and gap is not None
    for k, (i, j) in enumerate(step_pairs(3)):
        samples = [of(j, "sales"), of(j, "marketing"), of(i, "sales"), of(i, "marketing")]
        est, ci, p = welch_combination(samples, [0.5, 0.5, -0.5, -0.5])
        assert overall.steps[k].change == pytest.approx(est)
        assert overall.steps[k].ci == pytest.approx(ci)
        assert overall.steps[k].p_value == pytest.approx(p)
        est, ci, p = welch_combination(samples, [1, -1, -1, 1])
        assert gap.steps[k].change == pytest.approx(est)
        assert gap.steps[k].ci == pytest.approx(ci)
        assert gap.steps[k].p_value == pytest.approx(p)
    assert [s.span for s in overall.steps] == [False, False, True]


def test_two_waves_give_compares_intervals(runner: CliRunner) -> None:
    t = trend_json(runner, str(WAVES[0]), str(WAVES[1]))
    result = runner.invoke(app, ["compare", str(WAVES[0]), str(WAVES[1]), "-f", "json"])
    assert result.exit_code == 0, result.output
    compared = {c["scope"]: c for c in json.loads(result.stdout)["totals"]}
    for scope in ("overall", "sales", "marketing"):
        series = t.get(scope)
        assert series is not None and len(series.steps) == 1
        step = series.steps[0]
        assert step.change == pytest.approx(compared[scope]["change"])
        assert step.ci == pytest.approx(compared[scope]["ci"])
        # A family of one: nothing to adjust, and the verdict is the interval's.
        assert step.p_adjusted == step.p_value
        assert step.larger_than_noise == compared[scope]["ci_excludes_zero"]


# -- a synthetic trend with a known large step and a known null step ----------------------


def _wave_rows(rng: np.random.Generator, shift: int, tag: str) -> list[list[object]]:
    rows: list[list[object]] = []
    for team, n in (("Sales", 12), ("Marketing", 10)):
        answers = rng.integers(1, 4, size=(n, 20)) + shift
        rows += [[f"{tag}{team[0]}{k}", team, *a.tolist()] for k, a in enumerate(answers)]
    return rows


def _three_waves(tmp_path: Path) -> list[Path]:
    rng = np.random.default_rng(17)
    first = _wave_rows(rng, 0, "a")
    second = _wave_rows(rng, 2, "b")
    # The third wave: exactly the second wave's answers, under other codes, in reverse.
    third = [[f"c{r[0]}", *r[1:]] for r in reversed(second)]
    paths = []
    for name, rows in (("spring", first), ("autumn", second), ("winter", third)):
        paths.append(write_csv(tmp_path / f"{name}.csv", rows, HEADER))
    return paths


def test_known_large_step_and_known_null_step(runner: CliRunner, tmp_path: Path) -> None:
    t = trend_json(runner, *map(str, _three_waves(tmp_path)))
    for scope in ("overall", "sales", "marketing"):
        series = t.get(scope)
        assert series is not None
        large, null, span = series.steps
        assert (large.start, large.end, null.start, null.end) == (
            "spring",
            "autumn",
            "autumn",
            "winter",
        )
        assert large.change == pytest.approx(40.0, abs=6.0)  # 20 items × 2 points
        assert large.larger_than_noise is True
        assert null.change == pytest.approx(0.0, abs=1e-9)
        assert null.p_value == pytest.approx(1.0)
        assert null.larger_than_noise is False
        assert span.span is True and span.change == pytest.approx(large.change)
    overall = t.get("overall")
    assert overall is not None
    # The scoring key: 20–39 Undefined, 40–59 Defined, 60–79 Aligned, 80–100 Integrated.
    for p in overall.points:
        assert p.value is not None and p.stage is not None
        expected = ["undefined", "defined", "aligned", "integrated"][
            sum(p.value >= edge for edge in (40, 60, 80))
        ]
        assert p.stage.id == expected


def test_wave_labels_from_the_command_line(runner: CliRunner, tmp_path: Path) -> None:
    paths = _three_waves(tmp_path)
    labels = ["2025 H1", "2025 H2", "2026 H1"]
    args = [a for label in labels for a in ("--wave", label)]
    t = trend_json(runner, *map(str, paths), *args)
    assert [w.label for w in t.waves] == labels
    assert t.get("overall") is not None
    assert [s.end for s in t.series[0].steps] == ["2025 H2", "2026 H1", "2026 H1"]


# -- anonymity ------------------------------------------------------------------------------


def _with_small_marketing(tmp_path: Path, answers: int) -> list[Path]:
    paths = _three_waves(tmp_path)
    frame = pd.read_csv(paths[1])
    frame = pd.concat([frame[frame.Team == "Sales"], frame[frame.Team == "Marketing"].head(3)])
    frame.loc[frame.Team == "Marketing", ITEMS] = answers
    frame.to_csv(paths[1], index=False)
    return paths


def test_a_withheld_group_shows_no_figure(runner: CliRunner, tmp_path: Path) -> None:
    paths = _with_small_marketing(tmp_path, 3)
    t = trend_json(runner, *map(str, paths))
    marketing = t.get("marketing")
    assert marketing is not None
    point = marketing.points[1]
    assert point.withheld and point.value is None and point.ci is None and point.n is None
    assert point.n_fewer_than == 5
    first, second, span = marketing.steps
    assert first.change is None and second.change is None and "withheld" in (first.note or "")
    assert span.change is not None  # spring and winter are both shown
    overall = t.get("overall")
    assert overall is not None and overall.points[1].value is None
    assert overall.steps[0].change is None
    assert all(d.means[1] is None for d in t.dimensions if d.scope == "marketing")
    csv = invoke(runner, *map(str, paths), "-f", "csv").stdout
    rows = pd.read_csv(pd.io.common.StringIO(csv))
    cell = rows[(rows.scope == "marketing") & (rows.wave == "autumn") & (rows.measure == "score")]
    assert cell.value.isna().all() and cell.n.isna().all() and cell.withheld.all()


def test_a_withheld_groups_answers_change_nothing(runner: CliRunner, tmp_path: Path) -> None:
    outputs = []
    for answers in (1, 5):
        folder = tmp_path / str(answers)
        folder.mkdir()
        paths = _with_small_marketing(folder, answers)
        args = [a for p in paths for a in ("--wave", p.stem)]
        doc = json.loads(invoke(runner, *map(str, paths), *args, "-f", "json").stdout)
        for wave in doc["waves"]:
            wave["source"] = None
        outputs.append(doc)
    assert outputs[0] == outputs[1]


# -- bad input ------------------------------------------------------------------------------


def test_one_file_is_a_usage_error(runner: CliRunner) -> None:
    result = invoke(runner, str(WAVES[0]))
    assert result.exit_code == 2
    assert "at least two waves" in result.output


def test_same_file_twice_is_refused(runner: CliRunner) -> None:
    result = invoke(runner, str(WAVES[0]), str(WAVES[1]), str(WAVES[0]))
    assert result.exit_code == 1
    assert "given twice" in result.output and "Traceback" not in result.output


def test_mismatched_questionnaires_are_refused(runner: CliRunner, tmp_path: Path) -> None:
    saved = []
    for version in ("1", "2"):
        mini = write_mini(tmp_path, version=version)
        rows = [
            [g, f"{g[0]}{k}", "", 3, 3, k % 5 + 1, 2]
            for g in ("sales", "marketing")
            for k in range(5)
        ]
        csv = write_csv(
            tmp_path / f"v{version}.csv",
            rows,
            ["group", "respondent", "segment", "i1", "i2", "i3", "i4"],
        )
        out = tmp_path / f"v{version}.json"
        done = runner.invoke(app, ["score", str(csv), "-q", str(mini), "-o", str(out)])
        assert done.exit_code == 0, done.output
        saved.append(out)
    result = invoke(runner, *map(str, saved))
    assert result.exit_code == 1
    assert "different versions of mini (1 vs 2)" in result.output


def test_unreadable_and_missing_files(runner: CliRunner, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"\x00\x01\x02 not a survey\n")
    result = invoke(runner, str(WAVES[0]), str(garbage))
    assert result.exit_code == 1 and "Traceback" not in result.output
    result = invoke(runner, str(WAVES[0]), str(tmp_path / "nope.csv"))
    assert result.exit_code == 1 and "nope.csv: no such file" in result.output


@pytest.mark.parametrize(
    ("labels", "message"),
    [(["a"], "--wave given 1 time(s) for 2 files"), (["a", "a"], "the label 'a' is used twice")],
)
def test_bad_wave_labels_are_usage_errors(
    runner: CliRunner, labels: list[str], message: str
) -> None:
    args = [a for label in labels for a in ("--wave", label)]
    result = invoke(runner, str(WAVES[0]), str(WAVES[1]), *args)
    assert result.exit_code == 2
    assert message in result.output


# -- formats --------------------------------------------------------------------------------


def test_cli_formats_are_the_registry_formats() -> None:
    assert [f.value for f in ScoreFormat] == registry.formats("trend")


@pytest.mark.parametrize(("suffix", "check"), [(".json", "json"), (".csv", "csv"), (".md", "md")])
def test_output_format_follows_the_suffix(
    runner: CliRunner, tmp_path: Path, suffix: str, check: str
) -> None:
    out = tmp_path / f"trend{suffix}"
    result = invoke(runner, *map(str, WAVES), "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    if check == "json":
        assert Trend.model_validate_json(text).waves[2].label == "wave3"
    elif check == "csv":
        frame = pd.read_csv(out)
        # One row per wave × line × measure: 3 waves × 4 lines (overall, 3 groups) + the gap.
        scores = frame[frame.measure.isin(["score", "gap"])]
        assert len(scores) == 3 * 5
        assert set(frame.measure) == {"score", "gap", "change", "dimension"}
    else:
        assert text.startswith("# Trend across survey waves")


@pytest.mark.parametrize("width", [80, 100, 120])
def test_terminal_fits_and_cuts_nothing(runner: CliRunner, tmp_path: Path, width: int) -> None:
    paths = _three_waves(tmp_path)
    t = trend_json(
        runner, *map(str, paths), "--wave", "2025 first half", "--wave", "autumn", "--wave", "w3"
    )
    console = Console(width=width, record=True, color_system=None)
    console.print(trend_terminal(t))
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= width
    assert "…" not in text
    # Every step's name and every figure appear whole on one line.
    for series in t.of_kind("overall", "group", "gap"):
        for step in series.steps:
            assert f"{step.start} → {step.end}" in text
    overall = t.get("overall")
    assert overall is not None
    big = overall.steps[0]
    assert big.ci is not None
    assert f"[{big.ci[0]:+.1f}, {big.ci[1]:+.1f}]" in text


def test_by_adds_segment_lines(runner: CliRunner) -> None:
    t = trend_json(runner, *map(str, WAVES), "--by", "Region")
    segments = t.of_kind("segment")
    assert {s.scope for s in segments} == {"Region=EMEA", "Region=Americas"}
    assert all(len(s.points) == 3 and not s.steps for s in segments)


# -- the chart and the report fragments -------------------------------------------------------


def test_chart_is_text_svg_with_a_title_and_description(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "trend.svg"
    result = invoke(runner, *map(str, WAVES), "--chart", str(out))
    assert result.exit_code == 0, result.output
    root = ElementTree.fromstring(out.read_text(encoding="utf-8"))
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    assert root.find(f"{ns}title") is not None
    desc = root.find(f"{ns}desc")
    assert desc is not None and "Sales: wave1 63.7" in (desc.text or "")
    texts = [e.text or "" for e in root.iter(f"{ns}text")] + [
        e.text or "" for e in root.iter(f"{ns}tspan")
    ]
    assert {"wave1", "wave2", "wave3", "Aligned"} <= set(texts)
    assert "withheld in every wave" in texts  # Leadership, fewer than 5 in each wave
    # One circle per shown point: overall, sales, marketing in 3 waves; leadership none.
    assert len(list(root.iter(f"{ns}circle"))) == 9


def test_fragments_escape_every_label(runner: CliRunner, tmp_path: Path) -> None:
    paths = _three_waves(tmp_path)
    evil = "<script>x</script>"
    t = trend_json(runner, *map(str, paths), "--wave", evil, "--wave", "b|c", "--wave", "*d*")
    page = trend_section_html(t)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert page.startswith('<section class="trend">') and "<svg" in page and "<desc>" in page
    md = trend_section_markdown(t, level=3)
    assert "<script>" not in md and "### Steps" in md and "b\\|c" in md
    assert "<script>" not in trend_svg(t)


def test_help_lists_trend(runner: CliRunner) -> None:
    result = runner.invoke(app, ["trend", "--help"])
    assert result.exit_code == 0
    assert re.search(r"--wave", result.output)


def test_a_saved_assessment_wave_gives_figures_without_tests(
    runner: CliRunner, tmp_path: Path
) -> None:
    saved = tmp_path / "first.json"
    done = runner.invoke(app, ["score", str(WAVES[0]), "-o", str(saved)])
    assert done.exit_code == 0, done.output
    t = trend_json(runner, str(saved), str(WAVES[1]), str(WAVES[2]))
    overall = t.get("overall")
    assert overall is not None
    assert t.waves[0].kind == "assessment" and t.waves[1].kind == "responses"
    from_json, between_files, span = overall.steps
    assert from_json.change is not None and from_json.p_value is None
    assert from_json.larger_than_noise is None and "saved assessment" in (from_json.note or "")
    assert span.p_value is None
    # The one step with answers on both sides is tested, in a family of one.
    assert between_files.p_value is not None
    assert between_files.p_adjusted == pytest.approx(between_files.p_value)
