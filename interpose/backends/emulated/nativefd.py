"""Native code handed an emulated fd, where the audit hook can see it: `fd.native_code`.

An emulated fd is a placeholder in the real fd space (fdtable.py), so native
code given one fails as on GraalPy, whose fds are not the OS's: EBADF from a
read, a write, an mmap or a lock.  C code that raises an audit event with the fd
is named before it fails: `mmap.mmap(fd)`, the `fcntl` functions taken before
activation, and the C `_io.FileIO(fd)` (a reference from before activation,
`os.fdopen` through it), which would otherwise open a raw file on /dev/null.
ctypes raises no audit event per foreign call, so `libc.write(fd, ...)` is not
named; it fails with EBADF all the same (tests/java/test_native_fds.py).
"""

from __future__ import annotations

import errno
import sys

from interpose.audit import Watch

TYPE_CHECKING = False
if TYPE_CHECKING:
    from interpose.backends.emulated.fdtable import FdTable

_FD_EVENTS = ("mmap.__new__", "fcntl.fcntl", "fcntl.ioctl", "fcntl.flock", "fcntl.lockf")
_SHIM_RAW = "interpose.shims.io_raw"  # the backend's own FileIO raises "open" as the C class does: not native code


def watches(table: FdTable) -> dict[str, Watch]:
    """The audit events whose first argument is an fd, watched for the table's placeholders."""

    def holds_emulated_fd(args: tuple[object, ...]) -> bool:
        return bool(args) and table.is_placeholder(args[0])

    def c_file_io(args: tuple[object, ...]) -> bool:
        """The "open" event of the C FileIO given an emulated fd (not a path; not the backend's own FileIO)."""
        if not args or args[0].__class__ is not int or not table.is_placeholder(args[0]):
            return False
        caller = sys._getframe(2)  # holds_emulated_fd <- the hook <- whoever raised the event
        return caller.f_globals.get("__name__") != _SHIM_RAW

    native_code = Watch("fd.native_code", holds_emulated_fd, refusal)
    found = {event: native_code for event in _FD_EVENTS}
    found["open"] = Watch("fd.native_code", c_file_io, refusal)
    return found


def refusal(event: str, args: tuple[object, ...]) -> BaseException:
    return OSError(errno.EBADF, f"emulated file descriptor {args[0]} cannot be used by native code ({event})")
