"""The C FileIO twin of a text file opened for reading (io_open._make_twin), against the builtin open.

The twin only makes the C TextIOWrapper's closed check fast: whatever the route a file is opened, closed,
refused or dropped by, the program must see what the builtin open shows it (the same errors, audit events
and warnings), and the hidden fd the twin held must be given back.
"""

from __future__ import annotations

import gc
import io
import os
import posix
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from interpose.backends.emulated import fdtable
from interpose.backends.emulated.fileops import SPARES
from interpose.shims.io_open import build_io

from .conftest import REAL, TWINNED

LINES = [f"line {n}\n" for n in range(3000)]


@pytest.fixture
def text(tmp_path: Path) -> str:
    path = tmp_path / "lines.txt"
    path.write_text("".join(LINES), encoding="utf-8")
    return str(path)


def _real_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture
def nothing_left() -> Iterator[None]:
    """Every real fd a test's files took, the twins' spares included, is closed and no longer hidden after it."""
    fdtable.spare_closed(fdtable.spare(), close=True)  # the spares' source is made once per process
    gc.collect()
    before, hidden = _real_fds(), _hidden_in_use()
    yield
    gc.collect()
    assert (_real_fds(), _hidden_in_use()) == (before, hidden)


def _hidden_in_use() -> frozenset[int]:
    """The hidden numbers, but those kept (closed) for the next spares."""
    return fdtable.hidden() - set(fdtable._spares_free)


def _twin_of(file: Any) -> object:
    twin = file.buffer.raw._twin
    return twin[0][0] if twin else None


def test_a_text_file_opened_for_reading_has_a_twin_that_closes_with_it(text: str, nothing_left: None) -> None:
    with TWINNED.open(text, encoding="utf-8") as f:
        twin = _twin_of(f)
        assert type(twin) is io.FileIO and not twin.closed  # type: ignore[attr-defined]
        assert type(f.buffer.raw) is TWINNED.FileIO  # what the program sees is ours, not the twin
        assert [f.readline(), f.readline()] == LINES[:2]
        assert f.tell() == len("".join(LINES[:2]))
        assert list(f) == LINES[2:]
    assert twin.closed  # type: ignore[attr-defined]


def test_a_file_of_one_chunk_or_less_has_none(tmp_path: Path, nothing_left: None) -> None:
    """A twin costs a few system calls: not worth it below about a hundred lines."""
    small = tmp_path / "small.txt"
    small.write_text("".join(LINES[:100]), encoding="utf-8")
    with build_io(posix, SPARES).open(small, encoding="utf-8") as f:
        assert _twin_of(f) is None
        assert list(f) == LINES[:100]


CLOSINGS: dict[str, Callable[[Any], object]] = {
    "close()": lambda f: f.close(),
    "buffer.close()": lambda f: f.buffer.close(),
    "buffer.raw.close()": lambda f: f.buffer.raw.close(),
    "os.close(fileno()) then close()": lambda f: (os.close(f.fileno()), f.buffer.raw.close()),
}


def _after(open_: Callable[..., Any], path: str, closing: Callable[[Any], object]) -> list[object]:
    """What a program sees of a text file after `closing` it, read first up to its decoded chunk's middle."""
    f = open_(path, encoding="utf-8")
    seen: list[object] = [f.readline()]
    try:
        closing(f)
    except OSError as error:
        seen.append(repr(error))
    seen.append(f.closed)
    for action in (f.readline, f.__next__, f.read, f.tell):
        try:
            seen.append(action())
        except (ValueError, OSError) as error:
            seen.append(repr(error))
    return seen


@pytest.mark.parametrize("closing", CLOSINGS)
def test_every_way_of_closing_shows_what_the_builtin_shows(text: str, closing: str, nothing_left: None) -> None:
    assert _after(TWINNED.open, text, CLOSINGS[closing]) == _after(io.open, text, CLOSINGS[closing])


def _outcome(open_: Callable[..., Any], *args: Any, **kwargs: Any) -> str:
    try:
        with open_(*args, **kwargs) as f:
            return repr(f.read())
    except (OSError, ValueError, LookupError) as error:
        return f"{type(error).__name__}: {error}"


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("missing.txt",), {"encoding": "utf-8"}),
        (("lines.txt\0",), {"encoding": "utf-8"}),
        ((".",), {"encoding": "utf-8"}),
        ((os.devnull,), {"encoding": "utf-8"}),  # not a regular file: no twin
        (("lines.txt",), {"encoding": "no-such-codec"}),
        (("lines.txt",), {"encoding": "utf-8", "closefd": False}),
        (("lines.txt",), {"encoding": "utf-8", "buffering": 0}),
        (("lines.txt",), {"encoding": "utf-8", "buffering": 1}),
        (("lines.txt",), {"encoding": "utf-8", "buffering": 5}),
        (("lines.txt",), {"encoding": "utf-8", "newline": ""}),
        (("lines.txt",), {"encoding": "ascii", "errors": "strict"}),
    ],
)
def test_refusals_and_arguments_as_the_builtin(
    text: str, args: tuple[Any, ...], kwargs: dict[str, Any], nothing_left: None
) -> None:
    os.chdir(os.path.dirname(text))
    assert _outcome(TWINNED.open, *args, **kwargs) == _outcome(io.open, *args, **kwargs)


def test_the_twin_raises_no_audit_event_of_its_own(text: str, nothing_left: None) -> None:
    """The twin raises CPython's "open" event, the raw file it opens none of its own: the events are those of
    the raw file without a twin (the builtin's, then real posix.open's)."""
    events: list[tuple[object, ...]] = []
    listening = [True]

    def hook(event: str, args: tuple[object, ...]) -> None:
        if listening[0] and event == "open" and args[0] == text:
            events.append(args)

    sys.addaudithook(hook)
    try:
        for open_ in (REAL.open, TWINNED.open):
            events.clear()
            with open_(text, encoding="utf-8") as f:
                f.readline()
            if open_ is REAL.open:
                expected = list(events)
        assert events == expected
        assert events[0] == (text, "r", os.O_RDONLY | os.O_CLOEXEC)  # what io.open raises
    finally:
        listening[0] = False


def _dropped_warnings(open_: Callable[..., Any], path: str, cycle: bool) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        f = open_(path, encoding="utf-8")
        f.readline()
        if cycle:
            holder: list[object] = [f]
            holder.append(holder)
            del holder
        del f
        gc.collect()
    return [f"{w.category.__name__}: {w.message}" for w in caught]


@pytest.mark.parametrize("cycle", [False, True], ids=["dropped", "dropped-in-a-cycle"])
def test_a_dropped_file_warns_as_the_builtin(text: str, cycle: bool, nothing_left: None) -> None:
    assert _dropped_warnings(TWINNED.open, text, cycle) == _dropped_warnings(io.open, text, cycle)
