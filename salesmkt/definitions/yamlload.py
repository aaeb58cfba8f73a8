"""Hardened YAML loading with source positions.

Vocabulary: a *document* is the plain Python data (dicts, lists, str, int, float, bool,
None) built from one YAML file; a *path* is the tuple of keys and indexes that leads to a
value inside it; :class:`Located` pairs a document with the ``line``/``column`` (1-based)
of every path so that schema errors can point at the real line of the file.

Why not ``yaml.safe_load``: it expands aliases (the "billion laughs" bomb gets through),
silently keeps the last of two duplicate keys, and applies YAML 1.1 rules that turn an
alias such as ``NO`` (Norway, or "No") into ``False``. Here anchors, aliases, explicit
tags and duplicate keys are errors, and only ``true``/``false`` are booleans (YAML 1.2).

Limits (each refused with a located, coded :class:`YamlError`): the file size
(:data:`MAX_BYTES`), the nesting depth (:data:`MAX_DEPTH`, counted on the event stream
as the composer reads it, so a deep file never recurses), the digits in a number
(:data:`MAX_NUMBER_DIGITS`; Python's ``int()`` refuses more than 4,300) and floats that
overflow to infinity. Control characters that PyYAML's reader refuses in the raw text
are reported as ``control-character``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from salesmkt.errors import YamlError

MAX_BYTES = 1024 * 1024
"""Definition files are hand-written: anything larger is a mistake or an attack."""

MAX_DEPTH = 64
"""Nested mappings and lists: the shipped files use 5 levels; deeper is an attack."""

MAX_NUMBER_DIGITS = 30
"""Digits in one plain (or ``!!int``/``!!float``) number; no definition needs more."""

PathT = tuple[str | int, ...]

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*|[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+)$")
_PLAIN = "tag:salesmkt,2026:plain"
_STR = "tag:yaml.org,2002:str"
_ALLOWED_TAGS = {
    None,
    "!",
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


@dataclass
class Located:
    """A loaded document with the source position of each path."""

    path: str
    data: Any
    positions: dict[PathT, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[PathT, tuple[int, int]] = field(default_factory=dict)
    # The YAML text the document was read from (None when it was built otherwise). The
    # checks key remembered results on it (see checks.py), so a caller that changes
    # ``data`` must make a new Located rather than keep this text beside other data.
    text: str | None = field(default=None, repr=False, compare=False)

    def position(self, loc: PathT, *, key: bool = False) -> tuple[int, int]:
        """The closest known position for ``loc``, walking up to its parents."""
        table = self.key_positions if key else self.positions
        probe = tuple(loc)
        if key and probe in table:
            return table[probe]
        while probe:
            if probe in self.positions:
                return self.positions[probe]
            probe = probe[:-1]
        return self.positions.get((), (1, 1))


class _Strict:
    """A composer that refuses anchors, aliases, foreign tags, nesting deeper than
    :data:`MAX_DEPTH` and numbers too long or too large (mixed into the loaders below)."""

    _depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()  # type: ignore[attr-defined]
        mark = event.start_mark
        if isinstance(event, AliasEvent):
            raise _Refused("yaml-alias", "aliases (*name) are not allowed", mark)
        if isinstance(event, ScalarEvent | CollectionStartEvent):
            if event.anchor is not None:
                raise _Refused("yaml-anchor", "anchors (&name) are not allowed", mark)
            if event.tag not in _ALLOWED_TAGS:
                raise _Refused("yaml-tag", f"tag {event.tag!r} is not allowed", mark)
        if isinstance(event, CollectionStartEvent):
            # Checked before the collection is composed: the recursion stops at the limit.
            if self._depth >= MAX_DEPTH:
                raise _Refused(
                    "yaml-too-deep",
                    f"nested more than {MAX_DEPTH} levels deep; definition files are limited "
                    f"to {MAX_DEPTH}",
                    mark,
                )
            self._depth += 1
            try:
                return super().compose_node(parent, index)  # type: ignore[misc, no-any-return]
            finally:
                self._depth -= 1
        node: Node | None = super().compose_node(parent, index)  # type: ignore[misc]
        if isinstance(node, ScalarNode):
            _check_number(node)
        return node

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        # Plain (unquoted, untagged) scalars get our own marker so _scalar applies the
        # YAML 1.2 rules; PyYAML's resolver would apply YAML 1.1's.
        if kind is ScalarNode and implicit[0]:
            return _PLAIN
        return super().resolve(kind, value, implicit)  # type: ignore[misc]


class _StrictLoader(_Strict, yaml.SafeLoader):
    """The strict composer over PyYAML's pure-Python reader, scanner and parser."""


class _FastStrictLoader(_Strict, Composer, CParser, SafeConstructor, Resolver):
    """The same strict composer over libyaml's scanner and parser, about ten times faster
    (the translation files make every load read four files). Composer comes before
    CParser so that the Python composer, with the checks above, builds the nodes rather
    than libyaml's own; control characters are refused by PyYAML's reader first."""

    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)


class _Refused(Exception):
    def __init__(self, code: str, message: str, mark: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.mark = mark


def _check_number(node: ScalarNode) -> None:
    """Refuse a number read from ``node`` (as :func:`_scalar` would) that is too long or
    overflows to infinity."""
    if _number_refused(node.tag, node.value):
        _refuse_number(node.value, node.start_mark)


def _number_refused(tag: str, value: str) -> bool:
    """Whether :func:`_check_number` would refuse the scalar ``value`` tagged ``tag``."""
    if tag == _STR or _plain_text(value) or not (_INT.match(value) or _FLOAT.match(value)):
        return False
    if sum(ch.isdigit() for ch in value) > MAX_NUMBER_DIGITS:
        return True
    return not _INT.match(value) and math.isinf(float(value))


def _refuse_number(value: str, mark: Any) -> None:
    digits = sum(ch.isdigit() for ch in value)
    if digits > MAX_NUMBER_DIGITS:
        raise _Refused(
            "yaml-number-too-long",
            f"a number with {digits:,} digits; numbers are limited to {MAX_NUMBER_DIGITS} "
            "digits (put it in quotes if it is text)",
            mark,
        )
    raise _Refused(
        "yaml-number-out-of-range",
        f"the number {value} is too large (it overflows to infinity)",
        mark,
    )


def _control_error(name: str, text: str, exc: yaml.reader.ReaderError) -> YamlError:
    """The reader's refusal of a character in the raw text, located and named U+XXXX."""
    before = text[: exc.position]
    line = before.count("\n") + 1
    column = exc.position - (before.rfind("\n") + 1) + 1
    char = exc.character if isinstance(exc.character, int) else 0
    if is_control(chr(char)):
        return YamlError(
            f"control character U+{char:04X} is not allowed; remove it",
            path=name,
            line=line,
            column=column,
            code="control-character",
        )
    return YamlError(
        f"character U+{char:04X} is not allowed in YAML",
        path=name,
        line=line,
        column=column,
        code="yaml-syntax",
    )


_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
    # Bidirectional controls (which reorder how text is shown, "Trojan Source") and
    # invisible characters with no use in a definition file. The zero-width joiner and
    # non-joiner (U+200C, U+200D) are left alone: some scripts and emoji need them.
    r"\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)


def is_control(text: str) -> bool:
    """Whether ``text`` holds a C0 control other than tab, newline and CR, DEL, a C1
    control (U+0080 to U+009F), a bidirectional control or an invisible character (see
    :data:`_CONTROL`); ESC (U+001B) starts terminal escape sequences."""
    return _CONTROL.search(text) is not None


def control_characters(text: str) -> list[str]:
    """The control characters in ``text`` (see :func:`is_control`), as U+XXXX, in order."""
    seen: list[str] = []
    for match in _CONTROL.finditer(text):
        name = f"U+{ord(match.group()):04X}"
        if name not in seen:
            seen.append(name)
    return seen


def _pos(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


def _scalar(node: ScalarNode) -> Any:
    return _value(node.tag, node.value)


# What a scalar that is not text starts with: null (``~``, ``null``…, or nothing at
# all, which the pattern's ``$`` also finds in a lone newline), a boolean (``true``,
# ``False``…) or a number (a sign, a point or a digit).
_NOT_TEXT_START = frozenset("~nNtTfF+-.0123456789\n")


def _plain_text(value: str) -> bool:
    """Whether ``value`` is text under every rule of :func:`_value` without matching them:
    it starts with a character none of their patterns starts with (most scalars of a
    definition file: the walk over them was mostly these four matches)."""
    return value != "" and value[0] not in _NOT_TEXT_START


def _value(tag: str, value: str) -> Any:
    """The Python value of a scalar: YAML 1.2's core rules for plain ones."""
    if tag == _STR or _plain_text(value):  # quoted, block or !!str: text as written
        return value
    if _NULL.match(value):
        return None
    if _BOOL.match(value):
        return value.lower() == "true"
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value):
        return float(value)
    return value


def _read_text(path: Path, name: str) -> str:
    """The file's text: small enough, and UTF-8 (a byte-order mark is dropped).

    ``name`` is the path as the caller wrote it, for the messages.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise YamlError("file not found", path=name, code="file-not-found") from None
    except OSError as exc:
        raise YamlError(f"cannot read: {exc.strerror}", path=name, code="file-unreadable") from None
    if size > MAX_BYTES:
        raise YamlError(
            f"file is {size:,} bytes; definition files are limited to {MAX_BYTES:,}",
            path=name,
            code="yaml-too-large",
        )
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlError(
            f"not valid UTF-8 (byte {exc.start}); save the file as UTF-8",
            path=name,
            line=line,
            code="yaml-encoding",
        ) from None


def load_yaml(path: str | Path, *, text: str | None = None) -> Located:
    """Load one YAML document safely, keeping the position of every value.

    Raises :class:`YamlError` (with the file, line and column) on anything unsafe or
    malformed.
    """
    name = str(path)
    if text is None:
        text = _read_text(Path(path), name)
    elif len(text.encode("utf-8")) > MAX_BYTES:
        raise YamlError("document too large", path=name, code="yaml-too-large")

    # A remembered text passed the reader's check below when it was first loaded.
    remembered = _MEMO.get((name, text))
    if remembered is not None:
        return _copy(remembered)
    try:
        yaml.reader.Reader(text)  # refuses control characters
    except yaml.reader.ReaderError as exc:
        raise _control_error(name, text, exc) from None
    fast = _from_events(text, name)
    if fast is not None:
        _remember(name, text, fast)
        return _copy(fast)
    try:
        root = _compose(_FastStrictLoader(text))
    except (_Refused, yaml.YAMLError):
        # libyaml words its errors differently and stops deep nesting at its own limit:
        # a refused file is read again by the pure-Python parser, whose messages and
        # positions are the ones documented.
        root = _diagnose(text, name)

    located = Located(path=name, data=None, text=text)
    if root is None:
        located.positions[()] = (1, 1)
        return located
    located.data = _build(root, (), located)
    return located


def _compose(loader: yaml.SafeLoader | _FastStrictLoader) -> Node | None:
    try:
        node: Node | None = loader.get_single_node()
        return node
    finally:
        loader.dispose()


def _diagnose(text: str, name: str) -> Node | None:
    """Compose ``text`` with the pure-Python loader, turning its refusal into a located
    :class:`YamlError`."""
    try:
        return _compose(_StrictLoader(text))
    except _Refused as exc:
        line, col = _pos(exc.mark)
        raise YamlError(exc.message, path=name, line=line, column=col, code=exc.code) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = _pos(mark) if mark is not None else (1, 1)
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{problem} ({exc.context})"
        raise YamlError(problem, path=name, line=line, column=col, code="yaml-syntax") from None
    except yaml.YAMLError as exc:
        raise YamlError(str(exc).splitlines()[0], path=name, code="yaml-syntax") from None


def _build(node: Node, here: PathT, out: Located) -> Any:
    out.positions[here] = _pos(node.start_mark)
    if isinstance(node, ScalarNode):
        return _scalar(node)
    if isinstance(node, SequenceNode):
        return [_build(child, (*here, i), out) for i, child in enumerate(node.value)]
    if isinstance(node, MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                line, col = _pos(key_node.start_mark)
                raise YamlError(
                    "mapping keys must be plain values", path=out.path, line=line, column=col
                )
            key = _scalar(key_node)
            if isinstance(key, dict | list):  # pragma: no cover - guarded above
                key = str(key)
            if key in result:
                line, col = _pos(key_node.start_mark)
                first = out.key_positions.get((*here, key), (0, 0))[0]
                raise YamlError(
                    f"duplicate key {key!r} (first defined on line {first})",
                    path=out.path,
                    line=line,
                    column=col,
                    code="yaml-duplicate-key",
                )
            out.key_positions[(*here, key)] = _pos(key_node.start_mark)
            result[key] = _build(value_node, (*here, key), out)
        return result
    raise YamlError("unsupported YAML node", path=out.path)  # pragma: no cover


# -- the fast path: the document built straight from libyaml's events ----------------------
#
# Composing nodes in Python and then walking them again (:func:`_build`) was most of the
# time of ``salesmkt validate``. Here one loop over libyaml's events builds the document
# and its positions at once, and gives up (None) on anything the strict composer or
# :func:`_build` would refuse or treat specially: an alias, an anchor, a foreign tag, the
# depth limit, a refused number, a key that is not a scalar, a duplicate key, a second
# document or a syntax error. The caller then runs the strict composer, whose result or
# located error is the documented one, so the fast path only ever returns what the strict
# path would have returned.


class _GiveUp(Exception):
    """The event stream holds something the strict path must judge."""


_MAP = 0
_SEQ = 1
_NO_KEY: Any = object()


def _from_events(text: str, name: str) -> Located | None:
    """``text`` as a :class:`Located` read from libyaml's events, or None to let the strict
    composer decide."""
    parser = CParser(text)
    try:
        return _walk(parser, Located(path=name, data=None, text=text))
    except (_GiveUp, yaml.YAMLError):
        return None
    finally:
        parser.dispose()


def _walk(parser: CParser, out: Located) -> Located:
    """Consume the whole stream into ``out`` (see :func:`_from_events`)."""
    # A frame is [container, path, kind, pending key or next index].
    stack: list[list[Any]] = []
    documents = 0
    while True:
        event = parser.get_event()
        kind = type(event)
        if kind is ScalarEvent:
            _place_scalar(event, stack, out)
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            _open(event, kind is MappingStartEvent, stack, out)
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            stack.pop()
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _GiveUp
        elif kind is StreamEndEvent:
            break
        elif kind is not StreamStartEvent and kind is not DocumentEndEvent:
            raise _GiveUp  # an alias, or an event the composer would refuse
    if () not in out.positions:  # an empty stream: no document at all
        out.positions[()] = (1, 1)
    return out


def _checked_tag(event: Any) -> None:
    if event.anchor is not None or event.tag not in _ALLOWED_TAGS:
        raise _GiveUp


def _place_scalar(event: Any, stack: list[list[Any]], out: Located) -> None:
    _checked_tag(event)
    tag = event.tag
    if tag is None or tag == "!":
        tag = _PLAIN if event.implicit[0] else _STR
    text: str = event.value
    if _number_refused(tag, text):
        raise _GiveUp
    value = _value(tag, text)
    pos = (event.start_mark.line + 1, event.start_mark.column + 1)
    if stack and stack[-1][2] == _MAP and stack[-1][3] is _NO_KEY:
        frame = stack[-1]
        if value in frame[0]:
            raise _GiveUp  # a duplicate key: the strict path words the error
        out.key_positions[(*frame[1], value)] = pos
        frame[3] = value
        return
    out.positions[_child_path(stack)] = pos
    _attach(stack, value, out)


def _open(event: Any, is_map: bool, stack: list[list[Any]], out: Located) -> None:
    _checked_tag(event)
    if len(stack) >= MAX_DEPTH:
        raise _GiveUp
    if stack and stack[-1][2] == _MAP and stack[-1][3] is _NO_KEY:
        raise _GiveUp  # a mapping or list as a key
    path = _child_path(stack)
    out.positions[path] = (event.start_mark.line + 1, event.start_mark.column + 1)
    container: Any = {} if is_map else []
    _attach(stack, container, out)
    stack.append([container, path, _MAP if is_map else _SEQ, _NO_KEY if is_map else 0])


def _child_path(stack: list[list[Any]]) -> PathT:
    """The path of the value about to be placed in the innermost open collection."""
    if not stack:
        return ()
    frame = stack[-1]
    return (*frame[1], frame[3])


def _attach(stack: list[list[Any]], value: Any, out: Located) -> None:
    """Put ``value`` in the innermost open collection (or make it the document)."""
    if not stack:
        out.data = value
        return
    frame = stack[-1]
    if frame[2] == _MAP:
        frame[0][frame[3]] = value
        frame[3] = _NO_KEY
    else:
        frame[0].append(value)
        frame[3] += 1


# -- loads of the same text in one process -----------------------------------------------
#
# Checking the built-in files reads every questionnaire and translation three times (its
# own check, the rules' instruments, the translations' cross-checks). A document that
# loaded cleanly is kept, by its name and its exact text, and handed out as a fresh copy
# so that no caller sees another's changes. Refused files are not kept: they are read
# again and refused again.

_MEMO: dict[tuple[str, str], Located] = {}
_MEMO_ENTRIES = 64
_MEMO_MAX_CHARS = 256 * 1024


def _remember(name: str, text: str, located: Located) -> None:
    if len(text) > _MEMO_MAX_CHARS:
        return
    if len(_MEMO) >= _MEMO_ENTRIES:
        _MEMO.clear()
    _MEMO[(name, text)] = located


def _copy(located: Located) -> Located:
    """A copy of ``located`` that shares nothing mutable with it."""
    return Located(
        path=located.path,
        data=_copy_data(located.data),
        positions=dict(located.positions),
        key_positions=dict(located.key_positions),
        text=located.text,
    )


def _copy_data(value: Any) -> Any:
    # The documents hold only dicts, lists and immutable scalars (see _walk).
    if type(value) is dict:
        return {key: _copy_data(item) for key, item in value.items()}
    if type(value) is list:
        return [_copy_data(item) for item in value]
    return value
