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

from salesmkt.l10n import N_, _, ngettext
from salesmkt.model.assessment import Action, Advice, Assessment, QuestionnaireRef
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


# Marked with N_ and translated where shown (_(OWNER_WORDS[...])): the reader's
# language is only known at run time.
OWNER_WORDS = {
    "sales": N_("Sales"),
    "marketing": "Marketing",  # the same word in every shipped language: nothing to translate
    "both": N_("Sales & Marketing"),
    "leadership": N_("Leadership"),
}
HORIZON_WORDS = {"now": N_("now"), "quarter": N_("this quarter"), "year": N_("this year")}
VERDICT_TITLES = {
    "stay": N_("Stay"),
    "move_up": N_("Move up"),
    "mixed": N_("Points both ways"),
    "unknown": N_("Open"),
    "top": N_("Top stage"),
}
VERDICT_STYLES = {
    "stay": "green",
    "move_up": "cyan",
    "mixed": "yellow",
    "unknown": "yellow",
    "top": "green",
}
MISSING_HINTS = {
    "situation": N_("--situation (need-to-align answers: the stay-or-move-up advice)"),
    "checklist": N_("--checklist (integration checklist answers)"),
    "funnel": N_("--funnel (buying-funnel ownership answers)"),
}


def _word(words: Mapping[str, str], key: str | None) -> str:
    """``key``'s word from one of the tables above, in the reader's language; an
    unknown key as it is, a missing one as ``?``."""
    if not key:
        return "?"
    return _(words[key]) if key in words else key


def transition_words(transition: str | None, labels: Mapping[str, str] | None = None) -> str:
    """'defined->aligned' as 'Defined → Aligned'; 'any' as 'any stage'."""
    if not transition:
        return ""
    if transition == "any":
        return _("any stage")
    names = labels or {}
    return " → ".join(names.get(s, s.capitalize()) for s in transition.split("->"))


def _meta(a: Action, labels: Mapping[str, str] | None) -> str:
    parts = [
        _("Owner: {owner}").format(owner=_word(OWNER_WORDS, a.owner)),
        _("When: {when}").format(when=_word(HORIZON_WORDS, a.horizon)),
        _("Move: {move}").format(move=transition_words(a.transition, labels)),
        _("Priority {n}").format(n=a.priority),
        _("rule {id}").format(id=a.rule),
    ]
    return " · ".join(parts)


def _is_playbook(a: Action) -> bool:
    return all(e.kind == "condition" for e in a.evidence)


def _missing_line(advice: Advice) -> str:
    hints = [_word(MISSING_HINTS, m) for m in advice.missing_inputs]
    return _(
        "Not given: {inputs}. Rules that read these inputs could not fire; they are not "
        "counted as met."
    ).format(inputs="; ".join(hints))


def _more_line(advice: Advice) -> str:
    n = advice.more_actions
    return ngettext(
        "{n} more lower-priority action also fired and is not shown; --top 0 lists all.",
        "{n} more lower-priority actions also fired and are not shown; --top 0 lists all.",
        n,
    ).format(n=n)


def _no_actions(playbook: bool) -> str:
    if playbook:
        return _("No actions: the rules hold no step for moving up from this stage.")
    return _("No action fired: nothing in these results calls for one.")


def _title(advice: Advice) -> str:
    som = advice.stay_or_move
    if som.current_stage and som.next_stage:
        return _("{here} → {there}?").format(
            here=som.current_stage.label, there=som.next_stage.label
        )
    if som.current_stage:
        return som.current_stage.label
    return _("Stay or move up?")


# -- terminal ---------------------------------------------------------------------------


def render_terminal(
    advice: Advice, *, labels: Mapping[str, str] | None = None, playbook: bool = False
) -> RenderableType:
    som = advice.stay_or_move
    parts: list[RenderableType] = []
    head = Text()
    if not playbook:
        head.append(visible(f"{_word(VERDICT_TITLES, som.verdict)}. "), style="bold")
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
                "\n" + _rules_line(advice.rules.title or advice.rules.id, advice.rules),
                style="dim",
            )
        )
    if advice.actions and not playbook:
        parts.append(plain("\n" + summary_line(advice), style="bold"))
    return Group(*parts)


def _rules_line(title: str, rules: QuestionnaireRef) -> str:
    return _("Rules: {title} ({id} version {version})").format(
        title=title, id=rules.id, version=rules.version
    )


def _overview(advice: Advice) -> RenderableType:
    """The actions one line each, right under the verdict, so the first screen of a
    projected terminal carries both; the details follow."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column()  # wraps under itself, not under the number
    for n, a in enumerate(advice.actions, start=1):
        line = Text()  # the title bold, its owner and horizon plain
        line.append(visible(a.title), style="bold")
        owner = _word(OWNER_WORDS, a.owner)
        line.append(f" · {owner}, {_word(HORIZON_WORDS, a.horizon)}")
        grid.add_row(f"{n}.", line)
    heading = "\n" + _("Actions, most pressing first (details below):")
    return Group(plain(heading, style="bold"), grid)


def summary_line(advice: Advice) -> str:
    """One line to end on, pointing back to the verdict and the first action."""
    som = advice.stay_or_move
    verdict = _word(VERDICT_TITLES, som.verdict)
    here, there = som.current_stage, som.next_stage
    move = f" ({here.label} → {there.label})" if here and there else ""
    first = visible(advice.actions[0].title) if advice.actions else ""
    more = _("; {n} more with --top 0").format(n=advice.more_actions) if advice.more_actions else ""
    shown = len(advice.actions)
    return ngettext(
        "In short: {verdict}{move}. {n} action above, starting with “{first}”{more}.",
        "In short: {verdict}{move}. {n} actions above, starting with “{first}”{more}.",
        shown,
    ).format(verdict=verdict, move=move, n=shown, first=first, more=more)


def _action_block(n: int, a: Action, labels: Mapping[str, str] | None) -> RenderableType:
    title = Text()
    title.append(f"\n{n}. ", style="bold")
    title.append(visible(a.title), style="bold")
    body: list[RenderableType] = [plain(_meta(a, labels), style="dim"), plain(a.action)]
    if a.why:
        why = plain(_("Why:") + " ", style="italic")
        why.append(visible(a.why), style="italic")
        body.append(why)
    if a.evidence:
        body.append(plain(_("Fires when:") if _is_playbook(a) else _("Evidence:")))
        bullets = Table.grid(padding=(0, 1, 0, 0))
        bullets.add_column(no_wrap=True)
        bullets.add_column()  # a wrapped line hangs under its text, not under the bullet
        for e in a.evidence:
            bullets.add_row("•", plain(_condition_text(e.kind, e.text)))
        body.append(Padding(bullets, (0, 0, 0, 2)))
    return Group(title, Padding(Group(*body), (0, 0, 0, 3)))


def _condition_text(kind: str, text: str) -> str:
    """An evidence line; a playbook's condition without its leading "When " (the
    heading "Fires when:" says it)."""
    return text.removeprefix(_("When") + " ") if kind == "condition" else text


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
    heading = _("Moving-up playbook") if playbook else _("Recommendations")
    lines = [f"# {heading}", ""]
    if playbook:
        lines += [md_escape(som.message), ""]
    else:
        verdict = md_escape(_word(VERDICT_TITLES, som.verdict))
        heading = _("## Stay or move up: {verdict}").format(verdict=verdict)
        lines += [heading, "", md_escape(som.message), ""]
        if som.stay_reasons:
            lines += [_("- For staying:") + " " + md_escape(", ".join(som.stay_reasons))]
        if som.move_reasons:
            lines += [_("- For moving up:") + " " + md_escape(", ".join(som.move_reasons))]
        if som.stay_reasons or som.move_reasons:
            lines.append("")
    if advice.missing_inputs:
        lines += [f"> {md_escape(_missing_line(advice))}", ""]
    lines += ["## " + _("Actions"), ""]
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
            lines += [_("**Why.**") + f" {md_escape(a.why)}", ""]
        if a.evidence:
            lines += [_("**Fires when:**") if _is_playbook(a) else _("**Evidence:**"), ""]
            for e in a.evidence:
                lines.append(f"- {md_escape(_condition_text(e.kind, e.text))}")
            lines.append("")
    if advice.more_actions:
        lines += [f"> {md_escape(_more_line(advice))}", ""]
    if advice.rules is not None:
        r = advice.rules
        line = _("Rules: {title} ({id} version {version})").format(
            title=md_escape(r.title or r.id), id=md_escape(r.id), version=md_escape(r.version)
        )
        lines += [f"*{line}*", ""]
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
