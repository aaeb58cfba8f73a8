"""Where things are, for every test."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
WORKSHOP = EXAMPLES / "workshop.csv"
QUESTIONNAIRES = ROOT / "questionnaires"
FIXTURES = ROOT / "tests" / "fixtures"
