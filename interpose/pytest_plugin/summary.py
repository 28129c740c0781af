"""The terminal summary: limitations hit, per test, with exact counts, like pytest's warnings summary.

The events file is read back with `interpose.report`'s reader and aggregator
(the same exact-count rules as `python -m interpose report`), restricted to lines
written since this pytest run started, because a file named with
`--interpose-log` may already hold earlier runs.
"""

from __future__ import annotations

from typing import Any

from interpose.host import os

OUTSIDE = "(outside tests: start-up, collection or session finish)"


def collect(log_file: str, since: str) -> list[tuple[str, list[Any]]]:
    """[(test id or OUTSIDE, rows (test, limitation) in order)], tests in the order their first event came."""
    from interpose.report.aggregate import Aggregator
    from interpose.report.filters import make_filters
    from interpose.report.reading import read_inputs

    aggregator = Aggregator(make_filters(since=since))
    read_inputs([log_file], aggregator.feed)
    by_test: dict[str, list[Any]] = {}
    for row in aggregator.view(("test", "limitation")):
        by_test.setdefault(row.key[0] or OUTSIDE, []).append(row)
    return sorted(by_test.items(), key=lambda item: min(row.first for row in item[1]))


class FailedTests:
    """Remembers which tests failed (in any phase), so that the summary can mark them."""

    def __init__(self) -> None:
        self.failed: set[str] = set()

    def pytest_runtest_logreport(self, report: Any) -> None:
        if report.failed:
            self.failed.add(report.nodeid)


#: What the summary says when tests failed and the silent differences were not logged.
SILENT = (
    "{count} failed: GraalPy ignores some arguments and approximates some values silently (subprocess's umask=, "
    "sub-second file times on java): logged at FINE, listed here with --interpose-log-level=FINE"
)


def write_summary(
    reporter: Any,
    log_file: str,
    since: str,
    what: str,
    where: str = "a temporary file",
    failed: set[str] | frozenset[str] = frozenset(),
    level: str = "INFO",
) -> None:
    """One section on the terminal: each test with the limitations it hit, then the totals and the file."""
    from interpose.compat.catalog import CATALOG
    from interpose.events.levels import parse_level

    if not os.path.exists(log_file):
        groups: list[tuple[str, list[Any]]] = []
    else:
        groups = collect(log_file, since)
    reporter.write_sep("=", "interpose: limitations hit")
    events = limitations = 0
    seen: dict[str, None] = {}  # in the order first shown
    for test, rows in groups:
        reporter.write_line(f"{test} (failed)" if test in failed else test)
        for row in rows:
            limitation = row.key[1]
            entry = CATALOG.get(limitation)
            message = f": {row.message}" if row.message else f": {entry.message}" if entry is not None else ""
            children = f" in {row.processes} processes" if row.processes > 1 else ""
            reporter.write_line(f"  {limitation} ({row.level}) x{row.events}{children}{message}")
            events += row.events
            seen[limitation] = None
        reporter.write_line("")
    hints = [(limitation, CATALOG[limitation].hint) for limitation in seen if limitation in CATALOG]
    if any(hint for _limitation, hint in hints):
        reporter.write_line("what to do instead on GraalPy:")
        for limitation, hint in hints:
            if hint:
                reporter.write_line(f"  {limitation}: {hint}")
        reporter.write_line("")
    limitations = len(seen)
    tests = sum(1 for test, _rows in groups if test != OUTSIDE)
    if events:
        reporter.write_line(
            f"{events} events (exact) of {limitations} limitation{'s' * (limitations != 1)} "
            f"in {tests} test{'s' * (tests != 1)}; {what}"
        )
    else:
        reporter.write_line(f"no limitations hit; {what}")
    if failed and parse_level(level) > parse_level("FINE"):
        reporter.write_line(SILENT.format(count=f"{len(failed)} test{'s' * (len(failed) != 1)}"))
    reporter.write_line(f"events ({where}): {log_file}")
    reporter.write_line(f"  read them again with: python -m interpose report {log_file} --group-by test,limitation")


class FixtureLog(FailedTests):
    """Registered on the first use of `interpose_fs` without --interpose: its events file, and their summary."""

    def __init__(self, log_file: str, since: str, level: str = "INFO") -> None:
        super().__init__()
        self.log_file = log_file
        self.since = since
        self.level = level

    @classmethod
    def create(cls, level: str | None = None) -> FixtureLog:
        import tempfile

        from interpose.pytest_plugin.fixture import utc_now

        fd, path = tempfile.mkstemp(prefix="interpose-fixture-", suffix=".jsonl")
        os.close(fd)
        return cls(path, utc_now(), level or "INFO")

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """Only when a test hit something: the fixture is an everyday tool, its runs are usually clean."""
        if os.path.getsize(self.log_file):
            what = "tests using interpose_fs (java backend)"
            write_summary(terminalreporter, self.log_file, self.since, what, failed=self.failed, level=self.level)

    def pytest_unconfigure(self) -> None:
        if os.path.exists(self.log_file) and not os.path.getsize(self.log_file):
            os.unlink(self.log_file)
