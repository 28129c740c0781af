"""Each emulated backend is its own process: backends side by side, and a provider object given to activate()."""

from __future__ import annotations

import os

import pytest

import interpose
from interpose.fs.memory import MemoryFileSystem
from tests.emulated.emu import Emulated


def test_two_backends_see_only_their_own_files() -> None:
    first_fs, second_fs = MemoryFileSystem(), MemoryFileSystem()
    first, second = Emulated(first_fs), Emulated(second_fs)
    try:
        fd = first.call("open", "/mine", os.O_CREAT | os.O_WRONLY)
        first.call("write", fd, b"first")  # made before the second backend does anything
        second.call("mkdir", "/theirs")
        second.call("chdir", "/theirs")
        first.call("close", fd)
        assert first.call("listdir", "/") == ["mine"]
        assert second.call("listdir", "/") == ["theirs"]
        assert first.call("getcwd") == "/"
        assert second.call("getcwd") == "/theirs"
        with pytest.raises(FileNotFoundError):
            second.call("stat", "/mine")
        assert [entry.name for entry in first.call("scandir", "/")] == ["mine"]
        assert first_fs.listdir("/") == ["mine"] and second_fs.listdir("/") == ["theirs"]
    finally:
        first.close()
        second.close()


def test_a_provider_object_is_what_os_sees() -> None:
    provider = MemoryFileSystem()
    provider.mkdir("/given")
    with interpose.activated(backend="java", fs=provider, log_level="OFF"):
        import os as shim_os

        assert shim_os.listdir("/") == ["given"]
        with open("/given/written", "w") as f:
            f.write("kept")
    assert provider.listdir("/given") == ["written"]  # the object holds what the program wrote
    assert not interpose.is_active()


@pytest.mark.parametrize(("fs", "error"), [(42, TypeError), (MemoryFileSystem, TypeError), ("no-such", ValueError)])
def test_anything_else_is_refused_before_activation(fs: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="fs|filesystem"):
        interpose.activate(backend="java", fs=fs, log_level="OFF")  # type: ignore[arg-type]
    assert not interpose.is_active()
