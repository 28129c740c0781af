"""`python -m interpose`: run a program under a GraalPy POSIX backend, or one of the sub-commands.

The options are parsed by hand: argparse alone would cost a few milliseconds of
the start-up budget, and the grammar is `python`'s own (options, then a script,
`-m module` or `-c code`, then the program's arguments, untouched).  The hand
parser keeps the convention the sub-commands get from argparse
(interpose/subcommand.py): full spellings, `--name VALUE` or `--name=VALUE`,
`-h`/`--help` on stdout with status 0, a usage error as the usage and one
`PROG: error: WHAT` line on stderr with status 2.
"""

from __future__ import annotations

import sys

import interpose
from interpose import runner

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from interpose.settings import Settings

PROG = "python -m interpose"

USAGE = f"""\
usage: {PROG} [options] (script.py | -m module | -c code | -) [args ...]
       {PROG} limitations [--format text|json|markdown]
       {PROG} report [PATH ...] [options]        ({PROG} report --help)
       {PROG} scan PATH... [options]             ({PROG} scan --help)
"""

HELP = (
    USAGE
    + """
Run a Python program as it would behave on GraalPy's POSIX backends, and log every
compatibility limitation it hits, with the line of your code that hit it.

options:
  --posix-backend native|java
        the GraalPy backend to reproduce (default: native, as GraalPy's launcher);
        'emulated' is another name for java; GraalPy's own spelling also works:
        --python.PosixModuleBackend=native|java
  --policy enforce|warn
        enforce: fail where GraalPy fails (default); warn: behave as CPython does
        wherever possible and log the problem, so one run lists them all
  --log.python.compatibility.level=LEVEL
        the lowest level logged: SEVERE WARNING INFO (default) CONFIG FINE FINER
        FINEST ALL OFF (INFO: what changes behaviour; FINE: what GraalPy ignores)
  --log.file=PATH
        append events to PATH as JSON lines (default: one human line each on stderr)
  --fs SPEC
        the filesystem under the java backend: host (default), memory, deny,
        overlay, rooted:DIR, readonly:SPEC, package.module:factory; any but
        host needs --posix-backend java (a bad SPEC never runs the program)
  -h, --help      show this help and exit
  --version       show the version and exit

Each option can also come from the environment: INTERPOSE_BACKEND, INTERPOSE_POLICY,
INTERPOSE_LOG_LEVEL, INTERPOSE_LOG_FILE, INTERPOSE_FS. Python programs that the program
starts are interposed with the same settings and log to the same file.
INTERPOSE_LOG_FORWARD=structlog|logging also hands each event to the program's own
structlog or logging configuration, once the program has imported it.

examples:
  {prog} app.py --its-own-option
  {prog} --policy warn --log.file=events.jsonl -m pytest tests/
  {prog} report events.jsonl
""".replace("{prog}", PROG)
)

# option -> Settings field
OPTIONS = {
    "--posix-backend": "backend",
    "--python.PosixModuleBackend": "backend",
    "--policy": "policy",
    "--log.python.compatibility.level": "log_level",
    "--log.file": "log_file",
    "--fs": "fs",
}


class UsageError(Exception):
    """Bad command line: the message is printed after the usage, and the exit status is 2."""


class Invocation:
    """What the command line asked for: settings given as options, and the program to run."""

    def __init__(self) -> None:
        self.options: dict[str, str] = {}
        self.kind = ""  # "script", "module", "code", "stdin", "help" or "version"
        self.target = ""
        self.args: list[str] = []


def parse(argv: list[str]) -> Invocation:
    invocation = Invocation()
    index = 0
    while index < len(argv):
        arg = argv[index]
        index += 1
        if arg in ("-h", "--help", "--version"):
            invocation.kind = "version" if arg == "--version" else "help"
            return invocation
        if arg in ("-m", "-c") or (arg[:2] in ("-m", "-c") and not arg.startswith("--")):
            value = arg[2:] or _value_after(argv, index, arg)
            index += 0 if arg[2:] else 1
            invocation.kind = "module" if arg.startswith("-m") else "code"
            invocation.target, invocation.args = value, argv[index:]
            return invocation
        if arg == "--":
            break
        if arg.startswith("--"):
            name, has_value, value = arg.partition("=")
            if name not in OPTIONS:
                raise UsageError(f"unknown option {name}")
            if not has_value:
                value = _value_after(argv, index, name)
                index += 1
            invocation.options[OPTIONS[name]] = value
            continue
        if arg.startswith("-") and arg != "-":
            raise UsageError(f"unknown option {arg}")
        index -= 1
        break
    if index >= len(argv):
        raise UsageError("nothing to run: give a script, -m module, -c code or - (standard input)")
    invocation.kind = "stdin" if argv[index] == "-" else "script"
    invocation.target, invocation.args = argv[index], argv[index + 1 :]
    return invocation


def _value_after(argv: list[str], index: int, option: str) -> str:
    if index >= len(argv):
        raise UsageError(f"{option} expects a value")
    return argv[index]


def main(argv: list[str]) -> int:
    """Run the command line; return the exit status (a program's own SystemExit propagates)."""
    if argv and argv[0] in SUBCOMMANDS:
        return SUBCOMMANDS[argv[0]](argv[1:])
    try:
        invocation = parse(argv)
        if invocation.kind in ("help", "version"):
            print(HELP if invocation.kind == "help" else f"interpose {interpose.__version__}")
            return 0
        settings = _settings(invocation.options)
        run = _prepare(invocation)
    except UsageError as error:
        sys.stderr.write(f"{USAGE}{PROG}: error: {error}\n")
        return 2
    except runner.CannotOpen as error:
        sys.stderr.write(f"{sys.executable}: {error}\n")
        return 2
    except SyntaxError as error:
        runner.report_uncaught(error)
        return 1
    try:
        _activate(settings)
    except OSError as error:
        sys.stderr.write(f"{PROG}: error: cannot write the log file: {error}\n")
        return 2
    except ValueError as error:  # a setting only checked when it is used (INTERPOSE_LOG_FORWARD)
        sys.stderr.write(f"{USAGE}{PROG}: error: {error}\n")
        return 2
    return run()


def _settings(options: dict[str, str]) -> Settings:
    from interpose.host import os
    from interpose.settings import Settings, environment_values  # noqa: F811 - the runtime import

    try:
        settings = Settings(**{"backend": "native", **environment_values(os.environ), **options})
    except ValueError as error:
        raise UsageError(str(error)) from None
    os.environ.update(settings.to_environment())  # child Python processes start interposed the same way
    return settings


def _prepare(invocation: Invocation) -> Callable[[], int]:
    if invocation.kind == "module":
        return runner.prepare_module(invocation.target, invocation.args)
    if invocation.kind == "code":
        return runner.prepare_code(invocation.target, invocation.args)
    if invocation.kind == "stdin":
        return runner.prepare_stdin(invocation.args)
    return runner.prepare_script(invocation.target, invocation.args)


def _activate(settings: Settings) -> None:
    from interpose import activation

    if activation.active() is not None:  # the start-up line already activated from the environment
        activation.deactivate()
    activation.activate(settings)


def _limitations(argv: list[str]) -> int:
    from interpose.compat.listing import main as listing_main

    return listing_main(argv)


def _report(argv: list[str]) -> int:
    from interpose.report.cli import main as report_main

    return report_main(argv)


def _scan(argv: list[str]) -> int:
    from interpose.scan.cli import main as scan_main

    return scan_main(argv)


SUBCOMMANDS: dict[str, Callable[[list[str]], int]] = {"limitations": _limitations, "report": _report, "scan": _scan}


def console_main() -> None:
    """Entry point of `python -m interpose` and the `interpose` script."""
    sys.exit(main(sys.argv[1:]))
