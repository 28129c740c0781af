"""A hit is a probe, a guarded use or an unguarded use: feature detection is not breakage.

`hasattr(os, "fork")`, `getattr(os, "fork", None)`, `try: os.fork except
AttributeError` and `try: from os import fork except ImportError` work on GraalPy:
the program asked whether the feature is there and took the other path.  Such a
hit is a *probe*, logged below the default level.  Any other hit is a *use*:
*guarded* when the program's own frame would catch what GraalPy raises there (an
enclosing `except` naming that class or a base of it, or a bare `except:`),
*unguarded* otherwise.  Only the frame's byte-code is read (compat/bytecode.py),
once per instruction: nothing is imported, nothing is run.  docs/events.md, "Probes
and uses", says what is and is not recognised.
"""

from __future__ import annotations

from _io import UnsupportedOperation

from interpose.compat import bytecode

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import FrameType

    from interpose.compat.catalog import Limitation

PROBE = "probe"
GUARDED = "guarded"
UNGUARDED = "unguarded"
USES = (UNGUARDED, GUARDED, PROBE)

_IMPORT_FROM = bytecode.OP.get("IMPORT_FROM", -1)
_JAVA_UNSUPPORTED = "Feature not supported on 'java' POSIX backend"
_RAISING = ("raised", "refused")

_guards: dict[tuple[object, int, type[BaseException]], bool] = {}


def exception_of(entry: Limitation) -> type[BaseException] | None:
    """The class GraalPy raises for `entry` under enforce (None when nothing is raised)."""
    raises = getattr(entry, "raises", None)
    if raises is not None:
        return raises  # type: ignore[no-any-return,unused-ignore]
    if entry.enforce not in _RAISING:
        return None
    if entry.message.startswith(_JAVA_UNSUPPORTED):
        return UnsupportedOperation
    return Exception  # not known more precisely: only a handler that takes any Exception guards it


def _lookup_probe(frame: FrameType) -> tuple[bool, type[BaseException]]:
    """For an attribute lookup that found nothing: (already a probe by itself, the exception it raises here)."""
    code, at = frame.f_code, frame.f_lasti
    raw = code.co_code
    if at < 0 or at >= len(raw):
        return False, AttributeError
    op = raw[at]
    if op in bytecode.CALLS:
        name = bytecode.callee_name(code, at)
        _op, count = bytecode.instruction(raw, at)
        if name == "hasattr" or (name == "getattr" and count >= 3):
            return True, AttributeError
    if op == _IMPORT_FROM:
        return False, ImportError  # `from os import fork`: IMPORT_FROM turns the AttributeError into this
    return False, AttributeError


def _caught(frame: FrameType, exception: type[BaseException]) -> bool:
    key = (frame.f_code, frame.f_lasti, exception)
    verdict = _guards.get(key)
    if verdict is None:
        if len(_guards) > 4096:
            _guards.clear()
        verdict = _guards[key] = bytecode.caught_here(frame, exception)
    return verdict


def classify(entry: Limitation, lookup: bool, inner: FrameType | None, program: FrameType | None) -> str:
    """The class of one hit.

    `lookup`: the hit is a module `__getattr__` for a name the backend lacks (else a call);
    `inner`: the frame that made the access or call; `program`: the program's own frame
    that led to it (the call site), which may be `inner` itself.
    """
    exception: type[BaseException] | None
    if lookup and inner is not None:
        probe, exception = _lookup_probe(inner)
        if probe or _caught(inner, exception):
            return PROBE
    else:
        exception = exception_of(entry)
    guard = program if program is not None else inner
    if exception is not None and guard is not None and _caught(guard, exception):
        return GUARDED
    return UNGUARDED
