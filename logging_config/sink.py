"""Where rendered event lines go: an append-only file or standard error.

A file is opened with O_APPEND and every line is handed to one write(2), so the
lines of several processes appending to the same file never interleave.  The
host's own posix functions are used: the shims may be active while we write.
"""

from __future__ import annotations

import sys

from interpose.host import os


class AppendOnlyFile:
    """A JSON-lines file shared by every process of a run."""

    def __init__(self, path: str) -> None:
        self.path = os.fspath(path)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC
        self._fd = os.open(self.path, flags, 0o644)

    def write_line(self, line: str) -> None:
        data = (line + "\n").encode("utf-8", "backslashreplace")
        written = os.write(self._fd, data)
        while written < len(data):  # only on a full disk or a signal; keep the rest together
            written += os.write(self._fd, data[written:])

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


class StandardError:
    """Human lines on the process's standard error."""

    path = None

    def write_line(self, line: str) -> None:
        stream = sys.stderr
        if stream is None:
            return
        try:
            stream.write(line + "\n")
            stream.flush()
        except (OSError, ValueError):
            pass  # a closed or broken stderr must not break the program being observed

    def close(self) -> None:
        """Standard error belongs to the program."""
