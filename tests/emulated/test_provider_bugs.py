"""Bugs the emulated backend's tests found below it, in the providers, kept as regression tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from interpose.fs.base import FileSystem
from interpose.fs.memory import MemoryFileSystem
from interpose.fs.overlay import OverlayFileSystem


def _rename_into_itself(fs: FileSystem) -> int | None:
    fs.mkdir("/a")
    fs.open("/a/b", os.O_CREAT | os.O_WRONLY).close()
    try:
        fs.rename("/a", "/a/b")
    except OSError as e:
        return e.errno
    return None


def _linux_errno(tmp_path: Path) -> int | None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "b").touch()
    try:
        os.rename(tmp_path / "a", tmp_path / "a" / "b")
    except OSError as e:
        return e.errno
    return None


@pytest.mark.parametrize("provider", [MemoryFileSystem, OverlayFileSystem])
def test_rename_directory_onto_file_inside_itself(tmp_path: Path, provider: type[FileSystem]) -> None:
    assert _rename_into_itself(provider()) == _linux_errno(tmp_path)
