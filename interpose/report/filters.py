"""Which events a report counts: level, backend, limitation and time window.

Level, backend and limitation are properties of a call site, so they are decided
once per distinct site; the time window is checked per line against canonical
timestamps, which compare correctly as byte strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from interpose.report.levels import EVENT_LEVELS, parse_threshold
from interpose.report.parsing import canonical_time

_EARLIEST = b""
_LATEST = b"\xff"


@dataclass(frozen=True)
class Filters:
    """The user's filters, already parsed and validated."""

    level: int = 0
    backends: frozenset[str] = frozenset()
    limitations: tuple[str, ...] = ()
    since: bytes = _EARLIEST
    until: bytes = _LATEST
    described: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def timed(self) -> bool:
        """Whether a time window is set (the per-line check is skipped otherwise)."""
        return self.since != _EARLIEST or self.until != _LATEST

    def accepts_site(self, level: str, limitation: str, backend: str) -> bool:
        """Whether events of this level, limitation and backend are counted."""
        if EVENT_LEVELS[level] < self.level or (self.backends and backend not in self.backends):
            return False
        return not self.limitations or matches_limitation(limitation, self.limitations)


def matches_limitation(limitation: str, wanted: Sequence[str]) -> bool:
    """An exact id, or a dotted prefix: `process` matches `process.fork` but not `processes.x`."""
    return any(limitation == w or limitation.startswith(w.rstrip(".") + ".") for w in wanted)


def time_bound(text: str) -> bytes:
    """A --since/--until value as a canonical timestamp; ValueError with a readable message."""
    try:
        return canonical_time(text).encode()
    except ValueError:
        example = "for example 2026-11-25 or 2026-11-25T14:30Z"
        raise ValueError(f"not an ISO 8601 time: {text!r} ({example})") from None


def make_filters(
    level: str | None = None,
    backends: Sequence[str] = (),
    limitations: Sequence[str] = (),
    since: str | None = None,
    until: str | None = None,
) -> Filters:
    """Filters from command-line strings; ValueError for a bad level or time."""
    described: dict[str, str] = {}
    threshold = 0
    if level is not None:
        threshold = parse_threshold(level)
        described["level"] = level.upper()
    if backends:
        described["backend"] = ", ".join(backends)
    if limitations:
        described["limitation"] = ", ".join(limitations)
    lower = upper = None
    if since is not None:
        lower = time_bound(since)
        described["since"] = lower.decode()
    if until is not None:
        upper = time_bound(until)
        described["until"] = upper.decode()
    return Filters(
        level=threshold,
        backends=frozenset(backends),
        limitations=tuple(limitations),
        since=lower or _EARLIEST,
        until=upper or _LATEST,
        described=described,
    )
