"""Small hand-built assessments and rules for the recommend tests.

Every figure in an assessment built here is typed in by the test that needs it, so the
evidence lines the tests expect are worked out by hand from those numbers.
"""

from __future__ import annotations

from typing import Any

from salesmkt.definitions import rules as rules_mod
from salesmkt.definitions import rules_load
from salesmkt.definitions.questionnaire_load import load
from salesmkt.model.assessment import (
    AgreementResult,
    Assessment,
    DimensionResult,
    GroupResult,
    ItemResult,
    Overall,
    QuestionnaireRef,
    Respondents,
    StageRef,
)

STAGE_LABELS = {
    "undefined": "Undefined",
    "defined": "Defined",
    "aligned": "Aligned",
    "integrated": "Integrated",
}


def make_assessment(
    *,
    stage: str | None = "defined",
    score: float | None = 52.4,
    items: dict[str, dict[str, Any]] | None = None,
    dimensions: dict[str, dict[str, Any]] | None = None,
    groups: dict[str, dict[str, Any]] | None = None,
    agreement: dict[str, dict[str, Any]] | None = None,
    default_mean: float = 4.0,
    questionnaire: str = "alignment",
) -> Assessment:
    """An alignment assessment where every item and dimension mean is ``default_mean``
    for both compared groups (so nothing is weak) unless ``items``/``dimensions`` say
    otherwise; ``items`` entries may set ``mean``, ``sales``, ``marketing`` and any
    gap field (``gap``, ``flagged``, ``direction``, ``effect_size``, ``quadrant``…)."""
    q = load("alignment")
    items = items or {}
    dimensions = dimensions or {}
    item_results = []
    for it in q.items:
        spec = dict(items.get(it.id, {}))
        sales = spec.pop("sales", default_mean)
        marketing = spec.pop("marketing", default_mean)
        mean = spec.pop("mean", default_mean)
        item_results.append(
            ItemResult(
                id=it.id,
                text=it.text,
                short=it.short,
                dimension=it.dimension,
                mean=mean,
                means_by_group={"sales": sales, "marketing": marketing},
                n_by_group={"sales": 5, "marketing": 5},
                **spec,
            )
        )
    dim_results = []
    for d in q.dimensions:
        spec = dict(dimensions.get(d.id, {}))
        sales = spec.pop("sales", default_mean)
        marketing = spec.pop("marketing", default_mean)
        mean = spec.pop("mean", default_mean)
        dim_results.append(
            DimensionResult(
                id=d.id,
                label=d.label,
                items=[i.id for i in q.items_in(d.id)],
                mean=mean,
                means_by_group={"sales": sales, "marketing": marketing},
                **spec,
            )
        )
    group_results = []
    for gid, label in (("sales", "Sales"), ("marketing", "Marketing")):
        spec = dict((groups or {}).get(gid, {}))
        gstage = spec.pop("stage", None)
        group_results.append(
            GroupResult(
                id=gid,
                label=label,
                n=5,
                mean=spec.pop("mean", None),
                stage=StageRef(id=gstage, label=STAGE_LABELS[gstage]) if gstage else None,
                **spec,
            )
        )
    agreements = [AgreementResult(group=gid, **spec) for gid, spec in (agreement or {}).items()]
    return Assessment(
        questionnaire=QuestionnaireRef(id=questionnaire, version="1.0", title="Alignment"),
        compare=["sales", "marketing"],
        stages=[{"id": s.id, "label": s.label, "min": s.min, "max": s.max} for s in q.stages],
        respondents=Respondents(total=10, scored=10),
        overall=Overall(
            score=score,
            stage=StageRef(id=stage, label=STAGE_LABELS[stage]) if stage else None,
        ),
        groups=group_results,
        dimensions=dim_results,
        items=item_results,
        agreement=agreements,
    )


RULE_TEMPLATE = """\
  - id: {id}
    title: Title of {id}
    action: Do {id}.
    why: Because of {id}.
    transition: {transition}
    owner: both
    horizon: now
    priority: {priority}
    when:
{when}
"""


def rules_yaml(*rules: tuple[str, str], transition: str = "any", priority: int = 1) -> str:
    """A rules file text: each rule is (id, the YAML of its `when`, indented 6 spaces)."""
    body = "".join(
        RULE_TEMPLATE.format(
            id=rid,
            transition=transition,
            priority=priority,
            when="\n".join("      " + line for line in when.strip("\n").splitlines()),
        )
        for rid, when in rules
    )
    return 'id: test-rules\nversion: "1"\ntitle: Test rules\nrules:\n' + body


def book(*rules: tuple[str, str], **kwargs: Any) -> rules_mod.RuleBook:
    return rules_load.from_text(rules_yaml(*rules, **kwargs), name="test-rules.yaml")
