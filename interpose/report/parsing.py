"""One event line to one row: the reference parser, and a fast path proved equal to it.

`parse_line` is the definition: `json.loads` (non-strict: raw control characters
are accepted inside strings) and a check of the fields the report uses.  It costs
about 4 µs a line, too slow for the 500,000 lines a second the report must read,
so `parse_block` first runs a regular expression over whole blocks of lines.

A row is (ts, head, callsite, process, tally, test, prior), all bytes.  `tally` is
the text from `count` through `final` (what a line adds to its key's total,
docs/events.md's additive rule, depends on both), `prior` the optional integer
of a key's second or later closing line.  `head` is the
text of the members from `level` to `hint` (what a person reads about the hit: its
limitation, level, backend, use, message and hint), `callsite` that member's value and
`process` the text of `pid` and `run`: the aggregator only hashes them, and turns
a new one into fields once (`resolve_head`, `resolve_callsite`,
`resolve_process`), which is what makes the fast path fast.  They are cut small
and apart (not one group from `level` to `run`) so that the tables they are
looked up in stay small enough for the processor's cache: a log has few heads,
call sites and runs, but many combinations of them.  The reference parser builds
the same members with `json.dumps`, so both resolve to the same fields.

Why the fast path returns what `parse_line` returns (after resolving) for every
line it accepts -- tests/report/test_report_parsing.py checks it on generated and mutated
lines:

1. It is only tried on text with no backslash that is valid UTF-8.  Without a
   backslash a JSON string has no escapes, so every `"` delimits a string and a
   string's value is its raw text: `"[^"]*"`, within one line, is exactly a string.
2. The pattern is a sub-grammar of JSON: an object whose members have the
   documented keys, each once, in the documented order, with values that are
   strings, numbers, literals or flat objects of those.  A line it matches is a
   JSON object with exactly those keys (no duplicates, so no "last one wins"),
   and as the grammar is unambiguous the groups are unique.  The head and
   process groups are runs of whole members, so wrapped in braces they are JSON
   objects whose values are the line's own; the callsite group is a JSON value.
   Possessive quantifiers (Python 3.11+) change nothing here: no `[^"]` run can
   give back a character that what follows it could use, so they only spare
   the engine its backtracking bookkeeping.
3. Every value the report uses is typed as tightly as `event_row` checks it:
   schema the literal 1 or 2, a canonical timestamp, an upper-case level name,
   non-empty strings for limitation/backend/run, integers without leading zeros
   or `-0`, a count of at least 1, and a call site that is `null` or exactly
   {file, line, function}.  A line that differs in any way falls back to
   `parse_line`.
4. Over a block, `findall` with `re.MULTILINE` and `^...$` gives non-overlapping
   matches that each start at a line start and end at a line end.  A match
   crossing a newline covers several lines, so the number of matches equals the
   number of lines only when every match is exactly one whole line: every line
   was accepted, with the groups `fullmatch` gives it alone.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import datetime, timezone
from typing import Any

from interpose.report.levels import EVENT_LEVELS

#: ts, head members, callsite value, process members, count and final, test, prior (b"" when absent): see the
#: module docstring.
Row = tuple[bytes, bytes, bytes, bytes, bytes, bytes, bytes]
#: limitation, level, backend, use, message, hint, source, distribution ("" where the line has none;
#: source "runtime" unless the line says "static").
HeadFields = tuple[str, str, str, str, str, str, str, str]
#: file, line, function ("" for all three without a call site).
CallsiteFields = tuple[str, str, str]
#: Where a static finding's row keeps its process: no pid, no run (a run is never "" on a runtime line).
STATIC_PROCESS = b'0,"run":""'
#: The values of `source`: a runtime event (the writer's, which has no such member) or a scanner's finding.
SOURCES = ("runtime", "static")

#: The order docs/events.md lists the fields in, which the writer follows.
DOCUMENTED_ORDER = (
    "schema", "ts", "level", "limitation", "function", "backend", "policy", "outcome", "use", "message", "hint",
    "callsite", "via", "pid", "run", "thread", "count", "final", "test", "detail", "prior",
)  # fmt: skip
#: Schema versions read: 2 only adds members (`use`, `hint`, `via`) that the report does not need.
SCHEMAS = (1, 2)

_DECODER = json.JSONDecoder(strict=False)
_CANONICAL_TS = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")


class BadLine(ValueError):
    """A line that is not a version 1 or 2 event; `reason` is a short category for the per-file summary."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def canonical_time(value: object) -> str:
    """An ISO 8601 time as `YYYY-MM-DDTHH:MM:SS.ffffffZ` in UTC, so that times compare as strings.

    A naive time is taken as UTC.  ValueError when it is not a time.
    """
    if not isinstance(value, str):
        raise ValueError("not a string")
    if _CANONICAL_TS.fullmatch(value):
        return value
    text = value.strip()
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is not None:
            moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    except OverflowError as error:
        raise ValueError(str(error)) from None
    return moment.isoformat(timespec="microseconds") + "Z"


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _text(obj: dict[str, Any], key: str, *, empty: bool = False) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not (value or empty):
        raise BadLine(f"bad or missing {key!r}")
    return value


def _optional(obj: dict[str, Any], key: str) -> str:
    """A text member the report shows but does not need: "" when absent or not a string (as the fast path)."""
    value = obj.get(key)
    return value if isinstance(value, str) else ""


def _integer(obj: dict[str, Any], key: str) -> int:
    value = obj.get(key)
    if type(value) is not int:
        raise BadLine(f"bad or missing {key!r}")
    return value


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def event_row(obj: object) -> Row:
    """The row of a decoded JSON value, or BadLine saying why it is not a version 1 or 2 event."""
    if not isinstance(obj, dict):
        raise BadLine("not a JSON object")
    schema = obj.get("schema")
    if type(schema) is not int or schema not in SCHEMAS:
        raise BadLine("other schema version" if "schema" in obj else "no schema version")
    try:
        ts = canonical_time(obj.get("ts"))
    except ValueError:
        raise BadLine("bad or missing 'ts'") from None
    level = obj.get("level")
    if not isinstance(level, str) or level.upper() not in EVENT_LEVELS:
        raise BadLine("bad or missing 'level'")
    site = obj.get("callsite", 0)
    if isinstance(site, dict):
        where = {
            "file": _text(site, "file", empty=True),
            "line": _integer(site, "line"),
            "function": _text(site, "function", empty=True),
        }
    elif site is not None:
        raise BadLine("bad or missing 'callsite'")
    count = obj.get("count")
    if type(count) is not int or count < 1:
        raise BadLine("bad or missing 'count'")
    test = obj.get("test")
    prior = obj.get("prior")
    source = obj.get("source", "runtime")
    if source not in SOURCES:
        raise BadLine("bad 'source'")
    head = {
        "level": level.upper(),
        "limitation": _text(obj, "limitation"),
        "backend": _text(obj, "backend"),
        **{key: _optional(obj, key) for key in ("use", "message", "hint")},
        "source": source,
        "distribution": _text(obj, "distribution", empty=True) if "distribution" in obj else "",
    }
    if source == "static":  # a finding belongs to no process: its pid and run, if any, are the scanner's
        process = STATIC_PROCESS
    else:
        process = _encode(f'{_integer(obj, "pid")},"run":{_dump(_text(obj, "run"))}')
    return (
        ts.encode(),
        _encode(_dump(head)[1:-1]),
        _encode(_dump(where if site is not None else None)),
        process,
        f'{count},"final":true'.encode() if obj.get("final") is True else str(count).encode(),
        b"" if test is None else _encode(_text(obj, "test", empty=True)),
        str(prior).encode() if type(prior) is int and prior >= 1 else b"",
    )


def _json(text: bytes) -> Any:
    return _DECODER.decode(text.decode("utf-8", "surrogatepass"))


def _members(text: bytes) -> dict[str, Any]:
    result: dict[str, Any] = _json(b"{" + text + b"}")
    return result


def resolve_head(head: bytes) -> HeadFields:
    """The fields of a row's head members (called once per distinct head text): see `HeadFields`."""
    members = _members(head)
    return (
        members["limitation"],
        members["level"],
        members["backend"],
        *(_optional(members, key) for key in ("use", "message", "hint")),
        members.get("source", "runtime"),
        members.get("distribution", ""),
    )


def resolve_callsite(callsite: bytes) -> CallsiteFields:
    """(file, line, function) of a row's callsite value (called once per distinct text)."""
    where = _json(callsite)
    return ("", "", "") if where is None else (where["file"], str(where["line"]), where["function"])


def resolve_process(process: bytes) -> tuple[str, str]:
    """(run, pid) of a row's process members (called once per distinct run)."""
    members = _members(b'"pid":' + process)
    return members["run"], str(members["pid"])


def resolve_tally(tally: bytes) -> tuple[int, bool]:
    """(count, final) of a row's tally text (called once per distinct text)."""
    count, _, final = tally.partition(b",")
    return int(count), final.endswith(b"true")


def decode_line(raw: bytes) -> object:
    """The JSON value of one line, or BadLine."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadLine("not UTF-8") from None
    try:
        return _DECODER.decode(text)
    except (ValueError, RecursionError):
        raise BadLine("not JSON") from None


def reference_row(raw: bytes) -> Row:
    """The reference parser: the row of one line, or BadLine."""
    return event_row(decode_line(raw))


# --- the fast path -------------------------------------------------------------------------------

_STR = rb'"[^"]*"'
_NUM = rb"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
_SCALAR = rb"(?:" + _STR + rb"|" + _NUM + rb"|true|false|null)"
_PAIR = _STR + rb":" + _SCALAR
_INT = rb"(?:0|-?[1-9][0-9]*)"
_LEVEL = rb'"(?:' + "|".join(EVENT_LEVELS).encode() + rb')"'
_SITE = rb'null|\{"file":"[^"]*","line":' + _INT + rb',"function":"[^"]*"\}'
_CALLSITE = rb"(?P<callsite>" + _SITE + rb")"
#: (key, value pattern) in the documented order; None marks where the head and process groups
#: open and close.  `final` (inside the tally group), `test`, `detail` and `prior` may be left out
#: (docs/events.md's first line has no `final`); any other difference sends the line to `parse_line`.
_MEMBERS: tuple[tuple[str, bytes] | None, ...] = (
    ("schema", rb"[12]"),
    ("ts", rb'"(?P<ts>[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z)"'),
    None,
    ("level", _LEVEL), ("limitation", rb'"[^"]+"'), ("function", _STR), ("backend", rb'"[^"]+"'),
    ("policy", _STR), ("outcome", _STR), ("use", _STR), ("message", _STR), ("hint", _STR),
    None,
    ("callsite", _CALLSITE),
    ("via", rb"(?:" + _SITE + rb")"),
    None,
    ("pid", _INT),
    ("run", rb'"[^"]+"'),
    None,
    ("thread", _STR),
    ("count", rb'(?P<tally>[1-9][0-9]*(?:,"final":(?:true|false))?)'),
    ("test", rb'(?:"(?P<test>[^"]*)"|null)'),
    ("detail", rb"(?:" + _SCALAR + rb"|\{(?:" + _PAIR + rb"(?:," + _PAIR + rb")*)?\})"),
    ("prior", rb"(?P<prior>[1-9][0-9]*)"),
)  # fmt: skip
_OPTIONAL = ("use", "hint", "via", "test", "detail", "prior")


def _pattern(spaced: bool) -> re.Pattern[bytes]:
    """The documented layout, with compact separators or those of `json.dumps`'s default."""
    groups = iter((rb"(?P<head>", rb")", rb"(?P<process>", rb")"))
    parts = [rb"^\{"]
    first = True
    for member in _MEMBERS:
        if member is None:
            parts.append(next(groups))
            continue
        key, value = member
        text = (b"" if first else b",") + b'"' + key.encode() + b'":' + value
        parts.append(b"(?:" + text + b")?" if key in _OPTIONAL else text)
        first = False
    parts.append(rb"\}[ \t\r]*$")
    pattern = b"".join(parts)
    # the head group opened before its comma: move the comma out so the group is whole members
    pattern = pattern.replace(rb'(?P<head>,"level"', rb',(?P<head>"level"')
    pattern = pattern.replace(rb'(?P<process>,"pid":', rb',"pid":(?P<process>')
    if spaced:
        pattern = pattern.replace(b'":', b'": ').replace(b',"', b', "').replace(b",(?P<head>", b", (?P<head>")
    if sys.version_info >= (3, 11):  # possessive runs: see point 2 of the module docstring
        for run in (rb'[^"]*', rb'[^"]+', rb"[0-9]*", rb"[0-9]+", rb"[ \t\r]*"):
            pattern = pattern.replace(run, run + b"+")
    return re.compile(pattern, re.MULTILINE)


_PATTERNS = (_pattern(spaced=False), _pattern(spaced=True))


def _is_utf8(data: bytes) -> bool:
    if data.isascii():
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def fast_row(raw: bytes) -> Row | None:
    """The row of one line (no newline) by the fast path, or None when it does not apply."""
    if b"\\" in raw or not _is_utf8(raw):
        return None
    for pattern in _PATTERNS:
        found = pattern.fullmatch(raw)
        if found is not None:
            return found.groups(b"")  # type: ignore[return-value]
    return None


def parse_line(raw: bytes) -> Row:
    """The row of one line: the fast path where it applies, else the reference parser."""
    return fast_row(raw) or reference_row(raw)


def parse_block(block: bytes, lines: int | None = None) -> tuple[list[Row], list[tuple[int, str]]]:
    """Rows of a block of whole lines, and (line index in block, reason) for each bad line.

    `lines` is the block's number of lines if the caller has counted them already (counting is
    an eighth of the time a line costs).
    """
    if lines is None:
        lines = block.count(b"\n") + (not block.endswith(b"\n"))
    if b"\\" not in block and _is_utf8(block):
        for pattern in _PATTERNS:
            found = pattern.findall(block)
            if len(found) == lines:
                return found, []
    rows: list[Row] = []
    bad: list[tuple[int, str]] = []
    for index, raw in enumerate(block.split(b"\n")[:lines]):
        if raw.strip():
            try:
                rows.append(parse_line(raw))
            except BadLine as error:
                bad.append((index, error.reason))
    return rows, bad
