"""The stored ``--help`` (salesmkt/cli/helpcache.py) against the renderer it stands in for.

The oracle is typer's own rendering with the cache unusable: for every command, the help
shown from a stored entry must be the same text (and, in a terminal, the same bytes with
their colours) as the one rendered, and an entry must stop being used as soon as anything
it was rendered from changes.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from support.paths import ROOT

from salesmkt.cli import app, helpcache
from salesmkt.cli.application import main as run_application


def _walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _walk(sub, (*path, name))


PATHS = list(_walk(typer.main.get_command(app)))


def _never() -> None:
    raise AssertionError("rendered although a stored help was expected")


def _shown(args: list[str], run: Any = run_application) -> str:
    """What ``salesmkt ARGS`` prints through the cache, exit code 0 required."""
    # A text stream over bytes, as a pipe is (a StringIO has no encoding: click writes
    # around it, and such a help is rendered every time, never stored).
    buffer = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    saved = sys.argv
    sys.argv = ["salesmkt", *args]  # what the application reads, as the console script
    try:
        with contextlib.redirect_stdout(buffer):
            helpcache.serve(args, run)
    except SystemExit as exc:
        assert exc.code in (0, None), exc.code
    finally:
        sys.argv = saved
    buffer.flush()
    return buffer.buffer.getvalue().decode("utf-8")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "100")
    return tmp_path / "salesmkt" / "help"


@pytest.mark.skipif(sys.platform == "win32", reason="the cache is not used on Windows")
def test_every_help_from_the_cache_is_the_rendered_help(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for path in PATHS:
        args = [*path, "--help"]
        monkeypatch.setenv("XDG_CACHE_HOME", "relative/so/unused")
        monkeypatch.setenv("HOME", "relative")
        rendered = _shown(args)
        monkeypatch.setenv("XDG_CACHE_HOME", str(cache.parent.parent))
        assert _shown(args) == rendered, path  # rendered and stored
        assert _shown(args, _never) == rendered, path  # shown from the entry
        assert "Usage" in rendered and "--help" in rendered
    assert len(list(cache.glob("*.json"))) == len(PATHS)


def _in_terminal(args: list[str], env: dict[str, str]) -> tuple[bytes, int]:
    import fcntl
    import pty
    import struct
    import termios

    main, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 117, 0, 0))
    command = [sys.executable, "-m", "salesmkt", *args]
    proc = subprocess.Popen(command, stdout=secondary, stdin=secondary, env=env, cwd=ROOT)
    os.close(secondary)
    chunks = []
    with contextlib.suppress(OSError):  # EIO once the child has closed the terminal
        while data := os.read(main, 65536):
            chunks.append(data)
    os.close(main)
    return b"".join(chunks), proc.wait()


@pytest.mark.skipif(sys.platform == "win32", reason="the cache is not used on Windows")
@pytest.mark.parametrize("args", [["--help"], ["score", "--help"]])
def test_in_a_colour_terminal_the_stored_help_is_byte_identical(
    args: list[str], tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR")}
    env.update(TERM="xterm-256color", XDG_CACHE_HOME=str(tmp_path))
    runs = [_in_terminal(args, env) for _ in range(2)]  # rendered and stored, then shown
    runs.append(_in_terminal(args, {**env, "XDG_CACHE_HOME": "", "HOME": "/nonexistent"}))
    assert {code for _, code in runs} == {0}
    assert runs[0][0] == runs[1][0] == runs[2][0]
    assert b"\x1b[" in runs[0][0]  # coloured: the terminal was seen as one
    assert len(list((tmp_path / "salesmkt" / "help").glob("*.json"))) == 1


def test_a_changed_module_file_makes_the_entry_unusable(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = tmp_path / "mods" / "helpcache_probe_module.py"
    module.parent.mkdir()
    module.write_text("X = 1\n")
    monkeypatch.syspath_prepend(str(module.parent))
    importlib.import_module("helpcache_probe_module")

    entry = cache / "probe.json"
    helpcache.store(str(entry), "the help\n")
    assert helpcache.stored_text(str(entry)) == "the help\n"
    module.write_text("X = 22\n")  # another size: edited, upgraded
    assert helpcache.stored_text(str(entry)) is None


def test_a_package_found_elsewhere_makes_the_entry_unusable(tmp_path: Path) -> None:
    entry = tmp_path / "e.json"
    shadowed = {"format": helpcache.FORMAT, "files": [], "text": "t"}
    entry.write_text(json.dumps({**shadowed, "top": {"json": "/elsewhere/json.py"}}))
    assert helpcache.stored_text(str(entry)) == "t"  # json is loaded already: in use
    gone = {"helpcache_no_such_package": "/elsewhere/x.py"}  # uninstalled since
    entry.write_text(json.dumps({**shadowed, "top": gone}))
    assert helpcache.stored_text(str(entry)) is None
    moved = {"pytest": "/elsewhere/pytest/__init__.py"}  # not at the same place
    entry.write_text(json.dumps({**shadowed, "top": moved}))
    assert helpcache.stored_text(str(entry)) == "t"  # loaded: this process uses it


def test_the_key_follows_what_shapes_the_help(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    first = helpcache.request_key(["--help"])
    assert helpcache.request_key(["--help"]) == first
    assert helpcache.request_key(["score", "--help"]) != first
    monkeypatch.setenv("COLUMNS", "81")
    assert helpcache.request_key(["--help"]) != first
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert helpcache.request_key(["--help"]) != first


def test_package_files_follow_edits(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "a.pyc").write_text("c")
    before = helpcache._package_files(str(tmp_path))
    assert [Path(p).name for p, _, _ in before] == ["a.py"]
    (tmp_path / "a.py").write_text("xy")
    assert helpcache._package_files(str(tmp_path)) != before


@pytest.mark.parametrize("text", ["", "{", "[]", '{"format": 1, "text": "t"}', "\x00\xff"])
def test_a_damaged_entry_is_rendered_afresh_and_replaced(cache: Path, text: str) -> None:
    rendered = _shown(["score", "--help"])
    (entry,) = cache.glob("*.json")
    entry.write_text(text, encoding="latin-1")
    assert _shown(["score", "--help"]) == rendered
    assert _shown(["score", "--help"], _never) == rendered


def test_an_unwritable_cache_never_breaks_help(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    first = _shown(["--help"])
    assert "Usage" in first
    assert _shown(["--help"]) == first


def test_a_failed_help_is_not_stored(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["no-such-command", "--help"]
    monkeypatch.setattr(sys, "argv", ["salesmkt", *args])
    with contextlib.redirect_stderr(io.StringIO()), pytest.raises(SystemExit) as caught:
        helpcache.serve(args, run_application)
    assert caught.value.code == 2
    assert not list(cache.glob("*.json"))


def test_a_help_written_around_the_stream_is_not_stored(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A stream without an encoding: click looks for the bytes beneath it, so what the
    # stream saw may not be all that was shown.
    monkeypatch.setattr(sys, "argv", ["salesmkt", "--help"])
    with contextlib.redirect_stdout(io.StringIO()) as seen, pytest.raises(SystemExit):
        helpcache.serve(["--help"], run_application)
    assert "Usage" in seen.getvalue()
    assert not list(cache.glob("*.json"))


def test_only_command_names_then_help_are_requests() -> None:
    assert helpcache.help_request(["--help"])
    assert helpcache.help_request(["questionnaires", "show", "--help"])
    for args in ([], ["score"], ["--help", "score"], ["score", "x.csv", "--help"], ["-h"]):
        assert not helpcache.help_request(args), args
    assert not helpcache.help_request(["--debug", "--help"])


def test_old_entries_are_pruned(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(helpcache, "MAX_ENTRIES", 2)
    for name in ("a", "b", "c"):
        helpcache.store(str(cache / f"{name}.json"), name)
        os.utime(cache / f"{name}.json", ns=(0, {"a": 1, "b": 2, "c": 3}[name] * 10**9))
        helpcache._prune(str(cache))
    assert sorted(p.name for p in cache.glob("*.json")) == ["b.json", "c.json"]


def _callbacks(typer_app: Any) -> Iterator[Any]:
    for info in typer_app.registered_commands:
        yield info.callback
    if typer_app.registered_callback is not None:
        yield typer_app.registered_callback.callback
    for group in typer_app.registered_groups:
        yield from _callbacks(group.typer_instance)


def test_command_signatures_are_not_strings_for_typer_to_evaluate() -> None:
    # A module with ``from __future__ import annotations`` gives typer strings, which it
    # compiles and evaluates one by one: 0.02 s more at every start.
    callbacks = list(_callbacks(app))
    assert len(callbacks) > 20
    for callback in callbacks:
        hints = getattr(callback, "__wrapped__", callback).__annotations__
        strings = [name for name, hint in hints.items() if isinstance(hint, str)]
        assert not strings, (callback.__module__, callback.__name__, strings)
