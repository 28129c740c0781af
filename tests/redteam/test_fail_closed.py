"""Fail closed (issue 9 route 5): a sandbox that cannot be given never becomes a run without one."""

from __future__ import annotations

import pytest

import interpose
from interpose.fs.memory import MemoryFileSystem


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"backend": "java", "fs": "bogus"}, "--fs 'bogus': unknown filesystem"),
        ({"backend": "java", "fs": "rooted:relative"}, "the directory must be an absolute path"),
        ({"backend": "native", "fs": "memory"}, "the filesystem 'memory' needs the java backend"),
        ({"backend": "native", "fs": MemoryFileSystem()}, "the filesystem 'MemoryFileSystem' needs the java backend"),
    ],
)
def test_the_api_refuses_a_filesystem_it_cannot_give_with_valueerror(settings: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        interpose.activate(**settings)  # type: ignore[arg-type]
    assert not interpose.is_active()
