"""Directory listing under the java backend, against plain CPython on a real tmp dir, side by side in one run.

    python benchmarks/fs_walk.py [--rounds 5]

Two workloads: `os.scandir` over 1,000 entries calling `entry.is_dir()` on each,
and `os.walk` over 10,000 files (100 directories of 100).  Each runs in a child
process of its own: plain CPython over a real tmp dir, and interposed (java
backend) over the `memory` provider (the tree written into it first) and over
`overlay` (the real tmp dir seen as the lower layer; the first look at a lower
directory reads its entries once, so the timed passes are the steady state).
Targets: scandir+is_dir at most 2x plain; os.walk at most 1.5x plain.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import compile_package, interleaved_medians, print_ratio  # noqa: E402

CHILD = r"""
import os, statistics, sys, time
fs, workload, root = sys.argv[1], sys.argv[2], sys.argv[3]
if fs != "plain":
    import interpose
    interpose.activate(backend="java", fs=fs, log_level="OFF")
    import os
if fs == "memory":
    make_tree(root)

def scandir_pass():
    for entry in os.scandir(f"{root}/flat"):
        entry.is_dir()

def walk_pass():
    for _ in os.walk(f"{root}/walk"):
        pass

run = scandir_pass if workload == "scandir" else walk_pass
run()  # warm: the overlay reads a lower directory on its first look
samples = []
for _ in range(15 if workload == "scandir" else 5):
    started = time.perf_counter()
    run()
    samples.append(time.perf_counter() - started)
print(statistics.median(samples))
"""


def make_tree(root: str) -> None:
    """The trees: on the host for plain CPython and the overlay's lower layer, and in the memory provider."""
    for d in range(100):
        os.makedirs(f"{root}/walk/d{d:03d}")
        for f in range(100):
            open(f"{root}/walk/d{d:03d}/f{f:03d}", "w").close()
    os.makedirs(f"{root}/flat")
    for i in range(1000):
        path = f"{root}/flat/e{i:04d}"
        if i % 10 == 0:
            os.mkdir(path)
        else:
            open(path, "w").close()


def child_seconds(fs: str, workload: str, root: str) -> float:
    tree = "/tree" if fs == "memory" else root
    source = inspect.getsource(make_tree) + CHILD  # the child makes the memory tree with the same function
    done = subprocess.run([sys.executable, "-c", source, fs, workload, tree], check=True, capture_output=True,
                          text=True)  # fmt: skip
    return float(done.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds, median kept (default 5)")
    args = parser.parse_args()
    compile_package()
    ratios: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as root:
        make_tree(root)
        for workload, title, target in (
            ("scandir", "os.scandir over 1,000 entries + entry.is_dir() (median per pass)", "at most 2x plain"),
            ("walk", "os.walk over 10,000 files in 100 directories (median per pass)", "at most 1.5x plain"),
        ):
            measured = interleaved_medians(
                {"plain CPython, real tmp dir": lambda w=workload: child_seconds("plain", w, root),
                 "java backend over memory": lambda w=workload: child_seconds("memory", w, root),
                 "java backend over overlay": lambda w=workload: child_seconds("overlay", w, root)},
                args.rounds,
            )  # fmt: skip
            print_ratio(title, {k: v * 1e3 for k, v in measured.items()}, "plain CPython, real tmp dir", "ms", target)
            base = measured["plain CPython, real tmp dir"]
            ratios[f"{workload}_memory_ratio"] = measured["java backend over memory"] / base
            ratios[f"{workload}_overlay_ratio"] = measured["java backend over overlay"] / base
    print(json.dumps(ratios))


if __name__ == "__main__":
    main()
