"""Findings as events of the log's schema (`source: "static"`), and the formats a scan is written in.

Each finding is one schema-2 event line, the fields docs/events.md lists, so
that `python -m interpose report scan.jsonl run.jsonl` merges what a scan found
with what runs hit.  `callsite.function` is the enclosing function's own name,
as a run writes it (the frame's `co_name`), so that both land on one row; the
qualified name is in `detail`.  The text format is one line per finding, as
linters write them; markdown and html are the report's own renderers.
"""

from __future__ import annotations

import io
import os
import time
from collections import Counter
from typing import Any

from interpose.compat import PROBE_LEVEL
from interpose.compat.catalog import CATALOG
from interpose.compat.guards import PROBE, USES
from interpose.events.encode import encode, utc_timestamp
from interpose.events.levels import level_name
from interpose.scan.engine import Outcome

FORMATS = ("text", "json", "jsonl", "markdown", "html")


def run_id() -> str:
    return f"scan-{os.getpid()}-{time.time_ns()}"


def events(outcome: Outcome, backend: str, run: str) -> list[dict[str, Any]]:
    """One event per finding, in the order of the fields of docs/events.md, `distribution` and `source` last."""
    stamp = utc_timestamp()
    pid = os.getpid()
    made: list[dict[str, Any]] = []
    for source, findings in outcome.findings:
        for line, column, limitation, function, use, enclosing, qualname, keyword in findings:
            entry = CATALOG[limitation]
            level = min(entry.level, PROBE_LEVEL) if use == PROBE else entry.level
            detail: dict[str, Any] = {"column": column}
            if qualname != enclosing:
                detail["qualname"] = qualname
            if keyword:
                detail["keyword"] = keyword
            event: dict[str, Any] = {
                "schema": 2, "ts": stamp, "level": level_name(level), "limitation": limitation,
                "function": function, "backend": backend, "policy": "enforce", "outcome": "found", "use": use,
                "message": entry.message, "hint": entry.hint,
                "callsite": {"file": source.path, "line": line, "function": enclosing},
                "pid": pid, "run": run, "thread": "MainThread", "count": 1, "final": False,
            }  # fmt: skip
            event["detail"] = detail
            if source.distribution:
                event["distribution"] = source.distribution
            event["source"] = "static"
            made.append(event)
    return made


def jsonl(made: list[dict[str, Any]]) -> str:
    return "".join(encode(event) + "\n" for event in made)


def skipped(outcome: Outcome) -> dict[str, int]:
    return dict(sorted(Counter(problem.kind for problem in outcome.problems).items()))


def counted(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def summary(outcome: Outcome, made: list[dict[str, Any]], backend: str) -> str:
    """One line: findings by use, files, lines, what the cache had, what was skipped."""
    uses = Counter(event["use"] for event in made)
    by_use = ", ".join(f"{uses[use]} {use}" for use in USES if uses[use])
    text = (
        f"{counted(len(made), 'finding')} for GraalPy's {backend} backend ({by_use or 'none'}) in "
        f"{counted(outcome.files, 'file')}, {counted(outcome.lines, 'line')} ({outcome.cached} from the cache)"
    )
    counts = skipped(outcome)
    if counts:
        text += "; skipped: " + ", ".join(f"{count} {kind}" for kind, count in counts.items())
    return text


def text(outcome: Outcome, made: list[dict[str, Any]], backend: str) -> str:
    """`path:line:col: LEVEL id [use] function: message`, the hint below, then the summary."""
    lines = []
    for event in made:
        site = event["callsite"]
        owner = f" ({event['distribution']})" if "distribution" in event else ""
        lines.append(
            f"{site['file']}:{site['line']}:{event['detail']['column'] + 1}: {event['level']} {event['limitation']} "
            f"[{event['use']}] {event['function']}: {event['message']}{owner}\n    hint: {event['hint']}"
        )
    lines.append(summary(outcome, made, backend))
    return "\n".join(lines) + "\n"


def json_document(outcome: Outcome, made: list[dict[str, Any]], backend: str, run: str) -> str:
    import json

    document = {
        "backend": backend, "run": run, "files": outcome.files, "lines": outcome.lines, "cached": outcome.cached,
        "skipped": skipped(outcome),
        "problems": [{"path": p.path, "kind": p.kind, "message": p.message} for p in outcome.problems],
        "findings": made,
    }  # fmt: skip
    return json.dumps(document, indent=1) + "\n"


def through_report(outcome: Outcome, made: list[dict[str, Any]], backend: str, fmt: str) -> str:
    """markdown or html: the report's own renderer over the events, with the scan's counts added."""
    from interpose.report.cli import main as report_main

    rendered, errors = io.StringIO(), io.StringIO()
    status = report_main(
        ["-", "--format", fmt, "--level", "ALL"], stdin=io.BytesIO(jsonl(made).encode()), stdout=rendered, stderr=errors
    )
    body = rendered.getvalue() if status == 0 else ""
    line = summary(outcome, made, backend)
    if fmt == "html":
        from html import escape

        note = f'<p class="scan-summary">{escape(line)}</p>\n'
        return body.replace("</body>", note + "</body>", 1) if "</body>" in body else body + note
    return body + f"\n{line}\n"


def render(outcome: Outcome, backend: str, fmt: str, run: str) -> str:
    made = events(outcome, backend, run)
    if fmt == "jsonl":
        return jsonl(made)
    if fmt == "json":
        return json_document(outcome, made, backend, run)
    if fmt == "text":
        return text(outcome, made, backend)
    return through_report(outcome, made, backend, fmt)
