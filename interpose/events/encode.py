"""JSON text of one event, and its timestamp, without importing anything.

`json` and `datetime` are not loaded at start-up, and a program that does not
import them must not find them in `sys.modules` because it hit a limitation
(docs/events.md, "No trace in the program").  The output is byte for byte what
`json.dumps(value, ensure_ascii=True, separators=(",", ":"))` gives for the
values events hold (str, int, bool, None, float, and dicts and lists of them;
anything else is written as its `repr`, as structlog's renderer did): ASCII
only, so a file name holding U+2028 or NEL stays on one line for readers that
split on every Unicode line break, and undecodable names (lone surrogates)
survive.
"""

from __future__ import annotations

import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class _Escapes(dict[int, str]):  # str.translate's table: code point -> replacement text
    """Printable ASCII maps to itself; every other code point to json's escape, computed once."""

    def __missing__(self, code: int) -> str:
        if code > 0xFFFF:  # outside the BMP: a UTF-16 surrogate pair, as json writes it
            offset = code - 0x10000
            text = f"\\u{0xD800 | (offset >> 10):04x}\\u{0xDC00 | (offset & 0x3FF):04x}"
        else:
            text = f"\\u{code:04x}"
        if len(self) < 4096:  # bounded: a hostile name cannot grow the table without end
            self[code] = text
        return text


_ESCAPES = _Escapes({code: chr(code) for code in range(0x20, 0x7F)})
_ESCAPES.update({ord('"'): '\\"', ord("\\"): "\\\\", 8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r"})


def encode_string(text: str) -> str:
    """A JSON string literal, ASCII only."""
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'  # the common case: nothing to escape
    return '"' + text.translate(_ESCAPES) + '"'


def _encode_float(number: float) -> str:
    if number != number:
        return "NaN"
    if number in (float("inf"), float("-inf")):
        return "Infinity" if number > 0 else "-Infinity"
    return float.__repr__(number)


def encode(value: Any) -> str:
    """Compact JSON text of `value`, as json.dumps(ensure_ascii=True, separators=(",", ":")) writes it."""
    if isinstance(value, str):
        return encode_string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _encode_float(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{_encode_key(key)}:{encode(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(encode(item) for item in value) + "]"
    return encode_string(repr(value))


def _encode_key(key: object) -> str:
    if isinstance(key, str):
        return encode_string(key)
    if key is None or isinstance(key, (bool, int, float)):
        return '"' + encode(key) + '"'  # json writes these keys as the text of their value
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def utc_timestamp(nanoseconds: int | None = None) -> str:
    """`YYYY-MM-DDTHH:MM:SS.ffffffZ`, always with microseconds (the report's canonical form)."""
    if nanoseconds is None:
        nanoseconds = time.time_ns()
    seconds, micros = divmod(nanoseconds // 1000, 1_000_000)
    t = time.gmtime(seconds)
    return f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}.{micros:06d}Z"
