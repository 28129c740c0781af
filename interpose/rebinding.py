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

# A module namespace is known by (module name, id of its dict); its size tells whether it may have changed.
NamespaceKey = tuple[str, int]


class Snapshot:
    """The loaded modules at one moment: their namespaces and the namespaces' sizes, collected in C loops.

    A snapshot taken while `sys.modules` holds the same modules under the same names as the one before shares
    its keys (`keys is`), so that "nothing was imported and no namespace changed size since" is two list
    comparisons: what a test fixture that activates once per test pays, instead of a walk over every module.
    """

    __slots__ = ("items", "keys", "namespaces", "sizes")

    def __init__(
        self, items: tuple[object, ...], keys: list[NamespaceKey], namespaces: list[dict[str, object]]
    ) -> None:
        self.items = items
        self.keys = keys
        self.namespaces = namespaces
        self.sizes = list(map(len, namespaces))

    def same_as(self, other: Snapshot | None) -> bool:
        """Whether nothing was imported or dropped, and no namespace changed size, between `other` and this."""
        if other is None:
            return False
        return (self.keys is other.keys or self.items == other.items) and self.sizes == other.sizes

    def table(self) -> dict[NamespaceKey, int]:
        return dict(zip(self.keys, self.sizes, strict=True))

    def changed_since(self, other: Snapshot) -> list[tuple[NamespaceKey, dict[str, object], int]]:
        """(key, namespace, size) of each namespace that is new, or of another size, since `other`."""
        if self.same_as(other):
            return []
        before = other.table()
        return [
            (key, namespace, size)
            for key, namespace, size in zip(self.keys, self.namespaces, self.sizes, strict=True)
            if before.get(key) != size
        ]


# The latest snapshots (activation and deactivation alternate between two sets of modules, shims and hosts):
# a new one shares the keys of one of the same modules under the same names.
_recent: list[Snapshot] = []


def snapshot() -> Snapshot:
    """The loaded modules' namespaces now (`sys.modules` may also hold None, or objects that are not modules,
    3.11's `typing.io` or a package's stand-in: those count when their `__dict__` is a dict, as a module's is)."""
    items = tuple(sys.modules.items())
    previous = next((recent for recent in _recent if recent.items == items), None)
    if previous is not None:  # the same names for the same objects: shared keys
        taken = Snapshot(previous.items, previous.keys, previous.namespaces)
    else:
        keys: list[NamespaceKey] = []
        namespaces: list[dict[str, object]] = []
        if items:
            names, modules = zip(*items, strict=True)
            count = len(modules)
            # getattr(module, "__dict__", None) for each, in C (its overloads defeat the checker)
            found: list[dict[str, object]] = list(map(getattr, modules, ["__dict__"] * count, [None] * count))  # type: ignore[misc]
            pairs = zip(zip(names, map(id, found), strict=True), found, strict=True)
            dicts = list(map(isinstance, found, [dict] * count))
            if not all(dicts):
                from itertools import compress  # a C module, loaded already where stand-ins are (typing)

                pairs = compress(pairs, dicts)  # type: ignore[assignment]
            for key, namespace in pairs:
                keys.append(key)
                namespaces.append(namespace)
        taken = Snapshot(items, keys, namespaces)
        _recent.insert(0, taken)
        del _recent[4:]
    return taken


def release() -> None:
    """Forget the snapshots and holdings (at exit): they hold modules and their namespaces, which would
    otherwise outlive their removal from `sys.modules` at shutdown and be finalized in another order than
    the program's own (`__main__` after the modules it imported, so its objects' `__del__` see them cleared)."""
    _recent.clear()
    _holdings.clear()


class _Holdings:
    """For one mapping: the namespaces found holding none of its objects (with their size then), those holding
    some (size, the keys, the namespace), and the snapshot of the last full look."""

    __slots__ = ("clean", "holders", "looked")

    def __init__(self) -> None:
        self.clean: dict[NamespaceKey, int] = {}
        self.holders: dict[NamespaceKey, tuple[int, tuple[str, ...], dict[str, object]]] = {}
        self.looked: Snapshot | None = None


# Per mapping (its keys): activating again (a test fixture does, once per test) looks again only at namespaces that
# are new, changed size, or held something; when nothing was imported since, only at those that held something.
_holdings: dict[frozenset[int], _Holdings] = {}


def swap_references(
    mapping: dict[int, tuple[object, object]], skip: Sequence[object], swaps: list[Swap], *, cached: bool = True,
    changed_since: Snapshot | None = None,
) -> Snapshot:  # fmt: skip
    """Swap, in every module's globals, each object in `mapping` for its replacement; append each swap to `swaps`.

    Each swap is recorded as it is made, so that a failure part-way leaves `swaps` able to undo what was done.
    `cached`: remember where the objects were held (worth it for host objects, which stay the same);
    `changed_since`: look only at the namespaces new or of another size since this snapshot.
    Returns the snapshot taken before swapping (a swap changes no namespace's size).
    """
    now = snapshot()
    wanted = mapping.keys()
    holdings = _holdings.setdefault(frozenset(wanted), _Holdings()) if cached else _Holdings()
    if changed_since is not None:
        todo = now.changed_since(changed_since)
    elif now.same_as(holdings.looked):
        todo = [(slot, held[2], held[0]) for slot, held in holdings.holders.items()]
    else:
        table = now.table()
        namespaces = dict(zip(now.keys, now.namespaces, strict=True))
        todo = [(slot, namespaces[slot], size) for slot, size in table.items() - holdings.clean.items()]
        holdings.looked = now if cached else None
    skip_ids = {id(vars(module)) for module in skip if type(getattr(module, "__dict__", None)) is dict}
    for slot, namespace, size in todo:
        for name in _holding_keys(holdings, slot, namespace, size, wanted, skip_ids):
            value = namespace.get(name)
            pair = mapping.get(id(value))
            if pair is not None and pair[0] is value:
                swaps.append((namespace, name, value, pair[1]))
                namespace[name] = pair[1]
    return now


def _holding_keys(
    holdings: _Holdings, slot: NamespaceKey, namespace: dict[str, object], size: int, wanted: AbstractSet[int],
    skip_ids: set[int],
) -> tuple[str, ...]:  # fmt: skip
    """The keys of `namespace` that hold an object of the mapping (none for interpose's own and skipped ones)."""
    name, namespace_id = slot
    keep = _keeps_host_by_name.get(name)
    if keep is None:
        keep = _keeps_host_by_name[name] = _keeps_host(name)
    if keep or namespace_id in skip_ids:
        holdings.clean[slot] = size
        return ()
    held = holdings.holders.get(slot)
    if held is not None and held[0] == size:
        return held[1]
    if wanted.isdisjoint(map(id, namespace.values())):  # the usual case, decided in C
        holdings.clean[slot] = size
        holdings.holders.pop(slot, None)
        return ()
    keys = tuple(key for key, value in list(namespace.items()) if id(value) in wanted)
    holdings.holders[slot] = (size, keys, namespace)
    holdings.clean.pop(slot, None)
    return keys


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
