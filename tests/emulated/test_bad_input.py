"""Bad arguments: every emulated function must fail exactly as CPython's own os does, compared live.

The emulated side is the host provider over the same temp dir, so that the
well-formed arguments around the bad one name the same files on both sides.
Compared: exception type, errno and message (str of the exception).
"""

from __future__ import annotations

import contextlib
import inspect
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from interpose.backends.emulated import direntry, fileops, pathops
from interpose.backends.emulated.process import EmulatedProcess
from interpose.fs.memory import MemoryFileSystem
from tests.emulated.emu import Emulated


def _signatures() -> dict[str, Any]:
    """The fd and path functions (and scandir) of a backend, for their signatures."""
    process = EmulatedProcess(MemoryFileSystem())
    fd_functions = fileops.build(process)
    return {**fd_functions, **pathops.build(process, fd_functions), **direntry.build(process)}


FUNCTIONS = _signatures()
PATH_PARAMS = {"path", "src", "dst"}
FD_PARAMS = {"fd", "fd2", "out_fd", "in_fd", "fd_low", "fd_high"}
# Calls whose bad "fd" could name a real standard stream: only probed with values that cannot.
CLOSES = {"close", "closerange", "dup2", "set_inheritable", "set_blocking", "write", "ftruncate", "fchmod",
          "fchown", "lockf", "posix_fallocate", "pwrite", "writev", "sendfile", "copy_file_range", "fsync",
          "fdatasync"}  # fmt: skip
#: functions GraalPy's java backend refuses under enforce (catalog: fs.chown, fs.special_file), once the
#: arguments are converted: the feature it names.
CATALOGUED = {"chown": "fchownat", "lchown": "fchownat", "fchown": "fchown", "mkfifo": "mknodat", "mknod": "mknodat"}
SKIP = {"pipe", "pipe2", "openpty", "getcwd", "getcwdb", "umask", "closerange"}  # no path or fd to probe


class _Path:
    def __init__(self, value: object) -> None:
        self.value = value

    def __fspath__(self) -> object:
        return self.value


def bad_paths() -> Iterator[tuple[str, object]]:
    yield "int-float", 1.5
    yield "list", ["x"]
    yield "None", None
    yield "nul-str", "a\x00b"
    yield "nul-bytes", b"a\x00b"
    yield "fspath-int", _Path(3)
    yield "fspath-nul", _Path("a\x00")
    yield "name-300", "n" * 300
    yield "path-5000", "/".join(["d"] * 2500)
    yield "missing", "/nonexistent/x"


def bad_fds(closing: bool) -> Iterator[tuple[str, object]]:
    yield "negative", -1
    yield "closed", 987
    yield "huge-2**31", 2**31
    yield "huge-2**64", 2**64
    yield "float", 1.5
    yield "str", "3"
    yield "None", None
    if not closing:
        yield "bool", True


def good_value(function: str, name: str, param: inspect.Parameter, file: str, fd: int) -> Any:
    if function == "copy_file_range" and name in ("src", "dst"):
        return fd
    if name in PATH_PARAMS:
        return file
    if name in FD_PARAMS or name in ("src",):
        return fd
    if name in ("data",):
        return b""
    if name in ("buffers",):
        return [bytearray(1)]
    if name in ("flags",):
        return os.O_RDONLY
    if name in ("mode",):
        return 0o644 if param.default is inspect.Parameter.empty else param.default
    if name in ("uid", "gid"):
        return -1
    if name in ("whence", "offset", "position", "command", "advice", "device"):
        return 0
    if name in ("length", "count", "size"):
        return 1
    if name in ("inheritable", "blocking"):
        return True
    if name in ("times",):
        return None
    return param.default


def cases() -> Iterator[Any]:
    for name, function in sorted(FUNCTIONS.items()):
        if name in SKIP or not hasattr(os, name):
            continue
        params = inspect.signature(function).parameters
        for pname in params:
            if pname in PATH_PARAMS and name not in ("copy_file_range",):
                for label, value in bad_paths():
                    yield pytest.param(name, pname, value, id=f"{name}-{pname}-{label}")
            elif pname in FD_PARAMS or (name == "copy_file_range" and pname in ("src", "dst")):
                for label, value in bad_fds(name in CLOSES):
                    yield pytest.param(name, pname, value, id=f"{name}-{pname}-{label}")
            elif pname == "dir_fd":
                for label, value in (("file", "FILEFD"), ("closed", 987), ("float", 1.5), ("negative", -5)):
                    yield pytest.param(name, pname, value, id=f"{name}-dir_fd-{label}")


def outcome(call: Any) -> tuple[Any, ...]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            result = call()
        except (OSError, ValueError, TypeError, OverflowError, NotImplementedError, Warning) as e:
            errno_ = e.errno if isinstance(e, OSError) else None
            return (type(e).__name__, errno_, str(e))
    return ("ok", type(result).__name__)


class World:
    """A temp dir on the host and the emulated processes over it: host (enforce and warn) or memory (both),
    the memory tree holding the same paths.  A function GraalPy lacks is absent under enforce: it is probed
    under warn, where the backend's own function stands."""

    def __init__(self, base: Path, kind: str) -> None:
        self.base = base
        self.kind = kind
        self.processes = {policy: Emulated(kind, policy) for policy in ("enforce", "warn")}
        if kind == "memory":
            for emulated in self.processes.values():
                path = ""
                for name in base.parts[1:]:
                    path += "/" + name
                    with contextlib.suppress(FileExistsError):
                        emulated.call("mkdir", path)

    def for_function(self, name: str) -> tuple[Emulated, bool]:
        """The process to probe `name` in, and whether it is the enforce one."""
        enforce = self.processes["enforce"]
        if name in enforce.functions:
            return enforce, True
        return self.processes["warn"], False

    def make_files(self) -> None:
        for name, data in (("file", b"data"), ("other", b"x")):
            (self.base / name).write_bytes(data)
            if self.kind == "memory":
                for emulated in self.processes.values():
                    fd = emulated.call("open", str(self.base / name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                    emulated.call("write", fd, data)
                    emulated.call("close", fd)

    def close(self) -> None:
        for emulated in self.processes.values():
            emulated.close()


@pytest.fixture(scope="module", params=["host", "memory"])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    made = World(tmp_path_factory.mktemp("bad"), request.param)
    yield made
    made.close()


def compare(world: World, name: str, pname: str, value: object) -> None:
    """Call `name` with `value` for `pname` and good values elsewhere, on CPython's os and on the backend."""
    base = world.base
    world.make_files()
    file = base / "file"
    emulated, enforced = world.for_function(name)
    real_fd = os.open(file, os.O_RDWR)
    emu_fd = emulated.call("open", str(file), os.O_RDWR)
    try:
        function = FUNCTIONS[name]
        params = inspect.signature(function).parameters

        def call(target: Any, fd: int) -> Any:
            positional: list[Any] = []
            keywords: dict[str, Any] = {}
            for pn, param in params.items():
                v = value if pn == pname else good_value(name, pn, param, str(file), fd)
                if (pn == "dir_fd" and pn != pname) or (pn == "ns" and name == "utime"):
                    continue
                if v == "FILEFD":
                    v = fd
                if pn == "dst" and pn != pname and name != "copy_file_range":
                    v = str(base / "other")
                if pname == "dir_fd" and pn in PATH_PARAMS:
                    v = "file" if pn != "dst" else "other2"  # relative, so that dir_fd matters
                if param.kind is inspect.Parameter.KEYWORD_ONLY:
                    keywords[pn] = v
                elif param.default is not inspect.Parameter.empty and pn != pname and v is param.default:
                    continue
                else:
                    positional.append(v)
            return target(*positional, **keywords)

        expected = outcome(lambda: call(getattr(os, name), real_fd))
        if name == "dup2" and pname == "fd2" and value == 987:
            os.close(987)  # CPython's dup2 made it: the emulated side must find the number free, as CPython did
        got = emulated.run(lambda functions: outcome(lambda: call(functions[name], emu_fd)))
        if name == "dup2" and pname == "fd2" and value == 987 and got[0] == "ok":
            emulated.call("close", 987)
        if not enforced or name not in CATALOGUED:
            pass
        elif got[:2] == ("OSError", 9) and pname in ("fd", "dir_fd"):
            expected = got  # a bad fd is found before the unsupported call, as in GraalPy
        elif expected[0] not in ("TypeError", "ValueError", "OverflowError"):
            expected = (
                "UnsupportedOperation",
                None,
                f"Feature not supported on 'java' POSIX backend: {CATALOGUED[name]}",
            )
        assert got == expected, f"emulated {got!r} != CPython {expected!r}"
    finally:
        os.close(real_fd)
        emulated.call("close", emu_fd)


@pytest.mark.parametrize(("name", "pname", "value"), list(cases()))
def test_bad_argument_like_cpython(world: World, name: str, pname: str, value: object) -> None:
    if world.kind == "memory" and pname not in FD_PARAMS and value in ("n" * 300, "/".join(["d"] * 2500)):
        pytest.skip("a long name is the memory provider's own check (tests/fs), not an argument conversion")
    compare(world, name, pname, value)


#: Numeric parameters, by the C type CPython converts them to; `2**40` fits every type but a C int and uid_t.
INT_PARAMS = {"mode", "flags", "whence", "command", "advice", "uid", "gid"}
NUMBER_PARAMS = INT_PARAMS | {"length", "offset", "position", "count", "offset_src", "offset_dst", "device"}


def number_cases() -> Iterator[Any]:
    for name, function in sorted(FUNCTIONS.items()):
        if name in SKIP or not hasattr(os, name):
            continue
        for pname in inspect.signature(function).parameters:
            if pname not in NUMBER_PARAMS:
                continue
            values: list[tuple[str, object]] = [("str", "1"), ("float", 1.5), ("huge", 2**64), ("-huge", -(2**64))]
            if pname in INT_PARAMS:
                values += [("2**40", 2**40), ("-2**40", -(2**40))]
            if not (name in ("sendfile", "copy_file_range") and pname.startswith("offset")):
                values.append(("None", None))
            for label, value in values:
                yield pytest.param(name, pname, value, id=f"{name}-{pname}-{label}")


@pytest.mark.parametrize(("name", "pname", "value"), list(number_cases()))
def test_bad_number_like_cpython(world: World, name: str, pname: str, value: object) -> None:
    """Issue 9: a mode of 2**40 set mode 000 on the real file; every number is converted as CPython does."""
    compare(world, name, pname, value)


@pytest.mark.parametrize("value", ["022", 1.5, None, 2**40, -(2**40), 2**64])
def test_umask_converts_its_argument_like_cpython(world: World, value: object) -> None:
    emulated, _ = world.for_function("umask")
    saved = os.umask(0o022)
    try:
        expected = outcome(lambda: os.umask(value))  # type: ignore[arg-type]
        assert os.umask(0o022) == 0o022  # nothing was set
    finally:
        os.umask(saved)
    before = emulated.process.umask
    assert emulated.run(lambda functions: outcome(lambda: functions["umask"](value))) == expected
    assert emulated.process.umask == before


@pytest.mark.parametrize(
    "call",
    [
        lambda o, fd: o["stat"](fd, dir_fd=fd),
        lambda o, fd: o["stat"](fd, follow_symlinks=False),
        lambda o, fd: o["utime"](fd, dir_fd=fd),
        lambda o, fd: o["utime"](fd, follow_symlinks=False),
        lambda o, fd: o["chown"](fd, -1, -1, dir_fd=fd),
        lambda o, fd: o["chown"](fd, -1, -1, follow_symlinks=False),
        lambda o, fd: o["utime"](o["__file__"], (float("nan"), 1)),
        lambda o, fd: o["utime"](o["__file__"], (1e30, 1)),
        lambda o, fd: o["utime"](o["__file__"], (2**63, 1)),
        lambda o, fd: o["utime"](o["__file__"], ns=(2**63 * 10**9, 1)),
        lambda o, fd: o["utime"](o["__file__"], ns=(1.0, 1)),
        lambda o, fd: o["utime"](o["__file__"], ("1", 1)),
        lambda o, fd: o["mknod"](o["__file__"] + "-node", 0o600, "1"),
        lambda o, fd: o["mknod"](o["__file__"] + "-node", 0o600, 1.0),
    ],
    ids=[
        "stat-fd-dir_fd",
        "stat-fd-nofollow",
        "utime-fd-dir_fd",
        "utime-fd-nofollow",
        "chown-fd-dir_fd",
        "chown-fd-nofollow",
        "utime-nan",
        "utime-1e30",
        "utime-2**63",
        "utime-ns-2**63s",
        "utime-ns-float",
        "utime-str",
        "mknod-device-str",
        "mknod-device-float",
    ],  # fmt: skip
)
def test_argument_combinations_like_cpython(world: World, call: Any) -> None:
    world.make_files()
    file = str(world.base / "file")
    name = "mknod" if "mknod" in str(call.__code__.co_consts) else "utime"
    emulated, _ = world.for_function(name)
    real_fd = os.open(file, os.O_RDONLY)
    emu_fd = emulated.call("open", file, os.O_RDONLY)
    try:
        expected = outcome(lambda: call({**vars(os), "__file__": file}, real_fd))
        got = emulated.run(lambda functions: outcome(lambda: call({**functions, "__file__": file}, emu_fd)))
        if expected[0] == "ok" or expected[:2] == ("OSError", 9):  # a combination CPython checks only in the kernel
            pytest.fail(f"not an argument error on CPython: {expected}")
        assert got == expected
    finally:
        os.close(real_fd)
        emulated.call("close", emu_fd)
