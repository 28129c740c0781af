"""Planted: the same uses reached through aliases, getattr with a constant, and submodules."""
# ruff: noqa
# fmt: off

import concurrent.futures
import multiprocessing as mp
import os as _os
from concurrent import futures
from os import fork as make_child  # expect: process.fork unguarded
from os import setsid as detach
from subprocess import Popen as Start


def run() -> None:
    _os.forkpty()  # expect: process.forkpty unguarded
    make_child()
    fork = getattr(_os, "fork")  # expect: process.fork unguarded
    fork()
    Start(["true"],  # expect: subprocess.preexec_fn unguarded
          preexec_fn=detach)
    mp.get_context("forkserver")  # expect: multiprocessing.forkserver unguarded
    detach()  # expect-java: process.setsid unguarded
    with futures.ProcessPoolExecutor() as pool:  # expect-java: multiprocessing.semlock unguarded
        pool.submit(print)
    concurrent.futures.ProcessPoolExecutor()  # expect-java: multiprocessing.semlock unguarded


def nested() -> None:
    import posix as p

    p.wait()  # expect: posix.wait unguarded
