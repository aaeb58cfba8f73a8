"""The package's exceptions.

Vocabulary: every error raised on purpose derives from :class:`SalesmktError`; the CLI's
single error boundary turns one into a one-line message and exit code 1 (``exit_code``),
so core modules never print or exit themselves. ``location`` is ``file:line:col`` (or
``file:row:column`` for tables) when the problem has one.
"""

from __future__ import annotations


class SalesmktError(Exception):
    """Base class: a problem the user can fix, reported without a traceback."""

    exit_code = 1

    def __init__(self, message: str, *, location: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class UsageError(SalesmktError):
    """The command line itself is wrong (exit 2, like typer's own usage errors)."""

    exit_code = 2


class YamlError(SalesmktError):
    """A YAML file is unreadable, unsafe, or not well formed."""

    def __init__(
        self,
        message: str,
        *,
        path: str,
        line: int = 1,
        column: int = 1,
        code: str = "yaml-syntax",
    ) -> None:
        super().__init__(message, location=f"{path}:{line}:{column}")
        self.path = path
        self.line = line
        self.column = column
        self.code = code


class InvalidFileError(SalesmktError):
    """A definition file (questionnaire, rules) failed validation.

    ``diagnostics`` holds every problem found, not just the first.
    """

    def __init__(self, path: str, diagnostics: list[object]) -> None:
        count = len(diagnostics)
        first = str(diagnostics[0]) if diagnostics else ""
        more = (
            f" (and {count - 1} more problem(s); run 'salesmkt validate {path}')"
            if count > 1
            else ""
        )
        super().__init__(f"{first}{more}")
        self.path = path
        self.diagnostics = diagnostics


class NotFoundError(SalesmktError):
    """A named questionnaire, rules file or input file does not exist."""


class ResponseDataError(SalesmktError):
    """A responses file cannot be read or fails the data-quality gate.

    ``problems`` lists every ``file:row:column: message`` line found.
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class EvidenceDataError(ResponseDataError):
    """CRM exports cannot be read: every problem is listed as ``file:row:column: message``."""


class AnalysisError(SalesmktError):
    """The data are readable but cannot support the requested analysis."""


class OutputError(SalesmktError):
    """An output file cannot be written (or would overwrite an input)."""


class StoreError(SalesmktError):
    """The benchmark store cannot be used: a corrupted or foreign database, a schema
    newer than this salesmkt, an unreachable server, or a conflicting import. Nothing is
    written (exit 1)."""
