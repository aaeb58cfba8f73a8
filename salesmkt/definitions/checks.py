"""Checking definition files: parse → schema → meaning, every problem with its line.

Vocabulary: a *kind* (:class:`Kind`) is a type of definition file (``questionnaire``,
``rules``…): a pydantic *model* for its shape and a *semantic check* that returns
:class:`Problem` objects addressed by document path. :func:`check_located` and
:func:`check_file` check a document as one given kind and turn every problem into a
located :class:`~salesmkt.definitions.diagnostics.Diagnostic`, collected in a
:class:`FileReport` rather than raised. The kinds themselves are listed in
:mod:`salesmkt.definitions.kinds`, which also tells a file's kind from its keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from salesmkt.definitions.diagnostics import Diagnostic, Level
from salesmkt.definitions.yamlload import (
    Located,
    PathT,
    control_characters,
    is_control,
    load_yaml,
)
from salesmkt.errors import ResponseDataError, YamlError


@dataclass
class Problem:
    """A semantic problem, located by the document path of the offending value."""

    path: PathT
    code: str
    message: str
    level: Level = "error"
    key: bool = False  # point at the key rather than the value


@dataclass(frozen=True)
class Kind:
    """A type of definition file: its model (shape) and its semantic check (meaning)."""

    name: str
    model: type[BaseModel]
    check: Callable[[Any, Located], list[Problem]]
    # The other files the check reads, given the file's path; None when they cannot be
    # listed (a rules file's questionnaires): then its results are never remembered.
    inputs: Callable[[Path], Iterable[Path]] | None = None


def reads_no_other_file(path: Path) -> tuple[Path, ...]:
    """``Kind.inputs`` of a kind whose check reads nothing but the document."""
    return ()


@dataclass
class FileReport:
    path: str
    kind: str | None = None
    model: BaseModel | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    skipped: bool = False  # not a definition file, and asked to skip such files

    @property
    def ok(self) -> bool:
        return not any(d.level == "error" for d in self.diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "error"]


def _dotted(loc: PathT) -> str:
    """items[1].weight, the way a reader would point at it."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _hint(error_type: str, value: Any) -> str:
    """How to fix a value of the wrong type, when the usual cause is plain."""
    if error_type == "string_type" and isinstance(value, int | float | bool):
        return "; put the value in quotes to keep it as text"
    if error_type in ("int_type", "float_type") and isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return ""
        return "; a number in quotes is text: write it without quotes"
    if error_type == "bool_type" and isinstance(value, str):
        return "; write true or false (yes, no, on and off are text in YAML 1.2)"
    return ""


def _pydantic_diagnostics(exc: ValidationError, located: Located) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for err in exc.errors():
        loc: PathT = tuple(err["loc"])
        kind = err["type"]
        where = _dotted(loc)
        if kind == "extra_forbidden":
            code, msg, key = "schema-unknown-field", f"unknown field {loc[-1]!r} at {where}", True
        elif kind == "missing":
            code, msg, key = "schema-missing-field", f"required field {where!r} is missing", False
            loc = loc[:-1]
        else:
            value = err.get("input")
            shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
            msg = f"{where}: {err['msg']} (got {shown}){_hint(kind, value)}"
            code, key = "schema-invalid", False
        line, col = located.position(loc, key=key)
        out.append(Diagnostic(file=located.path, line=line, column=col, code=code, message=msg))
    return out


def not_a_mapping(located: Located) -> FileReport | None:
    """A report of the one problem when the document is not a mapping, else None."""
    if isinstance(located.data, dict):
        return None
    diag = Diagnostic(
        file=located.path,
        code="yaml-not-mapping",
        message="the file must be a YAML mapping (key: value pairs) at the top level",
    )
    return FileReport(path=located.path, diagnostics=[diag])


def yaml_error_report(path: str | Path, exc: YamlError) -> FileReport:
    """A report of a file that could not be read as YAML at all."""
    diag = Diagnostic(
        file=str(path), line=exc.line, column=exc.column, code=exc.code, message=exc.message
    )
    return FileReport(path=str(path), diagnostics=[diag])


def control_diagnostics(located: Located) -> list[Diagnostic]:
    """An error for every key or text value holding a control character (C0 other than
    tab, newline and CR; DEL; C1; ESC starts terminal escape sequences), naming it U+XXXX.

    Walks the document with a stack, not recursion (its depth is limited by the loader).
    """
    out: list[Diagnostic] = []
    if located.text is not None and not _may_hold_controls(located.text):
        return out

    def report(loc: PathT, text: str, *, key: bool) -> None:
        found = control_characters(text)
        if not found:
            return
        line, col = located.position(loc, key=key)
        what = "key" if key else "text"
        out.append(
            Diagnostic(
                file=located.path,
                line=line,
                column=col,
                level="error",
                code="control-character",
                message=f"{_dotted(loc)}: control character {', '.join(found)} in the {what}; "
                "remove it (terminal escapes and invisible characters are not allowed)",
            )
        )

    stack: list[tuple[PathT, Any]] = [((), located.data)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, str):
            report(loc, value, key=False)
        elif isinstance(value, dict):
            for key, child in reversed(list(value.items())):
                stack.append(((*loc, key), child))
                if isinstance(key, str):
                    report((*loc, key), key, key=True)
        elif isinstance(value, list):
            stack.extend(((*loc, i), child) for i, child in reversed(list(enumerate(value))))
    out.sort(key=lambda d: (d.line, d.column))
    return out


def _may_hold_controls(text: str) -> bool:
    """Whether a document read from ``text`` can hold a control character anywhere: only
    if the text holds one, or a backslash (an escape such as ``"\\e"`` in a double-quoted
    value). A text with neither gives no diagnostic, so its walk is skipped."""
    return "\\" in text or is_control(text)


def refuse_controls(located: Located, what: str) -> None:
    """Raise, listing every key or text value of ``what`` (a mapping or answers file)
    that holds a control character, written raw or as an escape such as ``"\\e"``."""
    found = control_diagnostics(located)
    if found:
        raise ResponseDataError(
            f"{located.path}: {len(found)} control character(s) in the {what}",
            [f"{d.file}:{d.line}:{d.column}: {d.message}" for d in found],
        )


def check_located(located: Located, kind: Kind) -> FileReport:
    """Check an already-loaded document as ``kind`` (control characters, schema, then
    meaning)."""
    refused = not_a_mapping(located)
    if refused is not None:
        return refused
    key = _memo_key(located, kind)
    if key is not None and key in _CHECKED:
        return _recalled(located, kind, _CHECKED[key])
    report = FileReport(path=located.path, kind=kind.name)
    report.diagnostics.extend(control_diagnostics(located))
    try:
        # Strict: a file's values are taken as written (see modelbase), as in the schema.
        model = kind.model.model_validate(located.data, strict=True)
    except ValidationError as exc:
        report.diagnostics.extend(_pydantic_diagnostics(exc, located))
        report.diagnostics.extend(_meaning_of_the_rest(located, kind, exc))
        return report
    report.diagnostics.extend(_diagnostic(located, p) for p in kind.check(model, located))
    report.model = model
    if key is not None:
        _remember(key, report.diagnostics)
    return report


# -- checks of the same text in one process ----------------------------------------------
#
# `salesmkt validate` checks every built-in questionnaire and translation as a file, and
# again when the rules load the questionnaires they name (with their translations). The
# outcome of a check whose model validated is kept, keyed by the kind, the file's name
# and exact text, and the version (time and size) of every other file the check reads
# (Kind.inputs; the translation checks read their siblings through caches keyed the same
# way). A recalled check validates its own fresh model (no caller shares a model with
# another) and hands out copies of the diagnostics; the meaning checks are not run again.

_CHECKED: dict[tuple[Any, ...], tuple[Diagnostic, ...]] = {}
_CHECKED_ENTRIES = 64
_CHECKED_MAX_CHARS = 256 * 1024  # as the loader's memo: larger texts are not kept


def _version(path: Path) -> tuple[str, int, int] | tuple[str]:
    try:
        stat = path.stat()
    except OSError:
        return (str(path),)
    return (str(path), stat.st_mtime_ns, stat.st_size)


def _memo_key(located: Located, kind: Kind) -> tuple[Any, ...] | None:
    if located.text is None or kind.inputs is None or len(located.text) > _CHECKED_MAX_CHARS:
        return None
    others = tuple(_version(p) for p in kind.inputs(Path(located.path)))
    return (kind.name, located.path, located.text, others)


def _remember(key: tuple[Any, ...], diagnostics: list[Diagnostic]) -> None:
    if len(_CHECKED) >= _CHECKED_ENTRIES:
        _CHECKED.clear()
    _CHECKED[key] = tuple(d.model_copy() for d in diagnostics)


def _recalled(located: Located, kind: Kind, diagnostics: tuple[Diagnostic, ...]) -> FileReport:
    """The report of a check made before on the same text and inputs (see above)."""
    model = kind.model.model_validate(located.data, strict=True)
    return FileReport(
        path=located.path,
        kind=kind.name,
        model=model,
        diagnostics=[d.model_copy() for d in diagnostics],
    )


def _diagnostic(located: Located, problem: Problem) -> Diagnostic:
    line, col = located.position(problem.path, key=problem.key)
    return Diagnostic(
        file=located.path,
        line=line,
        column=col,
        level=problem.level,
        code=problem.code,
        message=problem.message,
    )


def _meaning_of_the_rest(located: Located, kind: Kind, exc: ValidationError) -> list[Diagnostic]:
    """The meaning checks' errors on the file with its schema-invalid values left out,
    so that one run shows schema and meaning errors together.

    Each value the schema refused is taken out of its mapping (an optional field then
    takes its default). When that cannot be done (a required field, an entry of a list)
    or the rest still fails the schema, only the schema errors are shown. Problems about
    an entry that lost a value, and all warnings, wait for the next run: they could be
    the removal's doing rather than the file's."""
    repaired = _without_refused(located.data, exc)
    if repaired is None:
        return []
    data, touched = repaired
    try:
        model = kind.model.model_validate(data, strict=True)
    except ValidationError:
        return []
    rest = Located(located.path, data, located.positions, located.key_positions)
    return [
        _diagnostic(located, p)
        for p in kind.check(model, rest)
        if p.level == "error" and not any(p.path[: len(t)] == t for t in touched)
    ]


def _without_refused(data: Any, exc: ValidationError) -> tuple[Any, list[PathT]] | None:
    """A copy of ``data`` without the values the schema refused, and the paths whose
    problems to leave out (the entry holding each removed value); None when a refused
    value cannot simply be left out."""
    import copy

    data = copy.deepcopy(data)
    touched: list[PathT] = []
    for err in exc.errors():
        if err["type"] == "missing":
            return None
        node: Any = data
        parent: Any = None
        path: PathT = ()
        for part in err["loc"]:  # walk while the path exists: unions add type names
            if not _has(node, part):
                break
            parent, node, path = node, node[part], (*path, part)
        if not path or not isinstance(parent, dict):
            return None
        del parent[path[-1]]
        touched.append(path[:-1] if len(path) > 1 else path)
    return data, touched


def _has(node: Any, part: Any) -> bool:
    """Whether ``node`` is a mapping holding ``part`` or a list with that index."""
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def check_file(path: str | Path, kind: Kind) -> FileReport:
    """Load and check one file as ``kind``, collecting every problem instead of raising."""
    try:
        located = load_yaml(path)
    except YamlError as exc:
        return yaml_error_report(path, exc)
    return check_located(located, kind)
