"""The fast path gives exactly what the reference parser (`json.loads` + checks) gives, on every line it takes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interpose.events.renderers import render_json
from interpose.report.parsing import (
    DOCUMENTED_ORDER,
    BadLine,
    Row,
    canonical_time,
    fast_row,
    parse_block,
    reference_row,
    resolve_callsite,
    resolve_head,
    resolve_process,
    resolve_tally,
)
from tests.report.conftest import dumps, event


def meaning(row: Row) -> tuple[Any, ...]:
    """What the aggregator makes of a row."""
    ts, head, callsite, process, tally, test, prior = row
    resolved = resolve_head(head), resolve_callsite(callsite), resolve_process(process), resolve_tally(tally)
    return ts, *resolved, test, prior


def reference(raw: bytes) -> tuple[Any, ...] | str:
    try:
        return meaning(reference_row(raw))
    except BadLine as error:
        return error.reason


texts = st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["", "a", 'q"uote', "back\\slash", "tab\there", "é", "\u2028", "null", "FINE", "1"]
)
scalars = st.none() | st.booleans() | st.integers(-3, 3) | st.integers() | st.floats(allow_nan=False) | texts
values = scalars | st.dictionaries(texts, scalars, max_size=3) | st.lists(scalars, max_size=2)
levels = st.sampled_from(["INFO", "FINE", "FINER", "SEVERE", "fine", "LOUD", ""])
sites = st.none() | st.fixed_dictionaries({"file": texts, "line": st.integers(-1, 99), "function": texts}) | values
times = st.sampled_from(["2026-11-25T10:00:00.000001Z", "2026-11-25T10:00:00Z", "2026-11-25 10:00:00+01:00",
                         "2026-13-45T99:99:99.000000Z", "x"])  # fmt: skip


@st.composite
def lines(draw: st.DrawFn) -> bytes:
    line = event()
    if draw(st.booleans()):  # schema 2: its members (each may be left out) in the documented order
        added = {"schema": 2, "use": draw(texts | values), "hint": draw(texts | values), "via": draw(sites)}
        for key in draw(st.lists(st.sampled_from(["use", "hint", "via"]), max_size=3, unique=True)):
            del added[key]
        line = {key: added.get(key, line.get(key)) for key in DOCUMENTED_ORDER if key in line or key in added}
    for key in ("limitation", "backend", "run", "function", "message", "thread"):
        if draw(st.booleans()):
            line[key] = draw(texts | values)
    if draw(st.booleans()):
        line["level"] = draw(levels)
    if draw(st.booleans()):
        line["ts"] = draw(times)
    for key in ("pid", "count", "schema"):
        if draw(st.booleans()):
            line[key] = draw(st.integers(-2, 3) | st.integers() | values)
    if draw(st.booleans()):
        line["callsite"] = draw(sites)
    for key in ("test", "detail", "final", "prior"):
        if draw(st.booleans()):
            line[key] = draw(values)
    for key in draw(st.lists(st.sampled_from(list(line)), max_size=2, unique=True)):
        del line[key]
    if draw(st.booleans()):
        line["extra"] = draw(values)
    for key, typical in (("source", ["static", "runtime", "scan"]), ("distribution", ["pexpect", ""])):
        if draw(st.integers(0, 3)) == 0:  # a scanner's finding (docs/report.md): the reference path reads it
            line[key] = draw(st.sampled_from(typical) | values)
    style = draw(st.sampled_from(["compact", "spaced", "ascii"]))
    text = dumps(line) if style == "compact" else json.dumps(line, ensure_ascii=style == "ascii")
    raw = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):  # corrupt it: drop, change or insert a byte
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(max_size=2)) + raw[at + draw(st.integers(0, 2)) :]
    return raw.replace(b"\n", b"")


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines())
def test_fast_path_equals_reference(raw: bytes) -> None:
    fast = fast_row(raw)
    if fast is not None:
        assert meaning(fast) == reference(raw)


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(st.lists(lines(), max_size=6))
def test_blocks_equal_lines(raws: list[bytes]) -> None:
    block = b"\n".join(raws) + b"\n"
    rows, bad = parse_block(block)
    expected = [reference(raw) for raw in raws if raw.strip()]
    assert [meaning(row) for row in rows] == [item for item in expected if not isinstance(item, str)]
    assert [reason for _, reason in bad] == [item for item in expected if isinstance(item, str)]


def test_the_writers_lines_take_the_fast_path() -> None:
    for line in (
        event(),
        event(final=True, count=7, test="t.py::x", detail={"arg": 1}),
        event(final=True, count=9, test="t.py::x", prior=7),
        event(callsite=None),
    ):
        raw = dumps(line).encode()
        assert fast_row(raw) is not None
        assert fast_row(json.dumps(line).encode()) is not None
        assert meaning(fast_row(raw)) == reference(raw)  # type: ignore[arg-type]
    schema_2 = {
        **{key: value for key, value in event().items() if key != "schema"}, "use": "probe", "level": "FINER",
        "hint": "use subprocess's start_new_session",
        "via": {"file": "/usr/lib/python3.11/random.py", "line": 899, "function": "<module>"},
    }  # fmt: skip
    for raw in (render_json(schema_2).encode(), render_json({**schema_2, "via": None, "test": "t"}).encode()):
        assert b'"schema":2' in raw and fast_row(raw) is not None
        assert meaning(fast_row(raw)) == reference(raw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"schema":1', "not JSON"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[]", "not a JSON object"),
        (dumps(event(schema=3)).encode(), "other schema version"),
        (dumps({"ts": "x"}).encode(), "no schema version"),
        (dumps(event(level="LOUD")).encode(), "bad or missing 'level'"),
        (dumps(event(ts="noon")).encode(), "bad or missing 'ts'"),
        (dumps(event(callsite=[1])).encode(), "bad or missing 'callsite'"),
        (dumps(event(pid=True)).encode(), "bad or missing 'pid'"),
    ],
)
def test_reasons(raw: bytes, reason: str) -> None:
    with pytest.raises(BadLine) as caught:
        reference_row(raw)
    assert caught.value.reason == reason


def test_canonical_time() -> None:
    assert canonical_time("2026-11-25T10:00:00.000001Z") == "2026-11-25T10:00:00.000001Z"
    assert canonical_time("2026-11-25T10:00:00Z") == "2026-11-25T10:00:00.000000Z"
    assert canonical_time("2026-11-25T11:30:00+01:00") == "2026-11-25T10:30:00.000000Z"
    assert canonical_time("2026-11-25") == "2026-11-25T00:00:00.000000Z"
    with pytest.raises(ValueError):
        canonical_time("soon")
