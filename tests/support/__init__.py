"""Helpers shared by the tests: paths, and small hand-checked inputs per subject.

- ``paths``: where the repository, examples and fixtures are;
- ``recommend``: a rules book and assessments built for the recommend tests;
- ``report``: assessments, comments and a page renderer for the report tests;
- ``workshop``: the four-item ``mini`` questionnaire and CSV writers;
- ``scoring``: hand-computed oracles for totals and group figures.
"""
