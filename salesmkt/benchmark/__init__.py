"""The benchmark store: private, aggregates-only peer comparisons across clients.

``aggregates`` (what is kept of an assessment: answer counts per group, never a
respondent), ``store`` (the SQL database: SQLite by default, PostgreSQL for a team),
``scores`` (``score``'s figures from answer counts), ``admission`` (which peers may be
published) and ``placement`` (where an assessment stands among them). A pipeline stage
between analysis and render: it imports analysis, intake, definitions and model only.
"""
