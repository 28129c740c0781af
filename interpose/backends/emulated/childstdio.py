"""The standard streams a child process gets under the emulated backend: the ones GraalPy gives it.

GraalPy starts children with Java's ProcessBuilder: a standard stream is a pipe
only when both ends of subprocess's pipe are set (`stdin=PIPE`...); otherwise it
is `Redirect.INHERIT`, the JVM process's own stream, whatever the program did:
a redirection to a file, to DEVNULL or to an fd is ignored, and an `os.dup2`
onto fd 1 (pytest's fd capture) changes only the emulated fd 1, never the JVM's.
The JVM's streams are the process's real fds 0-2 as they were when the first
emulated backend was built: kept here as close-on-exec copies at the top of the
fd range (one set per OS process, as there is one JVM, so that the program's own
fd numbers stay the kernel's lowest-free).  Under `warn` the child gets what
CPython gives it: the real file behind the emulated fd (an emulated fd is never
the OS's own); either way a difference is logged.
"""

from __future__ import annotations

import errno

from interpose.compat import hit
from interpose.host import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from interpose.backends.emulated.process import EmulatedProcess

FUNCTION = "_posixsubprocess.fork_exec"
NAMES = ("stdin", "stdout", "stderr")
# fork_exec's (child end, parent end) per stream: p2cread/p2cwrite, c2pwrite/c2pread, errwrite/errread.
_POSITIONS = ((6, 7), (9, 8), (11, 10))
_TOP = 1024  # below the usual soft RLIMIT_NOFILE and FD_SETSIZE: the copies never grow the table far

_originals: list[int | None] | None = None


def originals() -> list[int | None]:
    """Copies of the real fds 0-2 as the first emulated backend found them (None for a closed one)."""
    global _originals
    if _originals is None:
        top = min(_TOP, os.sysconf("SC_OPEN_MAX")) - 1
        copies: list[int | None] = []
        for fd in (0, 1, 2):
            copies.append(_copy_high(fd, top))
            top = (copies[-1] or top + 1) - 1
        _originals = copies
    return _originals


def _copy_high(fd: int, top: int) -> int | None:
    """A close-on-exec copy of `fd` on the highest free number at or below `top`."""
    try:
        os.fstat(fd)
    except OSError:
        return None
    for number in range(top, 2, -1):
        try:
            os.fstat(number)
        except OSError:
            os.dup2(fd, number, inheritable=False)
            return number
    return None


def _identity(fd: int | None) -> tuple[int, int] | None:
    if fd is None:
        return None
    try:
        info = os.fstat(fd)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _is_virtual(process: EmulatedProcess, fd: int) -> tuple[bool, str]:
    found = process.table.live(fd)
    return (found is not None and not found.real), found.path if found is not None else ""


def resolve(process: EmulatedProcess, arguments: list[object]) -> None:
    """Rewrite fork_exec's stdio arguments in place: GraalPy's choice under enforce, CPython's under warn."""
    given: list[int] = []
    for stream, (child, parent) in enumerate(_POSITIONS):
        fd: int = arguments[child]  # type: ignore[assignment]
        if fd >= 0 and arguments[parent] >= 0:  # type: ignore[operator]
            given.append(fd)  # subprocess's own pipe: both ends set, the child gets it on GraalPy too
        elif stream == 2 and fd >= 0 and fd == arguments[_POSITIONS[1][0]]:
            given.append(given[1])  # stderr=STDOUT: merged into whatever stdout became (redirectErrorStream)
        else:
            given.append(stream_for(process, stream, fd))
    for stream, (child, _) in enumerate(_POSITIONS):
        arguments[child] = given[stream]


def stream_for(process: EmulatedProcess, stream: int, fd: int) -> int:
    """What the child gets as `stream` when subprocess asked for `fd` (-1: inherit)."""
    original = originals()[stream]
    target = stream if fd < 0 else fd
    virtual, path = _is_virtual(process, target)
    real = process.table.real_fd(target)  # an emulated fd is never the real one: the child gets the file behind it
    if not virtual and _identity(real) == _identity(original):
        return fd if original is None else original  # the same file: nothing the program could tell
    detail = {"stream": NAMES[stream], "fd": fd, "path": path} if path else {"stream": NAMES[stream], "fd": fd}
    if fd < 0:
        if hit("subprocess.stdio_original", FUNCTION, detail) or virtual:
            return -1 if original is None else original
        return -1 if real is None or real == stream else real  # CPython's child: what the program put on the fd
    if virtual:
        if hit("subprocess.redirect_virtual", FUNCTION, detail):
            return -1 if original is None else original
        raise OSError(errno.EBADF, f"a child process cannot be given a file that exists only in the emulated "
                      f"filesystem: {path}")  # fmt: skip
    if hit("subprocess.redirect_ignored", FUNCTION, detail):
        return -1 if original is None else original
    return fd if real is None else real
