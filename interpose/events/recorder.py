"""Per-call-site de-duplication with exact counts.

GraalPy users complain of logs flooded with one repeated line (graalpython #321).
Here each (limitation, call site, via, use, context) is written once, when it is
first hit; if it is hit again, a closing line with the exact total is written when
the process exits, and at most every `FLUSH_SECONDS` while it runs (checked on the
hit path, no thread), so a process killed with SIGKILL loses only the hits of its
last interval.  Writing a line imports nothing (docs/events.md, "No trace
in the program"): every module it needs is loaded with this one.
"""

from __future__ import annotations

import _thread
import _weakref  # loaded at start-up, unlike weakref and _weakrefset
import atexit
import sys
import time

from interpose.events.encode import utc_timestamp
from interpose.events.levels import parse_level
from interpose.events.renderers import order_fields, render_human, render_json
from interpose.events.threads import thread_name
from interpose.host import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Protocol

    from interpose.events.forward import Forwarder

    class Sink(Protocol):
        def write_line(self, line: str) -> None: ...

        def close(self) -> None: ...


CallSite = tuple[str, int, str]

#: Totals are written again, on a later hit, once this many seconds have passed since the last time.
FLUSH_SECONDS = 5.0


class _Tally:
    __slots__ = ("fields", "count", "written")

    def __init__(self, fields: dict[str, Any]) -> None:
        self.fields = fields
        self.count = 1
        self.written = 1


class Recorder:
    """Receives every limitation hit at or above `threshold` and writes lines to `sink`."""

    def __init__(
        self,
        threshold: int,
        sink: Sink,
        *,
        human: bool = False,
        forward: Forwarder | None = None,
        flush_seconds: float = FLUSH_SECONDS,
    ) -> None:
        self.threshold = threshold
        self.flush_seconds = flush_seconds
        self.sink = sink
        self.human = human
        self.forwarder = forward
        self.context: dict[str, str] = {}  # extra fields, part of the key (the pytest plugin's test id)
        self.lost = 0  # lines that could not be written
        self._render = render_human if human else render_json
        self._start_run()
        atexit.register(self.flush_totals)
        _watch_forks(self)

    def _start_run(self) -> None:
        """A new process is a new run: forget the parent's tallies, which the parent will write."""
        self.pid = os.getpid()
        self.run = f"{self.pid}-{time.time_ns()}"
        self._tallies: dict[tuple[Any, ...], _Tally] = {}
        self._lock = _thread.allocate_lock()
        self._next_flush = time.monotonic() + self.flush_seconds

    def record(self, fields: dict[str, Any], callsite: CallSite | None, via: CallSite | None = None) -> None:
        """Count one hit; write it if it is the first of its key, and the totals when they are due."""
        key = (fields["limitation"], callsite, via, fields.get("use"), *self.context.values())
        with self._lock:
            tally = self._tallies.get(key)
            if tally is not None:
                tally.count += 1
                if time.monotonic() < self._next_flush:
                    return
                new = False
            else:
                new = True
                event = dict(fields)
                event["callsite"] = _site(callsite)
                if via is not None:
                    event["via"] = _site(via)
                event.update(self.context)
                event["pid"] = self.pid
                event["run"] = self.run
                event["thread"] = thread_name()
                tally = self._tallies[key] = _Tally(event)
        if new:
            self._write(tally.fields, count=1, final=False)
        else:
            self.flush_totals()  # the totals are due: a SIGKILL now loses at most one interval's hits

    def flush_totals(self) -> None:
        """Write the exact total of every call site hit more often than already written.

        Called at exit and deactivation, but also mid-run (the pytest plugin reads counts back), so a
        key may be flushed twice: a later closing line says in `prior` the total its predecessor wrote,
        which keeps the additive rule of docs/events.md exact (each line adds `count - prior`).
        """
        if self.pid != os.getpid():
            return
        with self._lock:
            self._next_flush = time.monotonic() + self.flush_seconds
            pending = [(tally, tally.written) for tally in self._tallies.values() if tally.count > tally.written]
            for tally, _prior in pending:
                tally.written = tally.count
        for tally, prior in pending:
            self._write(tally.fields, count=tally.written, final=True, prior=prior)

    def close(self) -> None:
        """Write pending totals and stop receiving events (deactivation)."""
        self.flush_totals()
        atexit.unregister(self.flush_totals)
        self.sink.close()

    def counts(self) -> dict[tuple[Any, ...], int]:
        """The exact counts so far, keyed by (limitation, call site, context...)."""
        with self._lock:
            return {key: tally.count for key, tally in self._tallies.items()}

    def _write(self, fields: dict[str, Any], *, count: int, final: bool, prior: int = 1) -> None:
        event = order_fields({**fields, "ts": utc_timestamp(), "count": count, "final": final})
        if prior > 1:  # only on a key's second or later closing line
            event["prior"] = prior
        if self.forwarder is not None and self._forward(event) and self.human:
            return  # the program's own configuration shows it: no second line on its stderr
        try:
            self.sink.write_line(self._render(event))
        except OSError as error:  # the program removed the log's directory, filled the disk, ...
            self._report_lost(error)

    def _forward(self, event: dict[str, Any]) -> bool:
        assert self.forwarder is not None
        try:
            return self.forwarder.forward(event, parse_level(event["level"]))
        except Exception as error:  # noqa: BLE001 - the program's handler failing must not fail the observed call
            self._report_lost(error)
            return False

    def _report_lost(self, error: Exception) -> None:
        """Say once, on stderr, that events are being lost; never break the program being observed."""
        self.lost += 1
        if self.lost == 1 and sys.stderr is not None:
            sys.stderr.write(f"interpose: cannot write compatibility events: {error}\n")


def _site(callsite: CallSite | None) -> dict[str, Any] | None:
    return {"file": callsite[0], "line": callsite[1], "function": callsite[2]} if callsite else None


# Fork hooks cannot be unregistered: one hook for the whole process, over the recorders still alive, so that
# activating once per test (the pytest fixture) neither piles up hooks nor keeps old recorders alive.
_live_recorders: dict[int, _weakref.ReferenceType[Recorder]] = {}


_fork_hook_installed = False


def _watch_forks(recorder: Recorder) -> None:
    global _fork_hook_installed
    if not _fork_hook_installed:
        os.register_at_fork(after_in_child=_restart_runs_in_child)
        _fork_hook_installed = True
    key = id(recorder)
    _live_recorders[key] = _weakref.ref(recorder, lambda _dead: _live_recorders.pop(key, None))


def _restart_runs_in_child() -> None:
    for reference in list(_live_recorders.values()):
        recorder = reference()
        if recorder is not None:
            recorder._start_run()
