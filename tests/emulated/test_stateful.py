"""Random os-call sequences, run on the real OS and on the emulated backend over four providers.

The real side works in a temp dir with the process's cwd never moved: its
"working directory" is a directory fd whose path is read back from /proc, and
relative paths are joined to it.  Each emulated side (host over another temp
dir, memory, rooted, overlay) uses its own emulated cwd.  Every outcome -- value
or exception type and errno -- must match; fd numbers are mapped, inode numbers
compared by their identity pattern, and link texts and paths by their position
in the tree.  Every world is ``<root>/q/r/s`` so that a rare ``..`` that climbs
out of the working tree still sees the same thing three levels up.

Known, deliberate difference (GraalPy keeps its cwd as a path): when the
directory the cwd is in is renamed or removed, Linux's cwd follows the inode
and the emulated one stays a path; the machine notices and starts both over
from the base directory.  Set ``EMULATED_STATEFUL_EXAMPLES`` for a longer run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat as S
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule

from tests.emulated.emu import Emulated

BASE = "/q/r/s"
FLAGS = st.sampled_from(
    [
        os.O_RDONLY,
        os.O_WRONLY,
        os.O_RDWR,
        os.O_WRONLY | os.O_CREAT,
        os.O_RDWR | os.O_CREAT | os.O_EXCL,
        os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
        os.O_WRONLY | os.O_APPEND,
        os.O_RDWR | os.O_CREAT | os.O_APPEND,
        os.O_RDWR | os.O_TRUNC,
        os.O_RDONLY | os.O_DIRECTORY,
        os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW,
    ]
)
names = st.sampled_from(["a", "b", "l", "a", "b"])
inner = st.lists(st.one_of(names, st.just("..")), min_size=1, max_size=3)
relative = st.one_of(
    st.lists(names, min_size=1, max_size=3).map("/".join),
    inner.map("/".join),
    st.sampled_from([".", "a/", "./a", "a//b"]),
)
paths = st.one_of(relative, relative, relative.map(lambda p: "/" + p))
link_texts = st.one_of(relative, st.sampled_from(["nowhere", "/a", "/b/a", "l"]))
modes = st.sampled_from([0o755, 0o700, 0o644, 0o600, 0o444, 0o000, 0o1777])
umasks = st.sampled_from([0o022, 0o077, 0o000, 0o027, 0o777])
SEEKS = [os.SEEK_SET, os.SEEK_CUR, os.SEEK_END]


def outcome(call: Any) -> tuple[str, Any]:
    try:
        return ("ok", call())
    except OSError as e:
        return (type(e).__name__, e.errno)
    except (ValueError, TypeError, NotImplementedError) as e:
        return (type(e).__name__, None)


class Side:
    """One world: `o` is the os to call, `prefix` the host path of the world's `/`."""

    name = "?"
    prefix = ""
    o: Any

    def __init__(self) -> None:
        self._inodes: dict[tuple[int, int], int] = {}

    def abs(self, path: str) -> str:
        return self.prefix + BASE + path

    def relative(self, path: str) -> tuple[str, dict[str, Any]]:
        raise NotImplementedError

    def strip(self, value: Any) -> Any:
        """A path the world reports, as a path of the world (without its host prefix)."""
        if isinstance(value, bytes):
            return os.fsencode(self.strip(os.fsdecode(value)))
        if isinstance(value, str) and self.prefix and value.startswith(self.prefix + "/"):
            return value[len(self.prefix) :]
        return value

    def norm_stat(self, st_: os.stat_result) -> tuple[Any, ...]:
        kind = S.S_IFMT(st_.st_mode)
        size = None if kind in (S.S_IFDIR, S.S_IFLNK) else st_.st_size
        ino = self._inodes.setdefault((st_.st_dev, st_.st_ino), len(self._inodes))
        return kind, S.S_IMODE(st_.st_mode), size, st_.st_nlink, st_.st_uid, st_.st_gid, ino

    def cwd(self) -> str:
        raise NotImplementedError


class Real(Side):
    name = "real"

    def __init__(self, world: str) -> None:
        super().__init__()
        self.prefix = world
        self.o = os
        self.cwd_fd = os.open(self.abs(""), os.O_RDONLY | os.O_DIRECTORY)

    def cwd(self) -> str:
        return os.readlink(f"/proc/self/fd/{self.cwd_fd}")

    def relative(self, path: str) -> str:
        return self.cwd() + "/" + path

    def chdir(self, path: Any) -> None:
        text = os.fsdecode(path)
        fd = os.open(text if text.startswith("/") else self.relative(text), os.O_RDONLY | os.O_DIRECTORY)
        os.close(self.cwd_fd)
        self.cwd_fd = fd

    def close(self) -> None:
        os.close(self.cwd_fd)


class Emu(Side):
    def __init__(self, spec: str, prefix: str) -> None:
        super().__init__()
        self.name = spec.partition(":")[0]
        self.prefix = prefix
        self.emulated = Emulated(spec)
        self.o = _Functions(self.emulated)

    def cwd(self) -> str:
        return self.emulated.call("getcwd")  # type: ignore[no-any-return]

    def chdir(self, path: Any) -> None:
        self.emulated.call("chdir", path)

    def close(self) -> None:
        self.emulated.close()


class _Functions:
    """Attribute access to an Emulated's shim posix functions, each call made with it bound."""

    def __init__(self, emulated: Emulated) -> None:
        self._emulated = emulated

    def __getattr__(self, name: str) -> Any:
        if name.isupper():
            return getattr(os, name)
        return lambda *args, **kwargs: self._emulated.call(name, *args, **kwargs)


class EmulatedMatchesReal(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="emu-stateful-"))
        self.saved_umask = os.umask(0o022)
        self.umask = 0o022
        worlds = {name: self.tmp / name for name in ("real", "host", "rooted", "overlay")}
        for world in worlds.values():
            (world / BASE[1:]).mkdir(parents=True, mode=0o755)
            world.chmod(0o755)
        os.umask(0)  # the real side applies the model umask itself
        self.real = Real(str(worlds["real"]))
        self.emus = [
            Emu("host", str(worlds["host"])),
            Emu("memory", ""),
            Emu(f"rooted:{worlds['rooted']}", ""),
            Emu(f"overlay:{worlds['overlay']}", ""),
        ]
        for emu in self.emus:
            if emu.name == "memory":
                _makedirs(emu)
            emu.chdir(emu.abs(""))
        self.files: list[tuple[int, list[int]]] = []  # (real fd, emulated fds): regular files and others
        self.dirs: list[tuple[int, list[int]]] = []

    def teardown(self) -> None:
        for side in (self.real, *self.emus):
            side.close()
        for real_fd, _ in self.files + self.dirs:
            with contextlib.suppress(OSError):
                os.close(real_fd)
        os.umask(self.saved_umask)
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- the comparison ----------------------------------------------------------------------
    def both(self, real: Any, emulated: Any, fd: bool = False) -> list[tuple[str, Any]]:
        """Run `real(side)` and `emulated(side)` on every side; all outcomes must equal the real one.

        `fd`: the value is a new fd, whose number may differ (the caller maps them).
        """
        expected = outcome(lambda: real(self.real))
        results = []
        for emu in self.emus:
            got = outcome(lambda: emulated(emu))  # noqa: B023 (called at once)
            results.append(got)
            if fd and got[0] == expected[0] == "ok":
                continue
            assert got == expected, f"{emu.name}: {got!r} != real {expected!r}"
        self.check_cwd()
        return [expected, *results]

    def same(self, op: Any, fd: bool = False) -> list[tuple[str, Any]]:
        return self.both(op, op, fd)

    def check_cwd(self) -> None:
        """Linux's cwd follows its inode; GraalPy's is a path: if they parted, both start over at BASE (and if the cwd
        left BASE, where the worlds' surroundings differ)."""
        real = self.real.strip(self.real.cwd())
        inside = real == BASE or real.startswith(BASE + "/")  # paths of 3 names then never climb out of the world
        if inside and all(emu.strip(emu.cwd()) == real for emu in self.emus):
            return
        self.real.chdir(self.real.abs(""))
        for emu in self.emus:
            emu.chdir(emu.abs(""))

    def path(self, side: Side, path: str, encode: bool) -> Any:
        """The argument for `path` on `side`: absolute paths are inside the world, relative ones the cwd's."""
        if path.startswith("/"):
            text = side.abs(path)
        elif isinstance(side, Real):
            text = side.relative(path)
        else:
            text = path
        return os.fsencode(text) if encode else text

    # -- fds ------------------------------------------------------------------------------------
    def pick(self, pool: list[tuple[int, list[int]]], index: int) -> tuple[int, list[int]]:
        return pool[index % len(pool)]

    def fd_of(self, side: Side, entry: tuple[int, list[int]]) -> int:
        real_fd, emu_fds = entry
        return real_fd if isinstance(side, Real) else emu_fds[self.emus.index(side)]  # type: ignore[arg-type]

    def register(self, results: list[tuple[str, Any]], pool: list[tuple[int, list[int]]]) -> None:
        if results[0][0] == "ok":
            pool.append((results[0][1], [r[1] for r in results[1:]]))

    @rule(path=paths, flags=FLAGS, mode=modes, encode=st.booleans())
    def open(self, path: str, flags: int, mode: int, encode: bool) -> None:
        def call(side: Side) -> int:
            if isinstance(side, Real):
                return os.open(self.path(side, path, encode), flags, mode & ~self.umask)
            return side.o.open(self.path(side, path, encode), flags, mode)  # type: ignore[no-any-return]

        results = self.both(call, call, fd=True)
        if results[0][0] == "ok":
            fstat = os.fstat(results[0][1])
            self.register(results, self.dirs if S.S_ISDIR(fstat.st_mode) else self.files)

    @precondition(lambda self: self.dirs)
    @rule(index=st.integers(0, 10), path=relative, flags=FLAGS, mode=modes)
    def open_at(self, index: int, path: str, flags: int, mode: int) -> None:
        entry = self.pick(self.dirs, index)

        def call(side: Side) -> int:
            m = mode & ~self.umask if isinstance(side, Real) else mode
            return side.o.open(path, flags, m, dir_fd=self.fd_of(side, entry))  # type: ignore[no-any-return]

        results = self.both(call, call, fd=True)
        if results[0][0] == "ok":
            is_dir = S.S_ISDIR(os.fstat(results[0][1]).st_mode)
            self.register(results, self.dirs if is_dir else self.files)

    @precondition(lambda self: self.files)
    @rule(index=st.integers(0, 10), size=st.integers(0, 20))
    def read(self, index: int, size: int) -> None:
        entry = self.pick(self.files, index)
        self.same(lambda side: side.o.read(self.fd_of(side, entry), size))

    @precondition(lambda self: self.files)
    @rule(index=st.integers(0, 10), data=st.binary(max_size=12))
    def write(self, index: int, data: bytes) -> None:
        entry = self.pick(self.files, index)
        self.same(lambda side: side.o.write(self.fd_of(side, entry), data))

    @precondition(lambda self: self.files)
    @rule(index=st.integers(0, 10), position=st.integers(-3, 30), whence=st.sampled_from(SEEKS))
    def lseek(self, index: int, position: int, whence: int) -> None:
        entry = self.pick(self.files, index)
        self.same(lambda side: side.o.lseek(self.fd_of(side, entry), position, whence))

    @precondition(lambda self: self.files)
    @rule(index=st.integers(0, 10))
    def fstat(self, index: int) -> None:
        entry = self.pick(self.files, index)
        self.same(lambda side: side.norm_stat(side.o.fstat(self.fd_of(side, entry))))

    @precondition(lambda self: self.files)
    @rule(index=st.integers(0, 10), length=st.integers(-1, 20))
    def ftruncate(self, index: int, length: int) -> None:
        entry = self.pick(self.files, index)
        self.same(lambda side: side.o.ftruncate(self.fd_of(side, entry), length))

    @precondition(lambda self: self.files)
    @rule(index=st.integers(0, 10))
    def dup(self, index: int) -> None:
        entry = self.pick(self.files, index)
        self.register(self.same(lambda side: side.o.dup(self.fd_of(side, entry)), fd=True), self.files)

    @precondition(lambda self: len(self.files) >= 2)
    @rule(index=st.integers(0, 10), onto_index=st.integers(0, 10))
    def dup2(self, index: int, onto_index: int) -> None:
        entry, onto = self.pick(self.files, index), self.pick(self.files, onto_index)
        results = self.same(lambda side: side.o.dup2(self.fd_of(side, entry), self.fd_of(side, onto)), fd=True)
        if results[0][0] == "ok":
            assert [r[1] for r in results[1:]] == onto[1] and results[0][1] == onto[0]

    @precondition(lambda self: self.files or self.dirs)
    @rule(index=st.integers(0, 20))
    def close(self, index: int) -> None:
        pool = self.files if self.files and (index % 2 or not self.dirs) else self.dirs
        entry = pool.pop(index % len(pool))
        self.same(lambda side: side.o.close(self.fd_of(side, entry)))
        for pool in (self.files, self.dirs):  # a dup2 may have put the same number twice in the pool
            pool[:] = [e for e in pool if e[0] != entry[0]]

    @precondition(lambda self: self.files)
    @rule(index=st.integers(0, 10))
    def close_twice(self, index: int) -> None:
        entry = self.files.pop(index % len(self.files))
        self.files[:] = [e for e in self.files if e[0] != entry[0]]
        self.same(lambda side: side.o.close(self.fd_of(side, entry)))
        self.same(lambda side: side.o.close(self.fd_of(side, entry)))
        self.same(lambda side: side.o.read(self.fd_of(side, entry), 1))

    # -- paths ----------------------------------------------------------------------------------
    def path_op(self, path: str, encode: bool, call: Any, *, at: int | None = None) -> list[tuple[str, Any]]:
        """`call(side, arg, kwargs)` with the path argument, or relative to a pooled dir fd when `at` is set."""
        if at is not None and self.dirs and not path.startswith("/"):
            entry = self.pick(self.dirs, at)
            arg = os.fsencode(path) if encode else path
            return self.same(lambda side: call(side, arg, {"dir_fd": self.fd_of(side, entry)}))
        return self.same(lambda side: call(side, self.path(side, path, encode), {}))

    @rule(path=paths, mode=modes, encode=st.booleans(), at=st.none() | st.integers(0, 5))
    def mkdir(self, path: str, mode: int, encode: bool, at: int | None) -> None:
        def call(side: Side, arg: Any, kw: dict[str, Any]) -> None:
            m = mode | 0o700
            return side.o.mkdir(arg, m & ~self.umask if isinstance(side, Real) else m, **kw)  # type: ignore[no-any-return]

        self.path_op(path, encode, call, at=at)

    @rule(path=paths, encode=st.booleans(), at=st.none() | st.integers(0, 5))
    def rmdir(self, path: str, encode: bool, at: int | None) -> None:
        self.forget_inodes()
        self.path_op(path, encode, lambda side, arg, kw: side.o.rmdir(arg, **kw), at=at)

    @rule(path=paths, encode=st.booleans(), at=st.none() | st.integers(0, 5))
    def unlink(self, path: str, encode: bool, at: int | None) -> None:
        self.forget_inodes()
        self.path_op(path, encode, lambda side, arg, kw: side.o.unlink(arg, **kw), at=at)

    def forget_inodes(self) -> None:
        """A freed inode number may go to the next new file on a real filesystem (ext4), never in memory:
        numbering restarts on every side after a removal, so only live files' identities are compared."""
        for side in (self.real, *self.emus):
            side._inodes.clear()

    @rule(src=paths, dst=paths, replace=st.booleans(), encode=st.booleans())
    def rename(self, src: str, dst: str, replace: bool, encode: bool) -> None:
        self.forget_inodes()  # a replaced target is removed

        def call(side: Side) -> None:
            function = side.o.replace if replace else side.o.rename
            return function(self.path(side, src, encode), self.path(side, dst, encode))  # type: ignore[no-any-return]

        self.same(call)

    @rule(text=link_texts, path=paths, encode=st.booleans(), at=st.none() | st.integers(0, 5))
    def symlink(self, text: str, path: str, encode: bool, at: int | None) -> None:
        def call(side: Side, arg: Any, kw: dict[str, Any]) -> None:
            target = side.abs(text) if text.startswith("/") else text
            return side.o.symlink(os.fsencode(target) if encode else target, arg, **kw)  # type: ignore[no-any-return]

        self.path_op(path, encode, call, at=at)

    @rule(src=paths, dst=paths, follow=st.booleans(), encode=st.booleans())
    def link(self, src: str, dst: str, follow: bool, encode: bool) -> None:
        self.same(
            lambda side: side.o.link(self.path(side, src, encode), self.path(side, dst, encode), follow_symlinks=follow)
        )

    @rule(path=paths, encode=st.booleans(), at=st.none() | st.integers(0, 5))
    def readlink(self, path: str, encode: bool, at: int | None) -> None:
        self.path_op(path, encode, lambda side, arg, kw: side.strip(side.o.readlink(arg, **kw)), at=at)

    @rule(path=paths, mode=modes, follow=st.booleans(), encode=st.booleans(), at=st.none() | st.integers(0, 5))
    def chmod(self, path: str, mode: int, follow: bool, encode: bool, at: int | None) -> None:
        self.path_op(path, encode, lambda side, arg, kw: side.o.chmod(arg, mode, follow_symlinks=follow, **kw), at=at)

    @rule(path=paths, atime=st.integers(0, 2**33), mtime=st.integers(0, 2**33), follow=st.booleans(),
          encode=st.booleans(), at=st.none() | st.integers(0, 5))  # fmt: skip
    def utime(self, path: str, atime: int, mtime: int, follow: bool, encode: bool, at: int | None) -> None:
        def call(side: Side, arg: Any, kw: dict[str, Any]) -> tuple[int, int]:
            side.o.utime(arg, (atime, mtime), follow_symlinks=follow, **kw)
            result = side.o.stat(arg, follow_symlinks=follow, **kw)
            return result.st_atime_ns, result.st_mtime_ns

        self.path_op(path, encode, call, at=at)

    @rule(path=paths, follow=st.booleans(), encode=st.booleans(), at=st.none() | st.integers(0, 5))
    def stat(self, path: str, follow: bool, encode: bool, at: int | None) -> None:
        self.path_op(
            path, encode, lambda side, arg, kw: side.norm_stat(side.o.stat(arg, follow_symlinks=follow, **kw)), at=at
        )

    @rule(path=paths, encode=st.booleans())
    def lstat(self, path: str, encode: bool) -> None:
        self.path_op(path, encode, lambda side, arg, kw: side.norm_stat(side.o.lstat(arg)))

    @rule(path=paths, mode=st.sampled_from([os.F_OK, os.R_OK, os.W_OK, os.X_OK]), at=st.none() | st.integers(0, 5))
    def access(self, path: str, mode: int, at: int | None) -> None:
        self.path_op(path, False, lambda side, arg, kw: side.o.access(arg, mode, **kw), at=at)

    @rule(path=paths, encode=st.booleans())
    def listdir(self, path: str, encode: bool) -> None:
        self.path_op(path, encode, lambda side, arg, kw: sorted(side.o.listdir(arg)))

    @rule(path=paths, encode=st.booleans())
    def scandir(self, path: str, encode: bool) -> None:
        def call(side: Side, arg: Any, kw: dict[str, Any]) -> list[tuple[Any, ...]]:
            with side.o.scandir(arg) as entries:
                return sorted(
                    (
                        e.name,
                        e.is_dir(),
                        e.is_file(),
                        e.is_symlink(),
                        e.is_dir(follow_symlinks=False),
                        e.path == os.path.join(arg, e.name),
                    )
                    for e in entries
                )

        self.path_op(path, encode, call)

    @precondition(lambda self: self.dirs)
    @rule(index=st.integers(0, 10))
    def listdir_fd(self, index: int) -> None:
        entry = self.pick(self.dirs, index)
        self.same(lambda side: sorted(side.o.listdir(self.fd_of(side, entry))))
        self.same(lambda side: sorted((e.name, e.is_dir()) for e in side.o.scandir(self.fd_of(side, entry))))

    @rule(path=paths, encode=st.booleans())
    def chdir(self, path: str, encode: bool) -> None:
        self.both(
            lambda side: side.chdir(self.path(side, path, encode)),
            lambda side: side.o.chdir(self.path(side, path, encode)),
        )
        self.same(lambda side: side.strip(side.cwd()))

    @precondition(lambda self: self.dirs)
    @rule(index=st.integers(0, 10))
    def fchdir(self, index: int) -> None:
        entry = self.pick(self.dirs, index)
        self.both(
            lambda side: side.chdir(os.readlink(f"/proc/self/fd/{self.fd_of(side, entry)}")),
            lambda side: side.o.fchdir(self.fd_of(side, entry)),
        )
        self.same(lambda side: side.strip(side.cwd()))

    @rule()
    def getcwd(self) -> None:
        self.both(lambda side: side.strip(side.cwd()), lambda side: side.strip(side.o.getcwd()))
        self.both(lambda side: os.fsencode(side.strip(side.cwd())), lambda side: side.strip(side.o.getcwdb()))

    @rule(mask=umasks)
    def umask(self, mask: int) -> None:
        previous = self.umask
        self.umask = mask
        for emu in self.emus:
            assert emu.o.umask(mask) == previous


def _makedirs(emu: Emu) -> None:
    """The base directories, in a memory root emptied of its standard /dev and /tmp (the real root is a temp
    dir holding only the world)."""
    call = emu.emulated.call
    for top in ("/dev", "/tmp"):
        with contextlib.suppress(FileNotFoundError):
            for name in call("listdir", top):
                call("unlink", f"{top}/{name}")
            call("rmdir", top)
    path = ""
    for name in BASE.split("/")[1:]:
        path += "/" + name
        emu.emulated.call("mkdir", path, 0o755)


EmulatedMatchesReal.TestCase.settings = settings(
    max_examples=int(os.environ.get("EMULATED_STATEFUL_EXAMPLES", "200")),
    stateful_step_count=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestEmulatedMatchesReal = EmulatedMatchesReal.TestCase
