"""Find the frames an event is about: the program's own line, and the frame that made the access.

A user reading "os.fork at app.py:12" wants line 12 of app.py, not line 1,140 of
os.py nor line 897 of random.py.  Two frames matter:

- the *inner* frame: the first frame outside interpose, the one that actually made
  the attribute access or the call (it may be in the stdlib or a dependency);
- the *program* frame, the call site: the first frame, from the inner one outwards,
  of the program's own code: not interpose, not the standard library, not
  site-packages or dist-packages, not a frozen module.  CPython's own test suite is
  a program too: the stdlib's `test/` package counts as the program's code.

When they differ, the event names the program frame as `callsite` and the inner one
as `via` (docs/events.md).  Without any program frame (an import interpose makes
itself), the inner frame is the call site.
"""

from __future__ import annotations

from interpose.host import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import FrameType

CallSite = tuple[str, int, str]

_OWN_PACKAGES = ("interpose",)
# The os.py interpose runs again, and the import system when it asks interpose's finder: the frame that made the
# access is then the one running the `import` statement.
_OWN_FROZEN = ("<frozen os>", "<frozen importlib._bootstrap>", "<frozen importlib._bootstrap_external>")
_INSTALLED = ("/site-packages/", "/dist-packages/")


def _prefixes() -> tuple[tuple[str, ...], str, str]:
    here = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
    own = tuple(os.path.join(here, package) + os.sep for package in _OWN_PACKAGES)
    stdlib = os.path.dirname(os.__file__) + os.sep
    return own, stdlib, stdlib + "test" + os.sep


_OWN, _STDLIB, _STDLIB_TESTS = _prefixes()
_own_cache: dict[str, bool] = {}
_program_cache: dict[str, bool] = {}


def is_own(filename: str) -> bool:
    """Whether the file is interpose's (its shims, the os.py it runs again and the import system included)."""
    own = _own_cache.get(filename)
    if own is None:
        own = _own_cache[filename] = filename.startswith(_OWN) or filename in _OWN_FROZEN
    return own


def is_program(filename: str) -> bool:
    """Whether the file is the program's own code (see the module docstring)."""
    program = _program_cache.get(filename)
    if program is None:
        if filename.startswith("<"):
            program = not filename.startswith("<frozen ")
        elif any(part in filename for part in _INSTALLED) or filename.startswith(_OWN):
            program = False
        else:
            program = not filename.startswith(_STDLIB) or filename.startswith(_STDLIB_TESTS)
        _program_cache[filename] = program
    return program


def inner_frame(start: FrameType | None) -> FrameType | None:
    """Walk outwards from `start` to the first frame that is not interpose's."""
    frame = start
    while frame is not None and is_own(frame.f_code.co_filename):
        frame = frame.f_back
    return frame


def program_frame(inner: FrameType | None) -> FrameType | None:
    """The first frame of the program's own code from `inner` outwards, or None."""
    frame = inner
    while frame is not None and not is_program(frame.f_code.co_filename):
        frame = frame.f_back
    return frame


def site(frame: FrameType | None) -> CallSite | None:
    """(file, line, function) of a frame."""
    if frame is None:
        return None
    return (frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name)
