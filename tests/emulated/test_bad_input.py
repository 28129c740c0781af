"""Bad arguments: every emulated function must fail exactly as CPython's own os does, compared live.

The emulated side is the host provider over the same temp dir, so that the
well-formed arguments around the bad one name the same files on both sides.
Compared: exception type, errno and message (str of the exception).
"""

from __future__ import annotations

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


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Emulated]]:
    base = tmp_path_factory.mktemp("bad")
    emulated = Emulated("host")
    yield base, emulated
    emulated.close()


@pytest.mark.parametrize(("name", "pname", "value"), list(cases()))
def test_bad_argument_like_cpython(world: tuple[Path, Emulated], name: str, pname: str, value: object) -> None:
    base, emulated = world
    file = base / "file"
    file.write_bytes(b"data")
    (base / "other").write_bytes(b"x")
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
        got = emulated.run(lambda functions: outcome(lambda: call(functions[name], emu_fd)))
        if got[:2] == ("OSError", 9) and name in CATALOGUED and pname in ("fd", "dir_fd"):
            expected = got  # a bad fd is found before the unsupported call, as in GraalPy
        elif name in CATALOGUED and expected[0] not in ("TypeError", "ValueError", "OverflowError"):
            expected = (
                "UnsupportedOperation",
                None,
                f"Feature not supported on 'java' POSIX backend: {CATALOGUED[name]}",
            )
        assert got == expected, f"emulated {got!r} != CPython {expected!r}"
    finally:
        os.close(real_fd)
        emulated.call("close", emu_fd)
