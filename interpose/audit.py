"""One audit hook (PEP 578) beside the shims, for calls that go around them.

A reference taken before activation (`from os import fork` in a module loaded
earlier, a C extension calling posix directly) reaches the host without passing
a shim.  The hook notices such calls while a backend is active and logs them
like any other hit.  Audit hooks cannot be removed, so it is installed once and
does nothing while no backend is active.  It is not a security boundary: ctypes
and C code can avoid it, and docs/ says so.
"""

from __future__ import annotations

import sys

from interpose.compat import current, hit

# audit event -> limitation, for functions a backend has decided the program must not reach.
_watched: dict[str, str] = {}
_installed = False


class BypassRefused(RuntimeError):
    """Raised into a call that reached the host around the shims under the enforce policy."""


def _hook(event: str, args: tuple[object, ...]) -> None:
    limitation = _watched.get(event)
    if limitation is None:
        return
    if hit(limitation, event) and current() is not None:
        raise BypassRefused(f"{event} is not available on GraalPy (reached around interpose's shims)")


def watch(events: dict[str, str]) -> None:
    """Watch these audit events for this activation (installing the hook the first time)."""
    global _installed
    _watched.clear()
    _watched.update(events)
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True


def unwatch() -> None:
    _watched.clear()
