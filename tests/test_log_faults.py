"""The event log survives faults: a full disk, a torn line, a process killed with SIGKILL.

Real things only: a real tmpfs of 64 KiB filled to the last byte (skipped where mounting
is not allowed), real child processes writing through the real writer, a real SIGKILL,
and the report reading the file back.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from interpose.events.recorder import FLUSH_SECONDS
from interpose.report.cli import main as report_main
from tests.conftest import CLEAN_ENV, run_interposed

#: one unguarded use of a function GraalPy lacks, at INFO, on line 2
HIT = "import os\ntry: os.fork()\nexcept KeyError: pass\n"


def _report(path: Path) -> tuple[dict[str, object], str]:
    import io

    out, err = io.StringIO(), io.StringIO()
    assert report_main([str(path), "--format", "json"], stdout=out, stderr=err, environ={}) == 0
    return json.loads(out.getvalue()), err.getvalue()


def _hit(log: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    (cwd / "hit.py").write_text("def use():\n    import os; os.fork\ntry: use()\nexcept AttributeError: pass\n")
    return run_interposed(f"--log.file={log}", "hit.py", cwd=cwd)


def _lines(log: Path) -> list[bytes]:
    return [line for line in log.read_bytes().split(b"\n") if line.strip()]


def test_a_torn_line_does_not_swallow_the_next_event(tmp_path: Path) -> None:
    """A writer killed in the middle of a line (or cut by a full disk) leaves no newline: the next one adds it."""
    log = tmp_path / "events.jsonl"
    assert _hit(log, tmp_path).returncode == 0
    whole = log.read_bytes()
    log.write_bytes(whole + whole[: len(whole) // 2])  # the second line torn in the middle
    assert _hit(log, tmp_path).returncode == 0
    lines = _lines(log)
    assert len(lines) == 3 and lines[0] + b"\n" == whole and lines[1] == whole[: len(whole) // 2]
    assert json.loads(lines[2])["limitation"] == "process.fork"  # whole, on a line of its own
    report, errors = _report(log)
    assert report["totals"]["events"] == 2  # type: ignore[index]
    assert "skipped 1 of 3 lines (1 not JSON" in errors


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs (root only: skipped where mount is refused)."""
    mount = tmp_path / "small"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_cuts_a_line_and_the_next_process_starts_a_fresh_one(full_disk: Path, tmp_path: Path) -> None:
    log = full_disk / "events.jsonl"
    assert _hit(log, tmp_path).returncode == 0
    first = log.read_bytes()
    # pad the log so that its page has room for less than one line, then fill the rest of the filesystem
    room = 4096 - len(first) - 120
    log.write_bytes(first + b" " * (room - 1) + b"\n")
    filler = full_disk / "filler"
    with open(filler, "wb", buffering=0) as out:
        try:
            while out.write(b"x" * 512):
                pass
        except OSError:
            pass
    result = _hit(log, tmp_path)
    assert result.returncode == 0 and result.stderr.count("interpose: cannot write compatibility events") == 1
    assert "No space left on device" in result.stderr
    assert not log.read_bytes().endswith(b"\n")  # the disk cut the line short
    filler.unlink()
    assert _hit(log, tmp_path).returncode == 0  # the next process: its line is whole, on a line of its own
    lines = _lines(log)
    assert [json.loads(lines[0])["count"], json.loads(lines[-1])["count"]] == [1, 1]
    report, errors = _report(log)
    assert report["totals"]["events"] == 2  # type: ignore[index]
    assert "1 not JSON" in errors


KILLED = """
import os, sys, time
sys.path.insert(0, {root!r})
from interpose.events.recorder import Recorder
from interpose.events.sink import AppendOnlyFile

recorder = Recorder(20, AppendOnlyFile({log!r}), flush_seconds={interval})
fields = {{"level": "INFO", "limitation": "process.fork", "function": "os.fork", "backend": "native",
          "policy": "enforce", "outcome": "raised", "use": "unguarded", "message": "m", "hint": "h"}}
for _ in range(1000):
    recorder.record(fields, ("app.py", 3, "main"))
time.sleep({interval} * 1.5)
recorder.record(fields, ("app.py", 3, "main"))  # due: the totals so far are written
for _ in range(5):
    recorder.record(fields, ("app.py", 3, "main"))  # within the next interval: what a SIGKILL may lose
print("ready", flush=True)
time.sleep(60)
"""


def _kill_when_ready(command: list[str], cwd: Path) -> None:
    child = subprocess.Popen(command, cwd=cwd, env=CLEAN_ENV, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL


def test_a_killed_process_loses_at_most_the_hits_of_its_last_interval(tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    root = str(Path(__file__).resolve().parent.parent)
    (tmp_path / "killed.py").write_text(textwrap.dedent(KILLED.format(root=root, log=str(log), interval=0.2)))
    _kill_when_ready([sys.executable, "killed.py"], tmp_path)
    counts = [json.loads(line)["count"] for line in _lines(log)]
    assert counts == [1, 1001]  # the first line, then the total flushed on the first hit after the interval
    report, _ = _report(log)
    assert report["totals"]["events"] == 1001  # type: ignore[index]


@pytest.mark.slow
def test_the_interposed_program_flushes_its_totals_while_it_runs(tmp_path: Path) -> None:
    """End to end, with the default interval: `python -m interpose` killed by SIGKILL after a second hit."""
    log = tmp_path / "events.jsonl"
    program = textwrap.dedent(
        f"""
        import os, time
        def use():
            os.fork
        def hit():
            try: use()
            except AttributeError: pass
        hit()
        time.sleep({FLUSH_SECONDS} + 0.5)
        hit()
        print("ready", flush=True)
        time.sleep(60)
        """
    )
    (tmp_path / "app.py").write_text(program)
    _kill_when_ready([sys.executable, "-m", "interpose", f"--log.file={log}", "app.py"], tmp_path)
    assert [(event["count"], event["final"]) for event in map(json.loads, _lines(log))] == [(1, False), (2, True)]
