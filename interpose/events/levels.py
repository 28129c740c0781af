"""Java logging levels, as GraalPy's `--log.<logger>.level` option spells them.

The numbers are Python `logging` numbers so that both scales sort together:
SEVERE is ERROR, WARNING is WARNING, INFO is INFO, FINE is DEBUG, and the levels
in between or below take the free numbers.
"""

from __future__ import annotations

SEVERE = 40
WARNING = 30
INFO = 20
CONFIG = 15
FINE = 10
FINER = 7
FINEST = 5
ALL = 0
OFF = 1000

_BY_NAME: dict[str, int] = {
    "OFF": OFF,
    "SEVERE": SEVERE,
    "WARNING": WARNING,
    "INFO": INFO,
    "CONFIG": CONFIG,
    "FINE": FINE,
    "FINER": FINER,
    "FINEST": FINEST,
    "ALL": ALL,
}
_BY_NUMBER: dict[int, str] = {number: name for name, number in _BY_NAME.items()}

NAMES: tuple[str, ...] = tuple(_BY_NAME)


def parse_level(text: str | int) -> int:
    """Return the number of a level given by Java name (any case) or number."""
    if isinstance(text, int):
        return text
    number = _BY_NAME.get(text.strip().upper())
    if number is None:
        raise ValueError(f"unknown log level {text!r}; expected one of {', '.join(NAMES)}")
    return number


def level_name(number: int) -> str:
    """Return the Java name of a level number (the nearest lower named level)."""
    name = _BY_NUMBER.get(number)
    if name is not None:
        return name
    below = [n for n in _BY_NUMBER if n <= number]
    return _BY_NUMBER[max(below)] if below else "ALL"
