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
"""

from __future__ import annotations

import _thread
import errno

from interpose.host import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from interpose.fs.base import FileHandle


class OpenFile:
    """An open file description: what dup'd fds share."""

    __slots__ = ("handle", "path", "flags", "offset", "lock", "refs", "real", "handle_fd_open", "owned")

    def __init__(self, handle: FileHandle, path: str, flags: int, real: bool, owned: bool = True) -> None:
        self.handle = handle
        self.path = path  # the provider path it was opened with: fchdir and dir_fd resolve against it
        self.flags = flags
        self.offset = 0
        self.lock = _thread.allocate_lock()
        self.refs = 0
        self.real = real  # the fds are real fds of the handle's file
        self.handle_fd_open = True
        self.owned = owned  # opened by the emulated program (closed at deactivation), or found open

    @property
    def readable(self) -> bool:
        return self.flags & os.O_ACCMODE != os.O_WRONLY

    @property
    def writable(self) -> bool:
        return self.flags & os.O_ACCMODE != os.O_RDONLY


def bad_fd() -> OSError:
    return OSError(errno.EBADF, os.strerror(errno.EBADF))


class FdTable:
    """fd -> OpenFile, safe under concurrent open, dup and close."""

    def __init__(self) -> None:
        self._files: dict[int, OpenFile] = {}
        self._lock = _thread.allocate_lock()

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
            self._bind(fd, OpenFile(handle, path, flags, True, owned))

    def adopt_found(self, fd: int) -> OpenFile | None:
        """A real fd the table does not know (a socket, an eventfd, a C library's or pytest's file): the
        kernel's own, so using it is what CPython does; it is never a placeholder, so nothing is aliased.
        Found fds are left open at deactivation.  None when the fd is not open at all."""
        from interpose.fs.host import HostFileHandle

        try:
            os.fstat(fd)
        except (OSError, OverflowError, ValueError):
            return None
        with self._lock:
            found = self._files.get(fd)
            if found is None:
                found = OpenFile(HostFileHandle(fd, ""), "", os.O_RDWR, True, owned=False)
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
            replaced = self._files.pop(fd2, None)
            os.dup2(fd, fd2, inheritable=inheritable)  # atomically closes whatever real fd was there
            if replaced is not None:
                self._release(fd2, replaced, closed=True)
            self._bind(fd2, description)
        return fd2

    def close(self, fd: int) -> None:
        with self._lock:
            description = self._files.pop(fd, None)
            if description is None:
                raise bad_fd()
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
