"""What every backend gives the shims: the namespaces of the modules they build.

A backend decides, per policy, which functions are the host's own, which are
replaced and which are absent (and which limitation an access to an absent name
is).  The shims turn those namespaces into modules; they hold no state.
"""

from __future__ import annotations

from types import ModuleType


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
        """Names deliberately missing from `posix`/`os`, each with the limitation an access hits."""
        return {}

    def close(self) -> None:
        """Release what the backend holds (deactivation)."""
