"""Stage 3, analysis: from checked answers to the figures of the assessment.

``scoring`` (totals, stages, groups), ``gaps`` (perception gaps, reliability,
agreement), ``statistics`` (the pure numerical core) and ``compare`` (two waves).
"""
