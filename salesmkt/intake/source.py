"""The response source: where the answers are and how to read them.

Vocabulary:
- *source*: one :class:`ResponseSource`, built once by a front end (the CLI) from its
  input options and handed whole to the pipeline: the responses *path* (a survey export
  or a saved assessment JSON), the *questionnaire* reference (a built-in id or a YAML
  path), an optional column *mapping* file, the *group* and *respondent* columns when
  they cannot be found by name, whether invalid respondents are *dropped* (named,
  with why) rather than failing the run, and the number of *header rows* above the
  data when the user states it (``None``: detected, see :mod:`.layout`), and the
  *sheet* of a workbook when the user names it (``None``: chosen by content, see
  :mod:`.sheets`).
- *inputs*: every file the source reads, so that no output may overwrite one of them.

This module stays free of pandas and numpy: the CLI imports it for every command.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from salesmkt.definitions.builtin import looks_like_path


@dataclass(frozen=True)
class ResponseSource:
    """A responses file and the options that say how to read it."""

    path: Path
    questionnaire: str = "alignment"
    mapping: Path | None = None
    group_column: str | None = None
    respondent_column: str | None = None
    drop_invalid: bool = False
    header_rows: int | None = None  # rows above the data (1 = just the header); None: detect
    sheet: str | None = None  # the workbook's sheet to read; None: the one that fits

    def inputs(self) -> list[Path]:
        """Every file read, so that no output can overwrite one of them."""
        files = [self.path]
        if self.mapping is not None:
            files.append(self.mapping)
        if looks_like_path(self.questionnaire) or Path(self.questionnaire).is_file():
            files.append(Path(self.questionnaire))
        return files

    def at(self, path: Path, *, questionnaire: str | None = None) -> ResponseSource:
        """The same reading options applied to another file (a second wave, a baseline)."""
        return dataclasses.replace(
            self, path=path, questionnaire=questionnaire or self.questionnaire
        )
