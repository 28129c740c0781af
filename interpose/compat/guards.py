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
#: What an entry raises when neither its message nor its kind says (GraalPy's own exceptions).
_RAISES: dict[str, type[BaseException]] = {"subprocess.preexec_fn": RuntimeError, "select.fd_setsize": ValueError}
_NO_MODULE = "No module named "  # the message of a module GraalPy does not have: its import raises


def exception_of(entry: Limitation) -> type[BaseException] | None:
    """The class GraalPy raises for `entry` under enforce (None when nothing is raised)."""
    if entry.enforce not in _RAISING:
        return None
    known = _RAISES.get(entry.id)
    if known is not None:
        return known
    if entry.message.startswith(_JAVA_UNSUPPORTED):
        return UnsupportedOperation
    if " not exist" in entry.message:  # a function GraalPy does not define: its lookup raises
        return AttributeError
    if entry.message.startswith(_NO_MODULE):
        return ModuleNotFoundError
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


_classes: dict[tuple[object, ...], str] = {}


def classify(entry: Limitation, lookup: bool, inner: FrameType | None, program: FrameType | None) -> str:
    """The class of one hit, worked out once per (entry, kind, instruction of each frame).

    `lookup`: the hit is a module `__getattr__` for a name the backend lacks (else a call);
    `inner`: the frame that made the access or call; `program`: the program's own frame
    that led to it (the call site), which may be `inner` itself.
    """
    key = (
        entry.id, lookup,
        None if inner is None else inner.f_code, -1 if inner is None else inner.f_lasti,
        None if program is None else program.f_code, -1 if program is None else program.f_lasti,
    )  # fmt: skip
    use = _classes.get(key)
    if use is None:
        if len(_classes) > 4096:
            _classes.clear()
        use = _classes[key] = _classify(entry, lookup, inner, program)
    return use


def _classify(entry: Limitation, lookup: bool, inner: FrameType | None, program: FrameType | None) -> str:
    exception = exception_of(entry)
    if lookup and inner is not None:
        probe, looked_up = _lookup_probe(inner)
        if exception is not ModuleNotFoundError:  # an import of a module GraalPy lacks raises that, whatever the op
            exception = looked_up
        if probe or bytecode.caught_here(inner, exception):
            return PROBE
    elif exception is AttributeError and inner is not None and bytecode.caught_here(inner, exception):
        return PROBE  # under warn a missing function is kept and its call logged: `try: os.fork() except ...`
    guard = program if program is not None else inner
    if exception is not None and guard is not None and bytecode.caught_here(guard, exception):
        return GUARDED
    return UNGUARDED
