"""Aggregates: what the benchmark store keeps of one assessment, and nothing more.

Vocabulary:
- *tally*: for one group of one client's wave, the number of respondents and, per item,
  the count of each answer value (``counts[item][k]`` answers of ``scale_min + k``).
  Answers are stored as given (before any reverse-item recoding); a skipped item is
  simply not counted.
- *contribution*: one client's wave: its tallies plus the metadata the consultant gives
  (industry, size band, region, collection date, questionnaire id and version).

Never stored: respondent codes, rows of answers, segment values, comments or any other
free text from the responses file. The client id and the metadata are typed by the
consultant on the command line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from salesmkt.errors import AnalysisError, UsageError

if TYPE_CHECKING:
    from salesmkt.definitions.questionnaire import Questionnaire
    from salesmkt.intake.responses import ResponseTable
    from salesmkt.intake.source import ResponseSource

__all__ = [
    "Contribution",
    "Metadata",
    "Tally",
    "contribution_from_table",
    "read_contribution",
    "tallies_from_table",
]


@dataclass(frozen=True)
class Tally:
    """One group's answer counts: ``counts[item][k]`` answers of value ``scale_min + k``."""

    group: str
    respondents: int
    scale_min: int
    counts: dict[str, tuple[int, ...]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "respondents": self.respondents,
            "scale_min": self.scale_min,
            "counts": {k: list(v) for k, v in self.counts.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Tally:
        counts = {str(k): tuple(int(c) for c in v) for k, v in data["counts"].items()}
        return cls(str(data["group"]), int(data["respondents"]), int(data["scale_min"]), counts)


@dataclass(frozen=True)
class Metadata:
    """What the consultant says about the client and the wave."""

    industry: str | None = None
    size: str | None = None
    region: str | None = None
    collected: str = field(default_factory=lambda: dt.date.today().isoformat())

    def collected_date(self) -> dt.date:
        return dt.date.fromisoformat(self.collected)


@dataclass(frozen=True)
class Contribution:
    """One client's wave: the tallies of every group, and the metadata."""

    client: str
    wave: str
    questionnaire_id: str
    questionnaire_version: str
    meta: Metadata
    tallies: tuple[Tally, ...]

    def __post_init__(self) -> None:
        # One order everywhere (store, export, comparison): by group id.
        object.__setattr__(self, "tallies", tuple(sorted(self.tallies, key=lambda t: t.group)))

    def tally(self, group: str) -> Tally | None:
        return next((t for t in self.tallies if t.group == group), None)

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["tallies"] = [t.to_dict() for t in self.tallies]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Contribution:
        meta = Metadata(**{k: data["meta"].get(k) for k in ("industry", "size", "region")})
        meta = dataclasses.replace(meta, collected=str(data["meta"]["collected"]))
        tallies = tuple(Tally.from_dict(t) for t in data["tallies"])
        return cls(
            str(data["client"]),
            str(data["wave"]),
            str(data["questionnaire_id"]),
            str(data["questionnaire_version"]),
            meta,
            tallies,
        )


def _scale(q: Questionnaire) -> tuple[int, int]:
    if q.scale.type != "numeric" or q.scale.min is None or q.scale.max is None:
        raise AnalysisError(
            f"questionnaire {q.id!r} uses a choice scale: a benchmark needs rated answers"
        )
    return q.scale.min, q.scale.max


def tallies_from_table(table: ResponseTable) -> tuple[Tally, ...]:
    """Every group's answer counts, from a checked responses table (groups in the order
    the questionnaire declares them, then any others alphabetically)."""
    import numpy as np

    lo, hi = _scale(table.questionnaire)
    answers = table.answers.to_numpy(dtype=np.float64)
    groups = table.group.astype(str).to_numpy()
    declared = [g.id for g in table.questionnaire.groups]
    names = [g for g in declared if g in set(groups)] + sorted(set(groups) - set(declared))
    out = []
    for name in names:
        rows = answers[groups == name]
        counts = {}
        for j, item in enumerate(table.questionnaire.item_ids):
            col = rows[:, j]
            col = col[~np.isnan(col)].astype(np.int64) - lo
            counts[item] = tuple(int(c) for c in np.bincount(col, minlength=hi - lo + 1))
        out.append(Tally(name, len(rows), lo, counts))
    return tuple(out)


def contribution_from_table(
    table: ResponseTable, client: str, wave: str | None, meta: Metadata
) -> Contribution:
    """The aggregates of one responses table, ready for the store."""
    if not client.strip():
        raise UsageError("--client: expected a non-empty client id")
    q = table.questionnaire
    return Contribution(
        client=client.strip(),
        wave=(wave or meta.collected).strip(),
        questionnaire_id=q.id,
        questionnaire_version=q.version,
        meta=meta,
        tallies=tallies_from_table(table),
    )


def read_contribution(
    source: ResponseSource, client: str, wave: str | None, meta: Metadata, max_missing: float
) -> tuple[ResponseTable, Contribution]:
    """Read and check a responses file (the data-quality gate of ``score``) and keep
    its aggregates only."""
    from salesmkt.definitions import questionnaire_load as qmod
    from salesmkt.intake.responses import read_responses

    if source.path.suffix.lower() == ".json":
        raise UsageError(
            f"{source.path}: a saved assessment holds means, not the answer counts a "
            "benchmark needs; give the responses file it was scored from"
        )
    q = qmod.load(source.questionnaire)
    _scale(q)
    table = read_responses(source, q, max_missing=max_missing)
    return table, contribution_from_table(table, client, wave, meta)
