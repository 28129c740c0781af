"""One event to one line: a JSON line for files, a human line for standard error.

`order_fields` puts the keys in the order of docs/events.md (the report's fast
path expects it, and files are easier to read by eye).  Nothing here imports a
module: see interpose/events/encode.py.
"""

from __future__ import annotations

from interpose.events.encode import encode

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

SCHEMA_VERSION = 2

FIELD_ORDER: tuple[str, ...] = (
    "schema", "ts", "level", "limitation", "function", "backend", "policy", "outcome", "use", "message", "hint",
    "callsite", "via", "pid", "run", "thread", "count", "final", "test", "detail", "prior",
)  # fmt: skip


def order_fields(event: Mapping[str, Any]) -> dict[str, Any]:
    """Return the event with schema fields first, in schema order, then any others as they came."""
    ordered: dict[str, Any] = {"schema": SCHEMA_VERSION}
    for key in FIELD_ORDER:
        if key in event:
            ordered[key] = event[key]
    for key, value in event.items():
        if key not in ordered:
            ordered[key] = value
    return ordered


def render_json(event: Mapping[str, Any]) -> str:
    """The JSON line of docs/events.md: compact, ASCII only."""
    return encode(order_fields(event))


def render_human(event: Mapping[str, Any]) -> str:
    """One line for a person: where, what, and what interpose did about it."""
    site, via = event.get("callsite"), event.get("via")
    where = f" at {site['file']}:{site['line']} in {site['function']}" if site else ""
    if via:
        where += f" (via {via['file']}:{via['line']} in {via['function']})"
    use = f", {event['use']}" if event.get("use") else ""
    total = f" (x{event['count']} in all)" if event.get("final") else ""
    hint = f" Hint: {event['hint']}" if event.get("hint") else ""
    return (
        f"[interpose::{event['backend']}] {event['level']}: {event['limitation']}: {event['message']}"
        f" [{event['function']}, {event['policy']}: {event['outcome']}{use}]{where}{total}{hint}"
    )
