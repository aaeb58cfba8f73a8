"""Printable forms of a questionnaire (Markdown), used by ``questionnaires show``.

Vocabulary: a *form* lists the instructions, the answer scale and every statement, so
it can be printed and filled in by hand. Questionnaire text is ours, but user-supplied
files may hold anything, so every piece of text is escaped for Markdown.
"""

from __future__ import annotations

from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.l10n import translator
from salesmkt.render.text import md_escape


def scale_legend(q: Questionnaire) -> list[str]:
    s = q.scale
    if s.type == "choice":
        return [md_escape(o.label) for o in s.options]
    return [f"{v} = {md_escape(s.labels[v])}" if v in s.labels else str(v) for v in s.points]


def questionnaire_markdown(q: Questionnaire) -> str:
    """The form, its fixed words in the questionnaire's language (``q.language``)."""
    _ = translator(q.language)
    version = _("{id} version {version}").format(id=q.id, version=q.version)
    lines = [f"# {md_escape(q.title)}", "", f"*{md_escape(version)}*", ""]
    if q.description:
        lines += [md_escape(q.description), ""]
    if q.instructions:
        lines += [f"**{_('Instructions.')}** {md_escape(q.instructions)}", ""]
    lines += [f"**{_('Answer scale:')}** " + "; ".join(scale_legend(q)), ""]
    if q.scale.missing:
        lines += [
            _("You may also answer:") + " " + ", ".join(md_escape(m) for m in q.scale.missing),
            "",
        ]
    if q.groups:
        lines += [
            f"**{_('Your team:')}** " + " / ".join(f"☐ {md_escape(g.label)}" for g in q.groups),
            "",
        ]
    boxes = "  ".join(f"☐ {c}" for c in _choices(q))
    sections: list[tuple[str, list[int]]] = []
    if q.dimensions:
        for d in q.dimensions:
            sections.append((d.label, [i for i, it in enumerate(q.items) if it.dimension == d.id]))
        rest = [i for i, it in enumerate(q.items) if it.dimension is None]
        if rest:
            sections.append((_("Other"), rest))
    else:
        sections.append(("", list(range(len(q.items)))))
    for title, indexes in sections:
        if title:
            lines += [f"## {md_escape(title)}", ""]
        for i in indexes:
            it = q.items[i]
            lines.append(f"{i + 1}. **{md_escape(it.id)}** {md_escape(it.text)}  ")
            lines.append(f"   {boxes}")
            lines.append("")
    if q.stages:
        head = (_("total"), _("stage"), _("what it looks like"))
        lines += [f"## {_('Scoring key')}", "", "| {} | {} | {} |".format(*head), "|---|---|---|"]
        edges = q.stage_edges
        for k, s in enumerate(q.stages):
            upper = s.max if s.max is not None else edges[k + 1]
            lines.append(
                f"| {s.min:g}–{upper:g} | {md_escape(s.label)} | {md_escape(s.description)} |"
            )
        lines.append("")
    if q.source:
        lines += [f"*{_('Source:')} {md_escape(q.source)}*", ""]
    return "\n".join(lines)


def _choices(q: Questionnaire) -> list[str]:
    s = q.scale
    if s.type == "choice":
        return [md_escape(o.label) for o in s.options]
    return [str(v) for v in s.points]
