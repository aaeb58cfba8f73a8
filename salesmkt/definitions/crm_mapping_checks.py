"""The meaning of a CRM mapping file: what its model alone cannot check.

Codes: ``mapping-missing-column`` (a field the export needs is not mapped),
``mapping-wrong-export`` (statuses on a non-lead export, stages on a non-opportunity
export), ``mapping-no-outcome`` (opportunities with neither ``won``/``closed`` columns
nor ``stages``), ``mapping-source-twice`` (a source value both marketing and sales).
:data:`CRM_MAPPING` is the kind's entry in :mod:`salesmkt.definitions.kinds`.
"""

from __future__ import annotations

from salesmkt.definitions.checks import Kind, Problem
from salesmkt.definitions.crm_mapping import REQUIRED, CrmMapping
from salesmkt.definitions.yamlload import Located


def check_mapping(m: CrmMapping, located: Located) -> list[Problem]:
    p: list[Problem] = []
    for field in REQUIRED[m.export]:
        if m.header(field) is None:
            p.append(
                Problem(
                    ("columns",),
                    "mapping-missing-column",
                    f"a {m.export} export needs columns.{field}: the header of its column",
                )
            )
    if m.statuses and m.export != "leads":
        p.append(Problem(("statuses",), "mapping-wrong-export", "statuses apply to leads only"))
    if m.stages and m.export != "opportunities":
        p.append(Problem(("stages",), "mapping-wrong-export", "stages apply to opportunities only"))
    outcome = m.header("won") is not None and m.header("closed") is not None
    if m.export == "opportunities" and not outcome and not m.stages:
        p.append(
            Problem(
                ("columns",),
                "mapping-no-outcome",
                "opportunities need columns.won and columns.closed, or stages saying which "
                "stages are open, won or lost",
            )
        )
    both = set(m.sources.marketing) & set(m.sources.sales)
    for value in sorted(both):
        p.append(
            Problem(
                ("sources", "sales"),
                "mapping-source-twice",
                f"source {value!r} is listed as both marketing and sales",
            )
        )
    return p


CRM_MAPPING = Kind("crm-mapping", CrmMapping, check_mapping)
