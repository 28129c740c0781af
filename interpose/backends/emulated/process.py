"""The emulated process: the state GraalPy's java backend keeps instead of the OS's.

One object per backend: the provider, the fd table, the working directory
(a provider path; the process's real cwd never changes), the umask (starts at
0o022 whatever the real one is) and the virtual children.  The backend's
functions are closures over this object (see fileops.build), so two backends
never share state; `reset` gives the same functions a fresh process over another
provider (the pytest fixture does, once per test).  Path arguments are made
absolute here, against the cwd or a `dir_fd`'s stored path, with empty and `.`
components removed and `..` kept for the provider to resolve physically.
"""

from __future__ import annotations

import errno
import sys

from interpose.backends.emulated.arguments import dir_fd_arg, fd_arg
from interpose.backends.emulated.fdtable import FdTable, bad_fd
from interpose.fs.host import real_umask
from interpose.host import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from interpose.backends.emulated.arguments import PathArg
    from interpose.backends.emulated.fdtable import OpenFile
    from interpose.fs.base import FileSystem

INITIAL_UMASK = 0o022


def normalise(path: str) -> str:
    """Drop empty and `.` components of an absolute path; keep `..` (the provider resolves it)."""
    names = [name for name in path.split("/") if name and name != "."]
    return "/" + "/".join(names)


class EmulatedProcess:
    """Process state of the emulated backend."""

    __slots__ = ("fs", "policy", "table", "cwd", "umask", "children", "host_paths", "host_cwd", "umask_reported")

    def __init__(self, fs: FileSystem, policy: str = "enforce", cwd: str | None = None) -> None:
        self.policy = policy
        self.table = FdTable()
        self.children: dict[int, object] = {}
        self.reset(fs, cwd)

    def reset(self, fs: FileSystem, cwd: str | None = None) -> None:
        """A fresh process over `fs`: every fd closed, cwd and umask as at start-up, no children.

        The table object stays (the backend's functions hold it); its contents go.
        """
        from interpose.fs.host import HostFileSystem

        self.table.close_all()
        self.children.clear()
        self.table.take_inventory(fs.host_fds, c_files=type(fs) is HostFileSystem)
        self.fs = fs
        self.cwd = initial_cwd(fs) if cwd is None else cwd
        # GraalPy starts every process at 0o022; under warn the process starts from the real umask, as CPython.
        self.umask = INITIAL_UMASK if self.policy == "enforce" else real_umask()
        self.umask_reported = False
        self.host_paths = type(fs) is HostFileSystem  # provider paths are the host's own
        self.host_cwd = os.getcwd()

    def description(self, fd: object) -> OpenFile:
        """The open file of an fd argument; a real fd that is the program's own is taken in (FdTable.adoptable);
        EBADF if none is open."""
        found = self.table.live(fd)  # type: ignore[arg-type]
        if found is None:
            number = fd_arg(fd)  # a TypeError for a non-integer, as CPython gives
            found = self.table.adopt_found(number) if number >= 0 else None
            if found is None:
                raise bad_fd()
        return found

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

    def full_path(self, arg: PathArg, dir_fd: object) -> str:
        """The provider path of a converted path argument; ENOENT for an empty one, as the kernel."""
        if not arg.text:
            raise OSError(errno.ENOENT, os.strerror(errno.ENOENT), arg.original)
        return self.absolute(arg.text, dir_fd_arg(dir_fd))

    def directory_path(self, fd: int) -> str:
        """The path an fd was opened with, for dir_fd and fchdir (GraalPy resolves them the same way).

        A real fd opened elsewhere is taken in; under the host provider its path is the kernel's.
        """
        description = self.table.live(fd)
        if description is None:
            description = self.table.adopt_found(fd) if isinstance(fd, int) and fd >= 0 else None
            if description is None:
                return self.table.get(fd).path  # EBADF, or CPython's TypeError for a non-integer
            if self.host_paths:
                try:  # noqa: SIM105 - contextlib would be imported into every program on this backend
                    description.path = os.readlink(f"/proc/self/fd/{fd}")
                except OSError:
                    pass
        return description.path


def initial_cwd(fs: FileSystem) -> str:
    """The host's cwd where the provider shows the host's paths; `/` where it has a tree of its own."""
    from interpose.fs.host import HostFileSystem

    inner = fs
    while isinstance(inner, _provider_class("readonly", "ReadOnlyFileSystem")):
        inner = inner.inner  # type: ignore[attr-defined]
    if isinstance(inner, HostFileSystem) or (
        isinstance(inner, _provider_class("overlay", "OverlayFileSystem")) and _lower_is_host(inner)
    ):
        cwd = os.getcwd()
        try:
            fs.stat(cwd)
        except OSError:
            return "/"
        return cwd
    return "/"


def _provider_class(module: str, name: str) -> type | tuple[()]:
    """The provider class, if its module is loaded: no object is of a class never loaded (and importing the overlay
    here would load the overlay, memory and readonly providers into every program on this backend)."""
    loaded = sys.modules.get(f"interpose.fs.{module}")
    return () if loaded is None else getattr(loaded, name)


def _lower_is_host(overlay: object) -> bool:
    from interpose.fs.host import HostFileSystem

    lower = getattr(overlay, "lower", None)
    inner = getattr(lower, "inner", lower)
    return isinstance(inner, HostFileSystem)

