"""Escapes through the os layer (shim os, shutil, os.walk), not the provider: the host must stay as it was."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from pathlib import Path

import pytest

import interpose.host
from tests.emulated.emu import activated


def snapshot(root: Path) -> dict[str, tuple[int, str]]:
    """Every entry below `root`: mode and content digest (or link text), read with the host os."""
    real = interpose.host.os
    result: dict[str, tuple[int, str]] = {}
    for directory, dirs, files in real.walk(root) if hasattr(real, "walk") else _walk(root):
        for name in [*dirs, *files]:
            path = real.path.join(directory, name)
            st = real.lstat(path)
            if real.path.islink(path):
                digest = real.readlink(path)
            elif real.path.isfile(path):
                with open(path, "rb") as f:
                    digest = hashlib.sha256(f.read()).hexdigest()
            else:
                digest = "dir"
            result[real.path.relpath(path, root)] = (st.st_mode, digest)
    return result


def _walk(root: Path):  # type: ignore[no-untyped-def]
    real = interpose.host.os
    todo = [str(root)]
    while todo:
        top = todo.pop()
        names = real.listdir(top)
        dirs = [
            n for n in names if real.path.isdir(real.path.join(top, n)) and not real.path.islink(real.path.join(top, n))
        ]
        yield top, dirs, [n for n in names if n not in dirs]
        todo.extend(real.path.join(top, d) for d in dirs)


@pytest.fixture
def worlds(tmp_path: Path) -> tuple[Path, Path]:
    outside = tmp_path / "outside"
    (outside / "sub").mkdir(parents=True)
    (outside / "secret").write_text("secret")
    (outside / "sub" / "file").write_text("x")
    inside = tmp_path / "inside"
    (inside / "dir").mkdir(parents=True)
    (inside / "dir" / "mine").write_text("mine")
    return outside, inside


def attack(e, outside: Path, root: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Every route out from the tree at `root`; returns what it managed to read of the outside's secret."""
    leaked: list[str] = []
    out = str(outside)
    with contextlib.suppress(OSError):
        e.chdir(root)
    for step in (
        lambda: e.symlink(out, "abs"),
        lambda: e.symlink("../../../../../../../.." + out, "rel"),
        lambda: e.symlink("abs", "chain"),
        lambda: e.link(out + "/secret", "hard"),
        lambda: e.rename(out + "/secret", "stolen"),
        lambda: e.rename("dir/mine", out + "/planted"),
        lambda: e.mkdir("abs/planted"),
        lambda: e.unlink("chain/secret"),
        lambda: e.chmod("rel/secret", 0o777),
        lambda: e.truncate("abs/secret", 0),
        lambda: e.utime("chain/secret", (0, 0)),
    ):
        with contextlib.suppress(OSError):
            step()
    for path in (
        "abs/secret",
        "rel/secret",
        "chain/secret",
        "hard",
        "stolen",
        "../../../../../.." + out + "/secret",
    ):
        with contextlib.suppress(OSError):
            fd = e.open(path, os.O_RDONLY)
            leaked.append(e.read(fd, 100).decode())
            e.close(fd)
    with contextlib.suppress(OSError):
        dfd = e.open(".", os.O_RDONLY)
        with contextlib.suppress(OSError):
            fd = e.open("../../../../../.." + out + "/secret", os.O_RDONLY, dir_fd=dfd)
            leaked.append(e.read(fd, 100).decode())
        e.fchdir(dfd)
        with contextlib.suppress(OSError):
            e.chdir("../../../../../..")
            leaked.extend(name for name in e.listdir(".") if name == "secret")
        e.close(dfd)
    for _ in e.walk("."):
        pass
    with contextlib.suppress(OSError):
        shutil.copytree(".", "copy", symlinks=False)
    with contextlib.suppress(OSError):
        shutil.rmtree("abs")
    with contextlib.suppress(OSError):
        shutil.rmtree(root)
    return [text for text in leaked if "secret" in text]


@pytest.mark.parametrize("kind", ["rooted", "readonly:rooted", "readonly:host", "deny", "overlay"])
def test_no_route_changes_or_reads_the_outside(worlds: tuple[Path, Path], kind: str) -> None:
    outside, inside = worlds
    spec = {
        "rooted": f"rooted:{inside}", "readonly:rooted": f"readonly:rooted:{inside}",
        "readonly:host": "readonly:host", "deny": "deny", "overlay": f"overlay:{inside}",
    }[kind]  # fmt: skip
    before_out, before_in = snapshot(outside), snapshot(inside)
    with activated(spec) as e:
        leaked = attack(e, outside, str(inside) if kind == "readonly:host" else "/")
    assert snapshot(outside) == before_out
    if kind != "rooted":  # only the rooted view may change its own tree
        assert snapshot(inside) == before_in
    if kind != "readonly:host":  # the read-only host view may read anything, by design
        assert leaked == []
