"""The pure-Python FileIO under the C buffered classes against the builtin `open`, side by side.

DESIGN.md says a raw file class written in Python opens, reads and closes a small file about as fast as the
builtin; this prints the ratios that claim rests on.  Run: `.venv/bin/python benchmarks/io_open.py`.
The "twin" rows are the open the java backend builds: a text file opened for reading gets a C FileIO twin
(interpose/shims/io_open.py, `_make_twin`), which `readline` owes its speed to, at the cost of a few system
calls per open.  footprint.py measures the same readline through `python -m interpose`.
"""

from __future__ import annotations

import io
import os
import posix
import sys
import tempfile
import timeit
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks._timing import interleaved_medians, print_ratio  # noqa: E402
from interpose.backends.emulated.fileops import SPARES  # noqa: E402
from interpose.shims.io_open import build_io  # noqa: E402

ROUNDS = 15


def per_call_us(action: Callable[[], object], number: int) -> Callable[[], float]:
    """A measurement: microseconds per call of `action`, over `number` calls."""
    return lambda: timeit.timeit(action, number=number) / number * 1e6


def main() -> None:
    ours = build_io(posix).open
    twinned = build_io(posix, SPARES).open
    builtin = io.open
    with tempfile.TemporaryDirectory() as tmp:
        small = os.path.join(tmp, "small.bin")
        small_text = os.path.join(tmp, "small.txt")
        written = os.path.join(tmp, "written.bin")
        lines = os.path.join(tmp, "lines.txt")
        Path(small).write_bytes(os.urandom(4096))
        Path(small_text).write_text("".join(f"line {n}\n" for n in range(500)), "utf-8")
        Path(lines).write_text("".join(f"line {n:07d} of the benchmark text\n" for n in range(32768)), "utf-8")
        hundred = b"x" * 100

        def read_small(open_: Callable[..., io.BufferedReader]) -> Callable[[], object]:
            def action() -> object:
                with open_(small, "rb") as f:
                    return f.read()

            return action

        def write_small(open_: Callable[..., io.BufferedWriter]) -> Callable[[], object]:
            def action() -> object:
                with open_(written, "wb") as f:
                    return f.write(hundred)

            return action

        def read_small_text(open_: Callable[..., io.TextIOWrapper]) -> Callable[[], object]:
            def action() -> object:
                with open_(small_text, encoding="utf-8") as f:
                    return f.read()

            return action

        def readlines(open_: Callable[..., io.TextIOWrapper]) -> Callable[[], object]:
            def action() -> object:
                count = 0
                with open_(lines, encoding="utf-8") as f:
                    while f.readline():
                        count += 1
                return count

            return action

        cases = [
            ("open + read 4 KiB + close", read_small, 2000, "us"),
            ("open + write 100 B + close", write_small, 2000, "us"),
            ("text open + read 4 KiB + close", read_small_text, 2000, "us"),
            ("text readline over 1 MiB", readlines, 3, "ms"),
        ]
        for title, make, number, unit in cases:
            scale = 1e-3 if unit == "ms" else 1.0
            candidates = {
                "builtin open": per_call_us(make(builtin), number),
                "interpose FileIO (real posix)": per_call_us(make(ours), number),
                "interpose FileIO + twin (real posix)": per_call_us(make(twinned), number),
            }
            measured = {name: value * scale for name, value in interleaved_medians(candidates, ROUNDS).items()}
            print_ratio(title, measured, "builtin open", unit, "about 1x (DESIGN.md)")


if __name__ == "__main__":
    main()
