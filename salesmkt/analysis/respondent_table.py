"""The per-respondent table: one row per scored respondent, as numpy columns.

Vocabulary:
- *respondent table* (:class:`RespondentTable`): spreadsheet ``row``, ``respondent``
  code, ``group``, the segment columns of the input, ``answered`` items, ``total``,
  ``stage``, one column per dimension mean and ``favourable`` (each respondent's share
  of favourable answers); the figures of withheld respondents are NaN. What
  ``score --format csv`` writes, and (as a pandas DataFrame) what ``compare`` and the
  report's ``--baseline`` read.
- *column kind* (:class:`RespondentColumn`): ``int`` and ``float`` (numpy numbers),
  ``text`` (an object array of text, None when missing), ``str`` (the same, shown as
  pandas' ``astype(str)``: the group), ``stage`` (codes into the stage ids, -1 for none)
  and ``series`` (a pandas Series taken as it is, when the responses table's column was
  already built or replaced as pandas).

Speed: the columns are the scoring arrays and the reader's arrays, so the CSV needs no
pandas (its import is a tenth of a run at a million respondents); :meth:`frame` builds
the DataFrame, column for column what the table was before it had this form, only for
the readers that want one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from salesmkt.analysis.cells import STAGE_DECIMALS
from salesmkt.analysis.favourable import favourable_matrix

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import NDArray

    from salesmkt.analysis.prepared import Prepared
    from salesmkt.definitions.questionnaire import Questionnaire
    from salesmkt.intake.responses import ResponseTable
    from salesmkt.model.assessment import Assessment

    BoolArray = NDArray[np.bool_]

__all__ = ["RespondentColumn", "RespondentTable", "ScoreResult", "respondent_table"]


@dataclass(frozen=True)
class RespondentColumn:
    """One column of the table: its unique name, kind (see the module) and values;
    ``codes`` into ``categories`` for a ``stage`` column, and for a ``str`` column when
    the reader knows its values as codes (-1: missing)."""

    name: str
    kind: str
    values: Any  # numpy array, or a pandas Series for kind "series"
    codes: NDArray[np.intp] | None = None
    categories: tuple[str, ...] = ()

    def series(self) -> Any:
        """The column as the DataFrame holds it."""
        import pandas as pd

        if self.kind == "stage":
            assert self.codes is not None
            return pd.Categorical.from_codes(self.codes, categories=list(self.categories))
        if self.kind == "text":
            if getattr(self.values, "arrow", None) is not None:  # text held in arrow
                return pd.Series(self.values.arrow().to_pylist(), dtype=object)
            return pd.Series(self.values, dtype=object)
        if self.kind == "str":
            return pd.Series(self.values, dtype=self.values.dtype).astype(str)
        return self.values


@dataclass(frozen=True)
class RespondentTable:
    """The per-respondent columns, in order, and the number of rows."""

    columns: list[RespondentColumn]
    rows: int

    def frame(self) -> pd.DataFrame:
        """The table as a pandas DataFrame (imports pandas)."""
        import pandas as pd

        return pd.DataFrame({c.name: c.series() for c in self.columns})


class ScoreResult:
    """The assessment plus the per-respondent table behind it.

    ``respondent_table`` (:class:`RespondentTable`) is built on first use: JSON and
    terminal output never need it; ``respondents`` is the same table as a pandas
    DataFrame. ``table`` is the responses table that was scored (its comments feed the
    report).
    """

    def __init__(
        self,
        assessment: Assessment,
        respondents: Callable[[], RespondentTable],
        table: ResponseTable,
    ) -> None:
        self.assessment = assessment
        self.table = table
        self._build = respondents
        self._table: RespondentTable | None = None
        self._frame: pd.DataFrame | None = None

    @property
    def respondent_table(self) -> RespondentTable:
        if self._table is None:
            self._table = self._build()
        return self._table

    @property
    def respondents(self) -> pd.DataFrame:
        if self._frame is None:
            self._frame = self.respondent_table.frame()
        return self._frame


class _Names:
    """Unique column names: a name taken twice gets ``_2``, ``_3``…"""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def __call__(self, name: str) -> str:
        candidate, i = name, 2
        while candidate in self.taken:
            candidate, i = f"{name}_{i}", i + 1
        self.taken.add(candidate)
        return candidate


def respondent_table(
    table: ResponseTable, prep: Prepared, hidden: BoolArray, start: float | None = None
) -> RespondentTable:
    """The per-respondent table of a scored responses table (``hidden``: the withheld
    respondents, whose figures are NaN; ``start``: where favourable answers start)."""
    q = table.questionnaire
    name = _Names()
    n = len(prep.total)
    columns = _labels(table, prep.keep, name, n)
    reserved = {"total", "stage", "answered", "favourable", *(d.id for d in q.dimensions)}
    for label, values in _segments(table, prep.keep):
        unique = name(label if label not in reserved else f"{label} (column)")
        columns.append(_text_column(unique, values))
    shown = None if not hidden.any() else ~hidden

    def figure(values: NDArray[np.float64]) -> NDArray[np.float64]:
        return values if shown is None else np.where(hidden, np.nan, values)

    total = figure(prep.total)
    columns.append(RespondentColumn(name("answered"), "int", prep.answered.astype(np.int64)))
    columns.append(RespondentColumn(name("total"), "float", total))
    columns.append(_stage(q, total, name("stage")))
    for j, dim in enumerate(q.dimensions):
        mean = np.where(prep.dims_valid[:, j], prep.dim_column(j), np.nan)
        columns.append(RespondentColumn(name(dim.id), "float", figure(mean)))
    if start is not None:
        # Each respondent's share of favourable answers (answers given; never zero here).
        fav = _favourable_counts(prep, start) / np.maximum(prep.answered, 1)
        columns.append(RespondentColumn(name("favourable"), "float", figure(fav)))
    return RespondentTable(columns, n)


def _favourable_counts(prep: Prepared, start: float) -> NDArray[Any]:
    """Each respondent's favourable answers (given, and at or above ``start``): what
    :func:`_row_counts` counts in the favourable matrix, counted an item at a time into
    two reused columns, so that neither that matrix nor the answered marks (20 MB each
    at a million respondents and 20 items, fresh memory the machine faults in) is made.
    The same whole numbers."""
    filled = prep.filled
    n, k = filled.shape
    if k > np.iinfo(np.uint8).max or not k:
        return _row_counts(favourable_matrix(prep, start))
    counts = np.zeros(n, dtype=np.uint8)
    hit = np.empty(n, dtype=np.bool_)
    given = np.empty(n, dtype=np.bool_)
    for j in range(k):
        np.greater_equal(filled[:, j], start, out=hit)
        if prep.marks is not None:
            hit &= prep.marks[:, j]
        else:  # answered where not 0 (see ``Prepared.valid``)
            hit &= np.not_equal(filled[:, j], 0, out=given)
        counts += hit.view(np.uint8)
    return counts


def _row_counts(hit: BoolArray) -> NDArray[Any]:
    """True cells per row of a Fortran-ordered matrix: its columns (contiguous) added as
    bytes, while a byte holds the count (a sum across a row of bools is a strided walk,
    ten times slower). The counts are the same whole numbers, whatever their type."""
    if hit.shape[1] > np.iinfo(np.uint8).max or not hit.flags.f_contiguous or not hit.shape[1]:
        summed: NDArray[Any] = hit.sum(axis=1)
        return summed
    counts = hit[:, 0].view(np.uint8).copy()
    for j in range(1, hit.shape[1]):
        counts += hit[:, j].view(np.uint8)
    return counts


def _labels(table: ResponseTable, keep: BoolArray, name: _Names, n: int) -> list[RespondentColumn]:
    """The row, respondent and group columns (as the reader's arrays while it holds
    them, else from the table's pandas Series)."""
    from salesmkt.intake.responses import column_codes, column_held, column_values

    everyone = bool(keep.all())

    def kept(values: Any) -> Any:
        return values if everyone else values[keep]

    rows = column_values(table, "rows")
    assert rows is not None
    columns = [RespondentColumn(name("row"), "int", kept(rows).astype(np.int64))]
    respondent_name = name("respondent")
    if column_held(table, "respondent"):
        codes = column_values(table, "respondent")
        codes = kept(codes) if getattr(codes, "arrow", None) is None else _kept_arrow(codes, keep)
        columns.append(_text_column(respondent_name, codes))
    elif table.respondent is None:
        columns.append(RespondentColumn(respondent_name, "text", np.full(n, None, object)))
    else:
        series = kept(table.respondent).reset_index(drop=True).astype(object)
        columns.append(RespondentColumn(respondent_name, "series", series))
    group_name = name("group")
    if column_held(table, "group"):
        values = kept(column_values(table, "group"))
        known = column_codes(table, "group")
        codes = None if known is None else kept(known[0])
        categories = () if known is None else tuple(known[1])
        columns.append(RespondentColumn(group_name, "str", values, codes, categories))
    else:
        series = kept(table.group).reset_index(drop=True).astype(str)
        columns.append(RespondentColumn(group_name, "series", series))
    return columns


def _kept_arrow(values: Any, keep: BoolArray) -> Any:
    """Text the reader holds in arrow (``values.arrow()``), the kept rows only, as arrow
    text again (:class:`salesmkt.intake.arrowtext.ArrowText`, whose gather of ascending
    rows needs no ``pyarrow.compute``): the stand-in as it is when every row is kept."""
    if bool(keep.all()):
        return values
    import pyarrow as pa

    from salesmkt.intake.arrowtext import ArrowText

    if not isinstance(values, ArrowText):  # another holder of arrow text: its array
        text = values.arrow()
        values = ArrowText.of_chunks(text.chunks if isinstance(text, pa.ChunkedArray) else [text])
    return values.take(np.flatnonzero(keep))


def _text_column(name: str, values: Any) -> RespondentColumn:
    """A text column from the reader's array (or a pandas Series, kept as it is; or
    text held in arrow, offering ``arrow()``, kept as it is until written)."""
    from salesmkt.intake.standin import CellsStandIn  # other stand-ins build their cells

    if getattr(values, "arrow", None) is not None:
        return RespondentColumn(name, "text", values)
    if isinstance(values, np.ndarray | CellsStandIn):
        return RespondentColumn(name, "text", values.astype(object, copy=False))
    return RespondentColumn(name, "series", values)


def _segments(table: ResponseTable, keep: BoolArray) -> list[tuple[str, Any]]:
    """The segment columns' names and kept values: the reader's arrays while the table
    holds them (building its DataFrame would import pandas), else its Series."""
    from salesmkt.intake import responses

    everyone = bool(keep.all())
    # The reader's arrays (see responses._BuiltOnRead), read without building the frame.
    held = table.__dict__.get(responses._held_key("segments"))
    if isinstance(held, responses._TextColumns):
        return [
            (str(n), a if everyone else a[keep])
            for n, a in zip(held.names, held.arrays, strict=True)
        ]
    frame = table.segments
    out: list[tuple[str, Any]] = []
    for col in frame.columns:
        series = frame[col] if everyone else frame[col][keep]
        out.append((str(col), series.reset_index(drop=True)))
    return out


def _stage(q: Questionnaire, total: NDArray[np.float64], name: str) -> RespondentColumn:
    """Each respondent's stage (codes into the stage ids; none without stages)."""
    if not q.stages:
        return RespondentColumn(name, "text", np.full(len(total), None, dtype=object))
    ordered = sorted(q.stages, key=lambda s: s.min)
    edges = np.array([s.min for s in ordered], dtype=np.float64)
    idx = np.searchsorted(edges, np.round(total, STAGE_DECIMALS), side="right")
    idx -= 1  # in place: no second and third column of a million codes
    idx[np.isnan(total)] = -1
    return RespondentColumn(name, "stage", None, idx, tuple(s.id for s in ordered))
