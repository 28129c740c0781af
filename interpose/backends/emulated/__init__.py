"""The emulated (`java`) backend: GraalPy's EmulatedPosixSupport, over a FileSystem provider.

It keeps the process state the OS would keep (fd table, cwd, umask, children;
see process.py) and builds the shim posix from the functions in fileops,
pathops, direntry and processops, and the shim _posixsubprocess from forkexec.
Host functions it does not replace are the host's own; the ones that only take
an fd work on real fds and fail with EBADF on virtual ones (fdtable.py).
"""

from __future__ import annotations

import errno
from types import FunctionType

from interpose.audit import Watch
from interpose.backends.base import MISSING_FUNCTIONS, Backend
from interpose.backends.emulated import direntry, fileops, forkexec, hostonly, pathops, processops
from interpose.backends.emulated.process import EmulatedProcess, initial_cwd
from interpose.compat import ENFORCE
from interpose.host import os
from interpose.shims.builtin_like import builtin_like

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType

_BOUND_MODULES = (fileops, pathops, direntry, processops, forkexec, hostonly)
_STANDARD_STREAMS = ((0, "/dev/stdin", os.O_RDONLY), (1, "/dev/stdout", os.O_WRONLY), (2, "/dev/stderr", os.O_WRONLY))
# GraalPy's java backend has no posix_spawn at all (under warn it is the host's, each call logged).
_SPAWN_FUNCTIONS = {"posix_spawn": "process.posix_spawn", "posix_spawnp": "process.posix_spawn"}


class EmulatedBackend(Backend):
    name = "java"

    def __init__(self, policy: str, fs_spec: str = "host") -> None:
        super().__init__(policy)
        from interpose.fs import parse_spec

        fs = parse_spec(fs_spec)
        self.process = EmulatedProcess(fs, initial_cwd(fs), policy)
        for fd, path, flags in _STANDARD_STREAMS:
            self._adopt_standard_stream(fd, path, flags)
        for module in _BOUND_MODULES:
            module.bind(self.process)

    def _adopt_standard_stream(self, fd: int, path: str, flags: int) -> None:
        from interpose.fs.host import HostFileHandle

        try:
            os.fstat(fd)
        except OSError:
            return  # closed at start-up: EBADF in the emulated table too
        self.process.table.adopt(fd, HostFileHandle(fd, path), "", flags)

    def posix_namespace(self, host_posix: ModuleType) -> dict[str, object]:
        namespace = dict(vars(host_posix))
        for function in (*fileops.FUNCTIONS, *pathops.FUNCTIONS, direntry.scandir):
            namespace[function.__name__] = function
        namespace["DirEntry"] = direntry.DirEntry
        namespace.update(processops.build_namespace(self.policy))
        namespace.update(hostonly.build_namespace())
        namespace.update(processops.limited_host_functions(_SPAWN_FUNCTIONS))
        for name in self.absent():
            namespace.pop(name, None)
        return {name: _as_builtin(value, "posix") for name, value in namespace.items()}

    def posixsubprocess_namespace(self, host_module: ModuleType) -> dict[str, object]:
        namespace = dict(vars(host_module))
        namespace["fork_exec"] = _as_builtin(forkexec.fork_exec, "_posixsubprocess")
        return namespace

    def absent(self) -> dict[str, str]:
        if self.policy != ENFORCE:
            return {}
        return {**MISSING_FUNCTIONS, **processops.MISSING, **_SPAWN_FUNCTIONS}

    def replacements(self, shim_posix: ModuleType) -> list[tuple[object, object]]:
        """`open`, `io.open` and `io.FileIO` over the emulated fds: CPython's C buffered and text layers on top."""
        import _io

        from interpose.shims.io_open import build_io

        functions = build_io(shim_posix)
        return [(_io.open, _as_builtin(functions.open, "io")), (_io.FileIO, functions.FileIO)]

    def module_overrides(self) -> dict[tuple[str, str], object]:
        """What imports need kept on the host, and what subprocess decided too early.

        The interpreter opens source files through `_io.open` (looked up in
        the `_io` module by io.open_code), and importlib reads package data
        through `_io.FileIO`: `_io.open` stays the host's, and importlib gets a
        host copy of `_io`.  subprocess chose posix_spawn at import, which the
        emulated backend lacks.
        """
        import _io
        from types import ModuleType

        host_io = ModuleType("_io", _io.__doc__)
        host_io.__dict__.update(vars(_io))
        return {
            ("_io", "open"): _io.open,
            ("_frozen_importlib_external", "_io"): host_io,
            ("subprocess", "_USE_POSIX_SPAWN"): False,
        }

    def audit_watches(self) -> dict[str, Watch]:
        watches = super().audit_watches()
        native_code = Watch("fd.native_code", self._holds_virtual_fd, _native_code_refusal)
        for event in ("mmap.__new__", "fcntl.fcntl", "fcntl.ioctl", "fcntl.flock", "fcntl.lockf"):
            watches[event] = native_code
        return watches

    def _holds_virtual_fd(self, args: tuple[object, ...]) -> bool:
        fd = args[0] if args else None
        description = self.process.table._files.get(fd) if isinstance(fd, int) else None
        return description is not None and not description.real

    def close(self) -> None:
        self.process.table.close_all()


def _as_builtin(value: object, module: str) -> object:
    """The backend's Python functions behave as the C builtins they stand for (see interpose/shims/builtin_like.py)."""
    if isinstance(value, FunctionType):
        return builtin_like(value, module)
    return value


def _native_code_refusal(event: str, args: tuple[object, ...]) -> BaseException:
    return OSError(errno.EBADF, f"emulated file descriptor {args[0]} cannot be used by native code ({event})")
