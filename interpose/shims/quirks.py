"""GraalPy's own answers where a posix function exists on both sides but checks or reports otherwise.

On both backends (GraalPy's PosixModuleBuiltins, HEAD 85d36e23), under enforce (under warn the call is
CPython's, the difference logged):

- `dup2` with a negative fd or fd2 raises OSError(EINVAL) before asking the OS
  (CPython gives the OS's EBADF);
- `utime` raises its OSError without the path (`filename` is None, the message
  names no file), where CPython names it.

Each wraps whatever function the backend put in the namespace (the host's, or
the emulated one), as a C builtin would behave (builtin_like).
"""

from __future__ import annotations

import sys

from interpose.compat import hit
from interpose.host import os
from interpose.shims.builtin_like import builtin_like

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

EINVAL = 22  # errno.EINVAL (Linux and macOS), without importing errno into a program that did not


def _dup2(host: Callable[..., object]) -> Callable[..., object]:
    def dup2(fd: object, fd2: object, inheritable: bool = True) -> object:
        if (_negative(fd) or _negative(fd2)) and hit("fd.dup2_negative", "os.dup2"):
            raise OSError(EINVAL, os.strerror(EINVAL))
        return host(fd, fd2, inheritable)

    return dup2


def _negative(value: object) -> bool:
    return isinstance(value, int) and value < 0


def _utime(host: Callable[..., object]) -> Callable[..., object]:
    def utime(*args: object, **kwargs: object) -> object:
        try:
            return host(*args, **kwargs)
        except OSError as error:
            if error.filename is None or not hit("fs.utime_error_path", "os.utime"):
                raise
            raise OSError(error.errno, error.strerror) from None

    return utime


QUIRKS: dict[str, Callable[[Callable[..., object]], Callable[..., object]]] = {"dup2": _dup2}
if sys.version_info >= (3, 13):  # before 3.13 CPython's utime names no file either: nothing to change, no frame to pay
    QUIRKS["utime"] = _utime


def with_quirks(namespace: dict[str, object], cache: dict[tuple[str, str], tuple[object, object]]) -> None:
    """Wrap the namespace's functions that GraalPy answers otherwise; `cache` keeps one wrapper per function."""
    for name, make in QUIRKS.items():
        function = namespace.get(name)
        if not callable(function):
            continue
        cached = cache.get(("quirk", name))
        if cached is None or cached[0] is not function:
            wrapper = make(function)
            wrapper.__doc__ = function.__doc__
            cached = cache[("quirk", name)] = (function, builtin_like(wrapper, "posix"))
        namespace[name] = cached[1]
