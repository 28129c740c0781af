"""Python functions that behave like C builtins where that shows: in class bodies and in pickles.

A class body that says `stat = os.stat` (3.10's pathlib does this for a dozen
functions) gets a plain attribute when `os.stat` is a C builtin, but a method
that receives `self` when it is a Python function.  The emulated backend's
functions are Python functions, so they are wrapped in an object without
`__get__`, whose type's `__call__` is the function itself (a staticmethod, so no
extra frame), and which pickles by name as builtins do.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable


class BuiltinLike:
    """Base of the per-function callable types (isinstance says a function was wrapped)."""

    __wrapped__: Callable[..., object]

    def __repr__(self) -> str:
        return f"<built-in function {self.__name__}>"  # type: ignore[attr-defined]

    def __reduce__(self) -> str:
        return self.__qualname__  # type: ignore[attr-defined]


def builtin_like(function: Callable[..., object], module: str) -> Callable[..., object]:
    """Wrap `function` so that it is not bound as a method and pickles as `module.name`."""
    name = function.__name__
    kind = type(name, (BuiltinLike,), {"__call__": staticmethod(function)})
    wrapped = kind()
    wrapped.__dict__.update(
        {"__wrapped__": function, "__name__": name, "__qualname__": name, "__module__": module,
         "__doc__": function.__doc__}
    )  # fmt: skip
    return wrapped
