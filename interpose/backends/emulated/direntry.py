"""`scandir` and `DirEntry` over the emulated process.

Where the provider is the host itself (and the cwd the process's own, or the
path absolute), the host's scandir answers, and its DirEntry objects, with
their cached d_type, are what the program gets.  Elsewhere `DirEntry` is a
Python class with the same interface; `isinstance(entry, os.DirEntry)` holds for
both kinds, since the C type cannot be instantiated from Python.
"""

from __future__ import annotations

import stat as st
from types import GenericAlias

from interpose.backends.emulated import fileops, pathops
from interpose.backends.emulated.arguments import path_arg
from interpose.host import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from interpose.backends.emulated.process import EmulatedProcess

_HostDirEntry = type(next(iter(os.scandir(os.path.dirname(__file__)))))

_process: EmulatedProcess
_host_fast = False
_host_cwd = ""


def bind(process: EmulatedProcess) -> None:
    from interpose.fs.host import HostFileSystem

    global _process, _host_fast, _host_cwd
    _process = process
    _host_fast = type(process.fs) is HostFileSystem
    _host_cwd = os.getcwd()


class _DirEntryType(type):
    def __instancecheck__(cls, instance: object) -> bool:
        return type.__instancecheck__(cls, instance) or isinstance(instance, _HostDirEntry)


class DirEntry(metaclass=_DirEntryType):
    """One entry of an emulated directory, with the host DirEntry's interface and caching."""

    __slots__ = ("name", "path", "_full", "_lstat", "_stat")

    __class_getitem__: classmethod[object, ..., object] = classmethod(GenericAlias)

    def __init__(self, name: str | bytes, path: str | bytes, full: str) -> None:
        self.name = name
        self.path = path
        self._full = full
        self._lstat: os.stat_result | None = None
        self._stat: os.stat_result | None = None

    def __fspath__(self) -> str | bytes:
        return self.path

    def __repr__(self) -> str:
        return f"<DirEntry {self.name!r}>"

    def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        if not follow_symlinks:
            if self._lstat is None:
                self._lstat = self._call(False)
            return self._lstat
        if self._stat is None:
            lstat = self.stat(follow_symlinks=False)
            self._stat = self._call(True) if st.S_ISLNK(lstat.st_mode) else lstat
        return self._stat

    def _call(self, follow: bool) -> os.stat_result:
        try:
            return _process.fs.stat(self._full, follow)
        except OSError as e:
            raise pathops.refiled(e, self.path) from None

    def inode(self) -> int:
        return self.stat(follow_symlinks=False).st_ino

    def is_symlink(self) -> bool:
        try:
            return st.S_ISLNK(self.stat(follow_symlinks=False).st_mode)
        except FileNotFoundError:
            return False

    def is_dir(self, *, follow_symlinks: bool = True) -> bool:
        return self._is(st.S_ISDIR, follow_symlinks)

    def is_file(self, *, follow_symlinks: bool = True) -> bool:
        return self._is(st.S_ISREG, follow_symlinks)

    def is_junction(self) -> bool:
        return False

    def _is(self, test: object, follow_symlinks: bool) -> bool:
        try:
            return bool(test(self.stat(follow_symlinks=follow_symlinks).st_mode))  # type: ignore[operator]
        except FileNotFoundError:
            return False


class ScandirIterator:
    """The iterator scandir returns: a context manager with close(), like the host's."""

    def __init__(self, entries: Iterator[DirEntry]) -> None:
        self._entries = entries

    def __iter__(self) -> ScandirIterator:
        return self

    def __next__(self) -> DirEntry:
        return next(self._entries)

    def close(self) -> None:
        self._entries = iter(())

    def __enter__(self) -> ScandirIterator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def scandir(path: object = None) -> object:
    arg = path_arg("scandir", path, allow_fd=True, allow_none=True)
    if arg.fd is not None:
        description = fileops.description(arg.fd)
        if description.real and _host_fast:
            return os.scandir(arg.fd)
        names = os.listdir(arg.fd) if description.real else description.handle.listdir()
        base = description.path
        return ScandirIterator(DirEntry(name, name, f"{base}/{name}") for name in names)
    if _host_fast and (arg.text[:1] == "/" or _process.cwd == _host_cwd):
        return os.scandir(arg.original if path is not None else ".")  # type: ignore[call-overload]
    try:
        full = pathops.full_path(arg, None)
        names = _process.fs.listdir(full)
    except OSError as e:
        raise pathops.refiled(e, arg.original) from None
    prefix = "" if path is None else arg.text
    joined = prefix if prefix.endswith("/") or not prefix else prefix + "/"
    base = full.rstrip("/")
    if arg.is_bytes:
        encoded = os.fsencode(joined)
        return ScandirIterator(
            DirEntry(os.fsencode(name), encoded + os.fsencode(name), f"{base}/{name}") for name in names
        )
    return ScandirIterator(DirEntry(name, joined + name if path is not None else "./" + name, f"{base}/{name}")
                           for name in names)  # fmt: skip
