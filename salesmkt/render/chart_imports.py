"""matplotlib's modules imported in a background thread while a report reads its data.

Vocabulary:
- *chart modules*: :data:`CHART_MODULES`, every module :mod:`salesmkt.render.charts`
  imports to draw (matplotlib itself, its ``Figure``, patches, tickers and the SVG and
  Agg backends ``savefig`` picks). Importing them costs about 0.3 CPU s whatever the
  data's size; a report of a million respondents spends about 2 s reading and scoring
  before its first chart.
- *shared modules*: :data:`SHARED_MODULES`, what both the chart modules and a report's
  data work may import (measured: the reading path with pandas, for comments or a
  workbook, imports ``dateutil``, ``numpy.ma``, ``gzip``, ``pprint`` and ``logging``,
  as matplotlib does). Two threads importing one package at once can deadlock
  (one holds a package's lock and waits for a submodule's lock the other holds, which
  Python reports as a ``_DeadlockError`` in one of them), so these are imported in the
  calling thread before the background thread starts (about 25 ms).
- *preload*: :func:`preloading`, a context manager that imports the chart modules in
  one thread of its own while the body runs (the data work: pyarrow's read and numpy
  release the GIL for most of it) and waits for that thread before it returns, on
  success or error, so no thread outlives it. Drawing then finds the modules imported.

The thread keeps no error of its own: an import that fails there leaves the module
unimported, and the charts' own import (in the calling thread, after the wait) fails
as it always did, through the package's error boundary. Nothing here changes what is
drawn; only when the modules are imported.
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

CHART_MODULES = (
    "matplotlib",
    "matplotlib.figure",
    "matplotlib.patches",
    "matplotlib.ticker",
    "matplotlib.backends.backend_svg",
    "matplotlib.backends.backend_agg",
)

SHARED_MODULES = (
    "logging",
    "gzip",
    "pprint",
    "numpy.ma",
    "dateutil.parser",
    "dateutil.tz",
    "dateutil.relativedelta",
)


def _import_all(modules: tuple[str, ...]) -> bool:
    """Import ``modules`` in order; False at the first that fails (its error is left for
    the drawing's own import to raise, where it always was)."""
    try:
        for name in modules:
            importlib.import_module(name)
    except Exception:  # the drawing thread imports it again and reports the error
        return False
    return True


@contextmanager
def preloading(
    wanted: bool = True,
    modules: tuple[str, ...] = CHART_MODULES,
    shared: tuple[str, ...] = SHARED_MODULES,
) -> Iterator[None]:
    """Import ``modules`` in a background thread while the body runs (when ``wanted``
    and any is not imported yet), ``shared`` first in this thread; wait for the
    background thread on the way out."""
    if not wanted or all(name in sys.modules for name in modules):
        yield
        return
    if not _import_all(shared):  # something is missing: no overlap, the drawing says why
        yield
        return
    thread = threading.Thread(
        target=_import_all, args=(modules,), name="salesmkt-chart-imports", daemon=True
    )
    thread.start()
    try:
        yield
    finally:
        thread.join()
