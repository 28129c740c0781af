"""fork_exec under the emulated backend: real children, started from emulated state.

The child is a real process, so what it is given must be real: its standard
streams are the real fds behind emulated fds (a file that exists only in the
emulated filesystem cannot be handed over: refused with EBADF and logged, where
GraalPy silently lets the child inherit the parent's stream); its cwd defaults
to the emulated cwd.  process_group is unsupported; pass_fds and
start_new_session are ignored, as GraalPy does, under `enforce`.
"""

from __future__ import annotations

import errno
import sys

from interpose.backends.emulated.fileops import unsupported
from interpose.backends.emulated.hostpaths import host_path
from interpose.backends.fork_exec import apply_limitations
from interpose.compat import hit
from interpose.host import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from interpose.backends.emulated.process import EmulatedProcess

# Positions in fork_exec's arguments (3.11 added process_group before gid, and allow_vfork at the end).
_FDS_TO_KEEP, _CWD, _STDIO = 3, 4, range(6, 12)
_ERRPIPE_WRITE, _START_NEW_SESSION = 13, 15
_PROCESS_GROUP = 16 if sys.version_info >= (3, 11) else None


def _ignore_session_options(arguments: list[object]) -> None:
    """pass_fds (fds_to_keep beyond subprocess's own error pipe) and start_new_session, as GraalPy: ignored."""
    errpipe_write = arguments[_ERRPIPE_WRITE]
    kept: tuple[int, ...] = arguments[_FDS_TO_KEEP]  # type: ignore[assignment]
    asked = bool(arguments[_START_NEW_SESSION]) or any(fd != errpipe_write for fd in kept)
    if asked and hit("subprocess.options_ignored", "_posixsubprocess.fork_exec"):
        arguments[_START_NEW_SESSION] = False
        arguments[_FDS_TO_KEEP] = (errpipe_write,) if errpipe_write in kept else ()


def build(process: EmulatedProcess) -> tuple[Callable[..., int], Callable[[list[str]], int]]:
    """The shim _posixsubprocess's fork_exec over `process`, and os.system's way of running a shell."""
    import _posixsubprocess

    host_fork_exec: Callable[..., int] = _posixsubprocess.fork_exec  # the host's: built before activation
    description = process.description

    def fork_exec(*args: object) -> int:
        arguments = list(apply_limitations(args))
        if len(arguments) != len(args) or len(arguments) < 16:
            return host_fork_exec(*args)
        asks_group = _PROCESS_GROUP is not None and arguments[_PROCESS_GROUP] not in (-1, None)
        if asks_group and hit("subprocess.process_group", "_posixsubprocess.fork_exec"):
            raise unsupported("process_group")
        _ignore_session_options(arguments)
        for position in _STDIO:
            fd = arguments[position]
            if isinstance(fd, int) and fd >= 0:
                _require_real(fd)
        arguments[_CWD] = _child_cwd(arguments[_CWD])
        pid = host_fork_exec(*arguments)
        process.children[pid] = True
        return pid

    def _require_real(fd: int) -> None:
        """A child's stdio must be a real fd; a file only the emulated filesystem has cannot be handed over."""
        d = description(fd)
        if not d.real:
            hit("subprocess.redirect_virtual", "_posixsubprocess.fork_exec", {"fd": fd, "path": d.path})
            raise OSError(errno.EBADF, "a child process cannot be given a file that exists only in the emulated "
                          f"filesystem: {d.path}")  # fmt: skip

    def _child_cwd(cwd: object) -> object:
        if cwd is None:
            return host_path(process.fs, process.cwd)
        text = os.fsdecode(cwd)  # type: ignore[arg-type]
        real = host_path(process.fs, process.absolute(text))
        return real if real is not None else cwd

    def spawn_and_wait(argv: list[str]) -> int:
        """Run argv as a child from the emulated cwd with inherited stdio; return its wait status."""
        read_end, write_end = os.pipe()
        try:
            executable = argv[0].encode()
            pid = host_fork_exec(
                argv, [executable], True, (write_end,), host_path(process.fs, process.cwd), None,
                -1, -1, -1, -1, -1, -1, read_end, write_end, True, False,
                *((-1,) if _PROCESS_GROUP is not None else ()), None, None, None, -1, None,
                *((True,) if _PROCESS_GROUP is not None else ()),
            )  # fmt: skip
        finally:
            os.close(write_end)
        try:
            failure = os.read(read_end, 50000)
        finally:
            os.close(read_end)
        _, status = os.waitpid(pid, 0)
        if failure:
            return 127 << 8
        return status

    return fork_exec, spawn_and_wait
