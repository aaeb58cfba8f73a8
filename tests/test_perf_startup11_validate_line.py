"""Start-up, eleventh round: ``salesmkt validate`` followed by nothing but paths runs
without typer (:mod:`salesmkt.cli.validate_line`), and gives what the typer command
gives.

The oracle is the command itself: each line runs in a fresh interpreter once through the
console script's entry point (which takes the plain line's path when it can) and once
through ``commands.main`` (the typer application alone, as before this round); stdout,
stderr and the exit code must be the same, and the first run must (or must not) have
run the typer application.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.paths import FIXTURES, QUESTIONNAIRES, ROOT

from salesmkt.cli import validate_line
from salesmkt.errors import SalesmktError

_PROBE = (
    "import os, sys\n"
    "mode = sys.argv.pop(1)\n"
    "sys.argv[0] = 'salesmkt'\n"
    "try:\n"
    "    if mode == 'typer':\n"
    "        from salesmkt.cli.commands import main\n"
    "        main(only='validate')\n"
    "    else:\n"
    "        from salesmkt.cli import main\n"
    "        main()\n"
    "finally:\n"
    "    with open(os.environ['PROBE_OUT'], 'w') as f:\n"
    "        f.write(' '.join(str(m in sys.modules) for m in ('salesmkt.cli.commands', 'typer')))\n"
)


def _run(
    tmp_path: Path, mode: str, args: list[str], env: dict[str, str] | None = None, **kw: object
) -> tuple[int, str, str, list[bool]]:
    flag = tmp_path / f"probe-{mode}.txt"
    environ = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    environ |= {"COLUMNS": "100", "PROBE_OUT": str(flag), **(env or {})}
    run = subprocess.run(
        [sys.executable, "-c", _PROBE, mode, "validate", *args],
        capture_output="stdout" not in kw,
        stderr=subprocess.PIPE if "stdout" in kw else None,
        text=True,
        cwd=ROOT,
        env=environ,
        **kw,  # type: ignore[call-overload]
    )
    loaded = [word == "True" for word in flag.read_text().split()]
    return run.returncode, run.stdout or "", run.stderr, loaded


def _same(
    tmp_path: Path, args: list[str], *, fast: bool, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    code, out, err, (app_loaded, typer_loaded) = _run(tmp_path, "console", args, env)
    # typer's application ran, or not; typer itself only for the boundary's messages
    assert app_loaded is not fast, (args, err)
    assert typer_loaded is (not fast or "salesmkt: error" in err), (args, err)
    assert (code, out, err) == _run(tmp_path, "typer", args, env)[:3], args
    return code, out, err


def _files(tmp_path: Path) -> dict[str, Path]:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nitems: 3\n", encoding="utf-8")
    foreign = tmp_path / "foreign.yaml"
    foreign.write_text("name: not a questionnaire\n", encoding="utf-8")
    empty = tmp_path / "empty"
    empty.mkdir()
    ansi = tmp_path / "\033[31mred.yaml"
    ansi.write_text("id: x\nitems: [\n", encoding="utf-8")
    return {"bad": bad, "foreign": foreign, "empty": empty, "ansi": ansi}


def test_plain_lines_give_what_the_command_gives(tmp_path: Path) -> None:
    f = _files(tmp_path)
    lines: list[tuple[list[str], int]] = [
        ([], 0),
        ([str(QUESTIONNAIRES / "alignment.yaml")], 0),
        ([str(QUESTIONNAIRES / "alignment.de.yaml"), str(ROOT / "rules")], 0),
        ([str(f["bad"])], 1),
        ([str(f["foreign"]), str(tmp_path / "missing.yaml")], 1),
        ([str(FIXTURES / "questionnaires"), str(FIXTURES / "rules")], 1),
        ([str(FIXTURES / "broken")], 1),
        ([str(f["ansi"])], 1),
        (["relative-missing.yml", "with space.yaml"], 1),
        ([str(f["empty"])], 1),  # the package's error, through the boundary
        # the pre-commit hook's line: the flag anywhere, even twice
        (["--skip-foreign", str(f["foreign"]), str(QUESTIONNAIRES / "alignment.yaml")], 0),
        ([str(f["foreign"]), "--skip-foreign", str(f["bad"]), "--skip-foreign"], 1),
        (["--skip-foreign"], 0),
    ]
    for args, code in lines:
        assert _same(tmp_path, args, fast=True)[0] == code, args
    # the ANSI codes of the file's name were stripped on both paths, as click does
    assert "\033" not in _same(tmp_path, [str(f["ansi"])], fast=True)[1]
    # the package's error is the boundary's one line
    assert _same(tmp_path, [str(f["empty"])], fast=True)[2] == (
        "salesmkt: error: no YAML files to validate\n"
    )


def test_github_annotations_in_github_actions(tmp_path: Path) -> None:
    f = _files(tmp_path)
    env = {"GITHUB_ACTIONS": "true"}
    code, out, _ = _same(tmp_path, [str(f["bad"])], fast=True, env=env)
    assert code == 1 and out.startswith("::error file=")


def test_a_full_stdout_is_reported_as_the_command_reports_it(tmp_path: Path) -> None:
    bad = _files(tmp_path)["bad"]
    results = []
    for mode in ("console", "typer"):
        with open("/dev/full", "w") as full:
            code, _, err, _ = _run(tmp_path, mode, [str(bad)], stdout=full)
        results.append((code, err))
    assert results[0] == results[1]
    assert results[0][0] == 1 and "cannot write the output" in results[0][1]


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "json"],
        ["--strict", "questionnaires"],
        ["--skip-foreign", "--format", "text"],
        ["--skip-foreign=yes"],
        ["--help"],
        ["-f", "text"],
        ["--", "questionnaires"],
        ["-"],
        [""],
    ],
)
def test_other_lines_run_through_typer(tmp_path: Path, args: list[str]) -> None:
    assert not validate_line.plain(args)
    _same(tmp_path, args, fast=False)


def test_an_ascii_stream_runs_through_typer(tmp_path: Path) -> None:
    # click writes UTF-8 to a stream whose encoding is ASCII; the plain path does not try
    _same(tmp_path, [], fast=False, env={"PYTHONIOENCODING": "ascii"})


def test_an_unreadable_path_is_typers_usage_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked.yaml"
    locked.write_text("id: x\n", encoding="utf-8")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("this user reads any file (root)")
        assert not validate_line.plain([str(locked)])
        assert _same(tmp_path, [str(locked)], fast=False)[0] == 2
    finally:
        locked.chmod(0o600)


def test_plain_recognises_paths_only(monkeypatch: pytest.MonkeyPatch) -> None:
    text = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", text)
    monkeypatch.setattr(sys, "stderr", text)
    assert validate_line.plain([]) and validate_line.plain(["a.yaml", "dir/", "x y"])
    assert validate_line.plain(["--skip-foreign", "a.yaml"])
    assert not validate_line.plain(["a.yaml", "-x"]) and not validate_line.plain([""])
    assert not validate_line.plain(["--skip-foreign", "--strict"])
    monkeypatch.setattr(sys, "stdout", io.StringIO())  # not what click writes to as is
    assert not validate_line.plain([])


def test_echo_writes_what_typer_echo_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    import typer

    for message in ["plain", "", None, "\033[1mbold\033[0m and \033[31;1mred\033[m", 3]:
        for err in (False, True):
            outs = []
            for write in (typer.echo, validate_line.echo):
                out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
                monkeypatch.setattr(sys, "stderr" if err else "stdout", out)
                write(message, err=err)
                outs.append(out.buffer.getvalue())  # type: ignore[attr-defined]
            assert outs[0] == outs[1], (message, err)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_echo_keeps_style_codes_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = _Terminal()
    monkeypatch.setattr(sys, "stdout", screen)
    validate_line.echo("\033[1mbold\033[0m")
    assert screen.getvalue() == "\033[1mbold\033[0m\n"


def _exit_code(exc: BaseException) -> int | str | None:
    with pytest.raises(SystemExit) as done:
        validate_line._through_boundary(exc)
    return done.value.code


def test_errors_go_through_the_command_boundary(capsys: pytest.CaptureFixture[str]) -> None:
    error = SalesmktError("no good")
    error.problems = ["first", "second\x07"]  # type: ignore[attr-defined]
    assert _exit_code(error) == error.exit_code
    assert capsys.readouterr().err == "salesmkt: error: no good\nfirst\nsecond\u2407\n"
    assert _exit_code(RuntimeError("boom")) == 1
    assert "internal error: RuntimeError: boom" in capsys.readouterr().err
    assert _exit_code(KeyboardInterrupt()) == 130


def test_an_existing_path_must_be_readable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # typer's own check, as this user (root reads anything) cannot make it fail above
    there = tmp_path / "there.yaml"
    there.write_text("id: x\n", encoding="utf-8")
    text = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", text)
    monkeypatch.setattr(sys, "stderr", text)
    assert validate_line.plain([str(there)])
    monkeypatch.setattr(validate_line.os, "access", lambda *_: False)
    assert not validate_line.plain([str(there)])
    assert validate_line.plain([str(tmp_path / "missing.yaml")])
