"""Exact totals, streamed: one small entry per distinct (run, call site), whatever the number of lines.

A call site here is (limitation, level, backend, file, line, function, test): the
fields that never change between the lines of one counter (the writer repeats the
first line's fields on the closing line), so the largest `count` of each
(run, site) is the exact number of hits, as docs/events.md defines it.  Sites and
runs are numbered as they appear, and a (run, site) pair is one int key, which
keeps memory at about 100 bytes per key.  Keying on `test` as well keeps
counters apart when the writer tallies per test.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from interpose.report.filters import Filters
from interpose.report.levels import EVENT_LEVELS
from interpose.report.model import ViewRow
from interpose.report.naming import callsite_label, module_name
from interpose.report.parsing import Row, SiteFields, resolve_process, resolve_site

#: A site's fields and its test ("" without one).
Site = tuple[SiteFields, str]
_SHIFT = 32
_MASK = (1 << _SHIFT) - 1
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


class Aggregator:
    """Feeds on rows and keeps, per (run, site), the largest count; first and last times per site and run."""

    def __init__(self, filters: Filters, *, key_times: bool = False) -> None:
        self.filters = filters
        self.sites: list[Site] = []
        self.runs: list[tuple[str, str]] = []  # (run, pid)
        self.counts: dict[int, int] = {}
        self.rows = 0
        self.excluded = 0
        # [index, included, first, last] per site, reached from the members' text (several texts may
        # share one entry: spacing, message) and from the resolved fields
        self._site_entries: list[list[Any]] = []
        self._sites: dict[bytes | tuple[bytes, bytes], list[Any]] = {}  # by members' text (and test)
        self._site_ids: dict[Site, list[Any]] = {}
        self._runs: dict[bytes, int] = {}  # run number << 32, by members' text
        self._run_ids: dict[str, int] = {}
        self._key_times: dict[int, list[bytes]] | None = {} if key_times else None

    def feed(self, rows: list[Row]) -> None:
        """Count a batch of rows; the loop is the hot path of the whole report, keep it flat."""
        sites, runs, counts, times = self._sites, self._runs, self.counts, self._key_times
        since, until = self.filters.since, self.filters.until
        timed = self.filters.timed
        excluded = 0
        for ts, site_text, process_text, count, test in rows:
            if timed and (ts < since or ts > until):
                excluded += 1
                continue
            site = sites.get((site_text, test) if test else site_text)
            if site is None:
                site = self._new_site(site_text, test, ts)
            if not site[1]:
                excluded += 1
                continue
            if ts < site[2]:
                site[2] = ts
            elif ts > site[3]:
                site[3] = ts
            process = runs.get(process_text)
            if process is None:
                process = self._new_run(process_text)
            key = process | site[0]
            number = int(count)
            if number > counts.get(key, 0):
                counts[key] = number
            if times is not None:
                span = times.get(key)
                if span is None:
                    times[key] = [ts, ts]
                elif ts < span[0]:
                    span[0] = ts
                elif ts > span[1]:
                    span[1] = ts
        self.rows += len(rows)
        self.excluded += excluded

    def _new_site(self, text: bytes, test: bytes, ts: bytes) -> list[Any]:
        site = (resolve_site(text), _text(test))
        entry = self._site_ids.get(site)
        if entry is None:
            limitation, level, backend = site[0][:3]
            entry = [len(self.sites), self.filters.accepts_site(level, limitation, backend), ts, ts]
            self.sites.append(site)
            self._site_entries.append(entry)
            self._site_ids[site] = entry
        self._sites[(text, test) if test else text] = entry
        return entry

    def _new_run(self, text: bytes) -> int:
        run, pid = resolve_process(text)
        number = self._run_ids.get(run)
        if number is None:
            number = self._run_ids[run] = len(self.runs) << _SHIFT
            self.runs.append((run, pid))
        self._runs[text] = number
        return number

    @property
    def events(self) -> int:
        """The exact number of hits counted."""
        return sum(self.counts.values())

    def processes(self) -> int:
        """How many runs had at least one counted event."""
        return len({key >> _SHIFT for key in self.counts})

    def span(self) -> tuple[str, str] | tuple[None, None]:
        """The first and last time of a counted event."""
        entries = [entry for entry in self._site_entries if entry[1]]
        if not self.counts or not entries:
            return None, None
        return _text(min(entry[2] for entry in entries)), _text(max(entry[3] for entry in entries))

    def view(self, group_by: Sequence[str]) -> list[ViewRow]:
        """Totals grouped by the given dimensions, most events first."""
        site_dims = [dim for dim in group_by if dim != "process"]
        by_process = len(site_dims) < len(group_by)
        times = self._key_times
        if by_process and times is None:
            raise ValueError("grouping by process needs key_times=True")
        ids: dict[tuple[str | None, ...], int] = {}
        site_group = [
            ids.setdefault(tuple(_SITE_VALUES[d](site) for d in site_dims), len(ids)) for site in self.sites
        ]
        site_levels = [EVENT_LEVELS[fields[1]] for fields, _test in self.sites]
        site_keys = list(ids)
        run_keys = [(run,) for run, _pid in self.runs]
        pairs: dict[int, int] = {}  # (site group << 32 | run) -> group, grouping by process and site
        groups: list[list[Any]] = []  # [key, events, level, first, last, processes]
        if not by_process:
            groups = [[key, 0, 0, b"\xff", b"", 0] for key in ids]
        members: set[int] = set()
        for key, number in self.counts.items():
            s, r = key & _MASK, key >> _SHIFT
            if not by_process:
                g = site_group[s]
            else:
                pair = site_group[s] << _SHIFT | r
                g = pairs.get(pair, -1)
                if g < 0:
                    g = pairs[pair] = len(groups)
                    groups.append([site_keys[site_group[s]] + run_keys[r], 0, 0, b"\xff", b"", 1])
                span = times[key]  # type: ignore[index]
                group = groups[g]
                group[3], group[4] = min(group[3], span[0]), max(group[4], span[1])
            group = groups[g]
            group[1] += number
            if site_levels[s] > group[2]:
                group[2] = site_levels[s]
            members.add(g << _SHIFT | r)
        if not by_process:
            for entry in self._site_entries:
                if entry[1]:
                    group = groups[site_group[entry[0]]]
                    group[3], group[4] = min(group[3], entry[2]), max(group[4], entry[3])
            for member in members:
                groups[member >> _SHIFT][5] += 1
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
