"""An os-heavy workload, interposed against plain CPython, side by side in one run.

    python benchmarks/os_overhead.py [--rounds 15]

Targets: the workload under the native backend at most 1.05x plain CPython, and
under the java backend over the host provider at most 2x.  Start-up, footprint,
subprocess.run and readline: benchmarks/footprint.py.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import compile_package, interleaved_medians, print_ratio  # noqa: E402

WORKLOAD = r"""
import os, sys, time
root = sys.argv[1]
names = [os.path.join(root, f"f{i:03d}") for i in range(200)]
if not os.path.exists(names[0]):
    os.makedirs(os.path.join(root, "sub", "deeper"), exist_ok=True)
    for name in names:
        with open(name, "wb") as f:
            f.write(b"x" * 100)
started = time.perf_counter()
for _ in range(25):
    for name in names:
        os.stat(name)
        fd = os.open(name, os.O_RDONLY)
        os.read(fd, 100)
        os.close(fd)
    for _ in range(20):
        os.listdir(root)
        for entry in os.scandir(root):
            entry.is_file()
        for _ in os.walk(root):
            pass
print(time.perf_counter() - started)
"""


def workload_seconds(command: list[str], root: str, env: dict[str, str]) -> float:
    output = subprocess.run(
        [*command, "-c", WORKLOAD, root], check=True, capture_output=True, text=True, env=env
    ).stdout
    return float(output.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    compile_package()
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERPOSE_")}
    plain = [sys.executable]
    interposed = [sys.executable, "-m", "interpose", "--posix-backend=native"]
    emulated = [sys.executable, "-m", "interpose", "--posix-backend=java", "--fs=host"]
    import tempfile

    with tempfile.TemporaryDirectory() as root:
        workload = interleaved_medians(
            {"plain CPython": lambda: workload_seconds(plain, root, env),
             "interposed, native backend": lambda: workload_seconds(interposed, root, env),
             "interposed, java backend over host": lambda: workload_seconds(emulated, root, env)},
            args.rounds,
        )  # fmt: skip
    print_ratio("os-heavy workload: stat, open/read/close, listdir, scandir, walk (median)",
                workload, "plain CPython", "s", "native backend at most 1.05x; java backend at most 2x")  # fmt: skip
    ratios = {
        "native_workload_ratio": workload["interposed, native backend"] / workload["plain CPython"],
        "java_workload_ratio": workload["interposed, java backend over host"] / workload["plain CPython"],
    }
    print(json.dumps(ratios))


if __name__ == "__main__":
    main()
