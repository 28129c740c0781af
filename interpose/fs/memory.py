"""A fresh in-memory tree, resolving paths as Linux does.

Inodes are objects; a directory maps names to inodes, so hard links are two names
for one object and a renamed directory keeps its contents.  Resolution walks
component by component, follows symlinks (at most 40), and takes ``..`` to the
physical parent, as the kernel does.  Permissions follow the process's real
uid/gid (root passes every check but execute on files without any x bit).
Reads do not update atime (as a ``noatime`` mount): it keeps comparisons stable.
File contents are sparse (``sparse.py``) and offsets are checked as on tmpfs.
``MemoryFileSystem(linux=True)`` (the ``memory`` spec) starts with what programs
expect of a Linux root: ``/tmp`` (mode 1777, sticky) and ``/dev``'s character
devices, whose handles read and write the host's own ``/dev/null``, ``/dev/zero``...
through a private fd (their attributes are the memory node's).

The overlay provider is this class with a lazily loaded lower layer, so the
hooks ``_entries``, ``_data`` and ``_reader`` are where a node may be filled in.
"""

from __future__ import annotations

import errno as E
import itertools
import stat as S
import time

from interpose.fs.base import (
    MAX_SYMLINKS,
    FileHandle,
    FileSystem,
    check_name,
    check_path_max,
    components,
    err,
    refile,
    stat_result,
)
from interpose.fs.host import HostFileHandle
from interpose.fs.sparse import MAX_FILE_SIZE, SparseData, check_range
from interpose.host import os

_devices = itertools.count(0x7F00)
_R, _W, _X = os.R_OK, os.W_OK, os.X_OK
_S_IFMT = 0o170000


class Node:
    """An inode: attributes shared by every name that links to it."""

    __slots__ = ("ino", "dev", "mode", "uid", "gid", "nlink", "atime", "mtime", "ctime")

    def __init__(self, fs: MemoryFileSystem, mode: int) -> None:
        self.ino = next(fs._inodes)
        self.dev = fs._dev
        self.mode = mode
        self.uid = fs._uid
        self.gid = fs._gid
        self.nlink = 1
        self.atime = self.mtime = self.ctime = time.time_ns()

    def size(self) -> int:
        return 0


class File(Node):
    """A regular file; ``data`` is None while its content still lies in a lower layer."""

    __slots__ = ("data", "lower", "lower_size")

    def __init__(self, fs: MemoryFileSystem, mode: int) -> None:
        super().__init__(fs, S.S_IFREG | mode)
        self.data: SparseData | None = SparseData()
        self.lower: str | None = None
        self.lower_size = 0

    def size(self) -> int:
        return self.lower_size if self.data is None else self.data.size


class Device(Node):
    """A character device of a Linux root (/dev/null...): opening it opens the host's own, whose mode it shows."""

    __slots__ = ("host", "rdev")

    def __init__(self, fs: MemoryFileSystem, host: str, rdev: int) -> None:
        try:
            mode = os.stat(host).st_mode
        except OSError:
            mode = S.S_IFCHR | 0o666
        super().__init__(fs, mode)
        self.host = host
        self.rdev = rdev


class Dir(Node):
    """A directory; ``lower`` names a lower-layer directory whose entries are not read yet."""

    __slots__ = ("entries", "parent", "lower")

    def __init__(self, fs: MemoryFileSystem, mode: int, parent: Dir | None) -> None:
        super().__init__(fs, S.S_IFDIR | mode)
        self.nlink = 2
        self.entries: dict[str, Node] = {}
        self.parent: Dir = self if parent is None else parent
        self.lower: str | None = None

    def size(self) -> int:
        return 4096


class Link(Node):
    """A symbolic link: its text, interpreted only when followed."""

    __slots__ = ("target",)

    def __init__(self, fs: MemoryFileSystem, target: str) -> None:
        super().__init__(fs, S.S_IFLNK | 0o777)
        self.target = target

    def size(self) -> int:
        return len(os.fsencode(self.target))


class NodeAttributes:
    """A handle's attributes are its inode's: stat, chmod and utime go to the node."""

    __slots__ = ()
    _fs: MemoryFileSystem
    node: Node

    def stat(self) -> os.stat_result:
        return self._fs._stat(self.node)

    def chmod(self, mode: int) -> None:
        self._fs._chmod_node(self.node, mode, "")

    def utime(self, ns: tuple[int, int] | None) -> None:
        self._fs._utime_node(self.node, ns, "")


class MemoryHandle(NodeAttributes, FileHandle):
    """An open inode; it outlives the inode's last name, as on Linux."""

    def __init__(self, fs: MemoryFileSystem, node: Node, path: str, flags: int) -> None:
        acc = flags & os.O_ACCMODE
        self._fs = fs
        self.node = node
        self.path = path
        self._readable = acc != os.O_WRONLY
        self._writable = acc != os.O_RDONLY
        self._lower = fs._reader(node) if self._readable else None

    @property
    def is_directory(self) -> bool:
        return isinstance(self.node, Dir)

    def pread(self, size: int, offset: int) -> bytes:
        node = self.node
        if not self._readable:
            raise err(E.EBADF)
        if not isinstance(node, File):
            raise err(E.EISDIR)
        if offset < 0 or offset > MAX_FILE_SIZE - size:
            check_range(offset, size)
        if node.data is None:
            if self._lower is not None:
                return self._lower.pread(size, offset)
            return self._fs._data(node).read(offset, size)
        return node.data.read(offset, size)

    def pwrite(self, data: bytes, offset: int) -> int:
        node = self.node
        if not self._writable or not isinstance(node, File):
            raise err(E.EBADF)
        if offset < 0 or offset > MAX_FILE_SIZE - len(data):
            check_range(offset, len(data))
        if not data:
            return 0  # as Linux: nothing written, so no hole, no new size and no new mtime (and no copy-up)
        self._fs._data(node).write(offset, data)
        node.mtime = node.ctime = time.time_ns()
        return len(data)

    def append(self, data: bytes) -> int:
        return self.pwrite(data, self.size())

    def size(self) -> int:
        return self.node.size()

    def truncate(self, length: int) -> None:
        if not self._writable or not isinstance(self.node, File):
            raise err(E.EINVAL)
        self._fs._truncate_node(self.node, length, "")

    def fsync(self) -> None:
        """Nothing to flush: the tree is the storage."""

    def listdir(self) -> list[str]:
        if not isinstance(self.node, Dir):
            raise err(E.ENOTDIR)
        return list(self._fs._entries(self.node))

    def close(self) -> None:
        if self._lower is not None:
            self._lower.close()
            self._lower = None


class DeviceHandle(NodeAttributes, HostFileHandle):
    """The host's own device, opened with the program's access mode; its attributes are the node's.

    Its fd stays private (``host_fd()`` is None): the backend would hand a real fd's fchmod, fchown and futimes
    to the host, and the host's /dev/null is not the program's to change.
    """

    __slots__ = ("_fs", "node")

    def __init__(self, fs: MemoryFileSystem, node: Device, path: str, flags: int) -> None:
        flags = flags & (os.O_ACCMODE | os.O_NONBLOCK) | os.O_CLOEXEC
        super().__init__(os.open(node.host, flags), path, share=False)
        self._fs = fs
        self.node = node
        fs._device_fds.add(self.fd)  # named by host_fds(), so that no guess at its number adopts it

    def close(self) -> None:
        self._fs._device_fds.discard(self.fd)
        super().close()


#: The character devices of a Linux root: name, major, minor.
DEVICES = (("null", 1, 3), ("zero", 1, 5), ("full", 1, 7), ("random", 1, 8), ("urandom", 1, 9))


class MemoryFileSystem(FileSystem):
    """A private tree in memory, owned by the process's uid/gid; with ``linux``, /dev and /tmp in it."""

    def __init__(self, linux: bool = False) -> None:
        self._inodes = itertools.count(1)
        self._dev = next(_devices)
        self._uid = os.getuid()
        self._gid = os.getgid()
        self._root = Dir(self, 0o755, None)
        self._device_fds: set[int] = set()
        if linux:
            dev = Dir(self, 0o755, self._root)
            self._attach(self._root, "dev", dev)
            for name, major, minor in DEVICES:
                self._attach(dev, name, Device(self, "/dev/" + name, os.makedev(major, minor)))
            self._attach(self._root, "tmp", Dir(self, 0o1777, self._root))

    def host_fds(self) -> tuple[int, ...]:
        """The fds of the host devices the program has open (its /dev/null...): private to the provider."""
        return tuple(self._device_fds)

    # -- hooks the overlay fills in --------------------------------------------------
    def _entries(self, d: Dir) -> dict[str, Node]:
        """A directory's names; overridden to read a lower layer on first look."""
        return d.entries

    def _data(self, f: File) -> SparseData:
        """A file's bytes for reading or writing in place (copy-up point in the overlay)."""
        assert f.data is not None
        return f.data

    def _reader(self, node: Node) -> FileHandle | None:
        """A lower-layer handle to read a file not copied up yet."""
        return None

    # -- resolution ----------------------------------------------------------------
    def _walk(self, path: str, follow: bool = True) -> tuple[Dir | None, str, Node | None]:
        """Resolve to (parent, name, inode or None when missing).

        ``parent`` is None when the path names no directory entry (the root, a
        trailing ``..``, or a followed symlink to ``.`` or ``/``).
        """
        if len(path) >= 1024 or not path.isascii():  # the cheap test first: most paths are short and ASCII
            check_path_max(path)
        todo = components(path)
        todo.reverse()
        cur = self._root
        node: Node | None = cur
        name = ""
        links = 0
        while todo:
            name = todo.pop()
            if self._uid and not self._allowed(cur, _X):
                raise err(E.EACCES, path)
            if name == "..":
                cur = node = cur.parent
                continue
            if len(name) > 63:
                check_name(name, path)
            node = (cur.entries if cur.lower is None else self._entries(cur)).get(name)
            if isinstance(node, Link) and (todo or follow):
                links += 1
                if links > MAX_SYMLINKS:
                    raise err(E.ELOOP, path)
                if node.target.startswith("/"):
                    cur = self._root
                todo.extend(reversed(components(node.target)))
                node = cur
                continue
            if not todo:
                return cur, name, node
            if node is None:
                raise err(E.ENOENT, path)
            if not isinstance(node, Dir):
                raise err(E.ENOTDIR, path)
            cur = node
        return None, name, node

    def _existing(self, path: str, follow: bool = True) -> Node:
        node = self._walk(path, follow)[2]
        if node is None:
            raise err(E.ENOENT, path)
        return node

    def _allowed(self, node: Node, want: int) -> bool:
        """Unix permission check against the process's ids; root bypasses all but exec."""
        mode = node.mode
        if self._uid == 0:
            return not want & _X or S.S_ISDIR(mode) or bool(mode & 0o111)
        if node.uid == self._uid:
            bits = mode >> 6
        elif node.gid == self._gid:
            bits = mode >> 3
        else:
            bits = mode
        return bits & want == want

    def _require(self, node: Node, want: int, path: str) -> None:
        if not self._allowed(node, want):
            raise err(E.EACCES, path)

    def _owner(self, node: Node, path: str) -> None:
        if self._uid and node.uid != self._uid:
            raise err(E.EPERM, path)

    def _new_entry(self, path: str) -> tuple[Dir, str]:
        """The parent and name where ``path`` is to be created: EEXIST if taken."""
        parent, name, node = self._walk(path, False)
        if node is not None or parent is None:
            raise err(E.EEXIST, path)
        self._require(parent, _W | _X, path)
        return parent, name

    def _attach(self, parent: Dir, name: str, node: Node, fresh: bool = True) -> None:
        """Enter ``node`` as ``name``; a ``fresh`` one is on its parent's device, as on one Linux filesystem."""
        if fresh:
            node.dev = parent.dev
        self._entries(parent)[name] = node
        if isinstance(node, Dir):
            parent.nlink += 1
        parent.mtime = parent.ctime = time.time_ns()

    def _detach(self, parent: Dir, name: str) -> None:
        node = self._entries(parent).pop(name)
        now = time.time_ns()
        if isinstance(node, Dir):
            parent.nlink -= 1
            node.nlink = 0
        else:
            node.nlink -= 1
        node.ctime = parent.mtime = parent.ctime = now

    # -- attributes ------------------------------------------------------------------
    def _stat(self, node: Node) -> os.stat_result:
        if isinstance(node, File) and node.data is not None:  # sparse: blocks count what is held
            return stat_result(node.mode, node.ino, node.dev, node.nlink, node.uid, node.gid, node.data.size,
                               node.atime, node.mtime, node.ctime, blocks=(node.data.held + 511) // 512)
        return stat_result(node.mode, node.ino, node.dev, node.nlink, node.uid, node.gid, node.size(),
                           node.atime, node.mtime, node.ctime, rdev=node.rdev if isinstance(node, Device) else 0)

    def _chmod_node(self, node: Node, mode: int, path: str) -> None:
        self._owner(node, path)
        node.mode = S.S_IFMT(node.mode) | (mode & 0o7777)
        node.ctime = time.time_ns()

    def _utime_node(self, node: Node, ns: tuple[int, int] | None, path: str) -> None:
        if ns is None:
            if self._uid and node.uid != self._uid:
                self._require(node, _W, path)
            now = time.time_ns()
            ns = (now, now)
        else:
            self._owner(node, path)
        node.atime, node.mtime = ns
        node.ctime = time.time_ns()

    def _truncate_node(self, node: File, length: int, path: str) -> None:
        if length < 0:
            raise err(E.EINVAL, path)
        if length > MAX_FILE_SIZE:
            raise err(E.EFBIG, path)  # inode_newsize_ok (CPython's off_t conversion stops it before, on the host)
        if length == 0:
            node.data = SparseData()
        else:
            self._data(node).truncate(length)
        node.mtime = node.ctime = time.time_ns()

    def stat(self, path: str, follow_symlinks: bool = True) -> os.stat_result:
        return self._stat(self._existing(path, follow_symlinks))

    def chmod(self, path: str, mode: int, follow_symlinks: bool = True) -> None:
        node = self._existing(path, follow_symlinks)
        if isinstance(node, Link):
            raise err(E.EOPNOTSUPP, path)
        self._chmod_node(node, mode, path)

    def utime(self, path: str, ns: tuple[int, int] | None, follow_symlinks: bool = True) -> None:
        self._utime_node(self._existing(path, follow_symlinks), ns, path)

    def truncate(self, path: str, length: int) -> None:
        if length < 0:
            raise err(E.EINVAL, path)
        node = self._existing(path)
        if isinstance(node, Dir):
            raise err(E.EISDIR, path)
        if not isinstance(node, File):
            raise err(E.EINVAL, path)  # vfs_truncate: only regular files
        self._require(node, _W, path)
        self._truncate_node(node, length, path)

    def access(self, path: str, mode: int) -> bool:
        try:
            node = self._walk(path)[2]
        except OSError:
            return False
        return node is not None and (mode == os.F_OK or self._allowed(node, mode))

    def statvfs(self, path: str) -> os.statvfs_result:
        self._existing(path)
        return os.statvfs_result((4096, 4096, 1 << 20, 1 << 19, 1 << 19, 1 << 20, 1 << 19, 1 << 19, 0, 255))

    def realpath(self, path: str) -> str:
        parent, name, node = self._walk(path)
        if node is None:
            raise err(E.ENOENT, path)
        if parent is not None and not isinstance(node, Dir):
            return self._dir_path(parent).rstrip("/") + "/" + name
        assert isinstance(node, Dir)
        return self._dir_path(node)

    def _dir_path(self, d: Dir) -> str:
        names: list[str] = []
        while d is not self._root:
            up = d.parent
            names.append(next(n for n, c in up.entries.items() if c is d))
            d = up
        return "/" + "/".join(reversed(names))

    # -- files and directories -------------------------------------------------------
    def open(self, path: str, flags: int, mode: int = 0o666) -> FileHandle:
        create = flags & os.O_CREAT
        excl = create and flags & os.O_EXCL
        parent, name, node = self._walk(path, not (flags & os.O_NOFOLLOW or excl))
        acc = flags & os.O_ACCMODE
        if node is None:
            if not create:
                raise err(E.ENOENT, path)
            if flags & os.O_DIRECTORY:
                raise err(E.EINVAL, path)
            assert parent is not None
            self._require(parent, _W | _X, path)
            node = File(self, mode & 0o7777)
            self._attach(parent, name, node)
        elif excl:
            raise err(E.EEXIST, path)
        elif isinstance(node, Link):
            raise err(E.ELOOP, path)
        elif isinstance(node, Dir):
            if acc != os.O_RDONLY or flags & (os.O_CREAT | os.O_TRUNC):
                raise err(E.EISDIR, path)
            self._require(node, _R, path)
        else:
            if flags & os.O_DIRECTORY:
                raise err(E.ENOTDIR, path)
            want = (0 if acc == os.O_WRONLY else _R) | (0 if acc == os.O_RDONLY else _W)
            self._require(node, want | (_W if flags & os.O_TRUNC else 0), path)
            if isinstance(node, Device):  # O_TRUNC means nothing to a device
                return DeviceHandle(self, node, path, flags)
            assert isinstance(node, File)
            if flags & os.O_TRUNC:
                self._truncate_node(node, 0, path)
        return MemoryHandle(self, node, path, flags)

    def listdir(self, path: str) -> list[str]:
        node = self._existing(path)
        if not isinstance(node, Dir):
            raise err(E.ENOTDIR, path)
        self._require(node, _R, path)
        return list(self._entries(node))

    def scandir(self, path: str) -> list[tuple[str, int, int]]:
        node = self._existing(path)
        if not isinstance(node, Dir):
            raise err(E.ENOTDIR, path)
        self._require(node, _R, path)
        return [(name, child.mode & _S_IFMT, child.ino) for name, child in self._entries(node).items()]

    def mkdir(self, path: str, mode: int = 0o777) -> None:
        parent, name = self._new_entry(path)
        self._attach(parent, name, Dir(self, mode & 0o1777, parent))

    def symlink(self, target: str, path: str) -> None:
        try:
            if not target:
                raise err(E.ENOENT, path)
            parent, name = self._new_entry(path)
        except OSError as e:
            raise refile(e, target, path) from None
        self._attach(parent, name, Link(self, target))

    def readlink(self, path: str) -> str:
        node = self._existing(path, False)
        if not isinstance(node, Link):
            raise err(E.EINVAL, path)
        return node.target

    def link(self, src: str, dst: str, follow_symlinks: bool = True) -> None:
        try:
            node = self._existing(src, follow_symlinks)
            parent, name = self._new_entry(dst)
            if isinstance(node, Dir):
                raise err(E.EPERM, src)
        except OSError as e:
            raise refile(e, src, dst) from None
        self._attach(parent, name, node, fresh=False)
        node.nlink += 1
        node.ctime = time.time_ns()

    def _removable(self, path: str, no_entry: int) -> tuple[Dir, str, Node]:
        """The entry unlink/rmdir would remove; ``no_entry`` is the errno for '/' or '..'."""
        parent, name, node = self._walk(path, False)
        if parent is None:
            raise err(no_entry, path)
        if node is None:
            raise err(E.ENOENT, path)
        self._require(parent, _W | _X, path)
        self._sticky(parent, node, path)
        return parent, name, node

    def _sticky(self, parent: Dir, node: Node, path: str) -> None:
        """In a sticky directory (/tmp) only a name's owner, the directory's owner or root may remove it."""
        if parent.mode & S.S_ISVTX and self._uid and self._uid not in (node.uid, parent.uid):
            raise err(E.EPERM, path)

    def unlink(self, path: str) -> None:
        parent, name, node = self._removable(path, E.EISDIR)
        if isinstance(node, Dir):
            raise err(E.EISDIR, path)
        self._detach(parent, name)

    def rmdir(self, path: str) -> None:
        parent, name, node = self._removable(path, E.ENOTEMPTY if components(path) else E.EBUSY)
        if not isinstance(node, Dir):
            raise err(E.ENOTDIR, path)
        if self._entries(node):
            raise err(E.ENOTEMPTY, path)
        self._detach(parent, name)

    def rename(self, src: str, dst: str) -> None:
        try:
            self._rename(src, dst)
        except OSError as e:
            raise refile(e, src, dst) from None

    def _rename(self, src: str, dst: str) -> None:
        sparent, sname, node = self._walk(src, False)
        dparent, dname, target = self._walk(dst, False)
        if sparent is None or dparent is None:
            raise err(E.EBUSY)
        if node is None:
            raise err(E.ENOENT)
        if node is target:
            return
        if isinstance(node, Dir):
            up = dparent  # "new is inside old" is checked first, as Linux's lock_rename does
            while up is not self._root:
                if up is node:
                    raise err(E.EINVAL)
                up = up.parent
            if target is not None and not isinstance(target, Dir):
                raise err(E.ENOTDIR)
            if isinstance(target, Dir) and self._entries(target):
                raise err(E.ENOTEMPTY)
        elif isinstance(target, Dir):
            raise err(E.EISDIR)
        self._require(sparent, _W | _X, src)
        self._require(dparent, _W | _X, dst)
        self._sticky(sparent, node, src)
        if target is not None:
            self._sticky(dparent, target, dst)
            self._detach(dparent, dname)
        del self._entries(sparent)[sname]
        self._entries(dparent)[dname] = node
        if isinstance(node, Dir) and sparent is not dparent:
            sparent.nlink -= 1
            dparent.nlink += 1
            node.parent = dparent
        node.ctime = sparent.mtime = sparent.ctime = dparent.mtime = dparent.ctime = time.time_ns()
