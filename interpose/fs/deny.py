"""No filesystem at all: every operation refused with EPERM.

This is Truffle's ``FileSystem.newDenyIOFileSystem``: its SecurityException is
what GraalPy maps to EPERM, so that is what the program sees -- for reads as
well as writes, and for paths that do not exist, so nothing about the host can
be learnt by probing.  ``access`` answers False (GraalPy's faccessat returns
False on a SecurityException) instead of raising.
"""

from __future__ import annotations

import errno as E
from collections.abc import Callable
from typing import Any, NoReturn

from interpose.fs.base import FileSystem, err

#: Operations whose second argument is a path too (CPython reports it as filename2).
_TWO_PATHS = frozenset({"rename", "link", "symlink"})


def _refusal(name: str) -> Callable[..., NoReturn]:
    two = name in _TWO_PATHS

    def refuse(self: FileSystem, path: str, *args: Any, **kwargs: Any) -> NoReturn:
        raise err(E.EPERM, path, args[0] if two else None)

    refuse.__name__ = refuse.__qualname__ = name
    refuse.__doc__ = f"{name}: refused (EPERM)."
    return refuse


class DenyFileSystem(FileSystem):
    """Every operation raises PermissionError; only ``access`` answers (False)."""

    stat, open, listdir, mkdir = _refusal("stat"), _refusal("open"), _refusal("listdir"), _refusal("mkdir")
    scandir = _refusal("scandir")
    rmdir, unlink, rename = _refusal("rmdir"), _refusal("unlink"), _refusal("rename")
    symlink, readlink, link = _refusal("symlink"), _refusal("readlink"), _refusal("link")
    chmod, utime, truncate = _refusal("chmod"), _refusal("utime"), _refusal("truncate")
    statvfs, realpath = _refusal("statvfs"), _refusal("realpath")

    def access(self, path: str, mode: int) -> bool:
        return False
