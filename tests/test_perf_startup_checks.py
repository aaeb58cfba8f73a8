"""Start-up, seventh round: a check of the same text is remembered within one process, and
a document whose text holds no control character and no backslash skips the
control-character walk.

The oracle for both is the plain path: the same document checked with no text attached
(``Located.text`` None), which neither remembers nor skips anything.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.paths import FIXTURES, QUESTIONNAIRES, ROOT

from salesmkt.definitions import checks
from salesmkt.definitions.builtin import builtin_paths, translation_paths
from salesmkt.definitions.checks import FileReport, Kind, check_located, control_diagnostics
from salesmkt.definitions.kinds import check_any_file, detect_kind
from salesmkt.definitions.questionnaire_load import load
from salesmkt.definitions.yamlload import Located, load_yaml
from salesmkt.errors import YamlError

_BUILTIN = [
    *builtin_paths("questionnaires"),
    *builtin_paths("rules"),
    *translation_paths("questionnaires"),
    *translation_paths("rules"),
]


def _loads(path: Path) -> bool:
    try:
        load_yaml(path)
    except YamlError:  # refused by the loader (an alias, a tag…): nothing is checked
        return False
    return True


_FIXTURES = [
    p
    for p in sorted((FIXTURES / "questionnaires").glob("*.yaml"))
    + sorted((FIXTURES / "broken").glob("*.yaml"))
    if _loads(p)
]


def _plain(located: Located) -> Located:
    """The same document with no text attached: the path that remembers nothing."""
    return Located(located.path, located.data, located.positions, located.key_positions)


def _seen(report: FileReport) -> tuple[object, ...]:
    model = None if report.model is None else report.model.model_dump()
    return (
        report.path,
        report.kind,
        report.ok,
        [d.model_dump() for d in report.diagnostics],
        model,
    )


def _plain_report(path: Path) -> FileReport | None:
    located = load_yaml(path)
    kind = detect_kind(located.data) if isinstance(located.data, dict) else None
    return None if kind is None else check_located(_plain(located), kind)


@pytest.mark.parametrize("path", _BUILTIN + _FIXTURES, ids=lambda p: p.name)
def test_a_remembered_check_reports_what_the_plain_check_reports(path: Path) -> None:
    plain = _plain_report(path)
    assert plain is not None
    checks._CHECKED.clear()
    first = check_any_file(path)
    again = check_any_file(path)
    assert _seen(first) == _seen(plain)
    assert _seen(again) == _seen(plain)


def test_validate_of_every_builtin_file_twice_reports_the_same() -> None:
    checks._CHECKED.clear()
    first = [_seen(check_any_file(p)) for p in _BUILTIN]
    assert checks._CHECKED  # the questionnaires and translations were remembered
    assert [_seen(check_any_file(p)) for p in _BUILTIN] == first


def test_a_recalled_check_hands_out_its_own_model_and_diagnostics() -> None:
    checks._CHECKED.clear()
    path = QUESTIONNAIRES / "alignment.yaml"
    first, again = check_any_file(path), check_any_file(path)
    assert first.model is not None and again.model is not None
    assert first.model is not again.model
    assert first.model.scale is not again.model.scale  # type: ignore[attr-defined]
    # Loading attaches translations to the model it loads: never to another caller's.
    a, b = load(path), load(path)
    assert a is not b and a.scale is not b.scale
    assert a.scale._other_spellings is not b.scale._other_spellings


def test_a_recalled_warning_is_a_copy(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    shutil.copy(FIXTURES / "questionnaires" / "minimal.yaml", path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "extra_unknown_key: 1\n", encoding="utf-8")
    checks._CHECKED.clear()
    first = check_any_file(path)
    assert first.diagnostics  # the unknown key
    first.diagnostics[0].message = "changed by its caller"
    assert check_any_file(path).diagnostics[0].message != "changed by its caller"


def _translated(tmp_path: Path) -> tuple[Path, Path]:
    for name in ("alignment.yaml", "alignment.de.yaml"):
        shutil.copy(QUESTIONNAIRES / name, tmp_path / name)
    return tmp_path / "alignment.yaml", tmp_path / "alignment.de.yaml"


def test_a_changed_source_is_checked_again(tmp_path: Path) -> None:
    source, translation = _translated(tmp_path)
    checks._CHECKED.clear()
    assert check_any_file(translation).ok
    # The translation's text is unchanged; its source's first item has a new id, which
    # the translation lacks (and it names one the source no longer has).
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("  - id: q01\n", "  - id: q00\n"), "utf-8")
    again = check_any_file(translation)
    assert not again.ok
    assert _seen(again) == _seen(_plain_report(translation))  # type: ignore[arg-type]


def test_a_new_sibling_is_checked_against(tmp_path: Path) -> None:
    _, translation = _translated(tmp_path)
    checks._CHECKED.clear()
    assert check_any_file(translation).ok
    # A "French" file whose q01 reads like the German q02: the German file, unchanged,
    # now collides with a sibling it did not have.
    german = translation.read_text(encoding="utf-8").replace("language: de", "language: fr")
    swapped = german.replace("  q01:", "  qxx:").replace("  q02:", "  q01:")
    (tmp_path / "alignment.fr.yaml").write_text(swapped.replace("  qxx:", "  q02:"), "utf-8")
    again = check_any_file(translation)
    assert "translation-collision" in {d.code for d in again.diagnostics}
    assert _seen(again) == _seen(_plain_report(translation))  # type: ignore[arg-type]


def test_a_rules_file_is_never_remembered() -> None:
    checks._CHECKED.clear()
    check_any_file(ROOT / "rules" / "moving-up.yaml")
    assert not any(key[0] == "rules" for key in checks._CHECKED)


_TEXTS = [
    "a: plain text\nb: [1, 2]\n",
    'a: "escape \\e[31m red"\n',
    'a: "\\u200b zero width"\n',
    'a: "\\x07 bell"\n',
    'a: "\\N next line"\n',
    "a: 'single \\e quoted keeps the backslash'\n",
    'a: "no control \\\\ just a backslash"\n',
    "a: raw \u200b zero width\n",
    "a: raw \u0085 next line\n",
    "a: bidi \u202e override\n",
    '"\\e key": 1\n',
    "list:\n  - one\n  - 'two'\n  - \"thr\\tee\"\n",
]


@pytest.mark.parametrize("text", _TEXTS)
def test_the_control_walk_is_skipped_only_when_nothing_can_be_found(text: str) -> None:
    located = load_yaml("t.yaml", text=text)
    assert located.text == text
    fast = [d.model_dump() for d in control_diagnostics(located)]
    assert fast == [d.model_dump() for d in control_diagnostics(_plain(located))]


def test_a_text_without_backslash_or_control_skips_the_walk() -> None:
    assert not checks._may_hold_controls("a: plain\n")
    assert checks._may_hold_controls('a: "\\e"\n')
    assert checks._may_hold_controls("a: \u200b\n")


def test_a_large_text_is_not_remembered() -> None:
    text = (FIXTURES / "questionnaires" / "minimal.yaml").read_text(encoding="utf-8")
    large = text + "# " + "x" * (checks._CHECKED_MAX_CHARS + 1) + "\n"
    checks._CHECKED.clear()
    report = check_located(load_yaml("large.yaml", text=large), detect_kind_of(large))
    assert report.ok and not checks._CHECKED
    check_located(load_yaml("small.yaml", text=text), detect_kind_of(text))
    assert len(checks._CHECKED) == 1


def detect_kind_of(text: str) -> Kind:
    kind = detect_kind(load_yaml("t.yaml", text=text).data)
    assert kind is not None
    return kind
