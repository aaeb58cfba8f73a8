"""Stage 2, intake: a responses file in, a checked table of answers out.

The response source (``source``: where the answers are and how to read them), the
readers, column matching, answer scales and the data-quality gate (``responses``).
"""
