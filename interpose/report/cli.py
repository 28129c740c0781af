"""`python -m interpose report [PATH ...]`: read event logs, print one aggregated view, gate CI.

`main` never exits the interpreter and never lets a traceback out for bad input:
it returns 0, 1 (`--fail-on` matched) or 2 (bad usage, or no input readable), and
says what went wrong in one line per input on standard error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from typing import BinaryIO, TextIO

from interpose.report import _speedups
from interpose.report.aggregate import Aggregator
from interpose.report.filters import make_filters
from interpose.report.levels import THRESHOLDS, level_number, parse_threshold
from interpose.report.model import (
    DEFAULT_GROUP_BY,
    DIMENSIONS,
    ORDERS,
    InputSummary,
    Report,
    ViewRow,
    catalog_hints,
    extra_columns,
)
from interpose.report.reading import read_inputs
from interpose.report.triage import PROBLEM_VIEW, paragraph, triage
from interpose.subcommand import CommandParser, UsageError
from interpose.subcommand import run as run_command

FORMATS = ("text", "json", "markdown", "html")
PROG = "python -m interpose report"


def _group_by(text: str) -> tuple[str, ...]:
    dims = tuple(part.strip().lower() for part in text.split(",") if part.strip())
    unknown = [dim for dim in dims if dim not in DIMENSIONS]
    if not dims or unknown or len(set(dims)) != len(dims):
        raise argparse.ArgumentTypeError(
            f"{text!r}: give distinct dimensions from {', '.join(DIMENSIONS)}, separated by commas"
        )
    return dims


def _level(text: str) -> str:
    try:
        parse_threshold(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def build_parser(stdout: TextIO | None = None) -> CommandParser:
    """The options of the command, documented in docs/report.md."""
    parser = CommandParser(
        PROG, "Aggregate interpose compatibility events (JSON lines) from many processes and runs.", stdout
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="event files, folders (every *.jsonl inside), .gz, or - for stdin",
    )
    parser.add_argument(
        "--group-by",
        type=_group_by,
        default=DEFAULT_GROUP_BY,
        metavar="DIMS",
        help=f"comma-separated: {', '.join(DIMENSIONS)} (default: limitation,callsite)",
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--level", type=_level, help="only events at or above this Java level")
    parser.add_argument("--backend", action="append", default=[], help="only this backend (repeatable)")
    parser.add_argument(
        "--limitation",
        action="append",
        default=[],
        metavar="ID",
        help="exact id or dotted prefix (repeatable)",
    )
    parser.add_argument("--since", metavar="TIME", help="only lines written at or after this ISO 8601 time")
    parser.add_argument("--until", metavar="TIME", help="only lines written at or before this ISO 8601 time")
    parser.add_argument("--fail-on", type=_level, metavar="LEVEL", help="exit 1 if any event at or above LEVEL")
    parser.add_argument(
        "--sort",
        choices=ORDERS,
        default=ORDERS[0],
        help="breaks (default): unguarded uses at INFO and above first, then guarded, then probes and FINE; "
        "count: most events first",
    )
    parser.add_argument("--top", type=int, metavar="N", help="show only the first N rows")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report here instead of stdout")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour the text table")
    return parser


def problem_line(summary: InputSummary) -> str | None:
    """The one stderr line about an input, or None when it was read cleanly."""
    parts = []
    if summary.error:
        parts.append(summary.error)
    if summary.skipped:
        reasons = ", ".join(f"{count} {reason}" for reason, count in sorted(summary.skipped.items()))
        parts.append(
            f"skipped {summary.skipped_total} of {summary.lines} lines ({reasons}), first at line {summary.first_bad}"
        )
    if summary.note:
        parts.append("empty, no events" if summary.note == "empty" else summary.note)
    return f"report: {summary.name}: {'; '.join(parts)}" if parts else None


def _colour(choice: str, stream: TextIO, environ: Mapping[str, str]) -> bool:
    if choice != "auto":
        return choice == "always"
    return not environ.get("NO_COLOR") and hasattr(stream, "isatty") and stream.isatty()


def _render(report: Report, fmt: str, colour: bool) -> str:
    """Import only the renderer asked for: start-up stays short."""
    if fmt == "json":
        from interpose.report.render_json import render_json

        return render_json(report)
    if fmt == "markdown":
        from interpose.report.render_markdown import render_markdown

        return render_markdown(report)
    if fmt == "html":
        from interpose.report.render_html import render_html

        return render_html(report)
    from interpose.report.render_text import render_text

    return render_text(report, colour=colour)


def with_source_lines(rows: list[ViewRow]) -> list[ViewRow]:
    """The rows with the source line of their call site, where its file can be read here."""
    from dataclasses import replace

    from interpose.report.sourcelines import SourceLines

    lines = SourceLines()
    return [replace(row, code=lines.line(*row.where)) if row.where else row for row in rows]


def run(args: argparse.Namespace, stdin: BinaryIO | None, stdout: TextIO, stderr: TextIO, colour: bool) -> int:
    """Read, aggregate, render and decide the exit status."""
    try:
        filters = make_filters(args.level, args.backend, args.limitation, args.since, args.until)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if args.top is not None and args.top < 1:
        raise UsageError("--top must be at least 1")
    missing = _speedups.missing()
    if missing:  # never a silent fallback: the report is exact either way, but about half as fast
        print(
            f"report: running without its compiled accelerator ({missing}); pure Python, slower "
            "(install interpose[speedups] where a C compiler is, to build it)",
            file=stderr,
        )
    aggregator = Aggregator(filters, views=args.group_by)
    inputs = read_inputs(args.paths, aggregator.feed, stdin)
    for summary in inputs:
        line = problem_line(summary)
        if line:
            print(line, file=stderr)
    if not any(summary.usable for summary in inputs):
        print("report: no input could be read", file=stderr)
        return 2
    rows = aggregator.view(args.group_by, args.sort)
    first, last = aggregator.span()
    per_limitation = aggregator.view(("limitation",), "count")
    problems = triage(aggregator.view(PROBLEM_VIEW), {backend for row in per_limitation for backend in row.backends})
    shown = with_source_lines(rows[: args.top] if args.top else rows)
    report = Report(
        group_by=args.group_by,
        rows=shown,
        extra=extra_columns(args.group_by, rows),
        paragraph=paragraph(problems),
        problems=problems.as_dict(),
        order=args.sort,
        per_limitation=per_limitation if args.format == "html" else [],
        hints=catalog_hints([str(row.key[0]) for row in per_limitation]),
        events=aggregator.events,
        processes=aggregator.processes(),
        lines=aggregator.rows,
        excluded=aggregator.excluded,
        first=first,
        last=last,
        inputs=inputs,
        filters=filters.described,
        hidden=len(rows) - args.top if args.top and len(rows) > args.top else 0,
    )
    text = _render(report, args.format, colour and not args.output)
    if args.output:
        with open(args.output, "w", encoding="utf-8", errors="backslashreplace") as out:
            out.write(text)
    else:
        stdout.write(text)
        stdout.flush()
    if args.fail_on is not None:
        threshold = THRESHOLDS[args.fail_on.strip().upper()]
        return int(any(level_number(row.level) >= threshold for row in rows))
    return 0


def main(
    argv: Sequence[str],
    *,
    stdin: BinaryIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Run `report` with `argv` (without the word `report`); return the exit status."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    env = os.environ if environ is None else environ

    def body(args: argparse.Namespace) -> int:
        try:
            return run(args, stdin, out, err, _colour(args.color, out, env))
        except OSError as error:  # the output file or a closed stdout
            print(f"report: cannot write the report: {error}", file=err)
            return 2

    return run_command(build_parser(out), argv, body, err)
