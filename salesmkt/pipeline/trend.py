"""The run behind ``trend``: two or more waves of one questionnaire, in the order given.

Vocabulary:
- *label*: a wave's name in every output: ``--wave LABEL`` (repeated, in file order),
  else the file's stem (``wave1``).
- *duplicate*: the same file (or two files with identical bytes) given twice, or a label
  used twice: refused, since a wave counted twice would fake a flat step.

Typer-free: the command line (``cli/trend_commands.py``) and the report call it alike.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from salesmkt.analysis.compare import load_wave, saved_questionnaire
from salesmkt.analysis.statistics.adjust import AdjustMethod
from salesmkt.analysis.trend import trend_of
from salesmkt.errors import SalesmktError, UsageError
from salesmkt.intake.source import ResponseSource
from salesmkt.model.assessment import Settings
from salesmkt.model.trend import Trend
from salesmkt.pipeline.language import assessment_in_reader_language

__all__ = ["trend", "trend_questionnaire", "wave_labels"]


def trend_questionnaire(paths: list[Path], given: str | None) -> str:
    """The waves' questionnaire: the one given, else the first a saved JSON names."""
    if len(paths) < 2:
        raise UsageError(f"trend needs at least two waves, got {len(paths)}")
    for path in paths:
        if not path.is_file():
            raise SalesmktError(f"{path}: no such file")
    _refuse_duplicates(paths)
    named = (saved_questionnaire(p) for p in paths)
    return given or next((q for q in named if q), None) or "alignment"


def _refuse_duplicates(paths: list[Path]) -> None:
    seen: dict[str, Path] = {}
    for path in paths:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest in seen:
            first = seen[digest]
            same = (
                "given twice" if first.resolve() == path.resolve() else f"the same bytes as {first}"
            )
            raise SalesmktError(f"{path}: {same}; each wave must be a different survey round")
        seen[digest] = path


def wave_labels(paths: list[Path], given: list[str] | None) -> list[str]:
    """One label per wave: ``--wave`` in order, else each file's stem (UsageError when
    the counts differ or a label repeats)."""
    if given:
        if len(given) != len(paths):
            raise UsageError(
                f"--wave given {len(given)} time(s) for {len(paths)} files; "
                "give one label per file, in order, or none"
            )
        labels = [g.strip() for g in given]
    else:
        labels = [p.stem for p in paths]
    for k, label in enumerate(labels):
        if not label:
            raise UsageError(f"--wave: label {k + 1} is empty")
        if label in labels[:k]:
            hint = "" if given else " (the files share a name: label them with --wave)"
            raise UsageError(f"--wave: the label {label!r} is used twice{hint}")
    return labels


def trend(
    source: ResponseSource,
    paths: list[Path],
    labels: list[str],
    settings: Settings,
    adjust: AdjustMethod = "holm",
) -> Trend:
    """Every wave in order: scores, stages, gap and dimension lines, and the real steps."""
    waves = [
        (label, load_wave(source.at(p), settings)) for label, p in zip(labels, paths, strict=True)
    ]
    for _label, wave in waves:  # the questionnaire's texts in the reader's language (--lang)
        wave.assessment = assessment_in_reader_language(wave.assessment, source.questionnaire)
    return trend_of(waves, adjust)
