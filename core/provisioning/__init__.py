"""Grafana provisioning files: export data sources to them and import data sources from them."""

from core.provisioning.export import (
    ExportOptions,
    ExportResult,
    build_export,
    export_options_for,
    select,
    write_export,
)
from core.provisioning.importer import (
    Action,
    ImportPlan,
    ParsedFile,
    PlannedItem,
    apply_import,
    import_file,
    plan_import,
    read_provisioning_file,
)
from core.provisioning.model import (
    ConflictChoice,
    Finding,
    ProvisioningError,
    ProvisioningFileError,
    SecretsMode,
    Severity,
)

__all__ = [
    "Action", "ConflictChoice", "ExportOptions", "ExportResult", "Finding", "ImportPlan", "ParsedFile", "PlannedItem",
    "ProvisioningError", "ProvisioningFileError", "SecretsMode", "Severity", "apply_import", "build_export",
    "export_options_for",
    "import_file", "plan_import", "read_provisioning_file", "select", "write_export",
]
