"""The fast YAML path (documents built from libyaml's events, clean loads remembered in
the process) against the strict composer it stands in for.

The oracle is the strict path itself, the composer with the refusals over libyaml's
parser and then :func:`_build` (or the pure-Python parser's located error): for every
text, :func:`load_yaml` must return the same document, positions and key positions, or
raise the same coded error at the same line and column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from support.paths import ROOT

from salesmkt.definitions import yamlload
from salesmkt.definitions.yamlload import MAX_DEPTH, Located, load_yaml
from salesmkt.errors import YamlError


def _strict(text: str, name: str) -> Located:
    """What the loader returned before the fast path: the strict composer, then _build."""
    try:
        root = yamlload._compose(yamlload._FastStrictLoader(text))
    except (yamlload._Refused, yaml.YAMLError):
        root = yamlload._diagnose(text, name)
    out = Located(path=name, data=None)
    if root is None:
        out.positions[()] = (1, 1)
        return out
    out.data = yamlload._build(root, (), out)
    return out


def _outcome(load: Any, text: str) -> tuple[Any, ...]:
    try:
        got = load(text)
    except YamlError as exc:
        return ("error", exc.code, exc.line, exc.column, exc.message)
    # repr tells True from 1 and 1.0 from 1, which == does not.
    return (
        "ok",
        repr(got.data),
        list(got.positions.items()),
        list(got.key_positions.items()),
    )


def _same_as_strict(text: str) -> None:
    yamlload._MEMO.clear()
    expected = _outcome(lambda t: _strict(t, "t.yaml"), text)
    assert _outcome(lambda t: load_yaml("t.yaml", text=t), text) == expected
    # A second load (from the memo when the first was clean) is the same again.
    assert _outcome(lambda t: load_yaml("t.yaml", text=t), text) == expected


def _shipped_yaml() -> list[Path]:
    found = [p for top in ("questionnaires", "rules", "examples") for p in (ROOT / top).rglob("*")]
    found += list((ROOT / "tests" / "fixtures").rglob("*"))
    return sorted(p for p in found if p.suffix in {".yaml", ".yml"})


def test_every_yaml_file_of_the_repository_loads_as_the_strict_path_does() -> None:
    files = _shipped_yaml()
    assert len(files) > 30
    for path in files:
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
        try:
            yaml.reader.Reader(text)
        except yaml.reader.ReaderError:
            continue  # refused before either path runs
        _same_as_strict(text)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("a: &x 1\nb: 2\n", "yaml-anchor"),
        ("a: 1\nb: *x\n", "yaml-alias"),
        ("a: !!python/object:os.system x\n", "yaml-tag"),
        ("a: !custom x\n", "yaml-tag"),
        ("a: 1\nb: 2\na: 3\n", "yaml-duplicate-key"),
        ("top:\n  k: 1\n  k: {x: 1}\n", "yaml-duplicate-key"),
        ("a: 1\n---\nb: 2\n", "yaml-syntax"),
        ("a: [1, 2\n", "yaml-syntax"),
        (f"a: {'9' * 31}\n", "yaml-number-too-long"),
        ("a: 1e999\n", "yaml-number-out-of-range"),
        ("? [1, 2]\n: x\n", None),
        ("? {a: 1}\n: x\n", None),
        ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n", "yaml-too-deep"),
    ],
)
def test_refusals_hold_on_the_fast_path_and_through_the_memo(text: str, code: str | None) -> None:
    for _ in range(2):  # the second time, a memo must not let it through
        with pytest.raises(YamlError) as info:
            load_yaml("t.yaml", text=text)
        if code is not None:
            assert info.value.code == code
    _same_as_strict(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "---\n",
        "# only a comment\n",
        "~\n",
        "- 1\n- [2, {a: b}]\n- {}\n- []\n",
        "a: !!str 5\nb: !!int 7\nc: ! 8\nd: '9'\ne: \"x\"\nf: |\n  block\n",
        "NO: no\nyes: on\n1: one\n1.0: float key\ntrue: t\nnull: n\n",
        "a:\n  - b:\n      c: [1, 2.5, -3, +4, .5, 1e3, 0x1F, 1_000]\n",
        "{a: 1, b: [x, y], c: {d: e}}\n",
        "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n",
        f"a: {'9' * 30}\n",
        "--- !!map\na: !!seq [1]\n",
    ],
)
def test_edge_documents_match_the_strict_path(text: str) -> None:
    _same_as_strict(text)


def test_the_memo_hands_out_copies() -> None:
    text = "a:\n  b: [1, 2]\n"
    first = load_yaml("m.yaml", text=text)
    first.data["a"]["b"].append(3)
    first.positions.clear()
    again = load_yaml("m.yaml", text=text)
    assert again.data == {"a": {"b": [1, 2]}}
    assert again.positions[("a", "b", 1)] == (2, 10)
    # The same text under another name carries that name.
    assert load_yaml("other.yaml", text=text).path == "other.yaml"


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    assert load_yaml(path).data == {"a": 1}
    path.write_text("a: 2\nb: &x 3\n", encoding="utf-8")
    with pytest.raises(YamlError) as info:
        load_yaml(path)
    assert info.value.code == "yaml-anchor"
    path.write_text("a: 2\n", encoding="utf-8")
    assert load_yaml(path).data == {"a": 2}


_KEYS = st.sampled_from(["a", "b", "NO", "on", "1", "2.5", "null", "x y", "é", "true"])
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(alphabet="abc 01.:-#'\"é\n", max_size=8),
)
_DATA = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(data=_DATA, flow=st.sampled_from([None, True, False]), anchor=st.booleans())
def test_generated_documents_match_the_strict_path(
    data: Any, flow: bool | None, anchor: bool
) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    if anchor:  # PyYAML writes anchors for repeated objects: refused on both paths
        text = yaml.safe_dump([data, data] if isinstance(data, dict | list) else data)
    _same_as_strict(text)


def test_the_shipped_files_take_the_fast_path() -> None:
    # Otherwise every load would silently fall back to the slower strict composer.
    for path in [p for p in _shipped_yaml() if "fixtures" not in p.parts]:
        text = path.read_text(encoding="utf-8-sig")
        assert yamlload._from_events(text, str(path)) is not None, path
