"""Module `__getattr__` for names a GraalPy backend does not define.

Python calls a module's `__getattr__` only when normal lookup fails, so the
functions that do exist cost nothing; the access to a missing one is logged with
the application's call site before the usual AttributeError.
"""

from __future__ import annotations

from interpose.compat import hit

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
