"""Bugs the emulated backend's tests found below it, in the providers, kept as regression tests."""

from __future__ import annotations

import os
import stat
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


class _Vanishing(MemoryFileSystem):
    """A lower layer with a name listed but gone when looked at, as another process's file in /tmp may be."""

    def listdir(self, path: str) -> list[str]:
        return [*super().listdir(path), "gone"]


def test_overlay_skips_a_lower_entry_removed_after_listing() -> None:
    lower = _Vanishing()
    lower.mkdir("/d")
    overlay = OverlayFileSystem(lower)
    assert stat.S_ISDIR(overlay.stat("/d").st_mode)  # not ENOENT because of a sibling that went away
    assert overlay.listdir("/") == ["d"]
