"""Compatibility events: Java levels, renderers, sinks, de-duplication, forwarding.

`make_recorder` is the one entry point: it picks the sink (a JSON-lines file, or
human lines on stderr when no file is given, as GraalPy does without
`--log.file`) and returns the `Recorder` that counts and writes events.
Writing an event imports no module (docs/events.md, "No trace in the program").
"""

from __future__ import annotations

from interpose.events.levels import parse_level
from interpose.events.recorder import Recorder
from interpose.events.sink import AppendOnlyFile, StandardError

__all__ = [
    "ACTIVATION_MODULES",
    "EMULATED_BACKEND_MODULES",
    "EVENT_MODULES",
    "Recorder",
    "make_recorder",
    "parse_level",
]


TEST_VARIABLE = "INTERPOSE_TEST"
FORWARD_VARIABLE = "INTERPOSE_LOG_FORWARD"

#: Modules that writing an event may add to `sys.modules`: none (tests/test_invisibility.py).
EVENT_MODULES: frozenset[str] = frozenset()

#: Modules outside `interpose.*` that an activation may add to what the program would load by itself: the C
#: module `atexit` (totals written at exit) and `__future__` (interpose's modules use its annotations).  The
#: command line (`python -m interpose`) also loads what `python -m` itself loads (`runpy` and its imports).
ACTIVATION_MODULES: frozenset[str] = frozenset({"atexit", "__future__"})

#: What the emulated (java) backend loads on top today, to be brought down to nothing: its process, descriptor table
#: and child-process support are built at activation with these (`_operator`, `_posixsubprocess` and `errno` are
#: C modules).
EMULATED_BACKEND_MODULES: frozenset[str] = frozenset({"_operator", "_posixsubprocess", "errno", "types", "warnings"})


def make_recorder(level: str | int = "INFO", log_file: str | None = None) -> Recorder:
    """Build the recorder for one activation.

    A process started while a test runs finds the test's id in INTERPOSE_TEST
    and writes it into its events, so that a child's limitations are the test's.
    INTERPOSE_LOG_FORWARD hands events to the program's structlog or logging too.
    """
    from interpose.host import os

    threshold = parse_level(level)
    forward = None
    if os.environ.get(FORWARD_VARIABLE):  # loaded only when asked for
        from interpose.events.forward import Forwarder, parse_target

        forward = Forwarder(parse_target(os.environ[FORWARD_VARIABLE]))
    recorder = (
        Recorder(threshold, AppendOnlyFile(log_file), forward=forward)
        if log_file
        else Recorder(threshold, StandardError(), human=True, forward=forward)
    )
    if os.environ.get(TEST_VARIABLE):
        recorder.context["test"] = os.environ[TEST_VARIABLE]
    return recorder
