"""Placement against an independent oracle (pandas on the raw synthetic answers, numpy
percentiles, scipy's percentile rank), the admission rules, and the privacy property."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from support.benchmark import ITEMS, contribution_of, synthetic_rows

from salesmkt.benchmark.admission import Rules
from salesmkt.benchmark.aggregates import Contribution, Metadata
from salesmkt.benchmark.placement import NO_BENCHMARK, Placement, place
from salesmkt.benchmark.store import Store
from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.errors import UsageError

AS_OF = dt.date(2026, 11, 1)
INDUSTRIES = ("saas", "retail")


def _world(n: int = 36, seed: int = 7) -> tuple[list[Contribution], dict[str, pd.DataFrame]]:
    """n synthetic clients: metadata, sizes and dates drawn from a seeded generator;
    every fifth client has a second, older wave; client 3's Marketing is too small."""
    rng = random.Random(seed)
    stored, raw = [], {}
    for i in range(n):
        name = f"org{i:02d}"
        sizes = {"sales": rng.randint(5, 14), "marketing": rng.randint(5, 9)}
        if i == 3:
            sizes["marketing"] = 3
        meta = Metadata(
            INDUSTRIES[i % 2], rng.choice(["small", "large"]), rng.choice(["eu", "us"]),
            (AS_OF - dt.timedelta(days=rng.randint(10, 600))).isoformat(),
        )  # fmt: skip
        rows = synthetic_rows(seed * 1000 + i, sizes, client=name)
        stored.append(contribution_of(rows, name, meta, wave="w2"))
        raw[name] = rows
        if i % 5 == 0:  # an older first wave that must never be used
            old = dataclasses.replace(meta, collected=(AS_OF - dt.timedelta(days=700)).isoformat())
            stored.append(contribution_of(synthetic_rows(i, sizes, name), name, old, "w1"))
    return stored, raw


def _oracle(raw: dict[str, pd.DataFrame], group: str, column: str | None) -> np.ndarray:
    """Each organisation's figure, straight from its respondents' answers."""
    out = []
    for rows in raw.values():
        part = rows[rows.group == group]
        if len(part) < 5:
            continue
        out.append(part[ITEMS].sum(axis=1).mean() if column is None else part[column].mean())
    return np.array(out)


def _check(cell: object, peers: np.ndarray, client: float) -> None:
    assert cell is not None and cell.withheld is None
    expected = np.percentile(peers, [25, 50, 75, 90])
    got = [getattr(cell, k) for k in ("p25", "median", "p75", "p90")]
    assert got == pytest.approx(list(expected), abs=1e-9)
    assert cell.client == pytest.approx(client, abs=1e-9)
    rank = stats.percentileofscore(peers, client, kind="mean")
    assert cell.rank == pytest.approx(rank, abs=1e-9)
    assert cell.peers == len(peers)


@pytest.fixture(scope="module")
def world() -> tuple[list[Contribution], dict[str, pd.DataFrame]]:
    return _world()


def _client() -> tuple[Contribution, pd.DataFrame]:
    rows = synthetic_rows(4242, {"sales": 8, "marketing": 6}, client="me")
    return contribution_of(rows, "me", Metadata(collected=AS_OF.isoformat())), rows


def test_placement_matches_numpy_and_scipy(world, alignment: Questionnaire, store_url: str) -> None:  # type: ignore[no-untyped-def]
    stored, raw = world
    s = Store(store_url)
    for c in stored:
        s.add(c)
    me, mine = _client()
    result = place(alignment, me, s.contributions(), Rules(), as_of=AS_OF)
    for group in ("sales", "marketing"):
        part = mine[mine.group == group]
        _check(result.cell(group, "total"), _oracle(raw, group, None),
               part[ITEMS].sum(axis=1).mean())  # fmt: skip
        _check(result.cell(group, "item:q12"), _oracle(raw, group, "q12"), part["q12"].mean())
        dim = [it.id for it in alignment.items_in("metrics")]
        peers = np.array([
            np.mean([r[r.group == group][i].mean() for i in dim])
            for r in raw.values() if (r.group == group).sum() >= 5
        ])  # fmt: skip
        _check(result.cell(group, "dimension:metrics"), peers,
               np.mean([part[i].mean() for i in dim]))  # fmt: skip
    assert result.cell("marketing", "total").peers == len(raw) - 1  # org03 too small
    both = [n for n, r in raw.items() if (r.group == "marketing").sum() >= 5]
    overall = np.array([
        (raw[n][raw[n].group == "sales"][ITEMS].sum(axis=1).mean()
         + raw[n][raw[n].group == "marketing"][ITEMS].sum(axis=1).mean()) / 2
        for n in both
    ])  # fmt: skip
    client_overall = np.mean([mine[mine.group == g][ITEMS].sum(axis=1).mean()
                              for g in ("sales", "marketing")])  # fmt: skip
    _check(result.cell("overall", "total"), overall, client_overall)


def test_filters_narrow_the_peers_and_fall_back_saying_so(world, alignment: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    stored, raw = world
    me, _ = _client()
    saas = dataclasses.replace(me, meta=Metadata("saas", collected=AS_OF.isoformat()))
    result = place(alignment, saas, stored, Rules(), as_of=AS_OF)
    scope = result.scopes[0]
    assert scope.filters == {"industry": "saas"} and scope.note is None
    assert scope.peers == len([n for n in raw if int(n[3:]) % 2 == 0])
    narrow = dataclasses.replace(me, meta=Metadata("saas", "small", "eu", AS_OF.isoformat()))
    result = place(alignment, narrow, stored, Rules(), as_of=AS_OF)
    scope = result.scopes[0]
    assert scope.filters in ({"industry": "saas"}, {"industry": "saas", "size": "small"})
    assert scope.note is not None and "too few peers for industry saas, size small" in scope.note


def test_the_client_is_never_its_own_peer_and_old_waves_are_left_out(
    world, alignment: Questionnaire
) -> None:  # type: ignore[no-untyped-def]
    stored, _ = world
    me, _ = _client()
    everyone = place(alignment, me, stored, Rules(), as_of=AS_OF)
    without = place(alignment, me, stored, Rules(), as_of=AS_OF, exclude="org05")
    assert without.cell("sales", "total").peers == everyone.cell("sales", "total").peers - 1
    short = place(alignment, me, stored, Rules(max_age_months=6), as_of=AS_OF)
    recent = [
        c for c in stored if c.wave == "w2" and c.meta.collected_date() >= dt.date(2026, 5, 1)
    ]
    assert short.cell("sales", "total").peers == len(recent)


def test_too_few_organisations_and_a_dominant_one_publish_no_figure(
    world, alignment: Questionnaire
) -> None:  # type: ignore[no-untyped-def]
    stored, _ = world
    me, _ = _client()
    external = place(alignment, me, stored, Rules(external=True), as_of=AS_OF)
    assert external.cell("sales", "total").withheld is None  # 36 peers ≥ 20
    few = [c for c in stored if c.wave == "w2"][:19]
    external = place(alignment, me, few, Rules(external=True), as_of=AS_OF)
    _all_withheld(external, "at least 20 needed")
    big = synthetic_rows(1, {"sales": 500, "marketing": 400}, client="huge")
    giant = contribution_of(big, "huge", Metadata(collected="2026-10-01"), "w1")
    dominated = place(alignment, me, [*few[:12], giant], Rules(), as_of=AS_OF)
    _all_withheld(dominated, "one organisation holds")


def _all_withheld(result: Placement, why: str) -> None:
    for cell in result.cells:
        assert cell.withheld is not None and NO_BENCHMARK in cell.withheld
        assert cell.median is None and cell.p90 is None
    assert any(why in (s.withheld or "") for s in result.scopes)


def test_rules_can_only_be_made_stricter() -> None:
    Rules(min_orgs=15, min_respondents=8, max_share=0.3, max_age_months=12).checked()
    for looser in (
        Rules(min_orgs=9), Rules(min_respondents=4), Rules(max_share=0.6),
        Rules(max_age_months=36), Rules(max_share=0),
    ):  # fmt: skip
        with pytest.raises(UsageError, match="only be made stricter"):
            looser.checked()
    assert Rules(external=True).needed_orgs == 20
    assert Rules(min_orgs=25, external=True).needed_orgs == 25


# -- the privacy property ----------------------------------------------------------------


def _published(result: Placement) -> list[tuple[object, ...]]:
    return [
        (c.scope, c.metric, c.median, c.p25, c.p75, c.p90, c.rank, c.peers, c.withheld)
        for c in result.cells
    ]


def _with_rows(stored: list[Contribution], name: str, rows: pd.DataFrame) -> list[Contribution]:
    out = [c for c in stored if c.client != name]
    if len(rows):
        old = next((c for c in stored if c.client == name and c.wave == "w2"), None)
        meta = old.meta if old else Metadata(collected="2026-09-01")
        out.append(contribution_of(rows, name, meta, wave="w2"))
    return out


def _one_change(rng: random.Random, rows: pd.DataFrame, group: str) -> pd.DataFrame:
    """Add, remove or change one respondent of one group."""
    part = rows[rows.group == group]
    action = rng.choice(["add", "remove", "change"]) if len(part) else "add"
    if action == "remove":
        return rows.drop(index=rng.choice(list(part.index)))
    new = {"respondent": "X", "group": group, "comment": "x"}
    new |= {i: rng.randint(1, 5) for i in ITEMS}
    if action == "add":
        return pd.concat([rows, pd.DataFrame([new])], ignore_index=True)
    changed = rows.copy()
    changed.loc[rng.choice(list(part.index)), ITEMS] = [new[i] for i in ITEMS]
    return changed


def test_one_respondent_or_organisation_below_the_thresholds_changes_nothing(
    world,
    alignment: Questionnaire,  # type: ignore[no-untyped-def]
) -> None:
    stored, raw = world
    me, _ = _client()
    rules = Rules()
    small = synthetic_rows(77, {"sales": 3, "marketing": 2}, client="tiny")
    stored = [*stored, contribution_of(small, "tiny", Metadata(collected="2026-09-01"))]
    raw = {**raw, "tiny": small}
    base = _published(place(alignment, me, stored, rules, as_of=AS_OF))
    rng = random.Random(2026)
    for _ in range(40):
        # a respondent of a group below 5 respondents (org03's Marketing, tiny's groups),
        # kept below the threshold; or the whole below-threshold organisation added/removed
        name, group = rng.choice([("org03", "marketing"), ("tiny", "sales"), ("tiny", "marketing")])
        rows = raw[name]
        changed = _one_change(rng, rows, group)
        while (changed.group == group).sum() >= rules.min_respondents:
            changed = _one_change(rng, rows, group)
        after = place(alignment, me, _with_rows(stored, name, changed), rules, as_of=AS_OF)
        assert _published(after) == base
    without_tiny = [c for c in stored if c.client != "tiny"]
    assert _published(place(alignment, me, without_tiny, rules, as_of=AS_OF)) == base


def test_one_change_anywhere_never_publishes_a_figure_from_too_few_peers(
    world,
    alignment: Questionnaire,  # type: ignore[no-untyped-def]
) -> None:
    stored, raw = world
    me, _ = _client()
    rules = Rules()
    names = sorted(raw)[:10]  # exactly 10 organisations: at the threshold
    at_edge = [c for c in stored if c.client in names]
    edge = place(alignment, me, at_edge, rules, as_of=AS_OF)
    assert edge.cell("sales", "total").withheld is None
    rng = random.Random(11)
    for _ in range(30):
        name = rng.choice(names)
        group = rng.choice(["sales", "marketing"])
        changed = _one_change(rng, raw[name], group)
        after = place(alignment, me, _with_rows(at_edge, name, changed), rules, as_of=AS_OF)
        for cell in after.cells:
            assert (cell.withheld is not None and cell.median is None) or cell.peers >= 10
        for scope in after.scopes:
            assert scope.withheld is not None or scope.peers >= 10
    gone = place(alignment, me, [c for c in at_edge if c.client != names[0]], rules, as_of=AS_OF)
    _all_withheld(gone, "at least 10 needed")
