"""Synthetic clients for the benchmark tests, and a throwaway PostgreSQL server.

- ``synthetic_rows``: one client's respondents as a pandas frame (respondent code,
  group, q01..q20, a comment), drawn from a seeded generator; complete answers.
- ``contribution_of``: the same client as a store contribution, tallied here with
  pandas ``value_counts`` (independently of salesmkt's own tallying).
- ``PgServer``: ``initdb`` + ``pg_ctl`` on a temporary folder and a free port (run as the
  ``postgres`` user when the tests run as root, as in CI); ``SALESMKT_TEST_PG_URL``
  replaces it when set.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from salesmkt.benchmark.aggregates import Contribution, Metadata, Tally

ITEMS = [f"q{i:02d}" for i in range(1, 21)]
GROUPS = ("sales", "marketing", "leadership")


def synthetic_rows(seed: int, sizes: dict[str, int], client: str = "c") -> pd.DataFrame:
    """Complete answers 1-5 for each group; each client and group has its own level."""
    rng = np.random.default_rng(seed)
    frames = []
    for group, n in sizes.items():
        level = rng.uniform(1.6, 4.4, size=len(ITEMS))
        answers = np.clip(np.rint(level + rng.normal(0, 0.9, size=(n, len(ITEMS)))), 1, 5)
        frame = pd.DataFrame(answers.astype(int), columns=ITEMS)
        frame.insert(0, "group", group)
        frame.insert(0, "respondent", [f"ZQX{client}{group[:2]}{i:03d}QZ" for i in range(n)])
        frame["comment"] = [f"secret remark {client} {group} {i} wombat" for i in range(n)]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def contribution_of(
    rows: pd.DataFrame, client: str, meta: Metadata | None = None, wave: str = "w1"
) -> Contribution:
    tallies = []
    for group, part in rows.groupby("group", sort=False):
        counts = {
            item: tuple(int(part[item].value_counts().get(v, 0)) for v in range(1, 6))
            for item in ITEMS
        }
        tallies.append(Tally(str(group), len(part), 1, counts))
    meta = meta or Metadata(collected="2026-06-01")
    return Contribution(client, wave, "alignment", "1.0", meta, tuple(tallies))


def write_csv(rows: pd.DataFrame, path: Path) -> Path:
    """A responses file salesmkt reads without a mapping."""
    frame = rows.rename(columns={"respondent": "Respondent", "group": "Team"})
    frame = frame.rename(columns={"comment": "Comments"})
    frame.to_csv(path, index=False)
    return path


# -- PostgreSQL ------------------------------------------------------------------------


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    hits = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return hits[-1] if hits else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    """A PostgreSQL cluster of its own, or the one SALESMKT_TEST_PG_URL names."""

    base_url: str
    folder: str | None = None
    pg_ctl: str | None = None
    as_user: list[str] | None = None

    @classmethod
    def start(cls) -> PgServer | str:
        """A running server, or why none could be had (the tests then skip, saying so)."""
        given = os.environ.get("SALESMKT_TEST_PG_URL")
        if given:
            return cls(given)
        initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
        if not initdb or not pg_ctl:
            return "no PostgreSQL server: initdb/pg_ctl not found and SALESMKT_TEST_PG_URL unset"
        prefix: list[str] = []
        folder = tempfile.mkdtemp(prefix="salesmkt-pg-")
        if os.geteuid() == 0:  # postgres refuses to run as root (as in CI): use its user
            if not shutil.which("runuser"):
                return "no PostgreSQL server: running as root without runuser"
            shutil.chown(folder, "postgres", "postgres")
            prefix = ["runuser", "-u", "postgres", "--"]
        data, port = os.path.join(folder, "data"), _free_port()
        try:
            run = dict(check=True, capture_output=True, timeout=120)
            subprocess.run(
                [
                    *prefix,
                    initdb,
                    "-D",
                    data,
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "--no-sync",
                    "-E",
                    "UTF8",
                ],
                **run,
            )  # type: ignore[call-overload]
            options = f"-k {folder} -p {port} -c listen_addresses='' -c fsync=off"
            subprocess.run(
                [
                    *prefix,
                    pg_ctl,
                    "-D",
                    data,
                    "-o",
                    options,
                    "-w",
                    "-l",
                    os.path.join(folder, "log"),
                    "start",
                ],
                **run,
            )  # type: ignore[call-overload]
        except (subprocess.SubprocessError, OSError) as exc:
            shutil.rmtree(folder, ignore_errors=True)
            return f"no PostgreSQL server: could not start one ({exc})"
        url = f"postgresql+psycopg://postgres@/postgres?host={folder}&port={port}"
        return cls(url, folder, pg_ctl, prefix)

    def fresh_database(self) -> str:
        """A new empty database on the server; its URL."""
        import sqlalchemy as sa

        name = f"t_{uuid.uuid4().hex[:12]}"
        engine = sa.create_engine(self.base_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        engine.dispose()
        return str(sa.make_url(self.base_url).set(database=name).render_as_string(False))

    def stop(self) -> None:
        if self.folder and self.pg_ctl:
            data = os.path.join(self.folder, "data")
            subprocess.run(
                [*(self.as_user or []), self.pg_ctl, "-D", data, "-m", "immediate", "stop"],
                capture_output=True,
                timeout=60,
            )
            shutil.rmtree(self.folder, ignore_errors=True)
