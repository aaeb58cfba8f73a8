"""Allows ``python -m salesmkt``."""

from salesmkt.cli import main

# Guarded: a worker process started with "spawn" (the room's scorer) imports this module
# again as ``__mp_main__`` and must not run the command line a second time.
if __name__ == "__main__":
    main()
