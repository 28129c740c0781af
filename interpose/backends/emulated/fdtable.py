"""The emulated backend's file-descriptor table.

Emulated fds live in the process's real fd number space, so that a number is
never two things at once: a file the provider backs with a host fd (the host
filesystem, a pipe, the standard streams) *is* that real fd, and native code
handed it reaches the same file; a file that lives only in the provider (in
memory, in an overlay) holds a placeholder, a real O_PATH descriptor that
reserves its number and makes every read, write, mmap or lock by native code fail
with EBADF instead of touching another file (pyfakefs #970).  Numbers are thus
the kernel's lowest-free, as on Linux.

Offsets: the kernel keeps them for real fds (and shares them across dup); an
OpenFile keeps its own for placeholders, shared the same way.

The table hands the program only descriptors it opened through the backend,
plus the few it can prove are the program's own: a provider keeps real fds of
its own behind its handles (the host file under a read-only view, an overlay's
lower file, a rooted provider's directories), and taking one of those in would
give the program a writable host file.  So an fd the table did not open is
taken in only when it is an anonymous kernel object (a socket, a pipe, an
eventfd, epoll or pidfd: C code's, never a provider's) or a file that was
already open when the emulated process started (pytest's capture files, fds
inherited from the parent), never a directory, and never one its provider
declares (``FileSystem.host_fds()``).  Anything else is EBADF, as
on GraalPy, whose table knows only its own fds.
"""

from __future__ import annotations

import _thread
import errno
import stat as st

from interpose.host import os

#: What /proc/self/fd shows for kernel objects that no provider opens: C code's sockets, pipes, eventfds, epolls.
_ANONYMOUS = ("socket:", "pipe:", "anon_inode:")

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from interpose.fs.base import FileHandle


class OpenFile:
    """An open file description: what dup'd fds share."""

    __slots__ = ("handle", "path", "flags", "offset", "lock", "refs", "real", "handle_fd_open", "owned", "identity")

    def __init__(
        self, handle: FileHandle, path: str, flags: int, real: bool, owned: bool = True,
        identity: tuple[int, int] | None = None,
    ) -> None:  # fmt: skip
        self.handle = handle
        self.path = path  # the provider path it was opened with: fchdir and dir_fd resolve against it
        self.flags = flags
        self.offset = 0
        self.lock = _thread.allocate_lock()
        self.refs = 0
        self.real = real  # the fds are real fds of the handle's file
        self.handle_fd_open = True
        self.owned = owned  # opened by the emulated program (closed at deactivation), or found open
        # (st_dev, st_ino) of a real fd the table did not open itself (standard streams, pipes, sockets): C
        # code may close it behind the table's back and the kernel give the number to a provider, so each
        # use checks that the number still holds that file.  None for fds the table opened.
        self.identity = identity

    @property
    def readable(self) -> bool:
        return self.flags & os.O_ACCMODE != os.O_WRONLY

    @property
    def writable(self) -> bool:
        return self.flags & os.O_ACCMODE != os.O_RDONLY


def identity_of(fd: int) -> tuple[int, int] | None:
    try:
        status = os.fstat(fd)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def bad_fd() -> OSError:
    return OSError(errno.EBADF, os.strerror(errno.EBADF))


class FdTable:
    """fd -> OpenFile, safe under concurrent open, dup and close."""

    def __init__(self) -> None:
        self._files: dict[int, OpenFile] = {}
        self._lock = _thread.allocate_lock()
        self._inherited: dict[int, tuple[int, int]] = {}  # fd -> (st_dev, st_ino) of a file open at start
        self._provider_fds: Callable[[], tuple[int, ...]] = tuple

    def take_inventory(self, provider_fds: Callable[[], tuple[int, ...]]) -> None:
        """Remember the files open now, before the program runs on this table: they are its own, and may be
        taken in later, except directories and the fds the provider keeps for itself (`provider_fds()`)."""
        self._provider_fds = provider_fds
        private = provider_fds()
        try:
            numbers = [int(name) for name in os.listdir("/proc/self/fd")]
        except OSError:
            numbers = list(range(256))
        inherited = {}
        for fd in numbers:
            if fd in self._files or fd in private:
                continue
            try:
                status = os.fstat(fd)
            except OSError:
                continue  # the listing's own fd, closed since
            if not st.S_ISDIR(status.st_mode):
                inherited[fd] = (status.st_dev, status.st_ino)
        self._inherited = inherited

    def adoptable(self, fd: int, status: os.stat_result) -> bool:
        """Whether a real fd the table did not open is the program's own (see the module's docstring)."""
        if fd in self._provider_fds():
            return False
        if self._inherited.get(fd) == (status.st_dev, status.st_ino):
            return True
        if st.S_ISSOCK(status.st_mode):
            return True
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            return st.S_ISFIFO(status.st_mode)  # no /proc: a pipe cannot be told from a FIFO, both taken
        return target.startswith(_ANONYMOUS)

    def get(self, fd: int) -> OpenFile:
        try:
            return self._files[fd]
        except KeyError:
            raise bad_fd() from None
        except TypeError:
            raise TypeError(f"an integer is required (got type {type(fd).__name__})") from None

    def __contains__(self, fd: int) -> bool:
        return fd in self._files

    def fds(self) -> list[int]:
        return sorted(self._files)

    def add(self, handle: FileHandle, path: str, flags: int) -> int:
        """Give an opened handle its fd: the handle's own host fd, or a placeholder's number."""
        host_fd = handle.host_fd()
        real = host_fd is not None
        description = OpenFile(handle, path, flags, real)
        with self._lock:
            fd = host_fd if host_fd is not None else self._placeholder()
            self._bind(fd, description)
        return fd

    def _placeholder(self) -> int:
        """A real fd number reserved for a virtual file: O_PATH, so native reads and writes fail (EBADF).

        Opened afresh each time (no long-lived source fd) so that numbers are the kernel's lowest-free.
        """
        return os.open("/dev/null", os.O_PATH | os.O_CLOEXEC)

    def adopt(self, fd: int, handle: FileHandle, path: str, flags: int, owned: bool = True) -> None:
        """Register a real fd the backend did not open itself (standard streams, pipe ends)."""
        with self._lock:
            self._forget_stale(fd)
            self._bind(fd, OpenFile(handle, path, flags, True, owned, identity_of(fd)))

    def live(self, fd: int) -> OpenFile | None:
        """The description of `fd`, unless it is a real fd closed behind the table's back (then forgotten)."""
        found = self._files.get(fd)
        if found is None or found.identity is None or identity_of(fd) == found.identity:
            return found
        with self._lock:
            self._forget_stale(fd)
        return None

    def _forget_stale(self, fd: int) -> None:
        """Drop an entry whose real fd is gone, without closing the number (it may be someone else's now)."""
        found = self._files.get(fd)
        if found is not None and found.identity is not None and identity_of(fd) != found.identity:
            del self._files[fd]
            found.refs -= 1
            found.handle_fd_open = False

    def adopt_found(self, fd: int) -> OpenFile | None:
        """A real fd the table does not know (a socket, an eventfd, pytest's capture file): the program's
        own, so using it is what CPython does.  Found fds are left open at deactivation.  None when the fd is
        not open at all, or is not the program's to use (a provider's, or opened behind the backend's back)."""
        from interpose.fs.host import HostFileHandle

        try:
            status = os.fstat(fd)
        except (OSError, OverflowError, ValueError):
            return None
        if not self.adoptable(fd, status):
            return None
        with self._lock:
            self._forget_stale(fd)
            found = self._files.get(fd)
            if found is None:
                identity = (status.st_dev, status.st_ino)
                found = OpenFile(HostFileHandle(fd, ""), "", os.O_RDWR, True, owned=False, identity=identity)
                self._bind(fd, found)
        return found

    def dup(self, fd: int, inheritable: bool = False) -> int:
        with self._lock:
            description = self.get(fd)
            new = os.dup(fd)
            self._bind(new, description)
        return new

    def dup2(self, fd: int, fd2: int, inheritable: bool = False) -> int:
        with self._lock:
            description = self.get(fd)
            if fd == fd2:
                return fd2
            self._forget_stale(fd2)
            replaced = self._files.pop(fd2, None)
            if replaced is None:
                self._check_free(fd2)
            os.dup2(fd, fd2, inheritable=inheritable)  # atomically closes whatever real fd was there
            if replaced is not None:
                self._release(fd2, replaced, closed=True)
            self._inherited.pop(fd2, None)
            self._bind(fd2, description)
        return fd2

    def _check_free(self, fd: int) -> None:
        """dup2 may replace a number the table does not hold only when it is free or the program's own: a
        provider's private fd is never closed under it (EBUSY, the errno of dup2 on a number being opened)."""
        try:
            status = os.fstat(fd)
        except OSError:
            return
        if not self.adoptable(fd, status):
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY))

    def close(self, fd: int) -> None:
        with self._lock:
            self._forget_stale(fd)
            description = self._files.pop(fd, None)
            if description is None:
                raise bad_fd()
            self._inherited.pop(fd, None)
            self._release(fd, description, closed=False)

    def close_all(self) -> None:
        """Deactivation: close every fd the program left open, except the standard streams."""
        for fd in self.fds():
            if fd > 2 and self._files[fd].owned:
                try:  # noqa: SIM105 - contextlib would be imported into every program on this backend
                    self.close(fd)
                except OSError:
                    pass
        self._files.clear()

    def _bind(self, fd: int, description: OpenFile) -> None:
        """`fd` now holds `description`; whatever the table had there was closed behind its back."""
        stale = self._files.get(fd)
        if stale is not None and stale is not description:
            stale.refs -= 1
            stale.handle_fd_open = False
        self._inherited.pop(fd, None)
        description.refs += 1
        self._files[fd] = description

    def _release(self, fd: int, description: OpenFile, closed: bool) -> None:
        """Drop one fd's reference; the last one closes the handle. `closed`: the real fd is gone already."""
        description.refs -= 1
        is_handle_fd = description.real and description.handle.host_fd() == fd
        if description.refs == 0 and (not description.real or (is_handle_fd and description.handle_fd_open)):
            if closed and description.real:
                return  # dup2 already closed the handle's fd
            if not description.real and not closed:
                os.close(fd)  # the placeholder
            description.handle.close()
            return
        if is_handle_fd:
            description.handle_fd_open = False
        if not closed:
            os.close(fd)
