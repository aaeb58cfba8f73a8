"""Outputs: never a non-regular file, never an input, and a dead stdout is no traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.paths import EXAMPLES
from typer.testing import CliRunner

from salesmkt.cli import app
from salesmkt.errors import OutputError
from salesmkt.render.outputs import check_output, write_atomic

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def responses(tmp_path: Path) -> Path:
    target = tmp_path / "workshop.csv"
    shutil.copy(EXAMPLES / "workshop.csv", target)
    return target


def _one_error_line(result: object) -> str:
    assert getattr(result, "exit_code", None) == 1, getattr(result, "output", "")
    lines = getattr(result, "stderr", "").strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("salesmkt: error: ")
    return lines[0]


# -- not a regular file ---------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_fifo_is_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="not a regular file"):
        write_atomic(fifo, "{}", force=True)
    assert fifo.is_fifo()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
@pytest.mark.parametrize(
    "args",
    [
        ["score", "{r}", "-o", "{o}.json"],
        ["gaps", "{r}", "-o", "{o}.csv"],
        ["compare", "{r}", "{r}", "-o", "{o}.md"],
        ["report", "{r}", "-o", "{o}.html", "--force"],
        ["template", "-o", "{o}.csv", "--force"],
    ],
)
def test_commands_refuse_a_fifo_output(tmp_path: Path, responses: Path, args: list[str]) -> None:
    stem = tmp_path / "pipe"
    filled = [a.format(r=responses, o=stem) for a in args]
    target = Path(next(a for a in filled if a.startswith(str(stem))))
    os.mkfifo(target)
    line = _one_error_line(runner.invoke(app, filled))
    assert "not a regular file" in line
    assert target.is_fifo()


def test_a_device_is_not_replaced() -> None:
    if not Path(os.devnull).exists() or Path(os.devnull).is_file():
        pytest.skip("no null device")
    with pytest.raises(OutputError, match="is a device, not a regular file"):
        check_output(Path(os.devnull))


def test_a_directory_is_refused_by_every_writer(tmp_path: Path, responses: Path) -> None:
    folder = tmp_path / "out.md"
    folder.mkdir()
    line = _one_error_line(runner.invoke(app, ["template", "-o", str(folder), "--force"]))
    assert "is a directory" in line
    with pytest.raises(OutputError, match="is a directory"):
        write_atomic(folder, "x")
    assert folder.is_dir()


def test_a_symlink_to_a_regular_file_is_still_written(tmp_path: Path, responses: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    result = runner.invoke(app, ["score", str(responses), "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_file()
    assert link.read_text(encoding="utf-8").startswith("{")


# -- never over an input ---------------------------------------------------------------


def test_template_never_overwrites_its_own_questionnaire(tmp_path: Path) -> None:
    mine = tmp_path / "my.md"
    shutil.copy(ROOT / "questionnaires" / "alignment.yaml", mine)
    before = mine.read_bytes()
    for extra in ([], ["--force"]):
        result = runner.invoke(app, ["template", "-q", str(mine), "-o", str(mine), *extra])
        assert "refusing to overwrite the input file" in _one_error_line(result)
    assert mine.read_bytes() == before


def test_take_never_appends_to_its_own_questionnaire(tmp_path: Path) -> None:
    mine = tmp_path / "my.csv"
    shutil.copy(ROOT / "questionnaires" / "alignment.yaml", mine)
    before = mine.read_bytes()
    result = runner.invoke(
        app, ["take", "-q", str(mine), "-g", "sales", "-o", str(mine)], input="\n" * 80
    )
    assert "refusing to overwrite the input file" in _one_error_line(result)
    assert mine.read_bytes() == before


@pytest.mark.parametrize(
    "args",
    [
        ["score", "{r}", "-o", "{r}", "-f", "csv"],
        ["gaps", "{r}", "-o", "{r}", "-f", "csv"],
        ["compare", "{r}", "{a}", "-o", "{a}", "-f", "json"],
        ["recommend", "{r}", "--situation", "{s}", "-o", "{s}", "-f", "json"],
    ],
)
def test_readers_never_write_over_what_they_read(
    tmp_path: Path, responses: Path, args: list[str]
) -> None:
    after = tmp_path / "after.csv"
    shutil.copy(responses, after)
    situation = tmp_path / "situation.yaml"
    shutil.copy(EXAMPLES / "situation.yaml", situation)
    snapshot = {p: p.read_bytes() for p in (responses, after, situation)}
    filled = [x.format(r=responses, a=after, s=situation) for x in args]
    result = runner.invoke(app, filled)
    assert result.exit_code == 1, result.output
    assert "refusing to overwrite the input file" in result.stderr
    assert {p: p.read_bytes() for p in snapshot} == snapshot


# -- a dead stdout ----------------------------------------------------------------------


def _salesmkt(*args: str) -> list[str]:
    return [sys.executable, "-m", "salesmkt", *args]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
@pytest.mark.parametrize("args", [["schema"], ["score", "{r}", "-f", "csv"]])
def test_a_full_stdout_is_one_line(responses: Path, args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            _salesmkt(*(a.format(r=responses) for a in args)),
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            check=False,
        )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "Exception ignored" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines == ["salesmkt: error: cannot write the output: No space left on device"]


def test_a_closed_stdout_ends_quietly(responses: Path) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before anything is written
    try:
        done = subprocess.run(
            _salesmkt("score", str(responses), "-f", "csv"),
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            check=False,
        )
    finally:
        os.close(write)
    assert "Traceback" not in done.stderr
    assert "Exception ignored" not in done.stderr
    assert done.stderr.strip() == ""
    assert done.returncode == 1
