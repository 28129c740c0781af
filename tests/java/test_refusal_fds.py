"""A refused or failed process operation leaves the process's real fds as they were, on the java backend.

sh opens its pipes and a pty for every command before it forks; when GraalPy refuses the fork those are sh's to
close (and it does not: the fds it leaks are its own, as on GraalPy).  What interpose opens on the way (the real
file handed to a child, a placeholder put back) must never outlive the call.  Each program lists its fds from
outside, with `ls -l /proc/PID/fd` (the process's own listing leaves out interpose's hidden fds), before and
after every refused call, under both policies, through the real command line; pipes are left out (the listing's
own pipes come and go as it runs).
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import run_interposed

PROGRAM = """
import os, subprocess, sys

def fds():
    # every real fd but the pipes (the listing makes its own as it runs), and what each one is
    listing = subprocess.run(["ls", "-l", f"/proc/{os.getpid()}/fd"], capture_output=True, text=True, check=True)
    entries = [line.split()[-3:] for line in listing.stdout.splitlines()[1:]]
    return sorted((int(fd), target) for fd, _, target in entries if not target.startswith("pipe:"))

def attempt(label, call):
    before = fds()
    try:
        call()
        outcome = "done"
    except Exception as error:
        outcome = type(error).__name__
    print(label, outcome, fds() == before)

fd = os.open("data.txt", os.O_RDWR | os.O_CREAT, 0o644)
os.set_inheritable(fd, True)
attempt("execv", lambda: os.execv("/nonexistent/program", ["program"]))
attempt("child", lambda: subprocess.run(["true"], close_fds=False, check=True))
attempt("openpty", lambda: [os.close(end) for end in os.openpty()])
attempt("pass_fds", lambda: subprocess.run(["true"], pass_fds=(fd,)))
if sys.version_info >= (3, 11):
    attempt("process_group", lambda: subprocess.run(["true"], process_group=0))
print("inheritable", os.get_inheritable(fd))
"""


def _lines(tmp_path: Path, policy: str) -> list[str]:
    (tmp_path / "prog.py").write_text(textwrap.dedent(PROGRAM))
    result = run_interposed("--posix-backend=java", f"--policy={policy}", "prog.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


@pytest.mark.parametrize("policy", ["enforce", "warn"])
def test_refused_and_failed_process_calls_leave_no_fd_open(tmp_path: Path, policy: str) -> None:
    lines = _lines(tmp_path, policy)
    assert all(line.endswith(" True") for line in lines[:-1]), lines
    outcomes = {line.rsplit(" ", 2)[0]: line.rsplit(" ", 2)[1] for line in lines[:-1]}
    refused = "UnsupportedOperation" if policy == "enforce" else "done"
    assert outcomes["execv"] == "FileNotFoundError"
    assert outcomes["openpty"] == refused
    assert outcomes["child"] == "done"
    if sys.version_info >= (3, 11):
        assert outcomes["process_group"] == refused
    # the failed exec gave the flag back: under warn the file is still inheritable, as in CPython
    assert lines[-1] == f"inheritable {policy == 'warn'}"
