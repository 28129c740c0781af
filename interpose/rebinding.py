"""Rebinding of references that modules already hold to the host's os objects.

`os` and `posix` are imported before any user code runs; `posixpath`, `shutil`,
`subprocess` and the rest hold `os` (or `from os import stat`) in their globals.
Activation swaps those references for the shims' and remembers each swap, so
that deactivation puts back exactly the object that was there.
"""

from __future__ import annotations

import sys

from interpose.host import ModuleType

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from collections.abc import Set as AbstractSet

# Modules that must keep the host: interpose itself, and importlib, which loads Python code from the host
# (GraalPy makes the same exception for its language home; a backend that replaces `_io`'s contents gives
# importlib a host copy of `_io`).  `builtins` and `_io` are not among them: their `open` follows the backend.
_KEEP_HOST_PREFIXES = ("interpose",)
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


def _keeps_host(name: str) -> bool:
    return name in _KEEP_HOST_MODULES or name.split(".", 1)[0] in _KEEP_HOST_PREFIXES


_keeps_host_by_name: dict[str, bool] = {}  # module name -> _keeps_host(name): asked for every module on every swap


# Which globals of which module held objects of a given mapping, and the namespace's size when looked at:
# activating again (a test fixture does, once per test) rescans only modules that are new or changed size.
_holders: dict[frozenset[int], dict[tuple[str, int], tuple[int, tuple[str, ...]]]] = {}


def _holding_keys(
    cache: dict[tuple[str, int], tuple[int, tuple[str, ...]]] | None, name: str, namespace: dict[str, object],
    wanted: AbstractSet[int],
) -> tuple[str, ...]:  # fmt: skip
    size = len(namespace)
    slot = (name, id(namespace))
    if cache is not None:
        cached = cache.get(slot)
        if cached is not None and cached[0] == size:
            return cached[1]
    if wanted.isdisjoint(map(id, namespace.values())):  # the usual case, decided in C
        keys: tuple[str, ...] = ()
    else:
        keys = tuple(key for key, value in list(namespace.items()) if id(value) in wanted)
    if cache is not None:
        cache[slot] = (size, keys)
    return keys


def swap_references(
    mapping: dict[int, tuple[object, object]], skip: Sequence[object], swaps: list[Swap], *, cached: bool = True,
    changed_since: dict[int, int] | None = None,
) -> None:  # fmt: skip
    """Swap, in every module's globals, each object in `mapping` for its replacement; append each swap to `swaps`.

    Each swap is recorded as it is made, so that a failure part-way leaves `swaps` able to undo what was done.
    `cached`: remember where the objects were held (worth it for host objects, which stay the same);
    `changed_since`: look only at the namespaces whose size differs from this record (`namespace_sizes()`).
    The loop runs over every loaded module twice per activation (a test fixture activates once per test), so
    its per-module path is kept to a few dictionary look-ups.
    """
    skip_ids = {id(module) for module in skip}
    wanted = mapping.keys()
    cache = _holders.setdefault(frozenset(wanted), {}) if cached else None
    keeps_host = _keeps_host_by_name
    for name, module in list(sys.modules.items()):
        keep = keeps_host.get(name)
        if keep is None:
            keep = keeps_host[name] = _keeps_host(name)
        if keep or module is None or id(module) in skip_ids:
            continue
        namespace = getattr(module, "__dict__", None)
        if type(namespace) is not dict:
            continue
        if changed_since is not None and changed_since.get(id(namespace)) == len(namespace):
            continue
        if cache is not None:
            known = cache.get((name, id(namespace)))
            if known is not None and known[0] == len(namespace) and not known[1]:
                continue  # the usual case: a module that held none of them and has not changed since
        for key in _holding_keys(cache, name, namespace, wanted):
            value = namespace.get(key)
            pair = mapping.get(id(value))
            if pair is not None and pair[0] is value:
                swaps.append((namespace, key, value, pair[1]))
                namespace[key] = pair[1]


def namespace_sizes() -> dict[int, int]:
    """id -> size of every module namespace: what deactivation compares against to find what changed."""
    sizes: dict[int, int] = {}
    for module in list(sys.modules.values()):
        namespace = getattr(module, "__dict__", None)
        if type(namespace) is dict:
            sizes[id(namespace)] = len(namespace)
    return sizes


def undo_swaps(swaps: list[Swap]) -> None:
    """Put back every swapped reference that still holds what activation put there."""
    for namespace, key, original, replacement in reversed(swaps):
        if namespace.get(key) is replacement:
            namespace[key] = original


def reversed_map(mapping: dict[int, tuple[object, object]]) -> dict[int, tuple[object, object]]:
    """shim object -> host object, for modules imported while the shims were active."""
    return {id(shim): (shim, host) for host, shim in mapping.values()}


def override_globals(overrides: dict[tuple[str, str], object], swaps: list[Swap]) -> None:
    """Set module globals a backend needs changed ((module, name) -> value), for modules already imported;
    append each change to `swaps`."""
    for (module_name, name), value in overrides.items():
        module = sys.modules.get(module_name)
        if module is None or name not in vars(module):
            continue
        namespace = vars(module)
        swaps.append((namespace, name, namespace[name], value))
        namespace[name] = value
