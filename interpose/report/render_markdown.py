"""A Markdown report for a pull-request comment: a heading, the totals, then the table.

Cells are escaped so that a `|` or a backtick in a path or test id cannot break the table.
"""

from __future__ import annotations

from interpose.report.model import HINTS_TITLE, Report, summary_line, table

_NUMERIC = {"events", "processes"}


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`").replace("\n", " ")


def render_markdown(report: Report) -> str:
    """The report as GitHub-flavoured Markdown."""
    headers, cells = table(report)
    lines = ["### interpose compatibility report", "", summary_line(report), ""]
    if report.filters:
        lines += ["Filters: " + ", ".join(f"{k} `{_cell(v)}`" for k, v in report.filters.items()), ""]
    if not cells:
        return "\n".join([*lines, "No events.", ""])
    lines.append("| " + " | ".join(headers) + " |")
    lines.append("|" + "|".join("---:" if h in _NUMERIC else "---" for h in headers) + "|")
    lines += ["| " + " | ".join(_cell(text) for text in row) + " |" for row in cells]
    if report.hints:
        lines += ["", f"#### {HINTS_TITLE}", ""]
        lines += [f"- `{_cell(limitation)}`: {_cell(hint)}" for limitation, hint in report.hints.items()]
    return "\n".join([*lines, ""])
