"""Throughput of `interpose report`'s aggregation, side by side with DuckDB's `read_json`.

Generates a realistic log (one million lines by default: ~50 limitations, ~2,000
call sites, ~200 processes writing first lines and closing totals, interleaved in
time as processes appending to one file do), then times, on the same file:
- interpose: reading, parsing, exact (additive) totals per (limitation, call site) and the default view,
  with its compiled accelerator (if built) and in pure Python;
- DuckDB (if importable): the same two-level aggregation with `read_json`, on one
  thread and on all threads, checking that its grand total equals ours.

Run: .venv/bin/python benchmarks/report_throughput.py [--events N] [--keep DIR | --log FILE] [--runs N]
Each contender runs several times, interleaved, and the best and median events/s are printed: on a
shared machine the best is the least disturbed run.  Nothing here is a test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from itertools import accumulate
from pathlib import Path

from interpose.report import _speedups
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


def time_interpose(path: Path, accelerate: bool) -> tuple[float, float, int, int]:
    """Wall and CPU seconds for read + aggregate + default view, the grand total, and the number of view rows.

    CPU time is shown beside wall time because the machines this runs on are often shared.
    """
    began, cpu = time.perf_counter(), time.process_time()
    aggregator = Aggregator(Filters(), views=DEFAULT_GROUP_BY, accelerate=accelerate)
    read_inputs([str(path)], aggregator.feed)
    rows = aggregator.view(DEFAULT_GROUP_BY)
    return time.perf_counter() - began, time.process_time() - cpu, aggregator.events, len(rows)


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


def _rates(lines: int, seconds: list[float]) -> str:
    """Best and median events/s of several runs: the best is the least disturbed, the median the typical."""
    return f"best {lines / min(seconds):10,.0f}  median {lines / statistics.median(seconds):10,.0f} events/s"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1_000_000, help="lines to generate")
    parser.add_argument("--keep", type=Path, help="write the log here instead of a temporary folder")
    parser.add_argument("--log", type=Path, help="time this existing log instead of generating one")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each contender, interleaved")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        if args.log:
            path, expected = args.log, None
            lines = sum(1 for line in path.open("rb") if line.strip())
        else:
            path = (args.keep or Path(scratch)) / "events.jsonl"
            path.parent.mkdir(parents=True, exist_ok=True)
            began = time.perf_counter()
            expected, lines = write_log(path, args.events)
            print(f"generated {lines:,} lines in {time.perf_counter() - began:.1f} s")
        print(f"{path}: {lines:,} lines, {path.stat().st_size / 1e6:.0f} MB; {args.runs} interleaved runs each")
        modes = {"accelerated": True, "pure Python": False} if _speedups.lib is not None else {"pure Python": False}
        if _speedups.lib is None:
            print(f"accelerator not built ({_speedups.missing()}): pure Python only")
        walls: dict[str, list[float]] = {mode: [] for mode in modes}
        cpus: dict[str, list[float]] = {mode: [] for mode in modes}
        duck: dict[str, list[float]] = {"1 thread": [], "all threads": []}
        for run in range(args.runs):
            report = [f"run {run + 1}:"]
            for mode, accelerate in modes.items():
                wall, cpu, total, groups = time_interpose(path, accelerate)
                assert expected is None or total == expected, (total, expected)
                walls[mode].append(wall)
                cpus[mode].append(cpu)
                report.append(f"{mode} {lines / wall:10,.0f}/s (cpu {lines / cpu:10,.0f}/s)")
            for label, threads in (("1 thread", 1), ("all threads", None)):
                result = time_duckdb(path, threads)
                if result is None:
                    continue
                seconds, duck_total, duck_groups = result
                duck[label].append(seconds)
                same = "" if (duck_total, duck_groups) == (total, groups) else " TOTALS DIFFER"
                report.append(f"duckdb {label} {lines / seconds:10,.0f}/s{same}")
            print("  ".join(report), flush=True)
        print()
        for mode in modes:
            print(f"interpose {mode:<12} 1 thread : {_rates(lines, walls[mode])}  ({groups:,} rows)")
            print(f"  (cpu time)                   : {_rates(lines, cpus[mode])}")
        first = next(iter(modes))
        if not duck["1 thread"]:
            print("duckdb: not importable (pip install duckdb to compare)")
        for label, seconds in duck.items():
            if seconds:
                ratio = statistics.median(seconds) / statistics.median(walls[first])
                speed = f"median speed interpose ({first})/duckdb {ratio:.2f}x"
                print(f"duckdb read_json   {label:<11}: {_rates(lines, seconds)}  ({speed})")


if __name__ == "__main__":
    main()
