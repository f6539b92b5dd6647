"""What each emulated plugin release reads from a provisioning entry: jsonData keys with their Go types,
and secureJsonData keys. The export writes only these keys; the import checks their types.

Sources: scylladb/scylla-grafana-datasource tag v0.5.0 (`pkg/plugin/datasource.go`, `editModel`, and
`src/types.ts`); HadesArchitect/GrafanaCassandraDatasource cc6b21f (`pkg/settings.go`,
`dataSourceSettings`, `pkg/main.go`, and `src/models.ts` / `src/ConfigEditor.tsx`). A later release is
one more entry in `RELEASES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.config.datasource import Flavor
from core.grafana.plugins.gotext import json_kind
from core.provisioning.model import Finding, Severity


@dataclass(frozen=True)
class JsonKey:
    """One jsonData key a release decodes with Go's encoding/json: its struct tag and Go type."""

    tag: str
    go_type: str  # "string", "bool" or "int"


@dataclass(frozen=True)
class PluginRelease:
    """One released plugin version and the settings it reads."""

    flavor: Flavor
    version: str
    go_struct: str  # the struct jsonData is decoded into (named in Go's error text)
    error_prefix: str  # what the plugin puts before the decoding error
    json_keys: tuple[JsonKey, ...]
    secure_keys: tuple[str, ...]
    reads_url: bool

    @property
    def label(self) -> str:
        return f"{self.flavor.value} {self.version}"

    def key(self, name: str) -> JsonKey | None:
        """The key Go's encoding/json fills from jsonData `name`: exact tag first, then case-insensitively."""
        for key in self.json_keys:
            if key.tag == name:
                return key
        lowered = name.lower()
        return next((key for key in self.json_keys if key.tag.lower() == lowered), None)


SCYLLA_0_5_0 = PluginRelease(
    Flavor.SCYLLA, "0.5.0", "editModel", "",
    json_keys=(JsonKey("host", "string"),),
    secure_keys=("user", "password"),
    reads_url=False,
)

CASSANDRA_3_3_0 = PluginRelease(
    Flavor.CASSANDRA, "3.3.0", "dataSourceSettings", "Failed to parse connection parameters: ",
    json_keys=(
        JsonKey("keyspace", "string"), JsonKey("user", "string"), JsonKey("password", "string"),
        JsonKey("consistency", "string"), JsonKey("certPath", "string"), JsonKey("rootPath", "string"),
        JsonKey("caPath", "string"), JsonKey("useCertContent", "bool"), JsonKey("timeout", "int"),
        # the back end's tag is "UseCustomTLS"; the front end writes useCustomTLS (matched case-insensitively)
        JsonKey("UseCustomTLS", "bool"), JsonKey("allowInsecureTLS", "bool"),
        JsonKey("allowedAuthenticators", "string"),
    ),
    secure_keys=("password", "certContent", "rootContent", "caContent"),
    reads_url=True,
)

RELEASES: dict[Flavor, PluginRelease] = {Flavor.SCYLLA: SCYLLA_0_5_0, Flavor.CASSANDRA: CASSANDRA_3_3_0}


def decode_error(release: PluginRelease, key: JsonKey, value: Any) -> str | None:
    """The error Go's json.Unmarshal gives for `value` in `key` (None when it decodes)."""
    if value is None:
        return None  # JSON null leaves a Go field alone
    if key.go_type == "string" and isinstance(value, str):
        return None
    if key.go_type == "bool" and isinstance(value, bool):
        return None
    if key.go_type == "int" and isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and abs(value) < 2 ** 63:
            return None  # Grafana stores 10.0 as the JSON number 10
        kind = f"number {value:g}"
    else:
        kind = json_kind(value)
    return (f"{release.error_prefix}json: cannot unmarshal {kind} into Go struct field "
            f"{release.go_struct}.{key.tag} of type {key.go_type}")


def json_data_findings(release: PluginRelease, json_data: Mapping[str, Any], name: str) -> list[Finding]:
    """Keys the release ignores, and values (after expansion) its Go decoding refuses."""
    findings: list[Finding] = []
    for raw_key, value in json_data.items():
        key = release.key(str(raw_key))
        if key is None:
            findings.append(Finding("", Severity.WARNING, f"{release.label} ignores jsonData.{raw_key}: not imported",
                                    subject=name))
            continue
        error = decode_error(release, key, value)
        if error is not None:
            shown = f'the string "{value}"' if isinstance(value, str) else repr(value)
            findings.append(Finding("", Severity.WARNING, f"jsonData.{raw_key} is {shown} after expansion, not a "
                                    f"{key.go_type}: the {release.label} plugin cannot start this data source "
                                    f"({error}); write it unquoted in the file", subject=name))
    return findings


def secure_findings(release: PluginRelease, secure: Mapping[str, Any], name: str) -> list[Finding]:
    """secureJsonData keys the release never reads."""
    return [Finding("", Severity.WARNING, f"{release.label} ignores secureJsonData.{key}: not imported", subject=name)
            for key in secure if key not in release.secure_keys]
