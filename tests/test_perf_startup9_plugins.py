"""Start-up, ninth round: pydantic's plugins looked for without ``importlib.metadata``.

The console script puts a stand-in for ``pydantic.plugin._loader`` in place when no
installed distribution declares a ``pydantic`` entry point (``cli/pydantic_plugins``).
Checked here: the light look agrees with ``importlib.metadata`` (this environment, and
folders made to declare a plugin, to declare other groups, or to be read only by
``importlib.metadata``: a zip file, an ``.egg``, another finder); the stand-in finds no
plugin and hands every other name to the real loader; and, in fresh interpreters, that
``score`` and ``validate`` leave ``importlib.metadata`` unloaded, and that a plugin
installed on the path is loaded and called as pydantic always did.
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support.console_probe import console_probe
from support.paths import ROOT

from salesmkt.cli import pydantic_plugins as plugins


def _dist(folder: Path, name: str, entry_points: str | None, suffix: str = ".dist-info") -> Path:
    meta = folder / f"{name}-1.0{suffix}"
    meta.mkdir(parents=True)
    (meta / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    if entry_points is not None:
        (meta / "entry_points.txt").write_text(entry_points)
    return meta


def _importlib_finds_plugins(paths: list[str]) -> bool:
    found = importlib.metadata.distributions(path=paths)
    return any(ep.group == plugins.GROUP for dist in found for ep in dist.entry_points)


def test_this_environment_agrees_with_importlib_metadata() -> None:
    installed = bool(importlib.metadata.entry_points(group=plugins.GROUP))
    assert plugins.no_plugins_installed() is not installed


@pytest.mark.parametrize(
    ("entry_points", "suffix", "declares"),
    [
        ("[pydantic]\nmine = mine.plugin:plugin\n", ".dist-info", True),
        ("  [pydantic]  \n  mine = mine.plugin:plugin\n", ".dist-info", True),
        ("[console_scripts]\npydantic = mine:main\n", ".dist-info", False),
        ("[pydantic.v1]\nx = y:z\n# [pydantic]\n", ".dist-info", False),
        ("[pydantic]\nmine = mine.plugin:plugin\n", ".egg-info", True),
        ("[pydantic]\nmine = mine.plugin:plugin\n", ".DIST-INFO", True),
        (None, ".dist-info", False),
    ],
)
def test_a_folder_declaring_a_plugin_or_not(
    tmp_path: Path, entry_points: str | None, suffix: str, declares: bool
) -> None:
    _dist(tmp_path, "other", "[console_scripts]\nother = other:main\n")
    _dist(tmp_path, "mine", entry_points, suffix)
    assert _importlib_finds_plugins([str(tmp_path)]) is declares
    assert plugins.no_plugins_installed([str(tmp_path)]) is not declares


def test_places_only_importlib_reads_are_never_taken_as_plugin_free(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("mine-1.0.dist-info/entry_points.txt", "[pydantic]\nmine = m:p\n")
    assert _importlib_finds_plugins([str(archive)])
    assert not plugins.no_plugins_installed([str(archive)])
    egg = tmp_path / "mine-1.0.egg"
    egg.mkdir()
    assert not plugins.no_plugins_installed([str(egg)])
    assert not plugins.no_plugins_installed([Path(tmp_path)])  # type: ignore[list-item]
    # A folder that does not exist holds nothing, for importlib.metadata too.
    assert plugins.no_plugins_installed([str(tmp_path / "absent")])
    assert plugins.no_plugins_installed([str(tmp_path)])

    class Finder:
        def find_spec(self, *args: object) -> None:
            return None

        def find_distributions(self, *args: object) -> list[object]:
            return []

    monkeypatch.setattr(sys, "meta_path", [Finder(), *sys.meta_path])
    assert not plugins.no_plugins_installed([str(tmp_path)])


def _real_loader(monkeypatch: pytest.MonkeyPatch) -> object:
    """pydantic's loader, kept (as the package's attribute too) for after the test."""
    import pydantic.plugin
    import pydantic.plugin._loader

    real = sys.modules[plugins.LOADER]
    monkeypatch.setattr(pydantic.plugin, "_loader", real)
    return real


def test_the_stand_in_finds_none_and_hands_on_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    real = _real_loader(monkeypatch)
    monkeypatch.delitem(sys.modules, plugins.LOADER)
    monkeypatch.setattr(plugins, "_none_installed", [])
    asked: list[bool] = []
    monkeypatch.setattr(plugins, "no_plugins_installed", lambda: asked.append(True) or True)
    plugins.install()
    stand_in = sys.modules[plugins.LOADER]
    assert stand_in is not real and not asked  # nothing is looked for before pydantic asks
    assert not stand_in.get_plugins()
    assert not stand_in.get_plugins()
    assert asked == [True]  # looked for once
    assert not hasattr(stand_in, "__path__")  # probes of a module's own names stay local
    assert sys.modules[plugins.LOADER] is stand_in
    assert stand_in.PYDANTIC_ENTRY_POINT_GROUP == plugins.GROUP  # the real loader, now
    assert sys.modules[plugins.LOADER] is not stand_in
    monkeypatch.setitem(sys.modules, plugins.LOADER, real)


def test_an_installed_plugin_is_asked_of_pydantics_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    real = _real_loader(monkeypatch)
    monkeypatch.delitem(sys.modules, plugins.LOADER)
    monkeypatch.setattr(plugins, "_none_installed", [])
    monkeypatch.setattr(plugins, "no_plugins_installed", lambda: False)
    plugins.install()
    stand_in = sys.modules[plugins.LOADER]
    assert list(stand_in.get_plugins()) == []  # the real loader's answer here: none
    assert sys.modules[plugins.LOADER] is not stand_in
    assert sys.modules[plugins.LOADER].__file__ == real.__file__  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, plugins.LOADER, real)


def test_install_leaves_a_loaded_loader_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    real = _real_loader(monkeypatch)
    plugins.install()  # loaded already (this session built validators)
    assert sys.modules[plugins.LOADER] is real


_PROBE = console_probe(
    "print('metadata' if 'importlib.metadata' in sys.modules else 'light', file=sys.stderr)"
)


def _console(*args: str, pythonpath: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": "", "HOME": "relative", "COLUMNS": "100"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    return subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, cwd=ROOT, env=env
    )


def test_score_and_validate_leave_importlib_metadata_unloaded(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    data = str(ROOT / "examples" / "workshop.csv")
    run = _console("score", data, "--format", "json", "-o", str(target))
    assert run.returncode == 0, run.stderr
    assert run.stderr.strip().splitlines()[-1] == "light"
    assert target.stat().st_size > 0
    run = _console("validate")
    assert run.returncode == 0, run.stderr
    assert run.stderr.strip().splitlines()[-1] == "light"


def test_an_installed_plugin_is_loaded_and_called(tmp_path: Path) -> None:
    calls = tmp_path / "calls.txt"
    (tmp_path / "myplugin.py").write_text(
        "class Plugin:\n"
        "    def new_schema_validator(self, schema, schema_type, *args, **kwargs):\n"
        f"        with open({str(calls)!r}, 'a') as f:\n"
        "            f.write(getattr(schema_type, '__name__', 'adapter') + '\\n')\n"
        "        return None, None, None\n"
        "plugin = Plugin()\n"
    )
    _dist(tmp_path, "myplugin", "[pydantic]\nmine = myplugin:plugin\n")
    target = tmp_path / "out.json"
    data = str(ROOT / "examples" / "workshop.csv")
    run = _console("score", data, "--format", "json", "-o", str(target), pythonpath=str(tmp_path))
    assert run.returncode == 0, run.stderr
    assert run.stderr.strip().splitlines()[-1] == "metadata"
    assert "Assessment" in calls.read_text().split()
