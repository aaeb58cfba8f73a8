"""The published JSON Schemas (Draft 2020-12) of the files salesmkt reads and writes.

Vocabulary: a *schema name* is ``questionnaire`` or ``rules`` (definition files, from the
models of :data:`~salesmkt.definitions.kinds.KINDS`, the same models ``validate`` and the
loaders use) or ``assessment`` (the JSON that ``score --format json`` writes). The
schemas are generated, never written by hand; the copies in the repository's
``schemas/`` folder are checked against :func:`schema_text` by the tests.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from salesmkt.definitions.kinds import KINDS
from salesmkt.model.assessment import Assessment

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_NAMES = (*KINDS, "assessment")


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of one file format (KeyError for an unknown name)."""
    model: type[BaseModel] = Assessment if name == "assessment" else KINDS[name].model
    doc = model.model_json_schema()
    doc["$schema"] = DRAFT
    return doc


def schema_text(name: str) -> str:
    """The schema as ``salesmkt schema NAME`` prints it (without the final newline)."""
    return json.dumps(json_schema(name), indent=2, ensure_ascii=False)
