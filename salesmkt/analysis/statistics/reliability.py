"""Reliability: Cronbach's alpha of a scale, with corrected item-total correlations.

Vocabulary:
- *alpha*: k / (k - 1) * (1 - sum(var_i) / var_total), variances with ddof = 1, over the
  respondents who answered every item (**listwise** deletion: alpha compares variances
  that must come from the same people, so a row with any NaN is dropped).
- *corrected item-total correlation* (``item_total_r``): the Pearson correlation of an
  item with the sum of the *other* items; *alpha if dropped*: alpha of the scale
  without that item. Either is None when the item or the rest has no variance, and
  alpha if dropped also when only one item would remain.
- *not estimable*: fewer than 2 items or 2 complete respondents, or every complete
  respondent with the same total; alpha is None and ``not_estimable`` says why.
- *pooled within-group alpha*: alpha of the covariance matrix pooled within groups,
  C_w = sum_g SSCP_g / (N - G) with SSCP_g each group's cross-products about its own
  means. A difference between the group means then adds nothing: alpha of answers
  pooled across groups whose means differ would count that difference as agreement
  between items (two constant groups would give alpha = 1).
- *Feldt interval*: the 95% interval of alpha from its F distribution (Feldt, Woodruff
  & Salih 1987): [1 - (1 - a) F(0.975; d1, d2), 1 - (1 - a) F(0.025; d1, d2)] with
  d1 = the covariance's degrees of freedom (n - 1, or N - G pooled within groups) and
  d2 = d1 (k - 1); as ``pingouin.cronbach_alpha`` computes it for one group.
- *omega*: McDonald's omega total of the unit-weighted sum under one common factor:
  (sum lambda)^2 / ((sum lambda)^2 + sum psi), the loadings lambda and unique variances
  psi of a one-factor model fitted to the item correlations by iterated principal axes
  (starting from squared multiple correlations, communalities kept below 1) and put back
  on the items' own scale (lambda_i * sd_i, psi_i * sd_i^2).
- *moments*: the sufficient statistics of complete answer sets (count, sums and
  cross-products, :class:`Moments`). Large data go through them instead of
  :func:`cronbach_alpha`, whose per-item copies of the matrix cost 6 s at 100,000
  respondents; both give the same figures. Moments of different groups add up, so the
  pooled figure costs nothing extra.

Both paths return the assessment's own
:class:`~salesmkt.model.assessment.ReliabilityResult` (``scope`` names whose answers
they are). Whether alpha is below the floor is its ``below_floor`` property; the
sentence that warns a reader, and the minimum number of answer sets worth reporting,
belong to :mod:`salesmkt.analysis.quality`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from salesmkt.analysis.statistics.sample import as_matrix, finite, join_reasons
from salesmkt.analysis.statistics.special import ufunc
from salesmkt.l10n import _
from salesmkt.model.assessment import ItemTotalStat, ReliabilityResult

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray

    FloatArray = NDArray[np.float64]
    IntArray = NDArray[np.int64]
    BoolArray = NDArray[np.bool_]
    UIntArray = NDArray[np.uint64]

__all__ = [
    "Moments",
    "alpha_from_cov",
    "alpha_from_moments",
    "answered_cells",
    "block_moments",
    "cronbach_alpha",
    "feldt_interval",
    "gather_moments",
    "none_missing",
    "omega_total",
    "omega_totals",
    "pack_missing",
    "within_group_cov",
]

# Iterated principal axes: at most this many rounds, and this change in communalities
# counts as converged. A weak structure over three or four items can take several
# hundred rounds (about 20 microseconds each); a fit that has not converged by then
# gives no omega: a structure that weak has no common factor worth the name.
_PAF_ROUNDS = 500
_PAF_TOL = 1e-9
# A communality is kept below this: 1 would be a Heywood case (no unique variance).
_MAX_COMMUNALITY = 0.995
#: Omega is fitted up to this many items: each round of the factor fit is an eigen
#: decomposition of a k x k matrix, seconds at k = 2000, and a questionnaire that long is
#: no workshop instrument.
OMEGA_MAX_ITEMS = 200

# Respondents gathered at a time for the moments, and rows per cross-product. Measured
# with numpy's OpenBLAS on a busy 2-core machine: (k × m)(m × k) products with m ≤ 1024
# rows run single-threaded at about 25 ms per million rows, while one product over
# 100,000 rows took from 0.2 to 3.5 s. Small products keep it fast and predictable
# without touching any thread setting.
_GATHER_ROWS = 16_384
_PRODUCT_ROWS = 512
# Whole-number answers less a shift that is a multiple of 1/2 are multiples of 1/2, their
# products and every sum of them multiples of 1/4: exact in float64 (the sums' order
# cannot change a bit) and in float32 too while below 2**24 of those units. Such chunks are
# multiplied in float32 (_exact_sums), with a column of ones for the sums: half the
# memory traffic of float64 and one product instead of a product and a sum, for the
# same bits. Rows per float32 product: at most this many, fewer when the answers are
# far from the shift.
_EXACT_ROWS = 4_096
# OpenBLAS multiplies in one thread while m·n·k stays at or below 2**18 (65,536 × its
# default GEMM_MULTITHREAD_THRESHOLD of 4) and wakes its threads for every larger
# product. A whole 20-item scale's (21 × 4,096)(4,096 × 21) products were above that:
# some 1,600 small products at a million respondents, each waking a thread that spins
# for the core when the machine is busy (score_table 0.7-5.2 CPU s at load 6, against
# 0.3 in one thread). So the rows per product are capped to stay in one thread, as
# _PRODUCT_ROWS does for the float64 products; the sums are exact, so no bit changes.
# Other BLAS libraries may split differently: only the speed depends on it.
_ONE_THREAD_PRODUCT = 1 << 18
# ... but never fewer rows than this (a long questionnaire's products are big enough
# for threads to pay), unless exactness asks for fewer.
_MIN_PRODUCT_ROWS = 64
_F32_UNITS = 1 << 24
_F64_UNITS = 1 << 53
# Answers and shift are held exactly in float32 below this (2**24 halves).
_F32_HALVES = 1 << 23


# -- from the answer matrix ----------------------------------------------------------------


def _alpha_of(cols: FloatArray) -> float | None:
    """Cronbach's alpha of complete data (rows x k), None when k < 2 or no total variance."""
    import numpy as np

    k = cols.shape[1]
    if k < 2 or cols.shape[0] < 2:
        return None
    item_vars = cols.var(axis=0, ddof=1)
    total_var = float(cols.sum(axis=1).var(ddof=1))
    if total_var <= 0.0:
        return None
    return finite(k / (k - 1) * (1.0 - float(np.sum(item_vars)) / total_var))


def _pearson(a: FloatArray, b: FloatArray) -> float | None:
    da = a - a.mean()
    db = b - b.mean()
    saa = float(da @ da)
    sbb = float(db @ db)
    if saa <= 0.0 or sbb <= 0.0:
        return None
    r = finite(float(da @ db) / math.sqrt(saa * sbb))
    return None if r is None else max(-1.0, min(1.0, r))


def cronbach_alpha(
    matrix: ArrayLike, item_ids: Sequence[str], *, scope: str = "pooled"
) -> ReliabilityResult:
    """Cronbach's alpha with corrected item-total correlations and alpha-if-dropped.

    Rows with any missing answer are dropped first (listwise deletion); ``n`` counts the
    complete rows that remain. ``scope`` is copied into the result.
    """
    import numpy as np

    data = as_matrix(matrix)
    k = data.shape[1]
    if len(item_ids) != k:
        raise ValueError(f"{len(item_ids)} item ids for a matrix with {k} columns")
    complete = data[~np.isnan(data).any(axis=1)]
    n = int(complete.shape[0])
    excluded = int(data.shape[0]) - n
    items = [_item_total(complete, i, str(item_id)) for i, item_id in enumerate(item_ids)]
    out = ReliabilityResult(scope=scope, n=n, items=items)

    reasons: list[str] = []
    if k < 2:
        reasons.append(_("not estimable: fewer than 2 items"))
    if n < 2:
        dropped = _(" (listwise deletion dropped {n})").format(n=excluded) if excluded else ""
        reasons.append(
            _("not estimable: fewer than 2 complete respondents{dropped}").format(dropped=dropped)
        )
    if reasons:
        out.not_estimable = join_reasons(reasons)
        return out

    out.alpha = _alpha_of(complete)
    if out.alpha is None:
        out.not_estimable = _("not estimable: every complete respondent has the same total score")
    return out


def _item_total(complete: FloatArray, i: int, item_id: str) -> ItemTotalStat:
    import numpy as np

    n, k = complete.shape
    out = ItemTotalStat(item=item_id)
    if n < 2 or k < 2:
        return out
    rest = np.delete(complete, i, axis=1)
    out.item_total_r = _pearson(complete[:, i], rest.sum(axis=1))
    if k - 1 >= 2:
        out.alpha_if_dropped = _alpha_of(rest)
    return out


# -- from moments ----------------------------------------------------------------------------


@dataclass
class Moments:
    """Sufficient statistics of complete answer sets: n, sums and cross-products.

    Values are shifted by a common constant first (the scale midpoint), so moments of
    different groups simply add up, and integer answers keep every sum exact. ``rows``
    counts the respondents looked at, complete or not.
    """

    n: int
    rows: int
    s1: FloatArray
    s2: FloatArray

    @property
    def cov(self) -> FloatArray:
        out: FloatArray = self.sscp / (self.n - 1)
        return out

    @property
    def sscp(self) -> FloatArray:
        """Cross-products about the group's own means."""
        import numpy as np

        out: FloatArray = self.s2 - np.outer(self.s1, self.s1) / self.n
        return out

    def __add__(self, other: Moments) -> Moments:
        return Moments(
            self.n + other.n, self.rows + other.rows, self.s1 + other.s1, self.s2 + other.s2
        )


def answered_cells(items: NDArray[Any], valid: BoolArray | None) -> BoolArray:
    """Which answers are there (finite and, with ``valid``, marked valid), cell by cell.

    Integer answers are always finite, so with ``valid`` the answer is ``valid`` itself
    (not a copy: callers only read it)."""
    import numpy as np

    whole = items.dtype.kind in "iub"
    if whole and valid is not None and valid.dtype == np.bool_ and valid.shape == items.shape:
        return valid
    out: BoolArray = np.isfinite(items)
    if valid is not None:
        out &= valid
    return out


def pack_missing(missing: BoolArray) -> UIntArray:
    """Each row's missing cells as bits (respondents x words, bit j % 64 of word j // 64
    set when item j is missing): which items a respondent skipped, in a few bytes."""
    import numpy as np

    words = max(1, -(-missing.shape[1] // 64))
    packed = np.packbits(missing, axis=1, bitorder="little")
    out = np.zeros((missing.shape[0], words * 8), dtype=np.uint8)
    out[:, : packed.shape[1]] = packed
    bits: UIntArray = out.view(np.dtype("<u8"))
    return bits


def none_missing(bits: UIntArray, cols: Sequence[int]) -> BoolArray:
    """Which rows of :func:`pack_missing`'s ``bits`` miss none of the items ``cols``."""
    import numpy as np

    masks = [0] * bits.shape[1]
    for j in cols:
        masks[j // 64] |= 1 << (j % 64)
    out: BoolArray = np.ones(bits.shape[0], dtype=bool)
    for w, mask in enumerate(masks):
        if mask:
            out &= (bits[:, w] & np.uint64(mask)) == 0
    return out


def gather_moments(
    items: NDArray[Any], rows: IntArray, complete: BoolArray, shift: float
) -> Moments:
    """Moments of the complete answer sets among ``rows`` (respondents of one group).

    Rows are gathered _GATHER_ROWS at a time and multiplied _PRODUCT_ROWS at a time (see
    there), so memory stays small and no big matrix product is ever handed to BLAS.
    """
    keep = rows[complete[rows]]

    def chunks() -> Iterator[NDArray[Any]]:
        for start in range(0, keep.size, _GATHER_ROWS):
            yield items[keep[start : start + _GATHER_ROWS]]

    found = _exact_columns(items, keep, None, shift)
    s1, s2 = found if found is not None else _summed(chunks, items.shape[1], shift)
    return Moments(int(keep.size), int(rows.size), s1, s2)


def block_moments(items: NDArray[Any], keep: IntArray, cols: list[int], shift: float) -> Moments:
    """Moments of the rows ``keep`` (all complete) over the columns ``cols``: the figures
    of :func:`gather_moments` on a float64 copy of ``items[:, cols]``, without the copy."""
    import numpy as np

    columns = np.asarray(cols, dtype=np.int64)

    def chunks() -> Iterator[NDArray[Any]]:
        for start in range(0, keep.size, _GATHER_ROWS):
            yield items[np.ix_(keep[start : start + _GATHER_ROWS], columns)]

    found = _exact_columns(items, keep, cols, shift)
    s1, s2 = found if found is not None else _summed(chunks, len(cols), shift)
    return Moments(int(keep.size), int(keep.size), s1, s2)


def _summed(
    chunks: Callable[[], Iterable[NDArray[Any]]], k: int, shift: float
) -> tuple[FloatArray, FloatArray]:
    """Sums and cross-products of the rows of ``chunks()`` less ``shift``, chunk by chunk
    (each chunk a new array, which this may change): exactly, in float32, when the chunks
    hold whole numbers near enough the shift (_EXACT_ROWS), else in float64."""
    exact = _exact_sums(chunks(), k, shift)
    return exact if exact is not None else _float_sums(chunks(), k, shift)


def _float_sums(
    chunks: Iterable[NDArray[Any]], k: int, shift: float
) -> tuple[FloatArray, FloatArray]:
    import numpy as np

    s1 = np.zeros(k)
    s2 = np.zeros((k, k))
    for chunk in chunks:
        # Every chunk is a new array (gathered by an index), so a C-ordered float64 one
        # takes the shift in place: the same values, without a second array each time.
        if chunk.dtype == np.float64 and chunk.flags.c_contiguous:
            dev = np.subtract(chunk, shift, out=chunk)
        else:
            dev = np.subtract(chunk, shift, order="C", dtype=np.float64)
        s1 += dev.sum(axis=0)
        for lo in range(0, dev.shape[0], _PRODUCT_ROWS):
            part = dev[lo : lo + _PRODUCT_ROWS]
            s2 += part.T @ part
    return s1, s2


def _product_rows(k: int, exact: int) -> int:
    """Rows per float32 product of a block of ``k`` answer columns and the column of
    ones: at most :data:`_EXACT_ROWS` and ``exact`` (the most whose sums stay exact),
    and few enough for one thread (:data:`_ONE_THREAD_PRODUCT`), not below
    :data:`_MIN_PRODUCT_ROWS` for that."""
    one_thread = max(_MIN_PRODUCT_ROWS, _ONE_THREAD_PRODUCT // ((k + 1) * (k + 1)))
    return min(_EXACT_ROWS, exact, one_thread)


# The variables OpenBLAS reads for its thread count when it loads, in its order: the
# first set to a positive number decides.
_BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")


def _one_blas_thread() -> bool:
    """Whether the environment tells OpenBLAS to use one thread (the console script sets
    ``OPENBLAS_NUM_THREADS=1`` before numpy loads it, unless the user set one of these).
    Read as OpenBLAS reads it; anything unreadable counts as threads. Only the speed
    depends on it: a variable changed after numpy's import wakes threads for the larger
    products, as before the eleventh round, with the same exact sums."""
    import os

    for name in _BLAS_THREAD_VARIABLES:
        value = os.environ.get(name, "").strip()
        if value.isdigit() and int(value) > 0:
            return int(value) == 1
    return False


def _rows_per_product(k: int, exact: int, one_thread: bool) -> int:
    """Rows per float32 product: :func:`_product_rows`, or with one BLAS thread
    (``one_thread``, see :func:`_one_blas_thread`) no thread cap, as no product can wake
    a thread: up to :data:`_EXACT_ROWS` rows, a quarter fewer products' cost at 20 items
    (0.55 against 0.77 CPU ms per 16,384 rows, measured in one thread)."""
    if one_thread:
        return min(_EXACT_ROWS, exact)
    return _product_rows(k, exact)


def _exact_sums(
    chunks: Iterable[NDArray[Any]], k: int, shift: float
) -> tuple[FloatArray, FloatArray] | None:
    """:func:`_float_sums`' figures from float32 products (see _EXACT_ROWS), or None when
    a chunk does not hold whole numbers near enough the shift for every sum to be exact."""
    import numpy as np

    if not (2.0 * shift).is_integer() or not abs(shift) < _F32_HALVES:
        return None
    # The sums' unit: 1 when the shift is whole, else 1/4 (a step of 1 is 4 units).
    units = 1 if shift.is_integer() else 4
    acc = np.zeros((k + 1, k + 1))
    n = 0
    one_thread = _one_blas_thread()
    for chunk in chunks:
        if chunk.dtype.kind not in "iu" or chunk.ndim != 2 or chunk.shape[1] != k:
            return None
        if chunk.size == 0:
            continue
        top, bottom = float(chunk.max()), float(chunk.min())
        far = max(abs(top - shift), abs(bottom - shift), 1.0)
        per_row = int(far * far * units)  # the largest |product|, in units (a whole number)
        rows = _rows_per_product(k, (_F32_UNITS - 1) // per_row, one_thread)
        n += chunk.shape[0]
        if max(abs(top), abs(bottom)) >= _F32_HALVES or rows < 1 or n * per_row >= _F64_UNITS:
            return None
        dev = np.empty((chunk.shape[0], k + 1), dtype=np.float32)
        np.subtract(chunk, np.float32(shift), out=dev[:, :k], dtype=np.float32)
        dev[:, k] = 1.0
        for lo in range(0, dev.shape[0], rows):
            part = dev[lo : lo + rows]
            acc += part.T @ part
    return acc[k, :k].copy(), acc[:k, :k].copy()


def _exact_columns(
    items: NDArray[Any], keep: IntArray, cols: Sequence[int] | None, shift: float
) -> tuple[FloatArray, FloatArray] | None:
    """:func:`_exact_sums` of the rows ``keep`` of ``items`` (of its columns ``cols``;
    None: all), gathered column by column: the same chunks of rows, the same checks and
    so the same exact sums, or None where :func:`_exact_sums` gives None.

    Scoring's answers are Fortran-ordered, so each item's answers lie side by side: a
    chunk is gathered as items × rows from those columns and shifted into a float32
    block of the same shape, whose rows are contiguous. For a dimension's few columns
    this halves the time of a two-dimensional ``np.ix_`` gather; for all columns it
    costs the same as a gather of whole rows. Every sum is exact (see _EXACT_ROWS), so
    the products' layout and order change no bit.
    """
    import numpy as np

    if items.dtype.kind not in "iu" or items.ndim != 2:
        return None
    if not (2.0 * shift).is_integer() or not abs(shift) < _F32_HALVES:
        return None
    units = 1 if shift.is_integer() else 4
    columns = items.T
    k = items.shape[1] if cols is None else len(cols)
    acc = np.zeros((k + 1, k + 1))
    n = 0
    one_thread = _one_blas_thread()
    for start in range(0, keep.size, _GATHER_ROWS):
        idx = keep[start : start + _GATHER_ROWS]
        if cols is None:
            chunk = columns.take(idx, axis=1)
        else:
            chunk = np.empty((k, idx.size), dtype=items.dtype)
            for r, j in enumerate(cols):
                columns[j].take(idx, out=chunk[r])
        if chunk.size == 0:
            continue
        top, bottom = float(chunk.max()), float(chunk.min())
        far = max(abs(top - shift), abs(bottom - shift), 1.0)
        per_row = int(far * far * units)  # as in _exact_sums
        rows = _rows_per_product(k, (_F32_UNITS - 1) // per_row, one_thread)
        n += idx.size
        if max(abs(top), abs(bottom)) >= _F32_HALVES or rows < 1 or n * per_row >= _F64_UNITS:
            return None
        dev = np.empty((k + 1, idx.size), dtype=np.float32)
        np.subtract(chunk, np.float32(shift), out=dev[:k], dtype=np.float32)
        dev[k] = 1.0
        for lo in range(0, idx.size, rows):
            part = dev[:, lo : lo + rows]
            acc += part @ part.T
    return acc[k, :k].copy(), acc[:k, :k].copy()


def alpha_from_moments(
    m: Moments, item_ids: Sequence[str], *, scope: str = "pooled"
) -> ReliabilityResult:
    """:func:`cronbach_alpha`'s figures from the item covariance matrix C (ddof = 1).

    Needs ``m.n >= 2`` and 2 items or more (see :func:`alpha_from_cov`).
    """
    return alpha_from_cov(m.cov, m.n, item_ids, scope=scope)


def within_group_cov(groups: Sequence[Moments]) -> tuple[FloatArray, int, int] | None:
    """The covariance pooled within groups, sum_g SSCP_g / (N - G), with N (complete
    respondents) and its degrees of freedom N - G; None when N - G < 1. Groups without
    a complete respondent count for nothing."""
    used = [m for m in groups if m.n >= 1]
    n = sum(m.n for m in used)
    df = n - len(used)
    if not used or df < 1:
        return None
    sscp = used[0].sscp
    for m in used[1:]:
        sscp = sscp + m.sscp
    return sscp / df, n, df


def alpha_from_cov(
    cov: FloatArray, n: int, item_ids: Sequence[str], *, scope: str = "pooled"
) -> ReliabilityResult:
    """Cronbach's alpha and the item diagnostics from a k x k covariance matrix C.

    The total's variance is sum(C); item i's covariance with the sum of the others is
    rowsum_i − C_ii, and that rest-sum's variance is sum(C) − 2 rowsum_i + C_ii. One
    k × k matrix replaces k copies of the data.
    """
    k = len(item_ids)
    out = ReliabilityResult(scope=scope, n=n)
    if k < 2:
        out.items = [ItemTotalStat(item=str(i)) for i in item_ids]
        out.not_estimable = _("not estimable: fewer than 2 items")
        return out
    var = [float(cov[i, i]) for i in range(k)]
    rowsum = [float(v) for v in cov.sum(axis=1)]
    total_var = float(cov.sum())
    var_sum = sum(var)
    for i, item_id in enumerate(item_ids):
        entry = ItemTotalStat(item=str(item_id))
        var_rest = total_var - 2.0 * rowsum[i] + var[i]
        if var[i] > 0.0 and var_rest > 0.0:
            r = (rowsum[i] - var[i]) / math.sqrt(var[i] * var_rest)
            entry.item_total_r = max(-1.0, min(1.0, r)) if math.isfinite(r) else None
        if k - 1 >= 2 and var_rest > 0.0:
            value = (k - 1) / (k - 2) * (1.0 - (var_sum - var[i]) / var_rest)
            entry.alpha_if_dropped = value if math.isfinite(value) else None
        out.items.append(entry)
    if total_var <= 0.0:
        out.not_estimable = _("not estimable: every complete respondent has the same total score")
        return out
    alpha = k / (k - 1) * (1.0 - var_sum / total_var)
    out.alpha = alpha if math.isfinite(alpha) else None
    return out


def feldt_interval(
    alpha: float, df: int, k: int, level: float = 0.95
) -> tuple[float, float] | None:
    """Feldt's interval of alpha (see the module docstring); None when df < 1 or k < 2."""
    if df < 1 or k < 2 or not math.isfinite(alpha):
        return None
    fdtri = ufunc("fdtri")
    d2 = df * (k - 1)
    tail = (1.0 - level) / 2.0
    lo = 1.0 - (1.0 - alpha) * float(fdtri(df, d2, 1.0 - tail))
    hi = 1.0 - (1.0 - alpha) * float(fdtri(df, d2, tail))
    lo_f, hi_f = finite(lo), finite(hi)
    return None if lo_f is None or hi_f is None else (lo_f, hi_f)


def omega_total(cov: FloatArray) -> float | None:
    """McDonald's omega total under one factor (see the module docstring); None when an
    item has no variance, there are fewer than 3 items (one factor is not identified) or
    more than :data:`OMEGA_MAX_ITEMS`, or the fit fails or does not converge."""
    return omega_totals([cov])[0]


def omega_totals(covs: Sequence[FloatArray]) -> list[float | None]:
    """:func:`omega_total` of each covariance matrix, the fits of one size in lockstep.

    The figures are those of fitting one at a time (:func:`_one_factor`): the same
    operations on the same values, only each round's eigen decompositions are asked of
    LAPACK in one call (see :func:`_factor_lockstep`).
    """
    import numpy as np

    out: list[float | None] = [None] * len(covs)
    scales: dict[int, FloatArray] = {}
    by_size: dict[int, list[int]] = {}
    corrs: dict[int, FloatArray] = {}
    for i, cov in enumerate(covs):
        k = cov.shape[0]
        sd = np.sqrt(np.diag(cov))
        if k < 3 or k > OMEGA_MAX_ITEMS or not (sd > 0).all():
            continue
        scales[i] = sd
        corrs[i] = cov / np.outer(sd, sd)
        by_size.setdefault(k, []).append(i)
    for which in by_size.values():
        fits = _factor_lockstep([corrs[i] for i in which])
        for i, loadings in zip(which, fits, strict=True):
            if loadings is not None:
                out[i] = _omega_of(loadings, scales[i])
    return out


def _omega_of(loadings: FloatArray, sd: FloatArray) -> float | None:
    """Omega from standardised loadings, put back on the items' own scale ``sd``."""
    lam = loadings * sd
    psi = (1.0 - loadings * loadings) * sd * sd
    common = float(lam.sum()) ** 2
    return finite(common / (common + float(psi.sum())))


def _start_communalities(corr: FloatArray) -> FloatArray:
    """Squared multiple correlations (0.5 each for a singular matrix), kept in range."""
    import numpy as np

    try:
        # a zero on the inverse's diagonal gives -inf, clipped to 0 below, so numpy's
        # divide-by-zero warning says nothing new
        with np.errstate(divide="ignore"):
            h2 = 1.0 - 1.0 / np.diag(np.linalg.inv(corr))
    except np.linalg.LinAlgError:
        h2 = np.full(corr.shape[0], 0.5)
    out: FloatArray = np.clip(h2, 0.0, _MAX_COMMUNALITY)
    return out


def _signed(loadings: FloatArray, h2: FloatArray) -> FloatArray:
    """The fitted loadings, signed so that most items load positively (the sign of an
    eigenvector is arbitrary)."""
    import numpy as np

    if loadings.sum() < 0:
        loadings = -loadings
    out: FloatArray = np.sign(loadings) * np.sqrt(h2)
    return out


def _one_factor(corr: FloatArray) -> FloatArray | None:
    """Loadings of one factor by iterated principal axes on a correlation matrix.

    One fit at a time: the definition that :func:`_factor_lockstep` follows (and the
    oracle its tests compare with).
    """
    import numpy as np

    h2 = _start_communalities(corr)
    loadings = np.sqrt(h2)
    for _round in range(_PAF_ROUNDS):
        reduced = corr.copy()
        np.fill_diagonal(reduced, h2)
        values, vectors = np.linalg.eigh(reduced)
        top = float(values[-1])
        if not top > 0.0:
            return None
        loadings = vectors[:, -1] * math.sqrt(top)
        new = np.clip(loadings * loadings, 0.0, _MAX_COMMUNALITY)
        done = float(np.max(np.abs(new - h2))) < _PAF_TOL
        h2 = new
        if done:
            break
    else:
        return None  # not converged
    return _signed(loadings, h2)


def _factor_lockstep(corrs: Sequence[FloatArray]) -> list[FloatArray | None]:
    """:func:`_one_factor` of several k x k correlation matrices, round by round together.

    Each round decomposes every unfinished fit's reduced matrix in one call of
    ``numpy.linalg.eigh`` on the (m, k, k) stack: numpy runs the same LAPACK routine on
    each matrix of a stack as on a single one, so every value is that of the fit alone
    (the tests check it), while the per-call cost, most of a round for small k, is paid
    once. Every other step is element by element or a maximum, which no order changes.
    A fit leaves the stack when it converges or its top eigenvalue is not positive.

    A round changes only the diagonal of a reduced matrix (its communalities), and the
    decomposition reads its argument without writing it, so the stack of reduced
    matrices is made once (and again only when fits leave it) and each round writes the
    communalities onto its diagonal through a strided view: the same matrices as a copy
    of the correlations with the diagonal set anew, without the copy and the fancy
    indexing, which cost more than decomposing a few 3 x 3 matrices (the fits of the
    three-item dimensions run all 500 rounds on weak data).
    """
    import numpy as np

    found: list[FloatArray | None] = [None] * len(corrs)
    eigh = _stack_eigh()
    h2 = np.stack([_start_communalities(c) for c in corrs])
    live = np.arange(len(corrs))
    reduced = np.stack(corrs)  # a copy: the fits' own matrices stay untouched
    diagonal = _diagonal_view(reduced)
    for _round in range(_PAF_ROUNDS):
        diagonal[...] = h2
        values, vectors = eigh(reduced)
        top = values[:, -1]
        ok = top > 0.0  # False for NaN too: such a fit gives no omega
        if not ok.all():
            live, vectors, top, h2 = live[ok], vectors[ok], top[ok], h2[ok]
            reduced = reduced[ok]
            diagonal = _diagonal_view(reduced)
        loadings = vectors[:, :, -1] * np.sqrt(top)[:, None]
        # a square is never below 0, so clipping it to [0, max] is taking the minimum
        new = np.multiply(loadings, loadings)
        np.minimum(new, _MAX_COMMUNALITY, out=new)
        change = np.subtract(new, h2)
        np.abs(change, out=change)
        done = np.maximum.reduce(change, axis=1) < _PAF_TOL
        h2 = new
        if done.any():
            for j in np.flatnonzero(done):
                found[int(live[j])] = _signed(loadings[j], h2[j])
            going = ~done
            live, h2 = live[going], h2[going]
            reduced = reduced[going]
            diagonal = _diagonal_view(reduced)
        if live.size == 0:
            break
    return found  # fits still live after the last round did not converge: None


def _diagonal_view(stack: FloatArray) -> FloatArray:
    """The diagonals of a C-ordered (m, k, k) stack as a writable (m, k) view."""
    # Only a C-ordered stack reshapes to a view: any other would give a copy, and the
    # communalities written into it would never reach the matrices decomposed.
    if not stack.flags.c_contiguous:
        raise ValueError("the stack of reduced matrices must be C-ordered")
    k = stack.shape[-1]
    view: FloatArray = stack.reshape(stack.shape[0], k * k)[:, :: k + 1]
    return view


def _stack_eigh() -> Callable[[FloatArray], tuple[FloatArray, FloatArray]]:
    """``numpy.linalg.eigh`` of a C-ordered float64 stack, by the very gufunc it calls
    (LAPACK's ``dsyevd`` on the lower triangle, error state as it sets it: a failure to
    converge raises ``LinAlgError``), without its checks and conversions, which take
    longer than decomposing a few 4 × 4 matrices: the fits make some 1,000 calls. The
    public function when numpy's module is not where it was (an other numpy)."""
    import numpy as np

    try:
        from numpy.linalg import _umath_linalg

        gufunc = _umath_linalg.eigh_lo
    except (ImportError, AttributeError):  # pragma: no cover - numpy moved it
        return lambda a: tuple(np.linalg.eigh(a))  # type: ignore[return-value]

    def failed(err: object, flag: int) -> None:
        raise np.linalg.LinAlgError("Eigenvalues did not converge")

    # The error state is numpy's public errstate, entered on every call: building it
    # once and setting numpy's private context variable would save some 5 ms at 1,000
    # respondents, not worth a second private use whose failure would be silent.
    def eigh(a: FloatArray) -> tuple[FloatArray, FloatArray]:
        with np.errstate(
            call=failed, invalid="call", over="ignore", divide="ignore", under="ignore"
        ):
            values, vectors = gufunc(a, signature="d->dd")
        return values, vectors

    return eigh
