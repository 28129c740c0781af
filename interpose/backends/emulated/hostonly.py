"""posix functions a provider has no operation for: extended attributes, pathconf, chroot.

Where the file has a real path (the host and rooted providers), the host's
function answers for that path; elsewhere the answer is the one Linux gives for
a filesystem without the feature: ENOTSUP for extended attributes (which
`shutil.copystat` expects and skips), EINVAL for pathconf, EPERM for chroot.
"""

from __future__ import annotations

import errno

from interpose.backends.emulated.arguments import path_arg
from interpose.backends.emulated.hostpaths import host_path
from interpose.host import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from interpose.backends.emulated.process import EmulatedProcess


def _real(
    process: EmulatedProcess, function: str, path: object, allow_none: bool = False
) -> tuple[object, str | bytes | int | None]:
    """(the caller's argument, the host path or fd to give the host function, or None when there is none)."""
    arg = path_arg(function, path, allow_fd=True, allow_none=allow_none)
    if arg.fd is not None:
        d = process.description(arg.fd)
        return arg.original, d.fd if d.real else None
    real = host_path(process.fs, process.absolute(arg.text))
    if real is None:
        return arg.original, None
    return arg.original, os.fsencode(real) if arg.is_bytes else real


def _host_or(process: EmulatedProcess, function: str, code: int, allow_none: bool = False) -> Callable[..., object]:
    host = getattr(os, function)

    def call(path: object = None, *args: object, **kwargs: object) -> object:
        original, real = _real(process, function, path, allow_none)
        if real is None:
            raise OSError(code, os.strerror(code), original)
        try:
            return host(real, *args, **kwargs)
        except OSError as e:
            raise OSError(e.errno, e.strerror, original) from None  # the caller's path, never the host's

    call.__name__ = call.__qualname__ = function
    call.__doc__ = host.__doc__
    return call


def build(process: EmulatedProcess) -> dict[str, Callable[..., object]]:
    functions = {
        "getxattr": errno.ENOTSUP, "setxattr": errno.ENOTSUP, "removexattr": errno.ENOTSUP,
        "listxattr": errno.ENOTSUP, "pathconf": errno.EINVAL, "chroot": errno.EPERM,
    }  # fmt: skip
    return {
        name: _host_or(process, name, code, allow_none=name == "listxattr")
        for name, code in functions.items()
        if hasattr(os, name)
    }
