"""``salesmkt merge``: several responses files, in any of the questionnaire's languages,
into one file that scores as one assessment.

Vocabulary:
- *part*: one input file, read and checked exactly as ``score`` reads it (the same
  :class:`~salesmkt.intake.source.ResponseSource` options apply to every part).
- *language*: the language a part was written in: given (``languages``), else told from
  its item headers (the questionnaire language whose item texts the headers hold most
  often), else ``und`` (undetermined, as in BCP 47). It is written as a ``language``
  column, a segment that ``score --by language`` reads. A part that already has a
  ``language`` column keeps its own values.
- *merged file*: UTF-8 CSV with a byte-order mark; ``group`` (the group id), ``respondent``
  (when any part has one), ``language``, every part's segments and comments (blank where
  a part lacks them), then one column per item id holding the point answered, blank when
  missing. Answers are points, not labels, so the file reads the same in every language.
"""

from __future__ import annotations

import io
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from salesmkt.definitions import questionnaire_load as qmod
from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.definitions.translations import header_key
from salesmkt.errors import UsageError
from salesmkt.intake.responses import ResponseTable, read_responses
from salesmkt.intake.source import ResponseSource
from salesmkt.render.outputs import write_atomic
from salesmkt.render.text import neutralise_cell

UNDETERMINED = "und"
LANGUAGE_COLUMN = "language"


@dataclass(frozen=True)
class Merged:
    """What merge wrote: the rows per part and the language each part was read as."""

    output: Path
    parts: list[tuple[Path, str, int]]  # (file, language, respondents kept)
    excluded: int


def detect_language(table: ResponseTable, q: Questionnaire) -> str:
    """The language whose item texts the part's item headers hold most often."""
    votes: Counter[str] = Counter()
    for lang, texts in q.texts_by_language().items():
        for item_id, header in table.columns.items():
            wanted = header_key(texts.items[item_id].text)
            if wanted and wanted in header_key(header):
                votes[lang] += 1
    if not votes:
        return UNDETERMINED
    return votes.most_common(1)[0][0]


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return neutralise_cell(value)


def _frame(table: ResponseTable, language: str) -> Any:
    import pandas as pd

    frame = pd.DataFrame({"group": table.group.to_numpy()})
    if table.respondent is not None:
        frame["respondent"] = table.respondent.to_numpy()
    own = table.segments.get(LANGUAGE_COLUMN)
    frame[LANGUAGE_COLUMN] = own.to_numpy() if own is not None else language
    for part in (table.segments, table.comments):
        for name in part.columns:
            if name != LANGUAGE_COLUMN:
                frame[name] = part[name].to_numpy()
    for item_id in table.questionnaire.item_ids:
        frame[item_id] = table.answers[item_id].to_numpy()
    return frame


def merged_csv(frames: list[Any], q: Questionnaire) -> str:
    """The merged CSV text (byte-order mark, CRLF) of the parts' frames."""
    import csv

    import pandas as pd

    whole = pd.concat(frames, ignore_index=True, sort=False)
    fixed = ["group", *(["respondent"] if "respondent" in whole else []), LANGUAGE_COLUMN]
    others = [c for c in whole.columns if c not in fixed and c not in q.item_ids]
    whole = whole[[*fixed, *others, *q.item_ids]]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(list(whole.columns))
    for row in whole.itertuples(index=False, name=None):
        writer.writerow([_cell(v) for v in row])
    return "\ufeff" + buffer.getvalue()


def merge(
    sources: list[ResponseSource],
    output: Path,
    *,
    languages: list[str] | None = None,
    force: bool = False,
) -> Merged:
    """Read every part, check it as score does, and write the merged file atomically."""
    if len(sources) < 2:
        raise UsageError("merge needs at least two responses files")
    if languages and len(languages) != len(sources):
        raise UsageError(
            f"--language was given {len(languages)} time(s) for {len(sources)} file(s): "
            "give it once per file, in the same order, or not at all"
        )
    q = qmod.load(sources[0].questionnaire)
    known = q.languages
    for lang in languages or []:
        if lang not in known and lang != UNDETERMINED:
            raise UsageError(f"--language {lang}: expected one of {', '.join(known)}")
    inputs = [p for s in sources for p in s.inputs()]
    frames, parts, excluded = [], [], 0
    for i, source in enumerate(sources):
        table = read_responses(source, q)
        lang = languages[i] if languages else detect_language(table, q)
        frames.append(_frame(table, lang))
        parts.append((source.path, lang, len(table.answers)))
        excluded += len(table.excluded)
    write_atomic(output, merged_csv(frames, q).encode("utf-8"), inputs=inputs, force=force)
    return Merged(output, parts, excluded)
