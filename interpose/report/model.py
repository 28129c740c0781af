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
    "distribution": "distribution",
    "source": "source",
    "use": "use",
}
DEFAULT_GROUP_BY = ("limitation", "callsite")
#: Orders of the rows: what breaks a program first (sites.py's ranks, then level, then events), or most events.
ORDERS = ("breaks", "count")
#: the note of an input that is a file already read (counting it twice would double its events)
DUPLICATE = "same file as"


@dataclass(frozen=True)
class ViewRow:
    """One group: its key values (None where the event has no such value), exact totals, and what a person
    triaging it reads: its rank (report/sites.py), worst use, sources, backends, distributions, and the
    message and hint of its most urgent site, with that site's file and line and, once read, its source line."""

    key: tuple[str | None, ...]
    level: str
    events: int
    processes: int
    first: str
    last: str
    rank: int = 0
    limitation: str = ""
    use: str | None = None
    source: str = "runtime"
    backends: tuple[str, ...] = ()
    distributions: tuple[str, ...] = ()
    message: str = ""
    hint: str = ""
    where: tuple[str, str] | None = None
    code: str | None = None


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
    #: the columns beside the dimensions that the rows need (`extra_columns`)
    extra: tuple[str, ...] = ()
    #: triage.py's paragraph: how many problems would stop the program, on which backend, where
    paragraph: str = ""
    #: the same as data (triage.Triage.as_dict)
    problems: dict[str, object] = field(default_factory=dict)
    #: how the rows are ordered (ORDERS)
    order: str = ORDERS[0]

    @property
    def skipped(self) -> int:
        return sum(summary.skipped_total for summary in self.inputs)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(DIMENSIONS[dim] for dim in self.group_by)


COLUMNS = ("level", "events", "processes", "first seen", "last seen")
#: Columns that every row of Markdown and HTML carries after the table's, and text on lines of their own.
DETAILS = ("message", "hint", "code")
NONE = "-"


def extra_columns(group_by: tuple[str, ...], rows: list[ViewRow]) -> tuple[str, ...]:
    """Columns the rows need beside their dimensions: the use always, the source when a row was found by the
    scanner, the backend when the rows hold more than one, the distribution when a row lies in one."""
    wanted = {
        "use": True,
        "source": any(row.source != "runtime" for row in rows),
        "backend": len({backend for row in rows for backend in row.backends}) > 1,
        "distribution": any(row.distributions for row in rows),
    }
    return tuple(name for name, shown in wanted.items() if shown and name not in group_by)


def _extra(row: ViewRow, name: str) -> str:
    if name == "use":
        return row.use or NONE
    if name == "source":
        return row.source
    values = row.backends if name == "backend" else row.distributions
    return ", ".join(values) or NONE


def details(row: ViewRow, hints: dict[str, str]) -> tuple[str, str, str]:
    """A row's message, hint (the event's, else the catalog's for its limitation) and source line ("" if none)."""
    return row.message, row.hint or hints.get(row.limitation, ""), row.code or ""


def short_time(ts: str) -> str:
    """`2026-11-25 14:31:02` from a canonical timestamp: what a reader of a table needs."""
    return ts[:19].replace("T", " ")


def table(report: Report) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """Headers and cell texts shared by the text, Markdown and HTML tables (without `DETAILS`)."""
    headers = (*report.headers, *report.extra, *COLUMNS)
    cells = [
        (
            *(NONE if value is None else value for value in row.key),
            *(_extra(row, name) for name in report.extra),
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
