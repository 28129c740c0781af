"""Exact totals, streamed: one small entry per distinct (run, call site), whatever the number of lines.

A call site here is (limitation, level, backend, file, line, function, test): the
fields that never change between the lines of one counter (the writer repeats the
first line's fields on the closing line), so the largest `count` of each
(run, site) is the exact number of hits, as docs/events.md defines it.  Keying on
`test` as well keeps counters apart when the writer tallies per test.

Speed here is memory latency: a log of a million lines has hundreds of thousands
of counters, and every table that large costs a cache miss or three per line.
So a row's head, call site, test and process texts are each numbered through a
small table of their own (a log has few of each), the numbers already
multiplied into their digit of one int (base `_RADIX`: test, call site, head,
run), and the counters are the only large table: one dict keyed by that int.
First and last times are kept per group of what the views need, which for the
usual views is (head, call site), a small table again.  The radix is odd and
irregular, not a power of two, because an int hashes to itself and a dict
indexes by the low bits: shifted digits would start every run of one site on
the same slot.  A counter costs about 100 bytes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from itertools import compress, repeat
from operator import add, and_, floordiv, itemgetter, le, mod, ne, sub
from typing import Any

from interpose.report.filters import Filters
from interpose.report.levels import EVENT_LEVELS
from interpose.report.model import DIMENSIONS, ViewRow
from interpose.report.naming import callsite_label, module_name
from interpose.report.parsing import Row, SiteFields, resolve_callsite, resolve_head, resolve_process

#: A site's fields and its test ("" without one).
Site = tuple[SiteFields, str]
#: above any count of distinct values (2**32), odd, with scrambled low bits: see the module docstring
_RADIX = 0x1_9E37_79B1
_SITE = _RADIX**3  # a key is run * _SITE + site
_EXCLUDED = -1  # the number of a head whose events the filters leave out
_LEVEL_NAMES = {number: name for name, number in EVENT_LEVELS.items()}

_SITE_VALUES: dict[str, Callable[[Site], str | None]] = {
    "limitation": lambda site: site[0][0],
    "level": lambda site: site[0][1],
    "backend": lambda site: site[0][2],
    "callsite": lambda site: callsite_label(*site[0][3:]),
    "module": lambda site: module_name(site[0][3]),
    "test": lambda site: site[1] or None,
}


def _text(value: bytes) -> str:
    return value.decode("utf-8", "backslashreplace")


class _Numbering(dict[bytes, int]):
    """Text -> number of its value, multiplied into its digit; a new text is resolved once, on its first miss."""

    def __init__(self, unit: int, resolve: Callable[[bytes], Any]) -> None:
        super().__init__()
        self.unit = unit
        self.resolve = resolve
        self.resolved: list[Any] = []
        self._by_value: dict[Any, int] = {}

    def __missing__(self, text: bytes) -> int:
        value = self.resolve(text)
        number = _EXCLUDED if value is None else self._by_value.get(value)
        if number is None:
            number = self._by_value[value] = len(self.resolved) * self.unit
            self.resolved.append(value)
        self[text] = number
        return number


class Aggregator:
    """Feeds on rows and keeps, per (run, site), the largest count, and first and last times for the views.

    `views` names every dimension a later `view` may group by: times are kept per counter when it has
    `process`, per site when it has `test`, else per (head, call site), which is much cheaper.
    """

    def __init__(self, filters: Filters, *, views: Sequence[str] = tuple(DIMENSIONS)) -> None:
        self.filters = filters
        self.counts: dict[int, int] = {}  # run * _SITE + site -> largest count
        self.rows = 0
        self.excluded = 0
        self._heads = _Numbering(_RADIX**2, self._head)  # values: (limitation, level, backend)
        self._callsites = _Numbering(_RADIX, resolve_callsite)  # values: (file, line, function)
        self._tests = _Numbering(1, _text)  # values: the test id, "" (number 0) without one
        self._tests[b""]  # noqa: B018 - numbers "" first, as 0
        self._runs = _Numbering(_SITE, lambda text: resolve_process(text)[0])  # a reused pid is another run
        self._by_key = "process" in views
        self._by_test = "test" in views
        self._spans: dict[int, list[bytes]] = {}  # times key -> [first, last]

    def feed(self, rows: list[Row]) -> None:
        """Count a batch of rows: column by column in C-level passes, bar one short loop for the times."""
        columns: list[Sequence[Any]] = list(zip(*rows, strict=True))
        heads = list(map(self._heads.__getitem__, columns[1]))
        if self.filters.timed or _EXCLUDED in heads:
            since, until = self.filters.since, self.filters.until
            kept = list(map(and_, map(le, repeat(since), columns[0]), map(le, columns[0], repeat(until))))
            kept = list(map(and_, kept, map(ne, heads, repeat(_EXCLUDED))))
            self.excluded += len(rows) - sum(kept)
            columns = [list(compress(column, kept)) for column in columns]
            heads = list(compress(heads, kept))
        ts, _heads, callsites, processes, counts, tests = columns
        pairs = list(map(add, heads, map(self._callsites.__getitem__, callsites)))
        sites = list(map(add, pairs, map(self._tests.__getitem__, tests)))
        keys = list(map(add, sites, map(self._runs.__getitem__, processes)))
        self._merge(keys, list(map(int, counts)))
        spans, get_span = self._spans, self._spans.get
        for where, moment in zip(keys if self._by_key else sites if self._by_test else pairs, ts, strict=True):
            span = get_span(where)
            if span is None:
                spans[where] = [moment, moment]
            elif moment > span[1]:
                span[1] = moment
            elif moment < span[0]:
                span[0] = moment
        self.rows += len(rows)

    def _head(self, text: bytes) -> tuple[str, str, str] | None:
        """A head's fields, or None when the filters exclude its events."""
        limitation, level, backend = fields = resolve_head(text)
        return fields if self.filters.accepts_site(level, limitation, backend) else None

    def _merge(self, keys: list[int], numbers: list[int]) -> None:
        """Keep the largest count per key, in C-level passes over the batch.

        The counters are the one table too large for the cache; lookups made by a C loop
        overlap their misses, where a Python loop waits for each in turn.
        """
        batch = dict(zip(keys, numbers, strict=True))
        if len(batch) < len(keys):  # a key twice in the batch: the largest, not the last
            batch = {}
            for key, number in zip(keys, numbers, strict=True):
                if number > batch.get(key, 0):
                    batch[key] = number
        counts = self.counts
        # one pass: each key's old count is read just before it is written, while its slot is in the cache
        counts.update(zip(batch, map(max, map(counts.get, batch, repeat(0)), batch.values()), strict=True))

    def _site(self, site: int) -> Site:
        """The fields of a site number (its digits: head, call site, test)."""
        head, rest = divmod(site % _SITE, _RADIX**2)
        callsite, test = divmod(rest, _RADIX)
        return self._heads.resolved[head] + self._callsites.resolved[callsite], self._tests.resolved[test]

    @property
    def events(self) -> int:
        """The exact number of hits counted."""
        return sum(self.counts.values())

    def processes(self) -> int:
        """How many runs had at least one counted event."""
        return len(set(map(floordiv, self.counts, repeat(_SITE))))

    def span(self) -> tuple[str, str] | tuple[None, None]:
        """The first and last time of a counted event (excluded lines leave no times)."""
        if not self.counts:
            return None, None
        spans = self._spans.values()
        return _text(min(map(itemgetter(0), spans))), _text(max(map(itemgetter(1), spans)))

    def view(self, group_by: Sequence[str]) -> list[ViewRow]:
        """Totals grouped by the given dimensions, most events first."""
        site_dims = [dim for dim in group_by if dim != "process"]
        by_process = len(site_dims) < len(group_by)
        if (by_process and not self._by_key) or ("test" in group_by and not (self._by_test or self._by_key)):
            raise ValueError(f"the aggregator was not made for views by {', '.join(group_by)}")
        ids: dict[tuple[str | None, ...], int] = {}
        memo: dict[int, int] = {}
        levels: dict[int, int] = {}  # site number (without its test digit unless grouping by test) -> level
        unit = 1 if "test" in site_dims else _RADIX  # the site digits a group depends on start here

        def group_of(site: int) -> int:
            """The group number of a site number (memoised: a view has few groups, a log many sites)."""
            site %= _SITE
            site -= site % unit
            number = memo.get(site)
            if number is None:
                fields = self._site(site)
                number = memo[site] = ids.setdefault(tuple(_SITE_VALUES[d](fields) for d in site_dims), len(ids))
                levels[site] = EVENT_LEVELS[fields[0][1]]
            return number

        key_sites = list(map(mod, self.counts, repeat(_SITE)))
        site_groups = {site: group_of(site) for site in set(key_sites)}
        key_groups = list(map(site_groups.__getitem__, key_sites))
        level_pairs: Iterable[tuple[int, int]]
        if by_process:  # a group per (site group, run): run * _SITE + site group, numbered on
            pairs = list(map(add, key_groups, map(sub, self.counts, key_sites)))
            numbers = {pair: number for number, pair in enumerate(dict.fromkeys(pairs))}
            site_keys = list(ids)
            keys = [(*site_keys[pair % _SITE], self._runs.resolved[pair // _SITE]) for pair in numbers]
            key_groups = list(map(numbers.__getitem__, pairs))
            whole = map(sub, key_sites, map(mod, key_sites, repeat(unit)))
            level_pairs = zip(key_groups, map(levels.__getitem__, whole), strict=True)  # a run's level: its own sites'
        else:
            keys = list(ids)
            level_pairs = ((memo[site], level) for site, level in levels.items())
        groups: list[list[Any]] = [[key, 0, 0, b"\xff", b"", 0] for key in keys]  # key, events, level, times, runs
        for g, number in zip(key_groups, self.counts.values(), strict=True):
            groups[g][1] += number
        for g, level in level_pairs:
            if level > groups[g][2]:
                groups[g][2] = level
        # a run counts once per group: run * _SITE + group, deduplicated, then counted per group
        members = set(map(add, key_groups, map(sub, self.counts, key_sites)))
        for g, processes in Counter(map(mod, members, repeat(_SITE))).items():
            groups[g][5] = processes
        for where, (first, last) in self._spans.items():
            group = groups[numbers[where - where % _SITE + group_of(where)] if by_process else group_of(where)]
            group[3], group[4] = min(group[3], first), max(group[4], last)
        order = [site_dims.index(dim) if dim != "process" else len(site_dims) for dim in group_by]
        rows = [
            ViewRow(
                key=tuple(key[i] for i in order),
                level=_LEVEL_NAMES[level],
                events=events,
                processes=processes,
                first=_text(first),
                last=_text(last),
            )
            for key, events, level, first, last, processes in groups
            if events
        ]
        rows.sort(key=lambda row: (-row.events, tuple(value or "" for value in row.key)))
        return rows
