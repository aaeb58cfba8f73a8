"""Matching the columns of a responses file to the questionnaire.

Vocabulary:
- *item column*: the column of one item's answers, found by its header (see
  :mod:`.headers` for the match levels) or placed by the *mapping file*. Each item takes
  the column(s) that name it at the best level found; more than one is a *duplicate*,
  none is a *missing* item, and either fails the read with every column listed.
- *mapping file* (``--map``): YAML lines ``item id: column header``; a header may also
  be a column letter. Mapped items are not matched by header.
- *group column*: the respondent's group (sales, marketing…): the column named with
  ``--group-column``, else the one headed by a group column name, else the one whose
  values are mostly group names. Only questionnaires with groups have one.
- *respondent column*: an optional respondent id, named with ``--respondent-column`` or
  headed by a respondent column name (the most specific name wins).
- *roles*: which column plays which part (:class:`Roles`). Every other column is a
  *segment* (region, business unit, timestamp…), kept as text for ``--by``, or
  *comments* (free text), by a word in its header or by its long cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.errors import NotFoundError, ResponseDataError
from salesmkt.intake.headers import (
    GROUP_COLUMN_NAMES,
    NO_MATCH,
    ItemMatcher,
    is_group_name,
    names_comments,
    respondent_rank,
)
from salesmkt.intake.layout import Column, Layout, column_label, columns_found
from salesmkt.intake.rawfile import column_letter
from salesmkt.intake.spelling import join, key, not_blank, short, tidy

LONG_TEXT = 40
"""Median length (characters) from which an unnamed text column counts as comments."""


@dataclass
class Roles:
    """The columns that play a part: one per item, the respondent id, the group."""

    items: dict[str, Column]
    respondent: Column | None
    group: Column | None

    @property
    def used(self) -> set[int]:
        """Indexes of these columns: the rest are segments or comments."""
        used = {c.index for c in self.items.values()}
        used |= {c.index for c in (self.respondent, self.group) if c is not None}
        return used


def load_mapping(path: Path, questionnaire: Questionnaire) -> dict[str, tuple[str, str]]:
    """item id → (header, location) from a ``--map`` YAML file."""
    from salesmkt.definitions.checks import refuse_controls
    from salesmkt.definitions.yamlload import load_yaml

    if not path.is_file():
        raise NotFoundError(f"{path}: no such mapping file")
    doc = load_yaml(path)
    refuse_controls(doc, "mapping file")
    if not isinstance(doc.data, dict):
        line, col = doc.position(())
        raise ResponseDataError(
            f"{path}:{line}:{col}: a mapping file is 'item id: column header' lines"
        )
    problems: list[str] = []
    mapping: dict[str, tuple[str, str]] = {}
    ids = questionnaire.item_ids
    for item, value in doc.data.items():
        line, col = doc.position((item,), key=True)
        where = f"{path}:{line}:{col}"
        if str(item) not in ids:
            problems.append(
                f"{where}: {item!r} is not an item of questionnaire {questionnaire.id!r}; "
                f"items are {ids[0]}…{ids[-1]}"
            )
        elif not isinstance(value, str | int) or isinstance(value, bool) or str(value) == "":
            problems.append(f"{where}: the header for {item} must be text, got {value!r}")
        else:
            mapping[str(item)] = (str(value), where)
    if problems:
        raise ResponseDataError(f"{path}: {len(problems)} problem(s) in the mapping", problems)
    return mapping


def find_by_header(columns: list[Column], wanted: str) -> list[Column]:
    """The columns with ``wanted`` as a header, else the column with that letter."""
    wanted_key = key(wanted)
    hits = [c for c in columns if any(key(x) == wanted_key for x in c.candidates)]
    if not hits and re.fullmatch(r"[A-Za-z]{1,3}", wanted.strip()):
        hits = [c for c in columns if column_letter(c.index) == wanted.strip().upper()]
    return hits


# -- items ------------------------------------------------------------------------------


def match_items(
    layout: Layout,
    questionnaire: Questionnaire,
    matcher: ItemMatcher,
    mapping: dict[str, tuple[str, str]],
    source: str,
) -> dict[str, Column]:
    """The column of every item, in questionnaire order.

    Raises :class:`ResponseDataError` listing every mismatch at once (mapping entries,
    headers naming several items, duplicate and missing items), then the columns found,
    so that one run shows everything to fix.
    """
    chosen, problems = _mapped_columns(layout.columns, questionnaire, mapping)
    taken = {cols[0].index for cols in chosen.values() if cols}
    found, unclear = _columns_by_header(layout.columns, taken, matcher, mapping, source)
    problems += unclear
    for item_id, cols in found.items():
        chosen[item_id] += cols
    problems += _duplicate_problems(chosen, source)
    problems += _missing_problems(chosen, questionnaire, source)
    if problems:
        problems.append(f"{source}:1: columns found: {columns_found(layout.columns)}")
        raise ResponseDataError(
            f"{source}: the columns do not match questionnaire {questionnaire.id!r} "
            f"({len(questionnaire.items)} items {questionnaire.item_ids[0]}…"
            f"{questionnaire.item_ids[-1]})",
            problems,
        )
    return {item_id: cols[0] for item_id, cols in chosen.items()}


def _mapped_columns(
    columns: list[Column], questionnaire: Questionnaire, mapping: dict[str, tuple[str, str]]
) -> tuple[dict[str, list[Column]], list[str]]:
    """Every item with the column the mapping file gives it (or none yet), and a problem
    per mapping entry that finds no column or several."""
    chosen: dict[str, list[Column]] = {i: [] for i in questionnaire.item_ids}
    problems: list[str] = []
    for item_id, (wanted, where) in mapping.items():
        hits = find_by_header(columns, wanted)
        if len(hits) == 1:
            chosen[item_id] = hits
        elif not hits:
            problems.append(
                f"{where}: no column {wanted!r} for {item_id}; columns found: "
                f"{columns_found(columns)}"
            )
        else:
            problems.append(
                f"{where}: {len(hits)} columns are headed {wanted!r} "
                f"({', '.join(column_letter(c.index) for c in hits)}); rename one of them"
            )
    return chosen, problems


def _columns_by_header(
    columns: list[Column],
    taken: set[int],
    matcher: ItemMatcher,
    mapping: dict[str, tuple[str, str]],
    source: str,
) -> tuple[dict[str, list[Column]], list[str]]:
    """Item → the columns (in file order) that name it at the best level any column does,
    and a problem per header that names several items."""
    problems: list[str] = []
    matched: list[tuple[Column, int, str]] = []
    best: dict[str, int] = {}
    for col in columns:
        if col.index in taken:
            continue
        level, items = min(
            (matcher.match(x) for x in col.candidates), key=lambda m: m[0], default=(NO_MATCH, [])
        )
        items = [i for i in items if i not in mapping]
        if not items:
            continue
        if len(items) > 1:
            problems.append(
                f"{source}:1:{column_label(col)}: the header matches several items "
                f"({', '.join(items)}); name the column by item id or use --map"
            )
            continue
        matched.append((col, level, items[0]))
        best[items[0]] = min(best.get(items[0], NO_MATCH), level)
    found: dict[str, list[Column]] = {}
    for col, level, item in matched:
        if level == best[item]:
            found.setdefault(item, []).append(col)
    return found, problems


def _duplicate_problems(chosen: dict[str, list[Column]], source: str) -> list[str]:
    """A problem per column beyond the first that an item was matched to."""
    problems: list[str] = []
    for item_id, cols in chosen.items():
        for dup in cols[1:]:
            first = cols[0]
            problems.append(
                f"{source}:1:{column_label(dup, item_id)}: duplicate column for {item_id}; "
                f"column {column_letter(first.index)} ({short(first.header)}) is {item_id} "
                "too; delete one, or say which one is meant with --map"
            )
    return problems


def _missing_problems(
    chosen: dict[str, list[Column]], questionnaire: Questionnaire, source: str
) -> list[str]:
    """A problem per item that no column was matched to."""
    return [
        f"{source}:1: no column for {item_id} ({short(questionnaire.item(item_id).text, 60)!r}); "
        f"expected a header {item_id!r}, the item's text, or an entry in a --map file"
        for item_id, cols in chosen.items()
        if not cols
    ]


# -- respondent and group ---------------------------------------------------------------


def find_roles(
    layout: Layout,
    data: list[npt.NDArray[Any]],
    items: dict[str, Column],
    questionnaire: Questionnaire,
    groups: dict[str, str],
    *,
    respondent_column: str | None,
    group_column: str | None,
    source: str,
) -> Roles:
    """The item columns with the respondent id column (if any) and the group column (if
    the questionnaire has groups); ``data`` is the body's cells, for groups by value."""
    used = {c.index for c in items.values()}
    respondent = _find_respondent(layout, used, respondent_column, source)
    if respondent is not None:
        used.add(respondent.index)
    group = None
    if questionnaire.groups:
        group = _find_group(layout, data, used, group_column, groups, questionnaire, source)
    return Roles(items, respondent, group)


def _named_column(free: list[Column], wanted: str, purpose: str, source: str) -> Column:
    """The one free column headed ``wanted`` (a --…-column option), for ``purpose``."""
    hits = find_by_header(free, wanted)
    if len(hits) != 1:
        what = "no column" if not hits else f"{len(hits)} columns"
        raise ResponseDataError(
            f"{source}: {what} headed {wanted!r} for {purpose}; "
            f"columns found: {columns_found(free)}"
        )
    return hits[0]


def _find_respondent(
    layout: Layout, used: set[int], wanted: str | None, source: str
) -> Column | None:
    free = [c for c in layout.columns if c.index not in used]
    if wanted is not None:
        return _named_column(free, wanted, "the respondent id", source)
    ranked = [(rank, c) for c in free if (rank := respondent_rank(c.header)) is not None]
    if not ranked:
        return None
    top = min(rank for rank, _ in ranked)
    best = [c for rank, c in ranked if rank == top]
    if len(best) > 1:
        raise ResponseDataError(
            f"{source}: {len(best)} columns could hold the respondent id "
            f"({', '.join(column_label(c) for c in best)}); name one with --respondent-column"
        )
    return best[0]


def _find_group(
    layout: Layout,
    data: list[npt.NDArray[Any]],
    used: set[int],
    wanted: str | None,
    groups: dict[str, str],
    questionnaire: Questionnaire,
    source: str,
) -> Column:
    free = [c for c in layout.columns if c.index not in used]
    if wanted is not None:
        return _named_column(free, wanted, "the group", source)
    named = [c for c in free if is_group_name(c.header)]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        # Several headers say "team" or "department": the one holding group names wins.
        good = [c for c in named if _group_share(data[c.index], groups) >= 0.5]
        if len(good) == 1:
            return good[0]
        raise ResponseDataError(
            f"{source}: {len(named)} columns could be the group column "
            f"({', '.join(column_label(c) for c in named)}); name one with --group-column",
        )
    return _group_by_values(free, data, groups, questionnaire, source)


def _group_share(cells: npt.NDArray[Any], groups: dict[str, str]) -> float:
    """The share of a column's first 5,000 non-blank cells that spell a group."""
    sample = [s for s in cells[:5000].tolist() if s.strip()]
    if not sample:
        return 0.0
    return sum(key(s) in groups for s in sample) / len(sample)


def _group_by_values(
    free: list[Column],
    data: list[npt.NDArray[Any]],
    groups: dict[str, str],
    questionnaire: Questionnaire,
    source: str,
) -> Column:
    """No header names the group column: the one column mostly holding group names."""
    by_values = [(s, c) for c in free if (s := _group_share(data[c.index], groups)) >= 0.5]
    if len(by_values) == 1:
        return by_values[0][1]
    if len(by_values) > 1:
        found = ", ".join(f"{column_label(c)} {s:.0%} group names" for s, c in by_values)
        raise ResponseDataError(
            f"{source}: several columns hold group names ({found}); name one with --group-column"
        )
    names = join([g.label for g in questionnaire.groups])
    expected = ", ".join(GROUP_COLUMN_NAMES[:4])
    raise ResponseDataError(
        f"{source}: no group column; expected a column headed {expected} (any case) or one "
        f"whose values are {names} (or their aliases), or --group-column; columns found: "
        f"{columns_found(free)}"
    )


# -- segments and comments --------------------------------------------------------------


def segments_and_comments(
    layout: Layout,
    roles: Roles,
    text: dict[int, npt.NDArray[Any]],
    untidy: set[int] | None = None,
) -> tuple[list[Column], list[Column]]:
    """The other columns with a header or some text, split into segments and comments;
    ``text`` is the tidied cells of every column that is not an item, but for the
    ``untidy`` ones (free text as read: see :func:`.gate.parse_cells`). A segment's
    lazy column (:class:`.freetext.FreeText`) is read here, in ``text``."""
    untidy = untidy or set()

    def tidied(c: Column, first: int | None = None) -> npt.NDArray[Any]:
        cells = text[c.index][:first]
        return tidy(cells) if c.index in untidy else cells

    def has_text(c: Column) -> bool:
        if c.index not in untidy:
            return bool((text[c.index] != "").any())
        return bool(not_blank(text[c.index][:2000]).any() or not_blank(text[c.index]).any())

    used = roles.used
    rest = [
        c
        for c in layout.columns
        if c.index not in used and c.index in text and (c.header or has_text(c))
    ]
    comments = [c for c in rest if _is_comment(c, tidied(c, 2000))]
    segments = [c for c in rest if c not in comments]
    for c in segments:  # tidied and grouped by: a lazy column's cells are read now
        text[c.index] = np.asarray(text[c.index])
    return segments, comments


def _is_comment(col: Column, cells: npt.NDArray[Any]) -> bool:
    if names_comments(col.candidates):
        return True
    sample = [s for s in cells[:2000].tolist() if s.strip()]
    if not sample:
        return False
    lengths = sorted(len(s) for s in sample)
    return lengths[len(lengths) // 2] >= LONG_TEXT
