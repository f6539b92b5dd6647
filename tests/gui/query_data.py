"""Data for the query tester tests: a workspace with a local data source, a small table of sensor
readings and a persistent table of 1,000,000 rows."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.config.datasource import DataSource, Flavor
from core.config.secrets import SecretStore
from core.config.workspace import Workspace
from tests.support import LocalNode

MILLION_KEYSPACE = "cqlscope_query_1m"
MILLION_TABLE = f"{MILLION_KEYSPACE}.points"
PARTITIONS = 1000
ROWS_PER_PARTITION = 1000
BATCH_ROWS = 250
BASE_MS = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp() * 1000)
SENSORS = ("s1", "s2", "s3")
DAY = "2024-05-01"
DAY_START_MS = int(datetime(2024, 5, 1, tzinfo=UTC).timestamp() * 1000)
MINUTES = 120  # readings per sensor: 00:00 to 01:59, one a minute


def local_workspace(config_dir: Path, secrets: SecretStore, node: LocalNode, *, name: str = "local",
                    flavor: Flavor = Flavor.CASSANDRA) -> Workspace:
    """A workspace whose one data source points at the local node with the superuser's credentials."""
    workspace = Workspace(config_dir, secrets)
    workspace.store.load()
    workspace.store.add(DataSource(name=name, hosts=[node.host], flavor=flavor))
    workspace.store.set_secret(name, "user", node.user)
    workspace.store.set_secret(name, "password", node.password)
    return workspace


def create_sensor_table(admin_session: Any, scratch_keyspace: str) -> str:
    """`<ks>.readings`: sensors s1..s3, one reading a minute from 00:00 to 01:59 on 2024-05-01."""
    table = f"{scratch_keyspace}.readings"
    admin_session.execute(f"CREATE TABLE {table} (sensor text, day date, ts timestamp, value double, "
                          "PRIMARY KEY ((sensor, day), ts))")
    insert = admin_session.prepare(f"INSERT INTO {table} (sensor, day, ts, value) VALUES (?, ?, ?, ?)")
    for number, sensor in enumerate(SENSORS):
        for minute in range(MINUTES):
            admin_session.execute(insert, (sensor, DAY, DAY_START_MS + minute * 60_000, number * 100.0 + minute))
    return table


def ensure_million_rows(session: Any) -> float:
    """Create and fill the 1,000,000-row table unless it is already complete; returns the seconds spent.

    1000 partitions x 1000 rows, unlogged single-partition batches executed concurrently. The keyspace is
    kept between runs (a marker row says it is complete) so tests and the benchmark reuse it.
    """
    from cassandra.concurrent import execute_concurrent
    from cassandra.query import BatchStatement, BatchType

    started = time.perf_counter()
    session.execute(f"CREATE KEYSPACE IF NOT EXISTS {MILLION_KEYSPACE} WITH replication = "
                    "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.execute(f"CREATE TABLE IF NOT EXISTS {MILLION_TABLE} (part int, ts timestamp, value double, "
                    "PRIMARY KEY (part, ts))")
    session.execute(f"CREATE TABLE IF NOT EXISTS {MILLION_KEYSPACE}.loaded (id int PRIMARY KEY, total bigint)")
    marker = session.execute(f"SELECT total FROM {MILLION_KEYSPACE}.loaded WHERE id = 1").one()
    if marker is not None and marker[0] == PARTITIONS * ROWS_PER_PARTITION:
        return time.perf_counter() - started
    insert = session.prepare(f"INSERT INTO {MILLION_TABLE} (part, ts, value) VALUES (?, ?, ?)")

    def batches() -> Iterator[tuple[Any, tuple[()]]]:
        for part in range(PARTITIONS):
            for first in range(0, ROWS_PER_PARTITION, BATCH_ROWS):
                batch = BatchStatement(batch_type=BatchType.UNLOGGED)
                for i in range(first, first + BATCH_ROWS):
                    n = part * ROWS_PER_PARTITION + i
                    batch.add(insert, (part, BASE_MS + n * 1000, 100 * math.sin(n / 20_000) + (n % 97)))
                yield batch, ()

    results = execute_concurrent(session, batches(), concurrency=48, raise_on_first_error=True,
                                 results_generator=True)
    for ok, _ in results:
        assert ok
    session.execute(f"INSERT INTO {MILLION_KEYSPACE}.loaded (id, total) VALUES (1, {PARTITIONS * ROWS_PER_PARTITION})")
    return time.perf_counter() - started
