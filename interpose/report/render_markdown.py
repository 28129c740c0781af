"""A Markdown report for a pull-request comment: the problems paragraph, the totals, then the table.

GitHub renders a comment's Markdown with its HTML sanitised, so every text is escaped for what it would
otherwise become: `<module>` and `<listcomp>` a swallowed tag, `__init__` bold, `|` a new cell, `@name` a
mention, `#12` a link to an issue.  Source lines go in code spans, where nothing but `|` needs escaping.
"""

from __future__ import annotations

import re

from interpose.report.model import DETAILS, Report, details, summary_line, table

_NUMERIC = {"events", "processes"}
#: Markdown's punctuation escaped with a backslash, HTML's by entity, and what GitHub links.
_ESCAPES = {
    **{char: "\\" + char for char in "\\`*_[]~"},
    "|": "\\|",
    "<": "&lt;",
    ">": "&gt;",
    "&": "&amp;",
    "@": "&#64;",
    "#": "&#35;",
    "\n": " ",
    "\r": " ",
}
_SPECIAL = re.compile("[" + re.escape("".join(_ESCAPES)) + "]")


def cell(text: str) -> str:
    """Text that renders as itself inside a GitHub table cell."""
    return _SPECIAL.sub(lambda found: _ESCAPES[found.group()], text)


def code(text: str) -> str:
    """A code span of `text` in a table cell: a fence longer than any run of backticks inside, `|` escaped."""
    if not text:
        return ""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    inner = text.replace("|", "\\|").replace("\n", " ")
    pad = " " if inner.startswith("`") or inner.endswith("`") else ""
    return f"{fence}{pad}{inner}{pad}{fence}"


def render_markdown(report: Report) -> str:
    """The report as GitHub-flavoured Markdown."""
    headers, cells = table(report)
    lines = ["### interpose compatibility report", ""]
    if report.paragraph:
        lines += [cell(report.paragraph), ""]
    lines += [cell(summary_line(report)), ""]
    if report.filters:
        lines += ["Filters: " + ", ".join(f"{cell(k)} {code(v)}" for k, v in report.filters.items()), ""]
    if not cells:
        return "\n".join([*lines, "No events.", ""])
    headers = (*headers, *DETAILS)
    lines.append("| " + " | ".join(headers) + " |")
    lines.append("|" + "|".join("---:" if h in _NUMERIC else "---" for h in headers) + "|")
    for row, texts in zip(report.rows, cells, strict=True):
        message, hint, source = details(row, report.hints)
        values = [*(cell(text) for text in texts), cell(message), cell(hint), code(source)]
        lines.append("| " + " | ".join(values) + " |")
    return "\n".join([*lines, ""])
