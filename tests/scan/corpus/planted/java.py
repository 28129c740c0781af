"""Planted: what only GraalPy's emulated (java) backend refuses or drops."""
# ruff: noqa
# fmt: off

import fcntl
import mmap
import multiprocessing
import os
import pty
import pwd
import select
import shutil
import signal
import socket
import subprocess
from multiprocessing import shared_memory


def identity(path: str) -> None:
    os.geteuid()  # expect-java: process.effective_ids unguarded
    os.access(path, os.R_OK, effective_ids=True)  # expect-java: fs.access_effective_ids unguarded
    os.access(path, os.W_OK, follow_symlinks=False)  # expect-java: fs.access_no_follow unguarded
    os.chown(path, 0, 0)  # expect-java: fs.chown unguarded
    shutil.chown(path, "root")  # expect-java: fs.chown unguarded
    os.utime(path, follow_symlinks=False)  # expect-java: fs.utime_no_follow unguarded
    pwd.getpwall()  # expect-java: pwd.getpwall unguarded


def groups(pid: int) -> None:
    os.getpgrp()  # expect-java: process.getpgrp unguarded
    os.killpg(pid, signal.SIGTERM)  # expect-java: process.killpg unguarded
    os.setpgid(0, 0)  # expect-java: process.setpgid unguarded
    os.kill(pid, signal.SIGUSR1)  # expect-java: process.kill unguarded
    os.waitpid(-5, 0)  # expect-java: process.waitpid_group unguarded
    os.waitpid(pid, os.WUNTRACED)  # expect-java: process.waitpid_options unguarded
    signal.raise_signal(signal.SIGUSR1)  # expect-java: signal.raise_signal unguarded


def terminals() -> None:
    pty.openpty()  # expect-java: fd.openpty unguarded
    pty.fork()  # expect: process.forkpty unguarded
    fcntl.ioctl(0, 0)  # expect-java: fd.ioctl unguarded


def sockets_and_memory(fd: int) -> None:
    socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)  # expect-java: socket.af_unix unguarded
    mmap.mmap(-1, 4096, prot=mmap.PROT_EXEC)  # expect-java: mmap.prot_exec unguarded
    shared_memory.SharedMemory(create=True, size=10)  # expect-java: mmap.shm_open unguarded
    os.lseek(fd, 0, os.SEEK_DATA)  # expect-java: fd.seek_data_hole unguarded
    os.set_inheritable(fd, True)  # expect-java: fd.inheritable_ignored unguarded
    select.select([fd], [], [fd])  # expect-java: select.exceptional_conditions unguarded
    multiprocessing.Pool(2)  # expect-java: multiprocessing.semlock unguarded
    multiprocessing.Queue()  # expect-java: multiprocessing.semlock unguarded
    multiprocessing.Process(target=print).start()  # expect-java: multiprocessing.java unguarded


def children() -> None:
    subprocess.Popen(  # expect-java: subprocess.options_ignored unguarded; subprocess.redirect_ignored unguarded; subprocess.process_group unguarded
        ["true"],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        process_group=0,
    )
