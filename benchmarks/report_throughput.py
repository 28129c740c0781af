"""Throughput of `interpose report`'s aggregation, side by side with DuckDB's `read_json`.

Generates a realistic log (one million lines by default: ~50 limitations, ~2,000
call sites, ~200 processes writing first lines and closing totals, interleaved in
time as processes appending to one file do), then times, on the same file:
- interpose: reading, parsing, exact totals per (run, site) and the default view;
- DuckDB (if importable): the same two-level aggregation with `read_json`, on one
  thread and on all threads, checking that its grand total equals ours.

Run: .venv/bin/python benchmarks/report_throughput.py [--events N] [--keep DIR]
Nothing here is a test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from itertools import accumulate
from pathlib import Path

from interpose.report.aggregate import Aggregator
from interpose.report.filters import Filters
from interpose.report.model import DEFAULT_GROUP_BY
from interpose.report.reading import read_inputs

LEVELS = ("INFO", "FINE", "FINER", "WARNING")
WHATS = ("process.fork", "fs.chmod", "fs.utime", "fd.inheritable", "stat.ino", "env.putenv", "proc.umask")


def _limitations(rng: random.Random, number: int) -> list[tuple[str, str, str]]:
    """(id, level, function) for `number` catalog entries."""
    out = []
    for index in range(number):
        family = WHATS[index % len(WHATS)]
        out.append((f"{family}.case{index}", rng.choice(LEVELS), f"os.{family.split('.')[1]}"))
    return out


def _callsites(rng: random.Random, number: int) -> list[dict[str, object]]:
    modules = [f"/home/ci/project/src/app/pkg{i % 12}/mod{i}.py" for i in range(120)]
    modules += [f"/usr/lib/python3.11/site-packages/lib{i}/core.py" for i in range(30)]
    return [
        {"file": rng.choice(modules), "line": rng.randint(1, 2000), "function": f"fn_{rng.randint(0, 500)}"}
        for _ in range(number)
    ]


def write_log(
    path: Path, lines: int, *, runs: int = 200, sites: int = 2000, seed: int = 7
) -> tuple[int, int]:
    """Write a realistic log of about `lines` event lines; return (exact total of hits, lines written)."""
    rng = random.Random(seed)
    limitations = _limitations(rng, 50)
    callsites = _callsites(rng, sites)
    pairs = [(limitation, site) for site in callsites for limitation in rng.sample(limitations, 2)]
    popularity = list(accumulate(1 / (rank + 1) ** 0.6 for rank in range(len(pairs))))
    tests = [f"tests/test_m{module}.py::test_{case}" for module in range(8) for case in range(5)]
    per_run = lines // runs
    events: list[tuple[float, str]] = []
    total = 0
    for number in range(runs):
        pid = 1000 + number * 7 % 30000
        start = 1_764_000_000 + number * 20.0
        run = f"{pid}-{int(start * 1e9)}"
        backend = "java" if number % 3 else "native"
        seen: set[tuple[int, str | None]] = set()
        written = 0
        for index in rng.choices(range(len(pairs)), cum_weights=popularity, k=per_run * 4):
            test = rng.choice(tests) if number % 4 == 0 else None
            if written >= per_run or (index, test) in seen:
                continue
            seen.add((index, test))
            (limitation, level, function), site = pairs[index]
            hits = 1 if rng.random() < 0.5 or written + 1 == per_run else rng.randint(2, 400)
            total += hits
            fields = {
                "schema": 1, "ts": "", "level": level, "limitation": limitation, "function": function,
                "backend": backend, "policy": "warn", "outcome": "allowed",
                "message": f"{function} is not fully supported on GraalPy's {backend} backend",
                "callsite": site, "pid": pid, "run": run, "thread": "MainThread",
            }  # fmt: skip
            for count, final, moment in ((1, False, start + rng.random() * 290), (hits, True, start + 300)):
                if final and hits == 1:
                    break
                stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(moment))
                line = {**fields, "ts": f"{stamp}.{rng.randrange(10**6):06d}Z", "count": count, "final": final}
                if test is not None:
                    line["test"] = test
                events.append((moment, json.dumps(line, separators=(",", ":"), ensure_ascii=False)))
                written += 1
    events.sort(key=lambda item: item[0])
    with path.open("w", encoding="utf-8") as out:
        out.writelines(text + "\n" for _, text in events)
    return total, len(events)


def time_interpose(path: Path) -> tuple[float, int, int]:
    """Seconds for read + aggregate + default view, the grand total, and the number of view rows."""
    began = time.perf_counter()
    aggregator = Aggregator(Filters())
    read_inputs([str(path)], aggregator.feed)
    rows = aggregator.view(DEFAULT_GROUP_BY)
    return time.perf_counter() - began, aggregator.events, len(rows)


DUCKDB_QUERY = """
WITH lines AS (
  SELECT * FROM read_json(?, format='newline_delimited', columns={
    schema: 'INTEGER', ts: 'VARCHAR', level: 'VARCHAR', limitation: 'VARCHAR', backend: 'VARCHAR',
    callsite: 'STRUCT(file VARCHAR, line BIGINT, "function" VARCHAR)', pid: 'BIGINT', run: 'VARCHAR',
    count: 'BIGINT', test: 'VARCHAR'})
  WHERE schema = 1
), keys AS (
  SELECT run, limitation, level, backend, callsite.file AS file, callsite.line AS line,
         callsite."function" AS fn, test, max(count) AS hits, min(ts) AS first, max(ts) AS last
  FROM lines GROUP BY ALL
)
SELECT limitation, file, line, fn, sum(hits) AS events, count(DISTINCT run) AS processes,
       min(first) AS first, max(last) AS last
FROM keys GROUP BY limitation, file, line, fn
"""


def time_duckdb(path: Path, threads: int | None) -> tuple[float, int, int] | None:
    """Seconds for the same aggregation in DuckDB, its grand total and row count; None without duckdb."""
    try:
        import duckdb
    except ImportError:
        return None
    connection = duckdb.connect()
    if threads:
        connection.execute(f"SET threads={threads}")
    began = time.perf_counter()
    rows = connection.execute(DUCKDB_QUERY, [str(path)]).fetchall()
    elapsed = time.perf_counter() - began
    return elapsed, sum(int(row[4]) for row in rows), len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1_000_000, help="lines to generate")
    parser.add_argument("--keep", type=Path, help="write the log here instead of a temporary folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        path = (args.keep or Path(scratch)) / "events.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        began = time.perf_counter()
        expected, lines = write_log(path, args.events)
        size = path.stat().st_size
        print(f"generated {lines:,} lines ({size / 1e6:.0f} MB) in {time.perf_counter() - began:.1f} s")
        ours, total, groups = time_interpose(path)
        assert total == expected, (total, expected)
        rate = lines / ours
        print(f"interpose report   1 thread : {ours:6.2f} s  {rate:12,.0f} events/s  ({groups:,} rows)")
        for threads in (1, None):
            result = time_duckdb(path, threads)
            if result is None:
                print("duckdb: not importable (pip install duckdb to compare)")
                break
            seconds, duck_total, duck_groups = result
            label = f"{threads} thread " if threads else "all threads"
            same = "same totals" if (duck_total, duck_groups) == (total, groups) else "TOTALS DIFFER"
            print(
                f"duckdb read_json   {label}: {seconds:6.2f} s  {lines / seconds:12,.0f} events/s"
                f"  ratio interpose/duckdb {seconds / ours:5.2f}x  ({same})"
            )


if __name__ == "__main__":
    main()
