"""Opt-in: hand events to the program's own structlog or logging configuration as well.

`INTERPOSE_LOG_FORWARD=structlog` or `=logging` (docs/events.md).  interpose
never imports either for this: an event is forwarded only once the program has
imported the library itself (and finished importing it), so its cost stays the
program's own choice, and the program's configuration (processors, handlers,
levels) decides where it goes.
Each event goes to the logger named `interpose.compatibility` at the Python
level of its Java level (CONFIG and below are DEBUG); the fields of the JSON
line are its key-value pairs (structlog, with the Java level as `java_level`, as
`level` is structlog's own) or the `interpose` attribute of the record
(logging).  An event hit inside the program's own handler is counted but not
forwarded again.
"""

from __future__ import annotations

import _thread
import sys

from interpose.events import FORWARD_VARIABLE as VARIABLE

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

TARGETS = ("structlog", "logging")
LOGGER_NAME = "interpose.compatibility"

_STRUCTLOG_METHODS = {40: "error", 30: "warning", 20: "info"}  # everything below INFO is debug
_LOGGING_LEVELS = {40: 40, 30: 30, 20: 20}  # likewise: CONFIG, FINE, FINER, FINEST -> DEBUG (10)


def parse_target(text: str) -> str:
    """The forward target named by INTERPOSE_LOG_FORWARD."""
    target = text.strip().lower()
    if target not in TARGETS:
        raise ValueError(f"unknown {VARIABLE} {text!r}; expected structlog or logging")
    return target


class Forwarder:
    """Hands each written event to the program's structlog or logging, once it has imported it."""

    def __init__(self, target: str) -> None:
        self.target = target
        self._busy: set[int] = set()  # threads inside the program's handler right now

    def forward(self, event: dict[str, Any], number: int) -> bool:
        """Forward one event of Java level `number`; False when the program has not imported the library."""
        library = sys.modules.get(self.target)
        if library is None or getattr(getattr(library, "__spec__", None), "_initializing", False):
            return False  # not imported, or still being imported (its own imports may hit limitations)
        thread = _thread.get_ident()
        if thread in self._busy:  # a limitation hit by the program's own handler: no loop
            return True
        self._busy.add(thread)
        try:
            if self.target == "structlog":
                _to_structlog(library, event, number)
            else:
                _to_logging(library, event, number)
        finally:
            self._busy.discard(thread)
        return True


def _to_structlog(structlog: Any, event: dict[str, Any], number: int) -> None:
    fields = {key: value for key, value in event.items() if key not in ("message", "level")}
    fields["java_level"] = event["level"]  # `level` is structlog's own (add_log_level writes the method name)
    method = _STRUCTLOG_METHODS.get(number, "debug")
    getattr(structlog.get_logger(LOGGER_NAME), method)(event["message"], **fields)


def _to_logging(logging: Any, event: dict[str, Any], number: int) -> None:
    logger = logging.getLogger(LOGGER_NAME)
    level = _LOGGING_LEVELS.get(number, 10)
    if logger.isEnabledFor(level):
        logger.log(level, "%s: %s", event["limitation"], event["message"], extra={"interpose": event})
