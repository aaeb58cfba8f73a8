"""Start-up, eighth round: a core command line builds only the command it names.

The console script hands ``cli/commands.py`` the command the line starts with, and typer
builds that command (or group) with the root's options instead of all nine. Checked
against the whole application (every command built, as before): the help, usage errors,
a group's subcommands, a failing and a working run give the same exit code, output and
messages; and the command names that select nothing fall back to the whole app.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.paths import ROOT

from salesmkt.cli import commands
from salesmkt.cli.launch import CORE_COMMANDS

_LIGHT = "import sys; sys.argv[0] = 'salesmkt'\nfrom salesmkt.cli import main\nmain()"
_WHOLE = "import sys; sys.argv[0] = 'salesmkt'\nfrom salesmkt.cli.application import main\nmain()"


def _run(code: str, args: list[str], cwd: Path) -> tuple[int, str, str]:
    # No help cache (XDG_CACHE_HOME empty, HOME relative): every help is rendered.
    env = {**os.environ, "XDG_CACHE_HOME": "", "HOME": "relative", "COLUMNS": "100"}
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, env=env
    )
    return out.returncode, out.stdout, out.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["score", "--help"],
        ["gaps", "--help"],
        ["questionnaires", "--help"],
        ["questionnaires", "show", "--help"],
        ["questionnaires", "shwo", "alignment"],  # a mistyped subcommand: suggestions
        ["questionnaires", "show", "alignment", "--format", "markdown"],
        ["score", "--bogus"],
        ["score"],  # the missing argument
        ["score", "none.csv", "--max-missing", "2"],  # out of range: exit 2
        ["score", "none.csv", "--min-group-size", "x"],  # not a number: exit 2
        ["gaps", "none.csv", "--format", "nonsense"],
        ["score", "none.csv"],  # a missing file: exit 1
        ["schema", "--help"],
        ["recommend", "--stage", "aligned", "--format", "json"],
        ["evidence", "--help"],
    ],
)
def test_one_command_says_what_the_whole_application_says(args: list[str], tmp_path: Path) -> None:
    light = _run(_LIGHT, args, tmp_path)
    whole = _run(_WHOLE, args, tmp_path)
    assert light == whole, args


def test_a_score_run_is_the_same(tmp_path: Path) -> None:
    responses = str(ROOT / "examples" / "workshop.csv")
    outputs = []
    for code in (_LIGHT, _WHOLE):
        target = tmp_path / "out.md"
        outputs.append(
            (_run(code, ["score", responses, "-o", str(target)], tmp_path), target.read_bytes())
        )
        target.unlink()
    assert outputs[0] == outputs[1]


def test_every_core_command_selects_itself_alone() -> None:
    for name in CORE_COMMANDS:
        one = commands._one_command(name)
        assert one is not commands.app
        found = [c.callback.__name__ for c in one.registered_commands if c.callback]
        found += [g.name for g in one.registered_groups if g.name]
        assert len(found) == 1, (name, found)
        assert found[0].replace("_", "-") in (name, "questionnaires"), (name, found)
        assert one.registered_callback is commands.app.registered_callback
    # The whole app is left as it was.
    assert len(commands.app.registered_commands) >= len(CORE_COMMANDS) - 1


def test_a_name_that_selects_nothing_keeps_the_whole_app() -> None:
    assert commands._one_command("no-such-command") is commands.app
