"""What the CLI's ``write_or_echo`` prints, captured as the bytes a stdout receives."""

from __future__ import annotations

import io
from typing import Any

import pytest

from salesmkt.cli import console


def printed(data: Any, monkeypatch: pytest.MonkeyPatch, encoding: str = "utf-8") -> bytes:
    """What ``write_or_echo`` prints to a stdout (not a terminal) of ``encoding``."""
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding, errors="strict", write_through=True)
    monkeypatch.setattr("sys.stdout", stream)
    console.write_or_echo(data, None, [])
    stream.flush()
    return raw.getvalue()
