"""The emulated backend's file-descriptor table.

An emulated fd is never the OS fd of the file behind it, whatever the provider,
as on GraalPy, whose fds are numbers in a table of its own.  Every number the
table hands out for a file it opened holds a placeholder, a real O_PATH
descriptor of /dev/null that reserves the number in the process's real fd space
(so a number is never two things at once, and numbers stay the kernel's
lowest-free, as on Linux) and makes every read, write, mmap or lock by native
code fail with EBADF instead of touching the file (pyfakefs #970).  A file the
provider backs with a host fd (host, rooted) keeps that fd, moved to a high
number that the program is never given (`hidden()`); the table's functions call
it, so the kernel keeps the offset, shared by dups.  A file that lives only in
the provider keeps its offset in the OpenFile, shared the same way.

The standard streams 0-2 are the exception: the real 0-2 hold what the emulated
ones hold (a copy of the file's real fd: a "mirror"), because `sys.stdout`,
`sys.stderr` and `sys.stdin` are C objects made over the real 0-2 at start-up,
and after `os.dup2(f, 1)` `print()` must write `f`, as it does on GraalPy (whose
sys.stdout is over its emulated fd 1) and CPython.  A child is handed the stream
GraalPy gives it all the same (childstdio.py).

The table hands the program only descriptors it opened through the backend,
plus the few it can prove are the program's own: an anonymous kernel object (a
socket, a pipe, an eventfd, epoll or pidfd: C code's, never a provider's) or a
file that was already open when the emulated process started (pytest's capture
files, fds inherited from the parent), never a directory, never one its provider
declares (``FileSystem.host_fds()``) and never one the table hides.  Those keep
their real numbers (C code holds them), and so do their dups (`socket.fromfd`
hands a dup to C code).
Anything else is EBADF, as on GraalPy, whose table knows only its own fds.
"""

from __future__ import annotations

import _thread
import errno
import stat as st

from interpose.fs.host import HostFileHandle
from interpose.host import os

#: What /proc/self/fd shows for kernel objects that no provider opens: C code's sockets, pipes, eventfds, epolls.
_ANONYMOUS = ("socket:", "pipe:", "anon_inode:")
_LAST_STREAM = 2  # 0-2: the standard streams, mirrored (see the module's docstring)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from interpose.fs.base import FileHandle

#: Real fds the tables keep from every program, across all backends of the process: the files behind emulated
#: fds (moved high), the reserve, the placeholders' source, and the spares of io_open's twins (`spare`).  No
#: table takes one in, whatever number is guessed.
_hidden: set[int] = set()
_hidden_lock = _thread.allocate_lock()
_source: list[int] = []  # the O_PATH fd of /dev/null that placeholders are dups of, made once per process
_spare_source: list[int] = []  # a readable, seekable fd that spares are dups of, made once per process
_spares_free: list[int] = []  # hidden numbers whose spare a twin closed: the next spares go there
#: High numbers held by placeholders, ready for the next file to move onto (one dup2, no search): a closed file's
#: number comes back here.  Emptied when a table closes (deactivation).
_reserve: list[int] = []
_limits: list[int] = []  # where hidden fds start (half the soft fd limit, at most 512: below FD_SETSIZE), the limit


def hidden() -> frozenset[int]:
    return frozenset(_hidden)


def _hide(fd: int) -> int:
    """A close-on-exec copy of `fd` on a reserved high number (or a free one), remembered as hidden."""
    with _hidden_lock:
        number = _reserve.pop() if _reserve else _free_high()
        if number < 0:
            number = os.dup(fd)  # no free high number: the lowest free one, never handed out all the same
        else:
            os.dup2(fd, number, inheritable=False)  # atomically replaces a reserved number's placeholder
        _hidden.add(number)
    return number


def _free_high() -> int:
    """The lowest free number at or above the floor; -1 when there is none."""
    if not _limits:
        limit = os.sysconf("SC_OPEN_MAX")
        _limits.extend((max(3, min(512, limit // 2)), limit))
    number, limit = _limits
    while number < limit:
        if number not in _hidden:
            try:
                os.fstat(number)
            except OSError:
                return number
        number += 1
    return -1


def _unhide(number: int) -> None:
    """The file on hidden `number` is closed (atomically: a placeholder takes its place) and the number reserved;
    a number below the floor (there was no high one) is closed."""
    with _hidden_lock:
        if number >= _limits[0]:
            os.dup2(source(), number, inheritable=False)
            _reserve.append(number)
            return
        _hidden.discard(number)
        os.close(number)


def trim_reserve() -> None:
    """Close the reserved numbers: nothing is left open behind a closed table but the placeholders' source."""
    with _hidden_lock:
        while _reserve:
            number = _reserve.pop()
            _hidden.discard(number)
            os.close(number)
        while _spares_free:
            _hidden.discard(_spares_free.pop())  # closed already


def source() -> int:
    """The placeholders' source: every placeholder is a dup of it (one syscall, no path lookup)."""
    if not _source:
        opened = os.open("/dev/null", os.O_PATH | os.O_CLOEXEC)
        try:
            _source.append(_hide(opened))
        finally:
            os.close(opened)
    return _source[0]


def spare() -> int:
    """A hidden fd of an empty file, readable and seekable, for a C FileIO of io_open's to hold (its "twin").

    The file is a memfd where there is one: making it raises no audit event the program could see.  The number
    is one a twin closed before when there is one (one dup2, no search).
    """
    if not _spare_source:
        try:
            opened = os.memfd_create("interpose-spare", os.MFD_CLOEXEC)
        except (AttributeError, OSError):
            opened = os.open("/dev/null", os.O_RDONLY | os.O_CLOEXEC)
        try:
            _spare_source.append(_hide(opened))
        finally:
            os.close(opened)
    try:
        number = _spares_free.pop()
    except IndexError:
        return _hide(_spare_source[0])
    os.dup2(_spare_source[0], number, inheritable=False)
    return number


def spare_closed(number: int, close: bool = False) -> None:
    """The C FileIO holding spare `number` closed it (or, with `close`, none took it: it is closed now).

    A high number stays hidden, kept for the next spare: the table never hands it out nor takes it in.
    """
    if close:
        os.close(number)
    if _limits and number >= _limits[0]:
        _spares_free.append(number)
    else:  # a low number (no high one was free): the kernel's next open may take it
        with _hidden_lock:
            _hidden.discard(number)


class OpenFile:
    """An open file description: what dup'd fds share."""

    __slots__ = ("handle", "path", "flags", "offset", "lock", "refs", "real", "fd", "owned", "identity")

    def __init__(
        self, handle: FileHandle, path: str, flags: int, fd: int, owned: bool = True,
        identity: tuple[int, int] | None = None,
    ) -> None:  # fmt: skip
        self.handle = handle
        self.path = path  # the provider path it was opened with: fchdir and dir_fd resolve against it
        self.flags = flags
        self.offset = 0
        self.lock = _thread.allocate_lock()
        self.refs = 0
        self.fd = fd  # the real fd the table's functions call for it (hidden, or the program's own); -1: none
        self.real = fd >= 0
        self.owned = owned  # opened by the emulated program (closed at deactivation), or found open
        # (st_dev, st_ino) of a real fd the table did not open itself (standard streams, pipes, sockets): C
        # code may close it behind the table's back and the kernel give the number to a provider, so each
        # use checks that the number still holds that file.  None for files the table opened.
        self.identity = identity

    @property
    def readable(self) -> bool:
        return self.flags & os.O_ACCMODE != os.O_WRONLY

    @property
    def writable(self) -> bool:
        return self.flags & os.O_ACCMODE != os.O_RDONLY


def identity_of(fd: int) -> tuple[int, int] | None:
    try:
        status = os.fstat(fd)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def bad_fd() -> OSError:
    return OSError(errno.EBADF, os.strerror(errno.EBADF))


class FdTable:
    """fd -> OpenFile, safe under concurrent open, dup and close.

    What holds each number in the kernel: a placeholder (`_placeholders`), the real fd of the description
    bound to it (a found fd: `description.fd == number`), or on 0-2 a mirror of the file (`_hold`).
    """

    def __init__(self) -> None:
        self._files: dict[int, OpenFile] = {}
        self._placeholders: set[int] = set()
        self._lock = _thread.allocate_lock()
        self._inherited: dict[int, tuple[int, int]] = {}  # fd -> (st_dev, st_ino) of a file open at start
        self._provider_fds: Callable[[], tuple[int, ...]] = tuple
        self._c_files = False

    def take_inventory(self, provider_fds: Callable[[], tuple[int, ...]], c_files: bool = False) -> None:
        """Remember the files open now, before the program runs on this table: they are its own, and may be
        taken in later, except directories and the fds the provider keeps for itself (`provider_fds()`).

        `c_files` (the host provider only, no sandbox): a file C code opens later for the program is its own
        too (CPython's tokenizer reads a script with a coding cookie through `io.open(fd)`)."""
        self._provider_fds = provider_fds
        self._c_files = c_files
        private = provider_fds()
        try:
            numbers = [int(name) for name in os.listdir("/proc/self/fd")]
        except OSError:
            numbers = list(range(256))
        inherited = {}
        for fd in numbers:
            if fd in self._files or fd in private or fd in _hidden:
                continue
            try:
                status = os.fstat(fd)
            except OSError:
                continue  # the listing's own fd, closed since
            if not st.S_ISDIR(status.st_mode):
                inherited[fd] = (status.st_dev, status.st_ino)
        self._inherited = inherited

    def adoptable(self, fd: int, status: os.stat_result) -> bool:
        """Whether a real fd the table did not open is the program's own (see the module's docstring)."""
        if fd in _hidden or fd in self._placeholders or fd in self._provider_fds():
            return False
        if self._inherited.get(fd) == (status.st_dev, status.st_ino):
            return True
        if self._c_files and st.S_ISREG(status.st_mode):
            return True
        if st.S_ISSOCK(status.st_mode):
            return True
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            return st.S_ISFIFO(status.st_mode)  # no /proc: a pipe cannot be told from a FIFO, both taken
        return target.startswith(_ANONYMOUS)

    def get(self, fd: int) -> OpenFile:
        try:
            return self._files[fd]
        except KeyError:
            raise bad_fd() from None
        except TypeError:
            raise TypeError(f"an integer is required (got type {type(fd).__name__})") from None

    def __contains__(self, fd: int) -> bool:
        return fd in self._files

    def fds(self) -> list[int]:
        return sorted(self._files)

    def is_placeholder(self, fd: object) -> bool:
        """Whether `fd` is an emulated fd whose real number holds nothing of its file (native code gets EBADF)."""
        return fd in self._placeholders

    def real_fd(self, fd: int) -> int | None:
        """The real fd behind emulated `fd` (for a child process or the host's select); None for a file only
        the provider has."""
        found = self._files.get(fd)
        if found is None:
            return fd
        return found.fd if found.real else None

    def elsewhere(self, fd: object) -> bool:
        """Whether emulated `fd`'s real number is not its file (a placeholder, or a standard stream the program
        put another file on): the host's C functions must be given `real_fd(fd)` instead."""
        found = self._files.get(fd)  # type: ignore[call-overload]
        return found is not None and found.fd != fd

    def add(self, handle: FileHandle, path: str, flags: int) -> int:
        """Give an opened handle its fd: a placeholder's number; a host fd behind it is moved out of sight."""
        host_fd = handle.host_fd()
        with self._lock:
            try:
                return self._add(handle, path, flags, host_fd)
            except BaseException:
                handle.close()
                raise

    def _add(self, handle: FileHandle, path: str, flags: int, host_fd: int | None) -> int:
        description: OpenFile
        if host_fd is None:
            description = OpenFile(handle, path, flags, -1)
            fd = self._placeholder(description)
        elif getattr(handle, "fd", None) == host_fd:  # a HostFileHandle: its fd moves high, its number stays
            hidden_fd = _hide(host_fd)
            handle.fd = hidden_fd  # type: ignore[attr-defined]
            description = OpenFile(handle, path, flags, hidden_fd)
            fd = host_fd
            self._hold(fd, description)  # atomically: the old number is now a placeholder
        else:  # a provider's own handle class: its fd stays where it is, hidden, beside a placeholder
            _hidden.add(host_fd)
            description = OpenFile(handle, path, flags, host_fd)
            fd = self._placeholder(description)
        self._bind(fd, description)
        return fd

    def _placeholder(self, description: OpenFile) -> int:
        """A real fd number reserved for an emulated fd of `description`: O_PATH, so native reads and writes
        fail (EBADF); the kernel's lowest-free number (on 0-2, a mirror of the file)."""
        fd = os.dup(source())
        self._placeholders.add(fd)
        if fd <= _LAST_STREAM and description.real:
            self._hold(fd, description)
        return fd

    def _hold(self, fd: int, description: OpenFile) -> None:
        """Make the kernel's `fd` what emulated `fd` is now: a placeholder, or on 0-2 a mirror of the file, which
        sys.stdout and C code then write (inheritable: the process's standard streams)."""
        if fd <= _LAST_STREAM and description.real:
            os.dup2(description.fd, fd)
            self._placeholders.discard(fd)
        else:
            os.dup2(source(), fd, inheritable=False)
            self._placeholders.add(fd)

    def adopt(self, fd: int, handle: FileHandle, path: str, flags: int, owned: bool = True) -> None:
        """Register a real fd the backend did not open itself (standard streams, pipe ends)."""
        with self._lock:
            self._forget_stale(fd)
            self._bind(fd, OpenFile(handle, path, flags, fd, owned, identity_of(fd)))

    def live(self, fd: int) -> OpenFile | None:
        """The description of `fd`, unless its real fd was closed behind the table's back (then forgotten)."""
        found = self._files.get(fd)
        if found is None or found.identity is None or identity_of(found.fd) == found.identity:
            return found
        with self._lock:
            self._forget_stale(fd)
        return None

    def _forget_stale(self, fd: int) -> None:
        """Drop an entry whose real fd is gone, closing only a placeholder (the number may be someone else's)."""
        found = self._files.get(fd)
        if found is not None and found.identity is not None and identity_of(found.fd) != found.identity:
            del self._files[fd]
            found.refs -= 1
            if fd in self._placeholders:
                self._placeholders.discard(fd)
                os.close(fd)

    def adopt_found(self, fd: int) -> OpenFile | None:
        """A real fd the table does not know (a socket, an eventfd, pytest's capture file): the program's
        own, so using it is what CPython does.  Found fds are left open at deactivation.  None when the fd is
        not open at all, or is not the program's to use (a provider's, or opened behind the backend's back)."""
        try:
            status = os.fstat(fd)
        except (OSError, OverflowError, ValueError):
            return None
        if not self.adoptable(fd, status):
            return None
        with self._lock:
            self._forget_stale(fd)
            found = self._files.get(fd)
            if found is None:
                identity = (status.st_dev, status.st_ino)
                found = OpenFile(HostFileHandle(fd, ""), "", os.O_RDWR, fd, owned=False, identity=identity)
                self._bind(fd, found)
        return found

    def dup(self, fd: int, inheritable: bool = False) -> int:
        with self._lock:
            description = self.get(fd)
            if self._is_found(description):  # the program's own kernel object: its dup is a real one too
                new = os.dup(description.fd)
                self._bind(new, self._found_copy(description, new))
            else:
                new = self._placeholder(description)
                self._bind(new, description)
        return new

    @staticmethod
    def _is_found(description: OpenFile) -> bool:
        """A real fd the program holds under its own number (found open, a pipe end), not one the table hides."""
        return description.identity is not None and description.fd not in _hidden

    @staticmethod
    def _found_copy(description: OpenFile, fd: int) -> OpenFile:
        """The description of `fd`, a real dup of a found fd (the kernel shares offset and flags between them)."""
        return OpenFile(HostFileHandle(fd, ""), description.path, description.flags, fd, True, description.identity)

    def dup2(self, fd: int, fd2: int, inheritable: bool = False) -> int:
        with self._lock:
            description = self.get(fd)
            if fd == fd2:
                return fd2
            self._forget_stale(fd2)
            replaced = self._files.pop(fd2, None)
            if replaced is None:
                self._check_free(fd2)
            real_copy = self._is_found(description)
            mirror = fd2 <= _LAST_STREAM and description.real
            if real_copy or mirror or fd2 not in self._placeholders:
                if replaced is not None and replaced.fd == fd2 and replaced.refs > 1:
                    self._move_out(replaced)  # other fds still use the file this number held
                # atomically closes whatever real fd was there
                if real_copy:
                    os.dup2(description.fd, fd2, inheritable=fd2 <= _LAST_STREAM)
                    self._placeholders.discard(fd2)
                else:
                    self._hold(fd2, description)
                if replaced is not None and replaced.fd == fd2:
                    replaced.fd, replaced.real = -2, False  # closed already: its release closes nothing more
                if real_copy:
                    description = self._found_copy(description, fd2)
            if replaced is not None:
                self._release(replaced)
            self._inherited.pop(fd2, None)
            self._bind(fd2, description)
        return fd2

    def _check_free(self, fd: int) -> None:
        """dup2 may replace a number the table does not hold only when it is free or the program's own: a
        provider's private fd, or one the table hides, is never closed under it (EBUSY, the errno of dup2 on a
        number being opened)."""
        try:
            status = os.fstat(fd)
        except OSError:
            return
        if not self.adoptable(fd, status):
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY))

    def _move_out(self, description: OpenFile) -> None:
        """The program closes the number a found fd's file is on while dups still use it: the file moves high."""
        moved = _hide(description.fd)
        if getattr(description.handle, "fd", None) == description.fd:
            description.handle.fd = moved  # type: ignore[attr-defined]
        description.fd = moved

    def close(self, fd: int) -> None:
        with self._lock:
            self._forget_stale(fd)
            description = self._files.pop(fd, None)
            if description is None:
                raise bad_fd()
            self._inherited.pop(fd, None)
            self._placeholders.discard(fd)
            if fd == description.fd:
                if description.refs > 1:
                    self._move_out(description)  # other fds still use the file
                else:
                    description.fd, description.real = -2, False  # closed with the number
            os.close(fd)  # a placeholder, a mirror, or the found fd itself
            self._release(description)

    def close_all(self) -> None:
        """Deactivation: every fd the program left open is closed, except the standard streams (whatever the
        program put there stays, as after a real dup2) and the real fds found open (the program's own)."""
        with self._lock:
            for fd in list(self._files):
                description = self._files.pop(fd)
                if fd in self._placeholders:
                    self._placeholders.discard(fd)
                    if fd > _LAST_STREAM:
                        os.close(fd)
                description.refs -= 1
                if description.refs == 0 and description.fd != fd:
                    self._dispose(description)
                elif description.refs == 0 and description.owned and fd > _LAST_STREAM:
                    os.close(fd)
        trim_reserve()

    def _bind(self, fd: int, description: OpenFile) -> None:
        """`fd` now holds `description`; whatever the table had there was closed behind its back."""
        stale = self._files.get(fd)
        if stale is not None and stale is not description:
            stale.refs -= 1
        self._inherited.pop(fd, None)
        description.refs += 1
        self._files[fd] = description

    def _release(self, description: OpenFile) -> None:
        """Drop one number's reference; the last one closes what is behind it."""
        description.refs -= 1
        if description.refs == 0:
            self._dispose(description)

    def _dispose(self, description: OpenFile) -> None:
        """No number holds `description` any more: close its handle, or the real fd the table keeps for it."""
        real = description.fd
        if real == -2:
            return  # its fd was closed with the number it was on
        if not description.real:
            description.handle.close()
        elif real in _hidden:
            handle = description.handle
            if type(handle) is HostFileHandle and handle.fd == real:  # moved by the table (found fds' too)
                _unhide(real)  # closes the file; the number is reserved for the next one
            else:  # a provider's own handle class, whose fd the table never moved
                _hidden.discard(real)
                handle.close()
        elif real > _LAST_STREAM and description.owned:
            os.close(real)
        description.fd, description.real = -2, False
