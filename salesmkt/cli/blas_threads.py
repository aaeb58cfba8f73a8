"""How many threads OpenBLAS starts in a console-script run.

Vocabulary: *OpenBLAS* is the BLAS and LAPACK library that numpy's and scipy's wheels
each bundle (two copies, one per package). When it is loaded (numpy's import, scipy's
special functions) each copy starts one worker thread per further core, and after a
threaded call its workers spin for a while waiting for more work. salesmkt's BLAS calls
are small (k x k matrices, products of a few thousand rows, the eigen decompositions
of McDonald's omega), so the workers only take CPU: `score` of 1,000 respondents used
about 1.25 CPUs (1.0 CPU s) against 0.99 (0.65 s) with one BLAS thread, and on two
cores a spinning worker takes the core that pyarrow's CSV reader reads with. A *BLAS
thread variable* is one of :data:`BLAS_THREAD_VARIABLES`, by which a user chooses a
BLAS library's threads.

:func:`one_thread` (the console script, before anything imports numpy) sets
``OPENBLAS_NUM_THREADS=1`` unless a BLAS thread variable is set already: a user's own
choice, of any library's variable (even one this numpy does not read) is kept as it
is. ``OMP_NUM_THREADS`` is never set: pyarrow sizes its own thread pool by it. The
value is inherited by the processes a run starts (the room's scorer), which score the
same way. Figures do not depend on it: OpenBLAS's threads split a product's rows and
columns, never the sum of one element, and the products that sum many rows are exact
(``analysis/statistics/reliability.py``). A program that imports the package is left
alone: its BLAS threads are its own to choose.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # no typing or collections imports at run time (see helpcache)
if TYPE_CHECKING:
    from collections.abc import MutableMapping

# The variables by which a user chooses BLAS threads: OpenBLAS reads the first four
# (OPENBLAS_NUM_THREADS first, then GOTO_NUM_THREADS, then OMP_NUM_THREADS, with
# OPENBLAS_DEFAULT_NUM_THREADS as its default), MKL, BLIS and Apple's Accelerate the
# others. Any of them set, even empty, is a choice that is kept.
BLAS_THREAD_VARIABLES = (
    "OPENBLAS_NUM_THREADS",
    "GOTO_NUM_THREADS",
    "OMP_NUM_THREADS",
    "OPENBLAS_DEFAULT_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
)


def one_thread(environ: MutableMapping[str, str] | None = None) -> bool:
    """Set ``OPENBLAS_NUM_THREADS=1`` in ``environ`` (the process's environment) unless a
    BLAS thread variable is set or numpy is imported already (OpenBLAS has read its
    variables then, so the setting would only reach child processes); whether it was set."""
    env = os.environ if environ is None else environ
    if "numpy" in sys.modules or any(name in env for name in BLAS_THREAD_VARIABLES):
        return False
    env["OPENBLAS_NUM_THREADS"] = "1"
    return True
