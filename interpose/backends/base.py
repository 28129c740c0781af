"""What every backend gives the shims: the namespaces of the modules they build.

A backend decides, per policy, which functions are the host's own, which are
replaced and which are absent (and which limitation an access to an absent name
is), for posix, _posixsubprocess and the modules GraalPy shapes differently
(`shaped_modules`: select, fcntl, signal, resource, socket; `module_namespace` is the
hook a backend extends).  The shims turn those namespaces into modules; they
hold no state.
"""

from __future__ import annotations

from interpose.audit import Watch, missing_function
from interpose.compat import ENFORCE
from interpose.compat.catalog_surface import MISSING_MODULES, POSIX_CONSTANTS_ID, POSIX_FAMILIES, graalpy_lacks_constant
from interpose.host import posix as host_posix
from interpose.shims import surfaces

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType

# fork and forkpty: the audit hook logs them under warn (and catches references taken before activation).
AUDITED_FUNCTIONS = {"fork": "process.fork", "forkpty": "process.forkpty"}
# The posix functions GraalPy does not define on either backend (89), and the limitation an access to each hits.
MISSING_FUNCTIONS = {
    **AUDITED_FUNCTIONS,
    **{name: id for id, (names, _hint) in POSIX_FAMILIES.items() for name in names},
}
# The constants, types and tables of the host's posix that GraalPy's posix does not have (posix.constants).
MISSING_CONSTANTS = {
    name: POSIX_CONSTANTS_ID for name, value in vars(host_posix).items() if graalpy_lacks_constant(name, value)
}
# Everything GraalPy's posix lacks, under enforce: absent from posix and os on both backends.
MISSING_NAMES = {**MISSING_FUNCTIONS, **MISSING_CONSTANTS}
# posix._have_functions on GraalPy (PosixModuleBuiltins.initialize, HEAD 85d36e23): os.py builds its supports_dir_fd,
# supports_fd and supports_follow_symlinks sets from it.  GraalPy leaves out, as not implemented yet, FCHOWN,
# FCHOWNAT, FEXECVE, FPATHCONF, FSTATVFS, FUTIMESAT, LINKAT, LCHOWN, LSTAT, MKFIFOAT and MKNODAT; FUTIMENS and
# UTIMENSAT are there when the platform has them.
HAVE_FUNCTIONS = frozenset(
    {"HAVE_FACCESSAT", "HAVE_FCHDIR", "HAVE_FCHMOD", "HAVE_FCHMODAT", "HAVE_FDOPENDIR", "HAVE_FSTATAT",
     "HAVE_FTRUNCATE", "HAVE_FUTIMES", "HAVE_LUTIMES", "HAVE_MKDIRAT", "HAVE_OPENAT", "HAVE_READLINKAT",
     "HAVE_RENAMEAT", "HAVE_SYMLINKAT", "HAVE_UNLINKAT"}
)  # fmt: skip
HAVE_FUNCTIONS_IF_PLATFORM = frozenset({"HAVE_FUTIMENS", "HAVE_UTIMENSAT"})


def graalpy_have_functions(host: list[str]) -> list[str]:
    """GraalPy's `_have_functions` on this platform, in the host list's order."""
    return [name for name in host if name in HAVE_FUNCTIONS or name in HAVE_FUNCTIONS_IF_PLATFORM]


# What os.py defines only when posix has fork.
SPAWN_NAMES = ("spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe",
               "P_WAIT", "P_NOWAIT", "P_NOWAITO")  # fmt: skip


class Backend:
    """Base class: the host's modules unchanged."""

    name = "host"

    def __init__(self, policy: str) -> None:
        self.policy = policy
        # (module, name) -> (function, its logging wrapper) under warn, made once per backend
        self.logged_functions: dict[tuple[str, str], tuple[object, object]] = {}
        # What activation built from this backend (shim modules, the posix contents, the replacement map), keyed
        # by what it was built from: activating the same backend again (the pytest fixture, once per test) reuses it.
        self.built: dict[tuple[object, ...], tuple[tuple[object, ...], object]] = {}

    def posix_namespace(self, host_posix: ModuleType) -> dict[str, object]:
        """The attributes of the shim `posix` module."""
        return dict(vars(host_posix))

    def posixsubprocess_namespace(self, host_module: ModuleType) -> dict[str, object]:
        """The attributes of the shim `_posixsubprocess` module."""
        return dict(vars(host_module))

    def absent(self, policy: str | None = None) -> dict[str, str]:
        """Names deliberately missing from `posix` under `policy` (this backend's by default), each with the
        limitation an access hits."""
        return {}

    def logged(self) -> dict[str, str]:
        """Functions GraalPy lacks that stay in `posix` under warn, each call logged by the shim.

        Not those the backend logs itself: fork and forkpty (the audit hook), and any the backend
        makes absent under enforce with a limitation of its own (it logs their calls under warn).
        """
        if self.policy == ENFORCE:
            return {}
        enforced = self.absent(ENFORCE)
        return {
            name: id
            for name, id in MISSING_FUNCTIONS.items()
            if name not in AUDITED_FUNCTIONS and enforced.get(name, id) == id
        }  # fmt: skip

    def absent_from_os(self) -> dict[str, str]:
        """Names missing from `os`: those of `posix`, and what os.py defines only over them."""
        missing = dict(self.absent())
        if "fork" in missing:
            missing.update(dict.fromkeys(SPAWN_NAMES, "process.spawn"))
        return missing

    def replacements(self, shim_posix: ModuleType) -> list[tuple[object, object]]:
        """(host object, replacement) pairs beyond the modules' own, swapped wherever a module holds them."""
        return []

    def shaped_modules(self) -> tuple[str, ...]:
        """Modules besides os/posix whose shim this backend builds (when the program imports them)."""
        return (*surfaces.SURFACES, "socket")

    def module_namespace(self, name: str, host_module: ModuleType) -> dict[str, object]:
        """The attributes of the shim of module `name` (one of `shaped_modules`), from the host module.

        GraalPy's smaller surface on both backends (interpose/shims/surfaces.py); a backend that
        reproduces more of a module (emulated fds in fcntl, say) extends this namespace; a module
        it adds to `shaped_modules` starts as the host's.
        """
        if name == "socket":  # loaded when the program imports socket (an import under way: nothing else sees it)
            from interpose.shims import sockets

            return sockets.namespace(host_module, self.policy, self.logged_functions)
        if name not in surfaces.SURFACES:
            return dict(vars(host_module))
        return surfaces.namespace(name, host_module, self.policy, self.logged_functions)

    def module_absent(self, name: str, host_module: ModuleType) -> dict[str, str]:
        """Names missing from the shim of module `name`, each with the limitation an access hits."""
        if self.policy != ENFORCE:
            return {}
        if name == "socket":
            from interpose.shims import sockets

            return sockets.absent(host_module)
        if name not in surfaces.SURFACES:
            return {}
        return surfaces.absent(name, host_module)

    def missing_modules(self) -> dict[str, str]:
        """Modules GraalPy does not have, each with the limitation its import hits (raised under enforce)."""
        return {module: id for module, (id, _hint) in MISSING_MODULES.items()}

    def module_overrides(self) -> dict[tuple[str, str], object]:
        """Globals of already-imported stdlib modules that must change while this backend is active."""
        return {}

    def audit_watches(self) -> dict[str, Watch]:
        """Audit events that reveal a call around the shims, and what each one hits.

        GraalPy has no fork on either backend: reached around the shims it is
        refused under enforce, and under warn (where the shims keep it) every call is logged.
        """
        return {f"os.{name}": missing_function(limitation) for name, limitation in AUDITED_FUNCTIONS.items()}

    def close(self) -> None:
        """Release what the backend holds (deactivation)."""
