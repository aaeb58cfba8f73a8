"""The questionnaires a rules file reads: found beside the file or built in, and cached.

Vocabulary: an *instrument* is one of the questionnaires a rules file names in its
``questionnaire``, ``situation``, ``checklist`` and ``funnel`` fields
(:data:`~salesmkt.definitions.rules.INSTRUMENTS`); a relative path is read from the rules
file's folder. Each is loaded (and fully checked) once per file version.
"""

from __future__ import annotations

from pathlib import Path

from salesmkt.definitions.builtin import looks_like_path, resolve
from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.definitions.questionnaire_load import load
from salesmkt.definitions.rules import INSTRUMENTS, RulesFile
from salesmkt.errors import SalesmktError


def _resolve_instrument(ref: str, base: Path) -> Path:
    """An instrument id (built-in) or a path, relative paths read from the rules file's folder."""
    if looks_like_path(ref) and not Path(ref).is_absolute():
        candidate = base / ref
        if candidate.is_file():
            return candidate
    return resolve(ref)


_QCACHE: dict[tuple[str, int, int], Questionnaire] = {}


def _load_instrument(ref: str, base: Path) -> Questionnaire:
    path = _resolve_instrument(ref, base)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _QCACHE:
        _QCACHE[key] = load(path)
    return _QCACHE[key]


def load_instruments(
    spec: RulesFile, base: Path
) -> tuple[dict[str, Questionnaire], list[tuple[str, str]]]:
    """Load the instruments a rules file names (``base``: its folder).

    Returns the loaded ones by field name, and the failures as (field, reason).
    """
    found: dict[str, Questionnaire] = {}
    failed: list[tuple[str, str]] = []
    for name in INSTRUMENTS:
        ref = getattr(spec, name)
        if ref is None:
            continue
        try:
            found[name] = _load_instrument(ref, base)
        except SalesmktError as exc:
            failed.append((name, str(exc)))
    return found, failed
