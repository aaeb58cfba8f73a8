"""The room's web application (Starlette): the participant page, the projector, the API.

Vocabulary:
- *room*: a :class:`Room`, everything a request needs: the store, its configuration,
  the questionnaire, the join address and the cache of live figures.
- *participant endpoints* (device cookie): ``GET /`` the page, ``GET /api/state`` the
  device's own progress, ``POST /api/join``, ``POST /api/answer``, ``POST /api/submit``.
- *admin endpoints* (admin cookie, or ``Authorization: Bearer TOKEN``): ``GET /admin``
  (token in, cookie out), ``GET /projector``, ``GET /api/admin/live``,
  ``GET /api/admin/qr.svg``, ``POST /api/admin/close`` and ``/reopen``,
  ``GET /api/admin/responses.csv``.
- *reader's language*: each request is answered inside
  :func:`salesmkt.l10n.reading_in` (the :class:`ReaderLanguage` middleware): the
  participant's chosen language (``?lang=``, then the ``room_lang`` cookie the page
  sets) on participant endpoints, the room's ``--lang`` on admin endpoints. The error
  sentences, the projector's words and its live figures follow it.
- *error*: a JSON body ``{"error": "…"}``, in the reader's language, with a 4xx
  status: 400 unreadable body, 403 missing or wrong token, 404 unknown path, 409 the
  room is closed or the answers are submitted, 413 body too big, 422 not an answer the
  questionnaire allows, 429 too many requests, 503 the room is full.

Every state-changing request is a POST with a JSON body under ``MAX_BODY`` bytes, the
right CSRF header and (when sent) a same-site Origin; otherwise nothing is stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import multiprocessing
import secrets
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.l10n import N_, Translate, _, reading_in, translator
from salesmkt.room import results
from salesmkt.room import security as sec
from salesmkt.room.store import Participant, RoomConfig, RoomFull, Store

HERE = Path(__file__).parent
BLOCK = 4  # statements per screen: fits a phone without long scrolling


class Refused(Exception):
    """A request the room refuses: an HTTP status and one clear sentence."""

    def __init__(self, status: int, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason  # a word for the page's script (the message is translated)


@dataclass
class Room:
    store: Store
    config: RoomConfig
    questionnaire: Questionnaire
    join_url: str
    #: The projector's language (``--lang``; None: the questionnaire's own) and the
    #: participants' default one.
    lang: str | None = None
    # The last live figures and the number of submitted responses they are of; the
    # computation under way; the worker process that scores (see _figures).
    _live: tuple[int, dict[str, Any]] | None = None
    _pending: asyncio.Future[dict[str, Any]] | None = None
    _pool: ProcessPoolExecutor | None = None

    def pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("spawn")  # no fork of a threaded server
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
        return self._pool

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    @functools.cached_property
    def shown(self) -> Questionnaire:
        """The questionnaire in the projector's language, where it has that translation."""
        q = self.questionnaire
        if self.lang is None or self.lang not in q.languages or self.lang == q.language:
            return q
        return q.in_language(self.lang)

    def choices(self) -> dict[str, str]:
        """Every value an answer may take → how the page labels it."""
        found = _point_labels(self.questionnaire)
        found.update({code: code for code in self.questionnaire.scale.missing})
        return found

    def offered(
        self, shown: Questionnaire | None = None, words: Translate | None = None
    ) -> dict[str, str]:
        """The choices the page shows: the scale, then one "can't say" (the first missing
        code; the questionnaire's other spellings of it would only add clutter). The
        values are the room's (so answers store alike in every language); the labels
        are ``shown``'s, the questionnaire in the participant's language."""
        say = words or translator(None)
        s, t = self.questionnaire.scale, (shown or self.questionnaire).scale
        found = _point_labels(shown or self.questionnaire)
        if s.missing:
            can_t = say(N_("Can't say ({code})"))
            found[s.missing[0]] = can_t.format(code=(t.missing or s.missing)[0])
        return found


def _point_labels(q: Questionnaire) -> dict[str, str]:
    """Each scale point's (or option's) value → its label (no missing codes)."""
    s = q.scale
    if s.type == "choice":
        return {o.id: o.label for o in s.options}
    return {str(p): f"{p} · {s.label(p)}" if p in s.labels else str(p) for p in s.points}


# -- helpers -------------------------------------------------------------------------


def _room(request: Request) -> Room:
    room: Room = request.app.state.room
    return room


def _problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refused)
    body = {"error": exc.message} | ({"reason": exc.reason} if exc.reason else {})
    return JSONResponse(body, status_code=exc.status)


async def _body(request: Request) -> dict[str, Any]:
    """The JSON object of a POST, read no further than ``MAX_BODY`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > sec.MAX_BODY):
        raise Refused(413, _too_big())
    data = b""
    async for chunk in request.stream():
        data += chunk
        if len(data) > sec.MAX_BODY:
            raise Refused(413, _too_big())
    try:
        body = json.loads(data or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, _("the request body is not JSON")) from None
    if not isinstance(body, dict):
        raise Refused(400, _("the request body must be a JSON object"))
    return body


def _too_big() -> str:
    return _("the request body is larger than {limit} bytes").format(limit=sec.MAX_BODY)


def _device(request: Request) -> str | None:
    value = request.cookies.get(sec.DEVICE_COOKIE)
    return value if value and len(value) <= 64 else None


def _check_post(request: Request, expected: str) -> None:
    if not sec.origin_ok(request.headers.get("origin"), request.headers.get("host")):
        raise Refused(403, _("cross-site request refused"))
    if not sec.same(request.headers.get(sec.CSRF_HEADER), expected):
        raise Refused(403, _("missing or wrong CSRF token; reload the page"))


def _check_participant(request: Request) -> str:
    """The device of a participant's POST, once its cookie, Origin and CSRF token hold."""
    room = _room(request)
    device = _device(request)
    if device is None:
        raise Refused(403, _("no session cookie; reload the page"))
    _check_post(request, sec.sign(room.config.secret, "csrf", device))
    return device


async def _participant_post(request: Request) -> tuple[Room, str, dict[str, Any]]:
    """The room, the device and the body of a participant's POST, after every check."""
    room = _room(request)
    device = _check_participant(request)
    body = await _body(request)
    if not await run_in_threadpool(room.store.is_open):
        raise Refused(409, _(_REFUSALS["closed"]), "closed")
    return room, device, body


def _joined(room: Room, device: str) -> Participant:
    found = room.store.participant(device)
    if found is None:
        raise Refused(409, _(_REFUSALS["unknown"]))
    if found.submitted:
        raise Refused(409, _(_REFUSALS["submitted"]))
    return found


def _text(body: dict[str, Any], key: str, limit: int = 100) -> str:
    value = body.get(key, "")
    if not isinstance(value, str) or len(value) > limit:
        message = _("{key!r} must be text of at most {limit} characters")
        raise Refused(422, message.format(key=key, limit=limit))
    return value.strip()


def _render(name: str, **context: Any) -> str:
    env: Environment = _ENV
    return env.get_template(name).render(**context)


_ENV = Environment(
    loader=PackageLoader("salesmkt.room", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


# -- participant endpoints -----------------------------------------------------------


async def page(request: Request) -> Response:
    room = _room(request)
    device = _device(request) or secrets.token_urlsafe(24)
    q, lang = _participant_language(room, request)
    _ = translator(lang)
    items = list(enumerate(q.items, start=1))
    html = _render(
        "participant.html",
        q=q,
        _=_,
        languages=_language_links(room, request, lang),
        script_words={text: _(text) for text in SCRIPT_WORDS},
        blocks=[items[i : i + BLOCK] for i in range(0, len(items), BLOCK)],
        choices=room.offered(q, _),
        missing=room.questionnaire.scale.missing[:1],
        segments=room.config.segments,
        csrf=sec.sign(room.config.secret, "csrf", device),
    )
    response = HTMLResponse(html)
    response.set_cookie(
        sec.DEVICE_COOKIE, device, max_age=7 * 86400, httponly=True, samesite="strict"
    )
    # The server's answers to this device's requests come in the page's language.
    response.set_cookie(LANG_COOKIE, lang, max_age=7 * 86400, httponly=True, samesite="strict")
    return response


#: The words participant.js writes (it looks them up in the page's data-words).
SCRIPT_WORDS = (
    N_("{n} of {total} answered"),
    N_("Saving…"),
    N_("Saved ✓"),
    N_("Not saved:"),
    N_("Not saved: no connection. Choose again to retry."),
    N_("skipped"),
    N_("Change"),
    N_("No connection to the room. Reload the page to try again."),
    N_("Choose your group first."),
)

LANG_COOKIE = "room_lang"

#: How each language calls itself, for the participant's language links.
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch", "fr": "Français", "es": "Español"}


def _participant_language(room: Room, request: Request) -> tuple[Questionnaire, str]:
    """The questionnaire in the participant's language (:func:`participant_tag`)."""
    q = room.questionnaire
    lang = participant_tag(room, request)
    return (q, lang) if lang == q.language else (q.in_language(lang), lang)


def participant_tag(room: Room, request: Request) -> str:
    """The language the participant chose (``?lang=``, else the one their page was last
    shown in, the ``room_lang`` cookie), else the room's ``--lang``, else the
    questionnaire's own; an unknown tag falls back, never an error page."""
    languages = room.questionnaire.languages
    for tag in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE), room.lang):
        if tag and tag in languages:
            return tag
    return room.questionnaire.language


def _language_links(room: Room, request: Request, current: str) -> list[dict[str, Any]]:
    """One link per language of the questionnaire (the room code in the address kept)."""
    links = []
    for tag in room.questionnaire.languages:
        query = {k: v for k, v in request.query_params.items() if k != "lang"} | {"lang": tag}
        href = "?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in query.items())
        name = LANGUAGE_NAMES.get(tag, tag)
        links.append({"tag": tag, "name": name, "href": href, "current": tag == current})
    return links


async def state(request: Request) -> Response:
    room = _room(request)
    device = _device(request)
    found = await run_in_threadpool(room.store.participant, device) if device else None
    me: dict[str, Any] = {"joined": found is not None}
    if found is not None:
        me.update(group=found.group, segment=found.segment, submitted=found.submitted)
        # Own answers go back only to this device and only until they are submitted.
        me["answers"] = {} if found.submitted else found.answers
    is_open = await run_in_threadpool(room.store.is_open)
    return JSONResponse({"open": is_open, "me": me})


async def join(request: Request) -> Response:
    room, device, body = await _participant_post(request)
    if not sec.same(_text(body, "code").upper(), room.config.code):
        raise Refused(403, _("that is not this room's code (it is on the projector)"))
    group = _text(body, "group")
    if group not in {g.id for g in room.questionnaire.groups}:
        raise Refused(422, _("choose one of the groups shown"))
    segment = _text(body, "segment")
    if segment and segment not in room.config.segments:
        raise Refused(422, _("choose one of the segments shown, or none"))
    found = await run_in_threadpool(room.store.participant, device)
    if found is not None and found.submitted:
        raise Refused(409, _(_REFUSALS["submitted"]))
    try:
        await run_in_threadpool(
            room.store.join, device, group, segment, room.config.max_participants
        )
    except RoomFull:
        full = _("the room is full ({cap} participants)")
        raise Refused(503, full.format(cap=room.config.max_participants)) from None
    return JSONResponse({"joined": True, "group": group, "segment": segment})


async def answer(request: Request) -> Response:
    room = _room(request)
    device = _check_participant(request)
    body = await _body(request)
    item = body.get("item")
    if not isinstance(item, str) or item not in room.questionnaire.item_ids:
        raise Refused(422, _("unknown statement"))
    value = _value(room, body.get("value"))
    # One transaction checks the room, the device and its state, then writes.
    outcome = await run_in_threadpool(room.store.save, device, item, value)
    if outcome != "saved":
        raise Refused(409, _(_REFUSALS[outcome]), outcome)
    return JSONResponse({"saved": item, "value": value})


#: Why an answer is refused (English msgids, translated when refused).
_REFUSALS = {
    "closed": N_("the room is closed; no more answers are taken"),
    "unknown": N_("join a group first"),
    "submitted": N_("your answers are already submitted"),
}


def _value(room: Room, raw: object) -> str | None:
    """An answer as stored: a scale point or missing code (text), or None to clear it."""
    if raw is None:
        return None
    # JSON true is an int to Python; a float 4.0 is not a point of the scale.
    value = str(raw) if isinstance(raw, int | str) and not isinstance(raw, bool) else None
    if value is None or value not in room.choices():
        raise Refused(422, _("not an answer on this questionnaire's scale"))
    return value


async def submit(request: Request) -> Response:
    room, device, _ = await _participant_post(request)
    found = await run_in_threadpool(_joined, room, device)
    await run_in_threadpool(room.store.submit, found.id)
    return JSONResponse({"submitted": True})


# -- admin endpoints -----------------------------------------------------------------


def _is_admin(request: Request) -> bool:
    config = _room(request).config
    bearer = request.headers.get("authorization", "")
    if bearer.startswith("Bearer ") and sec.same(bearer[7:], config.admin_token):
        return True
    expected = sec.sign(config.secret, "admin", config.admin_token)
    return sec.same(request.cookies.get(sec.ADMIN_COOKIE), expected)


def _admin(request: Request) -> Room:
    if not _is_admin(request):
        raise Refused(403, _("admin only: open the projector address printed by salesmkt room"))
    return _room(request)


async def admin_login(request: Request) -> Response:
    room = _room(request)
    if not sec.same(request.query_params.get("token"), room.config.admin_token):
        raise Refused(403, _("wrong or missing admin token"))
    response = RedirectResponse("/projector", status_code=303)
    cookie = sec.sign(room.config.secret, "admin", room.config.admin_token)
    response.set_cookie(sec.ADMIN_COOKIE, cookie, httponly=True, samesite="strict")
    return response


async def projector(request: Request) -> Response:
    """The projector page, in the room's language (the request's reader, see
    :class:`ReaderLanguage`): the template's words and projector.js's through ``_``."""
    room = _admin(request)
    c = room.config
    html = _render(
        "projector.html",
        q=room.shown,
        _=_,
        script_words={text: _(text) for text in PROJECTOR_WORDS},
        code=c.code,
        join_url=room.join_url,
        threshold=c.min_group_size,
        csrf=sec.sign(c.secret, "admin-csrf", c.admin_token),
    )
    return HTMLResponse(html)


#: The words projector.js writes (it looks them up in the page's data-words).
PROJECTOR_WORDS = (
    N_("Open"),
    N_("Closed"),
    N_("The responses cannot be scored yet:"),
    N_("{n} more from {group}"),
    N_("Results appear once each compared group has {threshold} submitted responses."),
    N_("Results appear once each compared group has {threshold} submitted responses: {needed}."),
    N_("{group}: n = {n}, too few to show"),
    N_("Updated {time}"),
    N_("Not updated ({status})"),
    N_("No connection to the room"),
    N_("Close the room? No more answers will be taken."),
)


def live_counts(room: Room) -> dict[str, Any]:
    """The counts per group and the gate; figures are added only once it is open."""
    q = room.questionnaire
    counts = room.store.counts()
    labels = {g.id: g.label for g in room.shown.groups}
    gate = results.gate(q, counts, room.config.min_group_size)
    return {
        "open": room.store.is_open(),
        "threshold": gate.threshold,
        "groups": [
            {"id": g, "label": labels.get(g, g), "joined": n[0], "submitted": n[1]}
            for g, n in ((g.id, counts.get(g.id, (0, 0))) for g in q.groups)
        ],
        "needed": {labels.get(g, g): n for g, n in gate.needed.items() if n},
        "ready": gate.open,
        "figures": None,
    }


async def _figures(room: Room) -> dict[str, Any]:
    """The live figures, rescored when new responses came in.

    Scoring takes about half a second of CPU, so it runs in a worker process (answers
    keep being saved meanwhile), one computation at a time; while a newer one runs, the
    previous figures are shown. Submitted responses never change and the gate never
    closes again, so earlier figures are never wrong, only a few seconds behind.
    """
    if room._pending is None or room._pending.done():
        room._pending = asyncio.ensure_future(_rescore(room))
    if room._live is None:
        return await asyncio.shield(room._pending)
    return room._live[1]


async def _rescore(room: Room) -> dict[str, Any]:
    rows = await run_in_threadpool(room.store.rows)
    submitted = len(rows)
    if room._live is not None and room._live[0] == submitted:
        return room._live[1]
    c = room.config
    text = results.export_text(room.questionnaire, rows)
    loop = asyncio.get_running_loop()
    figures = await loop.run_in_executor(
        room.pool(),
        results.figures_of,
        text,
        room.store.folder,
        c.questionnaire,
        c.min_group_size,
        room.lang,
    )
    room._live = (submitted, figures)
    return figures


async def live(request: Request) -> Response:
    room = _admin(request)
    body = await run_in_threadpool(live_counts, room)
    if body["ready"]:
        body["figures"] = await _figures(room)
    return JSONResponse(body)


async def qr_svg(request: Request) -> Response:
    import io

    import segno

    room = _admin(request)
    buffer = io.BytesIO()
    # A standalone SVG (with its namespace): an <img> shows nothing without it.
    segno.make(room.join_url, error="m").save(
        buffer, kind="svg", xmldecl=False, scale=8, border=2, dark="#000", light="#fff"
    )
    return Response(buffer.getvalue(), media_type="image/svg+xml")


async def favicon(request: Request) -> Response:
    return Response(status_code=204)  # browsers ask for one; the room has none


async def _set_open(request: Request, value: bool) -> Response:
    room = _admin(request)
    c = room.config
    _check_post(request, sec.sign(c.secret, "admin-csrf", c.admin_token))
    await _body(request)
    await run_in_threadpool(room.store.set_open, value)
    return JSONResponse({"open": value})


async def close(request: Request) -> Response:
    return await _set_open(request, False)


async def reopen(request: Request) -> Response:
    return await _set_open(request, True)


async def download(request: Request) -> Response:
    room = _admin(request)
    q = room.questionnaire
    counts = await run_in_threadpool(room.store.counts)
    gate = results.gate(q, counts, room.config.min_group_size)
    if not gate.open:
        waits = _("not enough responses yet: the export waits for the anonymity threshold")
        raise Refused(409, waits)
    rows = await run_in_threadpool(room.store.rows)
    name = f"room-{room.config.code}-responses.csv"
    return Response(
        results.export_text(q, rows),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


# -- the application -----------------------------------------------------------------


class Guard:
    """Rate limit per device (or address), then security headers on every response.

    A plain ASGI middleware: it only adds headers, so it need not buffer the response
    (Starlette's BaseHTTPMiddleware would, at a cost on every answer saved).
    """

    def __init__(self, app: ASGIApp, limiter: sec.RateLimiter) -> None:
        self.app = app
        self.limiter = limiter
        self.addresses = sec.RateLimiter(sec.ADDRESS_RATE, sec.ADDRESS_BURST)

    def _allow(self, request: Request) -> bool:
        if request.url.path.startswith("/static/"):
            return True
        device = _device(request)
        if device is not None:
            return self.limiter.allow(device)
        return self.addresses.allow(request.client.host if request.client else "?")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        static = request.url.path.startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.update(sec.HEADERS)
                if not static:
                    headers["cache-control"] = "no-store"
            await send(message)

        if self._allow(request):
            await self.app(scope, receive, with_headers)
            return
        response = JSONResponse({"error": _("too many requests; slow down")}, status_code=429)
        response.headers["retry-after"] = "1"
        await response(scope, receive, with_headers)


class ReaderLanguage:
    """Answers each request in its reader's language (:func:`reading_in`): the room's
    ``--lang`` on the admin paths, the participant's chosen one elsewhere. A plain ASGI
    middleware around the rest, so the endpoints, the exception handlers and the rate
    limit's refusal all run inside it."""

    ADMIN = ("/admin", "/projector", "/api/admin/")

    def __init__(self, app: ASGIApp, room: Room) -> None:
        self.app = app
        self.room = room

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        admin = request.url.path.startswith(self.ADMIN)
        lang = self.room.lang if admin else participant_tag(self.room, request)
        with reading_in(lang):
            await self.app(scope, receive, send)


async def _not_found(request: Request, exc: Exception) -> Response:
    return JSONResponse({"error": _("not found")}, status_code=404)


async def _not_allowed(request: Request, exc: Exception) -> Response:
    return JSONResponse({"error": _("method not allowed")}, status_code=405)


def build_app(
    room: Room, limiter: sec.RateLimiter | None = None, hosts: list[str] | None = None
) -> Starlette:
    """The application; ``hosts``: the Host headers it answers (None: any, for tests).

    Answering only the addresses it serves on stops DNS rebinding: a web page whose
    name was pointed at the laptop would send its own name as the Host.
    """
    routes = [
        Route("/", page),
        Route("/favicon.ico", favicon),
        Route("/api/state", state),
        Route("/api/join", join, methods=["POST"]),
        Route("/api/answer", answer, methods=["POST"]),
        Route("/api/submit", submit, methods=["POST"]),
        Route("/admin", admin_login),
        Route("/projector", projector),
        Route("/api/admin/live", live),
        Route("/api/admin/qr.svg", qr_svg),
        Route("/api/admin/close", close, methods=["POST"]),
        Route("/api/admin/reopen", reopen, methods=["POST"]),
        Route("/api/admin/responses.csv", download),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        room.shutdown()

    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[
            Middleware(TrustedHostMiddleware, allowed_hosts=hosts or ["*"]),
            Middleware(ReaderLanguage, room=room),
            Middleware(Guard, limiter=limiter or sec.RateLimiter()),
        ],
        exception_handlers={Refused: _problem, 404: _not_found, 405: _not_allowed},
    )
    app.state.room = room
    return app
