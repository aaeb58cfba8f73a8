"""Asking the need-to-align statements at the terminal, for ``recommend``.

Vocabulary: the *situation* is the need-to-align decision aid; only the statements of
the current *stage* are asked (stay-or-move-up reasons for that stage). A *reply* is
``yes``/``no`` (``y``/``n``), or Enter to skip; anything else is asked again, never
guessed. The prompts go to stderr, since stdout may carry JSON or Markdown.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.prompt import Prompt
from rich.text import Text

from salesmkt.advice.answers import Answers, from_mapping, parse_value
from salesmkt.definitions.rules import RuleBook
from salesmkt.l10n import Translate, translator
from salesmkt.render.text import plain

SOURCE = "interactive answers"


def ask_situation(book: RuleBook, stage: str) -> Answers | None:
    """Ask the need-to-align statements for ``stage``; None when nothing was answered."""
    q = book.situation
    items = [i for i in q.items if i.stage == stage] if q is not None else []
    if q is None or not items:
        return None
    console = Console(stderr=True)
    _ = translator(q.language)
    intro = _(
        "Do you need to be more aligned? You are {stage}. "
        "Answer yes or no for your company today; press Enter to skip a statement."
    )
    console.print(plain(intro.format(stage=book.stage_label(stage)), style="bold"))
    replies: dict[str, str] = {}
    for n, item in enumerate(items, start=1):
        prompt = plain(f"{n}/{len(items)} {item.text}")
        try:
            word = _one_reply(console, prompt, lambda w: parse_value(q, w)[0], _)
        except EOFError:
            break
        if word:
            replies[item.id] = word
    return from_mapping(q, replies, source=SOURCE) if replies else None


def _one_reply(console: Console, prompt: Text, ok: Callable[[str], bool], _: Translate) -> str:
    """Ask until the reply parses; ``y``/``n`` stand for yes/no, empty skips."""
    while True:
        reply = Prompt.ask(prompt, console=console, default="", show_default=False).strip()
        word = {"y": "yes", "n": "no"}.get(reply.lower(), reply)
        if ok(word):
            return word
        again = _("Please answer yes or no, or press Enter to skip.")
        console.print(plain(again, style="yellow"))
