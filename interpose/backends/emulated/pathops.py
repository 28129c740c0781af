"""posix's path functions over the emulated process: its cwd, its umask, its provider.

Each function converts its arguments as CPython does, makes the path absolute
against the emulated cwd (or a dir_fd), calls the provider, and reports errors
against the caller's own argument (str, bytes or PathLike), never the provider's
path.  A str absolute or cwd-relative path without `dir_fd` takes a short path.
`build` makes them for one process, as closures over it (see fileops.py).
"""

from __future__ import annotations

import errno
import stat as st
import sys

from interpose.backends.emulated.arguments import PathArg, c_int, c_long, id_arg, path_arg, result_name
from interpose.backends.emulated.childstdio import originals
from interpose.backends.emulated.fdtable import hidden
from interpose.backends.emulated.fileops import fileno_arg, unsupported
from interpose.backends.emulated.hostpaths import refusal, writable_host_target
from interpose.compat import hit
from interpose.host import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from interpose.backends.emulated.process import EmulatedProcess


def refiled(e: OSError, original: object, original2: object = None, two: bool = False) -> OSError:
    """The provider's error, reported against the caller's argument(s)."""
    if two:
        return OSError(e.errno, e.strerror, original, None, original2)
    return OSError(e.errno, e.strerror, original)


def _error(code: int, original: object, original2: object = None, two: bool = False) -> OSError:
    if two:
        return OSError(code, os.strerror(code), original, None, original2)
    return OSError(code, os.strerror(code), original)


def dir_form(text: str) -> str:
    """'.' when the last component is `.`, '/' for a trailing slash, '' otherwise: both name a directory.

    Providers get paths with `.` and empty components removed, so the backend keeps the kernel's rules for them.
    """
    if text[-1:] == "/":
        return "/"
    if text == "." or text[-2:] == "/.":
        return "."
    return ""


#: errno of an entry operation on a path ending in `.`, once the directory it names is known to exist.
_DOT_ENTRY = {"rmdir": errno.EINVAL, "unlink": errno.EISDIR, "remove": errno.EISDIR, "mkdir": errno.EEXIST,
              "rename": errno.EBUSY, "replace": errno.EBUSY, "link": errno.EEXIST, "symlink": errno.EEXIST}


def _last_is_dotdot(text: str) -> bool:
    return text.rstrip("/").rpartition("/")[2] == ".."


_UTIME_NAMES_PATH = sys.version_info >= (3, 13)


class _NoNs:
    """utime's `ns` when not given: CPython tells that apart from an explicit None (a TypeError)."""

    def __repr__(self) -> str:
        return "<unset>"


_NO_NS: object = _NoNs()


_TIME_T = 2**63
_OUT_OF_RANGE = "timestamp out of range for platform time_t"


def _utime_ns(times: object, ns: object) -> tuple[int, int] | None:
    if times is not None and ns is not _NO_NS:
        raise ValueError("utime: you may specify either 'times' or 'ns' but not both")
    if times is not None:
        if not isinstance(times, tuple) or len(times) != 2:
            raise TypeError("utime: 'times' must be either a tuple of two ints or None")
        return _seconds_to_ns(times[0]), _seconds_to_ns(times[1])
    if ns is not _NO_NS:
        if not isinstance(ns, tuple) or len(ns) != 2:
            raise TypeError("utime: 'ns' must be a tuple of two ints")
        return _ns(ns[0]), _ns(ns[1])
    return None


def _ns(value: object) -> int:
    """One nanosecond count, as CPython's ns conversion: an integer whose seconds fit time_t."""
    number = _index_like(value)
    if not -_TIME_T <= number // 1_000_000_000 < _TIME_T:
        raise OverflowError(_OUT_OF_RANGE)
    return number


def _index_like(value: object) -> int:
    index = getattr(type(value), "__index__", None)
    if isinstance(value, float) or index is None:
        raise TypeError(f"'{type(value).__name__}' object cannot be interpreted as an integer")
    return int(index(value))


def _seconds_to_ns(value: object) -> int:
    if isinstance(value, float):
        import math

        if math.isnan(value):
            raise ValueError("Invalid value NaN (not a number)")
        if not -_TIME_T <= value < _TIME_T:
            raise OverflowError(_OUT_OF_RANGE)
        return math.floor(value * 1e9) if not value.is_integer() else int(value) * 1_000_000_000
    number = _index_like(value)
    if not -_TIME_T <= number < _TIME_T:
        raise OverflowError(_OUT_OF_RANGE)
    return number * 1_000_000_000


def build(process: EmulatedProcess, fd_functions: dict[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """The path functions of the shim posix, over `process` (`fd_functions`: fileops.build's, for fd arguments)."""
    table = process.table
    full_path = process.full_path
    description = process.description
    fstat, fchmod, fchown = fd_functions["fstat"], fd_functions["fchmod"], fd_functions["fchown"]
    ftruncate, fstatvfs = fd_functions["ftruncate"], fd_functions["fstatvfs"]

    def _is_dir(full: str, follow: bool) -> bool:
        return st.S_ISDIR(process.fs.stat(full, follow).st_mode)

    def _directory(full: str) -> None:
        """ENOTDIR unless `full`, symlinks followed, is a directory (for `name/` and `name/.`)."""
        if not _is_dir(full, True):
            raise OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))

    def _follow(form: str, full: str, follow: object) -> bool:
        """`name/` and `name/.` follow a final symlink and must be directories: the follow_symlinks to use."""
        if form:
            _directory(full)
            return True
        return bool(follow)

    def _check_entry(function: str, form: str, full: str) -> None:
        """The kernel's answer for an entry operation (create, remove, rename) on `name/` or `name/.`."""
        if form == ".":
            _directory(full)
            raise OSError(_DOT_ENTRY[function], os.strerror(_DOT_ENTRY[function]))
        if function in ("link", "symlink"):  # a new name with a trailing slash: never a directory to link
            try:
                process.fs.stat(full, False)
            except FileNotFoundError:
                raise OSError(errno.ENOENT, os.strerror(errno.ENOENT)) from None
            raise OSError(errno.EEXIST, os.strerror(errno.EEXIST))
        if function != "mkdir":
            try:
                mode = process.fs.stat(full, False).st_mode
            except FileNotFoundError:
                return  # the provider reports the missing name
            if not st.S_ISDIR(mode):  # a symlink too: the kernel does not follow the last name of an entry operation
                raise OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))

    def stat(path: object, *, dir_fd: object = None, follow_symlinks: bool = True) -> os.stat_result:
        if type(path) is str and dir_fd is None and path[-1:] not in ("/", ".", "") and "\x00" not in path:
            # the short path, the hottest of all: a plain str, absolute or against the cwd, no directory form
            full = path if path[:1] == "/" and "//" not in path and "/." not in path else process.absolute(path)
            try:
                return process.fs.stat(full, follow_symlinks)
            except OSError as e:
                raise refiled(e, path) from None
        return _stat("stat", path, dir_fd, follow_symlinks)

    def lstat(path: object, *, dir_fd: object = None) -> os.stat_result:
        if type(path) is str and "\x00" not in path:  # converted and reported as stat does: share its short path
            return stat(path, dir_fd=dir_fd, follow_symlinks=False)
        return _stat("lstat", path, dir_fd, False)

    def _stat(function: str, path: object, dir_fd: object, follow_symlinks: bool) -> os.stat_result:
        arg = path_arg(function, path, allow_fd=function == "stat")
        if arg.fd is not None:
            if dir_fd is not None:
                raise ValueError("stat: can't specify dir_fd without matching path")
            if not follow_symlinks:
                raise ValueError("stat: cannot use fd and follow_symlinks together")
            return fstat(arg.fd)
        form = dir_form(arg.text)
        try:
            result = process.fs.stat(full_path(arg, dir_fd), follow_symlinks or bool(form))
        except OSError as e:
            raise refiled(e, arg.original) from None
        if form and not st.S_ISDIR(result.st_mode):
            raise _error(errno.ENOTDIR, arg.original)
        return result

    def open(path: object, flags: int, mode: int = 0o777, *, dir_fd: object = None) -> int:
        arg = path_arg("open", path)
        flags, mode = c_int(flags), c_int(mode)
        try:
            full = full_path(arg, dir_fd)
            form = dir_form(arg.text)
            if form and flags & os.O_CREAT:
                _create_directory_form(form, full, flags)
            handle = process.fs.open(full, flags, mode & ~process.umask & 0o7777)
        except OSError as e:
            raise refiled(e, arg.original) from None
        if form and not handle.is_directory:
            handle.close()
            raise _error(errno.ENOTDIR, arg.original)
        return table.add(handle, full, flags)

    def _create_directory_form(form: str, full: str, flags: int) -> None:
        """open(`name/` or `name/.`, O_CREAT): a directory cannot be created by open."""
        if form == ".":
            _directory(full)
            if flags & os.O_EXCL:
                raise OSError(errno.EEXIST, os.strerror(errno.EEXIST))
        raise OSError(errno.EISDIR, os.strerror(errno.EISDIR))

    def _one_path_call(function: str, path: object, dir_fd: object, call: object, *args: object) -> object:
        """An entry operation (mkdir, rmdir, unlink) on one path (converted already, or not)."""
        arg = path if isinstance(path, PathArg) else path_arg(function, path)
        try:
            full = full_path(arg, dir_fd)
            form = dir_form(arg.text)
            if form:
                _check_entry(function, form, full)
            return call(full, *args)  # type: ignore[operator]
        except OSError as e:
            raise refiled(e, arg.original) from None

    def mkdir(path: object, mode: int = 0o777, *, dir_fd: object = None) -> None:
        arg = path_arg("mkdir", path)
        _one_path_call("mkdir", arg, dir_fd, process.fs.mkdir, c_int(mode) & ~process.umask & 0o1777)

    def rmdir(path: object, *, dir_fd: object = None) -> None:
        _one_path_call("rmdir", path, dir_fd, process.fs.rmdir)

    def unlink(path: object, *, dir_fd: object = None) -> None:
        _one_path_call("unlink", path, dir_fd, process.fs.unlink)

    def remove(path: object, *, dir_fd: object = None) -> None:
        _one_path_call("remove", path, dir_fd, process.fs.unlink)

    def _two_path_call(function: str, src: object, dst: object, src_dir_fd: object, dst_dir_fd: object,
                       call: object, *args: object) -> None:  # fmt: skip
        source = path_arg(function, src, "src")
        target = path_arg(function, dst, "dst")
        try:
            full_src, full_dst = full_path(source, src_dir_fd), full_path(target, dst_dir_fd)
            _check_two_entries(function, source.text, full_src, target.text, full_dst)
            call(full_src, full_dst, *args)  # type: ignore[operator]
        except OSError as e:
            raise refiled(e, source.original, target.original, two=True) from None

    def _check_two_entries(function: str, src: str, full_src: str, dst: str, full_dst: str) -> None:
        """rename's and link's rules for `name/` and `name/.` on either side."""
        src_form, dst_form = dir_form(src), dir_form(dst)
        if not (src_form or dst_form):
            return
        if function == "link":
            if src_form:
                _directory(full_src)
            else:
                process.fs.stat(full_src, False)
            if dst_form:
                _check_entry("link", dst_form, full_dst)
            if src_form:  # a directory cannot be hard-linked, but an existing target is reported first
                try:
                    process.fs.stat(full_dst, False)
                except FileNotFoundError:
                    _directory(full_dst.rpartition("/")[0] or "/")
                    raise OSError(errno.EPERM, os.strerror(errno.EPERM)) from None
                raise OSError(errno.EEXIST, os.strerror(errno.EEXIST))
            return
        if "." in (src_form, dst_form) or _last_is_dotdot(src) or _last_is_dotdot(dst):
            # EBUSY, once both directories have been looked up (as Linux)
            for full, form in ((full_src, src_form), (full_dst, dst_form)):
                _directory(full if form == "." else full.rpartition("/")[0] or "/")
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY))
        if src_form:
            _directory(full_dst.rpartition("/")[0] or "/")  # both lookups come before the source's type check
            _check_entry(function, src_form, full_src)
        if not _is_dir(full_src, False):
            raise OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))
        if dst_form:
            _check_entry(function, dst_form, full_dst)

    def rename(src: object, dst: object, *, src_dir_fd: object = None, dst_dir_fd: object = None) -> None:
        _two_path_call("rename", src, dst, src_dir_fd, dst_dir_fd, process.fs.rename)

    def replace(src: object, dst: object, *, src_dir_fd: object = None, dst_dir_fd: object = None) -> None:
        _two_path_call("replace", src, dst, src_dir_fd, dst_dir_fd, process.fs.rename)

    def link(src: object, dst: object, *, src_dir_fd: object = None, dst_dir_fd: object = None,
             follow_symlinks: bool = True) -> None:  # fmt: skip
        """As CPython on Linux: link(2), which never follows, unless a dir_fd asks for linkat."""
        follow = bool(follow_symlinks) and (src_dir_fd is not None or dst_dir_fd is not None)
        _two_path_call("link", src, dst, src_dir_fd, dst_dir_fd, process.fs.link, follow)

    def symlink(src: object, dst: object, target_is_directory: bool = False, *, dir_fd: object = None) -> None:
        target = path_arg("symlink", src, "src")
        link_path = path_arg("symlink", dst, "dst")
        try:
            full = full_path(link_path, dir_fd)
            form = dir_form(link_path.text)
            if form:
                _check_entry("symlink", form, full)
            process.fs.symlink(target.text, full)
        except OSError as e:
            raise refiled(e, target.original, link_path.original, two=True) from None

    def readlink(path: object, *, dir_fd: object = None) -> str | bytes:
        arg = path_arg("readlink", path)
        try:
            full = full_path(arg, dir_fd)
            if dir_form(arg.text):
                _directory(full)
                raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
            return result_name(process.fs.readlink(full), arg.is_bytes)
        except OSError as e:
            raise refiled(e, arg.original) from None

    def chmod(path: object, mode: int, *, dir_fd: object = None, follow_symlinks: bool = True) -> None:
        arg = path_arg("chmod", path, allow_fd=True)
        mode = c_int(mode)
        if arg.fd is not None:
            return fchmod(arg.fd, mode)
        try:
            full = full_path(arg, dir_fd)
            process.fs.chmod(full, mode & 0o7777, _follow(dir_form(arg.text), full, follow_symlinks))
        except (OSError, NotImplementedError) as e:  # the host provider's os.chmod answers the latter itself
            if not follow_symlinks and (isinstance(e, NotImplementedError) or e.errno == errno.EOPNOTSUPP):
                # a symlink's own mode, which Linux cannot set: CPython's answer depends on dir_fd
                if dir_fd is not None:
                    raise ValueError("chmod: cannot use dir_fd and follow_symlinks together") from None
                raise NotImplementedError("chmod: follow_symlinks unavailable on this platform") from None
            if isinstance(e, NotImplementedError):
                raise
            raise refiled(e, arg.original) from None

    def chown(path: object, uid: int, gid: int, *, dir_fd: object = None, follow_symlinks: bool = True) -> None:
        _chown("chown", path, uid, gid, dir_fd, follow_symlinks)

    def lchown(path: object, uid: int, gid: int) -> None:
        _chown("lchown", path, uid, gid, None, False)

    def _chown(function: str, path: object, uid: int, gid: int, dir_fd: object, follow_symlinks: bool) -> None:
        arg = path_arg(function, path, allow_fd=function == "chown")
        uid, gid = id_arg(uid, "uid"), id_arg(gid, "gid")
        if arg.fd is not None:
            if dir_fd is not None:
                raise ValueError(f"{function}: can't specify both dir_fd and fd")
            if not follow_symlinks:
                raise ValueError(f"{function}: cannot use fd and follow_symlinks together")
            return fchown(arg.fd, uid, gid)
        full = full_path(arg, dir_fd)
        if hit("fs.chown", "os.chown" if follow_symlinks else "os.lchown"):
            raise unsupported("fchownat")
        try:
            target = writable_host_target(process.fs, full, bool(follow_symlinks))
            if target is not None:
                try:
                    return os.chown(target.path, uid, gid, follow_symlinks=target.follow)
                finally:
                    target.close()
            # a file only the provider has: its ownership is the process's already (memory), or refused
            refused = refusal(process.fs, full, bool(follow_symlinks), None)
        except OSError as e:
            raise refiled(e, arg.original) from None
        if refused is not None:
            raise refiled(refused, arg.original)
        return None

    def utime(path: object, times: object = None, *, ns: object = _NO_NS, dir_fd: object = None,
              follow_symlinks: bool = True) -> None:  # fmt: skip
        arg = path_arg("utime", path, allow_fd=True)
        pair = _utime_ns(times, ns)
        fraction = pair is not None and (pair[0] % 1_000_000_000 or pair[1] % 1_000_000_000)
        if pair is not None and fraction and hit("fs.utime_seconds", "os.utime", {"ns": list(pair)}):
            pair = (pair[0] - pair[0] % 1_000_000_000, pair[1] - pair[1] % 1_000_000_000)
        if arg.fd is not None:
            if dir_fd is not None:
                raise ValueError("utime: can't specify dir_fd without matching path")
            if not follow_symlinks:
                raise ValueError("utime: cannot use fd and follow_symlinks together")
            d = description(arg.fd)
            if d.real:
                os.utime(d.fd, ns=pair) if pair is not None else os.utime(d.fd)
                return None
            return d.handle.utime(pair)
        try:
            full = full_path(arg, dir_fd)
            process.fs.utime(full, pair, _follow(dir_form(arg.text), full, follow_symlinks))
        except OSError as e:  # CPython's utime names no file in its errors before 3.13
            raise (refiled(e, arg.original) if _UTIME_NAMES_PATH else OSError(e.errno, e.strerror)) from None

    def truncate(path: object, length: int) -> None:
        arg = path_arg("truncate", path, allow_fd=True)
        length = c_long(length)
        if arg.fd is not None:
            return ftruncate(arg.fd, length)
        if length < 0:
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL), arg.original)
        try:
            process.fs.truncate(full_path(arg, None), length)
        except OSError as e:
            raise refiled(e, arg.original) from None

    def access(path: object, mode: int, *, dir_fd: object = None, effective_ids: bool = False,
               follow_symlinks: bool = True) -> bool:  # fmt: skip
        arg = path_arg("access", path)
        mode = c_int(mode)
        if effective_ids and hit("fs.access_effective_ids", "os.access"):
            raise unsupported("faccess with effective user IDs")
        if not follow_symlinks and mode != os.F_OK and hit("fs.access_no_follow", "os.access"):
            raise unsupported("faccess with effective user IDs")
        try:
            full = full_path(arg, dir_fd)
            follow_symlinks = _follow(dir_form(arg.text), full, follow_symlinks)
            if not follow_symlinks:
                process.fs.stat(full, False)
                if mode == os.F_OK:
                    return True
            return process.fs.access(full, mode)
        except OSError:
            return False

    def chdir(path: object) -> None:
        arg = path_arg("chdir", path, allow_fd=True)
        if arg.fd is not None:
            return fchdir(arg.fd)
        full = full_path(arg, None)
        _enter(full, arg.original)

    def fchdir(fd: object) -> None:
        d = description(fileno_arg(fd))
        if not d.path:
            raise OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))
        _enter(d.path, None)

    def _enter(full: str, original: object) -> None:
        try:
            if not st.S_ISDIR(process.fs.stat(full).st_mode):
                raise OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))
            if not process.fs.access(full, os.X_OK):
                raise OSError(errno.EACCES, os.strerror(errno.EACCES))
            process.cwd = process.fs.realpath(full)
        except OSError as e:
            raise (refiled(e, original) if original is not None else e) from None

    def getcwd() -> str:
        return process.cwd

    def getcwdb() -> bytes:
        return os.fsencode(process.cwd)

    def umask(mask: int, /) -> int:
        """CPython's semantics (the previous mask is returned), over the emulated umask."""
        mask = c_int(mask)
        if not process.umask_reported:
            process.umask_reported = True
            hit("fs.umask_virtual", "os.umask")
        previous, process.umask = process.umask, c_int(mask) & 0o777
        return previous

    def listdir(path: object = None) -> list[str] | list[bytes]:
        arg = path_arg("listdir", path, allow_fd=True, allow_none=True)
        if arg.fd is not None:
            d = description(arg.fd)
            return os.listdir(d.fd) if d.real else d.handle.listdir()
        full = full_path(arg, None)
        try:
            names = process.fs.listdir(full)
        except OSError as e:
            raise refiled(e, arg.original) from None
        if process.host_paths and full.endswith("/fd") and full in _fd_directories():
            names = _without_own_fds(names)
        return [os.fsencode(name) for name in names] if arg.is_bytes else names

    def statvfs(path: object) -> os.statvfs_result:
        arg = path_arg("statvfs", path, allow_fd=True)
        if arg.fd is not None:
            return fstatvfs(arg.fd)
        try:
            return process.fs.statvfs(full_path(arg, None))
        except OSError as e:
            raise refiled(e, arg.original) from None

    def _special_file(function: str, arg: PathArg, dir_fd: object, *args: int) -> None:
        """A FIFO or device node: GraalPy has none; under warn the host's, where the provider writes there."""
        if hit("fs.special_file", f"os.{function}"):
            raise unsupported("mknodat")
        try:
            full = full_path(arg, dir_fd)
            target = writable_host_target(process.fs, full, False)
            if target is not None:
                try:
                    return getattr(os, function)(target.path, *args)
                finally:
                    target.close()
            refused = refusal(process.fs, full, False, errno.EPERM, creating=True)  # as a filesystem without mknod
        except OSError as e:  # CPython's mkfifo and mknod name no file in their errors
            raise OSError(e.errno, e.strerror) from None
        raise refused  # type: ignore[misc]

    def mkfifo(path: object, mode: int = 0o666, *, dir_fd: object = None) -> None:
        arg = path_arg("mkfifo", path)
        _special_file("mkfifo", arg, dir_fd, c_int(mode) & ~process.umask)

    def mknod(path: object, mode: int = 0o600, device: int = 0, *, dir_fd: object = None) -> None:
        arg = path_arg("mknod", path)
        mode = c_int(mode)
        if isinstance(device, float) or getattr(type(device), "__index__", None) is None:
            raise TypeError("an integer is required")
        _special_file("mknod", arg, dir_fd, mode & ~process.umask, device)

    return {function.__name__: function for function in (
        stat, lstat, open, mkdir, rmdir, unlink, remove, rename, replace, link, symlink, readlink, chmod,
        chown, lchown, utime, truncate, access, chdir, fchdir, getcwd, getcwdb, umask, listdir, statvfs,
        mkfifo, mknod,
    )}  # fmt: skip


def _fd_directories() -> tuple[str, ...]:
    """The host's listings of this process's fds."""
    return ("/dev/fd", "/proc/self/fd", f"/proc/{os.getpid()}/fd")


def _without_own_fds(names: list[str]) -> list[str]:
    """A listing of this process's fds without interpose's own real fds (the placeholders' source and reserve,
    the copies of the standard streams): the program sees the fds it has, as without interpose."""
    own = {*hidden(), *(fd for fd in originals() if fd is not None)}
    return [name for name in names if not (name.isdigit() and int(name) in own)]
