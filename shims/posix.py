"""The shim `posix` and `_posixsubprocess` modules, built from a backend's namespaces."""

from __future__ import annotations

from types import ModuleType

from shims.missing import missing_attribute_hook

TYPE_CHECKING = False
if TYPE_CHECKING:
    from interpose.backends.base import Backend


def build_module(name: str, namespace: dict[str, object], host_module: ModuleType) -> ModuleType:
    """A module named like the host's, holding `namespace`."""
    module = ModuleType(name, host_module.__doc__)
    module.__dict__.update(namespace)
    module.__dict__["__name__"] = name
    return module


def build_posix(backend: Backend, host_posix: ModuleType) -> ModuleType:
    module = build_module("posix", backend.posix_namespace(host_posix), host_posix)
    missing = backend.absent()
    if missing:
        module.__dict__["__getattr__"] = missing_attribute_hook("posix", missing)
    return module


def build_posixsubprocess(backend: Backend, host_module: ModuleType) -> ModuleType:
    return build_module("_posixsubprocess", backend.posixsubprocess_namespace(host_module), host_module)
