"""`scandir` and `DirEntry` over the emulated process.

Where the provider is the host itself (and the cwd the process's own, or the
path absolute), the host's scandir answers, and its DirEntry objects, with
their cached d_type, are what the program gets.  Elsewhere `DirEntry` is a
Python class with the same interface; `isinstance(entry, os.DirEntry)` holds for
both kinds, since the C type cannot be instantiated from Python.  Its entries
know their type and inode from the provider's listing (`FileSystem.scandir`,
the kernel's d_type and d_ino), so `is_dir()` and `inode()` ask nothing more,
as the C type's do; an entry whose type the provider did not give (0) and a
symlink followed are asked with a stat, once, then cached.
"""

from __future__ import annotations

import stat as st
from types import GenericAlias

from interpose.backends.emulated.arguments import path_arg
from interpose.backends.emulated.pathops import refiled
from interpose.host import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

    from interpose.backends.emulated.process import EmulatedProcess
    from interpose.fs.base import FileSystem

_HostDirEntry = type(next(iter(os.scandir(os.path.dirname(__file__)))))
_S_IFMT, _S_IFDIR, _S_IFREG, _S_IFLNK = 0o170000, st.S_IFDIR, st.S_IFREG, st.S_IFLNK


class _Listing:
    """What the entries of one scandir call share: the provider and the directory's provider path."""

    __slots__ = ("fs", "base")

    def __init__(self, fs: FileSystem, base: str) -> None:
        self.fs = fs
        self.base = base


class _DirEntryType(type):
    def __instancecheck__(cls, instance: object) -> bool:
        return type.__instancecheck__(cls, instance) or isinstance(instance, _HostDirEntry)


class DirEntry(metaclass=_DirEntryType):
    """One entry of an emulated directory, with the host DirEntry's interface and caching.

    `_kind` is the S_IFMT bits the listing gave (0: unknown), `_ino` the inode number (0: unknown).
    """

    __slots__ = ("name", "path", "_kind", "_ino", "_listing", "_lstat", "_stat")

    __class_getitem__: classmethod[object, ..., object] = classmethod(GenericAlias)

    def __init__(self, name: str | bytes, path: str | bytes, kind: int, ino: int, listing: _Listing) -> None:
        self.name = name
        self.path = path
        self._kind = kind
        self._ino = ino
        self._listing = listing  # `_lstat` and `_stat` stay unset until asked: one store less per entry each

    def __fspath__(self) -> str | bytes:
        return self.path

    def __repr__(self) -> str:
        return f"<DirEntry {self.name!r}>"

    def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        if not follow_symlinks:
            try:
                return self._lstat
            except AttributeError:
                self._lstat: os.stat_result = self._call(False)
                return self._lstat
        try:
            return self._stat
        except AttributeError:
            pass
        if self._kind == _S_IFLNK or (not self._kind and st.S_ISLNK(self.stat(follow_symlinks=False).st_mode)):
            self._stat: os.stat_result = self._call(True)
        else:
            self._stat = self.stat(follow_symlinks=False)
        return self._stat

    def _call(self, follow: bool) -> os.stat_result:
        name = self.name if type(self.name) is str else os.fsdecode(self.name)
        listing = self._listing
        try:
            return listing.fs.stat(f"{listing.base}/{name}", follow)
        except OSError as e:
            raise refiled(e, self.path) from None

    def inode(self) -> int:
        return self._ino or self.stat(follow_symlinks=False).st_ino

    def is_symlink(self) -> bool:
        if self._kind:
            return self._kind == _S_IFLNK
        return self._is(_S_IFLNK, False)

    def is_dir(self, *, follow_symlinks: bool = True) -> bool:
        kind = self._kind
        if kind and (kind != _S_IFLNK or not follow_symlinks):
            return kind == _S_IFDIR
        return self._is(_S_IFDIR, follow_symlinks)

    def is_file(self, *, follow_symlinks: bool = True) -> bool:
        kind = self._kind
        if kind and (kind != _S_IFLNK or not follow_symlinks):
            return kind == _S_IFREG
        return self._is(_S_IFREG, follow_symlinks)

    def is_junction(self) -> bool:
        return False

    def _is(self, kind: int, follow_symlinks: bool) -> bool:
        try:
            return self.stat(follow_symlinks=follow_symlinks).st_mode & _S_IFMT == kind
        except FileNotFoundError:
            return False


class ScandirIterator:
    """The iterator scandir returns: a context manager with close(), like the host's."""

    __slots__ = ("_next",)

    def __init__(self, entries: Iterable[DirEntry]) -> None:
        self._next: Callable[[], DirEntry] = iter(entries).__next__

    def __iter__(self) -> ScandirIterator:
        return self

    def __next__(self) -> DirEntry:
        return self._next()

    def close(self) -> None:
        self._next = iter(()).__next__

    def __enter__(self) -> ScandirIterator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _entries(names: Iterable[tuple[str, int, int]], prefix: str, listing: _Listing) -> list[DirEntry]:
    return [DirEntry(name, prefix + name, kind, ino, listing) for name, kind, ino in names]


def _bytes_entries(names: Iterable[tuple[str, int, int]], prefix: str, listing: _Listing) -> list[DirEntry]:
    encode = os.fsencode
    encoded = encode(prefix)
    return [DirEntry(encode(name), encoded + encode(name), kind, ino, listing) for name, kind, ino in names]


def build(process: EmulatedProcess) -> dict[str, Callable[..., Any]]:
    """The shim posix's scandir, over `process`."""
    description = process.description
    full_path = process.full_path

    def scandir(path: object = None) -> object:
        arg = path_arg("scandir", path, allow_fd=True, allow_none=True)
        if arg.fd is not None:
            d = description(arg.fd)
            if d.real and process.host_paths:
                return os.scandir(d.fd)
            listing = _Listing(process.fs, d.path.rstrip("/"))
            untyped = os.listdir(d.fd) if d.real else d.handle.listdir()
            return ScandirIterator(_entries([(name, 0, 0) for name in untyped], "", listing))
        if process.host_paths and (arg.text[:1] == "/" or process.cwd == process.host_cwd):
            return os.scandir(arg.original if path is not None else ".")  # type: ignore[call-overload]
        fs = process.fs
        try:
            full = full_path(arg, None)
            names = fs.scandir(full)
        except OSError as e:
            raise refiled(e, arg.original) from None
        prefix = "./" if path is None else arg.text if arg.text.endswith("/") else arg.text + "/"
        listing = _Listing(fs, full.rstrip("/"))
        return ScandirIterator((_bytes_entries if arg.is_bytes else _entries)(names, prefix, listing))

    return {"scandir": scandir}

