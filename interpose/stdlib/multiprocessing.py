"""multiprocessing as GraalPy's patched copy behaves (its lib-python/3/multiprocessing/context.py).

GraalPy starts processes only by spawn: `get_all_start_methods()` is
['spawn'], the default context is spawn, starting a process of the fork or
forkserver context raises NotImplementedError, and on the java backend spawn
itself raises ValueError.  CPython's module is patched where GraalPy's differs:
the `_Popen` of the process classes, the default context, and
`get_all_start_methods` (both the method and the bound copy the package
exported at import).  Under warn CPython's behaviour stays and each is logged.
Every change is a swap that deactivation undoes.
"""

from __future__ import annotations

from interpose.compat import ENFORCE, hit
from interpose.stdlib import swap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

    from interpose.rebinding import Swap


def _refusing_popen(
    popen: Callable[[object], object], limitation: str, function: str, error: Callable[[], Exception]
) -> staticmethod[[object], object]:
    def _Popen(process_obj: object) -> object:
        if hit(limitation, function):
            raise error()
        return popen(process_obj)

    return staticmethod(_Popen)


def _start_methods(original: Callable[[object], list[str]]) -> Callable[[object], list[str]]:
    def get_all_start_methods(self: object) -> list[str]:
        if hit("multiprocessing.start_methods", "multiprocessing.get_all_start_methods"):
            return ["spawn"]
        return original(self)

    return get_all_start_methods


def patch(package: ModuleType, backend: str, policy: str, swaps: list[Swap]) -> None:
    """Make the imported `multiprocessing` package GraalPy's for `backend` and `policy`; record each change."""
    context = package.context
    refused: dict[str, tuple[str, Callable[[], Exception]]] = {
        "ForkProcess": ("multiprocessing.fork", lambda: NotImplementedError("'fork' not supported on GraalPy")),
        "ForkServerProcess": (
            "multiprocessing.forkserver",
            lambda: NotImplementedError("'forkserver' not supported on GraalPy"),
        ),
    }
    if backend == "java":
        refused["SpawnProcess"] = (
            "multiprocessing.java",
            lambda: ValueError("multiprocessing not supported with the java POSIX backend"),
        )
    for name, (limitation, error) in refused.items():
        process = getattr(context, name, None)
        if process is not None:
            method = f"multiprocessing.{process._start_method}"
            swap(process, "_Popen", _refusing_popen(process._Popen, limitation, method, error), swaps)
    default = context.DefaultContext
    methods = _start_methods(default.get_all_start_methods)
    swap(default, "get_all_start_methods", methods, swaps)
    if "get_all_start_methods" in vars(package):
        swap(package, "get_all_start_methods", methods.__get__(context._default_context), swaps)
    spawn = context._concrete_contexts.get("spawn")
    if policy == ENFORCE and spawn is not None:
        default_context = context._default_context
        state = vars(default_context)
        if state["_actual_context"] is None:  # looked up while active, it is spawn: unset again afterwards
            swaps.append((state, "_actual_context", None, spawn))
        elif state["_actual_context"] is state["_default_context"]:  # the default, already looked up
            swap(default_context, "_actual_context", spawn, swaps)
        swap(default_context, "_default_context", spawn, swaps)
