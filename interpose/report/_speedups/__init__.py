"""The compiled accelerator of `interpose report` (scan.c through cffi), and what to do when it was not built.

`Scanner` takes blocks of whole lines and keeps, in C, exactly what `Aggregator.feed` would keep for the lines
the fast path of parsing.py takes; it hands every other line back by its offsets for the Python path to parse.
`drain` reads the C tables out for the aggregator to merge.  Setting INTERPOSE_REPORT_PURE (to anything but
"" or "0") forces the pure-Python path; a missing build is not silent: `missing()` says why, and the command
says so on standard error (cli.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

PURE_ENV = "INTERPOSE_REPORT_PURE"
TS_LEN = 27
HEADS, CALLSITES, PROCESSES, TESTS = range(4)

try:
    from interpose.report._speedups._scan import ffi, lib  # type: ignore[import-not-found]
except ImportError as error:  # not built: no compiler at install time, or an install from source without it
    ffi = lib = None
    _WHY_MISSING: str | None = str(error) or type(error).__name__
else:
    _WHY_MISSING = None


def forced_pure() -> bool:
    """Whether the user asked for the pure-Python path."""
    return os.environ.get(PURE_ENV, "") not in ("", "0")


def enabled() -> bool:
    """Whether the report should use the accelerator: it was built and the pure path is not forced."""
    return lib is not None and not forced_pure()


def missing() -> str | None:
    """Why the accelerator is off although nobody asked for that (None when on, or off on request)."""
    return None if forced_pure() else _WHY_MISSING


@dataclass
class Drained:
    """The C tables since the previous drain: new texts per table, then one column per cell field."""

    texts: list[list[bytes]]
    heads: list[int]
    callsites: list[int]
    tests: list[int]
    processes: list[int]
    runs: list[int]  # the process of a cell's first line
    masks: dict[int, int]  # cell index -> bitmask of processes, for cells whose lines come from several
    events: list[int]
    lines: list[int]
    first: list[bytes]
    last: list[bytes]
    outside: int  # lines outside the time window


class Scanner:
    """One C accumulator: made for the views' groupings and the time window, as the aggregator is."""

    def __init__(self, *, by_test: bool, by_run: bool, since: bytes, until: bytes) -> None:
        if lib is None:
            raise RuntimeError("the report's accelerator was not built")
        acc = lib.rep_new(int(by_test), int(by_run), since, len(since), until, len(until))
        if acc == ffi.NULL:
            raise MemoryError
        self._acc: Any = ffi.gc(acc, lib.rep_free)
        self._cap = 0
        self._back: Any = None
        self._nback: Any = ffi.new("size_t *")
        self._known = [0] * 4  # texts already drained, per table

    def scan(self, block: bytes, lines: int) -> tuple[int, list[int]]:
        """Lines taken, and (index, start, end) flattened for each non-blank line handed back."""
        if lines > self._cap:
            self._cap = max(lines, 2 * self._cap, 1024)
            self._back = ffi.new("int64_t[]", 3 * self._cap)
        taken = lib.rep_scan(self._acc, block, len(block), self._back, self._cap, self._nback)
        if taken == -1:
            raise MemoryError
        if taken < 0:
            raise RuntimeError(f"the report's accelerator was given {lines} lines and found more")
        back = self._nback[0]
        return taken, ffi.unpack(self._back, 3 * back) if back else []

    def drain(self) -> Drained:
        """Read the tables out and empty the cells (texts keep their numbers)."""
        acc, length = self._acc, ffi.new("size_t *")
        texts: list[list[bytes]] = []
        for table in range(4):
            count = lib.rep_text_count(acc, table)
            new = []
            for index in range(self._known[table], count):
                pointer = lib.rep_text(acc, table, index, length)
                new.append(ffi.unpack(pointer, length[0]))
            self._known[table] = count
            texts.append(new)
        cells = lib.rep_cell_count(acc)
        heads, callsites, tests, processes, runs, words = (
            ffi.unpack(lib.rep_column(acc, which), cells) if cells else [] for which in range(6)
        )
        masks = {}
        for index, size in enumerate(words):
            if size:
                words_of_mask = ffi.unpack(lib.rep_mask(acc, index), size)
                masks[index] = sum(word << (64 * k) for k, word in enumerate(words_of_mask))
        first, last = (ffi.unpack(lib.rep_times(acc, which), cells * TS_LEN) if cells else b"" for which in (0, 1))
        drained = Drained(
            texts=texts,
            heads=heads,
            callsites=callsites,
            tests=tests,
            processes=processes,
            runs=runs,
            masks=masks,
            events=ffi.unpack(lib.rep_events(acc), cells) if cells else [],
            lines=ffi.unpack(lib.rep_lines(acc), cells) if cells else [],
            first=[first[i : i + TS_LEN] for i in range(0, cells * TS_LEN, TS_LEN)],
            last=[last[i : i + TS_LEN] for i in range(0, cells * TS_LEN, TS_LEN)],
            outside=lib.rep_outside(acc),
        )
        lib.rep_clear_cells(acc)
        return drained
