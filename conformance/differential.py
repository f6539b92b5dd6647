"""A live differential round: fresh random cases (a new seed) through Grafana's packages and through cqlscope.

Run by `make conformance` after the vectors are regenerated (Node and conformance/js/node_modules needed):

    python -m conformance.differential [--seed N] [--interpolation N] [--timerange N]

Every mismatch is minimised (variables, expressions, interval and values dropped while cqlscope and
Grafana still disagree, Grafana re-run on each candidate) and printed; the exit code is 1 when any remains.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from conformance.frontend import load_cases, run_interpolation, run_time
from core.grafana.templating import VARIABLE_PATTERN

JS_DIR = Path(__file__).resolve().parent / "js"
Case = dict[str, Any]
_MISSING = object()


def generate(seed: int, interpolation: int, timerange: int, out: Path) -> None:
    """Fresh cases and Grafana's outputs from generate.js."""
    subprocess.run(["node", "generate.js", "--seed", str(seed), "--out", str(out), "--interpolation",
                    str(interpolation), "--timerange", str(timerange)], cwd=JS_DIR, check=True)


def grafana_outputs(kind: str, cases: list[Case]) -> list[Any]:
    """Grafana's output for each case (_MISSING where Grafana throws), one Node process per browser zone."""
    results: list[Any] = [_MISSING] * len(cases)
    by_zone: dict[str, list[int]] = {}
    for index, case in enumerate(cases):
        by_zone.setdefault(case["browser_timezone"], []).append(index)
    with tempfile.TemporaryDirectory() as scratch:
        for zone, indexes in by_zone.items():
            path = Path(scratch) / "cases.json"
            path.write_text(json.dumps({kind: [cases[i] for i in indexes]}), encoding="utf-8")
            env = {**os.environ, "TZ": zone, "NODE_ENV": "production"}
            done = subprocess.run(["node", "generate.js", "--eval", str(path)], cwd=JS_DIR, env=env, check=True,
                                  capture_output=True, text=True)
            for index, answer in zip(indexes, json.loads(done.stdout)[kind], strict=True):
                results[index] = answer["value"] if answer["ok"] else _MISSING
    return results


def cqlscope_output(kind: str, case: Case) -> Any:
    runner = run_interpolation if kind == "interpolation" else run_time
    try:
        return runner(case)
    except Exception as error:  # a crash is a finding, reported like a mismatch
        return f"<{type(error).__name__}: {error}>"


def _candidates(case: Case) -> Iterator[Case]:
    """Smaller versions of an interpolation case: fewer expressions, variables, values and settings."""
    text = case["text"]
    for match in VARIABLE_PATTERN.finditer(text):
        if match.group(0) != text:
            yield {**case, "text": match.group(0)}
    for name in case["variables"]:
        yield {**case, "variables": {key: value for key, value in case["variables"].items() if key != name}}
    for name, spec in case["variables"].items():
        values = spec if isinstance(spec, list) else spec.get("value") if isinstance(spec, dict) else None
        if isinstance(values, list) and len(values) > 1:
            for drop in range(len(values)):
                kept = values[:drop] + values[drop + 1:]
                smaller: Any = kept if isinstance(spec, list) else {**spec, "value": kept, **(
                    {"text": spec["text"][:drop] + spec["text"][drop + 1:]} if isinstance(spec.get("text"), list)
                    else {})}
                yield {**case, "variables": {**case["variables"], name: smaller}}
        if isinstance(spec, dict) and spec.get("options"):
            yield {**case, "variables": {**case["variables"], name: {**spec, "options": []}}}
    if case["interval"] is not None:
        yield {**case, "interval": None}
    if case["format"] is not None:
        yield {**case, "format": None}


def minimise(case: Case, rounds: int = 6) -> Case:
    """Greedy reduction of a failing interpolation case while Grafana and cqlscope still disagree."""
    for _ in range(rounds):
        candidates = list(_candidates(case))
        if not candidates:
            break
        expected = grafana_outputs("interpolation", candidates)
        for candidate, grafana in zip(candidates, expected, strict=True):
            if grafana is not _MISSING and cqlscope_output("interpolation", candidate) != grafana:
                case = {**candidate, "expected": grafana}
                break
        else:
            break
    return case


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seed", type=int, default=None, help="seed of the round (default: a new random one)")
    parser.add_argument("--interpolation", type=int, default=400, help="interpolation cases (default 400)")
    parser.add_argument("--timerange", type=int, default=160, help="time cases (default 160)")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    found = 0
    with tempfile.TemporaryDirectory() as scratch:
        generate(seed, args.interpolation, args.timerange, Path(scratch))
        for kind in ("interpolation", "timerange"):
            cases = load_cases(f"{kind}.json", Path(scratch))
            failed = [case for case in cases if cqlscope_output(kind, case) != case["expected"]]
            print(f"differential round, seed {seed}: {kind}: {len(cases)} cases, {len(failed)} mismatch(es)")
            for case in failed:
                found += 1
                small = minimise(case) if kind == "interpolation" else case
                print("  case:    " + json.dumps({k: v for k, v in small.items() if k != "expected"},
                                                 ensure_ascii=False))
                print("  grafana: " + json.dumps(small["expected"], ensure_ascii=False))
                print("  cqlscope:" + json.dumps(cqlscope_output(kind, small), ensure_ascii=False))
    if found:
        print(f"{found} mismatch(es); rerun with --seed {seed}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
