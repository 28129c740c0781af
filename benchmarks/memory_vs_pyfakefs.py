"""The java backend over the `memory` provider against pyfakefs's Patcher, side by side in one run.

    python benchmarks/memory_vs_pyfakefs.py [--ops 20000] [--rounds 5]

Each workload runs in a fresh child process per contender (both replace `os`
for the whole process): stat, open/write 100 B/close, listdir of 100 entries,
makedirs+rmdir.  Plain CPython on the real filesystem (a temp dir) is printed
for reference.  Target (issue 3): interpose's memory provider at least 5x faster
than pyfakefs.  pyfakefs is needed for this script only: `pip install pyfakefs`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile

WORKLOAD = r"""
import json, os, sys, time
ops, root = int(sys.argv[1]), sys.argv[2]

def measure():
    os.makedirs(root + "/listing", exist_ok=True)
    for i in range(100):
        open(f"{root}/listing/f{i:03d}", "wb").close()
    target = root + "/listing/f000"
    results = {}
    started = time.perf_counter()
    for _ in range(ops):
        os.stat(target)
    results["stat"] = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(ops):
        fd = os.open(root + "/w.bin", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.write(fd, b"x" * 100)
        os.close(fd)
    results["open/write 100 B/close"] = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(ops // 10):
        os.listdir(root + "/listing")
    results["listdir(100) (x1/10)"] = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(ops // 10):
        os.makedirs(root + "/a/b/c")
        os.rmdir(root + "/a/b/c")
        os.rmdir(root + "/a/b")
        os.rmdir(root + "/a")
    results["makedirs+rmdir (x1/10)"] = time.perf_counter() - started
    return results

if sys.argv[3] == "pyfakefs":
    from pyfakefs.fake_filesystem_unittest import Patcher
    with Patcher() as patcher:
        patcher.fs.create_dir(root)
        out = measure()
else:
    if sys.argv[3] == "interpose":
        os.makedirs(root, exist_ok=True)
    out = measure()
print(json.dumps(out))
"""


def run(label: str, ops: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as real_root:
        if label == "interpose":
            command = [sys.executable, "-m", "interpose", "--posix-backend=java", "--fs=memory",
                       "--log.python.compatibility.level=OFF", "-c", WORKLOAD, str(ops), "/bench", label]
        else:
            root = real_root if label == "plain" else "/bench"
            command = [sys.executable, "-c", WORKLOAD, str(ops), root, label]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ops", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    contenders = ("plain", "pyfakefs", "interpose")
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in contenders}
    for _ in range(args.rounds):
        for name in contenders:
            samples[name].append(run(name, args.ops))
    operations = list(samples["plain"][0])
    print(f"{args.ops} operations each (median of {args.rounds} interleaved runs), microseconds per operation")
    print(f"{'operation':<26}{'plain (real fs)':>16}{'pyfakefs':>12}{'interpose memory':>18}{'pyfakefs/ours':>15}")
    for op in operations:
        count = args.ops // 10 if "1/10" in op else args.ops
        median = {name: statistics.median(s[op] for s in samples[name]) / count * 1e6 for name in contenders}
        print(f"{op:<26}{median['plain']:>16.2f}{median['pyfakefs']:>12.2f}{median['interpose']:>18.2f}"
              f"{median['pyfakefs'] / median['interpose']:>14.1f}x")
    print("target: interpose's memory provider at least 5x faster than pyfakefs")


if __name__ == "__main__":
    main()
