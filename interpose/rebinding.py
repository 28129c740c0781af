"""Rebinding of references that modules already hold to the host's os objects.

`os` and `posix` are imported before any user code runs; `posixpath`, `shutil`,
`subprocess` and the rest hold `os` (or `from os import stat`) in their globals.
Activation swaps those references for the shims' and remembers each swap, so
that deactivation puts back exactly the object that was there.
"""

from __future__ import annotations

import sys
from types import ModuleType

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

# Modules that must keep the host: interpose itself, and importlib, which loads Python code from the host
# (GraalPy makes the same exception for its language home; a backend that replaces `_io`'s contents gives
# importlib a host copy of `_io`).  `builtins` and `_io` are not among them: their `open` follows the backend.
_KEEP_HOST_PREFIXES = ("interpose", "shims", "logging_config")
_KEEP_HOST_MODULES = frozenset(
    {"importlib._bootstrap", "importlib._bootstrap_external", "_frozen_importlib", "_frozen_importlib_external",
     "zipimport"}
)  # fmt: skip

Swap = tuple[dict[str, object], str, object, object]


def replacement_map(pairs: list[tuple[ModuleType, ModuleType]]) -> dict[int, tuple[object, object]]:
    """For each (host module, shim module): id(host object) -> (host object, shim object).

    Modules, functions, classes and sets are mapped where the shim's differs;
    plain values (ints, strings) are left alone.
    """
    mapping: dict[int, tuple[object, object]] = {}
    for host, shim in pairs:
        mapping[id(host)] = (host, shim)
        shim_namespace = vars(shim)
        for name, value in vars(host).items():
            if name.startswith("__") or name not in shim_namespace:
                continue
            replacement = shim_namespace[name]
            if replacement is not value and (callable(value) or isinstance(value, (ModuleType, set, frozenset))):
                mapping[id(value)] = (value, replacement)
    return mapping


def _keeps_host(name: str, module: object) -> bool:
    return name in _KEEP_HOST_MODULES or name.split(".", 1)[0] in _KEEP_HOST_PREFIXES


def swap_references(mapping: dict[int, tuple[object, object]], skip: Sequence[object]) -> list[Swap]:
    """Swap, in every module's globals, each object in `mapping` for its replacement."""
    swaps: list[Swap] = []
    skip_ids = {id(module) for module in skip}
    for name, module in list(sys.modules.items()):
        if module is None or id(module) in skip_ids or _keeps_host(name, module):
            continue
        namespace = getattr(module, "__dict__", None)
        if type(namespace) is not dict:
            continue
        for key, value in list(namespace.items()):
            pair = mapping.get(id(value))
            if pair is not None and pair[0] is value:
                namespace[key] = pair[1]
                swaps.append((namespace, key, value, pair[1]))
    return swaps


def undo_swaps(swaps: list[Swap]) -> None:
    """Put back every swapped reference that still holds what activation put there."""
    for namespace, key, original, replacement in reversed(swaps):
        if namespace.get(key) is replacement:
            namespace[key] = original


def reversed_map(mapping: dict[int, tuple[object, object]]) -> dict[int, tuple[object, object]]:
    """shim object -> host object, for modules imported while the shims were active."""
    return {id(shim): (shim, host) for host, shim in mapping.values()}


def override_globals(overrides: dict[tuple[str, str], object]) -> list[Swap]:
    """Set module globals a backend needs changed ((module, name) -> value), for modules already imported."""
    swaps: list[Swap] = []
    for (module_name, name), value in overrides.items():
        module = sys.modules.get(module_name)
        if module is None or name not in vars(module):
            continue
        namespace = vars(module)
        swaps.append((namespace, name, namespace[name], value))
        namespace[name] = value
    return swaps
