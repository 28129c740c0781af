"""A single self-contained HTML page: inline CSS, an inline SVG bar chart of events per limitation, the table.

Nothing is fetched from the network and nothing runs: the page must open in a
locked-down CI artefact viewer or a headless browser exactly as it does locally.
Every text goes through `html.escape`.
"""

from __future__ import annotations

from html import escape

from interpose.report.model import HINTS_TITLE, Report, ViewRow, summary_line, table

_CSS = """
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1b1f24;background:#fff}
h1{font-size:20px;margin:0 0 4px}p.summary{color:#57606a;margin:0 0 16px}
table{border-collapse:collapse;width:100%;margin-top:16px}
th,td{border-bottom:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
td.code{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
.lv-SEVERE{color:#cf222e;font-weight:600}.lv-WARNING{color:#9a6700}.lv-INFO{color:#0969da}
svg text{font:12px ui-monospace,monospace;fill:#1b1f24}
"""
_BAR = {"SEVERE": "#cf222e", "WARNING": "#d4a72c", "INFO": "#0969da", "CONFIG": "#8250df"}
_NUMERIC = {"events", "processes"}
_CHART_ROWS = 30


def bar_chart(rows: list[ViewRow], width: int = 900) -> str:
    """An SVG bar chart, one bar per limitation, longest first; at most `_CHART_ROWS` bars."""
    shown = rows[:_CHART_ROWS]
    if not shown:
        return ""
    label_width, bar_height, gap = 280, 18, 6
    top = max(row.events for row in shown)
    height = len(shown) * (bar_height + gap) + gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="chart" role="img" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}"><title>events per limitation</title>'
    ]
    room = width - label_width - 90
    for index, row in enumerate(shown):
        y = gap + index * (bar_height + gap)
        length = max(1, round(room * row.events / top))
        name = escape(row.key[0] or "-")
        parts.append(
            f'<g class="bar"><text x="{label_width - 8}" y="{y + 13}" text-anchor="end">{name}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length}" height="{bar_height}"'
            f' fill="{_BAR.get(row.level, "#6e7781")}"><title>{name}: {row.events:,}</title></rect>'
            f'<text x="{label_width + length + 6}" y="{y + 13}">{row.events:,}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def render_html(report: Report) -> str:
    """The report as one HTML document."""
    headers, cells = table(report)
    level_column = len(report.group_by)
    head = "".join(f"<th>{escape(header)}</th>" for header in headers)
    body = []
    for row in cells:
        tds = []
        for i, text in enumerate(row):
            kind = "num" if headers[i] in _NUMERIC else "code" if i < level_column else ""
            kind += f" lv-{text}" if i == level_column else ""
            tds.append(f'<td class="{kind.strip()}">{escape(text)}</td>')
        body.append(f"<tr>{''.join(tds)}</tr>")
    filters = "".join(f" {escape(k)}={escape(v)}" for k, v in report.filters.items())
    hints = "".join(f"<dt><code>{escape(key)}</code></dt><dd>{escape(hint)}</dd>" for key, hint in report.hints.items())
    hints = f'<h2>{HINTS_TITLE}</h2><dl id="hints">{hints}</dl>' if hints else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>interpose compatibility report</title>"
        f"<style>{_CSS}</style></head><body>"
        "<h1>interpose compatibility report</h1>"
        f'<p class="summary">{escape(summary_line(report))}{" Filters:" + filters if filters else ""}</p>'
        f"<h2>Events per limitation</h2>{bar_chart(report.per_limitation) or '<p>No events.</p>'}"
        f'<table id="report"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
        f"{hints}</body></html>\n"
    )
