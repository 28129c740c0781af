"""CPython's argument conversion for posix functions, for the emulated backend.

Paths may be str, bytes or os.PathLike (and an int fd where the function
supports one); bytes in means bytes out; an embedded NUL is a ValueError; a
wrong type is a TypeError worded as CPython words it.  Providers get str paths
(bytes decoded with the filesystem encoding and surrogateescape).
"""

from __future__ import annotations

import sys
import warnings

from interpose.host import os

_fsdecode = os.fsdecode
_NUL_NAMED = sys.version_info >= (3, 13)  # 3.13 names the function for a str path too, as for bytes


class PathArg:
    """A converted path argument: the provider text, the caller's object, and whether results are bytes."""

    __slots__ = ("text", "original", "is_bytes", "fd")

    def __init__(self, text: str, original: object, is_bytes: bool, fd: int | None = None) -> None:
        self.text = text
        self.original = original
        self.is_bytes = is_bytes
        self.fd = fd


def _kinds(allow_fd: bool, allow_none: bool) -> str:
    if allow_fd and allow_none:
        return "string, bytes, os.PathLike, integer or None"
    if allow_fd:
        return "string, bytes, os.PathLike or integer"
    if allow_none:
        return "string, bytes, os.PathLike or None"
    return "string, bytes or os.PathLike"


def path_arg(
    function: str, value: object, argname: str = "path", *, allow_fd: bool = False, allow_none: bool = False
) -> PathArg:
    """Convert one path argument as CPython's path_converter does."""
    kind = type(value)
    if kind is str:
        if "\x00" in value:  # type: ignore[operator]
            raise ValueError(f"{function}: embedded null character in {argname}" if _NUL_NAMED
                             else "embedded null byte")  # fmt: skip
        return PathArg(value, value, False)  # type: ignore[arg-type]
    if kind is bytes:
        if b"\x00" in value:  # type: ignore[operator]
            raise ValueError(f"{function}: embedded null character in {argname}")
        return PathArg(_fsdecode(value), value, True)  # type: ignore[arg-type]
    if value is None and allow_none:
        return PathArg(".", None, False)
    if allow_fd and isinstance(value, int) and not isinstance(value, bool):
        return PathArg("", value, False, fd=value)
    if allow_fd and isinstance(value, bool):
        warnings.warn("bool is used as a file descriptor", RuntimeWarning, stacklevel=3)
        return PathArg("", value, False, fd=int(value))
    fspath = getattr(kind, "__fspath__", None)
    if fspath is not None and not isinstance(value, (str, bytes)):
        result = fspath(value)
        if type(result) not in (str, bytes) and not isinstance(result, (str, bytes)):
            returned = type(result).__name__
            raise TypeError(f"expected {kind.__name__}.__fspath__() to return str or bytes, not {returned}")
        converted = path_arg(function, result, argname)
        converted.original = value
        return converted
    if isinstance(value, (str, bytes)):  # subclasses: converted, but errors name the caller's own object
        converted = path_arg(function, str(value) if isinstance(value, str) else bytes(value), argname)
        converted.original = value
        return converted
    if isinstance(value, (bytearray, memoryview)):
        warnings.warn(
            f"{function}: {argname} should be {_kinds(allow_fd, allow_none)}, not {kind.__name__}",
            DeprecationWarning,
            stacklevel=3,
        )
        converted = path_arg(function, bytes(value), argname)
        converted.original = value
        return converted
    raise TypeError(f"{function}: {argname} should be {_kinds(allow_fd, allow_none)}, not {kind.__name__}")


_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


def dir_fd_arg(value: object) -> int | None:
    """A dir_fd argument: None, or an int-like in the C int range (CPython's dir_fd_converter)."""
    if value is None:
        return None
    if isinstance(value, int):
        number = int(value)
    else:
        index = getattr(type(value), "__index__", None)
        if index is None:
            raise TypeError(f"argument should be integer or None, not {type(value).__name__}")
        number = int(index(value))
    if number > _INT_MAX:
        raise OverflowError("fd is greater than maximum")
    if number < _INT_MIN:
        raise OverflowError("fd is less than minimum")
    return number


def fd_arg(value: object) -> int:
    """An fd argument: any int-like that fits a C int, as CPython's `fildes` conversion."""
    if type(value) is int:
        number = value
    elif isinstance(value, float):
        raise TypeError("'float' object cannot be interpreted as an integer")
    else:
        index = getattr(type(value), "__index__", None)
        if index is None:
            raise TypeError(f"'{type(value).__name__}' object cannot be interpreted as an integer")
        number = int(index(value))
    if not _INT_MIN <= number <= _INT_MAX:
        raise OverflowError("Python int too large to convert to C int")
    return number


def result_name(name: str, is_bytes: bool) -> str | bytes:
    """A name or path handed back: bytes when the caller gave bytes."""
    return os.fsencode(name) if is_bytes else name


def _index(value: object) -> int:
    """PyNumber_Index: an int, or an object with __index__; CPython's TypeError otherwise."""
    if type(value) is int:
        return value
    index = getattr(type(value), "__index__", None)
    if index is None:
        raise TypeError(f"'{type(value).__name__}' object cannot be interpreted as an integer")
    return int(index(value))


def _ranged(value: object, bits: int, c_name: str) -> int:
    number = _index(value)
    if not -(2 ** (bits - 1)) <= number < 2 ** (bits - 1):
        raise OverflowError(f"Python int too large to convert to C {c_name}")
    return number


def c_int(value: object) -> int:
    """An `int` argument (mode, flags, whence, a mask): CPython's conversion to a C int."""
    return _ranged(value, 32, "int")


def c_long(value: object) -> int:
    """An `off_t` argument (offsets, lengths of files): a C long on Linux."""
    return _ranged(value, 64, "long")


def c_ssize(value: object) -> int:
    """A `Py_ssize_t` argument (byte counts)."""
    return _ranged(value, 64, "ssize_t")


def id_arg(value: object, name: str) -> int:
    """A uid or gid (CPython's _Py_Uid_Converter): -1, or what fits uid_t; its own messages."""
    index = getattr(type(value), "__index__", None)
    if isinstance(value, float) or index is None:
        raise TypeError(f"{name} should be integer, not {type(value).__name__}")
    number = int(index(value))
    if number == -1 or 0 <= number < 2**32:
        return number
    if number >= 2**63:
        raise OverflowError(f"{name} is greater than maximum")
    raise OverflowError(f"{name} is less than minimum")
