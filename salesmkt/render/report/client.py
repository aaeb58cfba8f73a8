"""Client language: what the report says to the client, and what it says to the consultant.

Vocabulary:
- *client text*: every sentence a client reads. It names no command-line option, file
  name or tool command; :data:`JARGON` is what counts as such, and
  :func:`has_jargon` is the one test of it (the report's tests scan whole pages with it).
- *consultant note*: a hint for the person who made the report (which option adds a
  section, which file the data came from). Notes are collected in the report's
  "Consultant notes" box, which ``--no-consultant-notes`` leaves out.
- *caveat*: a "Note: …" that the advice appends to its message; the report shows each
  as its own sentence instead of running them into the message.
- *worded advice*: :func:`advice_message` rewords the stay-or-move-up message for the
  client when it carries a tool hint, and returns the hint as a consultant note.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from salesmkt.l10n import N_, _
from salesmkt.render.report.words import sentence

# Options (--situation), file names (.csv, .yaml, .json, .xlsx), placeholders (FILE,
# DIR) and commands ("salesmkt recommend"): none of these belong in client text.
JARGON = re.compile(
    r"(?<![\w-])--\w|\.(?:csv|ya?ml|json|xlsx|pptx)\b|\b(?:FILE|DIR|PATH)\b"
    r"|\bsalesmkt (?:score|gaps|recommend|report|validate|take|evidence|compare)\b"
)
_PAREN_JARGON = re.compile(r"\s*\([^()]*(?:--\w|\bFILE\b)[^()]*\)")
_NOTE = re.compile(r"\s+Note:\s+")

MISSING_WORDS = {
    "situation": N_("the company's situation, which decides whether moving up is worth it"),
    "checklist": N_("the integration checklist of practices already in place"),
    "funnel": N_("who owns each step of the customer's buying funnel"),
}
MISSING_HINTS = {
    "situation": N_(
        "the need-to-align answers (--situation FILE) give the stay-or-move-up verdict"
    ),
    "checklist": N_("the integration checklist answers (--checklist FILE) let its rules fire"),
    "funnel": N_("the buying-funnel ownership answers (--funnel FILE) let its rules fire"),
}


def has_jargon(text: str) -> bool:
    """Whether ``text`` names an option, a file name or a tool command."""
    return JARGON.search(text) is not None


def without_jargon(text: str) -> str:
    """``text`` with parenthesised tool hints taken out ("answer it (--situation FILE)")."""
    return _PAREN_JARGON.sub("", text)


@dataclass
class Worded:
    """A message for the client, its caveats as sentences, and notes for the consultant."""

    message: str
    caveats: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def split_caveats(message: str) -> tuple[str, list[str]]:
    """The message without its appended "Note: …" parts, and each part as a sentence."""
    head, *notes = _NOTE.split(message.strip())
    return head.strip(), [sentence(n) for n in notes if n.strip()]


def advice_message(
    message: str, verdict: str, here: str, there: str, missing: Sequence[str]
) -> Worded:
    """The stay-or-move-up message in client words, and the tool hint as a note."""
    head, caveats = split_caveats(message)
    notes: list[str] = []
    if verdict == "unknown" and "situation" in missing and here and there:
        notes.append(head)
        head = _(
            "The relationship is at the {here} stage. Whether moving up to {there} is "
            "worth it depends on the company's situation, which was not assessed for this "
            "report; until it is, read the actions below as options."
        ).format(here=here, there=there)
    elif has_jargon(head):
        notes.append(head)
        head = without_jargon(head)
    return Worded(head, caveats, notes)


def missing_sentence(missing: Sequence[str]) -> str:
    """What the advice could not consider, in client words (empty when nothing is)."""
    words = [_(MISSING_WORDS[m]) if m in MISSING_WORDS else m for m in missing]
    if not words:
        return ""
    listed = "; ".join(words)
    return _("Not yet assessed, so not considered in the advice: {listed}.").format(listed=listed)


def missing_notes(missing: Sequence[str]) -> list[str]:
    """One consultant note per input the advice did not have."""
    return [
        sentence(
            _("Not given: {what}").format(what=_(MISSING_HINTS[m]) if m in MISSING_HINTS else m)
        )
        for m in missing
    ]


def client_sentences(texts: Sequence[str]) -> tuple[list[str], list[str]]:
    """``texts`` with tool hints taken out, and the originals that had any, as notes."""
    shown: list[str] = []
    notes: list[str] = []
    for text in texts:
        if has_jargon(text):
            notes.append(text)
            text = without_jargon(text)
        if not has_jargon(text):
            shown.append(text)
    return shown, notes
