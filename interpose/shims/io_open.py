"""`io.FileIO` and `io.open` rebuilt over any posix-style namespace.

The C `_io.FileIO` calls the operating system directly, so under the emulated backend it would see host file
descriptors.  `build_io` returns a raw file class written in Python whose every operation is a call to the given
namespace (the real `posix`, or a backend's shim `posix`), and an `open` that wraps it in CPython's own C buffered
and text classes, so everything above the raw layer keeps its C speed and behaviour.

Imports stay light: this module may be loaded while the interpreter starts.
"""

from __future__ import annotations

import sys
from _io import text_encoding
from _operator import index as _operator_index
from io import BufferedRandom, BufferedReader, BufferedWriter, FileIO, TextIOWrapper
from os import fspath

from interpose.shims.io_raw import arg_type_name, make_file_io

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any

__all__ = ["IoFunctions", "build_io"]

_index: Callable[[Any], int] = _operator_index
_INT_MAX = 2**31 - 1
_INT_MIN = -(2**31)
_WARN_DEFAULT_ENCODING = bool(getattr(sys.flags, "warn_default_encoding", 0))
_U_MODE = sys.version_info < (3, 11)  # 'U' (deprecated) was removed in 3.11
_MODE_CHARACTERS = "xrwa+tbU" if _U_MODE else "xrwa+tb"
_CLOSEFD_IS_TRUTH = sys.version_info >= (3, 12)  # 3.12's argument clinic takes any object's truth (3.11: an int)
_C_FILE_IO = FileIO  # the C class, whatever `io.FileIO` is later


class _NoTwin(Exception):  # noqa: N818 - not an error: how the opener tells that the file gets no twin
    pass


#: (spare, spare_closed): a hidden fd for a twin, and what to call once the twin closed it (or, with `close=True`,
#: to close one never given to a twin); see `_make_twin`.
Spares = tuple  # tuple[Callable[[], int], Callable[..., None]]


class IoFunctions:
    """What `build_io` returns: `FileIO` and `open` over one namespace (unpacks as a pair)."""

    __slots__ = ("FileIO", "open")

    def __init__(self, file_io: type, open: Callable[..., Any]) -> None:  # noqa: A002 - named like io.open
        self.FileIO = file_io
        self.open = open

    def __iter__(self) -> Iterator[Any]:
        return iter((self.FileIO, self.open))


def _as_c_int(value: object) -> int:
    """Convert like CPython's `i` argument format: __index__, then a C int range check."""
    if isinstance(value, float):
        raise TypeError("'float' object cannot be interpreted as an integer")
    number: int = _index(value)
    if not _INT_MIN <= number <= _INT_MAX:
        raise OverflowError("Python int too large to convert to C int")
    return number


def _c_string(arg: str, value: object, none_ok: bool = False) -> None:
    """Check a `str` argument of open() as argument clinic does (type, then no NUL inside)."""
    if value is None and none_ok:
        return
    if not isinstance(value, str):
        expected = "str or None" if none_ok else "str"
        raise TypeError(f"open() argument '{arg}' must be {expected}, not {arg_type_name(value)}")
    if "\0" in value:
        raise ValueError("embedded null character")


def _is_number(value: object) -> bool:
    """PyNumber_Check: an int, float or complex, or anything with __index__, __int__ or __float__."""
    kind = type(value)
    return isinstance(value, complex) or any(hasattr(kind, name) for name in ("__index__", "__int__", "__float__"))


def _parse_open_mode(mode: str) -> tuple[str, type | None, bool]:
    """Validate an `open()` mode: (mode for FileIO, buffered class, binary)."""
    seen = ""
    for char in mode:
        if char not in _MODE_CHARACTERS or char in seen:
            raise ValueError(f"invalid mode: '{mode}'")
        seen += char
    if "U" in seen:  # 3.10: universal newlines, which text reading has anyway
        if any(char in seen for char in "xwa+"):
            raise ValueError("mode U cannot be combined with 'x', 'w', 'a', or '+'")
        seen = seen.replace("U", "" if "r" in seen else "r")
    if "t" in seen and "b" in seen:
        raise ValueError("can't have text and binary mode at once")
    if sum(char in seen for char in "xrwa") > 1:
        raise ValueError("must have exactly one of create/read/write/append mode")
    raw_mode = "".join(char for char in "xrwa+" if char in seen)
    if "+" in seen:
        buffered: type | None = BufferedRandom
    elif "x" in seen or "w" in seen or "a" in seen:
        buffered = BufferedWriter
    else:
        buffered = BufferedReader if "r" in seen else None
    return raw_mode, buffered, "b" in seen


_open_modes: dict[str, tuple[str, type | None, bool]] = {}


def build_io(posix: Any, spares: Spares | None = None, twin_min_size: int = 8192) -> IoFunctions:
    """Build `FileIO` and `open` whose every operating-system call goes to `posix`'s functions.

    With `spares`, text files opened for reading get a twin (`_make_twin`), which makes `readline` as fast as
    over the C FileIO; the spare fds must be ones the program never sees.  A file smaller than `twin_min_size`
    (the text layer's chunk) gets none: a twin costs a few system calls, worth it from about a hundred lines on.
    """
    file_io = make_file_io(posix, spares[1] if spares else None)
    twinned = _make_twin(file_io, spares, twin_min_size) if spares else None
    return IoFunctions(file_io, _make_open(file_io, twinned))


def _make_open(file_io: type, twinned: Callable[..., Any] | None = None) -> Callable[..., Any]:
    """`io.open` over `file_io`, with CPython's argument checks, buffering policy and wrapping."""

    def open(  # noqa: A001 - it is io.open
        file: Any,
        mode: str = "r",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
        closefd: bool = True,
        opener: Callable[[str, int], int] | None = None,
    ) -> Any:
        spec = _open_modes.get(mode) if mode.__class__ is str else None
        if (
            spec is None
            or file.__class__ is not str
            or buffering.__class__ is not int
            or not _INT_MIN <= buffering <= _INT_MAX
            or closefd.__class__ is not bool
            or (encoding is not None and (encoding.__class__ is not str or "\0" in encoding))
            or (errors is not None and (errors.__class__ is not str or "\0" in errors))
            or (newline is not None and (newline.__class__ is not str or "\0" in newline))
        ):
            file, spec, buffering, closefd = _checked_open_args(
                file, mode, buffering, encoding, errors, newline, closefd
            )
        raw_mode, buffered, binary = spec
        if _U_MODE and "U" in mode:
            import warnings

            warnings.warn("'U' mode is deprecated", DeprecationWarning, stacklevel=2)
        if binary and (encoding is not None or errors is not None or newline is not None):
            _refuse_text_arguments(encoding, errors, newline)
        if binary and buffering == 1:
            import warnings

            warnings.warn(
                "line buffering (buffering=1) isn't supported in binary mode, the default buffer size will be used",
                RuntimeWarning,
                stacklevel=2,
            )
        if (
            twinned is not None
            and buffered is BufferedReader
            and not binary
            and opener is None
            and closefd
            and file.__class__ is str
            and (buffering < 0 or buffering > 1)
            and (encoding is not None or not _WARN_DEFAULT_ENCODING)
        ):
            raw, text = twinned(file, raw_mode, buffering, encoding, errors, newline)
            if text is not None:
                text.mode = mode
                return text
        else:
            raw = file_io(file, raw_mode, closefd, opener)
        result = raw
        try:
            line_buffering = False
            if buffering == 1 or (buffering < 0 and raw._maybe_tty and raw.isatty()):
                buffering = -1
                line_buffering = True
            if buffering < 0:
                buffering = raw._blksize
                if buffering < 0:
                    raise ValueError("invalid buffering size")
            if buffering == 0:
                if not binary:
                    raise ValueError("can't have unbuffered text I/O")
                return raw
            if buffered is None:
                raise ValueError(f"unknown mode: '{mode}'")
            result = buffered(raw, buffering)
            if binary:
                return result
            if encoding is None and _WARN_DEFAULT_ENCODING:
                encoding = text_encoding(None, 2)  # warns at our caller, as the C TextIOWrapper does for io.open's
            result = TextIOWrapper(result, encoding, errors, newline, line_buffering)
            result.mode = mode  # type: ignore[misc]
            return result
        except BaseException:
            result.close()
            raise

    return open


def _make_twin(file_io: Any, spares: Spares, min_size: int) -> Callable[..., tuple[Any, Any]]:
    """How `open` makes a text file for reading whose C TextIOWrapper checks `closed` at C speed.

    The C TextIOWrapper asks `buffer.closed`, and the buffer asks the raw file, before every `readline` and
    `__next__`: two attribute lookups and a Python-level property when the raw file is not the C `_io.FileIO`,
    most of the cost of a short line.  Over an exact C FileIO it reads the FileIO's fd instead, a choice made
    once, in `TextIOWrapper.__init__`, from `buffer.raw`.  So the wrapper is made over a buffer whose raw file is
    a twin, a C FileIO of a hidden fd of an empty file, and the buffer is then re-initialised over the real raw file,
    which is all that reads and answers from then on.  The twin's only job is to be closed when the raw file is
    (`FileIO._forget_fd`).  It is opened by path with an opener, so that the C class raises the one "open" audit
    event CPython's open() raises, and the opener opens the real file without raising it again.  Only regular
    files get one (the empty file, like them, is seekable, which the wrapper also learns from the twin), and only
    those of `min_size` bytes or more.
    Returns (raw file, text file); the text file is None when the file gets no twin (the caller goes on).
    """
    spare, spare_closed = spares

    def twinned(
        file: str, raw_mode: str, buffering: int, encoding: str | None, errors: str | None, newline: str | None
    ) -> tuple[Any, Any]:
        raw = file_io.__new__(file_io)  # made first, as C's: a cycle collecting them then finalizes (warns) it first
        numbers = []

        def opener(path: str, flags: int) -> int:
            raw._init(file, raw_mode, True, None, False)
            if not raw._regular or raw._size < min_size:
                raise _NoTwin
            numbers.append(spare())
            return numbers[0]

        try:
            twin = _C_FILE_IO(file, raw_mode, True, opener)
        except _NoTwin:
            return raw, None
        except BaseException:
            if numbers:  # the twin had the spare, and closed it on its way out
                spare_closed(numbers[0])
            if raw._fd >= 0:  # the opener opened it
                raw.close()
            raise
        raw._twin = [(twin, numbers[0])]
        try:
            size = raw._blksize if buffering < 0 else buffering
            buffer = BufferedReader(twin, size)
            text = TextIOWrapper(buffer, encoding, errors, newline, False)
            buffer.__init__(raw, size)  # type: ignore[misc]
        except BaseException:
            raw.close()
            raise
        return raw, text

    return twinned


def _checked_open_args(
    file: Any, mode: Any, buffering: Any, encoding: Any, errors: Any, newline: Any, closefd: Any
) -> tuple[Any, tuple[str, type | None, bool], int, bool]:
    """The slow path of `open`: every argument checked in the order and with the messages of C `io.open`."""
    _c_string("mode", mode)
    buffering = _as_c_int(buffering)
    _c_string("encoding", encoding, none_ok=True)
    _c_string("errors", errors, none_ok=True)
    _c_string("newline", newline, none_ok=True)
    closefd = bool(closefd) if _CLOSEFD_IS_TRUTH else bool(_as_c_int(closefd))
    if file.__class__ is not str and not _is_number(file):
        file = fspath(file)
    spec = _open_modes.get(mode)
    if spec is None:
        spec = _open_modes[mode] = _parse_open_mode(mode)
    return file, spec, buffering, closefd


def _refuse_text_arguments(encoding: str | None, errors: str | None, newline: str | None) -> None:
    for value, name in ((encoding, "an encoding"), (errors, "an errors"), (newline, "a newline")):
        if value is not None:
            raise ValueError(f"binary mode doesn't take {name} argument")
