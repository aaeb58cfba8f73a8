"""The advice of ``recommend`` for people: rich renderables for the terminal, and Markdown.

Vocabulary: the *verdict* block (stay or move up) comes first, then the *missing
inputs* (instruments not given, so the rules that read them could not fire), then the
*actions* in the order the core returned them (priority, move, id). Each action shows
what to do, who owns it and how soon, why, and the *evidence* lines that fired it; a
playbook shows its *condition* in words instead.

Rules files, questionnaires and answers may come from users, so every piece of text
goes into a ``Text`` object (never parsed as markup) or through :func:`md_escape`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from salesmkt.model.assessment import Action, Advice, Assessment
from salesmkt.render.assessment_json import render_json
from salesmkt.render.text import md_escape, plain, visible


@dataclass(frozen=True)
class AdviceView:
    """What ``recommend`` shows: the advice, with the assessment it was drawn from.

    ``assessment`` is None for a stage's *playbook* (no survey behind it); its JSON is
    then the advice alone. ``labels`` maps stage ids to their names.
    """

    advice: Advice
    assessment: Assessment | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    playbook: bool = False


OWNER_WORDS = {
    "sales": "Sales",
    "marketing": "Marketing",
    "both": "Sales & Marketing",
    "leadership": "Leadership",
}
HORIZON_WORDS = {"now": "now", "quarter": "this quarter", "year": "this year"}
VERDICT_TITLES = {
    "stay": "Stay",
    "move_up": "Move up",
    "mixed": "Points both ways",
    "unknown": "Open",
    "top": "Top stage",
}
VERDICT_STYLES = {
    "stay": "green",
    "move_up": "cyan",
    "mixed": "yellow",
    "unknown": "yellow",
    "top": "green",
}
MISSING_HINTS = {
    "situation": "--situation (need-to-align answers: the stay-or-move-up advice)",
    "checklist": "--checklist (integration checklist answers)",
    "funnel": "--funnel (buying-funnel ownership answers)",
}


def transition_words(transition: str | None, labels: Mapping[str, str] | None = None) -> str:
    """'defined->aligned' as 'Defined → Aligned'; 'any' as 'any stage'."""
    if not transition:
        return ""
    if transition == "any":
        return "any stage"
    names = labels or {}
    return " → ".join(names.get(s, s.capitalize()) for s in transition.split("->"))


def _meta(a: Action, labels: Mapping[str, str] | None) -> str:
    parts = [
        f"Owner: {OWNER_WORDS.get(a.owner or '', a.owner or '?')}",
        f"When: {HORIZON_WORDS.get(a.horizon or '', a.horizon or '?')}",
        f"Move: {transition_words(a.transition, labels)}",
        f"Priority {a.priority}",
        f"rule {a.rule}",
    ]
    return " · ".join(parts)


def _is_playbook(a: Action) -> bool:
    return all(e.kind == "condition" for e in a.evidence)


def _missing_line(advice: Advice) -> str:
    hints = [MISSING_HINTS.get(m, m) for m in advice.missing_inputs]
    return (
        "Not given: "
        + "; ".join(hints)
        + ". Rules that read these inputs could not fire; they are not counted as met."
    )


def _more_line(advice: Advice) -> str:
    n = advice.more_actions
    actions, verb = ("action", "is") if n == 1 else ("actions", "are")
    return f"{n} more lower-priority {actions} also fired and {verb} not shown; --top 0 lists all."


def _no_actions(playbook: bool) -> str:
    if playbook:
        return "No actions: the rules hold no step for moving up from this stage."
    return "No action fired: nothing in these results calls for one."


def _title(advice: Advice) -> str:
    som = advice.stay_or_move
    if som.current_stage and som.next_stage:
        return f"{som.current_stage.label} → {som.next_stage.label}?"
    if som.current_stage:
        return som.current_stage.label
    return "Stay or move up?"


# -- terminal ---------------------------------------------------------------------------


def render_terminal(
    advice: Advice, *, labels: Mapping[str, str] | None = None, playbook: bool = False
) -> RenderableType:
    som = advice.stay_or_move
    parts: list[RenderableType] = []
    head = Text()
    if not playbook:
        head.append(visible(f"{VERDICT_TITLES.get(som.verdict, som.verdict)}. "), style="bold")
    head.append(visible(som.message))
    style = VERDICT_STYLES.get(som.verdict, "white") if not playbook else "cyan"
    parts.append(Panel(head, title=plain(_title(advice)), border_style=style, expand=False))
    if advice.missing_inputs:
        parts.append(plain(_missing_line(advice), style="yellow"))
    if not advice.actions:
        parts.append(plain("\n" + _no_actions(playbook)))
    else:
        parts.append(_overview(advice))
    for n, a in enumerate(advice.actions, start=1):
        parts.append(_action_block(n, a, labels))
    if advice.more_actions:
        parts.append(plain("\n" + _more_line(advice), style="yellow"))
    if advice.rules is not None:
        parts.append(
            plain(
                f"\nRules: {advice.rules.title or advice.rules.id} "
                f"({advice.rules.id} version {advice.rules.version})",
                style="dim",
            )
        )
    if advice.actions and not playbook:
        parts.append(plain("\n" + summary_line(advice), style="bold"))
    return Group(*parts)


def _overview(advice: Advice) -> RenderableType:
    """The actions one line each, right under the verdict, so the first screen of a
    projected terminal carries both; the details follow."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column()  # wraps under itself, not under the number
    for n, a in enumerate(advice.actions, start=1):
        line = Text()  # the title bold, its owner and horizon plain
        line.append(visible(a.title), style="bold")
        owner = OWNER_WORDS.get(a.owner or "", a.owner or "?")
        line.append(f" · {owner}, {HORIZON_WORDS.get(a.horizon or '', a.horizon or '?')}")
        grid.add_row(f"{n}.", line)
    return Group(plain("\nActions, most pressing first (details below):", style="bold"), grid)


def summary_line(advice: Advice) -> str:
    """One line to end on, pointing back to the verdict and the first action."""
    som = advice.stay_or_move
    verdict = VERDICT_TITLES.get(som.verdict, som.verdict)
    move = f" ({_title(advice).rstrip('?')})" if som.next_stage else ""
    first = visible(advice.actions[0].title) if advice.actions else ""
    more = f"; {advice.more_actions} more with --top 0" if advice.more_actions else ""
    shown = len(advice.actions)
    return (
        f"In short: {verdict}{move}. {shown} action{'s' if shown != 1 else ''} above, "
        f"starting with “{first}”{more}."
    )


def _action_block(n: int, a: Action, labels: Mapping[str, str] | None) -> RenderableType:
    title = Text()
    title.append(f"\n{n}. ", style="bold")
    title.append(visible(a.title), style="bold")
    body: list[RenderableType] = [plain(_meta(a, labels), style="dim"), plain(a.action)]
    if a.why:
        why = plain("Why: ", style="italic")
        why.append(visible(a.why), style="italic")
        body.append(why)
    if a.evidence:
        body.append(plain("Fires when:" if _is_playbook(a) else "Evidence:"))
        bullets = Table.grid(padding=(0, 1, 0, 0))
        bullets.add_column(no_wrap=True)
        bullets.add_column()  # a wrapped line hangs under its text, not under the bullet
        for e in a.evidence:
            text = e.text.removeprefix("When ") if e.kind == "condition" else e.text
            bullets.add_row("•", plain(text))
        body.append(Padding(bullets, (0, 0, 0, 2)))
    return Group(title, Padding(Group(*body), (0, 0, 0, 3)))


def render_text(
    advice: Advice,
    *,
    labels: Mapping[str, str] | None = None,
    playbook: bool = False,
    width: int = 100,
) -> str:
    """The terminal rendering as plain text (for ``-o`` with the terminal format)."""
    import io

    from rich.console import Console

    console = Console(file=io.StringIO(), width=width, record=True, color_system=None)
    console.print(render_terminal(advice, labels=labels, playbook=playbook))
    return console.export_text()


# -- Markdown ----------------------------------------------------------------------------


def render_markdown(
    advice: Advice, *, labels: Mapping[str, str] | None = None, playbook: bool = False
) -> str:
    som = advice.stay_or_move
    heading = "Moving-up playbook" if playbook else "Recommendations"
    lines = [f"# {heading}", ""]
    if playbook:
        lines += [md_escape(som.message), ""]
    else:
        verdict = VERDICT_TITLES.get(som.verdict, som.verdict)
        lines += [f"## Stay or move up: {md_escape(verdict)}", "", md_escape(som.message), ""]
        if som.stay_reasons:
            lines += ["- For staying: " + md_escape(", ".join(som.stay_reasons))]
        if som.move_reasons:
            lines += ["- For moving up: " + md_escape(", ".join(som.move_reasons))]
        if som.stay_reasons or som.move_reasons:
            lines.append("")
    if advice.missing_inputs:
        lines += [f"> {md_escape(_missing_line(advice))}", ""]
    lines += ["## Actions", ""]
    if not advice.actions:
        lines += [_no_actions(playbook), ""]
    for n, a in enumerate(advice.actions, start=1):
        lines += [
            f"### {n}. {md_escape(a.title)}",
            "",
            f"*{md_escape(_meta(a, labels))}*",
            "",
            md_escape(a.action),
            "",
        ]
        if a.why:
            lines += [f"**Why.** {md_escape(a.why)}", ""]
        if a.evidence:
            lines += ["**Fires when:**" if _is_playbook(a) else "**Evidence:**", ""]
            for e in a.evidence:
                text = e.text.removeprefix("When ") if e.kind == "condition" else e.text
                lines.append(f"- {md_escape(text)}")
            lines.append("")
    if advice.more_actions:
        lines += [f"> {md_escape(_more_line(advice))}", ""]
    if advice.rules is not None:
        lines += [
            f"*Rules: {md_escape(advice.rules.title or advice.rules.id)} "
            f"({md_escape(advice.rules.id)} version {md_escape(advice.rules.version)})*",
            "",
        ]
    return "\n".join(lines)


# -- the registry's entry points -----------------------------------------------------------


def render_view_terminal(view: AdviceView) -> RenderableType:
    return render_terminal(view.advice, labels=view.labels, playbook=view.playbook)


def render_view_markdown(view: AdviceView) -> str:
    return render_markdown(view.advice, labels=view.labels, playbook=view.playbook)


def render_view_json(view: AdviceView) -> str:
    """The assessment with its advice filled in, or the playbook's advice alone."""
    if view.assessment is None:
        return view.advice.model_dump_json(indent=2) + "\n"
    return render_json(view.assessment.model_copy(update={"advice": view.advice}))
