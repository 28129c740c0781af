"""GraalPy's smaller modules: select, fcntl, signal and resource as GraalPy defines them.

Each shim is the host module's namespace less what GraalPy's module does not
define (its `@Builtin` declarations and constants, HEAD 85d36e23): absent under
enforce (the module's `__getattr__` logs an access, as for posix), kept under
warn with every call of a missing function logged.  A shim is built only when
the program imports the module (or at activation, if it was imported before).
"""

from __future__ import annotations

from interpose.compat.catalog_surface import MODULE_FAMILIES
from interpose.shims.missing import logged_function

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType

_LOCKS = ("LOCK_SH", "LOCK_EX", "LOCK_NB", "LOCK_UN", "F_RDLCK", "F_WRLCK", "F_UNLCK")
_RLIMITS = ("CPU", "FSIZE", "DATA", "STACK", "CORE", "AS", "RSS", "MEMLOCK", "NPROC", "NOFILE")


class Surface:
    """What GraalPy's module has: `kept` (everything else public is missing) or `removed` (the rest is kept)."""

    __slots__ = ("kept", "removed")

    def __init__(self, kept: tuple[str, ...] = (), removed: tuple[str, ...] = ()) -> None:
        self.kept = frozenset(kept)
        self.removed = frozenset(removed)

    def missing(self, namespace: dict[str, object]) -> list[str]:
        if self.removed:
            return [name for name in namespace if name in self.removed]
        return [name for name in namespace if not name.startswith("_") and name not in self.kept]


_SIGNAL_MISSING = ("pause", "pidfd_send_signal", "pthread_kill", "pthread_sigmask", "sigpending", "sigtimedwait",
                   "sigwait", "sigwaitinfo", "strsignal", "struct_siginfo", "SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK",
                   "Sigmasks")  # fmt: skip
_RESOURCE = ("getrlimit", "getrusage", "getpagesize", "error", "struct_rusage", "RLIM_INFINITY", "RUSAGE_SELF",
             "RUSAGE_CHILDREN", "RUSAGE_THREAD", *(f"RLIMIT_{name}" for name in _RLIMITS))  # fmt: skip

SURFACES: dict[str, Surface] = {
    "select": Surface(kept=("select", "error", "PIPE_BUF")),
    "fcntl": Surface(kept=("flock", "lockf", "ioctl", *_LOCKS)),
    "signal": Surface(removed=_SIGNAL_MISSING),
    "resource": Surface(kept=_RESOURCE),
}


def absent(module: str, host_module: ModuleType) -> dict[str, str]:
    """The names of the host's `module` that GraalPy's lacks, each with the limitation an access hits."""
    limitation = MODULE_FAMILIES[module][0]
    return dict.fromkeys(SURFACES[module].missing(vars(host_module)), limitation)


def namespace(
    module: str, host_module: ModuleType, policy: str, wrappers: dict[tuple[str, str], tuple[object, object]]
) -> dict[str, object]:
    """The shim's attributes: missing names taken out under enforce, their functions logged under warn.

    `wrappers` keeps the logging wrappers of one backend, so activating again makes none anew.
    """
    contents = dict(vars(host_module))
    limitation = MODULE_FAMILIES[module][0]
    for name in SURFACES[module].missing(contents):
        if policy == "enforce":
            del contents[name]
        elif callable(contents[name]) and not isinstance(contents[name], type):
            contents[name] = logged_function(contents[name], module, name, limitation, wrappers)
    return contents
