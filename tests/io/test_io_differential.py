"""Ours against `_io`, on real files: the same calls must give the same results, or the same errors."""

from __future__ import annotations

import _io
import errno
import os
import pickle
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import REAL

OURS_OPEN, OURS_FILEIO = REAL.open, REAL.FileIO


def outcome(action: Callable[[], Any]) -> tuple[object, ...]:
    """What a call did, comparable across implementations: a value, or the error's type, args and filename."""
    try:
        value = action()
    except Exception as error:  # noqa: BLE001 - every error is compared
        return ("raised", type(error), str(error), getattr(error, "errno", None), getattr(error, "filename", None))
    if isinstance(value, (_io.FileIO, OURS_FILEIO)):
        value.close()
        return ("raw", value.mode, value.closefd)
    if hasattr(value, "close"):
        description = (type(value), getattr(value, "mode", None), getattr(value, "line_buffering", None))
        value.close()
        return ("file",) + description
    return ("value", value)


def same(theirs: Callable[[], Any], ours: Callable[[], Any]) -> None:
    assert outcome(ours) == outcome(theirs)


MODES = ["r", "rb", "rt", "w", "wb", "w+", "wb+", "a", "ab", "a+", "x", "xb", "r+", "rb+", "br", "tr", "U", "rU",
         "", "b", "t", "+", "rr", "rw", "wa", "rbt", "q", "r\0", 1, None, "xr", "+r", "ab+"]  # fmt: skip


@pytest.mark.parametrize("mode", MODES, ids=repr)
@pytest.mark.parametrize("buffering", [-1, 0, 1, 2, 4096, -7, "x", 1.5, 2**40])
def test_open_modes_and_buffering(tmp_path: Path, mode: Any, buffering: Any) -> None:
    for existing in (True, False):
        path = tmp_path / "f"
        if existing:
            path.write_bytes(b"data\n")
        elif path.exists():
            path.unlink()
        with warnings.catch_warnings(record=True) as theirs_warned:
            warnings.simplefilter("always")
            theirs = outcome(lambda: _io.open(path, mode, buffering))  # noqa: B023 - called at once
        path.unlink(missing_ok=True)
        if existing:
            path.write_bytes(b"data\n")
        with warnings.catch_warnings(record=True) as ours_warned:
            warnings.simplefilter("always")
            ours = outcome(lambda: OURS_OPEN(path, mode, buffering))  # noqa: B023
        assert ours == theirs
        assert [(w.category, str(w.message), w.filename) for w in ours_warned] == [
            (w.category, str(w.message), w.filename) for w in theirs_warned
        ]


TEXT_ARGS = [
    {"encoding": "utf-8"}, {"encoding": "latin-1", "errors": "replace"}, {"encoding": "nope"}, {"encoding": 1},
    {"errors": 3}, {"newline": ""}, {"newline": "\r\n"}, {"newline": "q"}, {"newline": 5}, {"encoding": "a\0"},
    {"closefd": False}, {"closefd": 0}, {"closefd": "x"}, {"closefd": 1.5}, {"opener": 5},
]  # fmt: skip


@pytest.mark.parametrize("kwargs", TEXT_ARGS, ids=repr)
@pytest.mark.parametrize("mode", ["r", "rb", "w"])
def test_open_text_arguments(tmp_path: Path, mode: str, kwargs: dict[str, Any]) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"caf\xc3\xa9\r\nline\n")
    same(lambda: _io.open(path, mode, **kwargs), lambda: OURS_OPEN(path, mode, **kwargs))


@pytest.mark.parametrize("newline", [None, "", "\n", "\r", "\r\n"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "latin-1", "utf-8-sig"])
def test_text_round_trip(tmp_path: Path, encoding: str, newline: str | None) -> None:
    text = "a\nb\r\nc\rd\u00e9\n" * 50
    results = []
    for open_ in (_io.open, OURS_OPEN):
        path = tmp_path / f"{open_.__module__}.txt"
        with open_(path, "w", encoding=encoding, newline=newline) as f:
            f.write(text)
        with open_(path, encoding=encoding, newline=newline) as f:
            results.append((path.read_bytes(), f.readlines(), f.tell()))
    assert results[0] == results[1]


FILE_ARGS: list[Callable[[Path], Any]] = [
    lambda p: p / "missing", lambda p: p, lambda p: str(p / "missing").encode(), lambda p: -1, lambda p: [],
    lambda p: 1.5, lambda p: 2**40, lambda p: -(2**40), lambda p: "a\0b", lambda p: b"a\0b", lambda p: 10**6,
    lambda p: str(p / "nodir" / "f"),
]  # fmt: skip


@pytest.mark.parametrize("make", FILE_ARGS)
@pytest.mark.parametrize("mode", ["r", "w", "rb"])
def test_open_errors_on_files(tmp_path: Path, make: Callable[[Path], Any], mode: str) -> None:
    file = make(tmp_path)
    same(lambda: _io.open(file, mode), lambda: OURS_OPEN(file, mode))
    raw_mode = mode.replace("b", "")
    same(lambda: _io.FileIO(file, raw_mode), lambda: OURS_FILEIO(file, raw_mode))


@pytest.mark.parametrize("mode", ["r", "w", "a", "x", "r+", "w+", "a+", "x+", "rb", "wb+", "rw", "r++", "rq", "",
                                  "b", "+", 3, "r\0"])  # fmt: skip
def test_fileio_modes(tmp_path: Path, mode: Any) -> None:
    results = []
    for cls in (_io.FileIO, OURS_FILEIO):
        path = tmp_path / "f"
        path.unlink(missing_ok=True)
        results.append(outcome(lambda: cls(path, mode)))  # noqa: B023 - called at once
        results.append(outcome(lambda: cls(path, mode, closefd=False)))  # noqa: B023
    assert results[2:] == results[:2]


def test_fd_closefd_and_opener(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"0123456789")
    for closefd in (True, False):
        fds = []
        for cls in (_io.FileIO, OURS_FILEIO):
            fd = os.open(path, os.O_RDONLY)
            f = cls(fd, "r", closefd=closefd)
            assert (f.name, f.mode, f.closefd, f.read(3), repr(f).replace(str(fd), "FD")) == (
                fd, "rb", closefd, b"012", f"<_io.FileIO name=FD mode='rb' closefd={closefd}>")  # fmt: skip
            f.close()
            fds.append(fd)
            still_open = outcome(lambda: os.fstat(fd))[0] == "value"  # noqa: B023
            assert still_open is not closefd
            if not closefd:
                os.close(fd)
    opened: list[tuple[object, int]] = []

    def opener(name: object, flags: int) -> int:
        opened.append((name, flags))
        return os.open(name, flags)  # type: ignore[arg-type]

    for cls in (_io.FileIO, OURS_FILEIO):
        with cls(path, "r", opener=opener) as f:
            assert f.read() == b"0123456789"
            assert not os.get_inheritable(f.fileno())
    assert opened[0] == opened[1]
    for bad in (lambda n, f: "3", lambda n, f: -3, lambda n, f: 2**40, lambda n, f: 1 / 0):
        same(lambda: _io.FileIO(path, "r", opener=bad), lambda: OURS_FILEIO(path, "r", opener=bad))  # noqa: B023


def test_directory_fd_and_negative_fd(tmp_path: Path) -> None:
    for cls in (_io.FileIO, OURS_FILEIO):
        fd = os.open(tmp_path, os.O_RDONLY)
        with pytest.raises(IsADirectoryError) as caught:
            cls(fd)
        assert caught.value.filename == fd
        assert os.fstat(fd)  # an fd the caller passed is not closed on failure
        os.close(fd)
    same(lambda: _io.FileIO(-5), lambda: OURS_FILEIO(-5))


def run_sequence(cls: Callable[..., Any], path: Path, mode: str) -> list[tuple[object, ...]]:
    """A fixed sequence of positioning and I/O calls, each outcome recorded."""
    steps: list[Callable[[Any], Any]] = [
        lambda f: f.tell(), lambda f: f.write(b"hello world"), lambda f: f.tell(), lambda f: f.seek(0),
        lambda f: f.read(5), lambda f: f.seek(2, 1), lambda f: f.tell(), lambda f: f.seek(-3, 2),
        lambda f: f.read(), lambda f: f.truncate(4), lambda f: f.tell(), lambda f: f.write(b"XY"),
        lambda f: f.seek(0), lambda f: f.readall(), lambda f: f.truncate(), lambda f: f.seek(-1),
        lambda f: f.seek(0, 7), lambda f: f.seek(1.5), lambda f: f.seek("x"), lambda f: f.read("x"),
        lambda f: f.read(None), lambda f: f.readinto(bytearray(3)), lambda f: f.readinto(b"abc"),
        lambda f: f.write("text"), lambda f: f.truncate(1.5), lambda f: f.seekable(), lambda f: f.readable(),
        lambda f: f.writable(), lambda f: f.isatty(), lambda f: f.readline(), lambda f: f.readlines(),
        lambda f: f.flush(),
        lambda f: (f.close(), f.closed), lambda f: f.read(1), lambda f: f.write(b"x"), lambda f: f.write("x"),
        lambda f: f.seek(0), lambda f: f.fileno(), lambda f: f.readinto("x"), lambda f: repr(f),
    ]  # fmt: skip
    path.write_bytes(b"0123456789")
    f = cls(path, mode)
    try:
        return [outcome(lambda: step(f)) for step in steps] + [("file", path.read_bytes())]  # noqa: B023
    finally:
        f.close()


@pytest.mark.parametrize("mode", ["r", "w", "a", "r+", "w+", "a+"])
def test_seek_tell_truncate_append_sequences(tmp_path: Path, mode: str) -> None:
    assert run_sequence(OURS_FILEIO, tmp_path / "f", mode) == run_sequence(_io.FileIO, tmp_path / "f", mode)


@pytest.mark.parametrize("size", [0, 1, 8191, 8192, 8193, 65537, 300_000])
def test_readall_sizes_and_offsets(tmp_path: Path, size: int) -> None:
    path = tmp_path / "f"
    data = os.urandom(size)
    path.write_bytes(data)
    with OURS_FILEIO(path) as f:
        assert f.readall() == data
        f.seek(size // 3)
        assert f.readall() == data[size // 3 :]
        assert f.readall() == b""


def test_readall_of_a_growing_file(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"a" * 100)
    with OURS_FILEIO(path) as f, open(path, "ab") as grower:
        grower.write(b"b" * 200_000)
        grower.flush()
        assert f.readall() == b"a" * 100 + b"b" * 200_000


def test_readall_of_a_pipe() -> None:
    read_end, write_end = os.pipe()
    writer = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdout.buffer.write(b'p' * 100000)"],
                              stdout=write_end)  # fmt: skip
    os.close(write_end)
    with OURS_FILEIO(read_end) as f:
        assert not f.seekable()
        assert f.readall() == b"p" * 100000
    writer.wait()


def test_nonblocking_read_returns_none() -> None:
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)
    with OURS_FILEIO(read_end) as f, _io.FileIO(write_end, "w") as w:
        assert f.read(10) is None
        assert f.readall() is None
        assert f.readinto(bytearray(4)) is None
        w.write(b"ab")
        assert f.readall() == b"ab"


def test_isatty_and_line_buffering_on_a_pty() -> None:
    try:
        leader, follower = os.openpty()
    except OSError:
        pytest.skip("no pty here")
    try:
        for open_ in (_io.open, OURS_OPEN):
            with open_(follower, "w", closefd=False) as f:
                assert (f.isatty(), f.line_buffering, f.buffer.raw.isatty()) == (True, True, True)
            with open_(follower, "wb", closefd=False) as f:
                assert f.isatty()
    finally:
        os.close(leader)
        os.close(follower)


def test_buffer_size_from_blksize(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x")
    with OURS_OPEN(path, "rb") as ours, _io.open(path, "rb") as theirs:
        assert ours.raw._blksize == theirs.raw._blksize == max(os.stat(path).st_blksize, 1)


def test_unclosed_file_warns_at_the_line_that_drops_it(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x")
    for mode in ("r", "rb"):
        for open_ in (_io.open, OURS_OPEN):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                f = open_(path, mode)
                expected = f"unclosed file {f!r}"
                del f
            assert [(w.category, str(w.message), w.filename) for w in caught] == [
                (ResourceWarning, expected, __file__)]  # fmt: skip


def test_pickling_refused(tmp_path: Path) -> None:
    with OURS_FILEIO(tmp_path / "f", "w") as f, _io.FileIO(tmp_path / "g", "w") as g:
        same(lambda: pickle.dumps(g), lambda: pickle.dumps(f))


def test_failed_wrapping_closes_the_raw_file(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x")
    before = set(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    with pytest.raises(LookupError):
        OURS_OPEN(path, encoding="no-such-codec")
    if before is not None:
        assert set(os.listdir("/proc/self/fd")) == before


ENCODING_WARNING_SCRIPT = """
import posix, warnings
from interpose.shims.io_open import build_io
warnings.simplefilter("always")
ours = build_io(posix).open
with warnings.catch_warnings(record=True) as caught:
    ours(__file__).close()
    open(__file__).close()
    ours(__file__, "rb").close()
    ours(__file__, encoding="utf-8").close()
print([(str(w.message), w.category.__name__, w.lineno) for w in caught])
"""


def test_encoding_warning_points_at_the_caller(tmp_path: Path) -> None:
    script = tmp_path / "script.py"
    script.write_text(ENCODING_WARNING_SCRIPT, encoding="utf-8")
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": root}
    result = subprocess.run([sys.executable, "-X", "warn_default_encoding", str(script)], capture_output=True,
                            text=True, env=env, check=True)  # fmt: skip
    message = "'encoding' argument not specified"
    assert result.stdout.strip() == repr([(message, "EncodingWarning", 7), (message, "EncodingWarning", 8)])


def test_closing_a_closed_fd_reports_ebadf(tmp_path: Path) -> None:
    f = OURS_FILEIO(tmp_path / "f", "w")
    os.close(f.fileno())
    with pytest.raises(OSError) as caught:
        f.close()
    assert caught.value.errno == errno.EBADF
    assert f.closed
