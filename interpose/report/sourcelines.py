"""The source line of a call site, read from its file when the report runs where the file is.

A log may come from another machine, and a path in it may now be anything: missing, a directory, a FIFO,
binary, huge, in an encoding that does not decode.  Each of those gives no line, never an error or a wait:
the file is opened without blocking and checked to be a regular file before anything is read.
"""

from __future__ import annotations

import io
import os
import stat
import tokenize

#: Files larger than this are not read (a generated module, or not source at all).
MAX_BYTES = 8 << 20
#: A line longer than this is cut, with an ellipsis.
MAX_WIDTH = 200


def _lines(path: str) -> list[str] | None:
    """The lines of a source file as Python numbers them, or None when it cannot be read as source."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError):
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as file:
            data = file.read(MAX_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES or b"\0" in data:
        return None
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


class SourceLines:
    """Reads each file once; `line(file, number)` is the stripped line, or None."""

    def __init__(self) -> None:
        self._files: dict[str, list[str] | None] = {}

    def line(self, file: str, number: str | int) -> str | None:
        if not file or file.startswith("<"):
            return None
        try:
            index = int(number) - 1
        except ValueError:
            return None
        if file not in self._files:
            self._files[file] = _lines(file)
        lines = self._files[file]
        if lines is None or not 0 <= index < len(lines):
            return None
        text = lines[index].strip()
        if len(text) > MAX_WIDTH:
            text = text[: MAX_WIDTH - 1] + "…"
        return text or None
