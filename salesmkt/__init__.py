"""salesmkt: diagnose how well Sales and Marketing work together.

Vocabulary used across the package:
- *questionnaire*: a YAML instrument (items, scale, groups, dimensions, stages);
- *response*: one respondent's answers; *group*: the function a respondent works in;
- *assessment*: the one result model every output format renders.
"""

__version__ = "0.1.0"
