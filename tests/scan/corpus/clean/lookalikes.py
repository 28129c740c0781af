"""Clean: names that look like what GraalPy lacks, and are not (no finding on either backend)."""
# ruff: noqa
# fmt: off

import os
import re
import signal
import subprocess
import sys
import threading
from os import path

from mylib import fork as library_fork  # another module's fork
from mylib import grp  # another module's grp
import mylib.grp  # and a submodule of that name


class Worker:
    def fork(self) -> "Worker":
        return self.fork()  # a method of our own

    def wait(self, event: threading.Event) -> None:
        event.wait()
        self.os.fork()  # an attribute of ours that happens to be named os


def fork() -> int:  # a local function named fork
    return 0


def run(os: Worker) -> None:  # a parameter that hides the module
    os.fork()


def paths(name: str) -> str:
    # os.fork() in a comment, os.setsid() too
    text = "os.fork() and preexec_fn=os.setsid in a string"
    joined = os.path.join(os.getcwd(), path.basename(name), os.sep, os.path.expanduser("~"))
    version = sys.version_info.major + sys.version_info.minor
    found = re.match(r"(\w+)", name)
    group = found.group(1) if found else ""
    return f"{text}{joined}{version}{group}{os.name}"


def children(pid: int) -> None:
    fork()
    library_fork()
    subprocess.run(["true"], check=True, preexec_fn=None)
    subprocess.Popen(["true"], umask=-1, user=None, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    subprocess.run(["true"], pass_fds=(), start_new_session=False, process_group=None)
    os.access(name_of(pid), os.F_OK, follow_symlinks=False)
    os.access(name_of(pid), os.R_OK, effective_ids=False)
    os.kill(pid, signal.SIGTERM)
    os.kill(pid, 0)
    os.waitpid(pid, 0)
    os.waitpid(pid, os.WNOHANG)
    hasattr(Worker, "fork")
    getattr(Worker(), "fork")()


def name_of(pid: int) -> str:
    return str(pid)
