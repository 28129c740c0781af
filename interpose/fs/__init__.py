"""FileSystem providers for the emulated backend: host, memory, readonly, rooted, deny, overlay, user's own.

Choose one with ``parse_spec`` (the ``--fs SPEC`` strings); write one by subclassing ``FileSystem``.
"""

from interpose.fs.base import FileHandle, FileSystem
from interpose.fs.spec import parse_spec

__all__ = ["FileHandle", "FileSystem", "parse_spec"]
