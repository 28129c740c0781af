"""Find the application's frame: the call site an event is about.

The first frame outside interpose, its shims and the stdlib modules they re-host
(os.py runs again over the shim posix; subprocess, shutil, tempfile, ... call
into it on the program's behalf).  A user reading "os.fork at app.py:12" wants
line 12 of app.py, not line 1,140 of os.py.
"""

from __future__ import annotations

import sys

from interpose.host import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import FrameType

CallSite = tuple[str, int, str]

_OWN_PACKAGES = ("interpose",)

# Stdlib modules that only pass the program's request on to os/posix.
_REHOSTED_STDLIB = (
    "os.py", "posixpath.py", "genericpath.py", "subprocess.py", "shutil.py", "tempfile.py", "pathlib.py",
    "pathlib", "glob.py", "fnmatch.py", "io.py", "_pyio.py", "pty.py", "fileinput.py", "multiprocessing",
    "concurrent/futures/process.py", "asyncio/base_subprocess.py", "asyncio/unix_events.py",
    "asyncio/subprocess.py", "contextlib.py", "runpy.py", "<frozen os>", "<frozen posixpath>",
    "<frozen genericpath>", "<frozen runpy>", "<frozen importlib._bootstrap>",
    "<frozen importlib._bootstrap_external>",
)  # fmt: skip


def _skipped_prefixes() -> tuple[str, ...]:
    here = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
    own = tuple(os.path.join(here, package) + os.sep for package in _OWN_PACKAGES)
    stdlib = os.path.dirname(os.__file__) + os.sep
    rehosted = tuple(name if name.startswith("<") else stdlib + name for name in _REHOSTED_STDLIB)
    return own + rehosted


_PREFIXES = _skipped_prefixes()
_skip_cache: dict[str, bool] = {}


def _skipped(filename: str) -> bool:
    skip = _skip_cache.get(filename)
    if skip is None:
        skip = _skip_cache[filename] = filename.startswith(_PREFIXES)
    return skip


def application_frame(start: FrameType | None) -> FrameType | None:
    """Walk outwards from `start` to the first frame that belongs to the application."""
    frame = start
    while frame is not None and _skipped(frame.f_code.co_filename):
        frame = frame.f_back
    return frame


def find_callsite() -> CallSite | None:
    """(file, line, function) of the application frame that led to this call."""
    frame = application_frame(sys._getframe(1))
    if frame is None:
        return None
    return (frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name)
