"""Compatibility events: the one function every layer calls when a limitation applies.

`hit(id, function)` looks the limitation up in the catalog, hands it to the
recorder of the active activation (with the application's call site) when its
level is logged, and tells the caller whether to enforce GraalPy's behaviour.
Everything a hit needs is imported with this module, never on the first hit: a
program may hit its first limitation while iterating `sys.modules`, or at
shutdown (docs/events.md, "No trace in the program").

Each hit is classified (compat/guards.py) before it is logged: a probe (`hasattr`,
`getattr` with a default, a lookup inside `try/except AttributeError`) is logged
at FINER whatever its entry's level, so feature detection that works on GraalPy
stays below the default level; uses keep their entry's level.
"""

from __future__ import annotations

import sys

from interpose.compat.callsite import inner_frame, program_frame, site
from interpose.compat.catalog import CATALOG, Limitation
from interpose.compat.guards import PROBE, classify
from interpose.events.levels import FINER, level_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from interpose.events.recorder import Recorder

__all__ = ["CATALOG", "Limitation", "Session", "current", "hit"]

ENFORCE = "enforce"
WARN = "warn"
POLICIES = (ENFORCE, WARN)
#: The level of a probe (feature detection that works on GraalPy): below INFO and FINE, seen with FINER or ALL.
PROBE_LEVEL = FINER


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


def hit(
    limitation_id: str,
    function: str,
    detail: dict[str, Any] | None = None,
    *,
    lookup: bool = False,
    probe: bool = False,
) -> bool:
    """Record one hit of a limitation; return True when GraalPy's behaviour must be enforced.

    A hit whose caller is a `__getattr__` is a lookup of a name the backend lacks, and `lookup` says the
    same of other callers (the import of a module GraalPy lacks): a probe when the program handles its
    absence; any other hit is a call.  `probe`: the caller knows it is feature detection (find_spec).
    """
    session = _session
    if session is None:
        return False
    entry = CATALOG[limitation_id]
    recorder = session.recorder
    if recorder is not None and entry.level >= recorder.threshold:
        caller = sys._getframe(1)
        inner = inner_frame(caller)
        program = program_frame(inner)
        use = PROBE if probe else classify(entry, lookup or caller.f_code.co_name == "__getattr__", inner, program)
        level = min(entry.level, PROBE_LEVEL) if use == PROBE else entry.level
        if level >= recorder.threshold:
            fields: dict[str, Any] = {
                "level": entry.level_name if level == entry.level else level_name(level),
                "limitation": entry.id,
                "function": function,
                "backend": session.backend,
                "policy": session.policy,
                "outcome": entry.outcome(session.policy),
                "use": use,
                "message": entry.message,
                "hint": entry.hint,
            }
            if detail:
                fields["detail"] = detail
            callsite = site(program if program is not None else inner)
            via = site(inner) if program is not None and inner is not program else None
            recorder.record(fields, callsite, via)
    return session.policy == ENFORCE
