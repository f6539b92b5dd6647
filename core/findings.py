"""One vocabulary for everything cqlscope reports: a finding with a severity, used by the compatibility
report, provisioning export and import, and the dashboard checker."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How much a finding matters: errors stop an export or import, or make the plugin fail."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    NOTE = "info"  # an alias: provisioning calls its notes NOTE


@dataclass(frozen=True)
class Finding:
    """One problem or note: a stable code, its severity, the message, what to do, and what it is about."""

    code: str
    severity: Severity
    message: str
    suggestion: str = ""
    subject: str = ""  # e.g. the data source a provisioning finding is about

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "severity": str(self.severity), "message": self.message,
                                "suggestion": self.suggestion}
        if self.subject:
            data["subject"] = self.subject
        return data

    def line(self) -> str:
        """The finding with its suggestion, on one line."""
        return f"{self.severity}: {self.message} Suggestion: {self.suggestion}"

    def __str__(self) -> str:
        where = f"'{self.subject}': " if self.subject else ""
        return f"{self.severity}: {where}{self.message}"


SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def by_severity(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then notes; the order of discovery within each."""
    return sorted(findings, key=lambda f: SEVERITY_RANK[f.severity])
