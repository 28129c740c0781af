"""Run a program the way `python` itself would.

Each `prepare_*` reads what it needs from the host before activation (the
script's source, its real directory) and returns the function that runs the
program after activation.

`sys.argv`, `sys.path[0]` and `__main__` are set up as the interpreter sets them
for `python script.py`, `python -m module` and `python -c code`; an uncaught
exception prints its traceback (without interpose's own frames) through
`sys.excepthook` and exits 1; SystemExit and KeyboardInterrupt propagate, so the
exit status and the death by signal are the interpreter's own.

No `from __future__ import annotations` here: `-c` code is run by `exec` of its text from this module, and
`exec` gives the code it compiles the future features of the frame that calls it (annotations are quoted
instead).  `exec` of a string, unlike `compile`, does not create the ~120 classes of the `ast` module, which
plain `python -c` never does either (about 2.5 ms of start-up CPU time, at creation and at exit).
"""

import builtins
import io
import sys
from types import ModuleType

from interpose.host import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import CodeType, TracebackType

    Run = Callable[[], int]

_HERE = os.path.dirname(os.path.abspath(__file__)) + os.sep


class CannotOpen(Exception):
    """The script could not be read; the interpreter exits 2 in this case."""


def prepare_script(path: str, args: list[str]) -> "Run":
    if os.path.isdir(path) or _is_zip(path):
        return lambda: _guarded([path, *args], os.path.abspath(path), _run_main_package)
    try:
        with io.open_code(path) as source_file:
            source = source_file.read()
    except OSError as error:
        raise CannotOpen(f"can't open file {os.path.abspath(path)!r}: [Errno {error.errno}] {error.strerror}") from None
    absolute = os.path.abspath(path)  # as the interpreter gives __file__ and code objects since 3.9
    code = compile(source, absolute, "exec", dont_inherit=True)
    from _frozen_importlib_external import SourceFileLoader  # importlib.machinery's, without importing importlib

    loader = SourceFileLoader("__main__", absolute)
    directory = os.path.dirname(os.path.realpath(path))
    return lambda: _guarded([path, *args], directory, lambda: _exec_main(code, absolute, loader))


def prepare_module(name: str, args: list[str]) -> "Run":
    import runpy

    return lambda: _guarded([name, *args], None, lambda: runpy._run_module_as_main(name))  # type: ignore[attr-defined]


def prepare_code(text: str, args: list[str]) -> "Run":
    return lambda: _guarded(["-c", *args], "", lambda: _exec_main(text, None, None))


def prepare_stdin(args: list[str]) -> "Run":
    code = compile(sys.stdin.read(), "<stdin>", "exec", dont_inherit=True)
    return lambda: _guarded(["-", *args], "", lambda: _exec_main(code, "<stdin>", None))


def _exec_main(code: "CodeType | str", path: "str | None", loader: object) -> None:
    main = ModuleType("__main__")
    main.__dict__.update({"__builtins__": builtins, "__loader__": loader, "__spec__": None})  # the module, as in python
    if path is not None:
        main.__dict__["__file__"] = path
        main.__dict__["__cached__"] = None
    sys.modules["__main__"] = main
    exec(code, main.__dict__)


def _run_main_package() -> None:
    import runpy

    runpy._run_module_as_main("__main__", alter_argv=False)  # type: ignore[attr-defined]


def _set_path0(entry: str) -> None:
    if getattr(sys.flags, "safe_path", False):
        return
    if sys.path:
        sys.path[0] = entry
    else:
        sys.path.insert(0, entry)


def _is_zip(path: str) -> bool:
    try:
        with io.open_code(path) as candidate:
            return candidate.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _guarded(argv: list[str], path0: "str | None", run: "Callable[[], object]") -> int:
    """Run with `argv` and `sys.path[0]` set; report an uncaught exception as the interpreter does."""
    sys.argv = argv
    if path0 is not None:
        _set_path0(path0)
    try:
        run()
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as error:  # noqa: BLE001 - everything else is the program's uncaught exception
        report_uncaught(error)
        return 1
    return 0


def report_uncaught(error: BaseException) -> None:
    """Print an exception through sys.excepthook as the interpreter does, without interpose's frames."""
    traceback = _without_own_frames(error.__traceback__)
    error.__traceback__ = traceback  # the default hook prints the exception's own traceback
    sys.excepthook(type(error), error, traceback)


def _without_own_frames(tb: "TracebackType | None") -> "TracebackType | None":
    while tb is not None and tb.tb_frame.f_code.co_filename.startswith(_HERE):
        tb = tb.tb_next
    return tb
