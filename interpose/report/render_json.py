"""The machine-readable report: every row with full timestamps, the totals and each input's fate."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from interpose.report.model import Report, ViewRow

#: Version of this output's shape, separate from the event schema it reads.
REPORT_FORMAT = 1


def report_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON-able data."""
    return {
        "format": REPORT_FORMAT,
        "group_by": list(report.group_by),
        "filters": report.filters,
        "totals": {
            "events": report.events,
            "processes": report.processes,
            "lines": report.lines,
            "skipped_lines": report.skipped,
            "filtered_lines": report.excluded,
            "rows_not_shown": report.hidden,
            "first": report.first,
            "last": report.last,
        },
        "rows": [_row(report.group_by, row) for row in report.rows],
        "hints": report.hints,
        "inputs": [asdict(summary) for summary in report.inputs],
    }


def _row(group_by: tuple[str, ...], row: ViewRow) -> dict[str, Any]:
    data: dict[str, Any] = dict(zip(group_by, row.key, strict=True))
    data.update(level=row.level, events=row.events, processes=row.processes, first=row.first, last=row.last)
    return data


def render_json(report: Report) -> str:
    """The report as indented JSON."""
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"
