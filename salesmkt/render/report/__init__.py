"""The workshop report: the worded view of an assessment and its HTML and Markdown pages."""
