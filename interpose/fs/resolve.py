"""Component-by-component resolution over the real filesystem, clamped at a root.

Shared by the host provider's ``realpath`` and by ``rooted``: we cannot use
``os.path.realpath`` (it is rebound to the shim once interpose is active), and a
rooted view must interpret every symlink itself, like openat2's RESOLVE_IN_ROOT.
"""

from __future__ import annotations

import errno as E
import stat as S

from interpose.fs.base import MAX_SYMLINKS, components, err, refile
from interpose.host import os


def resolve(root: str, path: str, follow_last: bool) -> tuple[list[str], bool]:
    """Resolve ``path`` below the host directory ``root`` ('' for the real root).

    Returns the names below ``root`` -- every one but the last a real directory,
    none a symlink unless ``follow_last`` is false -- and whether the path ends in
    a directory entry (False for the root itself or a trailing ``..``), which
    decides the errno of mkdir/rmdir/unlink/rename on such paths.  ``..`` never
    climbs above ``root``.  The last name need not exist.
    """
    todo = components(path)
    todo.reverse()
    names: list[str] = []
    entry = False
    links = 0
    while todo:
        name = todo.pop()
        if name == "..":
            if names:
                names.pop()
            entry = False
            continue
        if not todo and not follow_last:
            names.append(name)
            return names, True
        here = root + "/" + "/".join(names) + ("/" if names else "") + name
        try:
            mode = os.lstat(here).st_mode
        except OSError as e:
            if e.errno == E.ENOENT and not todo:
                names.append(name)
                return names, True
            raise refile(e, path) from None
        if S.S_ISLNK(mode):
            links += 1
            if links > MAX_SYMLINKS:
                raise err(E.ELOOP, path)
            target = os.readlink(here)
            if target.startswith("/"):
                names = []
            todo.extend(reversed(components(target)))
            entry = False
            continue
        if todo and not S.S_ISDIR(mode):
            raise err(E.ENOTDIR, path)
        names.append(name)
        entry = True
    return names, entry


def host_path(root: str, names: list[str]) -> str:
    """The host path for resolved ``names`` below ``root``."""
    return root + "/" + "/".join(names)
