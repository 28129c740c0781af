"""The memory provider feels like a Linux root, and memory and overlay like one Linux filesystem.

Compared with the real thing: devices with the host's /dev, sparse files and the
kernel's range checks with a tmpfs (/dev/shm, what a memory tree is), names and
paths too long and unencodable with the host filesystem through the differential
harness, and a program run under ``--fs memory``/``overlay`` with plain CPython.
"""

from __future__ import annotations

import errno
import os
import stat as S
import subprocess
import sys
import tempfile
import textwrap
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from fsdiff import Target, outcome, same

from interpose.fs.host import HostFileSystem
from interpose.fs.memory import MemoryFileSystem
from interpose.fs.overlay import OverlayFileSystem
from interpose.fs.rooted import RootedFileSystem
from interpose.fs.spec import parse_spec

GIB64 = 64 << 30
MAX = (1 << 63) - 1

# -- /dev and /tmp --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["null", "zero", "full", "random", "urandom"])
def test_devices_are_the_hosts_character_devices(name: str) -> None:
    fs = MemoryFileSystem(linux=True)
    path = f"/dev/{name}"
    st, real = fs.stat(path), os.stat(path)
    assert (st.st_mode, st.st_rdev, st.st_size) == (real.st_mode, real.st_rdev, 0)
    assert S.S_ISCHR(st.st_mode)
    with fs.open(path, os.O_RDWR | os.O_TRUNC) as h:
        fd = os.open(path, os.O_RDWR)
        try:
            got, want = outcome(lambda: h.pread(64, 0)), outcome(lambda: os.pread(fd, 64, 0))
            if name.endswith("random"):  # random bytes: only their count can agree
                got, want = (got[0], len(got[1])), (want[0], len(want[1]))
            assert got == want
            assert outcome(lambda: h.pwrite(b"data", 0)) == outcome(lambda: os.pwrite(fd, b"data", 0))
            assert outcome(lambda: h.truncate(0)) == outcome(lambda: os.ftruncate(fd, 0))
            assert h.stat().st_ino == st.st_ino and h.host_fd() is None  # the backend never hands it out
            real_fd = h.fd  # type: ignore[attr-defined]
            assert fs.host_fds() == (real_fd,)  # nor lets a guess at its number adopt it
        finally:
            os.close(fd)
    assert fs.host_fds() == ()


def test_the_linux_root_has_a_sticky_world_writable_tmp_and_the_spec_gives_it() -> None:
    fs = parse_spec("memory")
    assert sorted(fs.listdir("/")) == ["dev", "tmp"]
    assert fs.stat("/tmp").st_mode == S.S_IFDIR | 0o1777 == os.stat("/tmp").st_mode
    assert MemoryFileSystem().listdir("/") == []  # the bare tree an API user fills in


def run_interposed(fs: str, code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "interpose", "--posix-backend=java", f"--fs={fs}", "-c", textwrap.dedent(code)],
        capture_output=True, text=True, timeout=60,
        env={k: v for k, v in os.environ.items() if not k.startswith("INTERPOSE_")},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_devnull_and_tempfile_work_under_fs_memory() -> None:
    out = run_interposed("memory", """
        import os, subprocess, sys, tempfile
        print(tempfile.gettempdir())
        with tempfile.NamedTemporaryFile(suffix=".txt") as f:
            f.write(b"x"); f.flush()
            print(os.path.dirname(f.name), os.path.getsize(f.name))
        with open(os.devnull, "w") as f:
            print(f.write("gone"))
        with open(os.devnull, "rb") as f:
            print(f.read())
        # GraalPy gives a child the JVM's own streams whatever DEVNULL says (childstdio.py): it must just work
        child = [sys.executable, "-c", "pass"]  # the one child the sandbox lets start: this interpreter, interposed
        print(subprocess.run(child, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL).returncode)
    """)
    assert out.split("\n") == ["/tmp", "/tmp 1", "4", "b''", "0", ""]


def test_the_programs_device_fds_change_the_memory_node_never_the_hosts_device() -> None:
    """fchmod, fchown and utime on an fd of /dev/null reach the memory node; native code sees no real fd."""
    before = os.stat("/dev/null")
    try:
        out = run_interposed("memory", """
            import os, stat, interpose.host
            fd = os.open("/dev/null", os.O_RDWR)
            try:
                interpose.host.posix.write(fd, b"x")
            except OSError as e:
                print(e.errno)
            os.fchmod(fd, 0o640)
            os.utime(fd, ns=(5_000_000_000, 7_000_000_000))
            print(oct(stat.S_IMODE(os.fstat(fd).st_mode)), os.stat("/dev/null").st_mtime_ns, os.write(fd, b"abc"))
        """)
        after = os.stat("/dev/null")
    finally:  # should the host's device have been changed, put it back
        os.chmod("/dev/null", before.st_mode & 0o7777)
        os.utime("/dev/null", ns=(before.st_atime_ns, before.st_mtime_ns))
    assert out == "9\n0o640 7000000000 3\n"
    assert (after.st_mode, after.st_mtime_ns) == (before.st_mode, before.st_mtime_ns)


def test_sticky_tmp_keeps_other_users_names_as_linux_does() -> None:
    """As nobody: another user's file in a sticky directory can't be removed or renamed, on the host or in the
    overlay over it; one's own can."""
    if os.getuid() != 0:
        pytest.skip("needs root to become another user")
    with tempfile.TemporaryDirectory(dir="/tmp") as top:
        os.chmod(top, 0o1777)
        Path(top, "roots.txt").write_text("root's")
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child reports through the pipe
            try:
                os.setgid(65534)
                os.setuid(65534)
                fs = OverlayFileSystem()  # made as the process it serves
                results = [
                    (outcome(lambda: os.unlink(top + "/roots.txt")), outcome(lambda: fs.unlink(top + "/roots.txt"))),
                    (outcome(lambda: os.rename(top + "/roots.txt", top + "/x")),
                     outcome(lambda: fs.rename(top + "/roots.txt", top + "/x"))),
                    (outcome(lambda: fs.open(top + "/mine", os.O_WRONLY | os.O_CREAT, 0o644).close()),
                     outcome(lambda: fs.unlink(top + "/mine"))),
                ]
                os.write(write_end, repr(results).encode())
            finally:
                os._exit(0)
        os.close(write_end)
        with os.fdopen(read_end) as reading:
            report = reading.read()
        os.waitpid(pid, 0)
    eperm = ("err", "EPERM")
    assert report == repr([(eperm, eperm), (eperm, eperm), (("ok", None), ("ok", None))])


# -- sparse files and the kernel's range checks ---------------------------------------------------------------


def test_a_write_at_64_gib_and_a_truncate_to_64_gib_cost_no_memory() -> None:
    fs = MemoryFileSystem()
    tracemalloc.start()
    try:
        with fs.open("/big", os.O_RDWR | os.O_CREAT, 0o644) as h:
            assert h.pwrite(b"end", GIB64) == 3
            h.truncate(2 * GIB64)
            assert h.pread(4, GIB64 - 2) == b"\0\0en"
            assert h.pread(8, 2 * GIB64 - 4) == b"\0\0\0\0"
        with fs.open("/big2", os.O_RDWR | os.O_CREAT, 0o644) as h:
            h.truncate(GIB64)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20
    assert fs.stat("/big").st_size == 2 * GIB64 and fs.stat("/big2").st_size == GIB64
    assert fs.stat("/big2").st_blocks == 0


@pytest.fixture
def tmpfs_targets(tmp_path: Path) -> Iterator[list[Target]]:
    """A real tmpfs first (what a memory tree is), then memory and overlay (whose new files are memory's)."""
    if " /dev/shm tmpfs " not in Path("/proc/self/mounts").read_text():
        pytest.skip("no tmpfs at /dev/shm to compare with")
    with tempfile.TemporaryDirectory(dir="/dev/shm") as shm:
        yield [Target("tmpfs", HostFileSystem(), shm), Target("memory", MemoryFileSystem()),
               Target("overlay", OverlayFileSystem(RootedFileSystem(str(tmp_path))))]  # fmt: skip


RANGES: list[tuple[object, ...]] = [
    ("write_at", "/f", b"x", -1), ("write_at", "/f", b"", -1), ("write_at", "/f", b"x", MAX),
    ("write_at", "/f", b"xy", MAX - 1), ("write_at", "/f", b"x", MAX - 1), ("write_at", "/f", b"", MAX),
    ("read_at", "/f", 1, -1), ("read_at", "/f", 0, -1), ("read_at", "/f", 1, MAX), ("read_at", "/f", 4, MAX - 4),
    ("read_at", "/f", 4, MAX - 5), ("ftruncate", "/f", -1), ("ftruncate", "/f", MAX), ("ftruncate", "/f", 7),
    ("write_at", "/f", b"abc", GIB64), ("read_at", "/f", 6, GIB64 - 3), ("read_at", "/f", 3, (1 << 16) - 1),
    ("write_at", "/f", b"q" * 70000, 65000), ("read_at", "/f", 70010, 64995), ("ftruncate", "/f", 65538),
    ("read_at", "/f", 10, 65530), ("write_at", "/f", b"", GIB64 * 2), ("stat", "/f"), ("ftruncate", "/f", 0),
    ("read_at", "/f", 10, 0), ("truncate", "/f", 65536), ("read_at", "/f", 3, 65534), ("truncate", "/dev", 1),
]


def test_sparse_files_and_range_checks_match_tmpfs(tmpfs_targets: list[Target]) -> None:
    same(tmpfs_targets, "write", "/f", b"0123456789", os.O_WRONLY | os.O_CREAT)
    for op, *args in RANGES:
        if op == "truncate" and args[0] == "/dev":
            same(tmpfs_targets, "mkdir", "/dev")
        same(tmpfs_targets, str(op), *args)


# -- names: too long, unencodable -----------------------------------------------------------------------------

LONG = "a" * 256
NAMES: list[tuple[object, ...]] = [
    ("mkdir", "/d"), ("stat", f"/d/{LONG}"), ("stat", f"/nope/{LONG}"), ("mkdir", f"/d/{LONG}"),
    ("write", f"/d/{LONG}", b"", os.O_WRONLY | os.O_CREAT), ("stat", f"/{LONG}/x"), ("mkdir", "/d/" + "b" * 255),
    ("stat", "/d/" + "b" * 255), ("stat", "/d/" + "é" * 128), ("stat", "/d/" + "é" * 127),
    ("rename", "/d", f"/{LONG}"),
    ("symlink", "x", f"/{LONG}"), ("unlink", f"/d/{LONG}"), ("stat", "/d/\udcff"), ("mkdir", "/d/\udcff"),
    ("listdir", "/d"),
]


def test_long_names_and_paths_fail_as_on_linux(targets: list[Target]) -> None:
    for op, *args in NAMES:
        same(targets, str(op), *args)


@pytest.mark.parametrize("length", [4094, 4095, 4096, 5000])
def test_a_path_of_path_max_bytes_or_more_is_too_long(length: int) -> None:
    """Against the real root (the harness's prefix would lengthen the host's path)."""
    path = ("/no-such-dir-h9/" + "d/" * length)[:length]
    fs = MemoryFileSystem()
    assert outcome(lambda: fs.stat(path)) == outcome(lambda: os.stat(path))
    assert outcome(lambda: fs.mkdir(path, 0o755)) == outcome(lambda: os.mkdir(path, 0o755))


@pytest.mark.parametrize("kind", ["memory", "overlay"])
def test_a_lone_surrogate_is_cpythons_unicode_error(kind: str, tmp_path: Path) -> None:
    fs = MemoryFileSystem() if kind == "memory" else OverlayFileSystem(RootedFileSystem(str(tmp_path)))
    with pytest.raises(UnicodeEncodeError) as real:
        os.stat(str(tmp_path) + "/\ud800")
    for call in (lambda: fs.stat("/\ud800"), lambda: fs.mkdir("/\ud800", 0o755),
                 lambda: fs.open("/\ud800", os.O_WRONLY | os.O_CREAT, 0o644)):  # fmt: skip
        with pytest.raises(UnicodeEncodeError) as got:
            call()
        assert (got.value.reason, got.value.object[got.value.start:got.value.end]) == (
            real.value.reason, real.value.object[real.value.start:real.value.end])
    assert outcome(lambda: fs.stat("/\udcff")) == ("err", errno.errorcode[errno.ENOENT])


def test_a_zero_length_write_past_the_end_does_not_grow_a_file(targets: list[Target]) -> None:
    same(targets, "write", "/f", b"abc", os.O_WRONLY | os.O_CREAT)
    assert same(targets, "write_at", "/f", b"", 1000) == ("ok", (0, 3, 3))


# -- one filesystem: devices and inodes of new entries ----------------------------------------------------------


@pytest.mark.parametrize("kind", ["memory", "overlay"])
def test_new_entries_are_on_their_parents_device_with_unique_inodes(kind: str, tmp_path: Path) -> None:
    (tmp_path / "lower").mkdir()
    (tmp_path / "lower" / "old.txt").write_text("x")
    fs = MemoryFileSystem(linux=True) if kind == "memory" else OverlayFileSystem(RootedFileSystem(str(tmp_path)))
    base = "/tmp" if kind == "memory" else "/lower"
    fs.mkdir(f"{base}/new", 0o755)
    fs.open(f"{base}/new/f", os.O_WRONLY | os.O_CREAT, 0o644).close()
    fs.symlink("f", f"{base}/new/l")
    parent = fs.stat(base)
    seen = {(fs.stat(p, False).st_dev, fs.stat(p, False).st_ino)
            for p in (base, f"{base}/new", f"{base}/new/f", f"{base}/new/l", "/")}  # fmt: skip
    assert {dev for dev, _ in seen} == {parent.st_dev}
    assert len(seen) == 5
    if kind == "overlay":
        for p in ("/lower", "/lower/old.txt"):
            real = os.stat(tmp_path / p.lstrip("/"))
            assert fs.stat(p).st_ino == real.st_ino and fs.stat(p).st_dev == real.st_dev


@pytest.mark.parametrize("fs", ["memory", "overlay"])
def test_ismount_is_false_for_new_files_and_directories(fs: str, tmp_path: Path) -> None:
    where = "/tmp" if fs == "memory" else str(tmp_path)
    out = run_interposed(fs, f"""
        import os
        os.mkdir("{where}/newdir")
        open("{where}/newdir/f", "w").close()
        open("{where}/newfile", "w").close()
        print([os.path.ismount(p) for p in ("/", "{where}/newdir", "{where}/newdir/f", "{where}/newfile")])
    """)
    assert out == "[True, False, False, False]\n"
