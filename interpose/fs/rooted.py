"""A host directory presented as ``/``: nothing outside it can be named.

Every path is resolved here, component by component with ``lstat``/``readlink``:
``..`` stops at the root, and symlinks -- absolute or relative, in chains -- are
interpreted inside the root, like openat2's RESOLVE_IN_ROOT.  The host call is then
made on the resolved host path with symlink following switched off, so the
kernel never follows a link we have not checked.  Errors carry the program's
path, never the host one.

Limit: resolution and the call are two steps, so a *concurrent* process that
swaps a checked directory for a symlink in between could redirect one call;
the view is safe against everything the program itself does.  A hard link that
already exists inside the root to a file outside it is the same inode, and is
shared, as with any bind mount.
"""

from __future__ import annotations

import errno as E
import stat as S

from interpose.fs.base import FileSystem, check_length, components, err, refile
from interpose.fs.host import HostFileHandle, open_creating, real_umask, scan
from interpose.fs.resolve import host_path, resolve
from interpose.host import os


class RootedFileSystem(FileSystem):
    """The host tree below ``root``, which need not be canonical (a symlinked root is resolved once)."""

    def __init__(self, root: str) -> None:
        if not root.startswith("/"):
            raise ValueError(f"rooted: the root must be an absolute path, not {root!r}")
        self._root = host_path("", resolve("", root, True)[0]).rstrip("/")
        self._umask = real_umask()
        os.listdir(self._root or "/")  # fail now, not on the first call, if it is no directory

    def _host(self, path: str, follow: bool = True) -> str:
        check_length(path)
        return host_path(self._root, resolve(self._root, path, follow)[0])

    def _entry(self, path: str, no_entry: int) -> str:
        """The host path of a name to create or remove; ``no_entry`` for the root or a trailing '..'."""
        check_length(path)
        names, entry = resolve(self._root, path, False)
        if not entry:
            raise err(no_entry, path)
        return host_path(self._root, names)

    def stat(self, path: str, follow_symlinks: bool = True) -> os.stat_result:
        try:
            return os.stat(self._host(path, follow_symlinks), follow_symlinks=False)
        except OSError as e:
            raise refile(e, path) from None

    def open(self, path: str, flags: int, mode: int = 0o666) -> HostFileHandle:
        excl = flags & os.O_CREAT and flags & os.O_EXCL
        try:
            # The root resolves to "DIR/": a trailing slash would turn EEXIST into EISDIR under O_CREAT|O_EXCL.
            real = self._host(path, not (flags & os.O_NOFOLLOW or excl)).rstrip("/") or "/"
            flags |= os.O_NOFOLLOW
            if flags & os.O_CREAT and mode & self._umask:
                fd = open_creating(real, flags, mode)
            else:
                fd = os.open(real, flags, mode)
        except OSError as e:
            raise refile(e, path) from None
        # A file fd cannot lead out of the root; a directory fd given to a child could (openat "..").
        return HostFileHandle(fd, path, share=not S.S_ISDIR(os.fstat(fd).st_mode))

    def listdir(self, path: str) -> list[str]:
        try:
            return os.listdir(self._host(path))
        except OSError as e:
            raise refile(e, path) from None

    def scandir(self, path: str) -> list[tuple[str, int, int]]:
        try:
            return scan(self._host(path))
        except OSError as e:
            raise refile(e, path) from None

    def mkdir(self, path: str, mode: int = 0o777) -> None:
        try:
            real = self._entry(path, E.EEXIST)
            os.mkdir(real, mode)
            if mode & self._umask:
                os.chmod(real, mode & 0o1777, follow_symlinks=False)
        except OSError as e:
            raise refile(e, path) from None

    def rmdir(self, path: str) -> None:
        try:
            os.rmdir(self._entry(path, E.ENOTEMPTY if components(path) else E.EBUSY))
        except OSError as e:
            raise refile(e, path) from None

    def unlink(self, path: str) -> None:
        try:
            os.unlink(self._entry(path, E.EISDIR))
        except OSError as e:
            raise refile(e, path) from None

    def rename(self, src: str, dst: str) -> None:
        try:
            check_length(src)
            check_length(dst)
            snames, sentry = resolve(self._root, src, False)
            dnames, dentry = resolve(self._root, dst, False)
            if not (sentry and dentry):  # after both lookups, as Linux
                raise err(E.EBUSY)
            os.rename(host_path(self._root, snames), host_path(self._root, dnames))
        except OSError as e:
            raise refile(e, src, dst) from None

    def symlink(self, target: str, path: str) -> None:
        try:
            os.symlink(target, self._entry(path, E.EEXIST))
        except OSError as e:
            raise refile(e, target, path) from None

    def readlink(self, path: str) -> str:
        try:
            return os.readlink(self._host(path, False))
        except OSError as e:
            raise refile(e, path) from None

    def link(self, src: str, dst: str, follow_symlinks: bool = True) -> None:
        try:
            real = self._host(src, follow_symlinks)
            os.lstat(real)  # as link(2): a missing source is reported before anything about dst
            os.link(real, self._entry(dst, E.EEXIST), follow_symlinks=False)
        except OSError as e:
            raise refile(e, src, dst) from None

    def chmod(self, path: str, mode: int, follow_symlinks: bool = True) -> None:
        try:
            os.chmod(self._host(path, follow_symlinks), mode, follow_symlinks=False)
        except NotImplementedError:
            raise err(E.EOPNOTSUPP, path) from None
        except OSError as e:
            raise refile(e, path) from None

    def utime(self, path: str, ns: tuple[int, int] | None, follow_symlinks: bool = True) -> None:
        try:
            real = self._host(path, follow_symlinks)
            if ns is None:
                os.utime(real, None, follow_symlinks=False)
            else:
                os.utime(real, ns=ns, follow_symlinks=False)
        except OSError as e:
            raise refile(e, path) from None

    def truncate(self, path: str, length: int) -> None:
        if length < 0:
            raise err(E.EINVAL, path)
        try:
            fd = os.open(self._host(path), os.O_WRONLY | os.O_NOFOLLOW)
        except OSError as e:
            raise refile(e, path) from None
        try:
            os.ftruncate(fd, length)
        except OSError as e:
            raise refile(e, path) from None
        finally:
            os.close(fd)

    def access(self, path: str, mode: int) -> bool:
        try:
            return os.access(self._host(path), mode, follow_symlinks=False)
        except OSError:
            return False

    def statvfs(self, path: str) -> os.statvfs_result:
        try:
            return os.statvfs(self._host(path))
        except OSError as e:
            raise refile(e, path) from None

    def realpath(self, path: str) -> str:
        try:
            names, _ = resolve(self._root, path, True)
            os.lstat(host_path(self._root, names))
        except OSError as e:
            raise refile(e, path) from None
        return "/" + "/".join(names)

