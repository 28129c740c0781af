"""The emulated process's own state: cwd, umask, fd table, standard streams, native-code refusal."""

from __future__ import annotations

import errno
import fcntl
import json
import mmap
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import interpose.host
from tests.emulated.emu import Emulated, activated


def fd_count() -> int:
    return len(interpose.host.os.listdir("/proc/self/fd"))


@pytest.mark.parametrize("fs", ["host", "memory"])
def test_chdir_never_moves_the_real_cwd(tmp_path: Path, fs: str) -> None:
    before = interpose.host.os.readlink("/proc/self/cwd")
    with activated(fs) as emulated:
        target = str(tmp_path) if fs == "host" else "/d"
        if fs == "memory":
            emulated.mkdir(target)
        emulated.chdir(target)
        assert emulated.getcwd() == target
        assert interpose.host.os.readlink("/proc/self/cwd") == before
        fd = emulated.open("f", os.O_CREAT | os.O_WRONLY)  # relative: against the emulated cwd
        emulated.close(fd)
        dfd = emulated.open("/", os.O_RDONLY)
        emulated.fchdir(dfd)
        assert emulated.getcwd() == "/"
        assert emulated.stat(target.lstrip("/") + "/f", dir_fd=dfd).st_size == 0
        emulated.close(dfd)
        assert interpose.host.os.readlink("/proc/self/cwd") == before
    assert (tmp_path / "f").exists() == (fs == "host")


def test_umask_starts_at_022_whatever_the_real_one(tmp_path: Path) -> None:
    code = (
        "import os, sys, interpose\n"
        "os.umask(0o077)\n"
        "interpose.activate(backend='java', fs='memory', log_level='OFF')\n"
        "e = sys.modules['os']\n"
        "first = e.umask(0o027)\n"
        "second = e.umask(0o022)\n"
        "fd = e.open('/f', os.O_CREAT | os.O_WRONLY, 0o666); e.mkdir('/d', 0o777)\n"
        "modes = [oct(e.stat('/f').st_mode & 0o777), oct(e.stat('/d').st_mode & 0o777)]\n"
        "e.umask(0o077); e.mkdir('/d2'); modes.append(oct(e.stat('/d2').st_mode & 0o777))\n"
        "interpose.deactivate()\n"
        "print(oct(first), oct(second), *modes, oct(os.umask(0)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["0o22", "0o27", "0o644", "0o755", "0o700", "0o77"]


def test_standard_streams_are_fds_0_to_2() -> None:
    with activated("memory") as emulated:
        for fd in (0, 1, 2):
            assert interpose.host.os.path.samestat(emulated.fstat(fd), interpose.host.os.fstat(fd))
        assert emulated.write(1, b"") == 0


@pytest.mark.parametrize("fs", ["host", "memory"])
def test_open_flags_and_shared_offsets(tmp_path: Path, fs: str) -> None:
    base = str(tmp_path) if fs == "host" else ""
    with activated(fs) as e:
        path = base + "/f"
        fd = e.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR)
        with pytest.raises(FileExistsError):
            e.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        e.write(fd, b"hello")
        dup = e.dup(fd)
        e.lseek(fd, 1, os.SEEK_SET)
        assert e.read(dup, 2) == b"el"  # dup shares the offset
        assert e.lseek(fd, 0, os.SEEK_CUR) == 3
        appender = e.open(path, os.O_WRONLY | os.O_APPEND)
        e.lseek(appender, 0, os.SEEK_SET)
        e.write(appender, b"!")
        e.lseek(fd, 0, os.SEEK_SET)
        assert e.read(fd, 10) == b"hello!"
        e.close(e.open(path, os.O_WRONLY | os.O_TRUNC))
        assert e.fstat(fd).st_size == 0
        for each in (fd, dup, appender):
            e.close(each)
        with pytest.raises(OSError) as info:
            e.close(fd)
        assert info.value.errno == errno.EBADF


def test_inheritable_always_false_and_logged_fine(tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    with activated("memory", log_level="FINE", log_file=str(log)) as e:
        fd = e.open("/f", os.O_CREAT | os.O_WRONLY)
        e.set_inheritable(fd, True)
        assert e.get_inheritable(fd) is False
        assert e.get_inheritable(e.dup(fd)) is False
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert any(ev["limitation"] == "fd.inheritable_ignored" and ev["level"] == "FINE" for ev in events)


def test_concurrent_open_dup_close_leaks_nothing() -> None:
    emulated = Emulated("memory")
    before = fd_count()
    errors: list[BaseException] = []
    seen: list[set[int]] = []

    def work(n: int) -> None:
        try:
            with emulated.bound() as f:
                mine: set[int] = set()
                for i in range(200):
                    fd = f["open"](f"/t{n}-{i % 5}", os.O_CREAT | os.O_RDWR)
                    dup = f["dup"](fd)
                    mine.update((fd, dup))
                    f["write"](dup, b"x")
                    f["close"](fd)
                    f["close"](dup)
                seen.append(mine)
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    with emulated.bound():
        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors
    assert fd_count() == before
    assert [fd for fd in emulated.process.table.fds() if fd > 2] == []
    emulated.close()


def test_virtual_fd_refused_by_native_code(tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    host_flock = fcntl.flock  # taken before activation, as by C code or an early `from fcntl import flock`
    with activated("memory", log_level="INFO", log_file=str(log)) as e:
        fd = e.open("/f", os.O_CREAT | os.O_RDWR)
        e.write(fd, b"data")
        with pytest.raises(OSError):
            mmap.mmap(fd, 0)
        with pytest.raises(OSError) as info:  # the C function itself (the shim's is the backend's: test_locks.py)
            host_flock(fd, fcntl.LOCK_EX)
        assert info.value.errno == errno.EBADF
        with pytest.raises(OSError) as info:
            interpose.host.posix.read(fd, 1)
        assert info.value.errno == errno.EBADF
        e.close(fd)
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert any(ev["limitation"] == "fd.native_code" for ev in events)


def _chmod_answers(chmod: object, opener: object, symlink: object, where: str) -> list[str]:
    """What chmod(follow_symlinks=False) answers on a symlink, with and without dir_fd (a link's own mode)."""
    symlink("a", f"{where}/a")  # type: ignore[operator]
    directory = opener(where, os.O_RDONLY)  # type: ignore[operator]
    answers = []
    for keywords in ({"dir_fd": directory}, {}):
        path = "a" if keywords else f"{where}/a"
        try:
            chmod(path, 0o755, follow_symlinks=False, **keywords)  # type: ignore[operator]
            answers.append("done")
        except (OSError, ValueError, NotImplementedError) as error:
            answers.append(f"{type(error).__name__}: {error}")
    return answers


@pytest.mark.parametrize("fs", ["host", "memory"])
def test_chmod_of_a_symlink_answers_as_cpython_with_and_without_dir_fd(tmp_path: Path, fs: str) -> None:
    """Found by test_stateful (--hypothesis-seed=1265220574): with dir_fd, CPython's answer is a ValueError."""
    (tmp_path / "real").mkdir()
    real = _chmod_answers(os.chmod, os.open, os.symlink, str(tmp_path / "real"))
    assert real[0] == "ValueError: chmod: cannot use dir_fd and follow_symlinks together"
    with activated(fs) as emulated:
        where = str(tmp_path) if fs == "host" else "/d"
        if fs == "memory":
            emulated.mkdir(where)
        assert _chmod_answers(emulated.chmod, emulated.open, emulated.symlink, where) == real
