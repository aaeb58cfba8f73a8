"""matplotlib imported in a background thread while a report reads its data.

:mod:`salesmkt.render.chart_imports` and its use in ``pipeline.report.run_report``:
the imports happen in another thread, during the data work, and are waited for on
every way out; a failed import is left for the drawing to raise as before; the report
is byte for byte what the serial run writes; and the modules the two threads could
both import are imported first in the calling thread.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from salesmkt.render import chart_imports

ROOT = Path(__file__).resolve().parents[1]
WORKSHOP = ROOT / "examples" / "workshop.csv"
THREAD = "salesmkt-chart-imports"


def _preload_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == THREAD]


@pytest.fixture
def modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder on ``sys.path`` for throwaway modules; they leave ``sys.modules`` after."""
    folder = tmp_path / "mods"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    before = set(sys.modules)
    yield folder
    for name in set(sys.modules) - before:
        if name.startswith("r11_"):
            del sys.modules[name]


def _module(folder: Path, name: str, body: str = "") -> None:
    recorder = "import threading\nWHERE = threading.current_thread().name\n"
    (folder / f"{name}.py").write_text(recorder + body, encoding="utf-8")
    importlib.invalidate_caches()


def test_imports_in_a_thread_of_its_own_and_waits_for_it(modules: Path) -> None:
    _module(modules, "r11_shared")
    _module(modules, "r11_slow", "import time\ntime.sleep(0.3)\n")
    with chart_imports.preloading(True, ("r11_slow",), ("r11_shared",)):
        assert len(_preload_threads()) == 1  # the body runs while it imports
        assert threading.current_thread().name == sys.modules["r11_shared"].WHERE
    assert _preload_threads() == []
    assert sys.modules["r11_slow"].WHERE == THREAD


def test_a_failed_import_is_left_for_the_drawing_to_raise(modules: Path) -> None:
    _module(modules, "r11_broken", "raise RuntimeError('boom at import')\n")
    _module(modules, "r11_after")
    with chart_imports.preloading(True, ("r11_broken", "r11_after")):
        pass  # nothing raised here, nothing printed by the thread
    assert _preload_threads() == []
    assert "r11_broken" not in sys.modules
    assert "r11_after" not in sys.modules  # stopped at the first failure
    with pytest.raises(RuntimeError, match="boom at import"):
        importlib.import_module("r11_broken")


def test_an_error_in_the_body_still_waits_for_the_thread(modules: Path) -> None:
    _module(modules, "r11_slow2", "import time\ntime.sleep(0.3)\n")
    with (
        pytest.raises(ValueError, match="bad data"),
        chart_imports.preloading(True, ("r11_slow2",)),
    ):
        raise ValueError("bad data")
    assert _preload_threads() == []
    assert sys.modules["r11_slow2"].WHERE == THREAD


class _NoThread:
    def __init__(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("no thread should be started")


def test_no_thread_when_not_wanted_imported_already_or_shared_missing(
    modules: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chart_imports.threading, "Thread", _NoThread)
    _module(modules, "r11_never")
    ran = []
    with chart_imports.preloading(False, ("r11_never",)):
        ran.append("not wanted")
    with chart_imports.preloading(True, ("json", "os")):
        ran.append("imported already")
    with chart_imports.preloading(True, ("r11_never",), ("r11_no_such_module",)):
        ran.append("shared missing")
    assert ran == ["not wanted", "imported already", "shared missing"]
    assert "r11_never" not in sys.modules


# -- in a fresh process: the real modules, the real command ------------------------------

_DRIVER = r"""
import contextlib, json, sys, threading, time
mode, block = sys.argv[1], sys.argv[2]
args = sys.argv[3:]
if block == "block":  # matplotlib cannot be imported, as when it is not installed
    class _Blocker:
        def find_spec(self, name, path=None, target=None):
            if name == "matplotlib" or name.startswith("matplotlib."):
                raise ImportError("r11: no matplotlib here")
            return None
    sys.meta_path.insert(0, _Blocker())
import salesmkt.pipeline.report as rp
seen = {}
if mode == "serial":  # the run as it was: no background thread
    rp.preloading = lambda *a, **k: contextlib.nullcontext()
elif mode == "watch":
    load = rp.load_inputs
    def waiting_load(*a, **k):
        # The chart modules arrive from the other thread while the data are read.
        deadline = time.monotonic() + 30
        while "matplotlib.figure" not in sys.modules and time.monotonic() < deadline:
            time.sleep(0.01)
        seen["during_load"] = "matplotlib.figure" in sys.modules
        return load(*a, **k)
    rp.load_inputs = waiting_load
from salesmkt.cli import main
sys.argv = ["salesmkt", *args]
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code
seen["code"] = code
seen["threads"] = sorted(t.name for t in threading.enumerate())
print("R11" + json.dumps(seen))
"""


def _drive(tmp_path: Path, mode: str, block: str, *args: str) -> tuple[dict[str, object], str]:
    driver = tmp_path / "driver.py"
    driver.write_text(_DRIVER, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, str(driver), mode, block, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    line = [x for x in done.stdout.splitlines() if x.startswith("R11")][-1]
    return json.loads(line[3:]), done.stderr


def test_the_report_is_the_serial_runs_and_imports_during_the_read(tmp_path: Path) -> None:
    serial, parallel = tmp_path / "serial.html", tmp_path / "parallel.html"
    report = ("report", str(WORKSHOP), "--min-group-size", "3", "--force", "-o")
    got, err = _drive(tmp_path, "serial", "-", *report, str(serial))
    assert got["code"] == 0, err
    got, err = _drive(tmp_path, "watch", "-", *report, str(parallel))
    assert got["code"] == 0, err
    assert got["during_load"] is True
    assert got["threads"] == ["MainThread"]
    assert parallel.read_bytes() == serial.read_bytes()


def test_matplotlib_missing_fails_as_before(tmp_path: Path) -> None:
    report = ("report", str(WORKSHOP), "--min-group-size", "3", "--force", "-o")
    before, before_err = _drive(tmp_path, "serial", "block", *report, str(tmp_path / "a.html"))
    after, after_err = _drive(tmp_path, "real", "block", *report, str(tmp_path / "b.html"))
    assert before["code"] == after["code"] != 0
    assert after_err == before_err
    assert "no matplotlib here" in after_err
    assert after["threads"] == ["MainThread"]


def test_a_bad_file_fails_as_before_and_leaves_no_thread(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Respondent,Team\nS01,Sales\n", encoding="utf-8")
    report = ("report", str(bad), "--force", "-o")
    before, before_err = _drive(tmp_path, "serial", "-", *report, str(tmp_path / "a.html"))
    after, after_err = _drive(tmp_path, "real", "-", *report, str(tmp_path / "b.html"))
    assert before["code"] == after["code"] != 0
    assert after_err == before_err
    assert after["threads"] == ["MainThread"]


_MODULES_AFTER = r"""
import json, sys
import salesmkt.pipeline.report as rp
from salesmkt.cli import commands
from salesmkt.render import chart_imports
start = set(sys.modules)
what = sys.argv[1]
if what == "charts":
    for name in chart_imports.CHART_MODULES:
        __import__(name)
elif what == "shared":
    for name in chart_imports.SHARED_MODULES:
        __import__(name)
else:  # the data work the thread overlaps: read and score, keep the comments, advise
    from pathlib import Path
    from salesmkt.intake.source import ResponseSource
    from salesmkt.model.assessment import Settings
    from salesmkt.l10n import reading_in
    everything = sys.argv[2:] == ["all"]  # every other input of a report, in German
    with reading_in("de" if everything else None):
        loaded = rp.load_inputs(ResponseSource(Path(what)), Settings(min_group_size=3))
        loaded = rp.in_reader_language(loaded, None)
        if everything:
            ex = Path(what).parent
            crm = rp._load_evidence(ex / "crm")
            rp.advise(loaded.assessment, situation=ex / "situation.yaml",
                      funnel=ex / "funnel.yaml", crm=crm)
        else:
            rp.advise(loaded.assessment)
    if sys.argv[2:] == ["draw"]:
        for name in chart_imports.CHART_MODULES:
            __import__(name)
        start = set(sys.modules)
        from salesmkt.render.charts import make_charts
        make_charts(loaded.assessment, questionnaire=loaded.questionnaire)  # as a page draws
print("R11" + json.dumps(sorted(set(sys.modules) - start)))
"""


def _new_modules(tmp_path: Path, *args: str) -> set[str]:
    script = tmp_path / "mods.py"
    script.write_text(_MODULES_AFTER, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, str(script), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=True,
    )
    line = [x for x in done.stdout.splitlines() if x.startswith("R11")][-1]
    return set(json.loads(line[3:]))


def test_the_chart_modules_are_all_the_drawing_imports(tmp_path: Path) -> None:
    # A page's charts (SVG); PNG files for --charts bring Pillow's image plugins too,
    # imported when the thread has long finished.
    assert _new_modules(tmp_path, str(WORKSHOP), "draw") == set()


EXPORTS = ROOT / "examples" / "exports"


@pytest.mark.parametrize(
    ("data", "extra"),
    [
        # The workshop file has comments: its read brings pandas (dateutil and the like).
        (WORKSHOP, ()),
        # Every other input of a report: CRM exports, situation and funnel, in German.
        (WORKSHOP, ("all",)),
        (EXPORTS / "microsoft_forms.xlsx", ()),
        (EXPORTS / "google_forms.csv", ()),
    ],
    ids=["comments", "crm-situation-funnel-de", "xlsx", "forms-csv"],
)
def test_what_both_threads_import_is_imported_first(
    tmp_path: Path, data: Path, extra: tuple[str, ...]
) -> None:
    data_work = _new_modules(tmp_path, str(data), *extra)
    charts = _new_modules(tmp_path, "charts")
    shared = _new_modules(tmp_path, "shared")
    both = (data_work & charts) - set(sys.builtin_module_names)
    assert data_work, "the data work imported nothing: the script did not run it"
    assert both <= shared, sorted(both - shared)
