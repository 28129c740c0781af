"""Route 3 of issue 9: a provider's own real fds are never the program's.

A read-only or overlay provider reads a host file through a real fd of its own,
next to the number the program got.  Guessing that number (or any other) must
not give the program a writable host file: the host file is compared by
snapshot (mode, times, extended attributes, contents) before and after every
guess with every fd function that changes a file.
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.emulated.emu import Emulated

SPECS = ["readonly:host", "overlay", "readonly:rooted:{root}", "overlay:{root}"]


def snapshot(path: Path) -> tuple[Any, ...]:
    """What a change through an fd would show: mode, owner, mtime, ctime (any attribute or xattr change), bytes."""
    status = os.stat(path)
    try:
        names = sorted(os.listxattr(path))
        xattrs = [(name, os.getxattr(path, name)) for name in names]
    except OSError:
        xattrs = []
    return status.st_mode, status.st_uid, status.st_mtime_ns, status.st_ctime_ns, xattrs, path.read_bytes()


def open_fds() -> set[int]:
    """The fds open now (not the listing's own, closed by the time it is returned)."""
    found = set()
    for name in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            os.fstat(int(name))
            found.add(int(name))
    return found


def _names(fd: int, path: Path) -> bool:
    """Whether `fd` is open on `path` (not a file another thread of the test process opened meanwhile)."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}") == str(path.resolve())
    except OSError:
        return False


def attacks(e: dict[str, Any], n: int) -> Iterator[Any]:
    """Every fd call that changes a file, against number `n` (those the policy leaves in posix)."""
    calls: list[tuple[str, tuple[Any, ...]]] = [
        ("fchmod", (0o777,)), ("chmod", (0o777,)), ("utime", ((0, 0),)), ("ftruncate", (0,)), ("truncate", (0,)),
        ("pwrite", (b"owned", 0)), ("write", (b"owned",)), ("posix_fallocate", (0, 100)),
        ("fchown", (os.getuid(), os.getgid())), ("setxattr", ("user.owned", b"1")), ("removexattr", ("user.kept",)),
    ]  # fmt: skip
    for name, args in calls:
        if name in e:
            yield lambda name=name, args=args: e[name](n, *args)


@pytest.fixture
def host_file(tmp_path: Path) -> Path:
    target = tmp_path / "root" / "data.txt"
    target.parent.mkdir()
    target.write_bytes(b"host contents")
    os.chmod(target, 0o644)
    with contextlib.suppress(OSError):
        os.setxattr(target, "user.kept", b"yes")  # where the filesystem has user xattrs (not every tmpfs)
    return target


def _emulated(spec: str, root: Path, policy: str) -> Emulated:
    return Emulated(spec.format(root=root), policy)


def _provider_path(spec: str, target: Path) -> str:
    return "/data.txt" if "{root}" in spec else str(target)


@pytest.mark.parametrize("policy", ["enforce", "warn"])
@pytest.mark.parametrize("spec", SPECS)
def test_guessing_every_fd_changes_no_host_file(host_file: Path, spec: str, policy: str) -> None:
    before_fds = open_fds()
    emulated = _emulated(spec, host_file.parent, policy)
    before = snapshot(host_file)
    try:
        mine = emulated.call("open", _provider_path(spec, host_file), os.O_RDONLY)
        assert emulated.call("read", mine, 4) == b"host"

        def guess(e: dict[str, Any]) -> list[int]:
            changed = []
            for n in range(3, 1024):
                if n in before_fds:
                    continue  # the test runner's own files, which the program may use as CPython does
                for attack in attacks(e, n):
                    with contextlib.suppress(OSError, ValueError):
                        attack()
                if snapshot(host_file) != before:
                    changed.append(n)
            return changed

        assert emulated.run(guess) == []
        assert emulated.call("read", mine, 100) == b" contents"  # the program's own fd still works
    finally:
        emulated.close()
    assert snapshot(host_file) == before


@pytest.mark.parametrize("spec", SPECS)
def test_provider_fd_is_ebadf_and_never_replaced(host_file: Path, spec: str) -> None:
    emulated = _emulated(spec, host_file.parent, "warn")
    try:
        named_before = {n for n in open_fds() if _names(n, host_file)}  # by name: a number may be reused since
        mine = emulated.call("open", _provider_path(spec, host_file), os.O_RDONLY)
        private = sorted(n for n in open_fds() - named_before - {mine} if _names(n, host_file))
        assert private, "the provider holds a real fd of its own for this file"
        for n in private:
            with pytest.raises(OSError) as raised:
                emulated.call("fchmod", n, 0o777)
            assert raised.value.errno == 9
            with pytest.raises(OSError) as raised:
                emulated.call("close", n)
            assert raised.value.errno == 9
            with pytest.raises(OSError) as raised:  # dup2 would close the provider's fd under it
                emulated.call("dup2", mine, n)
            assert raised.value.errno == 16
            os.fstat(n)  # still open
        assert emulated.call("read", mine, 4) == b"host"
    finally:
        emulated.close()


def test_a_number_closed_behind_the_tables_back_is_not_taken_for_the_old_file(host_file: Path) -> None:
    """A socket taken in, closed by C code, and its number reused by the provider: the stale entry is dropped."""
    emulated = _emulated("readonly:host", host_file.parent, "warn")
    before = snapshot(host_file)
    try:
        sock = socket.socket()
        number = sock.fileno()
        emulated.call("set_blocking", number, True)  # taken in: a socket is the program's own
        sock.close()  # C's close: the table does not see it
        reopened = os.open(host_file, os.O_RDONLY)  # as a provider's private fd would take the number
        try:
            assert reopened == number
            with pytest.raises(OSError) as raised:
                emulated.call("fchmod", number, 0o777)
            assert raised.value.errno == 9
        finally:
            os.close(reopened)
    finally:
        emulated.close()
    assert snapshot(host_file) == before


def test_the_programs_own_real_fds_are_still_taken_in(tmp_path: Path) -> None:
    """Sockets, pipes, eventfds made by C code, and files open before the process started, work as in CPython."""
    early = os.open(tmp_path / "early", os.O_RDWR | os.O_CREAT, 0o600)
    emulated = Emulated("memory", "warn")
    a, b = socket.socketpair()
    read_end, write_end = os.pipe()
    event = os.eventfd(0) if hasattr(os, "eventfd") else None
    try:
        assert emulated.call("write", a.fileno(), b"ping") == 4
        assert emulated.call("read", b.fileno(), 4) == b"ping"
        assert emulated.call("write", write_end, b"x") == 1
        assert emulated.call("read", read_end, 1) == b"x"
        if event is not None:
            assert emulated.call("write", event, (1).to_bytes(8, "little")) == 8
        assert emulated.call("write", early, b"early") == 5
        assert emulated.call("fstat", early).st_size == 5
        late = os.open(tmp_path / "late", os.O_RDWR | os.O_CREAT, 0o600)  # behind the backend's back: not its own
        try:
            with pytest.raises(OSError) as raised:
                emulated.call("write", late, b"x")
            assert raised.value.errno == 9
        finally:
            os.close(late)
    finally:
        emulated.close()
        for fd in (early, read_end, write_end, *(() if event is None else (event,))):
            os.close(fd)
        a.close()
        b.close()
