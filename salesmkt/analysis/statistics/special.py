"""scipy's special functions (t, F, normal distributions), without importing ``scipy.special``.

Vocabulary:
- *the compiled ufuncs*: ``scipy.special._ufuncs``, the extension module that holds
  ``stdtr``, ``stdtrit``, ``fdtri``, ``fdtrc``, ``ndtr``... With ``SCIPY_ARRAY_API`` unset
  ``scipy.special.stdtrit`` *is* ``scipy.special._ufuncs.stdtrit`` (the same object), and
  with it set the public name wraps that ufunc and calls it on numpy input: either way a
  figure computed here is the same bits as through ``scipy.special``.
- *loaded alone*: importing ``scipy.special`` runs its ``__init__``, which imports scipy's
  array-API layer, and that layer imports every lazy numpy submodule (``numpy.testing``,
  ``numpy.f2py``, ``numpy.ma``...): about 0.2 s of CPU, most of what a ``score`` run on a
  thousand respondents spends on scipy, for a few function values. :func:`ufunc` instead
  loads the extension module (and the four it needs: ``_ufuncs_cxx``,
  ``_special_ufuncs``, ``_gufuncs`` and ``_ellip_harm_2``) under its own name while a bare
  stand-in for the package sits in ``sys.modules``, holding the import lock, and takes the
  stand-in away again: 0.03 s. A later ``import scipy.special`` runs its ``__init__`` as
  usual and finds the extension modules already loaded, so it hands out these very
  ufuncs.
- *fallback*: when ``scipy.special`` is already imported, or anything about the alone path
  fails (another scipy layout), the ordinary import is used; the figures are the same.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from types import ModuleType

__all__ = ["ufunc"]

_PACKAGE = "scipy.special"
_UFUNCS = "scipy.special._ufuncs"


def ufunc(name: str) -> Any:
    """The compiled ufunc ``scipy.special.<name>`` (see the module docstring)."""
    return getattr(_ufuncs(), name)


def _ufuncs() -> ModuleType:
    loaded = sys.modules.get(_UFUNCS)
    if loaded is not None:
        return loaded
    if _PACKAGE not in sys.modules:
        try:
            return _load_alone()
        except Exception:  # any other layout: the ordinary import below
            sys.modules.pop(_UFUNCS, None)
    import scipy.special  # noqa: F401

    return sys.modules[_UFUNCS]


def _load_alone() -> ModuleType:
    """Load ``scipy.special._ufuncs`` without running ``scipy/special/__init__.py``."""
    import _imp
    import importlib.machinery
    import importlib.util
    import os
    import types

    import scipy

    # Held so no other thread imports scipy.special while the stand-in is in place (the
    # lock is re-entrant: the imports below take it again).
    _imp.acquire_lock()
    try:
        if _PACKAGE in sys.modules:
            raise ImportError("scipy.special is being imported")
        path = [os.path.join(p, "special") for p in scipy.__path__]
        spec = importlib.machinery.PathFinder.find_spec(_UFUNCS, path)
        if spec is None or not isinstance(spec.loader, importlib.machinery.ExtensionFileLoader):
            raise ImportError("scipy.special._ufuncs is not an extension module here")
        stand_in = types.ModuleType(_PACKAGE)
        stand_in.__path__ = path
        sys.modules[_PACKAGE] = stand_in
        try:
            module = importlib.util.module_from_spec(spec)
            sys.modules[_UFUNCS] = module
            spec.loader.exec_module(module)
        finally:
            if sys.modules.get(_PACKAGE) is stand_in:
                del sys.modules[_PACKAGE]
        return module
    finally:
        _imp.release_lock()
