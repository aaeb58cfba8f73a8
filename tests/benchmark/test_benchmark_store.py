"""The store: same behaviour on SQLite and PostgreSQL; transactions; clear errors."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest
from support.benchmark import contribution_of, synthetic_rows

from salesmkt.benchmark import store as store_mod
from salesmkt.benchmark.store import SCHEMA_VERSION, Store
from salesmkt.errors import StoreError, UsageError


def _client(i: int, wave: str = "w1") -> store_mod.Contribution:
    rows = synthetic_rows(i, {"sales": 6, "marketing": 5}, client=f"c{i}")
    return contribution_of(rows, f"c{i}", wave=wave)


def test_add_list_remove_round_trip(store_url: str) -> None:
    s = Store(store_url)
    for i in range(3):
        assert s.add(_client(i)) is False
    assert s.add(_client(1)) is True  # the same wave again replaces it
    got = {c.client: c for c in s.contributions(("alignment", "1.0"))}
    assert sorted(got) == ["c0", "c1", "c2"]
    assert got["c1"] == _client(1)  # every count comes back exactly
    assert [r.client for r in s.listing()] == ["c0", "c1", "c2"]
    assert s.remove("c1") == 1
    assert s.remove("c1") == 0
    assert [c.client for c in s.contributions()] == ["c0", "c2"]
    assert s.contributions(("alignment", "2.0")) == []
    s.close()


def test_reopening_keeps_the_schema_version(store_url: str) -> None:
    Store(store_url).add(_client(0))
    again = Store(store_url)
    with again.transaction() as conn:
        rows = conn.execute(store_mod.sa.select(store_mod.schema_info)).all()
    assert dict((k, v) for k, v in rows)["schema_version"] == str(SCHEMA_VERSION)
    assert len(again.contributions()) == 1


def test_a_crash_mid_add_leaves_the_store_unchanged(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = Store(store_url)
    s.add(_client(0))
    before = s.export_text()

    def crash(*_args: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(store_mod, "insert_tallies", crash)
    with pytest.raises(RuntimeError):
        s.add(_client(1))
    with pytest.raises(RuntimeError):
        s.add(_client(0, wave="w1"))  # a replacement deletes first: rolled back too
    assert s.export_text() == before


def test_export_then_import_merges_and_refuses_conflicts(store_url: str, tmp_path: Path) -> None:
    first = Store(store_url)
    for i in range(3):
        first.add(_client(i))
    text = first.export_text()
    other = Store(f"sqlite:///{tmp_path / 'other.sqlite'}")
    other.add(_client(7))
    assert other.import_text(text, "x.jsonl") == (3, 0)
    assert other.import_text(text, "x.jsonl") == (0, 3)
    assert {c.client for c in other.contributions()} == {"c0", "c1", "c2", "c7"}
    changed = _client(0)
    first.add(changed.__class__(**{**changed.__dict__, "tallies": _client(9).tallies}))
    before = other.export_text()
    with pytest.raises(StoreError, match="other figures; nothing was imported"):
        other.import_text(first.export_text(), "y.jsonl")
    assert other.export_text() == before
    with pytest.raises(StoreError, match="not a salesmkt benchmark export"):
        other.import_text("hello\n", "z.jsonl")


def _add_many(url: str, start: int) -> None:
    s = Store(url)
    for i in range(start, start + 15):
        s.add(_client(i))


def test_two_processes_adding_at_once_lose_nothing(sqlite_url: str) -> None:
    Store(sqlite_url)  # created first, so both writers meet an existing store
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_add_many, args=(sqlite_url, k * 100)) for k in (0, 1)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    assert len(Store(sqlite_url).contributions()) == 30


def test_two_processes_creating_the_store_at_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_add_many, args=(url, k * 100)) for k in (0, 1)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    assert len(Store(url).contributions()) == 30


# -- errors: one clear line, nothing written -------------------------------------------


def test_a_corrupted_file_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "bad.sqlite"
    path.write_bytes(b"this is not a database at all\x00\x01" * 200)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a salesmkt benchmark store"):
        Store(f"sqlite:///{path}")
    assert path.read_bytes() == before


def test_a_foreign_database_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "foreign.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER)")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="a foreign database"):
        Store(f"sqlite:///{path}")
    assert path.read_bytes() == before


def test_a_newer_schema_is_refused_unchanged(store_url: str) -> None:
    s = Store(store_url)
    s.add(_client(0))
    with s.transaction() as conn:
        conn.execute(
            store_mod.schema_info.update()
            .where(store_mod.schema_info.c.key == "schema_version")
            .values(value=str(SCHEMA_VERSION + 1))
        )
    with pytest.raises(StoreError, match="newer salesmkt"):
        Store(store_url)


def test_an_older_schema_is_migrated(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    Store(sqlite_url).add(_client(0))
    steps: list[int] = []
    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(store_mod.MIGRATIONS, SCHEMA_VERSION, lambda _c: steps.append(1))
    again = Store(sqlite_url)
    assert steps == [1]
    with again.transaction() as conn:
        rows = dict(tuple(r) for r in conn.execute(store_mod.sa.select(store_mod.schema_info)))
    assert rows["schema_version"] == str(SCHEMA_VERSION + 1)


def test_an_unreachable_server_is_one_clear_error() -> None:
    url = "postgresql+psycopg://nobody:secret@127.0.0.1:1/none?connect_timeout=2"
    with pytest.raises(StoreError, match="cannot reach the benchmark store") as caught:
        Store(url)
    assert "secret" not in str(caught.value)


def test_a_missing_folder_and_a_wrong_url(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        Store(f"sqlite:///{tmp_path / 'no' / 'such.sqlite'}")
    assert not (tmp_path / "no").exists()
    with pytest.raises(UsageError):
        Store("mysql://x@y/z")
    with pytest.raises(UsageError):
        Store("::::")


def test_the_latest_wave_inside_the_window(store_url: str) -> None:
    import dataclasses
    import datetime as dt

    s = Store(store_url)
    for wave, day in (("w1", "2024-01-10"), ("w2", "2026-03-01"), ("w3", "2026-12-24")):
        c = _client(0, wave=wave)
        s.add(dataclasses.replace(c, meta=dataclasses.replace(c.meta, collected=day)))
    window = (dt.date(2024, 11, 1), dt.date(2026, 11, 1))
    got = s.contributions(("alignment", "1.0"), window=window, latest_only=True)
    assert [(c.client, c.wave) for c in got] == [("c0", "w2")]
    assert len(got[0].tallies) == 2
