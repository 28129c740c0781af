"""Inputs to blocks of lines: files, folders of `*.jsonl`, gzip (by magic bytes) and standard input.

Input is read in blocks of a quarter of a megabyte cut at line ends, never whole, so
memory does not grow with the size of a log; a line longer than `MAX_LINE`
(binary garbage without newlines) is skipped without being held.  Every problem
is recorded in the input's summary rather than raised, so one bad file never
stops the others from being reported.
"""

from __future__ import annotations

import gzip
import io
import os
import sys
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, cast

from interpose.report.aggregate import Aggregator
from interpose.report.model import DUPLICATE, InputSummary
from interpose.report.parsing import Row, parse_block

#: small enough that the rows parsed from a block are still in the processor's cache when they are counted
BLOCK = 1 << 18
#: gzip is read in smaller steps so that a truncated stream loses little of what precedes the damage
GZIP_BLOCK = 1 << 16
MAX_LINE = 1 << 20
GZIP_MAGIC = b"\x1f\x8b"
PATTERNS = ("*.jsonl", "*.jsonl.gz")
STDIN = "-"


class _Tally:
    """Mutable counts while one input is read; frozen into an InputSummary at the end."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.lines = 0
        self.events = 0
        self.skipped: dict[str, int] = {}
        self.first_bad: int | None = None
        self.error: str | None = None

    def bad(self, line: int, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1
        if self.first_bad is None or line < self.first_bad:
            self.first_bad = line

    def summary(self, note: str | None = None) -> InputSummary:
        return InputSummary(self.name, self.lines, self.events, self.skipped, self.first_bad, self.error, note)


def _blocks(stream: BinaryIO, tally: _Tally, size: int) -> Iterator[bytes]:
    """Blocks of whole lines; the last may lack its newline.  Counts lines and over-long ones."""
    carry = b""
    dropping = False  # inside an over-long line, already counted, until its newline
    while chunk := stream.read(size):
        end = chunk.rfind(b"\n")
        if end < 0:
            if not dropping:
                carry += chunk
                if len(carry) > MAX_LINE:
                    tally.lines += 1
                    tally.bad(tally.lines, f"line over {MAX_LINE // (1 << 20)} MiB")
                    carry, dropping = b"", True
            continue
        start = 0
        if dropping:
            start, dropping = chunk.find(b"\n") + 1, False
        block = carry + chunk[start : end + 1] if start <= end else b""
        carry = chunk[end + 1 :]
        if block:
            yield block
    if carry and not dropping:
        yield carry


def _open(name: str, stdin: BinaryIO) -> BinaryIO:
    """The input's bytes, decompressed when they start with the gzip magic."""
    raw: BinaryIO = stdin if name == STDIN else open(name, "rb")  # noqa: SIM115 - closed by the caller
    buffered = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(cast(io.RawIOBase, raw))
    if buffered.peek(2)[:2] == GZIP_MAGIC:
        return cast(BinaryIO, gzip.GzipFile(fileobj=buffered, mode="rb"))
    return cast(BinaryIO, buffered)


def _block_feeder(consume: Callable[[list[Row]], None]) -> Callable[[bytes, int], tuple[int, list[tuple[int, str]]]]:
    """What takes a block of lines: an aggregator's own `feed` takes it whole (`feed_block`, where the compiled
    accelerator reads it), any other consumer gets the parsed rows."""
    owner = getattr(consume, "__self__", None)
    if isinstance(owner, Aggregator) and consume == owner.feed:
        return owner.feed_block

    def feed(block: bytes, lines: int) -> tuple[int, list[tuple[int, str]]]:
        rows, bad = parse_block(block, lines)
        if rows:
            consume(rows)
        return len(rows), bad

    return feed


def read_one(name: str, consume: Callable[[list[Row]], None], stdin: BinaryIO) -> InputSummary:
    """Read one file (or `-`), handing rows to `consume` block by block."""
    feed = _block_feeder(consume)
    tally = _Tally("<stdin>" if name == STDIN else name)
    try:
        stream = _open(name, stdin)
    except OSError as error:
        tally.error = f"cannot read: {error.strerror or error}"
        return tally.summary()
    try:
        size = GZIP_BLOCK if isinstance(stream, gzip.GzipFile) else BLOCK
        for block in _blocks(stream, tally, size):
            lines = block.count(b"\n") + (not block.endswith(b"\n"))
            events, bad = feed(block, lines)
            for index, reason in bad:
                tally.bad(tally.lines + index + 1, reason)
            tally.lines += lines
            tally.events += events
    except (OSError, EOFError, zlib.error) as error:
        what = "corrupt or truncated gzip data" if isinstance(stream, gzip.GzipFile) else "read error"
        tally.error = f"{what} after line {tally.lines} ({error})"
    finally:
        if name != STDIN:
            stream.close()
    return tally.summary("empty" if tally.lines == 0 and tally.error is None else None)


def expand(paths: Sequence[str]) -> Iterator[tuple[str, InputSummary | None]]:
    """(file, None) for each file to read: folders become their sorted `*.jsonl` files, recursively.

    A folder that cannot be listed or holds no log gives (folder, its summary) instead.
    """
    for name in paths:
        path = Path(name)
        if name == STDIN or not path.is_dir():
            yield name, None
            continue
        try:
            found = sorted({str(file) for pattern in PATTERNS for file in path.rglob(pattern) if file.is_file()})
        except OSError as error:
            yield name, InputSummary(name, error=f"cannot list folder: {error.strerror or error}")
            continue
        if not found:
            yield name, InputSummary(name, note="folder holds no *.jsonl files")
        yield from ((file, None) for file in found)


def read_inputs(
    paths: Sequence[str], consume: Callable[[list[Row]], None], stdin: BinaryIO | None = None
) -> list[InputSummary]:
    """Read every input in turn; one summary per file, folder note or failure."""
    summaries = []
    first_names: dict[tuple[int, int], str] = {}  # (device, inode) -> the name it was read under
    for name, problem in expand(paths or [STDIN]):
        identity = _identity(name) if problem is None else None
        if identity in first_names:
            summaries.append(InputSummary(name, note=f"{DUPLICATE} {first_names[identity]}, read once"))
            continue
        if identity is not None:
            first_names[identity] = name
        summaries.append(problem or read_one(name, consume, stdin or sys.stdin.buffer))
    return summaries


def _identity(name: str) -> tuple[int, int] | None:
    """(device, inode) of a file, so that one named twice is read once; None for stdin or what cannot be stat'ed."""
    if name == STDIN:
        return None
    try:
        status = os.stat(name)
    except OSError:
        return None
    return status.st_dev, status.st_ino
