"""Fuzzing the profile loader: any bytes, any YAML give a loaded profile or ProfileError, never anything else."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.config.datasource import DataSource
from core.config.profile_file import ProfileFile
from core.errors import ProfileError

FUZZ = settings(max_examples=150, deadline=timedelta(seconds=5), database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

_TOKENS = ["schema_version: 2\n", "schema_version: 1\n", "datasources:\n", "count: 1\n", "- ", "  ", "name: a\n",
           "uid: u-1\n", "hosts: [h]\n", "&a ", "*a", "[", "]", "{", "}", ",", ": ", "\n", "!!binary ",
           "!!python/name:os.system ", "2001-02-30", "'", '"', "\\x00", "\x00", "\ufeff", "\u202e",
           "# end of cqlscope profile: 1 data source\n",
           "? ", "|\n", "---\n", "...\n", "%YAML 1.1\n", "1e999", "-.inf", "0x", "~"]


def _load(data: bytes) -> list[DataSource] | ProfileError:
    with tempfile.TemporaryDirectory() as directory:
        profile = ProfileFile(Path(directory))
        profile.path.write_bytes(data)
        try:
            return profile.load()
        except ProfileError as exc:
            assert str(profile.path) in exc.message
            return exc


@FUZZ
@given(st.binary(max_size=2048))
def test_random_bytes(data: bytes) -> None:
    result = _load(data)
    assert isinstance(result, list | ProfileError)


@FUZZ
@given(st.lists(st.sampled_from(_TOKENS) | st.text(max_size=8), max_size=60))
def test_random_yaml_token_soup(parts: list[str]) -> None:
    result = _load("".join(parts).encode("utf-8", "surrogatepass"))
    assert isinstance(result, list | ProfileError)


_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=12)
_trees = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=30)
_FIELD_NAMES = [
    "name", "uid", "flavor", "hosts", "port", "keyspace", "consistency", "local_dc", "protocol_version",
    "connect_timeout", "request_timeout", "tls_enabled", "tls_ca_file", "tls_cert_file", "tls_key_file",
    "tls_verify_hostname", "scope", "is_default", "org_id", "editable", "colour",
]


@FUZZ
@given(st.dictionaries(st.sampled_from(_FIELD_NAMES), _trees, max_size=22), st.integers(0, 3), st.booleans())
def test_random_profile_shaped_documents(entry: dict[str, object], count: int, marker: bool) -> None:
    document = {"schema_version": 2, "datasources": [entry], "count": count}
    text = yaml.safe_dump(document, allow_unicode=True)
    if marker:
        text += f"# end of cqlscope profile: {count} data source{'' if count == 1 else 's'}\n"
    result = _load(text.encode("utf-8", "surrogatepass"))
    assert isinstance(result, list | ProfileError)
    if isinstance(result, list):
        assert count == 1 and marker and len(result) == 1


@FUZZ
@given(_trees)
def test_random_yaml_trees(tree: object) -> None:
    result = _load(yaml.safe_dump(tree, allow_unicode=True).encode("utf-8", "surrogatepass"))
    assert isinstance(result, ProfileError)  # none of these is a complete profile
