"""A saved assessment read back: the JSON ``score --format json`` wrote.

Vocabulary:
- *saved assessment*: a JSON object with ``schema_version`` no newer than this salesmkt
  writes (:data:`~salesmkt.model.assessment.SCHEMA_VERSION`), validated as the one result
  model; anything else is refused with one line naming the file and what is wrong.
- *non-finite*: NaN or an infinity. Python's JSON reader accepts them; an assessment
  never holds them, so the first one is named by its JSON path and refused.
- *looks like an assessment*: decided by content, not by name: a file whose first
  non-blank byte opens a JSON object. Commands that take either a responses file or a
  saved assessment use this to choose.

No numpy or pandas here (a saved assessment is read without them); scoring a responses
file is imported only when one has to be scored.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from salesmkt.errors import InvalidFileError
from salesmkt.intake.inputbytes import read_input_bytes
from salesmkt.model.assessment import SCHEMA_VERSION, Assessment

if TYPE_CHECKING:
    from salesmkt.intake.source import ResponseSource
    from salesmkt.model.assessment import Settings

__all__ = ["load_assessment_json", "load_assessment_or_responses", "looks_like_assessment"]


def _not_an_assessment(path: Path, why: str) -> InvalidFileError:
    return InvalidFileError(
        str(path),
        [
            f"{path}: not a salesmkt assessment ({why}); expected the JSON written by "
            "'salesmkt score --format json'"
        ],
    )


class _NonFinite:
    """A NaN or infinite number met while parsing a saved assessment (refused later)."""

    def __init__(self, token: str) -> None:
        self.token = token


def _finite_float(text: str) -> float | _NonFinite:
    value = float(text)
    return value if math.isfinite(value) else _NonFinite(text)


def _first_non_finite(doc: Any, where: str = "$") -> tuple[str, str] | None:
    """The token and JSON path of the first NaN or infinite number, in document order."""
    if isinstance(doc, _NonFinite):
        return doc.token, where
    if isinstance(doc, dict):
        for key, value in doc.items():
            found = _first_non_finite(value, f"{where}.{key}")
            if found is not None:
                return found
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            found = _first_non_finite(value, f"{where}[{index}]")
            if found is not None:
                return found
    return None


def load_assessment_json(path: Path) -> Assessment:
    """Read back what ``score --format json`` wrote, or explain why the file is not that."""
    from pydantic import ValidationError

    path = Path(path)
    raw = read_input_bytes(path)
    try:
        doc = json.loads(
            raw.decode("utf-8-sig"), parse_constant=_NonFinite, parse_float=_finite_float
        )
    except UnicodeDecodeError:
        raise _not_an_assessment(path, "not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise _not_an_assessment(
            path, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    bad = _first_non_finite(doc)
    if bad is not None:
        token, where = bad
        raise _not_an_assessment(path, f"non-finite number {token} at {where}")
    if not isinstance(doc, dict) or "schema_version" not in doc:
        raise _not_an_assessment(path, "no schema_version field")
    version = doc.get("schema_version")
    if not isinstance(version, int) or version > SCHEMA_VERSION or version < 1:
        raise _not_an_assessment(
            path, f"schema_version {version!r}; this salesmkt reads version {SCHEMA_VERSION}"
        )
    try:
        return Assessment.model_validate(doc)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise _not_an_assessment(path, f"{where}: {first['msg']}{more}") from None


def looks_like_assessment(path: Path) -> bool:
    """True when the file's content is JSON (an object), whatever its name."""
    try:
        with Path(path).open("rb") as handle:
            head = handle.read(64)
    except OSError:
        return False
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return text.startswith(b"{")


def load_assessment_or_responses(source: ResponseSource, settings: Settings) -> Assessment:
    """An assessment from either a saved ``score`` JSON or a responses file.

    Decided by content: a file that starts with a JSON object is read as an assessment
    (and must be one); anything else is a responses file, scored with ``settings``.
    """
    if looks_like_assessment(source.path):
        return load_assessment_json(source.path)
    from salesmkt.analysis.scoring import assess_file  # numpy and pandas: only to score

    return assess_file(source, settings).assessment
