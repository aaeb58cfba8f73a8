"""Validation of definition files: parse → check → (the caller) report.

Vocabulary: a *kind* is a type of definition file (``questionnaire``, ``rules``…) with a
pydantic model and a *semantic check* that returns :class:`Problem` objects addressed by
document path; :func:`check_file` turns them into located
:class:`~salesmkt.definitions.diagnostics.Diagnostic` objects. New kinds register themselves with
:func:`register_kind` so ``salesmkt validate`` checks every file the same way.
"""

from __future__ import annotations

import contextlib
import itertools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from salesmkt.definitions.diagnostics import Diagnostic, Level
from salesmkt.definitions.questionnaire import Questionnaire, normalise
from salesmkt.definitions.yamlload import Located, PathT, load_yaml
from salesmkt.errors import YamlError


@dataclass
class Problem:
    """A semantic problem, located by the document path of the offending value."""

    path: PathT
    code: str
    message: str
    level: Level = "error"
    key: bool = False  # point at the key rather than the value


@dataclass
class Kind:
    name: str
    model: type[BaseModel]
    check: Callable[[Any, Located], list[Problem]]
    detect: Callable[[dict[str, Any]], bool]


@dataclass
class FileReport:
    path: str
    kind: str | None = None
    model: BaseModel | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.level == "error" for d in self.diagnostics)


KINDS: dict[str, Kind] = {}


def register_kind(kind: Kind) -> None:
    KINDS[kind.name] = kind


def _ensure_kinds() -> None:
    # Rules register themselves on import; importing here keeps the registry complete
    # without making the questionnaire model depend on the rules module.
    if "rules" not in KINDS:
        with contextlib.suppress(ImportError):
            import salesmkt.definitions.rules  # type: ignore[import-untyped,unused-ignore]  # noqa: F401


def detect_kind(data: Any) -> str | None:
    _ensure_kinds()
    if not isinstance(data, dict):
        return None
    for kind in KINDS.values():
        if kind.detect(data):
            return kind.name
    return None


def _dotted(loc: PathT) -> str:
    """items[1].weight, the way a reader would point at it."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


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
            msg = f"{where}: {err['msg']} (got {shown})"
            if err["type"] == "string_type" and isinstance(value, int | float | bool):
                msg += "; put the value in quotes to keep it as text"
            code, key = "schema-invalid", False
        line, col = located.position(loc, key=key)
        out.append(Diagnostic(file=located.path, line=line, column=col, code=code, message=msg))
    return out


def check_located(located: Located, kind_name: str | None = None) -> FileReport:
    """Check an already-loaded document (schema, then meaning)."""
    report = FileReport(path=located.path)
    if not isinstance(located.data, dict):
        report.diagnostics.append(
            Diagnostic(
                file=located.path,
                code="yaml-not-mapping",
                message="the file must be a YAML mapping (key: value pairs) at the top level",
            )
        )
        return report
    kind_name = kind_name or detect_kind(located.data)
    if kind_name is None:
        report.diagnostics.append(
            Diagnostic(
                file=located.path,
                code="unknown-kind",
                message="cannot tell what this file is: a questionnaire has 'items', "
                "a rules file has 'rules'",
            )
        )
        return report
    _ensure_kinds()
    kind = KINDS[kind_name]
    report.kind = kind_name
    try:
        model = kind.model.model_validate(located.data)
    except ValidationError as exc:
        report.diagnostics.extend(_pydantic_diagnostics(exc, located))
        return report
    for problem in kind.check(model, located):
        line, col = located.position(problem.path, key=problem.key)
        report.diagnostics.append(
            Diagnostic(
                file=located.path,
                line=line,
                column=col,
                level=problem.level,
                code=problem.code,
                message=problem.message,
            )
        )
    report.model = model
    return report


def check_file(path: str | Path, kind: str | None = None) -> FileReport:
    """Load and check one file, collecting every problem instead of raising."""
    try:
        located = load_yaml(path)
    except YamlError as exc:
        diag = Diagnostic(
            file=str(path), line=exc.line, column=exc.column, code=exc.code, message=exc.message
        )
        return FileReport(path=str(path), diagnostics=[diag])
    return check_located(located, kind)


# -- questionnaire semantics --------------------------------------------------------


def _duplicates(values: Sequence[str], base: PathT, what: str, field_name: str) -> list[Problem]:
    seen: dict[str, int] = {}
    problems: list[Problem] = []
    for i, value in enumerate(values):
        if value in seen:
            problems.append(
                Problem(
                    (*base, i, field_name),
                    "duplicate-id",
                    f"{what} id {value!r} is already used by {what} #{seen[value] + 1}",
                )
            )
        else:
            seen[value] = i
    return problems


def _known_stage_ids(q: Questionnaire) -> set[str]:
    if q.stages:
        return {s.id for s in q.stages}
    # Situation items refer to the relationship stages of the main instrument.
    return {"undefined", "defined", "aligned", "integrated"}


def check_questionnaire(q: Questionnaire, located: Located) -> list[Problem]:
    p: list[Problem] = []
    p += _duplicates([i.id for i in q.items], ("items",), "item", "id")
    p += _duplicates([g.id for g in q.groups], ("groups",), "group", "id")
    p += _duplicates([d.id for d in q.dimensions], ("dimensions",), "dimension", "id")
    p += _duplicates([s.id for s in q.stages], ("stages",), "stage", "id")
    p += _duplicates([o.id for o in q.scale.options], ("scale", "options"), "option", "id")
    p += _check_scale(q)
    p += _check_items(q)
    p += _check_groups(q)
    p += _check_stages(q)
    return p


def _check_scale(q: Questionnaire) -> list[Problem]:
    s = q.scale
    p: list[Problem] = []
    # Each spelling of an answer must lead to exactly one value on the scale.
    meaning: dict[str, str] = {}
    spellings: list[tuple[str, str]] = []
    if s.type == "numeric":
        if s.min is None or s.max is None:
            return [Problem(("scale",), "scale-range", "a numeric scale needs both min and max")]
        if s.min >= s.max:
            p.append(
                Problem(("scale", "max"), "scale-range", f"max ({s.max}) must exceed min ({s.min})")
            )
        if s.max - s.min > 100:
            p.append(
                Problem(("scale", "max"), "scale-range", "a scale may have at most 101 points")
            )
        for value, text in s.labels.items():
            if not s.min <= value <= s.max:
                p.append(
                    Problem(
                        ("scale", "labels", value),
                        "label-out-of-range",
                        f"label {text!r} is for {value}, outside the scale {s.min}–{s.max}",
                    )
                )
            spellings.append((text, str(value)))
        if s.options:
            p.append(
                Problem(("scale", "options"), "scale-invalid", "options belong to a choice scale")
            )
    else:
        if s.min is not None or s.max is not None or s.labels:
            p.append(
                Problem(
                    ("scale", "type"),
                    "scale-invalid",
                    "a choice scale takes options, not min/max/labels",
                )
            )
        if len(s.options) < 2:
            p.append(
                Problem(
                    ("scale", "options"),
                    "scale-invalid",
                    "a choice scale needs at least two options",
                )
            )
        for o in s.options:
            spellings += [(a, o.id) for a in (o.id, o.label, *o.aliases)]
    for spelling, meant in spellings:
        key = normalise(spelling)
        if key in meaning and meaning[key] != meant:
            p.append(
                Problem(
                    ("scale",),
                    "duplicate-label",
                    f"answer {spelling!r} would mean both {meaning[key]} and {meant}",
                )
            )
        meaning.setdefault(key, meant)
    for i, m in enumerate(s.missing):
        if normalise(m) in meaning:
            p.append(
                Problem(
                    ("scale", "missing", i),
                    "missing-collides",
                    f"missing answer {m!r} is also a valid answer on the scale",
                )
            )
    return p


def _check_items(q: Questionnaire) -> list[Problem]:
    p: list[Problem] = []
    dims = {d.id for d in q.dimensions}
    stages = _known_stage_ids(q)
    options = {o.id for o in q.scale.options}
    texts: dict[str, str] = {}
    used_dims: Counter[str] = Counter()
    for i, item in enumerate(q.items):
        base: PathT = ("items", i)
        if item.dimension is not None:
            used_dims[item.dimension] += 1
            if item.dimension not in dims:
                known = ", ".join(sorted(dims)) or "none declared"
                p.append(
                    Problem(
                        (*base, "dimension"),
                        "unknown-dimension",
                        f"item {item.id!r} is in dimension {item.dimension!r}, "
                        f"which is not declared (declared: {known})",
                    )
                )
        elif dims:
            p.append(
                Problem(
                    base, "item-without-dimension", f"item {item.id!r} has no dimension", "warning"
                )
            )
        if item.reverse and q.scale.type == "choice":
            p.append(
                Problem((*base, "reverse"), "scale-invalid", "a choice item cannot be reversed")
            )
        if item.stage is not None and item.stage not in stages:
            p.append(
                Problem(
                    (*base, "stage"),
                    "unknown-stage",
                    f"item {item.id!r} names stage {item.stage!r}; expected one of "
                    f"{', '.join(sorted(stages))}",
                )
            )
        if item.owner is not None and options and item.owner not in options:
            p.append(
                Problem(
                    (*base, "owner"),
                    "unknown-option",
                    f"owner {item.owner!r} is not an option ({', '.join(sorted(options))})",
                )
            )
        key = normalise(item.text)
        if key in texts:
            p.append(
                Problem(
                    (*base, "text"),
                    "duplicate-text",
                    f"item {item.id!r} has the same text as {texts[key]!r}; "
                    "columns matched by text would be ambiguous",
                )
            )
        texts.setdefault(key, item.id)
    for j, d in enumerate(q.dimensions):
        if used_dims[d.id] == 0:
            p.append(
                Problem(
                    ("dimensions", j),
                    "empty-dimension",
                    f"dimension {d.id!r} has no items",
                    "warning",
                )
            )
    return p


def _check_groups(q: Questionnaire) -> list[Problem]:
    p: list[Problem] = []
    owner: dict[str, str] = {}
    for i, g in enumerate(q.groups):
        spellings: list[tuple[str, PathT]] = [
            (g.id, ("groups", i, "id")),
            (g.label, ("groups", i, "label")),
        ]
        spellings += [(a, ("groups", i, "aliases", j)) for j, a in enumerate(g.aliases)]
        for spelling, path in spellings:
            key = normalise(spelling)
            if key in owner and owner[key] != g.id:
                p.append(
                    Problem(
                        path,
                        "alias-duplicate",
                        f"{spelling!r} would match both group {owner[key]!r} and group {g.id!r}",
                    )
                )
            owner.setdefault(key, g.id)
    ids = {g.id for g in q.groups}
    if q.compare:
        if len(q.compare) != 2 or q.compare[0] == q.compare[1]:
            p.append(
                Problem(("compare",), "compare-count", "compare must name two different groups")
            )
        for j, gid in enumerate(q.compare):
            if gid not in ids:
                known = ", ".join(sorted(ids)) or "none declared"
                p.append(
                    Problem(
                        ("compare", j),
                        "compare-unknown-group",
                        f"compare names group {gid!r}, which is not declared (declared: {known})",
                    )
                )
    return p


def _check_stages(q: Questionnaire) -> list[Problem]:
    if not q.stages:
        return []
    if q.scale.type != "numeric" or q.scale.min is None or q.scale.max is None:
        return [Problem(("stages",), "stage-invalid", "stages need a numeric scale")]
    lo, hi = q.total_range
    p: list[Problem] = []
    stages = list(enumerate(q.stages))
    for (i, prev), (j, cur) in itertools.pairwise(stages):
        if cur.min == prev.min:
            p.append(
                Problem(
                    ("stages", j, "min"),
                    "stage-overlap",
                    f"stage {cur.id!r} starts at {cur.min:g}, as {prev.id!r} does",
                )
            )
        elif cur.min < prev.min:
            p.append(
                Problem(
                    ("stages", j, "min"),
                    "stage-order",
                    f"stage {cur.id!r} ({cur.min:g}) must start above {prev.id!r} ({prev.min:g}); "
                    "list stages from lowest to highest",
                )
            )
        elif prev.max is not None:
            if prev.max >= cur.min:
                p.append(
                    Problem(
                        ("stages", i, "max"),
                        "stage-overlap",
                        f"stage {prev.id!r} runs to {prev.max:g} "
                        f"but {cur.id!r} starts at {cur.min:g}",
                    )
                )
            elif cur.min - prev.max > 1:
                p.append(
                    Problem(
                        ("stages", j, "min"),
                        "stage-gap",
                        f"totals between {prev.max:g} and {cur.min:g} belong to no stage",
                    )
                )
    for j, s in enumerate(q.stages):
        if not lo <= s.min <= hi:
            p.append(
                Problem(
                    ("stages", j, "min"),
                    "stage-out-of-range",
                    f"stage {s.id!r} starts at {s.min:g}, "
                    f"outside the possible totals {lo:g}–{hi:g}",
                )
            )
        if s.max is not None and (s.max < s.min or s.max > hi):
            p.append(
                Problem(
                    ("stages", j, "max"),
                    "stage-out-of-range",
                    f"stage {s.id!r} ends at {s.max:g}, outside {s.min:g}–{hi:g}",
                )
            )
    first = q.stages[0]
    if first.min > lo and first.min <= hi:
        p.append(
            Problem(
                ("stages", 0, "min"),
                "stage-gap",
                f"the lowest possible total is {lo:g} but the first stage starts at {first.min:g}",
            )
        )
    last_i, last = len(q.stages) - 1, q.stages[-1]
    if last.max is not None and last.max < hi and last.max >= last.min:
        p.append(
            Problem(
                ("stages", last_i, "max"),
                "stage-gap",
                f"the highest possible total is {hi:g} but the last stage ends at {last.max:g}",
            )
        )
    return p


register_kind(
    Kind(
        name="questionnaire",
        model=Questionnaire,
        check=check_questionnaire,
        detect=lambda data: "items" in data and "rules" not in data,
    )
)
