"""Opening a room folder and serving it: the one entry point the CLI calls.

Vocabulary:
- *options*: :class:`RoomOptions`, what ``salesmkt room`` was given.
- *bind address*: the one address the server listens on: by default the machine's LAN
  address (found by asking the operating system which interface would route to a
  public address; no packet is sent), ``127.0.0.1`` for a local demo.
- *join address*: ``http://ADDRESS:PORT/?room=CODE``, what the QR code carries.
- *projector address*: ``http://ADDRESS:PORT/admin?token=TOKEN``, for the consultant's
  browser only (it sets the admin cookie and moves on to ``/projector``).

Starting again on an existing room folder resumes that room: its questionnaire, code,
tokens, threshold and segments come from the folder, and options that contradict them
are refused rather than silently ignored.
"""

from __future__ import annotations

import datetime as dt
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from salesmkt.definitions import questionnaire_load as qmod
from salesmkt.definitions.builtin import looks_like_path
from salesmkt.errors import SalesmktError, UsageError
from salesmkt.room.store import DB_NAME, RoomConfig, Store, open_store

if TYPE_CHECKING:
    from salesmkt.room.app import Room

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class RoomOptions:
    questionnaire: str = "alignment"
    host: str | None = None
    port: int = 8765
    folder: Path | None = None
    min_group_size: int = 5
    max_participants: int = 250
    segments: tuple[str, ...] = field(default_factory=tuple)
    #: The projector's language and the participants' default (None: the
    #: questionnaire's own); not kept in the folder, so a resumed room may change it.
    lang: str | None = None


def lan_address() -> str:
    """The address other machines on the network reach this one at (127.0.0.1 if none)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: routing only, nothing is sent
        address: str = probe.getsockname()[0]
    except OSError:
        return LOOPBACK
    finally:
        probe.close()
    return address


def check_address(host: str, port: int) -> None:
    """Refuse, in one line, an address this machine cannot listen on (taken, not ours)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise SalesmktError(
                f"{host}:{port}: cannot listen there: {exc.strerror or exc}"
            ) from None


def default_folder(now: dt.datetime | None = None) -> Path:
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    return Path(f"room-{stamp}")


def _reference(questionnaire: str) -> str:
    """How the room folder records the questionnaire: an id, or an absolute path."""
    if looks_like_path(questionnaire) or Path(questionnaire).is_file():
        return str(Path(questionnaire).resolve())
    return questionnaire


def open_config(options: RoomOptions, folder: Path) -> tuple[Store, RoomConfig]:
    """The store and configuration of the room folder, created on first use."""
    fresh = not (folder / DB_NAME).is_file()
    ref = _reference(options.questionnaire)
    if fresh:
        qmod.load(ref)  # a bad questionnaire fails before the room exists
    store = open_store(folder, create=True)
    config = store.config()
    if config is None:
        config = store.create(
            ref,
            min_group_size=options.min_group_size,
            max_participants=options.max_participants,
            segments=options.segments,
        )
    elif config.questionnaire != ref and not fresh:
        store.close()
        raise UsageError(
            f"--folder {folder}: this room uses questionnaire {config.questionnaire!r}, "
            f"not {options.questionnaire!r}; give the same -q or another folder"
        )
    return store, config


def address(options: RoomOptions) -> str:
    return options.host or lan_address()


def join_url(host: str, port: int, code: str) -> str:
    shown = lan_address() if host in ("0.0.0.0", "::") else host  # noqa: S104 - a comparison
    shown = f"[{shown}]" if ":" in shown else shown
    return f"http://{shown}:{port}/?room={code}"


def admin_url(join: str, token: str) -> str:
    return join.split("/?", 1)[0] + f"/admin?token={token}"


def terminal_qr(url: str) -> str:
    """The join address as a QR code drawn with block characters, for the terminal."""
    import io

    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True, border=2)
    return out.getvalue()


def prepare(options: RoomOptions) -> Room:
    """Open (or create) the room folder and build the room the web application serves."""
    from salesmkt.l10n import shipped_tag
    from salesmkt.room.app import Room

    folder = options.folder or default_folder()
    store, config = open_config(options, folder)
    q = qmod.load(config.questionnaire)
    url = join_url(address(options), options.port, config.code)
    return Room(store, config, q, url, lang=shipped_tag(options.lang))


def allowed_hosts(host: str) -> list[str] | None:
    """The Host headers the room answers: its own address (and this machine's names)."""
    if host in ("0.0.0.0", "::"):  # noqa: S104 - a comparison
        return None  # every interface: the names it may be reached by are unknown
    shown = f"[{host}]" if ":" in host else host
    return [shown, "127.0.0.1", "localhost", "[::1]"]


def serve(room: Room, host: str, port: int) -> None:
    """Serve the room until Ctrl-C (uvicorn; its own access log stays off)."""
    import uvicorn

    from salesmkt.room.app import build_app

    try:
        uvicorn.run(
            build_app(room, hosts=allowed_hosts(host)),
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            server_header=False,
        )
    finally:
        room.store.close()
