"""Planted: uses GraalPy's posix lacks or drops on both backends, nothing guarding them."""
# ruff: noqa
# fmt: off

import multiprocessing
import os
import posix
import resource
import select
import signal
import subprocess

from fcntl import fcntl, F_GETFL  # expect: fcntl.fcntl unguarded; fcntl.fcntl unguarded
from select import kqueue  # expect: select.poll unguarded
import grp  # expect: module.grp unguarded


def start_worker() -> int:
    pid = os.fork()  # expect: process.fork unguarded
    if pid == 0:
        os._exit(0)
    return pid


def terminal() -> None:
    os.forkpty()  # expect: process.forkpty unguarded
    posix.fork()  # expect: process.fork unguarded


def spawn() -> None:
    os.spawnlp(os.P_NOWAIT, "true", "true")  # expect: process.spawn unguarded; process.spawn unguarded


def copy(src: int, dst: int) -> None:
    os.sendfile(dst, src, 0, 4096)  # expect: posix.zero_copy unguarded
    os.sched_setaffinity(0, {0})  # expect: posix.scheduling unguarded
    os.wait3(0)  # expect: posix.wait unguarded


def children() -> None:
    subprocess.run(["true"], preexec_fn=os.setsid)  # expect: subprocess.preexec_fn unguarded
    subprocess.Popen(  # expect: subprocess.uid_ignored unguarded; subprocess.gid_ignored unguarded; subprocess.extra_groups_ignored unguarded; subprocess.umask_ignored unguarded
        ["true"],
        user="nobody",
        group="nogroup",
        extra_groups=["audio"],
        umask=0o077,
    )
    subprocess.check_output(["true"], umask=0)  # expect: subprocess.umask_ignored unguarded
    subprocess.call(  # expect: subprocess.umask_ignored unguarded
        ["true"],  # the command
        umask=0o22,
    )
    subprocess.call(["true"], umask = 0o22)  # expect: subprocess.umask_ignored unguarded


def pools() -> None:
    multiprocessing.set_start_method("forkserver")  # expect: multiprocessing.forkserver unguarded
    context = multiprocessing.get_context("fork")  # expect: multiprocessing.fork unguarded
    context.set_start_method(method="fork")  # expect: multiprocessing.fork unguarded
    multiprocessing.get_all_start_methods()  # expect: multiprocessing.start_methods unguarded


def surfaces() -> None:
    poller = select.epoll()  # expect: select.poll unguarded
    fcntl(0, F_GETFL)
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))  # expect: resource.setrlimit unguarded
    signal.pthread_sigmask(signal.SIG_BLOCK, [])  # expect: signal.pending unguarded; signal.pending unguarded
    poller.close()
