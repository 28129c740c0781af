"""Per-test cost of `interpose_fs` beside pyfakefs's `fs` and pytest's `tmp_path`.

Each fixture runs N tiny tests (write a file, read it back) in one pytest run of
its own, in a child process; the per-test cost is (run with the fixture - run
without any fixture) / N, so pytest's own start-up and per-test overhead cancel
out.  pyfakefs is needed only here: `pip install pyfakefs`.

    python benchmarks/fixture_cost.py [--tests N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BODY = {
    "none": ("", "tmp = '/tmp'"),
    "tmp_path": ("tmp_path", "tmp = str(tmp_path)"),
    "pyfakefs fs": ("fs", "os.makedirs('/data'); tmp = '/data'"),
    "interpose_fs": ("interpose_fs", "os.makedirs('/data'); tmp = '/data'"),
}


def test_module(fixture: str, setup: str, count: int) -> str:
    argument = fixture
    lines = ["import os", "import pytest", "", f"@pytest.mark.parametrize('i', range({count}))"]
    lines += [f"def test_tiny({argument + ', ' if argument else ''}i):", f"    {setup}"]
    lines += ["    with open(tmp + f'/f{i}', 'w') as f:", "        f.write('x')"]
    lines += ["    assert open(tmp + f'/f{i}').read() == 'x'", "    os.unlink(tmp + f'/f{i}')"]
    return "\n".join(lines) + "\n"


def run(name: str, count: int, workdir: Path) -> float:
    fixture, setup = BODY[name]
    module = workdir / f"test_{fixture or 'none'}.py"
    module.write_text(test_module(fixture, setup, count))
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",  # the plugin: pytest11 entry point
               f"--basetemp={workdir / 'basetemp'}", str(module)]  # fmt: skip
    start = time.perf_counter()
    done = subprocess.run(command, cwd=workdir, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{name}: pytest failed\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tests", type=int, default=300, help="tiny tests per fixture (default 300)")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds, median kept (default 3)")
    options = parser.parse_args()
    samples: dict[str, list[float]] = {name: [] for name in BODY}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for _ in range(options.repeat):  # interleaved, so that load on the machine falls on every fixture alike
            for name in BODY:
                samples[name].append(run(name, options.tests, workdir))
    totals = {name: statistics.median(values) for name, values in samples.items()}
    base = totals.pop("none")
    cost = {name: (total - base) / options.tests * 1000 for name, total in totals.items()}
    print(f"{options.tests} tiny tests per run, median of {options.repeat}; baseline (no fixture) {base:.2f} s")
    print(f"{'fixture':<14}{'run (s)':>10}{'per test (ms)':>16}{'vs tmp_path':>14}{'vs pyfakefs fs':>17}")
    for name, total in totals.items():
        print(f"{name:<14}{total:>10.2f}{cost[name]:>16.3f}{_ratio(cost[name], cost['tmp_path']):>14}"
              f"{_ratio(cost[name], cost['pyfakefs fs']):>17}")  # fmt: skip


def _ratio(value: float, reference: float) -> str:
    """A ratio, or n/a when the reference drowned in the noise (its cost measured at or below zero)."""
    return f"{value / reference:.2f}x" if reference > 0 else "n/a"


if __name__ == "__main__":
    main()
