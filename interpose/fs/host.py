"""The real filesystem: the default provider, and the emulated backend's hot path.

Every method is one direct call into the host ``os`` functions, so the error the
kernel gives (errno and filename) reaches the program unchanged.  The one
correction is the umask: the backend has already applied its virtual umask to
``mode``, so the real one must not take bits away a second time.
"""

from __future__ import annotations

import stat as S

from interpose.fs.base import FileHandle, FileSystem, refile
from interpose.fs.resolve import host_path, resolve
from interpose.host import os

_CREATE_EXCL = os.O_CREAT | os.O_EXCL


def real_umask() -> int:
    """The process umask, read once: the emulated backend never changes it afterwards."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def open_creating(path: str, flags: int, mode: int, dir_fd: int | None = None) -> int:
    """Open with O_CREAT when the real umask would strip bits of ``mode``: restore them if we created it."""
    try:
        fd = os.open(path, flags | os.O_EXCL, mode, dir_fd=dir_fd)
    except FileExistsError:
        if flags & _CREATE_EXCL == _CREATE_EXCL:
            raise
        return os.open(path, flags, mode, dir_fd=dir_fd)
    try:
        os.fchmod(fd, mode & 0o7777)
    except OSError:
        os.close(fd)
        raise
    return fd


def scan(path: str | int) -> list[tuple[str, int, int]]:
    """A host directory's entries as ``FileSystem.scandir`` gives them: d_type and d_ino, no stat (0: unknown)."""
    entries = []
    with os.scandir(path) as found:
        for entry in found:
            if entry.is_dir(follow_symlinks=False):
                kind = S.S_IFDIR
            elif entry.is_file(follow_symlinks=False):
                kind = S.S_IFREG
            elif entry.is_symlink():
                kind = S.S_IFLNK
            else:
                kind = 0  # a device, fifo or socket: stat tells which
            entries.append((entry.name, kind, entry.inode()))
    return entries


class HostFileHandle(FileHandle):
    """An open host fd; positional I/O maps straight onto pread/pwrite."""

    __slots__ = ("fd", "path", "_share")

    def __init__(self, fd: int, path: str, share: bool = True) -> None:
        self.fd = fd
        self.path = path
        self._share = share

    @property
    def is_directory(self) -> bool:
        """Asked rarely, so not paid for on every open."""
        return S.S_ISDIR(os.fstat(self.fd).st_mode)

    def pread(self, size: int, offset: int) -> bytes:
        return os.pread(self.fd, size, offset)

    def pwrite(self, data: bytes, offset: int) -> int:
        return os.pwrite(self.fd, data, offset)

    def append(self, data: bytes) -> int:
        """The host fd was opened with O_APPEND, so the kernel places the write atomically."""
        return os.write(self.fd, data)

    def size(self) -> int:
        return os.fstat(self.fd).st_size

    def truncate(self, length: int) -> None:
        os.ftruncate(self.fd, length)

    def stat(self) -> os.stat_result:
        return os.fstat(self.fd)

    def chmod(self, mode: int) -> None:
        os.fchmod(self.fd, mode)

    def utime(self, ns: tuple[int, int] | None) -> None:
        if ns is None:
            os.utime(self.fd)
        else:
            os.utime(self.fd, ns=ns)

    def fsync(self) -> None:
        os.fsync(self.fd)

    def listdir(self) -> list[str]:
        return os.listdir(self.fd)

    def close(self) -> None:
        os.close(self.fd)

    def host_fd(self) -> int | None:
        return self.fd if self._share else None


class HostFileSystem(FileSystem):
    """Pass-through to the real OS; paths are host paths."""

    def __init__(self) -> None:
        self._umask = real_umask()

    def stat(self, path: str, follow_symlinks: bool = True) -> os.stat_result:
        return os.stat(path, follow_symlinks=follow_symlinks)

    def open(self, path: str, flags: int, mode: int = 0o666) -> HostFileHandle:
        if flags & os.O_CREAT and mode & self._umask:
            return HostFileHandle(open_creating(path, flags, mode), path)
        return HostFileHandle(os.open(path, flags, mode), path)

    def listdir(self, path: str) -> list[str]:
        return os.listdir(path)

    def scandir(self, path: str) -> list[tuple[str, int, int]]:
        return scan(path)

    def mkdir(self, path: str, mode: int = 0o777) -> None:
        os.mkdir(path, mode)
        if mode & self._umask:
            os.chmod(path, mode & 0o1777)

    def rmdir(self, path: str) -> None:
        os.rmdir(path)

    def unlink(self, path: str) -> None:
        os.unlink(path)

    def rename(self, src: str, dst: str) -> None:
        os.rename(src, dst)

    def symlink(self, target: str, path: str) -> None:
        os.symlink(target, path)

    def readlink(self, path: str) -> str:
        return os.readlink(path)

    def link(self, src: str, dst: str, follow_symlinks: bool = True) -> None:
        """CPython's ``os.link`` on Linux calls link(2), which never follows; resolve it ourselves."""
        if follow_symlinks:
            try:
                os.link(self.realpath(src), dst, follow_symlinks=False)
            except OSError as e:
                raise refile(e, src, dst) from None
        else:
            os.link(src, dst, follow_symlinks=False)

    def chmod(self, path: str, mode: int, follow_symlinks: bool = True) -> None:
        os.chmod(path, mode, follow_symlinks=follow_symlinks)

    def utime(self, path: str, ns: tuple[int, int] | None, follow_symlinks: bool = True) -> None:
        if ns is None:
            os.utime(path, None, follow_symlinks=follow_symlinks)
        else:
            os.utime(path, ns=ns, follow_symlinks=follow_symlinks)

    def truncate(self, path: str, length: int) -> None:
        os.truncate(path, length)

    def access(self, path: str, mode: int) -> bool:
        return os.access(path, mode)

    def statvfs(self, path: str) -> os.statvfs_result:
        return os.statvfs(path)

    def realpath(self, path: str) -> str:
        names, _ = resolve("", path, True)
        real = host_path("", names)
        os.lstat(real)  # strict, as realpath(3): the last component must exist
        return real

