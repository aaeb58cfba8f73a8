"""A module imported when one of its names is first read.

Vocabulary: a *lazy module* stands in for a module under the name a caller imported it
as (``out`` for :mod:`salesmkt.cli.console` in :mod:`salesmkt.cli.commands`); the first
attribute read imports the real module, and every read after that is answered from it.
What the module is and does is unchanged; only when it is imported moves, so that a
command that never touches it (``validate``, ``schema``) does not pay for its imports.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    """The module ``name``, imported on the first attribute read (see the module doc)."""

    __slots__ = ("_module", "_name")

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        # Only names the slots do not hold come here: the module's own.
        module = self._module
        if module is None:
            module = self._module = importlib.import_module(self._name)
        return getattr(module, attribute)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"
