"""`python -m interpose scan PATH...`: find, without running it, the code GraalPy's backends would stop.

Status 0 when the scan ran (whatever it found: `python -m interpose report
--fail-on` gates on findings), 2 on a usage error or when no path could be read.
Files that cannot be scanned are named on standard error, one line each, and
counted in the output; they never stop the scan.  docs/scan.md says what is found.
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from interpose.compat.catalog_static import BACKENDS
from interpose.scan import engine, output, walk
from interpose.scan.cache import Cache
from interpose.subcommand import CommandParser, UsageError
from interpose.subcommand import run as run_command

PROG = "python -m interpose scan"


def build_parser(stdout: TextIO | None = None) -> CommandParser:
    parser = CommandParser(
        PROG, "Find what GraalPy's POSIX backends lack or refuse in Python sources, without running them.", stdout
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files and folders to scan")
    parser.add_argument(
        "--site-packages", action="store_true", help="also scan the current environment's installed distributions"
    )
    parser.add_argument("--backend", choices=BACKENDS, default="native", help="the backend to check for (native)")
    parser.add_argument("--format", choices=output.FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    parser.add_argument("--jobs", type=int, metavar="N", help="processes to scan with (default: every core)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache of findings")
    return parser


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    if not args.paths and not args.site_packages:
        raise UsageError("give a PATH to scan, or --site-packages")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    gathered = walk.gather(args.paths, args.site_packages)
    cache = Cache(args.backend, enabled=not args.no_cache)
    outcome = engine.scan(gathered.sources, args.backend, cache, args.jobs or engine.default_jobs())
    outcome.problems[:0] = gathered.problems
    failed = cache.save()
    for problem in outcome.problems:
        print(f"scan: skipped {problem.path}: {problem.kind}: {problem.message}", file=stderr)
    if failed:
        print(f"scan: cannot write the cache: {failed}", file=stderr)
    if not outcome.files and gathered.problems and not gathered.sources:
        print("scan: nothing could be read", file=stderr)
        return 2
    rendered = output.render(outcome, args.backend, args.format, output.run_id())
    if args.output:
        with open(args.output, "w", encoding="utf-8") as file:
            file.write(rendered)
    else:
        stdout.write(rendered)
        stdout.flush()
    if args.format in ("jsonl", "html") or args.output:
        events = sum(len(findings) for _, findings in outcome.findings)
        found, files = output.counted(events, "finding"), output.counted(outcome.files, "file")
        print(f"scan: {found} in {files}, {len(outcome.problems)} skipped", file=stderr)
    return 0


def main(argv: list[str], *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run `scan` with `argv` (without the word `scan`); return the exit status."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr

    def body(args: argparse.Namespace) -> int:
        try:
            return run(args, out, err)
        except OSError as error:
            print(f"scan: cannot write the output: {error}", file=err)
            return 2

    return run_command(build_parser(out), argv, body, err)
