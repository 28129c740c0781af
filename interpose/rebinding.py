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

# A module namespace is known by (module name, id of its dict); its size tells whether it may have changed.
NamespaceKey = tuple[str, int]


def _loaded_namespaces() -> dict[NamespaceKey, dict[str, object]]:
    """(name, id(namespace)) -> namespace of every loaded module, in C loops over `sys.modules`.

    `sys.modules` may also hold None, or objects that are not modules (3.11's `typing.io`, a package's stand-in
    object): those are kept when their `__dict__` is a dict, as a module's is.
    """
    items = list(sys.modules.items())
    if not items:
        return {}
    names, modules = zip(*items, strict=True)
    count = len(modules)
    # getattr(module, "__dict__", None) for each, in C (its overloads defeat the checker: not all are dicts)
    namespaces: list[dict[str, object]] = list(map(getattr, modules, ["__dict__"] * count, [None] * count))  # type: ignore[misc]
    keys = zip(names, map(id, namespaces), strict=True)
    dicts = list(map(isinstance, namespaces, [dict] * count))
    if all(dicts):
        return dict(zip(keys, namespaces, strict=True))
    from itertools import compress  # a C module, loaded already where stand-ins are (typing imports it)

    return dict(compress(zip(keys, namespaces, strict=True), dicts))


def namespace_sizes(namespaces: dict[NamespaceKey, dict[str, object]] | None = None) -> dict[NamespaceKey, int]:
    """(name, id) -> size of every module namespace: what deactivation compares against to find what changed."""
    if namespaces is None:
        namespaces = _loaded_namespaces()
    return dict(zip(namespaces, map(len, namespaces.values()), strict=True))


# Per mapping (its keys), the namespaces looked at and found holding none of its objects, with their size then;
# and those holding some, with their size and the keys that held them.  Activating again (a test fixture does,
# once per test) looks again only at namespaces that are new, changed size, or held something.
_clean: dict[frozenset[int], dict[NamespaceKey, int]] = {}
_holders: dict[frozenset[int], dict[NamespaceKey, tuple[int, tuple[str, ...]]]] = {}


def swap_references(
    mapping: dict[int, tuple[object, object]], skip: Sequence[object], swaps: list[Swap], *, cached: bool = True,
    changed_since: dict[NamespaceKey, int] | None = None,
) -> None:  # fmt: skip
    """Swap, in every module's globals, each object in `mapping` for its replacement; append each swap to `swaps`.

    Each swap is recorded as it is made, so that a failure part-way leaves `swaps` able to undo what was done.
    `cached`: remember where the objects were held (worth it for host objects, which stay the same);
    `changed_since`: look only at the namespaces whose size differs from this record (`namespace_sizes()`).
    This runs over every loaded module twice per activation (a test fixture activates once per test): which
    namespaces to look at is decided by set operations on sizes, in C; only those are walked in Python.
    """
    namespaces = _loaded_namespaces()
    sizes = namespace_sizes(namespaces)
    wanted = mapping.keys()
    key = frozenset(wanted)
    clean = _clean.setdefault(key, {}) if cached else {}
    holders = _holders.setdefault(key, {}) if cached else {}
    known = changed_since if changed_since is not None else clean
    skip_ids = {id(vars(module)) for module in skip if type(getattr(module, "__dict__", None)) is dict}
    keeps_host = _keeps_host_by_name
    for slot, size in sizes.items() - known.items():
        name, namespace_id = slot
        keep = keeps_host.get(name)
        if keep is None:
            keep = keeps_host[name] = _keeps_host(name)
        if keep or namespace_id in skip_ids:
            clean[slot] = size
            continue
        namespace = namespaces[slot]
        held = holders.get(slot)
        if held is not None and held[0] == size:
            keys = held[1]
        elif wanted.isdisjoint(map(id, namespace.values())):  # the usual case, decided in C
            clean[slot] = size
            holders.pop(slot, None)
            continue
        else:
            keys = tuple(name for name, value in list(namespace.items()) if id(value) in wanted)
            holders[slot] = (size, keys)
            clean.pop(slot, None)
        for name in keys:
            value = namespace.get(name)
            pair = mapping.get(id(value))
            if pair is not None and pair[0] is value:
                swaps.append((namespace, name, value, pair[1]))
                namespace[name] = pair[1]


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
