"""The statement classifier: which CQL statements change data, schema or permissions (the GUI asks first)."""

from __future__ import annotations

import pytest

from core.cql.statements import classify


@pytest.mark.parametrize(("text", "keyword", "effect"), [
    ("SELECT * FROM ks.t", "SELECT", "read"),
    ("  select ts from t", "SELECT", "read"),
    ("-- last hour\nSELECT 1 FROM t", "SELECT", "read"),
    ("/* note */ (SELECT x FROM t)", "SELECT", "read"),
    ("DESCRIBE KEYSPACES", "DESCRIBE", "read"),
    ("LIST ROLES", "LIST", "read"),
    ("USE ks", "USE", "read"),
    ("INSERT INTO t (a) VALUES (1)", "INSERT", "data"),
    ("update t set a = 1 where k = 2", "UPDATE", "data"),
    ("DELETE FROM ks.t WHERE k = 1", "DELETE", "data"),
    ("// gone\ntruncate ks.t", "TRUNCATE", "data"),
    ("BEGIN BATCH INSERT INTO t (a) VALUES (1); APPLY BATCH", "BEGIN", "data"),
    ("DROP TABLE ks.t", "DROP", "schema"),
    ("ALTER TABLE t ADD c int", "ALTER", "schema"),
    ("CREATE KEYSPACE k WITH replication = {}", "CREATE", "schema"),
    ("GRANT SELECT ON ks.t TO r", "GRANT", "access"),
    ("REVOKE ALL ON ks.t FROM r", "REVOKE", "access"),
    ("frobnicate the cluster", "FROBNICATE", "unknown"),
    ("/* only a comment", "", "read"),
    ("", "", "read"),
    ("123", "", "unknown"),
])
def test_statement_kinds(text: str, keyword: str, effect: str) -> None:
    kind = classify(text)
    assert (kind.keyword, kind.effect) == (keyword, effect)
    assert kind.changes_something == (effect != "read")


def test_description_names_the_keyword() -> None:
    assert classify("drop table t").describe() == "changes the schema (DROP)"
    assert classify("DELETE FROM t WHERE k = 1").describe() == "changes data (DELETE)"
