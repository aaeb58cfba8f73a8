"""Fixtures of the benchmark tests: a store URL for each backend.

``store_url`` runs a test once on SQLite and once on PostgreSQL; the PostgreSQL run
skips, saying why, when no server can be had (CI installs one, see .ci/run).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.benchmark import PgServer


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer | str]:
    server = PgServer.start()
    yield server
    if isinstance(server, PgServer):
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    server = request.getfixturevalue("pg_server")
    if isinstance(server, str):
        pytest.skip(server)
    return server.fresh_database()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.sqlite'}"
