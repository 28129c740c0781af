"""A host directory presented as ``/``: nothing outside it can be named, even by racing it.

Paths are walked here with directory fds, one component at a time, each opened
``O_PATH|O_NOFOLLOW|O_DIRECTORY`` relative to the one before, starting at an fd
of the root kept open for the provider's life.  A symlink is never followed by
the kernel: its text is read (``readlinkat``) and walked again here, from the
root when absolute, so symlinks and ``..`` stay inside the root, like openat2's
RESOLVE_IN_ROOT.  Every operation then acts on the pair (fd of the parent
directory, last name) with symlink following off, so a path string is never
resolved twice: a thread of the program (or another process) that swaps a
directory for a symlink between two steps can at worst make the call fail or act
on the link itself, never reach outside.  Errors carry the program's path.

A hard link that already exists inside the root to a file outside it is the same
inode, and is shared, as with any bind mount.
"""

from __future__ import annotations

import errno as E
import stat as S

from interpose.fs.base import MAX_SYMLINKS, FileSystem, check_path_max, components, err, refile
from interpose.fs.host import HostFileHandle, open_creating, real_umask, scan
from interpose.fs.resolve import host_path, resolve
from interpose.host import os

_STEP = os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_LIST = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_NOT_A_LINK = (E.EINVAL, E.ENOENT)


class _Spot:
    """Where a walk ended: the open directory ``fd``, the ``name`` in it ('.' for the directory itself).

    ``names`` is the resolved path below the root, ``entry`` whether it ends in a directory entry (False for
    the root and a trailing '..', which decides the errno of mkdir, rmdir, unlink and rename there).
    """

    __slots__ = ("fd", "name", "names", "entry", "_owned")

    def __init__(self, fd: int, name: str, names: list[str], entry: bool, owned: bool) -> None:
        self.fd, self.name, self.names, self.entry, self._owned = fd, name, names, entry, owned

    def close(self) -> None:
        if self._owned:
            self._owned = False
            os.close(self.fd)


class RootedFileSystem(FileSystem):
    """The host tree below ``root``, which need not be canonical (a symlinked root is resolved once)."""

    def __init__(self, root: str) -> None:
        if not root.startswith("/"):
            raise ValueError(f"rooted: the root must be an absolute path, not {root!r}")
        self._root = host_path("", resolve("", root, True)[0]).rstrip("/")
        self._umask = real_umask()
        # Fails now, not on the first call, if it is no directory.
        self._root_fd = os.open(self._root or "/", os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)

    def __del__(self) -> None:
        fd = getattr(self, "_root_fd", -1)
        if fd >= 0:
            self._root_fd = -1
            try:  # noqa: SIM105 - contextlib is not loaded at start-up for this
                os.close(fd)
            except OSError:
                pass

    def host_fds(self) -> tuple[int, ...]:
        return (self._root_fd,)

    # -- resolution ------------------------------------------------------------------
    def _walk(self, path: str, follow: bool) -> _Spot:
        """Resolve ``path`` inside the root; the caller closes the spot.  The last name need not exist."""
        check_path_max(path)  # a name over NAME_MAX is the kernel's to refuse, when the walk reaches it
        todo = components(path)
        todo.reverse()
        fds = [self._root_fd]
        names: list[str] = []
        entry = False
        links = 0
        try:
            while todo:
                name = todo.pop()
                if name == "..":
                    if names:
                        names.pop()
                        os.close(fds.pop())
                    entry = False
                    continue
                here = fds[-1]
                if todo:
                    try:
                        fds.append(os.open(name, _STEP, dir_fd=here))
                        names.append(name)
                        entry = True
                        continue
                    except OSError as e:
                        if e.errno != E.ENOTDIR:
                            raise refile(e, path) from None
                    try:  # ENOTDIR: a symlink, or a file in the middle of the path
                        target = os.readlink(name, dir_fd=here)
                    except OSError:
                        raise err(E.ENOTDIR, path) from None
                elif follow:
                    try:
                        target = os.readlink(name, dir_fd=here)
                    except OSError as e:
                        if e.errno not in _NOT_A_LINK:
                            raise refile(e, path) from None
                        return self._spot(fds, name, [*names, name], True)
                else:
                    return self._spot(fds, name, [*names, name], True)
                links += 1
                if links > MAX_SYMLINKS:
                    raise err(E.ELOOP, path)
                if target.startswith("/"):
                    for fd in fds[1:]:
                        os.close(fd)
                    del fds[1:]
                    names.clear()
                todo.extend(reversed(components(target)))
                entry = False
        except BaseException:
            for fd in fds[1:]:
                os.close(fd)
            raise
        return self._spot(fds, ".", names, entry)

    def _spot(self, fds: list[int], name: str, names: list[str], entry: bool) -> _Spot:
        """Keep the innermost directory fd, close the ones above it."""
        for fd in fds[1:-1]:
            os.close(fd)
        return _Spot(fds[-1], name, names, entry, len(fds) > 1)

    def _entry(self, path: str, no_entry: int) -> _Spot:
        """The spot of a name to create or remove; ``no_entry`` for the root or a trailing '..'."""
        spot = self._walk(path, False)
        if not spot.entry:
            spot.close()
            raise err(no_entry, path)
        return spot

    def _host(self, path: str, follow: bool = True) -> str:
        """The host path of ``path``, for what needs a string (a child's cwd, exec): not used for access here."""
        spot = self._walk(path, follow)
        spot.close()
        return host_path(self._root, spot.names)

    # -- operations, each on (parent fd, name) -----------------------------------------
    # stat and open, the hot calls, walk without following the last name and look at it only when the call
    # itself says it is a symlink (a second walk then follows it): one readlinkat less in the common case.
    def stat(self, path: str, follow_symlinks: bool = True) -> os.stat_result:
        try:
            spot = self._walk(path, False)
            try:
                st = os.stat(spot.name, dir_fd=spot.fd, follow_symlinks=False)
            finally:
                spot.close()
            if follow_symlinks and spot.entry and S.S_ISLNK(st.st_mode):
                spot = self._walk(path, True)
                try:
                    st = os.stat(spot.name, dir_fd=spot.fd, follow_symlinks=False)
                finally:
                    spot.close()
            return st
        except OSError as e:
            raise refile(e, path) from None

    def open(self, path: str, flags: int, mode: int = 0o666) -> HostFileHandle:
        follow = not (flags & os.O_NOFOLLOW or (flags & os.O_CREAT and flags & os.O_EXCL))
        try:
            try:
                fd = self._open(self._walk(path, follow and bool(flags & os.O_PATH)), flags, mode)
            except OSError as e:
                if not follow or e.errno not in (E.ELOOP, E.ENOTDIR) or flags & os.O_PATH:
                    raise
                fd = self._open(self._walk(path, True), flags, mode)  # the last name was a symlink (or not a dir)
        except OSError as e:
            raise refile(e, path) from None
        # A file fd cannot lead out of the root; a directory fd given to a child could (openat "..").
        return HostFileHandle(fd, path, share=not S.S_ISDIR(os.fstat(fd).st_mode))

    def _open(self, spot: _Spot, flags: int, mode: int) -> int:
        """Open the name at ``spot``, never following it, and close the spot."""
        try:
            flags |= os.O_NOFOLLOW
            if flags & os.O_CREAT and mode & self._umask:
                return open_creating(spot.name, flags, mode, spot.fd)
            return os.open(spot.name, flags, mode, dir_fd=spot.fd)
        finally:
            spot.close()

    def _open_dir(self, path: str) -> int:
        """A readable fd of the directory ``path`` names, for listing."""
        try:
            spot = self._walk(path, True)
            try:
                return os.open(spot.name, _LIST, dir_fd=spot.fd)
            finally:
                spot.close()
        except OSError as e:
            raise refile(e, path) from None

    def listdir(self, path: str) -> list[str]:
        fd = self._open_dir(path)
        try:
            return os.listdir(fd)
        finally:
            os.close(fd)

    def scandir(self, path: str) -> list[tuple[str, int, int]]:
        fd = self._open_dir(path)
        try:
            return scan(fd)
        finally:
            os.close(fd)

    def mkdir(self, path: str, mode: int = 0o777) -> None:
        try:
            spot = self._entry(path, E.EEXIST)
            try:
                os.mkdir(spot.name, mode, dir_fd=spot.fd)
                if mode & self._umask:
                    os.chmod(spot.name, mode & 0o1777, dir_fd=spot.fd, follow_symlinks=False)
            finally:
                spot.close()
        except OSError as e:
            raise refile(e, path) from None

    def rmdir(self, path: str) -> None:
        try:
            spot = self._entry(path, E.ENOTEMPTY if components(path) else E.EBUSY)
            try:
                os.rmdir(spot.name, dir_fd=spot.fd)
            finally:
                spot.close()
        except OSError as e:
            raise refile(e, path) from None

    def unlink(self, path: str) -> None:
        try:
            spot = self._entry(path, E.EISDIR)
            try:
                os.unlink(spot.name, dir_fd=spot.fd)
            finally:
                spot.close()
        except OSError as e:
            raise refile(e, path) from None

    def rename(self, src: str, dst: str) -> None:
        try:
            source = self._walk(src, False)
            try:
                target = self._walk(dst, False)
                try:
                    if not (source.entry and target.entry):  # after both lookups, as Linux
                        raise err(E.EBUSY)
                    os.rename(source.name, target.name, src_dir_fd=source.fd, dst_dir_fd=target.fd)
                finally:
                    target.close()
            finally:
                source.close()
        except OSError as e:
            raise refile(e, src, dst) from None

    def symlink(self, target: str, path: str) -> None:
        try:
            spot = self._entry(path, E.EEXIST)
            try:
                os.symlink(target, spot.name, dir_fd=spot.fd)
            finally:
                spot.close()
        except OSError as e:
            raise refile(e, target, path) from None

    def readlink(self, path: str) -> str:
        try:
            spot = self._walk(path, False)
            try:
                return os.readlink(spot.name, dir_fd=spot.fd)
            finally:
                spot.close()
        except OSError as e:
            raise refile(e, path) from None

    def link(self, src: str, dst: str, follow_symlinks: bool = True) -> None:
        try:
            source = self._walk(src, follow_symlinks)
            try:
                # as link(2): a missing source is reported before anything about dst
                os.stat(source.name, dir_fd=source.fd, follow_symlinks=False)
                target = self._entry(dst, E.EEXIST)
                try:
                    os.link(source.name, target.name, src_dir_fd=source.fd, dst_dir_fd=target.fd,
                            follow_symlinks=False)  # fmt: skip
                finally:
                    target.close()
            finally:
                source.close()
        except OSError as e:
            raise refile(e, src, dst) from None

    def chmod(self, path: str, mode: int, follow_symlinks: bool = True) -> None:
        try:
            spot = self._walk(path, follow_symlinks)
            try:
                os.chmod(spot.name, mode, dir_fd=spot.fd, follow_symlinks=False)
            finally:
                spot.close()
        except (NotImplementedError, ValueError):
            # fchmodat(AT_SYMLINK_NOFOLLOW) on a symlink: Linux cannot change a link's mode
            raise err(E.EOPNOTSUPP, path) from None
        except OSError as e:
            raise refile(e, path) from None

    def utime(self, path: str, ns: tuple[int, int] | None, follow_symlinks: bool = True) -> None:
        try:
            spot = self._walk(path, follow_symlinks)
            try:
                if ns is None:
                    os.utime(spot.name, None, dir_fd=spot.fd, follow_symlinks=False)
                else:
                    os.utime(spot.name, ns=ns, dir_fd=spot.fd, follow_symlinks=False)
            finally:
                spot.close()
        except OSError as e:
            raise refile(e, path) from None

    def _open_at(self, path: str, flags: int) -> int:
        """An fd of what ``path`` names (followed), opened without following anything."""
        try:
            spot = self._walk(path, True)
            try:
                return os.open(spot.name, flags | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=spot.fd)
            finally:
                spot.close()
        except OSError as e:
            raise refile(e, path) from None

    def truncate(self, path: str, length: int) -> None:
        if length < 0:
            raise err(E.EINVAL, path)
        fd = self._open_at(path, os.O_WRONLY)
        try:
            os.ftruncate(fd, length)
        except OSError as e:
            raise refile(e, path) from None
        finally:
            os.close(fd)

    def access(self, path: str, mode: int) -> bool:
        try:
            spot = self._walk(path, True)
            try:
                return os.access(spot.name, mode, dir_fd=spot.fd, follow_symlinks=False)
            finally:
                spot.close()
        except OSError:
            return False

    def statvfs(self, path: str) -> os.statvfs_result:
        fd = self._open_at(path, os.O_PATH)
        try:
            return os.statvfs(fd)
        except OSError as e:
            raise refile(e, path) from None
        finally:
            os.close(fd)

    def realpath(self, path: str) -> str:
        try:
            spot = self._walk(path, True)
            try:
                os.stat(spot.name, dir_fd=spot.fd, follow_symlinks=False)
            finally:
                spot.close()
        except OSError as e:
            raise refile(e, path) from None
        return "/" + "/".join(spot.names)
