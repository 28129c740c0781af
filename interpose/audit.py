"""One audit hook (PEP 578) beside the shims, for calls that go around them.

A reference taken before activation (`from os import fork` in a module loaded
earlier), or native code handed an emulated fd (mmap, fcntl), reaches the host
without passing a shim.  The hook notices such calls while a backend is active,
logs them like any other hit and, where the backend says so, refuses them.
Audit hooks cannot be removed, so it is installed once and does nothing while no
backend is active.  It is not a security boundary: ctypes and C code can avoid
it, and docs/usage.md says so.
"""

from __future__ import annotations

import sys

from interpose.compat import hit

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable


class BypassRefused(RuntimeError):
    """Raised into a call that reached the host around the shims under the enforce policy."""


class Watch:
    """What to do about one audit event: the limitation it hits, when (`applies`), and the refusal."""

    __slots__ = ("limitation", "applies", "refusal")

    def __init__(
        self,
        limitation: str,
        applies: Callable[[tuple[object, ...]], bool] | None = None,
        refusal: Callable[[str, tuple[object, ...]], BaseException] | None = None,
    ) -> None:
        self.limitation = limitation
        self.applies = applies
        self.refusal = refusal


def _bypass(event: str, args: tuple[object, ...]) -> BaseException:
    return BypassRefused(f"{event} is not available on GraalPy (reached around interpose's shims)")


_watched: dict[str, Watch] = {}
_installed = False


def _hook(event: str, args: tuple[object, ...]) -> None:
    watch = _watched.get(event)
    if watch is None or (watch.applies is not None and not watch.applies(args)):
        return
    enforce = hit(watch.limitation, event)
    if watch.refusal is not None and (enforce or watch.applies is not None):
        raise watch.refusal(event, args)


def watch(events: dict[str, Watch]) -> None:
    """Watch these audit events for this activation (installing the hook the first time)."""
    global _installed
    _watched.clear()
    _watched.update(events)
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True


def unwatch() -> None:
    _watched.clear()


def missing_function(limitation: str) -> Watch:
    """A function the backend lacks, reached through a reference from before activation."""
    return Watch(limitation, refusal=_bypass)
