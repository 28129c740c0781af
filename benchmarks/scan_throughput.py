"""Throughput of `python -m interpose scan` on CPython's own Lib/: lines per second per core, cold and cached.

Measured side by side in one run, each in a child process (its CPU time from
getrusage, pool workers included):
- cold, one process (`--jobs 1`, empty cache): lines per CPU second, the figure per core;
- cold, every core (`--jobs N`, empty cache): wall time and CPU time;
- cached (`--jobs N`, the cache the cold run left): wall time, the "unchanged tree" case;
- for scale, `ast.parse` of every file in this process: the floor of a scanner that parses everything.

Run: .venv/bin/python benchmarks/scan_throughput.py [LIB] [--backend native|java] [--rounds N]
LIB defaults to the 3.13 standard library under pyenv (`pyenv prefix 3.13.*`), else the running
interpreter's.  Nothing here is a test: the figures depend on the machine and on what else runs.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import resource
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from interpose.scan.engine import default_jobs


def default_lib() -> Path:
    try:
        prefix = subprocess.run(["pyenv", "prefix", "3.13"], capture_output=True, text=True, check=True).stdout
        lib = Path(prefix.strip().splitlines()[0]) / "lib" / "python3.13"
        if lib.is_dir():
            return lib
    except (OSError, subprocess.CalledProcessError, IndexError):
        pass
    return Path(sysconfig.get_paths()["stdlib"])


def scan(lib: Path, backend: str, jobs: int, cache: Path, use_cache: bool) -> tuple[float, float, dict[str, object]]:
    """(wall seconds, CPU seconds of the child and its workers, the JSON document) of one scan."""
    argv = [sys.executable, "-m", "interpose", "scan", str(lib), "--format", "json", "--backend", backend]
    argv += ["--jobs", str(jobs)] + ([] if use_cache else ["--no-cache"])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        argv, capture_output=True, text=True, check=True, env={**os.environ, "XDG_CACHE_HOME": str(cache)}
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    document: dict[str, object] = json.loads(done.stdout)
    return wall, cpu, document


def parse_everything(lib: Path) -> tuple[float, int]:
    """CPU seconds to `ast.parse` every file that parses, and its lines."""
    texts = []
    for path in lib.rglob("*.py"):
        try:
            texts.append(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
    start = time.process_time()
    lines = 0
    for text in texts:
        try:
            ast.parse(text)
        except (SyntaxError, ValueError, RecursionError):
            continue
        lines += text.count("\n")
    return time.process_time() - start, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lib", nargs="?", type=Path, default=None)
    parser.add_argument("--backend", default="native", choices=("native", "java"))
    parser.add_argument("--rounds", type=int, default=2, help="each measure this many times, best kept")
    args = parser.parse_args()
    lib: Path = args.lib or default_lib()
    jobs = default_jobs()
    print(f"scanning {lib} for the {args.backend} backend, {jobs} cores available, best of {args.rounds}")
    best: dict[str, tuple[float, float]] = {}
    document: dict[str, object] = {}
    for _ in range(args.rounds):
        cache = Path(tempfile.mkdtemp(prefix="scan-bench-"))
        try:
            for name, jobs_used, use_cache in (("cold, 1 process", 1, False), (f"cold, {jobs} processes", jobs, True),
                                               (f"cached, {jobs} processes", jobs, True)):  # fmt: skip
                wall, cpu, document = scan(lib, args.backend, jobs_used, cache, use_cache)
                if name not in best or wall < best[name][0]:
                    best[name] = (wall, cpu)
        finally:
            shutil.rmtree(cache, ignore_errors=True)
    lines = int(str(document["lines"]))
    print(
        f"{document['files']} files, {lines} lines, {len(document['findings'])} findings, skipped {document['skipped']}"
    )  # type: ignore[arg-type]
    for name, (wall, cpu) in best.items():
        print(f"  {name:<22} wall {wall:7.2f} s   CPU {cpu:7.2f} s   {lines / cpu:10,.0f} lines per CPU second")
    parse_cpu, parsed = parse_everything(lib)
    print(f"  {'ast.parse of all':<22} CPU {parse_cpu:7.2f} s   {parsed / parse_cpu:10,.0f} lines per CPU second")
    cold = best["cold, 1 process"][1]
    print(f"  the scan's CPU time is {cold / parse_cpu:.2f}x that of parsing every file once")


if __name__ == "__main__":
    main()
