"""Per-call-site de-duplication with exact counts.

GraalPy users complain of logs flooded with one repeated line (graalpython #321).
Here each (limitation, call site, context) is written once, when it is first
hit; if it is hit again, one closing line with the exact total is written when
the process exits.  structlog and threading are imported on the first line
written, never at start-up.
"""

from __future__ import annotations

import _thread
import atexit
import time
from _weakrefset import WeakSet  # already loaded at start-up (abc uses it), unlike weakref

from interpose.host import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Protocol

    class Sink(Protocol):
        def write_line(self, line: str) -> None: ...

        def close(self) -> None: ...


CallSite = tuple[str, int, str]


class _Tally:
    __slots__ = ("fields", "count", "written")

    def __init__(self, fields: dict[str, Any]) -> None:
        self.fields = fields
        self.count = 1
        self.written = 1


class _SinkLogger:
    """The "logger" structlog hands rendered lines to."""

    def __init__(self, sink: Sink) -> None:
        self._sink = sink

    def msg(self, line: str) -> None:
        self._sink.write_line(line)


class Recorder:
    """Receives every limitation hit at or above `threshold` and writes lines to `sink`."""

    def __init__(self, threshold: int, sink: Sink, *, human: bool = False) -> None:
        self.threshold = threshold
        self.sink = sink
        self.human = human
        self.context: dict[str, str] = {}  # extra fields, part of the key (the pytest plugin's test id)
        self.lost = 0  # lines that could not be written
        self._logger: Any = None
        self._start_run()
        atexit.register(self.flush_totals)
        _watch_forks(self)

    def _start_run(self) -> None:
        """A new process is a new run: forget the parent's tallies, which the parent will write."""
        self.pid = os.getpid()
        self.run = f"{self.pid}-{time.time_ns()}"
        self._tallies: dict[tuple[Any, ...], _Tally] = {}
        self._lock = _thread.allocate_lock()

    def record(self, fields: dict[str, Any], callsite: CallSite | None) -> None:
        """Count one hit; write it if it is the first at this call site."""
        key = (fields["limitation"], callsite, *self.context.values())
        with self._lock:
            tally = self._tallies.get(key)
            if tally is not None:
                tally.count += 1
                return
            event = dict(fields)
            event["callsite"] = (
                {"file": callsite[0], "line": callsite[1], "function": callsite[2]} if callsite else None
            )
            event.update(self.context)
            event["pid"] = self.pid
            event["run"] = self.run
            event["thread"] = _thread_name()
            tally = self._tallies[key] = _Tally(event)
        self._write(tally.fields, count=1, final=False)

    def flush_totals(self) -> None:
        """Write the exact total of every call site hit more often than already written.

        Called at exit and deactivation, but also mid-run (the pytest plugin reads counts back), so a
        key may be flushed twice: a later closing line says in `prior` the total its predecessor wrote,
        which keeps the additive rule of docs/events.md exact (each line adds `count - prior`).
        """
        if self.pid != os.getpid():
            return
        with self._lock:
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

    def _write(self, event: dict[str, Any], *, count: int, final: bool, prior: int = 1) -> None:
        if self._logger is None:
            self._logger = self._build_logger()
        extra = {"prior": prior} if prior > 1 else {}  # only on a key's second or later closing line
        try:
            self._logger.msg(**event, count=count, final=final, **extra)
        except OSError as error:  # the program removed the log's directory, filled the disk, ...
            self._report_lost(error)

    def _report_lost(self, error: OSError) -> None:
        """Say once, on stderr, that events are being lost; never break the program being observed."""
        self.lost += 1
        if self.lost == 1:
            import sys

            sys.stderr.write(f"interpose: cannot write compatibility events: {error}\n")

    def _build_logger(self) -> Any:
        import structlog

        from interpose.events.renderers import json_renderer, order_fields, render_human

        renderer = render_human if self.human else json_renderer()
        processors = [structlog.processors.TimeStamper(fmt="iso", utc=True, key="ts"), order_fields, renderer]
        return structlog.wrap_logger(_SinkLogger(self.sink), processors=processors, wrapper_class=structlog.BoundLogger)


def _thread_name() -> str:
    import threading

    return threading.current_thread().name


# Fork hooks cannot be unregistered: one hook for the whole process, over the recorders still alive, so that
# activating once per test (the pytest fixture) neither piles up hooks nor keeps old recorders alive.
_live_recorders: WeakSet[Recorder] = WeakSet()


_fork_hook_installed = False


def _watch_forks(recorder: Recorder) -> None:
    global _fork_hook_installed
    if not _fork_hook_installed:
        os.register_at_fork(after_in_child=_restart_runs_in_child)
        _fork_hook_installed = True
    _live_recorders.add(recorder)


def _restart_runs_in_child() -> None:
    for recorder in list(_live_recorders):
        recorder._start_run()
