"""Stage 3, analysis: from checked answers to the figures of the assessment.

Modules, in the order the figures are made (each imports only those above it, and
nothing here imports the renderers or the CLI):

- ``statistics``: the pure numerical core, one module per job (tallies, bootstrap,
  two-group comparison and its rank tests, multiplicity adjustment, reliability,
  agreement);
- ``prepared`` (recoded answers and totals per respondent), ``cells`` (per-group
  figures), ``segments`` (``--by``);
- ``gapdata`` (the respondents split by group), ``borderline`` (borderline stages),
  ``quality`` (reliability and agreement as published), ``gaps`` (perception gaps, and
  ``fill_assessment``, which fills all three);
- ``scoring``: the assessment of a responses table, and reading a saved one back;
- ``comparison`` (the model of a wave comparison), ``wave_changes`` (score changes),
  ``paired`` (matched respondents) and ``compare`` (two waves).
"""
