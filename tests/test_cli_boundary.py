"""The CLI's one error boundary: one-line messages, exit codes, --debug."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from salesmkt.cli import app
from salesmkt.definitions import kinds
from salesmkt.errors import UsageError

runner = CliRunner()
ALIGNMENT = str(Path(__file__).resolve().parent.parent / "questionnaires" / "alignment.yaml")


def test_package_error_is_one_line_without_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["score", str(tmp_path / "missing.csv")])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [f"salesmkt: error: {tmp_path / 'missing.csv'}: no such file"]
    assert "Traceback" not in result.output


def test_debug_lets_the_traceback_through(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--debug", "score", str(tmp_path / "missing.csv")])
    assert result.exit_code == 1
    assert result.exception is not None
    assert "no such file" in str(result.exception)


def test_unexpected_exception_becomes_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(kinds, "check_any_file", boom)
    result = runner.invoke(app, ["validate", ALIGNMENT])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "salesmkt: error: internal error: RuntimeError: boom (rerun with --debug for details)"
    )
    debug = runner.invoke(app, ["--debug", "validate", ALIGNMENT])
    assert isinstance(debug.exception, RuntimeError)


def test_usage_errors_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    assert runner.invoke(app, ["score"]).exit_code == 2  # typer: missing argument
    assert runner.invoke(app, ["no-such-command"]).exit_code == 2

    def refuse(*args: object, **kwargs: object) -> object:
        raise UsageError("--stage 'sideways': expected one of undefined, defined, aligned")

    monkeypatch.setattr(kinds, "check_any_file", refuse)
    result = runner.invoke(app, ["validate", ALIGNMENT])
    assert result.exit_code == 2
    assert "expected one of undefined, defined, aligned" in result.stderr


def test_version_and_help() -> None:
    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0
    assert version.stdout.startswith("salesmkt ")
    for command in (
        "validate",
        "score",
        "gaps",
        "recommend",
        "report",
        "template",
        "take",
        "compare",
        "schema",
        "questionnaires",
    ):
        help_result = runner.invoke(app, [command, "--help"])
        assert help_result.exit_code == 0, command
        assert "Usage:" in help_result.stdout, command


def test_ctrl_c_says_so_and_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(kinds, "check_any_file", interrupted)
    result = runner.invoke(app, ["validate", ALIGNMENT])
    assert result.exit_code == 130
    assert result.stderr.strip() == "salesmkt: error: interrupted; nothing was written"


def _sleeping(pid: int) -> bool:
    """True when the process sleeps in a system call, seen three times in a row (Linux's
    /proc; elsewhere True at once)."""
    import time

    for _ in range(3):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return True
        if stat.rsplit(")", 1)[1].split()[0] != "S":
            return False
        time.sleep(0.02)
    return True


def test_ctrl_c_in_a_real_process(tmp_path: Path) -> None:
    """SIGINT to a real ``take`` waiting at its first question: the message, 130, no file."""
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "answers.csv"
    # Ctrl-C as at a terminal: a test run started in the background (``cmd &`` in a
    # script) has SIGINT ignored, and a child inherits that, so the child sets Python's
    # own handler first; salesmkt itself leaves an ignored SIGINT ignored, as it should.
    code = (
        "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "from salesmkt.cli import main; main()"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "take", "--group", "sales", "-o", str(out)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    assert proc.stdout is not None
    seen = b""
    while b"Your answer" not in seen and time.monotonic() < deadline:
        seen += proc.stdout.read1(4096)  # type: ignore[attr-defined]
    # A signal that lands after the prompt is written but before the read has begun only
    # sets Python's flag; the read then blocks anyway (a person would press Ctrl-C again).
    # So wait until the process sleeps in its read before sending the one Ctrl-C.
    while not _sleeping(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    # Keep stdin open until the process has gone: communicate() would close it at once, and
    # on a loaded machine the end of input could reach the prompt before the signal (an
    # EOF, exit 1). communicate() still drains stdout and stderr, so no write can block.
    stdin, proc.stdin = proc.stdin, None
    try:
        _, err = proc.communicate(timeout=30)
    finally:
        assert stdin is not None
        stdin.close()
    assert proc.returncode == 130, err.decode(errors="replace")  # the message says why, if not
    assert b"salesmkt: error: interrupted; nothing was written" in err
    assert not out.exists()
    assert not list(tmp_path.iterdir())
