"""CSV export speed against the anchors, on the local cluster: `cqlscope query --format csv`, the bare
cassandra-driver loop (tuple_factory, fetch only), cqlsh `COPY TO`, and, where Go is installed, the ScyllaDB
plugin's Go query path (shared/bench/go-plugin-path). Runs alternate, each round in another order, after a
round that is not counted (the nodes' JIT and caches warm up, and a table just loaded is flushed and compacted
while it runs); medians, ratios and peak memory are printed with pass/fail against the targets of the
performance issue.

    .venv/bin/python -m bench.bench_cli_csv [--rows 815677] [--rounds 5] [--warmup 1] [--go-path DIR]

The table `benchks.ts` (text, timestamp, double, int) is created once and kept between runs.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HOST, USER, PASSWORD = "127.0.0.1", "cassandra", "cassandra"  # the local test node (scripts/local-cassandra)
TABLE = "benchks.ts"
QUERY = f"SELECT sensor, ts, value, count FROM {TABLE}"
TARGETS = {"driver": 1.15, "cqlsh": 1 / 3.5}  # cqlscope wall time at most these multiples
MAX_RSS_MIB = 150
SENSORS, BATCH_ROWS = 500, 50

DRIVER_LOOP = f"""
from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import Cluster, ExecutionProfile, EXEC_PROFILE_DEFAULT
from cassandra.query import tuple_factory, SimpleStatement
cluster = Cluster(['{HOST}'], auth_provider=PlainTextAuthProvider('{USER}', '{PASSWORD}'),
                  execution_profiles={{EXEC_PROFILE_DEFAULT: ExecutionProfile(row_factory=tuple_factory)}})
session = cluster.connect()
rows = 0
for row in session.execute(SimpleStatement('{QUERY}', fetch_size=5000), timeout=60):
    rows += 1
print(rows)
cluster.shutdown()
"""


def ensure_table(rows: int) -> None:
    """Create and fill benchks.ts unless it already holds `rows` rows."""
    from cassandra.auth import PlainTextAuthProvider
    from cassandra.cluster import Cluster
    from cassandra.concurrent import execute_concurrent
    from cassandra.query import BatchStatement, BatchType

    cluster = Cluster([HOST], auth_provider=PlainTextAuthProvider(USER, PASSWORD))
    session = cluster.connect()
    session.execute("CREATE KEYSPACE IF NOT EXISTS benchks WITH replication = "
                    "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (sensor text, ts timestamp, value double, count int, "
                    "PRIMARY KEY (sensor, ts))")
    session.execute("CREATE TABLE IF NOT EXISTS benchks.loaded (id int PRIMARY KEY, total int)")
    marker = session.execute("SELECT total FROM benchks.loaded WHERE id = 1").one()
    if marker is None or marker[0] != rows:
        print(f"loading {rows:,} rows into {TABLE} ...", flush=True)
        session.default_timeout = 120
        session.execute(f"TRUNCATE {TABLE}")
        insert = session.prepare(f"INSERT INTO {TABLE} (sensor, ts, value, count) VALUES (?, ?, ?, ?)")
        base = 1_704_067_200_000
        by_sensor: dict[int, list[int]] = {}
        for n in range(rows):
            by_sensor.setdefault(n % SENSORS, []).append(n)
        # Single-partition unlogged batches (cheap for the server), retried when a loaded machine times out.
        pending = []
        for sensor, numbers in by_sensor.items():
            for start in range(0, len(numbers), BATCH_ROWS):
                batch = BatchStatement(batch_type=BatchType.UNLOGGED)
                for n in numbers[start:start + BATCH_ROWS]:
                    batch.add(insert, (f"sensor-{sensor}", base + n * 1000, n * 0.25, n))
                pending.append((batch,))
        for _attempt in range(5):
            results = execute_concurrent(session, [(b[0], ()) for b in pending], concurrency=16,
                                         raise_on_first_error=False)
            pending = [item for item, (ok, _) in zip(pending, results, strict=True) if not ok]
            if not pending:
                break
            print(f"  retrying {len(pending)} batches that timed out", flush=True)
        if pending:
            raise SystemExit(f"could not load {TABLE}: {len(pending)} batches kept failing")
        session.execute(f"INSERT INTO benchks.loaded (id, total) VALUES (1, {rows})")
    cluster.shutdown()


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB, VmHWM of the exec'd program, sampled) of one child process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak_kib = 0
    status_file = Path(f"/proc/{process.pid}/status")
    while process.poll() is None:
        try:
            for line in status_file.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak_kib = max(peak_kib, int(line.split()[1]))
        except (OSError, ValueError):
            pass
        time.sleep(0.02)
    wall = time.perf_counter() - started
    if process.returncode != 0:
        stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
        raise SystemExit(f"{command[0]} failed: {stderr[-2000:]}")
    return wall, peak_kib / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=815_677)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1, help="rounds run first and not counted")
    parser.add_argument("--go-path", default=str(REPO.parent / "shared" / "bench" / "go-plugin-path"))
    args = parser.parse_args()
    ensure_table(args.rows)
    # Byte-compiled once, as an installed package is: with PYTHONDONTWRITEBYTECODE set, each run would compile
    # cqlscope's modules again (about 0.2 s), while the driver loop's site-packages are compiled at install.
    compileall.compile_dir(REPO / "core", quiet=1)
    config = Path(tempfile.mkdtemp(prefix="cqlscope-bench-"))
    env = {**os.environ, "CQLSCOPE_CONFIG_DIR": str(config)}
    python = sys.executable
    subprocess.run([python, "-m", "core.cli", "datasource", "add", "bench", "--hosts", HOST], env=env, check=True,
                   capture_output=True)
    keyring_note = ""
    for field, value in (("user", USER), ("password", PASSWORD)):
        done = subprocess.run([python, "-m", "core.cli", "datasource", "set-secret", "bench", field, "--stdin"],
                              input=value + "\n", text=True, env=env, capture_output=True)
        if done.returncode != 0:
            keyring_note = done.stderr.strip()
    if keyring_note:
        raise SystemExit(f"the benchmark needs a keyring for the data source's secrets: {keyring_note}")
    commands = {
        "cqlscope": [python, "-m", "core.cli", "query", "bench", "--format", "csv", "--timeout", "600", QUERY],
        "driver": [python, "-c", DRIVER_LOOP],
        "cqlsh": [str(Path(python).parent / "cqlsh"), HOST, "-u", USER, "-p", PASSWORD, "-e",
                  f"COPY {TABLE} (sensor, ts, value, count) TO '/dev/null' WITH PAGESIZE=5000"],
    }
    go_dir = Path(args.go_path)
    if shutil.which("go") and (go_dir / "main.go").exists():
        binary = Path(tempfile.mkdtemp(prefix="go-plugin-path-")) / "go-plugin-path"
        subprocess.run(["go", "build", "-o", str(binary), "."], cwd=go_dir, check=True)
        commands["go"] = [str(binary), QUERY, HOST]
    walls: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, float] = dict.fromkeys(commands, 0.0)
    names = list(commands)
    for round_number in range(-args.warmup, args.rounds):
        shift = round_number % len(names)  # each tool runs first, second, ... in turn: none always follows cqlsh
        for name in names[shift:] + names[:shift]:
            wall, rss = timed(commands[name], env)
            label = "warm-up" if round_number < 0 else f"round {round_number + 1}"
            print(f"{label}: {name:9} {wall:6.2f} s  {rss:6.0f} MiB", flush=True)
            if round_number < 0:
                continue
            walls[name].append(wall)
            peaks[name] = max(peaks[name], rss)
    medians = {name: statistics.median(values) for name, values in walls.items()}
    print(f"\nmedians of {args.rounds} alternating runs, {args.rows:,} rows x 4 columns:")
    for name, value in medians.items():
        print(f"  {name:9} {value:6.2f} s  peak {peaks[name]:5.0f} MiB  cqlscope/{name} = "
              f"{medians['cqlscope'] / value:.2f}x")
    checks = [
        (f"CSV within {TARGETS['driver']}x the bare driver loop",
         medians["cqlscope"] <= TARGETS["driver"] * medians["driver"]),
        ("at least 3.5x faster than cqlsh COPY TO", medians["cqlscope"] * 3.5 <= medians["cqlsh"]),
        (f"peak memory at most {MAX_RSS_MIB} MiB", peaks["cqlscope"] <= MAX_RSS_MIB),
    ]
    if "go" in medians:
        checks.append(("stretch: at or below the Go plugin path", medians["cqlscope"] <= medians["go"]))
    for label, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
