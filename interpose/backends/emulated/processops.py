"""posix's process functions under the emulated backend.

Children are real processes started by the host's fork_exec (see
forkexec.py), remembered here so that `kill` can tell its own children from
other processes, as GraalPy's backend does: it sends SIGKILL, SIGTERM or 0 to
its own children only (any other pid is ESRCH) and refuses every other signal.
Process groups, sessions, the parent's pid, pseudo-terminals and the effective
ids are not available; `exec*` and `system` run from the emulated cwd, and an
exec'd program is given the files the program made inheritable as CPython gives
them under `warn`, none under `enforce` (forkexec.hand_over).
"""

from __future__ import annotations

import errno
import sys

# The C module, loaded with the interpreter: `signal` would import enum into the program.
from _signal import SIGKILL, SIGTERM  # type: ignore[import-not-found]

from interpose.backends.emulated.arguments import path_arg
from interpose.backends.emulated.fileops import unsupported
from interpose.backends.emulated.forkexec import hand_over, take_back
from interpose.backends.emulated.hostpaths import host_path
from interpose.compat import hit
from interpose.host import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from interpose.backends.emulated.process import EmulatedProcess

# Functions GraalPy's java backend raises UnsupportedOperation for (name -> GraalPy's feature text);
# under warn they are the host's.  The catalog id is `process.<name>` (fd.openpty for openpty).
REFUSED = {
    "getppid": "getppid", "getpgid": "getpgid", "setpgid": "setpgid", "getpgrp": "getpgrp", "getsid": "getsid",
    "setsid": "getsid", "killpg": "killpg", "openpty": "openpty",
}  # fmt: skip
# Functions GraalPy deletes from posix on the java backend.
MISSING = {"geteuid": "process.effective_ids", "getegid": "process.effective_ids"}
_KILL_SIGNALS = (SIGKILL, SIGTERM, 0)


def limited_host_function(
    name: str, limitation: str, feature: str | None = None, implementation: Callable[..., object] | None = None
) -> Callable[..., object]:
    """The host's function (or the backend's own `implementation` of it), behind a limitation:
    UnsupportedOperation(feature) under enforce, logged then called under warn."""
    host = implementation if implementation is not None else getattr(os, name)
    message = name if feature is None else feature

    def limited(*args: object, **kwargs: object) -> object:
        if hit(limitation, f"os.{name}"):
            raise unsupported(message)
        return host(*args, **kwargs)

    limited.__name__ = limited.__qualname__ = name
    limited.__doc__ = host.__doc__
    return limited


def limited_host_functions(functions: dict[str, str]) -> dict[str, Callable[..., Any]]:
    """name -> limitation, for host functions the backend lacks (absent under enforce, logged under warn)."""
    present = {name: limitation for name, limitation in functions.items() if hasattr(os, name)}
    return {name: limited_host_function(name, limitation) for name, limitation in present.items()}


def build(
    process: EmulatedProcess, spawn_and_wait: Callable[[list[str]], int], own: dict[str, Callable[..., Any]]
) -> dict[str, Callable[..., Any]]:
    """The process part of the shim posix: REFUSED limited, geteuid/getegid logged (absent under enforce)."""

    def kill(pid: int, signal: int, /) -> None:
        if signal not in _KILL_SIGNALS and hit("process.kill", "os.kill", {"signal": signal}):
            raise unsupported("Sending arbitrary signals to child processes. Can only send KILL and TERM signals")
        if pid not in process.children and hit("process.kill_other", "os.kill", {"pid": pid, "signal": signal}):
            raise ProcessLookupError(errno.ESRCH, os.strerror(errno.ESRCH))
        os.kill(pid, signal)

    def waitpid(pid: int, options: int, /) -> tuple[int, int]:
        if options not in (0, os.WNOHANG) and hit("process.waitpid_options", "os.waitpid", {"options": options}):
            raise unsupported("Only 0 or WNOHANG are supported for waitpid")
        if pid < -1 and hit("process.waitpid_group", "os.waitpid", {"pid": pid}):
            raise unsupported("Process groups in waitpid")
        result = os.waitpid(pid, options)
        if result[0]:
            process.children.pop(result[0], None)
        return result

    def _enter_cwd() -> None:
        """exec replaces the process: give the new program the emulated cwd where the host has it."""
        real = host_path(process.fs, process.cwd)
        if real is not None:
            os.chdir(real)

    def _exec(function: str, host_exec: Callable[..., None], *args: object) -> None:
        """exec from the emulated cwd, with the files the program made inheritable at their numbers."""
        _enter_cwd()
        handed = hand_over(process, function)
        try:
            host_exec(*args)
        finally:  # only reached when the exec failed
            take_back(handed)

    def execv(path: object, argv: object, /) -> None:
        path_arg("execv", path)
        _exec("os.execv", os.execv, path, argv)

    def execve(path: object, argv: object, env: object) -> None:
        arg = path_arg("execve", path, allow_fd=True)
        if arg.fd is not None:
            raise unsupported("fexecve")
        _exec("os.execve", os.execve, path, argv, env)

    def system(command: object) -> int:
        """`$SHELL -c command` (GraalPy's choice) from the emulated cwd; the wait status, as CPython returns."""
        sys.audit("os.system", command)  # as posix.system raises it: hooks (the sandbox's too) see the command
        shell = os.environ.get("SHELL") or "/bin/sh"
        text = os.fsdecode(command) if isinstance(command, bytes) else command
        return spawn_and_wait([shell, "-c", text])  # type: ignore[list-item]

    namespace: dict[str, Callable[..., Any]] = {  # `own`: the backend's functions (openpty registers its fds)
        name: limited_host_function(
            name, "fd.openpty" if name == "openpty" else f"process.{name}", feature, own.get(name)
        )
        for name, feature in REFUSED.items()
        if hasattr(os, name)
    }
    namespace.update(limited_host_functions(MISSING))  # under warn; under enforce `absent` takes them out
    for function in (kill, waitpid, execv, execve, system):
        namespace[function.__name__] = function
    return namespace
