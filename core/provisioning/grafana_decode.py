"""A provisioning document decoded field by field with the types Grafana gives each field.

Grafana (pkg/services/provisioning/datasources/types.go, values/values.go) reads apiVersion 1 entries
into typed values: strings keep the YAML text, then are expanded; booleans and integers are expanded
text parsed by Go's strconv (a bad value rejects the whole file); jsonData is decoded into interface{}
(yaml.v3's resolver) and its strings expanded; secureJsonData is a map of strings. The deprecated
format without apiVersion is read with plain yaml.v3 types and no expansion.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.provisioning.envexpand import Expander
from core.provisioning.goyaml import GoScalar, interface_value, is_null, resolve_plain
from core.provisioning.model import DEPRECATED_V0, Finding, ProvisioningFileError, Severity

# upsertDataSourceFromConfigV1 / deleteDatasourceConfigV1 field types (types.go)
STRING_FIELDS = ("orgName", "name", "type", "access", "url", "user", "database", "basicAuthUser", "uid")
BOOL_FIELDS = ("basicAuth", "withCredentials", "isDefault", "editable")
INT_FIELDS = ("orgId", "version")
# the deprecated format's snake_case keys and their v1 names
V0_KEYS = {"org_id": "orgId", "org_name": "orgName", "is_default": "isDefault", "basic_auth": "basicAuth",
           "basic_auth_user": "basicAuthUser", "with_credentials": "withCredentials", "json_data": "jsonData",
           "secure_json_data": "secureJsonData"}
_V0_BOOLS = {"y": True, "Y": True, "yes": True, "Yes": True, "YES": True, "on": True, "On": True, "ON": True,
             "n": False, "N": False, "no": False, "No": False, "NO": False, "off": False, "Off": False,
             "OFF": False}


@dataclass
class DecodedFile:
    """The entries and deletes of one file, typed and expanded as Grafana has them."""

    api_version: int
    entries: list[dict[str, Any]]
    deletes: list[dict[str, Any]]
    findings: list[Finding] = field(default_factory=list)


def go_parse_bool(text: str) -> bool | None:
    """Go's strconv.ParseBool; None when Go returns an error."""
    if text in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if text in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    return None


def go_atoi(text: str) -> int | None:
    """Go's strconv.Atoi / ParseInt(s, 10, 64): optional sign and decimal digits only."""
    body = text[1:] if text[:1] in "+-" else text
    if not body or not body.isascii() or not body.isdigit():
        return None
    return int(text)


def api_version_of(document: dict[str, Any], source: str) -> int:
    """The file's apiVersion as yaml.v3 decodes it into an int64 (missing or null is 0)."""
    raw = document.get("apiVersion")
    if is_null(raw):
        return 0
    value = interface_value(raw)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProvisioningFileError(f"{source}: apiVersion '{raw}' is not a number: Grafana cannot read the "
                                    "file (write apiVersion: 1)")
    return value


def decode_document(document: Any, source: str, expander: Expander) -> DecodedFile:
    """Decode a document from goyaml.load; ProvisioningFileError when Grafana would refuse the file."""
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise ProvisioningFileError(f"{source}: expected a mapping with 'apiVersion' and 'datasources'")
    version = api_version_of(document, source)
    v1 = version > 0
    list_keys = ("datasources", "deleteDatasources") if v1 else ("datasources", "delete_datasources")
    lists: list[list[Any]] = []
    for key in list_keys:
        value = document.get(key)
        if is_null(value):
            value = []
        if not isinstance(value, list):
            raise ProvisioningFileError(f"{source}: '{key}' must be a list")
        lists.append(value)
    findings: list[Finding] = []
    entries: list[dict[str, Any]] = []
    deletes: list[dict[str, Any]] = []
    for number, raw in enumerate(lists[0], start=1):
        if is_null(raw):
            continue  # Grafana skips an empty list item
        if not isinstance(raw, dict):
            raise ProvisioningFileError(f"{source}: data source #{number} is not a mapping")
        entries.append(_decode_entry(raw, source, number, expander if v1 else None))
    for number, raw in enumerate(lists[1], start=1):
        if isinstance(raw, dict):
            deletes.append(_decode_entry(raw, source, number, expander if v1 else None, delete=True))
    if v1:
        if expander.unset_variables:
            findings.append(Finding("", Severity.NOTE, "unset environment variables became empty: "
                                    + ", ".join(sorted(expander.unset_variables))))
    else:
        findings.append(Finding("", Severity.WARNING, f"{DEPRECATED_V0} ({source}: no apiVersion, so the snake_case "
                                "format is read and no variables are expanded)"))
    return DecodedFile(version, entries, deletes, findings)


def _decode_entry(raw: dict[str, Any], source: str, number: int, expander: Expander | None,
                  delete: bool = False) -> dict[str, Any]:
    if expander is None:
        raw = {V0_KEYS.get(key, key): value for key, value in raw.items()}
    raw_name = raw.get("name")
    name = _text(raw_name, expander) if isinstance(raw_name, GoScalar) and not is_null(raw_name) else ""
    where = f"{source}: {'deleteDatasources' if delete else 'data source'} #{number} ('{name}')"
    result: dict[str, Any] = {}
    for key, value in raw.items():
        if is_null(value) and key not in ("jsonData", "secureJsonData"):
            continue  # yaml.v3 leaves the field unset
        if key in STRING_FIELDS:
            result[key] = _text(value, expander, f"{where}: {key}")
        elif key in BOOL_FIELDS and not delete:
            result[key] = _bool(value, expander, f"{where}: {key}")
        elif key in INT_FIELDS:
            number_value = _int(value, expander, f"{where}: {key}", key == "version")
            if number_value is not None:
                result[key] = number_value
        elif key == "jsonData" and not delete:
            result[key] = _json_data(value, expander, where)
        elif key == "secureJsonData" and not delete:
            result[key] = _secure(value, expander, where)
        else:
            result[key] = interface_value(value)
    return result


def _expand_tree(value: Any, expand: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return expand(value)
    if isinstance(value, dict):
        return {key: _expand_tree(child, expand) for key, child in value.items()}
    if isinstance(value, list):
        return [_expand_tree(child, expand) for child in value]
    return value


def _scalar(value: Any, where: str, kind: str) -> GoScalar:
    if not isinstance(value, GoScalar):
        raise ProvisioningFileError(f"{where} must be a single {kind} value, not a list or mapping")
    return value


def _text(value: Any, expander: Expander | None, where: str = "") -> str:
    scalar = _scalar(value, where, "text")
    return expander.value(str(scalar)) if expander is not None else str(scalar)


def _shown(written: str, expanded: str) -> str:
    """The value for an error message, as Grafana quotes it, except the contents of a `$__file{}` (which may
    be a secret): then what the provisioning file itself says."""
    return written if "$__file{" in written else expanded


def _bool(value: Any, expander: Expander | None, where: str) -> bool:
    scalar = _scalar(value, where, "true/false")
    if expander is None:  # yaml.v3 decoding into a Go bool (YAML 1.1 words allowed for typed bools)
        resolved = resolve_plain(str(scalar)) if scalar.plain else str(scalar)
        if isinstance(resolved, bool):
            return resolved
        if str(scalar) in _V0_BOOLS and scalar.plain:
            return _V0_BOOLS[str(scalar)]
        raise ProvisioningFileError(f"{where}: cannot unmarshal `{scalar}` into bool: Grafana rejects the whole "
                                    "file (write true or false)")
    text = expander.value(str(scalar))
    parsed = go_parse_bool(text)
    if parsed is None:
        raise ProvisioningFileError(f'{where}: strconv.ParseBool: parsing "{_shown(str(scalar), text)}": invalid '
                                    "syntax. Grafana rejects the whole file: write true or false")
    return parsed


def _int(value: Any, expander: Expander | None, where: str, atoi: bool) -> int | None:
    scalar = _scalar(value, where, "number")
    if expander is None:
        resolved = resolve_plain(str(scalar)) if scalar.plain else str(scalar)
        if isinstance(resolved, int) and not isinstance(resolved, bool):
            return resolved
        raise ProvisioningFileError(f"{where}: cannot unmarshal `{scalar}` into a whole number: Grafana rejects "
                                    "the whole file")
    text = expander.value(str(scalar))
    if text == "":
        return None  # values.go: an empty value leaves the field unset
    parsed = go_atoi(text)
    if parsed is None:
        function = "strconv.Atoi" if atoi else "strconv.ParseInt"
        prefix = "cannot convert value int: " if atoi else ""
        raise ProvisioningFileError(f'{where}: {prefix}{function}: parsing "{_shown(str(scalar), text)}": invalid '
                                    "syntax. Grafana rejects the whole file: write a whole number")
    return parsed


def _json_data(value: Any, expander: Expander | None, where: str) -> dict[str, Any]:
    if is_null(value):
        return {}
    if not isinstance(value, dict):
        raise ProvisioningFileError(f"{where}: jsonData must be a mapping")
    decoded = interface_value(value)
    assert isinstance(decoded, dict)
    if expander is None:
        return decoded
    expanded: dict[str, Any] = _expand_tree(decoded, expander.value)
    return expanded


def _secure(value: Any, expander: Expander | None, where: str) -> dict[str, str]:
    if is_null(value):
        return {}
    if not isinstance(value, dict):
        raise ProvisioningFileError(f"{where}: secureJsonData must be a mapping of texts")
    result: dict[str, str] = {}
    for key, child in value.items():
        if is_null(child):
            result[key] = ""
            continue
        result[key] = _text(child, expander, f"{where}: secureJsonData.{key}")
    return result
