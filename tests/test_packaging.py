"""Start-up stays light, and an installed wheel carries the built-in files."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support.paths import ROOT


def _modules_after(code: str, cache: Path | None = None) -> set[str]:
    """The modules loaded by ``code``; the stored helps under ``cache`` (default: none)."""
    probe = f"{code}\nimport sys\nprint(','.join(sorted(sys.modules)))"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache) if cache else "", "HOME": "relative"}
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT, env=env
    )
    return set(out.stdout.strip().splitlines()[-1].split(","))


def test_help_and_validate_do_not_import_heavy_libraries() -> None:
    code = (
        "from typer.testing import CliRunner\n"
        "from salesmkt.cli import app\n"
        "r = CliRunner()\n"
        "assert r.invoke(app, ['--help']).exit_code == 0\n"
        "assert r.invoke(app, ['validate', 'questionnaires/alignment.yaml']).exit_code == 0\n"
    )
    loaded = _modules_after(code)
    heavy_ones = ("pandas", "numpy", "scipy", "matplotlib", "openpyxl", "jinja2")
    for heavy in (*heavy_ones, "sqlalchemy", "psycopg", "platformdirs", "babel"):
        assert heavy not in loaded, heavy


def test_version_flag_and_module_entry_point() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "salesmkt", "--version"], capture_output=True, text=True, cwd=ROOT
    )
    assert out.returncode == 0
    assert out.stdout.startswith("salesmkt ")


@pytest.mark.skipif(
    subprocess.run([sys.executable, "-c", "import hatchling"], capture_output=True).returncode,
    reason="hatchling (a test dependency) is needed to build the wheel",
)
def test_wheel_packages_builtin_questionnaires_and_rules(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("salesmkt-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for src in sorted((ROOT / "questionnaires").glob("*.yaml")):
        assert f"salesmkt/_builtin/questionnaires/{src.name}" in names
    for src in sorted((ROOT / "rules").glob("*.yaml")):
        assert f"salesmkt/_builtin/rules/{src.name}" in names
    assert "salesmkt/cli/commands.py" in names
    for lang in ("de", "fr", "es"):  # the fixed words' catalogues, read at run time
        assert f"salesmkt/locale/{lang}/LC_MESSAGES/salesmkt.po" in names


_HEAVY = (
    "pandas",
    "numpy",
    "scipy",
    "matplotlib",
    "pyarrow",
    "openpyxl",
    "python_calamine",
    "jinja2",
    "starlette",
    "uvicorn",
    "sqlalchemy",
    "psycopg",
    "pptx",
    "segno",
    "rapidfuzz",
    "babel",
    "platformdirs",
)


def _modules_after_command(*args: str, cache: Path | None = None) -> set[str]:
    """The modules loaded by the console script's entry point run with ``args``."""
    return _modules_after(
        "import contextlib, io, sys\n"
        f"sys.argv = ['salesmkt', *{list(args)!r}]\n"
        "from salesmkt.cli import main\n"
        "with contextlib.redirect_stdout(io.TextIOWrapper(io.BytesIO(), encoding='utf-8')), "
        "contextlib.redirect_stderr(io.StringIO()):\n"
        "    try:\n"
        "        main()\n"
        "    except SystemExit as exc:\n"
        "        assert exc.code in (0, None), exc.code\n",
        cache,
    )


def test_help_through_the_entry_point_loads_neither_models_nor_yaml() -> None:
    loaded = _modules_after_command("--help")
    # --help needs typer and rich only: no pydantic, no YAML, no pipeline stage.
    light = ("pydantic", "yaml", "salesmkt.definitions.yamlload", "salesmkt.definitions.kinds")
    for module in (*_HEAVY, *light, "salesmkt.pipeline"):
        assert module not in loaded, module


def test_a_stored_help_loads_neither_typer_nor_rich(tmp_path: Path) -> None:
    for args in (("--help",), ("score", "--help")):
        rendered = _modules_after_command(*args, cache=tmp_path)  # rendered, then stored
        assert "typer" in rendered and "rich" in rendered
        again = _modules_after_command(*args, cache=tmp_path)
        for module in (*_HEAVY, "typer", "rich", "pydantic", "salesmkt.cli.commands"):
            assert module not in again, module


@pytest.mark.parametrize(
    "args", [("validate",), ("validate", "questionnaires/alignment.yaml", "rules/moving-up.yaml")]
)
def test_validate_through_the_entry_point_stays_light(args: tuple[str, ...]) -> None:
    loaded = _modules_after_command(*args)
    for module in (*_HEAVY, "salesmkt.pipeline", "salesmkt.analysis", "salesmkt.render.report"):
        assert module not in loaded, module


def test_one_questionnaire_loads_no_rules_or_crm_models(tmp_path: Path) -> None:
    loaded = _modules_after_command("validate", "questionnaires/alignment.yaml")
    for module in ("salesmkt.definitions.rules", "salesmkt.definitions.crm_mapping"):
        assert module not in loaded, module


def test_score_loads_no_rules_model(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    args = ("score", "examples/workshop.csv", "--format", "json", "-o", str(out))
    loaded = _modules_after_command(*args)
    assert out.is_file()
    for module in ("salesmkt.definitions.rules", "salesmkt.cli.helpcache", "typer.rich_utils"):
        assert module not in loaded, module
