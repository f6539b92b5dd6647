"""Export data sources to a Grafana provisioning file (apiVersion 1), validated before anything is written.

Secrets are `$VAR` placeholders by default (expanded once by Grafana, unlike `${VAR}`), with an optional
env file listing the variables; real values are written only on explicit request (inline, `$` doubled,
or into a 0600 env file). Only the keys the emulated plugin release reads are written.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.config.datasource import SECRET_FIELDS, DataSource
from core.config.profile_file import atomic_write
from core.errors import CqlscopeError, SecretStoreError
from core.provisioning import goyaml
from core.provisioning.envexpand import Expander
from core.provisioning.grafana_decode import decode_document
from core.provisioning.importer import load_document
from core.provisioning.mapping import escape_dollars, release_findings, secret_variables, to_entry
from core.provisioning.model import (
    API_VERSION,
    PRUNE_NOTE,
    VARIABLE_NAME,
    Finding,
    ProvisioningError,
    SecretsMode,
    Severity,
    placeholder,
    variable_prefix,
)
from core.provisioning.validation import flavor_warnings, org_of, validate_entries

# Reads one secret (data source, field) from the keyring; None when it is not set.
SecretLookup = Callable[[DataSource, str], "str | None"]

HEADER = "# Grafana data source provisioning, written by cqlscope\n"
INLINE_WARNING = ("secrets are written inline in plain text: keep the file private (it is written with mode "
                  "0600) and out of version control, or use the default $VAR placeholders")


@dataclass
class ExportOptions:
    """What to export and how."""

    secrets: SecretsMode = SecretsMode.PLACEHOLDERS
    variable_prefixes: dict[str, str] = field(default_factory=dict)  # data source name -> prefix override
    env_file: Path | None = None
    write_secrets_to_env_file: bool = False
    delete: list[tuple[str, int]] = field(default_factory=list)  # (name, orgId) for deleteDatasources
    prune: bool = False
    merge_into: Path | None = None
    sibling_files: list[Path] = field(default_factory=list)  # other files Grafana reads with this one


@dataclass
class ExportResult:
    """The rendered file, the env file, and every finding (errors mean nothing may be written)."""

    text: str
    env_text: str | None
    findings: list[Finding]
    has_inline_secrets: bool = False
    env_has_secrets: bool = False

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != Severity.ERROR]


def build_export(datasources: Sequence[DataSource], options: ExportOptions,
                 lookup: SecretLookup | None = None) -> ExportResult:
    """Render the provisioning file for `datasources`; `lookup` is only called when real secrets are needed."""
    needs_values = options.secrets == SecretsMode.INLINE or options.write_secrets_to_env_file
    if needs_values and lookup is None:
        raise ValueError("real secret values were asked for but no secret lookup was given")
    findings = _option_findings(datasources, options)
    entries, env_lines, inline = _entries(datasources, options, lookup, findings)
    text = HEADER + goyaml.dump(_document(entries, options, findings))
    findings = _checked(text, options, findings)
    env_text = None
    if options.env_file is not None and options.secrets == SecretsMode.PLACEHOLDERS:
        what = "with their values" if options.write_secrets_to_env_file else "(fill in the values)"
        env_text = f"# secrets of the Grafana provisioning file {what}\n" + "".join(f"{line}\n" for line in env_lines)
    return ExportResult(text, env_text, findings, inline, options.write_secrets_to_env_file)


def _option_findings(datasources: Sequence[DataSource], options: ExportOptions) -> list[Finding]:
    """Problems with the export options themselves."""
    findings: list[Finding] = []
    if options.secrets == SecretsMode.INLINE:
        findings.append(Finding("", Severity.WARNING, INLINE_WARNING))
        if options.env_file is not None or options.write_secrets_to_env_file:
            findings.append(Finding("", Severity.ERROR, "an env file only goes with placeholders, not inline secrets"))
    if options.write_secrets_to_env_file and options.env_file is None:
        findings.append(Finding("", Severity.ERROR, "writing secrets to the env file needs an env file path"))
    if not datasources:
        findings.append(Finding("", Severity.ERROR, "no data source to export"))
    return findings


def _entries(datasources: Sequence[DataSource], options: ExportOptions, lookup: SecretLookup | None,
             findings: list[Finding]) -> tuple[list[dict[str, Any]], list[str], bool]:
    """One entry per data source with its secrets (placeholders or inline), the env file lines, and whether
    any secret is written inline."""
    entries: list[dict[str, Any]] = []
    env_lines: list[str] = []
    owners: dict[str, str] = {}
    inline = False
    for ds in datasources:
        findings.extend(flavor_warnings(ds))
        findings.extend(release_findings(ds))
        prefix = options.variable_prefixes.get(ds.name) or variable_prefix(ds.name)
        if not VARIABLE_NAME.fullmatch(prefix):
            findings.append(Finding("", Severity.ERROR, f"variable prefix '{prefix}' is not a variable name: use "
                                    "letters, digits and _ (not starting with a digit)", subject=ds.name))
        variables = secret_variables(prefix)
        secrets: dict[str, str] = {}
        for secret_field in SECRET_FIELDS:
            variable = variables[secret_field]
            if options.secrets == SecretsMode.INLINE:
                value = _lookup(lookup, ds, secret_field, findings)
                if value:
                    secrets[secret_field] = escape_dollars(value)
                    inline = True
                continue
            if variable in owners and owners[variable] != ds.name:
                findings.append(Finding("", Severity.ERROR, f"variable {variable} would also hold a secret of "
                                        f"'{owners[variable]}': give one of them another prefix", subject=ds.name))
            owners[variable] = ds.name
            secrets[secret_field] = placeholder(variable)
            value = _lookup(lookup, ds, secret_field, findings) if options.write_secrets_to_env_file else None
            env_lines.append(f"{variable}={_env_value(value or '')}")
        entries.append(to_entry(ds, secrets))
    return entries, env_lines, inline


def _document(entries: list[dict[str, Any]], options: ExportOptions, findings: list[Finding]) -> dict[str, Any]:
    """The file's document: our entries merged into the file given with --merge, deletes and prune."""
    document: dict[str, Any] = {"apiVersion": API_VERSION}
    existing: dict[str, Any] = {}
    if options.merge_into is not None and options.merge_into.exists():
        existing = load_document(options.merge_into)
        if goyaml.interface_value(existing.get("apiVersion")) in (None, 0):
            findings.append(Finding("", Severity.ERROR, f"{options.merge_into} uses the deprecated format without "
                                    "apiVersion: cqlscope only merges into apiVersion 1 files"))
            existing = {}
    deletes = [_delete_entry(name, org) for name, org in options.delete]
    merged_deletes = _merge_deletes(existing.get("deleteDatasources") or [], deletes)
    if merged_deletes:
        document["deleteDatasources"] = merged_deletes
    if options.prune or goyaml.interface_value(existing.get("prune")) is True:
        document["prune"] = True
        findings.append(Finding("", Severity.NOTE, PRUNE_NOTE))
    others = [entry for entry in existing.get("datasources") or [] if isinstance(entry, dict)]
    document["datasources"] = _merge_entries(others, entries)
    for key, value in existing.items():
        if key not in document and key not in ("apiVersion", "deleteDatasources", "prune", "datasources"):
            document[key] = value
    return document


def _checked(text: str, options: ExportOptions, findings: list[Finding]) -> list[Finding]:
    """Grafana's checks on the file as Grafana will read it (decoded back, variables left as they are),
    with the other files of the directory for the one-default rule; errors first."""
    files: list[tuple[str, list[dict[str, Any]]]] = []
    for sibling in options.sibling_files:
        try:
            decoded = decode_document(load_document(sibling), str(sibling), Expander())
            files.append((str(sibling), decoded.entries))
        except CqlscopeError as exc:
            findings.append(Finding("", Severity.WARNING, f"not checked against {sibling}: {exc.message}"))
    try:
        written = decode_document(goyaml.load(text), "the exported file", Expander(_KeepVariables(), _no_file))
        return validate_entries(written.entries, files) + findings
    except CqlscopeError as exc:
        return [Finding("", Severity.ERROR, exc.message), *findings]


class _KeepVariables(Mapping[str, str]):
    """An environment where every variable expands to its own `$NAME`, so checks see placeholders."""

    def __getitem__(self, name: str) -> str:
        return "$" + name

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def _no_file(path: str) -> str:
    return f"$__file{{{path}}}"


def export_options_for(output: Path | None, **settings: Any) -> ExportOptions:
    """Export options for a file written to `output`, used by the CLI and the GUI alike: every other
    .yaml/.yml file of its directory is a sibling Grafana reads with it (one default per org across them)."""
    siblings: list[Path] = []
    if output is not None and output.parent.is_dir():
        siblings = sorted(p for p in output.parent.iterdir()
                          if p.suffix in (".yaml", ".yml") and p.is_file() and p.resolve() != output.resolve())
    return ExportOptions(sibling_files=siblings, **settings)


def _lookup(lookup: SecretLookup | None, ds: DataSource, secret_field: str, findings: list[Finding]) -> str | None:
    assert lookup is not None
    try:
        return lookup(ds, secret_field)
    except SecretStoreError as exc:
        findings.append(Finding("", Severity.ERROR, f"{secret_field} cannot be read from the keyring: {exc.message}",
                                subject=ds.name))
        return None


def _env_value(value: str) -> str:
    """A value for a KEY=VALUE line: bare when safe, else single-quoted (shell and dotenv style)."""
    if value == "" or all(c.isalnum() or c in "_-.:/@+=,%" for c in value):
        return value
    return "'" + value.replace("'", "'\\''") + "'"


def _delete_entry(name: str, org: int) -> dict[str, Any]:
    return {"name": name, "orgId": org}


def _merge_deletes(existing: list[Any], new: list[dict[str, Any]]) -> list[Any]:
    result = list(existing)
    keys = {(str(e.get("name")), org_of(e)) for e in existing if isinstance(e, dict)}
    for entry in new:
        key = (entry["name"], entry["orgId"])
        if key not in keys:
            result.append(entry)
            keys.add(key)
    return result


def _merge_entries(others: list[dict[str, Any]], ours: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Existing entries kept in place, ours replacing those with the same (name, orgId), new ones appended."""
    ours_keys = [(str(entry["name"]), int(entry["orgId"])) for entry in ours]
    placed: set[int] = set()
    result: list[dict[str, Any]] = []
    for entry in others:
        key = (str(entry.get("name") or ""), org_of(entry))
        index = next((i for i, k in enumerate(ours_keys) if k == key and i not in placed), None)
        if index is None:
            result.append(entry)
        else:
            result.append(ours[index])
            placed.add(index)
    result.extend(entry for i, entry in enumerate(ours) if i not in placed)
    return result


class ExportWriteError(CqlscopeError):
    """The export file (or its env file) cannot be written; nothing partial is left where it was going."""

    title = "Cannot write the export"


def write_export(result: ExportResult, output: Path, env_file: Path | None = None) -> None:
    """Write the file (0600 when it holds secrets, else 0644) and the env file, both or neither; refuses when
    there are errors.

    Each file is replaced whole or not at all, and when the env file cannot be written the export file is put
    back as it was; an OSError (a directory, /proc, a read-only or full disk) becomes ExportWriteError naming the
    file.
    """
    if result.errors:
        raise ProvisioningError(result.errors)
    files = [(output, result.text, 0o600 if result.has_inline_secrets else 0o644)]
    if env_file is not None and result.env_text is not None:
        files.append((env_file, result.env_text, 0o600 if result.env_has_secrets else 0o644))
    written: list[_Previous] = []
    try:
        for path, text, mode in files:
            previous = _Previous.keep(path)
            try:
                write_file(path, text, mode)
            except BaseException:
                previous.discard()
                raise
            written.append(previous)
    except ExportWriteError as exc:
        undone = [done for previous in reversed(written) if (done := previous.restore())]
        if undone:
            raise ExportWriteError(f"{exc.message} {'; '.join(undone)}.") from None
        raise
    for previous in written:
        previous.discard()


class _Previous:
    """What a file was before an export replaced it: a hard link to its old content (same inode, so the same
    mode and owner), or that it did not exist; `restore` puts it back."""

    def __init__(self, path: Path, existed: bool, link: Path | None) -> None:
        self.path, self.existed, self.link = path, existed, link

    @classmethod
    def keep(cls, path: Path) -> _Previous:
        target = path.resolve() if path.is_symlink() else path
        if not target.is_file():
            return cls(target, target.exists(), None)
        link = target.parent / f".{target.name}.{os.getpid()}.previous"
        try:
            link.unlink(missing_ok=True)
            os.link(target, link)
        except OSError:
            return cls(target, True, None)  # cannot keep it: it cannot be put back either
        return cls(target, True, link)

    def restore(self) -> str:
        """Put the file back; says what was done ('' when it could not be)."""
        try:
            if self.link is not None:
                os.replace(self.link, self.path)
                self.link = None
                return f"{self.path} was put back as it was"
            if not self.existed:
                self.path.unlink(missing_ok=True)
                return f"{self.path}, written first, was removed again"
        except OSError:
            pass
        return ""

    def discard(self) -> None:
        if self.link is not None:
            self.link.unlink(missing_ok=True)
            self.link = None


def write_file(path: Path, text: str, mode: int) -> None:
    """Write one export file atomically; ExportWriteError with the reason and what to do instead of OSError."""
    try:
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text, mode)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ExportWriteError(f"cannot write {path}: {reason}. Nothing was written there: choose a writable file "
                               "path on a disk with free space (-o FILE), or export to standard output.") from None


def select(datasources: Sequence[DataSource], names: Sequence[str]) -> list[DataSource]:
    """The named data sources in the order given; NotFound-style errors as findings raise ProvisioningError."""
    by_name = {ds.name: ds for ds in datasources}
    missing = [name for name in names if name not in by_name]
    if missing:
        known = ", ".join(by_name) or "none"
        raise ProvisioningError([Finding("", Severity.ERROR, f"no data source named '{name}' (configured: {known})")
                                 for name in missing])
    seen: set[str] = set()
    result = []
    for name in names:
        if name not in seen:
            seen.add(name)
            result.append(by_name[name])
    return result

