"""Extended attributes over the provider: the host's where the provider writes to the host, Linux's answer elsewhere.

A provider has no xattr operation, so the backend decides by its kind (hostpaths.refusal): the host and rooted
providers answer with the host's functions on the real path (or the real fd the table gave out); a read-only view
reads through to the host but refuses changes (EROFS, after the lookup); deny refuses everything (EPERM); memory
and overlay behave as a filesystem without xattrs (ENOTSUP, an empty listing, which shutil.copystat expects).
Arguments are converted first, as CPython's argument clinic does.
"""

from __future__ import annotations

import errno

from interpose.backends.emulated.arguments import c_int, path_arg
from interpose.backends.emulated.hostpaths import HostTarget, host_path, refusal, writable_host_target
from interpose.host import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from interpose.backends.emulated.arguments import PathArg
    from interpose.backends.emulated.process import EmulatedProcess


def build(process: EmulatedProcess) -> dict[str, Callable[..., object]]:
    """getxattr, setxattr, removexattr and listxattr over `process` (where the host has them)."""
    if not hasattr(os, "getxattr"):
        return {}

    def _call(function: str, arg: PathArg, follow: bool, write: bool, *args: object) -> object:
        host = getattr(os, function)
        if arg.fd is not None and not follow:
            raise ValueError(f"{function}: cannot use fd and follow_symlinks together")
        if arg.fd is not None:
            d = process.description(arg.fd)
            if d.real:
                return host(d.fd, *args)
            full, original = d.path, arg.original
        else:
            full, original = process.full_path(arg, None), arg.original
        try:
            if write:
                target = writable_host_target(process.fs, full, follow)
            else:
                real = host_path(process.fs, full, follow)
                target = None if real is None else HostTarget(real, follow)
            if target is not None:
                try:
                    path = os.fsencode(target.path) if arg.is_bytes else target.path
                    return host(path, *args, follow_symlinks=target.follow)
                finally:
                    target.close()
            missing = errno.ENOTSUP if function != "listxattr" else None
            refused = refusal(process.fs, full, follow, missing, write=write)
        except OSError as e:
            raise OSError(e.errno, e.strerror, original) from None  # the caller's path, never the host's
        if refused is not None:
            raise OSError(refused.errno, refused.strerror, original)
        return []  # listxattr where there are none

    def getxattr(path: object, attribute: object, *, follow_symlinks: bool = True) -> bytes:
        arg = path_arg("getxattr", path, allow_fd=True)
        name = path_arg("getxattr", attribute, "attribute")
        return _call("getxattr", arg, bool(follow_symlinks), False, name.original)  # type: ignore[return-value]

    def setxattr(path: object, attribute: object, value: object, flags: int = 0, *,
                 follow_symlinks: bool = True) -> None:  # fmt: skip
        arg = path_arg("setxattr", path, allow_fd=True)
        name = path_arg("setxattr", attribute, "attribute")
        data = _buffer(value)
        _call("setxattr", arg, bool(follow_symlinks), True, name.original, data, c_int(flags))

    def removexattr(path: object, attribute: object, *, follow_symlinks: bool = True) -> None:
        arg = path_arg("removexattr", path, allow_fd=True)
        name = path_arg("removexattr", attribute, "attribute")
        _call("removexattr", arg, bool(follow_symlinks), True, name.original)

    def listxattr(path: object = None, *, follow_symlinks: bool = True) -> list[str]:
        arg = path_arg("listxattr", path, allow_fd=True, allow_none=True)
        return _call("listxattr", arg, bool(follow_symlinks), False)  # type: ignore[return-value]

    return {function.__name__: function for function in (getxattr, setxattr, removexattr, listxattr)}


def _buffer(value: object) -> bytes:
    """CPython's `y*` conversion: any bytes-like object, and its message for anything else."""
    try:
        return memoryview(value).tobytes()  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"a bytes-like object is required, not '{type(value).__name__}'") from None
