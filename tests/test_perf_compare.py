"""The fast paths of ``compare`` (issue 13) give the same bits as the slow ones.

Oracles: ``scipy.stats.wilcoxon`` and ``scipy.stats.rankdata`` for the signed-rank test
and average ranks written without ``scipy.stats``; the row-by-row code normalisation,
written out here, for the vectorised one; a plain dict count for the pairs. Exact
equality throughout: JSON prints floats at full precision.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import rankdata, wilcoxon

from salesmkt.analysis.paired import (
    EXACT_MAX_PAIRS,
    normalised_codes,
    paired_statistics,
    respondent_codes,
    signed_rank_normal,
    wave_design,
)
from salesmkt.analysis.statistics.ranks import average_ranks
from salesmkt.definitions.questionnaire import normalise

# -- the signed-rank test without scipy.stats ------------------------------------------


def _waves(kind: str, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Before and after totals of one shape: many ties, zeros, one sign, real noise."""
    before = rng.integers(20, 100, n).astype(float)
    if kind == "integers":
        return before, rng.integers(20, 100, n).astype(float)
    if kind == "small steps":  # |d| in {1, 2}: huge tie blocks, a third zeros
        return before, before + rng.choice([-2.0, -1.0, 0.0, 1.0, 2.0], n)
    if kind == "one sign":
        return before, before + rng.integers(0, 4, n)
    if kind == "fractions":  # mean-like totals: differences off by rounding
        return rng.integers(0, 13, n) / 3.0, rng.integers(0, 13, n) / 7.0
    return rng.normal(size=n), rng.normal(size=n)  # "continuous": no ties


KINDS = ["integers", "small steps", "one sign", "fractions", "continuous"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("n", [51, 52, 97, 500, 4_001])
def test_signed_rank_normal_is_scipy_wilcoxon_bit_for_bit(kind: str, n: int) -> None:
    rng = np.random.default_rng(n * 7 + len(kind))
    for _ in range(8):
        before, after = _waves(kind, n, rng)
        reference = wilcoxon(after, before)
        statistic, p = signed_rank_normal(after - before)
        assert statistic == float(reference.statistic)
        assert p == float(reference.pvalue)


def test_signed_rank_normal_at_large_n_and_extreme_p() -> None:
    rng = np.random.default_rng(13)
    n = 250_000  # n(n+1)(2n+1) passes 2^53: rounding in the variance must match too
    before = rng.integers(20, 100, n).astype(float)
    for after in (before + rng.integers(-3, 4, n), before + rng.integers(0, 2, n)):
        reference = wilcoxon(after, before)
        assert signed_rank_normal(after - before) == (
            float(reference.statistic),
            float(reference.pvalue),
        )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from([-3.0, -1.5, -1.0, -0.5, 0.0, 0.0, 0.5, 1.0, 2.0, 1 / 3, 0.1 + 0.2]),
        min_size=51,
        max_size=200,
    )
)
def test_signed_rank_normal_on_any_ties_and_zeros(diffs: list[float]) -> None:
    d = np.asarray(diffs)
    if not np.any(d != 0):
        return
    reference = wilcoxon(d)
    assert signed_rank_normal(d) == (float(reference.statistic), float(reference.pvalue))


def test_paired_statistics_above_the_exact_limit_is_scipy() -> None:
    rng = np.random.default_rng(5)
    before = rng.integers(20, 100, 3 * EXACT_MAX_PAIRS).astype(float)
    after = before + rng.integers(-5, 6, before.size)
    result = paired_statistics(before.tolist(), after.tolist(), seed=1, n_boot=10)
    reference = wilcoxon(after, before)
    assert result.wilcoxon_statistic == float(reference.statistic)
    assert result.p_value == float(reference.pvalue)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from([0.0, 1.0, 2.0, 2.5, 3.0, -1.0, math.nan]), min_size=1, max_size=60)
)
def test_average_ranks_are_scipy_rankdata(values: list[float]) -> None:
    from scipy.stats._stats_py import _rankdata

    x = np.asarray(values, dtype=np.float64)
    ranks, ties = average_ranks(x)
    reference, reference_ties = _rankdata(x, "average", return_ties=True)
    assert np.array_equal(ranks, reference)
    assert np.array_equal(ties, reference_ties)
    finite = x[~np.isnan(x)]
    assert np.array_equal(average_ranks(finite)[0], rankdata(finite))


# -- respondent codes --------------------------------------------------------------------


def _row_by_row(values: list[object]) -> list[str]:
    """The codes as the slow path computes them: normalise() on each value."""
    out = []
    for value in values:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            out.append("")
            continue
        code = normalise(str(value))
        out.append("" if code in ("nan", "none") else code)
    return out


ODD = ["S 01", " s01 ", "Ärger", "ß", "١٢", "ＡＢ１", "a-1", "a\nb", "", "NaN", "None", "nan"]


@pytest.mark.parametrize(
    "values",
    [
        ["R0001", "r0002", "ABC", "Z9"],  # the plain case
        ["R1", "NaN", "none", "NONE", "x"],  # plain, some read as no code
        ["R1", "", "R2"],  # an empty string: not plain
        ["R1", None, "R2"],
        ["R1", math.nan, "R2"],
        [101, 102, "R3"],
        ["R1", *ODD],
        ODD,
        [],
    ],
)
def test_codes_are_those_of_the_row_by_row_path(values: list[object]) -> None:
    frame = pd.DataFrame({"respondent": pd.Series(values, dtype=object)})
    assert normalised_codes(frame) == _row_by_row(values)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(alphabet="aZ09 \u00a0ßİ-_", max_size=4),
            st.text(alphabet="abcXYZ0189", min_size=1, max_size=6),
            st.none(),
            st.sampled_from(["NaN", "None", "nan"]),
        ),
        max_size=30,
    )
)
def test_codes_match_row_by_row_on_any_text(values: list[object]) -> None:
    frame = pd.DataFrame({"respondent": pd.Series(values, dtype=object)})
    assert normalised_codes(frame) == _row_by_row(values)


def test_pairs_and_doubled_codes_against_a_plain_count() -> None:
    rng = np.random.default_rng(3)
    n = 2_000
    codes_b = [f"R{i}" for i in rng.integers(0, 1_500, n)]
    codes_a = [f"r{i}" for i in rng.integers(0, 1_500, n)]
    codes_b[:3] = ["", "", "nan"]  # blanks: neither paired nor doubled
    frames = [
        pd.DataFrame(
            {
                "respondent": pd.Series(codes, dtype=object),
                "total": rng.integers(20, 100, n).astype(float),
                "group": rng.choice(["Sales", "Marketing"], n),
            }
        )
        for codes in (codes_b, codes_a)
    ]
    lowered = [[c.lower() for c in codes] for codes in (codes_b, codes_a)]
    counts = [
        {c: sum(1 for o in low if o == c) for c in set(low) if c not in ("", "nan")}
        for low in lowered
    ]
    rows = [
        {c: low.index(c) for c, k in count.items() if k == 1}
        for low, count in zip(lowered, counts, strict=True)
    ]
    assert respondent_codes(frames[0]) == rows[0]
    assert list(respondent_codes(frames[1])) == sorted(rows[1], key=rows[1].__getitem__)
    design, _, pairs, notes = wave_design(frames[0], frames[1])
    assert design == "paired"
    expected = [
        (
            float(frames[0]["total"][rows[0][c]]),
            float(frames[1]["total"][rows[1][c]]),
            str(frames[0]["group"][rows[0][c]]),
            str(frames[1]["group"][rows[1][c]]),
        )
        for c in sorted(set(rows[0]) & set(rows[1]))
    ]
    assert pairs is not None and pairs.rows() == expected
    doubled = [sum(1 for k in count.values() if k > 1) for count in counts]
    assert notes == [
        f"{doubled[0]} respondent code(s) appear more than once in the before wave; "
        "those codes are not paired.",
        f"{doubled[1]} respondent code(s) appear more than once in the after wave; "
        "those codes are not paired.",
    ]


def test_compare_does_not_import_scipy_stats(tmp_path: Path) -> None:
    rng = np.random.default_rng(8)
    header = "respondent,group," + ",".join(f"q{i:02d}" for i in range(1, 21))
    for name in ("w1.csv", "w2.csv"):
        rows = [
            f"R{i},{'Sales' if i % 2 else 'Marketing'}," + ",".join(map(str, answers))
            for i, answers in enumerate(rng.integers(1, 6, (120, 20)))
        ]
        (tmp_path / name).write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    script = (
        "import sys\n"
        "from salesmkt.cli import app\n"
        "from typer.testing import CliRunner\n"
        f"args = ['compare', r'{tmp_path / 'w1.csv'}', r'{tmp_path / 'w2.csv'}', '--format',"
        " 'json']\n"
        "result = CliRunner().invoke(app, args)\n"
        "assert result.exit_code == 0, result.output\n"
        'assert \'"design": "paired"\' in result.output\n'
        "print(sorted(m for m in sys.modules if m.startswith('scipy.stats')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


# -- a wave scored for comparison only -------------------------------------------------

QUALITY_ONLY = ("borderline", "reliability", "reliability_dimensions", "agreement", "aggregation")


@pytest.mark.parametrize("name", ["wave1.csv", "workshop.csv"])
def test_a_wave_scored_for_comparison_differs_only_by_the_figures_compare_never_reads(
    name: str,
) -> None:
    from salesmkt.analysis.scoring import assess_file
    from salesmkt.intake.source import ResponseSource
    from salesmkt.model.assessment import Settings

    source = ResponseSource(Path(__file__).parent.parent / "examples" / name)
    whole = assess_file(source, Settings()).assessment.model_dump(mode="json")
    light = assess_file(source, Settings(), quality=False).assessment.model_dump(mode="json")
    assert any(whole[field] for field in QUALITY_ONLY)  # the full run does fill them
    for field in QUALITY_ONLY:
        assert light[field] in ([], None), field
    assert {k: v for k, v in light.items() if k not in QUALITY_ONLY} == {
        k: v for k, v in whole.items() if k not in QUALITY_ONLY
    }


def test_compare_reads_no_wave_figure_that_its_light_scoring_leaves_out() -> None:
    # The modules that build a comparison never name the figures left out.
    root = Path(__file__).parent.parent / "salesmkt" / "analysis"
    for module in ("compare.py", "wave_changes.py", "paired.py", "comparison.py"):
        text = (root / module).read_text(encoding="utf-8")
        for field in QUALITY_ONLY:
            assert f".{field}" not in text, (module, field)
