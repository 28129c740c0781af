"""The command line of every sub-command (`report`, `limitations`, and those to come): one convention.

The convention, which the run path (`python -m interpose [options] program`, parsed by hand in cli.py because
argparse would cost start-up time) keeps too:

- options are spelled in full (no abbreviations), as `--name VALUE` or `--name=VALUE`;
- `-h` and `--help` print the help on standard output, status 0;
- a usage error prints the usage, then one line `PROG: error: WHAT`, on standard error, status 2, no traceback;
- `main(argv)` returns the status and never exits the interpreter, so that tests and other commands can call it.

Imported only by the sub-commands: argparse never loads on the run path.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import TextIO

    from _typeshed import SupportsWrite

USAGE_STATUS = 2
_UNRECOGNIZED = "unrecognized arguments: "
_ONE_VALUE = ": expected one argument"


class UsageError(Exception):
    """Bad command line: shown after the usage, status 2."""


class _Exit(Exception):
    def __init__(self, status: int, message: str | None) -> None:
        super().__init__(status, message)
        self.status = status
        self.message = message


class CommandParser(argparse.ArgumentParser):
    """An argument parser that raises instead of exiting, and prints its help where the command writes."""

    def __init__(self, prog: str, description: str, stdout: TextIO | None = None) -> None:
        super().__init__(prog=prog, description=description, allow_abbrev=False)
        self.stdout = stdout

    def error(self, message: str) -> NoReturn:
        raise UsageError(_in_our_words(message))

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        raise _Exit(status, message)

    def print_help(self, file: SupportsWrite[str] | None = None) -> None:
        super().print_help(file or self.stdout or sys.stdout)


def _in_our_words(message: str) -> str:
    """argparse's two commonest messages, worded as the run path words them (others as argparse does)."""
    if message.startswith(_UNRECOGNIZED):
        first = message[len(_UNRECOGNIZED) :].split(" ")[0]
        return f"unknown option {first}" if first.startswith("-") else f"unexpected argument {first!r}"
    if message.startswith("argument ") and message.endswith(_ONE_VALUE):
        return f"{message[len('argument ') : -len(_ONE_VALUE)].split('/')[-1]} expects a value"
    return message


def run(
    parser: CommandParser,
    argv: Sequence[str],
    body: Callable[[argparse.Namespace], int],
    stderr: TextIO | None = None,
) -> int:
    """Parse `argv` and run `body` on the result; usage errors (the parser's or `body`'s) as the convention says."""
    err = stderr or sys.stderr
    try:
        return body(parser.parse_args(list(argv)))
    except UsageError as error:
        print(f"{parser.format_usage().rstrip()}\n{parser.prog}: error: {error}", file=err)
        return USAGE_STATUS
    except _Exit as done:
        if done.message:
            print(done.message, file=err, end="")
        return done.status
