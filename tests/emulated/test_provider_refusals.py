"""Route 4 of issue 9: operations a provider has no method for never unwrap it into the host.

Extended attributes, the chown family, mkfifo and mknod are answered by the
host only where the provider writes to the host itself (host, rooted); a
read-only view refuses changes with EROFS, deny with EPERM, memory and overlay
as a filesystem without the feature; under both policies (`warn` relaxes
GraalPy's limitations, never a provider's refusal).  The host is compared by
snapshot.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.emulated.emu import Emulated

UID, GID = os.getuid(), os.getgid()


def _has_user_xattrs(path: Path) -> bool:
    try:
        os.setxattr(path, "user.probe", b"1")
        os.removexattr(path, "user.probe")
    except OSError:
        return False
    return True


def snapshot(directory: Path) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for path in sorted(directory.rglob("*")):
        status = os.lstat(path)
        try:
            xattrs = sorted((name, os.getxattr(path, name)) for name in os.listxattr(path))
        except OSError:
            xattrs = []
        found[str(path)] = (status.st_mode, status.st_uid, status.st_ctime_ns, xattrs)
    return found


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    root.mkdir()
    (root / "data.txt").write_text("host")
    with contextlib.suppress(OSError):
        os.setxattr(root / "data.txt", "user.kept", b"yes")
    return root


def _calls(path: str, new: str) -> dict[str, Callable[[dict[str, Any]], object]]:
    return {
        "setxattr": lambda o: o["setxattr"](path, "user.new", b"1"),
        "removexattr": lambda o: o["removexattr"](path, "user.kept"),
        "chown": lambda o: o["chown"](path, UID, GID),
        "lchown": lambda o: o["lchown"](path, UID, GID),
        "mkfifo": lambda o: o["mkfifo"](new),
        "mknod": lambda o: o["mknod"](new, 0o600 | 0o010000),  # S_IFIFO: no privilege needed
    }


#: errno per provider for each change under warn (None: done, or nothing to do); enforce refuses chown first.
REFUSED: dict[str, dict[str, int | None]] = {
    "readonly:host": {"setxattr": errno.EROFS, "removexattr": errno.EROFS, "chown": errno.EROFS,
                      "lchown": errno.EROFS, "mkfifo": errno.EROFS, "mknod": errno.EROFS},
    "readonly:rooted:{root}": {"setxattr": errno.EROFS, "removexattr": errno.EROFS, "chown": errno.EROFS,
                               "lchown": errno.EROFS, "mkfifo": errno.EROFS, "mknod": errno.EROFS},
    "deny": dict.fromkeys(("setxattr", "removexattr", "chown", "lchown", "mkfifo", "mknod"), errno.EPERM),
    "overlay": {"setxattr": errno.ENOTSUP, "removexattr": errno.ENOTSUP, "chown": None, "lchown": None,
                "mkfifo": errno.EPERM, "mknod": errno.EPERM},
    "overlay:{root}": {"setxattr": errno.ENOTSUP, "removexattr": errno.ENOTSUP, "chown": None, "lchown": None,
                       "mkfifo": errno.EPERM, "mknod": errno.EPERM},
}  # fmt: skip


@pytest.mark.parametrize("policy", ["enforce", "warn"])
@pytest.mark.parametrize("spec", sorted(REFUSED))
def test_no_change_reaches_the_host_through_a_provider_without_it(tree: Path, spec: str, policy: str) -> None:
    inside = "{root}" in spec
    path = "/data.txt" if inside else str(tree / "data.txt")
    new = "/fifo" if inside else str(tree / "fifo")
    emulated = Emulated(spec.format(root=tree), policy)
    before = snapshot(tree)
    outcomes: dict[str, str | int | None] = {}
    try:
        for name, call in _calls(path, new).items():
            if name not in emulated.functions:
                outcomes[name] = "absent"  # GraalPy lacks it: nothing to call under enforce
                continue
            try:
                emulated.run(call)
            except io.UnsupportedOperation:
                outcomes[name] = "unsupported"
            except OSError as e:
                outcomes[name] = e.errno
            else:
                outcomes[name] = None
    finally:
        emulated.close()
    assert snapshot(tree) == before
    for name, got in outcomes.items():
        if policy == "enforce" and name in ("chown", "lchown"):
            assert got == "unsupported", name
        elif got != "absent":
            assert got == REFUSED[spec][name], name


@pytest.mark.parametrize("spec", ["readonly:host", "overlay"])
def test_changes_through_an_fd_are_refused_too(tree: Path, spec: str) -> None:
    emulated = Emulated(spec, "warn")
    before = snapshot(tree)
    try:
        fd = emulated.call("open", str(tree / "data.txt"), os.O_RDONLY)
        expected = errno.EROFS if spec == "readonly:host" else errno.ENOTSUP
        for call in (
            lambda o: o["setxattr"](fd, "user.new", b"1"),
            lambda o: o["removexattr"](fd, "user.kept"),
        ):
            with pytest.raises(OSError) as raised:
                emulated.run(call)
            assert raised.value.errno == expected
        if spec == "readonly:host":
            with pytest.raises(OSError) as raised:
                emulated.call("fchown", fd, UID, GID)
            assert raised.value.errno == errno.EROFS
    finally:
        emulated.close()
    assert snapshot(tree) == before


def test_reads_follow_the_provider(tree: Path) -> None:
    """A read-only view reads the host's attributes; memory has none (an empty list, ENOTSUP); deny refuses."""
    has_xattrs = _has_user_xattrs(tree / "data.txt")
    readonly = Emulated("readonly:host", "warn")
    memory = Emulated("memory", "warn")
    deny = Emulated("deny", "warn")
    try:
        names = readonly.call("listxattr", str(tree / "data.txt"))
        assert ("user.kept" in names) == has_xattrs
        memory.call("close", memory.call("open", "/m", os.O_CREAT | os.O_WRONLY, 0o644))
        assert memory.call("listxattr", "/m") == []
        with pytest.raises(OSError) as raised:
            memory.call("getxattr", "/m", "user.kept")
        assert raised.value.errno == errno.ENOTSUP
        with pytest.raises(FileNotFoundError):
            memory.call("getxattr", "/missing", "user.kept")
        with pytest.raises(PermissionError):
            deny.call("listxattr", str(tree / "data.txt"))
    finally:
        for emulated in (readonly, memory, deny):
            emulated.close()


@pytest.mark.parametrize("spec", ["host", "rooted:{root}"])
def test_providers_that_write_to_the_host_still_do(tree: Path, spec: str) -> None:
    """Under warn the host and rooted providers keep CPython's behaviour (their files are the host's)."""
    emulated = Emulated(spec.format(root=tree), "warn")
    inside = spec != "host"
    try:
        emulated.call("mkfifo", "/fifo" if inside else str(tree / "fifo"))
        assert (tree / "fifo").is_fifo()
        emulated.call("chown", "/data.txt" if inside else str(tree / "data.txt"), UID, GID)
        if _has_user_xattrs(tree / "data.txt"):
            emulated.call("setxattr", "/data.txt" if inside else str(tree / "data.txt"), "user.new", b"1")
            assert os.getxattr(tree / "data.txt", "user.new") == b"1"
    finally:
        emulated.close()


def test_rooted_changes_stay_inside_the_root_through_symlinks(tree: Path, tmp_path: Path) -> None:
    """A symlink in the root to a host path outside it is read inside the root, for these calls too."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_text("x")
    (tree / "escape").symlink_to(outside)  # absolute: inside the root it names <root><outside>, which is missing
    before = snapshot(outside)
    emulated = Emulated(f"rooted:{tree}", "warn")
    try:
        for call in (
            lambda o: o["setxattr"]("/escape/secret", "user.new", b"1"),
            lambda o: o["chown"]("/escape/secret", UID, GID),
            lambda o: o["mkfifo"]("/escape/fifo"),
        ):
            with pytest.raises(FileNotFoundError):
                emulated.run(call)
    finally:
        emulated.close()
    assert snapshot(outside) == before
