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
  above that the normal approximation with tie correction of ``scipy.stats.wilcoxon``
  (:func:`signed_rank_normal`: the same bits, written out so that ``compare`` never
  imports ``scipy.stats``), which is then within a few thousandths. A group row holds
  the respondents who stayed in that group; fewer matched people than the anonymity
  threshold show the count only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from salesmkt.analysis.comparison import Design, PairedChange, group_ids
from salesmkt.analysis.statistics.intervals import t_interval
from salesmkt.analysis.statistics.ranks import average_ranks
from salesmkt.analysis.statistics.sample import Tally, finite
from salesmkt.analysis.statistics.special import ufunc
from salesmkt.definitions.questionnaire import normalise
from salesmkt.l10n import _

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from numpy.typing import NDArray

    from salesmkt.model.assessment import Assessment

    BoolArray = NDArray[np.bool_]
    FloatArray = NDArray[np.float64]
    ObjectArray = NDArray[np.object_]

__all__ = [
    "EXACT_MAX_PAIRS",
    "MIN_PAIRS",
    "PairRow",
    "Pairs",
    "WaveCodes",
    "normalised_codes",
    "paired_changes",
    "paired_statistics",
    "respondent_codes",
    "signed_rank_exact",
    "signed_rank_normal",
    "wave_codes",
    "wave_design",
]

#: Matched respondent codes needed before the waves are analysed as pairs.
MIN_PAIRS = 2

# A matched respondent: (total before, total after, group before, group after).
PairRow = tuple[float, float, str, str]


def normalised_codes(frame: pd.DataFrame) -> list[str]:
    """Each row's normalised respondent code ("" when it has none)."""
    if "respondent" not in frame.columns:
        return []
    values = frame["respondent"].tolist()
    plain = _plain_codes(values)
    if plain is not None:
        return plain
    out: list[str] = []
    for value in values:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            out.append("")
            continue
        text = str(value)
        # Plain ASCII letters and digits only need their case folded (normalise's
        # Unicode and space folding leave them as they are): a third of its time.
        code = text.lower() if text.isascii() and text.isalnum() else normalise(text)
        out.append("" if code in ("nan", "none") else code)
    return out


def _plain_codes(values: list[object]) -> list[str] | None:
    """The codes when every value is a non-empty string of ASCII letters and digits (the
    usual case), else None: a few passes in C instead of a Python step per row.

    A concatenation is ASCII and alphanumeric exactly when each non-empty piece is, and
    ASCII lower-casing works letter by letter, so lowering the joined text and splitting
    it again gives each code's ``text.lower()``, as the row-by-row path does.
    """
    try:
        joined = "".join(values)  # type: ignore[arg-type]  # TypeError: a non-string
    except TypeError:
        return None
    if not (joined.isascii() and joined.isalnum()) or "" in values:
        return None
    codes = "\n".join(values).lower().split("\n")  # type: ignore[arg-type]
    if "nan" in codes or "none" in codes:
        return ["" if c in ("nan", "none") else c for c in codes]
    return codes


def respondent_codes(frame: pd.DataFrame) -> dict[str, int]:
    """Normalised respondent code → frame position, codes used once only."""
    return wave_codes(frame).once


@dataclass(frozen=True)
class WaveCodes:
    """One wave's codes: those used once → their row (in row order), and how many codes
    are doubled; blank codes count as neither."""

    once: dict[str, int]
    doubled: int


def wave_codes(frame: pd.DataFrame) -> WaveCodes:
    """The :class:`WaveCodes` of a per-respondent table, hashed in one pass (pandas'
    factorize and a count per distinct code), not a Python step per row."""
    import pandas as pd

    codes = np.asarray(normalised_codes(frame), dtype=object)
    labels, uniques = pd.factorize(codes)
    counts = np.bincount(labels, minlength=len(uniques))
    counts[np.asarray(uniques == "", dtype=bool)] = 0  # blanks: no code at all
    at = np.flatnonzero(counts[labels] == 1)
    once = dict(zip(codes[at].tolist(), at.tolist(), strict=True))
    return WaveCodes(once, int(np.count_nonzero(counts > 1)))


def wave_design(
    fb: pd.DataFrame | None,
    fa: pd.DataFrame | None,
    codes: tuple[WaveCodes, WaveCodes] | None = None,
) -> tuple[Design, str, Pairs | None, list[str]]:
    """The design of two waves' per-respondent tables (None: a saved assessment), in
    words, with the matched pairs when paired and notes on doubled codes (``codes``: the
    two frames' :func:`wave_codes` when already at hand)."""
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
    if codes is None:
        codes = (wave_codes(fb), wave_codes(fa))
    for name, found in zip(("before", "after"), codes, strict=True):
        doubled = found.doubled
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
    cb, ca = codes[0].once, codes[1].once
    common = sorted(set(cb) & set(ca))
    if len(common) >= MIN_PAIRS:
        return (
            "paired",
            _(
                "Paired design: {n} respondent code(s) appear in both waves ({before} coded "
                "before, {after} after); their own changes are tested with the Wilcoxon "
                "signed-rank test."
            ).format(n=len(common), before=len(cb), after=len(ca)),
            _pair_rows(common, cb, ca, fb, fa),
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


@dataclass(frozen=True)
class Pairs:
    """The matched respondents in code order, as columns: total before and after (NaN:
    not scored), group before and after."""

    total_before: FloatArray
    total_after: FloatArray
    group_before: ObjectArray
    group_after: ObjectArray

    def __len__(self) -> int:
        return len(self.total_before)

    def rows(self) -> list[PairRow]:
        """One (total before, total after, group before, group after) per pair."""
        columns = (self.total_before, self.total_after, self.group_before, self.group_after)
        return list(zip(*(c.tolist() for c in columns), strict=True))


def _pair_rows(
    common: list[str], cb: dict[str, int], ca: dict[str, int], fb: pd.DataFrame, fa: pd.DataFrame
) -> Pairs:
    # Whole columns taken once and indexed by position: no per-pair frame lookup.
    at_b = np.fromiter(map(cb.__getitem__, common), dtype=np.intp, count=len(common))
    at_a = np.fromiter(map(ca.__getitem__, common), dtype=np.intp, count=len(common))
    return Pairs(
        fb["total"].to_numpy(dtype=np.float64)[at_b],
        fa["total"].to_numpy(dtype=np.float64)[at_a],
        _as_text(fb["group"].to_numpy()[at_b]),
        _as_text(fa["group"].to_numpy()[at_a]),
    )


def _as_text(values: Any) -> ObjectArray:
    out: ObjectArray = np.empty(len(values), dtype=object)
    out[:] = [str(g) for g in values.tolist()]
    return out


def paired_changes(
    pairs: Pairs,
    a: Assessment,
    b: Assessment,
    k_min: int,
    seed: int,
    n_boot: int,
) -> list[PairedChange]:
    """The paired change of everyone matched, then of those who stayed in each group."""
    usable = np.isfinite(pairs.total_before) & np.isfinite(pairs.total_after)
    out = [_paired_change("all", _("Everyone"), pairs, usable, k_min, seed, n_boot)]
    notes: list[str] = []
    hidden = len(pairs) - int(np.count_nonzero(usable))
    if hidden:
        notes.append(
            _("{n} matched respondent(s) left out (withheld group or not scored)").format(n=hidden)
        )
    moved = int(np.count_nonzero(usable & (pairs.group_before != pairs.group_after)))
    if moved:
        notes.append(_("{n} changed group: counted here, not in the group rows").format(n=moved))
    if notes and out[0].note is None:
        out[0].note = "; ".join(notes)
    for gid, label in group_ids(a, b):
        same = usable & (pairs.group_before == gid) & (pairs.group_after == gid)
        if np.any(same):
            out.append(_paired_change(gid, label, pairs, same, k_min, seed, n_boot))
    return out


def paired_statistics(
    before_totals: Sequence[float] | FloatArray,
    after_totals: Sequence[float] | FloatArray,
    *,
    seed: int,
    n_boot: int,
) -> PairedChange:
    """Mean/median paired difference, bootstrap CI and Wilcoxon signed-rank test."""
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
    statistic, p = signed_rank_normal(diff)
    result.wilcoxon_statistic, result.p_value = finite(statistic), finite(p)
    return result


def signed_rank_normal(diff: FloatArray) -> tuple[float, float]:
    """Wilcoxon signed-rank statistic and two-sided p by the normal approximation with
    tie correction, no continuity correction: ``scipy.stats.wilcoxon(xa, xb)`` with its
    defaults for more than 50 pairs (``diff = xa - xb``), same bits.

    The same steps in the same order as scipy 1.17's ``_wilcoxon_statistic`` (zero
    method "wilcox": zeros become NaN, ranked last and left out of the count) and its
    two-sided p ``2·ndtr(−|z|)``; without importing ``scipy.stats`` (about a second).
    """
    ndtr = ufunc("ndtr")
    d = np.where(diff == 0, np.nan, diff)
    count = np.float64(d.shape[-1] - np.count_nonzero(np.isnan(d)))
    ranks, ties = average_ranks(np.abs(d))
    r_plus = np.sum((d > 0).astype(np.float64) * ranks)
    r_minus = np.sum((d < 0).astype(np.float64) * ranks)
    mn = count * (count + 1.0) * 0.25
    se = count * (count + 1.0) * (2.0 * count + 1.0)
    tie_correct = np.sum(ties**3 - ties)
    se = np.sqrt((se - tie_correct / 2) / 24)
    z = (r_plus - mn) / se
    p = 2 * ndtr(-np.abs(z))
    return float(np.minimum(r_plus, r_minus)), float(p)


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
    d = np.asarray(diff, dtype=np.float64)
    d = d[d != 0]
    if len(d) == 0:
        raise ValueError("no non-zero differences")
    doubled = np.rint(2 * average_ranks(np.abs(d))[0]).astype(np.int64)
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
    scope: str,
    label: str,
    pairs: Pairs,
    chosen: BoolArray,
    k_min: int,
    seed: int,
    n_boot: int,
) -> PairedChange:
    n = int(np.count_nonzero(chosen))
    if n < k_min:
        return PairedChange(
            scope=scope,
            label=label,
            n=n,
            note=_("withheld: fewer matched respondents than the anonymity threshold ({k})").format(
                k=k_min
            ),
        )
    if n < MIN_PAIRS:
        return PairedChange(scope=scope, label=label, n=n, note=_("too few pairs"))
    # The chosen pairs in code order, as the row-by-row lists were.
    result = paired_statistics(
        pairs.total_before[chosen], pairs.total_after[chosen], seed=seed, n_boot=n_boot
    )
    result.scope, result.label = scope, label
    return result
