"""Shared pieces of the io tests: the functions built over the real `posix`, and a scratch working directory."""

from __future__ import annotations

import posix
from collections.abc import Iterator
from pathlib import Path

import pytest

from interpose.backends.emulated.fileops import SPARES
from interpose.shims.io_open import build_io

REAL = build_io(posix)
#: Text files opened for reading get a C FileIO twin (io_open._make_twin), as under the java backend (where only
#: files of a chunk or more get one: here every regular file does, so that CPython's tests, on small files, meet it).
TWINNED = build_io(posix, SPARES, twin_min_size=0)


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """CPython's tests write `TESTFN` relative to the working directory: keep it in a scratch directory."""
    monkeypatch.chdir(tmp_path)
    yield
