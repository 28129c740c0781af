"""fork_exec under the emulated backend: real children, started from emulated state.

The child is a real process, so what it is given must be real: its standard
streams are the ones GraalPy gives it (childstdio.py: the process's original
streams unless subprocess made a pipe); its cwd defaults to the emulated cwd.
process_group and environment entries without '=' are unsupported; pass_fds and
start_new_session are ignored, as GraalPy does, under `enforce`.  Under `warn`
pass_fds gives the child the real files behind the emulated fds, at their numbers,
and so does an exec (or fork_exec with close_fds=False) for a file the program made
inheritable (`fcntl.fcntl(fd, F_SETFD, 0)`, `os.set_inheritable`): GraalPy's
children get no fd but their standard streams (`fd.inheritable_ignored`).
"""

from __future__ import annotations

import errno
import sys

from interpose.backends.emulated import childstdio, fdtable
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
_FDS_TO_KEEP, _CWD, _ENV = 3, 4, 5
_CLOSE_FDS, _ERRPIPE_WRITE, _START_NEW_SESSION = 2, 13, 15
_PROCESS_GROUP = 16 if sys.version_info >= (3, 11) else None


def _ignore_session_options(arguments: list[object]) -> None:
    """pass_fds (fds_to_keep beyond subprocess's own error pipe) and start_new_session, as GraalPy: ignored."""
    errpipe_write = arguments[_ERRPIPE_WRITE]
    kept: tuple[int, ...] = arguments[_FDS_TO_KEEP]  # type: ignore[assignment]
    asked = bool(arguments[_START_NEW_SESSION]) or any(fd != errpipe_write for fd in kept)
    if asked and hit("subprocess.options_ignored", "_posixsubprocess.fork_exec"):
        arguments[_START_NEW_SESSION] = False
        arguments[_FDS_TO_KEEP] = (errpipe_write,) if errpipe_write in kept else ()


def _check_environment(env: object) -> None:
    """GraalPy hands the environment to ProcessBuilder as a map: an entry without '=' is refused."""
    if env is None:
        return
    for entry in env:  # type: ignore[attr-defined]
        if (
            isinstance(entry, (bytes, str))
            and "=" not in os.fsdecode(entry)
            and hit("subprocess.env_entry", "_posixsubprocess.fork_exec")
        ):
            raise unsupported("Only key=value environment variables are supported in fork_exec")


def build(process: EmulatedProcess) -> tuple[Callable[..., int], Callable[[list[str]], int]]:
    """The shim _posixsubprocess's fork_exec over `process`, and os.system's way of running a shell."""
    import _posixsubprocess

    host_fork_exec: Callable[..., int] = _posixsubprocess.fork_exec  # the host's: built before activation
    childstdio.originals()  # the "JVM's" streams, kept before the program can dup2 over them

    def fork_exec(*args: object) -> int:
        arguments = list(apply_limitations(args))
        if len(arguments) != len(args) or len(arguments) < 16:
            return host_fork_exec(*args)
        asks_group = _PROCESS_GROUP is not None and arguments[_PROCESS_GROUP] not in (-1, None)
        if asks_group and hit("subprocess.process_group", "_posixsubprocess.fork_exec"):
            raise unsupported("process_group in fork_exec")
        _check_environment(arguments[_ENV])
        _ignore_session_options(arguments)
        childstdio.resolve(process, arguments)
        arguments[_CWD] = _child_cwd(arguments[_CWD])
        lent = _lend(arguments[_FDS_TO_KEEP], arguments[_ERRPIPE_WRITE])  # type: ignore[arg-type]
        # without close_fds the child keeps every inheritable fd: the files the program made so, at its numbers
        handed = [] if arguments[_CLOSE_FDS] else hand_over(process, "_posixsubprocess.fork_exec")
        try:
            pid = host_fork_exec(*arguments)
        finally:
            take_back(handed)
            for fd in lent:
                os.dup2(fdtable.source(), fd, inheritable=False)  # the placeholder again
        process.children[pid] = True
        return pid

    def _lend(kept: tuple[int, ...], errpipe_write: object) -> list[int]:
        """pass_fds kept under warn: while the child starts, each emulated fd's number holds the file behind it,
        as CPython's child finds it there.  A file only the provider has cannot be given: EBADF."""
        lent: list[int] = []
        for fd in kept:
            if fd == errpipe_write or not process.table.is_placeholder(fd):
                continue
            real = process.table.real_fd(fd)
            if real is None:
                hit("fd.native_code", "_posixsubprocess.fork_exec", {"fd": fd, "pass_fds": True})
                for number in lent:
                    os.dup2(fdtable.source(), number, inheritable=False)
                raise OSError(errno.EBADF, f"a child process cannot be given a file that exists only in the "
                              f"emulated filesystem (fd {fd})")  # fmt: skip
            os.dup2(real, fd, inheritable=False)
            lent.append(fd)
        return lent

    def _child_cwd(cwd: object) -> str:
        """The host directory a child starts in: the emulated cwd, or `cwd`, as the provider maps it to the host.

        A directory only the provider has (memory, deny, an overlay-only one) is looked up on the host by its
        path, as GraalPy's ProcessBuilder does, and logged: the child starts in the host's directory of that name,
        or fails with ENOENT; it never runs silently in the real cwd instead.
        """
        path = process.cwd if cwd is None else process.absolute(os.fsdecode(cwd))  # type: ignore[arg-type]
        real = host_path(process.fs, path)
        if real is None:
            hit("subprocess.cwd_virtual", "_posixsubprocess.fork_exec", {"cwd": path})
            return path
        return real

    def spawn_and_wait(argv: list[str]) -> int:
        """Run argv as a child from the emulated cwd with the stdio GraalPy gives it; return its wait status."""
        stdin, stdout, stderr = (childstdio.stream_for(process, stream, -1) for stream in (0, 1, 2))
        read_end, write_end = os.pipe()
        try:
            executable = argv[0].encode()
            pid = host_fork_exec(
                argv, [executable], True, (write_end,), _child_cwd(None), None,
                stdin, -1, -1, stdout, -1, stderr, read_end, write_end, True, False,
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


def hand_over(process: EmulatedProcess, function: str) -> list[tuple[int, int]]:
    """Before an exec: each file behind a placeholder that the program made inheritable (under warn
    `os.set_inheritable` and `fcntl.fcntl(fd, F_SETFD, 0)` reach the hidden real fd) is put at its emulated number,
    as the program finds it under CPython, and its hidden copy closes at exec.  Under enforce the hidden copy closes
    and nothing takes its place: GraalPy's child gets only its standard streams.  Dups share one real fd, so one
    flag: each of them is handed over.  Returns the (number, real fd) pairs `take_back` undoes."""
    table = process.table
    behind: dict[int, list[int]] = {}
    for fd in table.fds():
        real = table.real_fd(fd) if table.is_placeholder(fd) else None
        if real is not None:
            behind.setdefault(real, []).append(fd)
    moved: list[tuple[int, int]] = []
    for real, numbers in behind.items():
        if not os.get_inheritable(real):
            continue
        os.set_inheritable(real, False)
        for fd in numbers:
            moved.append((fd, real))
            if not hit("fd.inheritable_ignored", function, {"fd": fd, "inheritable": True}):
                os.dup2(real, fd, inheritable=True)
    return moved


def take_back(moved: list[tuple[int, int]]) -> None:
    """Undo `hand_over` (the exec failed, or the child has started): placeholders again, the real fds as they
    were."""
    for fd, real in moved:
        os.dup2(fdtable.source(), fd, inheritable=False)
        os.set_inheritable(real, True)


def spawn_functions(process: EmulatedProcess, names: dict[str, str]) -> dict[str, Callable[..., object]]:
    """posix_spawn and posix_spawnp (name -> limitation): GraalPy's java backend has neither (absent under
    enforce); under warn they are the host's, logged, and a file action that puts an emulated fd on the child's
    fd is given the real file behind it (CPython 3.13's subprocess spawns this way), or EBADF for a file only the
    provider has."""

    def make(name: str, limitation: str) -> Callable[..., object]:
        host: Callable[..., object] = getattr(os, name)

        def spawn(*args: object, file_actions: object = None, **kwargs: object) -> object:
            if hit(limitation, f"os.{name}"):
                raise unsupported(name)
            if file_actions is not None:
                file_actions = [_real_action(process, action, name) for action in file_actions]  # type: ignore[attr-defined]
            handed = hand_over(process, f"os.{name}")  # the child keeps every inheritable fd
            try:
                return host(*args, file_actions=file_actions, **kwargs)
            finally:
                take_back(handed)

        spawn.__name__ = spawn.__qualname__ = name
        spawn.__doc__ = host.__doc__
        return spawn

    return {name: make(name, limitation) for name, limitation in names.items() if hasattr(os, name)}


def _real_action(process: EmulatedProcess, action: object, function: str) -> object:
    """A POSIX_SPAWN_DUP2 of an emulated fd names the real fd behind it; other actions are the program's."""
    if not isinstance(action, tuple) or len(action) != 3 or action[0] != os.POSIX_SPAWN_DUP2:
        return action
    fd = action[1]
    if not process.table.elsewhere(fd):
        return action
    real = process.table.real_fd(fd)
    if real is None:
        hit("fd.native_code", f"os.{function}", {"fd": fd})
        raise OSError(errno.EBADF, f"a child process cannot be given a file that exists only in the emulated "
                      f"filesystem (fd {fd})")  # fmt: skip
    return (action[0], real, action[2])
