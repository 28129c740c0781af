"""Logging of compatibility events: Java levels, renderers, sinks, de-duplication.

`make_recorder` is the one entry point: it picks the sink (a JSON-lines file, or
human lines on stderr when no file is given, as GraalPy does without
`--log.file`) and returns the `Recorder` that counts and writes events.
"""

from __future__ import annotations

from interpose.events.levels import parse_level
from interpose.events.recorder import Recorder
from interpose.events.sink import AppendOnlyFile, StandardError

__all__ = ["Recorder", "make_recorder", "parse_level"]


TEST_VARIABLE = "INTERPOSE_TEST"


def make_recorder(level: str | int = "INFO", log_file: str | None = None) -> Recorder:
    """Build the recorder for one activation.

    A process started while a test runs finds the test's id in INTERPOSE_TEST
    and writes it into its events, so that a child's limitations are the test's.
    """
    from interpose.host import os

    threshold = parse_level(level)
    recorder = (
        Recorder(threshold, AppendOnlyFile(log_file)) if log_file else Recorder(threshold, StandardError(), human=True)
    )
    if os.environ.get(TEST_VARIABLE):
        recorder.context["test"] = os.environ[TEST_VARIABLE]
    return recorder
