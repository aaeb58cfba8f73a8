"""The statistics core: group gaps, effect sizes, bootstrap, reliability, agreement.

Nothing here prints, reads files or knows about the CLI. Every public function takes
plain numbers (1-D score vectors, their tallies, or respondent x item matrices) and
returns a pydantic model or a plain value: the assessment's own model where the figure is
published as it is computed (:class:`~salesmkt.model.assessment.ReliabilityResult`,
:class:`~salesmkt.model.assessment.AgreementResult`), a model of its own where the
result holds more than one published model takes (:class:`GapStats`, :class:`MeanCI`).
One module per job:

- :mod:`.sample`: clean vectors, answer matrices and :class:`Tally`, shared by all;
- :mod:`.two_groups`: comparing two groups (gap, Mann-Whitney p, Cliff's delta, Hedges'
  g, Welch's t), with its rank machinery in :mod:`.ranks`;
- :mod:`.intervals`: t intervals of means, gaps and weighted sums of group means (the
  intervals every output prints), the minimum detectable effect and the smallest
  attainable rank-test p;
- :mod:`.bootstrap`: resample means and stage-band shares (its percentile intervals are
  no longer printed: they cover about 90% at 9 vs 5);
- :mod:`.adjust`: multiplicity adjustment of a family of p-values;
- :mod:`.reliability`: Cronbach's alpha (also pooled within groups), item diagnostics,
  Feldt's interval and McDonald's omega;
- :mod:`.agreement`: within-group agreement, r_wg(J), r*wg(J), AD_M, and ICC(1)/ICC(2).

Vocabulary shared by all of them:

- *not estimable*: the data cannot support the number (an empty group, fewer than 2
  respondents, no variance, every answer identical...). A bootstrap interval over answers
  with no variance counts as not estimable too: its zero width would claim a certainty
  the data lack. The field is then ``None`` and the result's reason says why, e.g.
  ``"not estimable: fewer than 2 respondents in marketing"``. Nothing here returns NaN or
  inf and nothing raises on degenerate *data*; ``ValueError`` is reserved for caller
  mistakes (wrong shape, mismatched labels, bad parameters). The statistics' own models
  also reject NaN/inf at validation time as a last line of defence.
- *missing data*: 1-D vectors are expected clean; non-finite entries are nevertheless
  treated as missing and dropped rather than allowed to poison a result. Matrices are
  respondents (rows) x items (columns) and may hold NaN for unanswered items; reliability
  deletes listwise, agreement per item (each module says why).

Design notes:

- numpy and scipy are imported inside functions, so that importing this package (for
  the models alone) stays fast and numpy-free.
- Every computation works on the sample's tally, so ranks, means, variances, the rank
  test's tie correction and the bootstrap cost O(distinct values) after one pass over
  the data, and results are exactly independent of input order.
- No ``scipy.stats`` (about a second to import): the asymptotic Mann-Whitney p is written
  out from the pooled tie blocks, and Welch's p comes from ``scipy.special.stdtr``, the
  function ``scipy.stats.ttest_ind`` itself uses. The tests keep ``scipy.stats`` as the
  oracle for both.
- Those scipy functions (t, F and normal distributions) come from :mod:`.special`,
  which loads scipy's compiled ufunc module without the rest of ``scipy.special``
  (0.03 s instead of 0.2 s): the same ufunc objects, so the same bits.
"""

from __future__ import annotations

from salesmkt.analysis.statistics.adjust import AdjustMethod, adjust_p
from salesmkt.analysis.statistics.agreement import ad_m, agreement, agreement_of_tallies, rwg_j
from salesmkt.analysis.statistics.bootstrap import (
    CONFIDENCE_LEVEL,
    MeanCI,
    bootstrap_band_shares,
    bootstrap_equal_weight_mean,
    bootstrap_equal_weight_shares,
    bootstrap_equal_weight_with_shares,
    bootstrap_mean,
    bootstrap_mean_with_shares,
)
from salesmkt.analysis.statistics.intervals import detectable_effect, smallest_rank_p, t_interval
from salesmkt.analysis.statistics.reliability import cronbach_alpha
from salesmkt.analysis.statistics.sample import Tally
from salesmkt.analysis.statistics.two_groups import (
    ROMANO_MEDIUM,
    ROMANO_NEGLIGIBLE,
    ROMANO_SMALL,
    CliffsBand,
    GapStats,
    compare_groups,
    romano_band,
)

__all__ = [
    "CONFIDENCE_LEVEL",
    "ROMANO_MEDIUM",
    "ROMANO_NEGLIGIBLE",
    "ROMANO_SMALL",
    "AdjustMethod",
    "CliffsBand",
    "GapStats",
    "MeanCI",
    "Tally",
    "ad_m",
    "adjust_p",
    "agreement",
    "agreement_of_tallies",
    "bootstrap_band_shares",
    "bootstrap_equal_weight_mean",
    "bootstrap_equal_weight_shares",
    "bootstrap_equal_weight_with_shares",
    "bootstrap_mean",
    "bootstrap_mean_with_shares",
    "compare_groups",
    "cronbach_alpha",
    "detectable_effect",
    "romano_band",
    "rwg_j",
    "smallest_rank_p",
    "t_interval",
]
