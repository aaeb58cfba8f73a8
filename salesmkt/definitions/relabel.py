"""An assessment's questionnaire texts in another of the questionnaire's languages.

Vocabulary: a *label* is a text the assessment copied from its questionnaire when it was
scored: an item's text and short label, a dimension's, group's or stage's label, the
questionnaire's title. *Relabelling* swaps each for the same id's text in a translated
copy of that questionnaire; ids, figures and every other field stay as they are, so an
assessment reads the same in any language except for those words.

A label is swapped only where it still reads as the source questionnaire says: a group
named by the data (a segment, a ``--group-column`` value) keeps its own name.
"""

from __future__ import annotations

from typing import Any

from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.model.assessment import Assessment

Labels = dict[tuple[str, str, str], str]
"""(id, field, source text) → translated text."""


def _labels(source: Questionnaire, translated: Questionnaire) -> Labels:
    found: Labels = {}
    for kind in ("groups", "dimensions", "stages"):
        for one, other in zip(getattr(source, kind), getattr(translated, kind), strict=True):
            found[(one.id, "label", str(one.label))] = str(other.label)
    for item, other_item in zip(source.items, translated.items, strict=True):
        found[(item.id, "text", item.text)] = other_item.text
        if item.short:
            found[(item.id, "short", item.short)] = other_item.short
    return found


def _swap(node: Any, labels: Labels) -> Any:
    if isinstance(node, list):
        return [_swap(v, labels) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _swap(v, labels) for k, v in node.items()}
    ident = node.get("id")
    if isinstance(ident, str):
        for field in ("label", "text", "short"):
            text = node.get(field)
            if isinstance(text, str) and (ident, field, text) in labels:
                out[field] = labels[(ident, field, text)]
    return out


def relabel(assessment: Assessment, source: Questionnaire, translated: Questionnaire) -> Assessment:
    """``assessment`` with its questionnaire labels as ``translated`` words them."""
    doc = _swap(assessment.model_dump(mode="python"), _labels(source, translated))
    doc["questionnaire"]["title"] = translated.title
    return Assessment.model_validate(doc)
