"""Each room test ends its rooms' scoring worker processes (TestClient runs no lifespan)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.room import MADE


@pytest.fixture(autouse=True)
def _stop_room_workers() -> Iterator[None]:
    yield
    while MADE:
        MADE.pop().shutdown()
