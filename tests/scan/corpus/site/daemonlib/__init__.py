"""A fake installed dependency: a daemon library whose detaching GraalPy cannot do."""
# ruff: noqa
# fmt: off

import os
import subprocess


def daemonize() -> None:
    if os.fork():  # expect: process.fork unguarded
        os._exit(0)
    os.setsid()  # expect-java: process.setsid unguarded
    os.umask(0)  # expect-java: fs.umask_virtual unguarded


def spawn(argv: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(argv, preexec_fn=os.setpgrp)  # expect: subprocess.preexec_fn unguarded
