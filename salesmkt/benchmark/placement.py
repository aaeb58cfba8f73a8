"""Placement: where one assessment stands among its admitted peers.

Vocabulary:
- *cell*: one metric (total score, a dimension, an item; see
  :mod:`salesmkt.benchmark.scores`) within one scope (a group, or ``overall``).
- *peer value*: one admitted organisation's figure for a cell, from its tallies.
- *placement* of a cell: the client's value, the peers' median and 25th/75th/90th
  percentiles (numpy's default linear interpolation), and the client's *percentile
  rank*: the share of peers below the client's value, ties counting half (what
  ``scipy.stats.percentileofscore(kind="mean")`` gives).
- *filters*: industry, size band and region of the client; peers are narrowed to the
  organisations sharing them while enough remain for the admission rules, else the
  narrowest set that passes is used (dropping region, then size, then industry) and the
  scope's ``note`` says so.
- *withheld*: a cell or scope that fails a rule shows no figure, only "no benchmark for
  this cell" and why.

Labels (groups, dimensions, items) are the questionnaire's, in the reader's language
when the questionnaire has that translation (:func:`shown_questionnaire`); the metric
and scope ids stay the same in every language.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from salesmkt.benchmark.admission import Rules, latest_waves
from salesmkt.benchmark.scores import count_array, metric_labels, metrics, overall_metrics
from salesmkt.l10n import N_, _, reader_language
from salesmkt.model.assessment import DEFAULT_MIN_GROUP_SIZE
from salesmkt.wording import fmt_pct

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from salesmkt.benchmark.aggregates import Contribution, Tally
    from salesmkt.definitions.questionnaire import Questionnaire

    FloatArray = NDArray[np.float64]

__all__ = ["NO_BENCHMARK", "Cell", "Placement", "Scope", "place"]

NO_BENCHMARK = N_("no benchmark for this cell")
FILTERS = ("industry", "size", "region")


@dataclass
class Cell:
    scope: str
    metric: str
    label: str
    client: float | None = None
    peers: int = 0
    median: float | None = None
    p25: float | None = None
    p75: float | None = None
    p90: float | None = None
    rank: float | None = None
    withheld: str | None = None


@dataclass
class Scope:
    id: str
    label: str
    peers: int = 0
    respondents: int = 0
    filters: dict[str, str] = field(default_factory=dict)
    note: str | None = None
    withheld: str | None = None


@dataclass
class Placement:
    questionnaire: str
    client: str | None
    as_of: str
    rules: Rules
    rules_text: str
    scopes: list[Scope] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def cell(self, scope: str, metric: str) -> Cell | None:
        return next((c for c in self.cells if c.scope == scope and c.metric == metric), None)


@dataclass
class _Peers:
    """Admitted organisations of one scope: metadata, respondents and metric arrays."""

    meta: list[dict[str, str | None]]
    respondents: FloatArray
    values: dict[str, FloatArray]


def _group_peers(q: Questionnaire, peers: list[Contribution], group: str, k: int) -> _Peers:
    chosen = [(c, c.tally(group)) for c in peers]
    kept = [(c, t) for c, t in chosen if t is not None and t.respondents >= k]
    counts = _counts(q, [t for _, t in kept])
    meta = [_meta(c) for c, _ in kept]
    resp = np.array([t.respondents for _, t in kept], dtype=np.float64)
    return _Peers(meta, resp, metrics(counts, q))


def _counts(q: Questionnaire, found: list[Tally]) -> FloatArray:
    """``organisations × items × points``; one numpy call when every tally is complete."""
    shape = (len(found), len(q.items), len(q.scale.points))
    if all(t.scale_min == q.scale.min for t in found):
        try:
            fast = np.array([[t.counts[i] for i in q.item_ids] for t in found], dtype=np.float64)
        except (KeyError, ValueError):  # an item missing or a ragged row: the slow path
            fast = None
        if fast is not None and fast.shape == shape:
            return fast
    return np.array([count_array(t, q) for t in found], dtype=np.float64).reshape(shape)


def _meta(c: Contribution) -> dict[str, str | None]:
    return {"industry": c.meta.industry, "size": c.meta.size, "region": c.meta.region}


def _overall_peers(q: Questionnaire, peers: list[Contribution], k: int) -> _Peers:
    a, b = q.compare
    both = [
        c
        for c in peers
        if all((t := c.tally(g)) is not None and t.respondents >= k for g in (a, b))
    ]
    first, second = _group_peers(q, both, a, k), _group_peers(q, both, b, k)
    values = overall_metrics(first.values, second.values)
    return _Peers(first.meta, first.respondents + second.respondents, values)


def _filter_sets(given: dict[str, str]) -> list[dict[str, str]]:
    """The filter sets to try, narrowest first: all given, then dropping from the end."""
    keys = [k for k in FILTERS if k in given]
    return [{k: given[k] for k in keys[:n]} for n in range(len(keys), -1, -1)]


def _failure(peers: _Peers, mask: NDArray[np.bool_], rules: Rules) -> str | None:
    n = int(mask.sum())
    if n < rules.needed_orgs:
        return _("{n} peer organisation(s), at least {needed} needed").format(
            n=n, needed=rules.needed_orgs
        )
    resp = peers.respondents[mask]
    share = float(resp.max() / resp.sum())
    if share > rules.max_share:
        return _("one organisation holds {share} of the respondents (at most {limit})").format(
            share=fmt_pct(share), limit=fmt_pct(rules.max_share)
        )
    return None


def _choose(peers: _Peers, given: dict[str, str], rules: Rules, scope: Scope) -> NDArray[np.bool_]:
    """The narrowest admissible peer set; fills the scope's filters, note or withheld."""
    reasons: list[str] = []
    for wanted in _filter_sets(given):
        mask = np.array(
            [all(m.get(k) == v for k, v in wanted.items()) for m in peers.meta], dtype=bool
        ).reshape(-1)
        why = _failure(peers, mask, rules)
        if why is None:
            scope.filters, scope.peers = wanted, int(mask.sum())
            scope.respondents = int(peers.respondents[mask].sum())
            if wanted != given:
                tried = ", ".join(f"{k} {v}" for k, v in given.items())
                wider = ", ".join(f"{k} {v}" for k, v in wanted.items()) or _("every organisation")
                scope.note = _("too few peers for {tried} ({why}); compared with {wider}").format(
                    tried=tried, why=reasons[0], wider=wider
                )
            return mask
        reasons.append(why)
    scope.withheld = f"{_(NO_BENCHMARK)}: {reasons[-1]}"
    return np.zeros(len(peers.meta), dtype=bool)


def _fill(cell: Cell, values: FloatArray, rules: Rules) -> None:
    values = np.round(values[~np.isnan(values)], 9)
    cell.peers = len(values)
    if cell.peers < rules.needed_orgs:
        answered = _("{n} organisation(s) answered, at least {needed} needed").format(
            n=cell.peers, needed=rules.needed_orgs
        )
        cell.withheld = f"{_(NO_BENCHMARK)}: {answered}"
        return
    p25, p50, p75, p90 = (float(x) for x in np.percentile(values, [25, 50, 75, 90]))
    cell.p25, cell.median, cell.p75, cell.p90 = p25, p50, p75, p90
    if cell.client is not None:
        x = round(cell.client, 9)
        below, equal = float((values < x).sum()), float((values == x).sum())
        cell.rank = 100.0 * (below + 0.5 * equal) / len(values)


def _client_values(q: Questionnaire, client: Contribution, scope: str) -> dict[str, float | None]:
    groups = list(q.compare) if scope == "overall" else [scope]
    found = [client.tally(g) for g in groups]
    if any(t is None or t.respondents < DEFAULT_MIN_GROUP_SIZE for t in found):
        return {}
    per = [metrics(count_array(t, q), q) for t in found if t is not None]
    values = per[0] if len(per) == 1 else overall_metrics(per[0], per[1])
    return {k: (None if np.isnan(v) else float(v)) for k, v in values.items()}


def scopes_of(q: Questionnaire, client: Contribution) -> list[tuple[str, str]]:
    """The client's groups (declared order) and, with two compared groups, overall."""
    out = [(g.id, g.label) for g in q.groups if client.tally(g.id) is not None]
    if len(q.compare) == 2:
        out.append(("overall", _("Overall (compared groups weighed equally)")))
    return out


def shown_questionnaire(q: Questionnaire) -> Questionnaire:
    """``q`` with its labels in the reader's language when it has that translation."""
    lang = reader_language()
    if lang is None or lang == q.language or lang not in q.languages:
        return q
    return q.in_language(lang)


def place(
    q: Questionnaire,
    client: Contribution,
    stored: list[Contribution],
    rules: Rules,
    *,
    as_of: dt.date | None = None,
    exclude: str | None = None,
) -> Placement:
    """Every cell of the client placed among its admitted peers."""
    as_of = as_of or dt.date.today()
    peers = latest_waves(stored, rules, as_of, exclude)
    given = {k: v for k, v in _meta(client).items() if v}
    shown = shown_questionnaire(q)
    labels = metric_labels(shown)
    out = Placement(f"{q.id} {q.version}", exclude, as_of.isoformat(), rules, rules.describe())
    for scope_id, scope_label in scopes_of(shown, client):
        k = rules.min_respondents
        group = (
            _overall_peers(q, peers, k)
            if scope_id == "overall"
            else _group_peers(q, peers, scope_id, k)
        )
        scope = Scope(scope_id, scope_label)
        mask = _choose(group, given, rules, scope)
        out.scopes.append(scope)
        mine = _client_values(q, client, scope_id)
        for metric, label in labels.items():
            cell = Cell(scope_id, metric, label, client=mine.get(metric))
            if scope.withheld:
                cell.withheld = scope.withheld
            else:
                _fill(cell, group.values[metric][mask], rules)
            out.cells.append(cell)
    return out
