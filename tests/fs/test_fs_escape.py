"""No route out: rooted, readonly, deny and overlay never change (rooted and deny never read) the host.

Each provider gets the same battery -- every operation on every path that could
lead out: ``..`` beyond the root, absolute and relative symlinks, chains,
dangling links to create through, renames and links to outside names, a
symlinked root.  The host tree is snapshotted before and compared after.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from interpose.fs.base import FileSystem
from interpose.fs.deny import DenyFileSystem
from interpose.fs.host import HostFileSystem
from interpose.fs.overlay import OverlayFileSystem
from interpose.fs.readonly import ReadOnlyFileSystem
from interpose.fs.rooted import RootedFileSystem

SECRET = b"outside secret"


def snapshot(base: Path) -> dict[str, tuple[object, ...]]:
    """Every name below ``base`` with type, mode, size, mtime and content."""
    out: dict[str, tuple[object, ...]] = {}
    for dirpath, dirnames, filenames in os.walk(base):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            body = os.readlink(p) if os.path.islink(p) else (Path(p).read_bytes() if os.path.isfile(p) else None)
            out[os.path.relpath(p, base)] = (st.st_mode, st.st_size, st.st_mtime_ns, st.st_nlink, body)
    return out


@pytest.fixture
def world(tmp_path: Path) -> Path:
    """tmp/outside (must stay untouched) and tmp/jail, whose links all point out."""
    outside, jail = tmp_path / "outside", tmp_path / "jail"
    (outside / "dir").mkdir(parents=True)
    (outside / "secret.txt").write_bytes(SECRET)
    (outside / "dir" / "inner.txt").write_bytes(SECRET)
    jail.mkdir()
    (jail / "own.txt").write_bytes(b"inside")
    (jail / "sub").mkdir()
    (jail / "abs").symlink_to(outside / "secret.txt")
    (jail / "absdir").symlink_to(outside)
    (jail / "rel").symlink_to("../outside/secret.txt")
    (jail / "sub" / "deep").symlink_to("../../../../../../outside")
    (jail / "chain1").symlink_to("chain2")
    (jail / "chain2").symlink_to("sub/deep")
    (jail / "dangling").symlink_to(outside / "created.txt")
    (jail / "dangling_rel").symlink_to("../outside/created2.txt")
    (tmp_path / "jail_link").symlink_to(jail)
    return tmp_path


def attack_paths(world: Path, inside_view: bool) -> list[str]:
    out = str(world / "outside")
    names = ["/abs", "/absdir", "/absdir/secret.txt", "/rel", "/sub/deep", "/sub/deep/secret.txt", "/chain1",
             "/chain1/secret.txt", "/chain1/dir/inner.txt", "/dangling", "/dangling_rel", "/..", "/../outside",
             "/" + "../" * 12 + out.lstrip("/") + "/secret.txt", out + "/secret.txt", out + "/dir",
             out + "/new", "/sub/../../outside/dir"]
    if inside_view:
        return names
    return [str(world / "jail") + n if not n.startswith(out) else n for n in names]


def attack(fs: FileSystem, paths: list[str]) -> list[bytes]:
    """Every operation on every path; returns whatever bytes any read produced."""
    seen: list[bytes] = []

    def attempt(fn: object, *args: object) -> object:
        try:
            return fn(*args)  # type: ignore[operator]
        except (OSError, NotImplementedError):
            return None

    for p in paths:
        for flags in (os.O_RDONLY, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, os.O_RDWR | os.O_APPEND,
                      os.O_WRONLY | os.O_CREAT | os.O_EXCL):
            h = attempt(fs.open, p, flags, 0o666)
            if h is not None:
                if not h.is_directory:  # type: ignore[attr-defined]
                    seen.append(attempt(h.pread, 100, 0) or b"")  # type: ignore[attr-defined]
                    attempt(h.pwrite, b"pwned", 0)  # type: ignore[attr-defined]
                    attempt(h.truncate, 1)  # type: ignore[attr-defined]
                    attempt(h.chmod, 0o777)  # type: ignore[attr-defined]
                h.close()  # type: ignore[attr-defined]
        listing = attempt(fs.listdir, p)
        seen.append(repr(listing).encode())
        for op, args in [("stat", ()), ("readlink", ()), ("realpath", ()), ("access", (os.R_OK,)),
                         ("chmod", (0o777,)), ("utime", ((1, 1),)), ("truncate", (0,)), ("mkdir", (0o777,)),
                         ("symlink", ()), ("link", ("/stolen",)), ("rename", ("/moved",)),
                         ("rename", (p,)), ("unlink", ()), ("rmdir", ())]:
            if op == "symlink":
                attempt(fs.symlink, "/", p)
            elif op == "rename" and args == (p,):
                attempt(fs.rename, "/own.txt", p)
            else:
                attempt(getattr(fs, op), p, *args)
    return seen


def test_rooted_never_reads_or_changes_outside(world: Path) -> None:
    before = snapshot(world / "outside")
    for root in (world / "jail", world / "jail_link"):
        fs = RootedFileSystem(str(root))
        seen = attack(fs, attack_paths(world, inside_view=True))
        assert not any(SECRET in s or b"inner.txt" in s for s in seen)
        assert snapshot(world / "outside") == before
    assert not (world / "stolen").exists() and not (world / "moved").exists()


def test_rooted_clamps_dotdot_and_symlinks_to_root(world: Path) -> None:
    fs = RootedFileSystem(str(world / "jail"))
    assert fs.realpath("/../../..") == "/"
    with pytest.raises(FileNotFoundError):
        fs.realpath("/sub/deep")  # ../../../outside clamps to /outside, which the jail lacks
    fs.mkdir("/outside", 0o755)
    assert fs.realpath("/chain1") == "/outside"
    assert fs.listdir("/chain1") == []
    with pytest.raises(FileNotFoundError):
        fs.stat("/abs")
    with pytest.raises(FileNotFoundError):  # the link's absolute text names no directory inside
        fs.open("/dangling", os.O_WRONLY | os.O_CREAT, 0o644)
    fs.open("/dangling_rel", os.O_WRONLY | os.O_CREAT, 0o644).close()  # ../outside clamps to /outside
    assert (world / "jail" / "outside" / "created2.txt").is_file()
    assert not (world / "outside" / "created2.txt").exists()
    fs.link("/own.txt", "/../../hard")
    assert (world / "jail" / "hard").read_bytes() == b"inside"
    fs.rename("/hard", "/sub/deep/../../renamed")
    assert (world / "jail" / "renamed").exists()


def test_rooted_errors_name_virtual_paths(world: Path) -> None:
    fs = RootedFileSystem(str(world / "jail"))
    with pytest.raises(FileNotFoundError) as info:
        fs.stat("/sub/missing")
    assert info.value.filename == "/sub/missing"
    assert str(world) not in str(info.value)


def test_readonly_changes_nothing(world: Path) -> None:
    before = snapshot(world)
    seen = attack(ReadOnlyFileSystem(HostFileSystem()), attack_paths(world, inside_view=False))
    assert any(SECRET in s for s in seen)  # reading is allowed
    assert snapshot(world) == before


@pytest.mark.parametrize("inner", ["host", "memory"])
def test_readonly_errnos(world: Path, inner: str) -> None:
    from interpose.fs.memory import MemoryFileSystem

    mem = MemoryFileSystem()
    mem.mkdir("/sub")
    fs = ReadOnlyFileSystem(HostFileSystem() if inner == "host" else mem)
    base = str(world / "jail") if inner == "host" else ""
    cases = [
        (lambda: fs.mkdir(base + "/new"), "EROFS"), (lambda: fs.mkdir(base + "/sub"), "EEXIST"),
        (lambda: fs.mkdir(base + "/no/new"), "ENOENT"), (lambda: fs.unlink(base + "/none"), "ENOENT"),
        (lambda: fs.open(base + "/x", os.O_WRONLY | os.O_CREAT), "EROFS"),
        (lambda: fs.open(base + "/", os.O_WRONLY), "EISDIR"), (lambda: fs.chmod(base + "/", 0o700), "EROFS"),
        (lambda: fs.rename(base + "/", base + "/z"), "EROFS"), (lambda: fs.rmdir(base + "/zz"), "ENOENT"),
    ]
    import errno

    for fn, code in cases:
        with pytest.raises(OSError) as info:
            fn()
        assert errno.errorcode[info.value.errno] == code  # type: ignore[index]
    assert not fs.access(base + "/", os.W_OK) and fs.access(base + "/", os.R_OK)
    assert fs.statvfs(base + "/").f_flag & os.ST_RDONLY


def test_deny_refuses_everything(world: Path) -> None:
    before = snapshot(world)
    fs = DenyFileSystem()
    seen = attack(fs, attack_paths(world, inside_view=False))
    assert not any(SECRET in s for s in seen)
    assert snapshot(world) == before
    for call in (lambda: fs.stat("/"), lambda: fs.open("/", os.O_RDONLY), lambda: fs.listdir("/missing")):
        with pytest.raises(PermissionError) as info:
            call()
        assert info.value.errno == 1
    with pytest.raises(PermissionError) as info:
        fs.rename("/a", "/b")
    assert (info.value.filename, info.value.filename2) == ("/a", "/b")
    assert fs.access("/", os.F_OK) is False


@pytest.mark.parametrize("rooted", [False, True])
def test_overlay_sees_its_writes_host_never_changes(world: Path, rooted: bool) -> None:
    before = snapshot(world)
    fs = OverlayFileSystem(RootedFileSystem(str(world / "jail")) if rooted else None)
    base = "" if rooted else str(world / "jail")
    attack(fs, attack_paths(world, inside_view=rooted))
    assert snapshot(world) == before
    fresh = OverlayFileSystem(RootedFileSystem(str(world / "jail")) if rooted else None)
    with fresh.open(base + "/own.txt", os.O_RDWR | os.O_APPEND, 0) as h:
        assert h.pread(100, 0) == b"inside"
        h.append(b" and more")
    with fresh.open(base + "/own.txt", os.O_RDONLY, 0) as h:
        assert h.pread(100, 0) == b"inside and more"
    fresh.unlink(base + "/sub/deep")
    assert "deep" not in fresh.listdir(base + "/sub")
    fresh.rename(base + "/sub", base + "/sub2")
    fresh.mkdir(base + "/sub")
    assert fresh.listdir(base + "/sub") == []
    assert fresh.copied_up() == [base + "/own.txt"]
    assert snapshot(world) == before
    if rooted:
        with pytest.raises(FileNotFoundError):
            fresh.stat("/abs")
        assert sorted(fresh.listdir("/..")) == sorted(fresh.listdir("/"))


def test_overlay_keeps_host_identity_and_hard_links(world: Path) -> None:
    fs = OverlayFileSystem()
    path = str(world / "jail" / "own.txt")
    st = fs.stat(path)
    assert (st.st_ino, st.st_dev) == (os.stat(path).st_ino, os.stat(path).st_dev)
    fs.link(path, path + ".2")
    with fs.open(path + ".2", os.O_WRONLY | os.O_TRUNC, 0) as h:
        h.pwrite(b"via link", 0)
    with fs.open(path, os.O_RDONLY, 0) as h:
        assert h.pread(100, 0) == b"via link"
    assert fs.stat(path).st_nlink == 2 and fs.stat(path).st_ino == st.st_ino
    assert Path(path).read_bytes() == b"inside" and not Path(path + ".2").exists()
