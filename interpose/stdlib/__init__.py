"""What GraalPy's standard library does differently, applied to CPython's: decisions taken at import, patches.

`patches(policy, backend)` names the modules to patch, each patched when it is imported
(the finder runs the patch after the module's own code) or at activation if it
already was; nothing is done for a module the program does not import.  Every
change is recorded as one of rebinding's swaps, so deactivation undoes it with
the rest; `Attributes` lets a swap set or take out an attribute of a class or
module (None standing for "no such attribute").
"""

from __future__ import annotations

from interpose.compat import ENFORCE, hit
from interpose.compat.catalog_surface import MISSING_MODULES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

    from interpose.rebinding import Swap

    # (the module, the backend's name, the policy, where to record each change)
    Patch = Callable[[ModuleType, str, str, list[Swap]], None]


class Attributes(dict[str, object]):
    """An object's attributes seen as a namespace for rebinding's swaps: setting None takes the attribute out."""

    def __init__(self, owner: object) -> None:
        super().__init__()
        self.owner = owner

    def get(self, key: str, default: object = None) -> object:
        return vars(self.owner).get(key, default)

    def __setitem__(self, key: str, value: object) -> None:
        if value is not None:
            setattr(self.owner, key, value)
        elif key in vars(self.owner):
            delattr(self.owner, key)


def swap(owner: object, name: str, value: object, swaps: list[Swap]) -> None:
    """Set (or, with None, take out) `owner.name`, recording the change in `swaps`."""
    namespace = Attributes(owner)
    swaps.append((namespace, name, namespace.get(name), value))
    namespace[name] = value


def _multiprocessing(module: ModuleType, backend: str, policy: str, swaps: list[Swap]) -> None:
    from interpose.stdlib.multiprocessing import patch

    patch(module, backend, policy, swaps)


def _multiprocessing_synchronize(module: ModuleType, backend: str, policy: str, swaps: list[Swap]) -> None:
    from interpose.stdlib.multiprocessing import patch_synchronize

    patch_synchronize(module, backend, policy, swaps)


def _multiprocessing_pool(module: ModuleType, backend: str, policy: str, swaps: list[Swap]) -> None:
    from interpose.stdlib.multiprocessing import patch_pool

    patch_pool(module, backend, policy, swaps)


def _shared_memory(module: ModuleType, backend: str, policy: str, swaps: list[Swap]) -> None:
    from interpose.stdlib.multiprocessing import patch_shared_memory

    patch_shared_memory(module, backend, policy, swaps)


def _multiprocessing_reduction(module: ModuleType, backend: str, policy: str, swaps: list[Swap]) -> None:
    from interpose.stdlib.multiprocessing import patch_reduction

    patch_reduction(module, backend, policy, swaps)


def _importlib_util(module: ModuleType, backend: str, policy: str, swaps: list[Swap]) -> None:
    """`find_spec` of a module GraalPy does not have answers None, as for any module no finder knows (the finder
    itself can only refuse by raising, which `import grp` must do).  Asking is feature detection: a probe."""
    find_spec = module.find_spec

    def graalpy_find_spec(name: str, package: str | None = None) -> object:
        missing = MISSING_MODULES.get(name)
        if missing is not None and hit(missing[0], f"importlib.util.find_spec({name!r})", probe=True):
            return None
        return find_spec(name, package)

    graalpy_find_spec.__name__ = graalpy_find_spec.__qualname__ = "find_spec"
    graalpy_find_spec.__doc__ = find_spec.__doc__
    graalpy_find_spec.__wrapped__ = find_spec  # type: ignore[attr-defined]  # inspect.signature shows the original
    swap(module, "find_spec", graalpy_find_spec, swaps)


def _selectors(module: ModuleType, backend: str, policy: str, swaps: list[Swap]) -> None:
    from interpose.stdlib.fastpaths import patch_selectors

    patch_selectors(module, swaps)


def _tarfile(module: ModuleType, backend: str, policy: str, swaps: list[Swap]) -> None:
    from interpose.stdlib.tarowners import patch

    patch(module, backend, swaps)


def _test_support(module: ModuleType, backend: str, policy: str, swaps: list[Swap]) -> None:
    from interpose.stdlib.testsupport import patch

    patch(module, swaps)


def _subprocess(module: ModuleType, backend: str, policy: str, swaps: list[Swap]) -> None:
    """The emulated layer has no posix_spawn, and the host's would start the child in the process's real cwd, not
    the program's virtual one: subprocess stays on fork_exec (as it does when imported before activation)."""
    swap(module, "_USE_POSIX_SPAWN", False, swaps)


def patches(policy: str, backend: str) -> dict[str, Patch]:
    """The stdlib modules GraalPy changes, and how: applied once the module is imported (or at activation)."""
    found: dict[str, Patch] = {  # warn: CPython's behaviour, logged
        "multiprocessing": _multiprocessing,
        "multiprocessing.synchronize": _multiprocessing_synchronize,  # java: no SemLock
        "multiprocessing.shared_memory": _shared_memory,  # java: no shm_open
        "multiprocessing.pool": _multiprocessing_pool,  # GraalPy's ThreadPool (enforce)
    }
    if backend == "java":
        found["subprocess"] = _subprocess
        found["multiprocessing.reduction"] = _multiprocessing_reduction  # warn: fds sent are the real ones
    if policy == ENFORCE:
        found["selectors"] = _selectors
        found["importlib.util"] = _importlib_util
        found["test.support"] = _test_support
        found["tarfile"] = _tarfile  # only the java backend refuses other users' names
    return found
