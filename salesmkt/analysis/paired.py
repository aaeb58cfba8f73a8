"""Paired waves: the same respondents before and after, matched by respondent code.

Vocabulary:
- *code*: a respondent code, normalised (case, spacing); a code used more than once in
  a wave is *doubled* and never paired.
- *pair*: a respondent whose code appears once in each wave: (total before, total
  after, group before, group after).
- *design*: ``paired`` when both waves are responses files and at least
  :data:`MIN_PAIRS` codes appear in both; ``independent`` otherwise (Mann–Whitney U on
  each group's totals, see :mod:`salesmkt.analysis.wave_changes`); ``summary`` when a
  wave is a saved assessment JSON (no per-respondent data, so no intervals or tests).
- *paired change*: the matched people's own changes in total, after − before: mean and
  median difference, Student's 95% t interval of the mean difference
  (:func:`salesmkt.analysis.statistics.intervals.t_interval`) and the Wilcoxon
  signed-rank test: its exact p-value (:func:`signed_rank_exact`, zeros dropped, ties
  given average ranks) up to :data:`EXACT_MAX_PAIRS` non-zero differences, ties or not;
  above that scipy's normal approximation with tie correction, which is then within a
  few thousandths. A group row holds the respondents who stayed in that group; fewer matched people
  than the anonymity threshold show the count only.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from salesmkt.analysis.comparison import Design, PairedChange, group_ids
from salesmkt.analysis.statistics.intervals import t_interval
from salesmkt.analysis.statistics.sample import Tally, finite
from salesmkt.definitions.questionnaire import normalise
from salesmkt.l10n import _

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from numpy.typing import NDArray

    from salesmkt.model.assessment import Assessment

    FloatArray = NDArray[np.float64]

__all__ = [
    "EXACT_MAX_PAIRS",
    "MIN_PAIRS",
    "PairRow",
    "paired_changes",
    "paired_statistics",
    "respondent_codes",
    "signed_rank_exact",
    "wave_design",
]

#: Matched respondent codes needed before the waves are analysed as pairs.
MIN_PAIRS = 2

# A matched respondent: (total before, total after, group before, group after).
PairRow = tuple[float, float, str, str]


def _normalised_codes(frame: pd.DataFrame) -> list[str]:
    """Each row's normalised respondent code ("" when it has none)."""
    if "respondent" not in frame.columns:
        return []
    out: list[str] = []
    for value in frame["respondent"].tolist():
        if value is None or (isinstance(value, float) and math.isnan(value)):
            out.append("")
            continue
        text = str(value)
        # Plain ASCII letters and digits only need their case folded (normalise's
        # Unicode and space folding leave them as they are): a third of its time.
        code = text.lower() if text.isascii() and text.isalnum() else normalise(text)
        out.append("" if code in ("nan", "none") else code)
    return out


def respondent_codes(frame: pd.DataFrame) -> dict[str, int]:
    """Normalised respondent code → frame position, codes used once only."""
    return _once(_normalised_codes(frame))


def _once(codes: list[str]) -> dict[str, int]:
    seen: dict[str, int] = {}
    doubled: set[str] = set()
    for pos, code in enumerate(codes):
        if not code:
            continue
        if code in seen:
            doubled.add(code)
        seen.setdefault(code, pos)
    return {c: p for c, p in seen.items() if c not in doubled}


def _doubled(codes: list[str]) -> int:
    # One count per code (a Counter), not a list scan per code: linear, not quadratic.
    counts = Counter(code for code in codes if code)
    return sum(1 for n in counts.values() if n > 1)


def wave_design(
    fb: pd.DataFrame | None, fa: pd.DataFrame | None
) -> tuple[Design, str, list[PairRow] | None, list[str]]:
    """The design of two waves' per-respondent tables (None: a saved assessment), in
    words, with the matched pairs when paired and notes on doubled codes."""
    if fb is None or fa is None:
        saved = {
            (True, True): _(
                "Both waves are saved assessments (JSON), which hold no per-respondent answers, "
                "so the changes are shown without confidence intervals or tests. Compare the "
                "two responses files to get them."
            ),
            (True, False): _(
                "The before wave is a saved assessment (JSON), which holds no per-respondent "
                "answers, so the changes are shown without confidence intervals or tests. "
                "Compare the two responses files to get them."
            ),
            (False, True): _(
                "The after wave is a saved assessment (JSON), which holds no per-respondent "
                "answers, so the changes are shown without confidence intervals or tests. "
                "Compare the two responses files to get them."
            ),
        }[(fb is None, fa is None)]
        return (
            "summary",
            saved,
            None,
            [],
        )
    notes: list[str] = []
    codes = {"before": _normalised_codes(fb), "after": _normalised_codes(fa)}
    for name, found in codes.items():
        doubled = _doubled(found)
        if doubled:
            twice = {
                "before": _(
                    "{n} respondent code(s) appear more than once in the before wave; "
                    "those codes are not paired."
                ),
                "after": _(
                    "{n} respondent code(s) appear more than once in the after wave; "
                    "those codes are not paired."
                ),
            }
            notes.append(twice[name].format(n=doubled))
    cb, ca = _once(codes["before"]), _once(codes["after"])
    common = sorted(set(cb) & set(ca))
    if len(common) >= MIN_PAIRS:
        return (
            "paired",
            _(
                "Paired design: {n} respondent code(s) appear in both waves ({before} coded "
                "before, {after} after); their own changes are tested with the Wilcoxon "
                "signed-rank test."
            ).format(n=len(common), before=len(cb), after=len(ca)),
            _pair_rows([(cb[c], ca[c]) for c in common], fb, fa),
            notes,
        )
    if not cb or not ca:
        why = (
            _("the before wave has no respondent codes")
            if not cb
            else _("the after wave has no respondent codes")
        )
    else:
        why = _("only {n} respondent code(s) appear in both waves").format(n=len(common))
    return (
        "independent",
        _(
            "Independent samples: {why}, so the waves are compared as separate groups of "
            "people (Mann–Whitney U test on each group's totals)."
        ).format(why=why),
        None,
        notes,
    )


def _pair_rows(pairs: list[tuple[int, int]], fb: pd.DataFrame, fa: pd.DataFrame) -> list[PairRow]:
    # Whole columns taken once and indexed by position: no per-pair frame lookup.
    at_b = np.array([pb for pb, _ in pairs], dtype=np.intp)
    at_a = np.array([pa for _, pa in pairs], dtype=np.intp)
    total_b = fb["total"].to_numpy(dtype=np.float64)[at_b].tolist()
    total_a = fa["total"].to_numpy(dtype=np.float64)[at_a].tolist()
    group_b = [str(g) for g in fb["group"].to_numpy()[at_b].tolist()]
    group_a = [str(g) for g in fa["group"].to_numpy()[at_a].tolist()]
    return list(zip(total_b, total_a, group_b, group_a, strict=True))


def paired_changes(
    rows: Sequence[PairRow],
    a: Assessment,
    b: Assessment,
    k_min: int,
    seed: int,
    n_boot: int,
) -> list[PairedChange]:
    usable = [r for r in rows if math.isfinite(r[0]) and math.isfinite(r[1])]
    out = [_paired_change("all", _("Everyone"), usable, k_min, seed, n_boot)]
    notes: list[str] = []
    hidden = len(rows) - len(usable)
    if hidden:
        notes.append(
            _("{n} matched respondent(s) left out (withheld group or not scored)").format(n=hidden)
        )
    moved = sum(1 for r in usable if r[2] != r[3])
    if moved:
        notes.append(_("{n} changed group: counted here, not in the group rows").format(n=moved))
    if notes and out[0].note is None:
        out[0].note = "; ".join(notes)
    for gid, label in group_ids(a, b):
        same = [r for r in usable if r[2] == gid and r[3] == gid]
        if same:
            out.append(_paired_change(gid, label, same, k_min, seed, n_boot))
    return out


def paired_statistics(
    before_totals: Sequence[float], after_totals: Sequence[float], *, seed: int, n_boot: int
) -> PairedChange:
    """Mean/median paired difference, bootstrap CI and Wilcoxon signed-rank test."""
    from scipy.stats import wilcoxon

    xb = np.asarray(before_totals, dtype=np.float64)
    xa = np.asarray(after_totals, dtype=np.float64)
    diff = xa - xb
    result = PairedChange(
        scope="all",
        label="",
        n=len(diff),
        mean_before=finite(xb.mean()) if len(xb) else None,
        mean_after=finite(xa.mean()) if len(xa) else None,
        mean_difference=finite(diff.mean()) if len(diff) else None,
        median_difference=finite(np.median(diff)) if len(diff) else None,
        improved=int((diff > 0).sum()),
        worsened=int((diff < 0).sum()),
        unchanged=int((diff == 0).sum()),
    )
    if len(diff):
        result.ci = t_interval((Tally.of(diff),), (1.0,))[0]
    if not np.any(diff != 0):
        result.note = _("no matched respondent's total changed, so there is nothing to test")
        return result
    if int(np.count_nonzero(diff)) <= EXACT_MAX_PAIRS:
        result.wilcoxon_statistic, result.p_value = signed_rank_exact(diff)
        return result
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            test = wilcoxon(xa, xb)
        except ValueError as exc:
            result.note = _("Wilcoxon test not estimable: {reason}").format(reason=exc)
            return result
    result.wilcoxon_statistic = finite(test.statistic)
    result.p_value = finite(test.pvalue)
    return result


#: Up to this many non-zero differences the signed-rank p-value is exact
#: (:func:`signed_rank_exact`, O(n · Σ ranks), a millisecond at 50). scipy's own default
#: is exact only without ties or zeros and falls back to the normal approximation
#: otherwise, visibly off at 14–25 pairs (0.0161 against an exact 0.0139).
EXACT_MAX_PAIRS = 50


def signed_rank_exact(diff: Sequence[float] | FloatArray) -> tuple[float, float]:
    """Wilcoxon signed-rank statistic and exact two-sided p, ties and zeros allowed.

    The same test as ``scipy.stats.wilcoxon`` (zero differences dropped, average ranks
    for ties, ``W = min(R+, R-)``, p = 2·min(P(R+ ≤ r+), P(R+ ≥ r+)) capped at 1) over
    the exact sign-flip distribution. Ranks are doubled so every sum is an integer: the
    distribution is a subset-sum count, built in O(n · Σ ranks).
    """
    from scipy.stats import rankdata

    d = np.asarray(diff, dtype=np.float64)
    d = d[d != 0]
    if len(d) == 0:
        raise ValueError("no non-zero differences")
    doubled = np.rint(2 * rankdata(np.abs(d))).astype(np.int64)
    total = int(doubled.sum())
    ways = np.zeros(total + 1, dtype=np.float64)  # ways[s]: sign patterns with 2·R+ = s
    ways[0] = 1.0
    for r in doubled:
        shifted = np.zeros_like(ways)
        shifted[r:] = ways[: total + 1 - r]
        ways += shifted
    observed = int(doubled[d > 0].sum())
    n_patterns = 2.0 ** len(d)
    p_less = ways[: observed + 1].sum() / n_patterns
    p_greater = ways[observed:].sum() / n_patterns
    p = min(1.0, 2 * min(p_less, p_greater))
    statistic = min(observed, total - observed) / 2
    return float(statistic), float(p)


def _paired_change(
    scope: str, label: str, rows: Sequence[PairRow], k_min: int, seed: int, n_boot: int
) -> PairedChange:
    if len(rows) < k_min:
        return PairedChange(
            scope=scope,
            label=label,
            n=len(rows),
            note=_("withheld: fewer matched respondents than the anonymity threshold ({k})").format(
                k=k_min
            ),
        )
    if len(rows) < MIN_PAIRS:
        return PairedChange(scope=scope, label=label, n=len(rows), note=_("too few pairs"))
    result = paired_statistics([r[0] for r in rows], [r[1] for r in rows], seed=seed, n_boot=n_boot)
    result.scope, result.label = scope, label
    return result
