"""Small fixtures shared by the template, take and compare tests.

``MINI_YAML`` is a four-item questionnaire whose totals are easy to work out by hand:
items i1, i2 form dimension ``talk``, i3, i4 form ``plan``; a total runs 4–20, stage
``low`` is 4–11 and ``high`` 12–20. Its first statement holds HTML, so renderers that
forget to escape are caught.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from pathlib import Path

MINI_YAML = """\
id: mini
version: "1"
title: Mini <b>check</b> & co
instructions: Rate each statement.
scale:
  type: numeric
  min: 1
  max: 5
  labels:
    1: Strongly disagree
    2: Disagree
    3: Neutral
    4: Agree
    5: Strongly agree
  missing: ["N/A"]
groups:
  - id: sales
    label: Sales
    aliases: [vertrieb]
  - id: marketing
    label: Marketing
compare: [sales, marketing]
dimensions:
  - id: talk
    label: Talk
  - id: plan
    label: Plan
items:
  - id: i1
    text: "We <script>alert(1)</script> talk."
    short: Talk
    help: Think of last month.
    dimension: talk
  - id: i2
    text: We share words.
    dimension: talk
  - id: i3
    text: We plan together.
    dimension: plan
  - id: i4
    text: We review plans.
    dimension: plan
stages:
  - id: low
    label: Low
    min: 4
    max: 11
  - id: high
    label: High
    min: 12
    max: 20
"""

MINI_HEADER = ["group", "respondent", "segment", "i1", "i2", "i3", "i4"]


def write_mini(folder: Path, *, version: str = "1", text_i4: str = "We review plans.") -> Path:
    path = folder / f"mini-{version}-{zlib.crc32(text_i4.encode()):08x}.yaml"
    body = MINI_YAML.replace('version: "1"', f'version: "{version}"').replace(
        "We review plans.", text_i4
    )
    path.write_text(body, encoding="utf-8")
    return path


def write_csv(path: Path, rows: Sequence[Sequence[object]], header: Sequence[str]) -> Path:
    """A plain UTF-8 CSV (no BOM, LF) with the given header and rows."""
    lines = [",".join(header)] + [",".join("" if v is None else str(v) for v in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def append_in_process(out: str, questionnaire: str, k: int) -> None:
    """Ten rows appended by ``take`` from a separate process (for the locking test)."""
    from salesmkt.definitions.questionnaire_load import load
    from salesmkt.workshop import take

    q = load(Path(questionnaire))
    for j in range(10):
        response = take.Response("sales", f"P{k}-{j}", "", {i: "2" for i in q.item_ids})
        take.append_response(Path(out), q, response)
