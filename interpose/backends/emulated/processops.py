"""posix's process functions under the emulated backend.

Children are real processes started by the host's fork_exec (see
forkexec.py), remembered here so that `kill` can tell its own children from
other processes, as GraalPy's backend does.  Process groups, sessions and the
effective ids are not available; `exec*` and `system` run from the emulated cwd.
"""

from __future__ import annotations

# The C module, loaded with the interpreter: `signal` would import enum into the program.
from _signal import SIGKILL, SIGTERM  # type: ignore[import-not-found]

from interpose.backends.emulated.arguments import path_arg
from interpose.backends.emulated.fileops import unsupported
from interpose.backends.emulated.hostpaths import host_path
from interpose.compat import hit
from interpose.host import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from interpose.backends.emulated.process import EmulatedProcess

# Functions GraalPy's java backend raises UnsupportedOperation for; under warn they are the host's.
GROUP_FUNCTIONS = ("getppid", "getpgid", "setpgid", "getpgrp", "getsid", "setsid", "killpg")
# Functions GraalPy deletes from posix on the java backend.
MISSING = {"geteuid": "process.effective_ids", "getegid": "process.effective_ids"}
_KILL_SIGNALS = (SIGKILL, SIGTERM, 0)


def limited_host_function(name: str, limitation: str) -> Callable[..., object]:
    """The host's function, behind a limitation: UnsupportedOperation under enforce, logged under warn."""
    host = getattr(os, name)

    def limited(*args: object, **kwargs: object) -> object:
        if hit(limitation, f"os.{name}"):
            raise unsupported(name)
        return host(*args, **kwargs)

    limited.__name__ = limited.__qualname__ = name
    limited.__doc__ = host.__doc__
    return limited


def limited_host_functions(functions: dict[str, str]) -> dict[str, Callable[..., Any]]:
    """name -> limitation, for host functions the backend lacks (absent under enforce, logged under warn)."""
    present = {name: limitation for name, limitation in functions.items() if hasattr(os, name)}
    return {name: limited_host_function(name, limitation) for name, limitation in present.items()}


def build(process: EmulatedProcess, spawn_and_wait: Callable[[list[str]], int]) -> dict[str, Callable[..., Any]]:
    """The process part of the shim posix (GROUP_FUNCTIONS limited; geteuid/getegid left to `absent`)."""

    def kill(pid: int, signal: int, /) -> None:
        if not (pid in process.children and signal in _KILL_SIGNALS) and hit("process.kill", "os.kill"):
            raise unsupported("kill")
        os.kill(pid, signal)

    def waitpid(pid: int, options: int, /) -> tuple[int, int]:
        if options not in (0, os.WNOHANG) and hit("process.waitpid_options", "os.waitpid"):
            raise unsupported("waitpid with options other than 0 and WNOHANG")
        result = os.waitpid(pid, options)
        if result[0]:
            process.children.pop(result[0], None)
        return result

    def _enter_cwd() -> None:
        """exec replaces the process: give the new program the emulated cwd where the host has it."""
        real = host_path(process.fs, process.cwd)
        if real is not None:
            os.chdir(real)

    def execv(path: object, argv: object, /) -> None:
        path_arg("execv", path)
        _enter_cwd()
        os.execv(path, argv)  # type: ignore[arg-type]

    def execve(path: object, argv: object, env: object) -> None:
        arg = path_arg("execve", path, allow_fd=True)
        if arg.fd is not None:
            raise unsupported("fexecve")
        _enter_cwd()
        os.execve(path, argv, env)  # type: ignore[arg-type]

    def system(command: object) -> int:
        """`$SHELL -c command` (GraalPy's choice) from the emulated cwd; the wait status, as CPython returns."""
        shell = os.environ.get("SHELL") or "/bin/sh"
        text = os.fsdecode(command) if isinstance(command, bytes) else command
        return spawn_and_wait([shell, "-c", text])  # type: ignore[list-item]

    namespace: dict[str, Callable[..., Any]] = limited_host_functions(dict.fromkeys(GROUP_FUNCTIONS, "process.group"))
    for function in (kill, waitpid, execv, execve, system):
        namespace[function.__name__] = function
    return namespace
