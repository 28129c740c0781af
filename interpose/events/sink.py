"""Where rendered event lines go: an append-only file or standard error.

A file is opened with O_APPEND and every line is handed to one write(2), so the
lines of several processes appending to the same file never interleave.  A full
disk can still cut a line short (write(2) writes what fits); so before writing,
the file's last byte is read, and a line that would follow a torn one starts
with a newline of its own: the torn fragment stays a line by itself, which
readers skip, and the next process's first event is not swallowed by it.  The
check and the write are made under a record lock (`lockf`), because a line that
another process is writing may be seen half copied: without it, that line would
look torn and a blank line would follow it.  The
file is opened for each line and closed again: no descriptor of ours stays open
for the program to close, dup2 over or inherit (the CPython tests do all three),
and lines are rare (one per call site).  The host's own posix functions are
used: the shims may be active while we write.
"""

from __future__ import annotations

import sys

from interpose.host import os


class AppendOnlyFile:
    """A JSON-lines file shared by every process of a run."""

    FLAGS = os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC  # read: the last byte, see the module docstring

    def __init__(self, path: str) -> None:
        self.path = os.path.join(os.getcwd(), os.fspath(path))
        os.close(os.open(self.path, self.FLAGS, 0o644))  # fail now, at activation, if it cannot be written

    def write_line(self, line: str) -> None:
        data = (line + "\n").encode("utf-8", "backslashreplace")
        fd = os.open(self.path, self.FLAGS, 0o644)
        try:
            _lock(fd)  # another writer's line may be half-copied: its size is not yet its end
            if _after_torn_line(fd):
                data = b"\n" + data
            written = os.write(fd, data)
            while written < len(data):  # only on a full disk or a signal; keep the rest together
                written += os.write(fd, data[written:])
        finally:
            os.close(fd)

    def close(self) -> None:
        """Nothing stays open between lines."""


def _lock(fd: int) -> None:
    """Wait for the other writers of the file (a POSIX record lock, released by close or death)."""
    try:  # noqa: SIM105 - no contextlib: writing an event imports nothing
        os.lockf(fd, os.F_LOCK, 0)
    except OSError:  # a filesystem without locks: the check below may then see a line being written
        pass


def _after_torn_line(fd: int) -> bool:
    """Whether the file ends in the middle of a line (a full disk cut it, or its writer was killed)."""
    try:
        size = os.fstat(fd).st_size
        return size > 0 and os.pread(fd, 1, size - 1) != b"\n"
    except OSError:  # not seekable (a pipe, a terminal): nothing to check
        return False


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
