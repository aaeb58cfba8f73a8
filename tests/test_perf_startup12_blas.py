"""Twelfth round, start-up: a console-script run uses one OpenBLAS thread unless the
user chose otherwise (:mod:`salesmkt.cli.blas_threads`).

- the console script sets ``OPENBLAS_NUM_THREADS=1`` before numpy's import, for data
  commands and the others alike; a user's own value of any BLAS thread variable is kept,
  and ``OMP_NUM_THREADS`` (which sizes pyarrow's thread pool) is never set;
- OpenBLAS then starts no worker thread (counted in ``/proc/self/task``);
- a program that imports the package, and a command run in-process, keep their own;
- the outputs are the same bytes with OpenBLAS's threads and without.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.console_probe import console_probe
from support.paths import ROOT
from typer.testing import CliRunner

from salesmkt.cli import blas_threads
from salesmkt.cli.commands import app

_PROBE = console_probe(
    "import pyarrow; print(repr(os.environ.get('OPENBLAS_NUM_THREADS')),"
    " repr(os.environ.get('OMP_NUM_THREADS')), pyarrow.cpu_count(), file=sys.stderr)"
)
_DATA = str(ROOT / "examples" / "workshop.csv")


def _clean_env(**extra: str) -> dict[str, str]:
    """This environment without any BLAS thread variable, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in blas_threads.BLAS_THREAD_VARIABLES}
    return {**env, "XDG_CACHE_HOME": "", "HOME": "relative", **extra}


def _probe(env: dict[str, str], *args: str) -> tuple[subprocess.CompletedProcess[str], str]:
    """A console-script run in a fresh interpreter, and its last stderr line: the
    OPENBLAS_NUM_THREADS and OMP_NUM_THREADS it ended with and pyarrow's thread count."""
    run = subprocess.run(
        [sys.executable, "-c", "import os\n" + _PROBE, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    return run, run.stderr.strip().splitlines()[-1]


def _pyarrow_threads(env: dict[str, str]) -> str:
    code = "import pyarrow; print(pyarrow.cpu_count())"
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout.strip()


@pytest.fixture
def no_numpy_yet(monkeypatch: pytest.MonkeyPatch) -> None:
    """one_thread acts only before numpy's import: in this test session numpy is loaded,
    so it is hidden from ``sys.modules`` (and put back) for the unit tests that call it.
    Only for them: a test that scores in this process with numpy hidden would import a
    second numpy (which fails, depending on which modules earlier tests loaded)."""
    monkeypatch.delitem(sys.modules, "numpy", raising=False)


@pytest.mark.usefixtures("no_numpy_yet")
def test_one_thread_is_set_when_no_blas_variable_is() -> None:
    env = {"PATH": "/bin", "PYARROW_IGNORE_TIMEZONE": "1"}
    assert blas_threads.one_thread(env) is True
    assert env == {"PATH": "/bin", "PYARROW_IGNORE_TIMEZONE": "1", "OPENBLAS_NUM_THREADS": "1"}


@pytest.mark.usefixtures("no_numpy_yet")
@pytest.mark.parametrize("name", blas_threads.BLAS_THREAD_VARIABLES)
@pytest.mark.parametrize("value", ["4", "1", ""])
def test_a_users_own_blas_variable_is_kept(name: str, value: str) -> None:
    env = {"PATH": "/bin", name: value}
    assert blas_threads.one_thread(env) is False
    assert env == {"PATH": "/bin", name: value}


def test_nothing_is_set_once_numpy_is_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "numpy", sys)  # any module under numpy's name
    env: dict[str, str] = {}
    assert blas_threads.one_thread(env) is False
    assert env == {}


@pytest.mark.usefixtures("no_numpy_yet")
def test_the_process_environment_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in blas_threads.BLAS_THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    assert blas_threads.one_thread() is True
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"  # monkeypatch restores it


def test_the_list_holds_openblas_own_variables() -> None:
    # The four names OpenBLAS's openblas_env.c reads for its thread count.
    assert {
        "OPENBLAS_NUM_THREADS",
        "GOTO_NUM_THREADS",
        "OMP_NUM_THREADS",
        "OPENBLAS_DEFAULT_NUM_THREADS",
    } <= set(blas_threads.BLAS_THREAD_VARIABLES)


def test_a_data_command_runs_with_one_blas_thread(tmp_path: Path) -> None:
    env = _clean_env()
    args = ("score", _DATA, "--format", "json", "-o", str(tmp_path / "out.json"))
    run, line = _probe(env, *args)
    assert run.returncode == 0, run.stderr
    # OMP_NUM_THREADS untouched: pyarrow's pool as large as in a plain interpreter.
    assert line == f"'1' None {_pyarrow_threads(env)}"


@pytest.mark.parametrize("args", [["validate", "--format", "text"], ["--version"]])
def test_other_commands_run_with_it_too(args: list[str]) -> None:
    run, line = _probe(_clean_env(), *args)
    assert run.returncode == 0, run.stderr
    assert line.startswith("'1' None ")


@pytest.mark.parametrize(
    ("name", "value"),
    [("OPENBLAS_NUM_THREADS", "2"), ("OMP_NUM_THREADS", "1"), ("MKL_NUM_THREADS", "3")],
)
def test_a_data_command_keeps_the_users_value(tmp_path: Path, name: str, value: str) -> None:
    env = _clean_env(**{name: value})
    args = ("score", _DATA, "--format", "json", "-o", str(tmp_path / "out.json"))
    run, line = _probe(env, *args)
    assert run.returncode == 0, run.stderr
    openblas, omp, _ = line.split()
    assert openblas == (repr(value) if name == "OPENBLAS_NUM_THREADS" else "None")
    assert omp == (repr(value) if name == "OMP_NUM_THREADS" else "None")


def test_importing_the_package_changes_nothing() -> None:
    code = (
        "import os, salesmkt, salesmkt.cli, salesmkt.pipeline.runs\n"
        "print(os.environ.get('OPENBLAS_NUM_THREADS'))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_clean_env(), check=True
    )
    assert run.stdout.strip() == "None"


def test_a_command_run_in_process_changes_nothing(tmp_path: Path) -> None:
    before = os.environ.get("OPENBLAS_NUM_THREADS")
    target = tmp_path / "out.json"
    result = CliRunner().invoke(app, ["score", _DATA, "--format", "json", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert os.environ.get("OPENBLAS_NUM_THREADS") == before


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="Linux's thread list")
def test_openblas_starts_no_worker_thread() -> None:
    count = (
        "import os, sys\n"
        "from salesmkt.cli import blas_threads\n"
        "if sys.argv[1] == 'one':\n"
        "    blas_threads.one_thread()\n"
        "import numpy\n"
        "print(len(os.listdir('/proc/self/task')))"
    )

    def threads(mode: str) -> int:
        run = subprocess.run(
            [sys.executable, "-c", count, mode],
            capture_output=True,
            text=True,
            env=_clean_env(),
            check=True,
        )
        return int(run.stdout)

    assert threads("one") == 1
    if (os.cpu_count() or 1) > 1:  # the check above is not vacuous: workers by default
        assert threads("default") > 1


def test_the_outputs_are_the_same_bytes_with_blas_threads(tmp_path: Path) -> None:
    outputs = {}
    for mode, extra in (("one", {}), ("default", {"OPENBLAS_NUM_THREADS": ""})):
        target = tmp_path / f"{mode}.json"
        # An empty OPENBLAS_NUM_THREADS is kept: OpenBLAS then starts its default threads.
        args = ("score", _DATA, "--format", "json", "--by", "region", "-o", str(target))
        run, line = _probe(_clean_env(**extra), *args)
        assert run.returncode == 0, run.stderr
        assert line.startswith("'1'" if mode == "one" else "''")
        outputs[mode] = target.read_bytes()
    assert outputs["one"] == outputs["default"]
