"""Copy-on-write: a lower provider seen read-only, with every change kept in memory.

This is the memory provider whose nodes may still lie in the lower layer: a
directory's entries are read from below the first time it is looked into, and a
file's bytes the first time it is written (reads before that go straight to the
lower file).  Deleting a name removes it from the merged directory, which is
the whiteout; a directory made after one was deleted starts empty, which is the
opaque directory.  Renames and hard links move or share nodes, so a renamed
lower directory keeps its lower contents.  Symlinks are resolved in the merged
view, whose root is the lower root, so nothing outside it can be reached.

The lower layer is wrapped read-only, so a bug here cannot write to it.  A lower
directory is read once, when first looked at: later changes by other processes
to a directory already seen are not reflected (as overlayfs says is undefined).
Lower files keep their inode numbers and device, so sameness checks
(``os.path.samefile``) hold across copy-up, and the names of a lower hard link
stay one node (a write through one is seen through the others, unlike overlayfs).  ``overlay:DIR`` roots the lower
layer at DIR, through the ``rooted`` provider.
"""

from __future__ import annotations

import itertools
import stat as S

from interpose.fs.base import FileHandle, FileSystem
from interpose.fs.host import HostFileSystem
from interpose.fs.memory import Dir, File, Link, MemoryFileSystem, Node
from interpose.fs.readonly import ReadOnlyFileSystem
from interpose.fs.sparse import SparseData
from interpose.host import os


class OverlayFileSystem(MemoryFileSystem):
    """Memory above, ``lower`` (default: the host) below and never written."""

    def __init__(self, lower: FileSystem | None = None) -> None:
        self.lower: FileSystem = ReadOnlyFileSystem(lower if lower is not None else HostFileSystem())
        super().__init__()
        # New nodes share the lower devices (they are created in lower directories), so their inode numbers
        # come from a range no disk filesystem hands out, and stay unique per device.
        self._inodes = itertools.count(1 << 62)
        self._linked: dict[tuple[int, int], Node] = {}
        self._root = self._from_lower(self.lower.stat("/"), "/", None)  # type: ignore[assignment]

    def _from_lower(self, st: os.stat_result, path: str, parent: Dir | None) -> Node:
        """A node standing for the lower entry at ``path``, its contents left below."""
        mode = st.st_mode
        node: Node
        key = (st.st_dev, st.st_ino)
        if key in self._linked:
            return self._linked[key]
        if S.S_ISDIR(mode):
            node = Dir(self, 0, parent)
            node.lower = path
        elif S.S_ISLNK(mode):
            node = Link(self, self.lower.readlink(path))
        else:
            node = File(self, 0)
            node.data = None
            node.lower = path
            node.lower_size = st.st_size
        node.mode, node.ino, node.dev, node.nlink = mode, st.st_ino, st.st_dev, st.st_nlink
        node.uid, node.gid = st.st_uid, st.st_gid
        node.atime, node.mtime, node.ctime = st.st_atime_ns, st.st_mtime_ns, st.st_ctime_ns
        if st.st_nlink > 1 and not S.S_ISDIR(mode):
            self._linked[key] = node  # the other names of a lower hard link are the same node
        return node

    def _entries(self, d: Dir) -> dict[str, Node]:
        """Merge in the lower directory the first time it is looked into."""
        if d.lower is not None:
            base = d.lower.rstrip("/")
            for name in self.lower.listdir(d.lower):
                path = base + "/" + name
                try:
                    st = self.lower.stat(path, False)
                except FileNotFoundError:
                    continue  # removed below since it was listed (another process, in /tmp): as if listed after
                d.entries[name] = self._from_lower(st, path, d)
            d.lower = None
        return d.entries

    def _data(self, f: File) -> SparseData:
        """Copy up: the lower bytes become the file's own (runs of zeros stay holes)."""
        if f.data is None:
            assert f.lower is not None
            data = SparseData()
            with self.lower.open(f.lower, os.O_RDONLY) as h:
                while chunk := h.pread(1 << 20, data.size):
                    if chunk.count(0) == len(chunk):
                        data.size += len(chunk)
                    else:
                        data.write(data.size, chunk)
            f.data = data
            f.lower = None
        return f.data

    def _reader(self, node: Node) -> FileHandle | None:
        if isinstance(node, File) and node.data is None and node.lower is not None:
            return self.lower.open(node.lower, os.O_RDONLY)
        return None

    def host_fds(self) -> tuple[int, ...]:
        return self.lower.host_fds() + super().host_fds()

    def copied_up(self) -> list[str]:
        """Paths whose contents now live in memory: for tests and for reports of what changed."""
        found = []
        todo: list[tuple[str, Dir]] = [("", self._root)]
        while todo:
            base, d = todo.pop()
            if d.lower is not None:
                continue
            for name, node in d.entries.items():
                if isinstance(node, File) and node.data is not None:
                    found.append(base + "/" + name)
                elif isinstance(node, Dir):
                    todo.append((base + "/" + name, node))
        return sorted(found)

