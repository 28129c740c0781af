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
from interpose.host import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from types import FrameType


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


def _hook(
    event: str,
    args: tuple[object, ...],
    _watched: dict[str, Watch] = _watched,
    _finalizing: Callable[[], bool] = sys.is_finalizing,
) -> None:
    """The audit hook.  What it reads is bound at definition: at shutdown the module's globals are cleared while
    the interpreter still raises events, and then (after atexit) nothing is watched."""
    watch = _watched.get(event)
    if watch is None or _finalizing() or (watch.applies is not None and not watch.applies(args)):
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


def child_process_watches(fs: str | None) -> dict[str, Watch]:
    """Child processes under a sandboxing provider: each runs on the host, around the provider, unless it is this
    environment's Python started interposed over the same provider (`fs`, the spec that INTERPOSE_FS carries to
    it; None when the provider is an object, which no child can rebuild).

    Refused under enforce with a PermissionError naming the program, logged under warn.
    """
    watches = {}
    for event, layout in _CHILD_EVENTS.items():
        popen = event == "subprocess.Popen"

        def escapes(args: tuple[object, ...], layout: tuple[int, int, int] = layout, popen: bool = popen) -> bool:
            if not popen and _called_by_subprocess():
                return False  # subprocess's own posix_spawn or exec: its subprocess.Popen event was the child's
            return not _interposed_python(*_child(args, layout), fs)

        watches[event] = Watch("sandbox.child_process", escapes, _child_refusal, refused_under_warn=False)
    watches["os.system"] = Watch("sandbox.child_process", refusal=_child_refusal, refused_under_warn=False)
    return watches


# event -> where its arguments hold: the program, the argument list, the environment
_CHILD_EVENTS = {
    "subprocess.Popen": (0, 1, 3),
    "os.exec": (0, 1, 2),
    "os.posix_spawn": (0, 1, 2),
    "os.spawn": (1, 2, 3),
}


def _child(args: tuple[object, ...], layout: tuple[int, int, int]) -> tuple[str, list[str], Mapping[str, object]]:
    """(program, argument list, environment) of a child-process audit event; the program from argv when None."""
    program, argv, env = (args[index] if index < len(args) else None for index in layout)
    arguments = [_text(arg) for arg in argv] if isinstance(argv, (list, tuple)) else [_text(argv)]
    if program is None:
        program = arguments[0] if arguments else ""
    environ = env if env is not None and hasattr(env, "get") else os.environ
    return _text(program), arguments, environ  # type: ignore[return-value]


def _called_by_subprocess() -> bool:
    """Whether the first frame outside interpose (the backend's own posix_spawn may stand between) that made
    the call raising the audit event is subprocess's."""
    frame: FrameType | None = sys._getframe(3)  # above this function, the watch and the hook
    while frame is not None and str(frame.f_globals.get("__name__", "")).startswith("interpose."):
        frame = frame.f_back
    return frame is not None and frame.f_globals.get("__name__") == "subprocess"


def _child_refusal(event: str, args: tuple[object, ...]) -> BaseException:
    if event == "os.system":
        program = _text(args[0] if args else "")
    else:
        program = _child(args, _CHILD_EVENTS.get(event, (0, 1, 2)))[0]
    return SandboxRefused(
        1, f"{event} would run {program!r} on the host, around the filesystem provider (refused by interpose: "
        "only this environment's Python, interposed over the same provider, may be started)",
    )  # fmt: skip


def _interposed_python(program: str, arguments: list[str], environ: Mapping[str, object], fs: str | None) -> bool:
    """Whether the child is this environment's Python, which its `.pth` line interposes over `fs` again."""
    if fs is None or _text(environ.get("INTERPOSE_BACKEND", "")) != "java":
        return False
    if _text(environ.get("INTERPOSE_FS", "")).strip() != fs:
        return False
    first = arguments[1] if len(arguments) > 1 else ""
    if first.startswith("-") and not first.startswith("--") and "S" in first:
        return False  # -S: no site module, no .pth line: not interposed
    path = program if os.sep in program else _on_path(program, _text(environ.get("PATH", os.defpath)))
    here = os.path.dirname(os.path.abspath(sys.executable))
    return bool(path) and os.path.dirname(os.path.abspath(path)) == here and os.path.basename(path).startswith("python")


def _on_path(name: str, search: str) -> str:
    for directory in search.split(os.pathsep):
        candidate = os.path.join(directory or ".", name)
        if os.access(candidate, os.X_OK) and not os.path.isdir(candidate):
            return candidate
    return ""


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogateescape")
    return value if isinstance(value, str) else str(value)


def missing_function(limitation: str) -> Watch:
    """A function the backend lacks, reached through a reference from before activation."""
    return Watch(limitation, refusal=_bypass)
