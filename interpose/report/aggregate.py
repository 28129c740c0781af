"""Exact totals, streamed, in memory that grows with the number of groups: not with keys, not with lines.

docs/events.md's additive rule: a key's exact total is the sum of what each of its lines
adds, 1 for a first line and `count - prior` (`prior` is 1 unless the line gives it) for a
closing line.  Sums add up across keys, so nothing is kept per (run, limitation, call site,
test) key -- the table that used to cost a cache miss or three per line.  What is kept is one
entry per *cell*, the finest grouping the views asked for need: (head, call site), plus the
test when a view groups by test, plus the run when one groups by process.  A cell holds its
events, first and last times, and its runs as a bitmask, so that the distinct processes of a
group are the bits set in the union of its cells' masks.

Texts are numbered through small tables of their own (a log has few heads, call sites, tests
and runs), the numbers already multiplied into their digit of one int (base `_RADIX`: run,
head, call site, test), so a cell is one int.  The radix is odd and irregular, not a power of
two, because an int hashes to itself and a dict indexes by the low bits.

With the compiled accelerator (`_speedups`), `feed_block` hands whole blocks to C, which keeps the same
cells keyed by the texts' bytes; `_drain` resolves those texts through the same tables and merges the C
cells into these before anything is read out.  Sums, minima, maxima and unions do not depend on the
order lines are added in, and views sort by a total order, so both paths give the same report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import compress, repeat
from operator import add, and_, le, ne
from typing import Any

from interpose.report import _speedups
from interpose.report.filters import Filters
from interpose.report.levels import EVENT_LEVELS
from interpose.report.model import DIMENSIONS, ORDERS, ViewRow
from interpose.report.naming import module_name
from interpose.report.parsing import (
    STATIC_PROCESS,
    BadLine,
    Row,
    parse_block,
    parse_line,
    resolve_callsite,
    resolve_head,
    resolve_process,
    resolve_tally,
)
from interpose.report.sites import Site, merged_labels, source_of, worst_use

#: above any count of distinct values (2**32), odd, with scrambled low bits: see the module docstring
_RADIX = 0x1_9E37_79B1
_SITE = _RADIX**3  # a cell is run * _SITE + head * _RADIX**2 + call site * _RADIX + test
_EXCLUDED = -1  # the number of a head whose events the filters leave out
_LEVEL_NAMES = {number: name for name, number in EVENT_LEVELS.items()}
_EVENTS, _FIRST, _LAST, _RUNS = range(4)  # a cell's entry

#: A site's value in each dimension but `callsite` (merged across sources by `view`) and `process` (per cell).
_SITE_VALUES: dict[str, Callable[[Site], str | None]] = {
    "limitation": lambda site: site.limitation,
    "level": lambda site: site.level,
    "backend": lambda site: site.backend,
    "module": lambda site: module_name(site.file),
    "test": lambda site: site.test or None,
    "distribution": lambda site: site.owner,
    "source": lambda site: site.source,
    "use": lambda site: site.use or None,
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

    def number(self, index: int) -> int:
        return index * self.unit

    def __missing__(self, text: bytes) -> int:
        value = self.resolve(text)
        number = _EXCLUDED if value is None else self._by_value.get(value)
        if number is None:
            number = self._by_value[value] = self.number(len(self.resolved))
            self.resolved.append(value)
        self[text] = number
        return number


class _Bits(_Numbering):
    """Text -> a bit of its own value: runs as members of a cell's bitmask."""

    def number(self, index: int) -> int:
        return 1 << index


class _Weights(dict[bytes, int]):
    """Tally text -> what the line adds to its key's total (without `prior`): a log has few distinct tallies."""

    def __missing__(self, tally: bytes) -> int:
        count, final = resolve_tally(tally)
        weight = self[tally] = count - 1 if final else 1
        return weight


def _weight(weight: int, tally: bytes, prior: bytes) -> int:
    """What a line adds when it may carry `prior`: `count - prior` on a closing line."""
    if not prior:
        return weight
    count, final = resolve_tally(tally)
    return count - int(prior) if final else weight


class Aggregator:
    """Feeds on rows and keeps, per cell, the events, first and last times and runs the views need.

    `views` names every dimension a later `view` may group by: the cells are kept per test only
    when it has `test`, per run only when it has `process`; the fewer, the smaller the table.
    `accelerate` chooses the compiled accelerator (None: when built and INTERPOSE_REPORT_PURE is unset).
    """

    def __init__(
        self, filters: Filters, *, views: Sequence[str] = tuple(DIMENSIONS), accelerate: bool | None = None
    ) -> None:
        self.filters = filters
        self.rows = 0
        self._excluded = 0
        self._cells: dict[int, list[Any]] = {}  # cell -> [events, first, last, runs bitmask]
        self._heads = _Numbering(_RADIX**2, self._head)  # values: (limitation, level, backend)
        self._callsites = _Numbering(_RADIX, resolve_callsite)  # values: (file, line, function)
        self._tests = _Numbering(1, _text)  # values: the test id, "" (number 0) without one
        self._tests[b""]  # noqa: B018 - numbers "" first, as 0
        self._runs = _Numbering(_SITE, lambda text: resolve_process(text)[0])  # a reused pid is another run
        self._run_bits = _Bits(1, lambda text: resolve_process(text)[0])
        self._run_bits[STATIC_PROCESS] = 0  # a static finding was made by no process
        self._weights = _Weights()
        self._by_run = "process" in views
        self._by_test = "test" in views
        self._scanner = (
            _speedups.Scanner(by_test=self._by_test, by_run=self._by_run, since=filters.since, until=filters.until)
            if (_speedups.enabled() if accelerate is None else accelerate)
            else None
        )
        # C's text numbers -> ours: heads, call sites, runs, tests, run bits
        self._c_numbers: list[list[int]] = [[], [], [], [], []]

    @property
    def accelerated(self) -> bool:
        """Whether blocks go through the compiled accelerator."""
        return self._scanner is not None

    @property
    def excluded(self) -> int:
        """Lines the filters left out."""
        self._drain()
        return self._excluded

    def feed_block(self, block: bytes, lines: int) -> tuple[int, list[tuple[int, str]]]:
        """Count a block of `lines` whole lines; (rows counted, [(line index in block, reason)] for bad lines).

        With the accelerator, C counts the lines the fast path takes and hands the others back to `parse_line`.
        """
        if self._scanner is None:
            parsed, reasons = parse_block(block, lines)
            if parsed:
                self.feed(parsed)
            return len(parsed), reasons
        taken, back = self._scanner.scan(block, lines)
        self.rows += taken
        rows: list[Row] = []
        bad = []
        for at in range(0, len(back), 3):
            try:
                rows.append(parse_line(block[back[at + 1] : back[at + 2]]))
            except BadLine as error:
                bad.append((back[at], error.reason))
        if rows:
            self.feed(rows)
        return taken + len(rows), bad

    def _drain(self) -> None:
        """Merge what C counted since the last drain into the cells (texts resolved as `feed` resolves them)."""
        if self._scanner is None:
            return
        got = self._scanner.drain()
        heads, callsites, runs, tests, bits = self._c_numbers
        heads += map(self._heads.__getitem__, got.texts[_speedups.HEADS])
        callsites += map(self._callsites.__getitem__, got.texts[_speedups.CALLSITES])
        runs += map(self._runs.__getitem__, got.texts[_speedups.PROCESSES])
        bits += map(self._run_bits.__getitem__, got.texts[_speedups.PROCESSES])
        tests += map(self._tests.__getitem__, got.texts[_speedups.TESTS])
        self._excluded += got.outside
        table, get = self._cells, self._cells.get
        for index, head in enumerate(map(heads.__getitem__, got.heads)):
            if head == _EXCLUDED:
                self._excluded += got.lines[index]
                continue
            cell = head + callsites[got.callsites[index]]
            if self._by_test:
                cell += tests[got.tests[index]]
            if self._by_run:
                cell += runs[got.processes[index]]
            mask = got.masks.get(index)
            bit = bits[got.runs[index]] if mask is None else _remap(mask, bits)
            weight, first, last = got.events[index], got.first[index], got.last[index]
            entry = get(cell)
            if entry is None:
                table[cell] = [weight, first, last, bit]
                continue
            entry[0] += weight
            entry[1], entry[2] = min(entry[1], first), max(entry[2], last)
            entry[3] |= bit

    def feed(self, rows: list[Row]) -> None:
        """Count a batch of rows: numbering in C-level passes, then one short loop that adds them to cells."""
        columns: list[Sequence[Any]] = list(zip(*rows, strict=True))
        heads = list(map(self._heads.__getitem__, columns[1]))
        if self.filters.timed or _EXCLUDED in heads:
            since, until = self.filters.since, self.filters.until
            kept = list(map(and_, map(le, repeat(since), columns[0]), map(le, columns[0], repeat(until))))
            kept = list(map(and_, kept, map(ne, heads, repeat(_EXCLUDED))))
            self._excluded += len(rows) - sum(kept)
            columns = [list(compress(column, kept)) for column in columns]
            heads = list(compress(heads, kept))
        ts, _heads, callsites, processes, tallies, tests, priors = columns
        cells = list(map(add, heads, map(self._callsites.__getitem__, callsites)))
        if self._by_test:
            cells = list(map(add, cells, map(self._tests.__getitem__, tests)))
        if self._by_run:
            cells = list(map(add, cells, map(self._runs.__getitem__, processes)))
        weights = list(map(self._weights.__getitem__, tallies))
        if any(priors):
            weights = list(map(_weight, weights, tallies, priors))
        bits = list(map(self._run_bits.__getitem__, processes))
        table, get = self._cells, self._cells.get
        for cell, weight, moment, bit in zip(cells, weights, ts, bits, strict=True):
            entry = get(cell)
            if entry is None:
                table[cell] = [weight, moment, moment, bit]
                continue
            entry[0] += weight
            if moment < entry[1]:
                entry[1] = moment
            elif moment > entry[2]:
                entry[2] = moment
            entry[3] |= bit
        self.rows += len(rows)

    def _head(self, text: bytes) -> tuple[str, ...] | None:
        """A head's fields, or None when the filters exclude its events."""
        fields = resolve_head(text)
        limitation, level, backend = fields[:3]
        return fields if self.filters.accepts_site(level, limitation, backend) else None

    def _site(self, cell: int) -> Site:
        """The fields of a cell's site digits (head, call site, test)."""
        head, rest = divmod(cell % _SITE, _RADIX**2)
        callsite, test = divmod(rest, _RADIX)
        return Site._make(
            (*self._heads.resolved[head], *self._callsites.resolved[callsite], self._tests.resolved[test])
        )

    @property
    def events(self) -> int:
        """The exact number of hits counted."""
        self._drain()
        return sum(entry[_EVENTS] for entry in self._cells.values())

    def processes(self) -> int:
        """How many runs had at least one counted event."""
        self._drain()
        runs = 0
        for entry in self._cells.values():
            runs |= entry[_RUNS]
        return runs.bit_count()

    def span(self) -> tuple[str, str] | tuple[None, None]:
        """The first and last time of a counted event (excluded lines leave no times)."""
        self._drain()
        if not self._cells:
            return None, None
        entries = self._cells.values()
        return _text(min(entry[_FIRST] for entry in entries)), _text(max(entry[_LAST] for entry in entries))

    def view(self, group_by: Sequence[str], order: str = ORDERS[0]) -> list[ViewRow]:
        """Totals grouped by the given dimensions, in `order`: what breaks first (`ORDERS`), or most events."""
        site_dims = [dim for dim in group_by if dim != "process"]
        by_process = len(site_dims) < len(group_by)
        if (by_process and not self._by_run) or ("test" in group_by and not self._by_test):
            raise ValueError(f"the aggregator was not made for views by {', '.join(group_by)}")
        if order not in ORDERS:
            raise ValueError(f"unknown order {order!r}; expected one of {', '.join(ORDERS)}")
        self._drain()
        sites = {digits: self._site(digits) for digits in {cell % _SITE for cell in self._cells}}
        labels = merged_labels(sites.values()) if "callsite" in site_dims else {}

        def values_of(site: Site) -> tuple[str | None, ...]:
            return tuple(
                labels[site.file, site.line, site.function] if dim == "callsite" else _SITE_VALUES[dim](site)
                for dim in site_dims
            )

        described = {digits: values_of(site) for digits, site in sites.items()}
        groups: dict[tuple[str | None, ...], list[Any]] = {}  # key -> [events, first, last, runs, site digits]
        for cell, (events, first, last, runs) in self._cells.items():
            site = cell % _SITE
            values = described[site]
            key = (*values, self._runs.resolved[cell // _SITE] or None) if by_process else values
            group = groups.get(key)
            if group is None:
                groups[key] = [events, first, last, runs, {site}]
                continue
            group[0] += events
            group[1], group[2] = min(group[1], first), max(group[2], last)
            group[3] |= runs
            group[4].add(site)
        positions = [site_dims.index(dim) if dim != "process" else len(site_dims) for dim in group_by]
        rows = [
            _row(tuple(key[i] for i in positions), events, first, last, runs, [sites[d] for d in members], group_by)
            for key, (events, first, last, runs, members) in groups.items()
            if events
        ]

        # a total order (None apart from ""), so that the order cells were made in never shows
        def tie(row: ViewRow) -> tuple[tuple[str, bool], ...]:
            return tuple((value or "", value is not None) for value in row.key)

        if order == "count":
            rows.sort(key=lambda row: (-row.events, tie(row)))
        else:
            rows.sort(key=lambda row: (row.rank, -EVENT_LEVELS[row.level], -row.events, tie(row)))
        return rows


def _row(
    key: tuple[str | None, ...], events: int, first: bytes, last: bytes, runs: int, sites: list[Site],
    group_by: Sequence[str],
) -> ViewRow:  # fmt: skip
    """A group's row: its totals, and what its most urgent site says (message, hint, rank, where)."""
    backends: tuple[str, ...]
    distributions: tuple[str, ...]
    if len(sites) == 1:  # many groups of the default view: one site, nothing to combine
        (urgent,) = sites
        owner = urgent.owner
        level, use, source = urgent.level, urgent.use or None, urgent.source
        backends, distributions = (urgent.backend,), (owner,) if owner else ()
    else:
        urgent = min(sites, key=Site.urgency)
        level = _LEVEL_NAMES[max(EVENT_LEVELS[site.level] for site in sites)]
        use, source = worst_use(sites), source_of(sites)
        backends = tuple(sorted({site.backend for site in sites}))
        distributions = tuple(sorted({owner for site in sites if (owner := site.owner)}))
    return ViewRow(
        key=key,
        level=level,
        events=events,
        processes=runs.bit_count(),
        first=_text(first),
        last=_text(last),
        rank=urgent.rank,
        limitation=urgent.limitation,
        use=use,
        source=source,
        backends=backends,
        distributions=distributions,
        message=urgent.message,
        hint=urgent.hint,
        where=(urgent.file, urgent.line) if "callsite" in group_by and urgent.file else None,
    )


def _remap(mask: int, bits: list[int]) -> int:
    """A C bitmask of process numbers as a mask of our run bits."""
    out = 0
    while mask:
        low = mask & -mask
        out |= bits[low.bit_length() - 1]
        mask ^= low
    return out
