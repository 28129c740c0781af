"""Issue 8: the posix and _posixsubprocess rows of GraalPy's checklist (shared/graalpy-facts.md) on the java backend.

Each program runs three ways, through the real command line: plain CPython, interposed under `warn` (CPython's
results, the hit logged) and under `enforce` (GraalPy's exception with its exact message, or its stream).
"""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pytest

from interpose.compat.catalog_java import JAVA_ENTRIES
from tests.conftest import read_events, run_interposed, run_python

U = "UnsupportedOperation Feature not supported on 'java' POSIX backend: "
# The rows under test are the java backend's; the stdlib's import-time probes (random, subprocess and selectors
# look for fork, posix_spawn, poll) are not, and neither is the missing-function surface of both backends.
ROWS = {entry.id for entry in JAVA_ENTRIES} - {"process.posix_spawn"}
# Prints each call's result, or its exception's type and message (the program's view).
SHOW = """
import os, signal, subprocess, sys
def show(label, call):
    try:
        print(label, call())
    except Exception as error:
        print(label, type(error).__name__, error)
"""


def _program(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "prog.py"
    path.write_text(SHOW + textwrap.dedent(body))
    return path


def run(tmp_path: Path, body: str, policy: str, level: str = "FINE") -> tuple[list[str], list[dict[str, object]]]:
    """The program's output lines and its events (first lines only) under the java backend and `policy`."""
    _program(tmp_path, body)
    log = tmp_path / f"{policy}.jsonl"
    result = run_interposed("--posix-backend=java", f"--policy={policy}", f"--log.file={log}",
                            f"--log.python.compatibility.level={level}", "prog.py", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    events = [e for e in read_events(log) if not e["final"] and e["limitation"] in ROWS]
    return result.stdout.splitlines(), events


def plain(tmp_path: Path, body: str) -> list[str]:
    _program(tmp_path, body)
    result = run_python("prog.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def hits(events: list[dict[str, object]]) -> list[tuple[object, object]]:
    return [(e["limitation"], e["function"]) for e in events]


def check(tmp_path: Path, body: str, graalpy: list[str], expected_hits: list[tuple[str, str]]) -> None:
    """enforce prints what GraalPy gives; warn prints what plain CPython does; both log the same hits."""
    enforced, enforce_events = run(tmp_path, body, "enforce")
    assert enforced == graalpy
    assert hits(enforce_events) == expected_hits
    warned, warn_events = run(tmp_path, body, "warn")
    assert warned == plain(tmp_path, body)
    assert hits(warn_events) == expected_hits
    assert {e["outcome"] for e in warn_events} <= {"allowed", "noted"}


def test_umask_is_the_emulated_one_and_its_first_use_is_noted_at_finer(tmp_path: Path) -> None:
    body = "print(oct(os.umask(0o077)), oct(os.umask(0o022)))"
    real = os.umask(0o027)  # the children's real umask, which GraalPy ignores
    try:
        enforced, enforce_events = run(tmp_path, body, "enforce", level="FINER")
        warned, warn_events = run(tmp_path, body, "warn", level="FINER")
        plain_lines = plain(tmp_path, body)
    finally:
        os.umask(real)
    assert enforced == ["0o22 0o77"]
    assert hits(enforce_events) == [("fs.umask_virtual", "os.umask")]
    assert enforce_events[0]["message"] == "Returning default umask '22' (ignoring the real umask value set in the OS)"
    assert warned == plain_lines == ["0o27 0o77"]
    assert hits(warn_events) == [("fs.umask_virtual", "os.umask")]


def test_set_inheritable_is_ignored_and_logged_at_fine(tmp_path: Path) -> None:
    check(tmp_path, """
        r, w = os.pipe()
        os.set_inheritable(w, True)
        """, [], [("fd.inheritable_ignored", "os.set_inheritable")])  # fmt: skip
    enforced, _ = run(
        tmp_path, "r, w = os.pipe(); os.set_inheritable(w, True); print(os.get_inheritable(w))", "enforce"
    )
    assert enforced == ["False"]


@pytest.mark.skipif(not hasattr(os, "SEEK_DATA"), reason="no SEEK_DATA on this platform")
def test_lseek_data_is_unsupported(tmp_path: Path) -> None:
    (tmp_path / "data.bin").write_bytes(b"x" * 10)
    body = ('fd = os.open("data.bin", os.O_RDONLY); show("data", lambda: os.lseek(fd, 0, os.SEEK_DATA)); '
            'show("hole", lambda: os.lseek(fd, 0, os.SEEK_HOLE))')  # fmt: skip
    enforced, events = run(tmp_path, body, "enforce")
    assert [line.rsplit(" ", 1)[-1] for line in enforced] == ["SEEK_DATA", "SEEK_HOLE"]
    assert enforced[0].startswith("data " + U + "SEEK_DATA") and enforced[1].startswith("hole " + U + "SEEK_HOLE")
    assert set(hits(events)) == {("fd.seek_data_hole", "os.lseek")}
    warned, _ = run(tmp_path, body, "warn")
    assert warned == plain(tmp_path, body) == ["data 0", "hole 10"]


def test_access_with_effective_ids_or_without_following_links(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("")
    check(tmp_path, """
        show("effective", lambda: os.access("f", os.R_OK, effective_ids=True))
        show("nofollow", lambda: os.access("f", os.R_OK, follow_symlinks=False))
        show("exists", lambda: os.access("f", os.F_OK, follow_symlinks=False))
        """, ["effective " + U + "faccess with effective user IDs", "nofollow " + U + "faccess with effective user IDs",
              "exists True"],
          [("fs.access_effective_ids", "os.access"), ("fs.access_no_follow", "os.access")])  # fmt: skip


def test_chown_and_fchown(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("")
    body = """
        show("chown", lambda: os.chown("f", -1, -1))
        fd = os.open("f", os.O_RDONLY)
        show("fchown", lambda: os.fchown(fd, -1, -1))
        """
    enforced, events = run(tmp_path, body, "enforce")
    assert enforced == ["chown " + U + "fchownat", "fchown " + U + "fchown"]
    assert hits(events) == [("fs.chown", "os.chown"), ("fs.fchown", "os.fchown")]
    warned, _ = run(tmp_path, body, "warn")
    assert warned == plain(tmp_path, body) == ["chown None", "fchown None"]


def test_kill_sends_only_kill_term_and_0_and_only_to_its_own_children(tmp_path: Path) -> None:
    check(tmp_path, """
        child = subprocess.Popen(["sleep", "30"])
        show("usr1", lambda: os.kill(child.pid, signal.SIGUSR1))
        show("self", lambda: os.kill(os.getpid(), 0))
        show("zero", lambda: os.kill(child.pid, 0))
        child.kill()
        print("status", child.wait() in (-signal.SIGUSR1, -signal.SIGKILL))
        """, ["usr1 " + U + "Sending arbitrary signals to child processes. Can only send KILL and TERM signals",
              "self ProcessLookupError [Errno 3] No such process", "zero None", "status True"],
          [("process.kill", "os.kill"), ("process.kill_other", "os.kill")])  # fmt: skip


def test_waitpid_options_and_process_groups(tmp_path: Path) -> None:
    check(tmp_path, """
        child = subprocess.Popen(["true"])
        show("untraced", lambda: os.waitpid(child.pid, os.WUNTRACED)[0] == child.pid)
        show("group", lambda: os.waitpid(-12345, os.WNOHANG))
        """, ["untraced " + U + "Only 0 or WNOHANG are supported for waitpid",
              "group " + U + "Process groups in waitpid"],
          [("process.waitpid_options", "os.waitpid"), ("process.waitpid_group", "os.waitpid")])  # fmt: skip


def test_the_parent_process_groups_and_sessions(tmp_path: Path) -> None:
    names = ["getppid", "getpgid", "setpgid", "getpgrp", "getsid", "setsid", "killpg"]
    check(tmp_path, """
        show("getppid", lambda: os.getppid() > 0)
        show("getpgid", lambda: os.getpgid(0) > 0)
        show("setpgid", lambda: os.setpgid(0, 0))
        show("getpgrp", lambda: os.getpgrp() == os.getpid())
        show("getsid", lambda: os.getsid(0) > 0)
        show("setsid", lambda: os.setsid())
        show("killpg", lambda: os.killpg(os.getpid(), 0))
        """, [f"{name} {U}{'getsid' if name == 'setsid' else name}" for name in names],
          [(f"process.{name}", f"os.{name}") for name in names])  # fmt: skip


def test_effective_ids_do_not_exist(tmp_path: Path) -> None:
    body = 'print(hasattr(os, "geteuid"), hasattr(os, "getegid")); show("euid", lambda: os.geteuid() >= 0)'
    enforced, events = run(tmp_path, body, "enforce")
    assert enforced == ["False False", "euid AttributeError module 'os' has no attribute 'geteuid'"]
    assert {limitation for limitation, _ in hits(events)} == {"process.effective_ids"}
    warned, events = run(tmp_path, body, "warn")
    assert warned == plain(tmp_path, body) == ["True True", "euid True"]
    assert hits(events) == [("process.effective_ids", "os.geteuid")]


def test_raise_signal_is_unsupported(tmp_path: Path) -> None:
    check(tmp_path, """
        signal.signal(signal.SIGUSR1, lambda *args: print("handled"))
        show("raise", lambda: signal.raise_signal(signal.SIGUSR1))
        """, ["raise " + U + "raise"], [("signal.raise_signal", "signal.raise_signal")])  # fmt: skip


def test_openpty_is_unsupported(tmp_path: Path) -> None:
    check(tmp_path, 'show("openpty", lambda: len(os.openpty()))', ["openpty " + U + "openpty"],
          [("fd.openpty", "os.openpty")])  # fmt: skip


@pytest.mark.skipif(sys.version_info < (3, 11), reason="process_group came in 3.11")
def test_fork_exec_process_group(tmp_path: Path) -> None:
    enforced, events = run(tmp_path, 'show("pg", lambda: subprocess.run(["true"], process_group=0).returncode)',
                           "enforce")  # fmt: skip
    assert enforced == ["pg " + U + "process_group in fork_exec"]
    assert hits(events) == [("subprocess.process_group", "_posixsubprocess.fork_exec")]


# fork_exec called directly, as subprocess would, with an environment entry that has no '='.
FORK_EXEC = """
import _posixsubprocess
def spawn(env):
    r, w = os.pipe()
    extra = ((-1,), (True,)) if sys.version_info >= (3, 11) else ((), ())
    pid = _posixsubprocess.fork_exec(
        [b"/bin/sh", b"-c", b"exit 0"], [b"/bin/sh"], True, (w,), None, env, -1, -1, -1, -1, -1, -1, r, w, True,
        False, *extra[0], None, None, None, -1, None, *extra[1])
    os.close(w)
    os.close(r)
    return os.waitpid(pid, 0)[1]
show("env", lambda: spawn([b"A=1", b"JUSTANAME"]))
"""


def test_fork_exec_environment_entry_without_equals(tmp_path: Path) -> None:
    check(tmp_path, FORK_EXEC, ["env " + U + "Only key=value environment variables are supported in fork_exec"],
          [("subprocess.env_entry", "_posixsubprocess.fork_exec")])  # fmt: skip
