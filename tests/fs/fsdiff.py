"""Differential harness: run one operation on several providers, compare outcomes.

Paths are virtual ("/a/b"); a Target maps them onto its provider (the host
provider gets them below a temp dir, and absolute symlink texts are translated
the same way so that every view means the same tree).
"""

from __future__ import annotations

import errno
import os
import stat as S
from collections.abc import Callable
from typing import Any

from interpose.fs.base import FileSystem

Outcome = tuple[str, Any]


class Target:
    """A provider seen through a path prefix ('' for providers that own their root)."""

    def __init__(self, name: str, fs: FileSystem, prefix: str = "") -> None:
        self.name = name
        self.fs = fs
        self.prefix = prefix
        self._inodes: dict[tuple[int, int], int] = {}

    def p(self, path: str) -> str:
        return self.prefix + path if self.prefix else path

    def unp(self, path: str) -> str:
        if self.prefix and path.startswith(self.prefix):
            return path[len(self.prefix):] or "/"
        return path

    def ino(self, st: os.stat_result) -> int:
        """Inode numbers differ between providers; their identity pattern must not."""
        return self._inodes.setdefault((st.st_dev, st.st_ino), len(self._inodes))

    def norm_stat(self, st: os.stat_result) -> tuple[Any, ...]:
        kind = S.S_IFMT(st.st_mode)
        size = None if kind in (S.S_IFDIR, S.S_IFLNK) else st.st_size
        return (kind, S.S_IMODE(st.st_mode) if kind != S.S_IFLNK else None, size, st.st_nlink,
                st.st_uid, st.st_gid, self.ino(st))

    # -- operations, each returning a comparable value --------------------------------
    def stat(self, path: str, follow: bool = True) -> Any:
        return self.norm_stat(self.fs.stat(self.p(path), follow_symlinks=follow))

    def mkdir(self, path: str, mode: int = 0o755) -> Any:
        return self.fs.mkdir(self.p(path), mode)

    def forget_inodes(self) -> None:
        """After a removal the kernel may give a freed inode number to the next new file (ext4 does);
        a memory tree never does.  Numbering restarts on both sides, so only live files' identities count."""
        self._inodes.clear()

    def rmdir(self, path: str) -> Any:
        self.forget_inodes()
        return self.fs.rmdir(self.p(path))

    def unlink(self, path: str) -> Any:
        self.forget_inodes()
        return self.fs.unlink(self.p(path))

    def rename(self, src: str, dst: str) -> Any:
        self.forget_inodes()  # a replaced target is removed
        return self.fs.rename(self.p(src), self.p(dst))

    def link(self, src: str, dst: str, follow: bool = True) -> Any:
        return self.fs.link(self.p(src), self.p(dst), follow_symlinks=follow)

    def symlink(self, target: str, path: str) -> Any:
        return self.fs.symlink(self.p(target) if target.startswith("/") else target, self.p(path))

    def readlink(self, path: str) -> Any:
        return self.unp(self.fs.readlink(self.p(path)))

    def realpath(self, path: str) -> Any:
        return self.unp(self.fs.realpath(self.p(path)))

    def chmod(self, path: str, mode: int, follow: bool = True) -> Any:
        return self.fs.chmod(self.p(path), mode, follow_symlinks=follow)

    def utime(self, path: str, ns: tuple[int, int], follow: bool = True) -> Any:
        self.fs.utime(self.p(path), ns, follow_symlinks=follow)
        st = self.fs.stat(self.p(path), follow_symlinks=follow)
        # Following a symlink on the host touches its atime (relatime); providers are noatime.
        return None if S.S_ISLNK(st.st_mode) else st.st_atime_ns, st.st_mtime_ns

    def truncate(self, path: str, length: int) -> Any:
        self.fs.truncate(self.p(path), length)
        return self.fs.stat(self.p(path)).st_size

    def listdir(self, path: str) -> Any:
        return sorted(self.fs.listdir(self.p(path)))

    def scandir(self, path: str) -> Any:
        """Names and types as listed; a type or inode given (not 0) must be what lstat says."""
        entries = self.fs.scandir(self.p(path))
        base = self.p(path).rstrip("/")
        for name, kind, ino in entries:
            st = self.fs.stat(f"{base}/{name}", follow_symlinks=False)
            assert kind in (0, S.S_IFMT(st.st_mode)) and ino in (0, st.st_ino), (self.name, name, kind, ino)
        return sorted((name, kind) for name, kind, _ in entries)

    def access(self, path: str, mode: int) -> Any:
        return self.fs.access(self.p(path), mode)

    def write(self, path: str, data: bytes, flags: int, mode: int = 0o644) -> Any:
        with self.fs.open(self.p(path), flags, mode) as h:
            n = h.append(data) if flags & os.O_APPEND else h.pwrite(data, 0)
            return n, h.size(), h.is_directory

    def write_at(self, path: str, data: bytes, offset: int) -> Any:
        """A positional write into an existing file: what it returns and the size after."""
        with self.fs.open(self.p(path), os.O_WRONLY, 0o644) as h:
            return h.pwrite(data, offset), h.size(), self.fs.stat(self.p(path)).st_size

    def read_at(self, path: str, size: int, offset: int) -> Any:
        """A positional read: the bytes (holes read as zeros)."""
        with self.fs.open(self.p(path), os.O_RDONLY, 0o644) as h:
            return h.pread(size, offset)

    def ftruncate(self, path: str, length: int) -> Any:
        """Truncation through an open handle, and the size after."""
        with self.fs.open(self.p(path), os.O_WRONLY, 0o644) as h:
            h.truncate(length)
            return h.size()

    def read(self, path: str, flags: int = os.O_RDONLY) -> Any:
        with self.fs.open(self.p(path), flags, 0o644) as h:
            if h.is_directory:
                return "dir", sorted(h.listdir()), self.norm_stat(h.stat())
            return h.pread(1 << 16, 0), self.norm_stat(h.stat())


def outcome(fn: Callable[[], Any]) -> Outcome:
    """('ok', value) or ('err', errno name): the unit of comparison."""
    try:
        return "ok", fn()
    except OSError as e:
        return "err", errno.errorcode.get(e.errno or 0, e.errno)
    except NotImplementedError:
        # CPython's os.chmod(follow_symlinks=False) on a Linux symlink; providers say EOPNOTSUPP.
        return "err", errno.errorcode[errno.EOPNOTSUPP]


def escapes(prefix: str, path: str) -> bool:
    """Whether resolving ``path`` below ``prefix`` on the host climbs above ``prefix``.

    The host reference cannot clamp ``..`` at its directory as the others clamp at
    their root, so such steps say nothing about agreement (escape tests cover them).
    """
    todo = [c for c in path.split("/") if c and c != "."][::-1]
    names: list[str] = []
    links = 0
    while todo:
        name = todo.pop()
        if name == "..":
            if not names:
                return True
            names.pop()
            continue
        here = prefix + "/" + "/".join([*names, name])
        try:
            st = os.lstat(here)
        except OSError:
            return False
        if S.S_ISLNK(st.st_mode):
            links += 1
            if links > 40:
                return False
            text = os.readlink(here)
            if text.startswith("/"):
                text, names = text[len(prefix):], []
            todo.extend([c for c in text.split("/") if c and c != "."][::-1])
        elif S.S_ISDIR(st.st_mode):
            names.append(name)
        else:
            return False
    return False


def same(targets: list[Target], op: str, *args: Any) -> Outcome | None:
    """Run ``op`` on every target and assert they all agree with the first (the host).

    Returns None, running nothing, when a path argument would lead the host reference out of its directory.
    """
    host = targets[0]
    if host.prefix and any(isinstance(a, str) and a[:1] == "/" and escapes(host.prefix, a) for a in args):
        return None
    results = [(t.name, outcome(lambda t=t: getattr(t, op)(*args))) for t in targets]
    first = results[0][1]
    for name, res in results[1:]:
        assert res == first, f"{op}{args}: {results[0][0]} gave {first}, {name} gave {res}"
    return first
