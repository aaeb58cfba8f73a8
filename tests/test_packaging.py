"""Start-up stays light, and an installed wheel carries the built-in files."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support.paths import ROOT


def _modules_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(','.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
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
