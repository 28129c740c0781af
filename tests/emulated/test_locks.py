"""fcntl.flock and lockf on emulated files (issue 9): Linux's semantics within the process, not EBADF.

flock belongs to the open file description: dup'd fds share a lock, two opens
of one file conflict, LOCK_NB fails with EWOULDBLOCK, a blocked lock is granted
when the holder lets go, and the last close releases it.  The same sequence runs
on a real file with the real fcntl, so both sides are checked to agree.
"""

from __future__ import annotations

import errno
import fcntl
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.emulated.emu import activated


def flock_story(o: Any, lock: Callable[[int, int], None], path: str) -> list[object]:
    """What a sequence of flocks on two descriptions of one file gives: ok, or the errno."""
    outcomes: list[object] = []

    def attempt(fd: int, operation: int) -> None:
        try:
            lock(fd, operation)
        except OSError as e:
            outcomes.append(e.errno)
        else:
            outcomes.append("ok")

    first = o.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    second = o.open(path, os.O_RDONLY)
    shared = o.dup(first)
    attempt(first, fcntl.LOCK_EX | fcntl.LOCK_NB)
    attempt(second, fcntl.LOCK_SH | fcntl.LOCK_NB)  # another description: EWOULDBLOCK
    attempt(shared, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the same description: already its lock
    attempt(first, fcntl.LOCK_SH | fcntl.LOCK_NB)  # converted to shared
    attempt(second, fcntl.LOCK_SH | fcntl.LOCK_NB)  # shared with shared
    attempt(second, fcntl.LOCK_EX | fcntl.LOCK_NB)  # conversion refused: its shared lock is dropped
    attempt(first, fcntl.LOCK_EX | fcntl.LOCK_NB)  # so the first may now take it exclusively
    o.close(first)
    attempt(second, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a dup still holds the description: refused
    o.close(shared)
    attempt(second, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the last close released it
    attempt(second, fcntl.LOCK_UN)
    attempt(second, 0)  # neither shared nor exclusive
    o.close(second)
    return outcomes


@pytest.mark.parametrize("fs", ["memory", "overlay"])
def test_flock_on_emulated_files_behaves_as_on_a_real_file(tmp_path: Path, fs: str) -> None:
    expected = flock_story(os, fcntl.flock, str(tmp_path / "real.lock"))
    assert expected == ["ok", errno.EWOULDBLOCK, "ok", "ok", "ok", errno.EWOULDBLOCK, "ok", errno.EWOULDBLOCK,
                        "ok", "ok", errno.EINVAL]  # fmt: skip
    with activated(fs) as o:
        import fcntl as shim_fcntl

        path = "/x.lock" if fs == "memory" else str(tmp_path / "emulated.lock")
        assert flock_story(o, shim_fcntl.flock, path) == expected
    assert not (tmp_path / "emulated.lock").exists()  # the overlay kept it in memory


def test_a_blocked_flock_is_granted_when_the_holder_lets_go() -> None:
    with activated("memory") as o:
        import fcntl as shim_fcntl

        holder = o.open("/x.lock", os.O_RDWR | os.O_CREAT, 0o644)
        waiter = o.open("/x.lock", os.O_RDWR)
        shim_fcntl.flock(holder, fcntl.LOCK_EX)
        granted: list[float] = []
        thread = threading.Thread(target=lambda: (shim_fcntl.flock(waiter, fcntl.LOCK_EX), granted.append(1.0)))
        thread.start()
        time.sleep(0.1)
        assert granted == []  # still waiting
        shim_fcntl.flock(holder, fcntl.LOCK_UN)
        thread.join(5)
        assert granted == [1.0]
        o.close(holder)
        o.close(waiter)


def test_lockf_checks_the_access_mode_and_never_conflicts_within_the_process() -> None:
    with activated("memory", policy="warn") as o:
        import fcntl as shim_fcntl

        writer = o.open("/x", os.O_RDWR | os.O_CREAT, 0o644)
        reader = o.open("/x", os.O_RDONLY)
        shim_fcntl.lockf(writer, fcntl.LOCK_EX | fcntl.LOCK_NB)
        shim_fcntl.lockf(reader, fcntl.LOCK_SH | fcntl.LOCK_NB)  # the same process: no conflict
        with pytest.raises(OSError) as raised:
            shim_fcntl.lockf(reader, fcntl.LOCK_EX)  # a write lock on a read-only fd
        assert raised.value.errno == errno.EBADF
        with pytest.raises(ValueError, match="unrecognized lockf argument"):
            shim_fcntl.lockf(writer, 0)
        o.lockf(writer, os.F_TLOCK, 0)
        with pytest.raises(OSError) as raised:
            o.lockf(reader, os.F_LOCK, 0)
        assert raised.value.errno == errno.EBADF
        o.close(writer)
        o.close(reader)


def test_filelock_works_over_the_memory_provider() -> None:
    """The filelock package spun forever on EBADF; now a second lock times out and gets it once released."""
    filelock = pytest.importorskip("filelock")
    with activated("memory") as o:
        o.mkdir("/work")
        first = filelock.FileLock("/work/app.lock")
        results: list[str] = []

        def second() -> None:
            other = filelock.FileLock("/work/app.lock", thread_local=False)
            try:
                other.acquire(timeout=0.2)
            except filelock.Timeout:
                results.append("timeout")
            else:
                results.append("acquired")
                other.release()

        with first.acquire(timeout=1):
            thread = threading.Thread(target=second)
            thread.start()
            thread.join(5)
        thread = threading.Thread(target=second)
        thread.start()
        thread.join(5)
        assert results == ["timeout", "acquired"]
