"""The emulated (`java`) backend: GraalPy's EmulatedPosixSupport, over a FileSystem provider.

It keeps the process state the OS would keep (fd table, cwd, umask, children;
see process.py) in one `EmulatedProcess` per backend, and builds the shim posix
from the functions fileops, pathops, direntry, processops, hostonly and xattrs make over
that object (closures: nothing is shared between two backends), and the shim
_posixsubprocess from forkexec's.  Host functions it does not replace are the
host's own; given an emulated fd, which is never the OS's (fdtable.py), they
fail with EBADF, as native code does (nativefd.py).  The namespaces are built once per backend:
`reset` starts a fresh process over another provider under the same functions,
which is how the pytest fixture activates once per test cheaply.
"""

from __future__ import annotations

from types import FunctionType

from interpose.audit import Watch, sandbox_watches
from interpose.backends.base import MISSING_NAMES, Backend
from interpose.backends.emulated import (
    direntry,
    fileops,
    forkexec,
    hostonly,
    locks,
    nativefd,
    pathops,
    processops,
    xattrs,
)
from interpose.backends.emulated import modules as shaped
from interpose.backends.emulated.process import EmulatedProcess
from interpose.compat import ENFORCE, hit
from interpose.host import os
from interpose.shims.builtin_like import builtin_like

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

    from interpose.fs.base import FileSystem

_STANDARD_STREAMS = ((0, "/dev/stdin", os.O_RDONLY), (1, "/dev/stdout", os.O_WRONLY), (2, "/dev/stderr", os.O_WRONLY))
# GraalPy's java backend has no posix_spawn at all (under warn it is the host's, each call logged).
_SPAWN_FUNCTIONS = {"posix_spawn": "process.posix_spawn", "posix_spawnp": "process.posix_spawn"}


class EmulatedBackend(Backend):
    name = "java"

    def __init__(self, policy: str, fs: str | FileSystem = "host") -> None:
        super().__init__(policy)
        self.process = EmulatedProcess(provider(fs), policy)
        self._adopt_standard_streams()
        functions = fileops.build(self.process)
        fork_exec, spawn_and_wait = forkexec.build(self.process)
        self.functions: dict[str, Callable[..., object]] = {
            **functions,
            **pathops.build(self.process, functions),
            **direntry.build(self.process),
            **processops.build(self.process, spawn_and_wait, functions),
            **hostonly.build(self.process),
            **xattrs.build(self.process),  # over the provider: hostonly's host-path versions are not used
            **forkexec.spawn_functions(self.process, _SPAWN_FUNCTIONS),
        }
        self._fork_exec = _as_builtin(fork_exec, "_posixsubprocess")
        self._host_fcntl: list[ModuleType] = []  # the host's fcntl, once the program imports its shim
        locking = locks.build(self.process, self._host_fcntl)
        self._fcntl = {name: _as_builtin(value, "fcntl") for name, value in locking.items()}
        # pwd, socket, select, mmap, fcntl.ioctl (modules.py)
        self._shapes = shaped.ModuleShapes(policy, self.process.table)
        self._host_io: ModuleType | None = None
        self._posix: tuple[ModuleType, dict[str, object]] | None = None
        self._io: tuple[ModuleType, list[tuple[object, object]]] | None = None

    def reset(self, fs: str | FileSystem) -> None:
        """A fresh process over `fs` for the same functions: every fd closed, cwd, umask and children anew."""
        self.process.reset(provider(fs))
        self._adopt_standard_streams()

    def adopt_host_fd(self, fd: int, flags: int) -> None:
        """Make a real fd that C code opened for the program (shm_open under warn) one of the program's own."""
        from interpose.backends.emulated.fileops import adopt_real_fd

        adopt_real_fd(self.process.table, fd, flags)

    def host_fd(self, fd: int) -> int | None:
        """The real fd behind the program's `fd`, for C code that passes it on (None: only the provider has it)."""
        return self.process.table.real_fd(fd)

    def _adopt_standard_streams(self) -> None:
        from interpose.fs.host import HostFileHandle

        for fd, path, flags in _STANDARD_STREAMS:
            try:
                os.fstat(fd)
            except OSError:
                continue  # closed at start-up: EBADF in the emulated table too
            self.process.table.adopt(fd, HostFileHandle(fd, path), "", flags)

    def posix_namespace(self, host_posix: ModuleType) -> dict[str, object]:
        """Built once per backend and host module: activating again reuses the same function objects."""
        if self._posix is None or self._posix[0] is not host_posix:
            namespace = dict(vars(host_posix))
            namespace.update(self.functions)
            namespace["DirEntry"] = direntry.DirEntry
            for name in self.absent():
                namespace.pop(name, None)
            self._posix = (host_posix, {name: _as_builtin(value, "posix") for name, value in namespace.items()})
        return dict(self._posix[1])

    def posixsubprocess_namespace(self, host_module: ModuleType) -> dict[str, object]:
        namespace = dict(vars(host_module))
        namespace["fork_exec"] = self._fork_exec
        return namespace

    def absent(self, policy: str | None = None) -> dict[str, str]:
        if (policy or self.policy) != ENFORCE:
            return {}
        return {**MISSING_NAMES, **processops.MISSING, **_SPAWN_FUNCTIONS}

    def replacements(self, shim_posix: ModuleType) -> list[tuple[object, object]]:
        """`open`, `io.open` and `io.FileIO` over the emulated fds: CPython's C buffered and text layers on top."""
        import _io

        from interpose.shims.io_open import build_io

        if self._io is None or self._io[0] is not shim_posix:
            functions = build_io(shim_posix, fileops.SPARES)
            self._io = (shim_posix, [(_io.open, _as_builtin(functions.open, "io")), (_io.FileIO, functions.FileIO)])
        return list(self._io[1])

    def module_namespace(self, name: str, host_module: ModuleType) -> dict[str, object]:
        """GraalPy's surface of `name`; fcntl's flock and lockf also lock the files only the provider has."""
        namespace = super().module_namespace(name, host_module)
        if name == "fcntl":
            self._host_fcntl[:] = [host_module]
            namespace.update(self._fcntl)
        return self._shapes.namespace(name, host_module, namespace)

    def shaped_modules(self) -> tuple[str, ...]:
        return (*super().shaped_modules(), *shaped.SHAPED)

    def module_absent(self, name: str, host_module: ModuleType) -> dict[str, str]:
        return {**super().module_absent(name, host_module), **self._shapes.absent(name, host_module)}

    def module_overrides(self) -> dict[tuple[str, str], object]:
        """What imports read through, and what subprocess decided too early.

        `_io.open` follows the backend like `io.open` (so does `io.open_code`,
        which calls it).  importlib and zipimport read files through their own
        `_os`, `_io` and `_imp` globals: under the host provider they get a host
        copy of `_io`; under any other, copies routed by interpose/imports.py
        (the language home from the host, everything else through the provider).
        Computed before the references are swapped: `_io.open` is still the
        host's here.  subprocess chose posix_spawn at import, which the emulated
        backend lacks.
        """
        from interpose import imports
        from interpose.fs.host import HostFileSystem

        overrides: dict[tuple[str, str], object] = {("subprocess", "_USE_POSIX_SPAWN"): False}
        if type(self.process.fs) is HostFileSystem:
            if self._host_io is None:  # made once per backend: the fixture activates it once per test
                self._host_io = imports.host_io_copy()
            return {**imports.host_overrides(self._host_io), **overrides}
        access = getattr(self, "_import_access", None)
        if access is None:
            assert self._io is not None  # replacements() came first
            (_, shim_open), (_, shim_file_io) = self._io[1]
            from interpose.host import posix_module

            access = imports.ImportAccess(posix_module, shim_open, shim_file_io, _refuse_native_extension)  # type: ignore[arg-type]
            self._import_access = access
        return {**access.overrides(), **overrides}

    def audit_watches(self) -> dict[str, Watch]:
        watches = super().audit_watches()
        watches.update(nativefd.watches(self.process.table))  # native code handed an emulated fd
        watches.update(shaped.audit_watches())
        from interpose.fs.host import HostFileSystem

        if type(self.process.fs) is not HostFileSystem:  # a sandbox: name what C code does around it
            watches.update(sandbox_watches())
        return watches

    def close(self) -> None:
        self.process.table.close_all()


def provider(fs: str | FileSystem) -> FileSystem:
    """The provider `fs` names (a spec string, see interpose/fs/spec.py) or is."""
    from interpose.fs import parse_spec
    from interpose.settings import canonical_fs

    fs = canonical_fs(fs)  # a TypeError for anything else
    return parse_spec(fs) if isinstance(fs, str) else fs


def _as_builtin(value: object, module: str) -> object:
    """The backend's Python functions behave as the C builtins they stand for (see interpose/shims/builtin_like.py)."""
    if isinstance(value, FunctionType):
        return builtin_like(value, module)
    return value


def _refuse_native_extension(origin: str) -> bool:
    return hit("sandbox.native_extension", "_imp.create_dynamic", {"path": origin})
