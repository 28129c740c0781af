"""The provider interface: what the emulated backend asks of a filesystem.

A provider is the equivalent of Truffle's ``FileSystem`` SPI.  It knows nothing of
file descriptors, a working directory or a umask (the backend owns those): it takes
absolute paths and returns handles and attributes.

Path contract: ``str``, absolute, with empty and ``.`` components removed but ``..``
kept, because ``..`` must be resolved *after* symlinks, physically, as the kernel
does.  Errors are ``OSError(errno, strerror, path[, None, path2])``, which Python
turns into the matching subclass (``FileNotFoundError``...), with the errno Linux
gives.
"""

from __future__ import annotations

import abc
import errno as E

from interpose.host import os

#: Symlinks followed in one resolution before ELOOP, as Linux's MAXSYMLINKS.
MAX_SYMLINKS = 40
#: Longest file name component, in bytes (NAME_MAX).
NAME_MAX = 255
#: Longest path, in bytes, including the terminating NUL (PATH_MAX).
PATH_MAX = 4096


def err(code: int, path: str | None = None, path2: str | None = None) -> OSError:
    """An OSError as Linux reports it: the errno picks the subclass."""
    if path2 is None:
        return OSError(code, os.strerror(code), path)
    return OSError(code, os.strerror(code), path, None, path2)


def refile(e: OSError, path: str, path2: str | None = None) -> OSError:
    """The same failure reported against the caller's path(s), hiding any inner path."""
    return err(e.errno or E.EIO, path, path2)


def components(path: str) -> list[str]:
    """The names of an absolute path, with empty and ``.`` components dropped."""
    return [p for p in path.split("/") if p and p != "."]


def check_length(path: str) -> None:
    """ENAMETOOLONG where the kernel would refuse the name before looking at it."""
    raw = os.fsencode(path)
    if len(raw) >= PATH_MAX:
        raise err(E.ENAMETOOLONG, path)
    if len(raw) > NAME_MAX and any(len(c) > NAME_MAX for c in raw.split(b"/")):
        raise err(E.ENAMETOOLONG, path)


def check_path_max(path: str) -> None:
    """ENAMETOOLONG for a whole path of PATH_MAX bytes or more, as getname() refuses it before any lookup.

    A str path that cannot be encoded (a lone surrogate outside surrogateescape's U+DC80-U+DCFF) raises the
    UnicodeEncodeError CPython's path converter raises, for a provider the host's ``os`` never sees.
    """
    size = len(path) if path.isascii() else len(os.fsencode(path))
    if size >= PATH_MAX:
        raise err(E.ENAMETOOLONG, path)


def check_name(name: str, path: str) -> None:
    """ENAMETOOLONG for one name over NAME_MAX bytes, which Linux finds when it looks that name up."""
    if len(name) > NAME_MAX // 4 and len(os.fsencode(name)) > NAME_MAX:
        raise err(E.ENAMETOOLONG, path)


def stat_result(
    mode: int, ino: int, dev: int, nlink: int, uid: int, gid: int, size: int,
    atime_ns: int, mtime_ns: int, ctime_ns: int, blksize: int = 4096, blocks: int | None = None, rdev: int = 0,
) -> os.stat_result:
    """A genuine ``os.stat_result`` (isinstance holds) with every time field filled; blocks default to the size's."""
    return os.stat_result((
        mode, ino, dev, nlink, uid, gid, size,
        atime_ns // 1_000_000_000, mtime_ns // 1_000_000_000, ctime_ns // 1_000_000_000,
        atime_ns / 1e9, mtime_ns / 1e9, ctime_ns / 1e9,
        atime_ns, mtime_ns, ctime_ns,
        blksize, (size + 511) // 512 if blocks is None else blocks, rdev,
    ))


def wants_write(flags: int) -> bool:
    """Whether open flags may change the filesystem (write access, creation or truncation)."""
    return bool(flags & (os.O_ACCMODE | os.O_CREAT | os.O_TRUNC))


class FileHandle(abc.ABC):
    """An open file or directory: the provider's side of one backend fd.

    Offsets belong to the backend, so reads and writes are positional; ``append``
    exists because O_APPEND writes must land at the end atomically.
    """

    path: str

    @property
    @abc.abstractmethod
    def is_directory(self) -> bool: ...

    @abc.abstractmethod
    def pread(self, size: int, offset: int) -> bytes: ...

    @abc.abstractmethod
    def pwrite(self, data: bytes, offset: int) -> int: ...

    @abc.abstractmethod
    def append(self, data: bytes) -> int: ...

    @abc.abstractmethod
    def size(self) -> int: ...

    @abc.abstractmethod
    def truncate(self, length: int) -> None: ...

    @abc.abstractmethod
    def stat(self) -> os.stat_result: ...

    @abc.abstractmethod
    def chmod(self, mode: int) -> None: ...

    @abc.abstractmethod
    def utime(self, ns: tuple[int, int] | None) -> None: ...

    @abc.abstractmethod
    def fsync(self) -> None: ...

    @abc.abstractmethod
    def listdir(self) -> list[str]:
        """Entries of an open directory (as ``os.listdir(fd)``); ENOTDIR otherwise."""

    @abc.abstractmethod
    def close(self) -> None: ...

    def host_fd(self) -> int | None:
        """The real OS fd behind this handle, for handing to child processes; None if virtual."""
        return None

    def __enter__(self) -> FileHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class FileSystem(abc.ABC):
    """A provider: absolute paths in, handles and attributes out.

    ``follow_symlinks`` applies to the last component only; symlinks in the
    middle of a path are always followed.
    """

    @abc.abstractmethod
    def stat(self, path: str, follow_symlinks: bool = True) -> os.stat_result: ...

    @abc.abstractmethod
    def open(self, path: str, flags: int, mode: int = 0o666) -> FileHandle:
        """Open with ``os.O_*`` flags; ``mode`` already has the umask applied."""

    @abc.abstractmethod
    def listdir(self, path: str) -> list[str]: ...

    def scandir(self, path: str) -> list[tuple[str, int, int]]:
        """``(name, type, inode)`` per entry, as getdents gives d_type and d_ino: the backend's ``os.scandir``.

        ``type`` is the entry's ``S_IFMT`` bits (its own, a symlink not followed), ``inode`` its st_ino; 0 for
        either means not known, and the backend asks ``stat`` when the program needs it.  This default knows
        neither: a provider that can tell them cheaply overrides it, and ``os.scandir``/``os.walk`` stat nothing.
        """
        return [(name, 0, 0) for name in self.listdir(path)]

    @abc.abstractmethod
    def mkdir(self, path: str, mode: int = 0o777) -> None: ...

    @abc.abstractmethod
    def rmdir(self, path: str) -> None: ...

    @abc.abstractmethod
    def unlink(self, path: str) -> None: ...

    @abc.abstractmethod
    def rename(self, src: str, dst: str) -> None:
        """POSIX rename: atomically replaces ``dst``; EXDEV across providers that cannot move."""

    @abc.abstractmethod
    def symlink(self, target: str, path: str) -> None:
        """Create ``path`` holding the text ``target`` (not resolved, may dangle)."""

    @abc.abstractmethod
    def readlink(self, path: str) -> str:
        """The link's text, exactly as stored."""

    @abc.abstractmethod
    def link(self, src: str, dst: str, follow_symlinks: bool = True) -> None:
        """Hard link; ``follow_symlinks`` as ``os.link`` (Linux linkat AT_SYMLINK_FOLLOW)."""

    @abc.abstractmethod
    def chmod(self, path: str, mode: int, follow_symlinks: bool = True) -> None: ...

    @abc.abstractmethod
    def utime(self, path: str, ns: tuple[int, int] | None, follow_symlinks: bool = True) -> None:
        """Set (atime_ns, mtime_ns), or both to now when ``ns`` is None."""

    @abc.abstractmethod
    def truncate(self, path: str, length: int) -> None: ...

    @abc.abstractmethod
    def access(self, path: str, mode: int) -> bool: ...

    @abc.abstractmethod
    def statvfs(self, path: str) -> os.statvfs_result: ...

    @abc.abstractmethod
    def realpath(self, path: str) -> str:
        """The canonical path, every symlink and ``..`` resolved; strict as realpath(3)."""

    def host_fds(self) -> tuple[int, ...]:
        """Real fds the provider keeps open for itself: the backend must never hand them to the program."""
        return ()
