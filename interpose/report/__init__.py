"""`interpose report`: read compatibility events back and aggregate them into exact totals.

Modules, in the order data flows: `reading` (files, folders, gzip, stdin, in
blocks), `parsing` (one line to one row, with a fast path proved equal to
`json.loads`), `filters`, `aggregate` (exact counts per run and call site, then
views), `sites` (how soon a group breaks a program; a finding on a runtime call
site's line), `triage` (the problems paragraph), `sourcelines`, `model` (what
renderers draw from), `render_*`, and `cli`.  Nothing here imports structlog or
the writer's modules, so the command starts fast.
"""

from __future__ import annotations

__all__ = ["main"]


def main(argv: list[str]) -> int:
    """Run the command (argv without the word `report`); return the exit status."""
    from interpose.report.cli import main as run

    return run(argv)
