"""The compiled accelerator (interpose/report/_speedups) counts exactly what the pure-Python path counts.

Line by line: C takes a line exactly when the fast path of parsing.py does, and cuts the same groups.  As a
whole: on the same generated, corrupted and real-writer inputs, in any batching, with any filters and views,
both aggregators give the same views, totals, spans and bad-line reports.  Bounds: on arbitrary bytes placed
against unreadable guard pages, the scanner never reads outside its block (a stray read would crash the run).
"""

from __future__ import annotations

import ctypes
import io
import json
import mmap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interpose.report import _speedups
from interpose.report.aggregate import Aggregator
from interpose.report.cli import main
from interpose.report.filters import make_filters
from interpose.report.parsing import fast_row, resolve_tally
from interpose.report.reading import read_inputs
from tests.report.conftest import dumps, event
from tests.report.test_report_aggregate import VIEWS, writer_lines
from tests.report.test_report_parsing import lines
from tests.report.test_report_writer import actions, write_with_the_real_writer

built = pytest.mark.skipif(_speedups.lib is None, reason=f"accelerator not built: {_speedups.missing()}")
def budget(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def python_weight(tally: bytes, prior: bytes) -> int:
    """What the pure aggregator adds for a row (aggregate.py's `_Weights` and `_weight`)."""
    count, final = resolve_tally(tally)
    return (count - (int(prior) if prior else 1)) if final else 1


STRUCTURE = b':,"{}0123456789-.eE+ntf \t'
SHAPES = [event(), event(final=True, count=12, test="t.py::a", detail={"k": -1.5, "s": ""}, prior=3),
          event(callsite=None, detail=0, test=None), event(detail="@")]  # fmt: skip
#: json.dumps never writes an exponent; the writer's `detail` may hold one written by another tool
EXPONENTS = {'"@"': '{"a":1.5e-3,"b":2E+7,"c":-0e0}', '"@"x': '{"a": 1.5e-3, "b": 2E+7, "c": -0e0}'}


@st.composite
def tweaked(draw: st.DrawFn) -> bytes:
    """A writer's line (compact or spaced) with a few one-byte edits where the grammar decides: next to a
    separator, a quote, a brace or a digit, with bytes that mean something there."""
    line, compact = draw(st.sampled_from(SHAPES)), draw(st.booleans())
    text = dumps(line) if compact else json.dumps(line)
    text = text.replace('"@"', EXPONENTS['"@"' if compact else '"@"x'])
    raw = bytearray(text.encode())
    for _ in range(draw(st.integers(1, 3))):
        spots = [at for at, byte in enumerate(raw) if byte in STRUCTURE] or [0]
        at = draw(st.sampled_from(spots)) + draw(st.integers(0, 1))
        byte = bytes([draw(st.sampled_from(STRUCTURE))])
        raw[at : at + draw(st.integers(0, 1))] = byte if draw(st.booleans()) else b""
    return bytes(raw)


@pytest.mark.slow
@built
@budget(3000)
@given(lines() | tweaked())
def test_c_takes_a_line_exactly_when_the_fast_path_does_and_cuts_the_same_groups(raw: bytes) -> None:
    scanner = _speedups.Scanner(by_test=True, by_run=True, since=b"", until=b"\xff")
    taken, back = scanner.scan(raw + b"\n", 1)
    row = fast_row(raw)
    fits = row is not None and len(row[4].partition(b",")[0]) <= 18 and len(row[6]) <= 18
    assert taken == int(fits)
    assert back == ([] if fits or not raw.strip() else [0, 0, len(raw)])
    got = scanner.drain()
    if row is None or not fits:
        assert got.events == []
        return
    ts, head, callsite, process, tally, test, prior = row
    assert got.texts[:3] == [[head], [callsite], [process]]
    assert got.texts[_speedups.TESTS] == [test]
    assert (got.first, got.last, got.lines) == ([ts], [ts], [1])
    assert got.events == [python_weight(tally, prior)]


@built
def test_numbers_too_large_for_c_are_handed_back() -> None:
    huge = dumps(event(count=10**30, final=True)).encode()
    prior = dumps(event(count=10**17, final=True, prior=10**19)).encode()
    scanner = _speedups.Scanner(by_test=False, by_run=False, since=b"", until=b"\xff")
    ends = [0, 0, len(huge), 1, len(huge) + 1, len(huge) + 1 + len(prior)]
    assert scanner.scan(huge + b"\n" + prior + b"\n", 2) == (0, ends)
    sums = [dumps(event(count=10**18 - 1, final=True)).encode()] * 10  # the tenth would overflow int64 in C
    taken, back = scanner.scan(b"\n".join(sums), 10)
    assert taken == 9 and back[0] == 9


def both(filters: dict[str, Any], views: tuple[str, ...]) -> tuple[Aggregator, Aggregator]:
    made = make_filters(**filters)
    return Aggregator(made, views=views, accelerate=True), Aggregator(made, views=views, accelerate=False)


def outcome(aggregator: Aggregator, group_by: tuple[str, ...]) -> tuple[Any, ...]:
    return (aggregator.view(group_by), aggregator.events, aggregator.processes(), aggregator.span(),
            aggregator.rows, aggregator.excluded)  # fmt: skip


filters = st.fixed_dictionaries(
    {},
    optional={
        "level": st.sampled_from(["FINE", "INFO", "severe", "ALL"]),
        "backends": st.sampled_from([["java"], ["native"], ["java", "native"]]),
        "limitations": st.sampled_from([["fs"], ["fs.a"], ["proc", "process.fork"], ["f"]]),
        "since": st.sampled_from(["2026-11-25T10:00:20Z", "2026-11-25T10:00:00.000000Z", "2026-11-26"]),
        "until": st.sampled_from(["2026-11-25T10:00:30Z", "2026-11-25T10:00:59.000000Z", "2026-11-24"]),
    },
)


@st.composite
def mixed_blocks(draw: st.DrawFn) -> list[bytes]:
    """Writer-shaped lines (compact and spaced, some with prior), corrupted lines, blank lines, junk; in blocks."""
    out: list[bytes] = []
    for line in draw(writer_lines()):
        if draw(st.integers(0, 5)) == 0 and line.get("final"):
            line = {**line, "prior": draw(st.integers(1, 400))}
        out.append((dumps(line) if draw(st.integers(0, 3)) else json.dumps(line)).encode())
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(out)))
        junk = st.sampled_from([b"", b"  \t", b"\r", b"\x0b\x0c", b"{}"]) | st.binary(max_size=8)
        out.insert(at, draw(lines() | junk))
    text = b"\n".join(raw.replace(b"\n", b"") for raw in out) + draw(st.sampled_from([b"\n", b""]))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=3)))
    blocks, start = [], 0
    for cut in cuts:  # blocks of whole lines, as reading.py cuts them
        end = text.rfind(b"\n", start, cut)
        if end >= start:
            blocks.append(text[start : end + 1])
            start = end + 1
    return [*blocks, text[start:]] if text[start:] else blocks


def count_lines(block: bytes) -> int:
    return block.count(b"\n") + (not block.endswith(b"\n"))


@pytest.mark.slow
@built
@budget(300)
@given(mixed_blocks(), filters, st.sampled_from(VIEWS), st.booleans())
def test_both_paths_give_the_same_report(blocks: list[bytes], chosen: dict[str, Any], group_by: tuple[str, ...],
                                         peek: bool) -> None:  # fmt: skip
    fast, pure = both(chosen, group_by)
    assert fast.accelerated and not pure.accelerated
    for block in blocks:
        assert fast.feed_block(block, count_lines(block)) == pure.feed_block(block, count_lines(block))
        if peek:  # drains in the middle merge as well as one at the end
            assert fast.events == pure.events
    assert outcome(fast, group_by) == outcome(pure, group_by)
    for other in VIEWS:
        if set(other) <= set(group_by) | {"limitation", "callsite", "module", "level", "backend"}:
            assert fast.view(other) == pure.view(other)


@built
@budget(60)
@given(actions, filters, st.sampled_from(VIEWS))
def test_both_paths_agree_on_the_real_writers_logs(
    tmp_path: Path, steps: list[tuple[Any, ...]], chosen: dict[str, Any], group_by: tuple[str, ...]
) -> None:
    path = tmp_path / "events.jsonl"
    path.unlink(missing_ok=True)
    write_with_the_real_writer(path, steps)
    fast, pure = both(chosen, group_by)
    assert read_inputs([str(path)], fast.feed) == read_inputs([str(path)], pure.feed)
    assert outcome(fast, group_by) == outcome(pure, group_by)


class _Guarded:
    """A page of readable memory between two unreadable ones: bytes put at its very end (or start) make any
    read past the block's end (or before its start) a crash instead of a silent garbage read."""

    def __init__(self) -> None:
        self.page = mmap.PAGESIZE
        self.map = mmap.mmap(-1, 3 * self.page, prot=mmap.PROT_READ | mmap.PROT_WRITE)
        self.base = ctypes.addressof(ctypes.c_char.from_buffer(self.map))
        libc = ctypes.CDLL(None, use_errno=True)
        for offset in (0, 2 * self.page):
            assert libc.mprotect(ctypes.c_void_p(self.base + offset), self.page, 0) == 0  # PROT_NONE

    def at(self, data: bytes, *, end: bool) -> int:
        offset = self.page + (self.page - len(data) if end else 0)
        ctypes.memmove(self.base + offset, data, len(data))
        return self.base + offset


@st.composite
def hostile(draw: st.DrawFn) -> bytes:
    """Truncated valid lines (cut anywhere: inside a string, a number, a key), junk, and runs of quotes."""
    line = draw(st.sampled_from([dumps(event(detail={"a": 1.5e3, "b": "x"}, test="t", prior=2, final=True)),
                                 json.dumps(event(callsite=None, detail=-0.25))])).encode()  # fmt: skip
    cut = line[: draw(st.integers(0, len(line)))]
    return draw(st.sampled_from([cut, cut + b"\n", b"\n" + cut])) + draw(st.binary(max_size=6) | st.just(b'"'))


@pytest.mark.slow
@built
@budget(1500)
@given(hostile() | st.binary(max_size=300) | lines())
def test_the_scanner_never_reads_outside_its_block(data: bytes) -> None:
    assert len(data) <= 4096
    guarded = _Guarded()
    scanner = _speedups.Scanner(by_test=True, by_run=True, since=b"", until=b"\xff")
    back = _speedups.ffi.new("int64_t[]", 3 * (count_lines(data) + 1))
    nback = _speedups.ffi.new("size_t *")
    for end in (True, False):
        pointer = _speedups.ffi.cast("const char *", guarded.at(data, end=end))
        assert _speedups.lib.rep_scan(scanner._acc, pointer, len(data), back, count_lines(data), nback) >= 0
    scanner.drain()


@built
def test_too_few_slots_for_handed_back_lines_is_an_error_not_an_overrun() -> None:
    scanner = _speedups.Scanner(by_test=False, by_run=False, since=b"", until=b"\xff")
    back, nback = _speedups.ffi.new("int64_t[]", 3), _speedups.ffi.new("size_t *")
    assert _speedups.lib.rep_scan(scanner._acc, b"x\ny\n", 4, back, 1, nback) == -2
    assert nback[0] == 1 and list(back) == [0, 0, 1]


def test_a_missing_accelerator_is_said_once(logs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_speedups, "lib", None)
    monkeypatch.setattr(_speedups, "_WHY_MISSING", "No module named 'interpose.report._speedups._scan'")
    monkeypatch.delenv(_speedups.PURE_ENV, raising=False)
    err, out = io.StringIO(), io.StringIO()
    assert main([str(logs), "--format", "json"], stdout=out, stderr=err) == 0
    assert err.getvalue().count("without its compiled accelerator") == 1
    assert json.loads(out.getvalue())["totals"]["events"] == 26
    monkeypatch.setenv(_speedups.PURE_ENV, "1")  # asked for: nothing to say
    err = io.StringIO()
    assert main([str(logs)], stdout=io.StringIO(), stderr=err) == 0
    assert "accelerator" not in err.getvalue()


@pytest.mark.slow
@built
def test_every_one_byte_edit_is_taken_exactly_when_the_fast_path_takes_it() -> None:
    """Exhaustive where random edits are thin: each shape, each position, each meaningful byte inserted,
    put in place, or the byte there deleted."""
    for line in SHAPES:
        for compact in (True, False):
            text = (dumps(line) if compact else json.dumps(line)).encode()
            text = text.replace(b'"@"', EXPONENTS['"@"' if compact else '"@"x'].encode())
            variants = [text[:at] + text[at + 1 :] for at in range(len(text))]
            for byte in (bytes([value]) for value in STRUCTURE + b"\x00\xc3\\\r"):
                variants += [text[:at] + byte + text[at + skip :] for at in range(len(text) + 1) for skip in (0, 1)]
            scanner = _speedups.Scanner(by_test=True, by_run=True, since=b"", until=b"\xff")
            taken, back = scanner.scan(b"\n".join(variants), len(variants))
            handed_back = set(back[::3])
            assert taken == len(variants) - len(handed_back)
            wrong = [raw for index, raw in enumerate(variants) if (fast_row(raw) is None) != (index in handed_back)]
            assert wrong == []
