"""The raw file class behind `interpose.shims.io_open`: `_io.FileIO`'s behaviour, one namespace call per operation.

The class is made per namespace so that its methods reach the namespace's functions as closure cells (the fastest
lookup Python has), and its state lives in `__slots__`.  Only `_fd` and `_finalizing` are class-level defaults, so
that an object whose `__init__` failed or never ran reads as closed, as the C object does.
"""

from __future__ import annotations

import io
import sys
from _operator import attrgetter
from _operator import index as _operator_index
from _thread import get_ident
from errno import EAGAIN, EBADF, EISDIR, ESPIPE
from io import UnsupportedOperation
from os import fspath, strerror

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_index: Callable[[Any], int] = _operator_index
_INT_MAX = 2**31 - 1
_INT_MIN = -(2**31)
_SMALLCHUNK = 8192  # the smallest read readall() asks for
_LARGE_BUFFER_CUTOFF = 65536  # above this readall() grows by an eighth instead of doubling
_S_IFMT = 0o170000
_S_IFDIR = 0o040000
_S_IFCHR = 0o020000
_S_IFREG = 0o100000
_CLOSED = "I/O operation on closed file"
_BAD_MODE = "Must have exactly one of create/read/write/append mode and at most one plus"
_BOOL_FD_WARNING = sys.version_info >= (3, 12)
# 3.12's argument clinic: closefd is any object's truth, a bad readinto() buffer is "argument 1", and a FileIO
# refuses pickling by the generic "cannot pickle 'X' instances" (3.11: an int, "argument", its own __getstate__).
_CLINIC_312 = sys.version_info >= (3, 12)
_READINTO_ARGUMENT = "argument 1" if _CLINIC_312 else "argument"
_reprs_running: set[tuple[int, int]] = set()


def _closed_error() -> ValueError:
    return ValueError(_CLOSED)


def _not_open_for(action: str) -> UnsupportedOperation:
    return UnsupportedOperation(f"File not open for {action}")


def arg_type_name(value: object) -> str:
    """How argument clinic names a wrong argument's type ("None" rather than "NoneType")."""
    return "None" if value is None else type(value).__name__


def _check_init_args(mode: object, closefd: object) -> bool:
    """Argument clinic's checks of FileIO's `mode` and `closefd`, made before anything else."""
    if not isinstance(mode, str):
        raise TypeError(f"FileIO() argument 'mode' must be str, not {arg_type_name(mode)}")
    if "\0" in mode:
        raise ValueError("embedded null character")
    if _CLINIC_312:
        return bool(closefd)
    if isinstance(closefd, float):
        raise TypeError("'float' object cannot be interpreted as an integer")
    number = _index(closefd)
    if not _INT_MIN <= number <= _INT_MAX:
        raise OverflowError("Python int too large to convert to C int")
    return bool(number)


def _path_of(file: object) -> str | bytes:
    """The path as PyUnicode_FSConverter sees it: os.fspath, then no NUL byte."""
    path: str | bytes = fspath(file)  # type: ignore[call-overload]
    if ("\0" if isinstance(path, str) else b"\0") in path:  # type: ignore[operator]
        raise ValueError("embedded null byte")
    return path


def _fd_of(file: object) -> int:
    """The fd `file` stands for, or -1 when it is to be taken as a path (C drops any conversion error)."""
    if _BOOL_FD_WARNING and isinstance(file, bool):
        import warnings

        warnings.warn("bool is used as a file descriptor", RuntimeWarning, stacklevel=_warn_stacklevel())
    try:
        fd: int = _index(file)
    except Exception:
        return -1
    if fd > _INT_MAX or fd < _INT_MIN:
        return -1
    if fd < 0:
        raise ValueError("negative file descriptor")
    return fd


def _writable_view(buffer: Any) -> memoryview:
    """A writable byte view of `buffer`, refusing what C's `w*` format refuses, with its message."""
    try:
        view = memoryview(buffer)
    except TypeError:
        view = None
    if view is None or view.readonly:
        raise TypeError(
            f"readinto() {_READINTO_ARGUMENT} must be read-write bytes-like object, not {type(buffer).__name__}"
        )
    if view.format != "B" or view.ndim != 1:
        view = view.cast("B")
    return view


def _bytes_like(data: Any) -> None:
    """Raise the TypeError C's `y*` format raises for something that is not bytes-like."""
    try:
        memoryview(data)
    except TypeError:
        raise TypeError(f"a bytes-like object is required, not '{type(data).__name__}'") from None


def _read_size(size: object) -> int:
    """`read(size)` takes None or an integer, as `_Py_convert_optional_to_ssize_t` does."""
    if size is None:
        return -1
    try:
        return _index(size)
    except TypeError:
        raise TypeError(f"argument should be integer or None, not '{type(size).__name__}'") from None


def _warn_stacklevel() -> int:
    """The stack level, seen from the caller, of the first frame outside this module.

    C code warns with stack level 1, which is the innermost *Python* frame; here that is the program's frame
    that closed, dropped or opened the file, not ours.
    """
    frame = sys._getframe(1)
    level = 1
    here = globals()
    while frame is not None and frame.f_globals is here:
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


def _grow(size: int) -> int:
    """readall()'s next buffer size: proportional growth, never by less than one small chunk."""
    return size + max(size >> 3 if size > _LARGE_BUFFER_CUTOFF else 256 + size, _SMALLCHUNK)


_RawMode = tuple  # (open flags, readable, writable, appending, created, mode name)


def _mode_table(posix: Any) -> tuple[dict[str, _RawMode], Callable[[str], _RawMode]]:
    """A cache of FileIO modes and the parser that fills it: mode -> (open flags, readable, writable, appending,
    created, mode name).

    Only valid modes are cached, so the cache stays small.
    """
    o_creat, o_excl, o_trunc, o_append = posix.O_CREAT, posix.O_EXCL, posix.O_TRUNC, posix.O_APPEND
    extra = getattr(posix, "O_CLOEXEC", 0) | getattr(posix, "O_BINARY", 0)
    access = {(True, False): posix.O_RDONLY, (False, True): posix.O_WRONLY, (True, True): posix.O_RDWR}
    cache: dict[str, _RawMode] = {}

    def parse(mode: str) -> _RawMode:
        rwa = plus = readable = writable = appending = created = False
        flags = extra
        for char in mode:
            if char in "xrwa":
                if rwa:
                    raise ValueError(_BAD_MODE)
                rwa = True
                readable = readable or char == "r"
                writable = writable or char != "r"
                appending = char == "a"
                created = char == "x"
                flags |= {"x": o_excl | o_creat, "r": 0, "w": o_creat | o_trunc, "a": o_append | o_creat}[char]
            elif char == "+":
                if plus:
                    raise ValueError(_BAD_MODE)
                plus = readable = writable = True
            elif char != "b":
                raise ValueError(f"invalid mode: {mode[:200]}")
        if not rwa:
            raise ValueError(_BAD_MODE)
        flags |= access[readable, writable]
        prefix = "x" if created else "a" if appending else "r" if readable else "w"
        name = prefix + ("b+" if readable and (created or appending or writable) else "b")
        result = cache[mode] = (flags, readable, writable, appending, created, name)
        return result

    return cache, parse


def make_file_io(posix: Any, spare_closed: Callable[[int], None] | None = None) -> type[io.RawIOBase]:
    """A FileIO class over `posix`'s open, read, write, lseek, fstat, ftruncate, isatty and close.

    `spare_closed(number)` is told when an object closes the twin `io_open` gave it (see `_make_twin`).
    """
    _open, _read, _write, _lseek = posix.open, posix.read, posix.write, posix.lseek
    _fstat, _ftruncate, _isatty, _close = posix.fstat, posix.ftruncate, posix.isatty, posix.close
    _readinto = getattr(posix, "readinto", None)  # os.readinto exists from 3.14 on; it saves a copy
    _get_inheritable = getattr(posix, "get_inheritable", None)
    _set_inheritable = getattr(posix, "set_inheritable", None)
    known_modes, parse_mode = _mode_table(posix)
    raw_close = io.RawIOBase.close
    # Like CPython's _Py_open_cloexec_works: whether O_CLOEXEC was honoured, learnt from the first open.
    cloexec_works: list[bool] = [] if getattr(posix, "O_CLOEXEC", 0) else [False]

    class FileIO(io.RawIOBase):
        """Raw I/O on a file descriptor of the namespace this class was built over; see `_io.FileIO`."""

        __slots__ = ("_readable", "_writable", "_appending", "_created", "_closefd", "_seekable", "_blksize",
                     "_mode", "_size", "_maybe_tty", "_regular", "_twin", "name", "_closed")  # fmt: skip
        _fd = -1
        _finalizing = False
        _readable: bool
        _writable: bool
        _appending: bool
        _created: bool
        _closefd: bool
        _seekable: int  # -1 until the first lseek tells
        _blksize: int
        _mode: str
        _size: int  # st_size at open, -1 when unknown
        _maybe_tty: bool
        _regular: bool
        # [(C FileIO, its fd)]: what a C TextIOWrapper over this object checks for closed (io_open.py); else empty
        # or None
        _twin: list[tuple[Any, int]] | None
        _closed: bool

        def __init__(self, file: Any, mode: str = "r", closefd: bool = True, opener: Any = None) -> None:
            self._init(file, mode, closefd, opener, True)

        def _init(self, file: Any, mode: str, closefd: Any, opener: Any, audit: bool) -> None:
            """__init__, which `io_open` also calls without the audit event when a C FileIO has raised it."""
            if self._fd >= 0:  # __init__ called again: C closes (or forgets) the previous fd first
                if self._closefd:
                    self._close_fd()
                else:
                    self._forget_fd()
            self._twin = None
            spec = known_modes.get(mode) if mode.__class__ is str else None
            if spec is None or closefd.__class__ is not bool:
                closefd = _check_init_args(mode, closefd)
            if file.__class__ is str:
                fd = -1
                if "\0" in file:
                    raise ValueError("embedded null byte")
            else:
                fd = _fd_of(file)
                if fd < 0:
                    _path_of(file)
            flags, self._readable, self._writable, self._appending, self._created, self._mode = spec or parse_mode(mode)
            if audit:
                sys.audit("open", file, mode, flags)
            self._seekable = -1
            if fd >= 0:
                self._closefd = closefd
                own = False
            else:
                self._closefd = True
                if not closefd:
                    raise ValueError("Cannot use closefd=False with file name")
                if opener is None:
                    try:
                        fd = _open(file, flags, 0o666)
                    except OSError as error:
                        if error.filename is file:
                            raise
                        # C names the file by the object it was given (a Path stays a Path); posix by its fspath
                        raise OSError(error.errno, error.strerror, file) from None
                else:
                    fd = opener(file, flags)
                    if not isinstance(fd, int):
                        raise TypeError("expected integer from opener")
                    if fd < 0 or fd > _INT_MAX:
                        if fd < _INT_MIN or fd > _INT_MAX:
                            raise OverflowError("Python int too large to convert to C int")
                        raise ValueError(f"opener returned {fd}")
                own = True
            self._fd, self._closed = fd, False
            try:
                if own:
                    self._not_inheritable(fd, opener is None)
                self._stat_at_open(fd, file)
                self.name = file
                if self._appending:
                    self._seek_end_quietly(fd)
            except BaseException:
                if own:
                    self._close_fd()
                else:
                    self._forget_fd()
                raise

        def _not_inheritable(self, fd: int, atomic: bool) -> None:
            """Make an fd this object opened non-inheritable, skipping the call when O_CLOEXEC is known to work."""
            if atomic and cloexec_works:
                if cloexec_works[0]:
                    return
            elif atomic and _get_inheritable is not None:
                cloexec_works.append(not _get_inheritable(fd))
                if cloexec_works[0]:
                    return
            if _set_inheritable is not None:
                _set_inheritable(fd, False)

        def _stat_at_open(self, fd: int, file: object) -> None:
            """Refuse directories, and learn the block size, the size for readall() and whether it may be a tty."""
            self._blksize = io.DEFAULT_BUFFER_SIZE
            self._size = -1
            self._maybe_tty = True
            self._regular = False
            try:
                st = _fstat(fd)
            except OSError as error:
                if error.errno == EBADF:  # other fstat errors are tolerated, as C does (bpo-25717)
                    raise OSError(EBADF, strerror(EBADF)) from None
                return
            kind = st.st_mode & _S_IFMT
            if kind == _S_IFDIR:
                raise OSError(EISDIR, strerror(EISDIR), file)
            if st.st_blksize > 1:
                self._blksize = st.st_blksize
            self._size = st.st_size
            self._maybe_tty = kind == _S_IFCHR
            self._regular = kind == _S_IFREG

        def _seek_end_quietly(self, fd: int) -> None:
            """Append mode starts at the end; a pipe, which cannot seek, is not an error (C says the same)."""
            try:
                _lseek(fd, 0, 2)
            except OSError as error:
                if self._seekable < 0:
                    self._seekable = 0
                if error.errno != ESPIPE:
                    raise
            else:
                self._seekable = 1

        def _close_fd(self) -> None:
            fd = self._fd
            if fd >= 0:
                self._forget_fd()
                _close(fd)

        def _forget_fd(self) -> None:
            """Closed from now on, and so is the twin a C TextIOWrapper checks (the fd itself stays open)."""
            self._fd, self._closed = -1, True
            twin = self._twin
            if twin:
                try:
                    c_file, number = twin.pop()  # atomic: one closer only, whatever the threads
                except IndexError:
                    return
                c_file.close()  # closes only the twin's own fd, which nothing else uses
                spare_closed(number)  # type: ignore[misc]

        # -- reading and writing: one namespace call each ------------------------------------------------

        def read(self, size: Any = -1) -> bytes | None:
            """Read at most `size` bytes with one read() call; everything up to EOF when size is negative."""
            if size.__class__ is not int:
                size = _read_size(size)
            fd = self._fd
            if fd < 0:
                raise _closed_error()
            if not self._readable:
                raise _not_open_for("reading")
            if size < 0:
                return self.readall()
            try:
                return _read(fd, size)
            except BlockingIOError as error:
                if error.errno == EAGAIN:
                    return None
                raise

        def readall(self) -> bytes | None:  # type: ignore[override]
            """Read to EOF: a buffer sized from fstat at open, then growing like CPython's."""
            fd = self._fd
            if fd < 0:
                raise _closed_error()
            end = self._size
            if end <= 0:
                wanted = _SMALLCHUNK
            else:
                wanted = end + 1
                if wanted > _LARGE_BUFFER_CUTOFF:  # a large file read from the middle: ask for the rest only
                    try:
                        pos = _lseek(fd, 0, 1)
                    except OSError:
                        pos = -1
                    if 0 <= pos <= end:
                        wanted = end - pos + 1
            chunks = []
            total = 0
            while True:
                if total >= wanted:
                    wanted = _grow(total)
                try:
                    data = _read(fd, wanted - total)
                except BlockingIOError as error:
                    if error.errno != EAGAIN:
                        raise
                    if total:
                        break
                    return None
                if not data:
                    break
                chunks.append(data)
                total += len(data)
            if len(chunks) == 1:
                return chunks[0]
            return b"".join(chunks)

        def readinto(self, buffer: Any) -> int | None:
            """Read into a writable buffer: the namespace's readinto if it has one, else read and copy."""
            fd = self._fd
            if fd < 0 or not self._readable:
                _writable_view(buffer)
                raise _closed_error() if fd < 0 else _not_open_for("reading")
            try:
                if _readinto is not None:
                    return _readinto(fd, _writable_view(buffer))
                view = _writable_view(buffer)
                data = _read(fd, view.nbytes)
                count = len(data)
                view[:count] = data
                return count
            except BlockingIOError as error:
                if error.errno == EAGAIN:
                    return None
                raise

        def write(self, b: Any) -> int | None:
            """Write with one write() call; the count may be short, as for the C class."""
            fd = self._fd
            if fd < 0 or not self._writable:
                _bytes_like(b)
                raise _closed_error() if fd < 0 else _not_open_for("writing")
            try:
                return _write(fd, b)
            except BlockingIOError as error:
                if error.errno == EAGAIN:
                    return None
                raise

        # -- positioning ---------------------------------------------------------------------------------

        def seek(self, pos: Any, whence: int = 0) -> int:
            """lseek(); the first result also tells whether the file is seekable."""
            fd = self._fd
            if fd < 0:
                raise _closed_error()
            try:
                result: int = _lseek(fd, pos, whence)
            except OSError:
                if self._seekable < 0:
                    self._seekable = 0
                raise
            if self._seekable < 0:
                self._seekable = 1
            return result

        def tell(self) -> int:
            return self.seek(0, 1)

        def truncate(self, size: Any = None) -> Any:
            """ftruncate() at `size`, or at the current position; the position does not move."""
            fd = self._fd
            if fd < 0:
                raise _closed_error()
            if not self._writable:
                raise _not_open_for("writing")
            if size is None:
                size = self.seek(0, 1)
            _ftruncate(fd, size)
            return size

        # -- queries -------------------------------------------------------------------------------------

        def seekable(self) -> bool:
            if self._fd < 0:
                raise _closed_error()
            if self._seekable < 0:
                try:
                    self.seek(0, 1)
                except OSError:  # seek() has recorded that it cannot seek
                    return False
            return self._seekable > 0

        def readable(self) -> bool:
            if self._fd < 0:
                raise _closed_error()
            return self._readable

        def writable(self) -> bool:
            if self._fd < 0:
                raise _closed_error()
            return self._writable

        def fileno(self) -> int:
            fd = self._fd
            if fd < 0:
                raise _closed_error()
            return fd

        def isatty(self) -> bool:
            fd = self._fd
            if fd < 0:
                raise _closed_error()
            return _isatty(fd)

        # The C buffered and text layers read `raw.closed` on every call when raw is not the C FileIO: a read-only
        # property over a C getter of a slot kept equal to `_fd < 0` costs no Python frame.
        closed = property(attrgetter("_closed"), doc="True if the file is closed.")

        @property
        def closefd(self) -> bool:
            return self._closefd

        @property
        def mode(self) -> str:
            return self._mode

        # -- closing -------------------------------------------------------------------------------------

        def close(self) -> None:
            """Flush and mark closed as IOBase does, then close the fd if this object owns it."""
            if not self._closefd:
                try:
                    raw_close(self)
                finally:
                    if self._fd >= 0:
                        self._forget_fd()
                return
            try:
                raw_close(self)
            finally:
                if self._finalizing:
                    self._dealloc_warn(self)
                self._close_fd()

        def _dealloc_warn(self, source: object) -> None:
            """ResourceWarning for a file dropped while open; the buffered and text layers call it with themselves."""
            if self._fd >= 0 and self._closefd:
                import warnings

                try:
                    warnings.warn(f"unclosed file {source!r}", ResourceWarning, _warn_stacklevel(), source=source)
                except Warning:
                    sys.unraisablehook(sys.UnraisableHookArgs((*sys.exc_info(), None, self)))  # type: ignore

        def __repr__(self) -> str:
            cls = type(self)
            type_name = "_io.FileIO" if cls is FileIO else cls.__name__
            if self._fd < 0:
                return f"<{type_name} [closed]>"
            flags = f"mode='{self._mode}' closefd={self._closefd}"
            try:
                name = self.name
            except AttributeError:
                return f"<{type_name} fd={self._fd} {flags}>"
            key = (get_ident(), id(self))
            if key in _reprs_running:
                raise RuntimeError(f"reentrant call inside {type_name}.__repr__")
            _reprs_running.add(key)
            try:
                return f"<{type_name} name={name!r} {flags}>"
            finally:
                _reprs_running.discard(key)

        def __getstate__(self) -> object:
            cls = type(self)
            if _CLINIC_312:
                raise TypeError(f"cannot pickle '{cls.__name__}' instances")
            raise TypeError(f"cannot pickle '{'_io.FileIO' if cls is FileIO else cls.__name__}' object")

    FileIO.__module__ = "_io"
    return FileIO
