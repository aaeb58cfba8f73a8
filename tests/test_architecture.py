"""The house: stages import downwards only, no circles, one renderer table.

``tools/import_graph.py`` reads every import in the package (module level, inside
functions and under ``TYPE_CHECKING``) and knows the order of the pipeline's stages;
these tests hold the package to it.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from support.paths import ROOT

from salesmkt.cli import options as cli
from salesmkt.render import registry


def _import_graph() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "import_graph", ROOT / "tools" / "import_graph.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_import_circles() -> None:
    graph = _import_graph()
    assert graph.circles(graph.graph(ROOT / "salesmkt")) == []


def test_no_stage_imports_a_later_stage() -> None:
    graph = _import_graph()
    assert graph.upward(graph.graph(ROOT / "salesmkt")) == []


def test_every_module_has_a_stage() -> None:
    graph = _import_graph()
    for module in graph.graph(ROOT / "salesmkt"):
        assert graph.layer(module) in range(8), module


def test_the_counter_finds_a_circle_and_an_upward_arrow(tmp_path: Path) -> None:
    # The oracle for the counter itself: a package built here with one of each.
    pkg = tmp_path / "salesmkt"
    (pkg / "analysis").mkdir(parents=True)
    (pkg / "render").mkdir()
    for init in (pkg, pkg / "analysis", pkg / "render"):
        (init / "__init__.py").write_text("")
    (pkg / "analysis" / "a.py").write_text("from salesmkt.analysis import b\n")
    (pkg / "analysis" / "b.py").write_text(
        "def f():\n    from salesmkt.analysis import a\n    from salesmkt.render import r\n"
    )
    (pkg / "render" / "r.py").write_text("")
    graph = _import_graph()
    edges = graph.graph(pkg)
    assert graph.circles(edges) == [["salesmkt.analysis.a", "salesmkt.analysis.b"]]
    assert graph.upward(edges) == [("salesmkt.analysis.b", "salesmkt.render.r")]
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "import_graph.py"), str(pkg)])
    assert done.returncode == 1


@pytest.mark.parametrize(
    ("enum", "subject"),
    [
        (cli.ScoreFormat, "score"),
        (cli.ScoreFormat, "gaps"),
        (cli.TextFormat, "advice"),
        (cli.TextFormat, "compare"),
    ],
)
def test_cli_formats_are_the_registry_formats(enum: type, subject: registry.Subject) -> None:
    assert [f.value for f in enum] == registry.formats(subject)


def test_every_registered_renderer_exists() -> None:
    for subject, table in registry.RENDERERS.items():
        for fmt, entry in table.items():
            module = importlib.import_module(entry.module)
            assert callable(getattr(module, entry.function)), (subject, fmt)


def test_unknown_format_is_a_usage_error() -> None:
    from salesmkt.errors import UsageError

    with pytest.raises(UsageError, match="score cannot be shown as 'pdf'"):
        registry.renderer("score", "pdf")
