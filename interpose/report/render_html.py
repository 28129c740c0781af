"""A single self-contained HTML page: the problems paragraph, a bar chart, controls, the rows folded by limitation.

Nothing is fetched from the network: the style, the SVG chart and the small script that filters (level,
limitation, distribution, source) and sorts (any column) are inline (`html_assets.py`), so the page opens in
a locked-down CI artefact viewer or a headless browser as it does locally, and reads without its script
(everything is shown, folds open where something breaks).  Every text goes through `html.escape`.
"""

from __future__ import annotations

from html import escape

from interpose.report.html_assets import CSS, SCRIPT
from interpose.report.levels import EVENT_LEVELS
from interpose.report.model import Report, ViewRow, details, summary_line, table
from interpose.report.sites import BREAKS

_BAR = {"SEVERE": "#cf222e", "WARNING": "#d4a72c", "INFO": "#0969da", "CONFIG": "#8250df"}
_NUMERIC = {"events", "processes"}
_CHART_ROWS = 30
_OWN_CODE = "own code"


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


def _buttons(filter_name: str, label: str, choices: list[tuple[str, str]], pressed: str) -> str:
    """A fieldset of toggle buttons, one pressed: (value, text) each."""
    buttons = "".join(
        f'<button type="button" data-filter="{filter_name}" data-value="{escape(value)}"'
        f' aria-pressed="{str(value == pressed).lower()}">{escape(text)}</button>'
        for value, text in choices
    )
    return f'<fieldset id="{filter_name}-filter"><legend>{label}</legend>{buttons}</fieldset>'


def controls(report: Report) -> str:
    """The filters the rows allow, and the count of rows shown (the script keeps it up to date)."""
    levels = [("0", "ALL"), *((str(number), name) for name, number in reversed(EVENT_LEVELS.items()))]
    parts = [_buttons("level", "level at least", levels, "0")]
    limitations = sorted({row.limitation for row in report.rows})
    options = "".join(f'<option value="{escape(name)}">' for name in limitations)
    parts.append(
        '<label>limitation <input id="limitation-filter" type="search" list="limitations" '
        f'placeholder="id or dotted prefix"></label><datalist id="limitations">{options}</datalist>'
    )
    distributions = sorted({name for row in report.rows for name in row.distributions})
    if distributions:
        choices = [("*", "all"), ("", _OWN_CODE), *((name, name) for name in distributions)]
        parts.append(_buttons("distribution", "distribution", choices, "*"))
    sources = [("", "all"), ("runtime", "runtime"), ("static", "static"), ("both", "both")]
    parts.append(_buttons("source", "source", sources, ""))
    parts.append(f'<span id="shown">{len(report.rows)} of {len(report.rows)} rows shown</span>')
    return f'<div id="controls">{"".join(parts)}</div>'


def _what(row: ViewRow, hints: dict[str, str]) -> str:
    message, hint, code = details(row, hints)
    parts = [f"<div>{escape(message)}</div>"] if message else []
    parts += [f"<code>{escape(code)}</code>"] if code else []
    parts += [f'<div class="hint">instead: {escape(hint)}</div>'] if hint else []
    return "".join(parts)


def _folded(header: str) -> str:
    """The class of a column a fold's line already gives (its limitation): hidden inside folds."""
    return ' class="in-fold"' if header == "limitation" else ""


def _table_head(headers: tuple[str, ...]) -> str:
    cells = ['<th data-column="0" data-type="number" title="the report\'s order">#</th>']
    for index, header in enumerate((*headers, "message, source line, what to do instead"), start=1):
        kind = "number" if header in _NUMERIC or header == "level" else "text"
        cells.append(f'<th data-column="{index}" data-type="{kind}"{_folded(header)}>{escape(header)}</th>')
    return f"<thead><tr>{''.join(cells)}</tr></thead>"


def _row(position: int, row: ViewRow, texts: tuple[str, ...], headers: tuple[str, ...], report: Report) -> str:
    level_column = headers.index("level")
    tds = [f'<td class="num" data-sort="{position}">{position}</td>']
    for index, text in enumerate(texts):
        header = headers[index]
        kind = "num" if header in _NUMERIC else "code" if index < len(report.group_by) else ""
        kind = "time" if header.endswith(" seen") else "in-fold code" if header == "limitation" else kind
        sort = ""
        if index == level_column:
            kind += f" lv-{text}"
            sort = f' data-sort="{EVENT_LEVELS[text]}"'
        elif header in _NUMERIC:
            sort = f' data-sort="{text.replace(",", "")}"'
        tds.append(f'<td class="{kind.strip()}"{sort}>{escape(text)}</td>')
    tds.append(f'<td class="what">{_what(row, report.hints)}</td>')
    data = (
        f' data-level="{EVENT_LEVELS[row.level]}" data-source="{row.source}"'
        f' data-distribution="{escape(" ".join(row.distributions))}" data-limitation="{escape(row.limitation)}"'
        f' data-breaks="{str(row.rank == BREAKS).lower()}"'
    )
    return f'<tr class="row"{data}>{"".join(tds)}</tr>'


def groups(report: Report) -> str:
    """The rows, folded per limitation when the view has one and something else besides (call sites)."""
    headers, cells = table(report)
    head = _table_head(headers)
    rendered = [
        (row, _row(position, row, texts, headers, report))
        for position, (row, texts) in enumerate(zip(report.rows, cells, strict=True), start=1)
    ]
    if "limitation" not in report.group_by or len(report.group_by) == 1:
        body = "".join(html for _row_, html in rendered)
        return f'<div id="groups"><div class="group"><table>{head}<tbody>{body}</tbody></table></div></div>'
    folds: dict[str, list[tuple[ViewRow, str]]] = {}
    for row, html in rendered:
        folds.setdefault(row.limitation, []).append((row, html))
    out = []
    for limitation, members in folds.items():
        first = members[0][0]
        events = sum(row.events for row, _html in members)
        message, hint, _code = details(first, report.hints)
        sites = f"{len(members)} row{'s' * (len(members) != 1)}"
        summary = (
            f"<code>{escape(limitation)}</code> <span class=lv-{first.level}>{first.level}</span>"
            f" · {events:,} events · {sites} — {escape(message)}"
            + (f' <span class="hint">instead: {escape(hint)}</span>' if hint else "")
        )
        opened = " open" if any(row.rank == BREAKS for row, _html in members) else ""
        body = "".join(html for _row_, html in members)
        out.append(
            f'<details class="group" data-limitation="{escape(limitation)}"{opened}><summary>{summary}</summary>'
            f"<table>{head}<tbody>{body}</tbody></table></details>"
        )
    return f'<div id="groups">{"".join(out)}</div>'


def render_html(report: Report) -> str:
    """The report as one HTML document."""
    filters = "".join(f" {escape(k)}={escape(v)}" for k, v in report.filters.items())
    rows = f"{controls(report)}{groups(report)}" if report.rows else "<p>No events.</p>"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>interpose compatibility report</title>"
        f"<style>{CSS}</style></head><body>"
        "<h1>interpose compatibility report</h1>"
        f'<p class="problems">{escape(report.paragraph)}</p>'
        f'<p class="summary">{escape(summary_line(report))}{" Filters:" + filters if filters else ""}</p>'
        f"<h2>Events per limitation</h2>{bar_chart(report.per_limitation) or '<p>No events.</p>'}"
        f"<h2>Rows</h2>{rows}"
        f"<script>{SCRIPT}</script></body></html>\n"
    )
