"""Tenth round, start-up: a plain scalar that starts with a character no YAML 1.2 rule
of the loader starts with is text, without matching the rules' patterns
(``yamlload._plain_text``). Checked against the rules written out here as the oracle
(the patterns of YAML 1.2's core schema, applied in the loader's order), on generated
scalars and on every scalar of the built-in files and the test fixtures."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st
from support.paths import ROOT
from yaml.nodes import ScalarNode, SequenceNode

from salesmkt.definitions import yamlload
from salesmkt.errors import YamlError

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*|[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+)$")
_STR = "tag:yaml.org,2002:str"
_TAGS = [
    "tag:salesmkt,2026:plain",
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
]


def _value(tag: str, value: str) -> Any:
    if tag == _STR:
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


def _refused(tag: str, value: str) -> bool:
    if tag == _STR or not (_INT.match(value) or _FLOAT.match(value)):
        return False
    if sum(ch.isdigit() for ch in value) > yamlload.MAX_NUMBER_DIGITS:
        return True
    return not _INT.match(value) and math.isinf(float(value))


def _same(tag: str, text: str) -> None:
    assert yamlload._number_refused(tag, text) == _refused(tag, text)
    if _refused(tag, text):
        return
    got, want = yamlload._value(tag, text), _value(tag, text)
    assert type(got) is type(want)
    assert got == want or (isinstance(want, float) and math.isnan(want) and math.isnan(got))


_SCALARS = st.text(alphabet=st.sampled_from("~nNuUlLtTrReEfFaAsS+-.0123456789eE xX\n\t"))


@given(tag=st.sampled_from(_TAGS), text=_SCALARS | st.text(max_size=12))
@example(tag=_TAGS[0], text="")
@example(tag=_TAGS[0], text="\n")
@example(tag=_TAGS[0], text="true\n")
@example(tag=_TAGS[0], text="Yes")
@example(tag=_TAGS[0], text="no")
@example(tag=_TAGS[0], text=".5")
@example(tag=_TAGS[0], text="1" * 40)
@example(tag=_TAGS[0], text="1e999")
@example(tag=_TAGS[0], text=" 1")
@example(tag=_TAGS[2], text="x1")
def test_values_and_refusals_as_the_patterns_give_them(tag: str, text: str) -> None:
    _same(tag, text)


def test_the_shortcut_is_taken_only_for_text_the_patterns_leave_alone() -> None:
    for text in ("alignment", "Sales", "Ühh", " 1", "?", "x1", "Yes", "on"):
        assert yamlload._plain_text(text)
        assert _value("tag:salesmkt,2026:plain", text) == text
    for text in ("", "\n", "~", "null", "true", "False", "1", "-1", "+.5", ".5", "nonsense", "tx"):
        assert not yamlload._plain_text(text)


def _scalars(data: Any) -> list[Any]:
    if isinstance(data, dict):
        return [*data, *(v for x in data.values() for v in _scalars(x))]
    if isinstance(data, list):
        return [v for x in data for v in _scalars(x)]
    return [data]


def test_every_definition_file_loads_as_the_strict_composer_reads_it() -> None:
    """The fast walk (with the shortcut) against PyYAML's pure-Python composer and the
    oracle's values, on every YAML file of the repository's definitions and fixtures."""
    files = sorted(
        p
        for folder in ("questionnaires", "rules", "tests")
        for p in (ROOT / folder).rglob("*.y*ml")
        if p.suffix in (".yaml", ".yml")
    )
    compared = 0
    for path in files:
        text = _text(path)
        if text is None:
            continue
        fast = yamlload._from_events(text, str(path))
        if fast is None:
            continue
        root = yamlload._compose(yamlload._StrictLoader(text))
        slow = yamlload.Located(path=str(path), data=None, text=text)
        if root is not None:
            slow.data = _build(root)
        assert fast.data == slow.data, path
        assert [type(v) for v in _scalars(fast.data)] == [type(v) for v in _scalars(slow.data)]
        compared += 1
    assert compared >= 30


def _text(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8")
        yaml.reader.Reader(text)
        yamlload._compose(yamlload._StrictLoader(text))
    except Exception:  # refused files are the strict path's, not the shortcut's
        return None
    return text


def _build(node: Any) -> Any:
    """The document of a composed node, with the oracle's values."""
    if isinstance(node, ScalarNode):
        return _value(node.tag, node.value)
    if isinstance(node, SequenceNode):
        return [_build(child) for child in node.value]
    return {_build(k): _build(v) for k, v in node.value}


def test_a_remembered_text_skips_the_readers_check_and_a_refused_one_is_refused_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The reader's check of control characters runs once per text: a text that loaded
    cleanly is remembered only after passing it; a refused text is never remembered."""
    checked: list[str] = []
    real = yaml.reader.Reader

    def counting(text: str) -> Any:
        checked.append(text)
        return real(text)

    monkeypatch.setattr(yaml.reader, "Reader", counting)
    monkeypatch.setattr(yamlload, "_MEMO", {})
    text = "id: startup10\ntitle: Tenth\nitems: [a, b]\n"
    first = yamlload.load_yaml("memo.yaml", text=text)
    again = yamlload.load_yaml("memo.yaml", text=text)
    assert checked == [text]
    assert again.data == first.data and again.data is not first.data
    assert again.positions == first.positions and again.key_positions == first.key_positions
    bad = "id: startup10\ntitle: \x1b[31mred\n"
    for _ in range(2):
        with pytest.raises(YamlError) as refused:
            yamlload.load_yaml("bad.yaml", text=bad)
        assert refused.value.code == "control-character"
    assert checked == [text, bad, bad]
