"""The terminal table: aligned columns, numbers to the right, level in colour on a terminal.

Colour is the caller's decision (stdout a terminal and NO_COLOR unset); this
module only knows how to apply it, so the width of a cell never counts escapes.
"""

from __future__ import annotations

from interpose.report.model import Report, details, summary_line, table

_COLOURS = {
    "SEVERE": "1;31",
    "WARNING": "33",
    "INFO": "36",
    "CONFIG": "35",
    "FINE": "2",
    "FINER": "2",
    "FINEST": "2",
}
_NUMERIC = {"events", "processes"}


def _paint(text: str, code: str | None, colour: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if colour and code else text


def render_text(report: Report, *, colour: bool = False) -> str:
    """The triage paragraph, an aligned table with each row's message, source line and hint under it, and
    a summary line."""
    headers, cells = table(report)
    if not cells:
        return f"No events.\n{summary_line(report)}\n"
    widths = [max(len(header), *(len(row[i]) for row in cells)) for i, header in enumerate(headers)]
    level_column = headers.index("level")

    def line(row: tuple[str, ...], head: bool = False) -> str:
        out = []
        for i, (text, width) in enumerate(zip(row, widths, strict=True)):
            padded = text.rjust(width) if headers[i] in _NUMERIC else text.ljust(width)
            code = "1" if head else (_COLOURS.get(text) if i == level_column else None)
            out.append(_paint(padded, code, colour))
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * width for width in widths)
    body = []
    for row, texts in zip(report.rows, cells, strict=True):
        message, hint, code = details(row, report.hints)
        body.append(line(texts))
        body += [f"    {message}"] if message else []
        body += [_paint(f"    > {code}", "2", colour)] if code else []
        body += [f"    instead: {hint}"] if hint else []
    return (
        f"{report.paragraph}\n\n{line(headers, head=True)}\n{rule}\n"
        + "\n".join(body)
        + (f"\n\n{summary_line(report)}\n")
    )
