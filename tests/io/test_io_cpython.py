"""CPython's own FileIO and io.open tests, run against the FileIO and open built over the real `posix`.

`test.test_fileio` and `test.test_io` parametrise their test classes by the implementation under test (class
attributes `FileIO`, `open`, ...), so subclassing them with ours runs the same assertions CPython runs on `_io`.
None needs skipping: the only skip is CPython's own (a 32-bit-only test).
"""

from __future__ import annotations

import io
import unittest

from test import test_fileio, test_io  # type: ignore[import-not-found,unused-ignore]

from interpose.shims.io_open import IoFunctions

from .conftest import REAL, TWINNED


class TestAutoFile(test_fileio.AutoFileTests, unittest.TestCase):  # type: ignore[misc]
    FileIO = REAL.FileIO
    modulename = "_io"


class TestOtherFile(test_fileio.OtherFileTests, unittest.TestCase):  # type: ignore[misc]
    FileIO = REAL.FileIO
    modulename = "_io"


def _c_namespace(built: IoFunctions = REAL) -> dict[str, object]:
    """What test_io's load_tests puts on its C test classes, with our open and FileIO in place of _io's."""
    namespace: dict[str, object] = {name: getattr(io, name) for name in io.__all__}
    for mock in ("MockRawIO", "MisbehavedRawIO", "MockFileIO", "CloseFailureIO", "MockNonBlockWriterIO",
                 "MockUnseekableIO", "MockRawIOWithoutRead", "SlowFlushRawIO"):  # fmt: skip
        namespace[mock] = getattr(test_io, "C" + mock)
    namespace["open"] = staticmethod(built.open)  # a builtin function does not bind; ours must not either
    namespace["FileIO"] = built.FileIO
    namespace["is_C"] = True
    return namespace


class TestIO(test_io.CIOTest):  # type: ignore[misc]
    locals().update(_c_namespace())


class TestMiscIO(test_io.CMiscIOTest):  # type: ignore[misc]
    locals().update(_c_namespace())


class TestTextIOWrapper(test_io.CTextIOWrapperTest):  # type: ignore[misc]
    locals().update(_c_namespace())


class TestIOTwinned(test_io.CIOTest):  # type: ignore[misc]
    """The same, with the twin the java backend gives text files opened for reading."""

    locals().update(_c_namespace(TWINNED))


class TestMiscIOTwinned(test_io.CMiscIOTest):  # type: ignore[misc]
    locals().update(_c_namespace(TWINNED))
    test___all__ = None  # io's own names, checked once above (and changed since: OpenWrapper, once looked up, stays)


class TestTextIOWrapperTwinned(test_io.CTextIOWrapperTest):  # type: ignore[misc]
    locals().update(_c_namespace(TWINNED))
