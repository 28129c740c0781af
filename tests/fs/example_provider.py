"""A provider written outside interpose: a seeded, read-only tree that records every open."""

from __future__ import annotations

import os

from interpose.fs.base import FileHandle, FileSystem
from interpose.fs.memory import MemoryFileSystem
from interpose.fs.readonly import ReadOnlyFileSystem


class RecordingFileSystem(MemoryFileSystem):
    """An in-memory tree that remembers which paths the program opened."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    def open(self, path: str, flags: int, mode: int = 0o666) -> FileHandle:
        self.opened.append(path)
        return super().open(path, flags, mode)


def seeded() -> FileSystem:
    """The factory named on the command line: --fs example_provider:seeded."""
    fs = RecordingFileSystem()
    fs.mkdir("/etc", 0o755)
    with fs.open("/etc/hostname", os.O_WRONLY | os.O_CREAT, 0o644) as h:
        h.pwrite(b"sandbox\n", 0)
    fs.opened.clear()
    return ReadOnlyFileSystem(fs)
