"""The hardened YAML loader: safety, YAML 1.2 scalars, positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesmkt.definitions.yamlload import MAX_BYTES, load_yaml
from salesmkt.errors import YamlError

FIX = Path(__file__).parent / "fixtures" / "questionnaires"


def test_yaml11_booleans_stay_text() -> None:
    doc = load_yaml(FIX / "norway.yaml").data
    assert doc["scale"]["labels"] == {0: "NO", 1: "yes"}
    assert doc["groups"][0]["aliases"] == ["on", "NO-sales"]
    assert doc["groups"][1]["aliases"] == ["off"]


def test_scalar_resolution() -> None:
    doc = load_yaml("t.yaml", text="a: true\nb: 3\nc: 2.5\nd: ~\ne: '7'\nf: 1e3\ng: y\n").data
    assert doc == {"a": True, "b": 3, "c": 2.5, "d": None, "e": "7", "f": 1000.0, "g": "y"}


def test_positions_are_one_based_lines_and_columns() -> None:
    located = load_yaml("t.yaml", text="top:\n  items:\n    - id: q1\n      text: hello\n")
    assert located.positions[("top", "items", 0, "text")] == (4, 13)
    assert located.key_positions[("top", "items", 0, "text")] == (4, 7)
    assert located.position(("top", "items", 0, "missing")) == (3, 7)


def test_alias_bomb_is_refused_before_expansion() -> None:
    with pytest.raises(YamlError) as info:
        load_yaml(FIX / "alias-bomb.yaml")
    assert info.value.code == "yaml-anchor"
    assert info.value.line == 4


def test_python_tag_is_refused() -> None:
    with pytest.raises(YamlError) as info:
        load_yaml(FIX / "python-tag.yaml")
    assert info.value.code == "yaml-tag"
    assert "python/object/apply" in info.value.message


def test_duplicate_key_names_both_lines() -> None:
    with pytest.raises(YamlError) as info:
        load_yaml(FIX / "duplicate-key.yaml")
    assert info.value.code == "yaml-duplicate-key"
    assert (info.value.line, info.value.column) == (7, 1)
    assert "first defined on line 3" in info.value.message


def test_size_cap(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: " + b"x" * (MAX_BYTES + 1) + b"\n")
    with pytest.raises(YamlError) as info:
        load_yaml(big)
    assert info.value.code == "yaml-too-large"


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(b"id: x\ntitle: M\xfcller\n")
    with pytest.raises(YamlError) as info:
        load_yaml(bad)
    assert info.value.code == "yaml-encoding"
    assert info.value.line == 2


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    bom = tmp_path / "bom.yaml"
    bom.write_bytes(b"\xef\xbb\xbfid: x\n")
    assert load_yaml(bom).data == {"id": "x"}


def test_error_message_is_one_line_with_location() -> None:
    with pytest.raises(YamlError) as info:
        load_yaml(FIX / "broken-syntax.yaml")
    text = str(info.value)
    assert "\n" not in text
    assert text.startswith(f"{FIX / 'broken-syntax.yaml'}:4:6: ")


def test_libyaml_and_pure_python_compose_the_same_documents() -> None:
    """The fast path (libyaml's parser) must read every shipped and example definition
    exactly as the pure-Python parser does, positions included."""
    from pathlib import Path

    from salesmkt.definitions import yamlload

    root = Path(__file__).resolve().parent.parent
    files = sorted({*root.glob("questionnaires/**/*.yaml"), *root.glob("rules/*.yaml")})
    files += sorted(root.glob("examples/**/*.yaml"))
    assert len(files) > 20
    for path in files:
        text = path.read_text(encoding="utf-8-sig")
        fast = yamlload._compose(yamlload._FastStrictLoader(text))
        slow = yamlload._compose(yamlload._StrictLoader(text))
        assert fast is not None and slow is not None, path
        a = yamlload.Located(path=str(path), data=None)
        b = yamlload.Located(path=str(path), data=None)
        assert yamlload._build(fast, (), a) == yamlload._build(slow, (), b), path
        assert a.positions == b.positions and a.key_positions == b.key_positions, path
