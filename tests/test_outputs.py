"""Atomic output writing: content, refusal to overwrite inputs, no stray temp files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from salesmkt.errors import OutputError
from salesmkt.render.outputs import write_atomic


def test_writes_text_as_utf8(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    write_atomic(target, "Größe ✓\n")
    assert target.read_bytes() == "Größe ✓\n".encode()


def test_writes_bytes_verbatim(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    write_atomic(target, b"\x00\xffabc")
    assert target.read_bytes() == b"\x00\xffabc"


def test_replaces_existing_file_by_default(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    write_atomic(target, "new")
    assert target.read_text() == "new"


def test_refuses_existing_file_without_force(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    with pytest.raises(OutputError, match="already exists"):
        write_atomic(target, "new", force=False)
    assert target.read_text() == "old"


def test_refuses_to_overwrite_an_input(tmp_path: Path) -> None:
    source = tmp_path / "responses.csv"
    source.write_text("group,q01\nsales,4\n")
    with pytest.raises(OutputError, match="input"):
        write_atomic(source, "x", inputs=[source])
    assert source.read_text() == "group,q01\nsales,4\n"


def test_refuses_input_reached_through_another_spelling(tmp_path: Path) -> None:
    source = tmp_path / "responses.csv"
    source.write_text("data")
    (tmp_path / "sub").mkdir()
    other = tmp_path / "sub" / ".." / "responses.csv"
    with pytest.raises(OutputError):
        write_atomic(other, "x", inputs=[source])
    link = tmp_path / "link.csv"
    link.symlink_to(source)
    with pytest.raises(OutputError):
        write_atomic(link, "x", inputs=[source])
    assert source.read_text() == "data"


def test_leaves_no_temporary_files(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a.txt", "a")
    source = tmp_path / "in.csv"
    source.write_text("x")
    with pytest.raises(OutputError):
        write_atomic(source, "y", inputs=[source])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "in.csv"]


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="does not exist"):
        write_atomic(tmp_path / "nope" / "out.json", "x")


def test_directory_target_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="directory"):
        write_atomic(tmp_path, "x")


def test_file_gets_ordinary_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_atomic(target, "x")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_relative_path_in_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_atomic(Path("plain.txt"), "ok")
    assert (tmp_path / "plain.txt").read_text() == "ok"
