"""The output round of issue 13 (ninth round): what makes the CSV and the report faster.

- Long object columns (segments) are factorised by the objects' identity first
  (``csv_columns.factorize_objects``): the CSV from such columns equals pandas' writer
  plus neutralising (:mod:`support.csvtext`), with hypothesis on odd values held as the
  same objects over and over and as equal but distinct objects; the codes equal
  ``pandas.factorize``; the identity path is the one taken on a long repeated column.
- ``write_atomic`` writes a text a chunk at a time: the file's bytes are the text's
  UTF-8 whatever the chunk size (characters of every width across the chunk borders); a
  lone surrogate fails as before and leaves the earlier file untouched, no temporary file.
- The report page comes from the precompiled template: the file shipped is current
  (the template's code as the installed jinja2 compiles it), it is what the page is
  rendered from, and the page equals the one rendered from the freshly compiled
  template; a stale file falls back to compiling, with the same page.
- ``report`` to HTML imports neither the slide deck nor the wave comparison.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.csvtext import pandas_csv
from support.paths import ROOT

from salesmkt.analysis.respondent_table import RespondentColumn, RespondentTable
from salesmkt.errors import OutputError
from salesmkt.intake import distinct
from salesmkt.render import csv_columns, outputs
from salesmkt.render.score_csv import render_csv

# -- factorising object columns by identity ---------------------------------------------

_ODD = ["=1+1", "a,b", '"q"', "", "sales", "line\nbreak", "@x", "-2", "é€😀", "\x1b[2J", "\u202e"]
_POOL = st.one_of(
    st.none(),
    st.just(float("nan")),
    st.sampled_from(_ODD),
    st.text(max_size=5),
    st.sampled_from([1, 2.5, -0.0]),  # (1 and 1.0 are one value to a dict: pandas tells them apart)
)


def _objects(values: list[object]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _copy(value: object) -> object:
    """An equal value held as another object (texts rebuilt, not shared)."""
    if isinstance(value, str):
        return "".join(list(value)) if len(value) > 1 else (value + "x")[:-1] + ""
    return value


@settings(max_examples=60, deadline=None)
@given(
    pool=st.lists(_POOL, min_size=1, max_size=6),
    picks=st.lists(st.tuples(st.integers(0, 5), st.booleans()), min_size=1, max_size=60),
)
def test_identity_factorising_matches_pandas(
    pool: list[object], picks: list[tuple[int, bool]]
) -> None:
    values = _objects([pool[i % len(pool)] if same else _copy(pool[i % len(pool)])
                       for i, same in picks])  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csv_columns, "_BY_IDENTITY", 1)
        codes, uniques = csv_columns.factorize_objects(values)
    want_codes, want_uniques = distinct.factorize(values)
    np.testing.assert_array_equal(codes, want_codes)
    assert list(uniques) == list(want_uniques)
    oracle_codes, _ = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    np.testing.assert_array_equal(codes >= 0, oracle_codes >= 0)
    # Written: the CSV of the column is pandas' writer's, whichever guess is made.
    table = RespondentTable([RespondentColumn("=region", "text", values)], len(values))
    expected = pandas_csv(table.frame())
    for guess in (True, False):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(csv_columns, "_BY_IDENTITY", 1)
            patch.setattr(csv_columns, "_mostly_distinct_values", lambda v, g=guess: g)
            assert render_csv(table) == expected


def test_a_long_repeated_column_is_factorised_by_identity(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    n = 3 * csv_columns._BY_IDENTITY
    words = ["North", "a, b", '"q"', "=SUM(A1)", "", None]
    values = _objects([words[i % len(words)] for i in range(n)])
    values[5] = "".join(["No", "rth"])  # equal to "North", another object
    seen: list[int] = []
    real = distinct.factorize

    def spy(array: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        seen.append(len(array))
        return real(array)

    monkeypatch.setattr(distinct, "factorize", spy)
    table = RespondentTable([RespondentColumn("region", "text", values)], n)
    assert render_csv(table) == pandas_csv(table.frame())
    assert seen and max(seen) <= len(words) + 1  # one object each, never the column


def test_mostly_distinct_objects_take_the_direct_way(monkeypatch: pytest.MonkeyPatch) -> None:
    n = 2 * csv_columns._BY_IDENTITY
    values = _objects([f"=R{i % (n // 2)}" for i in range(n)])  # every cell its own object
    seen: list[int] = []
    real = distinct.factorize
    monkeypatch.setattr(distinct, "factorize", lambda a: (seen.append(len(a)), real(a))[1])
    codes, uniques = csv_columns.factorize_objects(values)
    assert seen == [n]
    assert len(uniques) == n // 2 and codes.max() == n // 2 - 1


# -- writing a text a chunk at a time ----------------------------------------------------

_WIDE = st.text(alphabet=st.sampled_from(["a", ",", "\n", "é", "€", "😀", "\x00"]), max_size=40)


@settings(max_examples=60, deadline=None)
@given(text=_WIDE, chunk=st.integers(1, 7))
def test_a_text_is_written_as_its_utf8_whatever_the_chunk(
    text: str, chunk: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("w") / "out.csv"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(outputs, "_TEXT_CHUNK", chunk)
        outputs.write_atomic(path, text)
    assert path.read_bytes() == text.encode("utf-8")


def test_a_lone_surrogate_fails_and_keeps_the_earlier_file(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    outputs.write_atomic(path, "before\n")
    with pytest.raises(UnicodeEncodeError):
        outputs.write_atomic(path, "a" * (3 * outputs._TEXT_CHUNK) + "\ud800")
    assert path.read_text(encoding="utf-8") == "before\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
    with pytest.raises(OutputError):
        outputs.write_atomic(path, b"x", force=False)


# -- the precompiled report template ------------------------------------------------------


def _page_inputs(lang: str | None) -> tuple[object, list[object]]:
    from salesmkt.intake.source import ResponseSource
    from salesmkt.l10n import reading_in
    from salesmkt.model.assessment import Settings
    from salesmkt.pipeline import report as pipeline
    from salesmkt.render.report.build import build_report
    from salesmkt.render.report.view import ReportOptions

    with reading_in(lang):
        source = ResponseSource(ROOT / "examples" / "workshop.csv")
        loaded = pipeline.in_reader_language(
            pipeline.load_inputs(source, Settings()), source.questionnaire
        )
        pipeline.advise(loaded.assessment)
        charts = pipeline.make_charts(loaded.assessment, questionnaire=loaded.questionnaire)
        report = build_report(
            loaded.assessment,
            questionnaire=loaded.questionnaire,
            comments=loaded.comments,
            options=ReportOptions(generated="2026-11-30"),
        )
    return report, list(charts)


def test_the_shipped_precompiled_template_is_current() -> None:
    from salesmkt.render.report import html

    source = (html.TEMPLATES / html.TEMPLATE).read_text(encoding="utf-8")
    shipped = html.PRECOMPILED.read_text(encoding="utf-8")
    assert shipped == html.compiled_source(html.environment(), source), (
        "report.html changed (or jinja2 did): run python tools/compile_report_template.py"
    )


@pytest.mark.parametrize("lang", [None, "de"])
def test_the_page_from_the_precompiled_template_is_the_compiled_ones(
    lang: str | None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import jinja2

    from salesmkt.l10n import reading_in
    from salesmkt.render.report import html

    report, charts = _page_inputs(lang)
    with reading_in(lang):
        fresh = html.environment().get_template(html.TEMPLATE)
        expected = fresh.render(
            r=report, charts=html._chart_context(charts), csp=html.CSP, lang=lang or "en"
        )
        compiled: list[str] = []
        real = jinja2.Environment.compile
        monkeypatch.setattr(
            jinja2.Environment,
            "compile",
            lambda env, *a, **k: (compiled.append(a[1]), real(env, *a, **k))[1],
        )
        assert html.render_html(report, charts) == expected  # type: ignore[arg-type]
        assert compiled == []  # the shipped code, not jinja2's compiler
        stale = tmp_path / "report.html.compiled"
        stale.write_text("# stale\n" + html.PRECOMPILED.read_text(encoding="utf-8"), "utf-8")
        monkeypatch.setattr(html, "PRECOMPILED", stale)
        assert html.render_html(report, charts) == expected  # type: ignore[arg-type]
        assert compiled == [html.TEMPLATE]  # compiled as before
        monkeypatch.setattr(html, "PRECOMPILED", tmp_path / "missing")
        assert html.render_html(report, charts) == expected  # type: ignore[arg-type]


# -- what the report imports ---------------------------------------------------------------


def test_an_html_report_imports_neither_the_deck_nor_the_comparison(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from salesmkt.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = [m for m in ('salesmkt.render.deck', 'salesmkt.render.deck.slides',\n"
        "          'salesmkt.analysis.compare', 'salesmkt.analysis.comparison')\n"
        "          if m in sys.modules]\n"
        "print('LOADED', loaded)\n"
    )
    out = tmp_path / "r.html"
    args = ["report", str(ROOT / "examples" / "workshop.csv"), "-o", str(out)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", probe, *args], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert out.exists(), proc.stderr
    assert "LOADED []" in proc.stdout, proc.stdout + proc.stderr
