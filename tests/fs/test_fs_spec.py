"""``--fs SPEC`` parsing, and the documented example provider."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from interpose.fs.deny import DenyFileSystem
from interpose.fs.host import HostFileSystem
from interpose.fs.memory import MemoryFileSystem
from interpose.fs.overlay import OverlayFileSystem
from interpose.fs.readonly import ReadOnlyFileSystem
from interpose.fs.rooted import RootedFileSystem
from interpose.fs.spec import parse_spec

DOC = Path(__file__).resolve().parents[2] / "docs" / "filesystems.md"


def test_each_kind(tmp_path: Path) -> None:
    assert type(parse_spec("host")) is HostFileSystem
    assert type(parse_spec("memory")) is MemoryFileSystem
    assert type(parse_spec("deny")) is DenyFileSystem
    assert type(parse_spec("overlay")) is OverlayFileSystem
    assert type(parse_spec(f"rooted:{tmp_path}")) is RootedFileSystem
    over = parse_spec(f"overlay:{tmp_path}")
    assert isinstance(over, OverlayFileSystem)
    ro = parse_spec(f"readonly:rooted:{tmp_path}")
    assert isinstance(ro, ReadOnlyFileSystem) and isinstance(ro.inner, RootedFileSystem)
    assert isinstance(parse_spec("readonly:readonly:memory"), ReadOnlyFileSystem)


@pytest.mark.parametrize("spec,message", [
    ("", "unknown filesystem"), ("hots", "unknown filesystem"), ("memory:x", "takes no argument"),
    ("rooted", "needs an argument"), ("rooted:", "needs an argument"), ("readonly:", "needs an argument"),
    ("rooted:relative/dir", "absolute"), ("rooted:/no/such/dir/anywhere", "No such file"),
    ("readonly:bogus", "unknown filesystem"), ("no_such_module_xyz:f", "cannot import"),
    ("os:no_such_factory", "no callable"), ("os:getcwd", "not a FileSystem"),
])
def test_bad_specs_say_why(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_spec(spec)


def test_rooted_on_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(ValueError, match="Not a directory"):
        parse_spec(f"rooted:{tmp_path / 'f'}")


def test_documented_example_is_the_tested_one() -> None:
    shown = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    assert (Path(__file__).parent / "example_provider.py").read_text() in shown


def test_documented_example_works() -> None:
    fs = parse_spec("example_provider:seeded")
    assert isinstance(fs, ReadOnlyFileSystem)
    with fs.open("/etc/hostname", os.O_RDONLY, 0) as h:
        assert h.pread(100, 0) == b"sandbox\n"
    with pytest.raises(OSError) as info:
        fs.open("/etc/motd", os.O_WRONLY | os.O_CREAT, 0o644)
    assert info.value.errno == 30
    assert fs.inner.opened == ["/etc/hostname"]  # type: ignore[attr-defined]
