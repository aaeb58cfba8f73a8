"""``salesmkt room`` on the command line: what it refuses before serving anything."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from salesmkt.cli import app
from salesmkt.errors import UsageError
from salesmkt.room.serve import RoomOptions, default_folder, join_url, lan_address, prepare


def test_room_help_lists_its_options(runner: Any) -> None:
    result = runner.invoke(app, ["room", "--help"])
    assert result.exit_code == 0
    for flag in ("--questionnaire", "--host", "--port", "--folder", "--min-group-size"):
        assert flag in result.output


def test_an_unknown_questionnaire_creates_no_room(runner: Any, tmp_path: Path) -> None:
    folder = tmp_path / "r"
    args = ["room", "-q", "nope", "--host", "127.0.0.1", "--port", "1", "--folder", str(folder)]
    result = runner.invoke(app, args)
    assert result.exit_code in (1, 2)
    assert not folder.exists()


def test_a_taken_port_is_one_clear_line(runner: Any, tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        args = ["room", "--host", "127.0.0.1", "--port", str(port), "--folder", str(tmp_path)]
        result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "cannot listen there" in result.output and "Traceback" not in result.output


def test_a_file_as_folder_is_a_usage_error(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(UsageError, match="not a folder"):
        prepare(RoomOptions(host="127.0.0.1", folder=target))


def test_addresses() -> None:
    assert join_url("127.0.0.1", 8765, "ABC") == "http://127.0.0.1:8765/?room=ABC"
    assert join_url("::1", 80, "ABC") == "http://[::1]:80/?room=ABC"
    assert "room=ABC" in join_url("0.0.0.0", 80, "ABC") and "0.0.0.0" not in join_url(
        "0.0.0.0", 80, "ABC"
    )
    assert lan_address().count(".") == 3
    assert default_folder().name.startswith("room-")


def test_help_imports_no_web_stack() -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from salesmkt.cli import app\n"
        "assert CliRunner().invoke(app, ['--help']).exit_code == 0\n"
        "assert CliRunner().invoke(app, ['room', '--help']).exit_code == 0\n"
        "print(','.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(out.stdout.strip().splitlines()[-1].split(","))
    for heavy in ("starlette", "uvicorn", "segno", "jinja2", "sqlite3", "httpx", "salesmkt.room"):
        assert heavy not in loaded, heavy
