"""What every renderer draws from: the rows of one view and the totals around them.

Plain data, so that renderers depend on nothing but this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Dimensions a view can group by, and the header each one gets.
DIMENSIONS: dict[str, str] = {
    "limitation": "limitation",
    "callsite": "call site",
    "module": "module",
    "backend": "backend",
    "level": "level",
    "process": "process (run)",
    "test": "test",
}
DEFAULT_GROUP_BY = ("limitation", "callsite")
#: the note of an input that is a file already read (counting it twice would double its events)
DUPLICATE = "same file as"


@dataclass(frozen=True)
class ViewRow:
    """One group: its key values (None where the event has no such value) and exact totals."""

    key: tuple[str | None, ...]
    level: str
    events: int
    processes: int
    first: str
    last: str


@dataclass(frozen=True)
class InputSummary:
    """What reading one input gave: how many lines, events, skipped lines and why, or why it failed."""

    name: str
    lines: int = 0
    events: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    first_bad: int | None = None
    error: str | None = None
    note: str | None = None

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    @property
    def is_duplicate(self) -> bool:
        """Named twice (the same path, or a link to the same file): read once, under its first name."""
        return (self.note or "").startswith(DUPLICATE)

    @property
    def is_folder(self) -> bool:
        return (self.note or "").startswith("folder")

    @property
    def usable(self) -> bool:
        """Read without a failure, or at least some events came out of it."""
        return self.events > 0 or (self.error is None and not self.skipped)


@dataclass
class Report:
    """One aggregated view plus totals, the per-limitation chart data and the inputs read."""

    group_by: tuple[str, ...]
    rows: list[ViewRow]
    per_limitation: list[ViewRow]
    events: int
    processes: int
    lines: int
    excluded: int
    first: str | None
    last: str | None
    inputs: list[InputSummary]
    filters: dict[str, str]
    hidden: int = 0
    #: limitation id -> what to do instead on GraalPy (the catalog's hint), for each limitation in the report
    hints: dict[str, str] = field(default_factory=dict)

    @property
    def skipped(self) -> int:
        return sum(summary.skipped_total for summary in self.inputs)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(DIMENSIONS[dim] for dim in self.group_by)


COLUMNS = ("level", "events", "processes", "first seen", "last seen")
NONE = "-"


def short_time(ts: str) -> str:
    """`2026-11-25 14:31:02` from a canonical timestamp: what a reader of a table needs."""
    return ts[:19].replace("T", " ")


def table(report: Report) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """Headers and cell texts shared by the text, Markdown and HTML tables."""
    headers = (*report.headers, *COLUMNS)
    cells = [
        (
            *(NONE if value is None else value for value in row.key),
            row.level,
            f"{row.events:,}",
            f"{row.processes:,}",
            short_time(row.first),
            short_time(row.last),
        )
        for row in report.rows
    ]
    return headers, cells


HINTS_TITLE = "What to do instead on GraalPy"


def catalog_hints(limitations: list[str]) -> dict[str, str]:
    """The catalog's hint for each of these limitation ids that has one (ids of another version have none)."""
    from interpose.compat.catalog import CATALOG

    entries = (CATALOG.get(limitation) for limitation in limitations)
    return {entry.id: entry.hint for entry in entries if entry is not None and entry.hint}


def summary_line(report: Report) -> str:
    """One sentence with the totals, the inputs and what was skipped or filtered out."""
    files = sum(
        1 for summary in report.inputs if summary.error is None and not (summary.is_folder or summary.is_duplicate)
    )
    parts = [
        f"{report.events:,} events (exact) in {report.processes:,} process{'es' * (report.processes != 1)}",
        f"from {report.lines:,} lines in {files} input{'s' * (files != 1)}",
    ]
    if report.skipped:
        parts.append(f"{report.skipped:,} lines skipped")
    if report.excluded:
        parts.append(f"{report.excluded:,} lines filtered out")
    if report.hidden:
        parts.append(f"{report.hidden:,} more rows not shown")
    return "; ".join(parts) + "."
