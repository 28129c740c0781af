"""Scripted scenarios run on host, memory, rooted (and overlay): same results, same errnos."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from fsdiff import Target, outcome, same

from interpose.fs.host import HostFileSystem
from interpose.fs.overlay import OverlayFileSystem
from interpose.fs.rooted import RootedFileSystem

W = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
A = os.O_WRONLY | os.O_CREAT | os.O_APPEND

SCENARIOS: dict[str, list[tuple[object, ...]]] = {
    "files": [
        ("write", "/f", b"hello", W), ("read", "/f"), ("write", "/f", b"!", A), ("read", "/f"),
        ("stat", "/f"), ("truncate", "/f", 2), ("read", "/f"), ("truncate", "/f", 10), ("read", "/f"),
        ("truncate", "/f", -1), ("write", "/f", b"x", os.O_WRONLY | os.O_CREAT | os.O_EXCL),
        ("read", "/f", os.O_RDONLY | os.O_DIRECTORY), ("read", "/f/x"), ("read", "/nope"),
        ("write", "/nope/x", b"", W), ("read", "/f", os.O_RDONLY | os.O_TRUNC), ("stat", "/f"),
        ("write", "/new", b"", os.O_RDONLY | os.O_CREAT | os.O_DIRECTORY), ("stat", "/new"),
        ("write", "/m", b"abc", W, 0o600), ("stat", "/m"), ("write", "/m", b"z", os.O_RDWR),
        ("read", "/m"), ("write_at", "/m", b"", 10), ("write_at", "/m", b"", 3), ("write_at", "/m", b"e", 5),
        ("read", "/m"), ("write_at", "/d", b"", 0), ("scandir", "/"), ("scandir", "/m"), ("scandir", "/zz"),
    ],
    "dirs": [
        ("mkdir", "/d"), ("mkdir", "/d"), ("mkdir", "/d/e", 0o700), ("stat", "/d"), ("stat", "/d/e"),
        ("listdir", "/"), ("listdir", "/d"), ("rmdir", "/d"), ("rmdir", "/d/e/.."),
        ("mkdir", "/d/.."), ("unlink", "/d"), ("unlink", "/d/.."), ("read", "/d"),
        ("write", "/d", b"", os.O_WRONLY), ("write", "/d", b"", os.O_RDONLY | os.O_CREAT),
        ("write", "/d/..", b"", os.O_RDONLY | os.O_CREAT), ("listdir", "/d/e/../.."),
        ("rmdir", "/d/e"), ("rmdir", "/d/e"), ("stat", "/d"), ("mkdir", "/missing/x"),
        ("write", "/d/f", b"1", W), ("listdir", "/d/f"), ("rmdir", "/d/f"), ("mkdir", "/d/f/g"),
        ("stat", "/d/f/.."), ("realpath", "/d/../d/f"), ("realpath", "/d/zz"), ("realpath", "/"),
        ("access", "/d", os.F_OK), ("access", "/d/f", os.X_OK), ("access", "/zz", os.F_OK),
    ],
    "symlinks": [
        ("mkdir", "/d"), ("write", "/d/f", b"data", W), ("symlink", "f", "/d/l"), ("symlink", "/d", "/abs"),
        ("symlink", "../d/f", "/d/rel"), ("symlink", "nowhere", "/dangling"), ("symlink", "x", "/d/l"),
        ("symlink", "", "/empty"), ("symlink", "loop2", "/loop1"), ("symlink", "loop1", "/loop2"),
        ("readlink", "/d/l"), ("readlink", "/abs"), ("readlink", "/d/f"), ("readlink", "/none"),
        ("read", "/d/l"), ("read", "/abs/rel"), ("read", "/abs/l"), ("stat", "/abs", False),
        ("stat", "/loop1"), ("stat", "/loop1", False), ("read", "/loop1"), ("listdir", "/abs"),
        ("read", "/d/l", os.O_RDONLY | os.O_NOFOLLOW), ("stat", "/dangling"),
        ("write", "/dangling", b"made", W), ("read", "/nowhere"), ("readlink", "/dangling"),
        ("write", "/abs/../d/g", b"g", W), ("realpath", "/abs/rel"), ("realpath", "/loop1"),
        ("symlink", ".", "/dot"), ("stat", "/dot/dot/dot/d"), ("rmdir", "/dot"), ("unlink", "/dot"),
        ("symlink", "/", "/root"), ("realpath", "/root/root/d/../abs/f"), ("listdir", "/abs/../root"),
        ("write", "/d/l", b"x", os.O_WRONLY | os.O_CREAT | os.O_EXCL), ("scandir", "/"), ("scandir", "/abs"),
        ("unlink", "/abs"),
        ("read", "/d/f"), ("chmod", "/d/l", 0o600), ("stat", "/d/f"), ("chmod", "/d/l", 0o600, False),
        ("chmod", "/d/f", 0o640, False), ("stat", "/d/f"),
        ("utime", "/d/l", (1_000_000_123, 2_000_000_456)), ("utime", "/d/l", (5, 7), False),
    ],
    "links": [
        ("write", "/f", b"one", W), ("link", "/f", "/g"), ("stat", "/f"), ("stat", "/g"),
        ("write", "/g", b"two", W), ("read", "/f"), ("link", "/f", "/g"), ("link", "/zz", "/h"),
        ("mkdir", "/d"), ("link", "/d", "/e"), ("symlink", "f", "/s"), ("link", "/s", "/t"),
        ("stat", "/t", False), ("link", "/s", "/u", False), ("stat", "/u", False), ("unlink", "/f"),
        ("stat", "/g"), ("link", "/g", "/d/.."), ("link", "/g", "/nodir/x"),
    ],
    "rename": [
        ("mkdir", "/a"), ("mkdir", "/a/b"), ("write", "/f", b"f", W), ("write", "/a/g", b"g", W),
        ("rename", "/a", "/a/b/c"), ("rename", "/a", "/f"), ("rename", "/f", "/a"), ("rename", "/a/..", "/x"),
        ("rename", "/f", "/a/.."), ("rename", "/zz", "/y"), ("rename", "/f", "/zz/y"),
        ("rename", "/f", "/a/g"), ("read", "/a/g"), ("stat", "/f"), ("mkdir", "/e"),
        ("rename", "/e", "/a"), ("rename", "/a/b", "/e"), ("listdir", "/e"), ("stat", "/a"),
        ("stat", "/e"), ("link", "/a/g", "/h"), ("rename", "/a/g", "/h"), ("listdir", "/"),
        ("listdir", "/a"), ("rename", "/a", "/a"), ("rename", "/e", "/a/e"),
        ("stat", "/a"), ("realpath", "/a/e"), ("symlink", "a", "/sl"), ("rename", "/sl", "/sl2"),
        ("readlink", "/sl2"), ("rename", "/a", "/sl2"), ("rename", "/h", "/sl2/x"),
    ],
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_providers_agree(targets: list[Target], scenario: str) -> None:
    for op, *args in SCENARIOS[scenario]:
        same(targets, str(op), *args)


def test_stat_results_are_real(targets: list[Target]) -> None:
    for t in targets:
        t.fs.mkdir(t.p("/d"), 0o755)
        st = t.fs.stat(t.p("/d"))
        assert isinstance(st, os.stat_result)
        assert abs(st.st_mtime - st.st_mtime_ns / 1e9) < 1e-5
        assert st[8] == st.st_mtime_ns // 1_000_000_000


@pytest.mark.parametrize("op,args,code", [
    ("rmdir", ("/",), "EBUSY"), ("rename", ("/", "/q"), "EBUSY"), ("rename", ("/d", "/"), "EBUSY"),
    ("unlink", ("/",), "EISDIR"), ("mkdir", ("/",), "EEXIST"), ("rmdir", ("/d/..",), "ENOTEMPTY"),
    ("rmdir", ("/..",), "ENOTEMPTY"), ("stat", ("/../../d",), None),
])
def test_root_cannot_be_removed(targets: list[Target], op: str, args: tuple[str, ...], code: str) -> None:
    """The providers' own root: the host answers differently only because its root is '/'."""
    for t in targets[1:]:
        t.mkdir("/d")
        result = outcome(lambda t=t: getattr(t, op)(*args))
        assert result[0] == ("ok" if code is None else "err") and (code is None or result[1] == code), t.name


def _populate(base: Path) -> None:
    """A lower tree with something of every kind to copy up, shadow and rename."""
    (base / "a" / "b").mkdir(parents=True)
    (base / "f").write_bytes(b"lower f")
    (base / "a" / "g").write_bytes(b"lower g")
    (base / "a" / "b" / "deep").write_bytes(b"deep")
    (base / "d").mkdir()
    (base / "e").mkdir()
    (base / "sl").symlink_to("a")
    (base / "dangle").symlink_to("nowhere")
    os.link(base / "f", base / "hard")
    os.chmod(base / "a" / "g", 0o600)


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_overlay_on_a_populated_tree(tmp_path: Path, scenario: str) -> None:
    """overlay:DIR must act like the host on a copy of DIR, and DIR must not change."""
    lower, copy = tmp_path / "lower", tmp_path / "copy"
    lower.mkdir()
    _populate(lower)
    shutil.copytree(lower, copy, symlinks=True)
    os.unlink(copy / "hard")
    os.link(copy / "f", copy / "hard")
    before = sorted((str(p), p.lstat().st_mtime_ns) for p in lower.rglob("*"))
    targets = [Target("host", HostFileSystem(), str(copy)),
               Target("overlay", OverlayFileSystem(RootedFileSystem(str(lower))))]
    for op in ["/", "/a", "/a/b", "/sl/b"]:
        same(targets, "listdir", op)
    for op, *args in SCENARIOS[scenario] + [("read", "/a/g"), ("read", "/sl/b/deep"), ("rmdir", "/a"),
                                            ("rename", "/e", "/d"), ("stat", "/hard"), ("listdir", "/")]:
        same(targets, str(op), *args)
    assert sorted((str(p), p.lstat().st_mtime_ns) for p in lower.rglob("*")) == before
    assert (lower / "f").read_bytes() == b"lower f"
