"""Planted: probes (feature detection) and guarded uses."""
# ruff: noqa
# fmt: off

import contextlib
import multiprocessing
import os
import subprocess
import sys
import unittest

try:
    from os import forkpty  # expect: process.forkpty probe
    import grp  # expect: module.grp probe
except ImportError:
    forkpty = None
try:
    from grp import getgrnam  # expect: module.grp probe
except ModuleNotFoundError:
    getgrnam = None

HAS_FORK = hasattr(os, "fork")  # expect: process.fork probe
FORK = getattr(os, "fork", None)  # expect: process.fork probe


def daemon() -> None:
    if hasattr(os, "fork"):  # expect: process.fork probe
        os.fork()  # expect: process.fork guarded
    try:
        os.fork()  # expect: process.fork probe
    except AttributeError:
        pass
    child = os.fork() if sys.platform != "win32" else None  # expect: process.fork guarded
    hasattr(os, "setsid") and os.fork()  # expect: process.fork guarded
    with contextlib.suppress(AttributeError):
        os.sched_getaffinity(0)  # expect: posix.scheduling probe
    print(child)


def platform_specific() -> None:
    if sys.platform.startswith("linux"):
        os.wait4(-1, 0)  # expect: posix.wait guarded
    elif os.name == "posix":
        os.pipe2(0)  # expect: posix.pipe2 guarded


def start() -> None:
    try:
        subprocess.run(["true"], preexec_fn=os.setsid)  # expect: subprocess.preexec_fn guarded
    except RuntimeError:
        pass
    try:
        multiprocessing.get_context("fork").Process(target=print).start()  # expect: multiprocessing.fork guarded
    except NotImplementedError:
        pass
    try:
        os.setsid()  # expect-java: process.setsid guarded
        os.chown("file", 0, 0)  # expect-java: fs.chown guarded
    except OSError:
        pass


def outer() -> None:
    try:
        def inner() -> None:
            os.fork()  # expect: process.fork unguarded

        inner()
    except AttributeError:
        pass


class Tests(unittest.TestCase):
    @unittest.skipUnless(hasattr(os, "fork"), "needs fork")  # expect: process.fork probe
    def test_fork(self) -> None:
        os.fork()  # expect: process.fork guarded

    @unittest.skipIf(sys.platform == "win32", "posix only")
    def test_wait(self) -> None:
        os.wait()  # expect: posix.wait guarded

    def test_unguarded(self) -> None:
        os.wait()  # expect: posix.wait unguarded
