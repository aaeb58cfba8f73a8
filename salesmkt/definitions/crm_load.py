"""Loading CRM mapping files: the built-in ones, and any other by path.

Vocabulary: a *built-in mapping* is shipped in ``salesmkt/definitions/crm/`` and named
by its id (``salesforce-leads``, ``hubspot-deals``…). A mapping given by path is checked
like any definition file: every problem found stops the load with an
:class:`~salesmkt.errors.InvalidFileError` that names them.
"""

from __future__ import annotations

from pathlib import Path

from salesmkt.definitions.checks import check_file
from salesmkt.definitions.crm_mapping import CrmMapping
from salesmkt.definitions.crm_mapping_checks import CRM_MAPPING
from salesmkt.errors import InvalidFileError

BUILTIN_DIR = Path(__file__).resolve().parent / "crm"


def builtin_mapping_paths() -> list[Path]:
    return sorted(BUILTIN_DIR.glob("*.yaml"))


def load_mapping(path: str | Path) -> CrmMapping:
    """One mapping file, checked (InvalidFileError listing every problem)."""
    report = check_file(path, CRM_MAPPING)
    if not report.ok or not isinstance(report.model, CrmMapping):
        raise InvalidFileError(str(path), list(report.errors))
    return report.model


def builtin_mappings() -> list[CrmMapping]:
    return [load_mapping(p) for p in builtin_mapping_paths()]
