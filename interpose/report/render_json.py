"""The machine-readable report: every row with full timestamps, the totals and each input's fate."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from interpose.report.model import Report, ViewRow, details
from interpose.report.sites import BREAKS

#: Version of this output's shape, separate from the event schema it reads (2: rows say how they break, the
#: problems paragraph and its figures; 1's members are all still there).
REPORT_FORMAT = 2


def report_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON-able data."""
    return {
        "format": REPORT_FORMAT,
        "group_by": list(report.group_by),
        "order": report.order,
        "summary": report.paragraph,
        "problems": report.problems,
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
        "rows": [_row(report, row) for row in report.rows],
        "hints": report.hints,
        "inputs": [asdict(summary) for summary in report.inputs],
    }


def _row(report: Report, row: ViewRow) -> dict[str, Any]:
    data: dict[str, Any] = dict(zip(report.group_by, row.key, strict=True))
    data.update(level=row.level, events=row.events, processes=row.processes, first=row.first, last=row.last)
    message, hint, code = details(row, report.hints)
    data.update(
        breaks=row.rank == BREAKS,
        use=row.use,
        source=row.source,
        backends=list(row.backends),
        distributions=list(row.distributions),
        message=message,
        hint=hint,
        file=row.where[0] if row.where else None,
        line=int(row.where[1]) if row.where and row.where[1].isdigit() else None,
        code=row.code,
    )
    return data


def render_json(report: Report) -> str:
    """The report as indented JSON."""
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"
