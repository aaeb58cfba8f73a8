"""Start-up, sixth round: what `validate` and `score` load and build, and that the lighter
start gives the same results.

- The console script runs a command of ``salesmkt/cli/commands.py`` with that module's
  app alone (``launch.CORE_COMMANDS``): the list must name exactly that module's
  commands, the other command modules must not load, and every output, message and exit
  code must be the full application's.
- The result and definition models defer building their validators until first used.
- The translation checks key each text once (a bounded cache of ``header_key``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.paths import ROOT

from salesmkt.cli.launch import CORE_COMMANDS
from salesmkt.definitions import translation_checks
from salesmkt.definitions.translations import header_key

_OTHER_COMMAND_MODULES = (
    "salesmkt.cli.application",
    "salesmkt.cli.benchmark_commands",
    "salesmkt.cli.merge_commands",
    "salesmkt.cli.trend_commands",
    "salesmkt.cli.workshop_commands",
)


def _python(code: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": "", "HOME": "relative", "COLUMNS": "100"}
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, env=env
    )


def test_core_commands_are_exactly_those_commands_py_declares() -> None:
    # In a fresh process: here the test session's app has every module's commands.
    code = (
        "import sys\n"
        "from typer.main import get_command_name\n"
        "from salesmkt.cli import commands\n"
        "names = [c.name or get_command_name(c.callback.__name__)"
        " for c in commands.app.registered_commands]\n"
        "names += [g.name for g in commands.app.registered_groups]\n"
        "assert not any(m in sys.modules for m in sys.argv[1:]), 'other command modules'\n"
        "print(' '.join(sorted(names)))\n"
    )
    out = _python(code, *_OTHER_COMMAND_MODULES)
    assert out.returncode == 0, out.stderr
    assert set(out.stdout.split()) == CORE_COMMANDS


def _loaded_by_entry_point(*args: str) -> set[str]:
    code = (
        "import sys\n"
        f"sys.argv = ['salesmkt', *{list(args)!r}]\n"
        "from salesmkt.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    assert exc.code in (0, None), exc.code\n"
        "print(','.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    out = _python(code)
    assert out.returncode == 0, out.stderr
    return set(out.stderr.strip().splitlines()[-1].split(","))


@pytest.mark.parametrize(
    "args",
    [
        # with an option: paths alone run without typer's application (eleventh round)
        ("validate", "--format", "text"),
        ("validate", "--format", "text", "questionnaires/alignment.yaml"),
        ("schema", "questionnaire"),
        ("questionnaires",),
    ],
)
def test_a_core_command_loads_no_other_command_module(args: tuple[str, ...]) -> None:
    loaded = _loaded_by_entry_point(*args)
    assert "salesmkt.cli.commands" in loaded
    for module in _OTHER_COMMAND_MODULES:
        assert module not in loaded, module


def test_score_loads_no_other_command_module(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    loaded = _loaded_by_entry_point(
        "score", "examples/workshop.csv", "--format", "json", "-o", str(out)
    )
    assert out.is_file()
    for module in _OTHER_COMMAND_MODULES:
        assert module not in loaded, module


def test_validate_loads_no_escaping_no_rich_no_result_model() -> None:
    loaded = _loaded_by_entry_point("validate")
    # html (the escaping of render.text) is needed on an error only; rich for the help.
    for module in ("html", "salesmkt.render.text", "rich", "salesmkt.model.assessment"):
        assert module not in loaded, module


def test_a_command_of_another_module_still_runs_through_the_whole_application() -> None:
    loaded = _loaded_by_entry_point("template", "--help")
    assert "salesmkt.cli.workshop_commands" in loaded


def _both_ways(args: list[str], cwd: Path) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
    """The entry point's run and the whole application's, as (exit code, stdout, stderr)."""
    runs = []
    for code in (
        "import sys; sys.argv[0] = 'salesmkt'\nfrom salesmkt.cli import main\nmain()",
        "import sys; sys.argv[0] = 'salesmkt'\nfrom salesmkt.cli.application import main\nmain()",
    ):
        out = _python(code, *args, cwd=cwd)
        runs.append((out.returncode, out.stdout, out.stderr))
    return runs[0], runs[1]


def _bad_files(folder: Path) -> tuple[Path, Path]:
    text = (ROOT / "questionnaires" / "alignment.yaml").read_text(encoding="utf-8")
    bad = folder / "bad.yaml"
    bad.write_text(text.replace("items:", "items: 3\nitemz:", 1), encoding="utf-8")
    unknown = folder / "unknown.yaml"
    unknown.write_text("hello: world\n", encoding="utf-8")
    return bad, unknown


def test_validate_says_the_same_as_the_whole_application(tmp_path: Path) -> None:
    bad, unknown = _bad_files(tmp_path)
    root = str(ROOT)
    cases = [
        ["validate"],
        ["validate", "--format", "json"],
        ["validate", f"{root}/questionnaires", f"{root}/rules", "--strict"],
        ["validate", str(bad), str(unknown), "--format", "github"],
        ["validate", str(tmp_path), "--skip-foreign"],
        ["validate", "--format", "nonsense"],  # a usage error, exit 2
        ["validate", str(tmp_path / "missing.yaml")],
        ["schema", "rules"],
        ["schema", "nonsense"],
    ]
    for args in cases:
        light, whole = _both_ways(args, tmp_path)
        assert light == whole, args
    assert _both_ways(["validate", str(bad)], tmp_path)[0][0] == 1


def test_score_gives_the_same_result_as_the_whole_application(tmp_path: Path) -> None:
    responses = str(ROOT / "examples" / "workshop.csv")
    for fmt in ("json", "csv", "markdown"):
        outputs: list[tuple[bytes, str, str]] = []
        for code in (
            "import sys; sys.argv[0] = 'salesmkt'\nfrom salesmkt.cli import main\nmain()",
            "import sys; sys.argv[0] = 'salesmkt'\nfrom salesmkt.cli.application import main\n"
            "main()",
        ):
            target = tmp_path / f"{len(outputs)}.{fmt}"
            out = _python(code, "score", responses, "--format", fmt, "-o", str(target))
            assert out.returncode == 0, out.stderr
            outputs.append((target.read_bytes(), out.stdout, out.stderr.replace(str(target), "")))
        assert outputs[0] == outputs[1], fmt
    light, whole = _both_ways(["score", str(tmp_path / "none.csv")], tmp_path)
    assert light == whole and light[0] != 0


def test_the_models_build_their_validators_on_first_use() -> None:
    code = (
        "from salesmkt.model.assessment import Assessment, ItemResult\n"
        "from salesmkt.definitions.questionnaire import Questionnaire\n"
        "assert not Assessment.__pydantic_complete__\n"
        "assert not ItemResult.__pydantic_complete__\n"
        "assert not Questionnaire.__pydantic_complete__\n"
        "from salesmkt.definitions.diagnostics import Diagnostic\n"
        "assert not Diagnostic.__pydantic_complete__\n"
        "ItemResult.model_json_schema()\n"
        "print('ok')\n"
    )
    out = _python(code)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


@pytest.mark.parametrize(
    "text",
    [
        "Strongly  agree ",
        "“Tout à fait” d’accord!",
        "ﬁ  Ｆull width?",
        "",
        "  \t ",
        1,
        1.0,
        True,
        "1",
    ],
)
def test_the_keyed_texts_are_header_key(text: object) -> None:
    assert translation_checks._key(text) == header_key(text)  # type: ignore[arg-type]
    # Twice: the second answer comes from the cache, and equal values of another type
    # (1, 1.0, True) never share an entry.
    assert translation_checks._key(text) == header_key(text)  # type: ignore[arg-type]
