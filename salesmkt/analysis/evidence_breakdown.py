"""Funnel figures per origin, source, segment and period, and forecast accuracy.

Vocabulary:
- *breakdown*: the lead figures (volumes and rates) and the opportunity figures (win
  rate, pipeline, closed-won) recomputed on the records of one *value*: an origin
  (marketing-, sales-sourced, other), a lead source, a segment, or a *period*, the
  calendar quarter the record was created in (``2025-Q3``, UTC). At most
  :data:`MAX_VALUES` values are listed per breakdown, the most frequent first; the rest
  are pooled as ``(other values)``. Counts per value are ``numpy.bincount`` over the
  value codes: one pass per flag, whatever the number of values.
- *forecast accuracy*: per forecast period, the closed-won amount of the opportunities
  whose close date falls in it, against the forecast; the *error* is
  |actual − forecast| / forecast, and ``forecast_error`` is its mean over the periods
  (MAPE) with a 95% percentile-bootstrap interval over periods (seeded). Fewer than
  :data:`MIN_PERIODS` periods are *small*.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from salesmkt.analysis import evidence as ev
from salesmkt.definitions.metrics import CATALOGUE
from salesmkt.intake.evidence.read import ORIGINS, CrmData
from salesmkt.l10n import N_, _, ngettext
from salesmkt.model.evidence import Breakdown, Figure, PeriodForecast

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

    Codes = tuple[npt.NDArray[np.intp], list[str]]

MAX_VALUES = 12
MIN_PERIODS = 4
OTHER = "(other values)"
By = Literal["origin", "source", "segment", "period"]


def text_codes(values: pd.Series) -> Codes:
    """Codes and labels of a text column (stripped; the rarest pooled as OTHER)."""
    import numpy as np
    import pandas as pd

    codes, raw = pd.factorize(values, use_na_sentinel=False)
    labels = [str(u).strip() or "(blank)" for u in raw]
    merged, names = pd.factorize(pd.Series(labels, dtype=object), use_na_sentinel=False)
    codes = merged[codes]
    counts = np.bincount(codes, minlength=len(names))
    keep = np.argsort(-counts, kind="stable")[:MAX_VALUES]
    if len(names) <= MAX_VALUES:
        return codes, [str(n) for n in names]
    remap = np.full(len(names), len(keep))
    remap[keep] = np.arange(len(keep))
    return remap[codes], [str(names[k]) for k in keep] + [OTHER]


def quarter_codes(dates: pd.Series) -> Codes:
    """Codes and labels ``2025-Q3`` of the quarter of each date (UTC); ``(no date)``."""
    import numpy as np
    import pandas as pd

    key = (dates.dt.year * 4 + dates.dt.quarter - 1).fillna(-1).astype(int).to_numpy()
    codes, uniques = pd.factorize(key, sort=True)
    labels = [f"{k // 4}-Q{k % 4 + 1}" if k >= 0 else "(no date)" for k in uniques]
    return np.asarray(codes), labels


def origin_codes(origin: pd.Series) -> Codes:
    import numpy as np

    return np.asarray(origin.to_numpy(dtype=int)), list(ORIGINS)


def _sums(codes: npt.NDArray[np.intp], size: int, column: pd.Series) -> list[float]:
    import numpy as np

    weights = column.to_numpy(dtype=float)
    return [float(x) for x in np.bincount(codes, weights=weights, minlength=size)]


def lead_breakdowns(data: CrmData, sla_hours: float, min_n: int) -> list[Breakdown]:
    if data.leads is None:
        return []
    leads = data.leads
    flags = ev.lead_flags(leads, sla_hours)
    columns = [c for c in flags.columns if c != "hours"]
    keys: list[tuple[By, Codes]] = [
        ("origin", origin_codes(leads["origin"])),
        ("source", text_codes(leads["source"])),
    ]
    if bool((leads["segment"] != "").any()):
        keys.append(("segment", text_codes(leads["segment"])))
    keys.append(("period", quarter_codes(leads["created"])))
    out = []
    for by, (codes, labels) in keys:
        table = {c: _sums(codes, len(labels), flags[c]) for c in columns}
        for i, label in enumerate(labels):
            sums = {c: int(table[c][i]) for c in columns}
            if sums["all"]:
                figures = ev.lead_figures(sums, min_n, data.has_first_touch)
                out.append(Breakdown(by=by, records="leads", value=label, figures=figures))
    return out


def opportunity_breakdowns(data: CrmData, min_n: int) -> list[Breakdown]:
    if data.opportunities is None:
        return []
    opps = data.opportunities
    closed = opps["closed"]
    won = opps["won"] & closed
    columns = {
        "closed": closed,
        "won": won,
        "won_amount": opps["amount"].where(won, 0.0),
        "pipeline": opps["amount"].where(~closed, 0.0),
        "all": closed | ~closed,
    }
    keys: list[tuple[By, Codes]] = [
        ("origin", origin_codes(opps["origin"])),
        ("source", text_codes(opps["source"])),
        ("period", quarter_codes(opps["created"])),
    ]
    out = []
    for by, (codes, labels) in keys:
        table = {c: _sums(codes, len(labels), v) for c, v in columns.items()}
        for i, label in enumerate(labels):
            if table["all"][i]:
                figures = _opportunity_figures({c: table[c][i] for c in columns}, min_n)
                out.append(Breakdown(by=by, records="opportunities", value=label, figures=figures))
    return out


def _opportunity_figures(sums: dict[str, float], min_n: int) -> list[Figure]:
    pipeline = Figure(
        metric="pipeline", label=_("Open pipeline"), kind="amount", value=sums["pipeline"]
    )
    return [
        ev.count("lead_volume", sums["all"]).model_copy(
            update={"metric": "opportunities", "label": _("Opportunities")}
        ),
        ev.rate("win_rate", int(sums["won"]), int(sums["closed"]), min_n),
        pipeline,
        ev.count("won_amount", sums["won_amount"]),
    ]


def forecast_periods(data: CrmData) -> list[PeriodForecast]:
    """Forecast against closed-won per period given in the forecast export."""
    if data.forecast is None or data.opportunities is None:
        return []
    opps = data.opportunities
    won = opps[opps["won"] & opps["closed"] & opps["close_date"].notna()]
    close = won["close_date"]
    month = close.dt.year.astype(str) + "-" + close.dt.month.map("{:02d}".format)
    actual = won["amount"].groupby(month).sum().to_dict()
    q_codes, q_labels = quarter_codes(close)
    for i, label in enumerate(q_labels):
        actual[label] = float(won["amount"].to_numpy()[q_codes == i].sum())
    out = []
    for period, forecast in data.forecast.groupby("period", sort=True)["forecast"].sum().items():
        got = float(actual.get(period, 0.0))
        error = abs(got - forecast) / forecast if forecast > 0 else None
        out.append(
            PeriodForecast(period=str(period), forecast=float(forecast), actual=got, error=error)
        )
    return out


def forecast_error(periods: list[PeriodForecast], seed: int = 2006, n_boot: int = 2000) -> Figure:
    """MAPE over the periods, with a seeded percentile-bootstrap interval over periods."""
    import numpy as np

    info = CATALOGUE["forecast_error"]
    errors = np.array([p.error for p in periods if p.error is not None], dtype=float)
    if len(errors) == 0:
        return ev.missing("forecast_error", N_("no forecast export, or no period with a forecast"))
    ci = None
    if len(errors) >= 2:
        rng = np.random.default_rng(seed)
        draws = errors[rng.integers(0, len(errors), size=(n_boot, len(errors)))].mean(axis=1)
        ci = (float(np.percentile(draws, 2.5)), float(np.percentile(draws, 97.5)))
    return Figure(
        metric=info.id,
        label=info.name(),
        kind=info.kind,
        value=float(errors.mean()),
        ci=ci,
        denominator=len(errors),
        small=len(errors) < MIN_PERIODS,
        note=ngettext("over {n} period", "over {n} periods", len(errors)).format(n=len(errors)),
    )
