"""The borderline stages computed in a thread beside the reliability figures
(``gaps._beside``): the same entries as the plain call, errors raised in the caller,
and small groups left in the caller's thread."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import salesmkt.analysis.gaps as gaps
from salesmkt.analysis.gapdata import GapData, Groups
from salesmkt.analysis.statistics.sample import Tally
from salesmkt.definitions import questionnaire_load
from salesmkt.model.assessment import Settings


def _case(n: int) -> tuple[object, Settings, dict[int, Tally], Groups]:
    q = questionnaire_load.load("alignment")
    rng = np.random.default_rng(5)
    code = rng.integers(0, 2, size=n)
    ids = list(q.compare)
    groups = Groups(GapData(np.zeros((n, len(q.items))), code, ids), q, Settings())
    # totals near a stage edge, so the borderline entries draw their bootstrap shares
    edge = q.stage_edges[2]
    totals = {}
    for c in range(2):
        values = edge + rng.integers(-3, 4, size=int((code == c).sum())).astype(float)
        totals[c] = Tally.of(values)
    return q, Settings(n_boot=300), totals, groups


@pytest.mark.parametrize("n", [200, 60_000])
def test_beside_gives_the_plain_call(n: int) -> None:
    q, settings, totals, groups = _case(n)
    want = gaps.borderline_results(q, settings, totals, groups)  # type: ignore[arg-type]
    got = gaps._beside(gaps.borderline_results, q, settings, totals, groups)()  # type: ignore[arg-type]
    assert want and [b.model_dump_json() for b in got] == [b.model_dump_json() for b in want]


def test_beside_runs_large_groups_in_a_thread_and_small_ones_here() -> None:
    seen: list[str] = []

    def run(*args: object) -> list[object]:
        seen.append(threading.current_thread().name)
        return []

    q, settings, totals, groups = _case(60_000)
    gaps._beside(run, q, settings, totals, groups)()  # type: ignore[arg-type]
    q, settings, totals, groups = _case(200)
    gaps._beside(run, q, settings, totals, groups)()  # type: ignore[arg-type]
    assert seen == ["borderline_0", threading.current_thread().name]


def test_beside_raises_the_error_in_the_caller() -> None:
    def run(*args: object) -> list[object]:
        raise ValueError("from the thread")

    q, settings, totals, groups = _case(60_000)
    beside = gaps._beside(run, q, settings, totals, groups)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="from the thread"):
        beside()
