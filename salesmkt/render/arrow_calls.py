"""Arrow's compute functions called by name, without importing ``pyarrow.compute``.

Vocabulary: a *call* is one of arrow's compute functions (``take``,
``binary_join_element_wise``, ``dictionary_encode``…) run through ``call_function``,
the one entry that every wrapper in ``pyarrow.compute`` ends in, with the same
arguments and the same options (the defaults when none are given) as the wrapper
passes. ``pyarrow.compute`` builds its ~290 Python wrappers at import, their
docstrings scraped one by one: some 40–50 ms of every CSV written, for a dozen
functions. The array methods that call into it (``Array.cast``, ``take``,
``dictionary_encode``) import it as well, so the writer uses :func:`call` for those too.
``call_function`` and the options classes live in ``pyarrow._compute``, which
``pyarrow.compute`` imports them from; a pyarrow without it falls back to the public
module (slower to import, the same results).
"""

from __future__ import annotations

from typing import Any


def _compute() -> Any:
    try:
        import pyarrow._compute as compute
    except ImportError:  # pragma: no cover - a pyarrow that moved it: the public module
        import pyarrow.compute as compute
    return compute


def call(name: str, *args: Any, options: Any = None) -> Any:
    """Arrow's compute function ``name`` on ``args`` (arrays or scalars)."""
    return _compute().call_function(name, list(args), options)


def cast(values: Any, target: Any) -> Any:
    """``values.cast(target)``: a safe cast, as the method does by default."""
    return call("cast", values, options=_compute().CastOptions.safe(target))


def match_regex(values: Any, pattern: str) -> Any:
    """``pyarrow.compute.match_substring_regex(values, pattern)``."""
    return call("match_substring_regex", values, options=_compute().MatchSubstringOptions(pattern))


def index_in(values: Any, value_set: Any) -> Any:
    """``pyarrow.compute.index_in(values, value_set=value_set)``."""
    return call("index_in", values, options=_compute().SetLookupOptions(value_set))
