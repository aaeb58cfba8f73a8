"""Start-up, eighth round: the garbage collector is held back while a command starts.

The console script raises the youngest generation's threshold for the commands of
``cli/commands.py`` (``collector.hold``) and freezes the start-up's objects when the
command builds its input (``collector.settle``). Checked here: where it applies and
where it must not (another module's command, the room's server among them; a command run
in-process, as the tests and any embedding program do), that settling happens once and
only after holding, and that the outputs of the data commands are byte for byte those of
the whole application, which runs with CPython's default collector.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

from support.paths import ROOT
from typer.testing import CliRunner

from salesmkt.cli import app, collector

_REPORT = (
    "import gc, json, sys\n"
    "def report():\n"
    "    print(json.dumps({'threshold': gc.get_threshold()[0],"
    " 'frozen': gc.get_freeze_count()}), file=sys.stderr)\n"
)
_ENTRY = _REPORT + (
    "sys.argv[0] = 'salesmkt'\n"
    "from salesmkt.cli import main\n"
    "try:\n"
    "    main()\n"
    "finally:\n"
    "    report()\n"
)
_WHOLE = "import sys; sys.argv[0] = 'salesmkt'\nfrom salesmkt.cli.application import main\nmain()"


def _python(code: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": "", "HOME": "relative", "COLUMNS": "100"}
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, env=env
    )


def _collector_after(*args: str) -> dict[str, int]:
    out = _python(_ENTRY, *args)
    found: dict[str, int] = json.loads(out.stderr.strip().splitlines()[-1])
    return found


def test_a_data_command_holds_the_collector_and_freezes_its_start_up(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    found = _collector_after(
        "score", str(ROOT / "examples" / "workshop.csv"), "--format", "json", "-o", str(target)
    )
    assert target.is_file()
    assert found["threshold"] == collector.HELD_THRESHOLD
    assert found["frozen"] > 10_000  # typer, pydantic, numpy and the package's modules


def test_validate_holds_the_collector_and_freezes_nothing() -> None:
    found = _collector_after("validate", "questionnaires/alignment.yaml")
    assert found == {"threshold": collector.HELD_THRESHOLD, "frozen": 0}


def test_another_modules_command_keeps_the_default_collector() -> None:
    default = gc.get_threshold()[0]
    # The help of a workshop command: the room's server starts the same way.
    assert _collector_after("template", "--help") == {"threshold": default, "frozen": 0}
    assert _collector_after("--version") == {"threshold": default, "frozen": 0}


def test_a_command_run_in_process_leaves_the_collector_alone(tmp_path: Path) -> None:
    before = (gc.get_threshold(), gc.get_freeze_count())
    target = tmp_path / "out.json"
    args = ["score", str(ROOT / "examples" / "workshop.csv"), "--format", "json"]
    result = CliRunner().invoke(app, [*args, "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def test_settle_freezes_once_and_only_after_hold() -> None:
    code = (
        "import gc\n"
        "from salesmkt.cli import collector\n"
        "default = gc.get_threshold()\n"
        "collector.settle()\n"
        "assert gc.get_freeze_count() == 0 and gc.get_threshold() == default\n"
        "collector.hold()\n"
        "assert gc.get_threshold() == (collector.HELD_THRESHOLD, *default[1:])\n"
        "collector.settle()\n"
        "frozen = gc.get_freeze_count()\n"
        "assert frozen > 0\n"
        "keep = [[] for _ in range(1000)]\n"
        "collector.settle()\n"
        "assert gc.get_freeze_count() == frozen, 'froze twice'\n"
        "print('ok')\n"
    )
    out = _python(code)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def _same_as_whole(args: list[str], target: Path) -> None:
    outputs = []
    for code in (_ENTRY, _WHOLE):
        # In the test's folder: HOME is relative there (matplotlib keeps its cache in it).
        out = _python(code, *args, "-o", str(target), cwd=target.parent)
        assert out.returncode == 0, out.stderr
        outputs.append((target.read_bytes(), out.stdout))
        target.unlink()
    assert outputs[0] == outputs[1], args


def test_the_data_commands_give_the_whole_applications_bytes(tmp_path: Path) -> None:
    examples = ROOT / "examples"
    wave1, wave2 = str(examples / "wave1.csv"), str(examples / "wave2.csv")
    _same_as_whole(["gaps", wave1, "--format", "json"], tmp_path / "gaps.json")
    _same_as_whole(["compare", wave1, wave2, "--format", "json"], tmp_path / "compare.json")
    situation = str(examples / "situation.yaml")
    recommend = ["recommend", wave1, "--situation", situation, "--format", "json"]
    _same_as_whole(recommend, tmp_path / "advice.json")
    report = ["report", str(examples / "workshop.csv"), "--format", "md"]
    _same_as_whole(report, tmp_path / "report.md")
