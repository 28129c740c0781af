"""The stdlib's import-time decisions over functions GraalPy lacks, for modules imported before activation.

A module imported while a backend is active sees the shim `os`, `select` and
`signal` and decides as it decides on GraalPy (no sendfile copy in shutil, no
posix_spawn in subprocess, the select selector, socket.sendfile by send()).  One
imported earlier decided over the host's modules: under enforce those decisions
are set to GraalPy's, and
the selector classes GraalPy cannot have are taken out of `selectors` (so that
subprocess, imported later, finds none; a selectors imported later is given the
same `__getattr__`), each change undone at deactivation.
"""

from __future__ import annotations

import sys

from interpose import rebinding
from interpose.shims.missing import missing_attribute_hook
from interpose.stdlib import swap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

# (module, global) -> the value the module computes at import on GraalPy
DECISIONS: dict[tuple[str, str], object] = {
    ("shutil", "_USE_CP_SENDFILE"): False,  # hasattr(os, "sendfile")
    ("shutil", "_USE_CP_COPY_FILE_RANGE"): False,  # 3.14: hasattr(os, "copy_file_range")
    ("subprocess", "_USE_POSIX_SPAWN"): False,  # os.posix_spawn
    ("multiprocessing.resource_tracker", "_HAVE_SIGMASK"): False,  # signal.pthread_sigmask
}


def _copyxattr(*args: object, **kwargs: object) -> None:
    """shutil's `_copyxattr` where os has no listxattr: there are no extended attributes to copy."""


DECISIONS[("shutil", "_copyxattr")] = _copyxattr  # hasattr(os, "listxattr")  # hasattr(os, "listxattr")
# selectors defines these only over select.poll, epoll, devpoll and kqueue
_SELECTORS = ("PollSelector", "EpollSelector", "DevpollSelector", "KqueueSelector")


def apply(swaps: list[rebinding.Swap]) -> None:
    """Give modules already imported GraalPy's decisions; append each change to `swaps`."""
    decisions = dict(DECISIONS)
    selectors = sys.modules.get("selectors")
    if selectors is not None:
        select_selector = vars(selectors)["SelectSelector"]
        decisions[("selectors", "DefaultSelector")] = select_selector
        decisions[("subprocess", "_PopenSelector")] = select_selector
    socket = sys.modules.get("socket")
    if socket is not None:  # defined over the host's os.sendfile; socket.sendfile then takes its send() loop
        swap(socket.socket, "_sendfile_use_sendfile", _giving_up(vars(socket)["_GiveupOnSendfile"]), swaps)
    rebinding.override_globals(decisions, swaps)


def patch_selectors(selectors: ModuleType, swaps: list[rebinding.Swap]) -> None:
    """selectors without the classes GraalPy's cannot define, an access to one logged like a missing function."""
    for name in _SELECTORS:
        swap(selectors, name, None, swaps)
    swap(selectors, "__getattr__", missing_attribute_hook("selectors", dict.fromkeys(_SELECTORS, "select.poll")), swaps)


def _giving_up(giveup: type[Exception]) -> Callable[..., object]:
    """socket.socket's sendfile path where os has no sendfile, as socket.py defines it then."""

    def _sendfile_use_sendfile(self: object, file: object, offset: int = 0, count: int | None = None) -> object:
        raise giveup("os.sendfile() not available on this platform")

    return _sendfile_use_sendfile
