"""Import Grafana provisioning files into the configured data sources, secrets into the keyring.

Reading follows Grafana: apiVersion 1 files have their values expanded (`$VAR`, `${VAR}`, `$__env{}`,
`$__file{}`); files without apiVersion use the deprecated snake_case format, without expansion.
Everything is checked first (plan), then applied, so a bad file changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.config.datasource import DataSource, file_warnings, new_uid, validate
from core.config.naming import free_name
from core.errors import CqlscopeError, PartialChangeError
from core.provisioning import goyaml
from core.provisioning.envexpand import Expander, FileReader
from core.provisioning.grafana_decode import decode_document
from core.provisioning.mapping import PLUGIN_FLAVORS, from_entry
from core.provisioning.model import (
    ConflictChoice,
    Finding,
    ProvisioningError,
    ProvisioningFileError,
    Severity,
)
from core.provisioning.validation import org_of, validate_entries

if TYPE_CHECKING:
    from core.config.store import DataSourceStore


#: Provisioning files larger than this are refused (a data source entry takes a few hundred bytes, so this is
#: thousands of them); reading YAML runs at well under a megabyte a second, so larger files would hang the import.
MAX_PROVISIONING_BYTES = 1024 * 1024


def load_document(path: Path) -> dict[str, Any]:
    """The YAML mapping in `path`, scalars kept as text (goyaml); ProvisioningFileError names the file and line."""
    from core.config.safe_yaml import YamlInputError, YamlLimits, check_bounds, read_text

    try:
        text = read_text(path, YamlLimits(max_bytes=MAX_PROVISIONING_BYTES))  # UTF-8, no devices or directories
    except FileNotFoundError:
        raise ProvisioningFileError(f"{path} does not exist: give the path of a provisioning YAML file") from None
    except YamlInputError as exc:
        raise ProvisioningFileError(exc.message) from None
    try:
        check_bounds(text, str(path))  # depth and alias expansion, before goyaml builds anything
    except YamlInputError as exc:
        raise ProvisioningFileError(exc.message) from None
    return parse_document(text, str(path))


def parse_document(text: str, source: str = "<text>") -> dict[str, Any]:
    """Parse provisioning YAML text without PyYAML's YAML 1.1 typing; errors name `source` and the line."""
    document = goyaml.load(text, source)
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ProvisioningFileError(f"{source}: expected a mapping with 'apiVersion' and 'datasources'")
    for key in ("datasources", "deleteDatasources", "delete_datasources"):
        if not goyaml.is_null(document.get(key)) and not isinstance(document[key], list):
            raise ProvisioningFileError(f"{source}: '{key}' must be a list")
    return document


@dataclass
class ParsedFile:
    """The entries of one provisioning file, in v1 form, typed and expanded, plus notes about the reading."""

    path: Path
    api_version: int
    entries: list[dict[str, Any]]
    deletes: list[dict[str, Any]]
    findings: list[Finding] = field(default_factory=list)


def read_provisioning_file(path: Path, environ: Mapping[str, str] | None = None,
                           read_file: FileReader | None = None) -> ParsedFile:
    """Read, type and expand a provisioning file the way Grafana does (see grafana_decode)."""
    decoded = decode_document(load_document(path), str(path), Expander(environ, read_file))
    return ParsedFile(path, decoded.api_version, decoded.entries, decoded.deletes, decoded.findings)


class Action(StrEnum):
    """What the import does with one entry."""

    ADD = "add"
    REPLACE = "replace"
    RENAME = "rename"
    SKIP = "skip"
    UNSUPPORTED = "unsupported"


@dataclass
class PlannedItem:
    """One entry of the file and what importing it will do."""

    action: Action
    source_name: str
    type: str
    datasource: DataSource | None = None
    secrets: dict[str, str] = field(default_factory=dict)
    replaces: list[str] = field(default_factory=list)  # names of configured data sources removed first
    conflict: str = ""
    make_default: bool = False

    def describe(self) -> str:
        """One line for a CLI or a dialog."""
        if self.action == Action.UNSUPPORTED:
            return f"skip '{self.source_name}': type {self.type} is not a CQL plugin cqlscope handles"
        if self.action == Action.SKIP:
            return f"skip '{self.source_name}': {self.conflict}"
        assert self.datasource is not None
        secrets = ", ".join(sorted(self.secrets)) or "none"
        base = f"{self.datasource.name} ({self.datasource.flavor.value}, secrets to keyring: {secrets})"
        if self.action == Action.REPLACE:
            return f"replace {', '.join(repr(n) for n in self.replaces)} with {base}"
        if self.action == Action.RENAME:
            return f"add '{self.source_name}' as {base}: {self.conflict}"
        return f"add {base}"


@dataclass
class ImportPlan:
    """Everything an import will do, and why not when there are errors."""

    items: list[PlannedItem]
    findings: list[Finding]
    conflicts: list[str]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == Severity.ERROR]

    @property
    def changes(self) -> list[PlannedItem]:
        return [i for i in self.items if i.action in (Action.ADD, Action.REPLACE, Action.RENAME)]


def plan_import(store: DataSourceStore, parsed: ParsedFile, on_conflict: ConflictChoice | None) -> ImportPlan:
    """Decide what importing `parsed` does; with conflicts and no choice, the plan has an error."""
    findings = list(parsed.findings)
    findings.extend(validate_entries(parsed.entries))  # every type counts, like Grafana's checks
    last_of = {(org_of(e), str(e.get("name") or "")): i for i, e in enumerate(parsed.entries)}
    planned_orgs: dict[str, int] = {}
    for delete in parsed.deletes:
        findings.append(Finding("", Severity.NOTE, f"the file deletes '{delete.get('name')}' in Grafana; cqlscope "
                                "leaves its own data sources alone"))
    existing = store.list()
    taken = _Taken({ds.name for ds in existing}, {ds.uid for ds in existing})
    items: list[PlannedItem] = []
    conflicts: list[str] = []
    for index, entry in enumerate(parsed.entries):
        kind = str(entry.get("type") or "")
        name = str(entry.get("name") or "")
        flavor = PLUGIN_FLAVORS.get(kind)
        if flavor is None:
            items.append(PlannedItem(Action.UNSUPPORTED, name, kind))
            findings.append(Finding("", Severity.NOTE, f"skipped: type '{kind}' is not a CQL plugin", subject=name))
            continue
        org = org_of(entry)
        if last_of[(org, name)] != index:
            findings.append(Finding("", Severity.NOTE, f"a later entry of the same name in org {org} updates this data "
                                    "source in Grafana: only that one is imported", subject=name))
            continue
        if planned_orgs.setdefault(name, org) != org:
            findings.append(Finding("", Severity.ERROR, f"the name is also used in org {planned_orgs[name]} of this "
                                    "file: cqlscope keeps one data source per name, so import one of them",
                                    subject=name))
            continue
        try:
            mapped = from_entry(entry, flavor)
        except ValueError as exc:
            findings.append(Finding("", Severity.ERROR, str(exc), subject=name))
            continue
        findings.extend(mapped.findings)
        ds = mapped.datasource
        item = PlannedItem(Action.ADD, name, kind, ds, mapped.secrets)
        _resolve_conflict(item, existing, on_conflict, taken, findings, conflicts)
        if item.action != Action.SKIP:
            _accept(item, taken, findings)
        items.append(item)
    return ImportPlan(items, findings, conflicts)


@dataclass
class _Taken:
    """Names and uids in use: the configured ones, then the ones the plan adds."""

    names: set[str]
    uids: set[str]


def _resolve_conflict(item: PlannedItem, existing: list[DataSource], on_conflict: ConflictChoice | None,
                      taken: _Taken, findings: list[Finding], conflicts: list[str]) -> None:
    """An entry whose name or uid is configured already: skip, replace or rename it, or an error asking which."""
    ds = item.datasource
    assert ds is not None
    same_name = [o for o in existing if o.name == ds.name]
    same_uid = [o for o in existing if o.uid == ds.uid and o.name != ds.name]
    clash = same_name + same_uid
    if not clash:
        return
    reasons = []
    if same_name:
        reasons.append(f"name '{ds.name}' is already configured")
    if same_uid:
        reasons.append(f"uid '{ds.uid}' is already used by '{same_uid[0].name}'")
    what = " and ".join(reasons)
    conflicts.append(f"'{item.source_name}': {what}")
    item.conflict = what
    if on_conflict is None:
        findings.append(Finding("", Severity.ERROR, f"{what}: choose skip, rename or replace",
                                subject=item.source_name))
    elif on_conflict == ConflictChoice.SKIP:
        item.action = Action.SKIP
    elif on_conflict == ConflictChoice.REPLACE:
        item.action = Action.REPLACE
        item.replaces = [o.name for o in clash]
        for other in clash:
            taken.names.discard(other.name)
            taken.uids.discard(other.uid)
    else:
        item.action = Action.RENAME
        if same_name:
            base = ds.name
            ds.name = free_name(taken.names, f"{base} (imported)", lambda n: f"{base} (imported {n})")
        if ds.uid in taken.uids:
            ds.uid = new_uid()
        item.conflict = f"{what}; imported as '{ds.name}' (uid {ds.uid})"


def _accept(item: PlannedItem, taken: _Taken, findings: list[Finding]) -> None:
    """Reserve the entry's name and uid, move its default mark to after the add, and check its settings."""
    ds = item.datasource
    assert ds is not None
    taken.names.add(ds.name)
    taken.uids.add(ds.uid)
    if ds.is_default:
        item.make_default = True
        ds.is_default = False  # set through the store after adding, which unmarks the old default
    for field_name, message in validate(ds, check_files=False):
        findings.append(Finding("", Severity.ERROR, f"{field_name}: {message}", subject=item.source_name))
    for field_name, message in file_warnings(ds):  # paths of the Grafana server, maybe not this machine
        findings.append(Finding("", Severity.WARNING, f"{field_name}: {message} (kept; fix it before connecting)",
                                subject=item.source_name))


def usable_part(plan: ImportPlan) -> tuple[ImportPlan, list[str]]:
    """The plan without the entries that have errors, and a line for each error saying what is skipped and why.

    Errors about the whole file (no data source named) stay errors: then nothing can be imported."""
    broken = {f.subject for f in plan.errors if f.subject}
    skipped = [f"skipped '{f.subject}': {f.message}" for f in plan.errors if f.subject]
    items = [item for item in plan.items if item.source_name not in broken]
    findings = [f for f in plan.findings if not (f.severity == Severity.ERROR and f.subject)]
    findings += [Finding("", Severity.NOTE, f"skipped (not imported): {f.message}", subject=f.subject)
                 for f in plan.errors if f.subject]
    conflicts = [c for c in plan.conflicts if not any(c.startswith(f"'{name}':") for name in broken)]
    return ImportPlan(items, findings, conflicts), skipped


def apply_import(store: DataSourceStore, plan: ImportPlan) -> list[str]:
    """Carry out a plan without errors; returns the names added or replaced. Secrets go to the keyring only."""
    if plan.errors:
        raise ProvisioningError(plan.errors)
    changes = plan.changes
    if any(item.secrets for item in changes):
        store.secrets.backend()  # fail before any change when the keyring is unusable
    done: list[str] = []
    for item in changes:
        assert item.datasource is not None
        try:
            for name in item.replaces:
                if name in store.names():
                    store.remove(name)
            # The entry and its secrets, or nothing (a locked keyring takes the entry back).
            store.add_with_secrets(item.datasource, dict(sorted(item.secrets.items())), check_files=False)
            if item.make_default:
                store.set_default(item.datasource.name)
        except CqlscopeError as exc:
            if not done:
                raise
            raise PartialChangeError(f"Imported {', '.join(repr(n) for n in done)}, but not "
                                     f"'{item.datasource.name}' or the entries after it: {exc.message}") from None
        done.append(item.datasource.name)
    return done


def import_file(store: DataSourceStore, path: Path, on_conflict: ConflictChoice | None,
                environ: Mapping[str, str] | None = None) -> tuple[ImportPlan, list[str]]:
    """Read, plan and apply in one go (ProvisioningError, nothing changed, when the plan has errors)."""
    plan = plan_import(store, read_provisioning_file(path, environ), on_conflict)
    return plan, apply_import(store, plan)
