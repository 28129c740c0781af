"""Files to findings: read and hash each file, take what the cache has, scan the rest on every core.

The main process reads every file (to hash it and count its lines); files the
cache does not know are scanned in a pool of spawned processes (spawn: safe
whatever threads the caller runs, and the same on every platform), in batches of
about equal size, or in this process when there is too little work to pay for
starting the pool.  A file that cannot be read, decoded or parsed becomes a
Problem; nothing stops the scan.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from interpose.compat.catalog_static import StaticRules
from interpose.scan.cache import Cache, Entry, content_hash
from interpose.scan.prefilter import Prefilter
from interpose.scan.rules import Finding, ScanError, scan_source
from interpose.scan.walk import Problem, Source

#: Below this many bytes to scan, the pool's start-up costs more than it saves.
POOL_THRESHOLD = 2 << 20
_ERROR = "error"


@dataclass
class Outcome:
    """What a scan found: findings per source, counts, and the files it skipped."""

    findings: list[tuple[Source, list[Finding]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    lines: int = 0
    cached: int = 0


_worker_rules: dict[str, tuple[StaticRules, Prefilter]] = {}


def _rules(backend: str) -> tuple[StaticRules, Prefilter]:
    known = _worker_rules.get(backend)
    if known is None:
        rules = StaticRules(backend)
        known = _worker_rules[backend] = (rules, Prefilter(rules))
    return known


def scan_bytes(data: bytes, backend: str) -> Entry:
    """One file's entry: its findings as lists, or ["error", kind, message]."""
    rules, words = _rules(backend)
    try:
        return [list(finding) for finding in scan_source(data, rules, words)]
    except ScanError as error:
        return [_ERROR, error.kind, str(error)]


def _scan_batch(backend: str, paths: list[str]) -> list[Entry]:
    """In a worker: the entries of a batch of files (read again there: paths travel, contents do not)."""
    entries: list[Entry] = []
    for path in paths:
        try:
            with open(path, "rb") as file:
                entries.append(scan_bytes(file.read(), backend))
        except OSError as error:
            entries.append([_ERROR, "unreadable", error.strerror or str(error)])
    return entries


def _batches(todo: list[tuple[Source, str]], jobs: int) -> list[list[tuple[Source, str]]]:
    """Batches of about a quarter of each worker's share, so that a slow batch does not leave cores idle."""
    total = sum(source.size for source, _ in todo)
    target = max(total // (jobs * 4), 1)
    batches: list[list[tuple[Source, str]]] = [[]]
    size = 0
    for item in sorted(todo, key=lambda item: -item[0].size):
        if size >= target:
            batches.append([])
            size = 0
        batches[-1].append(item)
        size += item[0].size
    return batches


def _run(todo: list[tuple[Source, str]], backend: str, jobs: int) -> list[tuple[Source, str, Entry]]:
    total = sum(source.size for source, _ in todo)
    if jobs <= 1 or len(todo) < 2 or total < POOL_THRESHOLD:
        return [(source, key, _scan_batch(backend, [source.path])[0]) for source, key in todo]
    done: list[tuple[Source, str, Entry]] = []
    batches = _batches(todo, jobs)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(batches)), mp_context=context) as pool:
        futures = [pool.submit(_scan_batch, backend, [source.path for source, _ in batch]) for batch in batches]
        for batch, future in zip(batches, futures, strict=True):
            done.extend((source, key, entry) for (source, key), entry in zip(batch, future.result(), strict=True))
    return done


def default_jobs() -> int:
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def scan(sources: list[Source], backend: str, cache: Cache, jobs: int) -> Outcome:
    """Scan `sources` for `backend`'s rules, through `cache`."""
    outcome = Outcome()
    todo: list[tuple[Source, str]] = []
    known: list[tuple[Source, Entry]] = []
    for source in sources:
        try:
            with open(source.path, "rb") as file:
                data = file.read()
        except OSError as error:
            outcome.problems.append(Problem(source.path, "unreadable", error.strerror or str(error)))
            continue
        outcome.files += 1
        outcome.lines += data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
        key = content_hash(data)
        entry = cache.get(key)
        if entry is None:
            todo.append((source, key))
        else:
            outcome.cached += 1
            known.append((source, entry))
    for source, key, entry in _run(todo, backend, jobs):
        if not (entry and entry[0] == _ERROR and entry[1] == "unreadable"):
            cache.put(key, entry)
        known.append((source, entry))
    for source, entry in sorted(known, key=lambda item: item[0].path):
        if entry and entry[0] == _ERROR:
            outcome.problems.append(Problem(source.path, str(entry[1]), str(entry[2])))
        elif entry:
            outcome.findings.append((source, [tuple(finding) for finding in entry]))  # type: ignore[misc, arg-type]
    return outcome
