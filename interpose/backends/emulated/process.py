"""The emulated process: the state GraalPy's java backend keeps instead of the OS's.

One object per activation: the provider, the fd table, the working directory
(a provider path; the process's real cwd never changes), the umask (starts at
0o022 whatever the real one is) and the virtual children.  Path arguments are
made absolute here, against the cwd or a `dir_fd`'s stored path, with empty and
`.` components removed and `..` kept for the provider to resolve physically.
"""

from __future__ import annotations

import contextlib
import errno

from interpose.backends.emulated.fdtable import FdTable
from interpose.fs.host import real_umask
from interpose.host import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from interpose.fs.base import FileSystem

INITIAL_UMASK = 0o022


def normalise(path: str) -> str:
    """Drop empty and `.` components of an absolute path; keep `..` (the provider resolves it)."""
    names = [name for name in path.split("/") if name and name != "."]
    return "/" + "/".join(names)


class EmulatedProcess:
    """Process state of the emulated backend."""

    def __init__(self, fs: FileSystem, cwd: str, policy: str = "enforce") -> None:
        self.fs = fs
        self.policy = policy
        self.table = FdTable()
        self.cwd = cwd
        # GraalPy starts every process at 0o022; under warn the process starts from the real umask, as CPython.
        self.umask = INITIAL_UMASK if policy == "enforce" else real_umask()
        self.children: dict[int, object] = {}
        from interpose.fs.host import HostFileSystem

        self._host_paths = type(fs) is HostFileSystem  # provider paths are the host's own

    def absolute(self, text: str, dir_fd: int | None = None) -> str:
        """The provider path of a path argument."""
        if text[:1] == "/":
            full = text
        elif dir_fd is None:
            full = f"{self.cwd}/{text}" if text else self.cwd
        else:
            full = f"{self.directory_path(dir_fd)}/{text}"
        if "//" in full or "/." in full or full[-1:] == "/":
            return normalise(full)
        return full

    def directory_path(self, fd: int) -> str:
        """The path an fd was opened with, for dir_fd and fchdir (GraalPy resolves them the same way).

        A real fd opened elsewhere is taken in; under the host provider its path is the kernel's.
        """
        description = self.table._files.get(fd)
        if description is None:
            description = self.table.adopt_found(fd) if isinstance(fd, int) and fd >= 0 else None
            if description is None:
                return self.table.get(fd).path  # EBADF, or CPython's TypeError for a non-integer
            if self._host_paths:
                with contextlib.suppress(OSError):
                    description.path = os.readlink(f"/proc/self/fd/{fd}")
        return description.path


def initial_cwd(fs: FileSystem) -> str:
    """The host's cwd where the provider shows the host's paths; `/` where it has a tree of its own."""
    from interpose.fs.host import HostFileSystem
    from interpose.fs.overlay import OverlayFileSystem
    from interpose.fs.readonly import ReadOnlyFileSystem

    inner = fs
    while isinstance(inner, ReadOnlyFileSystem):
        inner = inner.inner
    if isinstance(inner, HostFileSystem) or (isinstance(inner, OverlayFileSystem) and _lower_is_host(inner)):
        cwd = os.getcwd()
        try:
            fs.stat(cwd)
        except OSError:
            return "/"
        return cwd
    return "/"


def _lower_is_host(overlay: object) -> bool:
    from interpose.fs.host import HostFileSystem

    lower = getattr(overlay, "lower", None)
    inner = getattr(lower, "inner", lower)
    return isinstance(inner, HostFileSystem)


def no_such_fd() -> OSError:
    return OSError(errno.EBADF, os.strerror(errno.EBADF))
