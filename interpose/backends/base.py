"""What every backend gives the shims: the namespaces of the modules they build.

A backend decides, per policy, which functions are the host's own, which are
replaced and which are absent (and which limitation an access to an absent name
is).  The shims turn those namespaces into modules; they hold no state.
"""

from __future__ import annotations

from interpose.audit import Watch, missing_function

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType

# Functions GraalPy does not define on either backend, and the limitation an access to each one hits.
MISSING_FUNCTIONS = {"fork": "process.fork", "forkpty": "process.forkpty"}
# What os.py defines only when posix has fork.
SPAWN_NAMES = ("spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe",
               "P_WAIT", "P_NOWAIT", "P_NOWAITO")  # fmt: skip


class Backend:
    """Base class: the host's modules unchanged."""

    name = "host"

    def __init__(self, policy: str) -> None:
        self.policy = policy

    def posix_namespace(self, host_posix: ModuleType) -> dict[str, object]:
        """The attributes of the shim `posix` module."""
        return dict(vars(host_posix))

    def posixsubprocess_namespace(self, host_module: ModuleType) -> dict[str, object]:
        """The attributes of the shim `_posixsubprocess` module."""
        return dict(vars(host_module))

    def absent(self) -> dict[str, str]:
        """Names deliberately missing from `posix`, each with the limitation an access hits."""
        return {}

    def absent_from_os(self) -> dict[str, str]:
        """Names missing from `os`: those of `posix`, and what os.py defines only over them."""
        missing = dict(self.absent())
        if "fork" in missing:
            missing.update(dict.fromkeys(SPAWN_NAMES, "process.spawn"))
        return missing

    def replacements(self, shim_posix: ModuleType) -> list[tuple[object, object]]:
        """(host object, replacement) pairs beyond the modules' own, swapped wherever a module holds them."""
        return []

    def module_overrides(self) -> dict[tuple[str, str], object]:
        """Globals of already-imported stdlib modules that must change while this backend is active."""
        return {}

    def audit_watches(self) -> dict[str, Watch]:
        """Audit events that reveal a call around the shims, and what each one hits.

        GraalPy has no fork on either backend: reached around the shims it is
        refused under enforce, and under warn (where the shims keep it) every call is logged.
        """
        return {f"os.{name}": missing_function(limitation) for name, limitation in MISSING_FUNCTIONS.items()}

    def close(self) -> None:
        """Release what the backend holds (deactivation)."""
