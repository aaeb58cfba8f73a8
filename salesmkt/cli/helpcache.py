"""The rendered ``--help``, kept on disk so that asking for it again skips typer and rich.

Vocabulary: a *help request* is a command line of command names ending in ``--help``
(``salesmkt --help``, ``salesmkt score --help``); its *key* is everything outside the
program's modules that shapes the rendered text: the arguments, the interpreter, the
module search path, the environment (every variable: rich and typer read the terminal's
width, colours and language from it), the standard streams (terminal or not, encoding,
size) and every file of the salesmkt package; an *entry* is one rendered help, stored
under the key's hash, with its *manifest*: every module file the rendering loaded, with
its size and modification time, and the file each top-level package was found in.

Why: importing typer and rich's help formatter (``rich.markdown``, ``markdown_it``) and
building the command tree take 0.2-0.3 s, far more than printing a few kilobytes.

Never stale: an entry is shown only when its key matches and every file in its manifest
is unchanged and each top-level package not yet imported still resolves to the same
file, so an upgrade, an edit or a new module that shadows another renders afresh. Only
a help that ended with exit code 0 and wrote nothing to stderr is stored. An entry is
written atomically (a temporary file renamed over it); at most :data:`MAX_ENTRIES` are
kept. Any failure to read or write an entry falls back to rendering: the cache can make
help faster, never different, and never break it. Not used on Windows.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sys

# The typing module is not imported at run time: a stored help is shown in ~30 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TextIO

FORMAT = 1
MAX_ENTRIES = 64
_NAME = re.compile(r"[a-z][a-z0-9-]*\Z")
# Shell bookkeeping that changes from one prompt to the next and that no renderer reads.
_VOLATILE = frozenset({"PWD", "OLDPWD", "SHLVL", "_"})
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def help_request(args: list[str]) -> bool:
    """Whether ``args`` ask only for a help: command names, then ``--help``."""
    return bool(args) and args[-1] == "--help" and all(_NAME.match(a) for a in args[:-1])


def cache_dir() -> str | None:
    """Where entries live: the user's cache folder (as platformdirs places it), or None."""
    if sys.platform == "win32":
        return None
    if sys.platform == "darwin":
        base = os.path.expanduser("~/Library/Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME", "")
        if not os.path.isabs(base):  # the XDG rule: a relative path is ignored
            base = os.path.expanduser("~/.cache")
    return os.path.join(base, "salesmkt", "help") if os.path.isabs(base) else None


def serve(args: list[str], run: Callable[[], None]) -> None:
    """Show the stored help for ``args``, or ``run`` the program and store what it shows."""
    directory = cache_dir()
    try:
        key = request_key(args) if directory else None
    except Exception:  # a key that cannot be made: no cache, never a broken help
        key = None
    if directory is None or key is None:
        run()
        return
    path = os.path.join(directory, key + ".json")
    text = stored_text(path)
    if text is not None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    _run_and_store(path, run)


def request_key(args: list[str]) -> str:
    """The hash of everything outside the modules that shapes the help of ``args``."""
    env = sorted((k, v) for k, v in os.environ.items() if k not in _VOLATILE)
    parts = (
        FORMAT,
        args,
        (sys.executable, sys.version, sys.platform, tuple(sys.flags), sys.path),
        (sys.warnoptions, sys._xoptions),  # -W and -X options
        env,
        _streams(),
        _package_files(_PACKAGE),
    )
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _streams() -> list[object]:
    facts: list[object] = []
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        facts.append((type(stream).__name__, getattr(stream, "encoding", None), _isatty(stream)))
    for fd in (0, 1, 2):  # rich asks each of them for the terminal's size
        try:
            facts.append(tuple(os.get_terminal_size(fd)))
        except (OSError, ValueError):
            facts.append(None)
    return facts


def _isatty(stream: object) -> bool | None:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return None


def _package_files(root: str) -> list[tuple[str, int, int]]:
    """Every file of the package (modules, catalogues, built-in files) with its time and
    size; compiled bytecode left out, it follows from the sources."""
    found: list[tuple[str, int, int]] = []
    with os.scandir(root) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    found += _package_files(entry.path)
            else:
                st = entry.stat()
                found.append((entry.path, st.st_mtime_ns, st.st_size))
    return sorted(found)


def stored_text(path: str) -> str | None:
    """The help stored at ``path`` if it is whole and its manifest still holds, else None."""
    try:
        with open(path, encoding="utf-8") as f:
            entry = json.load(f)
        if not isinstance(entry, dict) or entry.get("format") != FORMAT:
            return None
        text = entry["text"]
        return text if isinstance(text, str) and _fresh(entry) else None
    except Exception:  # unreadable, half-written by another program, or malformed: render
        return None


def _fresh(entry: dict[str, Any]) -> bool:
    for name, size, mtime in entry["files"]:
        st = os.stat(name)
        if (st.st_size, st.st_mtime_ns) != (size, mtime):
            return False
    from importlib.util import find_spec

    for name, origin in entry["top"].items():
        if name not in sys.modules:
            spec = find_spec(name)
            if spec is None or spec.origin != origin:
                return False
    return True


def manifest() -> dict[str, Any]:
    """Every loaded module's file (size, time) and each top-level package's origin."""
    files: list[list[object]] = []
    top: dict[str, str] = {}
    for name, module in list(sys.modules.items()):
        origin = getattr(getattr(module, "__spec__", None), "origin", None)
        filename = getattr(module, "__file__", None)
        if not isinstance(filename, str) or name in ("__main__", "__mp_main__"):
            continue
        st = os.stat(filename)
        files.append([filename, st.st_size, st.st_mtime_ns])
        if "." not in name and isinstance(origin, str):
            top[name] = origin
    return {"files": files, "top": top}


class _Tee:
    """A standard stream that also keeps the text written to it.

    ``whole`` turns false when the text kept may not be all that was shown: something
    other than text was written, or the binary stream beneath was asked for (click does
    so to write around a stream it finds misconfigured)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.parts: list[str] = []
        self.whole = True

    def write(self, text: str) -> int:
        written = self.stream.write(text)  # first: what the stream refuses is not kept
        if isinstance(text, str):
            self.parts.append(text)
        elif text:
            self.whole = False
        return written

    def writelines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        if name == "buffer":
            self.whole = False
        return getattr(self.stream, name)


def _run_and_store(path: str, run: Callable[[], None]) -> None:
    out, err = _Tee(sys.stdout), _Tee(sys.stderr)
    sys.stdout, sys.stderr = out, err
    ok = False
    try:
        run()
        ok = True
    except SystemExit as exc:
        ok = exc.code in (0, None)
        raise
    finally:
        sys.stdout, sys.stderr = out.stream, err.stream
        if ok and out.whole and err.whole and not err.parts:
            # A full disk or a read-only home: the help was shown, it is only not kept.
            with contextlib.suppress(Exception):
                store(path, "".join(out.parts))


def store(path: str, text: str) -> None:
    """Write an entry atomically: to a temporary file beside it, then renamed over it."""
    import tempfile

    directory = os.path.dirname(path)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    entry = {"format": FORMAT, **manifest(), "text": text}
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(entry, f)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    _prune(directory)


def _prune(directory: str) -> None:
    """Keep the newest :data:`MAX_ENTRIES` entries (a new terminal width makes a new one)."""
    entries = [e for e in os.scandir(directory) if e.name.endswith(".json") and e.name[0] != "."]
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda e: e.stat().st_mtime_ns)
    for old in entries[: len(entries) - MAX_ENTRIES]:
        with contextlib.suppress(OSError):
            os.unlink(old.path)
