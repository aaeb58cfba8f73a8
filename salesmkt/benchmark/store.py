"""The benchmark store: aggregates of many clients' waves in one SQL database.

Vocabulary:
- *store URL*: an SQLAlchemy URL, ``sqlite:///PATH`` (the default: ``benchmark.sqlite``
  in the user's data folder, from platformdirs) or ``postgresql+psycopg://…`` for a
  server a team shares. ``--store`` gives it, else the ``SALESMKT_STORE`` variable.
- *schema version*: the ``schema_info`` table's ``schema_version`` row; a store is
  created on first use and migrated up when an older salesmkt made it. A store newer
  than this salesmkt, a database that is not a salesmkt store (*foreign*), a file that is
  not a database (*corrupted*) or a server that cannot be reached is a
  :class:`~salesmkt.errors.StoreError`, raised before anything is written.
- *contribution*: one client's wave (:mod:`salesmkt.benchmark.aggregates`); a row of
  ``contributions`` plus one ``tallies`` row per group (its answer counts as JSON).

Every change runs in one transaction (on SQLite an immediate one, so two processes
adding at once wait for each other instead of failing), so a crash leaves the store as
it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from salesmkt.benchmark.aggregates import Contribution, Metadata, Tally
from salesmkt.errors import StoreError, UsageError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

__all__ = ["SCHEMA_VERSION", "STORE_ENV", "Store", "default_url", "open_store", "resolve_url"]

SCHEMA_VERSION = 1
STORE_ENV = "SALESMKT_STORE"
APP_MARK = "salesmkt-benchmark"
EXPORT_FORMAT = "salesmkt-benchmark-export"

metadata = sa.MetaData()
schema_info = sa.Table(
    "schema_info",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
)
contributions = sa.Table(
    "contributions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("client", sa.String(200), nullable=False),
    sa.Column("wave", sa.String(100), nullable=False),
    sa.Column("questionnaire_id", sa.String(100), nullable=False),
    sa.Column("questionnaire_version", sa.String(32), nullable=False),
    sa.Column("industry", sa.String(200)),
    sa.Column("size_band", sa.String(100)),
    sa.Column("region", sa.String(200)),
    sa.Column("collected", sa.String(10), nullable=False),
    sa.Column("added", sa.String(32), nullable=False),
    sa.UniqueConstraint("client", "wave", "questionnaire_id", "questionnaire_version"),
)
tallies = sa.Table(
    "tallies",
    metadata,
    sa.Column(
        "contribution_id",
        sa.Integer,
        sa.ForeignKey("contributions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("group_id", sa.String(100), primary_key=True),
    sa.Column("respondents", sa.Integer, nullable=False),
    sa.Column("scale_min", sa.Integer, nullable=False),
    sa.Column("counts", sa.Text, nullable=False),
)

# Steps from one schema version to the next: MIGRATIONS[v] takes a store from v to v + 1.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {}


def default_url() -> str:
    """The embedded store in the user's data folder."""
    import platformdirs

    folder = Path(platformdirs.user_data_dir("salesmkt", appauthor=False))
    return f"sqlite:///{folder / 'benchmark.sqlite'}"


def resolve_url(given: str | None) -> str:
    """``--store``, else ``$SALESMKT_STORE``, else the embedded default."""
    return given or os.environ.get(STORE_ENV) or default_url()


@dataclass(frozen=True)
class Listed:
    """One stored contribution, as ``benchmark list`` shows it."""

    client: str
    wave: str
    questionnaire: str
    collected: str
    industry: str | None
    size: str | None
    region: str | None
    groups: dict[str, int]


def _parse(url: str) -> sa.URL:
    try:
        parsed = sa.make_url(url)
    except sa_exc.ArgumentError:
        raise UsageError(
            f"--store {url!r}: expected sqlite:///PATH or postgresql+psycopg://…"
        ) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername not in ("sqlite", "postgresql+psycopg"):
        raise UsageError(f"--store {url!r}: expected a sqlite:/// or postgresql+psycopg:// URL")
    return parsed


def _engine(url: sa.URL) -> Engine:
    if url.drivername != "sqlite":
        return sa.create_engine(url, pool_pre_ping=False, connect_args={"connect_timeout": 10})
    path = url.database or ""
    if not path or path == ":memory:":
        raise UsageError("--store: an SQLite store needs a file path (sqlite:///PATH)")
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool, connect_args={"timeout": 60})

    @sa.event.listens_for(engine, "connect")
    def _no_implicit_begin(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's BEGIN below instead

    @sa.event.listens_for(engine, "begin")
    def _begin_immediate(conn: Connection) -> None:
        # Take the write lock at once: two writers then queue instead of deadlocking.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class Store:
    """An open benchmark store (created and migrated on first use)."""

    def __init__(self, url: str) -> None:
        self.url = _parse(url)
        self.where = self.url.render_as_string(hide_password=True)
        if self.url.drivername == "sqlite":
            folder = Path(self.url.database or "").parent
            if not folder.is_dir():
                raise StoreError(f"{self.where}: the folder {folder} does not exist")
        self.engine = _engine(self.url)
        with self.transaction() as conn:
            self._open(conn)

    # -- transactions and errors ---------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction; a database error becomes a one-line StoreError."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except sa_exc.DBAPIError as exc:
            raise StoreError(self._explain(exc)) from None

    def _explain(self, exc: sa_exc.DBAPIError) -> str:
        text = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        if "not a database" in text or "malformed" in text:
            return f"{self.where}: not a salesmkt benchmark store (corrupted or not a database)"
        if isinstance(exc, sa_exc.OperationalError) and self.url.drivername != "sqlite":
            return f"{self.where}: cannot reach the benchmark store: {text}"
        return f"{self.where}: the benchmark store failed: {text}"

    def _open(self, conn: Connection) -> None:
        names = set(sa.inspect(conn).get_table_names())
        if not names:
            metadata.create_all(conn)
            conn.execute(
                schema_info.insert(),
                [
                    {"key": "app", "value": APP_MARK},
                    {"key": "schema_version", "value": str(SCHEMA_VERSION)},
                ],
            )
            return
        if "schema_info" not in names:
            raise StoreError(f"{self.where}: not a salesmkt benchmark store (a foreign database)")
        rows = conn.execute(sa.select(schema_info.c.key, schema_info.c.value))
        info = {str(key): str(value) for key, value in rows}
        if info.get("app") != APP_MARK or not info.get("schema_version", "").isdigit():
            raise StoreError(f"{self.where}: not a salesmkt benchmark store (a foreign database)")
        self._migrate(conn, int(info["schema_version"]))

    def _migrate(self, conn: Connection, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.where}: written by a newer salesmkt (store schema {version}; this "
                f"salesmkt reads up to {SCHEMA_VERSION}); upgrade salesmkt"
            )
        for step in range(version, SCHEMA_VERSION):
            MIGRATIONS[step](conn)
        if version < SCHEMA_VERSION:
            conn.execute(
                schema_info.update()
                .where(schema_info.c.key == "schema_version")
                .values(value=str(SCHEMA_VERSION))
            )

    def close(self) -> None:
        self.engine.dispose()

    # -- changes ------------------------------------------------------------------------

    def add(self, contribution: Contribution) -> bool:
        """Store one wave; True when it replaced the same client's same wave."""
        with self.transaction() as conn:
            return self._put(conn, contribution)

    def _put(self, conn: Connection, c: Contribution) -> bool:
        replaced = self._delete(conn, _same_wave(c)) > 0
        row = {
            "client": c.client,
            "wave": c.wave,
            "questionnaire_id": c.questionnaire_id,
            "questionnaire_version": c.questionnaire_version,
            "industry": c.meta.industry,
            "size_band": c.meta.size,
            "region": c.meta.region,
            "collected": c.meta.collected,
            "added": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        key = conn.execute(contributions.insert().values(**row)).inserted_primary_key
        assert key is not None
        insert_tallies(conn, int(key[0]), c.tallies)
        return replaced

    def remove(self, client: str) -> int:
        """Delete every wave of one client; the number of waves deleted."""
        with self.transaction() as conn:
            return self._delete(conn, contributions.c.client == client)

    def _delete(self, conn: Connection, where: sa.ColumnElement[bool]) -> int:
        ids = [r[0] for r in conn.execute(sa.select(contributions.c.id).where(where))]
        if ids:
            conn.execute(tallies.delete().where(tallies.c.contribution_id.in_(ids)))
            conn.execute(contributions.delete().where(contributions.c.id.in_(ids)))
        return len(ids)

    # -- reading ------------------------------------------------------------------------

    def contributions(
        self,
        questionnaire: tuple[str, str] | None = None,
        *,
        window: tuple[dt.date, dt.date] | None = None,
        latest_only: bool = False,
    ) -> list[Contribution]:
        """Every stored wave (of one questionnaire id and version; collected inside
        ``window``; only each client's latest, when asked)."""
        query = sa.select(contributions).order_by(contributions.c.id)
        if questionnaire is not None:
            query = query.where(
                contributions.c.questionnaire_id == questionnaire[0],
                contributions.c.questionnaire_version == questionnaire[1],
            )
        if window is not None:
            query = query.where(
                contributions.c.collected >= window[0].isoformat(),
                contributions.c.collected <= window[1].isoformat(),
            )
        with self.transaction() as conn:
            rows = conn.execute(query).mappings().all()
            if latest_only:
                rows = _latest(rows)
            groups = self._tallies(conn, [int(r["id"]) for r in rows], len(rows) <= 30000)
        return [_contribution(r, groups.get(int(r["id"]), [])) for r in rows]

    def _tallies(self, conn: Connection, ids: list[int], by_id: bool) -> dict[int, list[Tally]]:
        """The tallies of the given contributions (all read at once when most are wanted)."""
        query = sa.select(tallies).order_by(tallies.c.contribution_id, tallies.c.group_id)
        if by_id:
            query = query.where(tallies.c.contribution_id.in_(ids))
        wanted = set(ids)
        groups: dict[int, list[Tally]] = {}
        for t in conn.execute(query).mappings():
            key = int(t["contribution_id"])
            if key in wanted:
                groups.setdefault(key, []).append(_tally(t))
        return groups

    def listing(self) -> list[Listed]:
        out = []
        for c in self.contributions():
            out.append(
                Listed(
                    c.client,
                    c.wave,
                    f"{c.questionnaire_id} {c.questionnaire_version}",
                    c.meta.collected,
                    c.meta.industry,
                    c.meta.size,
                    c.meta.region,
                    {t.group: t.respondents for t in c.tallies},
                )
            )
        return sorted(out, key=lambda x: (x.client, x.collected, x.wave))

    # -- one file -----------------------------------------------------------------------

    def export_text(self) -> str:
        """The whole store as JSON lines: a header, then one contribution per line."""
        head = {"format": EXPORT_FORMAT, "schema_version": SCHEMA_VERSION}
        lines = [json.dumps(head)]
        lines += [json.dumps(c.to_dict(), sort_keys=True) for c in self.contributions()]
        return "\n".join(lines) + "\n"

    def import_text(self, text: str, source: str) -> tuple[int, int]:
        """Merge an export into this store: (added, already present). A wave stored with
        other figures is a conflict: nothing is imported."""
        incoming = parse_export(text, source)
        existing = {_key(c): c for c in self.contributions()}
        added = same = 0
        with self.transaction() as conn:
            for c in incoming:
                old = existing.get(_key(c))
                if old is not None and old.to_dict() == c.to_dict():
                    same += 1
                    continue
                if old is not None:
                    raise StoreError(
                        f"{source}: client {c.client!r} wave {c.wave!r} is already in "
                        f"{self.where} with other figures; nothing was imported"
                    )
                self._put(conn, c)
                added += 1
        return added, same


def _latest(rows: Any) -> list[Any]:
    """Each client's latest wave (by collection date, then wave name)."""
    best: dict[str, Any] = {}
    for r in rows:
        held = best.get(r["client"])
        if held is None or (r["collected"], r["wave"]) > (held["collected"], held["wave"]):
            best[r["client"]] = r
    return sorted(best.values(), key=lambda r: int(r["id"]))


def _key(c: Contribution) -> tuple[str, str, str, str]:
    return (c.client, c.wave, c.questionnaire_id, c.questionnaire_version)


def _same_wave(c: Contribution) -> sa.ColumnElement[bool]:
    return sa.and_(
        contributions.c.client == c.client,
        contributions.c.wave == c.wave,
        contributions.c.questionnaire_id == c.questionnaire_id,
        contributions.c.questionnaire_version == c.questionnaire_version,
    )


def insert_tallies(conn: Connection, contribution_id: int, items: tuple[Tally, ...]) -> None:
    """The tallies of one contribution (its answer counts as compact JSON)."""
    rows = [
        {
            "contribution_id": contribution_id,
            "group_id": t.group,
            "respondents": t.respondents,
            "scale_min": t.scale_min,
            "counts": json.dumps({k: list(v) for k, v in t.counts.items()}, separators=(",", ":")),
        }
        for t in items
    ]
    if rows:
        conn.execute(tallies.insert(), rows)


def _tally(row: Any) -> Tally:
    counts = {k: tuple(v) for k, v in json.loads(row["counts"]).items()}
    return Tally(row["group_id"], int(row["respondents"]), int(row["scale_min"]), counts)


def _contribution(row: Any, groups: list[Tally]) -> Contribution:
    meta = Metadata(row["industry"], row["size_band"], row["region"], row["collected"])
    return Contribution(
        row["client"],
        row["wave"],
        row["questionnaire_id"],
        row["questionnaire_version"],
        meta,
        tuple(groups),
    )


def parse_export(text: str, source: str) -> list[Contribution]:
    """The contributions of an export file; a wrong file is a StoreError naming the line."""
    lines = text.splitlines()
    try:
        head = json.loads(lines[0]) if lines else None
    except json.JSONDecodeError:
        head = None
    if not isinstance(head, dict) or head.get("format") != EXPORT_FORMAT:
        raise StoreError(f"{source}:1: not a salesmkt benchmark export")
    if int(head.get("schema_version", 0)) > SCHEMA_VERSION:
        raise StoreError(f"{source}:1: written by a newer salesmkt; upgrade salesmkt")
    out = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        try:
            out.append(Contribution.from_dict(json.loads(line)))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
            raise StoreError(f"{source}:{number}: not a benchmark contribution") from None
    return out


def open_store(url: str | None) -> Store:
    """The store at ``url`` (or the env variable, or the default), opened and migrated."""
    chosen = resolve_url(url)
    if not url and not os.environ.get(STORE_ENV):
        Path(sa.make_url(chosen).database or "").parent.mkdir(parents=True, exist_ok=True)
    return Store(chosen)
