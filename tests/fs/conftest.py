"""Fixtures: the same empty tree seen through each provider under test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fsdiff import Target

from interpose.fs.host import HostFileSystem
from interpose.fs.memory import MemoryFileSystem
from interpose.fs.rooted import RootedFileSystem


def make_targets(base: Path) -> list[Target]:
    """Host first (the reference), then every provider that must behave the same on an empty tree."""
    host_dir, rooted_dir = base / "host", base / "rooted"
    host_dir.mkdir()
    rooted_dir.mkdir()
    targets = [
        Target("host", HostFileSystem(), str(host_dir)),
        Target("memory", MemoryFileSystem()),
        Target("rooted", RootedFileSystem(str(rooted_dir))),
    ]
    try:
        from interpose.fs.overlay import OverlayFileSystem
    except ImportError:
        return targets
    overlay_dir = base / "overlay"
    overlay_dir.mkdir()
    targets.append(Target("overlay", OverlayFileSystem(RootedFileSystem(str(overlay_dir)))))
    return targets


@pytest.fixture
def targets(tmp_path: Path) -> list[Target]:
    return make_targets(tmp_path)


@pytest.fixture(autouse=True)
def _umask_022() -> object:
    """Modes are compared exactly, so every test runs with the usual umask."""
    old = os.umask(0o022)
    yield
    os.umask(old)
