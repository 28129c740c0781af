"""Any provider, with every write refused: a read-only mount.

Writes fail with EROFS, the errno Linux gives on a read-only mount, which
programs already recognise (pip, compileall and tar treat it specially).  Truffle's
``FileSystem.newReadOnlyFileSystem`` refuses writes with a Java exception that
GraalPy's generic table would turn into EPERM or EIO; we found no GraalPy
document fixing the errno, so the kernel's answer wins.  As on Linux, the
lookups a write needs come first: a missing parent is ENOENT and an existing
name EEXIST, before EROFS.  Handles give no host fd, so a child process cannot
be handed a way to write either.
"""

from __future__ import annotations

import errno as E
import stat as S

from interpose.fs.base import FileHandle, FileSystem, err, wants_write
from interpose.host import os


class ReadOnlyHandle(FileHandle):
    """A handle opened for reading; attribute changes on it are refused too."""

    def __init__(self, inner: FileHandle) -> None:
        self._inner = inner
        self.path = inner.path

    @property
    def is_directory(self) -> bool:
        return self._inner.is_directory

    def pread(self, size: int, offset: int) -> bytes:
        return self._inner.pread(size, offset)

    def pwrite(self, data: bytes, offset: int) -> int:
        raise err(E.EBADF)

    def append(self, data: bytes) -> int:
        raise err(E.EBADF)

    def size(self) -> int:
        return self._inner.size()

    def truncate(self, length: int) -> None:
        raise err(E.EINVAL)

    def stat(self) -> os.stat_result:
        return self._inner.stat()

    def chmod(self, mode: int) -> None:
        raise err(E.EROFS)

    def utime(self, ns: tuple[int, int] | None) -> None:
        raise err(E.EROFS)

    def fsync(self) -> None:
        self._inner.fsync()

    def listdir(self) -> list[str]:
        return self._inner.listdir()

    def close(self) -> None:
        self._inner.close()


class ReadOnlyFileSystem(FileSystem):
    """Reads pass through to ``inner``; writes fail with EROFS after the lookups Linux does first."""

    def __init__(self, inner: FileSystem) -> None:
        self.inner = inner

    def _refuse_existing(self, path: str, follow: bool = False) -> OSError:
        """EROFS for a change to ``path``, or the lookup error Linux reports before it."""
        self.inner.stat(path, follow)
        return err(E.EROFS, path)

    def _refuse_new(self, path: str, path2: str | None = None) -> OSError:
        """EROFS for creating ``path`` -- EEXIST if it exists, ENOENT/ENOTDIR if its parent does not."""
        try:
            self.inner.stat(path, False)
        except FileNotFoundError:
            self.inner.stat(os.path.dirname(path) or "/")
            return err(E.EROFS, path if path2 is None else path2, None if path2 is None else path)
        return err(E.EEXIST, path)

    def stat(self, path: str, follow_symlinks: bool = True) -> os.stat_result:
        return self.inner.stat(path, follow_symlinks)

    def open(self, path: str, flags: int, mode: int = 0o666) -> FileHandle:
        if wants_write(flags):
            try:
                st = self.inner.stat(path)
            except FileNotFoundError:
                if flags & os.O_CREAT:
                    raise self._refuse_new(path) from None
                raise
            if flags & os.O_CREAT and flags & os.O_EXCL:
                raise err(E.EEXIST, path)
            if S.S_ISDIR(st.st_mode):
                raise err(E.EISDIR, path)
            if flags & (os.O_ACCMODE | os.O_TRUNC):
                raise err(E.EROFS, path)
        return ReadOnlyHandle(self.inner.open(path, flags & ~os.O_CREAT, mode))

    def listdir(self, path: str) -> list[str]:
        return self.inner.listdir(path)

    def scandir(self, path: str) -> list[tuple[str, int, int]]:
        return self.inner.scandir(path)

    def mkdir(self, path: str, mode: int = 0o777) -> None:
        raise self._refuse_new(path)

    def rmdir(self, path: str) -> None:
        raise self._refuse_existing(path)

    def unlink(self, path: str) -> None:
        raise self._refuse_existing(path)

    def rename(self, src: str, dst: str) -> None:
        self.inner.stat(src, False)
        raise err(E.EROFS, src, dst)

    def symlink(self, target: str, path: str) -> None:
        raise self._refuse_new(path, target)

    def readlink(self, path: str) -> str:
        return self.inner.readlink(path)

    def link(self, src: str, dst: str, follow_symlinks: bool = True) -> None:
        self.inner.stat(src, follow_symlinks)
        raise self._refuse_new(dst, src)

    def chmod(self, path: str, mode: int, follow_symlinks: bool = True) -> None:
        raise self._refuse_existing(path, follow_symlinks)

    def utime(self, path: str, ns: tuple[int, int] | None, follow_symlinks: bool = True) -> None:
        raise self._refuse_existing(path, follow_symlinks)

    def truncate(self, path: str, length: int) -> None:
        raise self._refuse_existing(path, True)

    def access(self, path: str, mode: int) -> bool:
        """W_OK is false everywhere, as access(2) says EROFS on a read-only mount."""
        return not mode & os.W_OK and self.inner.access(path, mode)

    def statvfs(self, path: str) -> os.statvfs_result:
        st = self.inner.statvfs(path)
        return os.statvfs_result((*st[:8], st.f_flag | os.ST_RDONLY, st.f_namemax))

    def realpath(self, path: str) -> str:
        return self.inner.realpath(path)

    def host_fds(self) -> tuple[int, ...]:
        return self.inner.host_fds()
