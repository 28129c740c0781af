"""rooted (and overlay:DIR's lower layer) hold against the program's own threads and against symlinked components.

The race of issue 9: one thread keeps swapping a directory it made and a symlink
it made (whose text names a host directory outside the root) in and out of one
name, while another opens ``/d/secret.txt`` and creates ``/d/new.txt`` through it.
A resolution that checks the path and then hands the kernel the path string loses
within a few thousand tries; one that walks with directory fds cannot.

Then each operation on a path whose directory component is a symlink to an
outside host path: like chroot, the link's text is read inside the root.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat as S
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from interpose.fs.base import FileSystem
from interpose.fs.host import HostFileSystem
from interpose.fs.overlay import OverlayFileSystem
from interpose.fs.rooted import RootedFileSystem

SECRET = b"outside secret"
INSIDE = b"inside"
RACE_SECONDS = 2.5


def make_world(tmp_path: Path) -> tuple[Path, Path]:
    outside, jail = tmp_path / "outside", tmp_path / "jail"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(SECRET)
    jail.mkdir()
    return outside, jail


def race(fs: FileSystem, outside: Path) -> tuple[int, int]:
    """Swap /d between a real directory and a link out for RACE_SECONDS; returns (secrets read, attempts)."""
    fs.mkdir("/real", 0o755)
    with fs.open("/real/secret.txt", os.O_WRONLY | os.O_CREAT, 0o644) as h:
        h.pwrite(INSIDE, 0)
    fs.symlink(str(outside), "/lnk")
    stop = time.monotonic() + RACE_SECONDS
    done = threading.Event()

    def swapper() -> None:
        while not done.is_set():
            for src, dst in (("/real", "/d"), ("/d", "/real"), ("/lnk", "/d"), ("/d", "/lnk")):
                with contextlib.suppress(OSError):
                    fs.rename(src, dst)

    thread = threading.Thread(target=swapper)
    thread.start()
    leaked = attempts = 0
    try:
        while time.monotonic() < stop:
            attempts += 1
            try:
                with fs.open("/d/secret.txt", os.O_RDONLY) as h:
                    leaked += h.pread(100, 0) == SECRET
            except OSError:
                pass
            with contextlib.suppress(OSError):
                fs.open("/d/new.txt", os.O_WRONLY | os.O_CREAT, 0o644).close()
    finally:
        done.set()
        thread.join()
    return leaked, attempts


PROVIDERS: dict[str, Callable[[Path], FileSystem]] = {
    "rooted": lambda jail: RootedFileSystem(str(jail)),
    "overlay:DIR": lambda jail: OverlayFileSystem(RootedFileSystem(str(jail))),
}


def test_a_thread_swapping_a_symlink_into_a_checked_path_never_reaches_outside(tmp_path: Path) -> None:
    """Only rooted: the program's renames under overlay:DIR happen in memory, never in the lower layer."""
    outside, jail = make_world(tmp_path)
    leaked, attempts = race(RootedFileSystem(str(jail)), outside)
    assert attempts > 100
    assert leaked == 0
    assert sorted(os.listdir(outside)) == ["secret.txt"]  # nothing created outside
    assert (outside / "secret.txt").read_bytes() == SECRET


# -- each operation through a symlinked directory component that names an outside host path -----------------


@pytest.fixture
def confined(tmp_path: Path) -> tuple[Path, Path, Path]:
    """jail/out -> the outside dir's host path; the same path made inside the jail, where the link must land."""
    outside, jail = make_world(tmp_path)
    (outside / "sub").mkdir()
    (jail / "out").symlink_to(outside)
    mirror = jail / str(outside).lstrip("/")
    (mirror / "sub").mkdir(parents=True)
    (mirror / "secret.txt").write_bytes(INSIDE)
    return outside, jail, mirror


def host_state(base: Path) -> list[tuple[str, int, int, int]]:
    out = []
    for dirpath, dirnames, filenames in os.walk(base):
        for name in dirnames + filenames:
            st = os.lstat(os.path.join(dirpath, name))
            out.append((os.path.join(dirpath, name), st.st_mode, st.st_size, st.st_mtime_ns))
    return sorted(out)


def view(fs: FileSystem, base: str) -> list[tuple[str, int, int, int, int]]:
    """Names, modes, sizes, mtimes and link counts directly below ``base``, seen through ``fs``."""
    out = []
    for name in sorted(fs.listdir(base)):
        st = fs.stat(f"{base}/{name}", False)
        out.append((name, st.st_mode, st.st_size if not S.S_ISDIR(st.st_mode) else 0, st.st_mtime_ns, st.st_nlink))
    return out


def _do(*steps: object) -> object:
    return steps[-1]


# Each operation on ``b`` (/out, the symlinked component, or the mirror's real path for the reference run).
ACTIONS: dict[str, Callable[[FileSystem, str], object]] = {
    "stat": lambda fs, b: fs.stat(f"{b}/secret.txt").st_size,
    "lstat": lambda fs, b: S.S_IFMT(fs.stat(f"{b}/secret.txt", False).st_mode),
    "open": lambda fs, b: fs.open(f"{b}/secret.txt", os.O_RDONLY).pread(100, 0),
    "create": lambda fs, b: _do(fs.open(f"{b}/new.txt", os.O_WRONLY | os.O_CREAT, 0o644).pwrite(b"n", 0)),
    "mkdir": lambda fs, b: fs.mkdir(f"{b}/made", 0o755),
    "rmdir": lambda fs, b: fs.rmdir(f"{b}/sub"),
    "unlink": lambda fs, b: fs.unlink(f"{b}/secret.txt"),
    "rename": lambda fs, b: fs.rename(f"{b}/secret.txt", f"{b}/moved"),
    "rename_over": lambda fs, b: fs.rename(f"{b}/sub", f"{b}/sub2"),
    "symlink": lambda fs, b: fs.symlink("t", f"{b}/l"),
    "readlink": lambda fs, b: _do(fs.symlink("u", f"{b}/l2"), fs.readlink(f"{b}/l2")),
    "link": lambda fs, b: fs.link(f"{b}/secret.txt", f"{b}/hard"),
    "chmod": lambda fs, b: fs.chmod(f"{b}/secret.txt", 0o600),
    "utime": lambda fs, b: fs.utime(f"{b}/secret.txt", (0, 5_000_000_000)),
    "truncate": lambda fs, b: fs.truncate(f"{b}/secret.txt", 2),
    "listdir": lambda fs, b: sorted(fs.listdir(b)),
    "scandir": lambda fs, b: sorted((n, t) for n, t, _ in fs.scandir(b)),
    "access": lambda fs, b: fs.access(f"{b}/secret.txt", os.R_OK),
    "statvfs": lambda fs, b: fs.statvfs(b).f_bsize,
}


@pytest.mark.parametrize("kind", list(PROVIDERS))
@pytest.mark.parametrize("operation", list(ACTIONS))
def test_a_symlinked_directory_component_resolves_inside_the_root(
    confined: tuple[Path, Path, Path], operation: str, kind: str
) -> None:
    """The operation through /out does what it does on the jail's mirror of the outside path, and nothing outside."""
    outside, jail, mirror = confined
    reference = str(jail.parent / "reference")
    shutil.copytree(mirror, reference, symlinks=True)
    before = host_state(outside)
    fs = PROVIDERS[kind](jail)
    got = ACTIONS[operation](fs, "/out")
    seen = view(fs, str(outside))
    expected = ACTIONS[operation](HostFileSystem(), reference)
    wanted = view(HostFileSystem(), reference)
    if operation != "utime":  # only utime sets a time both sides can agree on
        seen = [(*v[:3], 0, v[4]) for v in seen]
        wanted = [(*v[:3], 0, v[4]) for v in wanted]
    assert (got, seen) == (expected, wanted)
    assert host_state(outside) == before


@pytest.mark.parametrize("kind", list(PROVIDERS))
def test_realpath_of_a_symlinked_component_names_the_place_inside_the_root(
    confined: tuple[Path, Path, Path], kind: str
) -> None:
    outside, jail, mirror = confined
    fs = PROVIDERS[kind](jail)
    assert fs.realpath("/out/secret.txt") == str(outside) + "/secret.txt"
    assert fs.stat("/out/secret.txt").st_ino == os.stat(mirror / "secret.txt").st_ino
