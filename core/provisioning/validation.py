"""Grafana's own checks on provisioning files, run before anything is written, plus flavor warnings.

The error texts follow Grafana (pkg/services/provisioning/datasources/config_reader.go and the data
source service's length limits) so a file cqlscope accepts is one Grafana accepts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from core.config.datasource import CASSANDRA_PLUGIN_CONSISTENCIES, DataSource, Flavor, parse_hosts
from core.config.options import OPTIONS
from core.provisioning.mapping import parse_bool, parse_int
from core.provisioning.model import (
    DEFAULT_ORG_ID,
    MAX_NAME_LENGTH,
    MAX_URL_LENGTH,
    TOO_MANY_DEFAULTS,
    Finding,
    Severity,
)
from core.provisioning.releases import RELEASES

# Settings that every flavor expresses or that only matter to Grafana itself: never warned about.
_ALWAYS_EXPRESSED = {"flavor", "hosts", "port", "is_default", "org_id", "editable"}
_DEFAULTS = DataSource(name="defaults")


def org_of(entry: Mapping[str, Any]) -> int:
    """The entry's org id as Grafana sees it (missing or 0 means 1)."""
    try:
        org = parse_int(entry.get("orgId"), DEFAULT_ORG_ID)
    except ValueError:
        return DEFAULT_ORG_ID
    return org or DEFAULT_ORG_ID


def validate_entries(entries: Sequence[Mapping[str, Any]],
                     other_files: Iterable[tuple[str, Sequence[Mapping[str, Any]]]] = ()) -> list[Finding]:
    """Grafana's checks on the decoded entries of one file (every type); `other_files` are (name, entries) of
    the other files of the directory, which count for the one-default rule (config_reader.go)."""
    errors: list[Finding] = []
    defaults: dict[int, list[tuple[str, str]]] = {}  # org -> (data source, file) marked default
    seen_names: dict[tuple[int, str], int] = {}
    seen_uids: dict[tuple[int, str], str] = {}
    for file_name, others in other_files:
        for entry in others:
            if parse_bool(entry.get("isDefault")):
                defaults.setdefault(org_of(entry), []).append((str(entry.get("name") or ""), file_name))
    for entry in entries:
        name = str(entry.get("name") or "")
        org = org_of(entry)
        if parse_bool(entry.get("isDefault")):
            defaults.setdefault(org, []).append((name, ""))
        if not name:
            errors.append(Finding("", Severity.ERROR, "a data source entry has no name"))
        size = len(name.encode("utf-8"))
        if size > MAX_NAME_LENGTH:
            errors.append(Finding("", Severity.ERROR, f"data source name is invalid: max length is {MAX_NAME_LENGTH} "
                                  f"bytes (it has {size} bytes in UTF-8)", subject=name[:40] + "…"))
        url = str(entry.get("url") or "")
        if len(url.encode("utf-8")) > MAX_URL_LENGTH:
            errors.append(Finding("", Severity.ERROR, f"data source URL is invalid: max length is {MAX_URL_LENGTH} "
                                  f"bytes (it has {len(url.encode('utf-8'))})", subject=name))
        key = (org, name)
        seen_names[key] = seen_names.get(key, 0) + 1
        if seen_names[key] == 2:
            errors.append(Finding("", Severity.WARNING, f"the name is used twice in org {org}: Grafana updates the "
                                  "same data source with each entry, so the later one wins", subject=name))
        uid = str(entry.get("uid") or "")
        if uid:
            if (org, uid) in seen_uids and seen_uids[(org, uid)] != name:
                errors.append(Finding("", Severity.ERROR, f"uid '{uid}' is also used by '{seen_uids[(org, uid)]}' in "
                                      f"org {org}: uids are unique per org", subject=name))
            seen_uids.setdefault((org, uid), name)
        errors.extend(_plugin_checks(entry, name))
    for org, marked in sorted(defaults.items()):
        if len(marked) > 1:
            where = ", ".join(f"'{n}' in {f}" if f else f"'{n}' in this file" for n, f in marked)
            errors.insert(0, Finding("", Severity.ERROR, f"{TOO_MANY_DEFAULTS} (org {org}: {where})"))
    return errors


def _plugin_checks(entry: Mapping[str, Any], name: str) -> list[Finding]:
    """What each plugin release needs to work: the cassandra consistency and url, the scylla host."""
    errors: list[Finding] = []
    json_data = entry.get("jsonData") or {}
    if not isinstance(json_data, Mapping):
        return [Finding("", Severity.ERROR, "jsonData must be a mapping", subject=name)]
    kind = entry.get("type")
    if kind == Flavor.CASSANDRA.plugin_id:
        consistency = str(json_data.get("consistency") or "")
        if not consistency:
            errors.append(Finding("", Severity.ERROR, "jsonData.consistency is empty: the cassandra plugin fails "
                                  "without one (LOCAL_ONE is usual)", subject=name))
        elif not consistency.startswith("$") and consistency not in CASSANDRA_PLUGIN_CONSISTENCIES:
            errors.append(Finding("", Severity.ERROR, f"the cassandra plugin does not offer consistency {consistency}: "
                                  f"use one of {', '.join(CASSANDRA_PLUGIN_CONSISTENCIES)}", subject=name))
        if not str(entry.get("url") or ""):
            errors.append(Finding("", Severity.ERROR, "url is empty: the cassandra plugin needs host:port",
                                  subject=name))
    elif kind == Flavor.SCYLLA.plugin_id:
        host = json_data.get("host")
        if not parse_hosts(host if isinstance(host, str) else ""):
            errors.append(Finding("", Severity.ERROR, "jsonData.host is empty: the scylla 0.5.0 plugin then has no "
                                  "cluster to connect to", subject=name))
    return errors


def flavor_warnings(ds: DataSource) -> list[Finding]:
    """Settings of `ds` that its plugin cannot express (left out of the file), as warnings."""
    findings: list[Finding] = []
    for spec in OPTIONS:
        if spec.name in _ALWAYS_EXPRESSED or ds.flavor in spec.flavors:
            continue
        value, default = getattr(ds, spec.name), getattr(_DEFAULTS, spec.name)
        if value == default:
            continue
        findings.append(Finding("", Severity.WARNING, f"the {RELEASES[ds.flavor].label} plugin cannot express "
                                f"{spec.label.lower()} ({spec.format(ds)}): left out of the file", subject=ds.name))
    if ds.flavor == Flavor.CASSANDRA and float(round(ds.request_timeout)) != ds.request_timeout:
        findings.append(Finding("", Severity.WARNING, f"the cassandra plugin's timeout is whole seconds: "
                                f"{ds.request_timeout:g} s is written as {max(1, round(ds.request_timeout))}",
                                subject=ds.name))
    return findings
