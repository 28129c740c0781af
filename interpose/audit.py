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

    __slots__ = ("limitation", "applies", "refusal", "refused_under_warn")

    def __init__(
        self,
        limitation: str,
        applies: Callable[[tuple[object, ...]], bool] | None = None,
        refusal: Callable[[str, tuple[object, ...]], BaseException] | None = None,
        refused_under_warn: bool | None = None,
    ) -> None:
        self.limitation = limitation
        self.applies = applies
        self.refusal = refusal
        # By default a conditional watch (native code handed an emulated fd) refuses under warn too: it cannot work.
        self.refused_under_warn = applies is not None if refused_under_warn is None else refused_under_warn


def _bypass(event: str, args: tuple[object, ...]) -> BaseException:
    return BypassRefused(f"{event} is not available on GraalPy (reached around interpose's shims)")


_watched: dict[str, Watch] = {}
_installed = False


def _hook(event: str, args: tuple[object, ...]) -> None:
    watch = _watched.get(event)
    if watch is None or (watch.applies is not None and not watch.applies(args)):
        return
    enforce = hit(watch.limitation, event)
    if watch.refusal is not None and (enforce or watch.refused_under_warn):
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


class SandboxRefused(PermissionError):
    """Raised into C code that would reach the host around a filesystem provider, under the enforce policy."""


def _sandbox_refusal(event: str, args: tuple[object, ...]) -> BaseException:
    return SandboxRefused(
        1, f"{event} reaches the host's files from native code, around the filesystem provider (refused by interpose)"
    )


def _native_path(args: tuple[object, ...]) -> bool:
    """sqlite3.connect / ctypes.dlopen: a file on the host (not an in-memory database, not the process itself)."""
    target = args[0] if args else None
    if target is None:
        return False
    text = target.decode("utf-8", "replace") if isinstance(target, bytes) else str(target)
    return text not in ("", ":memory:") and "mode=memory" not in text


def _unix_path(args: tuple[object, ...]) -> bool:
    """socket.bind / socket.connect: an AF_UNIX socket and a path (an abstract address starts with a NUL)."""
    if len(args) < 2 or getattr(args[0], "family", None) != 1:  # socket.AF_UNIX, without importing socket
        return False
    address = args[1]
    return isinstance(address, (str, bytes)) and address[:1] not in ("\0", b"\0", "", b"")


def sandbox_watches() -> dict[str, Watch]:
    """C-level routes to the host that a provider other than host cannot cover: refused under enforce, else logged."""
    sqlite = Watch("sandbox.sqlite3", _native_path, _sandbox_refusal, refused_under_warn=False)
    ctypes_load = Watch("sandbox.ctypes", _native_path, _sandbox_refusal, refused_under_warn=False)
    ctypes_call = Watch("sandbox.ctypes", refusal=_sandbox_refusal, refused_under_warn=False)
    unix = Watch("sandbox.unix_socket", _unix_path, _sandbox_refusal, refused_under_warn=False)
    return {
        "sqlite3.connect": sqlite,
        "ctypes.dlopen": ctypes_load,
        "ctypes.call_function": ctypes_call,
        "socket.bind": unix,
        "socket.connect": unix,
    }


def missing_function(limitation: str) -> Watch:
    """A function the backend lacks, reached through a reference from before activation."""
    return Watch(limitation, refusal=_bypass)
