"""pydantic's plugins, looked for without importing :mod:`importlib.metadata` when none
is installed.

Vocabulary:
- a *pydantic plugin* is an entry point of the group ``pydantic`` that some installed
  distribution declares in its ``entry_points.txt``; pydantic loads them the first time
  it builds a validator (``pydantic.plugin._loader.get_plugins``, through
  ``importlib.metadata.entry_points``);
- a *metadata folder* is a ``*.dist-info`` or ``*.egg-info`` folder directly in a folder
  on ``sys.path``: where ``importlib.metadata`` finds every distribution's entry points;
- the *stand-in* is a module put in ``sys.modules`` under the loader's name whose
  ``get_plugins`` finds no plugin when none is installed, and otherwise, like any
  other name read from it, loads the real loader and asks it.

Why: the loader imports ``importlib.metadata`` at its top, and with it ``email``,
``zipfile``, ``csv`` and more (about 50 ms of a 0.5 s ``score``), only to find, on
nearly every machine, that no plugin is installed. :func:`no_plugins_installed` reads
the same metadata folders with ``os`` alone and answers True only when it is sure:
any place it does not read the way ``importlib.metadata`` would (a zip file or an
``.egg`` on the path, another finder that lists distributions, a path that is not
text) makes it answer False, and pydantic's own loader runs as it always did, plugins
and ``PYDANTIC_DISABLE_PLUGINS`` included. The look is made the first time pydantic
asks (a command that builds no validator, ``salesmkt --help``, makes none).
:func:`install` is called by the console script only (``launch``), never on import, so
a program or test session that imports the package keeps pydantic's loader.
"""

from __future__ import annotations

import os
import sys
import types

TYPE_CHECKING = False  # the typing module is not imported at run time (see launch)
if TYPE_CHECKING:
    from collections.abc import Iterable

#: The module of pydantic that loads its plugins.
LOADER = "pydantic.plugin._loader"
#: The entry point group pydantic reads (``PYDANTIC_ENTRY_POINT_GROUP``).
GROUP = "pydantic"

_METADATA_SUFFIXES = (".dist-info", ".egg-info")


def no_plugins_installed(paths: list[str] | None = None) -> bool:
    """True when no distribution on ``paths`` (default ``sys.path``) declares an entry
    point of the group ``pydantic``; False when one does, or when this cannot be told
    without ``importlib.metadata``."""
    if any(_lists_distributions(finder) for finder in sys.meta_path):
        return False
    return all(_folder_without_plugins(path) for path in (sys.path if paths is None else paths))


def _lists_distributions(finder: object) -> bool:
    """A finder other than the standard path finder that can list distributions."""
    from importlib.machinery import PathFinder

    return finder is not PathFinder and hasattr(finder, "find_distributions")


def _folder_without_plugins(path: object) -> bool:
    """``path`` (an entry of ``sys.path``) holds no metadata folder declaring a plugin,
    or does not exist; False for anything this cannot read as ``importlib.metadata``
    would (a zip file, an ``.egg``, a path that is not text)."""
    if not isinstance(path, str) or path.lower().endswith(".egg"):
        return False
    try:
        children = os.listdir(path or ".")
    except OSError:
        return not os.path.exists(path or ".")  # a zip file: importlib reads inside it
    return not any(
        _declares_plugin(os.path.join(path, child))
        for child in children
        if child.lower().endswith(_METADATA_SUFFIXES)
    )


def _declares_plugin(folder: str) -> bool:
    """The metadata folder's ``entry_points.txt`` has a section ``[pydantic]``, read as
    ``importlib.metadata`` reads it (each line stripped; ``[name]`` opens a section)."""
    try:
        with open(os.path.join(folder, "entry_points.txt"), encoding="utf-8") as file:
            text = file.read()
    except (OSError, UnicodeDecodeError):
        return False  # importlib finds no entry points there either (or fails alike)
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]") and line.strip("[]") == GROUP:
            return True
    return False


def install() -> None:
    """Put the stand-in in place of pydantic's loader (unless the loader is loaded)."""
    if LOADER in sys.modules:
        return
    stand_in = types.ModuleType(LOADER, "pydantic's plugin loader, loaded when needed.")
    stand_in.get_plugins = get_plugins  # type: ignore[attr-defined]
    stand_in.__getattr__ = _real_attribute  # type: ignore[method-assign]
    sys.modules[LOADER] = stand_in


# The answer of no_plugins_installed, once asked (pydantic asks for every validator).
_none_installed: list[bool] = []


def get_plugins(*args: object, **kwargs: object) -> Iterable[object]:
    """pydantic's plugins: none, when :func:`no_plugins_installed` is sure (looked for
    the first time pydantic asks, as its own loader does), else those its loader finds.
    It takes no argument today; any a later pydantic passes goes to the real loader."""
    if not _none_installed:
        _none_installed.append(no_plugins_installed())
    if _none_installed[0]:
        return ()
    real = _real_attribute("get_plugins")
    found: Iterable[object] = real(*args, **kwargs)  # type: ignore[operator]
    return found


def _real_attribute(name: str) -> object:
    """Anything else pydantic (or a plugin) asks of the loader: the real module, loaded
    now in place of the stand-in. A module's own attributes (``__path__``,
    ``__file__``…), which the import system and others probe, are not asked of it."""
    import importlib

    if name.startswith("__") and name.endswith("__"):
        raise AttributeError(name)
    if getattr(sys.modules.get(LOADER), "get_plugins", None) is get_plugins:
        del sys.modules[LOADER]
    return getattr(importlib.import_module(LOADER), name)
