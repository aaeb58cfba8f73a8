"""Diagnostics: one problem found in a definition file, and the ways to print a list.

Vocabulary: a :class:`Diagnostic` has a ``file``, a 1-based ``line`` and ``column``, a
``level`` (``error`` or ``warning``), a stable ``code`` (documented in README) and a
``message``. Reporters turn a list of them into ``text`` (yamllint style:
``file:line:col: [level] code: message``), ``json``, or ``github`` workflow-command
annotations.
"""

import json
import os
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict

Level = Literal["error", "warning"]
Format = Literal["text", "json", "github", "auto"]


class Diagnostic(BaseModel):
    # Built on first use: a run that finds no problem makes no diagnostic.
    model_config = ConfigDict(defer_build=True)

    file: str
    line: int = 1
    column: int = 1
    level: Level = "error"
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: [{self.level}] {self.code}: {self.message}"


def resolve_format(fmt: Format) -> Literal["text", "json", "github"]:
    """``auto`` means GitHub annotations inside GitHub Actions, plain text elsewhere."""
    if fmt == "auto":
        return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    return fmt


def _gh_escape(value: str, *, prop: bool = False) -> str:
    # GitHub's workflow-command syntax: %, CR and LF always; ':' and ',' inside properties.
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def render(diags: Iterable[Diagnostic], fmt: Literal["text", "json", "github"]) -> str:
    items = list(diags)
    if fmt == "json":
        return json.dumps([d.model_dump() for d in items], indent=2, ensure_ascii=False)
    if fmt == "github":
        return "\n".join(
            f"::{d.level} file={_gh_escape(d.file, prop=True)},line={d.line},col={d.column},"
            f"title={_gh_escape(d.code, prop=True)}::{_gh_escape(d.message)}"
            for d in items
        )
    return "\n".join(str(d) for d in items)
