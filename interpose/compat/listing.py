"""`python -m interpose limitations`: the catalog, for people (text) and programs (json)."""

from __future__ import annotations

import json
import sys

from interpose.compat.catalog import CATALOG

USAGE = "usage: python -m interpose limitations [--format text|json]\n"


def main(argv: list[str]) -> int:
    fmt = "text"
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg in ("-h", "--help"):
            sys.stdout.write(USAGE + "\nList every compatibility limitation interpose knows.\n")
            return 0
        if arg.startswith("--format"):
            _, has_value, fmt = arg.partition("=")
            if not has_value:
                fmt = args.pop(0) if args else ""
            continue
        sys.stderr.write(f"{USAGE}python -m interpose limitations: error: unknown argument {arg}\n")
        return 2
    if fmt not in ("text", "json"):
        sys.stderr.write(f"{USAGE}python -m interpose limitations: error: --format expects text or json\n")
        return 2
    sys.stdout.write(render_json() if fmt == "json" else render_text())
    return 0


def render_json() -> str:
    return json.dumps([entry.as_dict() for entry in CATALOG.values()], indent=2) + "\n"


def render_text() -> str:
    rows = [("ID", "LEVEL", "BACKENDS", "ENFORCE", "WARN", "MESSAGE")]
    for entry in CATALOG.values():
        rows.append((entry.id, entry.level_name, ",".join(entry.backends), entry.enforce, entry.warn, entry.message))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1] for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"
