"""The live workshop room: participants answer on their phones, the projector shows the
room filling up, and results appear only once the anonymity threshold is met.

Modules: :mod:`.store` (the SQLite room folder), :mod:`.results` (the export and the
live figures behind the gate, scored by the same code as ``score``), :mod:`.security`
(CSRF, rate limits, headers), :mod:`.app` (the Starlette application), :mod:`.serve`
(opening a folder and running uvicorn). Only :mod:`.app` and :mod:`.serve` import the
web stack, and only when the ``room`` command runs.
"""
