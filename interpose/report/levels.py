"""Java level names as events carry them, mapped onto Python `logging` numbers.

The report reads files that may come from another machine or version, so it
keeps its own copy of the table from docs/events.md rather than importing the
writer's (which would also pull the recorder in at start-up).
"""

from __future__ import annotations

#: Levels an event line may carry, most severe first, with their `logging` numbers.
EVENT_LEVELS: dict[str, int] = dict(
    (("SEVERE", 40), ("WARNING", 30), ("INFO", 20), ("CONFIG", 15), ("FINE", 10), ("FINER", 7), ("FINEST", 5))
)
#: Thresholds also accept OFF and ALL, as GraalPy's `--log...level` does.
THRESHOLDS: dict[str, int] = {**EVENT_LEVELS, "OFF": 1000, "ALL": 0}


def parse_threshold(text: str) -> int:
    """The number of a level given by name in any case; ValueError names the choices."""
    number = THRESHOLDS.get(text.strip().upper())
    if number is None:
        raise ValueError(f"unknown level {text!r}; expected one of {', '.join(THRESHOLDS)}")
    return number


def level_number(name: str) -> int:
    """The number of a level name read from a file (already validated, upper case)."""
    return EVENT_LEVELS[name]
