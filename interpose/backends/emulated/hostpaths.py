"""Where, on the host, a provider path is, when it is anywhere.

Child processes, `exec` and special files need a real path: the host provider's
paths are real; a rooted provider's are below its root; an overlay's are real
only while nothing above has changed them; memory and deny have none.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from interpose.fs.base import FileSystem


def host_path(fs: FileSystem, path: str) -> str | None:
    """The real path of `path` in `fs`, or None when the file exists only in the emulated filesystem."""
    from interpose.fs.host import HostFileSystem
    from interpose.fs.readonly import ReadOnlyFileSystem
    from interpose.fs.rooted import RootedFileSystem

    while isinstance(fs, ReadOnlyFileSystem):
        fs = fs.inner
    if isinstance(fs, HostFileSystem):
        return path
    if isinstance(fs, RootedFileSystem):
        try:
            return fs._host(path)
        except OSError:
            return None
    return None
