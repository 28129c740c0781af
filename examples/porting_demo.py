"""A small program written for CPython that hits several of GraalPy's POSIX limitations.

Run it under interpose to see each one, with the line below that hit it:

    python -m interpose --policy=warn --log.python.compatibility.level=FINE examples/porting_demo.py

Under `--policy=enforce` (the default) it fails where GraalPy would fail, and says so.
"""

from __future__ import annotations

import os
import subprocess
import sys


def start_worker() -> str:
    """Daemon-style code: fork when the platform has it."""
    if hasattr(os, "fork"):
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
        return "forked a worker"
    return "no os.fork: running the worker in-process"


def run_tool_quietly() -> str:
    """Start a child in its own session with a restrictive umask and a preexec_fn."""
    try:
        completed = subprocess.run(
            ["sh", "-c", "umask"], capture_output=True, text=True, umask=0o077, preexec_fn=os.setpgrp, check=True
        )
    except RuntimeError as error:
        return f"could not start the tool: {error}"
    return f"tool ran with umask {completed.stdout.strip()}"


def ask_a_child_python() -> str:
    """Child Python processes are interposed too, and log to the same place."""
    code = "import os; print('child sees os.fork:', hasattr(os, 'fork'))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


if __name__ == "__main__":
    for step in (start_worker, run_tool_quietly, ask_a_child_python):
        print(f"{step.__name__}: {step()}")
