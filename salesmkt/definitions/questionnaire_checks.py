"""The meaning of a questionnaire: what its model alone cannot check.

Unique ids, a scale whose answers each mean one value, items that name declared
dimensions, stages and options, group spellings that lead to one group, and stage bands
that tile the range of possible totals. Each problem is a
:class:`~salesmkt.definitions.checks.Problem` with a stable code (``duplicate-id``,
``stage-gap``…); :data:`QUESTIONNAIRE` is the questionnaire's entry in the registry of
file kinds (:mod:`salesmkt.definitions.kinds`).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from typing import Any

from salesmkt.definitions.checks import Kind, Problem, reads_no_other_file
from salesmkt.definitions.questionnaire import Item, Questionnaire, Stage, normalise
from salesmkt.definitions.yamlload import Located, PathT


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


MAX_ITEMS = 5_000
"""Items a questionnaire may hold: far past any survey, and every command stays quick."""

MAX_TEXT_CHARS = 2_000
"""Characters one text of a questionnaire (title, statement, help, label) may hold."""


def check_questionnaire(q: Questionnaire, located: Located) -> list[Problem]:
    p: list[Problem] = []
    p += _check_size(q, located)
    p += _duplicates([i.id for i in q.items], ("items",), "item", "id")
    p += _duplicates([g.id for g in q.groups], ("groups",), "group", "id")
    p += _duplicates([d.id for d in q.dimensions], ("dimensions",), "dimension", "id")
    p += _duplicates([s.id for s in q.stages], ("stages",), "stage", "id")
    p += _duplicates([o.id for o in q.scale.options], ("scale", "options"), "option", "id")
    p += _check_scale(q)
    p += _check_items(q)
    p += _check_groups(q)
    p += _check_stages(q)
    p += _check_evidence(q)
    return p


# The values a metric of each kind can take: a threshold outside them can never decide.
_THRESHOLD_RANGE = {"rate": (0.0, 1.0), "difference": (-1.0, 1.0), "hours": (0.0, 1e6)}


def _check_evidence(q: Questionnaire) -> list[Problem]:
    """Each evidence link names a testable metric, with a threshold it can reach."""
    from salesmkt.definitions.metrics import CATALOGUE, testable_ids

    p: list[Problem] = []
    for i, item in enumerate(q.items):
        ev = item.evidence
        if ev is None:
            continue
        info = CATALOGUE.get(ev.metric)
        if info is None or not info.testable:
            p.append(
                Problem(
                    ("items", i, "evidence", "metric"),
                    "evidence-unknown-metric",
                    f"{ev.metric!r} is not a metric a claim can be tested on; one of: "
                    + ", ".join(testable_ids()),
                )
            )
            continue
        low, high = _THRESHOLD_RANGE.get(info.kind, (0.0, 1e6))
        if not low <= ev.threshold <= high:
            p.append(
                Problem(
                    ("items", i, "evidence", "threshold"),
                    "evidence-threshold-range",
                    f"{ev.metric} is a {info.kind} from {low:g} to {high:g}; a threshold "
                    f"of {ev.threshold:g} can never be crossed",
                )
            )
    return p


def _check_size(q: Questionnaire, located: Located) -> list[Problem]:
    """The item count and every text's length, within the documented limits."""
    p: list[Problem] = []
    if len(q.items) > MAX_ITEMS:
        p.append(
            Problem(
                ("items",),
                "too-many-items",
                f"{len(q.items):,} items; a questionnaire may hold at most {MAX_ITEMS:,}",
            )
        )
    stack: list[tuple[PathT, Any]] = [((), located.data)]
    while stack:  # a stack, not recursion: the loader bounds the depth, not Python
        loc, value = stack.pop()
        if isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
            p.append(
                Problem(
                    loc,
                    "text-too-long",
                    f"the text holds {len(value):,} characters; texts may hold at most "
                    f"{MAX_TEXT_CHARS:,}",
                )
            )
        elif isinstance(value, dict):
            stack.extend(((*loc, k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend(((*loc, i), v) for i, v in enumerate(value))
    return p


def _check_scale(q: Questionnaire) -> list[Problem]:
    s = q.scale
    if s.type == "numeric" and (s.min is None or s.max is None):
        return [Problem(("scale",), "scale-range", "a numeric scale needs both min and max")]
    p = _numeric_scale(q) if s.type == "numeric" else _choice_scale(q)
    # Each spelling of an answer must lead to exactly one value on the scale.
    meaning: dict[str, str] = {}
    for spelling, meant in _answer_spellings(q):
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


def _answer_spellings(q: Questionnaire) -> list[tuple[str, str]]:
    """(spelling, the value it means) for every way of writing an answer on the scale."""
    s = q.scale
    if s.type == "numeric":
        return [(text, str(value)) for value, text in s.labels.items()]
    return [(a, o.id) for o in s.options for a in (o.id, o.label, *o.aliases)]


def _numeric_scale(q: Questionnaire) -> list[Problem]:
    s = q.scale
    assert s.min is not None and s.max is not None
    p: list[Problem] = []
    if s.min >= s.max:
        p.append(
            Problem(("scale", "max"), "scale-range", f"max ({s.max}) must exceed min ({s.min})")
        )
    if s.max - s.min > 100:
        p.append(Problem(("scale", "max"), "scale-range", "a scale may have at most 101 points"))
    for value, text in s.labels.items():
        if not s.min <= value <= s.max:
            p.append(
                Problem(
                    ("scale", "labels", value),
                    "label-out-of-range",
                    f"label {text!r} is for {value}, outside the scale {s.min}–{s.max}",
                )
            )
    if s.options:
        p.append(Problem(("scale", "options"), "scale-invalid", "options belong to a choice scale"))
    return p


def _choice_scale(q: Questionnaire) -> list[Problem]:
    s = q.scale
    p: list[Problem] = []
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
    return p


def _check_items(q: Questionnaire) -> list[Problem]:
    p: list[Problem] = []
    texts: dict[str, str] = {}
    for i, item in enumerate(q.items):
        p += _check_item(q, item, ("items", i))
        key = normalise(item.text)
        if key in texts:
            p.append(
                Problem(
                    ("items", i, "text"),
                    "duplicate-text",
                    f"item {item.id!r} has the same text as {texts[key]!r}; "
                    "columns matched by text would be ambiguous",
                )
            )
        texts.setdefault(key, item.id)
    used_dims = Counter(item.dimension for item in q.items if item.dimension is not None)
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


def _check_item(q: Questionnaire, item: Item, base: PathT) -> list[Problem]:
    """One item's references: its dimension, stage and owner."""
    p: list[Problem] = []
    dims = {d.id for d in q.dimensions}
    stages = _known_stage_ids(q)
    options = {o.id for o in q.scale.options}
    if item.dimension is not None:
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
            Problem(base, "item-without-dimension", f"item {item.id!r} has no dimension", "warning")
        )
    if item.reverse and q.scale.type == "choice":
        p.append(Problem((*base, "reverse"), "scale-invalid", "a choice item cannot be reversed"))
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
    p: list[Problem] = []
    for (i, prev), (j, cur) in itertools.pairwise(enumerate(q.stages)):
        p += _stage_neighbours(i, prev, j, cur)
    return p + _stages_in_range(q)


def _stage_neighbours(i: int, prev: Stage, j: int, cur: Stage) -> list[Problem]:
    """Two consecutive stages (``prev`` at index i, ``cur`` at j): order, overlap, gap."""
    if cur.min == prev.min:
        return [
            Problem(
                ("stages", j, "min"),
                "stage-overlap",
                f"stage {cur.id!r} starts at {cur.min:g}, as {prev.id!r} does",
            )
        ]
    if cur.min < prev.min:
        return [
            Problem(
                ("stages", j, "min"),
                "stage-order",
                f"stage {cur.id!r} ({cur.min:g}) must start above {prev.id!r} ({prev.min:g}); "
                "list stages from lowest to highest",
            )
        ]
    if prev.max is not None and prev.max >= cur.min:
        return [
            Problem(
                ("stages", i, "max"),
                "stage-overlap",
                f"stage {prev.id!r} runs to {prev.max:g} but {cur.id!r} starts at {cur.min:g}",
            )
        ]
    if prev.max is not None and cur.min - prev.max > 1:
        return [
            Problem(
                ("stages", j, "min"),
                "stage-gap",
                f"totals between {prev.max:g} and {cur.min:g} belong to no stage",
            )
        ]
    return []


def _stages_in_range(q: Questionnaire) -> list[Problem]:
    """Every band inside the possible totals, and the bands reaching both ends."""
    lo, hi = q.total_range
    p: list[Problem] = []
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


QUESTIONNAIRE = Kind(
    name="questionnaire",
    model=Questionnaire,
    check=check_questionnaire,
    inputs=reads_no_other_file,
)
