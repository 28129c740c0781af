"""The name of the thread writing an event, without importing or changing `threading`.

`threading.current_thread()` would do, but in a thread that `threading` did not
start it registers a `_DummyThread`, which the program would then see in
`threading.enumerate()`; and importing `threading` in a program that did not is
a trace of its own.  So: the name `threading` knows, if the program loaded it and
it knows this thread; otherwise `MainThread` for the main thread, as `threading`
would say, and `Thread-<ident>` for any other.
"""

from __future__ import annotations

import _thread
import sys

# 3.13 asks the interpreter; before, the thread that imported this module (activation runs in the main thread).
_get_main_ident = getattr(_thread, "_get_main_thread_ident", None)
_MAIN_IDENT: int = _get_main_ident() if _get_main_ident is not None else _thread.get_ident()


def thread_name() -> str:
    ident = _thread.get_ident()
    threading = sys.modules.get("threading")
    if threading is not None:
        known = getattr(threading, "_active", {}).get(ident)
        name = getattr(known, "name", None)
        if isinstance(name, str):
            return name
    return "MainThread" if ident == _MAIN_IDENT else f"Thread-{ident}"
