"""Tenth round, start-up: what ``validate`` and ``score`` no longer import, and that the
runs which need it still get it.

- ``cli/commands.py`` reads :mod:`salesmkt.cli.console` (with the input object and the
  renderer registry) through :class:`~salesmkt.cli.lazy.LazyModule`: ``validate`` and
  ``schema`` never touch it, ``score`` does on its first use.
- :mod:`salesmkt.l10n` imports ``importlib.resources`` only when a catalogue is read.
"""

from __future__ import annotations

import os
import subprocess
import sys
import types
from pathlib import Path

import pytest
from support.console_probe import console_probe
from support.paths import ROOT

from salesmkt import l10n
from salesmkt.cli.lazy import LazyModule

_PROBE = console_probe("print(','.join(sorted(sys.modules)), file=sys.stderr)")

# What console.py brings that validate and schema do not use.
_CONSOLE = ("salesmkt.cli.console", "salesmkt.intake.source", "salesmkt.render.registry")


def _console(*args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """A run of the console script's entry point in a fresh interpreter, and the modules
    it had loaded at its end."""
    env = {**os.environ, "XDG_CACHE_HOME": "", "HOME": "relative", "COLUMNS": "100"}
    run = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, cwd=ROOT, env=env
    )
    return run, set(run.stderr.strip().splitlines()[-1].split(","))


def test_validate_and_schema_import_no_console_and_no_resources() -> None:
    # validate with an option: a line of paths alone runs without typer's application
    # (the eleventh round, tests/test_perf_startup11_validate_line.py)
    plain = ["validate", "--format", "text"]
    for args in (plain, [*plain, "questionnaires/alignment.yaml"], ["schema"]):
        run, loaded = _console(*args)
        assert run.returncode == 0, run.stderr
        for module in (*_CONSOLE, "importlib.resources"):
            assert module not in loaded, (args, module)
        # The lazy stand-in is what commands.py holds (the check above is not vacuous).
        assert "salesmkt.cli.lazy" in loaded


def test_a_failing_validate_still_reports_without_the_console(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nitems: 3\n", encoding="utf-8")
    run, loaded = _console("validate", str(bad))
    assert run.returncode == 1
    assert "1 invalid" in run.stderr
    assert "salesmkt.cli.console" not in loaded


def test_score_loads_the_console_and_writes_its_output(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    data = str(ROOT / "examples" / "workshop.csv")
    run, loaded = _console("score", data, "--format", "json", "-o", str(target))
    assert run.returncode == 0, run.stderr
    assert set(_CONSOLE) <= loaded
    assert target.read_text(encoding="utf-8").lstrip().startswith("{")
    # An error found by the console's own check of the output, through the boundary.
    copy = tmp_path / "in.csv"
    copy.write_bytes(Path(data).read_bytes())
    run, _ = _console("score", str(copy), "--format", "json", "-o", str(copy))
    assert run.returncode == 1
    assert "refusing to overwrite the input file" in run.stderr


def test_the_lazy_module_imports_on_first_read_and_hands_out_the_real_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "startup10_lazy_probe"
    (tmp_path / f"{name}.py").write_text("import sys\nLOADS = [1]\ndef f():\n    return 2\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, name, raising=False)
    lazy = LazyModule(name)
    assert name not in sys.modules
    assert repr(lazy) == f"<lazy module {name!r}>"
    assert lazy.f() == 2  # the first read imports the module
    module = sys.modules[name]
    assert isinstance(module, types.ModuleType)
    for attribute in ("LOADS", "f", "sys"):
        assert getattr(lazy, attribute) is getattr(module, attribute)
    lazy.LOADS.append(2)
    assert module.LOADS == [1, 2]  # the same objects, not copies
    with pytest.raises(AttributeError):
        _ = lazy.no_such_name


def test_the_lazy_module_raises_what_a_missing_module_raises() -> None:
    with pytest.raises(ModuleNotFoundError):
        _ = LazyModule("salesmkt.no_such_module").anything


def test_catalogue_files_as_importlib_resources_lists_them() -> None:
    from importlib import resources

    for tag in l10n.SHIPPED:
        folder = resources.files("salesmkt") / "locale" / tag / "LC_MESSAGES"
        names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".po"))
        found = [p.name for p in l10n.catalogue_files(tag)]
        assert found == ["salesmkt.po", *(n for n in names if n != "salesmkt.po")]
        assert all(p.is_file() for p in l10n.catalogue_files(tag))


def test_l10n_imports_resources_only_to_read_a_catalogue() -> None:
    code = (
        "import sys\n"
        "from salesmkt import l10n\n"
        "print('importlib.resources' in sys.modules)\n"
        "words = l10n.translator('de')\n"
        "print('importlib.resources' in sys.modules, words('Next') != 'Next')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.split() == ["False", "True", "True"]
