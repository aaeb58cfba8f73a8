"""Finding definition files: the shipped ones by id, any other by path.

Vocabulary: a *built-in* file is a questionnaire or rules file shipped with the package
and addressed by its id (the file name without ``.yaml``); a *reference* (``ref``) is
either such an id or a path to a YAML file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from salesmkt.errors import NotFoundError

BUILTIN_KIND = Literal["questionnaires", "rules"]


def builtin_dir(kind: BUILTIN_KIND = "questionnaires") -> Path:
    """Where the shipped definition files are.

    An installed wheel carries them in ``salesmkt/_builtin/``; a source checkout (or an
    editable install) has them at the repository's top level.
    """
    here = Path(__file__).resolve().parents[1]  # the salesmkt package
    packaged = here / "_builtin" / kind
    if packaged.is_dir():
        return packaged
    return here.parent / kind


def builtin_paths(kind: BUILTIN_KIND = "questionnaires") -> list[Path]:
    """The shipped files of ``kind``, without their translations (``NAME.LANG.yaml``)."""
    return [p for p in _all_paths(kind) if "." not in p.stem]


def translation_paths(kind: BUILTIN_KIND = "questionnaires") -> list[Path]:
    """The shipped translation files of ``kind`` (``alignment.de.yaml``…)."""
    return [p for p in _all_paths(kind) if "." in p.stem]


def _all_paths(kind: BUILTIN_KIND) -> list[Path]:
    base = builtin_dir(kind)
    return sorted(base.glob("*.yaml")) if base.is_dir() else []


def looks_like_path(ref: str) -> bool:
    return ref.endswith((".yaml", ".yml")) or "/" in ref or "\\" in ref


def resolve(ref: str, kind: BUILTIN_KIND = "questionnaires") -> Path:
    """Turn an id or a path into a file path (raising NotFoundError with the choices)."""
    if looks_like_path(ref) or Path(ref).is_file():
        path = Path(ref)
        if not path.is_file():
            raise NotFoundError(f"{ref}: no such file")
        return path
    for path in builtin_paths(kind):
        if path.stem == ref:
            return path
    known = ", ".join(p.stem for p in builtin_paths(kind)) or "none"
    raise NotFoundError(f"unknown {kind[:-1]} {ref!r}; built-in ones are: {known}")
