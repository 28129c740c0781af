"""Where, on the host, a provider path is, when it is anywhere; and what a provider without an operation says.

Child processes, `exec` and special files need a real path: the host provider's
paths are real; a rooted provider's are below its root; an overlay's are real
only while nothing above has changed them; memory and deny have none.  A change
the provider has no operation for (extended attributes, ownership, FIFOs and
device nodes) reaches the host only where the provider itself writes there
(host, rooted): a read-only view is never unwrapped for a change, whatever the
policy, since `warn` relaxes GraalPy's limitations, never a provider's refusal.
"""

from __future__ import annotations

import errno

from interpose.host import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from interpose.fs.base import FileSystem


def host_path(fs: FileSystem, path: str, follow: bool = True) -> str | None:
    """The real path of `path` in `fs`, for reading, or None when the file exists only in the emulated filesystem."""
    from interpose.fs.host import HostFileSystem
    from interpose.fs.readonly import ReadOnlyFileSystem
    from interpose.fs.rooted import RootedFileSystem

    while isinstance(fs, ReadOnlyFileSystem):
        fs = fs.inner
    if type(fs) is HostFileSystem:
        return path
    if type(fs) is RootedFileSystem:
        try:
            return fs._host(path, follow)
        except OSError:
            return None
    return None


class HostTarget:
    """Where one host call on a provider file lands: `path`, real; `follow`, whether the call may follow a
    final symlink.  Under rooted the path goes through the pinned directory fd of the provider's own walk
    (/proc/self/fd/N/name, its last name never followed), so the program's threads cannot swap a symlink into
    a checked path between the check and the call; `close()` releases that fd."""

    __slots__ = ("path", "follow", "_release")

    def __init__(self, path: str, follow: bool, release: object = None) -> None:
        self.path, self.follow, self._release = path, follow, release

    def close(self) -> None:
        if self._release is not None:
            self._release.close()  # type: ignore[attr-defined]
            self._release = None


def writable_host_target(fs: FileSystem, path: str, follow: bool = True) -> HostTarget | None:
    """The real target of `path` for a change, where the provider writes to the host itself (host, rooted).

    OSError as the provider's lookup gives it (rooted); None where the provider keeps its files to itself.
    """
    from interpose.fs.host import HostFileSystem
    from interpose.fs.rooted import RootedFileSystem

    if type(fs) is HostFileSystem:
        return HostTarget(path, follow)
    if type(fs) is RootedFileSystem:
        spot = fs._walk(path, follow)  # the provider's race-free walk; its final symlink resolved inside the root
        return HostTarget(f"/proc/self/fd/{spot.fd}/{spot.name}", False, spot)
    return None


def refusal(
    fs: FileSystem, path: str, follow: bool, missing: int | None, write: bool = True, creating: bool = False
) -> OSError | None:
    """What Linux says for an operation the provider `fs` has no way to do on `path`, the lookups first.

    EPERM under deny (it refuses everything, lookups included); ENOENT/ENOTDIR for a missing file (or, when
    `creating`, EEXIST for an existing one and ENOENT for a missing parent); then EROFS for a change under a
    read-only view, else `missing`: the errno of a filesystem without the feature, or None when the operation
    has nothing to do there (chown of a file the process owns already).
    """
    from interpose.fs.deny import DenyFileSystem
    from interpose.fs.readonly import ReadOnlyFileSystem

    inner, readonly = fs, False
    while isinstance(inner, ReadOnlyFileSystem):
        inner, readonly = inner.inner, True
    if isinstance(inner, DenyFileSystem):
        return _error(errno.EPERM)
    if creating:
        try:
            fs.stat(path, False)
        except FileNotFoundError:
            fs.stat(path.rpartition("/")[0] or "/")
        else:
            return _error(errno.EEXIST)
    else:
        fs.stat(path, follow)
    if readonly and write:
        return _error(errno.EROFS)
    return None if missing is None else _error(missing)


def _error(code: int) -> OSError:
    return OSError(code, os.strerror(code))
