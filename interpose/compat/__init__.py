"""Compatibility events: the one function every layer calls when a limitation applies.

`hit(id, function)` looks the limitation up in the catalog, hands it to the
recorder of the active activation (with the application's call site) when its
level is logged, and tells the caller whether to enforce GraalPy's behaviour.
Everything a hit needs is imported with this module, never on the first hit: a
program may hit its first limitation while iterating `sys.modules`, or at
shutdown (docs/events.md, "No trace in the program").
"""

from __future__ import annotations

from interpose.compat.callsite import find_callsite
from interpose.compat.catalog import CATALOG, Limitation

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from interpose.events.recorder import Recorder

__all__ = ["CATALOG", "Limitation", "Session", "current", "hit"]

ENFORCE = "enforce"
WARN = "warn"
POLICIES = (ENFORCE, WARN)


class Session:
    """What one activation decided: backend, policy and where events go."""

    __slots__ = ("backend", "policy", "recorder")

    def __init__(self, backend: str, policy: str, recorder: Recorder | None) -> None:
        self.backend = backend
        self.policy = policy
        self.recorder = recorder


_session: Session | None = None


def current() -> Session | None:
    return _session


def begin(session: Session) -> None:
    global _session
    _session = session


def end() -> Session | None:
    global _session
    session, _session = _session, None
    return session


def hit(limitation_id: str, function: str, detail: dict[str, Any] | None = None) -> bool:
    """Record one hit of a limitation; return True when GraalPy's behaviour must be enforced."""
    session = _session
    if session is None:
        return False
    entry = CATALOG[limitation_id]
    recorder = session.recorder
    if recorder is not None and entry.level >= recorder.threshold:
        fields: dict[str, Any] = {
            "level": entry.level_name,
            "limitation": entry.id,
            "function": function,
            "backend": session.backend,
            "policy": session.policy,
            "outcome": entry.outcome(session.policy),
            "message": entry.message,
        }
        if detail:
            fields["detail"] = detail
        recorder.record(fields, find_callsite())
    return session.policy == ENFORCE
