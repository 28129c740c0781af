"""The fixture's filesystem: everything in memory, except real paths mapped in read-only.

Routing is by path prefix: a path at or below a mapped root goes to the host,
read-only (writes fail with EROFS, as on a read-only mount); every other path goes
to a fresh `MemoryFileSystem`.  Each mapped root also exists in memory as an empty
placeholder (a directory, or an empty file), with its parents, so that listing
and walking the memory tree shows it.  A rename or hard link between the two
sides fails with EXDEV, as across mounts (`shutil.move` then copies, and the copy
into a mapped path fails with EROFS).  Two simplifications, documented in
docs/pytest.md: symlinks inside a mapped directory are resolved on the host, and a
symlink made in memory that points into a mapped root is not followed there.
"""

from __future__ import annotations

import contextlib
import errno as E
import stat as S

from interpose.fs.base import FileHandle, FileSystem, err
from interpose.fs.host import HostFileSystem
from interpose.fs.memory import MemoryFileSystem
from interpose.fs.readonly import ReadOnlyFileSystem
from interpose.host import os


class MappedFileSystem(FileSystem):
    """Memory, with real files and directories mapped in read-only at their own paths."""

    def __init__(self) -> None:
        self.memory = MemoryFileSystem()
        self.real = ReadOnlyFileSystem(HostFileSystem())
        self.roots: list[str] = []

    # -- building the tree (called before activation, or through the host) ----------
    def map_real(self, path: str | os.PathLike[str], *, directory: bool) -> str:
        """Serve the real `path` read-only at the same path; return the absolute path mapped."""
        # relative to the real working directory: os.path.abspath would ask the emulated one
        full = os.path.normpath(os.path.join(os.getcwd(), os.fspath(path)))
        st = os.stat(full)  # FileNotFoundError for a path that does not exist on the host
        if S.S_ISDIR(st.st_mode) != directory:
            raise err(E.ENOTDIR if directory else E.EISDIR, full)
        self.make_dirs(os.path.dirname(full))
        if self._route(full) is self.memory:
            try:
                if directory:
                    self.memory.mkdir(full, 0o755)
                else:
                    self.memory.open(full, os.O_WRONLY | os.O_CREAT, 0o444).close()
            except FileExistsError:
                pass
            self.roots.append(full)
        return full

    def make_dirs(self, path: str) -> None:
        """`mkdir -p` in the memory tree (for mapped roots' parents and for tmp_path)."""
        current = ""
        for name in path.split("/"):
            if not name:
                continue
            current += "/" + name
            if self._route(current) is not self.memory:
                return
            with contextlib.suppress(FileExistsError):
                self.memory.mkdir(current, 0o755)

    def _route(self, path: str) -> FileSystem:
        if self.roots:
            plain = os.path.normpath(path)
            for root in self.roots:
                if plain == root or plain.startswith(root + "/"):
                    return self.real
        return self.memory

    def _pair(self, src: str, dst: str) -> FileSystem:
        """The one side both paths are on; EXDEV (after ENOENT for a missing source) when they differ."""
        side = self._route(src)
        if self._route(dst) is side:
            return side
        side.stat(src, False)
        raise err(E.EXDEV, src, dst)

    # -- the provider interface -----------------------------------------------------
    def stat(self, path: str, follow_symlinks: bool = True) -> os.stat_result:
        return self._route(path).stat(path, follow_symlinks)

    def open(self, path: str, flags: int, mode: int = 0o666) -> FileHandle:
        return self._route(path).open(path, flags, mode)

    def listdir(self, path: str) -> list[str]:
        return self._route(path).listdir(path)

    def scandir(self, path: str) -> list[tuple[str, int, int]]:
        return self._route(path).scandir(path)

    def mkdir(self, path: str, mode: int = 0o777) -> None:
        self._route(path).mkdir(path, mode)

    def rmdir(self, path: str) -> None:
        self._route(path).rmdir(path)

    def unlink(self, path: str) -> None:
        self._route(path).unlink(path)

    def rename(self, src: str, dst: str) -> None:
        self._pair(src, dst).rename(src, dst)

    def symlink(self, target: str, path: str) -> None:
        self._route(path).symlink(target, path)

    def readlink(self, path: str) -> str:
        return self._route(path).readlink(path)

    def link(self, src: str, dst: str, follow_symlinks: bool = True) -> None:
        self._pair(src, dst).link(src, dst, follow_symlinks)

    def chmod(self, path: str, mode: int, follow_symlinks: bool = True) -> None:
        self._route(path).chmod(path, mode, follow_symlinks)

    def utime(self, path: str, ns: tuple[int, int] | None, follow_symlinks: bool = True) -> None:
        self._route(path).utime(path, ns, follow_symlinks)

    def truncate(self, path: str, length: int) -> None:
        self._route(path).truncate(path, length)

    def access(self, path: str, mode: int) -> bool:
        return self._route(path).access(path, mode)

    def statvfs(self, path: str) -> os.statvfs_result:
        return self._route(path).statvfs(path)

    def realpath(self, path: str) -> str:
        return self._route(path).realpath(path)
