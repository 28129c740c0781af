"""The aggregator (additive rule), whatever the batching and order of lines, gives the views a plain recount
by the largest count per key gives, on lines shaped as the writer shapes them."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from interpose.report.aggregate import Aggregator
from interpose.report.filters import Filters
from interpose.report.levels import EVENT_LEVELS
from interpose.report.naming import callsite_label, module_name
from interpose.report.parsing import parse_block
from tests.report.conftest import dumps, event

SITES = [("/a/src/app/m.py", 1, "f"), ("/a/src/app/m.py", 2, "g"), ("lib/x.py", 1, "f"), None]
LIMITATIONS = {"fs.a": "INFO", "fs.b": "FINE", "proc.c": "SEVERE"}
VIEWS = [("limitation", "callsite"), ("limitation",), ("test", "limitation"), ("module", "level"), ("process",),
         ("backend", "process", "limitation"), ("test", "process")]  # fmt: skip

@st.composite
def writer_lines(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Lines as the writer shapes them: per key one first line, then a closing total if hit again."""
    out = []
    keys = draw(st.lists(st.tuples(st.integers(1, 4), st.sampled_from(list(LIMITATIONS)), st.sampled_from(SITES),
                                   st.sampled_from([None, "t.py::a", "t.py::b"])), max_size=20, unique=True))
    for run, lim, site, test in keys:
        fields = {"run": f"{run}-1", "pid": run, "backend": "java" if run % 2 else "native", "limitation": lim,
                  "level": LIMITATIONS[lim], **({} if test is None else {"test": test}),
                  "callsite": None if site is None else dict(zip(("file", "line", "function"), site, strict=True))}
        first, last = sorted(draw(st.lists(st.integers(0, 59), min_size=2, max_size=2)))
        out.append(event(**fields, count=1, ts=f"2026-11-25T10:00:{first:02d}.000000Z"))
        total = draw(st.integers(1, 300))
        if total > 1:
            out.append(event(**fields, count=total, final=True, ts=f"2026-11-25T10:00:{last:02d}.000000Z"))
    return draw(st.permutations(out))


def recount(events: list[dict[str, Any]], group_by: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """The view from first principles: the largest count per counter, summed per group."""
    counters: dict[tuple[Any, ...], dict[str, Any]] = {}
    for line in events:
        where = line["callsite"] or {"file": "", "line": "", "function": ""}
        site = (line["limitation"], line["level"], line["backend"], where["file"], str(where["line"]),
                where["function"], line.get("test", ""))  # fmt: skip
        entry = counters.setdefault((line["run"], *site), {"count": 0, "times": []})
        entry["count"] = max(entry["count"], line["count"])
        entry["times"].append(line["ts"])
    values = {
        "limitation": lambda run, site: site[0],
        "level": lambda run, site: site[1],
        "backend": lambda run, site: site[2],
        "callsite": lambda run, site: callsite_label(*site[3:6]),
        "module": lambda run, site: module_name(site[3]),
        "test": lambda run, site: site[6] or None,
        "process": lambda run, site: run,
    }
    groups: dict[tuple[Any, ...], list[Any]] = {}
    for (run, *site), entry in counters.items():
        key = tuple(values[dim](run, site) for dim in group_by)
        group = groups.setdefault(key, [0, 0, set(), "\xff", ""])
        group[0] += entry["count"]
        group[1] = max(group[1], EVENT_LEVELS[site[1]])
        group[2].add(run)
        group[3], group[4] = min(group[3], *entry["times"]), max(group[4], *entry["times"])
    rows = [(key, events, level, len(runs), first, last) for key, (events, level, runs, first, last) in groups.items()]
    return sorted(rows, key=repr)


@settings(max_examples=150, deadline=None)
@given(writer_lines(), st.lists(st.integers(0, 40), max_size=4), st.sampled_from(VIEWS))
def test_views_equal_a_recount(events: list[dict[str, Any]], cuts: list[int], group_by: tuple[str, ...]) -> None:
    aggregator = Aggregator(Filters(), views=group_by)
    bounds = [0, *sorted(cuts), len(events)]
    for start, end in zip(bounds, bounds[1:], strict=False):  # batches of any size, some empty
        block = "".join(dumps(line) + "\n" for line in events[start:end]).encode()
        rows, bad = parse_block(block)
        assert not bad
        if rows:
            aggregator.feed(rows)
    got = sorted(
        (
            (row.key, row.events, EVENT_LEVELS[row.level], row.processes, row.first, row.last)
            for row in aggregator.view(group_by)
        ),
        key=repr,
    )
    assert got == recount(events, group_by)
    assert aggregator.events == sum(row[1] for row in got)
    assert aggregator.processes() == len({line["run"] for line in events})


def test_the_largest_count_wins_whatever_the_order() -> None:
    """In one batch or two, first line first or last: the closing total, never the last line read."""
    first, final = (dumps(line).encode() + b"\n" for line in (event(count=1), event(count=9, final=True)))
    for order in ((first, final), (final, first)):
        for batches in ((order[0] + order[1],), order):
            aggregator = Aggregator(Filters())
            for block in batches:
                aggregator.feed(parse_block(block)[0])
            assert aggregator.events == 9
