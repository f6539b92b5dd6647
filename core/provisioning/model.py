"""Shared vocabulary of provisioning export and import: findings, errors, names of variables and keys."""

from __future__ import annotations

import hashlib
import re
from enum import StrEnum

from core.errors import CqlscopeError
from core.findings import Finding, Severity

__all__ = ["Finding", "Severity"]  # provisioning speaks the one finding vocabulary (core.findings)

API_VERSION = 1
ACCESS = "proxy"
VERSION = 1
DEFAULT_ORG_ID = 1

# Grafana's own limits in bytes (pkg/services/datasources/service/datasource.go).
MAX_NAME_LENGTH = 190
MAX_URL_LENGTH = 255

# Grafana's error texts, reproduced verbatim.
TOO_MANY_DEFAULTS = (
    "datasource.yaml config is invalid. Only one datasource per organization can be marked as default"
)
DEPRECATED_V0 = "[Deprecated] the datasource provisioning config is outdated. please upgrade"
PRUNE_NOTE = "prune: true needs Grafana 11.1 or newer; older versions ignore it"

# Top-level order of a data source entry in the files we write.
ENTRY_KEYS = ("name", "type", "uid", "access", "orgId", "isDefault", "editable", "version", "url",
              "jsonData", "secureJsonData")


class ProvisioningError(CqlscopeError):
    """Validation failed; nothing was written. `findings` holds every error."""

    title = "Invalid provisioning"

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        super().__init__("; ".join(str(f) for f in findings))


class ProvisioningFileError(CqlscopeError):
    """A provisioning file cannot be read or parsed; the message names the file and line."""

    title = "Cannot read provisioning file"


class SecretsMode(StrEnum):
    """How secrets appear in an exported file."""

    PLACEHOLDERS = "placeholders"
    INLINE = "inline"


class ConflictChoice(StrEnum):
    """What an import does with a data source whose name or uid is already configured."""

    SKIP = "skip"
    RENAME = "rename"
    REPLACE = "replace"


def variable_prefix(name: str) -> str:
    """UPPER_SNAKE_CASE of a data source name (`Scylla prod` -> `SCYLLA_PROD`), safe as a variable name."""
    prefix = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper()
    if not prefix:
        prefix = "DATASOURCE"
    if prefix[0].isdigit():
        prefix = "DS_" + prefix
    return prefix


VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def placeholder(variable: str) -> str:
    """The `$VAR` form: Grafana expands it once. (`${VAR}` goes through its expanders and then os.ExpandEnv
    again, so a value holding `$` would be cut: values/values.go interpolateValue.)"""
    return "$" + variable


def uid_from_name(name: str) -> str:
    """The uid Grafana derives when a provisioned data source has none (safeUIDFromName)."""
    return ("P" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]).upper()
