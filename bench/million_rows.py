"""The persistent 1,000,000-row table the benchmarks and the big-result tests share, on the local Cassandra."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

MILLION_KEYSPACE = "cqlscope_query_1m"
MILLION_TABLE = f"{MILLION_KEYSPACE}.points"
PARTITIONS = 1000
ROWS_PER_PARTITION = 1000
BATCH_ROWS = 250
BASE_MS = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp() * 1000)


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
