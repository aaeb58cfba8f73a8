"""CPython's cyclic garbage collector during a command's start-up.

Vocabulary: the *start-up* is everything a command does before it reads its data:
importing its modules (typer, pydantic, numpy, pyarrow, the package), building the
command line and the models' validators. Nearly every object made then lives until the
process exits, yet the collector, which runs each time 700 more container objects
exist than were freed, walks them again and again: in ``salesmkt score`` of 1,000
respondents, about 150 collections and 60 ms of CPU, a tenth of the run, for about 150
objects of garbage in all.

- :func:`hold` (the console script, for the commands of ``cli/commands.py``): collect
  after 100,000 more objects instead of 700. What can wait that long is at most that
  many small containers; cycles that hold large buffers are made by the data work, which
  is measured to peak no higher (``docs/performance-rounds.md``, eighth round).
- :func:`settle` (when a command builds its input, its imports done): the objects made
  so far are moved out of the collector's reach for good (``gc.freeze``), so that a
  later collection walks only what the data work makes. Only after :func:`hold`, so that
  a test session running commands in-process keeps its collector as it was.

Collection is never switched off, and no figure depends on when it runs.
"""

from __future__ import annotations

import gc

# Objects allocated (net of those freed) between two collections of the youngest
# generation during a held start-up; CPython's default is 700.
HELD_THRESHOLD = 100_000

_state = {"held": False, "settled": False}


def hold() -> None:
    """Collect the youngest generation after :data:`HELD_THRESHOLD` new objects."""
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(HELD_THRESHOLD, middle, oldest)
    _state["held"] = True


def settle() -> None:
    """The start-up is over: freeze what it made, once, if :func:`hold` was called."""
    if _state["held"] and not _state["settled"]:
        gc.freeze()
        _state["settled"] = True
