"""What leaves the room: the responses export and the live figures behind the gate.

Vocabulary:
- *export*: the submitted responses as a CSV in the template's layout (``group``,
  ``respondent``, ``segment``, one column per item id; UTF-8 with a byte-order mark),
  which ``score``, ``gaps``, ``recommend`` and ``report`` read as it is.
- *compared groups*: the questionnaire's ``compare`` list (every group when it has none).
- *gate*: open once every compared group has at least the anonymity threshold ``K``
  (``min_group_size``) of submitted responses. Below it nothing but counts leaves the
  server: no figure, no export. The check lives here, on the server, for every caller.
- *live figures*: the export scored by :func:`salesmkt.analysis.scoring.assess_file`,
  the very code ``score`` and ``gaps`` run, then cut down to what a projector shows:
  the stage per group, the overall stage and the strongest perception gaps. The
  assessment suppresses any group below ``K`` on its own too (leadership with one person
  shows only its n).
- *reader's language*: the live figures are worded in the projector's language (the
  room's ``--lang``): numbers with its decimal sign, the questionnaire's stage, group and
  statement labels from its translation.
"""

from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from salesmkt import wording
from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.errors import SalesmktError
from salesmkt.l10n import _, reading_in
from salesmkt.render.outputs import write_atomic
from salesmkt.render.text import neutralise_cell
from salesmkt.room.store import Row, Store

#: The template's identification columns (workshop/template.py; a test keeps them equal),
#: not imported from there: that module loads openpyxl.
ID_COLUMNS: tuple[str, str, str] = ("group", "respondent", "segment")
EXPORT_NAME = "responses.csv"
STRONGEST_GAPS = 3


def export_text(q: Questionnaire, rows: list[Row]) -> str:
    """The responses CSV text: header, then one row per submitted participant."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*ID_COLUMNS, *q.item_ids])
    for row in rows:
        if not row.submitted:
            continue
        cells = [row.group, row.respondent, str(neutralise_cell(row.segment))]
        writer.writerow(cells + [row.answers.get(i, "") for i in q.item_ids])
    return "\ufeff" + buffer.getvalue()


def write_export(store: Store, q: Questionnaire, path: Path | None = None) -> Path:
    """Write the export atomically (default: ``responses.csv`` in the room folder)."""
    target = path or store.folder / EXPORT_NAME
    write_atomic(target, export_text(q, store.rows()), inputs=[store.path])
    return target


def export_folder(folder: Path) -> tuple[Path, str]:
    """Export a room folder's responses beside its database: the file and questionnaire."""
    from salesmkt.definitions import questionnaire_load as qmod
    from salesmkt.room.store import open_store

    store = open_store(folder, create=False)
    try:
        config = store.config()
        if config is None:
            raise SalesmktError(f"{folder}: the room's database holds no room")
        path = write_export(store, qmod.load(config.questionnaire))
    finally:
        store.close()
    return path, config.questionnaire


def compared_groups(q: Questionnaire) -> list[str]:
    return list(q.compare) or [g.id for g in q.groups]


@dataclass(frozen=True)
class Gate:
    """How many submitted responses each compared group has, and still needs."""

    threshold: int
    submitted: dict[str, int]
    needed: dict[str, int] = field(default_factory=dict)

    @property
    def open(self) -> bool:
        return not any(self.needed.values())


def gate(q: Questionnaire, counts: dict[str, tuple[int, int]], threshold: int) -> Gate:
    submitted = {g: counts.get(g, (0, 0))[1] for g in compared_groups(q)}
    needed = {g: max(threshold - n, 0) for g, n in submitted.items()}
    return Gate(threshold, submitted, needed)


def assess_text(text: str, folder: Path, questionnaire: str, threshold: int) -> Any:
    """An export's text scored exactly as ``score`` scores a file (an Assessment)."""
    from salesmkt.analysis import scoring
    from salesmkt.intake.source import ResponseSource
    from salesmkt.model.assessment import Settings

    with tempfile.TemporaryDirectory(dir=folder, prefix=".live-") as tmp:
        path = Path(tmp) / EXPORT_NAME
        path.write_text(text, encoding="utf-8")
        source = ResponseSource(path, questionnaire=questionnaire)
        result = scoring.assess_file(source, Settings(min_group_size=threshold))
    return result.assessment


def figures_of(
    text: str, folder: Path, questionnaire: str, threshold: int, lang: str | None = None
) -> dict[str, Any]:
    """The projector's figures of an export's text, worded in ``lang`` (run in a worker
    process: picklable, and the reader's language passed, not inherited).

    When the responses cannot be scored (say everyone skipped too much), the reason is
    returned as ``unavailable`` instead, as ``score`` would state it (in English, like
    every error message).
    """
    from salesmkt.pipeline.language import assessment_in_reader_language

    try:
        with reading_in(lang):
            assessment = assess_text(text, folder, questionnaire, threshold)
            return live_figures(assessment_in_reader_language(assessment, questionnaire))
    except SalesmktError as exc:
        return {"unavailable": str(exc).replace(str(folder), "the room")}


def live_figures(assessment: Any) -> dict[str, Any]:
    """What the projector shows of an assessment: stages and the strongest gaps, worded."""
    edges = wording.stage_edges(assessment.stages)
    groups = [
        {
            "id": g.id,
            "label": g.label,
            "n": g.n,
            "score": None if g.suppressed else wording.fmt_score(g.mean, edges),
            "stage": g.stage.label if g.stage and not g.suppressed else None,
        }
        for g in assessment.groups
    ]
    overall = assessment.overall
    gaps = sorted((i for i in assessment.items if i.gap is not None), key=lambda i: -abs(i.gap))[
        :STRONGEST_GAPS
    ]
    labels = {g.id: g.label for g in assessment.groups}
    disagreement = assessment.stage_disagreement
    return {
        "groups": groups,
        "overall": {
            "score": wording.fmt_score(overall.score, edges),
            "stage": overall.stage.label if overall.stage else None,
        },
        "headline": disagreement.headline if disagreement and disagreement.differs else None,
        "gaps": [_gap(i, labels, assessment.compare) for i in gaps],
        "gap_note": _gap_note(labels, assessment.compare),
    }


def _gap_note(labels: dict[str, str], compare: list[str]) -> str:
    if len(compare) != 2:
        return ""
    first, second = (labels.get(g, g) for g in compare)
    return _("gap = {first} minus {second}, in scale points").format(first=first, second=second)


def _gap(item: Any, labels: dict[str, str], compare: list[str]) -> dict[str, Any]:
    # A no-break space: a group's mean never wraps away from its name on the projector.
    means = [
        f"{labels.get(g, g)}\u00a0{wording.fmt_mean(item.means_by_group.get(g))}" for g in compare
    ]
    return {
        "item": item.id,
        "label": item.short or item.text,
        "gap": wording.fmt_gap(item.gap),
        "means": " · ".join(means),
        "flagged": bool(item.flagged),
    }
