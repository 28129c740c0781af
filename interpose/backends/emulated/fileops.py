"""posix's file-descriptor functions over the emulated fd table.

An fd whose file is real (the host provider's files, pipes, the standard
streams) goes to the host call on the real fd behind it (`OpenFile.fd`: never the
emulated number itself, except for fds found open) after one table lookup; a virtual one
(memory, overlay) is served by its provider handle at the description's own
offset, under the description's lock so that threads sharing it stay coherent.
`build` makes the functions for one process, as closures over it (the fastest
lookup Python has, and no state shared between backends); they are plain
functions so that `os.read is os.read` and pickling by name keep working.
"""

from __future__ import annotations

import errno
import stat as st
import sys

from interpose.backends.emulated.arguments import c_int, c_long, c_ssize, fd_arg, id_arg
from interpose.backends.emulated.fdtable import bad_fd, spare, spare_closed
from interpose.backends.emulated.hostpaths import refusal
from interpose.compat import hit
from interpose.compat.catalog_java import unsupported_message
from interpose.host import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

    from interpose.backends.emulated.fdtable import FdTable, OpenFile
    from interpose.backends.emulated.process import EmulatedProcess


#: The hidden fds io_open's twins hold (interpose.shims.io_open.build_io's `spares`).
SPARES = (spare, spare_closed)
_BOOL_FD_WARNING = sys.version_info >= (3, 13)  # 3.13 warns when fsync, fdatasync or fchdir is given a bool
_SEEK_DATA, _SEEK_HOLE = getattr(os, "SEEK_DATA", 3), getattr(os, "SEEK_HOLE", 4)


def error(code: int, filename: object = None) -> OSError:
    return OSError(code, os.strerror(code)) if filename is None else OSError(code, os.strerror(code), filename)


def unsupported(feature: str) -> OSError:
    import io

    return io.UnsupportedOperation(unsupported_message(feature))


def fileno_arg(fd: object) -> int:
    """fsync and friends accept any object with fileno(), as CPython's converter does."""
    if _BOOL_FD_WARNING and isinstance(fd, bool):
        import warnings

        warnings.warn("bool is used as a file descriptor", RuntimeWarning, stacklevel=3)
    if not isinstance(fd, int):
        fileno = getattr(fd, "fileno", None)
        if fileno is None:
            raise TypeError("argument must be an int, or have a fileno() method.")
        fd = fileno()
    number = fd_arg(fd)
    if number < 0:
        raise ValueError(f"file descriptor cannot be a negative integer ({number})")
    return number


def _is_regular(fd: int, d: OpenFile) -> bool:
    return st.S_ISREG((os.fstat(d.fd) if d.real else d.handle.stat()).st_mode)


_LAST_STANDARD_STREAM = 2


def adopt_real_fd(table: FdTable, fd: int, flags: int) -> None:
    """A real fd the program made outside the table (a pipe, a pty, shared memory): one of its own, same number."""
    from interpose.fs.host import HostFileHandle

    table.adopt(fd, HostFileHandle(fd, ""), "", flags)


def build(process: EmulatedProcess) -> dict[str, Callable[..., Any]]:
    """The fd functions of the shim posix, over `process`."""
    table = process.table
    files = table._files
    description = process.description

    def read(fd: int, length: int, /) -> bytes:
        d = files.get(fd)
        if d is None or d.identity is not None:
            d = description(fd)
        if d.real:
            return os.read(d.fd, length)
        length = c_ssize(length)
        if length < 0:
            raise error(errno.EINVAL)
        if not d.readable:
            raise bad_fd()
        with d.lock:
            data = d.handle.pread(length, d.offset)
            d.offset += len(data)
        return data

    def write(fd: int, data: object, /) -> int:
        d = files.get(fd)
        if d is None or d.identity is not None:
            d = description(fd)
        if d.real:
            return os.write(d.fd, data)  # type: ignore[arg-type]
        payload = bytes(memoryview(data))  # type: ignore[arg-type]
        if not d.writable:
            raise bad_fd()
        with d.lock:
            if d.flags & os.O_APPEND:
                written = d.handle.append(payload)
                d.offset = d.handle.size()
            else:
                written = d.handle.pwrite(payload, d.offset)
                d.offset += written
        return written

    def pread(fd: int, length: int, offset: int, /) -> bytes:
        d = files.get(fd)
        if d is None or d.identity is not None:
            d = description(fd)
        if d.real:
            return os.pread(d.fd, length, offset)
        length, offset = c_ssize(length), c_long(offset)
        if length < 0 or offset < 0:
            raise error(errno.EINVAL)
        if not d.readable:
            raise bad_fd()
        return d.handle.pread(length, offset)

    def pwrite(fd: int, data: object, offset: int, /) -> int:
        d = files.get(fd)
        if d is None or d.identity is not None:
            d = description(fd)
        if d.real:
            return os.pwrite(d.fd, data, offset)  # type: ignore[arg-type]
        offset = c_long(offset)
        if offset < 0:
            raise error(errno.EINVAL)
        if not d.writable:
            raise bad_fd()
        payload = bytes(memoryview(data))  # type: ignore[arg-type]
        if d.flags & os.O_APPEND:  # Linux appends pwrite data when O_APPEND is set
            return d.handle.append(payload)
        return d.handle.pwrite(payload, offset)

    def readv(fd: int, buffers: Sequence[object], /) -> int:
        d = description(fd)
        if d.real:
            return os.readv(d.fd, buffers)  # type: ignore[arg-type]
        total = 0
        for buffer in buffers:
            view = memoryview(buffer).cast("B")  # type: ignore[arg-type]
            data = read(fd, len(view))
            view[: len(data)] = data
            total += len(data)
            if len(data) < len(view):
                break
        return total

    def writev(fd: int, buffers: Sequence[object], /) -> int:
        d = description(fd)
        if d.real:
            return os.writev(d.fd, buffers)  # type: ignore[arg-type]
        return write(fd, b"".join(bytes(memoryview(b)) for b in buffers))  # type: ignore[arg-type]

    def lseek(fd: int, position: int, whence: int, /) -> int:
        d = files.get(fd)
        if d is None or d.identity is not None:
            d = description(fd)
        if whence in (_SEEK_DATA, _SEEK_HOLE) and hit("fd.seek_data_hole", "os.lseek"):
            raise unsupported("SEEK_DATA" if whence == _SEEK_DATA else "SEEK_HOLE")
        if d.real:
            return os.lseek(d.fd, position, whence)
        position, whence = c_long(position), c_int(whence)
        with d.lock:
            if whence == os.SEEK_SET:
                base = 0
            elif whence == os.SEEK_CUR:
                base = d.offset
            elif whence == os.SEEK_END:
                base = d.handle.size()
            else:
                raise error(errno.EINVAL)
            if base + position < 0:
                raise error(errno.EINVAL)
            d.offset = base + position
            return d.offset

    def fstat(fd: int) -> os.stat_result:
        d = files.get(fd)
        if d is None or d.identity is not None:
            d = description(fd)
        if d.real:
            return os.fstat(d.fd)
        return d.handle.stat()

    def ftruncate(fd: int, length: int, /) -> None:
        d = description(fd)
        if d.real:
            return os.ftruncate(d.fd, length)
        length = c_long(length)
        if length < 0 or not d.writable:
            raise error(errno.EINVAL)
        d.handle.truncate(length)

    def fsync(fd: object) -> None:
        number = fileno_arg(fd)
        d = description(number)
        if d.real:
            return os.fsync(d.fd)
        d.handle.fsync()

    def fdatasync(fd: object) -> None:
        fsync(fd)

    def close(fd: int) -> None:
        description(fd)  # takes in a real fd opened elsewhere, so that closing it works as in CPython
        table.close(fd_arg(fd))

    def closerange(fd_low: int, fd_high: int, /) -> None:
        for fd in table.fds():
            if fd_low <= fd < fd_high:
                try:  # noqa: SIM105 - contextlib would be imported into every program on this backend
                    table.close(fd)
                except OSError:
                    pass

    def dup(fd: int, /) -> int:
        description(fd)
        return table.dup(fd)

    def dup2(fd: int, fd2: int, inheritable: bool = True) -> int:
        """GraalPy ignores `inheritable` (every emulated fd is non-inheritable); under warn a real fd gets it."""
        d = description(fd)
        fd2 = fd_arg(fd2)
        if fd2 < 0:
            raise bad_fd()
        keep = bool(inheritable) and d.real
        if keep and hit("fd.inheritable_ignored", "os.dup2", {"fd": fd2, "inheritable": True}):
            keep = False
        if fd2 <= _LAST_STANDARD_STREAM and not d.real:
            return _standard_stream_onto_virtual(fd, fd2, keep)
        return table.dup2(fd, fd2, inheritable=keep)

    def _standard_stream_onto_virtual(fd: int, fd2: int, inheritable: bool) -> int:
        """A file only the provider has onto 0-2: the emulated fd names it, but the real fd cannot, so it keeps
        the stream it was (sys.stdout and C code go on writing the terminal; on GraalPy, whose sys.stdout is over
        its emulated fd, they reach the file): named as fd.native_code."""
        hit("fd.native_code", "os.dup2", {"fd": fd2, "reason": "standard stream onto a file only the provider has"})
        try:
            stream = os.dup(fd2)
        except OSError:
            return table.dup2(fd, fd2, inheritable=inheritable)  # no real stream there to keep
        try:
            return table.dup2(fd, fd2, inheritable=inheritable)
        finally:
            os.dup2(stream, fd2)
            os.close(stream)

    def _open_or_none(fd: object) -> OpenFile | None:
        """description(), with None for an fd that is not open (isatty and device_encoding answer, not raise)."""
        try:
            return description(fd)
        except OSError:
            return None

    def isatty(fd: int, /) -> bool:
        d = _open_or_none(fd)
        if d is None:
            return False
        if 0 <= fd <= 2 and hit("fd.isatty", "os.isatty"):
            return False
        return os.isatty(d.fd) if d.real else False

    def get_inheritable(fd: int, /) -> bool:
        """Always False on GraalPy; when the real fd is inheritable that hides something: logged (FINE)."""
        d = description(fd)
        if not d.real or not os.get_inheritable(d.fd if table.is_placeholder(fd) else fd):
            return False
        return not hit("fd.get_inheritable_ignored", "os.get_inheritable", {"fd": fd, "inheritable": True})

    def set_inheritable(fd: int, inheritable: bool, /) -> None:
        d = description(fd)
        if hit("fd.inheritable_ignored", "os.set_inheritable", {"fd": fd, "inheritable": bool(inheritable)}):
            return
        if d.real:  # a placeholder's flag goes to the file behind it, which an exec hands over (forkexec.hand_over)
            os.set_inheritable(d.fd if table.is_placeholder(fd) else fd, inheritable)

    def get_blocking(fd: int, /) -> bool:
        d = description(fd)
        return os.get_blocking(d.fd) if d.real else True

    def set_blocking(fd: int, blocking: bool, /) -> None:
        d = description(fd)
        if not blocking and _is_regular(fd, d) and hit("fd.blocking_regular_file", "os.set_blocking"):
            raise error(errno.EPERM)
        if d.real:
            os.set_blocking(d.fd, blocking)

    def fchmod(fd: int, mode: int) -> None:
        d = description(fd)
        if d.real:
            return os.fchmod(d.fd, mode)
        d.handle.chmod(c_int(mode) & 0o7777)

    def fchown(fd: int, uid: int, gid: int) -> None:
        uid, gid = id_arg(uid, "uid"), id_arg(gid, "gid")
        d = description(fd)
        if hit("fs.fchown", "os.fchown"):
            raise unsupported("fchown")
        if d.real:
            return os.fchown(d.fd, uid, gid)
        refused = refusal(process.fs, d.path, True, None) if d.path else None  # never the host under readonly
        if refused is not None:
            raise refused
        return None

    def fstatvfs(fd: int, /) -> os.statvfs_result:
        d = description(fd)
        if d.real:
            return os.fstatvfs(d.fd)
        return process.fs.statvfs(d.path or "/")

    def device_encoding(fd: int) -> str | None:
        d = _open_or_none(fd)
        if d is None:
            return None
        if not d.real or (0 <= fd <= 2 and not isatty(fd)):
            return None
        return os.device_encoding(d.fd)

    def lockf(fd: int, command: int, length: int, /) -> None:
        d = description(fd)
        if d.real:
            return os.lockf(d.fd, command, length)
        command, length = c_int(command), c_long(length)
        # a file only this process can see: record locks never conflict within a process (see locks.py)
        if command not in (os.F_LOCK, os.F_TLOCK, os.F_ULOCK, os.F_TEST):
            raise error(errno.EINVAL)
        if command in (os.F_LOCK, os.F_TLOCK) and not d.writable:
            raise bad_fd()  # a write lock needs a writable fd
        return None

    def posix_fallocate(fd: int, offset: int, length: int, /) -> None:
        d = description(fd)
        if d.real:
            return os.posix_fallocate(d.fd, offset, length)
        offset, length = c_long(offset), c_long(length)
        if offset < 0 or length <= 0:
            raise error(errno.EINVAL)
        if d.handle.size() < offset + length:
            d.handle.truncate(offset + length)

    def posix_fadvise(fd: int, offset: int, length: int, advice: int, /) -> None:
        d = description(fd)
        if d.real:
            return os.posix_fadvise(d.fd, offset, length, advice)
        c_long(offset), c_long(length), c_int(advice)
        return None

    def sendfile(out_fd: int, in_fd: int, offset: int | None, count: int) -> int:
        """Real fds: the host's sendfile; otherwise the same effect by read and write."""
        source, target = description(in_fd), description(out_fd)
        if source.real and target.real:
            return os.sendfile(target.fd, source.fd, offset, count)
        count = c_ssize(count)
        offset = None if offset is None else c_long(offset)
        data = read(in_fd, count) if offset is None else pread(in_fd, count, offset)
        return write(out_fd, data) if data else 0

    def copy_file_range(
        src: int, dst: int, count: int, offset_src: int | None = None, offset_dst: int | None = None
    ) -> int:
        source, target = description(src), description(dst)
        if source.real and target.real:
            return os.copy_file_range(source.fd, target.fd, count, offset_src, offset_dst)
        count = c_ssize(count)
        offset_src = None if offset_src is None else c_long(offset_src)
        offset_dst = None if offset_dst is None else c_long(offset_dst)
        data = read(src, count) if offset_src is None else pread(src, count, offset_src)
        if not data:
            return 0
        return write(dst, data) if offset_dst is None else pwrite(dst, data, offset_dst)

    def pipe() -> tuple[int, int]:
        read_end, write_end = os.pipe()
        adopt_real_fd(table, read_end, os.O_RDONLY)
        adopt_real_fd(table, write_end, os.O_WRONLY)
        return read_end, write_end

    def pipe2(flags: int, /) -> tuple[int, int]:
        read_end, write_end = os.pipe2(flags)
        adopt_real_fd(table, read_end, os.O_RDONLY | flags)
        adopt_real_fd(table, write_end, os.O_WRONLY | flags)
        return read_end, write_end

    def openpty() -> tuple[int, int]:
        main, follower = os.openpty()
        adopt_real_fd(table, main, os.O_RDWR)
        adopt_real_fd(table, follower, os.O_RDWR)
        return main, follower

    def forkpty() -> tuple[int, int]:
        """Under warn only (GraalPy has none): the host's, its main end known to the parent's fd table."""
        pid, main = os.forkpty()
        if pid != 0:
            adopt_real_fd(table, main, os.O_RDWR)
        return pid, main

    def ttyname(fd: int, /) -> str:
        d = description(fd)
        if not d.real:
            raise error(errno.ENOTTY)
        return os.ttyname(d.fd)

    def get_terminal_size(fd: int = 1, /) -> os.terminal_size:
        d = description(fd)
        if not d.real:
            raise error(errno.ENOTTY)
        return os.get_terminal_size(d.fd)

    return {function.__name__: function for function in (
        read, write, pread, pwrite, readv, writev, lseek, fstat, ftruncate, fsync, fdatasync, close,
        closerange, dup, dup2, isatty, get_inheritable, set_inheritable, get_blocking, set_blocking, fchmod,
        fchown, fstatvfs, device_encoding, lockf, posix_fallocate, posix_fadvise, sendfile, copy_file_range,
        pipe, pipe2, openpty, forkpty, ttyname, get_terminal_size,
    )}  # fmt: skip
