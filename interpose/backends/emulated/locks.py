"""`fcntl.flock` and `fcntl.lockf` on emulated fds, as GraalPy's channel locks give them.

A real fd (the host and rooted providers' files) is locked by the host's fcntl.
A file only the provider has (memory, overlay) is locked here, with Linux's
semantics within one process, which is all that can see it: flock locks belong
to the open file description (dup'd fds share one; two opens of the same file
conflict, an exclusive lock waits or, with LOCK_NB, fails with EWOULDBLOCK, and
the last close of the description releases it); POSIX record locks
(`lockf`) belong to the process, so they never conflict within it and only the
access mode is checked (a write lock needs a writable fd, a read lock a readable one).
"""

from __future__ import annotations

import _thread
import errno

from interpose.backends.emulated.fdtable import bad_fd
from interpose.backends.emulated.fileops import fileno_arg
from interpose.host import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

    from interpose.backends.emulated.fdtable import OpenFile
    from interpose.backends.emulated.process import EmulatedProcess

LOCK_SH, LOCK_EX, LOCK_NB, LOCK_UN = 1, 2, 4, 8  # <sys/file.h>, the values fcntl exports on Linux


class FlockTable:
    """flock state of one process's virtual files: file identity -> {description: exclusive?}."""

    def __init__(self) -> None:
        self._held: dict[tuple[int, int], dict[OpenFile, bool]] = {}
        self._lock = _thread.allocate_lock()

    def _try(self, key: tuple[int, int], owner: OpenFile, exclusive: bool) -> bool:
        """Take the lock if nothing conflicts.  As Linux, a lock of the other kind already held is dropped
        first, and stays dropped when the new one cannot be had."""
        with self._lock:
            holders = self._held.setdefault(key, {})
            if holders.get(owner) is exclusive:
                return True
            holders.pop(owner, None)
            for other, other_exclusive in list(holders.items()):
                if other.refs <= 0:  # its last fd was closed: the kernel would have released it
                    del holders[other]
                elif exclusive or other_exclusive:
                    return False
            holders[owner] = exclusive
            return True

    def unlock(self, key: tuple[int, int], owner: OpenFile) -> None:
        with self._lock:
            self._held.get(key, {}).pop(owner, None)

    def flock(self, key: tuple[int, int], owner: OpenFile, operation: int) -> None:
        if operation & LOCK_UN and not operation & (LOCK_SH | LOCK_EX):
            return self.unlock(key, owner)
        kind = operation & (LOCK_SH | LOCK_EX)
        if kind not in (LOCK_SH, LOCK_EX):
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        exclusive = kind == LOCK_EX
        delay = 0.0005
        while not self._try(key, owner, exclusive):
            if operation & LOCK_NB:
                raise BlockingIOError(errno.EWOULDBLOCK, os.strerror(errno.EWOULDBLOCK))
            import time  # only when waiting: not loaded into every program on this backend

            time.sleep(delay)
            delay = min(delay * 2, 0.02)
        return None


def build(process: EmulatedProcess, host: list[ModuleType]) -> dict[str, Callable[..., object]]:
    """`flock` and `lockf` for the backend's fcntl shim, over `process`; `host` holds the host's fcntl once the
    shim is made (an `import fcntl` here would find the shim itself)."""
    flocks = FlockTable()

    def _host() -> ModuleType:
        if host:
            return host[0]
        import fcntl  # no shim made yet (the backend driven directly, not activated): the host's

        return fcntl

    def _virtual(fd: object) -> tuple[int, OpenFile | None]:
        """(the real fd to lock, None) for a file the host has; (-1, its description) for one only the provider has."""
        d = process.description(fileno_arg(fd))
        return (d.fd, None) if d.real else (-1, d)

    def flock(fd: object, operation: int, /) -> None:
        number, d = _virtual(fd)
        if d is None:
            return _host().flock(number, operation)
        status = d.handle.stat()
        flocks.flock((status.st_dev, status.st_ino), d, operation.__index__())
        return None

    def lockf(fd: object, cmd: int, len: int = 0, start: int = 0, whence: int = 0, /) -> object:  # noqa: A002
        number, d = _virtual(fd)
        if d is None:
            return _host().lockf(number, cmd, len, start, whence)
        code = cmd.__index__()
        if code != LOCK_UN and not code & (LOCK_SH | LOCK_EX):
            raise ValueError("unrecognized lockf argument")
        if code != LOCK_UN and not (d.writable if code & LOCK_EX else d.readable):
            raise bad_fd()
        return None

    return {"flock": flock, "lockf": lockf}
