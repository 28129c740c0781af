"""structlog processors that turn one event into one line.

`order_fields` puts the keys in the order of docs/events.md so that files are
easy to read by eye; `render_json` is structlog's own JSON renderer, compact;
`render_human` writes the line GraalPy users know from `--log.python...level`.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

SCHEMA_VERSION = 1

FIELD_ORDER: tuple[str, ...] = (
    "schema", "ts", "level", "limitation", "function", "backend", "policy", "outcome", "message",
    "callsite", "pid", "run", "thread", "count", "final", "test", "detail",
)  # fmt: skip


def order_fields(_logger: object, _name: str, event: MutableMapping[str, Any]) -> dict[str, Any]:
    """Return the event with schema fields first, in schema order."""
    ordered = {"schema": SCHEMA_VERSION}
    for key in FIELD_ORDER:
        if key in event:
            ordered[key] = event[key]
    for key, value in event.items():
        if key not in ordered:
            ordered[key] = value
    return ordered


def render_human(_logger: object, _name: str, event: MutableMapping[str, Any]) -> str:
    """One line for a person: where, what, and what interpose did about it."""
    site = event.get("callsite")
    where = f" at {site['file']}:{site['line']} in {site['function']}" if site else ""
    total = f" (x{event['count']} in all)" if event.get("final") else ""
    return (
        f"[interpose::{event['backend']}] {event['level']}: {event['limitation']}: {event['message']}"
        f" [{event['function']}, {event['policy']}: {event['outcome']}]{where}{total}"
    )


def json_renderer() -> Any:
    """structlog's JSON renderer, compact and ASCII-only.

    ASCII-only: a file name holding U+2028 or NEL stays on one line for readers
    that split on every Unicode line break, and undecodable names survive.
    """
    import structlog

    return structlog.processors.JSONRenderer(separators=(",", ":"))
