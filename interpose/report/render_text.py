"""The terminal table: aligned columns, numbers to the right, level in colour on a terminal.

Colour is the caller's decision (stdout a terminal and NO_COLOR unset); this
module only knows how to apply it, so the width of a cell never counts escapes.
"""

from __future__ import annotations

from interpose.report.model import COLUMNS, HINTS_TITLE, Report, summary_line, table

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
    """The report as an aligned table followed by a summary line."""
    headers, cells = table(report)
    if not cells:
        return f"No events.\n{summary_line(report)}\n"
    widths = [max(len(header), *(len(row[i]) for row in cells)) for i, header in enumerate(headers)]
    level_column = len(headers) - len(COLUMNS)

    def line(row: tuple[str, ...], head: bool = False) -> str:
        out = []
        for i, (text, width) in enumerate(zip(row, widths, strict=True)):
            padded = text.rjust(width) if headers[i] in _NUMERIC else text.ljust(width)
            code = "1" if head else (_COLOURS.get(text) if i == level_column else None)
            out.append(_paint(padded, code, colour))
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * width for width in widths)
    body = "\n".join(line(row) for row in cells)
    hints = "".join(f"  {limitation}: {hint}\n" for limitation, hint in report.hints.items())
    hints = f"\n{HINTS_TITLE}:\n{hints}" if hints else ""
    return f"{line(headers, head=True)}\n{rule}\n{body}\n{hints}\n{summary_line(report)}\n"
