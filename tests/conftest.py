"""Fixtures shared by the whole suite.

- ``runner``: typer's CliRunner, for every command-line test;
- ``alignment``: the built-in survey questionnaire, loaded once;
- ``examples_copy``: a fresh copy of ``examples/`` in a temporary folder, for tests
  that write next to the inputs (outputs never land in the repository).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.paths import EXAMPLES
from typer.testing import CliRunner

from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.definitions.questionnaire_load import load


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def alignment() -> Questionnaire:
    return load("alignment")


@pytest.fixture
def examples_copy(tmp_path: Path) -> Path:
    target = tmp_path / "examples"
    shutil.copytree(EXAMPLES, target)
    return target
