"""Random operation sequences on host, memory, rooted and overlay: every outcome must agree.

Paths are drawn from a tiny namespace (a, b, l and ``..``, up to three deep) so
that sequences collide: renames over existing names, links to links, ``..``
through symlinks, removal of non-empty directories.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from conftest import make_targets
from fsdiff import Target, same
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule

names = st.sampled_from(["a", "b", "l", ".."])
paths = st.lists(names, min_size=1, max_size=3).map(lambda parts: "/" + "/".join(parts))
link_texts = st.one_of(paths, paths.map(lambda p: p[1:]), st.sampled_from([".", "..", "a/..", "nowhere"]))
modes = st.sampled_from([0o755, 0o700, 0o644, 0o600, 0o444, 0o000, 0o4755])
open_flags = st.sampled_from([
    os.O_WRONLY | os.O_CREAT | os.O_TRUNC, os.O_WRONLY | os.O_CREAT | os.O_APPEND,
    os.O_RDWR | os.O_CREAT | os.O_EXCL, os.O_WRONLY, os.O_RDWR | os.O_NOFOLLOW,
    os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW,
])


class ProvidersAgree(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.base = Path(tempfile.mkdtemp(prefix="fsdiff-"))
        self.targets: list[Target] = make_targets(self.base)

    def teardown(self) -> None:
        shutil.rmtree(self.base)

    def do(self, op: str, *args: object) -> None:
        same(self.targets, op, *args)

    @rule(path=paths, mode=modes)
    def mkdir(self, path: str, mode: int) -> None:
        self.do("mkdir", path, mode | 0o700)

    @rule(path=paths)
    def rmdir(self, path: str) -> None:
        self.do("rmdir", path)

    @rule(path=paths)
    def unlink(self, path: str) -> None:
        self.do("unlink", path)

    @rule(src=paths, dst=paths)
    def rename(self, src: str, dst: str) -> None:
        self.do("rename", src, dst)

    @rule(text=link_texts, path=paths)
    def symlink(self, text: str, path: str) -> None:
        self.do("symlink", text, path)

    @rule(src=paths, dst=paths, follow=st.booleans())
    def link(self, src: str, dst: str, follow: bool) -> None:
        self.do("link", src, dst, follow)

    @rule(path=paths)
    def readlink(self, path: str) -> None:
        self.do("readlink", path)

    @rule(path=paths, mode=modes, follow=st.booleans())
    def chmod(self, path: str, mode: int, follow: bool) -> None:
        self.do("chmod", path, mode, follow)

    @rule(path=paths, atime=st.integers(0, 2**40), mtime=st.integers(0, 2**40), follow=st.booleans())
    def utime(self, path: str, atime: int, mtime: int, follow: bool) -> None:
        self.do("utime", path, (atime, mtime), follow)

    @rule(path=paths, follow=st.booleans())
    def stat(self, path: str, follow: bool) -> None:
        self.do("stat", path, follow)

    @rule(path=paths, data=st.binary(max_size=20), flags=open_flags, mode=modes)
    def write(self, path: str, data: bytes, flags: int, mode: int) -> None:
        self.do("write", path, data, flags, mode)

    @rule(path=paths, data=st.binary(max_size=5), offset=st.integers(0, 40))
    def write_at(self, path: str, data: bytes, offset: int) -> None:
        self.do("write_at", path, data, offset)

    @rule(path=paths)
    def scandir(self, path: str) -> None:
        self.do("scandir", path)

    @rule(path=paths)
    def read(self, path: str) -> None:
        self.do("read", path)

    @rule(path=paths, length=st.integers(-1, 30))
    def truncate(self, path: str, length: int) -> None:
        self.do("truncate", path, length)

    @rule(path=paths)
    def listdir(self, path: str) -> None:
        self.do("listdir", path)

    @rule(path=paths)
    def realpath(self, path: str) -> None:
        self.do("realpath", path)

    @rule(path=paths, mode=st.sampled_from([os.F_OK, os.R_OK, os.W_OK, os.X_OK]))
    def access(self, path: str, mode: int) -> None:
        self.do("access", path, mode)


ProvidersAgree.TestCase.settings = settings(
    max_examples=int(os.environ.get("FS_STATEFUL_EXAMPLES", "300")), stateful_step_count=30,
    deadline=None, suppress_health_check=[HealthCheck.too_slow],
)
TestProvidersAgree = ProvidersAgree.TestCase
