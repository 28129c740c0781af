"""Real event logs for the report tests: several processes, repeated keys with closing totals, gzip, folders."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

BASE: dict[str, Any] = {
    "schema": 1, "ts": "2026-11-25T10:00:00.000000Z", "level": "INFO", "limitation": "process.fork",
    "function": "os.fork", "backend": "native", "policy": "enforce", "outcome": "raised",
    "message": "os.fork is not available on GraalPy",
    "callsite": {"file": "/home/me/src/app/main.py", "line": 12, "function": "main"},
    "pid": 100, "run": "100-1", "thread": "MainThread", "count": 1, "final": False,
}  # fmt: skip


def event(**fields: Any) -> dict[str, Any]:
    """One event: the documented example with `fields` replaced (a `callsite` tuple is expanded)."""
    site = fields.pop("site", None)
    line = {**BASE, **fields}
    if site is not None:
        line["callsite"] = {"file": site[0], "line": site[1], "function": site[2]}
    return line


def dumps(line: dict[str, Any], *, compact: bool = True) -> str:
    """A line as the writer renders it (compact, non-ASCII kept) or as `json.dumps` does by default."""
    if compact:
        return json.dumps(line, separators=(",", ":"), ensure_ascii=False)
    return json.dumps(line)


def write_lines(path: Path, lines: Iterable[str | dict[str, Any]], *, gz: bool = False) -> Path:
    """Write lines (dicts are rendered compact) to `path`, gzip-compressed if asked."""
    text = "".join((dumps(line) if isinstance(line, dict) else line) + "\n" for line in lines)
    path.parent.mkdir(parents=True, exist_ok=True)
    if gz:
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path


APP = ("/home/me/src/app/main.py", 12, "main")
LIB = ("/venv/lib/python3.11/site-packages/lib/io.py", 40, "save")
TESTS = ("tests/test_x.py", 7, "test_y")


def process_lines(run: str, pid: int, backend: str, hits: dict[tuple[str, str, tuple[str, int, str]], int],
                  minute: int) -> list[dict[str, Any]]:  # fmt: skip
    """The lines one process writes: each key once when first hit, then its total at exit if above 1."""
    first = [
        event(run=run, pid=pid, backend=backend, limitation=lim, level=level, site=site, count=1,
              ts=f"2026-11-25T10:{minute:02d}:{index:02d}.000000Z")
        for index, ((lim, level, site), total) in enumerate(hits.items())
    ]  # fmt: skip
    closing = [
        event(run=run, pid=pid, backend=backend, limitation=lim, level=level, site=site, count=total,
              final=True, ts=f"2026-11-25T10:{minute:02d}:59.000000Z")
        for (lim, level, site), total in hits.items() if total > 1
    ]  # fmt: skip
    return first + closing


#: Three processes (two runs of pid 100: a reused pid) and their exact totals.
RUN_A = {("process.fork", "INFO", APP): 5, ("fs.chmod", "FINE", LIB): 3, ("stat.ino", "FINER", APP): 1}
RUN_B = {("process.fork", "INFO", APP): 2, ("fs.chmod", "FINE", LIB): 10}
RUN_C = {("process.preexec_fn", "WARNING", TESTS): 4, ("fs.chmod", "FINE", LIB): 1}


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    """A folder of logs: one plain file shared by two processes (lines interleaved), a gzip file of a third
    process in a sub-folder, and a non-log file that must be ignored."""
    a = process_lines("100-1", 100, "native", RUN_A, 1)
    b = process_lines("100-2", 100, "java", RUN_B, 2)
    interleaved = [line for pair in zip(a, b, strict=False) for line in pair] + a[len(b) :] + b[len(a) :]
    write_lines(tmp_path / "logs" / "events.jsonl", interleaved)
    write_lines(tmp_path / "logs" / "nightly" / "worker.jsonl.gz", process_lines("300-9", 300, "java", RUN_C, 3),
                gz=True)  # fmt: skip
    (tmp_path / "logs" / "notes.txt").write_text("not a log\n")
    return tmp_path / "logs"


def finding(limitation: str, site: tuple[str, int, str], **fields: Any) -> dict[str, Any]:
    """A static finding as the scanner writes it: schema 2, `source: "static"`, count 1, no process."""
    line: dict[str, Any] = {
        "schema": 2, "ts": "2026-11-25T09:00:00.000000Z", "level": "INFO", "limitation": limitation,
        "function": "os.fork", "backend": "native", "policy": "enforce", "outcome": "found", "use": "unguarded",
        "message": f"{limitation} found", "hint": f"do without {limitation}",
        "callsite": {"file": site[0], "line": site[1], "function": site[2]}, "count": 1, "final": False,
        "source": "static",
    }  # fmt: skip
    line.update(fields)
    return line


PEXPECT = ("/venv/lib/python3.11/site-packages/pexpect/pty_spawn.py", 80, "_spawn")
PTYPROCESS = ("/venv/lib/python3.11/site-packages/ptyprocess/ptyprocess.py", 300, "spawn")
UTIL = ("/home/me/src/app/util.py", 5, "<module>")
#: What a scan of the same program finds: one line also hit at runtime (APP), two in dependencies, a probe.
FINDINGS = [
    finding("process.fork", APP),
    finding("process.setsid", PEXPECT, backend="java", distribution="pexpect"),
    finding("process.fork", PTYPROCESS, use="guarded", distribution="ptyprocess"),
    finding("process.fork", UTIL, use="probe", level="FINER"),
]


@pytest.fixture
def merged(logs: Path) -> Path:
    """The runtime logs of `logs` and a scan's findings, in one folder."""
    write_lines(logs / "scan.jsonl", FINDINGS)
    return logs
