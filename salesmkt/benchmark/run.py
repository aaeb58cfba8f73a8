"""One call from a checked responses table to its placement: what ``benchmark show``
does, and what the report and the deck call when a store is given.

Vocabulary as in :mod:`salesmkt.benchmark.placement`; ``store`` is a store URL (None:
``$SALESMKT_STORE``, else the embedded default).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from salesmkt.benchmark.admission import DEFAULT_RULES, Rules
from salesmkt.benchmark.aggregates import Metadata, contribution_from_table
from salesmkt.benchmark.placement import Placement, place

if TYPE_CHECKING:
    from salesmkt.intake.responses import ResponseTable

__all__ = ["benchmark_for"]


def benchmark_for(
    table: ResponseTable,
    store: str | None,
    *,
    client: str | None = None,
    meta: Metadata | None = None,
    rules: Rules = DEFAULT_RULES,
    as_of: dt.date | None = None,
) -> Placement:
    """Place one responses table among the admitted peers of the store (read only)."""
    from salesmkt.benchmark.store import open_store  # SQLAlchemy only when it runs

    rules = rules.checked()
    when = as_of or dt.date.today()
    meta = meta or Metadata(collected=when.isoformat())
    mine = contribution_from_table(table, client or "this client", None, meta)
    q = table.questionnaire
    opened = open_store(store)
    try:
        window = (rules.oldest(when), when)
        stored = opened.contributions((q.id, q.version), window=window, latest_only=True)
    finally:
        opened.close()
    return place(q, mine, stored, rules, as_of=when, exclude=client)
