"""The report's comments section: respondents' free text, shown only where it is safe.

Vocabulary:
- *threshold*: the smallest group whose comments are shown, the larger of
  ``--min-comment-group`` and the anonymity minimum (``Settings.min_group_size``); a
  suppressed group's comments are never shown.
- *shuffled*: a group's comments are sorted first (so the input order cannot leak) and
  then shuffled with the assessment's seed, so the same data give the same page.
- *sample*: at most :data:`~salesmkt.render.report.view.MAX_COMMENTS_PER_GROUP` per group.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypedDict

from salesmkt.l10n import _
from salesmkt.model.assessment import Assessment
from salesmkt.render.report.view import (
    MAX_COMMENTS_PER_GROUP,
    Comment,
    CommentGroup,
    ReportOptions,
)


class CommentFields(TypedDict):
    """The comments section's fields of :class:`~salesmkt.render.report.view.Report`."""

    comments: list[CommentGroup]
    comments_note: str


def comment_threshold(assessment: Assessment, options: ReportOptions) -> int:
    return max(options.min_comment_group, assessment.settings.min_group_size)


def _by_group(comments: Sequence[Comment]) -> dict[str, list[str]]:
    """Each group's comments, whitespace tidied, empty ones dropped."""
    by_group: dict[str, list[str]] = {}
    for comment in comments:
        text = " ".join(str(comment.text).split())
        if text:
            by_group.setdefault(comment.group, []).append(text)
    return by_group


def comment_fields(
    assessment: Assessment, comments: Sequence[Comment], options: ReportOptions
) -> CommentFields:
    """The groups whose comments are shown, and the note that says what was left out."""
    if not options.show_comments:
        return CommentFields(comments=[], comments_note=_("Comments are left out of this report."))
    by_group = _by_group(comments)
    if not by_group:
        return CommentFields(comments=[], comments_note=_("No free-text comments were given."))
    threshold = comment_threshold(assessment, options)
    shown: list[CommentGroup] = []
    hidden: list[str] = []
    rng = random.Random(assessment.settings.seed)  # noqa: S311 - an order, not a secret
    for group in assessment.groups:
        texts = by_group.get(group.id)
        if not texts:
            continue
        if group.suppressed or group.n is None or group.n < threshold:
            hidden.append(group.label)
            continue
        shuffled = sorted(texts)  # start from a canonical order: input order must not leak
        rng.shuffle(shuffled)
        shown.append(
            CommentGroup(group.label, group.n, shuffled[:MAX_COMMENTS_PER_GROUP], len(shuffled))
        )
    notes = [
        _(
            "Comments are shown only for groups of at least {n} respondents, "
            "in shuffled order, with nothing that links them to a person."
        ).format(n=threshold)
    ]
    if hidden:
        notes.append(_("Not shown (group too small): {groups}.").format(groups=", ".join(hidden)))
    return CommentFields(comments=shown, comments_note=" ".join(notes))
