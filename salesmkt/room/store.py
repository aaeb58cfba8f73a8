"""The room's store: one SQLite file in the room folder, the single source of truth.

Vocabulary:
- *room folder*: the folder the consultant chose; it holds ``room.sqlite`` (and its
  WAL files). Starting ``salesmkt room`` again on the same folder resumes the same room:
  the same *room code*, *admin token* and *secret* are read back from it.
- *room code*: a short code shown on the projector; a participant gives it when joining
  (the QR code carries it), so someone who only guesses the address cannot join.
- *admin token*: the consultant's key to the projector and the admin endpoints; never
  shown on the projector page.
- *secret*: the key that signs CSRF tokens; never leaves the server.
- *device*: one phone's browser, known by a random cookie; only its SHA-256 is stored.
- *participant*: a device that joined a group (and optionally a segment); it gets a
  random *respondent* code for the export. *Submitted* once the person confirms.
- *answer*: one item's value, a scale point (``"4"``) or a missing code (``"N/A"``).

Durability: WAL mode with ``synchronous=NORMAL``; every write is one transaction
committed (in the write-ahead log) before the method returns, so an answer the page
shows as saved survives a crash or ``kill -9`` of the server. Only a power cut could
lose the last moments' answers (the log is synced at checkpoints, not at each commit);
``FULL`` would sync every answer at about 5 ms each, one after another, which 200 phones
would queue behind. One connection serves every thread behind a lock (SQLite
serialises writers anyway, and the lock keeps readers consistent).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from salesmkt.errors import SalesmktError, UsageError

DB_NAME = "room.sqlite"
#: Room codes avoid 0/O and 1/I/L, which people misread from a projector.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RESPONDENT_PREFIX = "R-"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS participants (
    id INTEGER PRIMARY KEY,
    device TEXT NOT NULL UNIQUE,
    respondent TEXT NOT NULL UNIQUE,
    grp TEXT NOT NULL,
    segment TEXT NOT NULL DEFAULT '',
    joined REAL NOT NULL,
    submitted REAL
);
CREATE TABLE IF NOT EXISTS answers (
    participant INTEGER NOT NULL REFERENCES participants(id),
    item TEXT NOT NULL,
    value TEXT NOT NULL,
    saved REAL NOT NULL,
    PRIMARY KEY (participant, item)
);
"""


def _code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def device_key(device: str) -> str:
    """What the store keeps of a device cookie: its SHA-256, never the cookie itself."""
    return hashlib.sha256(device.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RoomConfig:
    """What a room is, fixed when the folder is created and read back on every restart."""

    questionnaire: str
    code: str
    admin_token: str
    secret: str
    min_group_size: int = 5
    max_participants: int = 250
    segments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Participant:
    id: int
    respondent: str
    group: str
    segment: str
    submitted: bool
    answers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    """One participant's response as the export writes it."""

    respondent: str
    group: str
    segment: str
    submitted: bool
    answers: dict[str, str]


class RoomFull(SalesmktError):
    """The room has reached its cap of participants."""


class Store:
    """The room's SQLite file: configuration, participants and their answers."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / DB_NAME
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise SalesmktError(f"{self.path}: cannot open the room's database: {exc}") from None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One committed transaction (BEGIN IMMEDIATE: writers queue, never deadlock)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- configuration ------------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        with self._lock:
            return dict(self._db.execute("SELECT key, value FROM meta").fetchall())

    def config(self) -> RoomConfig | None:
        found = self.meta()
        if "code" not in found:
            return None
        return RoomConfig(
            questionnaire=found["questionnaire"],
            code=found["code"],
            admin_token=found["admin_token"],
            secret=found["secret"],
            min_group_size=int(found["min_group_size"]),
            max_participants=int(found["max_participants"]),
            segments=tuple(json.loads(found["segments"])),
        )

    def create(
        self,
        questionnaire: str,
        *,
        min_group_size: int,
        max_participants: int,
        segments: tuple[str, ...],
    ) -> RoomConfig:
        """Write a new room's configuration (fresh code, token and secret)."""
        config = RoomConfig(
            questionnaire=questionnaire,
            code=_code(6),
            admin_token=secrets.token_urlsafe(24),
            secret=secrets.token_hex(32),
            min_group_size=min_group_size,
            max_participants=max_participants,
            segments=segments,
        )
        values = {
            "questionnaire": questionnaire,
            "code": config.code,
            "admin_token": config.admin_token,
            "secret": config.secret,
            "min_group_size": str(min_group_size),
            "max_participants": str(max_participants),
            "segments": json.dumps(list(segments)),
            "open": "1",
            "created": str(time.time()),
        }
        with self._tx() as db:
            db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", values.items())
        return config

    def is_open(self) -> bool:
        return self.meta().get("open", "1") == "1"

    def set_open(self, value: bool) -> None:
        with self._tx() as db:
            db.execute("UPDATE meta SET value = ? WHERE key = 'open'", ("1" if value else "0",))

    # -- participants and answers ----------------------------------------------------------

    def participant(self, device: str) -> Participant | None:
        with self._lock:
            row = self._db.execute(
                "SELECT id, respondent, grp, segment, submitted FROM participants WHERE device = ?",
                (device_key(device),),
            ).fetchone()
            if row is None:
                return None
            answers = dict(
                self._db.execute(
                    "SELECT item, value FROM answers WHERE participant = ?", (row[0],)
                ).fetchall()
            )
        return Participant(row[0], row[1], row[2], row[3], row[4] is not None, answers)

    def join(self, device: str, group: str, segment: str, cap: int) -> None:
        """Join (or, before submitting, change group and segment); RoomFull at the cap."""
        key = device_key(device)
        with self._tx() as db:
            found = db.execute("SELECT id FROM participants WHERE device = ?", (key,)).fetchone()
            if found is not None:
                db.execute(
                    "UPDATE participants SET grp = ?, segment = ? WHERE id = ?",
                    (group, segment, found[0]),
                )
                return
            (count,) = db.execute("SELECT COUNT(*) FROM participants").fetchone()
            if count >= cap:
                raise RoomFull(f"the room is full ({cap} participants)")
            respondent = self._new_respondent(db)
            db.execute(
                "INSERT INTO participants (device, respondent, grp, segment, joined) "
                "VALUES (?, ?, ?, ?, ?)",
                (key, respondent, group, segment, time.time()),
            )

    @staticmethod
    def _new_respondent(db: sqlite3.Connection) -> str:
        while True:
            code = RESPONDENT_PREFIX + _code(6)
            taken = db.execute("SELECT 1 FROM participants WHERE respondent = ?", (code,))
            if taken.fetchone() is None:
                return code

    def answer(self, participant: int, item: str, value: str | None) -> None:
        """Save (or, with ``None``, clear) one answer, committed before returning."""
        with self._tx() as db:
            if value is None:
                db.execute(
                    "DELETE FROM answers WHERE participant = ? AND item = ?", (participant, item)
                )
            else:
                db.execute(
                    "INSERT INTO answers (participant, item, value, saved) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (participant, item) DO UPDATE SET value = excluded.value, "
                    "saved = excluded.saved",
                    (participant, item, value, time.time()),
                )

    def save(self, device: str, item: str, value: str | None) -> str:
        """Save one answer of a device in one transaction; what happened, in one word.

        ``saved``; ``closed`` (the room takes no answers); ``unknown`` (the device never
        joined); ``submitted`` (its answers are final). Nothing is written unless saved.
        """
        with self._tx() as db:
            (is_open,) = db.execute("SELECT value FROM meta WHERE key = 'open'").fetchone()
            if is_open != "1":
                return "closed"
            found = db.execute(
                "SELECT id, submitted FROM participants WHERE device = ?", (device_key(device),)
            ).fetchone()
            if found is None:
                return "unknown"
            if found[1] is not None:
                return "submitted"
            if value is None:
                db.execute(
                    "DELETE FROM answers WHERE participant = ? AND item = ?", (found[0], item)
                )
            else:
                db.execute(
                    "INSERT INTO answers (participant, item, value, saved) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (participant, item) DO UPDATE SET value = excluded.value, "
                    "saved = excluded.saved",
                    (found[0], item, value, time.time()),
                )
        return "saved"

    def submit(self, participant: int) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE participants SET submitted = ? WHERE id = ? AND submitted IS NULL",
                (time.time(), participant),
            )

    # -- reading for the projector and the export ------------------------------------------

    def counts(self) -> dict[str, tuple[int, int]]:
        """Group id → (joined, submitted)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT grp, COUNT(*), COUNT(submitted) FROM participants GROUP BY grp"
            ).fetchall()
        return {g: (joined, done) for g, joined, done in rows}

    def rows(self, *, submitted_only: bool = True) -> list[Row]:
        """Every participant's response, in the order they joined."""
        where = "WHERE p.submitted IS NOT NULL" if submitted_only else ""
        with self._lock:
            people = self._db.execute(
                f"SELECT p.id, p.respondent, p.grp, p.segment, p.submitted "  # noqa: S608 - fixed text
                f"FROM participants p {where} ORDER BY p.id"
            ).fetchall()
            answers: dict[int, dict[str, str]] = {}
            for pid, item, value in self._db.execute(
                "SELECT participant, item, value FROM answers"
            ):
                answers.setdefault(pid, {})[item] = value
        return [
            Row(r, g, s, done is not None, answers.get(pid, {})) for pid, r, g, s, done in people
        ]

    def answer_count(self) -> int:
        with self._lock:
            (n,) = self._db.execute("SELECT COUNT(*) FROM answers").fetchone()
        return int(n)


def open_store(folder: Path, *, create: bool) -> Store:
    """The store of a room folder (created when ``create``; UsageError when missing)."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--folder {folder}: is not a folder")
    if not (folder / DB_NAME).is_file():
        if not create:
            raise SalesmktError(f"{folder}: not a room folder (no {DB_NAME} in it)")
        folder.mkdir(parents=True, exist_ok=True)
    return Store(folder)
