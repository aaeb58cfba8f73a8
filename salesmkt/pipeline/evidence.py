"""The run behind ``salesmkt evidence``: CRM exports in, funnel figures and verdicts out.

Vocabulary:
- *request* (:class:`EvidenceRequest`): the exports (files or folders), extra mapping
  files (tried before the built-in Salesforce and HubSpot ones), the first-touch SLA
  in hours, the smallest denominator that may settle a claim (``min_n``), a date
  format for ambiguous dates, and optionally a responses file to set the claims
  against the figures.
- *SLA text*: ``24h``, ``2d``, ``90m`` or a number of hours (:func:`parse_sla`).

The run happens inside the reader's language (``--lang``): the figures' labels and the
verdicts come out in it, and the claims show the statements and group labels from the
questionnaire's translation into that language (:func:`in_reader_language`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from salesmkt import __version__
from salesmkt.analysis import evidence as ev
from salesmkt.analysis import evidence_breakdown as eb
from salesmkt.analysis.evidence_claims import claim_verdicts
from salesmkt.definitions import questionnaire_load as qmod
from salesmkt.definitions.crm_load import builtin_mappings, load_mapping
from salesmkt.definitions.questionnaire import Questionnaire
from salesmkt.errors import EvidenceDataError, UsageError
from salesmkt.intake.evidence.combine import read_exports
from salesmkt.intake.evidence.read import export_files
from salesmkt.intake.source import ResponseSource
from salesmkt.l10n import reader_language
from salesmkt.model.assessment import Assessment, Settings
from salesmkt.model.evidence import EvidenceResult, EvidenceSettings, FileRead

_UNITS = {"m": 1 / 60, "min": 1 / 60, "h": 1.0, "": 1.0, "d": 24.0}


def parse_sla(text: str) -> float:
    """Hours from ``24h``, ``2d``, ``90m`` or ``36`` (UsageError otherwise)."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(m|min|h|d|)\s*", text.lower())
    if found is None or float(found.group(1)) <= 0:
        raise UsageError(f"--sla {text!r}: expected a positive duration such as 24h, 2d or 90m")
    return float(found.group(1)) * _UNITS[found.group(2)]


@dataclass(frozen=True)
class EvidenceRequest:
    paths: list[Path]
    maps: list[Path] = field(default_factory=list)
    sla_hours: float = 24.0
    min_n: int = 30
    date_format: str | None = None
    responses: ResponseSource | None = None
    settings: Settings | None = None

    def inputs(self) -> list[Path]:
        files = export_files(self.paths)
        extra = self.responses.inputs() if self.responses is not None else []
        return [*files, *self.maps, *extra]


def compute(request: EvidenceRequest) -> EvidenceResult:
    """The funnel figures of the exports (EvidenceDataError listing every problem)."""
    mappings = [load_mapping(p) for p in request.maps] + builtin_mappings()
    data = read_exports(request.paths, mappings, date_format=request.date_format)
    overall = ev.overall(data, request.sla_hours, request.min_n)
    periods = eb.forecast_periods(data)
    if data.forecast is not None:
        overall.append(eb.forecast_error(periods))
    breakdowns = eb.lead_breakdowns(data, request.sla_hours, request.min_n)
    breakdowns += eb.opportunity_breakdowns(data, request.min_n)
    return EvidenceResult(
        tool_version=__version__,
        settings=EvidenceSettings(
            sla_hours=request.sla_hours, min_n=request.min_n, date_format=request.date_format
        ),
        files=[
            FileRead(path=f.path, mapping=f.mapping, export=f.export, rows=f.rows)
            for f in data.files
        ],
        overall=overall,
        breakdowns=breakdowns,
        forecast=periods,
        notes=data.notes,
    )


def in_reader_language(q: Questionnaire) -> Questionnaire:
    """``q`` with its texts in the reader's language when it has that translation (ids,
    scale and evidence links unchanged), else as it is."""
    lang = reader_language()
    if lang is None or lang == q.language or lang not in q.languages:
        return q
    return q.in_language(lang)


def load_evidence(path: Path) -> EvidenceResult:
    """Evidence given to another command: a saved ``evidence --format json``, else the
    exports in a folder or file, read with the built-in mappings and default settings."""
    if path.is_file() and path.suffix.lower() == ".json":
        from pydantic import ValidationError

        try:
            return EvidenceResult.model_validate_json(path.read_bytes())
        except (OSError, ValidationError, ValueError) as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise EvidenceDataError(
                f"{path}: not a salesmkt evidence JSON (save one with 'salesmkt evidence "
                f"EXPORTS --format json -o FILE'): {first}"
            ) from None
    return compute(EvidenceRequest(paths=[path]))


def claims_for(path: Path, assessment: Assessment, questionnaire: str) -> EvidenceResult:
    """The evidence at ``path`` with the verdict on each linked statement of an assessment
    (``--evidence`` on score and gaps); ``questionnaire`` is the reference the run used."""
    result = load_evidence(path)
    found = qmod.load(questionnaire)
    if found.id != assessment.questionnaire.id:  # a saved assessment names its own
        found = qmod.load(assessment.questionnaire.id)
    result.claims = claim_verdicts(in_reader_language(found), assessment, result)
    return result


def run(request: EvidenceRequest) -> EvidenceResult:
    """The figures, and with a responses file the verdict on each linked statement."""
    result = compute(request)
    if request.responses is not None:
        from salesmkt.analysis import saved

        source = request.responses
        settings = request.settings or Settings()
        assessment = saved.load_assessment_or_responses(source, settings)
        questionnaire = qmod.load(source.questionnaire)
        if questionnaire.id != assessment.questionnaire.id:  # a saved assessment names its own
            questionnaire = qmod.load(assessment.questionnaire.id)
        result.claims = claim_verdicts(in_reader_language(questionnaire), assessment, result)
        result.responses_file = str(source.path)
    return result
