"""Module `__getattr__` for names a GraalPy backend does not define, and their logged stand-ins under warn.

Python calls a module's `__getattr__` only when normal lookup fails, so the
functions that do exist cost nothing; the access to a missing one is logged with
the application's call site before the usual AttributeError.  Under warn a
missing function stays, wrapped so that each call is logged (a call from a
stdlib fast path, which GraalPy's stdlib would not take, as `stdlib.fast_path`).
"""

from __future__ import annotations

import sys

from interpose.compat import hit
from interpose.compat.catalog_surface import FAST_PATH, FAST_PATH_MODULES
from interpose.shims.builtin_like import builtin_like

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable


def missing_attribute_hook(module_name: str, missing: dict[str, str]) -> Callable[[str], object]:
    """Build the `__getattr__` of a shim module whose `missing` names hit a limitation."""

    def __getattr__(name: str) -> object:
        limitation = missing.get(name)
        if limitation is not None:
            hit(limitation, f"{module_name}.{name}")
        raise AttributeError(f"module {module_name!r} has no attribute {name!r}")

    return __getattr__


def logged_function(
    function: object, module: str, name: str, limitation: str, cache: dict[tuple[str, str], tuple[object, object]]
) -> object:
    """`function` kept under warn although GraalPy lacks it: every call is logged, then made.

    Behaves like the C builtin it stands for (builtin_like).  `cache` keeps one wrapper per
    (module, name) and function, so that a backend activated again reuses its wrappers.
    """
    cached = cache.get((module, name))
    if cached is not None and cached[0] is function:
        return cached[1]
    assert callable(function)
    qualified = f"{'os' if module == 'posix' else module}.{name}"

    def logged(*args: object, **kwargs: object) -> object:
        caller = sys._getframe(1).f_globals.get("__name__")
        hit(FAST_PATH if caller in FAST_PATH_MODULES else limitation, qualified)
        return function(*args, **kwargs)

    logged.__name__ = logged.__qualname__ = name
    logged.__doc__ = function.__doc__
    wrapper = builtin_like(logged, module)
    cache[module, name] = (function, wrapper)
    return wrapper
